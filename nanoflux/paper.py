"""The paper's printed numbers, held once: each value, the text and precision it is printed with, and
where it stands in the paper.

Every claim, table, figure, exercise and page that shows one of the paper's values takes it from here,
and :meth:`Printed.agrees` is the one rule for "agrees at the printed precision": a recomputed value
agrees when it rounds to the printed one, |recomputed - printed| <= half a unit in the last printed place.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Printed:
    """A number the paper prints: ``value`` in ``unit``, as printed (``text``), with ``decimals`` decimal
    places, at ``where`` in the paper."""

    value: float
    text: str
    unit: str
    decimals: int
    where: str

    @property
    def tolerance(self) -> float:
        """Half a unit in the last printed place."""
        return 0.5 * 10.0 ** -self.decimals

    def agrees(self, recomputed: float) -> bool:
        """Whether ``recomputed`` (in :attr:`unit`) rounds to the printed value (1e-12 of slack for
        a value that lands exactly on the half unit)."""
        return abs(recomputed - self.value) <= self.tolerance + 1e-12


#: The number density of magnetic dipoles the paper uses, in m^-3 (text before Table I).
DENSITY_PER_M3 = 1e23

#: The internal flux density at which the paper prints its flux-quantum radius, in T.
FIELD_TESLA = 1.0

#: The flux quantum the paper uses (its Eq. 2): h/2e.
CONVENTION = "h/2e"

#: The flux-quantum critical radius at 1 T (abstract; Eq. 4; twice in the discussion).
FLUX_RADIUS = Printed(25.7, "25.7", "nm", 1, "abstract; Eq. 4; discussion")

#: The radius of a sphere holding one dipole at the paper's density (mean-field section).
ONE_DIPOLE_RADIUS = Printed(13.4, "13.4", "nm", 1, "mean-field section, before Table I")

#: Table I: the mean-field radius in nm for each N at 1e23 m^-3, as printed.
TABLE_ONE = MappingProxyType({
    1: Printed(13.4, "13.4", "nm", 1, "Table I"),
    10: Printed(28.8, "28.8", "nm", 1, "Table I"),
    100: Printed(62.0, "62.0", "nm", 1, "Table I"),
    1000: Printed(134.0, "134", "nm", 0, "Table I"),
    10000: Printed(288.0, "288", "nm", 0, "Table I"),
})

#: The dipole counts of Table I, in the table's order.
TABLE_ONE_N = tuple(TABLE_ONE)

#: The scaling laws the paper states (checked to 6 decimals by a fit).
FLUX_EXPONENT = Printed(-0.5, "-1/2", "", 6, "inverse square-root law after Eq. 4; Figure 2 (blue)")
MEAN_FIELD_EXPONENT = Printed(1 / 3, "1/3", "", 6, "cube-root law after Table I; Figure 2 (red)")
