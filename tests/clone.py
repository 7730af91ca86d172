"""A clone of the repository in a temporary folder, for tests that run ``nanoflux`` as a user would and may
leave its results in any state (killed, signalled, racing): the code, the stored notebooks and the figures,
copied; ``python -m nanoflux`` run with the clone first on the path (and so every kernel it starts)."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

from nanoflux.running import outputs

#: What a clone holds (what ``nanoflux reproduce`` and ``nanoflux site`` read and write).
PARTS = ("nanoflux", "notebooks", "figures")


def make_clone(folder: Path) -> Path:
    """A copy of the repository's code, stored notebooks and figures in ``folder`` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        shutil.copytree(outputs.ROOT / part, folder / part, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def clone_env(clone: Path, tmp: Path) -> dict:
    """The environment of a command run in ``clone``: its own package first, its own temporary folder."""
    env = {**os.environ, "PYTHONPATH": str(clone), "TMPDIR": str(tmp)}
    env.pop(outputs.STAGE_ENV, None)
    tmp.mkdir(parents=True, exist_ok=True)
    return env


def nanoflux(clone: Path, tmp: Path, *args, prefix=(), **kwargs) -> subprocess.Popen:
    """``python -m nanoflux ARGS`` started in ``clone`` (``prefix``: a command that wraps it, e.g. strace)."""
    return subprocess.Popen([*prefix, sys.executable, "-m", "nanoflux", *args], cwd=clone, env=clone_env(clone, tmp),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def inodes(paths) -> dict:
    """Each path's inode (None when absent): a rename into place gives a file a new one."""
    found = {}
    for path in paths:
        try:
            found[path] = os.stat(path).st_ino
        except FileNotFoundError:
            found[path] = None
    return found


def replaced(before: dict) -> dict:
    """Which of the paths of ``before`` (from :func:`inodes`) now hold another file."""
    after = inodes(before)
    return {path: after[path] is not None and after[path] != before[path] for path in before}
