"""Plots for the atoms-to-continuum notebook (08), in the house style of :mod:`nanoflux.plots.style`."""
from __future__ import annotations

from matplotlib.figure import Figure

from nanoflux.plots.save import describe_figure
from nanoflux.plots.style import GREY, MATERIAL_COLORS, style

MARKERS = {"Fe": "o", "Ni": "s", "Co": "^"}
#: Deviations below this are drawn at it (none occurs at the notebook's defaults).
FLOOR = 1e-7


def continuum_figure(sizes: dict, balls: dict, tolerances=(0.01, 0.001)) -> Figure:
    """Three panels, each |lattice / continuum - 1| on log axes: the mid-plane flux and the field at 2R
    against the atom count, and the ball average against the averaging radius. ``sizes`` and ``balls``:
    {material: rows} from nanoflux.continuum.size_rows and ball_rows."""
    with style():
        fig = Figure(figsize=(11.5, 4.4))
        panels = fig.subplots(1, 3, sharey=True)
        series = [("flux_over_continuum", "mid-plane flux", "atoms in the sphere $N$", sizes, "atoms"),
                  ("outside_over_dipole", "field at $2R$ on the axis", "atoms in the sphere $N$", sizes, "atoms"),
                  ("average_over_continuum", "ball average around the centre", "averaging radius $\\rho$ [nm]", balls,
                   "rho_nm")]
        for axis, (key, title, xlabel, data, x) in zip(panels, series):
            for name, rows in data.items():
                dev = [max(abs(r[key] - 1.0), FLOOR) for r in rows]
                small = len(rows) > 40
                axis.loglog([r[x] for r in rows], dev, ("-" if small else MARKERS[name] + "-"),
                            color=MATERIAL_COLORS[name], ms=5, lw=1.0 if small else 1.4, label=name)
            for tol, ls in zip(tolerances, ("--", ":")):
                axis.axhline(tol, color=GREY, lw=0.9, ls=ls, label=f"{tol:.1%}")
            axis.set_title(title)
            axis.set_xlabel(xlabel)
            if x == "atoms":
                axis.set_xticks([1e2, 1e3, 1e4, 1e5, 1e6, 1e7])
            axis.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=5, frameon=False)
        panels[0].set_ylim(FLOOR, 2.0)
        panels[0].set_ylabel("$|\\mathrm{lattice}\\,/\\,\\mathrm{continuum} - 1|$")
        fig.tight_layout()
    largest = max(r["atoms"] for rows in sizes.values() for r in rows)
    return describe_figure(fig, f"""Three log-log panels of the relative difference between a crystal of atomic
        dipoles and the uniformly magnetized continuum, for {', '.join(sizes)} spheres, with dashed and dotted
        lines at {tolerances[0]:.1%} and {tolerances[1]:.1%}: the flux through the mid-plane and the field at 2R
        on the axis against the number of atoms (up to {largest:,.0f}), and the field averaged over a ball
        around the centre against the ball's radius in nm.""")
