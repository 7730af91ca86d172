"""How long set-up takes from a fresh clone: `make reproduce`'s and `make test`'s environments.

Each measurement clones the repository's committed state into a temporary folder and runs the
Makefile's install step there with an empty uv cache (as on a fresh machine; the browser install
is not counted). Prints the seconds, the packages and the size of each environment against the
target of 25 s on 2 cores.
Run: python benchmarks/bench_setup.py
"""
from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 25.0


def size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def measure(stamp: str) -> tuple[float, int, float]:
    """Seconds to build ``stamp`` in a fresh clone, the packages installed, and the environment's MB."""
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        env = {**os.environ, "UV_CACHE_DIR": str(Path(tmp) / "uv-cache")}
        start = time.perf_counter()
        subprocess.run(["make", "--no-print-directory", f".venv/{stamp}"], cwd=clone, env=env, check=True)
        seconds = time.perf_counter() - start
        listed = subprocess.run([str(clone / ".venv/bin/uv"), "pip", "list",
                                 "--python", str(clone / ".venv/bin/python")],
                                capture_output=True, text=True, check=True).stdout.splitlines()
        return seconds, len(listed) - 2, size_mb(clone / ".venv")


def main() -> None:
    print(f"machine: {os.cpu_count()} core(s); fresh clone, empty uv cache; target < {TARGET_S:.0f} s")
    for label, stamp in (("make reproduce (reproduce.lock)", ".reproduce-installed"),
                         ("make test (test.lock)", ".test-installed")):
        seconds, packages, mb = measure(stamp)
        verdict = "meets" if seconds < TARGET_S else "MISSES"
        print(f"{label:<34s} {seconds:6.1f} s  {packages:4d} packages  {mb:6.0f} MB   {verdict} the target "
              f"({seconds / TARGET_S:.2f} of it)")


if __name__ == "__main__":
    main()
