"""From atoms to the continuum: when does a crystal of point moments look like uniform magnetization?

The exact sums behind notebook 08 (the study itself is :mod:`nanoflux.studies.atoms_to_continuum`): a sphere
cut from a crystal lattice (nanoflux.lattice), every atom a point dipole m = Ms / n along z, against the
continuum it should approach, a uniformly magnetized sphere with internal field (2/3) mu0 Ms and, outside,
the field of a point dipole of the total moment. Every sum here is exact, over atoms or over the columns of
:func:`nanoflux.lattice.columns` (each column's atoms share rho and z, so they add the same term):

- flux through a disc on the axis (the mid-plane: halfway between two atomic layers): by reciprocity the
  flux of a dipole m through a circle is m . B_loop, the field of a unit current on that circle at the
  dipole, from complete elliptic integrals (computed by the arithmetic-geometric mean);
- B_z on the axis outside the sphere, by direct summation, or as a polynomial in 1/R between two shells
  (:func:`axis_coefficients`, from the axial multipoles of the atoms);
- the field at the atom at the centre from all the others (the Lorentz sum), and its limit for an
  infinite sphere by Ewald summation (:func:`lorentz_limit`);
- the field averaged over a ball of radius rho around the centre, in closed form between two shells
  (:func:`ball_intervals`): an atom inside adds its Amperian (2/3) mu0 m / V (notebook 05's contact
  term), an atom outside its field at the centre (the mean-value property of a field that is harmonic
  in the ball).

SI units: m, A m^2, T, Wb.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from nanoflux.constants import VACUUM_PERMEABILITY
from nanoflux.lattice import Columns, Lattice

MU0 = VACUUM_PERMEABILITY.value
#: Elements per chunk of the elliptic-integral loop: small enough to stay in the processor's cache.
CHUNK = 16384


def ellipke(m: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Complete elliptic integrals K(m) and E(m) (parameter m = k^2, 0 <= m < 1), by the
    arithmetic-geometric mean (Abramowitz and Stegun 17.6); within a few units in the last place
    of scipy.special.ellipk and ellipe (checked in the tests)."""
    m = np.asarray(m, dtype=float)
    a = np.ones_like(m)
    b = np.sqrt(1.0 - m)
    total = 0.5 * m  # sum over n of 2^(n-1) c_n^2, c_0^2 = m
    power = 0.5
    t = np.empty_like(m)
    for _ in range(40):
        np.subtract(a, b, out=t)
        t *= 0.5  # c_(n+1)
        c_max = float(np.abs(t).max(initial=0.0))
        np.multiply(t, t, out=t)
        power *= 2.0
        t *= power
        total += t
        np.multiply(a, b, out=t)
        a += b
        a *= 0.5
        np.sqrt(t, out=b)
        if c_max <= 4e-16:  # a and b agree to their last bits: c stays at rounding level from here
            break
    K = np.pi / (2.0 * a)
    return K, K * (1.0 - total)


def _loop_field(rho: np.ndarray, z: np.ndarray, radius: np.ndarray) -> np.ndarray:
    s = radius * radius + rho * rho + z * z
    alpha2, beta2 = s - 2.0 * radius * rho, s + 2.0 * radius * rho
    K, E = ellipke(1.0 - alpha2 / beta2)
    return MU0 / (2.0 * np.pi * alpha2 * np.sqrt(beta2)) * ((radius * radius - rho * rho - z * z) * E + alpha2 * K)


def loop_field_z(rho: ArrayLike, z: ArrayLike, radius: ArrayLike) -> np.ndarray:
    """B_z in T per A of a circular current loop of ``radius`` (m) in the plane z = 0, centred on the
    z axis, at cylindrical coordinates (``rho``, ``z``) in m (Simpson et al., NASA/TM-2013-217919); the
    three broadcast. Finite everywhere except on the wire itself (rho = radius, z = 0)."""
    rho, z, radius = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (rho, z, radius)))
    shape = rho.shape
    rho, z, radius = rho.ravel(), z.ravel(), radius.ravel()
    out = np.empty(rho.size)
    for s in range(0, rho.size, CHUNK):
        out[s:s + CHUNK] = _loop_field(rho[s:s + CHUNK], z[s:s + CHUNK], radius[s:s + CHUNK])
    return out.reshape(shape)


def midplane_flux(positions: np.ndarray, moment: float, radius: float, height: float) -> float:
    """Flux in Wb through the disc of ``radius`` at z = ``height`` of dipoles ``moment`` (A m^2, along z)
    at ``positions`` (N, 3): the sum of m B_loop,z over the dipoles."""
    rho = np.hypot(positions[:, 0], positions[:, 1])
    return moment * float(loop_field_z(rho, positions[:, 2] - height, radius).sum())


def centre_field(positions: np.ndarray, moment: float) -> float:
    """B_z in T at the origin from every dipole at ``positions`` except one at the origin (the Lorentz sum)."""
    r2 = np.einsum("ij,ij->i", positions, positions)
    off = r2 > 0
    r2, z = r2[off], positions[off, 2]
    return float(MU0 * moment / (4.0 * np.pi) * ((3.0 * z * z - r2) / r2**2.5).sum())


# -- sums over columns ---------------------------------------------------------------------------------

def disc_flux(cols: Columns, n: int, disc_radius: ArrayLike, height: float) -> np.ndarray:
    """Flux in Wb through the disc of ``disc_radius`` (m; an array gives one flux each) at z = ``height``
    (m) of the first ``n`` columns' dipoles (an atom exactly on the rim has no finite flux)."""
    radii = np.atleast_1d(np.asarray(disc_radius, dtype=float))
    rho, dz, count = cols.rho[:n], cols.z[:n] - height, cols.count[:n].astype(float)
    return np.array([cols.lattice.moment * float(count @ loop_field_z(rho, dz, a)) for a in radii])


def axis_field(cols: Columns, n: int, Z: float) -> float:
    """B_z in T at (0, 0, ``Z``) (m) from the first ``n`` columns' dipoles, ``Z`` outside every atom."""
    dz = Z - cols.z[:n]
    d2 = cols.rho[:n] ** 2 + dz * dz
    return float(MU0 * cols.lattice.moment / (4 * np.pi) * np.dot(cols.count[:n], (3 * dz * dz - d2) / d2**2.5))


def centre_terms(cols: Columns) -> np.ndarray:
    """Each column's B_z at the centre atom per atom, in units of mu0 Ms (0 for the centre atom itself):
    (3 z^2 - r^2) / (4 pi n r^5), with n m = Ms."""
    r2 = cols.rho**2 + cols.z**2
    out = np.zeros_like(r2)
    off = r2 > 0
    n = 1.0 / (cols.lattice.moment / _Ms(cols.lattice))
    out[off] = (3 * cols.z[off] ** 2 - r2[off]) / r2[off] ** 2.5 / (4 * np.pi * n)
    return out


def _Ms(lat: Lattice) -> float:
    from nanoflux.materials import get_material

    return get_material(lat.material).Ms_A_per_m


def lorentz_sum(cols: Columns, n: int | None = None) -> float:
    """The field at the centre atom from the other atoms of the first ``n`` columns (all by default), in
    units of mu0 Ms: zero for a cubic lattice by symmetry, not for hcp."""
    n = len(cols.rho) if n is None else n
    return float(np.dot(cols.count[:n], centre_terms(cols)[:n]))


class BallIntervals(NamedTuple):
    """The field averaged over a ball of radius rho about the centre atom, between consecutive shells:
    on [lo, hi) it is A / rho^3 + C in units of (2/3) mu0 Ms (A in m^3), strictly decreasing, so its
    largest value is the one at lo (``top``) and its smallest the limit at hi (``bottom``)."""

    lo: np.ndarray
    hi: np.ndarray
    A: np.ndarray
    C: np.ndarray

    @property
    def top(self) -> np.ndarray:
        """The average at each interval's start (the ball closed: atoms on its sphere count inside)."""
        with np.errstate(divide="ignore"):
            return np.where(self.lo > 0, self.A / np.where(self.lo > 0, self.lo, 1.0) ** 3 + self.C, np.inf)

    @property
    def bottom(self) -> np.ndarray:
        """The average's limit at each interval's end."""
        return self.A / self.hi**3 + self.C

    def at(self, rho: ArrayLike) -> np.ndarray:
        """The average at radii ``rho`` (m) within the intervals."""
        rho = np.asarray(rho, dtype=float)
        j = np.searchsorted(self.lo, rho, side="right") - 1
        return self.A[j] / rho**3 + self.C[j]


def ball_intervals(cols: Columns, rho_max: float) -> BallIntervals:
    """The ball average about the centre atom, interval by interval up to ``rho_max`` (m): the atoms inside
    (shells 0..s on [r_s, r_(s+1))) give N_s / (n V(rho)), those outside their field at the centre."""
    n = get_density(cols.lattice)
    shell_field = 1.5 * np.add.reduceat(centre_terms(cols) * cols.count, cols.shell_start)
    outside = shell_field.sum() - np.cumsum(shell_field)
    r = cols.shell_r
    K = int(np.searchsorted(r, rho_max, side="left"))
    lo = r[:K].copy()
    hi = np.minimum(np.r_[r[1:K], rho_max], rho_max)
    return BallIntervals(lo, hi, cols.atoms_within[:K] / (n * 4.0 / 3.0 * np.pi), outside[:K])


def get_density(lat: Lattice) -> float:
    """The lattice's atomic density n = Ms / m in m^-3 (its preset's)."""
    return _Ms(lat) / lat.moment


def shell_quadrupole_sums(cols: Columns) -> np.ndarray:
    """Per shell, the sum of (3 z^2 - r^2) over its atoms: exactly zero for a shell closed under the cubic
    point group (z^2 averages to r^2 / 3 over the permutations of x, y, z). In integers, in units of the
    columns' grid, for the cubic lattices (int64); in m^2 otherwise (float)."""
    if cols.lattice.structure in ("bcc", "fcc"):  # 3 z^2 - r^2 = 2 k^2 - P in units (a/2)^2
        return np.add.reduceat((2 * cols.k * cols.k - cols.P) * cols.count, cols.shell_start)
    return np.add.reduceat((3 * cols.z**2 - cols.rho**2 - cols.z**2) * cols.count, cols.shell_start)


def axis_coefficients(cols: Columns, lmax: int = 64) -> np.ndarray:
    """Coefficients c[s, j] such that between shells s and s+1 (r_s <= R < r_(s+1)) the field of the
    atoms within r_s on the axis at 2R, over the point dipole of their total moment, is
    sum_j c[s, j] u^(2j), u = r_s / (2R) <= 1/2 (even multipoles only: the sphere is symmetric under
    z -> -z). From the axial multipoles Q_l = sum r^l P_l(cos theta): c = (l+1)(l+2)/2 Q_l / (N r_s^l).
    The terms beyond ``lmax`` (even) add less than lmax^2 2^-lmax (3e-15 at 64)."""
    r = np.sqrt(cols.rho**2 + cols.z**2)
    scale = float(r.max()) or 1.0
    ct = np.divide(cols.z, r, out=np.ones_like(r), where=r > 0)
    x = r / scale
    w = cols.count.astype(float)
    p_prev, p = np.ones_like(ct), ct.copy()
    power = np.ones_like(x)
    shell_r = cols.shell_r / scale
    out = np.empty((len(cols.shell_start), lmax // 2 + 1))
    N = cols.atoms_within.astype(float)
    out[:, 0] = 1.0
    for order in range(1, lmax + 1):
        power *= x
        if order > 1:
            p_prev, p = p, ((2 * order - 1) * ct * p - (order - 1) * p_prev) / order
        if order % 2:
            continue
        T = np.cumsum(np.add.reduceat(w * power * p, cols.shell_start))
        with np.errstate(divide="ignore", invalid="ignore"):
            out[:, order // 2] = np.where(shell_r > 0, (order + 1) * (order + 2) / 2.0 * T / shell_r**order / N, 0.0)
    return out


def lorentz_limit(lat: Lattice, alpha_a: float = 2.0, cells: int = 8) -> float:
    """The Lorentz sum at an atom of an infinite sphere of the lattice, in units of mu0 Ms, by Ewald
    summation: T_zz with tin-foil boundary conditions minus the sphere's (4 pi / 3) n, over 4 pi n.
    ``alpha_a``: the Ewald parameter in units of 1/a; ``cells``: terms to +-cells in each direction of
    the real and reciprocal sums (independent of alpha_a to round-off at the defaults)."""
    A = lat.vectors
    basis = lat.basis @ A
    alpha = alpha_a / lat.a
    volume = abs(float(np.linalg.det(A)))
    n = len(basis) / volume
    span = np.arange(-cells, cells + 1)
    grid = np.stack(np.meshgrid(span, span, span, indexing="ij"), -1).reshape(-1, 3)
    real = 0.0
    erfc = np.vectorize(math.erfc)
    for b in basis:
        r = grid @ A + b
        r2 = np.einsum("ij,ij->i", r, r)
        r, r2 = r[r2 > 0], r2[r2 > 0]
        d = np.sqrt(r2)
        c2 = r[:, 2] ** 2 / r2
        g = np.exp(-alpha * alpha * r2)
        e = erfc(alpha * d)
        first = -e / r2 - 2 * alpha / math.sqrt(math.pi) * g / d
        second = 2 * e / (r2 * d) + 2 * alpha / math.sqrt(math.pi) * g * (2 / r2 + 2 * alpha * alpha)
        real += float(np.sum(second * c2 + first / d * (1 - c2)))
    G = grid @ (2 * np.pi * np.linalg.inv(A).T)
    G2 = np.einsum("ij,ij->i", G, G)
    G, G2 = G[G2 > 0], G2[G2 > 0]
    structure = np.cos(G @ basis.T).sum(1)
    reciprocal = -4 * np.pi / volume * float(np.sum(G[:, 2] ** 2 / G2 * np.exp(-G2 / (4 * alpha**2)) * structure))
    tinfoil = real + reciprocal + 4 * alpha**3 / (3 * math.sqrt(math.pi))
    return (tinfoil - 4 * np.pi / 3 * n) / (4 * np.pi * n)
