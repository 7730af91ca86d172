"""Figures in one house style, and a deterministic save with provenance in the file.

Functions take data or parameters and return a matplotlib Figure; :func:`save_figure`
writes PNG, SVG and PDF that are byte-identical on every rerun on the same platform
(no software/date stamps, a fixed SVG hash salt) and carry nanoflux's version, the
notebook and the parameters in their own metadata. Nothing here changes global
matplotlib settings: the style is applied with ``rc_context``.
"""
from __future__ import annotations

import hashlib
import json
import weakref
from pathlib import Path

import matplotlib


import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch

from . import __version__
from . import _validate as v
from ._format import num
from .constants import PAPER_DENSITY_PER_M3, PAPER_TABLE_ONE_NM
from .flux import critical_radius, flux_quanta, whole_flux_quanta
from .meanfield import critical_radius_mean_field

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

BLUE, RED, GREY, INK = "#1f5fbf", "#c0392b", "#7f7f7f", "#222222"

#: File formats :func:`save_figure` writes.
FORMATS = ("png", "svg", "pdf")


def style():
    """Context manager applying the house style."""
    return matplotlib.rc_context(STYLE)


# -- Figure 1 -----------------------------------------------------------------------------------

def _flux_line(ax, x_in, R, center_x, limit, color):
    """One closed flux line of a uniformly magnetized sphere (radius R) crossing the equator at x_in.

    Inside, the field is uniform (a vertical segment); outside, it is a dipole field line
    r = L sin^2(theta) with L = R^3 / x_in^2, which passes through the exit point on the surface.
    """
    h = np.sqrt(max(R**2 - x_in**2, 0.0))
    ax.plot([center_x + x_in] * 2, [-h, h], color=color, lw=1.4, zorder=3)
    if abs(x_in) < 1e-12 * R:
        ax.plot([center_x] * 2, [h, limit], color=color, lw=1.4, zorder=3)
        ax.plot([center_x] * 2, [-limit, -h], color=color, lw=1.4, zorder=3)
        return
    L = R**3 / x_in**2
    theta0 = np.arcsin(min(abs(x_in) / R, 1.0))
    theta = np.linspace(theta0, np.pi - theta0, 721)
    r = L * np.sin(theta) ** 2
    side = np.sign(x_in)
    ax.plot(center_x + side * r * np.sin(theta), r * np.cos(theta), color=color, lw=1.4, zorder=3)


def _flux_line_positions(count: int, R: float) -> np.ndarray:
    """Equator crossings of ``count`` flux lines, evenly spread across the diameter."""
    if count == 0:
        return np.empty(0)
    return R * (-1 + (2 * np.arange(1, count + 1) - 1) / count)


def _dipole_arrows(ax, R, center_x, spacing, color):
    """Aligned internal dipoles: upward arrows on a square grid of the given spacing inside the disc."""
    k = int(np.floor(R / spacing))
    for i in range(-k, k + 1):
        for j in range(-k, k + 1):
            x, y = i * spacing, j * spacing
            if x * x + (y + 0.36 * spacing) ** 2 <= R**2 and x * x + (y - 0.36 * spacing) ** 2 <= R**2:
                ax.add_patch(FancyArrowPatch((center_x + x, y - 0.36 * spacing), (center_x + x, y + 0.36 * spacing),
                                             arrowstyle="-|>", mutation_scale=7, color=color, lw=1.0, zorder=4))


def figure1(B_tesla=1.0, radii_over_critical=(2.5, 1.0, 0.6), convention="h/2e") -> Figure:
    """Figure 1 computed: particles of radius k r_c(B) drawn with floor(B pi r^2 / Phi0) flux lines.

    The paper's caption: (a) a large particle with several flux lines, (b) one at the critical
    size with one, (c) a sub-critical one with none. Each particle is drawn to scale (nm) with
    aligned internal dipoles; the number of lines is :func:`nanoflux.whole_flux_quanta`.
    """
    ratios = v.positive_finite(radii_over_critical, "radii_over_critical", "units of r_c")
    ratios = np.atleast_1d(ratios)
    r_c = critical_radius(B_tesla, convention)
    radii_nm = ratios * r_c * 1e9
    counts = np.atleast_1d(whole_flux_quanta(B_tesla, ratios * r_c, convention))
    quanta = np.atleast_1d(flux_quanta(B_tesla, ratios * r_c, convention))
    R_max = radii_nm.max()
    spacing = R_max / 4.5
    limit = 1.9 * R_max
    with style():
        fig = Figure(figsize=(3.2 * len(ratios), 3.9))
        axes = fig.subplots(1, len(ratios), squeeze=False)
        for idx, (ax, R, k, n_lines, q) in enumerate(zip(axes[0], radii_nm, ratios, counts, quanta)):
            ax.add_patch(Circle((0, 0), R, facecolor="#dfe7f3", edgecolor=INK, lw=1.2, zorder=2))
            _dipole_arrows(ax, R, 0.0, spacing, GREY)
            for x_in in _flux_line_positions(int(n_lines), R):
                _flux_line(ax, x_in, R, 0.0, limit, BLUE)
            ax.set_xlim(-limit, limit)
            ax.set_ylim(-limit, limit)
            ax.set_aspect("equal")
            ax.grid(False)
            ax.set_xlabel("$x$ [nm]")
            if idx == 0:
                ax.set_ylabel("$z$ [nm]  (magnetization along $+z$)")
            label = "abcdefghij"[idx] if idx < 10 else str(idx)
            lines = "flux line" if n_lines == 1 else "flux lines"
            ax.set_title(f"({label}) $r$ = {k:.3g} $r_c$ = {R:.1f} nm\n"
                         f"$B\\pi r^2/\\Phi_0$ = {q:.2f}: {n_lines:d} {lines}")
        fig.suptitle(f"Figure 1 recomputed: $B$ = {B_tesla:.3g} T, $r_c$ = {r_c * 1e9:.2f} nm, "
                     f"$\\Phi_0 = {convention}$")
        fig.tight_layout()
    particles = "; ".join(
        f"({'abcdefghij'[i] if i < 10 else i}) radius {k:.3g} r_c = {R:.1f} nm, Bπr²/Φ₀ = {q:.2f}, "
        f"{n:d} flux line{'' if n == 1 else 's'}" for i, (R, k, n, q) in enumerate(zip(radii_nm, ratios, counts, quanta)))
    return describe(fig, f"""Figure 1 recomputed at B = {B_tesla:.3g} T (flux quantum {convention}, r_c =
        {r_c * 1e9:.2f} nm): {len(ratios)} spherical particles magnetized along +z, side by side on one nanometre
        scale, with their aligned dipoles as grey arrows and one blue flux line per whole flux quantum:
        {particles}.""")


# -- Figure 2 -----------------------------------------------------------------------------------

def figure2(B_range_tesla=(0.01, 1.0), N_range=(1, 10000), n_per_m3=PAPER_DENSITY_PER_M3,
            convention="h/2e", show_paper=True) -> Figure:
    """Figure 2 recomputed: r_c(B) from Eq. 4 (blue, bottom axis) and r_c(N) from the mean field (red, top axis).

    Log-log axes, radii in nm. With ``show_paper`` the paper's printed values are marked
    (25.7 nm at 1 T; Table I at 1e23 m⁻³) where they fall inside the ranges.
    """
    B = np.geomspace(*B_range_tesla, 200)
    N = np.geomspace(*N_range, 200)
    rB = critical_radius(B, convention) * 1e9
    rN = critical_radius_mean_field(np.unique(np.round(N)), n_per_m3) * 1e9
    N_plot = np.unique(np.round(N))
    with style():
        fig = Figure(figsize=(6.4, 4.8))
        ax = fig.subplots()
        ax.loglog(B, rB, color=BLUE, lw=2, label=f"flux quantization, Eq. 4 ({convention}): $r_c \\propto B^{{-1/2}}$")
        ax.set_xlabel("internal flux density $B$ [T]", color=BLUE)
        ax.set_ylabel("critical radius $r_c$ [nm]")
        ax.tick_params(axis="x", colors=BLUE)
        top = ax.twiny()
        top.loglog(N_plot, rN, color=RED, lw=2,
                   label=f"mean field, $n$ = {num(n_per_m3)} m$^{{-3}}$: $r_c \\propto N^{{1/3}}$")
        top.set_xlabel("number of dipoles $N$", color=RED)
        top.tick_params(axis="x", colors=RED)
        top.grid(False)
        top.spines["top"].set_visible(True)
        if show_paper:
            if B_range_tesla[0] <= 1.0 <= B_range_tesla[1]:
                ax.plot([1.0], [25.7], "o", mfc="white", mec=BLUE, mew=1.5, ms=7, zorder=5,
                        label="printed: 25.7 nm at 1 T")
            pts = [(k, val) for k, val in PAPER_TABLE_ONE_NM.items() if N_range[0] <= k <= N_range[1]]
            if pts:
                top.plot(*zip(*pts), "s", mfc="white", mec=RED, mew=1.5, ms=7, zorder=5,
                         label="printed: Table I ($n$ = 1e23 m$^{-3}$)")
        handles = ax.get_legend_handles_labels()
        handles2 = top.get_legend_handles_labels()
        fig.legend(handles[0] + handles2[0], handles[1] + handles2[1], loc="lower center", ncol=2, fontsize=8,
                   frameon=False)
        ymin = min(rB.min(), rN.min())
        ymax = max(rB.max(), rN.max())
        ax.set_ylim(ymin / 1.25, ymax * 1.25)
        ax.set_title("Figure 2 recomputed", pad=8)
        fig.tight_layout(rect=(0, 0.13, 1, 1))
    marked = " Open symbols mark the paper's printed values in range (25.7 nm at 1 T; Table I at 1e23 m⁻³)." \
        if show_paper else ""
    return describe(fig, f"""Figure 2 recomputed, a log-log chart of the critical radius in nm. Blue, against
        the bottom axis (B from {B_range_tesla[0]:g} to {B_range_tesla[1]:g} T): the flux-quantum radius of
        Eq. 4 ({convention}) falls as 1/√B from {rB[0]:.3g} to {rB[-1]:.3g} nm. Red, against the top axis
        (N from {N_plot[0]:,.0f} to {N_plot[-1]:,.0f}): the mean-field radius at n = {num(n_per_m3)} m⁻³
        rises as ∛N from {rN[0]:.3g} to {rN[-1]:.3g} nm.{marked}""")


# -- the classroom explorer (notebook 07) ----------------------------------------------------------

#: The explorer's chart: rendered at twice the 96 px per inch of a browser's CSS pixel.
EXPLORER_DPI = 192
EXPLORER_WIDTH_PX = 576


class ExplorerPlot:
    """Figure 2's chart with one movable point per curve: the live view of notebook 07's explorer.

    Built once over fixed axes: ``B_limits`` in T along the bottom, ``N_limits`` dipoles along the
    top, and radii in nm over a range that holds both curves for every allowed B, N, n (``n_limits``,
    m^-3) and convention, so the axes never jump while a student moves a control. The paper's printed
    values (25.7 nm at 1 T; Table I) stay marked as in :func:`figure2`.

    :meth:`show` moves the curves, the two points, their dotted radius levels and the readout in
    place and redraws only those (blitting onto the Agg canvas over a stored background of the
    axes, ticks and legend). A full draw (saving, or displaying the figure) draws everything.
    """

    def __init__(self, B_limits, N_limits, n_limits, samples: int = 120):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        self.B = np.geomspace(*B_limits, samples)
        self.N = np.unique(np.round(np.geomspace(*N_limits, samples)))
        low = min(critical_radius(B_limits[1], "h/2e"), critical_radius_mean_field(N_limits[0], n_limits[1]))
        high = max(critical_radius(B_limits[0], "h/e"), critical_radius_mean_field(N_limits[1], n_limits[0]))
        ones_B, ones_N = np.ones_like(self.B), np.ones_like(self.N)
        with style():
            # 6.0 x 4.6 inches shown 576 px wide (96 px per inch), rendered at twice that: sharp on
            # high-density screens, and it fits beside the controls on a 1280 x 720 projector
            fig = Figure(figsize=(6.0, 4.6), dpi=EXPLORER_DPI)
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
            ax.plot([1.0], [25.7], "o", mfc="white", mec=BLUE, mew=1.5, ms=7, zorder=5,
                    label="printed: 25.7 nm at 1 T ($h/2e$)")
            self.mean_curve, = top.plot(self.N, ones_N, color=RED, lw=2, label="mean field: $r_c \\propto N^{1/3}$")
            self.mean_level = top.axhline(1.0, color=RED, lw=1, ls=":", zorder=1)
            self.mean_point, = top.plot([1.0], [1.0], "s", color=RED, ms=8, zorder=6, clip_on=False, label="your $N$")
            top.plot(list(PAPER_TABLE_ONE_NM), list(PAPER_TABLE_ONE_NM.values()), "s", mfc="white", mec=RED,
                     mew=1.5, ms=7, zorder=5, label="printed: Table I ($n$ = 1e23 m$^{-3}$)")
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
            fig.legend(h1 + h2, l1 + l2, loc="lower center", ncol=2, fontsize=8)
            self.readout = fig.text(0.5, 0.985, "", ha="center", va="top", fontsize=10)
            fig.subplots_adjust(left=0.13, right=0.96, top=0.77, bottom=0.27)
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


# -- saving -------------------------------------------------------------------------------------

def provenance(notebook: str, parameters: dict) -> str:
    """Provenance text stored in each figure: nanoflux version, notebook and parameters (no time)."""
    return json.dumps({"nanoflux": __version__, "notebook": notebook, "parameters": parameters},
                      sort_keys=True, separators=(",", ":"))


def sha256(path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tick_label(x: float) -> str:
    """The house notation for a logarithmic axis's ticks, the same in every figure: plain numbers from
    0.001 to 1000 (0.01, 1, 100), powers of ten beyond (1e4, 1e-5, and 2e-7 between decades)."""
    if x <= 0:
        return ""
    if 1e-3 <= x < 1e4:
        return num(x, 6)
    exponent = int(np.floor(np.log10(x) + 1e-9))
    mantissa = round(x / 10.0 ** exponent, 6)
    return f"{mantissa:g}e{exponent}" if mantissa != 1 else f"1e{exponent}"


def plain_log_labels(fig: Figure) -> None:
    """House style for logarithmic axes: decades labelled by :func:`tick_label`, minor ticks unlabelled.
    Plain text also renders several times faster than mathtext."""
    from matplotlib import ticker

    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "log":
                axis.set_major_formatter(ticker.FuncFormatter(lambda x, _pos: tick_label(x)))
                low, high = sorted(axis.get_view_interval())
                if low > 0 and high / low < 100:  # under two decades: label 2 and 5 of each decade too
                    axis.set_minor_formatter(ticker.FuncFormatter(
                        lambda x, _pos: tick_label(x) if round(x / 10 ** np.floor(np.log10(x) + 1e-9)) in (2, 5)
                        else ""))
                else:
                    axis.set_minor_formatter(ticker.NullFormatter())


def text_outside_canvas(fig: Figure, tolerance_px: float = 0.5) -> list[str]:
    """The visible texts of ``fig`` (titles, labels, tick labels, legends, annotations) whose rendered
    bounding box extends beyond the canvas, by more than ``tolerance_px`` pixels; empty when all fit."""
    from matplotlib.text import Text

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    agg = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    agg.draw()
    renderer = agg.get_renderer()
    canvas = fig.bbox
    hidden = set()  # tick labels of ticks outside an axis's view: matplotlib positions but never draws them
    for ax in fig.axes:
        for axis in ax._axis_map.values():
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - 1e-9 * abs(high - low) <= tick.get_loc() <= high + 1e-9 * abs(high - low):
                    hidden.update((id(tick.label1), id(tick.label2)))
    found = []
    for text in fig.findobj(Text):
        if (id(text) in hidden or not text.get_visible() or not text.get_text().strip()
                or (text.axes is not None and not text.axes.get_visible())):
            continue
        box = text.get_window_extent(renderer)
        if (box.x0 < canvas.x0 - tolerance_px or box.y0 < canvas.y0 - tolerance_px
                or box.x1 > canvas.x1 + tolerance_px or box.y1 > canvas.y1 + tolerance_px):
            found.append(text.get_text())
    return found


_DESCRIPTIONS: "weakref.WeakKeyDictionary[Figure, str]" = weakref.WeakKeyDictionary()


def describe(fig: Figure, text: str) -> Figure:
    """Say in words what ``fig`` shows (its alt text: kept in the saved files' metadata, shown by
    :func:`show_png` as the figure's plain-text form and by the reading site as the image's alt).
    Whitespace is collapsed, so the text may be written over several source lines."""
    _DESCRIPTIONS[fig] = " ".join(str(text).split())
    return fig


def description(fig: Figure) -> str | None:
    """What :func:`describe` said ``fig`` shows, or None."""
    return _DESCRIPTIONS.get(fig)


def save_figure(fig: Figure, output_dir, stem: str, *, notebook: str, parameters: dict) -> dict:
    """Write ``stem``.png/.svg/.pdf into ``output_dir`` deterministically; return {file name: sha256}.

    PNG has no Software key, SVG no Date and a fixed hash salt, PDF no CreationDate; each carries
    the figure's :func:`description` (what it shows: PNG and SVG Description, PDF Subject; a figure
    without one is refused) and :func:`provenance` (nanoflux version, notebook, parameters: PNG and
    SVG Source, PDF Keywords) in its metadata.
    Logarithmic axes get the house tick labels first (:func:`plain_log_labels`), and a figure with any
    text outside its canvas is refused (ValueError naming the text): every saved figure is whole.
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    alt = description(fig)
    if not alt:
        raise ValueError(f"figure {stem} does not say what it shows: describe it with "
                         "nanoflux.figures.describe(fig, text) before saving (its alt text)")
    text = provenance(notebook, parameters)
    title = f"nanoflux {stem}"
    metadata = {
        "png": {"Software": None, "Title": title, "Description": alt, "Source": text},
        "svg": {"Date": None, "Creator": f"nanoflux {__version__}", "Title": title, "Description": alt,
                "Source": text},
        "pdf": {"CreationDate": None, "ModDate": None, "Creator": f"nanoflux {__version__}",
                "Title": title, "Subject": alt, "Keywords": text},
    }
    plain_log_labels(fig)
    with style():
        clipped = text_outside_canvas(fig)
    if clipped:
        raise ValueError(f"figure {stem} has text outside its canvas, which a reader would see cut: "
                         f"{', '.join(repr(t) for t in clipped[:5])}")
    written = {}
    with style():
        for fmt in FORMATS:
            path = out / f"{stem}.{fmt}"
            fig.savefig(path, format=fmt, metadata=metadata[fmt])
            written[path.name] = sha256(path)
    return written


def renderer_versions() -> dict:
    """The matplotlib and FreeType versions that rendered the figures (bytes depend on both)."""
    from matplotlib import ft2font

    return {"matplotlib": matplotlib.__version__, "freetype": ft2font.__freetype_version__}


class ShownFigure:
    """A saved PNG for a notebook to display, with a description of what it shows: the picture in
    Jupyter, the description as its plain-text form (what nbval compares, what a screen reader or a
    terminal gets) and as the image's alt text on the reading site."""

    def __init__(self, png: bytes, alt: str):
        self.png, self.alt = png, alt

    def _repr_mimebundle_(self, **kwargs):
        import base64

        return {"image/png": base64.b64encode(self.png).decode("ascii"), "text/plain": self.alt}

    def __repr__(self) -> str:
        return self.alt


def show_png(path, alt: str | None = None) -> ShownFigure:
    """Display a saved PNG in a notebook: the exact file written, without rendering the figure again,
    described by ``alt`` (what it shows, in words), by default the description saved in the file."""
    path = Path(path)
    if alt is None:
        alt = saved_description(path)
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError(f"alt must describe what {path.name} shows in words; got {alt!r}")
    return ShownFigure(path.read_bytes(), " ".join(alt.split()))


def saved_description(png_path) -> str | None:
    """The description :func:`save_figure` wrote into a PNG (its Description text chunk)."""
    from PIL import Image

    with Image.open(png_path) as image:
        return image.text.get("Description")
