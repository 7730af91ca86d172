"""Small helpers shared by the tests (and the benchmarks that drive a browser)."""
import hashlib
import json
import os
import socket
import time
from pathlib import Path

#: How long any wait in a test may last before it counts as a hang: a guard, never a measure of speed (which
#: benchmarks/ measure), generous for a busy 2-core machine. Every wait ends as soon as its event comes.
GUARD_S = 120
#: The same for a wait on a whole run of several notebooks or a site build, in a subprocess.
RUN_GUARD_S = 300


#: A run's hidden publishing area (nanoflux.running.publish), removed when that run ends: not content.
PUBLISHING = ".nanoflux-publish-"


def file_digests(path: Path, skip=()) -> dict:
    """{relative path: SHA-256 of its bytes} for every file under ``path``, but in folders named in ``skip``
    and in another run's publishing area."""
    files = {}
    for folder, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in skip and PUBLISHING not in d)
        for name in names:
            item = Path(folder, name)
            if PUBLISHING not in name:
                files[item.relative_to(path).as_posix()] = hashlib.sha256(item.read_bytes()).hexdigest()
    return files


def tree_digest(path: Path, skip=()) -> str:
    """One digest of every file's name and bytes under ``path`` (file_digests)."""
    return hashlib.sha256(json.dumps(file_digests(path, skip), sort_keys=True).encode()).hexdigest()


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port on ``host`` (127.0.0.1 unless told) that nothing listens on now."""
    with socket.socket() as s:
        s.bind((host, 0))
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
