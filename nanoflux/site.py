"""A static reading site of the executed notebooks: ``nanoflux site`` and ``make site``.

The stored notebooks in ``notebooks/`` hold the outputs of the canonical run (``nanoflux
reproduce``); each becomes one HTML page (nbconvert's lab template). An index page lists them
(title and one-line purpose, from each notebook's opening cell), shows the two recomputed figures
and the claims ledger as a table. Nothing on any page is fetched from the network when it is
viewed: the template's CDN scripts (require.js, MathJax, mermaid, the widget renderer) are left out,
styles are inlined and images are embedded or copied beside the pages. Formulas in the notebooks
are plain text, so MathJax is not needed. The same notebooks give byte-identical pages.

Layout of the output folder (``build/site`` by default)::

    index.html
    notebooks/<stem>.html     one per numbered notebook
    figures/fig1.png, fig2.png
"""
from __future__ import annotations

import html
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .runner import BUILD_DIR, FIGURES_DIR, NOTEBOOKS_DIR, notebooks

SITE_DIR = BUILD_DIR / "site"

#: Marks a folder as a site this module wrote, so rebuilding may replace it.
MARKER = ".nanoflux-site"

#: The figures on the index page: file in figures/, and its caption.
FIGURES = (
    ("fig1.png", "Figure 1 recomputed (notebook 03): particles larger than, at, and below the flux-quantum "
                 "critical radius at 1 T, each drawn with floor(B \u03c0 r\u00b2 / \u03a6\u2080) flux lines."),
    ("fig2.png", "Figure 2 recomputed (notebook 04): the flux-quantum radius against B (Eq. 4, blue) and the "
                 "mean-field radius against N (red), with the paper's printed values marked."),
)

#: nbconvert's lab template without anything that loads from a CDN, plus a link back to the index.
_TEMPLATE = r"""{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}
<link rel="icon" href="data:,">
<style>nav.nanoflux { padding: 0.6em 1em; font-family: var(--jp-ui-font-family); font-size: 0.9em; }</style>
{%- endblock html_head_css -%}
{%- block body_header -%}
{{ super() }}
<nav class="nanoflux"><a href="../index.html">&larr; nanoflux: all notebooks</a></nav>
{%- endblock body_header -%}
"""

_INDEX_CSS = """
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #222; margin: 0; }
main { max-width: 60em; margin: 0 auto; padding: 1.5em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
ul.notebooks { list-style: none; padding: 0; }
ul.notebooks li { margin: 0.5em 0; }
ul.notebooks a { font-weight: bold; }
figure { margin: 1em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #555; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.pass { color: #1e7b34; font-weight: bold; }
td.fail { color: #c0392b; font-weight: bold; }
footer { margin-top: 2em; font-size: 0.8em; color: #777; }
"""


class SiteError(ValueError):
    """The site cannot be built from what is there (no notebooks, unexecuted ones, missing figures)."""


@dataclass(frozen=True)
class Page:
    """One notebook on the site: its stem, title, one-line purpose and page path (relative to the index)."""

    stem: str
    title: str
    description: str

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
    title = _markdown_text(lines[0][2:].strip())
    body = " ".join(line.strip() for line in lines[1:] if line.strip())
    match = re.match(r"(.+?[.!?])(?=\s+[A-Z(]|\s*$)", body)  # "Eq. 4" does not end a sentence
    description = _markdown_text(match.group(1) if match else body)
    return Page(stem, title, description)


def _exporter():
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    return HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"nanoflux_site.html.j2": _TEMPLATE})],
                        template_file="nanoflux_site.html.j2", theme="light")


def _strip_widgets(nb):
    """Drop live-widget state and views: a static page has no kernel to drive them."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            out.get("data", {}).pop("application/vnd.jupyter.widget-view+json", None)
    return nb


def notebook_page(path: Path, exporter=None) -> tuple[Page, str]:
    """Read one stored notebook; return its :class:`Page` and its HTML."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    if code and not any(c.outputs for c in code):
        raise SiteError(f"{path.name} has no outputs: run `nanoflux reproduce` first, so the stored "
                        "notebooks hold their results")
    page = describe(nb, path.stem)
    exporter = exporter or _exporter()
    body, _ = exporter.from_notebook_node(_strip_widgets(nb), resources={"metadata": {"name": page.title}})
    return page, body


def _claims_table() -> str:
    from .claims import check_claims
    from .report import claim_row

    rows = []
    for result in check_claims():
        status, key, printed, recomputed, where = (html.escape(cell) for cell in claim_row(result))
        rows.append(f'<tr><td class="{status.lower()}">{status}</td><td>{html.escape(result.claim.statement)}'
                    f'</td><td class="num">{printed}</td><td class="num">{recomputed}</td><td>{where}</td></tr>')
    head = "<tr><th></th><th>claim</th><th>paper</th><th>recomputed</th><th>where in the paper</th></tr>"
    return f'<table class="claims">\n<thead>{head}</thead>\n<tbody>\n' + "\n".join(rows) + "\n</tbody>\n</table>"


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header."""
    data = path.read_bytes()[:24]
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SiteError(f"{path} is not a PNG file")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def index_html(pages, figure_files) -> str:
    """The index page: title, one line per notebook, the figures and the claims table."""
    items = "\n".join(f'<li><a href="{p.href}">{html.escape(p.title)}</a><br>{html.escape(p.description)}</li>'
                      for p in pages)
    figures = []
    for (name, caption), path in zip(FIGURES, figure_files):
        width, height = _png_size(path)
        figures.append(f'<figure><img src="figures/{name}" width="{width}" height="{height}" '
                       f'alt="{html.escape(caption)}"><figcaption>{html.escape(caption)}</figcaption></figure>')
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>nanoflux: reading the notebooks</title>
<link rel="icon" href="data:,">
<style>{_INDEX_CSS}</style>
</head>
<body>
<main>
<h1>nanoflux: reading the notebooks</h1>
<p>A companion to the paper on the critical size of an isolated magnetic nanoparticle. Each notebook is
shown as last run by <code>nanoflux reproduce</code>, with its outputs; the figures and the table below
are what the code recomputes from the paper's equations.</p>
<h2>Notebooks</h2>
<ul class="notebooks">
{items}
</ul>
<h2>Figures</h2>
{chr(10).join(figures)}
<h2>The paper's printed numbers, recomputed</h2>
<p>A claim agrees when the recomputed value rounds to the printed one at the printed precision.</p>
{_claims_table()}
<footer>Built by nanoflux {__version__} from the stored notebooks.</footer>
</main>
</body>
</html>
"""


def build_site(out=None, notebooks_dir: Path = NOTEBOOKS_DIR, figures_dir: Path = FIGURES_DIR) -> list[Path]:
    """Render the stored notebooks, the figures and the claims into a static site; return the files written.

    ``out`` defaults to ``build/site``. An existing ``out`` is replaced only if it is empty or a
    site built here before (it holds the marker file); anything else is refused with SiteError.
    The site is assembled in a temporary folder beside ``out`` and moved into place at the end.
    """
    out = Path(out) if out is not None else SITE_DIR
    paths = notebooks(Path(notebooks_dir))
    if not paths:
        raise SiteError(f"no numbered notebooks (NN_name.ipynb) in {notebooks_dir}")
    figure_files = [Path(figures_dir) / name for name, _ in FIGURES]
    missing = [str(p) for p in figure_files if not p.is_file()]
    if missing:
        raise SiteError(f"missing figure(s) {', '.join(missing)}: run `nanoflux reproduce` first")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).exists())):
        raise SiteError(f"{out} exists and is not a nanoflux site; choose another --out or remove it")

    exporter = _exporter()
    rendered = [notebook_page(path, exporter) for path in paths]
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=out.parent))
    try:
        (staging / "notebooks").mkdir()
        (staging / "figures").mkdir()
        for page, body in rendered:
            (staging / page.href).write_text(body, encoding="utf-8")
        for path in figure_files:
            shutil.copyfile(path, staging / "figures" / path.name)
        (staging / "index.html").write_text(index_html([p for p, _ in rendered], figure_files), encoding="utf-8")
        (staging / MARKER).write_text("built by nanoflux site; safe to delete\n", encoding="utf-8")
        if out.exists():
            shutil.rmtree(out)
        staging.rename(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(p for p in out.rglob("*") if p.is_file() and p.name != MARKER)
