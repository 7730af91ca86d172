"""Notebook 08's thresholds: from which size on a quantity stays within a tolerance of the continuum, found
without a grid.

The threshold of a quantity q(R) (its relative deviation from the continuum, dev = q - 1) over (0, R_max] is
R* = sup{R : |dev(R)| > tol}: the deviation is within tol for every R in [R*, R_max], and beyond tol
arbitrarily close below R*. None means out of tolerance at R_max itself ("never"). The atom set changes only
at atomic shells (spheres and balls are closed: an atom on the surface counts), and between two shells each
quantity is a smooth function of R with a known form, so every interval between shells is examined:

- ball average (:func:`ball_scan`): A / rho^3 + C, strictly decreasing; its largest value is at the interval's
  start, its smallest the limit at its end, and a crossing is solved in closed form;
- field at 2R on the axis (:func:`axis_scan`): a polynomial in u = r_s / 2R (nanoflux.continuum.axis_coefficients),
  sampled densely enough that its second derivative bounds the error between samples (the bound is returned);
- mid-plane flux (:func:`flux_scan`): no closed form; every interval is sampled at both ends and at interior
  points no further apart than an eighth of the plane's distance to the nearest layer (the scale on which it
  can bend), by the exact nested sums of nanoflux.disc_flux; every interval above the threshold that comes
  within ``margin`` of the tolerance is sampled again at 64 points, and a crossing is solved by bisection.

A sample is "attained" (the value at R) or a "right limit" (the value as R approaches a shell from below, where
the atom set then grows). SI units: m.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from nanoflux.constants import VACUUM_PERMEABILITY
from nanoflux.continuum import ball_intervals, disc_flux
from nanoflux.disc_flux import NestedDiscFlux, disc_radius
from nanoflux.lattice import Columns
from nanoflux.materials import get_material

ATTAINED, LIMIT = 0, 1


class Scan(NamedTuple):
    """Samples of a deviation from the continuum, in increasing R (m): ``dev``, the sample's ``kind``
    (ATTAINED or LIMIT) and the index of the interval between shells it belongs to; ``bound``: a bound on
    how far the deviation can stray between samples (0 where the samples include every extreme)."""

    R: np.ndarray
    dev: np.ndarray
    kind: np.ndarray
    interval: np.ndarray
    bound: float


def last_violation(scan: Scan, tol: float) -> int | None:
    """Index of the last sample out of tolerance (None if none is)."""
    bad = np.flatnonzero(np.abs(scan.dev) > tol)
    return int(bad[-1]) if bad.size else None


def envelope(scan: Scan) -> np.ndarray:
    """The largest |deviation| at or beyond each sample: where it crosses a tolerance is the threshold."""
    return np.maximum.accumulate(np.abs(scan.dev)[::-1])[::-1]


def bisect(f, lo: float, hi: float, steps: int = 80) -> float:
    """The point in [lo, hi] where f changes sign (f(lo), f(hi) of opposite signs), to round-off."""
    f_lo = f(lo)
    for _ in range(steps):
        mid = 0.5 * (lo + hi)
        if mid in (lo, hi):
            break
        if (f(mid) > 0) == (f_lo > 0):
            lo, f_lo = mid, f(mid)
        else:
            hi = mid
    return hi


def threshold(scan: Scan, tol: float, crossing) -> float | None:
    """R* from the samples: None if the last sample violates; the shell radius if the last violation is a
    right limit; else ``crossing(i, target)``, the R in (R[i], R[i+1]) where dev reaches ``target``."""
    i = last_violation(scan, tol)
    if i is None:
        return float(scan.R[0])
    if i == len(scan.R) - 1:
        return None
    if scan.kind[i] == LIMIT:
        return float(scan.R[i])
    return float(crossing(i, math.copysign(tol, scan.dev[i])))


# -- the ball average ------------------------------------------------------------------------------------

def ball_scan(cols: Columns, rho_max: float) -> tuple[Scan, object]:
    """Every interval's extremes of the ball average about the centre atom up to ``rho_max`` (m), and the
    intervals (nanoflux.continuum.BallIntervals) for the crossing."""
    iv = ball_intervals(cols, rho_max)
    K = len(iv.lo)
    R = np.c_[iv.lo, iv.hi].ravel()[1:]              # rho = 0 (the centre atom alone) left out
    dev = np.c_[iv.top, iv.bottom].ravel()[1:] - 1.0
    kind = np.tile([ATTAINED, LIMIT], K)[1:]
    kind[-1] = ATTAINED                             # rho_max itself is a value, not a limit
    return Scan(R, dev, kind, np.repeat(np.arange(K), 2)[1:], 0.0), iv


def ball_threshold(cols: Columns, tol: float, rho_max: float) -> float | None:
    """The averaging radius (m) from which on the ball average stays within ``tol`` of (2/3) mu0 Ms, up to
    ``rho_max``: exact (closed-form crossing)."""
    scan, iv = ball_scan(cols, rho_max)

    def crossing(i, target):
        k = scan.interval[i]
        return (iv.A[k] / (1.0 + target - iv.C[k])) ** (1.0 / 3.0)

    return threshold(scan, tol, crossing)


# -- the field at 2R on the axis -------------------------------------------------------------------------

def axis_scan(cols: Columns, R_max: float, coefficients: np.ndarray, tol: float = 1e-3) -> Scan:
    """B_z(2R) over the point dipole of the sphere's moment, minus 1, sampled on every interval between
    shells up to ``R_max`` (m), densely enough that reading its extremes off the samples errs by at most
    (step^2 / 8) max|q''| <= 1e-3 ``tol`` (the bound is returned with the samples)."""
    r = cols.shell_r
    K = int(np.searchsorted(r, R_max, side="right"))
    lo, hi = r[1:K], np.r_[r[2:K], R_max]
    c = coefficients[1:K]
    degree = 2 * np.arange(1, c.shape[1])
    curvature = np.sum(np.abs(c[:, 1:]) * (degree * (degree - 1)) * 0.5 ** (degree - 2), axis=1)
    u_lo = lo / (2 * hi)
    # samples per interval: enough for the bound (step^2 / 8) max|q''| <= 1e-3 tol, at least 2, a power of 2
    need = np.sqrt((0.5 - u_lo) ** 2 * curvature / (8e-3 * tol))
    n = 2 ** np.ceil(np.log2(np.clip(need, 2, 2**16))).astype(int)
    bound = (0.5 - u_lo) ** 2 / n**2 / 8 * curvature
    Rs, devs, kinds, ivs = [np.array([0.0, r[1]])], [np.zeros(2)], [np.array([ATTAINED, LIMIT])], [np.zeros(2, int)]
    for m in np.unique(n):
        sel = np.flatnonzero(n == m)
        u = 0.5 + (u_lo[sel, None] - 0.5) * np.linspace(0.0, 1.0, m + 1)[None, :]   # R increasing
        q = np.zeros_like(u)
        for jj in range(c.shape[1] - 1, -1, -1):       # Horner in u^2
            q = q * u * u + c[sel, jj, None]
        R = lo[sel, None] / (2 * u)
        R[:, -1] = hi[sel]
        kind = np.zeros_like(u, dtype=int)
        kind[:, -1] = np.where(sel + 1 < K - 1, LIMIT, ATTAINED)
        Rs.append(R.ravel()), devs.append((q - 1.0).ravel()), kinds.append(kind.ravel())
        ivs.append(np.repeat(sel + 1, m + 1))
    R, dev, kind, iv = (np.concatenate(x) for x in (Rs, devs, kinds, ivs))
    order = np.lexsort((kind, R))
    return Scan(R[order], dev[order], kind[order], iv[order], float(bound.max(initial=0.0)))


def axis_threshold(cols: Columns, tol: float, R_max: float, coefficients: np.ndarray) -> tuple[float | None, float]:
    """The sphere radius (m) from which on the field at 2R stays within ``tol`` of the point dipole, up to
    ``R_max``, and the bound on the sampling error."""
    scan = axis_scan(cols, R_max, coefficients, tol)
    r = cols.shell_r

    def crossing(i, target):
        k = scan.interval[i]
        c = coefficients[k]

        def f(R):
            u2 = (r[k] / (2 * R)) ** 2
            return np.polynomial.polynomial.polyval(u2, c) - 1.0 - target
        return bisect(f, scan.R[i], scan.R[i + 1])

    return threshold(scan, tol, crossing), scan.bound


# -- the mid-plane flux ----------------------------------------------------------------------------------

class FluxScan(NamedTuple):
    """The mid-plane flux over the continuum, minus 1, on every interval up to R_max (``scan``), the
    evaluator it came from (to sample it again), the plane's height and its distance to the nearest
    layer (m), and the continuum's (2/3) mu0 Ms in T."""

    scan: Scan
    evaluate: NestedDiscFlux
    height: float
    gap: float
    inside_field: float


def flux_scan(cols: Columns, R_max: float, R_min: float, spacing_fraction: float = 0.125,
              interior: int = 1) -> FluxScan:
    """Sample the mid-plane flux ratio on every interval between shells in [``R_min``, ``R_max``] (m): the
    left value, ``interior`` or more interior points no further apart than ``spacing_fraction`` times the
    plane's distance to the nearest layer, and the right limit."""
    lat = cols.lattice
    h = lat.layer_spacing / 2.0
    gap = float(np.min(np.abs(np.unique(cols.z) - h)))
    r2 = cols.shell_r2
    K = int(np.searchsorted(r2, R_max * R_max * (1 + 1e-12), side="right"))
    first = max(int(np.searchsorted(r2, R_min * R_min, side="left")) - 1, 0)
    ends = cols.shell_end
    B0 = 2.0 / 3.0 * VACUUM_PERMEABILITY.value * get_material(lat.material).Ms_A_per_m
    start_r2 = np.maximum(r2[first:K], R_min * R_min)
    stop_r2 = np.r_[r2[first + 1:K], R_max * R_max]
    keep = stop_r2 > start_r2
    start_r2, stop_r2 = start_r2[keep], stop_r2[keep]
    shells = np.arange(first, K)[keep]
    lo, hi = np.sqrt(start_r2), np.sqrt(stop_r2)
    n_inner = np.maximum(interior, np.ceil((hi - lo) / (spacing_fraction * gap)).astype(int))
    evaluate = NestedDiscFlux(cols, h, float(disc_radius(start_r2[0], h)), float(disc_radius(stop_r2[-1], h)),
                              int(ends[K - 1]))
    counts = n_inner + 2
    owner = np.repeat(np.arange(len(lo)), counts)
    t = (np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)) / np.repeat(counts - 1, counts)
    R = lo[owner] + (hi - lo)[owner] * t
    a = disc_radius(R * R, h)
    last = t == 1.0
    a[last] = disc_radius(stop_r2[owner[last]], h)     # the right limit at the next shell, to the last bit
    a[t == 0.0] = disc_radius(start_r2[owner[t == 0.0]], h)
    kind = np.where(last & (shells[owner] + 1 < K), LIMIT, ATTAINED)
    n = ends[shells[owner]]
    dev = evaluate(a, n) / (B0 * np.pi * a * a) - 1.0
    return FluxScan(Scan(R, dev, kind, shells[owner], 0.0), evaluate, h, gap, B0)


def flux_at(fs: FluxScan, R: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The flux ratio minus 1 at radii ``R`` (m) with the first ``n`` columns, from the scan's evaluator."""
    a = disc_radius(np.asarray(R) ** 2, fs.height)
    return fs.evaluate(a, n) / (fs.inside_field * np.pi * a * a) - 1.0


def flux_threshold(cols: Columns, fs: FluxScan, tol: float, margin: float = 0.15, dense: int = 64) -> tuple:
    """The sphere radius (m) from which on the mid-plane flux stays within ``tol`` of the continuum's (None:
    never, up to R_max), and the number of intervals sampled again because they came within ``margin``
    (a fraction of tol) of it. Each such interval gets ``dense`` points; if one crosses, the threshold moves."""
    scan = fs.scan
    ends = cols.shell_end
    rechecked = 0
    while True:
        R_star = threshold(scan, tol, lambda i, target, scan=scan: _flux_crossing(cols, fs, scan, i, target))
        above = scan.R >= (R_star if R_star is not None else np.inf)
        near = np.unique(scan.interval[above & (np.abs(scan.dev) > tol * (1 - margin))])
        if rechecked or not len(near):
            break
        rechecked = len(near)
        extra_R, extra_n, extra_i = [], [], []
        for k in near:
            sel = scan.interval == k
            lo, hi = scan.R[sel][0], scan.R[sel][-1]
            x = np.linspace(lo, hi, dense + 2)[1:-1]
            extra_R.append(x), extra_n.append(np.full(dense, ends[k])), extra_i.append(np.full(dense, k))
        R_new, n_new, i_new = (np.concatenate(x) for x in (extra_R, extra_n, extra_i))
        dev_new = flux_at(fs, R_new, n_new)
        R_all = np.r_[scan.R, R_new]
        order = np.lexsort((np.r_[scan.kind, np.zeros(len(R_new), int)], R_all))
        scan = Scan(R_all[order], np.r_[scan.dev, dev_new][order], np.r_[scan.kind, np.zeros(len(R_new), int)][order],
                    np.r_[scan.interval, i_new][order], 0.0)
    return R_star, rechecked, scan


def _flux_crossing(cols: Columns, fs: FluxScan, scan: Scan, i: int, target: float) -> float:
    n = cols.shell_end[scan.interval[i]]
    return bisect(lambda R: float(flux_at(fs, np.array([R]), np.array([n]))[0]) - target,
                  float(scan.R[i]), float(scan.R[i + 1]))


def direct_flux_ratio(cols: Columns, R: float, n: int) -> float:
    """The flux ratio at ``R`` (m) with the first ``n`` columns by direct summation (a check of the scan)."""
    lat = cols.lattice
    h = lat.layer_spacing / 2.0
    a = float(disc_radius(R * R, h))
    B0 = 2.0 / 3.0 * VACUUM_PERMEABILITY.value * get_material(lat.material).Ms_A_per_m
    return float(disc_flux(cols, n, a, h)[0] / (B0 * np.pi * a * a))
