"""Races and leftovers (issue 22, cases 13, 14 and 15): concurrent runs of one clone or of two, a run killed
between its journals, and journals damaged on disk. Each real run is ``python -m nanoflux`` in a clone of the
repository (tests/clone.py), so that whatever state it leaves is the clone's."""
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nanoflux.running import outputs, publish, runner

from clone import clone_env, inodes, make_clone, nanoflux, replaced
from helpers import RUN_GUARD_S

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="process checks read /proc")



def _dead_pid() -> int:
    """The id of a process that has ended (a killed run's, as far as its folders can tell)."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid



# -- who may clean up what ---------------------------------------------------------------------------------

def test_a_folder_whose_process_lives_is_never_abandoned_even_before_it_is_locked(tmp_path):
    sleeper = subprocess.Popen(["sleep", "600"])
    try:
        fresh = tmp_path / f"{publish.AREA_PREFIX}{sleeper.pid}-abcd"
        fresh.mkdir()  # witness: made, not yet locked (the moment another run's clean-up struck in case 13)
        assert not publish.is_abandoned(fresh)
        locked = tmp_path / f"{publish.AREA_PREFIX}{_dead_pid()}-ef01"
        locked.mkdir()
        handle = publish.hold_lock(locked)  # a process id reused: the lock still tells
        assert not publish.is_abandoned(locked)
        handle.close()
        assert publish.is_abandoned(locked)
        dead = tmp_path / f"{publish.AREA_PREFIX}{_dead_pid()}-2345"
        dead.mkdir()
        assert publish.is_abandoned(dead)
        assert publish.recover([tmp_path]) == [] and fresh.is_dir() and not dead.exists() and not locked.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def test_scratch_folders_are_the_clones_own():
    # witness: the prefixes for two different clone paths, and for this clone's root
    other = runner.scratch_prefix(Path("/somewhere/else/nanoflux"))
    assert runner.scratch_prefix() != other and runner.scratch_prefix().startswith(runner.SCRATCH_PREFIX)
    assert runner.scratch_prefix() == runner.scratch_prefix(outputs.ROOT)


# -- case 14: killed between the journals ------------------------------------------------------------------

ORDER = ("figures", "build/notebooks", "notebooks")  # the order a canonical run opens its areas in


def _killed_commit(tmp_path, journals: int, renamed: int = 0) -> dict:
    """What a run killed after writing ``journals`` journals and ``renamed`` renames leaves; the targets' inodes."""
    folders = [tmp_path / name for name in ORDER]
    for folder in folders:
        folder.mkdir(parents=True)
        (folder / "result").write_text("old")
        (tmp_path / f"new-{folder.name}").write_text(f"new {folder.name}")
    before = inodes(folder / "result" for folder in folders)
    pub = publish.Publication(pid=_dead_pid())
    for folder in folders:
        pub.prepare(folder)
        pub.add(tmp_path / f"new-{folder.name}", folder, "result")
    everyone = sorted(str(a) for a in pub.areas.values())
    for area in list(pub.areas.values())[:journals]:
        (area / publish.JOURNAL).write_text(json.dumps({"areas": everyone, "names": ["result"]}))
    for staged, target in pub.moves[:renamed]:
        os.replace(staged, target)
    for handle in pub._locks:  # the process is gone, and its locks with it
        handle.close()
    return before


@pytest.mark.parametrize("first", ORDER)
@pytest.mark.parametrize("journals,renamed", [(0, 0), (1, 0), (2, 0), (3, 0), (3, 1), (3, 2), (3, 3)])
def test_a_killed_commit_is_finished_or_undone_in_every_folder_alike(journals, renamed, first, tmp_path):
    before = _killed_commit(tmp_path, journals, renamed)
    folders = [tmp_path / name for name in ORDER]
    scan = sorted(folders, key=lambda f: f.name != Path(first).name)  # each folder recovered first once
    publish.recover(scan)
    state = replaced(before)
    # witness: the three targets' inodes; all journals written means all new, else all old
    assert set(state.values()) == {journals == 3}, state
    assert not [a for f in folders for a in f.glob(publish.AREA_PREFIX + "*")]


def test_a_recovery_cut_short_decides_the_same_way_the_next_time(tmp_path):
    # witness: every file's inode before the killed commit, read again after the second recovery: none replaced
    before = _killed_commit(tmp_path, journals=2)
    journals = sorted(tmp_path.glob(f"*/{publish.AREA_PREFIX}*/{publish.JOURNAL}")) + \
        sorted(tmp_path.glob(f"*/*/{publish.AREA_PREFIX}*/{publish.JOURNAL}"))
    assert len(journals) == 2
    journals[0].unlink()  # a recovery killed after removing the first journal of an undone publication
    publish.recover([tmp_path / name for name in reversed(ORDER)])
    assert set(replaced(before).values()) == {False}



STEMS = ("01_flux_quantization", "02_mean_field_table1", "09_teacher_notes")


def _targets(clone: Path) -> list[Path]:
    return [*(clone / "figures" / f"{s}.json" for s in STEMS), *(clone / "notebooks" / f"{s}.ipynb" for s in STEMS),
            *(clone / "build" / "notebooks" / f"{s}.ipynb" for s in STEMS)]


def _areas(clone: Path) -> list[Path]:
    return [a for f in ("figures", "notebooks", "build/notebooks") for a in (clone / f).glob(publish.AREA_PREFIX + "*")]


def _recover_in(clone: Path, tmp: Path) -> subprocess.CompletedProcess:
    code = "from nanoflux.running.runner import recover_abandoned; print(recover_abandoned())"
    return subprocess.run([sys.executable, "-c", code], cwd=clone, env=clone_env(clone, tmp), capture_output=True,
                          text=True, timeout=RUN_GUARD_S)


def test_sigkill_with_two_of_three_journals_written_leaves_every_folder_old(clone, short_tmp):
    if not shutil.which("strace"):
        pytest.fail("strace is missing (apt-get install strace)") if os.environ.get("CI") else pytest.skip("no strace")
    (clone / "build" / "notebooks").mkdir(parents=True, exist_ok=True)
    for stem in STEMS:  # every target exists before, so "old" is a file in each folder
        shutil.copyfile(clone / "notebooks" / f"{stem}.ipynb", clone / "build" / "notebooks" / f"{stem}.ipynb")
    strace = ["strace", "-f", "--seccomp-bpf", "-qq", "-o", "/dev/null", "-e", "trace=rename",
              "-e", "inject=rename:delay_enter=600000"]
    count = lambda: sum(1 for a in _areas(clone) if (a / publish.JOURNAL).exists())  # noqa: E731
    for _attempt in range(3):  # a busy machine may miss the 0.6 s between two journals: then again
        before = inodes(_targets(clone))
        proc = nanoflux(clone, short_tmp, "reproduce", "--only", "01", "02", "09", prefix=strace,
                        start_new_session=True)
        deadline = time.monotonic() + RUN_GUARD_S
        while count() < 2 and proc.poll() is None:
            assert time.monotonic() < deadline, "hang guard: the second journal never came"
            time.sleep(0.005)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # strace, the run and its kernels, at once
        proc.communicate(timeout=RUN_GUARD_S)
        if count() == 2:
            break
        assert _recover_in(clone, short_tmp).returncode == 0
    else:
        pytest.fail("three runs were not stopped between their second and third journal")
    recovered = _recover_in(clone, short_tmp)
    assert recovered.returncode == 0, recovered.stderr
    # witness: nine inodes, in figures/, notebooks/ and build/notebooks/ alike
    assert set(replaced(before).values()) == {False} and _areas(clone) == []
    again = nanoflux(clone, short_tmp, "reproduce", "--only", "01", "02", "09")
    out, err = again.communicate(timeout=RUN_GUARD_S)
    assert again.returncode == 0, err
    assert set(replaced(before).values()) == {True}


# -- case 15: damaged journals -------------------------------------------------------------------------

DAMAGED = {
    "no areas (the issue's)": '{"names": []}',
    "invalid JSON (the issue's)": '{"areas": ["/x"], "names": [',
    "a list": "[]",
    "relative areas": '{"areas": ["figures/x"], "names": ["a.json"]}',
    "a name with a path": '{"areas": [], "names": ["../../etc/passwd"]}',
    "not UTF-8": b"\xff\xfe{}",
    "empty": "",
}


@pytest.mark.parametrize("case", DAMAGED)
def test_a_damaged_journal_is_named_and_its_area_recovered(case, tmp_path):
    # witness: the recovery's lines naming the journal, the file's content read back, and the area gone
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "a.json").write_text("old")
    area = folder / f"{publish.AREA_PREFIX}{_dead_pid()}-beef"
    area.mkdir()
    (area / "a.json").write_text("new")
    content = DAMAGED[case]
    (area / publish.JOURNAL).write_bytes(content if isinstance(content, bytes) else content.encode())
    lines = publish.recover([folder])
    assert any(str(area / publish.JOURNAL) in line and "damaged" in line for line in lines), lines
    assert all("\n" not in line for line in lines)
    assert (folder / "a.json").read_text() == "new" and not area.exists()  # its own files stood in for the list


def test_reproduce_after_a_damaged_journal_says_so_in_one_line_and_runs(clone, short_tmp):
    # witness: the run's own lines naming both damaged journals, its exit status, and the areas gone
    area = clone / "figures" / f"{publish.AREA_PREFIX}{_dead_pid()}-0bad"
    area.mkdir()
    (area / publish.JOURNAL).write_text('{"names": []}')
    broken = clone / "notebooks" / f"{publish.AREA_PREFIX}{_dead_pid()}-1bad"
    broken.mkdir()
    (broken / publish.JOURNAL).write_text("{not json")
    proc = nanoflux(clone, short_tmp, "reproduce", "--only", "09")
    out, err = proc.communicate(timeout=RUN_GUARD_S)
    assert proc.returncode == 0 and "Traceback" not in err, err
    notes = [line for line in out.splitlines() if "damaged" in line]
    assert len(notes) == 2 and any(str(area / publish.JOURNAL) in n for n in notes), out
    assert any(str(broken / publish.JOURNAL) in n for n in notes)
    assert not area.exists() and not broken.exists()


# -- case 13: runs at once ---------------------------------------------------------------------------------

def test_three_runs_at_once_in_one_clone_and_one_in_another_all_succeed(clone, tmp_path_factory, short_tmp):
    other = make_clone(tmp_path_factory.mktemp("other"))
    canonical = {p: p.read_bytes() for p in (outputs.FIGURES_DIR / f"{s}.json" for s in STEMS[::2])}
    for attempt in range(2):
        shutil.rmtree(clone / "build", ignore_errors=True)
        shutil.rmtree(other / "build", ignore_errors=True)
        procs = [nanoflux(clone, short_tmp, "reproduce", "--only", "01", "09") for _ in range(3)]
        procs.append(nanoflux(other, short_tmp, "reproduce", "--only", "01", "09"))  # one temporary folder for all
        results = [p.communicate(timeout=RUN_GUARD_S) for p in procs]
        for proc, (_out, err) in zip(procs, results):
            # witness: each run's own exit status and error stream
            assert proc.returncode == 0, f"attempt {attempt}: {err}"
            assert "no such file" not in err.lower() and "file exists" not in err.lower() and "Traceback" not in err
        for tree in (clone, other):
            for path, content in canonical.items():
                assert (tree / "figures" / path.name).read_bytes() == content
            assert _areas(tree) == []
    assert not list(short_tmp.glob(runner.SCRATCH_PREFIX + "*")), "a run left its scratch folder"
