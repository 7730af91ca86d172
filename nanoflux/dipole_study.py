"""The numerical test of the paper's central claim, as the discrete-dipoles notebook (05) runs it.

For each N: one seeded sample of N dipoles in the sphere of the paper's mean-field radius; the
finite-difference divergence of their summed field at two grid steps; the net flux through a
sphere holding every dipole and through one holding none; and, over many samples, the spread
of the field at an outside probe. Rows are plain dicts of SI numbers.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .dipole_checks import divergence_residual, net_flux_through_sphere
from .dipoles import sample_dipoles, sample_radius

#: Relative values below this are double-precision round-off (as in nanoflux.report).
ROUND_OFF = 1e-12


class Sample(NamedTuple):
    """N dipoles in a sphere of ``radius`` (m): positions (N, 3) in m, moments (N, 3) in A m^2."""

    N: int
    radius: float
    positions: np.ndarray
    moments: np.ndarray


def samples(N_values, n, *, seed: int, aligned: bool = True) -> list[Sample]:
    """One sample per N, all drawn in order from ``numpy.random.default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    out = []
    for N in N_values:
        pos, mom = sample_dipoles(N, n, aligned=aligned, rng=rng)
        radius = sample_radius(N, n)
        out.append(Sample(int(N), radius, pos, mom))
    return out


def divergence_rows(sample_list, step_over_radius: float, *, half_width=1.5, keep_out=0.5) -> list[dict]:
    """div B on a cube of half-width ``half_width`` R at steps h and h/2 (h = ``step_over_radius`` R).

    Grid points closer than ``keep_out`` R to a dipole are left out at both steps (the same
    distance in m for both, so the comparison is fair). ``relative`` is max |div B| over the
    largest sum of the terms that cancel in it (see :func:`divergence_residual`); ``ratio`` is
    relative(h) / relative(h/2), about 4 for a second-order difference of a field whose exact
    divergence is zero.
    """
    rows = []
    for s in sample_list:
        h = step_over_radius * s.radius
        coarse, fine = (divergence_residual(s.positions, s.moments, (0.0, 0.0, 0.0), half_width * s.radius,
                                            step, keep_out * s.radius) for step in (h, h / 2))
        rows.append({"N": s.N, "step_m": h, "relative_h": coarse.relative, "relative_h2": fine.relative,
                     "ratio": coarse.relative / fine.relative, "max_abs_div_h_T_per_m": coarse.max_abs_div,
                     "points_kept_h2": fine.n_points})
    return rows


def flux_rows(sample_list) -> list[dict]:
    """Net flux through a sphere of radius 2R at the centre (every dipole inside) and of radius R at
    (0, 0, 3R) (none inside): ``relative`` is |net| / (closed integral of |B . n|)."""
    rows = []
    for s in sample_list:
        inside = net_flux_through_sphere(s.positions, s.moments, (0.0, 0.0, 0.0), 2.0 * s.radius)
        outside = net_flux_through_sphere(s.positions, s.moments, (0.0, 0.0, 3.0 * s.radius), s.radius)
        rows.append({"N": s.N, "net_inside_Wb": inside.net, "relative_inside": inside.relative,
                     "net_outside_Wb": outside.net, "relative_outside": outside.relative})
    return rows


def summary(divergence, flux, fluct, *, aligned: bool = True) -> str:
    """A plain statement of what the three tables show, every number taken from them.

    The wording follows the data: if the divergence does not fall with the step, or the net
    flux is not at round-off level, the statement says so instead.
    """
    from .claims import power_law_exponent

    Ns = [r["N"] for r in divergence]
    ratios = [r["ratio"] for r in divergence]
    worst_flux = max(max(r["relative_inside"], r["relative_outside"]) for r in flux)
    lines = [f"Dipole counts tested: N = {', '.join(str(N) for N in Ns)}."]
    if all(q > 2.0 for q in ratios):
        lines.append(
            f"Divergence: halving the grid step divided the residual by {min(ratios):.1f} to {max(ratios):.1f} "
            f"for every N, as a finite-difference error does.")
    else:
        lines.append(
            f"Divergence: halving the grid step changed the residual by factors of {min(ratios):.1f} to "
            f"{max(ratios):.1f}; for some N it did not fall like a discretization error (check the step).")
    if worst_flux < ROUND_OFF:
        lines.append(
            f"Flux: through every closed sphere, with all dipoles inside or none, the net flux was below "
            f"{ROUND_OFF:.0e} of the total |B . n| flux (double-precision round-off), for N = {Ns[0]} as for "
            f"N = {Ns[-1]}.")
    else:
        lines.append(f"Flux: the largest relative net flux was {worst_flux:.1e}; it is not at round-off level.")
    spread = np.asarray(fluct.relative if aligned else fluct.std_over_scale, dtype=float)
    if len(fluct.N) >= 2:
        slope = power_law_exponent(np.asarray(fluct.N, dtype=float), spread)
        lines.append(
            f"Spread: between configurations the probe field varied by {spread[0]:.3g} "
            f"{'of its mean' if aligned else 'of mu0 n m'} at N = {int(fluct.N[0])} and by {spread[-1]:.3g} at "
            f"N = {int(fluct.N[-1])}; fitted exponent {slope:.2f} against 1/sqrt(N)'s -0.5.")
    lines.append(
        "So in these calculations, the field of a finite set of point dipoles is divergence-free away from the "
        "dipoles and carries no net flux through closed surfaces for every N tested, one dipole included; what "
        "few dipoles change is how much the field's value depends on their positions, not whether div B = 0 holds.")
    return "\n".join(_wrap(line) for line in lines)


def _wrap(text: str, width: int = 100) -> str:
    import textwrap

    return textwrap.fill(text, width=width, subsequent_indent="  ", break_on_hyphens=False)
