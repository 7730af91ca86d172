"""Figures: data in, a matplotlib Figure out, in one house style.

- ``style``: the house style (matplotlib settings, colours, each material's colour, line and marker);
- ``save``: deterministic PNG, SVG and PDF that say what they show (alt text) and where they come from;
- ``paper_figures``: the paper's Figures 1 and 2, recomputed (notebooks 03, 04);
- ``dipoles``, ``assumptions``, ``continuum``: the figures of notebooks 05, 06 and 08;
- ``explorer``: the classroom explorer's live chart (notebook 07, the classroom app).

Importing this package loads matplotlib; ``import nanoflux`` does not.
"""
from nanoflux.plots import assumptions, continuum, dipoles, explorer, paper_figures, save, style
from nanoflux.plots.paper_figures import figure1, figure2
from nanoflux.plots.save import describe_figure, renderer_versions, save_figure, show_png

__all__ = ["assumptions", "continuum", "describe_figure", "dipoles", "explorer", "figure1", "figure2",
           "paper_figures", "renderer_versions", "save", "save_figure", "show_png", "style"]
