"""``nanoflux assignment`` (issue 21, item 5): the exercises as an nbgrader course, graded by nbgrader's own
pipeline offline (generate the student version, autograde a right and a wrong submission, export the grades),
and as a printable sheet with a separate key; refusals are one line with exit status 2."""
import csv
import html
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nanoflux.classroom import assignment, exercises
from nanoflux.classroom.assignment import ASSIGNMENT, NOTEBOOK

from helpers import RUN_GUARD_S

NUMBER = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w.])")


def answers_in(texts) -> list:
    """(exercise, text) for every number written in ``texts`` that an exercise would accept as its answer, once
    the questions' own words are taken out (they give data: 0.5 T, 100 times, 10^23, N = 1)."""
    found = []
    for text in texts:
        for ex in exercises.EXERCISES.values():
            text = text.replace(ex.question, "").replace(html.escape(ex.question, quote=False), "")
        for match in NUMBER.finditer(text):
            value = float(match.group())
            for key, ex in exercises.EXERCISES.items():
                if math.isclose(value, exercises.expected(key), rel_tol=ex.rel_tol):
                    found.append((key, match.group()))
    return found


def _cells_text(nb) -> list:
    return [cell.source for cell in nb.cells] + [json.dumps(cell.metadata) for cell in nb.cells]


def _nanoflux(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "nanoflux", "assignment", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=RUN_GUARD_S)


# -- nbgrader's own pipeline ---------------------------------------------------------------------------------

def _nbgrader(course: Path, *args):
    """``nbgrader ARGS`` run from the course folder, as a teacher runs it (the environment's bin first on PATH:
    nbgrader's gradebook runs the ``alembic`` command by name)."""
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
           "MPLBACKEND": "Agg"}
    done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course, env=env, capture_output=True,
                          text=True, timeout=RUN_GUARD_S)
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-3000:])
    return done


def _submit(course: Path, student: str, answers: dict):
    """The released notebook with ``answers`` typed into its answer cells, as nbgrader collects it."""
    nb = nbformat.read(str(course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"), as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id.endswith("-answer"):
            key = grade_id.split("-")[0]
            cell.source = f"{key} = {answers[key]!r}"
    folder = course / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    nbformat.write(nb, str(folder / f"{NOTEBOOK}.ipynb"))
    (folder / "timestamp.txt").write_text("2026-12-01 10:00:00.000000 UTC")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A course written by ``nanoflux assignment --format nbgrader``, put through nbgrader's pipeline: the
    student version generated, alice's right answers and bob's common mistakes (ex2 right) autograded, the
    grades exported."""
    pytest.importorskip("nbgrader")
    course = tmp_path_factory.mktemp("teacher") / "course"
    written = _nanoflux("--format", "nbgrader", str(course))
    assert written.returncode == 0, written.stderr
    _nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    right = {key: exercises.expected(key) for key in exercises.EXERCISES}
    wrong = {key: float(ex.mistakes[0][0]()) for key, ex in exercises.EXERCISES.items()}
    wrong["ex2"] = right["ex2"]
    _submit(course, "alice", right)
    _submit(course, "bob", wrong)
    _nbgrader(course, "autograde", ASSIGNMENT, "--force")
    _nbgrader(course, "export", "--to", "grades.csv")
    with open(course / "grades.csv", newline="") as table:
        grades = {row["student_id"]: row for row in csv.DictReader(table)}
    return {"course": course, "grades": grades, "stdout": written.stdout}


@pytest.mark.notebooks
def test_nbgrader_grades_a_right_and_a_wrong_submission(graded):
    # witness: nbgrader's own export of the gradebook (grades.csv), after its autograder ran each notebook
    grades = graded["grades"]
    assert sorted(grades) == ["alice", "bob"]
    assert float(grades["alice"]["score"]) == 5.0 and float(grades["alice"]["max_score"]) == 5.0
    assert float(grades["bob"]["score"]) == 1.0 and float(grades["bob"]["max_score"]) == 5.0
    assert f"nbgrader generate_assignment {ASSIGNMENT}" in graded["stdout"]


@pytest.mark.notebooks
def test_the_student_version_holds_no_answer(graded):
    # witness: every number in nbgrader's student version (cells and their metadata), against each exercise's
    # value; the same search in the teacher's source finds all five (so it can find one)
    course = graded["course"]
    released = course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"
    student = nbformat.read(str(released), as_version=4)
    source = nbformat.read(str(course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"), as_version=4)
    assert sorted({key for key, _ in answers_in(_cells_text(source))}) == sorted(exercises.EXERCISES)
    assert answers_in(_cells_text(student)) == []
    text = released.read_text()
    assert not any(marker in text for marker in ("BEGIN SOLUTION", "HIDDEN TESTS", "_check("))
    assert sum("raise NotImplementedError()" in cell.source for cell in student.cells) == len(exercises.EXERCISES)


@pytest.mark.notebooks
def test_a_wrong_answer_is_told_the_hint_not_the_answer(graded):
    # witness: the error nbgrader's autograder recorded under bob's ex1 test cell
    nb = nbformat.read(str(graded["course"] / "autograded" / "bob" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"),
                       as_version=4)
    cell = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "ex1-test")
    shown = "\n".join(out.get("evalue", "") for out in cell.outputs)
    assert "ex1: not yet" in shown and "that is the radius in metres" in shown
    assert answers_in([shown]) == []


# -- the printable sheet and its key --------------------------------------------------------------------------

def test_the_sheet_has_every_question_and_no_answer_and_the_key_has_them(tmp_path):
    # witness: the numbers written in the two files, against each exercise's value
    done = _nanoflux("--format", "html", str(tmp_path / "sheet"))
    assert done.returncode == 0 and done.stderr == "", done.stderr
    sheet = (tmp_path / "sheet" / "exercises.html").read_text()
    key = (tmp_path / "sheet" / "answer_key.html").read_text()
    for ex in exercises.EXERCISES.values():
        assert f"<b>{ex.key}.</b>" in sheet and f"<b>{ex.key}.</b>" in key
    assert answers_in([re.sub(r"<[^>]+>", " ", sheet)]) == []
    assert sorted({k for k, _ in answers_in([re.sub(r"<[^>]+>", " ", key)])}) == sorted(exercises.EXERCISES)
    # typeset offline: the MathJax both pages load is in the folder, and nothing comes from the network
    assert (tmp_path / "sheet" / "mathjax" / "tex-chtml-full.js").is_file()
    assert not re.search(r"(?:src|href)=\"https?:", sheet + key)


@pytest.mark.parametrize("args, words", [
    (["--format", "pdf"], "argument --format: invalid choice: 'pdf'"),
    (["--format", "nbgrader", "full"], "DIR must be a new or empty folder (nothing is overwritten); got 'full'"),
    (["a-file"], "DIR must be a new or empty folder; got 'a-file', which is a file"),
    ([], "the following arguments are required: DIR"),
])
def test_a_refusal_is_one_line_with_status_2_and_writes_nothing(tmp_path, args, words):
    # witness: the command's exit status and standard error, and the folder's files before and after
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "mine.txt").write_text("the teacher's")
    (tmp_path / "a-file").write_text("")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    done = _nanoflux(*args, *(["new"] if args == ["--format", "pdf"] else []), cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and words in done.stderr, done.stderr
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "full" / "mine.txt").read_text() == "the teacher's"


def test_the_source_notebook_is_nbgraders(tmp_path):
    # witness: the cells' nbgrader metadata and sources as nbformat reads the written notebook
    files = assignment.write_nbgrader(assignment.new_folder(tmp_path / "course"))
    nb = nbformat.read(str(files[1]), as_version=4)
    nbformat.validate(nb)
    kinds = [(c.metadata["nbgrader"]["solution"], c.metadata["nbgrader"]["grade"]) for c in nb.cells]
    assert kinds.count((True, False)) == kinds.count((False, True)) == len(exercises.EXERCISES)
    assert sum(c.metadata["nbgrader"].get("points", 0) for c in nb.cells) == len(exercises.EXERCISES)
    assert len({c.metadata["nbgrader"]["grade_id"] for c in nb.cells}) == len(nb.cells)
    assert "c.CourseDirectory.course_id" in files[0].read_text()
