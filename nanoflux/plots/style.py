"""The house plotting style, the one home of how every figure looks: matplotlib settings, the colours,
and each material's colour, line and marker (the same in every figure).

Nothing here changes global matplotlib settings: :func:`style` applies them with ``rc_context`` around
a figure's drawing and saving. The colours are also the HTML outputs' (tables, exercise verdicts), so this
module imports matplotlib only inside :func:`style`.
"""
from __future__ import annotations

import re

#: The house style, applied with ``matplotlib.rc_context`` around every figure and save.
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
    "figure.dpi": 100,
    "savefig.dpi": 150,
    "svg.hashsalt": "nanoflux",
    "svg.fonttype": "path",
    "path.simplify": False,
}

#: The house colours: the flux-quantum model (blue), the mean-field model and warnings (red), context
#: (grey) and text (ink). HTML outputs use the same red and a green for agreement.
BLUE, RED, GREY, INK = "#1f5fbf", "#c0392b", "#7f7f7f", "#222222"
GREEN = "#1a7f37"

#: One colour, line style and marker per material, fixed so every plot agrees; Fe, Co and Ni have
#: nearly the same density, so their curves coincide and only style and markers tell them apart.
MATERIAL_COLORS = {"Fe": "#8c564b", "Co": "#2ca02c", "Ni": "#9467bd", "Fe3O4": "#ff7f0e"}
MATERIAL_LINES = {"Fe": "-", "Co": "--", "Ni": ":", "Fe3O4": "-."}
MATERIAL_MARKERS = {"Fe": "o", "Co": "^", "Ni": "v", "Fe3O4": "s"}


def style():
    """Context manager applying the house style."""
    import matplotlib

    return matplotlib.rc_context(STYLE)


def formula(name: str) -> str:
    """A material's name as a chemical formula in mathtext: Fe3O4 -> Fe$_3$O$_4$ (Fe stays Fe)."""
    return re.sub(r"(\d+)", r"$_{\1}$", name)


def material_marker(name: str) -> dict:
    """A material's point marker as plot keywords; magnetite's is hollow and larger, so a point under it
    (Ni sits within 1 % of it in mu0 Ms) stays visible."""
    hollow = name == "Fe3O4"
    return {"marker": MATERIAL_MARKERS[name], "color": MATERIAL_COLORS[name], "ms": 10 if hollow else 7,
            "mfc": "none" if hollow else MATERIAL_COLORS[name], "mew": 1.6, "ls": "none"}
