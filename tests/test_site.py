"""nanoflux site: the reading site (Sphinx, MyST-NB, sphinx-book-theme) built from the stored notebooks.

Built here without a browser; tests/test_site_browser.py opens the same site in headless Chromium. The
full site is built once per test run by the command line (the session fixture site_build, shared with the
browser tests: both files are in the xdist group "site"), and so is the hostile notebook's site
(hostile_site); the rebuild and refusal tests build small sites from one or two notebooks copied to a
scratch folder.
"""
import copy
import html
import json
import re
import shutil
import stat

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nanoflux import site
from nanoflux.claims import CLAIMS, check_claims
from nanoflux.cli import main
from nanoflux.plots.save import saved_description
from nanoflux.running import outputs, stored
from nanoflux.site import index as site_index
from nanoflux.site import pages, sanitize

from helpers import tree_digest

#: Hosts of public CDNs: none may appear anywhere in the site.
CDN_HOSTS = ("cdn.jsdelivr.net", "cdnjs.cloudflare.com", "unpkg.com", "fonts.googleapis.com", "fonts.gstatic.com",
             "ajax.googleapis.com", "code.jquery.com", "polyfill.io", "cdn.mathjax.org", "stackpath.bootstrapcdn.com",
             "maxcdn.bootstrapcdn.com", "use.fontawesome.com", "kit.fontawesome.com", "cdn.plot.ly", "esm.sh")
TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".txt", ".svg", ".inv", ""}
HOSTILE = "evil.example"


pytestmark = pytest.mark.xdist_group("site")


@pytest.fixture
def built(site_build):
    """The full site's folder and files (tests/conftest.py builds it once per session)."""
    assert site_build.status == 0, site_build.stderr
    return site_build.out, site_build.files


def small_notebooks(tmp_path, names=("01_flux_quantization.ipynb", "02_mean_field_table1.ipynb")):
    """Stored notebooks copied to a scratch folder, for fast builds."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in names:
        shutil.copy(outputs.NOTEBOOKS_DIR / name, folder)
    return folder


def text_of(path):
    return path.read_text(encoding="utf-8", errors="replace")


def article(page: str) -> str:
    """The page's content (what the notebook put there), without the theme's head, sidebars and footer."""
    return page[page.index('<article class="bd-article">'):page.index("</article>")]


# -- the site built from the stored notebooks ---------------------------------------------------------

def test_the_command_builds_the_site_quietly(site_build):
    # witness: what `nanoflux site` printed: each of Sphinx's warnings would be a line of its stderr
    assert site_build.status == 0 and site_build.stderr == ""
    assert site_build.stdout == (f"wrote {len(stored.stored_notebooks())} notebook page(s), "
                                 "the figures and the claims table; "
                                 f"open {site_build.out / 'index.html'}\n")


def test_one_page_per_stored_notebook_and_the_figures(built):
    out, files = built
    stems = [p.stem for p in stored.stored_notebooks()]
    pages = sorted(f.relative_to(out).as_posix() for f in files if f.suffix == ".html")
    assert pages == sorted(["index.html", "search.html", *(f"notebooks/{s}.html" for s in stems)])
    for name in ("fig1.png", "fig2.png"):
        # witness: the committed figures, byte for byte, beside the pages that show them
        assert (out / "_images" / name).read_bytes() == (outputs.FIGURES_DIR / name).read_bytes()
    assert (out / site.MARKER).is_file()


def test_index_has_the_paper_the_notebooks_in_order_the_figures(built):
    out, _ = built
    index = text_of(out / "index.html")
    assert "<em>MRS Communications</em>" in index and "accepted manuscript" in index
    assert "no title line, authors or DOI" in index and "VOLUME XX" in index
    links = re.findall(r'<a class="reference internal" href="(notebooks/[^"#]+\.html)">', index)
    lists = re.findall(r'<ol class="arabic simple notebooks( teachers)?"[^>]*>(.*?)</ol>', index, re.S)
    listed = [re.findall(r'href="(notebooks/[^"#]+\.html)"', body) for _, body in lists]
    # witness: the numbered notebooks in notebooks/, each once, in reading order, the teachers' notes listed
    # apart; each list numbered from its first notebook's own number (01-08 and 10 for readers, 09 apart)
    assert [kind for kind, _ in lists] == ["", "", " teachers"]
    assert sorted(sum(listed, [])) == [f"notebooks/{p.stem}.html" for p in stored.stored_notebooks()]
    assert listed[0] + listed[1] == sorted(listed[0] + listed[1]) and listed[2] == ["notebooks/09_teacher_notes.html"]
    assert '<ol class="arabic simple notebooks teachers" start="9">' in index
    assert '<ol class="arabic simple notebooks" start="10">' in index
    captions = re.findall(r'<p aria-level="2" class="caption" role="heading"><span class="caption-text">([^<]+)</span>'
                          r'</p>\s*<ul[^>]*>(.*?)</ul>', index, re.S)
    assert [c for c, _ in captions] == ["Notebooks", "For teachers"]  # the navigation groups them too
    assert "09_teacher_notes" in captions[1][1] and "09_teacher_notes" not in captions[0][1]
    summaries = index[index.index('<ol class="arabic simple notebooks'):]
    assert "Every number the paper prints is reproduced" not in summaries
    assert set(links) >= set(sum(listed, []))
    for path in stored.stored_notebooks():
        page = pages.page_of(nbformat.read(str(path), as_version=4), path.stem)
        assert page.title.startswith(path.stem[:2] + " ")  # "# NN · title" opens every notebook
        assert html.escape(page.title, quote=False).replace("'", "’") in index, page.title
    # teachers are pointed at their notes, and students at notebook 07 and the app
    teachers = index[index.index("For teachers:</strong>"):]
    assert re.match(r'For teachers:</strong> <a class="reference internal" href="notebooks/09_teacher_notes.html"',
                    teachers)
    assert re.search(r"make</span>\s*<span class=\"pre\">classroom", index[:index.index("For teachers:</strong>")])
    figures = re.findall(r'<figure[^>]*>.*?</figure>', index, re.S)
    assert len(figures) == 2
    for figure, (name, _, _) in zip(figures, site_index.FIGURES):
        assert f'src="_images/{name}"' in figure
        # witness: the description save_figure wrote into the committed PNG
        alt = saved_description(outputs.FIGURES_DIR / name)
        assert alt and html.unescape(re.search(r'alt="([^"]*)"', figure).group(1)) == alt  # what it shows
        assert "<figcaption>" in figure and f"Figure {name[3]} recomputed" in figure


def test_claims_table_has_every_claim_as_the_ledger_computes_it(built):
    out, _ = built
    index = text_of(out / "index.html")
    table = index[index.index('<table class="claims'):]
    table = table[:table.index("</table>")]
    header = re.findall(r"<th[^>]*><p>(.*?)</p>", table)
    assert header == ["key", "printed", "recomputed", "arithmetic reproduced", "where in the paper"]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]
    assert len(rows) == len(CLAIMS)
    for row, result in zip(rows, check_claims()):
        # witness: the claims ledger itself (as `nanoflux claims` prints it)
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        c = result.claim
        assert cells[0] == c.key and html.escape(c.statement) in row
        assert cells[1] == html.escape(f"{c.printed_text} {c.unit}".strip())
        value, *unit = cells[2].split()
        assert abs(float(value) - result.recomputed) <= 5e-4 and unit == ([c.unit] if c.unit else [])
        assert cells[3] == ("yes" if result.agrees else "no") == "yes"
        assert cells[4] == html.escape(c.where)
    assert "25.656 nm" in table and "Table I" in table
    before = index[:index.index('<table class="claims')]
    intro = before[before.rindex("<h2>"):]
    assert "arithmetic" in intro and 'href="notebooks/06_assumptions.html"' in intro


def test_index_says_how_to_cite_and_the_licences(built):
    from nanoflux import __version__

    out, _ = built
    index = text_of(out / "index.html")
    cite = index[index.index('id="how-to-cite"'):]
    # witness: CITATION.cff's own authors, title and version
    assert "The nanoflux developers" in cite and f"version {__version__}" in cite and "CITATION.cff" in cite
    assert "CC BY 4.0" in cite and "MIT" in cite and "LICENSE-CC-BY-4.0" in cite
    assert f"nanoflux {__version__}" in index[index.index("</article>"):]  # the footer of every page


def test_index_opens_with_the_verdict(built):
    from nanoflux.site import verdict

    out, _ = built
    index = text_of(out / "index.html")
    section = index[index.index("What this companion finds"):index.index("<h2>The paper")]
    items = re.findall(r"<li><p>(.*?)</p>\s*</li>", section, re.S)
    findings = verdict.findings()
    # witness: the verdict generated from the results files, one item each, with the link to its notebook
    assert len(items) == len(findings) == 5
    for item, finding in zip(items, findings):
        assert f'href="notebooks/{finding.notebook}.html"' in item
        lead = re.sub(r"\$[^$]*\$", "", finding.lead).strip(" .")
        assert lead.split()[-1] in item
    assert "9 of the 9 numbers" in section and "13.4 nm" in section and "1.414" in section


def test_notebook_pages_title_navigation_equations_and_collapsed_inputs(built):
    out, _ = built
    # pages follow the navigation: the readers' notebooks in reading order, then the teachers' notes
    paths = sorted(stored.stored_notebooks(), key=lambda p: (p.stem in site_index.TEACHERS, p.stem))
    for i, path in enumerate(paths):
        page = text_of(out / "notebooks" / f"{path.stem}.html")
        title = re.search(r"<title>(.*?)</title>", page).group(1)
        assert title.startswith(path.stem[:2]) and title.endswith("nanoflux")
        assert 'class="bd-toc-nav page-toc"' in page or "page-toc" in page  # on-page table of contents
        assert 'href="../index.html"' in page
        prev = re.search(r'<a class="left-prev"\s+href="([^"]+)"', page)
        nxt = re.search(r'<a class="right-next"\s+href="([^"]+)"', page)
        assert prev and prev.group(1) == ("../index.html" if i == 0 else f"{paths[i - 1].stem}.html")
        assert (nxt is None) == (i == len(paths) - 1)
        if nxt:
            assert nxt.group(1) == f"{paths[i + 1].stem}.html"
        body = article(page)
        nb = nbformat.read(str(path), as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        # witness: the stored notebook's own cells: every input collapsed but the parameters cell
        cells = re.findall(r'<div class="cell( [^"]*)? docutils container">', body)
        assert len(cells) == len(code)
        assert sum("tag_parameters" in c for c in cells) == 1
        assert sum("tag_hide-input" in c for c in cells) == len(code) - 1
        assert body.count('<details class="admonition hide above-input">') == len(code) - 1
        assert '<script type="math/tex' not in body and "\\(" in body  # inline maths for MathJax
    eqs = article(text_of(out / "notebooks" / "01_flux_quantization.html"))
    # the paper's own equation numbers, as \tag{n} in display maths
    assert re.search(r'<div class="math notranslate nohighlight">\s*\\\[A = \\frac\{\\Phi_0\}\{B\} \\tag\{3\}\\\]', eqs)
    assert "\\tag{4}" in eqs and "$$" not in eqs


def test_stored_outputs_are_the_content(built):
    out, _ = built
    for path in stored.stored_notebooks():
        body = article(text_of(out / "notebooks" / f"{path.stem}.html"))
        nb = nbformat.read(str(path), as_version=4)
        images = sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        # witness: the stored notebook's PNG outputs, each shown as an image file of the site
        assert len(re.findall(r'<img alt="[^"]*" src="../_images/[0-9a-f]{64}\.png"', body)) == images, path.stem
    explorer = text_of(out / "notebooks" / "07_classroom_explorer.html")
    assert "25.6556" in explorer or "25.66" in explorer
    assert "widget-view+json" not in explorer and "widget-state" not in explorer


def test_search_index_and_page(built):
    # witness: Sphinx's own search index (searchindex.js): its document names against the stored notebooks
    out, _ = built
    assert (out / "search.html").is_file()
    index = text_of(out / "searchindex.js")
    assert index.startswith("Search.setIndex(")  # a script, so search works from file:// too
    docnames = json.loads(re.search(r'"docnames":(\[[^]]*\])', index).group(1))
    assert docnames == ["index", *(f"notebooks/{p.stem}" for p in stored.stored_notebooks())]
    # (tests/test_site_browser.py searches it for "Table I" in Chromium)


def test_mathjax_is_served_by_the_site(built):
    # witness: the files in the site's _static/mathjax: the full build, the safe extension, its licence, its fonts
    out, _ = built
    mathjax = out / "_static" / "mathjax"
    page = text_of(out / "notebooks" / "01_flux_quantization.html")
    assert re.search(r'<script defer="defer" src="../_static/mathjax/tex-chtml-full.js\?v=[0-9a-f]+"></script>', page)
    assert (mathjax / "tex-chtml-full.js").stat().st_size > 500_000
    assert (mathjax / "ui" / "safe.js").is_file()
    assert "Apache License" in text_of(mathjax / "LICENSE")
    fonts = sorted(p.name for p in (mathjax / "output" / "chtml" / "fonts" / "woff-v2").iterdir())
    assert "MathJax_Main-Regular.woff" in fonts and len(fonts) >= 20


def test_nothing_refers_to_a_cdn_or_loads_from_elsewhere(built):
    out, files = built
    for path in files:
        if path.suffix not in TEXT_SUFFIXES:
            continue
        text = text_of(path)
        # witness: a list of public CDN hosts, searched in every text file of the site
        assert not [h for h in CDN_HOSTS if h in text], path
        if path.suffix in (".html", ".css"):
            refs = re.findall(r"""<(?:script|link|img|iframe|source|video|audio|embed|object)\b[^>]*?"""
                              r"""\b(?:src|href|data)\s*=\s*["']?([^"'\s>]*)""", text)
            assert [r for r in refs if re.match(r"(https?:)?//", r)] == [], path
            urls = re.findall(r"""url\(\s*["']?([^"')]*)""", text) + re.findall(r"""@import\s+["']([^"']*)""", text)
            assert [u for u in urls if re.match(r"(https?:)?//", u)] == [], path


def test_files_are_readable_by_a_web_server_of_another_user(built):
    # witness: each file's and folder's mode bits, read from the disk
    out, _ = built
    for path in [out, *out.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))
    assert not list(out.rglob(".doctrees")) and not (out / ".buildinfo").exists()


def test_the_explorer_page_shows_its_static_results(built):
    # witness: the page's HTML: a content-addressed PNG, and no widget loader script
    out, _ = built
    text = text_of(out / "notebooks" / "07_classroom_explorer.html")
    assert re.search(r'src="../_images/[0-9a-f]{64}\.png"', text)
    assert "require.min.js" not in text and "embed-amd" not in text


# -- rebuilds, refusals and what notebooks carry ------------------------------------------------------

def test_build_is_deterministic_and_replaces_its_own_site(tmp_path, monkeypatch):
    # witness: a second site built apart (another folder, another SOURCE_DATE_EPOCH), compared file by file and byte
    # for byte
    folder = small_notebooks(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    site.build_site(a, notebooks_dir=folder)
    (a / "stale.html").write_text("old")
    files_a = site.build_site(a, notebooks_dir=folder)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the caller's clock does not reach the site
    files_b = site.build_site(b, notebooks_dir=folder)
    assert not (a / "stale.html").exists()
    assert [f.relative_to(a) for f in files_a] == [f.relative_to(b) for f in files_b]
    for path in files_a:
        rel = path.relative_to(a)
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    assert tree_digest(a) == tree_digest(b)
    import os
    assert os.environ["SOURCE_DATE_EPOCH"] == "1700000000"  # restored after the build


def test_refusals(tmp_path):
    # witness: each refusal's message, spelled here, and the folder and files left as they were
    folder = small_notebooks(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("not a site")
    with pytest.raises(site.SiteError, match="exists and is not a nanoflux site"):
        site.build_site(other, notebooks_dir=folder)
    assert (other / "keep.txt").read_text() == "not a site"
    with pytest.raises(site.SiteError, match="missing figure"):
        site.build_site(tmp_path / "x", notebooks_dir=folder, figures_dir=tmp_path)
    with pytest.raises(site.SiteError, match="no numbered notebooks"):
        site.build_site(tmp_path / "x", notebooks_dir=tmp_path / "nothing")
    (folder / "03_broken.ipynb").write_text("{not json")
    with pytest.raises(site.SiteError, match="03_broken.ipynb is not a readable notebook"):
        site.build_site(tmp_path / "x", notebooks_dir=folder)
    (folder / "03_broken.ipynb").unlink()
    nb = nbformat.read(str(folder / "01_flux_quantization.ipynb"), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    nbformat.write(nb, str(folder / "01_flux_quantization.ipynb"))
    with pytest.raises(site.SiteError, match="01_flux_quantization.ipynb has no outputs: run `nanoflux reproduce`"):
        site.build_site(tmp_path / "x", notebooks_dir=folder)
    assert not (tmp_path / "x").exists() and not list(tmp_path.glob(".site-*"))


@pytest.mark.parametrize("stem", [p.stem for p in stored.stored_notebooks()])
def test_a_notebook_that_lost_one_output_is_refused(tmp_path, stem):
    nb = nbformat.read(str(outputs.NOTEBOOKS_DIR / f"{stem}.ipynb"), as_version=4)
    assert pages.missing_outputs(nb) == []  # the stored notebook is complete
    code = [c for c in nb.cells if c.cell_type == "code"]
    with_output = [i for i, c in enumerate(code) if c.outputs]
    assert len(with_output) >= 3
    for i in (with_output[len(with_output) // 2], with_output[-1]):  # a figure or table, and the versions line
        damaged = copy.deepcopy(nb)
        [c for c in damaged.cells if c.cell_type == "code"][i].outputs = []
        # witness: the cell's own source, which prints or ends in a displayed expression
        assert pages.missing_outputs(damaged) == [f"code cell {i + 1} has lost its output"]
        with pytest.raises(site.SiteError, match=rf"{stem}.ipynb is incomplete \(code cell {i + 1} has lost its "
                                                 r"output\): run `nanoflux reproduce` first"):
            pages.check_outputs(damaged, f"{stem}.ipynb")


def test_a_lost_figure_output_stops_the_build(tmp_path):
    # witness: a copy of notebook 03 with its figure cell's output removed here
    folder = small_notebooks(tmp_path, ("03_figure1.ipynb",))
    path = folder / "03_figure1.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    figure = next(c for c in nb.cells if c.cell_type == "code" and any("image/png" in o.get("data", {})
                                                                       for o in c.outputs))
    figure.outputs = []
    nbformat.write(nb, str(path))
    with pytest.raises(site.SiteError, match=r"03_figure1.ipynb is incomplete \(code cell \d+ has lost its output\)"):
        site.build_site(tmp_path / "out", notebooks_dir=folder)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("source, shows", [
    ("x = 1", False),
    ("x", True),
    ("x;", False),
    ("x  # a comment", True),
    ("f(x);  # silenced", False),
    ("print(x)\ny = 2", True),
    ("display(t)\nz = 1", True),
    ("IPython.display.display(t)\nz = 1", True),
    ("if flag:\n    print(x)", False),  # may print nothing: not counted
    ("for t in ts:\n    display(t)", False),
    ("%matplotlib inline", False),
    ("%matplotlib inline\nrun", True),
    ("def f():\n    return 1", False),
    ("", False),
    ("this is not python(", False),
])
def test_which_cells_must_show_output(source, shows):
    # witness: the answer written out per cell source
    assert pages.shows_output(source) is shows


def test_an_unrun_cell_is_refused():
    # witness: a notebook made here whose second code cell has no execution count
    nb = new_notebook(cells=[new_markdown_cell("# 01 · t\n\nA purpose."),
                             new_code_cell("x = 1", execution_count=1),
                             new_code_cell("y = 2", execution_count=None)])
    assert pages.missing_outputs(nb) == ["code cell 2 was never run"]


def test_purpose_is_the_first_whole_sentence():
    # witness: the title and first sentence written out for notebooks made here
    nb = new_notebook(cells=[new_markdown_cell(
        "# 09 · A *title*\n\nThe radius of Eq. 4 is\nshown (see `Table I`). More text follows.\n\nNext paragraph.")])
    page = pages.page_of(nb, "09_x")
    assert (page.title, page.description) == ("09 · A title", "The radius of Eq. 4 is shown (see Table I).")
    assert page.title_markdown == "09 · A *title*"
    assert page.description_markdown == "The radius of Eq. 4 is shown (see `Table I`)."
    nb = new_notebook(cells=[new_markdown_cell("# 09 · t\n\nNo full stop here\n\n<script>x</script> Later.")])
    assert pages.page_of(nb, "09_x").description == "No full stop here"  # the first paragraph only
    with pytest.raises(site.SiteError, match="must open with a markdown cell"):
        pages.page_of(new_notebook(cells=[new_code_cell("1")]), "09_x")


def hostile_notebook():
    """Everything a notebook could carry to run script or load from elsewhere, in prose and in outputs."""
    e = HOSTILE
    prose = (f"# 01 · A hostile notebook\n\nIt tries everything.\n\n<script>alert('md')</script>\n\n"
             f'<img src="https://{e}/a.png" onerror="alert(1)"> <iframe src="https://{e}/frame"></iframe>\n\n'
             f"[click](javascript:alert(2)) and [away](https://{e}/page) and ![remote](https://{e}/r.png)\n\n"
             f'<a href="https://{e}/x" onclick="alert(3)">raw link</a> '
             f'<div style="background:url(https://{e}/bg.png)">styled</div>\n\n'
             f"<style>body {{ background: url(//{e}/b.png) }}</style>\n\n"
             f"```{{raw}} html\n<script>alert('raw')</script>\n```\n\n```{{include}} /etc/hostname\n```\n\n"
             f'<svg><image href="https://{e}/svg.png"/></svg> <object data="https://{e}/o"></object>\n')
    rich = (f'<style>td {{ color: #333 }}</style><style>@import url(https://{e}/i.css);</style>'
            f'<table class="t"><tr><td onmouseover="alert(5)">cell</td></tr></table>'
            f'<script src="https://{e}/s.js"></script><script>alert(6)</script>'
            f'<iframe srcdoc="<script>alert(7)</script>"></iframe>'
            f'<form action="https://{e}/f"><input name="q"></form><svg onload="alert(8)"><circle r="1"/></svg>'
            f'<a href="data:text/html,<script>alert(9)</script>">data link</a><a href="JaVaScRiPt:alert(10)">js</a>'
            f'<img src="//{e}/p.png"><p style="background: URL( https://{e}/u.png )">u</p>'
            f'<link rel="stylesheet" href="https://{e}/l.css"><meta http-equiv="refresh" content="0;url=https://{e}/">'
            f'<base href="https://{e}/"><p style="color: blue">kept style</p>')
    outputs = [
        new_output("display_data", data={"text/html": rich, "text/plain": "<table>"}),
        new_output("display_data", data={"application/javascript": "alert(11)"}),
        new_output("display_data", data={"text/markdown": f"**md** <span onclick='alert(12)'>s</span> "
                                                          f"[l](https://{e}/md)"}),
        new_output("display_data", data={"application/vnd.jupyter.widget-view+json":
                                         {"model_id": "m", "version_major": 2, "version_minor": 0},
                                         "text/plain": "a widget"}),
        new_output("display_data", data={"image/svg+xml": '<svg xmlns="http://www.w3.org/2000/svg">'
                                                          '<script>alert(13)</script></svg>', "text/plain": "svg"}),
        new_output("stream", name="stdout", text="<script>alert(14)</script>\n"),
    ]
    cells = [new_markdown_cell(prose),
             new_code_cell("x = 1", execution_count=1, metadata={"tags": ["parameters"]}),
             new_code_cell("show()", execution_count=2, outputs=outputs)]
    state = {"application/vnd.jupyter.widget-state+json": {"state": {"m": {}}, "version_major": 2,
                                                             "version_minor": 0}}
    return new_notebook(cells=cells, metadata={"widgets": state, "language_info": {"name": "python"}})


def test_sanitize_html_keeps_tables_and_safe_styles():
    # witness: the sanitized HTML written out per input, what must stay and what must go
    clean = sanitize.sanitize_html('<style>table.t td{color:#1a7f37}</style><table class="t"><caption>Φ<sub>0</sub>'
                               '</caption><tr><td class="agree" style="color: red">1</td></tr></table>')
    assert clean == ('<style>table.t td{color:#1a7f37}</style><table class="t"><caption>Φ<sub>0</sub></caption>'
                     '<tbody><tr><td class="agree" style="color: red">1</td></tr></tbody></table>')
    assert sanitize.sanitize_html('<img src="data:image/png;base64,iVBO" alt="a">') == \
        '<img src="data:image/png;base64,iVBO" alt="a">'
    assert sanitize.sanitize_html('<img src="https://x.example/a.png" alt="a">text') == "text"
    assert sanitize.sanitize_html('<style>a{b:c}</style  ><script>x</script>') == "<style>a{b:c}</style>"
    assert sanitize.sanitize_html('<style>a{background:u\\72l(x)}</style>') == ""  # escapes hide url()
    assert sanitize.sanitize_html('<style>/* ok */ a{b:c} /* u/**/rl( */</style>') == ""  # a comment left open
    assert sanitize.sanitize_html('<style>/* a note */ td{color:red}</style>') == "<style> td{color:red}</style>"
    assert sanitize.sanitize_html('<p style="background:&#117;rl(https://x.example/a.png)">a</p>') == "<p>a</p>"


def test_a_hostile_notebook_reaches_no_page(hostile_site):
    folder, files, warnings = hostile_site.notebooks, hostile_site.files, hostile_site.warnings
    assert [w for w in warnings if "disabled" not in w] == []  # {raw} and {include} are refused, with a warning
    assert all(str(folder) in w for w in warnings)  # naming the notebook, not a temporary copy
    page = text_of(hostile_site.out / "notebooks" / "01_hostile.html")
    body = article(page)
    assert "kept style" in body and "cell" in body and "raw link" in body  # the harmless parts stay
    assert '<p style="color: blue">' in body and "td { color: #333 }" in body
    # witness: the hostile notebook's own payloads, each looked for in the page's content
    assert "<script" not in body.lower() and "<iframe" not in body.lower() and "<object" not in body.lower()
    assert "<form" not in body.lower() and "<svg" not in body.lower() and "<meta" not in body.lower()
    assert "<link" not in body.lower() and "<base" not in body.lower()
    assert not re.search(r"\son[a-z]+\s*=", body, re.I)
    assert not re.search(r"""(?:href|src|action|data)\s*=\s*["']?\s*(?:javascript|data:text|https?:|//)""", body, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", body, re.I) and "@import" not in body
    assert "alert(11)" not in body and "alert(12)" not in body and "alert(13)" not in body
    assert "&lt;script&gt;alert(14)&lt;/script&gt;" in body  # printed text stays text
    assert any('Directive "include" disabled' in w for w in warnings)
    assert any('"raw" directive disabled' in w for w in warnings)
    # nothing hostile in the page's head or scripts either: only the site's own scripts load
    scripts = re.findall(r'<script[^>]*\bsrc="([^"]+)"', page)
    assert all(s.startswith(("../_static/", "../searchindex.js")) for s in scripts), scripts
    assert "widget-state" not in page and "require" not in " ".join(scripts)
    for path in files:
        if path.suffix in TEXT_SUFFIXES:
            text = text_of(path)
            assert not re.search(rf"""(?:src|href|action|data)\s*=\s*["']?[^"'>]*{HOSTILE}""", text), path
            assert not re.search(rf"url\([^)]*{HOSTILE}", text), path
            assert "alert(13)" not in text, path  # the SVG output with a script is not a file of the site


def test_cli_site_refuses_a_folder_it_did_not_build(tmp_path, capsys):
    # (the command's build itself: test_the_command_builds_the_site_quietly)
    # witness: exit status 2 and one stderr line for a folder holding a file no build wrote
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.txt").write_text("x")
    assert main(["site", "--out", str(tmp_path / "plain")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nanoflux site: error:") and len(err.strip().splitlines()) == 1


def test_every_image_on_a_page_says_what_it_shows(built):
    out, _ = built
    # witness: each notebook page's <img> tags, with the description its notebook displayed the figure with
    for page in sorted((out / "notebooks").glob("*.html")):
        for tag in re.findall(r"<img [^>]*>", text_of(page)):
            alt = html.unescape(re.search(r'alt="([^"]*)"', tag).group(1))
            assert len(alt.split()) >= 8 and not alt.endswith((".png", ".svg")), (page.name, alt[:80])


@pytest.mark.parametrize("where, words", [
    ("nanoflux/x", "must not be the repository, notebooks/, figures/, nanoflux/"),
    ("notebooks", "must not be the repository"),
    (".", "must not be the repository"),
    ("/proc/self/x", "cannot write a site to /proc/"),
])
def test_site_out_follows_the_output_rule(capsys, where, words):
    # witness: the exit status, the one stderr line, and the package folder's listing afterwards
    before = sorted(p.name for p in (outputs.NOTEBOOKS_DIR.parent / "nanoflux").iterdir())
    assert main(["site", "--out", where]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0], err
    assert sorted(p.name for p in (outputs.NOTEBOOKS_DIR.parent / "nanoflux").iterdir()) == before
