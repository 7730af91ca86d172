"""Notebook 08's conclusions in words, computed from its typed rows (nanoflux.studies.atoms_to_continuum) so
that no number in them can drift from the tables: the thresholds with what a grid would have read, the
cross-sections, and the whole study. Markdown lists, mathematics in LaTeX."""
from __future__ import annotations

from nanoflux.formatting import ROUND_OFF


def _round_off(x: float) -> str:
    """A difference in words: "less than 1e-12 (round-off)" at round-off level, else its value."""
    return f"less than {ROUND_OFF:.0e} (round-off)" if abs(x) < ROUND_OFF else f"up to {x:.1e}"


def _gap(a: float | None, b: float | None) -> str:
    """The difference of two thresholds (nm) in words."""
    if a is None or b is None:
        return "an unknown amount (one is not reached)"
    return "nothing" if a == b else f"{abs(a - b):.1e} nm"


def _pct(x: float, spec: str = "g") -> str:
    """A fraction as a percentage, spaced as a physicist writes it: 0.01 -> "1 %"."""
    return f"{x * 100:{spec}} %"


def _nm_text(x: float | None, digits: int = 3) -> str:
    return "never (up to the largest sphere)" if x is None else f"{x:.{digits}g} nm"


def grid_reading(rows, tol: float, key: str) -> float | None:
    """The threshold as a grid of sphere radii would read it: the radius (nm) after the last one out of
    tolerance (None if the last one is), the reading the exact scan replaces."""
    last = None
    for i, row in enumerate(rows):
        if abs(getattr(row, key) - 1.0) > tol:
            last = i
    if last is None:
        return rows[0].radius_nm
    return rows[last + 1].radius_nm if last + 1 < len(rows) else None


def threshold_summary(studies) -> str:
    """The thresholds in words, with what a grid would have read (Markdown list)."""
    lines = []
    for s in studies:
        one, tenth = s.thresholds[0], s.thresholds[-1]
        last = s.sizes[-1]
        there = _pct(last.flux_over_continuum - 1, "+.2f")
        tenth_flux = (f"from {_nm_text(tenth.flux_nm, 4)}" if tenth.flux_nm is not None else
                      f"at no radius up to {last.radius_nm:.4g} nm (there it is {there})")
        one_flux = (f"from $R$ = {_nm_text(one.flux_nm, 4)} on ({one.flux_atoms:,} atoms)" if one.flux_nm is not None
                    else f"at no radius up to {last.radius_nm:.4g} nm")
        lines.append(f"**{s.crystal.label}:** the mid-plane flux stays within {_pct(one.tolerance)} of the continuum "
                     f"{one_flux} and within {_pct(tenth.tolerance)} {tenth_flux}; the field at $2R$ from "
                     f"{_nm_text(one.field_nm, 4)} and {_nm_text(tenth.field_nm, 4)}; the ball average from "
                     f"$\\rho$ = {_nm_text(one.ball_nm, 4)} and {_nm_text(tenth.ball_nm, 4)}.")
    first = studies[0]
    grid = grid_reading(first.sizes, 0.01, "flux_over_continuum"), grid_reading(first.sizes, 0.01,
                                                                               "outside_over_dipole")
    exact = first.thresholds[0].flux_nm, first.thresholds[0].field_nm
    lines.append(f"Read off the {len(first.sizes)} radii of the size table instead, {first.crystal.label}'s flux "
                 f"would seem to settle within 1 % from {_nm_text(grid[0])} and its field at $2R$ from "
                 f"{_nm_text(grid[1])}, against {_nm_text(exact[0])} and {_nm_text(exact[1])}: a grid sees "
                 f"only its own radii, and between them the deviation jumps at every shell.")
    return "\n".join(f"- {line}" for line in lines)


def conclusions(studies) -> str:
    """What the whole study shows, as a Markdown list, every number taken from it."""
    lines = []
    ones = [s.thresholds[0] for s in studies]
    flux = [r.flux_nm for r in ones if r.flux_nm is not None]
    field = [r.field_nm for r in ones if r.field_nm is not None]
    ball = [r.ball_nm for r in ones if r.ball_nm is not None]
    if flux and field and ball:
        lines.append(f"**Within 1 %, from a few nanometres on.** The field outside settles first ($R$ = "
                     f"{min(field):.2g} to {max(field):.2g} nm), then the field averaged over a ball ($\\rho$ = "
                     f"{min(ball):.2g} to {max(ball):.2g} nm), then the flux through the whole mid-plane ($R$ = "
                     f"{min(flux):.2g} to {max(flux):.2g} nm), a quantity that feels the jagged surface. These "
                     "are lengths at which a continuous $\\mathbf B$ becomes an accurate description of a "
                     "crystal's field; nothing in the crystal changes there.")
    for s in studies:
        last = s.sizes[-1]
        lines.append(f"{s.crystal.label}: the mid-plane of the {last.radius_nm:.4g} nm sphere ({last.atoms:,} "
                     f"atoms) carries {last.flux_over_phi0:.4f} $\\Phi_0$: a number with nothing whole about it.")
    cubic = [s.identity for s in studies if s.crystal.structure != "hcp"]
    hexagonal = [s.identity for s in studies if s.crystal.structure == "hcp"]
    if cubic:
        lines.append(f"**The particle's size cannot matter for a cubic crystal.** In "
                     f"{' and '.join(r.label for r in cubic)} every shell's sum of $3z^2 - r^2$ is exactly zero "
                     f"(in integers), and the ball averages in particles of {cubic[0].small_nm:.4g} and "
                     f"{cubic[0].large_nm:.4g} nm differ by {_round_off(max(r.max_difference for r in cubic))} of "
                     "$\\tfrac23\\mu_0 M_s$.")
    if hexagonal:
        lines.append("The same check fails for hcp, as it should: "
                     + "; ".join(f"{r.label}, {r.nonzero_shells:,} of {r.shells:,} shells non-zero, ball averages "
                                 f"differing by up to {r.max_difference:.1e}, 1 % thresholds by "
                                 f"{_gap(r.small_threshold_nm, r.large_threshold_nm)}" for r in hexagonal)
                     + ". Far below the tolerances, but not zero: for hcp the particle does enter, barely.")
    lorentz = [s.lorentz for s in studies if s.crystal.structure == "hcp"]
    if len(lorentz) == 2:
        ideal, own = lorentz
        lines.append(f"**The Lorentz field of hcp cobalt depends on c/a.** With the ideal c/a it is "
                     f"{ideal.limit:.2e} $\\mu_0 M_s$ ({ideal.limit_mT:.2f} mT) in an infinite sphere; with cobalt's "
                     f"own c/a = {own.c_over_a:.4f}, {own.limit:.2e} $\\mu_0 M_s$ ({own.limit_mT:.1f} mT), "
                     f"{own.limit / ideal.limit:.1f} times more for a 0.6 % change of shape.")
    return "\n".join(f"- {line}" for line in lines)


def cross_section_summary(sections) -> str:
    """What the cuts show (Markdown list): ``sections`` the CrossSection rows, largest spheres first."""
    big = [r for r in sections if r.radius_nm == max(x.radius_nm for x in sections)]
    small = [r for r in sections if r not in big]
    lines = [f"In the {big[0].radius_nm:.4g} nm spheres the mid-gap cut gives {min(r.mid_gap for r in big):.4f} to "
             f"{max(r.mid_gap for r in big):.4f} of the continuum, near the lowest value over the period; cuts "
             f"more than {big[0].exclude_pm:g} pm from a layer give {min(r.low for r in big):.4f} to "
             f"{max(r.high for r in big):.4f}; cuts through a layer "
             f"{min(min(r.through_layer, r.next_layer) for r in big):.4f} to "
             f"{max(max(r.through_layer, r.next_layer) for r in big):.3f}; and the average over the period lies "
             f"within {max(abs(r.average - 1) for r in big):.1e} of the continuum."]
    for r in small:
        lines.append(f"{r.label}, $R$ = {r.radius_nm:.4g} nm: through the centre layer {r.through_layer:.3f} times the "
                     f"continuum, because {r.rim_atoms} atoms of that layer lie {r.rim_gap_pm:.2g} pm inside the rim "
                     f"(each adds {_pct(r.rim_each, '.1f')}); mid-gap {r.mid_gap:.3f}.")
    lines.append("So the flux through a cross-section of a crystal sphere varies continuously with the cut's "
                 "height and with the radius (it diverges only where an atom sits exactly on the rim), and near a "
                 "layer it is an accident of where atoms sit relative to the rim, to within a picometre. No cut is "
                 "preferred, and no value is a whole number of "
                 "$\\Phi_0$: a cross-sectional flux is a property of the particle *and* the chosen cut, not an "
                 "observable that could be quantized.")
    return "\n".join(f"- {line}" for line in lines)
