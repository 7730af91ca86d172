"""The claims ledger: every number the paper prints, held once as data, and its recomputation.

The printed values and the rule for agreement live in :mod:`nanoflux.paper`; a claim adds what the number
states and how this package recomputes it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from nanoflux import paper
from nanoflux import validate as v
from nanoflux.flux import critical_radius
from nanoflux.meanfield import critical_radius_mean_field
from nanoflux.paper import Printed


def _samples(value, name: str, unit: str) -> np.ndarray:
    """A one-dimensional sequence of at least two positive finite numbers."""
    arr = v.positive_finite(value, name, unit)
    if arr.ndim != 1 or arr.size < 2:
        raise v.InputError(f"{name} must be a sequence of at least two positive numbers, in {unit}; got {v.shown(arr)}")
    return arr


def power_law_exponent(x: ArrayLike, y: ArrayLike) -> float:
    """Slope of log y against log x by least squares (the exponent of y ~ x^k).

    ``x`` and ``y``: equally long sequences of positive finite numbers, ``x`` holding at least two different
    values (a power law needs positive values, and a slope two abscissae).
    """
    xs, ys = _samples(x, "x", "one unit throughout"), _samples(y, "y", "one unit throughout")
    if xs.shape != ys.shape:
        raise v.InputError(f"x and y must be equally long; got {xs.size} and {ys.size} values")
    if np.ptp(np.log(xs)) == 0:
        raise v.InputError(f"x must hold at least two different values for a slope; got {v.shown(xs)}")
    slope, _ = np.polyfit(np.log(xs), np.log(ys), 1)
    return float(slope)


def _range(value, name: str, unit: str) -> tuple[float, float]:
    """[low, high] with 0 < low < high, both finite."""
    arr = _samples(value, name, unit)
    if arr.size != 2 or not arr[0] < arr[1]:
        raise v.InputError(f"{name} must be [low, high] with 0 < low < high, in {unit}; got {v.shown(arr)}")
    return float(arr[0]), float(arr[1])


def flux_exponent(B_range_tesla: tuple[float, float] = (0.01, 1.0), convention: str = "h/2e") -> float:
    """Fitted exponent of r_c(B) (Eq. 4) over a log grid of 41 fields in the range; -1/2 in theory."""
    B = np.geomspace(*_range(B_range_tesla, "B_range_tesla", "T"), 41)
    return power_law_exponent(B, critical_radius(B, convention))


def mean_field_exponent(N_range: tuple[int, int] = (1, 10000), n: float | None = None) -> float:
    """Fitted exponent of the mean-field r_c(N) over whole N spread log-evenly in the range; 1/3 in theory.

    ``N_range``: [low, high], whole numbers with 1 <= low < high."""
    low, high = _range(v.whole_number_at_least_one(N_range, "N_range"), "N_range", "dipoles")
    N = np.unique(np.round(np.geomspace(low, high, 41)))
    return power_law_exponent(N, critical_radius_mean_field(N, n))


@dataclass(frozen=True)
class Claim:
    """A number the paper prints (a :class:`nanoflux.paper.Printed`), what it states, and how to recompute it."""

    key: str
    statement: str
    source: Printed
    recompute: Callable[[], float]

    @property
    def printed(self) -> float:
        return self.source.value

    @property
    def printed_text(self) -> str:
        return self.source.text

    @property
    def unit(self) -> str:
        return self.source.unit

    @property
    def decimals(self) -> int:
        return self.source.decimals

    @property
    def where(self) -> str:
        return self.source.where

    @property
    def tolerance(self) -> float:
        """Half a unit in the last printed place."""
        return self.source.tolerance


def _table_claim(N: int) -> Claim:
    return Claim(f"table1_N{N}", f"mean-field radius for N = {N} at n = 1e23 m^-3", paper.TABLE_ONE[N],
                 lambda: float(critical_radius_mean_field(N, paper.DENSITY_PER_M3)) * 1e9)


CLAIMS: tuple[Claim, ...] = (
    Claim("flux_radius_1T", "flux-quantum critical radius at B = 1 T (Phi0 = h/2e)", paper.FLUX_RADIUS,
          lambda: float(critical_radius(paper.FIELD_TESLA, paper.CONVENTION)) * 1e9),
    Claim("one_dipole_radius", "radius of a sphere holding one dipole at n = 1e23 m^-3", paper.ONE_DIPOLE_RADIUS,
          lambda: float(critical_radius_mean_field(1, paper.DENSITY_PER_M3)) * 1e9),
    *(_table_claim(N) for N in paper.TABLE_ONE_N),
    Claim("flux_exponent", "r_c from flux quantization scales as B^(-1/2) (fit over 0.01-1 T)", paper.FLUX_EXPONENT,
          flux_exponent),
    Claim("mean_field_exponent", "r_c from the mean-field model scales as N^(1/3) (fit over N = 1-1e4)",
          paper.MEAN_FIELD_EXPONENT, mean_field_exponent),
)
"""Every printed claim, in the order the ledger shows them. Exponents are checked to 6 decimals."""


@dataclass(frozen=True)
class ClaimResult:
    """A claim with its recomputed value and whether they agree at the printed precision."""

    claim: Claim
    recomputed: float

    @property
    def difference(self) -> float:
        return self.recomputed - self.claim.printed

    @property
    def agrees(self) -> bool:
        return self.claim.source.agrees(self.recomputed)


def check_claims(claims: Iterable[Claim] = CLAIMS) -> list[ClaimResult]:
    """Recompute every claim; one :class:`ClaimResult` each. ``claims``: a sequence of :class:`Claim`."""
    if isinstance(claims, (str, bytes, Claim)) or not hasattr(claims, "__iter__"):
        raise v.InputTypeError(f"claims must be a sequence of nanoflux.claims.Claim; got {v.shown(claims)[:80]}")
    claims = list(claims)
    for i, claim in enumerate(claims):
        if not isinstance(claim, Claim):
            raise v.InputTypeError(f"claims must be a sequence of nanoflux.claims.Claim; got claims[{i}] = "
                                   f"{v.shown(claim)[:80]} of type {type(claim).__name__}")
    return [ClaimResult(c, float(c.recompute())) for c in claims]
