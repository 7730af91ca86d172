"""Plots for the discrete-dipoles notebook (05), in the house style of :mod:`nanoflux.figures`."""
from __future__ import annotations

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from .claims import power_law_exponent
from .dipoles import dipole_field
from .figures import BLUE, GREY, INK, RED, style


def field_lines_figure(sample_list, *, extent=2.0, resolution=81) -> Figure:
    """Field lines of B in the plane y = 0 for each sample, coloured by |B| (log scale).

    The colour scale spans the 5th to 95th percentile of |B| in the plane (it diverges at the
    dipoles). The plane spans +-``extent`` R; dipoles within R/4 of the plane are drawn as arrows along
    their moments' x-z projection, the others as grey dots (projected). The streamlines are
    rasterized inside SVG and PDF, which keeps those files small and quick to write.
    """
    with style():
        fig = Figure(figsize=(3.3 * len(sample_list), 3.6))
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
            ax.set_title(f"N = {s.N}, R = {R_nm:.1f} nm")
            ax.set_xlabel("x [nm]")
        axes[0].set_ylabel("z [nm]")
        fig.tight_layout()
    return fig


def _circle(radius_nm):
    from matplotlib.patches import Circle

    return Circle((0, 0), radius_nm, fill=False, ec=INK, lw=0.8, ls="--")


def checks_figure(divergence, flux, fluctuation) -> Figure:
    """Three panels: the divergence residual at h and h/2, the relative net flux, and the spread against N."""
    with style():
        fig = Figure(figsize=(11.0, 3.6))
        a, b, c = fig.subplots(1, 3)
        N = [r["N"] for r in divergence]
        a.loglog(N, [r["relative_h"] for r in divergence], "o-", color=BLUE, label="step h")
        a.loglog(N, [r["relative_h2"] for r in divergence], "s-", color=RED, label="step h/2")
        a.set_title("finite-difference div B, away from dipoles")
        a.set_xlabel("number of dipoles N")
        a.set_ylabel("|div B| / (|dBx/dx|+|dBy/dy|+|dBz/dz|)")
        a.legend(fontsize=8)
        N = [r["N"] for r in flux]
        floor = np.finfo(float).eps
        b.loglog(N, [max(r["relative_inside"], floor) for r in flux], "o-", color=BLUE, label="sphere 2R: all inside")
        b.loglog(N, [max(r["relative_outside"], floor) for r in flux], "s-", color=RED, label="sphere off-centre: none inside")
        b.axhline(floor, color=GREY, lw=0.8, ls=":", label="double-precision epsilon")
        b.set_title("net flux through closed spheres")
        b.set_xlabel("number of dipoles N")
        b.set_ylabel("|net flux| / flux of |B . n|")
        b.legend(fontsize=8)
        Nf = np.asarray(fluctuation.N, dtype=float)
        y = fluctuation.relative
        c.loglog(Nf, y, "o", color=BLUE, label="std / |mean| of B_z at the probe")
        if len(Nf) >= 2:
            slope = power_law_exponent(Nf, y)
            c.loglog(Nf, y[0] * (Nf / Nf[0]) ** -0.5, "--", color=GREY, label="N^(-1/2) through the first point")
            c.set_title(f"spread over configurations (fit slope {slope:.3f})")
        else:
            c.set_title("spread over configurations")
        c.set_xlabel("number of dipoles N")
        c.set_ylabel("relative spread")
        c.legend(fontsize=8)
        fig.tight_layout()
    return fig
