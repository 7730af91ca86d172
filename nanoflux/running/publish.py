"""Publishing a run's files all or nothing, across folders and file systems.

A :class:`Publication` first opens a hidden area inside every folder it will write to
(:meth:`Publication.prepare`, before any work starts, so an unwritable folder is refused at
once). New files are copied into the area of their folder (:meth:`Publication.add`): a full
device or a lost permission fails here, and :meth:`Publication.abort` leaves every folder as
it was. :meth:`Publication.commit` then records its decision in a journal in every area and
renames each file into place. Each rename stays within one file system, so it is atomic; if
one fails, the files already moved are put back. Signals wait until the renames are done.

A run killed outright leaves its areas behind; :func:`recover` (called by every later run)
finishes a commit whose journals were all written and removes everything else.
"""
from __future__ import annotations

import errno
import fcntl
import json
import os
import secrets
import shutil
import signal
from pathlib import Path

AREA_PREFIX = ".nanoflux-publish-"
JOURNAL = "journal.json"
LOCK = "lock"
_SIGNALS = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}


class PublishError(Exception):
    """A folder cannot receive the run's files; the message names the path and the problem."""


def os_error_text(exc: OSError, path) -> str:
    """'<path>: <problem>' for an OSError, with the path as the user would read it."""
    problem = (exc.strerror or str(exc)).lower()
    if exc.errno == errno.ENOTDIR:
        problem += " (a file stands where a folder is needed)"
    text = os.fsdecode(os.fspath(path)).encode("utf-8", "backslashreplace").decode()
    return f"{text}: {problem}" if text else problem


def hold_lock(area: Path):
    """Hold an exclusive lock on ``area`` for the life of this process (released when it dies)."""
    handle = open(area / LOCK, "w")
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def is_abandoned(area: Path) -> bool:
    """True when no living process holds ``area``'s lock."""
    try:
        with open(area / LOCK, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
    except FileNotFoundError:
        return True
    except OSError:
        return False


class Publication:
    """The files of one run, published together (see the module)."""

    def __init__(self):
        self.token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.areas: dict[Path, Path] = {}
        self.created: list[Path] = []
        self.moves: list[tuple[Path, Path]] = []
        self._locks = []

    def prepare(self, folder) -> None:
        """Open the area in ``folder`` (creating the folder if needed); PublishError when it cannot."""
        folder = Path(folder).absolute()
        if folder in self.areas:
            return
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        try:
            for path in reversed(missing):
                path.mkdir()
                self.created.append(path)
            area = folder / (AREA_PREFIX + self.token)
            area.mkdir()
            self.areas[folder] = area
            self._locks.append(hold_lock(area))
        except OSError as exc:
            raise PublishError(f"cannot write to {os_error_text(exc, folder)}") from None

    def add(self, source: Path, folder, name: str | None = None) -> None:
        """Copy ``source`` into ``folder``'s area, to become ``folder/name`` at commit."""
        folder = Path(folder).absolute()
        name = name or Path(source).name
        staged = self.areas[folder] / name
        if any(target == folder / name for _, target in self.moves):
            return  # the same file from several notebooks (a folder's run mark)
        try:
            shutil.copyfile(source, staged)
        except OSError as exc:
            raise PublishError(f"cannot write {os_error_text(exc, folder / name)}") from None
        self.moves.append((staged, folder / name))

    def commit(self) -> None:
        """Rename every added file into place, or none of them; then remove the areas."""
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
        try:
            self._write_journals()
            _move_all(self.moves, backups=True)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        self._remove_areas()

    def abort(self) -> None:
        """Remove the areas and every folder :meth:`prepare` created: nothing was published."""
        self._remove_areas()
        for path in reversed(self.created):
            try:
                path.rmdir()
            except OSError:
                pass
        self.created.clear()

    def _write_journals(self) -> None:
        everyone = sorted(str(a) for a in self.areas.values())
        for folder, area in self.areas.items():
            names = [target.name for staged, target in self.moves if staged.parent == area]
            try:
                with open(area / (JOURNAL + ".tmp"), "w", encoding="utf-8") as handle:
                    json.dump({"areas": everyone, "names": names}, handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(area / (JOURNAL + ".tmp"), area / JOURNAL)
            except OSError as exc:
                raise PublishError(f"cannot write {os_error_text(exc, folder)}") from None

    def _remove_areas(self) -> None:
        for handle in self._locks:
            handle.close()
        self._locks.clear()
        for area in self.areas.values():
            shutil.rmtree(area, ignore_errors=True)
        self.areas.clear()


def _move_all(moves, *, backups: bool) -> None:
    """os.replace each (staged, target); on a failure put back what was moved and raise PublishError."""
    done = []
    try:
        for staged, target in moves:
            backup = None
            if backups and target.exists():
                backup = staged.parent / ".backup" / target.name
                backup.parent.mkdir(exist_ok=True)
                os.link(target, backup)
            os.replace(staged, target)
            done.append((target, backup))
    except OSError as exc:
        for target, backup in reversed(done):
            if backup is not None:
                os.replace(backup, target)
            else:
                target.unlink(missing_ok=True)
        raise PublishError(f"cannot publish {os_error_text(exc, exc.filename or target)}") from None


def recover(folders) -> list[str]:
    """Finish or remove what killed runs left in ``folders``; return one line per area handled.

    A commit is finished only when every area it listed still has its journal or is gone (its
    renames done); otherwise it never began renaming, and its areas are simply removed.
    """
    handled = []
    for folder in folders:
        for area in sorted(Path(folder).glob(AREA_PREFIX + "*")):
            if not area.is_dir() or not is_abandoned(area):
                continue
            journal = area / JOURNAL
            if journal.exists():
                doc = json.loads(journal.read_text(encoding="utf-8"))
                decided = all(not Path(a).exists() or (Path(a) / JOURNAL).exists() for a in doc["areas"])
                if decided:
                    pending = [(area / n, Path(folder) / n) for n in doc["names"] if (area / n).exists()]
                    _move_all(pending, backups=False)
                    handled.append(f"finished an interrupted publication into {folder}")
            shutil.rmtree(area, ignore_errors=True)
            handled.append(f"removed {area}")
    return handled
