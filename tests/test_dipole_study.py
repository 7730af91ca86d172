"""The discrete-dipoles notebook's study: samples, divergence, flux, the summary, and its parameters."""
import math

import numpy as np
import pytest

import nanoflux as nf
from nanoflux import report
from nanoflux.plots import dipoles as dipole_plots
from nanoflux.running import parameters
from nanoflux.studies import discrete_dipoles


@pytest.fixture(scope="module")
def small():
    return discrete_dipoles.samples([1, 5, 40], 1e23, seed=11)


def test_samples_are_seeded_and_fill_the_mean_field_sphere(small):
    again = discrete_dipoles.samples([1, 5, 40], 1e23, seed=11)
    for a, b in zip(small, again):
        np.testing.assert_array_equal(a.positions, b.positions)
    for s in small:
        # witness: R = (3N / (4 pi n))^(1/3), the paper's mean-field radius
        assert s.radius == pytest.approx((3 * s.N / (4 * math.pi * 1e23)) ** (1 / 3), rel=1e-13)
        assert s.positions.shape == (s.N, 3)
        assert (np.linalg.norm(s.positions, axis=1) <= s.radius).all()
    other = discrete_dipoles.samples([5], 1e23, seed=12)[0]
    assert not np.array_equal(other.positions, discrete_dipoles.samples([5], 1e23, seed=11)[0].positions)


def test_divergence_is_sampled_between_the_dipoles_and_falls_like_h_squared_far_from_them(small):
    # witness: the exact divergence is zero, so far from every dipole the residual is O(h^2): ratio near 4
    rows = discrete_dipoles.divergence_rows(small, 1e23, 0.125, 0.25)  # far points (10 h) exist at every N
    point = [r for r in rows if r.model == "point dipoles"]
    for row in point:
        assert row.inside > 0  # points inside the particle are kept, for every N
        assert row.h2_q50 < row.h_q50
        assert 3.5 < row.law_ratio < 5.0 and row.law_points > 0
        assert row.h_q50 <= row.h_q90 <= row.h_q99 <= row.h_q100


def test_charge_pairs_pass_the_same_checks(small):
    # witness: a magnetic-charge model is divergence-free away from its charges, too
    div = discrete_dipoles.divergence_rows(small[:2], 1e23, 0.2, 0.25)
    for a, b in zip(div[0::2], div[1::2]):
        assert (a.model, b.model) == ("point dipoles", "charge pairs")
        assert b.h_q50 == pytest.approx(a.h_q50, rel=1e-2) and 3.5 < b.law_ratio < 5.0
    for row in discrete_dipoles.flux_rows(small[:2], 1e23):
        assert row.relative_inside < 1e-12 and row.relative_outside < 1e-12


def test_flux_is_round_off(small):
    # witness: Gauss's theorem with div B = 0: no net flux through any closed surface
    for row in discrete_dipoles.flux_rows(small, 1e23):
        assert row.relative_inside < 1e-12 and row.relative_outside < 1e-12


def test_ball_averages_tell_loop_charges_and_formula_apart():
    # witness: Jackson's +2/3 (currents) and -1/3 (magnetic charges); the bare formula averages to 0
    rows = {r.model.split()[0]: r for r in discrete_dipoles.contact_term_rows(1e23)}
    assert rows["current"].computed == pytest.approx(2 / 3, abs=1e-12)
    assert rows["charge"].computed == pytest.approx(-1 / 3, abs=1e-12)
    assert abs(rows["the"].computed) < 1e-10
    assert all(r.quadrature_change < 1e-9 for r in rows.values())


def test_ball_average_does_not_depend_on_the_source_size():
    # witness: +2/3 and -1/3, the contact-term averages of a current loop and a charge pair, at three source sizes
    from nanoflux.dipole_models import ball_average

    for size in (0.1, 0.5, 0.8):
        got = ball_average(3e-9, 2.5e-23, size=size)
        assert got.loop == pytest.approx(2 / 3, abs=1e-10) and got.charges == pytest.approx(-1 / 3, abs=1e-10)


def test_charge_pairs_field_is_the_dipole_field_far_away():
    from nanoflux.dipole_models import charge_pairs_field

    rng = np.random.default_rng(4)
    pos, mom, pts = rng.normal(size=(6, 3)), rng.normal(size=(6, 3)), 50 * rng.normal(size=(9, 3))
    far = nf.dipole_field(pts, pos, mom)
    # witness: corrections are of order (d / r)^2
    assert np.abs(charge_pairs_field(pts, pos, mom, 1e-4) - far).max() < 1e-9 * np.abs(far).max()


def test_spread_prefactor_against_a_monte_carlo_of_one_dipole():
    # witness: a Monte Carlo of 400,000 dipole positions in the unit ball, and the mean-value property (the centre's
    # field, 2/8)
    from nanoflux.dipole_checks import spread_prefactor

    rng = np.random.default_rng(0)
    d = rng.normal(size=(400_000, 3))
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    p = np.cbrt(rng.random(400_000))[:, None] * d
    D = np.array([0.0, 0.0, 2.0]) - p
    r = np.linalg.norm(D, axis=1)
    b = (3 * D[:, 2] ** 2 / r**2 - 1) / r**3
    assert spread_prefactor(2.0) == pytest.approx(b.std() / abs(b.mean()), rel=5e-3)
    assert b.mean() == pytest.approx(2 / 8, rel=5e-3)  # the mean-value property: the field of the centre


def flat(text):
    return " ".join(text.split())


def _study(small):
    div = discrete_dipoles.divergence_rows(small, 1e23, 0.2, 0.25)
    flux = discrete_dipoles.flux_rows(small, 1e23)
    fluct = nf.field_fluctuation([1, 5, 40], 1e23, n_configs=30, rng=3)
    return div, flux, discrete_dipoles.contact_term_rows(1e23), fluct, discrete_dipoles.spread_law(fluct, aligned=True)


def test_summary_follows_the_data(small):
    # witness: the study's conclusions text for this data, and for rows altered here so that each conclusion must
    # change
    div, flux, balls, fluct, law = _study(small)
    text = flat(discrete_dipoles.conclusions(div, flux, balls, fluct, law))
    assert "below 1e-12" in text and "divided the residual" in text and "cannot tell the two models apart" in text
    assert "+0.666667 (expected +2/3)" in text and "-0.333333 (expected -1/3)" in text
    bad = [r._replace(law_ratio=1.1) for r in div]
    assert "not the factor 4" in flat(discrete_dipoles.conclusions(bad, flux, balls, fluct, law))
    leaky = [r._replace(relative_inside=1e-3) for r in flux]
    assert "not at round-off level" in flat(discrete_dipoles.conclusions(div, leaky, balls, fluct, law))


def test_report_hides_only_round_off():
    # witness: a row made here: 3e-16 shown as < 1e-12, 2.5e-6 in full
    rows = [discrete_dipoles.FluxRow(N=3, model="point dipoles", relative_inside=3e-16, relative_outside=2.5e-6)]
    text = str(report.flux_table(rows))
    assert "< 1e-12" in text and "2.500e-06" in text


def test_plots_build(small):
    # witness: the figures' axes counts and panel titles
    assert len(dipole_plots.field_lines_figure(small[:2], resolution=41).axes) >= 2
    div = discrete_dipoles.divergence_rows(small[:2], 1e23, 0.25, 0.25)
    fluct = nf.field_fluctuation([1, 5], 1e23, n_configs=10, rng=1)
    fig = dipole_plots.checks_figure(div, discrete_dipoles.flux_rows(small[:2], 1e23), fluct,
                                     discrete_dipoles.spread_law(fluct, aligned=True))
    assert len(fig.axes) == 4  # three panels and their notes
    assert [ax.get_title()[:3] for ax in fig.axes[:3]] == ["(a)", "(b)", "(c)"]


BASE = {"N_values": [1, 10], "n_per_m3": 1e23, "seed": 1, "grid_step_over_radius": 0.1,
        "exclusion_over_spacing": 0.25, "n_configs": 50, "aligned": True}


@pytest.mark.parametrize("change, exc, words", [
    ({"N_values": [0]}, ValueError, "N_values must be a whole number of at least 1"),
    ({"N_values": [20000]}, ValueError, "N_values must not exceed 10000"),
    ({"seed": -1}, ValueError, "seed must be a whole number of at least 0"),
    ({"seed": 1.5}, TypeError, "seed must be a whole number of at least 0"),
    ({"grid_step_over_radius": 0.01}, ValueError, "grid_step_over_radius must be between 0.05 and 0.5"),
    ({"n_configs": 1}, ValueError, "n_configs must be a whole number from 2 to 5000"),
    ({"exclusion_over_spacing": 0.5}, ValueError, "exclusion_over_spacing must be between 0.05 and 0.45"),
    ({"aligned": "yes"}, TypeError, "aligned must be True or False"),
])
def test_notebook_parameters_are_checked(change, exc, words):
    # witness: the exception's type and message, written out per case, and BASE accepted
    with pytest.raises(exc, match=words):
        parameters.discrete_dipoles(**{**BASE, **change})
    assert parameters.discrete_dipoles(**BASE)["N_values"] == [1, 10]
