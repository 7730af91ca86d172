"""Saving figures: deterministic files that say what they show and where they come from.

:func:`save_figure` writes PNG, SVG and PDF that are byte-identical on every rerun on the same platform
(no software/date stamps, a fixed SVG hash salt) and carry nanoflux's version, the notebook and the
parameters in their own metadata, and the figure's description (its alt text, set with
:func:`describe_figure`). :func:`show_png` displays a saved PNG in a notebook with that description.
"""
from __future__ import annotations

import hashlib
import json
import weakref
from pathlib import Path

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from nanoflux import __version__
from nanoflux.formatting import tick_label
from nanoflux.plots.style import MIN_TEXT_PT, SITE_FIGURE_WIDTH_PX, STYLE, style

#: File formats :func:`save_figure` writes.
FORMATS = ("png", "svg", "pdf")


def provenance(notebook: str, parameters: dict) -> str:
    """Provenance text stored in each figure: nanoflux version, notebook and parameters (no time)."""
    return json.dumps({"nanoflux": __version__, "notebook": notebook, "parameters": parameters},
                      sort_keys=True, separators=(",", ":"))


def sha256(path) -> str:
    """Hex SHA-256 of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def all_axes(fig: Figure) -> list:
    """Every axes of ``fig``, with the axes inside axes (``inset_axes``, e.g. a colour bar in a key panel)."""
    found, pending = [], list(fig.axes)
    while pending:
        ax = pending.pop(0)
        found.append(ax)
        pending.extend(ax.child_axes)
    return found


def plain_log_labels(fig: Figure) -> None:
    """House style for logarithmic axes: decades labelled by :func:`tick_label` (plain numbers from 0.001
    to 1000, powers of ten beyond), minor ticks unlabelled, except 2 and 5 on an axis under two decades."""
    from matplotlib import ticker

    for ax in all_axes(fig):
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


def _visible_texts(fig: Figure):
    """The texts of ``fig`` a reader sees (titles, labels, tick labels of ticks in view, legends,
    annotations, non-empty), after a full draw; with the renderer that drew them."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    agg = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    agg.draw()
    hidden = set()  # tick labels of ticks outside an axis's view: matplotlib positions but never draws them
    for ax in all_axes(fig):
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - 1e-9 * abs(high - low) <= tick.get_loc() <= high + 1e-9 * abs(high - low):
                    hidden.update((id(tick.label1), id(tick.label2)))
    texts = [text for text in fig.findobj(Text)
             if id(text) not in hidden and text.get_visible() and text.get_text().strip()
             and (text.axes is None or text.axes.get_visible())]
    return texts, agg.get_renderer()


def text_outside_canvas(fig: Figure, tolerance_px: float = 0.5) -> list[str]:
    """The visible texts of ``fig`` (titles, labels, tick labels, legends, annotations) whose rendered
    bounding box extends beyond the canvas, by more than ``tolerance_px`` pixels; empty when all fit."""
    texts, renderer = _visible_texts(fig)
    canvas = fig.bbox
    found = []
    for text in texts:
        box = text.get_window_extent(renderer)
        if (box.x0 < canvas.x0 - tolerance_px or box.y0 < canvas.y0 - tolerance_px
                or box.x1 > canvas.x1 + tolerance_px or box.y1 > canvas.y1 + tolerance_px):
            found.append(text.get_text())
    return found


def shown_scale(fig: Figure) -> float:
    """How much the reading site scales ``fig``'s points: its PNG (``savefig.dpi``) is shown at its own
    size in CSS pixels (96 per inch) up to :data:`~nanoflux.plots.style.SITE_FIGURE_WIDTH_PX` wide, and
    narrowed to that beyond."""
    width_in = fig.get_figwidth()
    png_px = width_in * STYLE["savefig.dpi"]
    return min(png_px, SITE_FIGURE_WIDTH_PX) / (width_in * 96)


def small_text(fig: Figure, min_pt: float = MIN_TEXT_PT) -> list[tuple[str, float]]:
    """The visible texts of ``fig`` smaller than ``min_pt`` points as the reading site shows the figure
    (:func:`shown_scale`), each as (text, shown size in pt); empty when every text is large enough. Sizes
    are the texts' own; a mathtext sub- or superscript is set smaller within its text, as in print."""
    scale = shown_scale(fig)
    with style():
        texts, _ = _visible_texts(fig)
    return [(text.get_text(), round(text.get_fontsize() * scale, 2)) for text in texts
            if text.get_fontsize() * scale < min_pt]


_DESCRIPTIONS: weakref.WeakKeyDictionary[Figure, str] = weakref.WeakKeyDictionary()


def describe_figure(fig: Figure, text: str) -> Figure:
    """Say in words what ``fig`` shows (its alt text: kept in the saved files' metadata, shown by
    :func:`show_png` as the figure's plain-text form and by the reading site as the image's alt).
    Whitespace is collapsed, so the text may be written over several source lines."""
    _DESCRIPTIONS[fig] = " ".join(str(text).split())
    return fig


def figure_description(fig: Figure) -> str | None:
    """What :func:`describe_figure` said ``fig`` shows, or None."""
    return _DESCRIPTIONS.get(fig)


def save_figure(fig: Figure, output_dir, stem: str, *, notebook: str, parameters: dict) -> dict:
    """Write ``stem``.png/.svg/.pdf into ``output_dir`` deterministically; return {file name: sha256}.

    PNG has no Software key, SVG no Date and a fixed hash salt, PDF no CreationDate; each carries
    the figure's :func:`figure_description` (what it shows: PNG and SVG Description, PDF Subject; a figure
    without one is refused) and :func:`provenance` (nanoflux version, notebook, parameters: PNG and
    SVG Source, PDF Keywords) in its metadata.
    Logarithmic axes get the house tick labels first (:func:`plain_log_labels`), and a figure with any
    text outside its canvas, or any text under :data:`~nanoflux.plots.style.MIN_TEXT_PT` where the reading
    site shows it (:func:`small_text`), is refused (ValueError naming the text): every saved figure is whole
    and legible.
    """
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    alt = figure_description(fig)
    if not alt:
        raise ValueError(f"figure {stem} does not say what it shows: describe it with "
                         "nanoflux.plots.save.describe_figure(fig, text) before saving (its alt text)")
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
    tiny = small_text(fig)
    if tiny:
        raise ValueError(f"figure {stem} has text under {MIN_TEXT_PT:g} pt where the reading site shows it "
                         f"({SITE_FIGURE_WIDTH_PX} px wide): "
                         f"{', '.join(f'{t!r} at {pt:g} pt' for t, pt in tiny[:5])}; draw it narrower or larger")
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
