"""Notebook 07 in JupyterLab, in a real browser at a projector's 1280 x 720; stored notebooks opened and closed.

One JupyterLab serves the whole module as a student starts it in the clone (``jupyter lab``) on 127.0.0.1,
with ``window.jupyterapp`` exposed so the test can use JupyterLab's own commands (open, run all, close);
one headless Chromium (tests/chromium.py) reaches nothing but 127.0.0.1. The explorer of notebook 07 runs on
a copy in a temporary folder under build/ (git-ignored: JupyterLab's autosave never touches a stored
notebook through it); the stored notebooks are opened from notebooks/ itself, as a student opens them, and
closed without running anything. The server's kernels write their results into a stage of the module's
own; Jupyter's folders come from the root conftest.py.

The console must show no error but those JupyterLab logs of itself when its own requests are slow on a
loaded machine (chromium.JUPYTERLAB_OWN).
"""
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from nanoflux import flux, meanfield
from nanoflux.running import stored
from nanoflux.running.outputs import FIGURES_DIR, STAGE_ENV

import explorer_page
from chromium import chromium, leaving, project_errors, requests_made
from explorer_page import radii_nm, shown
from helpers import GUARD_S, free_port

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
EXPLORER = "07_classroom_explorer.ipynb"
WIDTH, HEIGHT = 1280, 720
#: Left and right arrow keys move a slider by one step: B's slider steps 0.01 in log10(B / T).
PRESSES, B_STEP = 3, 0.01
#: The material menu's choice for custom B and n, as the <select> holds it (ipywidgets 8: the option's label).
NO_MATERIAL = "none (custom B, n)"

#: Open a notebook with JupyterLab's own command; resolve once its file is loaded, its session started
#: and (when JupyterLab starts one) its kernel has answered kernel_info.
OPEN = r"""
const [path, done] = [arguments[0], arguments[arguments.length - 1]];
(async () => {
  await jupyterapp.restored;
  const w = await jupyterapp.commands.execute('docmanager:open', {path});
  await w.context.ready;
  await w.sessionContext.ready;
  const kernel = w.sessionContext.session && w.sessionContext.session.kernel;
  if (kernel) await kernel.info;
  (window.nanofluxOpened = window.nanofluxOpened || {})[path] = w;
  return {id: w.id, kernel: kernel ? kernel.name : null};
})().then(done, e => done({error: String(e)}));
"""

#: The explorer's output as the student sees it: readouts, radii, chart, and the layout boxes.
STATE = """
const handle = document.querySelector('.nanoflux-B');
const cell = handle ? handle.closest('.jp-Cell') : null;
if (!cell) return null;
const q = s => cell.querySelector(s);
const text = s => (q(s) || {}).innerText || null;
const box = e => { if (!e) return null; const r = e.getBoundingClientRect(); \
return [r.left, r.right, r.top, r.bottom]; };
const img = q('.nanoflux-image');
const notebook = cell.closest('.jp-NotebookPanel');
const scroller = notebook.querySelector('.jp-WindowedPanel-outer');
const output = q('.jp-OutputArea');
return {
  B: text('.nanoflux-B-readout'), n: text('.nanoflux-n-readout'), N: text('.nanoflux-N-readout'),
  radii: text('.nanoflux-radii'), material: (q('.nanoflux-material select') || {}).value || null,
  chart: img ? img.src : null, chart_loaded: img ? img.complete && img.naturalWidth > 0 : false,
  charts: output.querySelectorAll('img').length, outputs: output.querySelectorAll('.jp-OutputArea-output').length,
  controls: box(handle.closest('.widget-vbox')), image: box(img), visible: box(scroller),
  viewport: [window.innerWidth, window.innerHeight],
  sideways: [document.documentElement, scroller, output].filter(e => e.scrollWidth > e.clientWidth)
    .map(e => [e.className || e.tagName, e.scrollWidth, e.clientWidth]),
};
"""


def start_lab(root: Path, log: Path, stage: Path):
    """``jupyter lab`` serving ``root`` on a free 127.0.0.1 port, no token, its kernels staged in ``stage``;
    (process, URL) once it answers."""
    port = free_port()
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
               "--IdentityProvider.token=", "--ServerApp.password=", "--LabApp.expose_app_in_browser=True",
               f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0",
               # the server itself must not reach out either: no news feed, no update check against PyPI,
               # no extension manager asking PyPI (the browser's requests are checked separately)
               "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    with open(log, "wb") as out:  # the environment (Jupyter's folders, HOME) is inherited
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, cwd=root,
                                env={**os.environ, STAGE_ENV: str(stage)})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + GUARD_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/status", timeout=2) as response:
                json.load(response)
            return proc, url
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                proc.wait()
                pytest.fail(f"JupyterLab did not start: {log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.1)


def stop_lab(proc, url: str) -> list[str]:
    """Shut every kernel down, stop the server; the processes (kernels) that outlived it, killed."""
    import psutil

    try:
        with urllib.request.urlopen(f"{url}/api/kernels", timeout=GUARD_S) as response:
            kernels = json.load(response)
        for kernel in kernels:
            request = urllib.request.Request(f"{url}/api/kernels/{kernel['id']}", method="DELETE")
            urllib.request.urlopen(request, timeout=GUARD_S).close()
    except OSError:
        pass  # the server is gone already; its children are checked below
    try:
        children = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        children = []
    proc.terminate()
    try:
        proc.wait(GUARD_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    _, alive = psutil.wait_procs(children, timeout=GUARD_S)
    left = []
    for child in alive:
        try:
            left.append(f"{child.pid}: {' '.join(child.cmdline())}")
            child.kill()
        except psutil.NoSuchProcess:
            pass
    return left


def open_lab(driver, url: str) -> None:
    """JupyterLab's page, loaded and restored (``window.jupyterapp`` ready for commands)."""
    driver.get(f"{url}/lab")
    deadline = time.monotonic() + GUARD_S
    while not driver.execute_script("return !!(window.jupyterapp && jupyterapp.commands)"):
        if time.monotonic() > deadline:
            pytest.fail(f"JupyterLab's page did not start in {GUARD_S} s")
        time.sleep(0.1)
    driver.execute_async_script("const done = arguments[arguments.length - 1]; "
                                "jupyterapp.restored.then(() => done(true));")


def open_notebook(driver, path: str) -> dict:
    opened = driver.execute_async_script(OPEN, path)
    assert "error" not in opened, opened
    return opened


def browser_at_projector_size(profile: Path):
    """Chromium whose page is 1280 x 720 CSS pixels, the projector's full screen."""
    driver = chromium(profile, width=WIDTH, height=HEIGHT)
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
    return driver


def severe(driver) -> list[str]:
    """The console's errors since the last call, but those JupyterLab logs of itself under load."""
    return project_errors(driver.get_log("browser"))


def run_explorer(driver) -> dict:
    """Run every cell of the open notebook 07; the explorer's state once it is drawn."""
    assert driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "jupyterapp.commands.execute('notebook:run-all-cells').then(r => done(r), e => done(String(e)));") is True
    wait_for(driver, lambda s: s is not None)
    # the explorer at the top of the notebook's visible area, as a student scrolls to it
    driver.execute_script("document.querySelector('.nanoflux-B').closest('.jp-Cell')"
                          ".querySelector('.jp-OutputArea').scrollIntoView({block: 'start'});")
    return wait_for(driver, lambda s: s and s["chart_loaded"] and s["B"] and s["radii"])


def state(driver) -> dict | None:
    return driver.execute_script(STATE)


def wait_for(driver, condition, timeout=GUARD_S) -> dict:
    """Poll the page's state until ``condition(state)`` holds (tests/explorer_page.py)."""
    return explorer_page.wait_for(lambda: state(driver), condition, timeout, "the explorer")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving the clone and Chromium on it, for the module; no kernel may outlive the server."""
    stage, log = tmp_path_factory.mktemp("lab-stage"), tmp_path_factory.mktemp("lab") / "lab.log"
    checkpoints = NOTEBOOKS / ".ipynb_checkpoints"
    had_checkpoints = checkpoints.exists()
    (REPO / "build").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="test-lab-", dir=REPO / "build"))
    proc, url = start_lab(REPO, log, stage)
    driver = None
    try:
        driver = browser_at_projector_size(tmp_path_factory.mktemp("chromium-profile"))
        requests_made(driver)
        open_lab(driver, url)
        yield SimpleNamespace(driver=driver, log=log, stage=stage, work=work.relative_to(REPO).as_posix())
    finally:
        if driver is not None:
            driver.quit()
        survivors = stop_lab(proc, url)
        if not had_checkpoints:  # JupyterLab's checkpoint copies (git-ignored), made by this module: removed
            shutil.rmtree(checkpoints, ignore_errors=True)
        shutil.rmtree(work, ignore_errors=True)
    # witness: the server's process tree after it stopped: no kernel outlives it
    assert survivors == []


@pytest.fixture(scope="module")
def explorer(lab):
    """Notebook 07, copied to a folder of its own, opened in JupyterLab and run; the browser on it."""
    shutil.copy2(NOTEBOOKS / EXPLORER, REPO / lab.work / EXPLORER)
    assert open_notebook(lab.driver, f"{lab.work}/{EXPLORER}")["kernel"] == "python3"
    first = run_explorer(lab.driver)
    return {"driver": lab.driver, "first": first, "stage": lab.stage}


def test_explorer_runs_in_jupyterlab_with_one_live_chart(explorer):
    driver, s = explorer["driver"], explorer["first"]
    # witness: the kernel's results, staged (not written to figures/) and the same as the committed ones;
    # the page's DOM and console
    staged = explorer["stage"] / "07_classroom_explorer.json"
    assert staged.read_bytes() == (FIGURES_DIR / "07_classroom_explorer.json").read_bytes()
    assert s["B"].strip() == "1 T" and s["n"].split()[0] == "1e23" and s["material"] == NO_MATERIAL
    assert radii_nm(s["radii"]) == (shown(flux.critical_radius(1.0) * 1e9),
                                    shown(meanfield.critical_radius_mean_field(1, 1e23) * 1e9))
    # the live widget replaced the stored output: one output, one chart, no static PNG beside it
    assert s["outputs"] == 1 and s["charts"] == 1, s
    assert s["chart"].startswith(("blob:", "data:image/png")), s["chart"][:40]
    assert severe(driver) == []
    assert leaving(requests_made(driver)) == []
    # the environment's JupyterLab settings (jupyter-config/): no news question over the projected page
    assert "Jupyter news" not in driver.execute_script("return document.body.innerText")


def test_controls_and_chart_are_on_the_projector_together(explorer):
    s = explorer["first"]
    # witness: Chromium's layout boxes, with the explorer scrolled to the top of the notebook
    assert s["viewport"] == [WIDTH, HEIGHT]
    assert s["sideways"] == []  # no horizontal scrolling: page, notebook, explorer output
    visible_left, visible_right, visible_top, visible_bottom = s["visible"]  # the notebook's scrolled area
    for name in ("controls", "image"):
        left, right, top, bottom = s[name]
        assert 0 <= left and right <= WIDTH and visible_left <= left + 1 and right <= visible_right + 1, (name, s)
    # on screen together: the sliders' column and the whole chart inside the notebook's visible area at once
    for name in ("controls", "image"):
        left, right, top, bottom = s[name]
        assert visible_top <= top + 1 and bottom <= visible_bottom + 1, (  # 1 px: sub-pixel layout
            f"{name} spans y = {top:.0f} to {bottom:.0f} px; the notebook shows y = {visible_top:.0f} to "
            f"{visible_bottom:.0f} px (controls x = {s['controls'][0]:.0f} to {s['controls'][1]:.0f}, "
            f"y = {s['controls'][2]:.0f} to {s['controls'][3]:.0f}; chart x = {s['image'][0]:.0f} to "
            f"{s['image'][1]:.0f}; notebook x = {visible_left:.0f} to {visible_right:.0f})")


def test_b_slider_by_keyboard_moves_readout_radius_and_chart(explorer):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = explorer["driver"]
    before = wait_for(driver, lambda s: s and s["chart_loaded"])
    assert before["B"].strip() == "1 T"
    handle = driver.find_element(By.CSS_SELECTOR, ".nanoflux-B .noUi-handle")
    for _ in range(PRESSES):
        handle.send_keys(Keys.ARROW_RIGHT)
    B = 10 ** (PRESSES * B_STEP)  # one step of 0.01 decade per key press, from 1 T
    # witness: what the page shows once the kernel has answered the last key press
    # (each widget's update arrives on its own, so wait for the radius of the last press, not just any change;
    # a wrong radius never arrives and the wait fails with what the page shows)
    expected_nm = shown(flux.critical_radius(B) * 1e9)
    after = wait_for(driver, lambda s: s["B"].split()[0] == f"{B:.4g}" and s["chart"] != before["chart"]
                     and s["chart_loaded"] and radii_nm(s["radii"])[0] == expected_nm)
    assert float(after["B"].split()[0]) > float(before["B"].split()[0])
    flux_nm, mean_nm = radii_nm(after["radii"])
    assert flux_nm == shown(flux.critical_radius(B) * 1e9)
    # and consistent with the readout itself: B shown to 4 figures, r_c between its rounding bounds
    B_shown = float(after["B"].split()[0])
    half = 0.5 * 10 ** (math.floor(math.log10(B_shown)) - 3)
    assert (shown(flux.critical_radius(B_shown + half) * 1e9) <= flux_nm
            <= shown(flux.critical_radius(B_shown - half) * 1e9))
    assert flux_nm < radii_nm(before["radii"])[0]  # r_c = sqrt(Phi0 / (pi B)) falls as B grows
    assert mean_nm == radii_nm(before["radii"])[1]  # N and n did not move
    assert after["material"] == NO_MATERIAL and after["charts"] == 1
    assert severe(driver) == []
    assert leaving(requests_made(driver)) == []


def test_picking_iron_sets_its_field_and_density(explorer):
    # witness: Fe's preset from the materials table and the module's radii at it (explorer_page.assert_shows_iron)
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    driver = explorer["driver"]
    before = wait_for(driver, lambda s: s and s["chart_loaded"])
    Select(driver.find_element(By.CSS_SELECTOR, ".nanoflux-material select")).select_by_visible_text("Fe")
    after = wait_for(driver, lambda s: s["material"] == "Fe" and s["chart"] != before["chart"] and s["chart_loaded"]
                     and "Fe preset" in s["radii"] and s["B"] != before["B"])
    explorer_page.assert_shows_iron(after)
    assert after["charts"] == 1
    assert severe(driver) == []
    assert leaving(requests_made(driver)) == []


#: Every open notebook: JupyterLab's unsaved-changes flag and the metadata it holds, after a short wait.
LOOK = r"""
return Object.entries(window.nanofluxOpened).map(([path, w]) => ({
  path, dirty: w.context.model.dirty, metadata: w.context.model.toJSON().metadata,
  status: w.sessionContext.kernelDisplayStatus,
}));
"""

#: Close one open notebook as a student closes its tab (its close button); a "save your work?" dialog is answered
#: "Discard" (the student did not change anything) and its text returned.
CLOSE = r"""
const [path, done] = [arguments[0], arguments[arguments.length - 1]];
const w = window.nanofluxOpened[path];
let dialog = null;
w.close();  // what the tab's close button does
const deadline = Date.now() + 60000;  // a hang guard, within the script timeout
const poll = () => {
  const shown = document.querySelector('.jp-Dialog');
  if (w.isDisposed && !shown) return done({dialog});
  if (shown && dialog === null) {
    dialog = shown.innerText;
    const discard = Array.from(shown.querySelectorAll('button')).find(b => /discard/i.test(b.innerText));
    if (discard) discard.click();
  }
  if (Date.now() > deadline) return done({error: 'not closed', dialog});
  setTimeout(poll, 50);
};
poll();
"""


#: Save one open notebook as JupyterLab's autosave (every 120 s by default) or its Save button does.
SAVE = r"""
const [path, done] = [arguments[0], arguments[arguments.length - 1]];
window.nanofluxOpened[path].context.save().then(() => done({}), e => done({error: String(e)}));
"""

#: Notebooks saved after opening, unrun: one without outputs to speak of, the classroom one, the teacher's.
SAVED = ("01_flux_quantization.ipynb", "07_classroom_explorer.ipynb", "09_teacher_notes.ipynb")


def _saves(log: Path) -> list[str]:
    """The stored notebooks JupyterLab's server says it saved ("Saving file at /notebooks/NAME"), in order."""
    return re.findall(r"Saving file at /notebooks/(\S+)", log.read_text(errors="replace"))


def _flat(value, prefix=""):
    if isinstance(value, dict):
        items = {}
        for key, item in value.items():
            items.update(_flat(item, f"{prefix}.{key}" if prefix else key))
        return items
    return {prefix: value}


#: Per open notebook: is it held as changed (JupyterLab writes its kernel's name and Python version into a
#: notebook it opens, once the kernel has answered), and is its kernel idle?
SETTLED = ("return Object.fromEntries(Object.entries(window.nanofluxOpened).map(([p, w]) => "
           "[p, w.context.model.dirty && w.sessionContext.kernelDisplayStatus === 'idle']));")


def wait_until_settled(driver, paths) -> None:
    """Until JupyterLab has done what it does on opening each of ``paths``: its kernel idle, the notebook held
    as changed (in place of a student's moment of reading: whatever the machine's load)."""
    deadline = time.monotonic() + GUARD_S
    while not all((settled := driver.execute_script(SETTLED)).get(p) for p in paths):
        assert time.monotonic() < deadline, f"JupyterLab did not settle: {settled}"
        time.sleep(0.05)


@pytest.fixture(scope="module")
def stored_opened_and_closed(lab):
    """Every stored notebook opened from notebooks/ itself, rendered, its kernel started, then closed
    unrun; for each: bytes before and after, the files the server wrote, JupyterLab's dirty flag and
    metadata, the dialog."""
    driver = lab.driver
    paths = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert len(paths) >= 9
    where = {p.name: f"notebooks/{p.name}" for p in paths}  # as the server (serving the clone) names them
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in paths}
    earlier = _saves(lab.log)
    console = severe(driver)  # anything since the explorer's tests looked fails here too
    requests_made(driver)
    for path in paths:
        open_notebook(driver, where[path.name])
        # rendered: as many cells on the page as in the file
        count = len(json.loads(before[path.name][0])["cells"])
        deadline = time.monotonic() + GUARD_S
        while driver.execute_script(
                "const w = window.nanofluxOpened[arguments[0]];"
                "return document.querySelectorAll('#' + CSS.escape(w.id) + ' .jp-Cell').length;",
                where[path.name]) != count:
            assert time.monotonic() < deadline, f"{path.name}: not rendered"
            time.sleep(0.05)
    wait_until_settled(driver, where.values())  # what JupyterLab does on opening has happened
    looked = {entry["path"]: entry for entry in driver.execute_script(LOOK)}
    looked = {name: looked[where[name]] for name in where}
    closed = {name: driver.execute_async_script(CLOSE, where[name]) for name in where}
    after = {p.name: p.read_bytes() for p in paths}
    writes = _saves(lab.log)[len(earlier):]  # the server's own record of every file it wrote
    # then as a student who leaves a notebook open past an autosave, or presses Save, unrun
    saved = {}
    for name in SAVED:
        open_notebook(driver, where[name])
        wait_until_settled(driver, [where[name]])
        result = driver.execute_async_script(SAVE, where[name])
        assert "error" not in result, (name, result)
        driver.execute_async_script(CLOSE, where[name])
        saved[name] = (NOTEBOOKS / name).read_bytes()
    console += severe(driver)
    return {"before": before, "after": after, "looked": looked, "closed": closed, "console": console,
            "requests": requests_made(driver), "saved": saved, "writes": writes,
            "all_writes": _saves(lab.log)[len(earlier):]}


def test_opening_and_closing_a_stored_notebook_leaves_it_byte_identical(stored_opened_and_closed):
    seen = stored_opened_and_closed
    assert all("error" not in closed for closed in seen["closed"].values()), seen["closed"]
    assert all(look["status"] == "idle" for look in seen["looked"].values()), seen["looked"]
    # witness: the server's log of the files it wrote (not the files' times: another test may republish
    # stored notebooks byte for byte meanwhile), and the bytes read back from the disk
    assert seen["writes"] == []
    changed = [name for name, (data, _) in seen["before"].items() if seen["after"][name] != data]
    assert changed == []
    assert seen["console"] == []
    assert leaving(seen["requests"]) == []


def test_saving_an_opened_stored_notebook_keeps_its_bytes(stored_opened_and_closed):
    """JupyterLab writes its kernel's name and Python version into a notebook it opens, and holds it as
    changed (by design); saving it, by autosave or the Save button, must still write the stored bytes
    (nanoflux.stored.pre_save_hook, installed into the environment's Jupyter Server configuration)."""
    seen = stored_opened_and_closed
    # witness: what JupyterLab held against the stored file before saving (here, not just on disk)
    held = {name: {key: (stored, now) for key, stored, now in
                   ((k, _flat(json.loads(seen["before"][name][0])["metadata"]).get(k),
                     _flat(seen["looked"][name]["metadata"]).get(k))
                    for k in set(_flat(seen["looked"][name]["metadata"])))
                   if stored != now} for name in SAVED}
    assert any(held.values()), "JupyterLab changed nothing on opening: the save below proves nothing"
    assert seen["all_writes"] == list(SAVED)  # each save reached the disk
    for name in SAVED:
        assert seen["saved"][name] == seen["before"][name][0], (name, held[name])
        # still as a canonical run wrote it: the site builds from it (nanoflux.running.stored.not_canonical)
        assert stored.not_canonical(nbformat.reads(seen["saved"][name].decode(), as_version=4)) is None, name
