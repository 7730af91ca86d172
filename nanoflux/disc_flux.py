"""The flux through a plane disc for every radius of a growing crystal sphere at once.

Notebook 08 asks from which radius R on the flux through the mid-plane of a crystal sphere stays within a
tolerance of the continuum's. The set of atoms changes at every shell (about ten thousand up to 25.7 nm)
and between shells the flux is a smooth function of R, so the question needs the sums

    F_j = m sum_{i < n_j} c_i B_loop,z(rho_i, z_i - h; a_j)

for tens of thousands of targets j (a disc of radius a_j at height h, holding the first n_j columns of
:func:`nanoflux.lattice.columns`) over half a million columns i: 10^10 terms done directly. This module
computes them all, to about 1e-12 of the flux, with some 10^7 evaluations of the loop field.

How. As a function of the disc radius a, one column's term is analytic except at a = rho_i +- i delta_i,
delta_i = |z_i - h| its height above or below the plane (the elliptic integrals' branch point: the rim
passing the column). On an interval of a farther than ``eta`` times its length from that point, the term
is interpolated to about 1e-13 by a polynomial through ``nodes`` Chebyshev points (Bernstein's ellipse
theorem: the error falls as (3 + sqrt 10)^-nodes at eta = 1.5). The a axis is halved level by level;
each column is evaluated at the nodes of the coarsest blocks that are far enough from it and whose
parent is not, so every (column, target) pair is counted exactly once, through the block holding the
target at that level. No column lies in the plane (the mid-plane is halfway between layers), so at the
finest level every block is far enough from every column: nothing is summed term by term. The nested
sets (column i counts only for targets with i < n_j) are exact too: within the block where column i
enters, its node values are summed cumulatively in column order and each target takes the cumulative
sum up to its own n_j; in later blocks it counts in full.

SI units: m, A m^2, Wb.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from nanoflux.continuum import loop_field_z
from nanoflux.lattice import Columns

#: Chebyshev nodes per block and the separation (in block lengths) between a block and a column's
#: singular point; together they set the interpolation error, about 1e-13 of each term.
NODES, ETA = 16, 1.5
#: Column-block pairs evaluated per batch (bounds the memory: PAIRS * NODES floats).
PAIRS = 20000


def disc_radius(r2: np.ndarray, height: float) -> np.ndarray:
    """The radius (m) of the disc that a sphere of squared radius ``r2`` (m^2) cuts at z = ``height``; the
    one formula used for targets and columns alike, so that a target on a shell and the shell's columns
    agree to the last bit."""
    return np.sqrt(np.maximum(np.asarray(r2, dtype=float) - height * height, 0.0))


def _chebyshev(p: int) -> tuple[np.ndarray, np.ndarray]:
    """Chebyshev points of the first kind on [-1, 1] and their barycentric weights."""
    k = np.arange(p)
    theta = (2 * k + 1) * np.pi / (2 * p)
    return np.cos(theta), (-1.0) ** k * np.sin(theta)


def _interpolate(values: np.ndarray, x: np.ndarray, nodes: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Barycentric interpolation: ``values`` (T, p) at the nodes, evaluated at ``x`` (T,) in [-1, 1]."""
    diff = x[:, None] - nodes[None, :]
    exact = diff == 0.0
    diff[exact] = 1.0
    q = weights / diff
    out = (q * values).sum(1) / q.sum(1)
    hit = exact.any(1)
    if hit.any():
        out[hit] = values[hit][exact[hit]]
    return out


@dataclass
class _Level:
    """One level of blocks: their start, length, and the node values of the columns counted in full (per
    block), and of those entering in the block (cumulative in column order, per block)."""

    start: float
    length: float
    full: np.ndarray                 # (blocks, nodes)
    entering_block: np.ndarray       # (k,) block of each entering column, sorted by (block, column)
    entering_column: np.ndarray      # (k,) its column index
    entering_cumulative: np.ndarray  # (k, nodes) cumulative sums within each block


class NestedDiscFlux:
    """F(a, n): the flux in Wb through the disc of radius a at z = ``height`` of the first n columns of
    ``cols`` (n up to ``n_max``), for disc radii in [``a_min``, ``a_max``]. Built once (the cost is in the
    building); :meth:`__call__` then evaluates any number of (a, n) pairs by interpolation."""

    def __init__(self, cols: Columns, height: float, a_min: float, a_max: float, n_max: int,
                 nodes: int = NODES, eta: float = ETA):
        self.height, self.n_max = height, n_max
        rho, z = cols.rho[:n_max], cols.z[:n_max]
        delta = np.abs(z - height)
        if delta.min(initial=np.inf) <= 0:
            raise ValueError("a column lies in the plane of the disc; its flux is not smooth in the radius")
        shell = np.repeat(np.arange(len(cols.shell_start)), np.diff(np.r_[cols.shell_start, len(cols.rho)]))
        enters = disc_radius(cols.shell_r2[shell[:n_max]], height)
        weight = cols.lattice.moment * cols.count[:n_max].astype(float)
        self.a_min, span = float(a_min), max(float(a_max) - float(a_min), 1e-30) * (1 + 1e-12)
        self.a_max = self.a_min + span
        finest = math.ceil(math.log2(max(span * eta / float(delta.min()), 1.0))) + 1
        self.x, self.w = _chebyshev(nodes)
        self.levels = []
        columns = np.arange(n_max)
        lo_prev = hi_prev = None
        for level in range(finest + 1):
            length = span / 2**level
            count = 2**level
            reach = np.sqrt(np.maximum((eta * length) ** 2 - delta**2, 0.0))
            near = (eta * length) > delta
            lo = np.where(near, np.floor((rho - reach - self.a_min) / length), 1).astype(np.int64)
            hi = np.where(near, np.floor((rho + reach - self.a_min) / length), 0).astype(np.int64)
            lo, hi = np.clip(lo, 0, count), np.clip(hi, -1, count - 1)
            if level == 0:
                cand_lo, cand_hi = np.zeros(n_max, np.int64), np.zeros(n_max, np.int64)
            else:
                empty = lo_prev > hi_prev
                cand_lo = np.where(empty, 1, 2 * lo_prev)
                cand_hi = np.where(empty, 0, np.minimum(2 * hi_prev + 1, count - 1))
            first = np.clip(np.floor((enters - self.a_min) / length).astype(np.int64), 0, count - 1)
            empty_now = lo > hi
            ranges = [(np.maximum(cand_lo, first), np.where(empty_now, cand_hi, np.minimum(cand_hi, lo - 1))),
                      (np.maximum(np.where(empty_now, cand_hi + 1, hi + 1), first), cand_hi)]
            self.levels.append(self._build(level, length, count, ranges, first, columns, rho, z, weight))
            lo_prev, hi_prev = lo, hi
        if not (lo_prev > hi_prev).all():
            raise AssertionError("some column is too close to a block at the finest level")

    def _build(self, level, length, count, ranges, first, columns, rho, z, weight) -> _Level:
        nodes = self.a_min + length * (0.5 + 0.5 * self.x)  # node offsets within a block
        blocks, owners = [], []
        for lo, hi in ranges:
            size = np.maximum(hi - lo + 1, 0)
            owner = np.repeat(columns, size)
            offset = np.arange(size.sum()) - np.repeat(np.cumsum(size) - size, size)
            blocks.append(lo[owner] + offset)
            owners.append(owner)
        block, owner = np.concatenate(blocks), np.concatenate(owners)
        order = np.lexsort((owner, block))
        block, owner = block[order], owner[order]
        full = np.zeros((count, len(self.x)))
        entering = block == first[owner]
        enter_vals = np.empty((int(entering.sum()), len(self.x)))
        k = 0
        for s in range(0, len(block), PAIRS):
            b, i = block[s:s + PAIRS], owner[s:s + PAIRS]
            vals = weight[i, None] * loop_field_z(rho[i, None], z[i, None] - self.height,
                                                  nodes[None, :] + length * b[:, None])
            e = entering[s:s + PAIRS]
            if (~e).any():  # the pairs are sorted by block: sum each block's run
                bf = b[~e]
                starts = np.flatnonzero(np.r_[True, bf[1:] != bf[:-1]])
                full[bf[starts]] += np.add.reduceat(vals[~e], starts, axis=0)
            enter_vals[k:k + int(e.sum())] = vals[e]
            k += int(e.sum())
        eb, ei = block[entering], owner[entering]
        cumulative = np.empty_like(enter_vals)
        bounds = np.flatnonzero(np.r_[True, eb[1:] != eb[:-1], True])
        for s, e in zip(bounds[:-1], bounds[1:]):
            np.cumsum(enter_vals[s:e], axis=0, out=cumulative[s:e])
        return _Level(self.a_min, length, full, eb, ei, cumulative)

    def __call__(self, a: np.ndarray, n: np.ndarray) -> np.ndarray:
        """Flux in Wb through discs of radius ``a`` (m) holding the first ``n`` columns, elementwise."""
        a, n = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(n, dtype=np.int64))
        if np.any(n > self.n_max) or np.any(a < self.a_min) or np.any(a > self.a_max):
            raise ValueError("a target lies outside the range the evaluator was built for")
        flat_a, flat_n = a.ravel(), n.ravel()
        out = np.concatenate([self._evaluate(flat_a[s:s + 50000], flat_n[s:s + 50000])
                              for s in range(0, flat_a.size, 50000)] or [np.zeros(0)])
        return out.reshape(a.shape)

    def _evaluate(self, a: np.ndarray, n: np.ndarray) -> np.ndarray:
        total = np.zeros(a.shape)
        for lev in self.levels:
            count = len(lev.full)
            b = np.clip(np.floor((a - lev.start) / lev.length).astype(np.int64), 0, count - 1)
            values = lev.full[b].copy()
            if len(lev.entering_block):
                key = lev.entering_block * (self.n_max + 1) + lev.entering_column
                pos = np.searchsorted(key, b * (self.n_max + 1) + n, side="left") - 1
                ok = (pos >= 0) & (lev.entering_block[np.maximum(pos, 0)] == b)
                values[ok] += lev.entering_cumulative[pos[ok]]
            x = np.clip(2.0 * (a - lev.start - b * lev.length) / lev.length - 1.0, -1.0, 1.0)
            total += _interpolate(values, x, self.x, self.w)
        return total
