"""Signals that stop a long-running command (a run, the classroom app): the one home of their handling.

Within :func:`raise_on`, SIGINT (Ctrl-C, also where a shell started the process in the background with
SIGINT ignored), SIGTERM and SIGHUP raise an exception in the main thread, so that the code around it
cleans up in its ``finally`` blocks; outside the main thread nothing changes (Python runs signal
handlers there only).

Within :func:`deferred`, a section that must not be cut short (publishing a run's files, cleaning up),
every catchable signal whose default action ends the process (:data:`DEFERRED`) is recorded instead, in
every thread: the operating system may deliver a signal to any thread that does not block it (a run has
several), but Python runs every handler in the main thread, so a handler that only records is enough,
whichever thread received the signal. On leaving the section each recorded signal is acted on as it
would have been when it arrived: the previous handler is called (``raise_on``'s raises), a default
action is taken, an ignored signal stays ignored.
"""
from __future__ import annotations

import contextlib
import signal
import subprocess
import threading


class Interrupted(Exception):
    """A run was stopped by Ctrl-C, SIGTERM or SIGHUP.

    ``written`` says what had been published when it stopped: None for nothing, else the folders every
    result was written to (a run publishes all or nothing).
    """

    def __init__(self, written=None):
        super().__init__()
        self.written = written


#: The signals that stop a command.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

#: Catchable signals whose default action ends the process: deferred by :func:`deferred`.
DEFERRED = (*STOP_SIGNALS, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2, signal.SIGALRM, signal.SIGVTALRM,
            signal.SIGPROF, signal.SIGXCPU)


@contextlib.contextmanager
def raise_on(exception: type[BaseException] = KeyboardInterrupt, signums=STOP_SIGNALS):
    """Within the block, each of ``signums`` raises ``exception`` in the main thread; the previous
    handlers come back on leaving it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum, _frame):
        raise exception()

    previous = {s: signal.signal(s, stop) for s in signums}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _act_on(signum: int, handler) -> None:
    """What ``handler`` (a previous disposition of ``signum``) would have done on the signal."""
    if handler == signal.SIG_IGN:
        return
    if callable(handler):
        handler(signum, None)
    else:  # SIG_DFL, or a handler installed outside Python: the default action
        signal.raise_signal(signum)


@contextlib.contextmanager
def deferred(signums=DEFERRED):
    """Within the block, ``signums`` are recorded, in whichever thread they arrive, and acted on when the
    block ends (see the module). Yields the list of signals recorded so far.

    Outside the main thread (where Python cannot install handlers) the signals are only blocked in the
    calling thread.
    """
    caught: list[int] = []
    main = threading.current_thread() is threading.main_thread()
    previous = {}

    def record(signum, _frame):
        caught.append(signum)

    mask = signal.pthread_sigmask(signal.SIG_BLOCK, signums)  # no EINTR in the section's system calls
    try:
        if main:
            for s in signums:
                previous[s] = signal.signal(s, record)
        yield caught
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)  # pending ones are recorded here, before ...
        for s, handler in previous.items():  # ... the previous handlers come back
            signal.signal(s, handler)
        for signum in dict.fromkeys(caught):  # once each, in the order they came
            _act_on(signum, previous.get(signum, signal.SIG_DFL))


def stop_child(proc: subprocess.Popen, grace_s: float = 30.0) -> None:
    """Stop a server this command started (SIGTERM, then SIGKILL after ``grace_s`` seconds), with the stop
    signals ignored meanwhile: a second Ctrl-C does not cut the server's own clean-up (its kernels) short."""
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in STOP_SIGNALS}
    try:
        proc.terminate()
        try:
            proc.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
