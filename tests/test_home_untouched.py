"""Tests write only into the clone and temporary folders: a run of tests that start kernels, nbval and the
browser, with HOME pointing at an empty folder, leaves that folder empty."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_kernels_nbval_and_the_browser_write_nothing_into_home(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    # the session's own redirections (the root conftest.py) are dropped: the inner run must make them itself
    redirected = ("IPYTHONDIR", "JUPYTER", "XDG_", "SE_CACHE_PATH", "MPLCONFIGDIR", "NANOFLUX_STAGE_DIR")
    env = {k: v for k, v in os.environ.items() if not k.startswith(redirected)}
    env["HOME"] = str(home)
    selection = ["tests/test_outputs.py::test_a_notebook_edited_as_in_jupyterlab_never_touches_figures",
                 "notebooks/01_flux_quantization.ipynb", "tests/test_site_browser.py"]
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-o", "addopts=", "--nbval", "-p", "no:cacheprovider",
                           "-p", "no:xdist", *selection], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "passed" in proc.stdout
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*"))
    assert written == [], f"written into HOME: {written[:20]}"
