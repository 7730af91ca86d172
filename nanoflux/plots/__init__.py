"""Figures: data in, a matplotlib Figure out, in one house style.

- ``style``: the house style (matplotlib settings, colours, each material's colour, line and marker);
- ``save``: deterministic PNG, SVG and PDF that say what they show (alt text) and where they come from;
- ``paper_figures``: the paper's Figures 1 and 2, recomputed (notebooks 03, 04);
- ``dipoles``, ``assumptions``, ``continuum``, ``critical_sizes``: the figures of notebooks 05, 06, 08 and 10;
- ``explorer``: the classroom explorer's live chart (notebook 07, the classroom app).

Each submodule loads matplotlib when first used; ``import nanoflux`` and the colours of ``style`` do not.
"""
import importlib

_SUBMODULES = ("assumptions", "continuum", "critical_sizes", "dipoles", "explorer", "paper_figures", "save", "style")
_NAMES = {"figure1": "paper_figures", "figure2": "paper_figures", "describe_figure": "save",
          "renderer_versions": "save", "save_figure": "save", "show_png": "save"}

__all__ = sorted((*_SUBMODULES, *_NAMES))


def __getattr__(name: str):
    """Submodules and the common names load on first use, so that ``nanoflux.plots.style``'s colours
    come without matplotlib."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _NAMES:
        return getattr(importlib.import_module(f"{__name__}.{_NAMES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
