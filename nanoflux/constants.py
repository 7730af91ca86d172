"""Defining physical constants, each stated once with its unit and source.

A :class:`Constant` is a float in SI units that also carries its symbol, name, unit, source and
whether it is exact: ``2 * VACUUM_PERMEABILITY`` is ordinary arithmetic, ``VACUUM_PERMEABILITY.source``
says where the value comes from. Derived quantities (the flux quantum, the paper's Eq. 2) are computed
from these in :mod:`nanoflux.flux`, never typed in. The paper's own printed numbers are in
:mod:`nanoflux.paper`.
"""
from __future__ import annotations


class Constant(float):
    """A physical constant: its value in SI units (the float itself), symbol, name, unit, source, exactness."""

    __slots__ = ("symbol", "name", "unit", "source", "exact")

    symbol: str
    name: str
    unit: str
    source: str
    exact: bool

    def __new__(cls, symbol: str, name: str, value: float, unit: str, source: str, exact: bool) -> Constant:
        self = super().__new__(cls, value)
        for key, item in (("symbol", symbol), ("name", name), ("unit", unit), ("source", source),
                          ("exact", bool(exact))):
            object.__setattr__(self, key, item)
        return self

    def __setattr__(self, key, item):
        raise AttributeError(f"a Constant is read-only; cannot set {key!r}")

    def __reduce__(self):
        return (Constant, (self.symbol, self.name, float(self), self.unit, self.source, self.exact))

    @property
    def value(self) -> float:
        """The value as a plain float, in :attr:`unit`."""
        return float(self)

    def __str__(self) -> str:
        return float.__repr__(self)  # str() and f"{x}" give the number, as for any float

    def __repr__(self) -> str:
        kind = "exact" if self.exact else "measured"
        return f"<Constant {self.symbol} ({self.name}) = {float(self)!r} {self.unit}, {kind}; {self.source}>"


_SI_2019 = "SI Brochure, 9th ed. (BIPM 2019); CODATA 2022"
_CODATA_2022 = "CODATA 2022 recommended value (Mohr et al., Rev. Mod. Phys. 97, 025002 (2025))"

#: Planck constant h, exact by definition of the SI since 20 May 2019.
PLANCK = Constant("h", "Planck constant", 6.62607015e-34, "J s", _SI_2019, exact=True)

#: Elementary charge e, exact by definition of the SI since 20 May 2019.
ELEMENTARY_CHARGE = Constant("e", "elementary charge", 1.602176634e-19, "C", _SI_2019, exact=True)

#: Boltzmann constant k_B, exact by definition of the SI since 20 May 2019.
BOLTZMANN = Constant("k_B", "Boltzmann constant", 1.380649e-23, "J K^-1", _SI_2019, exact=True)

#: Vacuum magnetic permeability mu0 (measured, no longer exact since 2019).
VACUUM_PERMEABILITY = Constant("mu0", "vacuum magnetic permeability", 1.25663706127e-6, "N A^-2",
                               _CODATA_2022, exact=False)

#: Bohr magneton mu_B = e hbar / 2 m_e, the moment of one dipole in the paper's model.
BOHR_MAGNETON = Constant("mu_B", "Bohr magneton", 9.2740100657e-24, "J T^-1", _CODATA_2022, exact=False)

ALL = (PLANCK, ELEMENTARY_CHARGE, BOLTZMANN, VACUUM_PERMEABILITY, BOHR_MAGNETON)
