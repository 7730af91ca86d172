"""Each notebook as a page of the reading site: its title and purpose, whether it still holds every output
it should show, and the copy Sphinx reads (inputs collapsed, formulas on one line, live widgets and
anything that could run left out).

A notebook that has lost an output it should show is refused (:func:`missing_outputs`), so the site
never shows a page without its figure or table.
"""
from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass

from nanoflux.running.stored import WIDGET_MIME
from nanoflux.site.errors import SiteError
from nanoflux.site.markdown import markdown_text, one_line_maths
from nanoflux.site.sanitize import html_text, markdown_without_html, sanitize_svg


@dataclass(frozen=True)
class Page:
    """One notebook on the site: its stem, title and one-line purpose (plain text and as Markdown)."""

    stem: str
    title: str
    description: str
    title_markdown: str = ""
    description_markdown: str = ""

    @property
    def href(self) -> str:
        return f"notebooks/{self.stem}.html"


def page_of(nb, stem: str) -> Page:
    """Title (the first heading of the opening markdown cell) and purpose (the first sentence after it)."""
    first = next((c for c in nb.cells if c.cell_type == "markdown"), None)
    if first is None or not first.source.lstrip().startswith("# "):
        raise SiteError(f"{stem} must open with a markdown cell whose first line is a '# ' title")
    lines = first.source.strip().splitlines()
    title = lines[0][2:].strip()
    paragraph = "\n".join(lines[1:]).strip().split("\n\n")[0]  # the first paragraph after the title
    body = " ".join(line.strip() for line in paragraph.splitlines() if line.strip())
    match = re.match(r"(.+?[.!?])(?=\s+[A-Z(]|\s*$)", body)  # "Eq. 4" does not end a sentence
    sentence = match.group(1) if match else body
    return Page(stem, markdown_text(html_text(title)), markdown_text(html_text(sentence)),
                markdown_without_html(title), markdown_without_html(sentence))


# -- which code cells must show output ----------------------------------------------------------------

_SHOWING_CALLS = {"print", "display"}


def _python_source(source: str) -> str:
    """A cell's source as plain Python: IPython's magics (%matplotlib, !ls) become calls."""
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager().transform_cell(source)


def _is_magic(node: ast.AST) -> bool:
    """``get_ipython().run_line_magic(...)`` and friends: what a ``%magic`` line becomes."""
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Call) and isinstance(node.func.value.func, ast.Name)
            and node.func.value.func.id == "get_ipython")


def _call_name(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id
        if isinstance(node.func, ast.Attribute):
            return node.func.attr
    return None


def _ends_with_semicolon(code: str) -> bool:
    """IPython shows no value for a cell whose last token is ``;``."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline)
                  if t.type not in (tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER,
                                    tokenize.INDENT, tokenize.DEDENT)]
    except (tokenize.TokenError, SyntaxError):
        return False
    return bool(tokens) and tokens[-1].string == ";"


def shows_output(source: str) -> bool:
    """Whether a code cell, whenever it runs, shows something: the rule for a lost output.

    A cell shows output when, at its top level (not inside ``if``, ``for``, ``with``, ``try`` or a
    function, which may run no line at all), it calls ``print(...)`` or ``display(...)``, or it ends
    with an expression whose value IPython displays (not a ``%magic``, not silenced by a trailing
    ``;``). A cell that ends with a call returning ``None`` would be counted as showing output; write
    ``_ = f()`` or end it with ``;`` there. Cells whose source is not Python are not counted.
    """
    try:
        code = _python_source(source)
        body = ast.parse(code).body
    except (SyntaxError, ValueError):
        return False
    if not body:
        return False
    last = body[-1]
    if isinstance(last, ast.Expr) and not _is_magic(last.value) and not _ends_with_semicolon(code):
        return True
    return any(isinstance(s, ast.Expr) and _call_name(s.value) in _SHOWING_CALLS for s in body)


def missing_outputs(nb) -> list[str]:
    """What the stored notebook lacks that it should show: one phrase per code cell, empty when complete.

    A code cell with source that was never run (no execution count) lacks its run; a cell that
    :func:`shows_output` but has no outputs lacks its output.
    """
    problems = []
    for number, cell in enumerate((c for c in nb.cells if c.cell_type == "code"), start=1):
        if not cell.source.strip():
            continue
        if cell.get("execution_count") is None:
            problems.append(f"code cell {number} was never run")
        elif not cell.get("outputs") and shows_output(cell.source):
            problems.append(f"code cell {number} has lost its output")
    return problems


def check_outputs(nb, name: str) -> None:
    """Refuse (SiteError, one line) a notebook that is unexecuted or has lost an output it should show."""
    problems = missing_outputs(nb)
    code = [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]
    if code and not any(c.get("outputs") for c in code):
        raise SiteError(f"{name} has no outputs: run `nanoflux reproduce` first, so the stored notebooks "
                        "hold their results")
    if problems:
        shown = "; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else "")
        raise SiteError(f"{name} is incomplete ({shown}): run `nanoflux reproduce` first, so the stored "
                        "notebooks hold their results")


def check_canonical(nb, path) -> None:
    """Refuse (SiteError, one line) a stored notebook that a canonical run did not write as it stands (a run in
    Jupyter with other values saved over it, say), naming it and the commands that restore it."""
    from nanoflux.running.stored import not_canonical

    why = not_canonical(nb)
    if why:
        shown = f"notebooks/{path.name}"
        raise SiteError(f"{shown} is not the companion's own ({why}): restore it with `git checkout -- {shown}` "
                        f"or `nanoflux reproduce --only {path.stem[:2]}`, then build the site again")


# -- preparing a notebook's copy ----------------------------------------------------------------------

#: Output types a static page does not show: live widgets and JavaScript.
_DROPPED_MIME = ("application/javascript", "text/javascript", *WIDGET_MIME)

#: Tags under which MyST-NB already hides or removes a cell's input.
_HIDING_TAGS = {"hide-input", "remove-input", "hide-cell", "remove-cell"}


def image_description(cell) -> str | None:
    """What a cell's image shows, in words: the plain-text form displayed with it (nanoflux's figures
    carry their description there), unless that is only a Python repr such as ``<Figure ...>``."""
    for out in cell.get("outputs", []):
        data = out.get("data") or {}
        if any(mime.startswith("image/") for mime in data) and "text/plain" in data:
            text = data["text/plain"]
            text = " ".join(("".join(text) if isinstance(text, list) else text).split())
            if text and not text.startswith("<"):
                return text
    return None


#: Notebook metadata the site keeps: everything else (MyST-NB's ``mystnb`` overrides such as an execution mode,
#: MyST's ``myst`` settings, widget state) is dropped, so a notebook cannot change how the site is built.
_KEPT_METADATA = ("kernelspec", "language_info")
#: Attachments (images in Markdown cells) kept as they are; an SVG one is sanitized, any other dropped.
_RASTER = ("image/png", "image/jpeg", "image/gif", "image/webp")


def _clean_attachments(cell) -> None:
    for name, bundle in list(cell.get("attachments", {}).items()):
        kept = {mime: data for mime, data in bundle.items() if mime in _RASTER}
        svg = sanitize_svg(bundle.get("image/svg+xml")) if "image/svg+xml" in bundle else None
        if svg is not None:
            kept["image/svg+xml"] = svg
        if kept:
            cell.attachments[name] = kept
        else:
            del cell.attachments[name]


def _clean_outputs(cell) -> list:
    outputs = []
    for out in cell.get("outputs", []):
        data = out.get("data")
        if data is not None:
            for mime in _DROPPED_MIME:
                data.pop(mime, None)
            if "text/markdown" in data:
                markdown = data["text/markdown"]
                data["text/markdown"] = one_line_maths("".join(markdown) if isinstance(markdown, list) else markdown)
            if "image/svg+xml" in data:  # it becomes a file of the site, which a reader may open
                svg = sanitize_svg(data["image/svg+xml"])
                if svg is None:
                    data.pop("image/svg+xml")
                else:
                    data["image/svg+xml"] = svg
            if not data and out.get("output_type") in ("display_data", "execute_result"):
                continue
        outputs.append(out)
    return outputs


def prepare_notebook(nb):
    """The copy Sphinx reads: only the kernel and language of the notebook's metadata (nothing that configures
    MyST-NB, such as an execution mode: the site never executes); no raw cells (Jupyter does not show them);
    no widget state or JavaScript outputs; SVG outputs and attachments sanitized (nanoflux.site.sanitize);
    every code input collapsed (MyST-NB's ``hide-input`` tag) except the cell tagged ``parameters``; formulas
    on one line (:func:`one_line_maths`), in Markdown cells and Markdown outputs."""
    nb.metadata = type(nb.metadata)({k: nb.metadata[k] for k in _KEPT_METADATA if k in nb.metadata})
    nb.cells = [cell for cell in nb.cells if cell.cell_type in ("markdown", "code")]
    for cell in nb.cells:
        tags = [t for t in cell.metadata.get("tags", []) if isinstance(t, str)]
        cell.metadata = type(cell.metadata)({"tags": tags} if tags else {})
        if cell.cell_type == "markdown":
            cell.source = one_line_maths(cell.source)
            _clean_attachments(cell)
            continue
        if "parameters" not in tags and not _HIDING_TAGS & set(tags):
            cell.metadata["tags"] = tags + ["hide-input"]
        cell.outputs = _clean_outputs(cell)
        alt = image_description(cell)
        if alt:  # MyST-NB's cell-level image option: the figure's words become its alt text
            cell.metadata["mystnb"] = {"image": {"alt": alt}}
    return nb
