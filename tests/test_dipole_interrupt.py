"""Ctrl-C stops a long dipole_field call, in a plain process and in a Jupyter kernel (its "Interrupt kernel"
sends SIGINT to the kernel process); on several threads, and on one (too few points for more), where Python
handles the signal between the tiles' NumPy calls.

Stopped means the computation stopped, not only that KeyboardInterrupt came out of the call. The
witnesses count work, never time: the child wraps the engine's chunk function (each thread computes one
chunk of points at a time) to count the chunks begun and ended and to note which operating-system threads
ran them. Each test sends a real SIGINT (no signal handler is installed anywhere) once the first chunk has
begun, during a call that would run for about a minute on two free cores, and then checks:

- the call was cut short: KeyboardInterrupt came out of it with fewer chunks ended than it has;
- nothing computes on: the counts do not move in a pause after the stop, and none of the threads that ran
  chunks (but the caller) is still alive at the operating system's level, /proc/self/task (Python's own
  list of threads is not enough: a Thread.join interrupted by Ctrl-C can mark a still running thread as
  ended, threading.Thread._wait_for_tstate_lock);
- a plain process exits (its interpreter would wait at exit for a worker still running).

Deadlines here only guard against a hang (a minute or more, whatever the machine's load). How soon the
call stops, the reply arrives and the process ends: benchmarks/bench_interrupt.py.
"""
import ast
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from helpers import GUARD_S

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to another process is POSIX-only")

#: The workload, the chunk counter and the report of the stop, shared by the child process and the kernel.
SETUP = """\
import json, os, threading, time
import numpy as np
import nanoflux.dipoles as engine
from nanoflux import dipole_field
rng = np.random.default_rng(1)
pos, mom = rng.normal(size=({N}, 3)), rng.normal(size=({N}, 3))
pts = rng.normal(size=({M}, 3)) + 10.0
chunk, _, threads = engine._plan(len(pts), len(pos))
chunks = -(-len(pts) // chunk)
counts, workers, lock, inner = {{"begun": 0, "ended": 0}}, set(), threading.Lock(), engine._chunk_field

def counted(*args, **kwargs):
    with lock:
        counts["begun"] += 1
        workers.add(threading.get_native_id())
        first = counts["begun"] == 1
    if first:
        {began}
    result = inner(*args, **kwargs)
    with lock:
        counts["ended"] += 1
    return result

engine._chunk_field = counted

def after_stop(pause_s):
    '''What the process shows after the stop: the counts then and after a pause, the chunk threads alive.'''
    caller, then = threading.get_native_id(), dict(counts)
    time.sleep(pause_s)
    tasks = "/proc/self/task"
    alive = ([t for t in workers if t != caller and os.path.exists(f"{{tasks}}/{{t}}")]
             if os.path.isdir(tasks) else None)
    return json.dumps({{"chunks": chunks, "threads": threads, "at_stop": then, "after_pause": dict(counts),
                       "alive": alive, "named": [t.name for t in threading.enumerate()
                                                 if t.name.startswith("nanoflux-dipole_field")]}})
"""
#: 20,000 dipoles at a million points: 2e10 pairs, about a minute on 2 cores (2 threads) of today
LONG = {"N": 20000, "M": 1000000}
#: 500,000 dipoles at 8,000 points (too few for a second thread, one chunk): 4e9 pairs, about 20 s on one core
LONG_ONE_THREAD = {"N": 500000, "M": 8000}
PAUSE_S = 0.5  # after the stop: long enough for a worker left running to begin or end a tile or a chunk


def _lines(stream):
    """A queue that receives the lines of ``stream`` (None at its end), filled by a daemon thread."""
    lines = queue.Queue()

    def pump():
        for line in stream:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _cpus():
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def check_stopped(shown: dict, threads: str) -> None:
    """The witnesses of the module's docstring, from what the interrupted process reported."""
    if threads == "one" or _cpus() >= 2:  # the path meant is the path taken
        assert (shown["threads"] == 1) == (threads == "one"), shown
    at_stop = shown["at_stop"]
    assert at_stop["begun"] >= 1 and at_stop["ended"] < shown["chunks"], shown  # cut short
    assert shown["after_pause"] == at_stop, shown  # nothing began or ended after the stop
    if shown["alive"] is not None:
        assert shown["alive"] == [], f"threads that ran chunks are still alive: {shown}"
    assert shown["named"] == [], f"worker threads still listed: {shown}"


@pytest.mark.parametrize("size, threads", [(LONG, "several"), (LONG_ONE_THREAD, "one")], ids=["threads", "one-thread"])
def test_ctrl_c_stops_a_long_call(size, threads):
    child = (SETUP.format(**size, began="print('computing', flush=True)") +
             "print('started', flush=True)\n"
             "try:\n"
             "    dipole_field(pts, pos, mom)\n"
             "    print('finished', flush=True)\n"
             "except KeyboardInterrupt:\n"
             f"    print('stopped', after_stop({PAUSE_S}), flush=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = _lines(proc.stdout)
        for expected in ("started", "computing"):
            line = lines.get(timeout=GUARD_S)
            assert line is not None and line.split()[0] == expected, proc.stderr.read() if line is None else line
        proc.send_signal(signal.SIGINT)
        line = lines.get(timeout=GUARD_S)
        returncode = proc.wait(timeout=GUARD_S)  # witness: the interpreter exits, no worker holds it
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert line is not None, proc.stderr.read()
    word, _, shown = line.partition(" ")
    assert word == "stopped", "the call finished before the signal: make the workload larger"
    check_stopped(json.loads(shown), threads)
    assert returncode == 0, proc.stderr.read()


def test_interrupt_kernel_stops_a_long_threaded_call(tmp_path, monkeypatch, request):
    jupyter_client = pytest.importorskip("jupyter_client")
    pytest.importorskip("ipykernel")
    # IPython and Jupyter write only into tmp_path, never into the user's home: here too, not only
    # in the kernel (looking up the python3 kernel spec creates the IPython folder)
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    # IPC sockets in a short folder (a socket path holds at most 107 bytes): TCP ports picked before the
    # kernel binds them can be taken meanwhile by the other tests' kernels ("Address already in use")
    sockets = Path(tempfile.mkdtemp(prefix="nf-"))
    request.addfinalizer(lambda: shutil.rmtree(sockets, ignore_errors=True))
    began = sockets / "began"
    km = jupyter_client.KernelManager(kernel_name="python3", connection_file=str(sockets / "kernel.json"),
                                      transport="ipc")
    km.start_kernel(extra_arguments=["--HistoryManager.enabled=False"])
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=GUARD_S)
        setup = SETUP.format(**LONG, began=f"open({str(began)!r}, 'w').close()")
        assert kc.execute_interactive(setup, timeout=GUARD_S)["content"]["status"] == "ok"
        msg_id = kc.execute("dipole_field(pts, pos, mom)")  # the call as a user types it
        deadline = time.monotonic() + GUARD_S
        while not began.exists():
            assert time.monotonic() < deadline, "the call did not begin its first chunk"
            time.sleep(0.01)
        km.interrupt_kernel()
        while (reply := kc.get_shell_msg(timeout=GUARD_S))["parent_header"].get("msg_id") != msg_id:
            pass
        content = reply["content"]
        # witness: the kernel's own reply to the cell
        assert content["status"] == "error" and content["ename"] == "KeyboardInterrupt", content
        # ipykernel aborts the requests that reach it while it is still clearing up after an error (a window
        # whose length depends on the load): an aborted request ran nothing, so it is sent again
        deadline = time.monotonic() + GUARD_S
        while (check := kc.execute_interactive("", user_expressions={"shown": f"after_stop({PAUSE_S})"},
                                               timeout=GUARD_S)["content"])["status"] == "aborted":
            assert time.monotonic() < deadline, "every request after the interrupt was aborted"
            time.sleep(0.05)
        assert check["status"] == "ok" and check["user_expressions"]["shown"]["status"] == "ok", check
        shown = json.loads(ast.literal_eval(check["user_expressions"]["shown"]["data"]["text/plain"]))
        check_stopped(shown, "several")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
