"""Projector mode of the classroom app in a real browser: a 1280 x 720 projector, and the same at 150 % zoom.

The app is started as a teacher starts it for a projected lesson, ``nanoflux classroom --projector``; headless
Chromium (tests/chromium.py) reaches nothing but 127.0.0.1. 150 % browser zoom on a 1280 x 720 screen is an
853 x 480 CSS-pixel window drawn at 1.5 device pixels per CSS pixel, which is how the test shows it to the page.
The chart's text is measured from the chart as the browser lays it out: the figure's point sizes
(nanoflux.plots.explorer.LAYOUTS) at the width the image is drawn.
"""
import shutil
from pathlib import Path

import pytest

from nanoflux.plots.explorer import LAYOUTS

import explorer_page
from chromium import chromium, leaving, requests_made
from classroom_app import App
from helpers import GUARD_S

SHOTS = Path(__file__).resolve().parent.parent / "build" / "test-screenshots"

#: The page as a projector shows it: the drawn chart (the image box less object-fit's margins), text sizes, scroll.
MEASURE = r"""
const img = document.querySelector('img.nanoflux-image');
if (!img || !img.complete || !img.naturalWidth) return null;
const r = img.getBoundingClientRect();
const ratio = img.naturalWidth / img.naturalHeight;
let [w, h] = [r.width, r.height];
if (w / h > ratio) w = h * ratio; else h = w / ratio;
const visible = e => e.offsetParent !== null && e.innerText !== undefined && e.getClientRects().length;
const texts = [...document.querySelectorAll('.nanoflux-explorer .widget-label, .nanoflux-explorer .widget-html-content,'
  + ' .nanoflux-explorer select, .nanoflux-explorer button')].filter(visible)
  .filter(e => (e.innerText || e.value || '').trim());
const text = s => (document.querySelector(s) || {}).innerText || '';
const ex1 = document.querySelector('.nanoflux-ex1');
return {chart: [r.left, r.top, r.left + w, r.top + h], natural: [img.naturalWidth, img.naturalHeight],
        src: img.src.length + ':' + img.src.slice(-40), viewport: [innerWidth, innerHeight],
        smallest: Math.min(...texts.map(e => parseFloat(getComputedStyle(e).fontSize))), texts: texts.length,
        scrolls: [document.documentElement.scrollWidth > innerWidth,
                  document.documentElement.scrollHeight > innerHeight],
        exercises: !!(ex1 && ex1.offsetParent), on: !!document.querySelector('.nanoflux-projector.mod-active'),
        B: text('.nanoflux-B-readout'), n: text('.nanoflux-n-readout'), N: text('.nanoflux-N-readout'),
        radii: text('.nanoflux-radii'), material: (document.querySelector('.nanoflux-material select') || {}).value,
        shape: text('.nanoflux-shape .mod-active'),
        shapes: [...document.querySelectorAll('.nanoflux-shape button')].filter(b => !b.disabled).length};
"""


def view(driver, width, height, scale):
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": False})


def measure(driver, condition=lambda m: True) -> dict:
    return explorer_page.wait_for(lambda: driver.execute_script(MEASURE), lambda m: m is not None and condition(m),
                                  GUARD_S, "the projected page")


def chart_text_px(m: dict) -> dict:
    """The chart's text sizes in CSS px as drawn: the figure's points at the drawn width."""
    layout = LAYOUTS["projector"]
    px_per_pt = (m["chart"][2] - m["chart"][0]) / (layout.size_in[0] * 72)
    return {name: pt * px_per_pt for name, pt in (("legend", layout.legend_pt), ("ticks", layout.tick_pt),
                                                  ("axis labels", layout.label_pt), ("heading", layout.readout_pt))}


def shot(driver, name, tmp_path):
    path = tmp_path / f"{name}.png"
    driver.save_screenshot(str(path))
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)  # kept in build/ for a person to look at


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    with App(tmp_path_factory.mktemp("teacher"), "--projector", students=2) as app:
        driver = chromium(tmp_path_factory.mktemp("chromium-profile"), width=1280, height=720)
        try:
            view(driver, 1280, 720, 1)
            requests_made(driver)
            driver.get(app.url)
            measure(driver, lambda m: m["on"] and m["B"])
            yield driver
        finally:
            driver.quit()


def test_at_1280x720_the_chart_fills_the_screen_with_large_text(page, tmp_path):
    view(page, 1280, 720, 1)
    m = measure(page, lambda m: m["viewport"] == [1280, 720])
    shot(page, "projector-1280x720", tmp_path)
    left, top, right, bottom = m["chart"]
    # witness: the browser's own layout of the chart and of every visible control
    assert 0 <= left and 0 <= top and right <= 1280 + 0.5 and bottom <= 720 + 0.5, m
    assert (right - left) * (bottom - top) >= 0.6 * 1280 * 720, m  # most of the screen
    assert min(chart_text_px(m).values()) >= 16, chart_text_px(m)
    assert m["smallest"] >= 16 and m["texts"] >= 8, m
    assert m["scrolls"] == [False, False] and not m["exercises"], m
    assert leaving(requests_made(page)) == []


def test_at_150_percent_zoom_axis_labels_and_legend_stay_on_screen(page, tmp_path):
    # witness: the chart image's box and the smallest text as Chromium lays them out at 150 % zoom
    view(page, 853, 480, 1.5)
    m = measure(page, lambda m: m["viewport"] == [853, 480])
    shot(page, "projector-150-percent", tmp_path)
    left, top, right, bottom = m["chart"]
    # the whole chart image (axes, their labels and the legend are drawn inside it) within the window
    assert 0 <= left and 0 <= top and right <= 853 + 0.5 and bottom <= 480 + 0.5, m
    assert (right - left) >= 0.75 * 853, m
    assert m["smallest"] >= 16 and not m["scrolls"][0], m
    view(page, 1280, 720, 1)


def test_papers_values_resets_every_control(page):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    view(page, 1280, 720, 1)
    Select(page.find_element(By.CSS_SELECTOR, ".nanoflux-material select")).select_by_visible_text("Fe")
    # the shape's buttons, enabled once a material is chosen (ipywidgets draws them anew)
    measure(page, lambda m: m["material"] == "Fe" and m["B"].split()[0] == "1.43" and m["shapes"] == 2)
    page.execute_script("[...document.querySelectorAll('.nanoflux-shape button')]"
                        ".find(b => b.innerText.trim() === 'rod').click()")
    moved = measure(page, lambda m: m["B"].split()[0] == "2.145" and m["shape"] == "rod")
    page.find_element(By.CSS_SELECTOR, ".nanoflux-reset").click()
    # witness: notebook 07's defaults, as its parameters cell declares them (1 T, 1e23 m^-3, one dipole, a sphere)
    # (each widget's update arrives on its own: the wait is for all of them, and fails showing the page)
    back = measure(page, lambda m: m["material"].startswith("none") and m["B"].split()[0] == "1"
                   and m["n"].split()[0] == "1e23" and m["N"].split()[0] == "1" and m["shape"] == "sphere"
                   and m["src"] != moved["src"])
    assert back["radii"].count("25.66 nm") == 1 and "13.37 nm" in back["radii"]


def test_the_switch_turns_projector_mode_off_and_on(page, tmp_path):
    from selenium.webdriver.common.by import By

    # witness: the chart's natural size and box in the page after each click of the switch
    view(page, 1280, 720, 1)
    page.find_element(By.CSS_SELECTOR, ".nanoflux-projector").click()
    off = measure(page, lambda m: not m["on"] and m["exercises"] and m["natural"][0] / m["natural"][1] < 1.5)
    shot(page, "projector-off-1280x720", tmp_path)
    # beside the controls again, the normal chart
    assert off["natural"][0] / off["natural"][1] < 1.5 and off["chart"][2] - off["chart"][0] < 700
    page.find_element(By.CSS_SELECTOR, ".nanoflux-projector").click()
    on = measure(page, lambda m: m["on"] and not m["exercises"] and m["natural"][0] / m["natural"][1] > 2)
    assert on["natural"][0] / on["natural"][1] > 2 and on["chart"][2] - on["chart"][0] > 1100
