"""The site's index page (the paper, the notebooks in order, the figures, the claims ledger) and the Sphinx
extension that builds its parts: ``nanoflux-claims``, MathJax's files, sanitizing every page."""
from __future__ import annotations

from pathlib import Path

from nanoflux import paper
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



def _claims_table_nodes():
    """The claims ledger as a docutils table: key (its statement on hover), printed, recomputed, agrees,
    where in the paper."""
    from docutils import nodes

    from nanoflux.claims import check_claims
    from nanoflux.report import claim_row

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
        _, _, printed, recomputed, where = claim_row(result)
        key = nodes.abbreviation(c.key, "", nodes.literal(text=c.key), explanation=c.statement)
        cells = (key, printed, recomputed, "yes" if result.agrees else "no", where)
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
    # when a page is read, before Sphinx's own collectors (priority 500) record its titles, images and
    # downloads; and again once its references are resolved
    app.connect("doctree-read", sanitize_doctree, priority=100)
    app.connect("doctree-resolved", sanitize_doctree)
