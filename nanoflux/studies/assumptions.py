"""What each result owes to an assumption: the paper's numbers recomputed under the alternatives.

Three assumptions carry the paper's numbers (see ../shared/paper/READING.md):
the density n = 1e23 m^-3 used for Table I, the flux quantum h/2e of Eq. 2, and
the internal flux density B of Eq. 4. Each function here returns typed rows (NamedTuples of SI
numbers, radii in nm) that the assumptions notebook prints, plots and writes to its results file.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from nanoflux import paper
from nanoflux.constants import BOHR_MAGNETON, VACUUM_PERMEABILITY
from nanoflux.flux import CONVENTIONS, critical_radius, flux_quantum, magnetic_length
from nanoflux.materials import get_material
from nanoflux.meanfield import critical_radius_mean_field, dipoles_in_sphere


class DensityRow(NamedTuple):
    """A density (``label``: "paper" or a material), n in m^-3, n / the paper's, and the mean-field radius in
    nm for each N (Table I's formula)."""

    label: str
    n_per_m3: float
    ratio_to_paper: float
    radius_nm: dict[int, float]


def density_rows(materials, n_paper=paper.DENSITY_PER_M3, N=paper.TABLE_ONE_N) -> list[DensityRow]:
    """Per density (the paper's, then each material's): n, n / n_paper, and the mean-field radius for each N."""
    densities = [("paper", float(n_paper))] + [(name, get_material(name).n_per_m3) for name in materials]
    return [DensityRow(label, n, n / n_paper, {int(k): critical_radius_mean_field(k, n) * 1e9 for k in N})
            for label, n in densities]


class ConventionRow(NamedTuple):
    """A field B in T, r_c (Eq. 4) in nm under each flux-quantum convention, and their ratio (sqrt 2)."""

    B_tesla: float
    radius_nm: dict[str, float]
    ratio: float


def convention_rows(fields_tesla) -> list[ConventionRow]:
    """Per field: r_c (Eq. 4) under each flux-quantum convention, and their ratio (sqrt 2)."""
    rows = []
    for B in fields_tesla:
        radii = {c: critical_radius(B, c) * 1e9 for c in CONVENTIONS}
        rows.append(ConventionRow(float(B), radii, radii["h/e"] / radii["h/2e"]))
    return rows


def flux_quanta_values() -> dict:
    """Phi0 in Wb under each convention (Eq. 2 and its single-electron alternative)."""
    return {c: flux_quantum(c) for c in CONVENTIONS}


class FieldRow(NamedTuple):
    """A material, its mu0 Ms in T, and the flux-quantum radius (Eq. 4) in nm with B = mu0 Ms."""

    label: str
    B_tesla: float
    radius_nm: float


def field_rows(materials, convention="h/2e") -> list[FieldRow]:
    """Per material: mu0 Ms in T and the flux-quantum radius r_c (Eq. 4) with B = mu0 Ms."""
    return [FieldRow(name, get_material(name).mu0Ms_tesla, critical_radius(material=name, convention=convention) * 1e9)
            for name in materials]


class CriteriaRow(NamedTuple):
    """Dipoles in a sphere of the flux-quantum radius, at one density (``label``): r_c(1 T) in nm and N in it;
    for a material also r_c(mu0 Ms) in nm and N in that (None for the paper)."""

    label: str
    n_per_m3: float
    radius_1T_nm: float
    N_at_1T: float
    radius_own_field_nm: float | None
    N_at_own_field: float | None


def criteria_rows(materials, convention="h/2e", n_paper=paper.DENSITY_PER_M3) -> list[CriteriaRow]:
    """The two criteria on one particle: dipoles held by a sphere of the flux-quantum radius.

    For the paper's density and each material's: N in a sphere of r_c(1 T), and, for materials,
    N in a sphere of r_c(mu0 Ms). The mean-field criterion needs N >= 1; these counts say how
    far above it the flux-quantum particle sits under each assumption.
    """
    r_paper = critical_radius(paper.FIELD_TESLA, convention)
    rows = [CriteriaRow("paper", float(n_paper), r_paper * 1e9, dipoles_in_sphere(r_paper, n_paper), None, None)]
    for name in materials:
        n = get_material(name).n_per_m3
        r_own = critical_radius(material=name, convention=convention)
        rows.append(CriteriaRow(name, n, r_paper * 1e9, dipoles_in_sphere(r_paper, n), r_own * 1e9,
                                dipoles_in_sphere(r_own, n)))
    return rows


#: Demagnetizing factors: the internal B of a uniformly magnetized body is (1 - D) mu0 Ms along its
#: long axis, with D = 1/3 for a sphere and D -> 0 for a long rod (B = mu0 H + mu0 M, H = -D M inside).
SHAPES = {"sphere": 1.0 / 3.0, "long rod": 0.0}


class ShapeRow(NamedTuple):
    """A material and a shape, the internal B = (1 - D) mu0 Ms in T, and the flux-quantum radius in nm."""

    label: str
    shape: str
    B_tesla: float
    radius_nm: float


def shape_rows(materials, convention="h/2e") -> list[ShapeRow]:
    """Per material and shape: the internal B = (1 - D) mu0 Ms in T and the flux-quantum radius it gives."""
    rows = []
    for name in materials:
        mu0Ms = get_material(name).mu0Ms_tesla
        for shape, D in SHAPES.items():
            B = (1.0 - D) * mu0Ms
            rows.append(ShapeRow(name, shape, B, critical_radius(B, convention) * 1e9))
    return rows


class MidplaneRow(NamedTuple):
    """A sphere of radius R (in units of r_c and in nm) and the flux of B through its mid-plane disc (Wb, Phi0)."""

    radius_over_critical: float
    radius_nm: float
    flux_Wb: float
    flux_over_phi0: float


def midplane_flux_rows(material="Fe", radii_over_critical=(0.5, 1.0, 1.5, 2.0),
                       convention="h/2e") -> list[MidplaneRow]:
    """The flux of B through the mid-plane disc of a uniformly magnetized sphere, in units of Phi0.

    The sphere's field inside is uniform, (2/3) mu0 Ms, so the disc of radius R carries
    (2/3) mu0 Ms pi R^2: a number that varies continuously with R. Radii in units of
    r_c = sqrt(Phi0 / (pi mu0 Ms)), the paper's radius with B = mu0 Ms.
    """
    mu0Ms = get_material(material).mu0Ms_tesla
    phi0 = flux_quantum(convention)
    r_c = critical_radius(mu0Ms, convention)
    rows = []
    for k in radii_over_critical:
        R = float(k) * r_c
        flux = (2.0 / 3.0) * mu0Ms * np.pi * R * R
        rows.append(MidplaneRow(float(k), R * 1e9, flux, flux / phi0))
    return rows


class MagneticLengthRow(NamedTuple):
    """A field B in T, the paper's r_c (Eq. 4, h/2e) and the magnetic length sqrt(hbar / (e B)) in nm, their ratio."""

    B_tesla: float
    radius_nm: float
    magnetic_length_nm: float
    ratio: float


def magnetic_length_rows(fields_tesla) -> list[MagneticLengthRow]:
    """Per field: the paper's r_c (Eq. 4, h/2e) beside the magnetic length sqrt(hbar / (e B)), in nm."""
    return [MagneticLengthRow(float(B), critical_radius(B) * 1e9, magnetic_length(B) * 1e9,
                              critical_radius(B) / magnetic_length(B)) for B in fields_tesla]


class MomentDensityRow(NamedTuple):
    """A density (``label``), n in m^-3, mu0 n mu_B in T, and for a material mu0 Ms in T and Ms / n in mu_B."""

    label: str
    n_per_m3: float
    mu0_n_muB_tesla: float
    mu0Ms_tesla: float | None
    moment_per_atom_muB: float | None


def moment_density_rows(materials, n_paper=paper.DENSITY_PER_M3) -> list[MomentDensityRow]:
    """The paper's inputs side by side: mu0 n mu_B, the polarization of n dipoles of one Bohr magneton each,
    at the paper's density and at each material's, against mu0 Ms; and the moment per atom Ms / n in mu_B."""
    mu0, muB = VACUUM_PERMEABILITY, BOHR_MAGNETON
    rows = [MomentDensityRow("paper", float(n_paper), mu0 * n_paper * muB, None, None)]
    for name in materials:
        m = get_material(name)
        rows.append(MomentDensityRow(name, m.n_per_m3, mu0 * m.n_per_m3 * muB, m.mu0Ms_tesla,
                                     m.Ms_A_per_m / m.n_per_m3 / muB))
    return rows
