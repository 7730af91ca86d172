"""The supplementary-information PDF: ``make pdf`` (``python -m nanoflux.site.pdf``) writes
``build/pdf/nanoflux.pdf``, one A4 document of the whole companion, offline.

Sphinx's LaTeX builder renders the stored notebooks, as the reading site does, from the same configuration
(``conf/conf.py``: LuaLaTeX, DejaVu fonts for every character the notebooks use), and latexmk typesets it
with TeX Live from Debian's packages. What a reader gets: a title page with the version, a table of
contents, "What this companion finds" (:mod:`nanoflux.site.verdict`), how to cite and the licences, then
every notebook as a chapter, its prose with the equations numbered as the paper numbers them (``\\tag{n}``),
its tables as tables, its figures as the vector PDFs in ``figures/``, and page numbers throughout. Code
inputs are left out, except each notebook's ``parameters`` cell (the values its results come from).

A rebuild gives the same bytes: Sphinx and LuaTeX see a fixed SOURCE_DATE_EPOCH, and the PDF carries no
date, no ID and no producer string (``\\pdfvariable suppressoptionalinfo``, set in ``conf.py``).
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from nanoflux import __version__
from nanoflux.running.outputs import BUILD_DIR, FIGURES_DIR, NOTEBOOKS_DIR
from nanoflux.site.errors import SiteError

PDF_DIR = BUILD_DIR / "pdf"
PDF_NAME = "nanoflux.pdf"

#: Debian's packages `make pdf` installs (as root) when TeX is missing.
TEX_PACKAGES = ("texlive-latex-recommended", "texlive-latex-extra", "texlive-fonts-recommended", "texlive-luatex",
                "latexmk", "fonts-dejavu-core", "fonts-dejavu-extra")

#: The programs the PDF needs, and the fonts it is set in (conf/conf.py).
TEX_TOOLS = ("latexmk", "lualatex")
FONTS = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = ("DejaVuSerif.ttf", "DejaVuSerif-Italic.ttf", "DejaVuSans.ttf", "DejaVuSansMono.ttf")


def missing_tools() -> list[str]:
    """The TeX programs not found on PATH and the font files not installed."""
    return ([tool for tool in TEX_TOOLS if shutil.which(tool) is None]
            + [str(FONTS / name) for name in FONT_FILES if not (FONTS / name).is_file()])


# -- the notebooks as the PDF shows them ------------------------------------------------------------------

class _Table(HTMLParser):
    """An HTML table (nanoflux's tables) as a caption and rows of cell texts in Markdown."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.caption, self.rows, self._cell, self._in_caption = "", [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "caption":
            self._in_caption = True
        elif tag in ("sup", "sub") and self._cell is not None:
            self._cell.append("$^{" if tag == "sup" else "$_{")
        elif tag in ("i", "em") and self._cell is not None:
            self._cell.append("*")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.rows:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("sup", "sub") and self._cell is not None:
            self._cell.append("}$")
        elif tag in ("i", "em") and self._cell is not None:
            self._cell.append("*")

    def handle_data(self, data):
        if self._in_caption:
            self.caption += data
        elif self._cell is not None:
            self._cell.append(re.sub(r"([\\_|*$])", r"\\\1", data).replace("−", "-"))


def table_markdown(fragment: str) -> str | None:
    """The first HTML table in ``fragment`` as a Markdown table (its caption as a line in italics above it),
    or None when it holds no table."""
    if "<table" not in fragment:
        return None
    parser = _Table()
    parser.feed(re.sub(r"<style.*?</style>", "", fragment, flags=re.S))
    rows = [row for row in parser.rows if row]
    if not rows:
        return None
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    caption = " ".join(parser.caption.split())
    return (f"*{caption}*\n\n" if caption else "") + "\n".join(lines)


def html_markdown(fragment: str) -> str:
    """An HTML output that is not a table (an exercise's verdict) as plain Markdown: tags dropped, TeX kept."""
    text = re.sub(r"<style.*?</style>", "", fragment, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return re.sub(r"\\\((.+?)\\\)", r"$\1$", text)


def prepare_for_pdf(nb):
    """The copy Sphinx's LaTeX builder reads: as the site's (:func:`nanoflux.site.pages.prepare_notebook`),
    but every code input left out except the ``parameters`` cell, and HTML outputs as Markdown (tables as
    tables; LaTeX cannot show HTML)."""
    from nanoflux.site.pages import prepare_notebook

    nb = prepare_notebook(nb)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = [t for t in cell.metadata.get("tags", []) if t != "hide-input"]
        if "parameters" not in tags:
            tags.append("remove-input")
        cell.metadata["tags"] = tags
        for out in cell.get("outputs", []):
            data = out.get("data") or {}
            fragment = data.pop("text/html", None)
            if fragment is None:
                continue
            fragment = "".join(fragment) if isinstance(fragment, list) else fragment
            data["text/markdown"] = table_markdown(fragment) or html_markdown(fragment)
    return nb


def front_matter(pages, figures_dir=FIGURES_DIR) -> dict[str, str]:
    """The PDF's documents, as {name: MyST Markdown}: the root (a table of contents: the opening chapters,
    then every notebook, readers' and teachers', as a chapter), what the companion finds with the paper, and
    how to cite with the licences."""
    from nanoflux.site.citation import how_to_cite_markdown
    from nanoflux.site.index import PAPER, TEACHERS
    from nanoflux.site.verdict import findings, markdown

    stems = {page.stem for page in pages}
    found = markdown(findings(figures_dir), link=lambda stem: f"notebooks/{stem}.ipynb" if stem in stems else None)
    chapters = "\n".join(["findings", "cite", *(f"notebooks/{p.stem}" for p in pages if p.stem not in TEACHERS),
                          *(f"notebooks/{p.stem}" for p in pages if p.stem in TEACHERS)])
    return {
        # its title is the document's (LaTeX's title page takes it); the documents it lists become chapters
        "index": f"# The critical size of a magnetic nanoparticle, recomputed\n\n```{{toctree}}\n:maxdepth: 1\n\n"
                 f"{chapters}\n```\n",
        "findings": f"""# What this companion finds

This is the supplementary information of **nanoflux** {__version__}, a reproducible companion to a letter in
*MRS Communications* on the critical size of an isolated magnetic nanoparticle: every notebook of the
companion, as last run by `nanoflux reproduce`, with its equations numbered as the paper numbers them, its
tables and its figures. What the notebooks find, each statement computed by the notebook named after it:

{found}

## The paper

{PAPER}
""",
        "cite": f"""# How to cite

{how_to_cite_markdown()}

## Licence

The code is under the MIT licence; the prose, the notebooks' text and the figures are under Creative Commons
Attribution 4.0 International (CC BY 4.0). The full texts are the files `LICENSE` and `LICENSE-CC-BY-4.0` of
the repository; `CHANGELOG.md` says what changed in each version.
""",
    }


# -- Sphinx hooks for the LaTeX builder -------------------------------------------------------------------

_TAG = re.compile(r"\\tag\{([^{}]*)\}")


def latex_doctree(app, doctree, docname) -> None:
    """``doctree-resolved`` for LaTeX: display equations keep the paper's number (``\\tag{n}`` moved out of
    Sphinx's ``split``, where amsmath forbids it), and each saved figure is shown as its vector PDF."""
    from docutils import nodes

    from nanoflux.site.downloads import _image_digest, figure_index

    if app.builder.format != "latex":
        return
    for block in list(doctree.findall(nodes.math_block)):
        tex = block.astext()
        tag = _TAG.search(tex)
        if tag:
            body = _TAG.sub("", tex).strip()
            block.replace_self(nodes.raw("", "\\begin{equation*}\\begin{split}" + body + "\\end{split}\\tag{"
                                         + tag.group(1) + "}\\end{equation*}\n", format="latex"))
    known = figure_index(app.srcdir)
    for image in doctree.findall(nodes.image):
        stem = known.get(_image_digest(app, image, docname) or "")
        if stem is not None and (Path(app.srcdir) / "figures" / f"{stem}.pdf").is_file():
            image["uri"] = f"figures/{stem}.pdf"
            image["candidates"] = {"application/pdf": f"figures/{stem}.pdf"}


def copy_vector_figures(app, exception) -> None:
    """``build-finished`` for LaTeX: the figures' PDFs beside the .tex file, where it includes them."""
    if exception is not None or app.builder.format != "latex":
        return
    folder = Path(app.outdir) / "figures"
    folder.mkdir(exist_ok=True)
    for path in sorted((Path(app.srcdir) / "figures").glob("*.pdf")):
        shutil.copyfile(path, folder / path.name)


# -- the build --------------------------------------------------------------------------------------------

def _latexmk(folder: Path, echo) -> None:
    """Typeset ``nanoflux.tex`` in ``folder`` with latexmk and LuaLaTeX; TeX's caches stay in the folder."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=_source_date_epoch(), FORCE_SOURCE_DATE="1",
               TEXMFVAR=str(folder / ".texmf-var"), TEXMFCACHE=str(folder / ".texmf-var"),
               HOME=str(folder))  # LuaTeX's font cache in the build folder, not the user's home
    done = subprocess.run(["latexmk", "-lualatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
                           "nanoflux.tex"], cwd=folder, env=env, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=900)
    if done.returncode != 0 or not (folder / PDF_NAME).is_file():
        log = (folder / "nanoflux.log").read_text(errors="replace") if (folder / "nanoflux.log").is_file() else ""
        errors = [line for line in log.splitlines() if line.startswith("!") or ":error:" in line or
                  re.match(r"^\S+\.tex:\d+:", line)]
        raise SiteError(f"LaTeX could not typeset the PDF: {(errors or ['see ' + str(folder / 'nanoflux.log')])[0]}")


def _source_date_epoch() -> str:
    from nanoflux.site.build import SOURCE_DATE_EPOCH

    return SOURCE_DATE_EPOCH


def build_pdf(out=None, notebooks_dir: Path = NOTEBOOKS_DIR, figures_dir: Path = FIGURES_DIR,
              echo=lambda line: None) -> Path:
    """Write the supplementary PDF into ``out`` (default ``build/pdf``) and return its path. Refuses
    (SiteError, one line) when TeX is missing, a notebook lost an output or LaTeX fails."""
    import nbformat

    from nanoflux.running.outputs import check_folder
    from nanoflux.running.stored import stored_notebooks
    from nanoflux.site.build import CONF_DIR, _environment
    from nanoflux.site.index import figure_downloads
    from nanoflux.site.pages import check_canonical, check_outputs, page_of

    missing = missing_tools()
    if missing:
        raise SiteError(f"{' and '.join(missing)} not found: the PDF needs TeX Live and the DejaVu fonts; run "
                        f"`make pdf` as root, which installs Debian's {' '.join(TEX_PACKAGES)}")
    out = PDF_DIR if out is None else check_folder(out, "--out")
    paths = stored_notebooks(Path(notebooks_dir))
    if not paths:
        raise SiteError(f"no numbered notebooks (NN_name.ipynb) in {notebooks_dir}")
    pages, prepared = [], []
    for path in paths:
        nb = nbformat.read(str(path), as_version=4)
        if Path(notebooks_dir).resolve() == NOTEBOOKS_DIR.resolve():  # the repository's: only a canonical run's
            check_canonical(nb, path)
        check_outputs(nb, path.name)
        pages.append(page_of(nb, path.stem))
        prepared.append((path.name, prepare_for_pdf(nb)))
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".pdf-", dir=out))
    try:
        source = work / "src"
        (source / "notebooks").mkdir(parents=True)
        (source / "figures").mkdir()
        for name, nb in prepared:
            nbformat.write(nb, str(source / "notebooks" / name))
        for path in figure_downloads(figures_dir):
            shutil.copyfile(path, source / "figures" / path.name)
        for name, text in front_matter(pages, figures_dir).items():
            (source / f"{name}.md").write_text(text, encoding="utf-8")
        latex = work / "latex"
        echo("[pdf 1/2] Sphinx: the notebooks as LaTeX")
        _sphinx_latex(source, latex, work / "doctrees", CONF_DIR, _environment)
        echo("[pdf 2/2] LuaLaTeX: typesetting (latexmk)")
        _latexmk(latex, echo)
        target = out / PDF_NAME
        shutil.copyfile(latex / PDF_NAME, target)
        target.chmod(0o644)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _sphinx_latex(source: Path, latex: Path, doctrees: Path, confdir: Path, environment) -> None:
    import io
    import warnings as python_warnings

    from sphinx.application import Sphinx
    from sphinx.errors import SphinxError
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    from nanoflux.site.build import SOURCE_DATE_EPOCH

    warnings = io.StringIO()
    try:
        with environment(SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH), patch_docutils(str(confdir)), docutils_namespace(), \
                python_warnings.catch_warnings():
            python_warnings.simplefilter("ignore", DeprecationWarning)
            python_warnings.simplefilter("ignore", PendingDeprecationWarning)
            app = Sphinx(str(source), str(confdir), str(latex), str(doctrees), "latex", status=None,
                         warning=warnings, freshenv=True)
            app.build(force_all=True)
    except SphinxError as exc:
        raise SiteError(f"Sphinx could not write the LaTeX: {' '.join(str(exc).split())}") from exc
    if app.statuscode:
        last = (warnings.getvalue().strip().splitlines() or ["no message"])[-1]
        raise SiteError(f"Sphinx could not write the LaTeX: {last}")


def main(argv=None) -> int:
    """``python -m nanoflux.site.pdf [OUT]``: build the PDF; one line and exit status 2 on a refusal."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        path = build_pdf(args[0] if args else None, echo=print)
    except (SiteError, ValueError, TypeError) as exc:
        print(f"nanoflux pdf: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
