"""The classroom app as a server for a class (issue 21; issue 22, case 16): never more kernels than places, a page
that says the class is full, a closed tab that frees its place, one line for a port in use, and nothing left
behind after any signal or, for SIGKILL of everything, after the next start.

The app runs as a teacher starts it (``nanoflux classroom``, tests/classroom_app.py) with a few places.
"""
import concurrent.futures
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from nanoflux.classroom import app as classroom
from nanoflux.classroom import websocket as ws_rules

from classroom_app import App
from helpers import GUARD_S, free_port


def _workdir(app: App) -> Path:
    """The app's temporary folder, as its server was told."""
    flag = "--ClassroomVoila.workdir="
    return Path(next(a[len(flag):] for a in app.server().cmdline() if a.startswith(flag)))


def _gone(pids, timeout=GUARD_S) -> bool:
    deadline = time.monotonic() + timeout
    while any(psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def _wait_missing(path: Path, timeout=GUARD_S) -> bool:
    deadline = time.monotonic() + timeout
    while path.exists():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


# -- places ----------------------------------------------------------------------------------------------------

def test_page_loads_at_once_never_start_more_kernels_than_places(tmp_path):
    places = 3
    with App(tmp_path, students=places) as app:
        app.settle()
        most = [len(app.kernels())]
        seen = {}
        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            loads = [pool.submit(app.request, "GET", "/") for _ in range(12)]
            while not all(f.done() for f in loads):
                kernels = app.kernels()
                most.append(len(kernels))
                seen.update({p.pid: p.status() for p in kernels})
                time.sleep(0.05)
        statuses = sorted(f.result()[0] for f in loads)
        time.sleep(3)  # Voila would refill its pool a second after each page (fill_delay)
        most.append(len(app.kernels()))
        # witness: the operating system's count of the server's kernel processes, all along
        assert statuses == [200] * places + [503] * (12 - places), (statuses, app.output())
        assert max(most) <= places, (most, seen, app.output())
        full = next(f.result() for f in loads if f.result()[0] == 503)
        assert b"The class is full" in full[2] and full[1]["Retry-After"] == "30"


def test_a_closed_page_frees_its_place_for_the_next_student(tmp_path):
    with App(tmp_path, students=1) as app:
        app.settle()
        kernel, headers = app.page()
        assert app.request("GET", "/")[0] == 503  # the one place is taken
        cookie = headers["Set-Cookie"].split(";")[0]
        token = cookie.split("=", 1)[1]
        # what the page's unload beacon sends; without the cookie (Voila 0.5 sets none) it is refused
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        assert app.request("POST", f"/voila/api/shutdown/{kernel}", headers=form, body=f"_xsrf={token}")[0] == 403
        status, _, _ = app.request("POST", f"/voila/api/shutdown/{kernel}", headers={**form, "Cookie": cookie},
                                   body=f"_xsrf={token}")
        assert status in (200, 204)
        # witness: the next student is served, by a kernel warmed for the freed place
        deadline = time.monotonic() + GUARD_S
        while (status := app.request("GET", "/")[0]) != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert status == 200


# -- signals and leftovers ------------------------------------------------------------------------------------

@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_the_app_its_kernels_and_removes_its_folder(tmp_path, signum):
    with App(tmp_path, students=1) as app:
        app.settle()
        folder, server = _workdir(app), app.server()
        kernels = [p.pid for p in app.kernels()]
        assert folder.is_dir() and any(folder.glob("voila_*"))  # Voila's runtime folder is inside it
        output = app.stop(signum)
        # witness: the process table and the file system
        assert app.proc.returncode == 0, output
        assert _gone([server.pid, *kernels]) and not folder.exists()
        assert "Traceback" not in output and len(output.splitlines()) == 2, output


def test_sigkill_of_the_app_its_server_stops_and_removes_the_folder(tmp_path):
    # witness: the processes' existence (psutil) and the app's folder on disk
    with App(tmp_path, students=1) as app:
        app.settle()
        folder, server = _workdir(app), app.server()
        kernels = [p.pid for p in app.kernels()]
        app.proc.kill()  # the server gets SIGTERM from the kernel (Linux's parent-death signal)
        app.proc.wait(GUARD_S)
        assert _gone([server.pid, *kernels]) and _wait_missing(folder)


def test_sigkill_of_everything_is_cleaned_by_the_next_start(tmp_path):
    with App(tmp_path, students=1) as app:
        app.settle()
        folder, server = _workdir(app), app.server()
        kernels = [p.pid for p in app.kernels()]
        # witness: the processes' existence, the folder after the next start, and a foreign folder kept
        server.kill()
        app.proc.kill()
        app.proc.wait(GUARD_S)
        # the kernels notice their server is gone (ipykernel's parent poller); the folder stays
        assert _gone([server.pid, *kernels]) and folder.is_dir()
    foreign = Path(classroom.tempfile.mkdtemp(prefix=classroom.PREFIX))  # no lock: not ours to judge, left alone
    try:
        (tmp_path / "next").mkdir()
        with App(tmp_path / "next", students=1) as later:
            later.server()  # started once the start has cleaned up (the port listens before)
            assert not folder.exists() and foreign.is_dir()
            assert _workdir(later).is_dir()
    finally:
        foreign.rmdir()


# -- the command line ------------------------------------------------------------------------------------------

def _run(tmp_path, *args):
    """``nanoflux classroom ARGS`` with a temporary folder of its own (``tmp_path/tmp``)."""
    (tmp_path / "tmp").mkdir()
    return subprocess.run([sys.executable, "-m", "nanoflux", "classroom", "--no-browser", *args], cwd=tmp_path,
                          env={**os.environ, "TMPDIR": str(tmp_path / "tmp")}, capture_output=True, text=True,
                          timeout=GUARD_S)


def test_two_apps_started_together_on_one_port_one_serves_the_other_says_so(tmp_path):
    # witness: each app's exit status and output, and the winner listening on the port
    port = free_port()
    apps = [App(tmp_path / name, students=1, port=port) for name in ("a", "b")]
    for app in apps:
        app.cwd.mkdir()
        app.start(wait=False)
    try:
        deadline = time.monotonic() + GUARD_S
        while all(app.proc.poll() is None for app in apps) and time.monotonic() < deadline:
            time.sleep(0.1)
        loser = next(app for app in apps if app.proc.poll() is not None)
        winner = next(app for app in apps if app is not loser)
        assert loser.proc.returncode == 2
        assert loser.output().splitlines() == [
            f"nanoflux classroom: error: --port {port} is in use (by another classroom app, or another server) on "
            f"127.0.0.1; choose another, e.g. --port {port + 1}"]
        assert winner.wait_listening() and winner.output().startswith(f"classroom app on http://127.0.0.1:{port}/")
    finally:
        for app in apps:
            app.__exit__(None, None, None)


@pytest.mark.parametrize("args, words", [
    (["--host", "999.1.1.1"], "--host must be an IP address of this computer, such as 0.0.0.0"),
    (["--host", "printer.example"], "--host must be an IP address of this computer"),
    (["--host", "192.0.2.77"], "--host 192.0.2.77 is not an address of this computer"),  # TEST-NET-1
    (["--students", "0"], "--students must be"),
    (["--students", "many"], "not a whole number: 'many'"),
])
def test_bad_address_or_places_is_one_line_and_starts_nothing(tmp_path, args, words):
    # witness: the command's exit status, output, and its temporary folder left empty
    done = _run(tmp_path, "--port", str(free_port()), *args)
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and words in done.stderr, done.stderr
    assert list((tmp_path / "tmp").iterdir()) == []  # no folder made for an app that never started


@pytest.mark.unit
def test_without_voila_the_command_says_how_to_install_it(monkeypatch, capsys):
    # witness: the command's exit status and its one line, with Voila hidden from the import system
    import importlib.util

    from nanoflux.cli import main

    found = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "voila" else found(name, *a))
    assert main(["classroom", "--no-browser", "--port", str(free_port())]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.splitlines() == [
        "nanoflux classroom: error: Voila is not installed: run `make classroom` (or pip install 'nanoflux[lab]')"]


def test_what_the_app_says_to_the_teacher(monkeypatch):
    # witness: the lines the teacher reads, for addresses given in place of the machine's own
    monkeypatch.setattr(classroom, "_addresses", lambda: ["10.0.0.5", "192.168.1.23"])
    lines = classroom.announcement("0.0.0.0", 8866, 30)
    assert lines == ["classroom app for your students: http://10.0.0.5:8866/ or http://192.168.1.23:8866/ "
                     "(Ctrl-C stops it)",
                     "anyone who can reach this address can move the app's controls and answer its exercises, "
                     "nothing else (no code, no files, no terminal); 30 places"]
    assert classroom.announcement("192.168.1.23", 8866, 30)[0] == ("classroom app for your students: "
                                                                   "http://192.168.1.23:8866/ (Ctrl-C stops it)")
    local = classroom.announcement("127.0.0.1", 9000, 30)
    assert local[0] == "classroom app on http://127.0.0.1:9000/ (Ctrl-C stops it)"
    assert local[1].startswith("only this computer can open it")
    assert classroom.urls("::1", 8866) == ["http://[::1]:8866/"]


def test_projector_flag_reaches_every_kernel(tmp_path):
    # witness: the environment the app gives its kernels
    env = classroom.environment(tmp_path, projector=True)
    assert env["NANOFLUX_PROJECTOR"] == "1" and env["TMPDIR"].startswith(str(tmp_path))
    assert "NANOFLUX_PROJECTOR" not in classroom.environment(tmp_path, projector=False)


# -- the websocket's rules, frame by frame ---------------------------------------------------------------------

def _frame(channel=b"shell", parts=(b'{"msg_type": "comm_msg"}', b"{}", b"{}", b"{}"), count=None, offsets=None):
    body = [channel, *parts]
    if offsets is None:
        offsets = [8 * (len(body) + 2)]
        for part in body:
            offsets.append(offsets[-1] + len(part))
    count = len(offsets) if count is None else count
    return count.to_bytes(8, "little") + b"".join(o.to_bytes(8, "little") for o in offsets) + b"".join(body)


@pytest.mark.parametrize("frame, why", [
    (_frame(), None),
    (_frame(parts=(b'{"msg_type": "comm_open"}', b"{}", b"{}", b'{"target_name": "jupyter.widget.control"}')), None),
    (_frame(parts=(b'{"msg_type": "comm_open"}', b"{}", b"{}", b'{"target_name": "jupyter.widget"}')),
     "comm_open for 'jupyter.widget'"),
    (_frame(channel=b"stdin"), "channel 'stdin'"),
    (_frame(count=2**31), ValueError),                      # a part count the server would allocate for
    (_frame(offsets=[56, 61, 10**12, 10**12 + 1, 10**12 + 2, 10**12 + 3]), ValueError),   # offsets beyond the frame
    (_frame(offsets=[56, 61, 60, 70, 80, 90]), ValueError),  # decreasing offsets
    (b"\x00" * 8, ValueError),
    ('{"channel": "shell"}', ValueError),                  # a text frame: the legacy protocol
])
def test_what_a_frame_may_carry(frame, why):
    # witness: the frame checker's verdict on hand-made frames (the kernel protocol's v1 layout)
    if why is ValueError:
        with pytest.raises(ws_rules.FrameError):
            ws_rules.refusal(frame)
    else:
        assert ws_rules.refusal(frame) == why


def test_a_closed_tabs_errors_never_reach_the_teacher_and_other_errors_are_one_line():
    import logging

    import tornado.websocket

    from nanoflux.classroom.server import OneLine

    def record(exc):
        try:
            raise exc
        except Exception:  # noqa: BLE001 - the record a logger makes of it
            return logging.LogRecord("tornado.general", logging.ERROR, __file__, 1,
                                     "Uncaught exception in ZMQStream callback", (), sys.exc_info())

    # witness: the filter's own verdict on the records pyzmq and tornado log when a tab closes mid-output
    closed = record(tornado.websocket.WebSocketClosedError())
    assert OneLine().filter(closed) is False
    other = record(KeyError("x"))
    assert OneLine().filter(other) is True
    assert other.exc_info is None and other.getMessage() == "Uncaught exception in ZMQStream callback (KeyError)"
