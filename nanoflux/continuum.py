"""From atoms to the continuum: when does a crystal of point moments look like uniform magnetization?

The exact sums behind notebook 08 (the study itself is :mod:`nanoflux.studies.atoms_to_continuum`): a sphere
cut from a crystal lattice (nanoflux.lattice), every atom a point dipole m = Ms / n along z, against the
continuum it should approach, a uniformly magnetized sphere with internal field (2/3) mu0 Ms and, outside,
the field of a point dipole of the total moment. Every sum here is exact and O(N) (no cut-off, no tree
code), so six million atoms take about a second:

- flux through the mid-plane disc (the plane halfway between two atomic layers): by reciprocity the
  flux of a dipole m through a circle is m . B_loop, the field of a unit current on that circle at the
  dipole, from complete elliptic integrals (computed by the arithmetic-geometric mean);
- the field at a point outside, by direct summation (nanoflux.dipoles.dipole_field);
- the field at the atom at the centre from all the others (the Lorentz sum);
- the field averaged over a ball of radius rho around the centre, for every rho at once: an atom
  inside adds its Amperian (2/3) mu0 m / V (notebook 05's contact term), an atom outside its field
  at the centre (the mean-value property of a field that is harmonic in the ball).

SI units: m, A m^2, T, Wb.
"""
from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from nanoflux.constants import VACUUM_PERMEABILITY

MU0 = VACUUM_PERMEABILITY.value


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


def loop_field_z(rho: ArrayLike, z: ArrayLike, radius: float) -> np.ndarray:
    """B_z in T per A of a circular current loop of ``radius`` (m) in the plane z = 0, centred on the
    z axis, at cylindrical coordinates (``rho``, ``z``) in m (Simpson et al., NASA/TM-2013-217919)."""
    rho, z = np.asarray(rho, dtype=float), np.asarray(z, dtype=float)
    s = radius * radius + rho * rho + z * z
    alpha2, beta2 = s - 2.0 * radius * rho, s + 2.0 * radius * rho
    K, E = ellipke(1.0 - alpha2 / beta2)
    return MU0 / (2.0 * np.pi * alpha2 * np.sqrt(beta2)) * ((radius * radius - rho * rho - z * z) * E + alpha2 * K)


def midplane_flux(positions: np.ndarray, moment: float, radius: float, height: float) -> float:
    """Flux in Wb through the disc of ``radius`` at z = ``height`` of dipoles ``moment`` (A m^2, along z)
    at ``positions`` (N, 3): the sum of m B_loop,z over the dipoles, in chunks."""
    total = 0.0
    for p in np.array_split(positions, max(1, len(positions) // 500_000)):
        rho = np.hypot(p[:, 0], p[:, 1])
        total += float(loop_field_z(rho, p[:, 2] - height, radius).sum())
    return moment * total


def centre_field(positions: np.ndarray, moment: float) -> float:
    """B_z in T at the origin from every dipole at ``positions`` except one at the origin (the Lorentz sum)."""
    r2 = np.einsum("ij,ij->i", positions, positions)
    off = r2 > 0
    r2, z = r2[off], positions[off, 2]
    return float(MU0 * moment / (4.0 * np.pi) * ((3.0 * z * z - r2) / r2**2.5).sum())
