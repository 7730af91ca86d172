"""What notebook 08's grid-free thresholds cost, and what the nested disc-flux sums save.

Run:  python benchmarks/bench_continuum.py

For each crystal of notebook 08 (iron, nickel, cobalt with the ideal and with its own c/a) at the largest
sphere r_c(1 T), prints the processor time (one core) of: building the columns, the ball-average and
field-at-2R thresholds, the flux scan with its thresholds, the cross-sections, and the whole study; the
number of (column, target) terms the flux scan stands for, the loop-field evaluations it made instead, and
their ratio; and the time a direct evaluation of one target takes, times the targets, for comparison.
Processor time, not wall time: on a shared machine wall time also counts the waiting.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import nanoflux.disc_flux as nested_module  # noqa: E402
from nanoflux import continuum, lattice  # noqa: E402
from nanoflux.flux import critical_radius  # noqa: E402
from nanoflux.studies import atoms_to_continuum, plane_height, thresholds  # noqa: E402


def timed(fn, *args, **kwargs):
    start = time.process_time()
    out = fn(*args, **kwargs)
    return out, time.process_time() - start


def main():
    R_max = float(critical_radius(1.0))
    radii = np.geomspace(0.5e-9, R_max, 12)
    counted = []
    original = continuum.loop_field_z

    def counting(rho, z, radius):
        counted.append(np.broadcast(np.asarray(rho), np.asarray(z), np.asarray(radius)).size)
        return original(rho, z, radius)

    print(f"{'crystal':30s} {'columns':>8s} {'ball+field':>10s} {'flux scan':>10s} {'cuts':>6s} {'study':>7s}"
          f" {'terms':>9s} {'evaluated':>9s} {'ratio':>6s} {'direct est.':>11s}")
    for lat in atoms_to_continuum.crystals(["Fe", "Ni", "Co"]):
        cols, t_cols = timed(lattice.columns, lat, R_max)
        _, t_ball = timed(thresholds.ball_threshold, cols, 0.01, 0.9 * R_max)
        coefficients, t_coefficients = timed(continuum.axis_coefficients, cols)
        _, t_field = timed(thresholds.axis_threshold, cols, 0.01, R_max, coefficients)
        t_field += t_coefficients
        counted.clear()
        nested_module.loop_field_z = counting
        fs, t_scan = timed(thresholds.flux_scan, cols, R_max, 0.4e-9)
        nested_module.loop_field_z = original
        evaluated = sum(counted)
        _, t_thr = timed(thresholds.flux_threshold, cols, fs, 0.01)
        terms = int(np.sum(cols.shell_end[fs.scan.interval]))
        n = cols.columns_within(R_max / 2)
        t_one = min(timed(continuum.disc_flux, cols, n, R_max / 2, lat.layer_spacing / 2)[1] for _ in range(3))
        _, t_cuts = timed(plane_height.cross_sections, cols, lat.label)
        _, t_study = timed(atoms_to_continuum.study, lat, radii)
        direct = t_one / n * terms
        print(f"{lat.label:30s} {len(cols.rho):8,d} {t_ball + t_field:9.2f}s {t_scan + t_thr:9.2f}s {t_cuts:5.2f}s "
              f"{t_study:6.2f}s {terms:9.2e} {evaluated:9.2e} {terms / evaluated:6.0f} {direct:10.0f}s")
    print(f"(columns built in about {t_cols:.2f} s each; 'direct est.': one target summed directly, times the targets)")


if __name__ == "__main__":
    main()
