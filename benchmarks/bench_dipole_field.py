"""Benchmark nanoflux.dipole_field against magpylib 6.x on the same seeded dipole configuration.

Run:  python benchmarks/bench_dipole_field.py

For N = 1000 dipoles at M = 100,000 points and N = 100 at M = 10,000, prints the time and
throughput (point-dipole pairs per second) of both, their ratio, the agreement, and the peak
extra memory of dipole_field (tracemalloc peak during the call; NumPy reports its buffers to
tracemalloc, including those allocated on worker threads).

magpylib is timed on ``getB`` alone; building its Collection of Dipole objects is not counted.
magpylib takes mu0 from scipy (CODATA 2022) while nanoflux uses CODATA 2018, so B differs by
6.8e-10 relative from mu0 alone; the agreement is printed raw and with that factor removed.

On some machines OPENBLAS_CORETYPE is set; irrelevant here since no BLAS is used.
"""
from __future__ import annotations

import os
import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import magpylib  # noqa: E402

from nanoflux.constants import VACUUM_PERMEABILITY  # noqa: E402
from nanoflux.dipoles import BOHR_MAGNETON, dipole_field  # noqa: E402

CASES = ((1000, 100_000), (100, 10_000))
SEED = 20240607


def configuration(N: int, M: int, seed: int = SEED):
    """N dipoles of one Bohr magneton, random directions, in a 100 nm cube; M points in a 300 nm cube."""
    rng = np.random.default_rng(seed)
    positions = rng.uniform(-50e-9, 50e-9, (N, 3))
    moments = rng.normal(size=(N, 3))
    moments *= BOHR_MAGNETON / np.linalg.norm(moments, axis=1, keepdims=True)
    points = rng.uniform(-150e-9, 150e-9, (M, 3))
    return positions, moments, points


def best_time(fn, repeats: int):
    """Smallest wall time of ``repeats`` calls, and the last result."""
    best, result = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_memory(fn) -> int:
    """Peak bytes traced during one call of ``fn`` above the level before it."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


def max_relative_difference(B: np.ndarray, ref: np.ndarray) -> float:
    """max over points of |B - ref| / |ref| (vector norms)."""
    return float(np.max(np.linalg.norm(B - ref, axis=1) / np.linalg.norm(ref, axis=1)))


def run_case(N: int, M: int) -> float:
    positions, moments, points = configuration(N, M)
    pairs = N * M
    collection = magpylib.Collection(
        [magpylib.misc.Dipole(position=p, moment=m) for p, m in zip(positions, moments)]
    )

    dipole_field(points[:10], positions, moments)  # warm-up (imports, thread start-up)
    t_nf, B_nf = best_time(lambda: dipole_field(points, positions, moments), 5 if pairs < 1e7 else 3)
    t_mp, B_mp = best_time(lambda: magpylib.getB(collection, points), 3 if pairs < 1e7 else 1)
    peak = peak_memory(lambda: dipole_field(points, positions, moments))

    from scipy.constants import mu_0 as mu0_scipy  # magpylib's mu0

    raw = max_relative_difference(B_nf, B_mp)
    rescaled = max_relative_difference(B_nf, B_mp * (VACUUM_PERMEABILITY.value / mu0_scipy))
    result_mb = B_nf.nbytes / 2**20
    ratio = t_mp / t_nf

    print(f"N = {N:,} dipoles at M = {M:,} points ({pairs:.1e} pairs)")
    print(f"  nanoflux.dipole_field  {t_nf:9.4f} s   {pairs / t_nf:10.3e} pairs/s   "
          f"(best of {5 if pairs < 1e7 else 3})")
    print(f"  magpylib {magpylib.__version__} getB    {t_mp:9.4f} s   {pairs / t_mp:10.3e} pairs/s   "
          f"(best of {3 if pairs < 1e7 else 1})")
    print(f"  speed ratio            {ratio:9.1f} x")
    print(f"  agreement              max |dB|/|B| = {raw:.2e} raw, {rescaled:.2e} with mu0 rescaled "
          "(CODATA 2018 / 2022)")
    print(f"  peak extra memory      {peak / 2**20:9.2f} MB   (tracemalloc peak during the call, "
          f"of which {result_mb:.2f} MB is the result)")
    print()
    return ratio


def main() -> None:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    print(f"python {platform.python_version()}, numpy {np.__version__}, magpylib {magpylib.__version__}, "
          f"{cpus} CPUs, load average {load[0]:.2f} at start" if load else f"{cpus} CPUs")
    print()
    ratios = [run_case(N, M) for N, M in CASES]
    print("speed ratios: " + ", ".join(f"{r:.1f}x" for r in ratios))


if __name__ == "__main__":
    main()
