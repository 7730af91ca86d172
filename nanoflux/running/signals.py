"""Signals that stop a long-running command (a run, the classroom app): the one home of their handling.

Within :func:`raise_on`, SIGINT (Ctrl-C, also where a shell started the process in the background with
SIGINT ignored), SIGTERM and SIGHUP raise an exception in the main thread, so that the code around it
cleans up in its ``finally`` blocks; outside the main thread nothing changes (Python runs signal
handlers there only). :func:`blocked` defers them, in every thread of the process, for a section that
must not be cut short.
"""
from __future__ import annotations

import contextlib
import signal
import threading


class Interrupted(Exception):
    """A run was stopped by Ctrl-C, SIGTERM or SIGHUP."""


#: The signals that stop a command.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


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
