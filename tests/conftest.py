"""Fixtures shared by the tests (the session's set-up, tiers and notebook outputs: the root conftest.py).

A session fixture shared by several files is built once only if those files run in one process: under
pytest-xdist they name one group (``pytestmark = pytest.mark.xdist_group(...)``, see conftest.py).
"""
import contextlib
import io
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


@pytest.fixture(scope="session")
def site_build(tmp_path_factory):
    """The reading site of the stored notebooks, built once per session as a user builds it (``nanoflux site
    --out DIR``; test_site.py and test_site_browser.py share it, in the xdist group "site"): ``out`` the
    folder, ``files`` its files, ``status``, ``stdout`` and ``stderr`` of the command."""
    from nanoflux.cli import main

    out = tmp_path_factory.mktemp("site") / "site"
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        status = main(["site", "--out", str(out)])
    files = sorted(p for p in out.rglob("*") if p.is_file()) if out.is_dir() else []
    return SimpleNamespace(out=out, files=files, status=status, stdout=stdout.getvalue(), stderr=stderr.getvalue())


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory):
    """A site built from one hostile notebook (test_site.hostile_notebook: script, frames, event handlers,
    remote images and styles in prose and outputs): ``notebooks`` its folder, ``out``, ``files`` and the
    Sphinx ``warnings`` of the build."""
    import nbformat
    from test_site import hostile_notebook  # tests/ is on sys.path (pytest's rootdir-less import)

    from nanoflux.site import build_site

    root = tmp_path_factory.mktemp("hostile")
    folder = root / "notebooks"
    folder.mkdir()
    nbformat.write(hostile_notebook(), str(folder / "01_hostile.ipynb"))
    warnings = []
    files = build_site(root / "out", notebooks_dir=folder, warnings=warnings)
    return SimpleNamespace(notebooks=folder, out=root / "out", files=files, warnings=warnings)


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A clone of the repository for one test module (tests/clone.py), which its tests may leave in any state."""
    from clone import make_clone

    return make_clone(tmp_path_factory.mktemp("clone"))


@pytest.fixture
def short_tmp():
    """A short temporary folder for runs: kernels' IPC socket paths must stay short."""
    folder = Path(tempfile.mkdtemp(prefix="nft-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
