"""How long `nanoflux reproduce` takes, and what the notebook machinery costs.

Times, on this machine:
  1. `nanoflux reproduce --jobs 1`      every notebook in turn, one kernel at a time;
  2. `nanoflux reproduce --jobs <cores>` several kernels at once;
  3. the same computations and figures done by the module in one plain Python process;
and, with --tests, the whole test command (`python -m pytest`).
Each reproduce run writes into a temporary --out folder, never into figures/.

Targets (2-core machine): full reproduce under 20 s; the test command under 90 s.
Run: python benchmarks/bench_reproduce.py [--repeat 3] [--tests]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str], repeat: int) -> float:
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run([*cmd, *(["--out", out] if "reproduce" in cmd else [])], cwd=ROOT, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
    return statistics.median(times)


# The notebooks' own code cells, executed in order in one plain Python process (no kernel,
# no papermill, no nbformat): the same computations and files, without the notebook machinery.
PLAIN = r'''
import contextlib, io, json, sys, tempfile
from pathlib import Path
from nanoflux import runner
out = tempfile.mkdtemp()
for path in runner.notebooks():
    cells = json.loads(path.read_text())["cells"]
    namespace = {"__name__": "__main__"}
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, f"{path.name}", "exec"), namespace)
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            namespace["output_dir"] = out
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median is shown)")
    parser.add_argument("--tests", action="store_true", help="also time the whole test command")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    nanoflux = [sys.executable, "-m", "nanoflux", "reproduce"]
    one = timed([*nanoflux, "--jobs", "1"], args.repeat)
    many = timed([*nanoflux, "--jobs", str(cores)], args.repeat)
    plain = timed([sys.executable, "-c", PLAIN], args.repeat)
    print(f"machine: {cores} core(s); median of {args.repeat} run(s)")
    print(f"{'nanoflux reproduce --jobs 1':<40s} {one:7.2f} s")
    print(f"{f'nanoflux reproduce --jobs {cores}':<40s} {many:7.2f} s   (target < 20 s)")
    print(f"{'same computations, one plain process':<40s} {plain:7.2f} s")
    print(f"{'concurrency speed-up (jobs 1 / jobs N)':<40s} {one / many:7.2f} x")
    print(f"{'notebook machinery cost (jobs N / plain)':<40s} {many / plain:7.2f} x")
    if args.tests:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"{'test command (python -m pytest)':<40s} {time.perf_counter() - start:7.2f} s   (target < 90 s)")


if __name__ == "__main__":
    main()
