"""Small helpers shared by the tests (and the benchmarks that drive a browser)."""
import hashlib
import socket
import time

#: How long any wait in a test may last before it counts as a hang: a guard, never a measure of speed (which
#: benchmarks/ measure), generous for a busy 2-core machine. Every wait ends as soon as its event comes.
GUARD_S = 120


def tree_digest(path):
    """Every file's name and bytes under ``path`` (another run's staging area, removed when that run
    ends, is not content)."""
    h = hashlib.sha256()
    for item in sorted(p for p in path.rglob("*") if p.is_file() and ".nanoflux-publish-" not in str(p)):
        h.update(item.relative_to(path).as_posix().encode())
        h.update(item.read_bytes())
    return h.hexdigest()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc, timeout: float = GUARD_S) -> bool:
    """Wait until something listens on 127.0.0.1:``port`` (a connection, not a request); False if the process
    ``proc`` ends or ``timeout`` passes first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                return False
            time.sleep(0.1)
