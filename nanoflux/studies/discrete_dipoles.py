"""Notebook 05's study of the paper's central claim, with discrete dipoles.

For each N: one seeded sample of N dipoles in the sphere of the paper's mean-field radius. Two
checks that hold for any field with zero divergence (the pointwise finite-difference div B and
the net flux through closed spheres), run on the paper's point dipoles and, for contrast, on
magnetic-charge (Gilbert) pairs at the same places; the computation that does distinguish the two
models (the field averaged over a ball, nanoflux.dipole_models); and, over many samples, the
spread of the field at an outside probe against its exact 1/sqrt(N) law. Rows are typed (NamedTuples
of SI numbers).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from nanoflux.dipole_checks import QUANTILES, divergence_distribution, net_flux_through_sphere, spread_prefactor
from nanoflux.dipole_models import ball_average, charge_pairs_field
from nanoflux.dipoles import sample_dipoles, sample_radius
from nanoflux.formatting import ROUND_OFF

#: The Gilbert pairs' charge separation, as a fraction of the dipole spacing n^(-1/3).
PAIR_SEPARATION = 0.01
#: The Gilbert comparison runs for N up to this (its plain NumPy sum is slower than dipole_field).
GILBERT_MAX_N = 100
#: The probe for the spread: on the axis at this many sphere radii, outside the sphere.
PROBE_DISTANCE = 2.0


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
        out.append(Sample(int(N), sample_radius(N, n), pos, mom))
    return out


def spacing(n: float) -> float:
    """The mean dipole spacing n^(-1/3) in m."""
    return float(n) ** (-1.0 / 3.0)


def _gilbert(s: Sample, n: float):
    return lambda points: charge_pairs_field(points, s.positions, s.moments, PAIR_SEPARATION * spacing(n))


class DivergenceRow(NamedTuple):
    """Pointwise div B for one sample and one model (see nanoflux.dipole_checks.DivergenceDistribution): the
    grid step h in m, the points kept and those inside the sphere, the 50th, 90th, 99th and 100th percentiles
    of |div B| / (sum of |dB_i/dx_i|) at steps h and h/2, and the h^2 check far from the dipoles (its points
    and median ratio, None where no point qualifies)."""

    N: int
    model: str
    step_m: float
    points: int
    inside: int
    h_q50: float
    h_q90: float
    h_q99: float
    h_q100: float
    h2_q50: float
    h2_q90: float
    h2_q99: float
    h2_q100: float
    law_points: int
    law_ratio: float | None


if QUANTILES != (50, 90, 99, 100):  # DivergenceRow names one field per percentile
    raise ImportError(f"DivergenceRow expects the percentiles (50, 90, 99, 100); dipole_checks has {QUANTILES}")


def divergence_rows(sample_list, n: float, step_over_radius: float, exclusion_over_spacing: float,
                    *, half_width=1.5) -> list[DivergenceRow]:
    """Pointwise div B on a cube of half-width ``half_width`` R at steps h and h/2 (h = ``step_over_radius`` R),
    leaving out points within ``exclusion_over_spacing`` n^(-1/3) of a dipole (so that points between
    the dipoles, inside the particle, are kept). One row per N and model ("point dipoles", and
    "charge pairs" for N up to GILBERT_MAX_N); see nanoflux.dipole_checks.DivergenceDistribution."""
    rows = []
    for s in sample_list:
        models = [("point dipoles", None)] + ([("charge pairs", _gilbert(s, n))] if s.N <= GILBERT_MAX_N else [])
        for model, field in models:
            d = divergence_distribution(s.positions, s.moments, (0.0, 0.0, 0.0), half_width * s.radius,
                                        step_over_radius * s.radius, exclusion_over_spacing * spacing(n),
                                        sphere_radius=s.radius, field=field)
            rows.append(DivergenceRow(s.N, model, d.step, d.n_points, d.n_inside, *d.quantiles_h, *d.quantiles_h2,
                                      d.n_law, d.law_ratio))
    return rows


class FluxRow(NamedTuple):
    """|net flux| / (closed integral of |B . n|) through a sphere holding every dipole and one holding none."""

    N: int
    model: str
    relative_inside: float
    relative_outside: float


def flux_rows(sample_list, n: float) -> list[FluxRow]:
    """Net flux through a sphere of radius 2R at the centre (every dipole inside) and of radius R at
    (0, 0, 3R) (none inside): ``relative`` is |net| / (closed integral of |B . n|); for the point
    dipoles and, up to GILBERT_MAX_N, the charge pairs."""
    rows = []
    for s in sample_list:
        models = [("point dipoles", None)] + ([("charge pairs", _gilbert(s, n))] if s.N <= GILBERT_MAX_N else [])
        for model, field in models:
            inside = net_flux_through_sphere(s.positions, s.moments, (0.0, 0.0, 0.0), 2.0 * s.radius, field=field)
            outside = net_flux_through_sphere(s.positions, s.moments, (0.0, 0.0, 3.0 * s.radius), s.radius,
                                              field=field)
            rows.append(FluxRow(s.N, model, inside.relative, outside.relative))
    return rows


class ContactRow(NamedTuple):
    """<B_z> V / (mu0 m) over a ball around one dipole for one model: expected, computed, and the change when
    the quadrature is halved."""

    model: str
    expected: float
    computed: float
    quadrature_change: float


def contact_term_rows(n: float) -> list[ContactRow]:
    """<B_z> V / (mu0 m) over a ball of radius n^(-1/3) / 2 around one dipole, for the three models
    (nanoflux.dipole_models.ball_average), with the value each model predicts and the change when
    the quadrature is halved (its error is below that)."""
    radius = 0.5 * spacing(n)
    fine, coarse = ball_average(radius), ball_average(radius, n_theta=24, n_phi=48, segments=256)
    return [ContactRow(label, expected, getattr(fine, key), abs(getattr(fine, key) - getattr(coarse, key)))
            for label, key, expected in (("current loop (Amperian)", "loop", 2.0 / 3.0),
                                         ("charge pair (Gilbert)", "charges", -1.0 / 3.0),
                                         ("the paper's point formula", "point_formula", 0.0))]


class SpreadLaw(NamedTuple):
    """The 1/sqrt(N) law's prefactor (exact, or fitted with the slope held at -1/2), where it comes from, the
    fitted prefactor, and the free fit's slope (None for a single N)."""

    prefactor: float
    prefactor_source: str
    fitted_prefactor: float
    slope: float | None


def spread_law(fluct, *, aligned: bool) -> SpreadLaw:
    """The 1/sqrt(N) law against the measured spread: the exact prefactor (aligned moments) or the
    prefactor fitted with the slope held at -1/2 (random moments), and the fitted free slope."""
    from nanoflux.claims import power_law_exponent

    N = np.asarray(fluct.N, dtype=float)
    spread = np.asarray(fluct.relative if aligned else fluct.std_over_scale, dtype=float)
    fitted = float(np.exp(np.mean(np.log(spread * np.sqrt(N)))))
    return SpreadLaw(spread_prefactor(PROBE_DISTANCE) if aligned else fitted,
                     "exact" if aligned else "fit with slope -1/2", fitted,
                     power_law_exponent(N, spread) if len(N) >= 2 else None)


def conclusions(divergence, flux, balls, fluct, law, *, aligned: bool = True) -> str:
    """What the tables show, as a Markdown list, every number taken from them; the wording follows the data."""
    point = [r for r in divergence if r.model == "point dipoles"]
    pairs = [r for r in divergence if r.model == "charge pairs"]
    ratios = [r.law_ratio for r in point if r.law_ratio is not None]
    worst = {m: max(max(r.relative_inside, r.relative_outside) for r in flux if r.model == m)
             for m in ("point dipoles", "charge pairs") if any(r.model == m for r in flux)}
    lines = []
    if ratios and all(3.0 < q < 5.5 for q in ratios):
        lines.append(f"**Divergence:** where the nearest dipole is at least ten grid steps away, halving the step "
                     f"divided the residual by {min(ratios):.2f} to {max(ratios):.2f} (median per point), the factor 4 "
                     f"of a second-order difference of a field whose exact divergence is zero.")
    else:
        lines.append(f"**Divergence:** the median ratio residual($h$) / residual($h/2$) far from the dipoles was "
                     f"{', '.join(f'{q:.2f}' for q in ratios) or 'not measurable'}; not the factor 4 of a field "
                     f"with zero divergence.")
    if pairs:
        same = max(abs(a.h_q50 - b.h_q50) / a.h_q50 for a in point for b in pairs if a.N == b.N)
        lines.append(f"Magnetic-charge pairs at the same places give the same residuals (the median differs by at "
                     f"most {same:.1e} of itself): this check cannot tell the two models apart.")
    if worst and all(w < ROUND_OFF for w in worst.values()):
        lines.append(f"**Flux:** every closed sphere, with all dipoles inside or none, carried a net flux below "
                     f"{ROUND_OFF:.0e} of its total $|\\mathbf B\\cdot\\hat{{\\mathbf n}}|$, for point dipoles and "
                     f"charge pairs alike.")
    else:
        lines.append("**Flux:** the largest relative net flux was "
                     + ", ".join(f"{w:.1e} ({m})" for m, w in worst.items()) + "; not at round-off level.")
    loop, pair, formula = balls
    lines.append(f"**Ball average,** in units of $\\mu_0 m/V$: current loop {loop.computed:+.6f} (expected +2/3), "
                 f"charge pair {pair.computed:+.6f} (expected -1/3), the paper's formula alone "
                 f"{formula.computed:+.1e} (expected 0). This is the computation that separates the models.")
    if law.slope is not None:
        spread = np.asarray(fluct.relative if aligned else fluct.std_over_scale, dtype=float)
        lines.append(f"**Spread** at the outside probe: {spread[0]:.3g} at $N$ = {int(fluct.N[0])}, {spread[-1]:.3g} "
                     f"at $N$ = {int(fluct.N[-1])}; free fit slope {law.slope:.3f}; times $\\sqrt N$ it averages "
                     f"{law.fitted_prefactor:.3f} against the {law.prefactor_source} {law.prefactor:.3f}.")
    return "\n".join(f"- {line}" for line in lines)
