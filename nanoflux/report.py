"""Plain-text tables of results, shared by the command line and the notebooks.

Numbers are always formatted here, so printed output is stable across numpy versions.
"""
from __future__ import annotations

import numpy as np

from . import _validate as v
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


def flux_radius_text(B_tesla=(), convention: str = "h/2e", *, materials=()) -> str:
    """Eqs. 2, 3 and 4 for each field in T and each material preset (its mu0 Ms), as a text table."""
    phi0 = flux_quantum(convention)
    checked = () if np.size(B_tesla) == 0 else np.atleast_1d(v.positive_finite(B_tesla, "B", "T"))
    fields = [float(b) for b in checked]
    labels = [f"{b:.4g} T" for b in fields]
    for name in materials:
        fields.append(get_material(name).mu0Ms_tesla)
        labels.append(f"{name} (mu0 Ms)")
    rows = [
        (label, f"{b:.4g}", f"{critical_area(b, convention) * 1e18:.2f}", f"{critical_radius(b, convention) * 1e9:.2f}")
        for label, b in zip(labels, fields)
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
    rows = []
    for r in results:
        c = r.claim
        shown = f"{r.recomputed:.{max(c.decimals, 3) if c.unit else 6}f}"
        rows.append(("PASS" if r.agrees else "FAIL", c.key, f"{c.printed_text} {c.unit}".strip(),
                     f"{shown} {c.unit}".strip(), c.where))
    return _table(("", "claim", "paper", "recomputed", "where in the paper"), rows)
