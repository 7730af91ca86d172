"""The paper's Figures 1 and 2, recomputed: data or parameters in, a matplotlib Figure out, in the house
style (:mod:`nanoflux.plots.style`) and described in words (:func:`nanoflux.plots.save.describe_figure`)."""
from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch

from nanoflux import paper
from nanoflux import validate as v
from nanoflux.flux import critical_radius, flux_quanta, whole_flux_quanta
from nanoflux.formatting import num
from nanoflux.meanfield import critical_radius_mean_field
from nanoflux.plots.save import describe_figure
from nanoflux.plots.style import BLUE, GREY, INK, RED, density, style

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


#: Figure 1's particles a row (the paper draws three).
PANELS_PER_ROW = 3


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
        # At most three particles a row, and never narrower than two: each panel keeps the size the
        # paper's three have, so its text stays legible where the site shows it (save_figure checks).
        columns = min(len(ratios), PANELS_PER_ROW)
        rows = -(-len(ratios) // PANELS_PER_ROW)
        fig = Figure(figsize=(max(3.2 * columns, 6.4), 3.9 * rows))
        axes = fig.subplots(rows, columns, squeeze=False).ravel()
        for ax in axes[len(ratios):]:
            ax.set_visible(False)
        for idx, (ax, R, k, n_lines, q) in enumerate(zip(axes, radii_nm, ratios, counts, quanta)):
            ax.add_patch(Circle((0, 0), R, facecolor="#dfe7f3", edgecolor=INK, lw=1.2, zorder=2))
            _dipole_arrows(ax, R, 0.0, spacing, GREY)
            for x_in in _flux_line_positions(int(n_lines), R):
                _flux_line(ax, x_in, R, 0.0, limit, BLUE)
            ax.set_xlim(-limit, limit)
            ax.set_ylim(-limit, limit)
            ax.set_aspect("equal")
            ax.grid(False)
            ax.set_xlabel("$x$ [nm]")
            if idx % PANELS_PER_ROW == 0:
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
        f"{n:d} flux line{'' if n == 1 else 's'}"
        for i, (R, k, n, q) in enumerate(zip(radii_nm, ratios, counts, quanta)))
    return describe_figure(fig, f"""Figure 1 recomputed at B = {B_tesla:.3g} T (flux quantum {convention}, r_c =
        {r_c * 1e9:.2f} nm): {len(ratios)} spherical particles magnetized along +z, side by side on one nanometre
        scale, with their aligned dipoles as grey arrows and one blue flux line per whole flux quantum:
        {particles}.""")


# -- Figure 2 -----------------------------------------------------------------------------------

def figure2(B_range_tesla=(0.01, 1.0), N_range=(1, 10000), n_per_m3=paper.DENSITY_PER_M3,
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
                   label=f"mean field, $n$ = {density(n_per_m3)}: $r_c \\propto N^{{1/3}}$")
        top.set_xlabel("number of dipoles $N$", color=RED)
        top.tick_params(axis="x", colors=RED)
        top.grid(False)
        top.spines["top"].set_visible(True)
        if show_paper:
            if B_range_tesla[0] <= 1.0 <= B_range_tesla[1]:
                ax.plot([paper.FIELD_TESLA], [paper.FLUX_RADIUS.value], "o", mfc="white", mec=BLUE, mew=1.5, ms=7,
                        zorder=5, label=f"printed: {paper.FLUX_RADIUS.text} nm at {paper.FIELD_TESLA:g} T")
            pts = [(k, p.value) for k, p in paper.TABLE_ONE.items() if N_range[0] <= k <= N_range[1]]
            if pts:
                top.plot(*zip(*pts), "s", mfc="white", mec=RED, mew=1.5, ms=7, zorder=5,
                         label=f"printed: Table I ($n$ = {density(paper.DENSITY_PER_M3)})")
        handles = ax.get_legend_handles_labels()
        handles2 = top.get_legend_handles_labels()
        fig.legend(handles[0] + handles2[0], handles[1] + handles2[1], loc="lower center", ncol=2, fontsize=8,
                   frameon=False)
        ymin = min(rB.min(), rN.min())
        ymax = max(rB.max(), rN.max())
        ax.set_ylim(ymin / 1.25, ymax * 1.25)
        ax.set_title("Figure 2 recomputed", pad=8)
        fig.tight_layout(rect=(0, 0.13, 1, 1))
    marked = (f" Open symbols mark the paper's printed values in range ({paper.FLUX_RADIUS.text} nm at "
              f"{paper.FIELD_TESLA:g} T; Table I at {num(paper.DENSITY_PER_M3)} m⁻³).") \
        if show_paper else ""
    return describe_figure(fig, f"""Figure 2 recomputed, a log-log chart of the critical radius in nm. Blue, against
        the bottom axis (B from {B_range_tesla[0]:g} to {B_range_tesla[1]:g} T): the flux-quantum radius of
        Eq. 4 ({convention}) falls as 1/√B from {rB[0]:.3g} to {rB[-1]:.3g} nm. Red, against the top axis
        (N from {N_plot[0]:,.0f} to {N_plot[-1]:,.0f}): the mean-field radius at n = {num(n_per_m3)} m⁻³
        rises as ∛N from {rN[0]:.3g} to {rN[-1]:.3g} nm.{marked}""")

