"""Tables of results, shared by the command line (plain text) and the notebooks (HTML, with a plain-text
form that nbval compares): each function returns a :class:`nanoflux.tables.Table`.

Numbers are always formatted here, so the output is stable across numpy versions.
"""
from __future__ import annotations

import numpy as np

from nanoflux import validate as v
from nanoflux.claims import check_claims
from nanoflux.flux import critical_area, critical_radius, flux_quantum
from nanoflux.formatting import fixed, num, round_off
from nanoflux.materials import get_material
from nanoflux.meanfield import table_one
from nanoflux.tables import Table


def _table(header, rows, caption: str = "", words: int = 0) -> Table:
    """A Table of formatted cells; the first ``words`` columns hold words (left-aligned in HTML)."""
    return Table(tuple(header), [tuple(r) for r in rows], caption, tuple(range(words)))


def flux_radius_table(B_tesla=(), convention: str = "h/2e", *, materials=()) -> Table:
    """Eqs. 2, 3 and 4 for each field in T and each material preset (its mu0 Ms), as a text table."""
    phi0 = flux_quantum(convention)
    checked = () if np.size(B_tesla) == 0 else np.atleast_1d(v.positive_finite(B_tesla, "B", "T"))
    fields = [float(b) for b in checked]
    labels = [f"{b:.4g} T" for b in fields]
    for name in materials:
        fields.append(get_material(name).mu0Ms_tesla)
        labels.append(f"{name} (mu0 Ms)")
    with np.errstate(all="ignore"):
        areas_nm2 = critical_area(np.array(fields), convention) * 1e18 if fields else np.array([])
    v.in_float_range(areas_nm2, "A in nm^2", "B must be at least 1e-290 T for this table", B=np.array(fields))
    rows = [
        (label, f"{b:.4g}", fixed(area), fixed(critical_radius(b, convention) * 1e9))
        for label, b, area in zip(labels, fields, areas_nm2)
    ]
    caption = f"Phi0 = {convention} = {phi0:.9e} Wb (Eq. 2)"
    if not materials:  # the field is the whole label: no separate source column
        return _table(("B [T]", "A = Phi0/B [nm^2] (Eq. 3)", "r_c [nm] (Eq. 4)"), [r[1:] for r in rows], caption)
    return _table(("source", "B [T]", "A = Phi0/B [nm^2] (Eq. 3)", "r_c [nm] (Eq. 4)"), rows, caption, words=1)


def table_one_comparison(N=None, n=None, *, material=None) -> Table:
    """Table I recomputed next to the paper's printed values, as text."""
    rows = table_one(n=n, material=material) if N is None else table_one(N, n=n, material=material)
    out = []
    for row in rows:
        printed = "-" if row.paper_nm is None else f"{row.paper_nm:.{row.paper_decimals}f}"
        agree = "-" if row.agrees is None else ("yes" if row.agrees else "NO")
        out.append((f"{row.N:d}", f"{row.radius_nm:.3f}", printed, agree))
    return _table(("N", "r_c [nm]", "paper [nm]", "agrees"), out)


def claims_table(results=None) -> Table:
    """The claims ledger with PASS/FAIL per claim, as text."""
    results = check_claims() if results is None else results
    return _table(("", "claim", "paper", "recomputed", "where in the paper"), [claim_row(r) for r in results], words=2)


def claim_row(result) -> tuple[str, str, str, str, str]:
    """One claim formatted: PASS/FAIL, key, printed value, recomputed value, where in the paper
    (shared by :func:`claims_table` and the reading site's claims table)."""
    c = result.claim
    shown = f"{result.recomputed:.{max(c.decimals, 3) if c.unit else 6}f}"
    return ("PASS" if result.agrees else "FAIL", c.key, f"{c.printed_text} {c.unit}".strip(),
            f"{shown} {c.unit}".strip(), c.where)


def particles_table(particles, convention: str) -> Table:
    """Figure 1's particles: radius, flux quanta through the cross-section and lines drawn (notebook 03)."""
    body = [(f"{p['radius_over_critical']:.3g}", f"{p['radius_nm']:.2f}", f"{p['flux_quanta']:.3f}",
             f"{p['flux_lines']:d}")
            for p in particles]
    return _table(("r / r_c", "r [nm]", "flux quanta B pi r^2 / Phi0", "lines drawn"), body,
                  f"flux quantum {convention}")


def samples_table(sample_list, aligned: bool) -> Table:
    """Notebook 05's samples: N, the sphere radius and the moments' directions."""
    body = [(f"{s.N:d}", f"{s.radius * 1e9:.2f}", "along +z" if aligned else "random") for s in sample_list]
    return _table(("N", "R [nm]", "moments"), body)


# -- the assumptions notebook (06) -------------------------------------------------------------------

def density_table(rows) -> Table:
    """Densities against the paper's, with Table I recomputed at each (rows from studies.assumptions.density_rows)."""
    Ns = list(rows[0].radius_nm)
    header = ("density", "n [m^-3]", "n / paper", *(f"r_c(N={k}) [nm]" for k in Ns))
    body = [(r.label, num(r.n_per_m3), num(r.ratio_to_paper),
             *(num(r.radius_nm[k]) for k in Ns)) for r in rows]
    return _table(header, body, words=1)


def convention_table(rows, phi0: dict) -> Table:
    """r_c under h/2e and h/e per field (rows from studies.assumptions.convention_rows)."""
    caption = "; ".join(f"Phi0({c}) = {v:.9e} Wb" for c, v in phi0.items())
    body = [(f"{r.B_tesla:.4g}", f"{r.radius_nm['h/2e']:.2f}", f"{r.radius_nm['h/e']:.2f}",
             f"{r.ratio:.6f}") for r in rows]
    return _table(("B [T]", "r_c h/2e [nm]", "r_c h/e [nm]", "h/e / h/2e"), body, caption)


def shape_table(rows, convention: str) -> Table:
    """Internal B and the flux-quantum radius by shape (rows from studies.assumptions.shape_rows)."""
    body = [(r.label, r.shape, f"{r.B_tesla:.4f}", f"{r.radius_nm:.2f}") for r in rows]
    return _table(("material", "shape", "internal B [T]", f"r_c ({convention}) [nm]"), body, words=2)


def midplane_table(rows) -> Table:
    """Flux through the mid-plane disc of a uniformly magnetized sphere (rows from
    studies.assumptions.midplane_flux_rows)."""
    body = [(f"{r.radius_over_critical:.3g}", f"{r.radius_nm:.2f}", num(r.flux_Wb, 4),
             f"{r.flux_over_phi0:.4f}")
            for r in rows]
    return _table(("R / r_c", "R [nm]", "flux [Wb]", "flux / Phi0"), body)


def magnetic_length_table(rows) -> Table:
    """The paper's r_c beside the magnetic length (rows from studies.assumptions.magnetic_length_rows)."""
    body = [(f"{r.B_tesla:.4g}", f"{r.radius_nm:.6f}", f"{r.magnetic_length_nm:.6f}", f"{r.ratio:.15f}")
            for r in rows]
    return _table(("B [T]", "r_c, Eq. 4 [nm]", "sqrt(hbar/(e B)) [nm]", "ratio"), body)


def moment_density_table(rows) -> Table:
    """mu0 n mu_B against mu0 Ms (rows from studies.assumptions.moment_density_rows)."""
    dash = "-"
    body = [(r.label, num(r.n_per_m3), num(r.mu0_n_muB_tesla, 4),
             dash if r.mu0Ms_tesla is None else f"{r.mu0Ms_tesla:.4f}",
             dash if r.moment_per_atom_muB is None else f"{r.moment_per_atom_muB:.3f}") for r in rows]
    return _table(("density", "n [m^-3]", "mu0 n mu_B [T]", "mu0 Ms [T]", "Ms / n [mu_B]"), body, words=1)


def criteria_table(rows) -> Table:
    """Dipoles in a sphere of the flux-quantum radius (rows from studies.assumptions.criteria_rows)."""
    dash = "-"
    body = [(r.label, num(r.n_per_m3), f"{r.radius_1T_nm:.2f}", num(r.N_at_1T),
             dash if r.radius_own_field_nm is None else f"{r.radius_own_field_nm:.2f}",
             dash if r.N_at_own_field is None else num(r.N_at_own_field)) for r in rows]
    return _table(("density", "n [m^-3]", "r_c(1 T) [nm]", "N in it", "r_c(mu0 Ms) [nm]", "N in it"), body)


# -- the discrete-dipoles notebook (05) --------------------------------------------------------------

def divergence_table(rows) -> Table:
    """Pointwise finite-difference div B at steps h and h/2 (rows from studies.discrete_dipoles.divergence_rows):
    the median and 99th percentile of |div B| / (sum of |dB_i/dx_i|), and the h^2 check far from dipoles."""
    body = [(f"{r.N:d}", r.model, f"{r.step_m * 1e9:.3g}", f"{r.points:d}", f"{r.inside:d}",
             f"{r.h_q50:.2g}", f"{r.h_q99:.2g}", f"{r.h2_q50:.2g}", f"{r.h2_q99:.2g}",
             f"{r.law_points:d}", "-" if r.law_ratio is None else f"{r.law_ratio:.2f}") for r in rows]
    return _table(("N", "model", "h [nm]", "points", "inside", "median h", "99% h", "median h/2", "99% h/2",
                   "far points", "ratio far"), body, words=2)


def flux_table(rows) -> Table:
    """Relative net flux through the closed spheres (rows from studies.discrete_dipoles.flux_rows)."""
    body = [(f"{r.N:d}", r.model, round_off(r.relative_inside), round_off(r.relative_outside))
            for r in rows]
    return _table(("N", "model", "sphere 2R, all inside", "sphere off-centre, none inside"), body, words=2)


def ball_table(rows) -> Table:
    """<B_z> V / (mu0 m) over a ball around one dipole (rows from studies.discrete_dipoles.contact_term_rows)."""
    def shown(x):
        return f"{x:+.9f}" if abs(x) >= 1e-9 else f"{x:+.1e}"
    body = [(r.model, f"{r.expected:+.9f}", shown(r.computed), f"{r.quadrature_change:.1e}") for r in rows]
    return _table(("model", "expected", "computed", "change at half the nodes"), body, words=1)


def fluctuation_table(fluct, law, *, aligned: bool = True) -> Table:
    """Mean and spread of B_z at the probe over configurations (a dipole_checks.FieldFluctuation),
    with the spread times sqrt(N) beside the law's prefactor (studies.discrete_dipoles.spread_law)."""
    spread = fluct.relative if aligned else fluct.std_over_scale
    body = [(f"{int(N):d}", f"{m:.4g}", f"{s:.4g}", f"{r:.3g}", f"{r * np.sqrt(N):.3g}", f"{law.prefactor:.3g}")
            for N, m, s, r in zip(fluct.N, fluct.mean, fluct.std, spread)]
    head = "std / |mean|" if aligned else "std / (mu0 n m)"
    return _table(("N", "mean B_z [T]", "std B_z [T]", head, "x sqrt(N)", f"{law.prefactor_source}"), body)


# -- the atoms-to-continuum notebook (08) ---------------------------------------------------------------
# rows: the typed rows of nanoflux.studies.atoms_to_continuum and nanoflux.studies.plane_height

def _nm(x, digits: int = 4) -> str:
    return "not reached" if x is None else f"{x:.{digits}g} nm"


def lattice_table(rows) -> Table:
    """Each crystal against its preset (CrystalRow)."""
    body = [(r.label, f"{r.a_nm:.4f}", f"{r.c_over_a:.4f}" if r.structure == "hcp" else "-", f"{r.moment_muB:.3f}",
             num(r.n_per_m3), f"{r.n_times_m_over_Ms:.12f}") for r in rows]
    return _table(("crystal", "a [nm]", "c/a", "m [mu_B]", "n [m^-3]", "n m / Ms"), body, words=1)


def size_table(rows) -> Table:
    """The size study of one crystal (SizeRow)."""
    body = [(f"{r.radius_nm:.3f}", f"{r.atoms:d}", f"{r.flux_over_continuum:.5f}", f"{r.flux_over_phi0:.4f}",
             f"{r.outside_over_dipole:.6f}", round_off(r.lorentz_over_mu0Ms, signed=True)) for r in rows]
    return _table(("R [nm]", "atoms", "flux / continuum", "flux / Phi0", "B(2R) / dipole", "Lorentz / mu0 Ms"), body)


def threshold_table(rows) -> Table:
    """Where each quantity comes within each tolerance of the continuum for good (ThresholdRow)."""
    body = [(r.label, f"{r.tolerance:.1%}", _nm(r.flux_nm), "-" if r.flux_atoms is None else num(r.flux_atoms),
             _nm(r.field_nm), _nm(r.ball_nm)) for r in rows]
    return _table(("crystal", "within", "flux: from R =", "atoms", "B(2R): from R =", "ball average: from rho ="),
                  body, words=1)


def scan_table(rows) -> Table:
    """How the thresholds were found (ScanCheck)."""
    body = [(r.label, f"{r.columns:,d}", f"{r.shells:,d}", f"{r.flux_samples:,d}", f"{r.rechecked_intervals:d}",
             round_off(r.direct_difference), f"{r.field_bound:.0e}") for r in rows]
    return _table(("crystal", "columns", "shells", "flux samples", "rechecked intervals", "nested vs direct sums",
                   "B(2R) sampling bound"), body, words=1)


def identity_table(rows) -> Table:
    """The ball average in two particles (IdentityRow)."""
    body = [(r.label, f"{r.small_nm:.4g} / {r.large_nm:.4g}", round_off(r.max_difference),
             f"{r.nonzero_shells:,d} of {r.shells:,d}",
             f"{_nm(r.small_threshold_nm, 8)} / {_nm(r.large_threshold_nm, 8)}") for r in rows]
    return _table(("crystal", "particles [nm]", "largest difference", "shells with sum (3z^2 - r^2) != 0",
                   "1% from rho = (in each)"), body, words=1)


def lorentz_table(rows) -> Table:
    """The Lorentz sum at the centre atom (LorentzRow)."""
    body = [(r.label, f"{r.a_nm:.5f}", f"{r.c_nm:.5f}", round_off(r.sphere, signed=True),
             round_off(r.limit, signed=True), "-" if abs(r.limit) < 1e-12 else f"{r.limit_mT:.2f}") for r in rows]
    head = f"sphere of {rows[0].radius_nm:.4g} nm" if rows else "sphere"
    return _table(("crystal", "a [nm]", "c [nm]", f"{head} [mu0 Ms]", "infinite sphere [mu0 Ms]", "[mT]"), body,
                  words=1)


def cross_section_table(rows) -> Table:
    """The flux through a sphere's cuts over one layer period (plane_height.CrossSection)."""
    body = [(r.label, f"{r.radius_nm:.4g}", f"{r.mid_gap:.6f}", f"{r.through_layer:.4f}", f"{r.next_layer:.4f}",
             f"{r.average:.5f}", f"{r.low:.4f} to {r.high:.4f}", f"{r.rim_gap_pm:.2f} ({r.rim_atoms})")
            for r in rows]
    exclude = f" ({rows[0].exclude_pm:g} pm or more from a layer)" if rows else ""
    return _table(("crystal", "R [nm]", "mid-gap", "through centre layer", "through next layer", "period average",
                   f"range{exclude}", "rim gap [pm] (atoms)"), body, words=1)


def ball_average_table(balls: dict, picks: int = 8) -> Table:
    """Ball averages in units of (2/3) mu0 Ms at ``picks`` radii (BallRow lists by crystal, one grid)."""
    names = list(balls)
    rows = balls[names[0]]
    index = np.linspace(0, len(rows) - 1, picks).astype(int)
    body = [(f"{rows[i].rho_nm:.3g}", *(f"{balls[name][i].average_over_continuum:.4f}" for name in names))
            for i in index]
    return _table(("rho [nm]", *(f"{name}" for name in names)), body,
                  "<B_z> over the ball, in units of (2/3) mu0 Ms")


# -- the critical-sizes notebook (10) --------------------------------------------------------------------
# rows: the typed rows of nanoflux.studies.critical_sizes

def constants_table(rows) -> Table:
    """Each preset's A, K1 and Ms with the ranges in use (ConstantsRow); sources in the caption's notebook."""
    body = [(r.material, f"{r.A_pJ_per_m:g}", f"{r.A_low:g} to {r.A_high:g}", f"{r.K1_kJ_per_m3:+g}",
             f"{r.K1_low:+g} to {r.K1_high:+g}", f"{r.symmetry}, easy {r.easy_axes}", f"{r.Ms_kA_per_m:g}")
            for r in rows]
    return _table(("material", "A [pJ/m]", "range in use", "K1 [kJ/m^3]", "range in use", "anisotropy",
                   "Ms [kA/m]"), body, words=1)


def sizes_table(rows) -> Table:
    """The critical sizes of each material's sphere, in nm (SizesRow)."""
    def nm(x, digits=3):
        return "-" if x is None else f"{x:.{digits}g}"
    body = [(r.material, nm(r.atom_like_nm, 2) + " to " + nm(r.bulk_like_nm, 2) if r.atom_like_nm else "-",
             "-" if r.continuum_low_nm is None else f"{r.continuum_low_nm:.2g} to {r.continuum_high_nm:.2g}",
             nm(r.exchange_nm), nm(r.superparamagnetic_nm), nm(r.coherent_nm),
             f"{nm(r.single_domain_nm)} (kappa {r.kappa:.2f})", nm(r.paper_sphere_nm, 4)) for r in rows]
    return _table(("material", "clusters", "continuum (nb 08)", "l_ex", "superparamagnetic", "coherent rotation",
                   "single domain", "paper, Eq. 4"), body, "radii in nm", words=1)


def spread_table(rows) -> Table:
    """Each size's range over the constants' ranges in use, in nm (SpreadRow)."""
    def span(pair):
        return f"{pair[0]:.3g} to {pair[1]:.3g}"
    body = [(r.material, span(r.exchange), span(r.coherent), span(r.single_domain), span(r.superparamagnetic))
            for r in rows]
    return _table(("material", "l_ex", "coherent rotation", "single domain", "superparamagnetic"), body,
                  "radii in nm, over the ranges of A and K1 in use", words=1)


def barrier_table(rows) -> Table:
    """The anisotropy barrier behind the superparamagnetic radius (SizesRow with ConstantsRow by material)."""
    body = [(r.material, f"{r.barrier_kJ_per_m3:.3g}", f"{r.superparamagnetic_nm:.3g}",
             f"{r.superparamagnetic_K1_nm:.3g}") for r in rows]
    return _table(("material", "K_eff [kJ/m^3]", "radius [nm]", "radius with K_eff = |K1| [nm]"), body, words=1)


def explorer_table(state) -> Table:
    """The explorer's values and both radii (an explorer.ExplorerState)."""
    source = state.source()
    rows = [("flux quantization, Eq. 4", f"B = {state.B_tesla:.4g} T, Phi0 = {state.flux_quantum_convention}",
             f"{state.flux_radius_nm:.4f}"),
            ("mean field, Table I's formula", f"N = {state.N:d}, n = {num(state.n_per_m3)} m^-3",
             f"{state.mean_field_radius_nm:.4f}")]
    return _table(("model", "inputs", "r_c [nm]"), rows, f"source: {source}", words=2)
