"""The reading site in a real browser: headless Chromium opens the index, every notebook page and figure.

The site is built into a temporary folder and served over http://127.0.0.1 by a threaded http.server,
as a reader would get it. Chromium is Debian's (``chromium`` and ``chromium-driver``, installed by
``make test`` when missing); selenium is pointed at both binaries, so it never downloads a browser.
Without them the test skips locally, and fails under CI=true.
"""
import functools
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from nanoflux import runner

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must run the browser test (`make test` installs chromium and chromium-driver)")
    pytest.skip(f"{reason}; install with `apt-get install chromium chromium-driver` (or run `make test` as root)")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from nanoflux.site import build_site

    out = tmp_path_factory.mktemp("browser") / "site"
    build_site(out)
    return out


@pytest.fixture(scope="module")
def server(site):
    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        _unavailable(f"{' and '.join(missing)} not found")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed (pip install -e '.[test]')")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def visit(driver, url: str) -> dict:
    """Load ``url``; return its HTTP status, title, first heading, images, resources fetched and SEVERE log lines."""
    from selenium.webdriver.common.by import By

    driver.get_log("browser")  # drop anything logged before this page
    driver.get(url)
    images = driver.execute_script(
        "return Array.from(document.images).map(i => [i.currentSrc.slice(0, 60), i.complete, "
        "i.naturalWidth, i.naturalHeight]);")
    return {
        "status": driver.execute_script("return performance.getEntriesByType('navigation')[0].responseStatus;"),
        "title": driver.title,
        "heading": (driver.find_elements(By.CSS_SELECTOR, "h1") or [None])[0],
        "images": images,
        "resources": driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name);"),
        "severe": [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"],
    }


def check_page(page: dict, base: str) -> None:
    assert page["status"] == 200, page["status"]
    assert page["title"] and "404" not in page["title"] and "Error" not in page["title"], page["title"]
    assert page["heading"] is not None and page["heading"].text.strip()
    assert page["severe"] == []
    # nothing is fetched from anywhere but the site itself (images are embedded or served beside it)
    assert [r for r in page["resources"] if not (r.startswith(base) or r.startswith("data:"))] == []
    for src, complete, width, height in page["images"]:
        assert complete and width > 0 and height > 0, src


def test_index_notebook_pages_and_figures_load_in_chromium(browser, server):
    from selenium.webdriver.common.by import By

    # witness: Chromium's own view of each page: status 200, a heading, decoded images, a clean console
    index = visit(browser, f"{server}/index.html")
    check_page(index, server)
    assert index["title"] == "nanoflux: reading the notebooks"
    assert len(index["images"]) == 2  # fig1 and fig2
    assert browser.find_elements(By.CSS_SELECTOR, "table.claims tbody tr")
    links = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "ul.notebooks a")]
    assert [link.rsplit("/", 1)[-1] for link in links] == [f"{p.stem}.html" for p in runner.notebooks()]
    for link in links:
        page = visit(browser, link)
        check_page(page, server)
        assert page["title"][:2] == link.rsplit("/", 1)[-1][:2], page["title"]  # "07 · ..." for 07_....html
        back = browser.find_element(By.CSS_SELECTOR, "nav.nanoflux a").get_attribute("href")
        assert back == f"{server}/index.html"


def test_a_missing_page_is_seen_as_an_error(browser, server):
    # witness: the checks above would catch a broken link: the server's 404 shows in status and console
    page = visit(browser, f"{server}/notebooks/99_missing.html")
    assert page["status"] == 404
    assert page["severe"]
