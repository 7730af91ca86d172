"""The claims ledger: every number the paper prints, held once as data, and its recomputation.

A claim agrees when the recomputed value rounds to the printed one at the printed
precision: |recomputed - printed| <= half a unit in the last printed place.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .constants import PAPER_DENSITY_PER_M3, PAPER_TABLE_ONE_DECIMALS, PAPER_TABLE_ONE_NM
from .flux import critical_radius
from .meanfield import critical_radius_mean_field


def power_law_exponent(x, y) -> float:
    """Slope of log y against log x by least squares (the exponent of y ~ x^k)."""
    slope, _ = np.polyfit(np.log(x), np.log(y), 1)
    return float(slope)


def flux_exponent(B_range_tesla=(0.01, 1.0), convention: str = "h/2e") -> float:
    """Fitted exponent of r_c(B) (Eq. 4) over a log grid of 41 fields in the range; -1/2 in theory."""
    B = np.geomspace(*B_range_tesla, 41)
    return power_law_exponent(B, critical_radius(B, convention))


def mean_field_exponent(N_range=(1, 10000), n=None) -> float:
    """Fitted exponent of the mean-field r_c(N) over whole N spread log-evenly in the range; 1/3 in theory."""
    N = np.unique(np.round(np.geomspace(*N_range, 41)))
    return power_law_exponent(N, critical_radius_mean_field(N, n))


@dataclass(frozen=True)
class Claim:
    """A number the paper prints: its value, unit, precision and where it stands."""

    key: str
    statement: str
    printed: float
    printed_text: str
    unit: str
    decimals: int
    where: str
    recompute: Callable[[], float]

    @property
    def tolerance(self) -> float:
        """Half a unit in the last printed place."""
        return 0.5 * 10.0 ** -self.decimals


def _table_claim(N: int) -> Claim:
    printed = PAPER_TABLE_ONE_NM[N]
    decimals = PAPER_TABLE_ONE_DECIMALS[N]
    return Claim(
        key=f"table1_N{N}",
        statement=f"mean-field radius for N = {N} at n = 1e23 m^-3",
        printed=printed, printed_text=f"{printed:.{decimals}f}", unit="nm", decimals=decimals,
        where="Table I",
        recompute=lambda: critical_radius_mean_field(N, PAPER_DENSITY_PER_M3) * 1e9,
    )


CLAIMS: tuple[Claim, ...] = (
    Claim("flux_radius_1T", "flux-quantum critical radius at B = 1 T (Phi0 = h/2e)",
          25.7, "25.7", "nm", 1, "abstract; Eq. 4; discussion",
          lambda: critical_radius(1.0) * 1e9),
    Claim("one_dipole_radius", "radius of a sphere holding one dipole at n = 1e23 m^-3",
          13.4, "13.4", "nm", 1, "mean-field section, before Table I",
          lambda: critical_radius_mean_field(1, PAPER_DENSITY_PER_M3) * 1e9),
    *(_table_claim(N) for N in PAPER_TABLE_ONE_NM),
    Claim("flux_exponent", "r_c from flux quantization scales as B^(-1/2) (fit over 0.01-1 T)",
          -0.5, "-1/2", "", 6, "inverse square-root law after Eq. 4; Figure 2 (blue)",
          flux_exponent),
    Claim("mean_field_exponent", "r_c from the mean-field model scales as N^(1/3) (fit over N = 1-1e4)",
          1 / 3, "1/3", "", 6, "cube-root law after Table I; Figure 2 (red)",
          mean_field_exponent),
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
        return abs(self.difference) <= self.claim.tolerance + 1e-12


def check_claims(claims=CLAIMS) -> list[ClaimResult]:
    """Recompute every claim; one :class:`ClaimResult` each."""
    return [ClaimResult(c, float(c.recompute())) for c in claims]
