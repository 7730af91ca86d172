"""The discrete-dipoles notebook's study: samples, divergence, flux, the summary, and its parameters."""
import math

import numpy as np
import pytest

import nanoflux as nf
from nanoflux import dipole_plots, dipole_study, parameters, report


@pytest.fixture(scope="module")
def small():
    return dipole_study.samples([1, 5, 40], 1e23, seed=11)


def test_samples_are_seeded_and_fill_the_mean_field_sphere(small):
    again = dipole_study.samples([1, 5, 40], 1e23, seed=11)
    for a, b in zip(small, again):
        np.testing.assert_array_equal(a.positions, b.positions)
    for s in small:
        # witness: R = (3N / (4 pi n))^(1/3), the paper's mean-field radius
        assert s.radius == pytest.approx((3 * s.N / (4 * math.pi * 1e23)) ** (1 / 3), rel=1e-13)
        assert s.positions.shape == (s.N, 3)
        assert (np.linalg.norm(s.positions, axis=1) <= s.radius).all()
    other = dipole_study.samples([5], 1e23, seed=12)[0]
    assert not np.array_equal(other.positions, dipole_study.samples([5], 1e23, seed=11)[0].positions)


def test_divergence_falls_like_a_second_order_error(small):
    # witness: the exact divergence is zero, so the residual is O(h^2): ratio near 4 when h halves
    rows = dipole_study.divergence_rows(small, 0.2)
    for row in rows:
        assert row["relative_h2"] < row["relative_h"]
        assert row["ratio"] > 2.5
    single = rows[0]
    assert 3.0 < single["ratio"] < 5.0


def test_flux_is_round_off(small):
    # witness: Gauss's theorem with div B = 0: no net flux through any closed surface
    for row in dipole_study.flux_rows(small):
        assert row["relative_inside"] < 1e-12 and row["relative_outside"] < 1e-12


def flat(text):
    return " ".join(text.split())


def test_summary_follows_the_data(small):
    div = dipole_study.divergence_rows(small, 0.2)
    flux = dipole_study.flux_rows(small)
    fluct = nf.field_fluctuation([1, 5, 40], 1e23, n_configs=30, rng=3)
    text = flat(dipole_study.summary(div, flux, fluct))
    assert "N = 1, 5, 40" in text and "below 1e-12" in text and "divided the residual" in text
    bad = [dict(r, ratio=1.1) for r in div]
    assert "did not fall like a discretization error" in flat(dipole_study.summary(bad, flux, fluct))
    leaky = [dict(r, relative_inside=1e-3) for r in flux]
    assert "not at round-off level" in flat(dipole_study.summary(div, leaky, fluct))


def test_report_hides_only_round_off():
    rows = [{"N": 3, "relative_inside": 3e-16, "relative_outside": 2.5e-6}]
    text = report.flux_text(rows)
    assert "< 1e-12" in text and "2.500e-06" in text


def test_plots_build(small):
    assert len(dipole_plots.field_lines_figure(small[:2], resolution=41).axes) >= 2
    div = dipole_study.divergence_rows(small[:2], 0.25)
    fig = dipole_plots.checks_figure(div, dipole_study.flux_rows(small[:2]),
                                     nf.field_fluctuation([1, 5], 1e23, n_configs=10, rng=1))
    assert len(fig.axes) == 3


BASE = {"N_values": [1, 10], "n_per_m3": 1e23, "seed": 1, "grid_step_over_radius": 0.1, "n_configs": 50,
        "aligned": True}


@pytest.mark.parametrize("change, exc, words", [
    ({"N_values": [0]}, ValueError, "N_values must be a whole number of at least 1"),
    ({"N_values": [20000]}, ValueError, "N_values must not exceed 10000"),
    ({"seed": -1}, TypeError, "seed must be a whole number of at least 0"),
    ({"seed": 1.5}, TypeError, "seed must be a whole number"),
    ({"grid_step_over_radius": 0.01}, ValueError, "grid_step_over_radius must be between 0.05 and 0.5"),
    ({"n_configs": 1}, ValueError, "n_configs must be a whole number from 2 to 5000"),
    ({"aligned": "yes"}, TypeError, "aligned must be True or False"),
])
def test_notebook_parameters_are_checked(change, exc, words):
    with pytest.raises(exc, match=words):
        parameters.discrete_dipoles(**{**BASE, **change})
    assert parameters.discrete_dipoles(**BASE)["N_values"] == [1, 10]
