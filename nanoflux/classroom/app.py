"""The classroom app: notebook 07's explorer and exercises served by Voila to a class, ``nanoflux classroom``.

:func:`serve` binds the address and port first (a port in use, by another classroom app too, is one line and
exit status 2, before anything is announced), then prints two lines: the address to give the students, and
what anyone who opens it can do. It starts the server (nanoflux.classroom.server: Voila, with the page, the
kernel websocket and the places limited to what the app needs) on that socket, in a temporary folder
``nanoflux-classroom-*`` holding a copy of ``assets/classroom.ipynb`` (the explorer and the exercise
boxes, no code shown), ``assets/voila.json``, and the runtime files, Jupyter configuration, IPython profile
and temporary files of the server and its kernels. A page load writes nothing into the repository.

The folder is removed when the app stops, whatever stops it: Ctrl-C, SIGTERM or SIGHUP (this process stops
the server, which stops its kernels), the server's own end, or SIGKILL of this process (the server gets
SIGTERM from the kernel, Linux's parent-death signal, and removes the folder itself). Only SIGKILL of both
leaves it: the next start removes every such folder that no living app holds (a lock on ``.lock``).

Every asset comes from the server itself: the template (``nanoflux-offline``) is Voila's lab template without
the two Font Awesome stylesheets it links from a CDN (the icons are in Voila's own bundle), only the widgets
extensions are loaded, and MathJax is the one bundled with Voila's JupyterLab components.
"""
from __future__ import annotations

import errno
import fcntl
import importlib.util
import ipaddress
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from nanoflux.classroom.projector import ENVIRONMENT as PROJECTOR_ENV
from nanoflux.running.kernels import KERNEL_ENV
from nanoflux.running.signals import raise_on, stop_child
from nanoflux.validate import InputError, InputTypeError, whole_number

APP = Path(__file__).resolve().parent / "assets" / "classroom.ipynb"
#: Voila's configuration (read from the folder it starts in).
CONFIG = APP.parent / "voila.json"
#: A Jupyter data folder holding Voila's lab template without its CDN stylesheets
#: (voila/templates/nanoflux-offline); Voila finds templates on JUPYTER_PATH only.
DATA = APP.parent
DEFAULT_PORT = 8866
DEFAULT_HOST = "127.0.0.1"
#: Places: pages served at once, each with its kernel (about 120 MB), all started before the lesson.
DEFAULT_STUDENTS = 30
MAX_STUDENTS = 200
PREFIX = "nanoflux-classroom-"
LOCK = ".lock"


class ClassroomError(Exception):
    """The app cannot start (Voila missing, a bad or busy address or port); the message says why, in one line."""


#: The longest IPC socket path Linux takes (sockaddr_un.sun_path), and how much of it a kernel's socket adds to
#: the app's folder: "/voila_xxxxxxxx/kernel-<uuid>-ipc-N".
IPC_PATH_MAX = 107
IPC_SUFFIX = 66


def command(workdir: Path, fd: int, students: int) -> list[str]:
    """The command that serves the app on the listening socket ``fd`` with ``students`` places, run in
    ``workdir`` (whose ``voila.json`` holds the rest: the template, quiet logs, the websocket's limits). Kernels
    talk over IPC sockets in ``workdir``, or over TCP on 127.0.0.1 where that path would be too long."""
    args = [sys.executable, "-m", "nanoflux.classroom.server", APP.name, f"--ClassroomVoila.listen_fd={fd}",
            f"--ClassroomVoila.max_students={students}", "--preheat_kernel=True", f"--pool_size={students}",
            f"--ClassroomVoila.workdir={workdir}", f"--Voila.connection_dir_root={workdir}"]
    if len(str(workdir)) + IPC_SUFFIX > IPC_PATH_MAX:
        args.append("--KernelManager.transport=tcp")
    return args


def environment(workdir: Path, *, projector: bool = False) -> dict:
    """The server's and its kernels' environment: runtime, configuration, IPython and temporary files in
    ``workdir``; the numeric settings of ``nanoflux reproduce``'s kernels; projector mode if asked."""
    env = dict(os.environ)
    for name, sub in (("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"), ("JUPYTER_CONFIG_DIR", "config"),
                      ("TMPDIR", "tmp")):
        env[name] = str(workdir / sub)  # and no user configuration changes the app
        (workdir / sub).mkdir(exist_ok=True)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(DATA), env.get("JUPYTER_PATH", "")) if p)
    env["MPLBACKEND"] = "Agg"
    env.update(KERNEL_ENV)
    env.pop(PROJECTOR_ENV, None)
    if projector:
        env[PROJECTOR_ENV] = "1"
    return env


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket listening on ``host``:``port`` (an IP address of this computer, or 0.0.0.0 for all of them);
    ClassroomError saying why not."""
    try:
        address = ipaddress.ip_address("127.0.0.1" if host == "localhost" else host)
    except ValueError:
        raise ClassroomError(f"--host must be an IP address of this computer, such as 0.0.0.0 (all its networks) "
                             f"or 192.168.1.23; got {host!r}") from None
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as tornado does; a listening port stays busy
        sock.bind((str(address), port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            reason = "is in use (by another classroom app, or another server)"
        elif exc.errno == errno.EADDRNOTAVAIL:
            raise ClassroomError(f"--host {host} is not an address of this computer; use 0.0.0.0 for all its "
                                 f"networks, or one of {', '.join(_addresses()) or '127.0.0.1'}") from None
        else:
            reason = f"cannot be used ({(exc.strerror or str(exc)).lower()})"
        raise ClassroomError(f"--port {port} {reason} on {host}; choose another, "
                             f"e.g. --port {port + 1 if port < 65535 else DEFAULT_PORT}") from None
    sock.set_inheritable(True)
    return sock


def _addresses() -> list[str]:
    """This computer's IPv4 addresses on its networks (not loopback), from psutil (an ipykernel dependency)."""
    try:
        import psutil
    except ImportError:
        return []
    found = []
    for entries in psutil.net_if_addrs().values():
        for entry in entries:
            if entry.family == socket.AF_INET and not ipaddress.ip_address(entry.address).is_loopback:
                found.append(entry.address)
    return sorted(set(found), key=lambda a: tuple(int(x) for x in a.split(".")))


def urls(host: str, port: int) -> list[str]:
    """The addresses students type: the given one, or every network address of this computer for 0.0.0.0."""
    address = ipaddress.ip_address("127.0.0.1" if host == "localhost" else host)
    if address.is_unspecified:
        hosts = _addresses() or ["127.0.0.1"]
    else:
        hosts = [str(address)]
    return [f"http://[{h}]:{port}/" if ":" in h else f"http://{h}:{port}/" for h in hosts]


def announcement(host: str, port: int, students: int) -> list[str]:
    """The two lines the app prints: where it is, and what anyone who opens it can do."""
    address = ipaddress.ip_address("127.0.0.1" if host == "localhost" else host)
    where = " or ".join(urls(host, port))
    if address.is_loopback:
        return [f"classroom app on {where} (Ctrl-C stops it)",
                "only this computer can open it; for a class, start it with --host 0.0.0.0 (or this computer's "
                "address on the classroom's network)"]
    return [f"classroom app for your students: {where} (Ctrl-C stops it)",
            f"anyone who can reach this address can move the app's controls and answer its exercises, nothing else "
            f"(no code, no files, no terminal); {students} places"]


def remove_abandoned(folder: Path | None = None) -> list[Path]:
    """Remove the folders of classroom apps that no living process holds (killed with SIGKILL); return them."""
    folder = Path(folder or tempfile.gettempdir())
    removed = []
    for path in folder.glob(PREFIX + "*"):
        try:
            if not path.is_dir() or path.is_symlink() or path.stat().st_uid != os.getuid():
                continue
            with open(path / LOCK) as handle:  # no lock: not an app's folder of this version (left alone)
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # OSError: an app holds it
        except OSError:
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


def _workdir():
    """A new app folder and its lock, held by this process (and by the server, which inherits it)."""
    workdir = Path(tempfile.mkdtemp(prefix=PREFIX))
    handle = open(workdir / LOCK, "w")
    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    os.set_inheritable(handle.fileno(), True)
    return workdir, handle


def serve(port: int = DEFAULT_PORT, *, host: str = DEFAULT_HOST, students: int = DEFAULT_STUDENTS,
          projector: bool = False, browser: bool = True) -> int:
    """Run the app until interrupted; return 0 when stopped by a signal, else the server's exit status."""
    try:
        port = whole_number(port, "--port", 1, 65535)
        students = whole_number(students, "--students", 1, MAX_STUDENTS)
    except (InputError, InputTypeError) as exc:
        raise ClassroomError(str(exc)) from None
    if importlib.util.find_spec("voila") is None:  # found, not imported: the server's process imports it (1 s)
        raise ClassroomError("Voila is not installed: run `make classroom` (or pip install 'nanoflux[lab]')")
    sock = listening_socket(host, port)
    remove_abandoned()
    proc = lock = workdir = None
    try:
        with raise_on(KeyboardInterrupt):
            try:
                workdir, lock = _workdir()
                for name in (APP.name, CONFIG.name):  # served from, and its kernels run in, the temporary folder
                    shutil.copyfile(APP.parent / name, workdir / name)
                for line in announcement(host, port, students):
                    print(line, flush=True)
                # The server in a session of its own: Ctrl-C reaches this process only, which stops the server
                # once; and the server stops too if this process is killed (Linux: the parent-death signal).
                proc = subprocess.Popen(command(workdir, sock.fileno(), students), cwd=workdir,
                                        env=environment(workdir, projector=projector), start_new_session=True,
                                        pass_fds=(sock.fileno(), lock.fileno()), preexec_fn=die_with_parent)
                sock.close()
                if browser:
                    threading.Thread(target=_open_browser, args=(_local_url(host, port),), daemon=True).start()
                return 1 if proc.wait() else 0
            except KeyboardInterrupt:  # Ctrl-C, SIGTERM or SIGHUP
                pass
        # Stopped by a signal: further ones are ignored while the server stops its kernels.
        if proc is not None:
            stop_child(proc)
        return 0
    finally:
        sock.close()
        if lock is not None:
            lock.close()
        if workdir is not None:
            shutil.rmtree(workdir, ignore_errors=True)


def _local_url(host: str, port: int) -> str:
    """The address the teacher's own browser opens: the given one, or 127.0.0.1 for all networks."""
    address = ipaddress.ip_address("127.0.0.1" if host == "localhost" else host)
    return urls("127.0.0.1" if address.is_unspecified else host, port)[0]


def _open_browser(url: str) -> None:
    import webbrowser

    try:
        webbrowser.open(url)
    except Exception:  # noqa: BLE001 - no browser: the printed address is enough
        pass


def die_with_parent() -> None:
    """In the child, before the server starts: SIGTERM when the parent dies (Linux; elsewhere nothing)."""
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1
