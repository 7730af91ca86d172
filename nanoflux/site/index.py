"""The site's index page (the paper, the notebooks in order, the figures, the claims ledger) and the Sphinx
extension that builds its parts: ``nanoflux-claims``, MathJax's files, sanitizing every page."""
from __future__ import annotations

from pathlib import Path

from nanoflux import __version__, paper
from nanoflux.running.outputs import FIGURES_DIR
from nanoflux.site import downloads, verdict
from nanoflux.site.citation import how_to_cite_markdown
from nanoflux.site.errors import SiteError
from nanoflux.site.mathjax import copy_mathjax
from nanoflux.site.sanitize import sanitize_doctree

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
    f"critical size (about {paper.FLUX_RADIUS.text} nm) an isolated magnetic particle's field "
    "can no longer be read as a "
    "continuous, divergence-free $\\mathbf B$. The notebooks cite it by equation, table and figure "
    "number (\"the paper, Eq. 4\")."
)



#: Notebooks for teachers: listed apart from the students' pages, in the index and in the navigation.
TEACHERS = ("09_teacher_notes",)


def index_markdown(pages, alts: dict, figures_dir=FIGURES_DIR) -> str:
    """The index page as MyST Markdown: what the companion finds (from the results files in ``figures_dir``),
    the paper, the notebooks in order (the teachers' apart), the figures (``alts``: each one's alt text, by
    file name), the claims."""
    readers = [page for page in pages if page.stem not in TEACHERS]
    teachers = [page for page in pages if page.stem in TEACHERS]

    def listing(group, classes="notebooks"):
        """Ordered lists numbered by the notebooks' own numbers: one list per run of consecutive numbers."""
        runs = []
        for page in group:
            if runs and int(page.stem[:2]) == int(runs[-1][-1].stem[:2]) + 1:
                runs[-1].append(page)
            else:
                runs.append([page])
        return "\n\n".join(f"```{{rst-class}} {classes}\n```\n\n" + "\n".join(
            f"{int(page.stem[:2])}. [{page.title_markdown}](notebooks/{page.stem}.ipynb)  \n"
            f"   {page.description_markdown}" for page in run) for run in runs)

    stems = {page.stem for page in pages}

    def notebook(stem: str) -> str:
        label = f"notebook {stem[:2]}"
        return f"[{label}](notebooks/{stem}.ipynb)" if stem in stems else label

    try:
        cite = how_to_cite_markdown()
        found = verdict.markdown(verdict.findings(figures_dir),
                                 link=lambda stem: f"notebooks/{stem}.ipynb" if stem in stems else None)
    except ValueError as exc:
        raise SiteError(str(exc)) from None
    figures = "\n\n".join(
        f"```{{figure}} figures/{name}\n:alt: {' '.join(alts[name].split())}\n:name: {name.split('.')[0]}\n\n"
        f"{caption.replace('{notebook}', notebook(stem))}\n```"
        for name, stem, caption in FIGURES)

    def toctree(caption, group):
        entries = "\n".join(f"notebooks/{page.stem}" for page in group)
        return f"```{{toctree}}\n:hidden:\n:caption: {caption}\n\n{entries}\n```" if group else ""

    teacher_section = f"""
## For teachers

{listing(teachers, "notebooks teachers")}

{toctree("For teachers", teachers)}
""" if teachers else ""
    return f"""# The critical size of a magnetic nanoparticle, recomputed

Every number, table and figure of the paper, recomputed by the notebooks of **nanoflux** {__version__} and shown
here as they were last run by `nanoflux reproduce`, with their outputs. The figures and the tables come from
the code, not from the paper.

## What this companion finds

{found}

## The paper

{PAPER}

## The notebooks

In reading order; each opens with the question it answers and has one `parameters` cell (shown open on
its page) to rerun it with other values in JupyterLab or with `nanoflux reproduce --set`. Each page offers
its notebook (`.ipynb`) to download.

{listing(readers)}

{toctree("Notebooks", readers)}
{teacher_section}
## In the classroom

Students work with {notebook("07_classroom_explorer")} in JupyterLab, or with the same explorer and exercises
as an app with no code (`make classroom`, served by Voila on the teacher's machine); neither shows an
answer. **For teachers:** {notebook("09_teacher_notes")} holds the learning goals, the timing, the answer
key and the mistakes the checker recognises; it is listed apart from the students' pages.

## The figures

Each figure opens full size when clicked, and links its PDF and SVG (vector graphics, for print).

{figures}

## The paper's arithmetic, recomputed

A claim's arithmetic is reproduced when the recomputed value rounds to the printed one at the printed
precision. That checks the arithmetic on the paper's own inputs, not the inputs:
{notebook("06_assumptions")} shows which assumptions change the values (the density, the flux quantum, the
internal field).

```{{nanoflux-claims}}
```

## How to cite

{cite}

## Licence

The code is under the MIT licence (`LICENSE`); the prose, the notebooks' text and the figures are under
Creative Commons Attribution 4.0 International, CC BY 4.0 (`LICENSE-CC-BY-4.0`): reuse them with credit to
nanoflux, as under "How to cite". What changed in each version: `CHANGELOG.md`.
"""


def _claims_table_nodes():
    """The claims ledger as a docutils table: key (its statement on hover), printed, recomputed, agrees,
    where in the paper."""
    from docutils import nodes

    from nanoflux.claims import check_claims
    from nanoflux.report import claim_row

    header = ("key", "printed", "recomputed", "arithmetic reproduced", "where in the paper")
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
        _, _, printed, recomputed, where = claim_row(result)
        key = nodes.abbreviation(c.key, "", nodes.literal(text=c.key), explanation=c.statement)
        cells = (key, printed, recomputed, "yes" if result.agrees else "no", where)
        classes = [["key"], ["num"], ["num"], ["agrees-yes" if result.agrees else "agrees-no"], []]
        body += row(cells, classes)
    group += body
    return [table]


def figure_downloads(figures_dir) -> list[Path]:
    """Every figure in ``figures_dir`` as PNG, PDF and SVG: copied into the site, where each shown figure
    links its full-size PNG and its vector files (:mod:`nanoflux.site.downloads`)."""
    return sorted(p for p in Path(figures_dir).glob("*") if p.suffix in (".png", ".pdf", ".svg"))


#: The site's stylesheet of the house colours (nanoflux.css uses them), written by every build.
COLOURS_CSS = "nanoflux-colours.css"


def write_colours(path: Path) -> Path:
    """Write the house colours of :mod:`nanoflux.plots.style` as CSS variables to ``path``: the site's
    verdicts are coloured as the figures' and tables' are, from one definition."""
    from nanoflux.plots import style

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("/* written by nanoflux.site from nanoflux.plots.style: the house colours */\n"
                    f":root {{ --nanoflux-agrees: {style.GREEN}; --nanoflux-disagrees: {style.RED}; }}\n",
                    encoding="utf-8")
    return path


def setup_sphinx(app) -> None:
    """Hooks of the reading site: the ``nanoflux-claims`` directive, MathJax's files, sanitizing, and the
    figures' and notebooks' downloads."""
    from docutils.parsers.rst import Directive

    class ClaimsTable(Directive):
        has_content = False

        def run(self):
            return _claims_table_nodes()

    def add_mathjax(app):
        if app.builder.format == "html":
            copy_mathjax(Path(app.outdir) / "_static" / "mathjax")
            write_colours(Path(app.outdir) / "_static" / COLOURS_CSS)

    app.add_directive("nanoflux-claims", ClaimsTable)
    app.connect("builder-inited", add_mathjax)
    # when a page is read, before Sphinx's own collectors (priority 500) record its titles, images and
    # downloads; and again once its references are resolved
    app.connect("doctree-read", sanitize_doctree, priority=100)
    app.connect("doctree-resolved", sanitize_doctree)
    app.connect("doctree-resolved", downloads.link_figures)  # after sanitizing: its links stay on the site
    app.connect("build-finished", downloads.copy_files)
    from nanoflux.site import pdf  # the LaTeX builder's hooks (make pdf); imported here, not at the top, so
    # that `python -m nanoflux.site.pdf` runs a module not imported before

    app.connect("doctree-resolved", pdf.latex_doctree)
    app.connect("build-finished", pdf.copy_vector_figures)
