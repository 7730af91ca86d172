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

Beside each preset, :data:`MICROMAGNETICS` holds the two constants that set a magnet's own length scales
(notebook 10): the exchange stiffness A and the first anisotropy constant K1, at room temperature, each with
the range of values in use and its source, and whether that source's printed table was checked here.
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


# -- micromagnetic constants (notebook 10) --------------------------------------------------------------

@dataclass(frozen=True)
class MagneticConstant:
    """A room-temperature material constant in SI units: the value used, the range of values in use
    (``low`` to ``high``), its source, and whether the value was checked against the source's printed page
    in this project (``checked``; if not, the source is where the value is commonly taken from)."""

    value: float
    low: float
    high: float
    unit: str
    source: str
    checked: bool


@dataclass(frozen=True)
class Micromagnetics:
    """A preset's exchange stiffness A (J/m) and first anisotropy constant K1 (J/m^3, its sign kept), the
    anisotropy's symmetry ("cubic" or "uniaxial") and easy axes."""

    exchange: MagneticConstant
    anisotropy: MagneticConstant
    symmetry: str
    easy_axes: str


_COEY = "J. M. D. Coey, Magnetism and Magnetic Materials (Cambridge University Press, 2010)"
_CULLITY = ("B. D. Cullity and C. D. Graham, Introduction to Magnetic Materials, 2nd ed. (Wiley-IEEE Press, "
            "2009), ch. 7 'Magnetic Anisotropy'")
_SPIN_WAVES = ("cross-check: A = D Ms / (2 g mu_B) from the spin-wave stiffness D measured by neutron "
               "scattering")

MICROMAGNETICS = MappingProxyType({
    "Fe": Micromagnetics(
        MagneticConstant(21e-12, 19e-12, 22e-12, "J/m",
                         f"the standard micromagnetic value, as tabulated in {_COEY}; {_SPIN_WAVES}: "
                         "D = 280 meV A^2 at 295 K (J. W. Lynn, Phys. Rev. B 11, 2624 (1975)), g = 2.09, "
                         "gives 20 pJ/m", checked=False),
        MagneticConstant(48e3, 46e3, 48e3, "J/m^3", f"{_CULLITY} (4.8e5 erg/cm^3)", checked=False),
        "cubic", "<100>"),
    "Co": Micromagnetics(
        MagneticConstant(30e-12, 28e-12, 31e-12, "J/m", f"as tabulated in {_COEY}", checked=False),
        MagneticConstant(450e3, 410e3, 530e3, "J/m^3",
                         f"{_CULLITY} (hcp cobalt, 4.5e6 erg/cm^3; K2 = 1.5e6 erg/cm^3 not used)", checked=False),
        "uniaxial", "c axis"),
    "Ni": Micromagnetics(
        MagneticConstant(9e-12, 3.4e-12, 10e-12, "J/m",
                         f"the common micromagnetic value; published values spread by a factor of 3; {_SPIN_WAVES} "
                         "(D of about 400 meV A^2 at room temperature, g = 2.18) gives 8 pJ/m", checked=False),
        MagneticConstant(-5.7e3, -5.7e3, -4.5e3, "J/m^3", f"{_CULLITY} (-4.5e4 to -5.7e4 erg/cm^3)", checked=False),
        "cubic", "<111>"),
    "Fe3O4": Micromagnetics(
        MagneticConstant(13e-12, 7e-12, 13.4e-12, "J/m",
                         "R. J. Heider and W. Williams, Geophys. Res. Lett. 15, 184 (1988): 1.3e-11 J/m at room "
                         "temperature", checked=False),
        MagneticConstant(-11e3, -13e3, -11e3, "J/m^3",
                         "L. R. Bickford, Phys. Rev. 78, 449 (1950), ferromagnetic resonance: -1.1e5 erg/cm^3 at "
                         "room temperature", checked=False),
        "cubic", "<111>"),
})
"""A and K1 of each preset, keyed like :data:`MATERIALS`."""


def get_micromagnetics(name: str) -> Micromagnetics:
    """The micromagnetic constants of preset ``name``; InputError listing the known names otherwise."""
    get_material(name)
    return MICROMAGNETICS[name]
