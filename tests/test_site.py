"""nanoflux site: the static reading site built from the stored notebooks, without a browser.

(tests/test_site_browser.py opens the same site in headless Chromium.)
"""
import re
import shutil

import nbformat
import pytest

from nanoflux import runner, site
from nanoflux.claims import CLAIMS
from nanoflux.cli import main


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    files = site.build_site(out)
    return out, files


def small_notebooks(tmp_path):
    """Two stored notebooks copied to a scratch folder, for fast builds."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("01_flux_quantization.ipynb", "02_mean_field_table1.ipynb"):
        shutil.copy(runner.NOTEBOOKS_DIR / name, folder)
    return folder


def test_one_page_per_stored_notebook_and_the_figures(built):
    out, files = built
    stems = [p.stem for p in runner.notebooks()]
    assert sorted(f.relative_to(out).as_posix() for f in files) == sorted(
        ["index.html", "figures/fig1.png", "figures/fig2.png", *(f"notebooks/{s}.html" for s in stems)])
    for name in ("fig1.png", "fig2.png"):
        # witness: the committed figures, byte for byte
        assert (out / "figures" / name).read_bytes() == (runner.FIGURES_DIR / name).read_bytes()


def test_index_lists_each_notebook_with_its_title_and_purpose(built):
    out, _ = built
    index = (out / "index.html").read_text()
    for path in runner.notebooks():
        page = site.describe(nbformat.read(str(path), as_version=4), path.stem)
        # witness: the notebook's own opening cell, "# NN · title" then its purpose
        assert page.title.startswith(path.stem[:2] + " ")
        assert f'<a href="notebooks/{path.stem}.html">' in index
        assert site.html.escape(page.title) in index and site.html.escape(page.description) in index
    assert index.count("<figure>") == 2 and 'src="figures/fig1.png"' in index


def test_purpose_is_the_first_whole_sentence():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
        "# 09 · A *title*\n\nThe radius of Eq. 4 is\nshown (see `Table I`). More text follows.")])
    page = site.describe(nb, "09_x")
    assert (page.title, page.description) == ("09 · A title", "The radius of Eq. 4 is shown (see Table I).")
    with pytest.raises(site.SiteError, match="must open with a markdown cell"):
        site.describe(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")]), "09_x")


def test_claims_table_has_every_claim(built):
    out, _ = built
    index = (out / "index.html").read_text()
    table = index[index.index('<table class="claims">'):index.index("</table>")]
    # witness: the claims ledger, one row per claim, all agreeing (as `nanoflux claims` says)
    assert table.count("<tr>") == len(CLAIMS) + 1
    assert table.count('<td class="pass">PASS</td>') == len(CLAIMS)
    assert "25.656 nm" in table and "Table I" in table


def test_nothing_is_loaded_from_the_network(built):
    out, files = built
    for path in files:
        if path.suffix != ".html":
            continue
        text = path.read_text()
        refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']*)["']""", text)
        remote = [r for r in refs if re.match(r"(https?:)?//", r)]
        assert remote == [], (path.name, remote)
        assert not re.search(r"<script[^>]*\bsrc=", text), path.name
        assert "@import" not in text and not re.search(r"url\(\s*['\"]?(https?:)?//", text), path.name


def test_notebook_pages_have_a_title_and_a_way_back(built):
    out, _ = built
    for path in runner.notebooks():
        text = (out / "notebooks" / f"{path.stem}.html").read_text()
        title = re.search(r"<title>(.*?)</title>", text).group(1)
        assert title.startswith(path.stem[:2])
        assert 'href="../index.html"' in text and "<h1" in text


def test_the_explorer_page_shows_its_static_results(built):
    out, _ = built
    text = (out / "notebooks" / "07_classroom_explorer.html").read_text()
    assert "data:image/png;base64," in text and "25.6556" in text
    assert "widget-view+json" not in text and "widget-state" not in text


def test_build_is_deterministic_and_replaces_its_own_site(tmp_path):
    folder = small_notebooks(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    files_a = site.build_site(a, notebooks_dir=folder)
    (a / "stale.html").write_text("old")
    site.build_site(a, notebooks_dir=folder)
    site.build_site(b, notebooks_dir=folder)
    assert not (a / "stale.html").exists()
    for path in files_a:
        rel = path.relative_to(a)
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel


def test_refusals(tmp_path):
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
    nb = nbformat.read(str(folder / "01_flux_quantization.ipynb"), as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    nbformat.write(nb, str(folder / "01_flux_quantization.ipynb"))
    with pytest.raises(site.SiteError, match="01_flux_quantization.ipynb has no outputs: run `nanoflux reproduce`"):
        site.build_site(tmp_path / "x", notebooks_dir=folder)
    assert not (tmp_path / "x").exists()


def test_cli_site(tmp_path, capsys):
    assert main(["site", "--out", str(tmp_path / "s")]) == 0
    out = capsys.readouterr().out
    assert f"wrote {len(runner.notebooks())} notebook page(s)" in out and str(tmp_path / "s" / "index.html") in out
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "a.txt").write_text("x")
    assert main(["site", "--out", str(tmp_path / "plain")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("nanoflux site: error:") and len(err.strip().splitlines()) == 1
