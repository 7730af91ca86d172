"""Test-session set-up shared by pytest (tests/) and nbval (notebooks/).

Executing the stored notebooks must never write into the committed figures/: every
notebook kernel of the session writes into a temporary stage instead of its destination
(nanoflux.running.outputs.STAGE_ENV, the mechanism nanoflux reproduce stages its runs with).

Tests write only into the clone and temporary folders, never into the user's home: the
places Jupyter, IPython, matplotlib and the browser tools would write to there are sent to a
temporary folder for the session, and matplotlib's font cache to build/test-cache/ (kept, so
it is built once). Set here, at import, so that pytest-xdist's workers and every kernel they
start inherit them.
"""
import os
import shutil
import tempfile
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
# nbval's kernels compute with the NumPy settings of nanoflux reproduce's kernels, so that both give the
# same bits (nanoflux.kernels.KERNEL_ENV; set before any kernel or worker starts)
from nanoflux.running.kernels import KERNEL_ENV  # noqa: E402

os.environ.update(KERNEL_ENV)

_SESSION = Path(tempfile.mkdtemp(prefix="nanoflux-tests-"))
_STAGE = _SESSION / "stage"
_STAGE.mkdir()
HOME_REDIRECTS = {
    "IPYTHONDIR": _SESSION / "ipython",
    "JUPYTER_CONFIG_DIR": _SESSION / "jupyter-config",
    "JUPYTER_DATA_DIR": _SESSION / "jupyter-data",
    "JUPYTER_RUNTIME_DIR": _SESSION / "jupyter-runtime",
    "JUPYTERLAB_SETTINGS_DIR": _SESSION / "lab-settings",
    "JUPYTERLAB_WORKSPACES_DIR": _SESSION / "lab-workspaces",
    "XDG_CACHE_HOME": _SESSION / "cache",
    "XDG_CONFIG_HOME": _SESSION / "config",
    "XDG_DATA_HOME": _SESSION / "data",
    "SE_CACHE_PATH": _SESSION / "selenium",
    "MPLCONFIGDIR": Path(__file__).resolve().parent / "build" / "test-cache" / "matplotlib",
}
for _name, _path in HOME_REDIRECTS.items():
    os.environ[_name] = str(_path)
# Every kernel of the session records the cells it runs (nanoflux.running.cells), as the environment's own
# configuration makes it do (jupyter-config/etc/ipython, installed by make; tests/test_safety_canonical.py
# checks that one): here too, so that the suite does not depend on when the environment was installed.
_PROFILE = _SESSION / "ipython" / "profile_default"
_PROFILE.mkdir(parents=True)
(_PROFILE / "ipython_kernel_config.json").write_text(
    '{"InteractiveShellApp": {"extra_extensions": ["nanoflux.running.cells"]}}', encoding="utf-8")
Path(os.environ["MPLCONFIGDIR"]).mkdir(parents=True, exist_ok=True)


def pytest_configure(config):
    os.environ["NANOFLUX_STAGE_DIR"] = str(_STAGE)
    import matplotlib.font_manager  # noqa: F401  (build the font cache before any kernel starts)


def pytest_unconfigure(config):
    shutil.rmtree(_SESSION, ignore_errors=True)
