"""Notebook 08's study: from atoms to the continuum, sphere by sphere and ball by ball.

Built on the exact sums of :mod:`nanoflux.continuum` over crystals of :mod:`nanoflux.lattice`: how the
mid-plane flux, the field at 2R and the ball average around the centre approach the uniformly magnetized
continuum, from which size on they stay within a tolerance of it (:mod:`nanoflux.studies.thresholds`, without
a grid), and how the flux through a cut depends on where the cut lies (:mod:`nanoflux.studies.plane_height`).
Every result is a typed row (a NamedTuple) that the tables (nanoflux.report) and the figure
(nanoflux.plots.continuum) read. SI units inside; lengths in rows in nm, as the tables print them.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from nanoflux.constants import BOHR_MAGNETON
from nanoflux.continuum import (
    MU0,
    axis_coefficients,
    axis_field,
    ball_intervals,
    disc_flux,
    lorentz_limit,
    lorentz_sum,
    shell_quadrupole_sums,
)
from nanoflux.flux import flux_quantum
from nanoflux.lattice import COBALT_C_OVER_A, STRUCTURES, Columns, Lattice, columns, lattice
from nanoflux.materials import get_material
from nanoflux.studies import plane_height, thresholds
from nanoflux.studies.continuum_words import (  # noqa: F401 (notebook 08 reads them here)
    conclusions,
    cross_section_summary,
    grid_reading,
    threshold_summary,
)

#: The tolerances the thresholds are found at.
TOLERANCES = (0.01, 0.001)
#: The flux scan starts here (m): below it a disc holds a few dozen atoms; the thresholds lie far above.
FLUX_SCAN_START = 0.4e-9
#: The smallest averaging radius of the ball-average table (m).
BALL_TABLE_START = 0.3e-9


def crystals(materials) -> list[Lattice]:
    """The lattices of ``materials`` ("Fe", "Ni", "Co"): cobalt twice, with the ideal c/a and with its own."""
    out = []
    for name in materials:
        out.append(lattice(name))
        if STRUCTURES[name] == "hcp":
            out.append(lattice(name, COBALT_C_OVER_A))
    return out


class CrystalRow(NamedTuple):
    """A lattice in numbers a reader can check against its preset: n m / Ms is 1 by construction."""

    label: str
    material: str
    structure: str
    a_nm: float
    c_over_a: float
    moment_muB: float
    n_per_m3: float
    n_times_m_over_Ms: float


def crystal_row(lat: Lattice) -> CrystalRow:
    """The lattice's constants beside its preset's."""
    m = get_material(lat.material)
    return CrystalRow(lat.label, lat.material, lat.structure, lat.a * 1e9, lat.c_over_a, lat.moment / BOHR_MAGNETON,
                      m.n_per_m3, m.n_per_m3 * lat.moment / m.Ms_A_per_m)


class SizeRow(NamedTuple):
    """One sphere of radius R: its atoms, the mid-plane flux (Wb) against the continuum (2/3) mu0 Ms pi R_d^2
    (R_d the disc's radius) and in units of Phi0, the field at 2R on the axis against the point dipole of
    the total moment, and the centre atom's Lorentz field in units of mu0 Ms. Direct sums over all atoms."""

    radius_nm: float
    atoms: int
    flux_Wb: float
    flux_over_continuum: float
    flux_over_phi0: float
    outside_over_dipole: float
    lorentz_over_mu0Ms: float


def size_rows(cols: Columns, radii) -> list[SizeRow]:
    """:class:`SizeRow` for each radius (m) up to the columns' own radius."""
    lat = cols.lattice
    mu0Ms = MU0 * get_material(lat.material).Ms_A_per_m
    height = lat.layer_spacing / 2.0
    rows = []
    for R in sorted(float(x) for x in radii):
        n = cols.columns_within(R)
        N = int(cols.count[:n].sum())
        disc = math.sqrt(max(R * R - height * height, 0.0))
        flux = float(disc_flux(cols, n, disc, height)[0]) if disc > 0 else 0.0
        dipole = MU0 * N * lat.moment / (2.0 * np.pi * (2.0 * R) ** 3)
        rows.append(SizeRow(R * 1e9, N, flux, flux / (2.0 / 3.0 * mu0Ms * np.pi * disc * disc),
                            flux / flux_quantum(), axis_field(cols, n, 2.0 * R) / dipole, lorentz_sum(cols, n)))
    return rows


class BallRow(NamedTuple):
    """<B_z> over the ball of radius rho about the centre atom, in units of (2/3) mu0 Ms."""

    rho_nm: float
    atoms_inside: int
    average_over_continuum: float


def ball_rows(cols: Columns, rhos) -> list[BallRow]:
    """:class:`BallRow` at each averaging radius (m), from the closed form between shells."""
    rhos = np.sort(np.asarray(rhos, dtype=float))
    iv = ball_intervals(cols, float(rhos[-1]) * (1 + 1e-12))
    inside = cols.atoms_within[np.searchsorted(cols.shell_r2, rhos * rhos * (1 + 1e-12), side="right") - 1]
    return [BallRow(rho * 1e9, int(k), float(b)) for rho, k, b in zip(rhos, inside, iv.at(rhos))]


class ThresholdRow(NamedTuple):
    """From which size on each quantity stays within ``tolerance`` of the continuum (None: not up to the
    largest sphere): the sphere radius for the mid-plane flux (and its atoms) and for the field at 2R, the
    averaging radius for the ball average about the centre atom."""

    label: str
    tolerance: float
    flux_nm: float | None
    flux_atoms: int | None
    field_nm: float | None
    ball_nm: float | None


class ScanCheck(NamedTuple):
    """How each threshold was found: flux samples and intervals sampled again near the tolerance; the flux
    from the nested sums against direct summation at ``direct_points`` radii (largest relative difference);
    the bound on the field's sampling error; the columns and shells of the largest sphere."""

    label: str
    columns: int
    shells: int
    flux_samples: int
    rechecked_intervals: int
    direct_points: int
    direct_difference: float
    field_bound: float


class IdentityRow(NamedTuple):
    """The ball average about the centre atom in two particles, for every rho up to 0.9 of the smaller: the
    largest difference (units of (2/3) mu0 Ms), and the shells whose atoms' sum of 3 z^2 - r^2 is not zero
    (zero for every shell of a cubic lattice, by symmetry: then the atoms outside a ball add nothing at its
    centre and the particle's size cannot matter); and the 1 % threshold of the ball average in each."""

    label: str
    small_nm: float
    large_nm: float
    max_difference: float
    nonzero_shells: int
    shells: int
    small_threshold_nm: float | None
    large_threshold_nm: float | None


class LorentzRow(NamedTuple):
    """The field at the centre atom from all the others, in units of mu0 Ms: in the sphere of ``radius_nm``
    and, by Ewald summation, in an infinite sphere; and that limit in mT."""

    label: str
    c_over_a: float
    a_nm: float
    c_nm: float
    radius_nm: float
    sphere: float
    limit: float
    limit_mT: float


@dataclass
class CrystalStudy:
    """Everything notebook 08 computes for one crystal, and the samples its figure draws."""

    crystal: CrystalRow
    sizes: list
    thresholds: list
    check: ScanCheck
    identity: IdentityRow
    lorentz: LorentzRow
    balls: list
    sections: list
    curves: list
    scans: dict


def study(lat: Lattice, radii, section_radii=(), small_fraction: float = 1 / 3) -> CrystalStudy:
    """Notebook 08 for one crystal: the size rows at ``radii`` (m; the largest is the largest sphere), the
    thresholds, the ball-average identity between the largest particle and one ``small_fraction`` as wide,
    the Lorentz sums, and the cross-sections of the largest sphere and of spheres of ``section_radii`` (m)."""
    R_max = max(float(x) for x in radii)
    cols = columns(lat, R_max)
    ball, _ = thresholds.ball_scan(cols, 0.9 * R_max)
    coefficients = axis_coefficients(cols)
    field = thresholds.axis_scan(cols, R_max, coefficients, min(TOLERANCES))
    fs = thresholds.flux_scan(cols, R_max, FLUX_SCAN_START)
    rows, rechecked, direct = [], 0, []
    for tol in TOLERANCES:
        flux_R, again, scan = thresholds.flux_threshold(cols, fs, tol)
        rechecked += again
        field_R, _ = thresholds.axis_threshold(cols, tol, R_max, coefficients)
        atoms = None if flux_R is None else int(cols.count[:cols.columns_within(flux_R)].sum())
        rows.append(ThresholdRow(lat.label, tol, _nm(flux_R), atoms, _nm(field_R),
                                 _nm(thresholds.ball_threshold(cols, tol, 0.9 * R_max))))
        if flux_R is not None:  # check the nested sums by direct summation just above the crossing
            direct.append(flux_R * (1 + 1e-9))
    direct += [R_max, float(fs.scan.R[np.argmin(fs.scan.dev)]), float(fs.scan.R[np.argmax(fs.scan.dev)])]
    differences = []
    for R in direct:
        n = cols.columns_within(R)
        nested = float(thresholds.flux_at(fs, np.array([R]), np.array([n]))[0]) + 1.0
        differences.append(abs(nested / thresholds.direct_flux_ratio(cols, R, n) - 1.0))
    shells = int(np.searchsorted(cols.shell_r2, R_max**2 * (1 + 1e-12), side="right"))
    check = ScanCheck(lat.label, len(cols.rho), shells, len(fs.scan.R), rechecked, len(direct), max(differences),
                      field.bound)
    sections, curves = [], []
    for R in (R_max, *section_radii):
        row, curve = plane_height.cross_sections(cols if R == R_max else columns(lat, R), lat.label)
        sections.append(row)
        curves.append(curve)
    return CrystalStudy(crystal_row(lat), size_rows(cols, radii), rows, check,
                        ball_identity(lat, cols, small_fraction * R_max), lorentz_row(lat, cols),
                        ball_rows(cols, np.geomspace(BALL_TABLE_START, 0.9 * R_max, 8)), sections, curves,
                        {"flux": fs.scan, "field": field, "ball": ball})


def _nm(x: float | None) -> float | None:
    return None if x is None else x * 1e9


def ball_identity(lat: Lattice, large: Columns, small_radius: float) -> IdentityRow:
    """Compare the ball average about the centre atom in the particle ``large`` and in one of ``small_radius``
    (m), interval by interval up to 0.9 of the smaller (a check that fails for hcp)."""
    small = columns(lat, small_radius)
    rho_max = 0.9 * small_radius
    a, b = ball_intervals(large, rho_max), ball_intervals(small, rho_max)
    n = min(len(a.lo), len(b.lo))
    diff = max(float(np.max(np.abs(a.C[:n] - b.C[:n]))), float(np.max(np.abs(a.A[:n] - b.A[:n]) / a.A[:n])))
    sums = shell_quadrupole_sums(large)
    if sums.dtype.kind == "i":
        nonzero = int(np.count_nonzero(sums))
    else:  # floats: zero to round-off relative to the shell's own sum of r^2
        scale = large.shell_r2 * large.shell_atoms
        nonzero = int(np.count_nonzero(np.abs(sums) > 1e-9 * scale))
    found = [thresholds.ball_threshold(c, TOLERANCES[0], rho_max) for c in (small, large)]
    return IdentityRow(lat.label, small_radius * 1e9, large.radius * 1e9, diff, nonzero, len(sums),
                       *(_nm(x) for x in found))


def lorentz_row(lat: Lattice, cols: Columns) -> LorentzRow:
    """The Lorentz sum at the centre atom of ``cols`` and its Ewald limit."""
    limit = lorentz_limit(lat)
    mu0Ms = MU0 * get_material(lat.material).Ms_A_per_m
    return LorentzRow(lat.label, lat.c_over_a, lat.a * 1e9, 2 * lat.layer_spacing * 1e9 if lat.structure == "hcp"
                      else lat.a * 1e9, cols.radius * 1e9, lorentz_sum(cols), limit, limit * mu0Ms * 1e3)


def records(rows) -> list[dict]:
    """Typed rows as JSON records."""
    return [row._asdict() for row in rows]


class EnvelopeRow(NamedTuple):
    """The largest |deviation| from the continuum at or beyond ``size_nm`` (the figure's bold line), for one
    crystal and quantity ("flux", "field" or "ball")."""

    label: str
    quantity: str
    size_nm: float
    largest_deviation: float


def envelope_rows(study: CrystalStudy, points: int = 25) -> list[EnvelopeRow]:
    """The figure's envelopes at ``points`` sizes spaced evenly in log between each scan's ends."""
    rows = []
    for key, scan in study.scans.items():
        keep = scan.R > 0
        R, env = scan.R[keep], thresholds.envelope(scan)[keep]
        for x in np.geomspace(R[0], R[-1], points):
            i = min(int(np.searchsorted(R, x * (1 - 1e-12))), len(R) - 1)
            rows.append(EnvelopeRow(study.crystal.label, key, float(x * 1e9), float(env[i])))
    return rows
