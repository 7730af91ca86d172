"""Notebook 08's study: from atoms to the continuum, sphere by sphere and ball by ball.

Built on the exact sums of :mod:`nanoflux.continuum` over crystals of :mod:`nanoflux.lattice`: how the
mid-plane flux, the field at 2R and the ball average around the centre approach the uniformly magnetized
continuum, and from which size on they stay within a tolerance of it. SI units: m, A m^2, T, Wb.
"""
from __future__ import annotations

import numpy as np

from nanoflux.constants import BOHR_MAGNETON
from nanoflux.continuum import MU0, centre_field, midplane_flux
from nanoflux.dipoles import dipole_field
from nanoflux.flux import flux_quantum
from nanoflux.lattice import Lattice, lattice, sphere
from nanoflux.materials import get_material


def size_rows(material: str, radii) -> list[dict]:
    """Per sphere radius R (m): atoms, mid-plane flux against the continuum (2/3) mu0 Ms pi R_d^2 (R_d the
    disc's radius at the cut) and in units of Phi0, the field at 2R on the axis against the point dipole
    of the total moment, and the centre atom's Lorentz field in units of mu0 Ms."""
    lat = lattice(material)
    mu0Ms = MU0 * get_material(material).Ms_A_per_m
    radii = sorted(float(R) for R in radii)
    everything = sphere(lat, radii[-1])
    r2 = np.einsum("ij,ij->i", everything, everything)
    height = lat.layer_spacing / 2.0
    rows = []
    for R in radii:
        atoms = everything[r2 <= R * R * (1 + 1e-12)]
        N = len(atoms)
        disc = np.sqrt(max(R * R - height * height, 0.0))
        flux = midplane_flux(atoms, lat.moment, disc, height) if disc > 0 else 0.0
        continuum = 2.0 / 3.0 * mu0Ms * np.pi * disc * disc
        probe = np.array([0.0, 0.0, 2.0 * R])
        outside = float(dipole_field(probe, atoms, np.tile([0.0, 0.0, lat.moment], (N, 1)))[2]) if N else 0.0
        dipole = MU0 * N * lat.moment / (2.0 * np.pi * (2.0 * R) ** 3)
        rows.append({"radius_nm": R * 1e9, "atoms": N, "flux_Wb": flux, "flux_over_continuum": flux / continuum,
                     "flux_over_phi0": flux / flux_quantum(), "outside_over_dipole": outside / dipole,
                     "lorentz_over_mu0Ms": centre_field(atoms, lat.moment) / mu0Ms})
    return rows


def ball_rows(material: str, radius: float, rhos) -> list[dict]:
    """<B_z> over balls of radius rho (m) around the centre atom of a sphere of ``radius`` (m), in units
    of the continuum (2/3) mu0 Ms; all rho at once from one pass over the atoms."""
    lat = lattice(material)
    mu0Ms = MU0 * get_material(material).Ms_A_per_m
    atoms = sphere(lat, radius)
    r2 = np.einsum("ij,ij->i", atoms, atoms)
    off = r2 > 0
    at_centre = np.zeros(len(atoms))
    at_centre[off] = MU0 * lat.moment / (4.0 * np.pi) * (3.0 * atoms[off, 2] ** 2 - r2[off]) / r2[off] ** 2.5
    rhos = np.sort(np.asarray(rhos, dtype=float))
    shell = np.searchsorted(rhos * rhos, r2)  # atom inside every ball from index shell on
    inside = np.cumsum(np.bincount(shell, minlength=len(rhos) + 1))[:len(rhos)]
    outside_field = (at_centre.sum()
                     - np.cumsum(np.bincount(shell, weights=at_centre, minlength=len(rhos) + 1))[:len(rhos)])
    volume = 4.0 / 3.0 * np.pi * rhos**3
    average = 2.0 / 3.0 * MU0 * lat.moment * inside / volume + outside_field
    return [{"rho_nm": rho * 1e9, "atoms_inside": int(k), "average_over_continuum": float(b / (2.0 / 3.0 * mu0Ms))}
            for rho, k, b in zip(rhos, inside, average)]


def agreement_length(rows, key: str, tolerance: float, x: str):
    """The smallest ``x`` from which on every row's ``key`` stays within ``tolerance`` of 1 (None if never)."""
    last_bad = None
    for i, row in enumerate(rows):
        if abs(row[key] - 1.0) > tolerance:
            last_bad = i
    if last_bad is None:
        return rows[0][x]
    return rows[last_bad + 1][x] if last_bad + 1 < len(rows) else None


def crystal_row(lat: Lattice) -> dict:
    """A lattice in numbers a reader can check against its preset."""
    m = get_material(lat.material)
    return {"material": lat.material, "structure": lat.structure, "a_nm": lat.a * 1e9,
            "moment_muB": lat.moment / BOHR_MAGNETON, "n_per_m3": m.n_per_m3,
            "n_times_m_over_Ms": m.n_per_m3 * lat.moment / m.Ms_A_per_m}


#: The tolerances the summary reports agreement at.
TOLERANCES = (0.01, 0.001)


def thresholds(material: str, sizes: list[dict], balls: dict) -> dict:
    """From the rows: the sphere radius (nm) and atom count from which the mid-plane flux and the outside
    field stay within each tolerance of the continuum, and the ball radius from which the ball average
    does, for every particle radius the balls were computed in (``balls``: {particle radius nm: rows})."""
    out = {"material": material}
    for tol in TOLERANCES:
        for key, name in (("flux_over_continuum", "flux"), ("outside_over_dipole", "outside")):
            R = agreement_length(sizes, key, tol, "radius_nm")
            out[f"{name}_{tol:g}_radius_nm"] = R
            out[f"{name}_{tol:g}_atoms"] = next((r["atoms"] for r in sizes if r["radius_nm"] == R), None)
        for particle, rows in balls.items():
            limited = [r for r in rows if r["rho_nm"] <= 0.9 * particle]
            out[f"ball_{tol:g}_in_{particle:.4g}_nm"] = agreement_length(limited, "average_over_continuum", tol,
                                                                         "rho_nm")
    return out


def conclusions(crystals, sizes: dict, found) -> str:
    """What the size study and the ball averages show, as a Markdown list, every number taken from them."""
    lines = []
    for row, crystal in zip(found, crystals):
        name = row["material"]
        last = sizes[name][-1]
        flux1, atoms1 = row["flux_0.01_radius_nm"], row["flux_0.01_atoms"]
        out1 = row["outside_0.01_radius_nm"]
        balls = {k: v for k, v in row.items() if k.startswith("ball_")}
        b1 = [v for k, v in balls.items() if k.startswith("ball_0.01_")]
        b01 = [v for k, v in balls.items() if k.startswith("ball_0.001_")]
        text = (f"**{name}** ({crystal['structure']}): the mid-plane flux stays within 1 % of the continuum "
                + (f"from $R$ = {flux1:.3g} nm ({atoms1:,} atoms) on" if flux1 is not None else "at no size computed")
                + f", and at $R$ = {last['radius_nm']:.3g} nm ({last['atoms']:,} atoms) "
                f"it is {last['flux_over_phi0']:.3f} "
                f"$\\Phi_0$, not a whole number; the field at $2R$ is within 1 % of the point dipole "
                + (f"from $R$ = {out1:.3g} nm on" if out1 is not None else "at no size computed")
                + "; the ball average comes within 1 % from $\\rho$ = "
                + " and ".join("never" if x is None else f"{x:.3g} nm" for x in b1)
                + " and within 0.1 % from $\\rho$ = "
                + " and ".join("never" if x is None else f"{x:.3g} nm" for x in b01)
                + " (in the two particles)")
        lorentz = abs(last["lorentz_over_mu0Ms"])
        text += ("; the Lorentz sum at the centre atom is below 1e-12 $\\mu_0 M_s$ (round-off: zero by cubic symmetry)."
                 if lorentz < 1e-12 else
                 f"; the Lorentz sum at the centre atom is {last['lorentz_over_mu0Ms']:+.1e} $\\mu_0 M_s$ "
                 f"(not zero: the hexagonal lattice lacks cubic symmetry).")
        lines.append(text)
    same = []
    for row in found:
        for tol in TOLERANCES:
            values = [v for k, v in row.items() if k.startswith(f"ball_{tol:g}_")]
            if len(values) == 2 and None not in values:
                same.append(abs(values[0] - values[1]) / max(values) < 0.25)
    if same and all(same):
        lines.append("In every crystal the ball average reaches each tolerance at the same averaging radius in a "
                     "particle of either size: the threshold is an averaging length of a few lattice constants, not "
                     "a particle size. The flux through the whole cross-section, a surface-sensitive quantity, "
                     "approaches the continuum only slowly with the particle's size.")
    elif same:
        lines.append("The ball average reaches a tolerance at different averaging radii in the two particles for "
                     "some crystal: the threshold depends on the particle as well as on the averaging length.")
    return "\n".join(f"- {line}" for line in lines)
