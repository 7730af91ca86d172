"""Notebook 10's study: the paper's radius among the critical sizes of nanomagnetism.

For each material preset: its micromagnetic constants (nanoflux.materials.MICROMAGNETICS), the sizes of
nanoflux.magnetic_sizes at temperature T for a measurement of time tau, the cluster crossover, notebook 08's
continuum lengths (computed here by the same grid-free functions, nanoflux.studies.thresholds, for the
default largest sphere r_c(1 T)) and the paper's Eq. 4 radius with the sphere's own field (2/3) mu0 Ms.
Typed rows for the table (nanoflux.report) and the chart (nanoflux.plots.critical_sizes); lengths in nm.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from nanoflux import magnetic_sizes as ms
from nanoflux import paper as paper_value
from nanoflux.continuum import axis_coefficients
from nanoflux.flux import critical_radius
from nanoflux.lattice import COBALT_C_OVER_A, STRUCTURES, columns, lattice
from nanoflux.materials import get_material, get_micromagnetics
from nanoflux.studies import thresholds

#: The tolerance of notebook 08's continuum lengths shown here.
CONTINUUM_TOLERANCE = 0.01


class ConstantsRow(NamedTuple):
    """A preset's constants: A (pJ/m) and K1 (kJ/m^3) with the range in use, the anisotropy's symmetry and
    easy axes, Ms (kA/m), and each constant's source (and whether its printed value was checked here)."""

    material: str
    A_pJ_per_m: float
    A_low: float
    A_high: float
    K1_kJ_per_m3: float
    K1_low: float
    K1_high: float
    symmetry: str
    easy_axes: str
    Ms_kA_per_m: float
    A_source: str
    K1_source: str
    Ms_source: str
    checked: bool


def constants_row(name: str) -> ConstantsRow:
    """The constants of preset ``name`` as they enter the sizes."""
    mm, m = get_micromagnetics(name), get_material(name)
    A, K = mm.exchange, mm.anisotropy
    return ConstantsRow(name, A.value * 1e12, A.low * 1e12, A.high * 1e12, K.value * 1e-3, K.low * 1e-3,
                        K.high * 1e-3, mm.symmetry, mm.easy_axes, m.Ms_A_per_m * 1e-3, A.source, K.source,
                        m.Ms_source, A.checked and K.checked)


class ContinuumRow(NamedTuple):
    """Notebook 08's sizes from which a crystal's field follows the continuum within ``tolerance`` (nm): the
    field at 2R outside, the ball average about an atom, the mid-plane flux; up to a sphere of r_c(1 T)."""

    material: str
    label: str
    tolerance: float
    field_nm: float | None
    ball_nm: float | None
    flux_nm: float | None


def continuum_row(name: str, tol: float = CONTINUUM_TOLERANCE) -> ContinuumRow | None:
    """The continuum lengths of ``name``'s crystal (cobalt with its own c/a), or None (no crystal built)."""
    if name not in STRUCTURES:
        return None
    lat = lattice(name, COBALT_C_OVER_A if STRUCTURES[name] == "hcp" else None)
    R_max = float(critical_radius(1.0))
    cols = columns(lat, R_max)
    field, _ = thresholds.axis_threshold(cols, tol, R_max, axis_coefficients(cols))
    ball = thresholds.ball_threshold(cols, tol, 0.9 * R_max)
    flux, _, _ = thresholds.flux_threshold(cols, thresholds.flux_scan(cols, R_max, 0.4e-9), tol)
    nm = [None if x is None else x * 1e9 for x in (field, ball, flux)]
    return ContinuumRow(name, lat.label, tol, *nm)


class SizesRow(NamedTuple):
    """The critical sizes of a sphere of one material (radii in nm; None where they do not apply): the
    exchange length (A convention, and 2A), the coherent-rotation radius, Coey's single-domain radius with
    the hardness kappa and the wall width that decide whether it applies, the barrier density K_eff
    (kJ/m^3) and the superparamagnetic radius at ``temperature_K`` for ``time_s`` (and with the shortcut
    K_eff = |K1|, for comparison), the radii of clusters of
    30 and 700 atoms, notebook 08's continuum lengths (smallest and largest of three), and the paper's Eq. 4
    radius with the sphere's field (2/3) mu0 Ms (and with mu0 Ms, a long rod's)."""

    material: str
    exchange_nm: float
    exchange_2A_nm: float
    coherent_nm: float
    single_domain_nm: float
    kappa: float
    wall_nm: float
    barrier_kJ_per_m3: float
    superparamagnetic_nm: float
    superparamagnetic_K1_nm: float
    temperature_K: float
    time_s: float
    atom_like_nm: float | None
    bulk_like_nm: float | None
    continuum_low_nm: float | None
    continuum_high_nm: float | None
    paper_sphere_nm: float
    paper_rod_nm: float


def sizes_row(name: str, temperature_K: float, time_s: float, continuum: ContinuumRow | None = None,
              A=None, K1=None) -> SizesRow:
    """:class:`SizesRow` for preset ``name`` (``A``, ``K1``: other values than the preset's, J/m and J/m^3)."""
    mm, m = get_micromagnetics(name), get_material(name)
    A = mm.exchange.value if A is None else A
    K1 = mm.anisotropy.value if K1 is None else K1
    Ms = m.Ms_A_per_m
    K_eff = ms.barrier_density(K1, mm.symmetry)
    clusters = (ms.radius_of_atoms([ms.ATOM_LIKE_ATOMS, ms.BULK_LIKE_ATOMS], m.n_per_m3) * 1e9
                if name in STRUCTURES else (None, None))
    lengths = [] if continuum is None else [x for x in (continuum.field_nm, continuum.ball_nm, continuum.flux_nm)
                                            if x is not None]
    return SizesRow(
        name, float(ms.exchange_length(A, Ms)) * 1e9, float(ms.exchange_length(A, Ms, "2A")) * 1e9,
        float(ms.coherent_radius(A, Ms)) * 1e9, float(ms.single_domain_radius(A, K1, Ms)) * 1e9,
        float(ms.hardness(K1, Ms)), float(ms.wall_width(A, K1)) * 1e9, K_eff * 1e-3,
        float(ms.superparamagnetic_radius(K_eff, temperature_K, time_s)) * 1e9,
        float(ms.superparamagnetic_radius(abs(K1), temperature_K, time_s)) * 1e9, float(temperature_K), float(time_s),
        *(None if x is None else float(x) for x in clusters),
        min(lengths) if lengths else None, max(lengths) if lengths else None,
        float(critical_radius(2.0 / 3.0 * m.mu0Ms_tesla)) * 1e9, float(critical_radius(m.mu0Ms_tesla)) * 1e9)


class SpreadRow(NamedTuple):
    """How far each size moves over the ranges of A and K1 in use (lowest and highest, nm)."""

    material: str
    exchange: tuple
    coherent: tuple
    single_domain: tuple
    superparamagnetic: tuple


def spread_row(name: str, temperature_K: float, time_s: float) -> SpreadRow:
    """The sizes at the four corners of the (A, K1) ranges: their smallest and largest values."""
    mm = get_micromagnetics(name)
    corners = [sizes_row(name, temperature_K, time_s, A=a, K1=k)
               for a in (mm.exchange.low, mm.exchange.high) for k in (mm.anisotropy.low, mm.anisotropy.high)]

    def span(key):
        values = [getattr(r, key) for r in corners]
        return (min(values), max(values))
    return SpreadRow(name, span("exchange_nm"), span("coherent_nm"), span("single_domain_nm"),
                     span("superparamagnetic_nm"))


def temperature_rows(name: str, temperatures, time_s: float) -> list[tuple[float, float]]:
    """(T, superparamagnetic radius in nm) over ``temperatures`` (K), the constants held at room temperature."""
    mm = get_micromagnetics(name)
    K_eff = ms.barrier_density(mm.anisotropy.value, mm.symmetry)
    radii = ms.superparamagnetic_radius(K_eff, np.asarray(temperatures, dtype=float), time_s) * 1e9
    return [(float(t), float(r)) for t, r in zip(temperatures, radii)]


# -- in words, from the numbers ----------------------------------------------------------------------------

def _range(values, digits: int = 2) -> str:
    values = [x for x in values if x is not None]
    lo, hi = min(values), max(values)
    low, high = f"{lo:.{digits}g}", f"{hi:.{digits}g}"
    return f"{low} nm" if low == high else f"{low} to {high} nm"


def sources_markdown(rows) -> str:
    """Each constant's source, as a Markdown list (from the one home of the constants)."""
    lines = []
    for r in rows:
        lines.append(f"**{r.material}**: $A$ = {r.A_pJ_per_m:g} pJ/m, {r.A_source}; $K_1$ = {r.K1_kJ_per_m3:+g} "
                     f"kJ/m$^3$, {r.K1_source}; $M_s$ = {r.Ms_kA_per_m:g} kA/m, {r.Ms_source}.")
    return "\n".join(f"- {line}" for line in lines)


def verdict(rows) -> str:
    """Which sizes mark a change of behaviour, and where the paper's radius lies, as a Markdown list."""
    T, tau = rows[0].temperature_K, rows[0].time_s
    lines = []
    clusters = [r for r in rows if r.atom_like_nm is not None]
    if clusters:
        lines.append(f"**A change of behaviour: the cluster crossover,** "
                     f"{_range([r.atom_like_nm for r in clusters] + [r.bulk_like_nm for r in clusters])} (spheres of "
                     f"{ms.ATOM_LIKE_ATOMS} to {ms.BULK_LIKE_ATOMS} atoms). Below it the moment per atom is not the "
                     "bulk's: the material itself changes.")
    lines.append("**A change of behaviour: the superparamagnetic radius,** "
                 f"{_range([r.superparamagnetic_nm for r in rows])} "
                 f"at {T:g} K for a {tau:g} s measurement. Smaller spheres show no remanence on that time scale: "
                 "their moment flips by thermal activation over the anisotropy barrier. It is a property of one "
                 "particle (Néel 1949; Brown 1963); interactions between particles modify it, they do not cause it.")
    lines.append(f"**A change of behaviour: the coherent-rotation radius,** {_range([r.coherent_nm for r in rows])} "
                 "($5.10\\,l_\\mathrm{ex}$). Smaller spheres reverse their magnetization as one block; larger ones by "
                 "curling, at a lower field.")
    soft = [r for r in rows if r.kappa < 1]
    if soft:
        lines.append("**The single-domain radius** of the wall argument, "
                     f"{_range([r.single_domain_nm for r in soft])}, "
                     f"is an order of magnitude only for {', '.join(r.material for r in soft)}: they are soft "
                     f"($\\kappa$ = {min(r.kappa for r in soft):.2f} to {max(r.kappa for r in soft):.2f}), with walls "
                     f"{_range([r.wall_nm for r in soft], 3)} wide, not thin beside spheres of these sizes; for soft "
                     "spheres the uniform state gives way to a vortex at a few exchange lengths, near the "
                     "coherent-rotation radius.")
    lines.append(f"**A scale, not a transition: the exchange length,** {_range([r.exchange_nm for r in rows])}: "
                 "over shorter distances the magnetization cannot turn.")
    crystals = [r for r in rows if r.continuum_low_nm is not None]
    if crystals:
        lines.append(f"**No change of behaviour: notebook 08's continuum lengths,** "
                     f"{_range([r.continuum_low_nm for r in crystals] + [r.continuum_high_nm for r in crystals])}: "
                     "from there on a continuous $\\mathbf B$ describes the crystal's field to 1 %; nothing in "
                     "the crystal changes there.")
    paper = ", ".join(f"{r.paper_sphere_nm:.4g} nm ({r.material})" for r in rows)
    lines.append("**No change of behaviour: the paper's radius.** The paper prints "
                 f"{paper_value.FLUX_RADIUS.text} nm, Eq. 4 at 1 T; with each sphere's own field the same equation "
                 f"gives {paper}. "
                 "It is the magnetic length $\\sqrt{\\hbar/eB}$ at that field (notebook 06), a length set by the "
                 "field alone: no magnetic property of the sphere changes there. Where it falls near another "
                 "size here, that is a coincidence of numbers: the coherent-rotation radius grows as "
                 "$\\sqrt{A}/M_s$, the paper's as $M_s^{-1/2}$.")
    return "\n".join(f"- {line}" for line in lines)
