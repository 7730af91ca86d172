"""Two models of a magnetic dipole, and the one computation that tells them apart.

An Amperian dipole is a small current loop; a Gilbert dipole is a pair of magnetic charges
+q and -q a short distance d apart (q d = m). Far away both give the paper's point-dipole field
B = mu0/(4 pi) [3 (m . u) u - m] / r^3, and both fields are divergence-free wherever they are
defined, so zero divergence away from the sources and zero net flux through closed surfaces
hold for either: those checks test the code, not a physical model. Inside, they differ: the
field averaged over a ball of volume V that contains the dipole is

    <B> = +(2/3) mu0 m / V   for a current loop (any current distribution inside the ball),
    <B> = -(1/3) mu0 m / V   for a charge pair  (any magnetic-charge distribution inside),

(Jackson, Classical Electrodynamics, 3rd ed., Eqs. 5.62-5.64 and 4.18). The paper's formula,
taken as a function away from the origin, averages to zero over the ball: it leaves out the
contact term (2/3) mu0 m delta^3(r) of the loop. Atomic moments come from electron spin and
orbital currents, not from magnetic charges: they are Amperian (hyperfine splittings, which
sample the field at the nucleus, confirm the +2/3).

:func:`ball_average` computes the three averages numerically, through the divergence theorem
(a volume integral of B becomes a surface integral of n x A or of the magnetic potential, on a
surface far from every source, where quadrature converges fast). A direct Monte Carlo average of
the field is no cross-check: near a magnetic charge the field falls as 1/r^2, so its variance over
the ball is infinite. SI units: m, A m^2, T.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from nanoflux import validate as v
from nanoflux.constants import VACUUM_PERMEABILITY
from nanoflux.quadrature import sphere_rule

MU0 = VACUUM_PERMEABILITY.value


def loop_nodes(radius: float, segments: int) -> tuple[np.ndarray, np.ndarray]:
    """Midpoints (K, 3) and vector elements dl (K, 3) of a circular loop of ``radius`` in the xy-plane."""
    t = 2.0 * np.pi * (np.arange(segments) + 0.5) / segments
    points = radius * np.stack([np.cos(t), np.sin(t), np.zeros_like(t)], axis=1)
    dl = (2.0 * np.pi * radius / segments) * np.stack([-np.sin(t), np.cos(t), np.zeros_like(t)], axis=1)
    return points, dl


def loop_vector_potential(points: ArrayLike, m: float, radius: float, segments: int = 512) -> np.ndarray:
    """A (T m) of a current loop of moment m (along z, current m / (pi radius^2)) at ``points`` (M, 3):
    A = mu0 I / (4 pi) sum dl / |r - l|, the loop cut into ``segments`` straight pieces (the
    midpoint rule, spectrally accurate away from the wire)."""
    nodes, dl = loop_nodes(radius, segments)
    current = m / (np.pi * radius**2)
    d = np.linalg.norm(np.asarray(points)[:, None, :] - nodes[None], axis=-1)
    return MU0 * current / (4.0 * np.pi) * ((1.0 / d) @ dl)


def loop_field(points: ArrayLike, m: float, radius: float, segments: int = 512) -> np.ndarray:
    """B (T) of the same loop by Biot-Savart: mu0 I / (4 pi) sum dl x (r - l) / |r - l|^3."""
    nodes, dl = loop_nodes(radius, segments)
    current = m / (np.pi * radius**2)
    d = np.asarray(points)[:, None, :] - nodes[None]
    inv3 = np.linalg.norm(d, axis=-1) ** -3
    return MU0 * current / (4.0 * np.pi) * np.einsum("mk,mkj->mj", inv3, np.cross(dl[None], d))


def charge_pair_potential(points: ArrayLike, m: float, separation: float) -> np.ndarray:
    """Magnetic scalar potential (A) of charges +-q = +-m/d at (0, 0, +-d/2): q/(4 pi) (1/r+ - 1/r-)."""
    q = m / separation
    p = np.asarray(points)
    up = np.linalg.norm(p - [0.0, 0.0, separation / 2], axis=-1)
    down = np.linalg.norm(p + [0.0, 0.0, separation / 2], axis=-1)
    return q / (4.0 * np.pi) * (1.0 / up - 1.0 / down)


def point_formula_field(points: ArrayLike, m: float) -> np.ndarray:
    """The paper's point-dipole formula for m along z at the origin (no contact term)."""
    p = np.asarray(points)
    r = np.linalg.norm(p, axis=-1, keepdims=True)
    u = p / r
    mvec = np.array([0.0, 0.0, m])
    return MU0 / (4.0 * np.pi) * (3.0 * u * (u @ mvec)[:, None] - mvec) / r**3


class BallAverage(NamedTuple):
    """<B_z> over a ball of ``radius`` (m) around a dipole of moment ``m`` (A m^2), in units of
    mu0 m / V: ``loop`` (+2/3 expected), ``charges`` (-1/3) and ``point_formula`` (0)."""

    radius: float
    m: float
    loop: float
    charges: float
    point_formula: float


def ball_average(radius: float, m: float = 1.0, *, size: float = 0.25, n_theta: int = 48,
                 n_phi: int = 96, segments: int = 512) -> BallAverage:
    """The three ball averages of B_z, numerically, in units of mu0 m / V (V = 4/3 pi radius^3).

    The loop and the charge pair have size ``size`` times ``radius`` (the loop's radius, the
    charges' separation). The volume integrals become surface integrals over the ball's boundary,
    which stays far from every source: int B dV = int n x A dS for the loop (B = curl A), and
    int B dV = -mu0 int phi n dS for the charges (B = mu0 H = -mu0 grad phi). The point formula
    is integrated over spherical shells (its angular average vanishes on each) from 1e-3 radius
    outward. Quadrature: Gauss-Legendre (``n_theta``) times the trapezoid (``n_phi``).
    """
    a = float(v.positive_finite(radius, "radius", "m"))
    moment = float(v.positive_finite(m, "m", "A m^2"))
    if not 0 < size < 1:
        raise v.InputError(f"size must be between 0 and 1 (a fraction of the radius); got {size!r}")
    normals, weights = sphere_rule(n_theta, n_phi)
    surface = a * normals
    dS = weights * a * a
    unit = MU0 * moment  # <B> V in units of mu0 m
    A = loop_vector_potential(surface, moment, size * a, segments)
    loop = float((np.cross(normals, A)[:, 2] * dS).sum()) / unit
    phi = charge_pair_potential(surface, moment, size * a)
    charges = float(-MU0 * (phi * normals[:, 2] * dS).sum()) / unit
    shells, shell_w = np.polynomial.legendre.leggauss(32)
    r = 0.5 * (shells + 1.0) * (a - 1e-3 * a) + 1e-3 * a
    total = 0.0
    for radius_k, w_k in zip(r, shell_w):
        Bz = point_formula_field(radius_k * normals, moment)[:, 2]
        total += w_k * 0.5 * (a - 1e-3 * a) * radius_k**2 * float((Bz * weights).sum())
    return BallAverage(a, moment, loop, charges, float(total / unit))


def charge_pairs_field(points: ArrayLike, positions: ArrayLike, moments: ArrayLike, separation: float) -> np.ndarray:
    """B = mu0 H (T) at ``points`` (M, 3) of N Gilbert dipoles: charges +-|m_i|/d at r_i +- (d/2) m_i/|m_i|.

    The magnetic-charge counterpart of :func:`nanoflux.dipoles.dipole_field` (same positions and
    moments, ``separation`` d in m); points in chunks, so memory stays bounded.
    """
    pts, pos, mom = (np.asarray(x, dtype=float).reshape(-1, 3) for x in (points, positions, moments))
    size = np.linalg.norm(mom, axis=1, keepdims=True)
    offset = 0.5 * separation * mom / size
    charges = np.concatenate([pos + offset, pos - offset])
    q = np.concatenate([size[:, 0], -size[:, 0]]) / separation
    out = np.empty_like(pts)
    step = max(1, 2**21 // len(charges))
    for p0 in range(0, len(pts), step):
        d = pts[p0:p0 + step, None, :] - charges[None]
        out[p0:p0 + step] = np.einsum("mk,mkj->mj", q * np.linalg.norm(d, axis=-1) ** -3, d)
    return MU0 / (4.0 * np.pi) * out
