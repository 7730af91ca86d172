"""Plots for the assumptions notebook (06), in the house style (:mod:`nanoflux.plots.style`).

Each function takes parameters, computes with the module's formulas and returns a Figure.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from nanoflux import paper
from nanoflux.flux import CONVENTIONS, critical_radius, field_for_radius
from nanoflux.formatting import num
from nanoflux.materials import get_material
from nanoflux.meanfield import critical_radius_mean_field, dipoles_in_sphere
from nanoflux.plots.save import describe_figure
from nanoflux.plots.style import (
    BLUE,
    GREY,
    INK,
    MATERIAL_COLORS,
    MATERIAL_LINES,
    MATERIAL_MARKERS,
    RED,
    density,
    formula,
    material_marker,
    style,
)

_B = np.geomspace(0.01, 10.0, 200)
_N = np.unique(np.round(np.geomspace(1, 1e4, 200)))


#: Every figure of notebook 06: about 7 inches wide, shown by the reading site (and an A4 page) near its own size.
SIZE = (7.2, 4.0)


def _axes(title: str, xlabel: str, ylabel: str, size=SIZE):
    fig = Figure(figsize=size)
    ax = fig.subplots()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig, ax


def _finish(fig, ax):
    """The legend beside the axes, never on the data."""
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def _note_overlaps(fig, ax, points) -> list[tuple[str, str]]:
    """Say on the chart which material markers sit on one another.

    ``points``: (name, x, y) of each material's marker in data coordinates. Two markers overlap when their
    centres, as drawn, are closer than the smaller marker's size; each such pair gets a note with an arrow
    (drawn after the layout is final). Returns the overlapping pairs, for the figure's description.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    (fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)).draw()
    size_px = {name: material_marker(name)["ms"] * fig.dpi / 72 for name, *_ in points}
    pairs = []
    for i, (a, xa, ya) in enumerate(points):
        for b, xb, yb in points[i + 1:]:
            (pa, pb) = ax.transData.transform([(xa, ya), (xb, yb)])
            if np.hypot(*(pa - pb)) < min(size_px[a], size_px[b]):
                pairs.append((a, b))
                ax.annotate(f"{formula(a)} and {formula(b)} overlap:\n"
                            f"$\\mu_0 M_s$ = {get_material(a).mu0Ms_tesla:.3f} and {get_material(b).mu0Ms_tesla:.3f} T",
                            xy=(xa, ya), xytext=(-22, -38), textcoords="offset points", ha="right", va="top",
                            fontsize=8, color=INK, arrowprops={"arrowstyle": "-", "color": INK, "lw": 0.6,
                                                               "shrinkB": 7})
    return pairs


def _overlap_sentence(pairs) -> str:
    return "".join(f" The {a} and {b} markers overlap (μ₀Ms {get_material(a).mu0Ms_tesla:.3f} and "
                   f"{get_material(b).mu0Ms_tesla:.3f} T), as a note on the chart says." for a, b in pairs)


def _material_curve(ax, x, y, name, label, offset):
    """A material's curve: its colour and line style, with markers at a few points shifted by ``offset``
    (0 to 1) along the curve, so coinciding curves stay distinguishable."""
    every = max(len(x) // 5, 1)
    ax.loglog(x, y, MATERIAL_LINES[name], color=MATERIAL_COLORS[name], lw=1.5, marker=MATERIAL_MARKERS[name],
              ms=5, markevery=(int(offset * every), every), label=label)


def density_figure(materials, n_paper=paper.DENSITY_PER_M3) -> Figure:
    """Mean-field r_c(N) at the paper's density and at each material's, with Table I marked."""
    with style():
        fig, ax = _axes("Table I at the paper's and at real densities", "number of dipoles $N$",
                        "mean-field radius $r_c$ [nm]")
        ax.loglog(_N, critical_radius_mean_field(_N, n_paper) * 1e9, color=RED, lw=2,
                  label=f"paper, $n$ = {density(n_paper)}")
        ax.plot(list(paper.TABLE_ONE), [p.value for p in paper.TABLE_ONE.values()], "s", mfc="white", mec=RED,
                label="printed Table I")
        for k, name in enumerate(materials):
            n = get_material(name).n_per_m3
            _material_curve(ax, _N, critical_radius_mean_field(_N, n) * 1e9, name,
                            f"{formula(name)}, $n$ = {density(n)}", k / max(len(materials), 1))
        _finish(fig, ax)
    each = "; ".join(f"{name} (n = {num(get_material(name).n_per_m3)} m⁻³) from "
                     f"{critical_radius_mean_field(1, material=name) * 1e9:.3g} to "
                     f"{critical_radius_mean_field(_N[-1], material=name) * 1e9:.3g} nm" for name in materials)
    tail = "; at the materials' atomic densities: " + each if materials else ""
    return describe_figure(fig, f"""Log-log chart of the mean-field radius in nm against the number of dipoles N from
        1 to {_N[-1]:,.0f}. At the paper's density n = {num(n_paper)} m⁻³ (red line, with the printed Table I as
        open squares) it rises from {critical_radius_mean_field(1, n_paper) * 1e9:.3g} to
        {critical_radius_mean_field(_N[-1], n_paper) * 1e9:.3g} nm{tail}.""")


def convention_figure(materials=()) -> Figure:
    """r_c(B) (Eq. 4) under h/2e and h/e, with the paper's 25.7 nm at 1 T and each material's mu0 Ms marked."""
    with style():
        fig, ax = _axes("Flux-quantum convention: $h/2e$ against $h/e$", "internal flux density $B$ [T]",
                        "flux-quantum radius $r_c$ [nm]")
        for conv, color, dash in zip(CONVENTIONS, (BLUE, GREY), ("-", "--")):
            ax.loglog(_B, critical_radius(_B, conv) * 1e9, dash, color=color, lw=2, label=f"$\\Phi_0 = {conv}$")
        ax.plot([paper.FIELD_TESLA], [paper.FLUX_RADIUS.value], "o", mfc="white", mec=INK, ms=7,
                label=f"printed: {paper.FLUX_RADIUS.text} nm at {paper.FIELD_TESLA:g} T")
        for name in materials:
            m = get_material(name)
            ax.plot([m.mu0Ms_tesla] * 2, [critical_radius(m.mu0Ms_tesla, c) * 1e9 for c in CONVENTIONS],
                    **material_marker(name), label=f"{formula(name)} at $\\mu_0 M_s$")
        _finish(fig, ax)
        lowest = "h/2e"  # the lower curve: a note there speaks for the pair above it too
        pairs = _note_overlaps(fig, ax, [(name, get_material(name).mu0Ms_tesla,
                                          critical_radius(material=name, convention=lowest) * 1e9)
                                         for name in materials])
    each = "; ".join(f"{name} at {get_material(name).mu0Ms_tesla:.3f} T: "
                     + " and ".join(f"{critical_radius(material=name, convention=c) * 1e9:.1f}" for c in CONVENTIONS)
                     + " nm" for name in materials)
    tail = ", and each material is marked at its μ₀Ms with both radii (h/2e and h/e): " + each if materials else ""
    return describe_figure(fig, f"""Log-log chart of the flux-quantum radius in nm against B """
                                f"""from {_B[0]:g} to {_B[-1]:g}
        T, with Φ₀ = h/2e (solid blue) and Φ₀ = h/e (dashed grey, √2 times larger at every B); an open circle
        marks the printed {paper.FLUX_RADIUS.text} nm at {paper.FIELD_TESLA:g} T{tail}.{_overlap_sentence(pairs)}""")


def field_figure(materials, convention="h/2e") -> Figure:
    """r_c(B) under the chosen convention with each material's room-temperature mu0 Ms marked."""
    with style():
        fig, ax = _axes(f"Internal field: $r_c$ at each material's $\\mu_0 M_s$ (${convention}$)",
                        "internal flux density $B$ [T]", "flux-quantum radius $r_c$ [nm]")
        ax.loglog(_B, critical_radius(_B, convention) * 1e9, color=BLUE, lw=2, label="Eq. 4")
        ax.plot([paper.FIELD_TESLA], [critical_radius(paper.FIELD_TESLA, convention) * 1e9], "o", mfc="white",
                mec=BLUE, ms=7, label="the paper's 1 T")
        for name in materials:
            m = get_material(name)
            ax.plot([m.mu0Ms_tesla], [critical_radius(material=name, convention=convention) * 1e9],
                    **material_marker(name), label=f"{formula(name)}: {m.mu0Ms_tesla:.3f} T")
        _finish(fig, ax)
        pairs = _note_overlaps(fig, ax, [(name, get_material(name).mu0Ms_tesla,
                                          critical_radius(material=name, convention=convention) * 1e9)
                                         for name in materials])
    each = "; ".join(f"{name} at {get_material(name).mu0Ms_tesla:.3f} T: "
                     f"{critical_radius(material=name, convention=convention) * 1e9:.1f} nm" for name in materials)
    tail = " and each material at its room-temperature μ₀Ms: " + each if materials else ""
    return describe_figure(fig, f"""Log-log chart of the flux-quantum radius of Eq. 4 ({convention}) in nm against B
        from {_B[0]:g} to {_B[-1]:g} T, with the paper's 1 T marked by an open circle
        ({critical_radius(paper.FIELD_TESLA, convention) * 1e9:.1f} nm){tail}.{_overlap_sentence(pairs)}""")


def _own_field_marker(name: str) -> dict:
    """A material at its own mu0 Ms on the criteria chart: its marker, larger and outlined in ink (a hollow
    one keeps its colour, thicker), so it stands out from the small markers along its curve."""
    marker = material_marker(name)
    outline = {"mew": 2.0} if marker["mfc"] == "none" else {"mec": INK, "mew": 1.2}
    return dict(marker, ms=marker["ms"] + 4, **outline)


def criteria_figure(materials, convention="h/2e", n_paper=paper.DENSITY_PER_M3) -> Figure:
    """Dipoles held by a sphere of the flux-quantum radius, against B, at each density; N = 1 marked."""
    with style():
        fig, ax = _axes("Both criteria on one particle", "internal flux density $B$ [T]",
                        "dipoles in a sphere of radius $r_c(B)$")
        r = critical_radius(_B, convention)
        ax.loglog(_B, dipoles_in_sphere(r, n_paper), color=RED, lw=2,
                  label=f"paper's $n$ = {density(n_paper)}")
        for k, name in enumerate(materials):
            m = get_material(name)
            _material_curve(ax, _B, dipoles_in_sphere(r, m.n_per_m3), name, formula(name), k / max(len(materials), 1))
            ax.plot([m.mu0Ms_tesla], [dipoles_in_sphere(critical_radius(material=name, convention=convention),
                                                        m.n_per_m3)], **_own_field_marker(name))
        ax.axhline(1.0, color=INK, lw=1, ls=":", label="$N$ = 1 (mean-field threshold)")
        if materials:  # the large markers' own legend entry, in a neutral colour: each material's own
            ax.plot([], [], **dict(_own_field_marker(materials[0]), color=INK, mfc="white"),
                    label="large marker: at the material's\nown field, $B = \\mu_0 M_s$")
        _finish(fig, ax)
        pairs = _note_overlaps(fig, ax, [(name, get_material(name).mu0Ms_tesla,
                                          dipoles_in_sphere(critical_radius(material=name, convention=convention),
                                                            get_material(name).n_per_m3)) for name in materials])
    paper = dipoles_in_sphere(r, n_paper)
    one = field_for_radius(critical_radius_mean_field(1, n_paper), convention)
    each = "; ".join(f"{name} from {num(dipoles_in_sphere(r[0], get_material(name).n_per_m3), 2)} to "
                     f"{num(dipoles_in_sphere(r[-1], get_material(name).n_per_m3), 2)}" for name in materials)
    tail = ("; at the materials' densities (their curves in their colours, and a large marker where B is the "
            "material's own μ₀Ms): " + each) if materials else ""
    return describe_figure(fig, f"""Log-log chart of the number of dipoles in a sphere of the flux-quantum radius r_c(B)
        ({convention}) against B from {_B[0]:g} to {_B[-1]:g} T, with N = 1 dotted. At the paper's density
        n = {num(n_paper)} m⁻³ it falls from {num(paper[0], 2)} to {num(paper[-1], 2)}, reaching one dipole at
        B = {one:.3g} T{tail}.{_overlap_sentence(pairs)}""")
