"""The classroom app (``nanoflux classroom``, Voila) in a real browser, at a projector's 1280 x 720.

The app is started as a teacher starts it, from the command line, in a folder outside the repository;
headless Chromium (tests/chromium.py) reaches nothing but 127.0.0.1. The tests move the B slider with
the keyboard, pick a material, answer an exercise, and check what the page shows against the module.
"""
import math
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nanoflux import flux

import explorer_page
from chromium import chromium, leaving, project_errors, requests_made
from explorer_page import radii_nm, shown
from helpers import GUARD_S, file_digests, free_port, wait_for_port

REPO = Path(__file__).resolve().parent.parent
PRESSES = 3

#: What the page shows, read in one go: readouts, radii, material, chart, layout and typeset maths.
STATE = """
const q = s => document.querySelector(s);
const text = s => (q(s) || {}).innerText || null;
const img = q('.nanoflux-image img') || q('img.nanoflux-image');
const box = e => { if (!e) return null; const r = e.getBoundingClientRect(); \
return [r.left, r.right, r.top, r.bottom]; };
const scrollers = [document.documentElement, document.body, \
...document.querySelectorAll('#rendered_cells, .jp-Notebook, main')];
return {
  B: text('.nanoflux-B-readout'), n: text('.nanoflux-n-readout'), N: text('.nanoflux-N-readout'),
  radii: text('.nanoflux-radii'), material: (q('.nanoflux-material select') || {}).value || null,
  chart: img ? img.src : null, chart_loaded: img ? img.complete && img.naturalWidth > 0 : false,
  charts: document.querySelectorAll('img').length,
  controls: box(q('.nanoflux-material')), sliders: box(q('.nanoflux-B')), image: box(img),
  viewport: [window.innerWidth, window.innerHeight],
  sideways: scrollers.filter(e => e && e.scrollWidth > e.clientWidth + 1).map(e => e.tagName + '#' + e.id),
  maths: document.querySelectorAll('mjx-container').length,
  cut: [...document.querySelectorAll('button, .widget-label')].filter(e => e.offsetParent).filter(e => {
    const range = document.createRange(); range.selectNodeContents(e);
    const style = getComputedStyle(e);
    if (style.overflowX === 'visible' || style.display === 'inline') return false;  // nothing clips these
    const room = e.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return range.getBoundingClientRect().width > room + 0.5; }).map(e => e.innerText),
};
"""


def _repository_files() -> dict:
    """Every file of the clone with a hash of its bytes, but for the folders that tests running at the
    same time may write to (build/, .venv/, .git/, __pycache__/, JupyterLab's checkpoints, a run's
    hidden publishing area), which Voila has no reason to touch. By content: the JupyterLab test saves
    stored notebooks with unchanged bytes at the same time."""
    return file_digests(REPO, skip={".git", ".venv", "build", "__pycache__", ".pytest_cache", ".ipynb_checkpoints"})


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """``nanoflux classroom --port P --no-browser`` from a folder of its own; its URL."""
    before = _repository_files()
    port = free_port()
    cwd = tmp_path_factory.mktemp("teacher")
    proc = subprocess.Popen([sys.executable, "-m", "nanoflux", "classroom", "--port", str(port), "--no-browser",
                             "--students", "2"], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if not wait_for_port(port, proc):  # listening: a connection, not a page load (which would start a kernel)
        proc.kill()
        pytest.fail(f"the classroom app did not start: {proc.stdout.read()}")
    yield {"url": f"http://127.0.0.1:{port}/", "proc": proc, "before": before}
    proc.terminate()
    output, _ = proc.communicate(timeout=GUARD_S)
    # witness: the app stopped cleanly on SIGTERM and said nothing but its two lines: where it is, and that only
    # this computer can open it (the default address, 127.0.0.1)
    assert proc.returncode == 0, output
    assert output.strip().splitlines() == [
        f"classroom app on http://127.0.0.1:{port}/ (Ctrl-C stops it)",
        "only this computer can open it; for a class, start it with --host 0.0.0.0 (or this computer's address on the "
        "classroom's network)"]


@pytest.fixture(scope="module")
def page(app, tmp_path_factory):
    """Chromium at 1280 x 720 with the app loaded and its explorer drawn."""
    driver = chromium(tmp_path_factory.mktemp("chromium-profile"), width=1280, height=720)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False})
    requests_made(driver)
    driver.get(app["url"])
    wait_for(driver, lambda s: s["chart_loaded"] and s["B"] and s["maths"] > 0)
    yield driver
    driver.quit()


def state(driver) -> dict:
    return driver.execute_script(STATE)


def wait_for(driver, condition, timeout=GUARD_S) -> dict:
    """Poll the page's state until ``condition(state)`` holds (tests/explorer_page.py)."""
    return explorer_page.wait_for(lambda: state(driver), condition, timeout, "the page")


def test_loads_offline_fits_the_projector_and_typesets(app, page):
    s = state(page)
    # witness: Chromium's own record of the page: requests, console, layout boxes, MathJax's output
    assert leaving(requests_made(page)) == []
    assert project_errors(page.get_log("browser")) == []
    assert s["maths"] > 0 and "$" not in page.execute_script("return document.body.innerText")
    width, height = s["viewport"]
    for name in ("controls", "sliders", "image"):
        left, right, top, bottom = s[name]
        assert 0 <= left and right <= width, (name, s[name])
    assert s["sideways"] == []
    assert s["cut"] == []  # every button's and label's words whole ("sph..." once stood for "sphere")
    assert s["image"][3] <= height + 1  # the whole chart is on screen with the controls, no scrolling
    assert s["charts"] == 1  # the live chart only: no static copy beside it
    assert s["B"].strip() == "1 T" and s["material"].startswith("none")


def test_b_slider_by_keyboard_moves_readout_radius_and_chart(page):
    # witness: the module's r_c at the field the readout shows, within the readout's rounding
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    before = state(page)
    start = float(before["B"].split()[0])
    handle = page.find_element(By.CSS_SELECTOR, ".nanoflux-B .noUi-handle")
    for _ in range(PRESSES):
        handle.send_keys(Keys.ARROW_RIGHT)
    # every press has arrived: the slider steps 0.01 in log10(B), so three presses make 10^0.03 times B
    target = f"{start * 10 ** (PRESSES * 0.01):.4g}"
    # each widget's update arrives on its own: wait for the radius of the last press, not just any change
    # (a wrong radius never arrives, and the wait fails showing the page)
    expected_nm = shown(flux.critical_radius(start * 10 ** (PRESSES * 0.01)) * 1e9)
    after = wait_for(page, lambda s: s["B"].split()[0] == target and s["chart"] != before["chart"]
                     and s["chart_loaded"] and radii_nm(s["radii"])[0] == expected_nm)
    B = float(after["B"].split()[0])
    assert B > start
    flux_nm, mean_nm = radii_nm(after["radii"])
    # the module at the field the readout shows: B is shown to 4 figures, so r_c is known to the
    # rounding of both (e.g. B = 1.023 T is 1.0225 to 1.0235 T, r_c 25.36 to 25.37 nm)
    half = 0.5 * 10 ** (math.floor(math.log10(B)) - 3)
    assert shown(flux.critical_radius(B + half) * 1e9) <= flux_nm <= shown(flux.critical_radius(B - half) * 1e9)
    assert flux_nm < radii_nm(before["radii"])[0]
    assert mean_nm == radii_nm(before["radii"])[1]  # N and n did not move


def test_picking_iron_sets_its_field_and_density(page):
    # witness: Fe's preset from the materials table and the module's radii at it (explorer_page.assert_shows_iron)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    before = state(page)
    Select(page.find_element(By.CSS_SELECTOR, ".nanoflux-material select")).select_by_visible_text("Fe")
    after = wait_for(page, lambda s: s["material"] == "Fe" and s["chart"] != before["chart"] and s["chart_loaded"]
                     and "Fe" in s["radii"])
    explorer_page.assert_shows_iron(after)


@pytest.mark.parametrize("typed, verdict", [
    ("abc", "Type a number"),
    ("72.58", "\u2717"),  # twice the 1 T value: the slip r_c ~ 1/B, marked wrong
    (None, "\u2713"),  # the right value, by independent arithmetic
])
def test_an_exercise_answered_in_the_app_gets_a_verdict(page, typed, verdict):
    # witness: ex1's value by hand from the SI's h and e; the verdict's text on the page
    from selenium.webdriver.common.by import By

    if typed is None:  # ex1: r_c at 0.5 T with Phi0 = h/2e, from the exact SI h and e
        typed = f"{math.sqrt(6.62607015e-34 / (2 * 1.602176634e-19) / (math.pi * 0.5)) * 1e9:.2f}"
    row = page.find_element(By.CSS_SELECTOR, ".nanoflux-ex1")
    box = row.find_element(By.CSS_SELECTOR, ".nanoflux-answer input")
    box.clear()
    box.send_keys(typed)
    row.find_element(By.CSS_SELECTOR, ".nanoflux-check button, button.nanoflux-check").click()
    deadline = time.monotonic() + GUARD_S
    shown_text = ""
    while time.monotonic() < deadline:
        shown_text = row.find_element(By.CSS_SELECTOR, ".nanoflux-verdict").text
        if verdict in shown_text:
            break
        time.sleep(0.05)
    assert verdict in shown_text, shown_text
    assert "36.3" not in shown_text.replace(typed, "")  # the verdict never gives the answer away


def test_page_loads_write_nothing_into_the_repository(app, page):
    # witness: every file of the clone hashed before the app started and after a reload
    page.refresh()  # a second load: a second kernel, another render
    wait_for(page, lambda s: s["chart_loaded"] and s["B"])
    after = _repository_files()
    changed = sorted(k for k in set(after) | set(app["before"]) if after.get(k) != app["before"].get(k))
    assert changed == []
