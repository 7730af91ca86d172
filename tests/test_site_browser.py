"""The reading site in a real browser: headless Chromium opens the index, every notebook page, search.

The site is the one tests/test_site.py checks (built once per run by ``nanoflux site``: the session
fixture site_build, in the xdist group "site"), served over http://127.0.0.1 by a threaded http.server,
as a reader would get it; search and mathematics are also checked with the folder opened from disk
(file://). The browser (tests/chromium.py) reaches nothing but 127.0.0.1, and every request the pages
make is checked.
"""
import functools
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from nanoflux.plots import style
from nanoflux.running import stored

from chromium import chromium, leaving, project_errors, requests_made
from helpers import GUARD_S

#: The page's text outside code and typeset maths, with what raw TeX would leave there.
_RAW_TEX = r"""
const root = document.querySelector('article.bd-article').cloneNode(true);
root.querySelectorAll('pre, code, script, style, mjx-container, .highlight').forEach(e => e.remove());
const text = root.textContent;
return {
  containers: document.querySelectorAll('article mjx-container').length,
  errors: Array.from(document.querySelectorAll('mjx-merror')).map(e => e.textContent),
  raw: ['$', '\\frac', '\\(', '\\[', '\\tag', '\\mathbf', '\\Phi', '\\sqrt'].filter(s => text.includes(s)),
};
"""


pytestmark = pytest.mark.xdist_group("site")


@pytest.fixture(scope="module")
def site(site_build):
    assert site_build.status == 0, site_build.stderr
    return site_build.out


def _serve(folder: Path):
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    return httpd, thread, f"http://127.0.0.1:{httpd.server_address[1]}"


@pytest.fixture(scope="module")
def server(site):
    httpd, thread, url = _serve(site)
    yield url
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chromium(tmp_path_factory.mktemp("chromium-profile"))
    yield driver
    driver.quit()


def wait_for_maths(driver):
    """Until MathJax has typeset the page (it loads deferred, then typesets asynchronously)."""
    driver.execute_async_script("""
      const done = arguments[arguments.length - 1];
      const wait = () => (window.MathJax && MathJax.startup && MathJax.startup.promise)
        ? MathJax.startup.promise.then(() => done(true), () => done(false)) : setTimeout(wait, 50);
      wait();""")


def visit(driver, url: str) -> dict:
    """Load ``url``; return its status, title, first heading, images, requests and console errors."""
    driver.get_log("browser")  # drop anything logged before this page
    requests_made(driver)
    driver.get(url)
    if driver.execute_script("return !!document.querySelector('script[src*=\"mathjax\"]')"):
        wait_for_maths(driver)
    images = driver.execute_script(
        "return Array.from(document.images).map(i => [i.currentSrc.slice(0, 80), i.complete, "
        "i.naturalWidth, i.naturalHeight]);")
    return {
        "status": driver.execute_script("return performance.getEntriesByType('navigation')[0].responseStatus;"),
        "title": driver.title,
        "heading": driver.execute_script(  # the first heading a reader sees
            "const h = Array.from(document.querySelectorAll('h1')).find(e => e.offsetParent !== null);"
            "return h ? h.innerText : null;"),
        "images": images,
        "requests": requests_made(driver),
        "severe": project_errors(driver.get_log("browser")),
    }


def check_page(page: dict) -> None:
    assert page["status"] in (200, 0), page["status"]  # 0: a file:// page
    assert page["title"] and "404" not in page["title"] and "Error" not in page["title"], page["title"]
    assert page["heading"] and page["heading"].strip()
    assert page["severe"] == []
    assert leaving(page["requests"]) == [], leaving(page["requests"])
    for src, complete, width, height in page["images"]:
        assert complete and width > 0 and height > 0, src


_VERDICT_COLOUR = """
const table = document.createElement("table");
table.className = "claims";
table.innerHTML = `<tbody><tr><td class="${arguments[0]}">x</td></tr></tbody>`;
document.querySelector("article").appendChild(table);
const colour = getComputedStyle(table.querySelector("td")).color;
table.remove();
return colour;
"""


def test_index_notebook_pages_figures_and_maths_in_chromium(browser, server):
    from selenium.webdriver.common.by import By

    # witness: Chromium's own view of each page: status, heading, decoded images, console, requests, MathJax
    index = visit(browser, f"{server}/index.html")
    check_page(index)
    assert index["title"].endswith("nanoflux")
    assert len(index["images"]) == 2  # fig1 and fig2
    assert browser.find_elements(By.CSS_SELECTOR, "table.claims tbody tr")
    # the verdicts in the figures' colours (nanoflux.plots.style), as Chromium computes them for a verdict cell
    # (every stored claim agrees: a disagreeing one is made here, in a table of the page's classes)
    rgb = {name: tuple(int(colour[k:k + 2], 16) for k in (1, 3, 5)) for name, colour in
           (("agrees-yes", style.GREEN), ("agrees-no", style.RED))}
    for css_class, (r, g, b) in rgb.items():
        assert browser.execute_script(_VERDICT_COLOUR, css_class) == f"rgb({r}, {g}, {b})", css_class
    shown = browser.find_elements(By.CSS_SELECTOR, "table.claims td.agrees-yes")
    assert {c.value_of_css_property("color") for c in shown} == {"rgba({}, {}, {}, 1)".format(*rgb["agrees-yes"])}
    assert browser.execute_script(_RAW_TEX)["raw"] == []
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ol.notebooks > li > p > a")]
    # every stored notebook listed once (the teachers' notes apart, after the readers')
    assert sorted(link.rsplit("/", 1)[-1] for link in links) == [f"{p.stem}.html" for p in stored.stored_notebooks()]
    for link in links:
        page = visit(browser, link)
        check_page(page)
        assert page["title"][:2] == link.rsplit("/", 1)[-1][:2], page["title"]  # "07 · ..." for 07_....html
        maths = browser.execute_script(_RAW_TEX)
        assert maths["containers"] > 0 and maths["errors"] == [] and maths["raw"] == [], (link, maths)
        home = browser.find_element(By.CSS_SELECTOR, "a.navbar-brand").get_attribute("href")
        assert home.split("#")[0] == f"{server}/index.html"
        assert browser.find_elements(By.CSS_SELECTOR, "a.left-prev")
        shown = browser.find_elements(By.CSS_SELECTOR, "div.cell.tag_parameters .cell_input")
        assert len(shown) == 1 and shown[0].is_displayed()  # the parameters cell is open
        hidden = browser.find_elements(By.CSS_SELECTOR, "div.cell.tag_hide-input .cell_input")
        assert hidden and not any(h.is_displayed() for h in hidden)  # every other input is collapsed


def test_the_paper_numbers_its_equations(browser, server):
    visit(browser, f"{server}/notebooks/01_flux_quantization.html")
    # witness: MathJax's own MathML of each typeset display equation, with its label
    labels = browser.execute_script(
        "return MathJax.startup.document.getMathItemsWithin(document.body).filter(m => m.display)"
        ".map(m => MathJax.startup.toMML(m.root)).map(mml => (mml.match(/<mlabeledtr>\\s*<mtd[^>]*>\\s*"
        "<mtext>([^<]*)<\\/mtext>/) || [null, null])[1])")
    assert labels == ["(3)", "(4)"], labels


@pytest.mark.parametrize("where", ["http", "file"])
def test_search_finds_table_one(browser, server, site, where):
    root = server if where == "http" else site.as_uri()
    page = visit(browser, f"{root}/search.html?q=Table+I")
    check_page(page)
    deadline = time.monotonic() + GUARD_S
    links = []
    while time.monotonic() < deadline:
        links = browser.execute_script(
            "return Array.from(document.querySelectorAll('#search-results ul.search li > a')).map(a => a.href)")
        if links and "Search finished" in browser.execute_script(
                "return (document.querySelector('#search-results .search-summary') || {}).textContent || ''"):
            break
        time.sleep(0.1)
    # witness: the page that holds Table I (notebook 02), among the first results
    assert any("02_mean_field_table1.html" in link for link in links[:3]), links
    assert leaving(requests_made(browser)) == []
    assert project_errors(browser.get_log("browser")) == []


def test_maths_and_images_from_disk(browser, site):
    # witness: Chromium's view of a page opened from disk: MathJax's containers and errors, raw TeX left, decoded
    # images
    page = visit(browser, (site / "notebooks" / "05_discrete_dipoles.html").as_uri())
    check_page(page)
    maths = browser.execute_script(_RAW_TEX)
    assert maths["containers"] > 0 and maths["errors"] == [] and maths["raw"] == []
    assert page["images"]


@pytest.mark.parametrize("page", ["index.html", "notebooks/06_assumptions.html",
                                  "notebooks/08_atoms_to_continuum.html"])
def test_phone_width_has_no_sideways_page(browser, server, page):
    # witness: the page's scroll width in Chromium at a 390 px wide phone viewport
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": True})
    try:
        check_page(visit(browser, f"{server}/{page}"))
        # wide tables scroll inside their own box; the page itself never scrolls sideways
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 390
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_a_hostile_notebook_runs_and_loads_nothing(browser, hostile_site):
    # witness: Chromium's alert state, its requests, and the links and styles left in the page's DOM
    from selenium.common.exceptions import NoAlertPresentException
    from test_site import HOSTILE  # tests/ is on sys.path (pytest's rootdir-less import)

    httpd, thread, url = _serve(hostile_site.out)
    try:
        page = visit(browser, f"{url}/notebooks/01_hostile.html")
        time.sleep(0.5)
        with pytest.raises(NoAlertPresentException):
            _ = browser.switch_to.alert.text  # no script of the notebook ran
        assert leaving(page["requests"]) == [] and not [r for r in page["requests"] if HOSTILE in r]
        # MathJax's \href and \style from the notebook are filtered: no link, no remote style
        assert browser.execute_script(
            "return Array.from(document.querySelectorAll('article a[href], article [style]'))"
            ".filter(e => /javascript:|evil\\.example/i.test(e.getAttribute('href') + ' ' + e.getAttribute('style')))"
            ".length") == 0
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


def test_a_missing_page_is_seen_as_an_error(browser, server):
    # witness: the checks above would catch a broken link: the server's 404 shows in status and console
    page = visit(browser, f"{server}/notebooks/99_missing.html")
    assert page["status"] == 404
    assert page["severe"]


# -- nothing cut, everything to take away ----------------------------------------------------------------

#: Every box that could cut text at its right edge: code, printed output, tables and their boxes.
_CLIPPED = r"""
const boxes = document.querySelectorAll('article pre, article table, article div.output, article div.highlight, '
                                        + 'article div.cell_output, article .table-wrapper, article figure');
return Array.from(boxes).filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
  .map(e => [e.tagName, e.className, e.scrollWidth, e.clientWidth, (e.innerText || '').slice(0, 60)]);
"""


def _pages():
    return ["index.html", *(f"notebooks/{p.stem}.html" for p in stored.stored_notebooks())]


def test_no_text_is_clipped_on_any_page(browser, server):
    from nanoflux.plots.style import SITE_FIGURE_WIDTH_PX

    browser.set_window_size(1280, 800)
    for page in _pages():
        check_page(visit(browser, f"{server}/{page}"))
        # witness: each box's own scrollWidth against its clientWidth, as Chromium laid the page out
        assert browser.execute_script(_CLIPPED) == [], page
        widths = browser.execute_script(
            "return Array.from(document.querySelectorAll('article img')).map(i => i.clientWidth)")
        assert all(w >= SITE_FIGURE_WIDTH_PX for w in widths), (page, widths)  # the width figures are made for
    # the check can fail: lines that may not wrap (as before this site wrapped them) are seen as cut
    visit(browser, f"{server}/notebooks/05_discrete_dipoles.html")
    browser.execute_script("document.querySelectorAll('article pre').forEach(p => p.style.whiteSpace = 'pre')")
    assert any(tag == "PRE" for tag, *_ in browser.execute_script(_CLIPPED))


def test_teachers_notes_are_grouped_apart(browser, server):
    # witness: the sidebar's captions and links, and the index's lists, as Chromium shows them
    from selenium.webdriver.common.by import By

    visit(browser, f"{server}/index.html")
    groups = browser.execute_script("""
      return Array.from(document.querySelectorAll('.bd-sidebar-primary p.caption')).map(c => [c.innerText.trim(),
        Array.from(c.nextElementSibling.querySelectorAll('a')).map(a => a.getAttribute('href'))]);""")
    assert [name for name, _ in groups] == ["Notebooks", "For teachers"]
    assert groups[1][1] == ["notebooks/09_teacher_notes.html"]
    assert not any("09_teacher_notes" in href for href in groups[0][1])
    teachers = browser.find_elements(By.CSS_SELECTOR, "ol.notebooks.teachers > li a")
    assert [a.get_attribute("href").rsplit("/", 1)[-1] for a in teachers] == ["09_teacher_notes.html"]


def test_figures_open_full_size_and_link_their_pdf_and_svg_and_pages_their_notebook(browser, server):
    import json

    for page, count in (("index.html", 2), ("notebooks/06_assumptions.html", 4),
                        ("notebooks/05_discrete_dipoles.html", 2)):
        visit(browser, f"{server}/{page}")
        found = browser.execute_async_script("""
          const done = arguments[arguments.length - 1];
          const figures = Array.from(document.querySelectorAll('article a.figure-full')).map(a => {
            const files = a.closest('figure') ? a.closest('figure').querySelector('p.figure-files')
                                              : a.nextElementSibling;
            return [a.href, a.querySelector('img') !== null,
                    Array.from(files.querySelectorAll('a')).map(l => l.href)];
          });
          Promise.all(figures.flatMap(f => f[2]).map(u => fetch(u).then(r => [u, r.status,
              r.headers.get('content-type')]))).then(r => done([figures, r]));""")
        figures, fetched = found
        # witness: the server's answer to each link, and the stem of the image it links from
        assert len(figures) == count, (page, figures)
        for href, has_image, links in figures:
            stem = href.rsplit("/", 1)[-1][:-4]
            assert has_image and [link.rsplit("/", 1)[-1] for link in links] == [f"{stem}.{f}" for f in
                                                                                   ("png", "pdf", "svg")]
        assert all(status == 200 for _, status, _ in fetched), fetched
        assert {kind.split(";")[0] for _, _, kind in fetched} == {"image/png", "application/pdf", "image/svg+xml"}
    for page in _pages()[1:]:
        visit(browser, f"{server}/{page}")
        text = browser.execute_async_script("""
          const done = arguments[arguments.length - 1];
          const a = document.querySelector('p.notebook-download a');
          fetch(a.href).then(r => r.text()).then(t => done([a.getAttribute('href'), t]));""")
        stem = page.rsplit("/", 1)[-1][:-5]
        assert text[0] == f"../ipynb/{stem}.ipynb"
        notebook = json.loads(text[1])
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        assert notebook["nbformat"] == 4 and any(c.get("outputs") for c in code)


def test_search_snippets_are_plain_text(browser, server):
    visit(browser, f"{server}/search.html?q=demagnetizing")
    deadline = time.monotonic() + 20
    snippets = []
    while time.monotonic() < deadline and not snippets:
        snippets = browser.execute_script(
            "return Array.from(document.querySelectorAll('#search-results li p.context')).map(p => p.textContent)")
        time.sleep(0.1)
    # witness: the snippet cut from notebook 06's source, where the formulas around the word are TeX
    assert snippets and any("demagnetizing" in s for s in snippets), snippets
    assert not any("\\" in s for s in snippets), snippets
    assert any("μ0" in s for s in snippets), snippets
