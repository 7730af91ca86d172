"""Flux quantization: the paper's Eqs. 2, 3 and 4 and their inverses.

All inputs and outputs are SI: B in T, lengths in m, areas in m^2, flux in Wb.
Every function accepts scalars or numpy arrays and broadcasts; a scalar input
gives a Python float.
"""
from __future__ import annotations

import functools
from fractions import Fraction

import numpy as np
from numpy.typing import ArrayLike

from nanoflux import validate as v
from nanoflux.constants import ELEMENTARY_CHARGE, PLANCK
from nanoflux.formatting import between, rounded
from nanoflux.materials import preset_value

#: Flux-quantum conventions: the charge (in units of e) of the carrier that quantizes flux.
#: "h/2e" is the superconducting flux quantum used by the paper (Eq. 2); "h/e" the single-electron one.
CONVENTIONS = {"h/2e": 2, "h/e": 1}

DEFAULT_CONVENTION = "h/2e"


def flux_quantum(convention: str = DEFAULT_CONVENTION) -> float:
    """Magnetic flux quantum in Wb: Phi0 = h / 2e (the paper's Eq. 2) or h / e.

    ``convention`` is ``"h/2e"`` (default, 2.067833848e-15 Wb) or ``"h/e"``.
    """
    v.choice(convention, "convention", CONVENTIONS)
    return PLANCK.value / (CONVENTIONS[convention] * ELEMENTARY_CHARGE.value)


def _field(B, material) -> np.ndarray:
    """Resolve B from a number or a material preset (its mu0 Ms)."""
    return preset_value(B, material, "B", "T", lambda preset: preset.mu0Ms_tesla)


def critical_area(B: ArrayLike | None = None, convention: str = DEFAULT_CONVENTION, *,
                  material: str | None = None) -> float | np.ndarray:
    """Minimum cross-section holding one flux quantum, A = Phi0 / B in m^2 (the paper's Eq. 3).

    ``B`` is the uniform internal flux density in T (> 0); ``material`` ("Fe", "Co",
    "Ni", "Fe3O4") uses that material's mu0 Ms instead. A result beyond float64 is a ValueError.
    """
    B = _field(B, material)
    phi0 = flux_quantum(convention)
    with np.errstate(all="ignore"):
        area = phi0 / B
    return v.scalar_or_array(v.in_float_range(
        area, "A = Phi0 / B", f"B must be {between(max(phi0 / v.HUGE, v.TINY), phi0 / v.TINY)} T", B=B))


def critical_radius(B: ArrayLike | None = None, convention: str = DEFAULT_CONVENTION, *,
                    material: str | None = None) -> float | np.ndarray:
    """Flux-quantum critical radius r_c = sqrt(Phi0 / (pi B)) in m (the paper's Eq. 4).

    Circular cross-section of area Phi0 / B. 25.656 nm at B = 1 T with h/2e;
    r_c scales as B^(-1/2). ``material`` uses that preset's mu0 Ms as B.
    """
    B = _field(B, material)
    phi0 = flux_quantum(convention)
    with np.errstate(all="ignore"):
        pi_B = np.pi * B
        squared = phi0 / pi_B
    lo = max(v.TINY / np.pi, phi0 / np.pi / v.HUGE)  # pi B itself must not underflow
    v.steps_in_float_range({"r_c^2 = Phi0 / (pi B)": squared, "pi B": pi_B},
                           f"B must be {between(lo, phi0 / np.pi / v.TINY)} T", B=B)
    return v.scalar_or_array(np.sqrt(squared))


def field_for_radius(radius: ArrayLike, convention: str = DEFAULT_CONVENTION) -> float | np.ndarray:
    """Inverse of Eq. 4: the flux density B = Phi0 / (pi r^2) in T at which ``radius`` (m) is critical."""
    r = v.positive_finite(radius, "radius", "m")
    phi0 = flux_quantum(convention)
    with np.errstate(all="ignore"):
        r2 = r**2
        B = phi0 / (np.pi * r2)
    lo = max(np.sqrt(phi0 / np.pi / v.HUGE), np.sqrt(v.TINY))  # and r^2 itself must not underflow
    return v.scalar_or_array(v.steps_in_float_range(
        {"B = Phi0 / (pi r^2)": B, "r^2": r2},
        f"radius must be {between(lo, np.sqrt(phi0 / np.pi / v.TINY))} m", radius=r))


def flux_quanta(B: ArrayLike, radius: ArrayLike, convention: str = DEFAULT_CONVENTION) -> float | np.ndarray:
    """Number of flux quanta B pi r^2 / Phi0 through a disc of ``radius`` (m) at ``B`` (T).

    Not rounded: Figure 1 draws ``floor`` of this many flux lines. Broadcasts B against radius.
    """
    B, r = v.broadcast(B=v.positive_finite(B, "B", "T"), radius=v.positive_finite(radius, "radius", "m"))
    phi0 = flux_quantum(convention)
    with np.errstate(all="ignore"):
        pi_B, r2 = B * np.pi, r**2
        flux = pi_B * r2
        quanta = flux / phi0
    allowed = (f"B r^2 must be {between(v.TINY / np.pi, v.HUGE * phi0 / np.pi)} T m^2, with B "
               f"{between(v.TINY / np.pi, v.HUGE / np.pi)} T and radius {between(np.sqrt(v.TINY), np.sqrt(v.HUGE))} m")
    return v.scalar_or_array(v.steps_in_float_range(
        {"B pi r^2 / Phi0": quanta, "pi B": pi_B, "r^2": r2, "B pi r^2": flux}, allowed, B=B, radius=r))


#: A count this close below a whole number (in quanta, absolute) is that number: a radius computed as
#: critical_radius(B), or k times it, lands a few 1e-16 of the count below it (for counts up to about 10^6).
_SLACK = Fraction(1, 10**9)
#: The largest count returned: an int64 holds it.
_MAX_COUNT = 2**63 - 1


@functools.cache
def _pi_bounds(digits: int) -> tuple[Fraction, Fraction]:
    """Rationals lo < pi < hi, ``digits`` decimal places apart (Machin's formula in integer arithmetic)."""
    scale = 10 ** (digits + 10)

    def arctan_inverse(x: int) -> int:  # arctan(1/x) * scale, each term truncated (error < 1 a term)
        total = term = scale // x
        n, sign = 1, -1
        while term:
            term //= x * x
            total += sign * (term // (2 * n + 1))
            n, sign = n + 1, -sign
        return total

    pi = 16 * arctan_inverse(5) - 4 * arctan_inverse(239)
    margin = 20 * (digits + 20)  # above the truncations of both series, times their factors
    return Fraction(pi - margin, scale), Fraction(pi + margin, scale)


def _at_least(q: Fraction, k: int) -> bool:
    """Exactly whether q pi >= k - _SLACK, for a rational q > 0 and a whole k."""
    if k <= 0:
        return True
    for digits in (40, 200, 1000, 5000):
        lo, hi = _pi_bounds(digits)
        if q * lo >= k - _SLACK:
            return True
        if q * hi < k - _SLACK:
            return False
    raise v.InputError(f"q pi = {k} cannot be decided within 5000 digits of pi; got q = {float(q)!r}")


def _exact_count(B: float, r: float, phi0: Fraction) -> int:
    """floor(B pi r^2 / Phi0 + 1e-9) exactly, for the floats B and r (see :func:`whole_flux_quanta`)."""
    q = Fraction(B) * Fraction(r) ** 2 / phi0  # the count is q pi
    k = int(q * _pi_bounds(40 + 10 * (len(str(int(q))) // 10 + 1))[0])  # within one of the count
    while _at_least(q, k + 1):
        k += 1
    while k > 0 and not _at_least(q, k):
        k -= 1
    return k


def whole_flux_quanta(B: ArrayLike, radius: ArrayLike, convention: str = DEFAULT_CONVENTION) -> int | np.ndarray:
    """Whole flux quanta floor(B pi r^2 / Phi0) through a disc: the flux lines Figure 1 draws.

    Exact: wherever B pi r^2 / Phi0 lies near a whole number (or beyond 2^52, where a float64 holds no
    fraction), the count is decided in rational arithmetic from the floats B and r, the exact SI values of h
    and e and as many digits of pi as it takes. One allowance, absolute and documented: a count within 1e-9 of
    a quantum below a whole number is that number, so that a particle of the critical radius of Eq. 4,
    ``critical_radius(B)`` (whose rounding leaves it a few 1e-16 of a quantum short), holds one quantum, and
    k times it holds k^2 up to counts of about 10^6. Returns int or an int64 array; a count beyond 2**63 - 1
    is an InputError.
    """
    x = np.asarray(flux_quanta(B, radius, convention))
    q = np.asarray(np.floor(x))
    near = (x >= 0.5) & ((np.abs(x - np.round(x)) <= 1e-8 + 1e-12 * x) | (x >= 2.0**52))
    counts = q.astype(object)
    if near.any():
        Bs, rs = v.broadcast(B=v.as_real_array(B, "B"), radius=v.as_real_array(radius, "radius"))
        charge = Fraction(repr(ELEMENTARY_CHARGE.value)) * CONVENTIONS[convention]
        phi0 = Fraction(repr(PLANCK.value)) / charge  # exact SI 2019 values
        for i in zip(*np.nonzero(near)) if x.ndim else [()]:
            counts[i] = _exact_count(float(Bs[i]), float(rs[i]), phi0)
    over = np.vectorize(lambda c: int(c) > _MAX_COUNT, otypes=[bool])(counts)
    if over.any():
        B, r = v.broadcast(B=v.as_real_array(B, "B"), radius=v.as_real_array(radius, "radius"))
        i = tuple(np.argwhere(over)[0]) if over.ndim else ()
        most = rounded(_MAX_COUNT * flux_quantum(convention) / np.pi, up=False)
        raise v.InputError(f"whole flux quanta must fit a 64-bit integer (at most 2**63 - 1 = {float(_MAX_COUNT):.4g}, "
                           f"so B r^2 at most {most} T m^2); got {float(counts[i]):.4g} for B = {B[i]:.4g} T "
                           f"and radius = {r[i]:.4g} m")
    return int(counts) if x.ndim == 0 else counts.astype(np.int64)


def magnetic_length(B: ArrayLike) -> float | np.ndarray:
    """The magnetic length l_B = sqrt(hbar / (e B)) in m at ``B`` in T: the radius of the cyclotron orbit
    of the lowest Landau level, a disc of area 2 pi l_B^2 threading one h/e.

    With h/2e, the paper's Eq. 4 gives exactly this length: sqrt(Phi0 / (pi B)) = sqrt(h / (2 pi e B)).
    """
    B = v.positive_finite(B, "B", "T")
    hbar = PLANCK.value / (2.0 * np.pi)
    with np.errstate(all="ignore"):
        squared = hbar / (ELEMENTARY_CHARGE.value * B)
    v.in_float_range(squared, "l_B^2 = hbar / (e B)", "B must be between 1e-290 and 1e290 T", B=B)
    return v.scalar_or_array(np.sqrt(squared))
