"""Plots for the discrete-dipoles notebook (05), in the house style of :mod:`nanoflux.plots.style`."""
from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from nanoflux.dipoles import dipole_field
from nanoflux.formatting import ROUND_OFF, tex
from nanoflux.plots.save import describe_figure
from nanoflux.plots.style import BLUE, GREY, INK, RED, style
from nanoflux.studies.discrete_dipoles import GILBERT_MAX_N


def _grid(count: int, height_per_row: float):
    """A figure of ``count`` panels in two columns plus one cell for the key, about 7 inches wide: shown
    at the reading site's width (and an A4 page's) nearly at its own size, so no text shrinks below 6 pt."""
    rows = (count + 2) // 2
    fig = Figure(figsize=(7.0, height_per_row * rows))
    axes = fig.subplots(rows, 2, squeeze=False).ravel()
    for spare in axes[count + 1:]:
        spare.set_visible(False)
    return fig, axes[:count], axes[count]


def field_lines_figure(sample_list, *, extent=2.0, resolution=81) -> Figure:
    """Field lines of B in the plane y = 0 for each sample, coloured by |B| in µT (log scale, one scale for
    all panels), two panels a row; the last cell holds the key and the colour bar.

    The colour scale spans the lowest 5th to the highest 95th percentile of |B| over the panels' planes
    (|B| diverges at the dipoles). The plane spans +-``extent`` R; dipoles within R/4 of the plane are
    drawn as arrows along their moments' x-z projection, the others as grey dots (projected). The
    streamlines are rasterized inside SVG and PDF, which keeps those files small and quick to write.
    """
    fields = []
    for s in sample_list:
        u = np.linspace(-extent, extent, resolution) * s.radius
        X, Z = np.meshgrid(u, u)
        points = np.stack([X.ravel(), np.zeros(X.size), Z.ravel()], axis=1)
        B = dipole_field(points, s.positions, s.moments) * 1e6  # µT
        fields.append((X, Z, B[:, 0].reshape(X.shape), B[:, 2].reshape(X.shape)))
    bounds = np.array([np.percentile(np.hypot(Bx, Bz), [5, 95]) for _, _, Bx, Bz in fields])
    norm = LogNorm(bounds[:, 0].min(), bounds[:, 1].max(), clip=True)
    with style():
        fig, axes, key = _grid(len(sample_list), 3.3)
        for k, (ax, s, (X, Z, Bx, Bz)) in enumerate(zip(axes, sample_list, fields)):
            R_nm = s.radius * 1e9
            lines = ax.streamplot(X * 1e9, Z * 1e9, Bx, Bz, color=np.hypot(Bx, Bz), cmap="viridis", norm=norm,
                                  density=0.7, linewidth=0.8, arrowsize=0.7)
            lines.lines.set_rasterized(True)  # thousands of segments: an image inside SVG and PDF
            lines.arrows.set_rasterized(True)
            ax.add_patch(_circle(R_nm))
            near = np.abs(s.positions[:, 1]) < s.radius / 4
            ax.plot(s.positions[~near, 0] * 1e9, s.positions[~near, 2] * 1e9, ".", color=GREY, ms=2.5)
            if near.any():
                m = s.moments[near][:, [0, 2]]
                m = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-300) * R_nm / 5
                ax.quiver(s.positions[near, 0] * 1e9, s.positions[near, 2] * 1e9, m[:, 0], m[:, 1], color=RED,
                          pivot="middle", angles="xy", scale_units="xy", scale=1, width=0.008, zorder=4)
            ax.set_xlim(-extent * R_nm, extent * R_nm)
            ax.set_ylim(-extent * R_nm, extent * R_nm)
            ax.set_aspect("equal")
            ax.grid(False)
            ax.set_title(f"({_letter(k)}) $N$ = {s.N:,}, $R$ = {R_nm:.1f} nm")
            ax.set_xlabel("$x$ [nm]")
            ax.set_ylabel("$z$ [nm]")
        key.axis("off")
        key.legend(handles=[
            Line2D([], [], color=INK, lw=0.8, ls="--", label="the sphere, radius $R$"),
            Line2D([], [], marker="$\\uparrow$", color=RED, ms=11, ls="none",
                   label="dipole within $R/4$ of the plane:\nits moment's $x$-$z$ projection"),
            Line2D([], [], marker=".", color=GREY, ms=6, ls="none", label="other dipoles, projected"),
        ], loc="upper left", bbox_to_anchor=(0.0, 1.0), fontsize=9, frameon=False, handlelength=2.2)
        bar = fig.colorbar(lines.lines, cax=key.inset_axes((0.05, 0.3, 0.9, 0.07)), orientation="horizontal")
        bar.set_label("in-plane $|\\mathbf{B}|$ [µT], all panels")
        bar.ax.grid(False)
        fig.tight_layout()
    panels = "; ".join(f"({_letter(k)}) N = {s.N:,} dipoles in a sphere of R = {s.radius * 1e9:.1f} nm"
                       for k, s in enumerate(sample_list))
    return describe_figure(fig, f"""{len(sample_list)} panels of field lines of B in the x-z plane through the centre
        of a particle of randomly placed dipoles, the sphere drawn dashed, the lines coloured by the in-plane
        |B| on one logarithmic scale from {norm.vmin:.2g} to {norm.vmax:.2g} µT; dipoles near the plane are red
        arrows, the others grey dots: {panels}.""")


def _letter(k: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[k] if k < 26 else str(k + 1)


def _circle(radius_nm):
    from matplotlib.patches import Circle

    return Circle((0, 0), radius_nm, fill=False, ec=INK, lw=0.8, ls="--")


def checks_figure(divergence, flux, fluctuation, law, *, aligned: bool = True) -> Figure:
    """Three panels, two a row, and notes: (a) the pointwise divergence residual (median and 99th percentile
    at h and h/2), (b) the relative net flux for both dipole models, (c) the spread against N with its
    1/sqrt(N) law; (d) says how (b) draws round-off and which points it lacks."""
    floor = ROUND_OFF
    with style():
        fig, (a, b, c), notes = _grid(3, 3.6)
        point = [r for r in divergence if r.model == "point dipoles"]
        N = [r.N for r in point]
        a.loglog(N, [r.h_q50 for r in point], "o-", color=BLUE, label="median, step $h$")
        a.loglog(N, [r.h2_q50 for r in point], "s-", color=RED, label="median, step $h/2$")
        a.loglog(N, [r.h_q99 for r in point], "o:", color=BLUE, label="99th percentile, $h$")
        a.loglog(N, [r.h2_q99 for r in point], "s:", color=RED, label="99th percentile, $h/2$")
        a.set_title("(a) finite-difference $\\nabla\\cdot\\mathbf{B}$")
        a.set_xlabel("number of dipoles $N$")
        a.set_ylabel("$|\\nabla\\cdot\\mathbf{B}|\\;/\\;\\sum_i|\\partial B_i/\\partial x_i|$")
        a.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, frameon=False)
        shown_N = {}
        for model, color, marker in (("point dipoles", BLUE, "o"), ("charge pairs", RED, "s")):
            rows = [r for r in flux if r.model == model]
            shown_N[model] = [r.N for r in rows]
            if rows:
                worst = [max(r.relative_inside, r.relative_outside) for r in rows]
                b.loglog(shown_N[model], [max(w, floor / 10) for w in worst], marker, color=color, ms=7,
                         mfc="none" if model == "charge pairs" else color, label=model)
        b.axhline(floor, color=GREY, lw=0.8, ls=":")
        b.axhspan(floor / 100, floor, color=GREY, alpha=0.12, lw=0)
        b.text(0.04, 0.3, "round-off", transform=b.transAxes, fontsize=8, color=INK)
        b.set_ylim(floor / 100, 1e-6)
        b.set_title("(b) net flux, closed spheres")
        b.set_xlabel("number of dipoles $N$")
        b.set_ylabel("$|\\oint\\mathbf{B}\\cdot d\\mathbf{S}|\\;/\\;\\oint|\\mathbf{B}\\cdot\\hat{\\mathbf{n}}|\\,dS$")
        b.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2, frameon=False)
        Nf = np.asarray(fluctuation.N, dtype=float)
        y = np.asarray(fluctuation.relative if aligned else fluctuation.std_over_scale, dtype=float)
        c.loglog(Nf, y, "o", color=BLUE, label="spread at the probe" + ("" if aligned else " / $(\\mu_0 n m)$"))
        line = np.geomspace(Nf.min(), Nf.max(), 50)
        c.loglog(line, law.prefactor / np.sqrt(line), "--", color=GREY,
                 label=f"${law.prefactor:.3f}\\,N^{{-1/2}}$ ({law.prefactor_source})"
                       + ("" if law.slope is None else f"; fit slope {law.slope:.3f}"))
        c.set_title("(c) spread between configurations")
        c.set_xlabel("number of dipoles $N$")
        c.set_ylabel("relative spread of $B_z$ at the probe")
        c.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), frameon=False)
        notes.axis("off")
        fig.tight_layout()
        _write_notes(fig, notes, flux, shown_N)
    worst_flux = max((max(r.relative_inside, r.relative_outside) for r in flux), default=float("nan"))
    median, halved = [r.h_q50 for r in point], [r.h2_q50 for r in point]
    missing = " " + _missing_points(shown_N) if _missing_points(shown_N) else ""
    return describe_figure(fig, f"""Three log-log panels against the number of dipoles N
        ({', '.join(f'{int(n):,}' for n in Nf)}), and notes. (a) The finite-difference divergence of B point by
        point, relative to the sum of the |∂B_i/∂x_i|: medians {min(median):.2g} to {max(median):.2g} at step h
        and {min(halved):.2g} to {max(halved):.2g} at h/2, 99th percentiles up to
        {max(r.h_q99 for r in point):.2g}. (b) The net flux through closed spheres relative to the flux of
        |B·n|, for point dipoles and charge pairs: at most {worst_flux:.1g},
        {'inside' if worst_flux <= floor else 'above'} the shaded band below {floor:.0e}, float64 round-off (the
        notebook's tables write such values "< {floor:.0e}"): their digits differ between machines, so they are
        drawn at {floor / 10:.0e} rather than at their own value, both models' points one on the other.{missing}
        (c) The relative spread of B_z at the probe between random configurations, from {y[0]:.2g} to
        {y[-1]:.2g}, along the dashed law {law.prefactor:.3f}/√N.""")


def _missing_points(shown_N: dict) -> str:
    """Which N one model of panel (b) lacks that the other has, as a sentence (empty when none)."""
    every = sorted(set().union(*shown_N.values()))
    lacking = [(model, [n for n in every if n not in Ns]) for model, Ns in shown_N.items()]
    return " ".join(f"No {model[:-1].replace(' ', '-')} point at N = {', '.join(f'{n:,}' for n in gaps)}: that "
                    f"model is computed for N up to {GILBERT_MAX_N:,} only (its plain sum is slow)."
                    for model, gaps in lacking if gaps)


def _write_notes(fig: Figure, notes, flux, shown_N) -> None:
    """Write :func:`_flux_notes` into the key cell ``notes``, lines of 40 characters where they fit inside the
    canvas (the panels' labels move the cell with the data) and shorter where they do not."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    for width in range(40, 19, -2):
        text = notes.text(-0.08, 1.0, "\n".join(_flux_notes(flux, shown_N, width)), transform=notes.transAxes,
                          va="top", fontsize=9, color=INK)
        box = text.get_window_extent(renderer)
        if box.x1 <= fig.bbox.x1 and box.y0 >= fig.bbox.y0:
            return
        text.remove()
    notes.add_artist(text)  # the narrowest: save_figure names it if even that does not fit


def _flux_notes(flux, shown_N, width: int = 40) -> list[str]:
    """The notes of panel (b), as lines of at most ``width`` characters: how round-off is drawn, the largest
    value, the points left out."""
    worst = max((max(r.relative_inside, r.relative_outside) for r in flux), default=float("nan"))
    paragraphs = [f"Shaded: below ${tex(ROUND_OFF)}$ (written \"<\u00a0{ROUND_OFF:.0e}\" in the notebook's tables), "
                  "float64 round-off, whose digits differ between machines. Each such value is drawn at "
                  f"${tex(ROUND_OFF / 10)}$, not at its own value, so points of both models there sit one on "
                  "the other. "
                  f"Largest value: ${tex(worst, 1).replace(' ', '')}$.", _missing_points(shown_N)]
    lines = ["Notes on (b)"]
    for paragraph in filter(None, paragraphs):
        lines += ["", *textwrap.wrap(paragraph, width)]
    return lines
