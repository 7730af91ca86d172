"""Test-session set-up shared by pytest (tests/) and nbval (notebooks/): where tests write, the tiers,
how the work is spread over pytest-xdist's workers, and the one execution of each notebook.

Where tests write. Executing the stored notebooks must never write into the committed figures/: every
notebook kernel of the session writes into a stage instead of its destination (NANOFLUX_STAGE_DIR, the
mechanism nanoflux reproduce stages its runs with). Nothing is written into the user's home: the
session runs with HOME at an empty folder of its own, and the places Jupyter, IPython, the XDG tools,
Selenium and npm (which JupyterLab asks for its configuration where Node.js is installed) would write to
in a home are folders of the session; matplotlib's font cache goes to build/test-cache/ (kept, so it is
built once). Set here, at import, in the process pytest starts: pytest-xdist's workers and every kernel,
server and browser they start inherit them. When the session ends, a file in that HOME fails the run,
naming it (pytest_sessionfinish).

Each notebook executes once per run: nbval executes it and compares its outputs with the stored ones,
and its kernel writes into a stage of its own, stage/<process>/<notebook>/. A test that checks what a
notebook writes takes the fixture ``notebook_outputs`` and is parametrized by ``notebook`` (its stem);
it then runs in the same process as that notebook's cells, after them, and reads that folder. Only
when nbval did not run the notebook in this session (``pytest tests/...``, or ``-p no:nbval``) does the
fixture execute it, once, with ``nanoflux reproduce``.

Tiers: every test carries one of the markers of TIERS (registered in pyproject.toml), from its own
marker if it has one, else from FILE_TIERS by its file's path, else ``unit``. A test that needs a
notebook's outputs is in the ``notebooks`` tier.

Distribution (``--dist loadgroup``, scheduled here: pytest_xdist_make_scheduler): every test file is one
group, sent whole to one worker (as with ``--dist loadfile``); files that share a session fixture name a
common ``xdist_group`` themselves; a test of a notebook's outputs joins that notebook's group. Groups go
out in the order of TIERS (the longest groups first), then in collection order.
"""
import fnmatch
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent

os.environ.setdefault("MPLBACKEND", "Agg")
# nbval's kernels compute with the NumPy settings of nanoflux reproduce's kernels, so that both give the
# same bits (nanoflux.running.kernels.KERNEL_ENV; set before any kernel or worker starts)
from nanoflux.running.kernels import KERNEL_ENV  # noqa: E402
from nanoflux.running.outputs import STAGE_ENV  # noqa: E402

os.environ.update(KERNEL_ENV)

# -- where tests write ----------------------------------------------------------------------------------

#: The session folder, made by the process pytest starts and inherited by its workers.
SESSION_ENV = "NANOFLUX_TEST_SESSION"
_OWNER = not (os.environ.get("PYTEST_XDIST_WORKER") and os.environ.get(SESSION_ENV))
if _OWNER:
    os.environ[SESSION_ENV] = tempfile.mkdtemp(prefix="nanoflux-tests-")
SESSION = Path(os.environ[SESSION_ENV])
HOME = SESSION / "home"
HOME_REDIRECTS = {
    "HOME": HOME,
    "IPYTHONDIR": SESSION / "ipython",
    "JUPYTER_CONFIG_DIR": SESSION / "jupyter-config",
    "JUPYTER_DATA_DIR": SESSION / "jupyter-data",
    "JUPYTER_RUNTIME_DIR": SESSION / "jupyter-runtime",
    "JUPYTERLAB_SETTINGS_DIR": SESSION / "lab-settings",
    "JUPYTERLAB_WORKSPACES_DIR": SESSION / "lab-workspaces",
    "XDG_CACHE_HOME": SESSION / "cache",
    "XDG_CONFIG_HOME": SESSION / "config",
    "XDG_DATA_HOME": SESSION / "data",
    "SE_CACHE_PATH": SESSION / "selenium",
    # JupyterLab asks yarn and npm for their configuration when Node.js is installed; npm logs into its cache
    "npm_config_cache": SESSION / "npm",
    "MPLCONFIGDIR": ROOT / "build" / "test-cache" / "matplotlib",
}
if _OWNER:
    HOME.mkdir()
    for _name, _path in HOME_REDIRECTS.items():
        os.environ[_name] = str(_path)
    # Every kernel of the session records the cells it runs (nanoflux.running.cells), as the environment's own
    # configuration makes it do (jupyter-config/etc/ipython, installed by make; tests/test_safety_canonical.py
    # checks that one): here too, so that the suite does not depend on when the environment was installed.
    _PROFILE = SESSION / "ipython" / "profile_default"
    _PROFILE.mkdir(parents=True)
    (_PROFILE / "ipython_kernel_config.json").write_text(
        '{"InteractiveShellApp": {"extra_extensions": ["nanoflux.running.cells"]}}', encoding="utf-8")
    Path(os.environ["MPLCONFIGDIR"]).mkdir(parents=True, exist_ok=True)
#: This process's stage: kernels started by its tests write here (nbval's: a folder per notebook).
STAGE = SESSION / "stage" / os.environ.get("PYTEST_XDIST_WORKER", "main")
STAGE.mkdir(parents=True, exist_ok=True)
os.environ[STAGE_ENV] = str(STAGE)


def pytest_configure(config):
    import matplotlib.font_manager  # noqa: F401  (build the font cache before any kernel starts)


def pytest_sessionfinish(session, exitstatus):
    if not _OWNER:
        return
    # witness: the files under the session's HOME, which every process of the session inherited
    written = sorted(str(p.relative_to(HOME)) for p in HOME.rglob("*"))
    if written:  # reported as a failed test of its own, counted in the summary
        message = f"the tests wrote into HOME ({HOME}), which must stay empty: {written[:20]}"
        report = pytest.TestReport(nodeid="conftest.py::HOME stays empty", location=("conftest.py", 0, "HOME"),
                                   keywords={}, outcome="failed", longrepr=message, when="call")
        session.config.hook.pytest_runtest_logreport(report=report)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config):
    if _OWNER:
        shutil.rmtree(SESSION, ignore_errors=True)


# -- tiers and distribution -----------------------------------------------------------------------------

#: The tiers, in the order their groups are handed to the workers: the longest groups first (a JupyterLab
#: session, two LaTeX builds, reproduce under signals), so that no long group starts last.
TIERS = ("browser", "slow", "notebooks", "unit")
#: A test file's tier by its path (first match), for the tests that carry no tier marker of their own.
FILE_TIERS = (
    ("notebooks/*.ipynb", "notebooks"),  # nbval: every stored notebook executed and compared
    ("tests/test_*browser*.py", "browser"),  # headless Chromium
    ("tests/test_notebooks.py", "notebooks"),  # notebooks run by nanoflux reproduce and papermill
    ("tests/test_reproduce_safety.py", "slow"),  # nanoflux reproduce under signals, in mount namespaces
    ("tests/test_dipole_interrupt.py", "slow"),  # long dipole_field calls interrupted, in a kernel too
    ("tests/test_site.py", "slow"),  # Sphinx builds
    ("tests/test_pdf.py", "slow"),  # the PDF typeset twice by LaTeX
    ("tests/test_safety_canonical.py", "notebooks"),  # edited copies of notebooks run by papermill and nbclient
    ("tests/test_safety_races.py", "slow"),  # runs of nanoflux reproduce at once, killed and recovered
    ("tests/test_safety_signals.py", "slow"),  # signals while publishing, renames slowed by strace
    ("tests/test_safety_site.py", "slow"),  # site builds
    ("tests/test_classroom_server.py", "slow"),  # classroom apps started, signalled and killed
    ("tests/test_classroom_protocol.py", "slow"),  # a classroom app probed over HTTP and the kernel protocol
    ("tests/test_lab.py", "notebooks"),  # notebook 07 run in nanoflux lab's JupyterLab kernels
)
DEFAULT_TIER = "unit"
#: The fixture that gives a notebook's outputs, and the parameter naming the notebook.
OUTPUTS_FIXTURE, NOTEBOOK_PARAM = "notebook_outputs", "notebook"


def tier_of(item) -> str:
    own = [m.name for m in item.iter_markers() if m.name in TIERS]
    if own:
        return own[0]
    if OUTPUTS_FIXTURE in getattr(item, "fixturenames", ()):
        return "notebooks"
    path = item.path.relative_to(ROOT).as_posix() if item.path.is_relative_to(ROOT) else item.path.name
    return next((tier for pattern, tier in FILE_TIERS if fnmatch.fnmatch(path, pattern)), DEFAULT_TIER)


def _notebook_of(item):
    """The stem of the notebook whose outputs ``item`` reads, or None."""
    if OUTPUTS_FIXTURE not in getattr(item, "fixturenames", ()):
        return None
    callspec = getattr(item, "callspec", None)
    if callspec is None or NOTEBOOK_PARAM not in callspec.params:
        raise pytest.UsageError(f"{item.nodeid} uses {OUTPUTS_FIXTURE} without a {NOTEBOOK_PARAM!r} parameter")
    return callspec.params[NOTEBOOK_PARAM]


def _is_nbval(item) -> bool:
    return item.path.suffix == ".ipynb"


def group_of(item) -> str:
    """The group ``item`` is sent to a worker with (see the module)."""
    stem = _notebook_of(item)
    if stem is not None:
        return f"notebooks/{stem}.ipynb"
    own = next(item.iter_markers("xdist_group"), None)
    if own is not None:
        return str(own.args[0] if own.args else own.kwargs.get("name", "default"))
    return item.path.relative_to(ROOT).as_posix() if item.path.is_relative_to(ROOT) else str(item.path)


def pytest_collection_modifyitems(config, items):
    groups, rank = {}, {}
    for item in items:
        tier = tier_of(item)
        if tier not in [m.name for m in item.iter_markers()]:
            item.add_marker(tier)
        group = groups[item.nodeid] = group_of(item)
        rank[group] = min(rank.get(group, len(TIERS)), TIERS.index(tier))
    # in the order of TIERS, then of collection; in a group, a notebook's cells before its outputs' tests
    first = {}
    for item in items:
        first.setdefault(groups[item.nodeid], len(first))
    order = {item.nodeid: i for i, item in enumerate(items)}
    items.sort(key=lambda item: (rank[groups[item.nodeid]], first[groups[item.nodeid]], not _is_nbval(item),
                                 order[item.nodeid]))
    if os.environ.get("PYTEST_XDIST_WORKER"):  # for the scheduler, in the process pytest started
        (SESSION / f"groups-{os.environ['PYTEST_XDIST_WORKER']}.json").write_text(json.dumps(groups))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup`` by group_of: pytest-xdist's own reads a suffix it appends to each node ID, which
    pytest 9.2 no longer lets it write (pytest-dev/pytest-xdist#1386), so every test went out on its own."""
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            if not hasattr(self, "_groups"):  # every worker collected the same tests (else xdist stops)
                self._groups = json.loads(min(SESSION.glob("groups-*.json")).read_text())
            # older pytest lets pytest-xdist append "@group" to an xdist_group-marked test's ID
            return self._groups.get(nodeid) or self._groups.get(nodeid.rsplit("@", 1)[0], nodeid)

    return GroupScheduling(config, log)


# -- the one execution of each notebook -----------------------------------------------------------------

#: Per notebook stem: the cells nbval ran in this process and those that did not pass.
_NBVAL_RUNS: dict = {}


def nbval_stage(stem: str) -> Path:
    """The folder nbval's kernel of notebook ``stem`` writes into, in this process."""
    return STAGE / stem


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    if not _is_nbval(item):
        return (yield)
    # nbval starts the notebook's kernel while setting up its first cell: the kernel takes this stage
    folder = nbval_stage(item.path.stem)
    folder.mkdir(exist_ok=True)
    os.environ[STAGE_ENV] = str(folder)
    try:
        return (yield)
    finally:
        os.environ[STAGE_ENV] = str(STAGE)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if _is_nbval(item):
        ran, failed = _NBVAL_RUNS.setdefault(item.path.stem, (set(), set()))
        ran.add(item.nodeid)
        if report.failed or (report.skipped and call.when == "setup"):
            failed.add(item.nodeid)
    return report


def _collected_cells(session, stem: str) -> set:
    return {i.nodeid for i in session.items if _is_nbval(i) and i.path.stem == stem}


_FALLBACK: dict = {}


@pytest.fixture
def notebook_outputs(request, notebook, tmp_path_factory) -> Path:
    """The folder of files notebook ``notebook`` (a stem) wrote when run with its stored parameters: nbval's
    execution in this session; executed here, once, when nbval did not run it (see the module)."""
    cells = _collected_cells(request.session, notebook)
    ran, failed = _NBVAL_RUNS.get(notebook, (set(), set()))
    if cells and cells <= ran:
        if failed:
            pytest.fail(f"nbval failed on notebooks/{notebook}.ipynb ({len(failed)} cell(s)): see its report")
        return nbval_stage(notebook)
    if cells and ran:
        pytest.fail(f"nbval ran only part of notebooks/{notebook}.ipynb in this process")
    if notebook not in _FALLBACK:  # every notebook this session's tests need, in one run
        from nanoflux.running import runner

        wanted = {_notebook_of(i) for i in request.session.items} - {None} - set(_FALLBACK)
        needed = sorted({notebook} | {s for s in wanted if not _collected_cells(request.session, s)})
        out = tmp_path_factory.mktemp("executed")
        lines = []
        assert runner.run(out=out, only=needed, echo=lines.append) == 0, lines
        _FALLBACK.update(dict.fromkeys(needed, out))
    return _FALLBACK[notebook]
