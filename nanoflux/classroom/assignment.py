"""The exercises of :mod:`nanoflux.classroom.exercises` as a teacher hands them out (``nanoflux assignment``).

* ``nbgrader``: an nbgrader course folder, ``nbgrader_config.py`` and ``source/<ASSIGNMENT>/exercises.ipynb``: per
  exercise its question, a solution cell (the value the module computes, between nbgrader's solution markers)
  and an autograder test worth one point. The test's visible part checks that the answer is a finite number;
  its hidden part passes the answer to :func:`nanoflux.classroom.exercises.check`, so a wrong answer's
  feedback shows that function's hint, never the value (grading needs nanoflux where nbgrader runs). The
  teacher releases, collects and autogrades it with nbgrader's own commands.
* ``html``: a printable exercise sheet for students and, in a separate file, the key (each expected value,
  its tolerance, and the mistakes :func:`~nanoflux.classroom.exercises.check` recognises), both typeset by a
  copy of MathJax in the folder, so they print without a network.

Nothing is overwritten: the folder must be new or empty.
"""
from __future__ import annotations

import html
import os
from pathlib import Path

from nanoflux.classroom.exercises import EXERCISES, expected
from nanoflux.formatting import num, percent
from nanoflux.validate import InputError, InputTypeError, printable

#: What ``nanoflux assignment --format`` writes.
FORMATS = ("nbgrader", "html")
#: The nbgrader assignment's name and its one notebook's.
ASSIGNMENT, NOTEBOOK = "nanoflux-exercises", "exercises"
#: nbgrader's cell metadata schema.
SCHEMA = 3
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

CONFIG = '''"""nbgrader's configuration for the nanoflux exercises (written by `nanoflux assignment --format nbgrader`).

Run nbgrader's commands from this folder, e.g.
    nbgrader generate_assignment {assignment}
    nbgrader release_assignment {assignment}      (on a JupyterHub with nbgrader's exchange)
    nbgrader collect {assignment}
    nbgrader autograde {assignment}
    nbgrader generate_feedback {assignment}
    nbgrader export
Grading runs each answer through nanoflux.classroom.exercises.check: nanoflux must be installed where nbgrader
runs the notebooks. The feedback pages load MathJax from a CDN: offline, their mathematics shows as TeX source.
"""
c = get_config()  # noqa: F821 (nbgrader's configuration loader provides it)
c.CourseDirectory.course_id = "nanoflux"
c.ExecutePreprocessor.timeout = 120
c.ClearSolutions.code_stub = {{"python": "# YOUR ANSWER HERE (a number)\\nraise NotImplementedError()"}}
'''


class AssignmentError(InputError):
    """A folder ``nanoflux assignment`` cannot write into; the message names it and why."""


def new_folder(value) -> Path:
    """The folder ``value`` names when it is new or empty (it is created); AssignmentError otherwise."""
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value).strip():
        raise InputTypeError(f"DIR must be a folder path; got {printable(repr(value))}")
    path = Path(os.fspath(value)).expanduser()
    shown = printable(repr(os.fspath(value)))
    if path.exists() and not path.is_dir():
        raise AssignmentError(f"DIR must be a new or empty folder; got {shown}, which is a file")
    if path.is_dir() and any(path.iterdir()):
        raise AssignmentError(f"DIR must be a new or empty folder (nothing is overwritten); got {shown}, which "
                              "holds files")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise AssignmentError(f"DIR {shown} cannot be made: {(exc.strerror or str(exc)).lower()}") from None
    return path.resolve()


# -- nbgrader ---------------------------------------------------------------------------------------------

def _nbgrader(kind: str, grade_id: str, points: int = 0) -> dict:
    """nbgrader's metadata of a cell: ``kind`` "question" (read-only), "answer" (a solution) or "test"."""
    meta = {"schema_version": SCHEMA, "grade_id": grade_id, "locked": kind != "answer",
            "solution": kind == "answer", "grade": kind == "test", "task": False}
    if kind == "test":
        meta["points"] = points
    return {"nbgrader": meta}


def _unit(ex) -> str:
    return f" in {ex.unit}" if ex.unit else ""


def _test_source(key: str) -> str:
    """The autograder cell of exercise ``key``: visibly a finite number; hidden, nanoflux's check."""
    return (f"# checks {key} (more checks run when it is graded)\n"
            "import math\n"
            f"assert isinstance({key}, (int, float)) and not isinstance({key}, bool), \"{key} must be a number\"\n"
            f"assert math.isfinite({key}), \"{key} must be a finite number\"\n"
            "### BEGIN HIDDEN TESTS\n"
            "from nanoflux.classroom.exercises import check as _check\n"
            f"_result = _check({key!r}, {key})\n"
            "assert _result.correct, _result.message\n"
            "### END HIDDEN TESTS")


def source_notebook():
    """nbgrader's source notebook: an introduction, then per exercise its question, solution and test cells."""
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = [new_markdown_cell(
        "# Critical radii: exercises\n\nAnswer each question by assigning a number to the variable its cell "
        "names (for example `ex1 = 12.5`), then run every cell. Each answer is checked to within the "
        "tolerance its question states; a wrong answer's feedback gives a hint.", metadata=_nbgrader(
            "question", "introduction"))]
    for ex in EXERCISES.values():
        question = f"**{ex.key}.** {ex.question} *(answer{_unit(ex)}, within {percent(ex.rel_tol)})*"
        cells.append(new_markdown_cell(question, metadata=_nbgrader("question", f"{ex.key}-question")))
        solution = f"### BEGIN SOLUTION\n{ex.key} = {expected(ex.key)!r}\n### END SOLUTION"
        cells.append(new_code_cell(f"# your answer to {ex.key}{_unit(ex)}, a number\n{solution}",
                                   metadata=_nbgrader("answer", f"{ex.key}-answer")))
        cells.append(new_code_cell(_test_source(ex.key), metadata=_nbgrader("test", f"{ex.key}-test", points=1)))
    return new_notebook(cells=cells, metadata={"kernelspec": dict(KERNELSPEC),
                                               "language_info": {"name": "python"}})


def write_nbgrader(folder: Path) -> list[Path]:
    """Write the nbgrader course into the (new or empty) ``folder``; the files written."""
    import nbformat

    config = folder / "nbgrader_config.py"
    config.write_text(CONFIG.format(assignment=ASSIGNMENT), encoding="utf-8")
    notebook = folder / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    notebook.parent.mkdir(parents=True)
    nbformat.write(source_notebook(), str(notebook))
    return [config, notebook]


# -- the printable sheet and its key ----------------------------------------------------------------------

STYLE = """
body { font: 12pt/1.5 Georgia, 'DejaVu Serif', serif; max-width: 42em; margin: 2em auto; color: #111; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } .note { color: #444; margin-top: 0; }
ol { padding-left: 1.5em; } li { margin: 1.2em 0; break-inside: avoid; }
.answer { display: block; margin-top: 0.6em; border-bottom: 1px solid #555; width: 18em; height: 1.6em; }
.value { font-weight: bold; } .mistake { color: #444; }
@page { size: A4; margin: 2cm; } @media print { body { margin: 0; max-width: none; } }
"""


def _page(title: str, note: str, items: list[str]) -> str:
    """A page with ``title``, a ``note`` under it and an ordered list of ``items`` (HTML), MathJax from its folder."""
    body = "\n".join(f"<li>{item}</li>" for item in items)
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>\n'
            f"<style>{STYLE}</style>\n"
            "<script>window.MathJax = {tex: {inlineMath: [['$', '$']]}, "
            "options: {enableMenu: false}};</script>\n"
            '<script src="mathjax/tex-chtml-full.js" defer></script>\n</head>\n<body>\n'
            f"<h1>{html.escape(title)}</h1>\n<p class=\"note\">{note}</p>\n<ol>\n{body}\n</ol>\n</body>\n</html>\n")


def _question(ex) -> str:
    return (f"<b>{ex.key}.</b> {html.escape(ex.question, quote=False)} <i>(answer{_unit(ex)}, within "
            f"{percent(ex.rel_tol)})</i>")


def sheet_html() -> str:
    """The students' sheet: each question with its unit, tolerance and a line for the answer; no answer."""
    return _page("Critical radii: exercises",
                 "Name: ____________________ &nbsp; Give each answer as a number, in the unit asked.",
                 [_question(ex) + '<span class="answer"></span>' for ex in EXERCISES.values()])


def key_html() -> str:
    """The teacher's key: each question with its expected value (computed by nanoflux), its tolerance and the
    common mistakes the classroom app recognises, with their values and the hint it gives."""
    items = []
    for ex in EXERCISES.values():
        unit = f" {ex.unit}" if ex.unit else ""
        value = expected(ex.key)
        mistakes = "".join(f'<br><span class="mistake">A common mistake, {num(wrong())}: '
                           f"{html.escape(why, quote=False)}</span>" for wrong, why in ex.mistakes)
        items.append(f"{_question(ex)}<br>Expected: <span class=\"value\">{num(value)}{unit}</span> "
                     f"(right from {num(value * (1 - ex.rel_tol))} to {num(value / (1 - ex.rel_tol))}{unit})"
                     f"{mistakes}")
    return _page("Critical radii: the key (for teachers)",
                 "Expected values computed by nanoflux (nanoflux.classroom.exercises), and the common mistakes "
                 "the classroom app answers with a hint. Keep this page apart from the students' sheet.", items)


def write_html(folder: Path) -> list[Path]:
    """Write the sheet, the key and MathJax (their typesetting, offline) into the (new or empty) ``folder``."""
    from nanoflux.site.mathjax import copy_mathjax

    copy_mathjax(folder / "mathjax")
    sheet, key = folder / "exercises.html", folder / "answer_key.html"
    sheet.write_text(sheet_html(), encoding="utf-8")
    key.write_text(key_html(), encoding="utf-8")
    return [sheet, key]


def write_assignment(out, format: str = "html") -> list[Path]:
    """Write the exercises in ``format`` (one of :data:`FORMATS`) into ``out``, a new or empty folder; the main
    files written. Nothing is written when ``format`` or ``out`` is refused."""
    if format not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}; got {printable(repr(format))}")
    if format == "html":
        from nanoflux.site.errors import SiteError
        from nanoflux.site.mathjax import mathjax_source

        try:
            mathjax_source()  # before the folder is made
        except SiteError as exc:
            raise AssignmentError(str(exc)) from None
    folder = new_folder(out)
    return write_nbgrader(folder) if format == "nbgrader" else write_html(folder)
