"""The critical sizes of nanomagnetism, for a sphere of a material with exchange stiffness A, anisotropy K1
and saturation magnetization Ms (notebook 10; the constants: nanoflux.materials.MICROMAGNETICS).

SI units throughout: A in J/m, K in J/m^3, Ms in A/m, lengths in m, T in K, times in s. Every function
broadcasts over its array arguments.

- exchange length l_ex = sqrt(A / (mu0 Ms^2)) (the convention of J. M. D. Coey, Magnetism and Magnetic
  Materials (CUP 2010); micromagnetic codes often use sqrt(2A / (mu0 Ms^2)), sqrt 2 larger);
- coherent-rotation radius of a sphere, sqrt(6) q l_ex = 5.099 l_ex with q = 2.0816 the first zero of the
  derivative of the spherical Bessel function j1 (E. H. Frei, S. Shtrikman and D. Treves, Phys. Rev. 106,
  446 (1957); A. Aharoni, Introduction to the Theory of Ferromagnetism, 2nd ed. (OUP 2000)): below it a
  sphere reverses by coherent rotation, above it by curling;
- single-domain radius 36 sqrt(A K) / (mu0 Ms^2) (Coey 2010): a uniformly magnetized sphere against two
  domains with a Bloch wall between them; meaningful only when the wall is thin, kappa = sqrt(K / (mu0 Ms^2))
  of order one or more;
- superparamagnetic radius (3 ln(tau / tau0) k_B T / (4 pi K_eff))^(1/3): the sphere whose Neel-Brown
  relaxation time tau0 exp(K_eff V / k_B T) equals the measurement time tau (L. Neel, Ann. Geophys. 5, 99
  (1949); W. F. Brown Jr., Phys. Rev. 130, 1677 (1963)), with K_eff the barrier per volume between easy
  directions (:func:`barrier_density`);
- the radius of a sphere of N atoms, for the atom-to-bulk crossover of cluster moments (I. M. L. Billas,
  A. Chatelain and W. A. de Heer, Science 265, 1682 (1994): atom-like below about 30 atoms, bulk-like by
  about 700).
"""
from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

from nanoflux import validate as v
from nanoflux.constants import BOLTZMANN, VACUUM_PERMEABILITY

MU0 = VACUUM_PERMEABILITY.value
#: The attempt time tau0 of Neel-Brown relaxation in s: 1e-9 s, a usual choice (values from 1e-12 to 1e-9 s
#: are in use; over that range the superparamagnetic radius changes by a factor of at most 1.08).
ATTEMPT_TIME_S = 1e-9
#: Cluster sizes of Billas, Chatelain and de Heer (1994): moments atom-like below, bulk-like above.
ATOM_LIKE_ATOMS, BULK_LIKE_ATOMS = 30, 700


def exchange_length(A: ArrayLike, Ms: ArrayLike, convention: str = "A") -> np.ndarray:
    """l_ex in m: sqrt(A / (mu0 Ms^2)) (``convention`` "A", Coey's), or sqrt(2A / (mu0 Ms^2)) ("2A")."""
    factor = {"A": 1.0, "2A": 2.0}[v.choice(convention, "convention", ("A", "2A"))]
    return np.sqrt(factor * np.asarray(A, dtype=float) / (MU0 * np.asarray(Ms, dtype=float) ** 2))


def curling_eigenvalue() -> float:
    """q = 2.08158: the smallest positive zero of j1'(x), j1 the spherical Bessel function of order 1
    (j1'(x) = sin x / x + 2 cos x / x^2 - 2 sin x / x^3), by bisection."""
    def f(x):
        return math.sin(x) / x + 2 * math.cos(x) / x**2 - 2 * math.sin(x) / x**3
    lo, hi = 1.5, 2.5
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if (f(mid) > 0) == (f(lo) > 0):
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


#: The curling eigenvalue of a sphere.
CURLING_Q = curling_eigenvalue()


def coherent_radius(A: ArrayLike, Ms: ArrayLike) -> np.ndarray:
    """The largest radius (m) of a sphere that reverses by coherent rotation rather than curling,
    sqrt(6) q l_ex = 5.099 l_ex: where the curling nucleation field, 2K/(mu0 Ms) - Ms/3 + 2 q^2 A/(mu0 Ms R^2),
    equals the coherent one, 2K/(mu0 Ms), whatever K."""
    return math.sqrt(6.0) * CURLING_Q * exchange_length(A, Ms)


def single_domain_radius(A: ArrayLike, K: ArrayLike, Ms: ArrayLike) -> np.ndarray:
    """Coey's single-domain radius 36 sqrt(A |K|) / (mu0 Ms^2) in m: below it a uniformly magnetized sphere
    (magnetostatic energy mu0 Ms^2 V / 6) beats two domains with a Bloch wall (4 sqrt(A K) per area); |K| for
    K < 0, where it is an order of magnitude only."""
    return 36.0 * np.sqrt(np.asarray(A, dtype=float) * np.abs(K)) / (MU0 * np.asarray(Ms, dtype=float) ** 2)


def wall_width(A: ArrayLike, K: ArrayLike) -> np.ndarray:
    """The Bloch wall's width pi sqrt(A / |K|) in m."""
    return math.pi * np.sqrt(np.asarray(A, dtype=float) / np.abs(K))


def hardness(K: ArrayLike, Ms: ArrayLike) -> np.ndarray:
    """kappa = sqrt(|K| / (mu0 Ms^2)): below about 1 a soft magnet, whose wall is wider than its single-domain
    radius, so that the wall picture behind :func:`single_domain_radius` does not apply."""
    return np.sqrt(np.abs(K) / (MU0 * np.asarray(Ms, dtype=float) ** 2))


def barrier_density(K1: float, symmetry: str) -> float:
    """The energy barrier per volume (J/m^3) between easy directions for coherent rotation, first constant
    only. Uniaxial: K1. Cubic, E = K1 (a1^2 a2^2 + a2^2 a3^2 + a3^2 a1^2) with E<100> = 0, E<110> = K1/4,
    E<111> = K1/3: for K1 > 0 the easy <100> are joined over <110>, barrier K1/4; for K1 < 0 the easy <111>
    over <110>, barrier |K1|/12."""
    v.choice(symmetry, "symmetry", ("cubic", "uniaxial"))
    if symmetry == "uniaxial":
        return abs(K1)
    return K1 / 4.0 if K1 > 0 else abs(K1) / 12.0


def superparamagnetic_radius(K_eff: ArrayLike, T: ArrayLike, tau: float = 100.0,
                             tau0: float = ATTEMPT_TIME_S) -> np.ndarray:
    """The radius (m) of the sphere whose Neel-Brown relaxation time tau0 exp(K_eff V / k_B T) equals the
    measurement time ``tau`` (s) at temperature ``T`` (K): (3 ln(tau / tau0) k_B T / (4 pi K_eff))^(1/3).
    Smaller spheres are superparamagnetic: their moment flips faster than the measurement."""
    volume = math.log(tau / tau0) * BOLTZMANN.value * np.asarray(T, dtype=float) / np.asarray(K_eff, dtype=float)
    return np.cbrt(3.0 * volume / (4.0 * math.pi))


def radius_of_atoms(N: ArrayLike, n_per_m3: float) -> np.ndarray:
    """The radius (m) of a sphere holding ``N`` atoms at density ``n_per_m3``."""
    return np.cbrt(3.0 * np.asarray(N, dtype=float) / (4.0 * math.pi * n_per_m3))
