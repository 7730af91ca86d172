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


PLAIN = r'''
import tempfile, time
start = time.perf_counter()
import nanoflux as nf
from nanoflux import figures, notebook, parameters, runner
out = tempfile.mkdtemp()
for path in runner.notebooks():
    declared = runner.declared_parameters(path)
    params = parameters.VALIDATORS[path.stem](**declared)
    if path.stem.startswith("01"):
        for B in params["B_tesla"]:
            nf.critical_area(B), nf.critical_radius(B)
        nf.flux_exponent()
    elif path.stem.startswith("02"):
        nf.table_one(params["N_values"], params["n_per_m3"]); nf.mean_field_exponent()
    elif path.stem.startswith("03"):
        figures.save_figure(figures.figure1(params["B_tesla"], params["radii_over_critical"]), out, "fig1",
                            notebook=path.stem, parameters=params)
    elif path.stem.startswith("04"):
        figures.save_figure(figures.figure2(params["B_range_tesla"], params["N_range"], params["n_per_m3"]),
                            out, "fig2", notebook=path.stem, parameters=params)
    else:
        print("not in the plain baseline:", path.stem)
notebook.write_results(out, "bench", {}, [])
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
    print("note: notebooks 05-07 do more than the plain process times here; their engines have their own benchmarks")
    if args.tests:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print(f"{'test command (python -m pytest)':<40s} {time.perf_counter() - start:7.2f} s   (target < 90 s)")


if __name__ == "__main__":
    main()
