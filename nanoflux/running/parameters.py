"""Notebook parameters: one validator per notebook, used by the notebook itself and by the runner.

Each validator takes the notebook's parameters by name, raises ValueError or TypeError
naming the parameter, the value and what is allowed, and returns the clean parameters.
``output_dir`` is a location, not a parameter of the physics: ``nanoflux.running.outputs`` decides
where results go (``nanoflux.running.outputs``). :data:`DEFAULTS` holds the paper's values for every notebook; each
notebook's ``parameters`` cell declares exactly these (a test compares them).
"""
from __future__ import annotations

import numpy as np

from nanoflux import validate as v
from nanoflux.flux import CONVENTIONS
from nanoflux.lattice import STRUCTURES
from nanoflux.materials import MATERIALS, SHAPES


def _sequence(value, name: str) -> list:
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, np.ndarray)):
        raise v.InputTypeError(f"{name} must be a list of numbers; got {value!r}")
    return list(value)


def positive_list(value, name: str, unit: str, *, max_len: int = 50) -> list[float]:
    """A non-empty list of at most ``max_len`` positive finite numbers."""
    items = _sequence(value, name)
    if not 1 <= len(items) <= max_len:
        raise v.InputError(f"{name} must hold 1 to {max_len} values; got {len(items)}")
    return [float(x) for x in v.positive_finite(items, name, unit)]


def whole_list(value, name: str, *, max_len: int = 50, maximum: float = 1e30) -> list[int]:
    """A non-empty list of whole numbers >= 1."""
    items = _sequence(value, name)
    if not 1 <= len(items) <= max_len:
        raise v.InputError(f"{name} must hold 1 to {max_len} values; got {len(items)}")
    arr = v.whole_number_at_least_one(items, name)
    if (arr > maximum).any():
        raise v.InputError(f"{name} must not exceed {maximum:g}; got {arr.max():g}")
    return [int(x) for x in arr]


def increasing_pair(value, name: str, unit: str, *, whole=False) -> list:
    """Two numbers [low, high] with 0 < low < high (whole numbers >= 1 with ``whole``)."""
    items = whole_list(value, name) if whole else positive_list(value, name, unit)
    if len(items) != 2 or not items[0] < items[1]:
        raise v.InputError(f"{name} must be [low, high] with low < high, in {unit}; got {value!r}")
    return items


def positive_number(value, name: str, unit: str) -> float:
    if not v.is_real_number(value) and not isinstance(value, np.floating):
        raise v.InputTypeError(f"{name} must be a number (in {unit}); got {value!r}")
    return float(v.positive_finite(value, name, unit))


def convention(value, name: str = "flux_quantum_convention") -> str:
    return v.choice(value, name, CONVENTIONS)


def material_list(value, name: str = "materials") -> list[str]:
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not value:
        raise v.InputTypeError(f"{name} must be a non-empty list of material names from "
                        f"{', '.join(repr(k) for k in MATERIALS)}; got {value!r}")
    for item in value:
        v.choice(item, name, MATERIALS)
    if len(set(value)) != len(value):
        raise v.InputError(f"{name} must not repeat a material; got {value!r}")
    return list(value)


# -- one validator per notebook ------------------------------------------------------------------

def flux_quantization(*, B_tesla, flux_quantum_convention) -> dict:
    """01_flux_quantization: fields in T and the flux-quantum convention."""
    return {"B_tesla": positive_list(B_tesla, "B_tesla", "T"),
            "flux_quantum_convention": convention(flux_quantum_convention)}


def mean_field_table(*, N_values, n_per_m3) -> dict:
    """02_mean_field_table1: dipole counts and the number density in m^-3."""
    return {"N_values": whole_list(N_values, "N_values"),
            "n_per_m3": positive_number(n_per_m3, "n_per_m3", "m^-3")}


def figure1(*, B_tesla, radii_over_critical, flux_quantum_convention) -> dict:
    """03_figure1: one field in T and 1 to 6 particle radii in units of r_c (each at most 10)."""
    ratios = positive_list(radii_over_critical, "radii_over_critical", "units of r_c", max_len=6)
    if max(ratios) > 10:
        raise v.InputError(f"radii_over_critical must be at most 10 (100 flux lines); got {max(ratios)!r}")
    return {"B_tesla": positive_number(B_tesla, "B_tesla", "T"),
            "radii_over_critical": ratios,
            "flux_quantum_convention": convention(flux_quantum_convention)}


def figure2(*, B_range_tesla, N_range, n_per_m3, flux_quantum_convention) -> dict:
    """04_figure2: the B range in T, the N range, the density in m^-3 and the convention."""
    return {"B_range_tesla": increasing_pair(B_range_tesla, "B_range_tesla", "T"),
            "N_range": increasing_pair(N_range, "N_range", "dipoles", whole=True),
            "n_per_m3": positive_number(n_per_m3, "n_per_m3", "m^-3"),
            "flux_quantum_convention": convention(flux_quantum_convention)}


def bounded(value, name: str, unit: str, low: float, high: float) -> float:
    """A number in [low, high]."""
    x = positive_number(value, name, unit)
    if not low <= x <= high:
        raise v.InputError(f"{name} must be between {low:g} and {high:g} ({unit}); got {value!r}")
    return x


def discrete_dipoles(*, N_values, n_per_m3, seed, grid_step_over_radius, exclusion_over_spacing, n_configs,
                     aligned) -> dict:
    """05_discrete_dipoles: dipole counts (1 to 10^4 each), density, seed, grid step in units of the
    sphere radius (0.05 to 0.5), the distance from a dipole below which grid points are left out in
    units of the dipole spacing (0.05 to 0.45), configurations for the spread (2 to 5000) and alignment."""
    Ns = whole_list(N_values, "N_values", max_len=8, maximum=10000)
    configs = v.whole_number(n_configs, "n_configs", 2, 5000)
    if not isinstance(aligned, bool):
        raise v.InputTypeError(f"aligned must be True or False; got {aligned!r}")
    return {"N_values": Ns, "n_per_m3": positive_number(n_per_m3, "n_per_m3", "m^-3"), "seed": v.seed(seed),
            "grid_step_over_radius": bounded(grid_step_over_radius, "grid_step_over_radius", "sphere radii", 0.05, 0.5),
            "exclusion_over_spacing": bounded(exclusion_over_spacing, "exclusion_over_spacing", "dipole spacings",
                                              0.05, 0.45),
            "n_configs": int(configs), "aligned": aligned}


def assumptions(*, materials, flux_quantum_convention, n_per_m3) -> dict:
    """06_assumptions: material presets to compare, the convention, and the paper's density in m^-3."""
    return {"materials": material_list(materials),
            "flux_quantum_convention": convention(flux_quantum_convention),
            "n_per_m3": positive_number(n_per_m3, "n_per_m3", "m^-3")}


def atoms_to_continuum(*, materials, largest_radius_over_rc, n_sizes) -> dict:
    """08_atoms_to_continuum: crystals to build ("Fe", "Ni", "Co"; cobalt is built twice, with the ideal c/a and
    with its own), the largest sphere in units of the flux-quantum radius at 1 T (0.05 to 1.2), and how many
    sphere sizes (3 to 30)."""
    chosen = material_list(materials)
    for name in chosen:
        if name not in STRUCTURES:
            built = ", ".join(f"{k!r} ({structure})" for k, structure in STRUCTURES.items())
            raise v.InputError(f"materials must be crystals built here, {built}; got {name!r}")
    sizes = v.whole_number(n_sizes, "n_sizes", 3, 30)
    return {"materials": chosen,
            "largest_radius_over_rc": bounded(largest_radius_over_rc, "largest_radius_over_rc",
                                              "flux-quantum radii at 1 T", 0.05, 1.2),
            "n_sizes": int(sizes)}


def critical_sizes(*, materials, temperature_K, measurement_time_s) -> dict:
    """10_critical_sizes: material presets to compare, the temperature in K (1 to 600: the constants are
    room-temperature values, and nickel loses its order at 627 K) and the measurement time in s (1e-6 to 1e9)."""
    return {"materials": material_list(materials),
            "temperature_K": bounded(temperature_K, "temperature_K", "K", 1.0, 600.0),
            "measurement_time_s": bounded(measurement_time_s, "measurement_time_s", "s", 1e-6, 1e9)}


def teacher_notes() -> dict:
    """09_teacher_notes: no parameters (the answer key is the module's)."""
    return {}


#: The classroom explorer's ranges (07_classroom_explorer): its axes span them, so every allowed
#: value is on the chart, and every material preset falls inside them.
EXPLORER_B_TESLA = (0.01, 10.0)
EXPLORER_N = (1, 1_000_000)
EXPLORER_N_PER_M3 = (1e20, 1e30)
#: "none" means custom: B_tesla and n_per_m3 as given; a preset name replaces both by its values.
EXPLORER_MATERIALS = ("none", *MATERIALS)
#: The body a preset's B is the internal flux density of: a sphere, (2/3) mu0 Ms, or a long rod, mu0 Ms
#: (nanoflux.materials.SHAPES); custom values take B as given.
EXPLORER_SHAPES = tuple(SHAPES)


def number_in_range(value, name: str, unit: str, limits) -> float:
    """One finite number within ``limits`` = (low, high), inclusive."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        value = float(value) if abs(value) < 1e308 else float("inf")  # 10**29 is an int numpy can't hold
    x = positive_number(value, name, unit)
    low, high = limits
    if not low <= x <= high:
        raise v.InputError(f"{name} must be between {low:g} and {high:g} {unit}; got {x!r}")
    return x


def whole_number_in_range(value, name: str, limits) -> int:
    """One whole number within ``limits`` = (low, high), inclusive; True/False and strings refused."""
    if not v.is_real_number(value) and not isinstance(value, (np.integer, np.floating)):
        raise v.InputTypeError(f"{name} must be a whole number; got {value!r}")
    n = int(v.whole_number_at_least_one(value, name))
    low, high = limits
    if not low <= n <= high:
        raise v.InputError(f"{name} must be between {low:d} and {high:d}; got {n!r}")
    return n


def explorer_values(*, B_tesla, N, n_per_m3, flux_quantum_convention, material, shape) -> dict:
    """The classroom explorer's six values, checked against its ranges (shared by notebook 07 and
    :class:`nanoflux.classroom.explorer.Explorer`)."""
    return {"B_tesla": number_in_range(B_tesla, "B_tesla", "T", EXPLORER_B_TESLA),
            "N": whole_number_in_range(N, "N", EXPLORER_N),
            "n_per_m3": number_in_range(n_per_m3, "n_per_m3", "m^-3", EXPLORER_N_PER_M3),
            "flux_quantum_convention": convention(flux_quantum_convention),
            "material": v.choice(material, "material", EXPLORER_MATERIALS),
            "shape": v.choice(shape, "shape", EXPLORER_SHAPES)}


def classroom_explorer(*, B_tesla, N, n_per_m3, flux_quantum_convention, material, shape) -> dict:
    """07_classroom_explorer: B in T (0.01 to 10), N (1 to 10^6), n in m^-3 (1e20 to 1e30), the
    convention, a material preset ("none" or a name from nanoflux.MATERIALS) and the shape whose internal
    field a preset gives ("sphere", (2/3) mu0 Ms, or "rod", mu0 Ms)."""
    return explorer_values(B_tesla=B_tesla, N=N, n_per_m3=n_per_m3,
                           flux_quantum_convention=flux_quantum_convention, material=material, shape=shape)


#: The paper's values: each notebook's parameters as its stored copy declares them. A run with
#: exactly these (after validation) writes to figures/ (nanoflux.running.outputs).
DEFAULTS = {
    "01_flux_quantization": {"B_tesla": [1.0, 0.1, 0.01], "flux_quantum_convention": "h/2e"},
    "02_mean_field_table1": {"N_values": [1, 10, 100, 1000, 10000], "n_per_m3": 1e23},
    "03_figure1": {"B_tesla": 1.0, "radii_over_critical": [2.5, 1.0, 0.6], "flux_quantum_convention": "h/2e"},
    "04_figure2": {"B_range_tesla": [0.01, 1.0], "N_range": [1, 10000], "n_per_m3": 1e23,
                   "flux_quantum_convention": "h/2e"},
    "05_discrete_dipoles": {"N_values": [1, 10, 100, 1000], "n_per_m3": 1e23, "seed": 2026,
                            "grid_step_over_radius": 0.125, "exclusion_over_spacing": 0.25, "n_configs": 200,
                            "aligned": True},
    "06_assumptions": {"materials": ["Fe", "Co", "Ni", "Fe3O4"], "flux_quantum_convention": "h/2e",
                       "n_per_m3": 1e23},
    "07_classroom_explorer": {"B_tesla": 1.0, "N": 1, "n_per_m3": 1e23, "flux_quantum_convention": "h/2e",
                              "material": "none", "shape": "sphere"},
    "08_atoms_to_continuum": {"materials": ["Fe", "Ni", "Co"], "largest_radius_over_rc": 1.0, "n_sizes": 12},
    "09_teacher_notes": {},
    "10_critical_sizes": {"materials": ["Fe", "Co", "Ni", "Fe3O4"], "temperature_K": 300.0,
                          "measurement_time_s": 100.0},
}

#: The validator of each notebook, by notebook stem.
VALIDATORS = {
    "01_flux_quantization": flux_quantization,
    "02_mean_field_table1": mean_field_table,
    "03_figure1": figure1,
    "04_figure2": figure2,
    "05_discrete_dipoles": discrete_dipoles,
    "06_assumptions": assumptions,
    "07_classroom_explorer": classroom_explorer,
    "08_atoms_to_continuum": atoms_to_continuum,
    "09_teacher_notes": teacher_notes,
    "10_critical_sizes": critical_sizes,
}


def validate(stem: str, values: dict) -> dict:
    """Notebook ``stem``'s parameters checked by its validator: the clean values, or ValueError/TypeError."""
    if stem not in VALIDATORS:
        raise v.InputError(f"notebook must be one of {', '.join(VALIDATORS)}; got {stem!r}")
    return VALIDATORS[stem](**values)


def defaults(stem: str) -> dict:
    """The paper's parameter values for notebook ``stem``, validated (as a run compares them)."""
    return validate(stem, DEFAULTS[stem])
