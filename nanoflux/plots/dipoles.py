"""Plots for the discrete-dipoles notebook (05), in the house style of :mod:`nanoflux.plots.style`."""
from __future__ import annotations

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from nanoflux.dipoles import dipole_field
from nanoflux.formatting import ROUND_OFF
from nanoflux.plots.save import describe_figure
from nanoflux.plots.style import BLUE, GREY, INK, RED, style


def field_lines_figure(sample_list, *, extent=2.0, resolution=81) -> Figure:
    """Field lines of B in the plane y = 0 for each sample, coloured by |B| (log scale).

    The colour scale spans the 5th to 95th percentile of |B| in the plane (it diverges at the
    dipoles). The plane spans +-``extent`` R; dipoles within R/4 of the plane are drawn as arrows along
    their moments' x-z projection, the others as grey dots (projected). The streamlines are
    rasterized inside SVG and PDF, which keeps those files small and quick to write.
    """
    with style():
        fig = Figure(figsize=(3.3 * len(sample_list), 4.3))
        axes = fig.subplots(1, len(sample_list), squeeze=False)[0]
        for ax, s in zip(axes, sample_list):
            R_nm = s.radius * 1e9
            u = np.linspace(-extent, extent, resolution) * s.radius
            X, Z = np.meshgrid(u, u)
            points = np.stack([X.ravel(), np.zeros(X.size), Z.ravel()], axis=1)
            B = dipole_field(points, s.positions, s.moments)
            Bx, Bz = B[:, 0].reshape(X.shape), B[:, 2].reshape(X.shape)
            mag = np.hypot(Bx, Bz)
            lo, hi = np.percentile(mag, [5, 95])
            lines = ax.streamplot(X * 1e9, Z * 1e9, Bx, Bz, color=mag, cmap="viridis", norm=LogNorm(lo, hi, clip=True),
                                  density=0.7, linewidth=0.8, arrowsize=0.7)
            lines.lines.set_rasterized(True)  # thousands of segments: an image inside SVG and PDF
            lines.arrows.set_rasterized(True)
            ax.add_patch(_circle(R_nm))
            near = np.abs(s.positions[:, 1]) < s.radius / 4
            ax.plot(s.positions[~near, 0] * 1e9, s.positions[~near, 2] * 1e9, ".", color=GREY, ms=2)
            if near.any():
                m = s.moments[near][:, [0, 2]]
                m = m / np.maximum(np.linalg.norm(m, axis=1, keepdims=True), 1e-300) * R_nm / 5
                ax.quiver(s.positions[near, 0] * 1e9, s.positions[near, 2] * 1e9, m[:, 0], m[:, 1], color=RED,
                          pivot="middle", angles="xy", scale_units="xy", scale=1, width=0.008, zorder=4)
            ax.set_xlim(-extent * R_nm, extent * R_nm)
            ax.set_ylim(-extent * R_nm, extent * R_nm)
            ax.set_aspect("equal")
            ax.grid(False)
            ax.set_title(f"$N$ = {s.N}, $R$ = {R_nm:.1f} nm")
            ax.set_xlabel("$x$ [nm]")
            bar = fig.colorbar(lines.lines, ax=ax, orientation="horizontal", pad=0.2, fraction=0.05, aspect=30)
            bar.set_label("in-plane $|\\mathbf{B}|$ [T]", fontsize=8)
            bar.ax.tick_params(which="both", labelsize=7)
        axes[0].set_ylabel("$z$ [nm]")
        fig.tight_layout()
    panels = "; ".join(f"N = {s.N:,} dipoles in a sphere of R = {s.radius * 1e9:.1f} nm" for s in sample_list)
    return describe_figure(fig, f"""{len(sample_list)} panels of field lines of B in the x-z plane through the centre
        of a particle of randomly placed dipoles, the sphere drawn dashed, the lines coloured by the in-plane
        |B| in tesla on a logarithmic scale; dipoles near the plane are red arrows, the others grey dots:
        {panels}.""")


def _circle(radius_nm):
    from matplotlib.patches import Circle

    return Circle((0, 0), radius_nm, fill=False, ec=INK, lw=0.8, ls="--")


def checks_figure(divergence, flux, fluctuation, law, *, aligned: bool = True) -> Figure:
    """Three panels: the pointwise divergence residual (median and 99th percentile at h and h/2), the
    relative net flux for both dipole models, and the spread against N with its 1/sqrt(N) law."""
    with style():
        fig = Figure(figsize=(11.5, 4.6))
        a, b, c = fig.subplots(1, 3)
        point = [r for r in divergence if r["model"] == "point dipoles"]
        N = [r["N"] for r in point]
        a.loglog(N, [r["h_q50"] for r in point], "o-", color=BLUE, label="median, step $h$")
        a.loglog(N, [r["h2_q50"] for r in point], "s-", color=RED, label="median, step $h/2$")
        a.loglog(N, [r["h_q99"] for r in point], "o:", color=BLUE, label="99th percentile, $h$")
        a.loglog(N, [r["h2_q99"] for r in point], "s:", color=RED, label="99th percentile, $h/2$")
        a.set_title("finite-difference $\\nabla\\cdot\\mathbf{B}$, point by point")
        a.set_xlabel("number of dipoles $N$")
        a.set_ylabel("$|\\nabla\\cdot\\mathbf{B}|\\;/\\;\\sum_i|\\partial B_i/\\partial x_i|$")
        a.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
        floor = ROUND_OFF
        for model, color, marker in (("point dipoles", BLUE, "o"), ("charge pairs", RED, "s")):
            rows = [r for r in flux if r["model"] == model]
            if rows:
                worst = [max(r["relative_inside"], r["relative_outside"]) for r in rows]
                b.loglog([r["N"] for r in rows], [max(w, floor / 10) for w in worst], marker, color=color, ms=7,
                         mfc="none" if model == "charge pairs" else color, label=model)
        b.axhline(floor, color=GREY, lw=0.8, ls=":")
        b.axhspan(floor / 100, floor, color=GREY, alpha=0.12, lw=0)
        b.text(0.03, 0.27, "shaded: round-off; values below 1e-12 are drawn at 1e-13", transform=b.transAxes,
               fontsize=7, color=INK)
        b.set_ylim(floor / 100, 1e-6)
        b.set_title("net flux through closed spheres")
        b.set_xlabel("number of dipoles $N$")
        b.set_ylabel("$|\\oint\\mathbf{B}\\cdot d\\mathbf{S}|\\;/\\;\\oint|\\mathbf{B}\\cdot\\hat{\\mathbf{n}}|\\,dS$")
        b.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, frameon=False)
        Nf = np.asarray(fluctuation.N, dtype=float)
        y = np.asarray(fluctuation.relative if aligned else fluctuation.std_over_scale, dtype=float)
        c.loglog(Nf, y, "o", color=BLUE, label="spread at the probe" + ("" if aligned else " / $(\\mu_0 n m)$"))
        line = np.geomspace(Nf.min(), Nf.max(), 50)
        c.loglog(line, law["prefactor"] / np.sqrt(line), "--", color=GREY,
                 label=f"${law['prefactor']:.3f}\\,N^{{-1/2}}$ ({law['prefactor_source']})"
                       + ("" if law["slope"] is None else f"; free fit slope {law['slope']:.3f}"))
        c.set_title("spread between configurations")
        c.set_xlabel("number of dipoles $N$")
        c.set_ylabel("relative spread of $B_z$ at the probe")
        c.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.2), frameon=False)
        fig.tight_layout()
    worst_flux = max((max(r["relative_inside"], r["relative_outside"]) for r in flux), default=float("nan"))
    median, halved = [r["h_q50"] for r in point], [r["h2_q50"] for r in point]
    return describe_figure(fig, f"""Three log-log panels against the number of dipoles N
        ({', '.join(f'{int(n):,}' for n in Nf)}). Left: the finite-difference divergence of B point by point,
        relative to the sum of the |∂B_i/∂x_i|: medians {min(median):.2g} to {max(median):.2g} at step h and
        {min(halved):.2g} to {max(halved):.2g} at h/2, 99th percentiles up to {max(r['h_q99'] for r in point):.2g}.
        Middle: the net flux through closed spheres relative to the flux of |B·n|, for point dipoles and charge
        pairs: at most {worst_flux:.1g}, {'inside' if worst_flux <= floor else 'above'} the shaded round-off band
        (values below {floor:.0e} are drawn at {floor / 10:.0e}). Right: the relative spread of B_z at the probe """
        f"""between random
        configurations, from {y[0]:.2g} to {y[-1]:.2g}, along the dashed law {law['prefactor']:.3f}/√N.""")
