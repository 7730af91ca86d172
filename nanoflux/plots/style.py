"""The house plotting style, the one home of how every figure looks: matplotlib settings, the colours,
and each material's colour, line and marker (the same in every figure).

Nothing here changes global matplotlib settings: :func:`style` applies them with ``rc_context`` around
a figure's drawing and saving. The colours are also the HTML outputs' (tables, exercise verdicts), so this
module imports matplotlib only inside :func:`style`.
"""
from __future__ import annotations

import re

from nanoflux.formatting import tex

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
    # TrueType (Type 42) fonts in PDF and PostScript, as journals' submission systems require; matplotlib's
    # default, Type 3, is refused by most of them
    "pdf.fonttype": 42,
    "ps.fonttype": 42,
    "path.simplify": False,
}

#: How wide the reading site shows a figure, in CSS pixels (96 per inch), in a 1280-pixel browser window: 676 on
#: a notebook's page, 660 in the index's captioned figures (the narrower, taken here; a wider window shows
#: them wider, a browser test checks these). A figure about 7 inches wide is shown near its own size there,
#: and on an A4 page of the PDF.
SITE_FIGURE_WIDTH_PX = 660
#: The smallest text a figure may show, in points, at the size the site shows it (journals ask 5 to 7 pt).
MIN_TEXT_PT = 6.0

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


def density(n_per_m3: float) -> str:
    """A number density in m^-3 for a label, in mathtext: $10^{23}$ m$^{-3}$, $8.491\\times10^{28}$ m$^{-3}$."""
    return f"${tex(n_per_m3).replace(' ', '')}$ m$^{{-3}}$"


def material_marker(name: str) -> dict:
    """A material's point marker as plot keywords; magnetite's is hollow and larger, so a point under it
    (Ni sits within 1 % of it in mu0 Ms) stays visible."""
    hollow = name == "Fe3O4"
    return {"marker": MATERIAL_MARKERS[name], "color": MATERIAL_COLORS[name], "ms": 10 if hollow else 7,
            "mfc": "none" if hollow else MATERIAL_COLORS[name], "mew": 1.6, "ls": "none"}
