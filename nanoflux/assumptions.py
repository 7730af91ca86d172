"""What each result owes to an assumption: the paper's numbers recomputed under the alternatives.

Three assumptions carry the paper's numbers (see ../shared/paper/READING.md):
the density n = 1e23 m^-3 used for Table I, the flux quantum h/2e of Eq. 2, and
the internal flux density B of Eq. 4. Each function here returns plain rows
(dicts of SI numbers) that the assumptions notebook prints and plots.
"""
from __future__ import annotations

from .constants import PAPER_DENSITY_PER_M3
from .flux import CONVENTIONS, critical_radius, flux_quantum
from .materials import get_material
from .meanfield import critical_radius_mean_field, dipoles_in_sphere

#: The field at which the paper prints its flux-quantum radius (25.7 nm).
PAPER_FIELD_TESLA = 1.0


def density_rows(materials, n_paper=PAPER_DENSITY_PER_M3, N=(1, 10, 100, 1000, 10000)) -> list[dict]:
    """Per density (the paper's, then each material's): n, n / n_paper, and the mean-field radius for each N."""
    rows = [{"label": "paper", "n_per_m3": float(n_paper)}]
    rows += [{"label": name, "n_per_m3": get_material(name).n_per_m3} for name in materials]
    for row in rows:
        row["ratio_to_paper"] = row["n_per_m3"] / n_paper
        row["radius_nm"] = {int(k): critical_radius_mean_field(k, row["n_per_m3"]) * 1e9 for k in N}
    return rows


def convention_rows(fields_tesla) -> list[dict]:
    """Per field: r_c (Eq. 4) under each flux-quantum convention, and their ratio (sqrt 2)."""
    rows = []
    for B in fields_tesla:
        radii = {c: critical_radius(B, c) * 1e9 for c in CONVENTIONS}
        rows.append({"B_tesla": float(B), "radius_nm": radii, "ratio": radii["h/e"] / radii["h/2e"]})
    return rows


def flux_quanta_values() -> dict:
    """Phi0 in Wb under each convention (Eq. 2 and its single-electron alternative)."""
    return {c: flux_quantum(c) for c in CONVENTIONS}


def field_rows(materials, convention="h/2e") -> list[dict]:
    """Per material: mu0 Ms in T and the flux-quantum radius r_c (Eq. 4) with B = mu0 Ms."""
    return [{"label": name, "B_tesla": get_material(name).mu0Ms_tesla,
             "radius_nm": critical_radius(material=name, convention=convention) * 1e9} for name in materials]


def criteria_rows(materials, convention="h/2e", n_paper=PAPER_DENSITY_PER_M3) -> list[dict]:
    """The two criteria on one particle: dipoles held by a sphere of the flux-quantum radius.

    For the paper's density and each material's: N in a sphere of r_c(1 T), and, for materials,
    N in a sphere of r_c(mu0 Ms). The mean-field criterion needs N >= 1; these counts say how
    far above it the flux-quantum particle sits under each assumption.
    """
    r_paper = critical_radius(PAPER_FIELD_TESLA, convention)
    rows = [{"label": "paper", "n_per_m3": float(n_paper), "radius_1T_nm": r_paper * 1e9,
             "N_at_1T": dipoles_in_sphere(r_paper, n_paper), "radius_own_field_nm": None, "N_at_own_field": None}]
    for name in materials:
        n = get_material(name).n_per_m3
        r_own = critical_radius(material=name, convention=convention)
        rows.append({"label": name, "n_per_m3": n, "radius_1T_nm": r_paper * 1e9,
                     "N_at_1T": dipoles_in_sphere(r_paper, n),
                     "radius_own_field_nm": r_own * 1e9, "N_at_own_field": dipoles_in_sphere(r_own, n)})
    return rows
