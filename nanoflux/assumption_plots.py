"""Plots for the assumptions notebook (06), in the house style of :mod:`nanoflux.figures`.

Each function takes parameters, computes with the module's formulas and returns a Figure.
"""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ._format import num
from .assumptions import PAPER_FIELD_TESLA
from .constants import PAPER_DENSITY_PER_M3, PAPER_TABLE_ONE_NM
from .figures import BLUE, GREY, INK, RED, style
from .flux import CONVENTIONS, critical_radius
from .materials import get_material
from .meanfield import critical_radius_mean_field, dipoles_in_sphere

#: One colour per material, fixed so every plot agrees.
MATERIAL_COLORS = {"Fe": "#8c564b", "Co": "#2ca02c", "Ni": "#9467bd", "Fe3O4": "#ff7f0e"}

_B = np.geomspace(0.01, 10.0, 200)
_N = np.unique(np.round(np.geomspace(1, 1e4, 200)))


def _axes(title: str, xlabel: str, ylabel: str, size=(6.0, 4.0)):
    fig = Figure(figsize=size)
    ax = fig.subplots()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return fig, ax


def _finish(fig, ax):
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def density_figure(materials, n_paper=PAPER_DENSITY_PER_M3) -> Figure:
    """Mean-field r_c(N) at the paper's density and at each material's, with Table I marked."""
    with style():
        fig, ax = _axes("Table I at the paper's and at real densities", "number of dipoles N",
                        "mean-field radius r_c [nm]")
        ax.loglog(_N, critical_radius_mean_field(_N, n_paper) * 1e9, color=RED, lw=2,
                  label=f"paper, n = {num(n_paper, 3)} m\u207b\u00b3")
        ax.plot(list(PAPER_TABLE_ONE_NM), list(PAPER_TABLE_ONE_NM.values()), "s", mfc="white", mec=RED,
                label="printed Table I")
        for name in materials:
            n = get_material(name).n_per_m3
            ax.loglog(_N, critical_radius_mean_field(_N, n) * 1e9, color=MATERIAL_COLORS[name], lw=1.5,
                      label=f"{name}, n = {num(n)} m\u207b\u00b3")
        return _finish(fig, ax)


def convention_figure(materials=()) -> Figure:
    """r_c(B) (Eq. 4) under h/2e and h/e, with the paper's 25.7 nm at 1 T and each material's mu0 Ms marked."""
    with style():
        fig, ax = _axes("Flux-quantum convention: h/2e against h/e", "internal flux density B [T]",
                        "flux-quantum radius r_c [nm]")
        for conv, color, dash in zip(CONVENTIONS, (BLUE, GREY), ("-", "--")):
            ax.loglog(_B, critical_radius(_B, conv) * 1e9, dash, color=color, lw=2, label=f"Phi0 = {conv}")
        ax.plot([PAPER_FIELD_TESLA], [25.7], "o", mfc="white", mec=INK, ms=7, label="printed: 25.7 nm at 1 T")
        for name in materials:
            m = get_material(name)
            ax.plot([m.mu0Ms_tesla] * 2, [critical_radius(m.mu0Ms_tesla, c) * 1e9 for c in CONVENTIONS],
                    "D", color=MATERIAL_COLORS[name], ms=5, label=f"{name} at mu0 Ms")
        return _finish(fig, ax)


def field_figure(materials, convention="h/2e") -> Figure:
    """r_c(B) under the chosen convention with each material's room-temperature mu0 Ms marked."""
    with style():
        fig, ax = _axes(f"Internal field: r_c at each material's mu0 Ms ({convention})",
                        "internal flux density B [T]", "flux-quantum radius r_c [nm]")
        ax.loglog(_B, critical_radius(_B, convention) * 1e9, color=BLUE, lw=2, label="Eq. 4")
        ax.plot([PAPER_FIELD_TESLA], [critical_radius(PAPER_FIELD_TESLA, convention) * 1e9], "o", mfc="white",
                mec=BLUE, ms=7, label="the paper's 1 T")
        for name in materials:
            m = get_material(name)
            ax.plot([m.mu0Ms_tesla], [critical_radius(material=name, convention=convention) * 1e9], "D",
                    color=MATERIAL_COLORS[name], ms=7, label=f"{name}: {m.mu0Ms_tesla:.3f} T")
        return _finish(fig, ax)


def criteria_figure(materials, convention="h/2e", n_paper=PAPER_DENSITY_PER_M3) -> Figure:
    """Dipoles held by a sphere of the flux-quantum radius, against B, at each density; N = 1 marked."""
    with style():
        fig, ax = _axes("Both criteria on one particle", "internal flux density B [T]",
                        "dipoles in a sphere of radius r_c(B)")
        r = critical_radius(_B, convention)
        ax.loglog(_B, dipoles_in_sphere(r, n_paper), color=RED, lw=2,
                  label=f"paper's n = {num(n_paper, 3)} m\u207b\u00b3")
        for name in materials:
            m = get_material(name)
            ax.loglog(_B, dipoles_in_sphere(r, m.n_per_m3), color=MATERIAL_COLORS[name], lw=1.5, label=name)
            ax.plot([m.mu0Ms_tesla], [dipoles_in_sphere(critical_radius(material=name, convention=convention),
                                                        m.n_per_m3)], "D", color=MATERIAL_COLORS[name], ms=6)
        ax.axhline(1.0, color=INK, lw=1, ls=":", label="N = 1 (mean-field threshold)")
        return _finish(fig, ax)
