"""Material presets: number density of magnetic atoms and saturation polarization.

Each preset supplies the number the paper leaves to the reader: a density n for
the mean-field radius (the paper's Table I uses n = 1e23 m^-3) and an internal
flux density B = mu0 Ms for the flux-quantum radius (the paper's Eq. 4).

Sources
-------
Number densities: atoms (Fe, Co, Ni) or Fe ions (Fe3O4) per m^3 from the room-
temperature mass densities in the CRC Handbook of Chemistry and Physics and the
standard atomic weights; magnetite from its cubic spinel cell, 24 Fe ions in
a = 8.396 Angstrom. Saturation magnetization Ms at room temperature from
C. Kittel, *Introduction to Solid State Physics*, 8th ed. (Wiley, 2005), chapter "Ferromagnetism
and Antiferromagnetism", Table 1 (critical temperature and magnetization of ferromagnetic
crystals), in gauss (emu cm^-3); mu0 Ms = mu0 * (Ms in G * 1e3 A m^-1 per G).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from nanoflux.constants import VACUUM_PERMEABILITY
from nanoflux.validate import InputError, InputTypeError, positive_finite


@dataclass(frozen=True)
class Material:
    """A magnetic material preset (SI units; ``Ms_gauss`` as its source prints it)."""

    name: str
    structure: str
    n_per_m3: float
    Ms_gauss: float
    density_source: str
    Ms_source: str

    @property
    def Ms_A_per_m(self) -> float:
        """Saturation magnetization in A/m (1 G = 1 emu/cm^3 = 1e3 A/m)."""
        return self.Ms_gauss * 1e3

    @property
    def mu0Ms_tesla(self) -> float:
        """Saturation polarization mu0 Ms in T, used as the internal B of Eq. 4."""
        return VACUUM_PERMEABILITY.value * self.Ms_A_per_m


_KITTEL = ("Kittel, Introduction to Solid State Physics, 8th ed., chapter 'Ferromagnetism and "
           "Antiferromagnetism', Table 1 (room temperature)")

MATERIALS = MappingProxyType({
    "Fe": Material(
        "Fe", "bcc iron", 8.491e28, 1707.0,
        "CRC Handbook: 7.874 g/cm^3, 55.845 g/mol", _KITTEL),
    "Co": Material(
        "Co", "hcp cobalt", 9.095e28, 1400.0,
        "CRC Handbook: 8.90 g/cm^3, 58.933 g/mol", _KITTEL),
    "Ni": Material(
        "Ni", "fcc nickel", 9.134e28, 485.0,
        "CRC Handbook: 8.90 g/cm^3, 58.693 g/mol", _KITTEL),
    "Fe3O4": Material(
        "Fe3O4", "magnetite (inverse spinel)", 4.055e28, 480.0,
        "24 Fe ions per cubic cell, a = 8.396 Angstrom", _KITTEL),
})
"""The presets, keyed by name: "Fe", "Co", "Ni", "Fe3O4"."""


def get_material(name: str) -> Material:
    """Return the preset called ``name``; ValueError listing the known names otherwise."""
    if not isinstance(name, str) or name not in MATERIALS:
        raise InputError(
            f"material must be one of {', '.join(repr(k) for k in MATERIALS)}; got {name!r}"
        )
    return MATERIALS[name]


def preset_value(value, material, name: str, unit: str, of_preset: Callable[[Material], float],
                 default: float | None = None) -> np.ndarray:
    """``value`` (``name``, in ``unit``) checked positive and finite, or ``of_preset`` of the named
    ``material`` preset, or ``default`` when neither is given (TypeError naming ``name`` when there is no
    default); giving both a value and a material is refused (the one rule of every function that takes
    either)."""
    if material is not None:
        if value is not None:
            raise InputError(f"give either {name} or material (one of {', '.join(repr(k) for k in MATERIALS)}), "
                             f"not both; got {name}={value!r} and material={material!r}")
        return np.asarray(of_preset(get_material(material)))
    if value is None:
        if default is None:
            raise InputTypeError(f"{name} must be given (in {unit}), or a material preset by name")
        return np.asarray(default)
    return positive_finite(value, name, unit)


#: The internal flux density of a uniformly magnetized body of each shape, as a fraction of mu0 Ms: 1 - N_d, with
#: N_d the demagnetizing factor along the magnetization. A sphere (N_d = 1/3) holds B = (2/3) mu0 Ms; a long rod
#: magnetized along its axis (N_d = 0) holds B = mu0 Ms, the value a preset's ``mu0Ms_tesla`` gives.
SHAPES = MappingProxyType({"sphere": 2 / 3, "rod": 1.0})


def internal_field_tesla(material: str, shape: str = "sphere") -> float:
    """The internal flux density B in T of a uniformly magnetized ``shape`` ("sphere" or "rod") of the preset
    ``material``: (2/3) mu0 Ms in a sphere, mu0 Ms in a long rod magnetized along its axis (:data:`SHAPES`)."""
    if not isinstance(shape, str) or shape not in SHAPES:
        raise InputError(f"shape must be one of {', '.join(repr(k) for k in SHAPES)}; got {shape!r}")
    return get_material(material).mu0Ms_tesla * SHAPES[shape]
