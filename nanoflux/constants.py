"""Defining physical constants, each stated once with its unit and source.

Derived quantities (the flux quantum, Eq. 2 of the paper) are computed from
these in :mod:`nanoflux.flux`, never typed in.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Constant:
    """A physical constant: symbol, value in SI units, unit, source, exactness."""

    symbol: str
    name: str
    value: float
    unit: str
    source: str
    exact: bool

    def __float__(self) -> float:
        return self.value


#: Planck constant h, exact by definition of the SI since 20 May 2019.
PLANCK = Constant(
    "h", "Planck constant", 6.62607015e-34, "J s",
    "SI Brochure, 9th ed. (BIPM 2019); CODATA 2022", exact=True,
)

#: Elementary charge e, exact by definition of the SI since 20 May 2019.
ELEMENTARY_CHARGE = Constant(
    "e", "elementary charge", 1.602176634e-19, "C",
    "SI Brochure, 9th ed. (BIPM 2019); CODATA 2022", exact=True,
)

#: Vacuum magnetic permeability mu0 (measured, no longer exact since 2019).
VACUUM_PERMEABILITY = Constant(
    "mu0", "vacuum magnetic permeability", 1.25663706127e-6, "N A^-2",
    "CODATA 2022 recommended value (Mohr et al., Rev. Mod. Phys. 97, 025002 (2025))", exact=False,
)

#: Bohr magneton mu_B = e hbar / 2 m_e, the moment of one dipole in the paper's model.
BOHR_MAGNETON = Constant(
    "mu_B", "Bohr magneton", 9.2740100657e-24, "J T^-1",
    "CODATA 2022 recommended value (Mohr et al., Rev. Mod. Phys. 97, 025002 (2025))", exact=False,
)

#: The paper's number density of magnetic dipoles, n = 1e23 m^-3 (text before Table I).
PAPER_DENSITY_PER_M3 = 1e23

#: The paper's dipole counts in Table I.
PAPER_TABLE_ONE_N = (1, 10, 100, 1000, 10000)

#: The paper's printed Table I radii in nm, keyed by N.
PAPER_TABLE_ONE_NM = {1: 13.4, 10: 28.8, 100: 62.0, 1000: 134.0, 10000: 288.0}

#: Printed precision of the Table I radii (decimal places), keyed by N.
PAPER_TABLE_ONE_DECIMALS = {1: 1, 10: 1, 100: 1, 1000: 0, 10000: 0}

ALL = (PLANCK, ELEMENTARY_CHARGE, VACUUM_PERMEABILITY, BOHR_MAGNETON)
