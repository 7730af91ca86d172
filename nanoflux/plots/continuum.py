"""Plots for the atoms-to-continuum notebook (08), in the house style of :mod:`nanoflux.plots.style`.

Both figures read the typed results of :mod:`nanoflux.studies.atoms_to_continuum` (one CrystalStudy per
crystal). Crystals are told apart by the material's colour and line (MATERIAL_COLORS, MATERIAL_LINES) and,
for cobalt built with its own c/a beside the ideal one, a dash-dotted line.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from nanoflux.plots.save import describe_figure
from nanoflux.plots.style import GREY, INK, MATERIAL_COLORS, MATERIAL_LINES, MATERIAL_MARKERS, style
from nanoflux.studies.thresholds import envelope

#: Deviations below this are drawn at it.
FLOOR = 1e-5
#: The faint line of |deviation| is its largest value in each of this many logarithmic bins per panel.
BINS = 400


def _line(study) -> dict:
    """A crystal's colour and line style; cobalt with its own c/a dash-dotted."""
    name = study.crystal.material
    own = study.crystal.structure == "hcp" and abs(study.crystal.c_over_a - 1.632993161855452) > 1e-9
    return {"color": MATERIAL_COLORS[name], "ls": (0, (6, 2, 1, 2)) if own else MATERIAL_LINES[name]}


def _band(x: np.ndarray, y: np.ndarray, bins: int = BINS):
    """The range of ``y`` in logarithmic bins of ``x``: bin centres, lows and highs (empty bins dropped)."""
    edges = np.geomspace(x.min(), x.max() * (1 + 1e-12), bins + 1)
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, bins - 1)
    lows = np.full(bins, np.inf)
    highs = np.full(bins, -np.inf)
    np.minimum.at(lows, which, y)
    np.maximum.at(highs, which, y)
    keep = np.isfinite(lows)
    centres = np.sqrt(edges[:-1] * edges[1:])
    return centres[keep], lows[keep], highs[keep]


def continuum_figure(studies, tolerances=(0.01, 0.001)) -> Figure:
    """Three panels of |lattice / continuum - 1| on log axes, for each crystal: (a) the mid-plane flux and
    (b) the field at 2R against the sphere's radius, (c) the ball average against the averaging radius; the
    fourth cell holds the key. A faint line shows the deviation's largest value in each of :data:`BINS`
    logarithmic bins (it jumps at every shell); the bold line is the largest deviation at or beyond each size,
    which crosses each tolerance exactly at the threshold (marked). Two panels a row, about 7 in wide, so
    that the site shows every text at 6 pt or more."""
    panels = [("flux", "(a) mid-plane flux", "sphere radius $R$ [nm]"),
              ("field", "(b) field at $2R$ on the axis", "sphere radius $R$ [nm]"),
              ("ball", "(c) ball average about the centre atom", "averaging radius $\\rho$ [nm]")]
    with style():
        fig = Figure(figsize=(7.2, 6.8))
        grid = fig.subplots(2, 2)
        axes, key_cell = [grid[0, 0], grid[0, 1], grid[1, 0]], grid[1, 1]
        for ax, (key, title, xlabel) in zip(axes, panels):
            for s in studies:
                scan = s.scans[key]
                keep = scan.R > 0
                x, dev = scan.R[keep] * 1e9, np.maximum(np.abs(scan.dev[keep]), FLOOR)
                line = _line(s)
                xc, _, hi = _band(x, dev)
                ax.plot(xc, hi, color=line["color"], lw=0.6, alpha=0.35)
                env = np.maximum(envelope(scan)[keep], FLOOR)
                xc, _, top = _band(x, env)
                ax.plot(xc, top, lw=1.6, label=s.crystal.label, **line)
                for tol in tolerances:
                    crossing = {"flux": "flux_nm", "field": "field_nm", "ball": "ball_nm"}[key]
                    at = next(getattr(r, crossing) for r in s.thresholds if r.tolerance == tol)
                    if at is not None:
                        ax.plot([at], [tol], MATERIAL_MARKERS[s.crystal.material], color=line["color"], ms=6,
                                mfc="white" if line["ls"] != MATERIAL_LINES[s.crystal.material] else line["color"])
            for tol, ls in zip(tolerances, ("--", ":")):
                ax.axhline(tol, color=GREY, lw=0.9, ls=ls)
                ax.text(0.99, tol * 1.15, f"{tol:.1%}", transform=ax.get_yaxis_transform(), ha="right",
                        va="bottom", fontsize=8, color=INK)
            ax.set_xscale("log")
            ax.set_yscale("log")
            ax.set_ylim(FLOOR, 3.0)
            ax.set_title(title, fontsize=10)
            ax.set_xlabel(xlabel)
            ax.set_ylabel("$|\\mathrm{lattice}\\,/\\,\\mathrm{continuum} - 1|$")
        handles, labels = axes[0].get_legend_handles_labels()
        key_cell.axis("off")
        key_cell.legend(handles, labels, fontsize=8, loc="upper left", frameon=False, title="crystal",
                        title_fontsize=8, alignment="left")
        key_cell.text(0.0, 0.38, "faint: the difference, shell by shell\nbold: its largest value at or beyond\n"
                      "each size; markers: where the bold\nline crosses 1 % and 0.1 %", transform=key_cell.transAxes,
                      fontsize=8, va="top", color=INK)
        fig.tight_layout()
    found = "; ".join(f"{s.crystal.label}: 1% from R = {_nm(s.thresholds[0].flux_nm)} (flux), "
                      f"{_nm(s.thresholds[0].field_nm)} (field at 2R), rho = {_nm(s.thresholds[0].ball_nm)} (ball)"
                      for s in studies)
    return describe_figure(fig, f"""Three log-log panels, two a row, of the relative difference between a crystal
        of atomic
        dipoles and the uniformly magnetized continuum, against size in nm, with dashed and dotted lines at
        {tolerances[0]:.1%} and {tolerances[1]:.1%}: the flux through the mid-plane and the field at 2R on the
        axis against the sphere's radius, and the field averaged over a ball about the centre atom against the
        ball's radius. A faint line shows the difference as it jumps from shell to shell, a bold line the largest
        difference at or beyond each size, falling roughly as the inverse of the size; markers sit where the
        line crosses a tolerance. {found}.""")


def _nm(x) -> str:
    return "never" if x is None else f"{x:.3g} nm"


def cross_section_figure(large, small) -> Figure:
    """The flux through a sphere's cut against the cut's height over one layer period, over the continuum:
    (a) for each crystal's largest sphere (``large``: plane_height.Curve, one per crystal), (b) for small
    spheres (``small``: Curves of one crystal at two radii). The cut at half a period is the size study's."""
    with style():
        fig = Figure(figsize=(7.2, 7.6))
        ax1, ax2 = fig.subplots(2, 1)
        for ax, curves, limits in ((ax1, large, (0.996, 1.008)), (ax2, small, (0.9, 3.1))):
            for k, c in enumerate(curves):
                name = c.label.split()[0]
                own = "hcp" in c.label and "ideal" not in c.label
                ls = (0, (6, 2, 1, 2)) if own else MATERIAL_LINES[name]
                color = MATERIAL_COLORS[name] if ax is ax1 else (MATERIAL_COLORS[name], GREY)[k % 2]
                label = c.label if ax is ax1 else f"{c.label}, $R$ = {c.radius_nm:.4g} nm"
                ax.plot(c.z / c.layer_spacing, np.clip(c.ratio, *limits), lw=1.3, color=color,
                        ls=ls if ax is ax1 else ("-", "--")[k % 2], label=label)
            ax.axhline(1.0, color=GREY, lw=0.8)
            ax.axvline(0.5, color=GREY, lw=0.8, ls=":")
            ax.set_ylim(*limits)
            ax.set_xlim(0, 1)
            ax.set_xlabel("height of the cut above the centre atom's layer / layer spacing")
            ax.legend(fontsize=8, loc="upper center", frameon=False)
        ax1.set_title(f"(a) spheres of $R$ = {large[0].radius_nm:.4g} nm")
        ax2.set_title("(b) small spheres")
        ax1.set_ylabel("flux through the cut / continuum")
        ax1.ticklabel_format(axis="y", useOffset=False, style="plain")
        fig.tight_layout()
    lows = ", ".join(f"{c.label} {c.ratio.min():.4f}" for c in large)
    return describe_figure(fig, f"""Two panels, one above the other, of the flux through a crystal sphere's
        cross-section over the
        continuum's, against the height of the cut over one layer period (0 and 1: through an atomic layer;
        the dotted line at one half: the mid-gap cut of the size study). (a) Spheres of
        {large[0].radius_nm:.4g} nm: smooth curves with their minimum near mid-gap ({lows}) that rise towards
        both layers and spike within picometres of them (clipped at {0.996} and {1.008}). (b) Small spheres
        ({', '.join(f'{c.radius_nm:.4g} nm' for c in small)}): the through-layer values depend on where atoms
        sit relative to the rim, up to {max(c.ratio.max() for c in small):.3g} times the continuum.""")
