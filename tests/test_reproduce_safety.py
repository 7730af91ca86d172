"""A real ``nanoflux reproduce`` under real signals and real file-system faults.

Each test starts the command as a user would (a subprocess in its own process group), and checks
what the issue promises: that it stops, that no process it started survives, that nothing is written,
and that the work tree is as it was. The file-system cases mount what they need inside a private user
and mount namespace (``unshare``), so the machine's own mounts are never touched. Deadlines are hang
guards only (a minute or more); how soon a run stops: benchmarks/bench_interrupt.py.
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from nanoflux.running import outputs, publish, runner

from clone import inodes, replaced
from helpers import GUARD_S

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="process and mount checks read /proc")

ROOT = outputs.ROOT


@pytest.fixture
def tmp_path(tmp_path):
    """A short temporary folder, linked from pytest's: kernels' IPC socket paths must stay short."""
    short = Path(tempfile.mkdtemp(prefix="nft-"))
    (tmp_path / "short").symlink_to(short)
    yield short
    shutil.rmtree(short, ignore_errors=True)


def _env(tmp_path):
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp")}
    env.pop(outputs.STAGE_ENV, None)
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return env


def _children(pid) -> set:
    """Every living descendant of ``pid``, from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain", "--", "figures", "notebooks"],
                          cwd=ROOT, capture_output=True, text=True).stdout


def _start(args, tmp_path):
    return subprocess.Popen([sys.executable, "-m", "nanoflux", "reproduce", *args], cwd=tmp_path,
                            env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_for_kernels(proc, count, timeout=GUARD_S) -> set:
    """The run's descendants once ``count`` kernels are running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kids = _children(proc.pid)
        kernels = [k for k in kids if b"ipykernel" in Path(f"/proc/{k}/cmdline").read_bytes()] if kids else []
        if len(kernels) >= count:
            time.sleep(0.5)  # let the notebooks get going
            return _children(proc.pid)
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the kernels did not start")


def _gone(pids, timeout=GUARD_S) -> list:
    """The processes of ``pids`` still alive after waiting up to ``timeout`` for them to end."""
    deadline = time.monotonic() + timeout
    while (alive := [pid for pid in pids if _alive(pid)]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive


def _canonical_files(stems) -> list:
    """Every canonical file of the notebooks ``stems``: publishing replaces a file (a new inode) even when its
    bytes stay the same, which git status cannot see (clone.inodes)."""
    paths = []
    for stem in stems:
        record = outputs.FIGURES_DIR / f"{stem}.json"
        paths += [record, outputs.NOTEBOOKS_DIR / f"{stem}.ipynb",
                  *(outputs.FIGURES_DIR / name for name in json.loads(record.read_text())["results"]["files"])]
    return paths


def _leftovers(tmp_path, *folders):
    scratch = list((tmp_path / "tmp").glob(runner.SCRATCH_PREFIX + "*"))
    areas = [a for f in folders if f.is_dir() for a in f.glob(publish.AREA_PREFIX + "*")]
    return scratch + areas


CANONICAL_FOLDERS = (outputs.FIGURES_DIR, outputs.NOTEBOOKS_DIR, outputs.BUILD_DIR / "notebooks")


@pytest.mark.parametrize("how", ["SIGINT to the process group (Ctrl-C)", "SIGTERM to the main process"])
def test_a_signal_stops_a_canonical_run_and_writes_nothing(how, tmp_path):
    before, stamps = _git_status(), inodes(_canonical_files(["05_discrete_dipoles", "06_assumptions"]))
    proc = _start(["--only", "05", "06"], tmp_path)
    started = _wait_for_kernels(proc, 2)
    if how.startswith("SIGINT"):
        os.killpg(proc.pid, signal.SIGINT)
    else:
        proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=GUARD_S)
    # witness: the exit status and message of an interrupted run, not of one that finished first
    assert proc.returncode == 130, err
    assert err.strip().splitlines() == ["nanoflux reproduce: interrupted: nothing was written"] or \
        err.strip().splitlines()[-1] == "nanoflux reproduce: interrupted: nothing was written"
    assert "Traceback" not in err
    assert _gone(started) == [], "a process the run started survived"
    assert _leftovers(tmp_path, *CANONICAL_FOLDERS) == []
    assert _git_status() == before
    assert not any(replaced(stamps).values()), replaced(stamps)  # not even republished as they were


def test_after_sigkill_the_kernels_exit_and_a_later_run_clears_the_staging(tmp_path):
    out = tmp_path / "out"
    proc = _start(["--only", "05", "06", "--out", str(out)], tmp_path)
    started = _wait_for_kernels(proc, 2)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=GUARD_S)
    # witness: /proc; ipykernel notices its parent's death on its own (it polls every second or so)
    assert _gone(started) == [], f"a kernel outlived its killed runner by {GUARD_S} s"
    assert _leftovers(tmp_path, out)  # witness: the killed run did leave its staging
    later = subprocess.run([sys.executable, "-m", "nanoflux", "reproduce", "--only", "01", "--out", str(out)],
                           cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, timeout=GUARD_S)
    assert later.returncode == 0, later.stderr
    assert _leftovers(tmp_path, out, out / "notebooks") == []
    assert (out / "01_flux_quantization.json").exists()


# -- file systems (inside a private mount namespace) --------------------------------------------------

def _unshare_works() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-rm", "true"], capture_output=True).returncode == 0


needs_unshare = pytest.mark.skipif(not _unshare_works(), reason="needs unshare -rm (user and mount namespaces)")


def _in_namespace(script, tmp_path, timeout=3 * GUARD_S):
    """Run a shell ``script`` in a private user + mount namespace; NANOFLUX is the command."""
    env = {**_env(tmp_path), "NANOFLUX": f"{sys.executable} -m nanoflux"}
    return subprocess.run(["unshare", "-rm", "sh", "-ec", script], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


@needs_unshare
def test_a_read_only_figures_folder_is_refused_at_once(tmp_path):
    # witness: a real read-only bind mount of figures/: exit status 2, one line naming it, no kernel started, git
    # status unchanged
    before = _git_status()
    proc = _in_namespace("mount --bind figures figures; mount -o remount,bind,ro figures; "
                         "$NANOFLUX reproduce --only 01", tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "figures" in lines[0] and "read-only file system" in lines[0], lines
    assert "running" not in proc.stdout  # refused before any kernel
    assert _git_status() == before


@needs_unshare
def test_a_full_device_is_one_line_and_leaves_the_folder_as_it_was(tmp_path):
    # witness: a real 48 kB tmpfs: exit status 2, one line, and the folder's listing taken inside the namespace
    out = tmp_path / "small"
    out.mkdir()
    (out / "keep.txt").write_text("an earlier file")
    proc = _in_namespace(f"mount -t tmpfs -o size=48k tmpfs {out}; echo kept > {out}/keep.txt; "
                         f"status=0; $NANOFLUX reproduce --only 03 --out {out} || status=$?; "
                         f"ls -A {out} > {tmp_path}/listing; exit $status", tmp_path)
    assert proc.returncode == 2, proc.stderr + proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "no space left on device" in lines[0] and str(out) in lines[0], lines
    assert (tmp_path / "listing").read_text().split() == ["keep.txt"]


@needs_unshare
def test_publishing_across_file_systems_when_build_is_elsewhere(tmp_path):
    # witness: a real tmpfs on build/: findmnt's file system type, the listing there, and git status unchanged
    before = _git_status()
    proc = _in_namespace(f"mkdir -p build; mount -t tmpfs tmpfs build; "
                         f"$NANOFLUX reproduce --only 01 02; ls build/notebooks > {tmp_path}/listing; "
                         f"findmnt -n -o FSTYPE --target build/notebooks >> {tmp_path}/listing", tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "listing").read_text().split() == ["01_flux_quantization.ipynb",
                                                          "02_mean_field_table1.ipynb", "tmpfs"]
    assert _git_status() == before  # figures and stored notebooks republished byte for byte
