"""The classroom explorer's chart (notebook 07 and the classroom app): Figure 2's two curves with one
movable point each, redrawn in place as a student moves a control."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure

from nanoflux import paper
from nanoflux.flux import critical_radius
from nanoflux.formatting import num
from nanoflux.meanfield import critical_radius_mean_field
from nanoflux.plots.save import plain_log_labels
from nanoflux.plots.style import BLUE, RED, style

#: The explorer's chart: rendered at twice the 96 px per inch of a browser's CSS pixel.
EXPLORER_DPI = 192
EXPLORER_WIDTH_PX = 576


@dataclass(frozen=True)
class Layout:
    """Where the chart's parts go and how large its text is (inches and points)."""

    size_in: tuple
    legend: dict
    legend_pt: float
    readout_pt: float
    tick_pt: float | None
    label_pt: float | None
    margins: dict


#: Beside the controls: 6.0 x 4.6 in shown 576 px wide (96 px per inch), legend under the axes. For a projector:
#: 12.5 x 6.0 in, about the shape a 1280 x 720 screen leaves under two rows of controls, shown about 1245 px wide, so
#: that 1 pt is about 1.38 CSS px (text of 13 pt or more is 18 px or more); the legend in one column at the right.
LAYOUTS = {
    "normal": Layout((6.0, 4.6), {"loc": "lower center", "ncol": 2}, 8, 10, None, None,
                     {"left": 0.13, "right": 0.96, "top": 0.77, "bottom": 0.27}),
    "projector": Layout((12.5, 6.0), {"loc": "center right", "ncol": 1, "borderaxespad": 0.6}, 13, 14, 13, 14,
                        {"left": 0.075, "right": 0.655, "top": 0.76, "bottom": 0.12}),
}


class ExplorerPlot:
    """Figure 2's chart with one movable point per curve: the live view of notebook 07's explorer.

    Built once over fixed axes: ``B_limits`` in T along the bottom, ``N_limits`` dipoles along the
    top, and radii in nm over a range that holds both curves for every allowed B, N, n (``n_limits``,
    m^-3) and convention, so the axes never jump while a student moves a control. The paper's printed
    values (25.7 nm at 1 T; Table I) stay marked as in :func:`figure2`.

    :meth:`show` moves the curves, the two points, their dotted radius levels and the readout in
    place and redraws only those (blitting onto the Agg canvas over a stored background of the
    axes, ticks and legend). A full draw (saving, or displaying the figure) draws everything.

    ``layout`` is a key of :data:`LAYOUTS`: "normal" (beside the controls) or "projector" (wide, large text).
    """

    def __init__(self, B_limits, N_limits, n_limits, samples: int = 120, layout: str = "normal"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.B = np.geomspace(*B_limits, samples)
        self.N = np.unique(np.round(np.geomspace(*N_limits, samples)))
        low = min(critical_radius(B_limits[1], "h/2e"), critical_radius_mean_field(N_limits[0], n_limits[1]))
        high = max(critical_radius(B_limits[0], "h/e"), critical_radius_mean_field(N_limits[1], n_limits[0]))
        ones_B, ones_N = np.ones_like(self.B), np.ones_like(self.N)
        shape = LAYOUTS[layout]
        self.layout = layout
        with style():
            # rendered at twice the CSS pixel density: sharp on high-density screens and projectors
            fig = Figure(figsize=shape.size_in, dpi=EXPLORER_DPI)
            FigureCanvasAgg(fig)
            ax = fig.subplots()
            ax.set_xscale("log")
            ax.set_yscale("log")
            top = ax.twiny()
            top.set_xscale("log")
            self.flux_curve, = ax.plot(self.B, ones_B, color=BLUE, lw=2,
                                       label="flux quantization, Eq. 4: $r_c \\propto B^{-1/2}$")
            self.flux_level = ax.axhline(1.0, color=BLUE, lw=1, ls=":", zorder=1)
            self.flux_point, = ax.plot([1.0], [1.0], "o", color=BLUE, ms=8, zorder=6, clip_on=False, label="your $B$")
            ax.plot([paper.FIELD_TESLA], [paper.FLUX_RADIUS.value], "o", mfc="white", mec=BLUE, mew=1.5, ms=7, zorder=5,
                    label=f"printed: {paper.FLUX_RADIUS.text} nm at {paper.FIELD_TESLA:g} T (${paper.CONVENTION}$)")
            self.mean_curve, = top.plot(self.N, ones_N, color=RED, lw=2, label="mean field: $r_c \\propto N^{1/3}$")
            self.mean_level = top.axhline(1.0, color=RED, lw=1, ls=":", zorder=1)
            self.mean_point, = top.plot([1.0], [1.0], "s", color=RED, ms=8, zorder=6, clip_on=False, label="your $N$")
            top.plot(list(paper.TABLE_ONE), [p.value for p in paper.TABLE_ONE.values()], "s", mfc="white", mec=RED,
                     mew=1.5, ms=7, zorder=5, label=f"printed: Table I ($n$ = {num(paper.DENSITY_PER_M3)} m$^{{-3}}$)")
            ax.set_xlim(*B_limits)
            top.set_xlim(*N_limits)
            ax.set_ylim(low * 1e9 / 2, high * 1e9 * 2)
            ax.set_xlabel("internal flux density $B$ [T]", color=BLUE)
            ax.set_ylabel("critical radius $r_c$ [nm]")
            ax.tick_params(axis="x", colors=BLUE)
            top.set_xlabel("number of dipoles $N$", color=RED)
            top.tick_params(axis="x", colors=RED)
            top.grid(False)
            top.spines["top"].set_visible(True)
            h1, l1 = ax.get_legend_handles_labels()
            h2, l2 = top.get_legend_handles_labels()
            fig.legend(h1 + h2, l1 + l2, fontsize=shape.legend_pt, **shape.legend)
            self.readout = fig.text(0.5, 0.985, "", ha="center", va="top", fontsize=shape.readout_pt)
            if shape.tick_pt:
                for axis in (ax, top):
                    axis.tick_params(labelsize=shape.tick_pt)
            if shape.label_pt:
                for label in (ax.xaxis.label, ax.yaxis.label, top.xaxis.label):
                    label.set_size(shape.label_pt)
            fig.subplots_adjust(**shape.margins)
            plain_log_labels(fig)  # the house tick notation (1e4, 0.01), as in every other figure
        self.figure, self.ax, self.top = fig, ax, top
        self.moving = (self.flux_level, self.mean_level, self.flux_curve, self.mean_curve,
                       self.flux_point, self.mean_point, self.readout)
        self._background = None

    def show(self, B_tesla, N, n_per_m3, convention, r_flux, r_mean, heading="") -> None:
        """Redraw for these values: ``r_flux`` (Eq. 4) and ``r_mean`` (the mean-field radius) in nm
        are the radii at B_tesla and N; the curves are recomputed for ``convention`` and ``n_per_m3``."""
        self.flux_curve.set_ydata(critical_radius(self.B, convention) * 1e9)
        self.mean_curve.set_ydata(critical_radius_mean_field(self.N, n_per_m3) * 1e9)
        self.flux_point.set_data([B_tesla], [r_flux])
        self.mean_point.set_data([N], [r_mean])
        self.flux_level.set_ydata([r_flux, r_flux])
        self.mean_level.set_ydata([r_mean, r_mean])
        self.readout.set_text(f"{heading}\n$r_c$ = {r_flux:.4g} nm (flux, Eq. 4)   "
                              f"$r_c$ = {r_mean:.4g} nm (mean field, $N$ = {int(N):,})")
        canvas = self.figure.canvas
        if self._background is None:
            self.draw_background()
        canvas.restore_region(self._background)
        for artist in self.moving:
            self.figure.draw_artist(artist)

    def draw_background(self) -> None:
        """Full draw of everything that does not move (axes, ticks, legend, printed values), kept
        for :meth:`show` to draw the moving parts over; needed once, and again only after a resize."""
        for artist in self.moving:
            artist.set_visible(False)
        try:
            with style():
                self.figure.canvas.draw()
            self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        finally:
            for artist in self.moving:
                artist.set_visible(True)

