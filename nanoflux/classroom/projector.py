"""Projector mode of the classroom explorer: the chart across the whole window, with large text.

Switched on by the explorer's "projector" button (:class:`nanoflux.classroom.explorer.ExplorerApp`), or for
every page at once by ``nanoflux classroom --projector``, which sets :data:`ENVIRONMENT` for Voila and so for
every kernel it starts (a preheated kernel renders its page before anyone asks for it, so a request cannot
say which mode it wants).

On, the explorer draws on its projector chart (nanoflux.plots.explorer.LAYOUTS["projector"]: 12.5 x 6.0 in,
legend at the right, text of 13 to 14 pt, about 18 to 19 CSS px when the chart is 1245 px wide on a 1280 x 720
screen) and a stylesheet (:data:`STYLESHEET`, the value of an HTML widget, so it goes when the mode is off or
the page closes) shows the explorer alone: every other cell hidden, the controls in rows of 16 px text above
the chart, the chart scaled to the window's width and to the height the controls leave, never beyond it. At
150 % browser zoom (853 x 480 CSS px on a 1280 x 720 screen) the whole chart, axis labels and legend included,
stays on screen, only smaller.
"""
from __future__ import annotations

import os

#: ``NANOFLUX_PROJECTOR=1`` in the kernel's environment: every explorer starts in projector mode.
ENVIRONMENT = "NANOFLUX_PROJECTOR"

STYLESHEET = """<style>
/* nanoflux projector mode: the explorer alone, as large as the window allows and never taller than it */
.jp-Cell:not(:has(.nanoflux-explorer)) { display: none !important; }
.jp-Cell:has(.nanoflux-explorer) .jp-InputArea, .jp-OutputPrompt, .jp-InputPrompt { display: none !important; }
html, body { overflow: hidden !important; }
body, .jp-Notebook, .jp-Cell:has(.nanoflux-explorer), .jp-Cell:has(.nanoflux-explorer) .jp-OutputArea-output {
  padding: 0 !important; margin: 0 !important; }
.nanoflux-explorer { height: calc(100vh - 28px) !important; flex-flow: column nowrap !important; overflow: hidden;
  padding: 4px 8px !important; box-sizing: border-box; }
.nanoflux-explorer .nanoflux-controls { flex: 0 0 auto !important; width: 100% !important; min-width: 0 !important;
  flex-flow: row wrap !important; align-items: center !important; gap: 2px 1.4em; }
.nanoflux-explorer .nanoflux-controls > * { width: auto !important; margin: 0 !important; }
.nanoflux-explorer .nanoflux-radii { display: none !important; }  /* the chart's own heading states both radii */
.nanoflux-explorer .widget-toggle-buttons > .widget-label { display: none !important; }  /* sphere|rod, h/2e|h/e */
.nanoflux-explorer .widget-slider { width: 170px !important; }
.nanoflux-explorer .widget-label, .nanoflux-explorer .widget-label-basic, .nanoflux-explorer .widget-html-content,
.nanoflux-explorer select, .nanoflux-explorer button, .nanoflux-explorer .widget-toggle-button {
  font-size: 16px !important; line-height: 1.3 !important; height: auto !important; }
.nanoflux-explorer .widget-html { width: auto !important; min-width: 5em; }
.nanoflux-explorer .widget-dropdown { width: auto !important; }
.nanoflux-explorer img.nanoflux-image { flex: 1 1 0 !important; min-height: 0 !important; width: 100% !important;
  max-width: 100% !important; height: auto !important; min-width: 0 !important; object-fit: contain;
  object-position: left top; }
</style>"""


def requested() -> bool:
    """Whether this process was started for projector mode (:data:`ENVIRONMENT` is "1")."""
    return os.environ.get(ENVIRONMENT, "") == "1"
