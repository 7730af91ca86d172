"""Plain-text tables of results, shared by the command line and the notebooks.

Numbers are always formatted here, so printed output is stable across numpy versions.
"""
from __future__ import annotations

import numpy as np

from . import _validate as v
from ._format import num
from .claims import check_claims
from .flux import critical_area, critical_radius, flux_quantum
from .materials import get_material
from .meanfield import table_one


def _table(header, rows) -> str:
    cols = list(zip(header, *rows)) if rows else [(h,) for h in header]
    widths = [max(len(str(c)) for c in col) for col in cols]
    line = lambda cells: "  ".join(str(c).rjust(w) for c, w in zip(cells, widths)).rstrip()
    out = [line(header), line(["-" * w for w in widths])]
    out += [line(r) for r in rows]
    return "\n".join(out)


def _fixed(x: float) -> str:
    """Two decimals for ordinary sizes, significant figures for very large ones."""
    return f"{x:.2f}" if abs(x) < 1e9 else num(x, 4)


def flux_radius_text(B_tesla=(), convention: str = "h/2e", *, materials=()) -> str:
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
        (label, f"{b:.4g}", _fixed(area), _fixed(critical_radius(b, convention) * 1e9))
        for label, b, area in zip(labels, fields, areas_nm2)
    ]
    head = f"Phi0 = {convention} = {phi0:.9e} Wb (Eq. 2)"
    return head + "\n" + _table(("source", "B [T]", "A = Phi0/B [nm^2] (Eq. 3)", "r_c [nm] (Eq. 4)"), rows)


def table_one_text(N=None, n=None, *, material=None) -> str:
    """Table I recomputed next to the paper's printed values, as text."""
    rows = table_one(n=n, material=material) if N is None else table_one(N, n=n, material=material)
    out = []
    for row in rows:
        printed = "-" if row.paper_nm is None else f"{row.paper_nm:.{row.paper_decimals}f}"
        agree = "-" if row.agrees is None else ("yes" if row.agrees else "NO")
        out.append((f"{row.N:d}", f"{row.radius_nm:.3f}", printed, agree))
    return _table(("N", "r_c [nm]", "paper [nm]", "agrees"), out)


def claims_text(results=None) -> str:
    """The claims ledger with PASS/FAIL per claim, as text."""
    results = check_claims() if results is None else results
    return _table(("", "claim", "paper", "recomputed", "where in the paper"), [claim_row(r) for r in results])


def claim_row(result) -> tuple[str, str, str, str, str]:
    """One claim formatted: PASS/FAIL, key, printed value, recomputed value, where in the paper
    (shared by :func:`claims_text` and the reading site's claims table)."""
    c = result.claim
    shown = f"{result.recomputed:.{max(c.decimals, 3) if c.unit else 6}f}"
    return ("PASS" if result.agrees else "FAIL", c.key, f"{c.printed_text} {c.unit}".strip(),
            f"{shown} {c.unit}".strip(), c.where)


# -- the assumptions notebook (06) -------------------------------------------------------------------

def density_text(rows) -> str:
    """Densities against the paper's, with Table I recomputed at each (rows from assumptions.density_rows)."""
    Ns = list(rows[0]["radius_nm"])
    header = ("density", "n [m^-3]", "n / paper", *(f"r_c(N={k}) [nm]" for k in Ns))
    body = [(r["label"], num(r['n_per_m3']), num(r['ratio_to_paper']),
             *(num(r['radius_nm'][k]) for k in Ns)) for r in rows]
    return _table(header, body)


def convention_text(rows, phi0: dict) -> str:
    """r_c under h/2e and h/e per field (rows from assumptions.convention_rows)."""
    head = "; ".join(f"Phi0({c}) = {v:.9e} Wb" for c, v in phi0.items())
    body = [(f"{r['B_tesla']:.4g}", f"{r['radius_nm']['h/2e']:.2f}", f"{r['radius_nm']['h/e']:.2f}",
             f"{r['ratio']:.6f}") for r in rows]
    return head + "\n" + _table(("B [T]", "r_c h/2e [nm]", "r_c h/e [nm]", "h/e / h/2e"), body)


def field_text(rows, convention: str) -> str:
    """The flux-quantum radius at each material's mu0 Ms (rows from assumptions.field_rows)."""
    body = [(r["label"], f"{r['B_tesla']:.4f}", f"{r['radius_nm']:.2f}") for r in rows]
    return _table(("material", "mu0 Ms [T]", f"r_c ({convention}) [nm]"), body)


def shape_text(rows, convention: str) -> str:
    """Internal B and the flux-quantum radius by shape (rows from assumptions.shape_rows)."""
    body = [(r["label"], r["shape"], f"{r['B_tesla']:.4f}", f"{r['radius_nm']:.2f}") for r in rows]
    return _table(("material", "shape", "internal B [T]", f"r_c ({convention}) [nm]"), body)


def midplane_text(rows) -> str:
    """Flux through the mid-plane disc of a uniformly magnetized sphere (rows from assumptions.midplane_flux_rows)."""
    body = [(f"{r['radius_over_critical']:.3g}", f"{r['radius_nm']:.2f}", num(r["flux_Wb"], 4), f"{r['flux_over_phi0']:.4f}")
            for r in rows]
    return _table(("R / r_c", "R [nm]", "flux [Wb]", "flux / Phi0"), body)


def magnetic_length_text(rows) -> str:
    """The paper's r_c beside the magnetic length (rows from assumptions.magnetic_length_rows)."""
    body = [(f"{r['B_tesla']:.4g}", f"{r['radius_nm']:.6f}", f"{r['magnetic_length_nm']:.6f}", f"{r['ratio']:.15f}")
            for r in rows]
    return _table(("B [T]", "r_c, Eq. 4 [nm]", "sqrt(hbar/(e B)) [nm]", "ratio"), body)


def moment_density_text(rows) -> str:
    """mu0 n mu_B against mu0 Ms (rows from assumptions.moment_density_rows)."""
    dash = "-"
    body = [(r["label"], num(r["n_per_m3"]), num(r["mu0_n_muB_tesla"], 4),
             dash if r["mu0Ms_tesla"] is None else f"{r['mu0Ms_tesla']:.4f}",
             dash if r["moment_per_atom_muB"] is None else f"{r['moment_per_atom_muB']:.3f}") for r in rows]
    return _table(("density", "n [m^-3]", "mu0 n mu_B [T]", "mu0 Ms [T]", "Ms / n [mu_B]"), body)


def criteria_text(rows) -> str:
    """Dipoles in a sphere of the flux-quantum radius (rows from assumptions.criteria_rows)."""
    dash = "-"
    body = [(r["label"], num(r['n_per_m3']), f"{r['radius_1T_nm']:.2f}", num(r['N_at_1T']),
             dash if r["radius_own_field_nm"] is None else f"{r['radius_own_field_nm']:.2f}",
             dash if r["N_at_own_field"] is None else num(r['N_at_own_field'])) for r in rows]
    return _table(("density", "n [m^-3]", "r_c(1 T) [nm]", "N in it", "r_c(mu0 Ms) [nm]", "N in it"), body)


# -- the discrete-dipoles notebook (05) --------------------------------------------------------------

from .dipole_study import ROUND_OFF  # noqa: E402  (relative values below it print as "< 1e-12":
#                                        round-off digits differ between machines and carry no information)


def _tiny(x: float) -> str:
    return f"< {ROUND_OFF:.0e}" if abs(x) < ROUND_OFF else f"{x:.3e}"


def divergence_text(rows) -> str:
    """Pointwise finite-difference div B at steps h and h/2 (rows from dipole_study.divergence_rows):
    the median and 99th percentile of |div B| / (sum of |dB_i/dx_i|), and the h^2 check far from dipoles."""
    body = [(f"{r['N']:d}", r["model"], f"{r['step_m'] * 1e9:.3g}", f"{r['points']:d}", f"{r['inside']:d}",
             f"{r['h_q50']:.2g}", f"{r['h_q99']:.2g}", f"{r['h2_q50']:.2g}", f"{r['h2_q99']:.2g}",
             f"{r['law_points']:d}", "-" if r["law_ratio"] is None else f"{r['law_ratio']:.2f}") for r in rows]
    return _table(("N", "model", "h [nm]", "points", "inside", "median h", "99% h", "median h/2", "99% h/2",
                   "far points", "ratio far"), body)


def flux_text(rows) -> str:
    """Relative net flux through the closed spheres (rows from dipole_study.flux_rows)."""
    body = [(f"{r['N']:d}", r["model"], _tiny(r["relative_inside"]), _tiny(r["relative_outside"])) for r in rows]
    return _table(("N", "model", "sphere 2R, all inside", "sphere off-centre, none inside"), body)


def ball_text(rows) -> str:
    """<B_z> V / (mu0 m) over a ball around one dipole (rows from dipole_study.ball_rows)."""
    def shown(x):
        return f"{x:+.9f}" if abs(x) >= 1e-9 else f"{x:+.1e}"
    body = [(r["model"], f"{r['expected']:+.9f}", shown(r["computed"]), f"{r['quadrature_change']:.1e}") for r in rows]
    return _table(("model", "expected", "computed", "change at half the nodes"), body)


def fluctuation_text(fluct, law, *, aligned: bool = True) -> str:
    """Mean and spread of B_z at the probe over configurations (a dipole_checks.FieldFluctuation),
    with the spread times sqrt(N) beside the law's prefactor (dipole_study.spread_law)."""
    spread = fluct.relative if aligned else fluct.std_over_scale
    body = [(f"{int(N):d}", f"{m:.4g}", f"{s:.4g}", f"{r:.3g}", f"{r * np.sqrt(N):.3g}", f"{law['prefactor']:.3g}")
            for N, m, s, r in zip(fluct.N, fluct.mean, fluct.std, spread)]
    head = "std / |mean|" if aligned else "std / (mu0 n m)"
    return _table(("N", "mean B_z [T]", "std B_z [T]", head, "x sqrt(N)", f"{law['prefactor_source']}"), body)


# -- the atoms-to-continuum notebook (08) ---------------------------------------------------------------

def _tiny_signed(x: float) -> str:
    """A signed value, or "< 1e-12" at round-off level (its digits differ between machines)."""
    return f"< {ROUND_OFF:.0e}" if abs(x) < ROUND_OFF else f"{x:+.1e}"


def lattice_text(rows) -> str:
    """Each crystal against its preset (rows from continuum.describe)."""
    body = [(r["material"], r["structure"], f"{r['a_nm']:.4f}", f"{r['moment_muB']:.3f}", num(r["n_per_m3"]),
             f"{r['n_times_m_over_Ms']:.12f}") for r in rows]
    return _table(("material", "lattice", "a [nm]", "m [mu_B]", "n [m^-3]", "n m / Ms"), body)


def size_text(rows) -> str:
    """The size study of one crystal (rows from continuum.size_rows)."""
    body = [(f"{r['radius_nm']:.3f}", f"{r['atoms']:d}", f"{r['flux_over_continuum']:.5f}", f"{r['flux_over_phi0']:.4f}",
             f"{r['outside_over_dipole']:.6f}", _tiny_signed(r["lorentz_over_mu0Ms"])) for r in rows]
    return _table(("R [nm]", "atoms", "flux / continuum", "flux / Phi0", "B(2R) / dipole", "Lorentz / mu0 Ms"), body)


def threshold_text(rows, tolerances) -> str:
    """Where each quantity comes within each tolerance of the continuum (rows from continuum.thresholds)."""
    def nm(x):
        return "not reached" if x is None else f"{x:.3g} nm"
    body = []
    for r in rows:
        for tol in tolerances:
            balls = [k for k in r if k.startswith(f"ball_{tol:g}_in_")]
            body.append((r["material"], f"{tol:.1%}", nm(r[f"flux_{tol:g}_radius_nm"]),
                         "-" if r[f"flux_{tol:g}_atoms"] is None else num(r[f"flux_{tol:g}_atoms"]),
                         nm(r[f"outside_{tol:g}_radius_nm"]),
                         ", ".join(f"{nm(r[k])} (in {k.rsplit('_in_', 1)[1].replace('_nm', '')} nm)" for k in balls)))
    return _table(("material", "within", "flux: from R =", "atoms", "B(2R): from R =", "ball average: from rho ="), body)
