"""Publishing a run's files all or nothing, across folders and file systems.

A :class:`Publication` first opens a hidden area inside every folder it will write to
(:meth:`Publication.prepare`, before any work starts, so an unwritable folder is refused at
once). New files are copied into the area of their folder (:meth:`Publication.add`): a full
device or a lost permission fails here, and :meth:`Publication.abort` leaves every folder as
it was. :meth:`Publication.commit` then records its decision in a journal in every area and
renames each file into place. Each rename stays within one file system, so it is atomic; if
one fails, the files already moved are put back. Every catchable signal waits until the renames
are done, in whichever thread it arrives (:func:`nanoflux.running.signals.deferred`).

An area is named after its run's process (``.nanoflux-publish-<pid>-<random>``) and locked by it.
A run killed outright leaves its areas behind; :func:`recover` (called by every later run) handles
only areas whose process is gone and whose lock is free. It decides for all the areas of one
publication at once: when every one of them still has its journal or is gone (its renames done), the
commit is finished; otherwise the commit never began renaming, and its journals are removed before
its areas, so that a recovery cut short decides the same way the next time.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import secrets
import shutil
import time
from pathlib import Path

from nanoflux.running.signals import deferred
from nanoflux.validate import printable

AREA_PREFIX = ".nanoflux-publish-"
JOURNAL = "journal.json"
LOCK = "lock"
BACKUP = ".backup"
#: Files of an area that are not staged results.
_BOOKKEEPING = {LOCK, JOURNAL, JOURNAL + ".tmp", BACKUP}
#: How long a run waits for another run of the same clone to finish publishing (a hang guard).
LOCK_PATIENCE_S = 300.0


class PublishError(Exception):
    """A folder cannot receive the run's files; the message names the path and the problem."""


def os_error_text(exc: OSError, path) -> str:
    """'<path>: <problem>' for an OSError, with the path as the user would read it."""
    problem = (exc.strerror or str(exc)).lower()
    if exc.errno == errno.ENOTDIR:
        problem += " (a file stands where a folder is needed)"
    text = printable(path) if path not in (None, "") else ""
    return f"{text}: {problem}" if text else problem


# -- who owns a folder ------------------------------------------------------------------------------

def process_alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def owner_pid(folder: Path, prefix: str) -> int | None:
    """The process id a folder named ``<prefix><pid>-...`` carries, or None."""
    head = Path(folder).name[len(prefix):].split("-", 1)[0]
    return int(head) if head.isdigit() else None


def hold_lock(area: Path):
    """Hold an exclusive lock on ``area`` for the life of this process (released when it dies)."""
    handle = open(area / LOCK, "w")
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def _try_lock(folder: Path):
    """The lock of ``folder`` held by this process, or None when another holds it or it has none."""
    try:
        handle = open(folder / LOCK, "a")
    except OSError:
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        return None
    return handle


def is_abandoned(folder: Path, prefix: str = AREA_PREFIX) -> bool:
    """True when the process that made ``folder`` is gone and no process holds its lock.

    A folder whose process is alive is never abandoned, even before that process has locked it; one
    whose name carries no process id is abandoned when its lock exists and is free.
    """
    pid = owner_pid(folder, prefix)
    if pid is not None and pid != os.getpid() and process_alive(pid):
        return False
    handle = _try_lock(folder)
    if handle is not None:
        handle.close()
        return True
    return pid is not None and pid != os.getpid() and not (folder / LOCK).exists()


@contextlib.contextmanager
def clone_lock(root: Path, patience_s: float = LOCK_PATIENCE_S):
    """Hold the publishing lock of the clone at ``root`` (a lock on the folder itself): recovering,
    opening areas and committing happen one run at a time per clone; running notebooks does not wait."""
    fd = os.open(root, os.O_RDONLY)
    try:
        deadline = time.monotonic() + patience_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise PublishError(f"another nanoflux run of {printable(root)} has been publishing for "
                                       f"{patience_s:.0f} s; try again when it has finished") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # releases the lock


# -- publishing -------------------------------------------------------------------------------------

class Publication:
    """The files of one run, published together (see the module)."""

    def __init__(self, pid: int | None = None):
        self.token = f"{os.getpid() if pid is None else pid}-{secrets.token_hex(4)}"
        self.areas: dict[Path, Path] = {}
        self.created: list[Path] = []
        self.moves: list[tuple[Path, Path]] = []
        self.committed = False
        self._locks = []

    def prepare(self, folder) -> None:
        """Open the area in ``folder`` (creating the folder if needed); PublishError when it cannot."""
        folder = Path(folder).absolute()
        if folder in self.areas:
            return
        missing = [p for p in (folder, *folder.parents) if not p.exists()]
        try:
            for path in reversed(missing):
                try:
                    path.mkdir()
                    self.created.append(path)
                except FileExistsError:  # another run made it meanwhile
                    pass
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

    def commit(self, check=None) -> None:
        """Rename every added file into place, or none of them; then remove the areas.

        ``check``, called with each target path just before the journals are written, may refuse one
        (raise PublishError): the last look at where the files go. Signals wait (see the module).
        """
        with deferred():
            for _, target in self.moves:
                if check is not None:
                    check(target)
            self._write_journals()
            try:
                _move_all(self.moves, backups=True)
            except PublishError:
                for area in self.areas.values():  # undone: the journals must not finish it later
                    (area / JOURNAL).unlink(missing_ok=True)
                raise
            self.committed = True
            self.created.clear()  # the folders made for the files now hold them
            self._remove_areas()

    def abort(self) -> None:
        """Remove the areas and every folder :meth:`prepare` created: nothing was published (or, after
        a commit, nothing is left to do)."""
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
                for other in self.areas.values():
                    (other / JOURNAL).unlink(missing_ok=True)
                raise PublishError(f"cannot write {os_error_text(exc, folder)}") from None

    def _remove_areas(self) -> None:
        for area in self.areas.values():  # removed while still locked: no other run touches them
            shutil.rmtree(area, ignore_errors=True)
        for handle in self._locks:
            handle.close()
        self._locks.clear()
        self.areas.clear()


def _move_all(moves, *, backups: bool) -> None:
    """os.replace each (staged, target); on a failure put back what was moved and raise PublishError."""
    done = []
    target = None
    try:
        for staged, target in moves:
            backup = None
            if backups and (target.exists() or target.is_symlink()):
                backup = staged.parent / BACKUP / target.name
                backup.parent.mkdir(exist_ok=True)
                os.link(target, backup, follow_symlinks=False)
            os.replace(staged, target)
            done.append((target, backup))
    except OSError as exc:
        for moved, backup in reversed(done):
            if backup is not None:
                os.replace(backup, moved)
            else:
                moved.unlink(missing_ok=True)
        raise PublishError(f"cannot publish {os_error_text(exc, exc.filename or target)}") from None


# -- recovering what killed runs left ---------------------------------------------------------------

def _journal(area: Path):
    """(areas, names) from ``area``'s journal; None when it has none; ValueError naming the file when
    it cannot be read as one."""
    path = area / JOURNAL
    if not path.exists():
        return None
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"{printable(path)} is damaged ({' '.join(str(exc).split())[:80]})") from None
    areas, names = (doc.get("areas"), doc.get("names")) if isinstance(doc, dict) else (None, None)
    if not (isinstance(areas, list) and all(isinstance(a, str) and Path(a).is_absolute() for a in areas)
            and isinstance(names, list) and all(isinstance(n, str) and n == Path(n).name for n in names)):
        raise ValueError(f"{printable(path)} is damaged (it lacks the list of areas and of file names)")
    return [Path(a) for a in areas], names


def _staged(area: Path, names) -> list[str]:
    """The staged files of ``area`` still to be moved: ``names`` when known, else what the area holds."""
    held = [p.name for p in area.iterdir() if p.name not in _BOOKKEEPING] if area.is_dir() else []
    return held if names is None else [n for n in names if n in held]


def _group(area: Path, found: list[Path], notes: list[str]) -> tuple[list[Path], dict]:
    """Every area of ``area``'s publication, and the file names each one's journal lists (None where it
    has no readable journal; then its own files stand in).

    The areas are those found with the same name (one run's token) and those their journals list; a
    damaged journal is named in ``notes``."""
    members = [a for a in found if a.name == area.name]
    names = {}
    for member in members:  # grows while it is walked: the areas the journals list
        if not member.is_dir():
            continue
        try:
            read = _journal(member)
        except ValueError as exc:
            notes.append(f"{exc}: recovered from the files its area holds")
            read = None
        names[member] = None if read is None else read[1]
        members += [a for a in (read[0] if read else []) if a not in members]
    return members, names


def recover(folders) -> list[str]:
    """Finish or remove what killed runs left in ``folders``; return a line for each publication finished
    and each damaged journal.

    Only areas whose process is gone and whose lock is free are touched. A publication is finished
    only when every area it listed still has its journal or is gone (its renames done); otherwise it
    never began renaming, and its areas are removed, journals first. A damaged journal is named in the
    lines returned; its area's own files stand in for its list.
    """
    found = sorted({a for folder in folders for a in Path(folder).glob(AREA_PREFIX + "*") if a.is_dir()})
    handled, done = [], set()
    with deferred():
        for area in found:
            if area in done or not area.is_dir() or not is_abandoned(area):
                continue
            notes: list[str] = []
            members, names = _group(area, found, notes)
            existing = [a for a in members if a.is_dir()]
            if not all(is_abandoned(a) for a in existing):
                continue
            locks = [_try_lock(a) for a in existing]
            try:
                if None in locks:
                    continue  # another run is recovering it
                done.update(members)
                handled += notes
                if all(not a.is_dir() or (a / JOURNAL).exists() for a in members):
                    for member in existing:
                        pending = [(member / n, member.parent / n) for n in _staged(member, names.get(member))]
                        _move_all(pending, backups=False)
                        handled.append(f"finished the publication of a killed run into {printable(member.parent)}")
                        shutil.rmtree(member, ignore_errors=True)
                else:
                    for member in existing:
                        (member / JOURNAL).unlink(missing_ok=True)
                    for member in existing:
                        shutil.rmtree(member, ignore_errors=True)
            finally:
                for handle in locks:
                    if handle is not None:
                        handle.close()
    return handled
