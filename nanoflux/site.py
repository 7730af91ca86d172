"""A static reading site of the executed notebooks: ``nanoflux site`` and ``make site``.

Sphinx with MyST-NB and sphinx-book-theme renders the stored notebooks in ``notebooks/`` as they were
last run by ``nanoflux reproduce``: MyST-NB does not execute them, their stored outputs are the content.
The configuration lives in ``nanoflux/_site/`` (``conf.py``, ``docutils.conf``, ``_static/``); this
module prepares a temporary source folder, runs Sphinx on it and moves the result into place.

What a reader gets:

- ``index.html``: the paper's reference, each notebook with its title and one-line purpose (from its
  opening cell), the two recomputed figures with captions and alt text, and the claims ledger as a
  table (key, with the claim's statement on hover; printed value, recomputed value, whether they agree,
  where in the paper);
- one page per numbered notebook, ``notebooks/<stem>.html``, with its equations typeset by MathJax 3
  (numbered by the paper's own ``\\tag{n}``), a table of contents, previous/next links, code inputs
  collapsed except the cell tagged ``parameters``, and the stored outputs;
- full-text search (``search.html``) that works from the folder opened from disk and over http.

Nothing is fetched from the network when a page is viewed: MathJax 3 (its TeX-to-CHTML component with
every TeX package built in, its ``safe`` filter, its fonts and its licence, from the
``django-static-mathjax`` package on PyPI) is copied into ``_static/mathjax/``. A rebuild from the same notebooks gives byte-identical files; files are
world-readable (0644, folders 0755).

What a notebook carries is not trusted. Before Sphinx sees a notebook, its copy loses live-widget state,
JavaScript outputs and SVG outputs that could run or load anything; after Sphinx has parsed it, every raw HTML fragment on the page (HTML outputs,
HTML in Markdown cells and in Markdown outputs) is sanitized by :func:`sanitize_html`, remote images are
dropped and links that would leave the site become plain text (:func:`sanitize_doctree`). Markdown
cannot include files or pass raw HTML through ``{raw}`` (``_site/docutils.conf``), and TeX cannot make
links or styles that leave the site (MathJax's ``safe`` filter, ``_site/conf.py``).

The copy is also read as Jupyter reads it: formulas first (:func:`one_line_maths`), so a line of a
``$$...$$`` formula that starts with ``+`` does not become a list item.

A notebook that has lost an output it should show is refused (:func:`missing_outputs`), so the site
never shows a page without its figure or table.
"""
from __future__ import annotations

import ast
import contextlib
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import tokenize
from dataclasses import dataclass
from pathlib import Path

from .figures import saved_description
from .outputs import check_folder
from .runner import BUILD_DIR, FIGURES_DIR, NOTEBOOKS_DIR, notebooks

SITE_DIR = BUILD_DIR / "site"

#: Sphinx's configuration folder: conf.py, docutils.conf and the site's own static files.
CONF_DIR = Path(__file__).resolve().parent / "_site"

#: Marks a folder as a site this module wrote, so rebuilding may replace it.
MARKER = ".nanoflux-site"

#: Fixed time for Sphinx (SOURCE_DATE_EPOCH): nothing on the site depends on when it was built.
SOURCE_DATE_EPOCH = "315532800"  # 1980-01-01, as reproducible-builds.org suggests for "no date"

#: The figures on the index page: file in figures/, the notebook that draws it, caption (MyST Markdown,
#: ``{notebook}`` becomes a link to that notebook's page) and alt text (what the figure shows).
FIGURES = (
    ("fig1.png", "03_figure1",
     "Figure 1 recomputed ({notebook}): particles larger than, at and below the flux-quantum critical "
     r"radius at 1 T, each drawn with $\lfloor B\pi r^2/\Phi_0 \rfloor$ flux lines."),
    ("fig2.png", "04_figure2",
     "Figure 2 recomputed ({notebook}): the flux-quantum radius against $B$ (Eq. 4, blue) and the "
     "mean-field radius against $N$ (red) on one log-log chart, with the paper's printed values marked."),
)

#: The paper, as far as the text we have gives it (README, "The paper").
PAPER = (
    "A letter in *MRS Communications*, as an accepted manuscript: its running head reads "
    "\"MRS COMMUNICATIONS · VOLUME XX · ISSUE xx · www.mrs.org/mrc\", so volume, issue and pages were "
    "not yet assigned, and the text gives no title line, authors or DOI. It argues that below a "
    "critical size (about 25.7 nm) an isolated magnetic particle's field can no longer be read as a "
    "continuous, divergence-free $\\mathbf B$. The notebooks cite it by equation, table and figure "
    "number (\"the paper, Eq. 4\")."
)


class SiteError(ValueError):
    """The site cannot be built from what is there (no notebooks, lost outputs, missing figures)."""


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


def _markdown_text(source: str) -> str:
    """Markdown reduced to plain text for the index: no emphasis marks, code ticks or link targets."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", source)
    return re.sub(r"[*_`]", "", text)


def describe(nb, stem: str) -> Page:
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
    return Page(stem, _markdown_text(title), _markdown_text(sentence), title, sentence)


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


# -- preparing a notebook's copy ----------------------------------------------------------------------

#: Output types a static page does not show: live widgets and JavaScript.
_DROPPED_MIME = ("application/javascript", "application/vnd.jupyter.widget-view+json",
                 "application/vnd.jupyter.widget-state+json", "text/javascript")

#: An SVG output that could run or load something when opened as a file of the site.
_UNSAFE_SVG = re.compile(r"<script|<foreignObject|<!ENTITY|\bon[a-z]+\s*=|javascript:|"
                         r"(?:href|src)\s*=\s*[\"']?\s*(?!data:image/(?:png|jpeg|gif|webp)[;,])[a-z][a-z0-9+.\-]*:|"
                         r"url\(\s*[\"']?\s*(?![#\"')])|"
                         r"@import", re.IGNORECASE)

#: Tags under which MyST-NB already hides or removes a cell's input.
_HIDING_TAGS = {"hide-input", "remove-input", "hide-cell", "remove-cell"}


def _fence_end(text: str, start: int) -> int:
    """Where the fenced code block opening at ``start`` ends (after its closing fence), or the text's end."""
    fence = re.match(r"(`{3,}|~{3,})", text[start:]).group(1)
    close = re.compile(rf"^[ ]{{0,3}}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", re.M)
    line_end = text.find("\n", start)
    found = close.search(text, line_end + 1) if line_end >= 0 else None
    return found.end() if found else len(text)


def one_line_maths(markdown: str) -> str:
    """Markdown as Jupyter reads it, maths first: a formula that spans lines is put on one line.

    Jupyter takes ``$...$`` and ``$$...$$`` out of a Markdown cell before parsing the Markdown; MyST
    parses the Markdown first, so a line of a formula that starts with ``+``, ``-`` or ``1.`` would begin
    a list and tear the formula apart. Newlines in TeX are spaces, so joining the lines changes nothing
    for MathJax (a formula with a ``%`` comment is left as it is). Code spans, fenced code and ``\\$``
    are left alone.
    """
    out, i, n = [], 0, len(markdown)
    while i < n:
        at_line_start = i == 0 or markdown[i - 1] == "\n"
        if at_line_start and re.match(r"[ ]{0,3}(`{3,}|~{3,})", markdown[i:]):
            start = i + len(markdown[i:]) - len(markdown[i:].lstrip(" "))
            end = _fence_end(markdown, start)
            out.append(markdown[i:end])
            i = end
            continue
        ch = markdown[i]
        if ch == "\\":
            out.append(markdown[i:i + 2])
            i += 2
            continue
        if ch == "`":
            run = re.match(r"`+", markdown[i:]).group(0)
            close = re.compile(rf"(?<!`){run}(?!`)").search(markdown, i + len(run))
            end = close.end() if close else i + len(run)
            out.append(markdown[i:end])
            i = end
            continue
        if ch == "$":
            delim = "$$" if markdown.startswith("$$", i) else "$"
            close = re.compile(r"(?<!\\)" + re.escape(delim) + ("" if delim == "$$" else r"(?!\$)"))
            found = close.search(markdown, i + len(delim))
            if found and "\n\n" not in markdown[i:found.start()]:
                maths = markdown[i + len(delim):found.start()]
                if "\n" in maths and not re.search(r"(?<!\\)%", maths):
                    maths = re.sub(r"[ \t]*\n[ \t]*", " ", maths)
                out.append(delim + maths + delim)
                i = found.end()
                continue
        out.append(ch)
        i += 1
    return "".join(out)


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


def prepare_notebook(nb):
    """The copy Sphinx reads: no widget state or JavaScript outputs; every code input collapsed
    (MyST-NB's ``hide-input`` tag) except the cell tagged ``parameters``; formulas on one line
    (:func:`one_line_maths`), in Markdown cells and Markdown outputs."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = one_line_maths(cell.source)
        if cell.cell_type != "code":
            continue
        tags = list(cell.metadata.get("tags", []))
        if "parameters" not in tags and not _HIDING_TAGS & set(tags):
            cell.metadata["tags"] = tags + ["hide-input"]
        outputs = []
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data is not None:
                for mime in _DROPPED_MIME:
                    data.pop(mime, None)
                if "text/markdown" in data:
                    markdown = data["text/markdown"]
                    data["text/markdown"] = one_line_maths("".join(markdown) if isinstance(markdown, list)
                                                           else markdown)
                svg = data.get("image/svg+xml")
                if svg is not None and _UNSAFE_SVG.search("".join(svg) if isinstance(svg, list) else svg):
                    data.pop("image/svg+xml")  # it becomes a file of the site, which a reader may open
                if not data and out.get("output_type") in ("display_data", "execute_result"):
                    continue
            outputs.append(out)
        cell.outputs = outputs
        alt = image_description(cell)
        if alt:  # MyST-NB's cell-level image option: the figure's words become its alt text
            cell.metadata.setdefault("mystnb", {}).setdefault("image", {})["alt"] = alt
    return nb


# -- sanitizing what notebooks carry ------------------------------------------------------------------

_REMOTE = re.compile(r"^\s*([a-z][a-z0-9+.\-]*:|//|\\\\)", re.IGNORECASE)
_SAFE_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.IGNORECASE)
_URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "poster", "background", "longdesc",
                   "usemap", "xlink:href", "data", "srcset"}
#: CSS that may load something, run something or hide an escape: a style holding any of these is dropped.
#: (Attribute values reach the check with their character references decoded; comments are removed first.)
_UNSAFE_CSS = re.compile(r"url\s*\(|@import|expression\s*\(|image-set\s*\(|image\s*\(|element\s*\(|"
                         r"behavior|binding|javascript:|@font-face|\\|<|/\*|\*/", re.IGNORECASE)
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)


def _safe_css(css: str) -> str | None:
    """``css`` without its comments, or None when it could load or run anything."""
    css = _CSS_COMMENT.sub("", css)
    return None if _UNSAFE_CSS.search(css) else css


def _attribute_filter(element: str, attribute: str, value: str):
    if attribute == "style":
        return _safe_css(value)
    if attribute in _URL_ATTRIBUTES:
        if element == "img" and attribute == "src" and _SAFE_DATA_IMAGE.match(value):
            return value
        if element == "a" and attribute == "href" and value.lower().startswith("mailto:"):
            return value
        if _REMOTE.match(value):
            return None  # remote, javascript:, data: and other schemes: dropped
    return value


def sanitize_html(fragment: str) -> str:
    """An HTML fragment from a notebook, safe to put on a page: nothing runs, nothing loads from elsewhere.

    Allowed: ordinary text markup, tables, lists, images with a relative or ``data:image/...`` source,
    ``class``/``title``/``lang``/``dir`` everywhere, and CSS (``style`` attributes and ``<style>``
    blocks, comments removed) that holds no ``url()``, ``@import``, ``expression()`` or escape. Removed:
    ``<script>``, ``<iframe>``, ``<object>``, forms, ``on*`` handlers, ``javascript:`` and other
    schemes, and every remote ``src``/``href``.
    """
    import nh3

    styles = [css for css in map(_safe_css, _STYLE_BLOCK.findall(fragment)) if css is not None]
    body = _STYLE_BLOCK.sub("", fragment)
    attributes = {tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()}
    attributes["*"] = {"class", "title", "lang", "dir", "style"}
    attributes["img"] = attributes.get("img", set()) | {"src", "alt", "width", "height"}
    clean = nh3.clean(body, attributes=attributes, attribute_filter=_attribute_filter,
                      clean_content_tags={"script", "style", "iframe", "object", "embed", "template",
                                          "noscript", "svg", "math", "textarea", "select", "frameset"},
                      url_schemes={"mailto", "data"}, link_rel="noopener noreferrer")
    clean = re.sub(r"<img(?![^>]*\ssrc=)[^>]*>", "", clean)  # an image whose source was removed
    return "".join(f"<style>{css}</style>" for css in styles) + clean


def _remote_uri(uri: str) -> bool:
    return bool(_REMOTE.match(uri or ""))


def sanitize_doctree(app, doctree, docname) -> None:
    """Sphinx ``doctree-resolved`` hook: sanitize every raw HTML node, drop remote images, unlink
    references that leave the site (their text stays, with the address written out)."""
    from docutils import nodes

    for node in list(doctree.findall(nodes.raw)):
        if "html" in node.get("format", "").split():
            clean = sanitize_html(node.astext())
            node.children = [nodes.Text(clean)] if clean else []
            node.rawsource = clean
        else:
            node.parent.remove(node)
    for node in list(doctree.findall(nodes.image)):
        uri = node.get("uri", "")
        if _remote_uri(uri) and not _SAFE_DATA_IMAGE.match(uri):
            alt = node.get("alt", "")
            node.replace_self(nodes.inline(text=f"[image not shown: {alt or 'from another site'}]"))
    for node in list(doctree.findall(nodes.reference)):
        uri = node.get("refuri", "")
        if uri and _remote_uri(uri) and not uri.lower().startswith("mailto:"):
            text = node.astext()
            shown = text if text.strip() == uri.strip() or not uri.lower().startswith(("http:", "https:")) \
                else f"{text} ({uri})"
            node.replace_self(nodes.inline(text=shown))


# -- MathJax, served by the site ----------------------------------------------------------------------

#: MathJax 3's inert defaults that name a CDN (speech-rule-engine's maps and an XPath shim, used only
#: by the accessibility explorer or Internet Explorer): the site's copy points them at its own folder.
_MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/"

#: The MathJax files the site serves, from MathJax's es5 folder: the TeX-to-CHTML component with every
#: TeX package built in (so nothing is loaded on demand), the ``safe`` filter for what TeX may put on a
#: page (\href, \style, \class), and the CHTML fonts.
MATHJAX_SCRIPT = "tex-chtml-full.js"
MATHJAX_FILES = (MATHJAX_SCRIPT, "ui/safe.js")
MATHJAX_FONTS = "output/chtml/fonts/woff-v2"


def mathjax_source() -> Path:
    """MathJax 3's distribution folder, from the django-static-mathjax package (no Django needed)."""
    import importlib.util

    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        raise SiteError("MathJax 3 is not installed: pip install -e '.[site]' (django-static-mathjax)")
    root = Path(next(iter(spec.submodule_search_locations))) / "static" / "mathjax"
    try:
        version = json.loads((root / "package.json").read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        raise SiteError(f"{root} does not hold MathJax's package.json") from None
    if not version.startswith("3."):
        raise SiteError(f"the site needs MathJax 3; {root} holds {version}")
    return root


def copy_mathjax(destination: Path) -> list[Path]:
    """Copy the minimal MathJax 3 (:data:`MATHJAX_FILES`, its woff fonts, its licence) to ``destination``.

    The copied scripts' CDN defaults point at a local folder instead, and say so in a first-line notice
    (MathJax's licence, Apache-2.0, asks that changed files carry one).
    """
    root = mathjax_source()
    version = json.loads((root / "package.json").read_text(encoding="utf-8"))["version"]
    es5 = root / "es5"
    for name in MATHJAX_FILES:
        script = (es5 / name).read_text(encoding="utf-8")
        if _MATHJAX_CDN in script:
            script = (f"/* nanoflux: es5/{name} of MathJax {version} (Apache-2.0, see LICENSE), modified: its "
                      f"default CDN addresses for speech-rule-engine point at the local folder mathjax-offline/. */\n"
                      + script.replace(_MATHJAX_CDN, "mathjax-offline/"))
        (destination / name).parent.mkdir(parents=True, exist_ok=True)
        (destination / name).write_text(script, encoding="utf-8")
    shutil.copyfile(root / "LICENSE", destination / "LICENSE")
    fonts = destination / MATHJAX_FONTS
    fonts.mkdir(parents=True, exist_ok=True)
    for font in sorted((es5 / MATHJAX_FONTS).glob("*.woff")):
        shutil.copyfile(font, fonts / font.name)
    return sorted(p for p in destination.rglob("*") if p.is_file())


# -- Sphinx extension (called from _site/conf.py) -----------------------------------------------------

def _claims_table_nodes():
    """The claims ledger as a docutils table: key (its statement on hover), printed, recomputed, agrees,
    where in the paper."""
    from docutils import nodes

    from .claims import check_claims

    header = ("key", "printed", "recomputed", "agrees", "where in the paper")
    table = nodes.table(classes=["claims", "colwidths-auto"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for _ in header:
        group += nodes.colspec(colwidth=1)

    def row(cells, classes=None):
        r = nodes.row()
        for cell, cls in zip(cells, classes or [[]] * len(cells)):
            entry = nodes.entry(classes=cls)
            para = nodes.paragraph()
            para += cell if isinstance(cell, nodes.Node) else nodes.Text(cell)
            entry += para
            r += entry
        return r

    group += nodes.thead("", row(header))
    body = nodes.tbody()
    for result in check_claims():
        c = result.claim
        shown = f"{result.recomputed:.{max(c.decimals, 3) if c.unit else 6}f}"
        key = nodes.abbreviation(c.key, "", nodes.literal(text=c.key), explanation=c.statement)
        cells = (key, f"{c.printed_text} {c.unit}".strip(), f"{shown} {c.unit}".strip(),
                 "yes" if result.agrees else "no", c.where)
        classes = [["key"], ["num"], ["num"], ["agrees-yes" if result.agrees else "agrees-no"], []]
        body += row(cells, classes)
    group += body
    return [table]


def setup_sphinx(app) -> None:
    """Hooks of the reading site: the ``nanoflux-claims`` directive, MathJax's files, sanitizing."""
    from docutils.parsers.rst import Directive

    class ClaimsTable(Directive):
        has_content = False

        def run(self):
            return _claims_table_nodes()

    def add_mathjax(app):
        if app.builder.format == "html":
            copy_mathjax(Path(app.outdir) / "_static" / "mathjax")

    app.add_directive("nanoflux-claims", ClaimsTable)
    app.connect("builder-inited", add_mathjax)
    app.connect("doctree-resolved", sanitize_doctree)


# -- the index page -----------------------------------------------------------------------------------

def _escape(text: str) -> str:
    """Plain text as Markdown that shows it literally (every ASCII punctuation backslash-escaped)."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def index_markdown(pages, alts: dict) -> str:
    """The index page as MyST Markdown: the paper, the notebooks in order, the figures (``alts``: each
    one's alt text, by file name), the claims."""
    items = "\n".join(f"{i}. [{page.title_markdown}](notebooks/{page.stem}.ipynb)  \n"
                      f"   {page.description_markdown}" for i, page in enumerate(pages, start=1))
    stems = {page.stem for page in pages}

    def notebook(stem: str) -> str:
        label = f"notebook {stem[:2]}"
        return f"[{label}](notebooks/{stem}.ipynb)" if stem in stems else label

    figures = "\n\n".join(
        f"```{{figure}} figures/{name}\n:alt: {' '.join(alts[name].split())}\n:name: {name.split('.')[0]}\n\n"
        f"{caption.replace('{notebook}', notebook(stem))}\n```"
        for name, stem, caption in FIGURES)
    toctree = "\n".join(f"notebooks/{page.stem}" for page in pages)
    return f"""# The critical size of a magnetic nanoparticle, recomputed

Every number, table and figure of the paper, recomputed by the notebooks of **nanoflux** and shown here as
they were last run by `nanoflux reproduce`, with their outputs. The figures and the table below come from
the code, not from the paper.

## The paper

{PAPER}

## The notebooks

In reading order; each opens with the question it answers and has one `parameters` cell (shown open on
its page) to rerun it with other values in JupyterLab or with `nanoflux reproduce --set`.

```{{rst-class}} notebooks
```

{items}

```{{toctree}}
:hidden:
:caption: Notebooks

{toctree}
```

## In the classroom

Students work with {notebook("07_classroom_explorer")} in JupyterLab, or with the same explorer and exercises
as an app with no code (`make classroom`, served by Voila on the teacher's machine); neither shows an
answer. **For teachers:** {notebook("09_teacher_notes")} holds the learning goals, the timing, the answer
key and the mistakes the checker recognises.

## The figures

{figures}

## The paper's printed numbers, recomputed

A claim agrees when the recomputed value rounds to the printed one at the printed precision
({notebook("06_assumptions")} discusses what each one owes to the paper's assumptions).

```{{nanoflux-claims}}
```
"""


# -- building -----------------------------------------------------------------------------------------

@contextlib.contextmanager
def _environment(**values):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _run_sphinx(source: Path, html: Path, doctrees: Path) -> list[str]:
    """Run Sphinx's HTML builder; return its warnings, one line each."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    import warnings as python_warnings

    from sphinx.errors import SphinxError

    warnings = io.StringIO()
    try:
        with _environment(SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH), patch_docutils(str(CONF_DIR)), \
                docutils_namespace(), python_warnings.catch_warnings():
            # the themes' and MyST's use of APIs that a later Sphinx removes: theirs to update, not ours
            python_warnings.simplefilter("ignore", DeprecationWarning)
            python_warnings.simplefilter("ignore", PendingDeprecationWarning)
            app = Sphinx(str(source), str(CONF_DIR), str(html), str(doctrees), "html",
                         status=None, warning=warnings, freshenv=True)
            app.build(force_all=True)
    except SphinxError as exc:
        raise SiteError(f"Sphinx could not build the site: {' '.join(str(exc).split())}") from exc
    if app.statuscode:
        last = (warnings.getvalue().strip().splitlines() or ["no message"])[-1]
        raise SiteError(f"Sphinx could not build the site: {last}")
    text = re.sub(r"\x1b\[[0-9;]*m", "", warnings.getvalue())
    return [line for line in text.splitlines() if line.strip()]


def _normalize(folder: Path) -> None:
    """What a web server running as another user can read: folders 0755, files 0644. Nothing a reader
    never fetches: Sphinx's build info, the themes' source maps and translation catalogues, empty folders."""
    (folder / ".buildinfo").unlink(missing_ok=True)
    shutil.rmtree(folder / "_static" / "locales", ignore_errors=True)
    for path in (folder / "_static").glob("*.html"):  # the themes' Jinja macros, copied as if static
        path.unlink()
    for path in folder.rglob("*.map"):
        path.unlink()
    for path in sorted(folder.rglob("*"), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def build_site(out=None, notebooks_dir: Path = NOTEBOOKS_DIR, figures_dir: Path = FIGURES_DIR,
               warnings: list | None = None) -> list[Path]:
    """Render the stored notebooks, the figures and the claims into a static site; return the files written.

    ``out`` defaults to ``build/site``. An existing ``out`` is replaced only if it is empty or a
    site built here before (it holds the marker file); anything else is refused with SiteError, as
    is a notebook that has lost an output (:func:`check_outputs`). The site is built in a temporary
    folder beside ``out`` and moved into place at the end; Sphinx's warnings are appended to
    ``warnings`` when given.
    """
    import nbformat

    if out is None:
        out = SITE_DIR
    else:  # the rule results follow: never the repository, notebooks/, figures/, nanoflux/ or inside them
        try:
            out = check_folder(out, "--out")
        except (TypeError, ValueError) as exc:
            raise SiteError(str(exc)) from None
    paths = notebooks(Path(notebooks_dir))
    if not paths:
        raise SiteError(f"no numbered notebooks (NN_name.ipynb) in {notebooks_dir}")
    figure_files = [Path(figures_dir) / name for name, *_ in FIGURES]
    missing = [str(p) for p in figure_files if not p.is_file()]
    if missing:
        raise SiteError(f"missing figure(s) {', '.join(missing)}: run `nanoflux reproduce` first")
    alts = {p.name: saved_description(p) for p in figure_files}  # written by save_figure: what each shows
    if not all(alts.values()):
        raise SiteError(f"{', '.join(k for k, a in alts.items() if not a)} carries no description of what it "
                        "shows: run `nanoflux reproduce` first")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise SiteError(f"{out} exists and is not a nanoflux site; choose another --out or remove it")

    prepared, pages = [], []
    for path in paths:
        try:
            nb = nbformat.read(str(path), as_version=4)
        except (OSError, ValueError, nbformat.ValidationError) as exc:  # NotJSONError is a ValueError
            raise SiteError(f"{path.name} is not a readable notebook: {' '.join(str(exc).split())[:200]}") from exc
        check_outputs(nb, path.name)
        pages.append(describe(nb, path.stem))
        prepared.append((path.name, prepare_notebook(nb)))
    mathjax_source()  # refuse early when MathJax is missing

    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent))
    except OSError as exc:
        raise SiteError(f"cannot write a site to {out}: {(exc.strerror or str(exc)).lower()}") from None
    try:
        source = work / "src"
        (source / "notebooks").mkdir(parents=True)
        (source / "figures").mkdir()
        for name, nb in prepared:
            nbformat.write(nb, str(source / "notebooks" / name))
        for path in figure_files:
            shutil.copyfile(path, source / "figures" / path.name)
        (source / "index.md").write_text(index_markdown(pages, alts), encoding="utf-8")
        html = work / "html"  # MyST-NB writes beside the output folder (jupyter_execute/): keep it in work
        found = _run_sphinx(source, html, work / "doctrees")
        if warnings is not None:  # name the stored notebooks, not their temporary copies
            warnings.extend(line.replace(f"{source / 'notebooks'}{os.sep}", f"{Path(notebooks_dir)}{os.sep}")
                            .replace(f"{source}{os.sep}", "") for line in found)
        (html / MARKER).write_text("built by nanoflux site; safe to delete\n", encoding="utf-8")
        _normalize(html)
        if out.exists():
            shutil.rmtree(out)
        html.rename(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return sorted(p for p in out.rglob("*") if p.is_file() and p.name != MARKER)


def digest(folder: Path) -> str:
    """SHA-256 over every file's path and bytes: equal digests, byte-identical sites."""
    h = hashlib.sha256()
    for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
        h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()
