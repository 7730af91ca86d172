"""How long one change of the classroom explorer (notebook 07) takes: target under 50 ms.

One update is what a moved slider costs: check the values, recompute both radii (Eq. 4 and the
mean-field formula of Table I) and both curves, and redraw the chart on the Agg canvas (the moving
parts over the stored background); the widget then encodes the canvas as PNG for the browser.
Both are timed over 50 updates whose values all change (B, N, n, the convention, the material),
and the median is compared with the target. A full draw of the figure, done once when the explorer
starts, is timed for reference.

Run: python benchmarks/bench_explorer.py [--updates 50]   (exit status 1 if the target is missed)
"""
from __future__ import annotations

import argparse
import itertools
import os
import statistics
import time

os.environ.setdefault("MPLBACKEND", "Agg")

TARGET_MS = 50.0


def changes(count: int) -> list[dict]:
    """``count`` updates cycling through values chosen so that every update changes something visible."""
    fields = itertools.cycle([0.013, 0.05, 0.2, 0.7, 1.9, 6.5])
    dipoles = itertools.cycle([1, 7, 60, 450, 3300, 25000, 800000])
    densities = itertools.cycle([1e21, 3e22, 1e23, 5e25, 8e27, 2e29])
    conventions = itertools.cycle(["h/2e", "h/e"])
    plan = []
    for i in range(count):
        if i % 10 == 9:  # a material preset now and then: sets B and n itself
            plan.append({"material": ["Fe", "Co", "Ni", "Fe3O4"][(i // 10) % 4], "N": next(dipoles)})
        else:
            plan.append({"B_tesla": next(fields), "N": next(dipoles), "n_per_m3": next(densities),
                         "flux_quantum_convention": next(conventions), "material": "none"})
    return plan


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=50, help="number of timed updates (default 50)")
    args = parser.parse_args(argv)

    from nanoflux.classroom.explorer import Explorer

    start = time.perf_counter()
    explorer = Explorer()
    built = time.perf_counter() - start
    explorer.update(B_tesla=0.5)  # warm-up: first blit, first PNG
    explorer.png()

    update_ms, with_png_ms = [], []
    for change in changes(args.updates):
        t0 = time.perf_counter()
        explorer.update(**change)
        t1 = time.perf_counter()
        explorer.png()
        t2 = time.perf_counter()
        update_ms.append((t1 - t0) * 1e3)
        with_png_ms.append((t2 - t0) * 1e3)

    full_ms = []
    for _ in range(5):
        t0 = time.perf_counter()
        explorer.plot.draw_background()
        full_ms.append((time.perf_counter() - t0) * 1e3)

    width, height = explorer.figure.canvas.get_width_height()
    median = statistics.median(with_png_ms)
    met = median < TARGET_MS
    print(f"classroom explorer: {args.updates} updates, every value changing (Agg canvas {width} x {height} px)")
    print(f"  update (check, recompute, redraw):       median {statistics.median(update_ms):6.1f} ms, "
          f"max {max(update_ms):6.1f} ms")
    print(f"  update + PNG for the widget:             median {median:6.1f} ms, max {max(with_png_ms):6.1f} ms")
    print(f"  target: one update under {TARGET_MS:.0f} ms (median of update + PNG): {'met' if met else 'MISSED'}")
    print(f"  for reference: start-up {built * 1e3:.0f} ms; full draw of the figure (start-up only) "
          f"median {statistics.median(full_ms):.0f} ms")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
