"""Test-session set-up shared by pytest (tests/) and nbval (notebooks/).

Executing the stored notebooks must never write into the committed figures/: the
notebooks' default output folder is redirected to a temporary one for the session
(see nanoflux.notebook.OUTPUT_ENV).
"""
import os
import shutil
import tempfile

os.environ.setdefault("MPLBACKEND", "Agg")

_OUTPUT = tempfile.mkdtemp(prefix="nanoflux-nbval-")


def pytest_configure(config):
    os.environ["NANOFLUX_OUTPUT_DIR"] = _OUTPUT
    import matplotlib.font_manager  # noqa: F401  (build the font cache before any kernel starts)


def pytest_unconfigure(config):
    shutil.rmtree(_OUTPUT, ignore_errors=True)
