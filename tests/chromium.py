"""Debian's Chromium for the browser tests (site, JupyterLab, Voila), reaching nothing but 127.0.0.1.

Chromium is Debian's (``chromium`` and ``chromium-driver``, installed by ``make test`` when missing);
selenium is pointed at both binaries, so it never downloads a browser. Without them a test skips locally,
and fails under CI=true.

Nothing may leave the machine: Chromium resolves no host name but 127.0.0.1, sends everything else to a
closed proxy port, and DevTools blocks every URL outside 127.0.0.1; every request a page makes is
recorded (performance log), so a test can check them.

Console errors are the project's errors, but for a few that JupyterLab's own code logs when its own
requests are slow on a loaded machine (JUPYTERLAB_OWN), which project_errors() leaves out.
"""
import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from helpers import GUARD_S

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
LOCAL_SCHEMES = {"data", "blob", "file", "about", "chrome", "chrome-extension", "devtools"}
#: Console errors JupyterLab's own bundle (static/lab/) logs of itself, with how they come about; each is
#: matched with the bundle's URL in front, so the same words from a page of the project still fail a test.
JUPYTERLAB_OWN = (
    # the debugger asks each new kernel for its debug state; when the notebook is closed (its kernel shut down)
    # or the kernel is slow before the answer comes, JupyterLab logs this ("Canceled future for debug_request")
    re.compile(r'/static/lab/[\w.-]+\.js(\?v=\w+)? \d+:\d+ "Could not restore the debugger state'),
)


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must run the browser test (`make test` installs chromium and chromium-driver)")
    pytest.skip(f"{reason}; install with `apt-get install chromium chromium-driver` (or run `make test` as root)")


def chromium(profile: Path, *, width: int = 1280, height: int = 800):
    """Debian's headless Chromium under Selenium, able to reach 127.0.0.1 only; skips (fails under CI) when
    it is missing. Call ``quit()`` when done."""
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
                "--disable-dev-shm-usage", "--disable-features=MediaRouter,OptimizationHints",
                f"--window-size={width},{height}",
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
                "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=127.0.0.1",
                f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(GUARD_S)  # hang guards
    driver.set_script_timeout(GUARD_S)
    driver.execute_cdp_cmd("Network.enable", {})
    try:  # Chromium 13x+: ordered patterns, the first match decides
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urlPatterns": [
            {"urlPattern": "http://127.0.0.1:*/*", "block": False},
            *({"urlPattern": f"{scheme}://*:*/*", "block": True} for scheme in ("http", "https", "ws", "wss"))]})
    except Exception:  # an older Chromium: the resolver rules and the dead proxy still hold
        pass
    return driver


def requests_made(driver) -> list[str]:
    """Every URL the browser asked for since the last call (DevTools' requestWillBeSent)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def leaving(urls) -> list[str]:
    """The URLs that would leave the machine: any scheme but local ones, any host but 127.0.0.1."""
    return [u for u in urls if urlsplit(u).scheme not in LOCAL_SCHEMES and urlsplit(u).hostname != "127.0.0.1"]


def project_errors(entries) -> list[str]:
    """The SEVERE console lines of ``entries`` (``driver.get_log("browser")``), but JupyterLab's own
    (JUPYTERLAB_OWN)."""
    return [e["message"] for e in entries if e["level"] == "SEVERE"
            and not any(pattern.search(e["message"]) for pattern in JUPYTERLAB_OWN)]
