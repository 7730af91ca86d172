import math

import numpy as np
import pytest

import nanoflux as nf


def by_hand(N, n):
    return (3 * N / (4 * math.pi * n)) ** (1 / 3)


def test_one_dipole_at_the_paper_density():
    # witness: (3 / (4 pi 1e23))^(1/3) = 13.365 nm; the paper prints 13.4 nm
    assert nf.critical_radius_mean_field(1) == pytest.approx(by_hand(1, 1e23), rel=1e-14)
    assert round(nf.critical_radius_mean_field(1) * 1e9, 3) == 13.365


def test_broadcasts_N_against_n():
    N = np.array([1, 10, 100])[:, None]
    n = np.array([1e23, 8.491e28])
    r = nf.critical_radius_mean_field(N, n)
    assert r.shape == (3, 2)
    for i, Ni in enumerate([1, 10, 100]):
        for j, nj in enumerate(n):
            assert r[i, j] == pytest.approx(by_hand(Ni, nj), rel=1e-14)


def test_dipoles_in_sphere_inverts_the_radius():
    # witness: (4/3) pi r^3 n at r = r_c(N) gives back N
    N = np.array([1.0, 7.0, 1e4, 1e9])
    np.testing.assert_allclose(nf.dipoles_in_sphere(nf.critical_radius_mean_field(N)), N, rtol=1e-12)
    assert nf.dipoles_in_sphere(1e-6, 1e23) == pytest.approx(4 / 3 * math.pi * 1e-18 * 1e23, rel=1e-14)


def test_cube_root_scaling():
    N = np.array([1, 10, 100, 1000, 10000])
    assert nf.power_law_exponent(N, nf.critical_radius_mean_field(N)) == pytest.approx(1 / 3, abs=1e-12)


def test_table_one_matches_the_paper_and_hand_arithmetic():
    rows = nf.table_one()
    assert [r.N for r in rows] == [1, 10, 100, 1000, 10000]
    assert [r.paper_nm for r in rows] == [13.4, 28.8, 62.0, 134.0, 288.0]
    for row in rows:
        assert row.radius_nm == pytest.approx(by_hand(row.N, 1e23) * 1e9, rel=1e-13)
        assert row.radius_m == pytest.approx(row.radius_nm * 1e-9, rel=1e-15)
        assert row.agrees is True
    np.testing.assert_allclose([r.radius_nm for r in rows],
                               [13.365, 28.794, 62.035, 133.65, 287.94], atol=0.006)


def test_table_one_elsewhere_has_no_printed_values():
    rows = nf.table_one([2, 3], n=5e28)
    assert [r.paper_nm for r in rows] == [None, None]
    assert [r.agrees for r in rows] == [None, None]
    assert rows[0].radius_nm == pytest.approx(by_hand(2, 5e28) * 1e9, rel=1e-13)
    # An N the paper prints, but at another density: no comparison.
    assert nf.table_one(1, n=1e24)[0].paper_nm is None
    # A density equal to the paper's keeps the comparison.
    assert nf.table_one(10, n=1e23)[0].paper_nm == 28.8


def test_table_agreement_can_fail():
    row = nf.TableRow(1, 13.5e-9, 13.5, 13.4, 1)
    assert row.agrees is False


@pytest.mark.parametrize("bad", [0, 0.5, -1, 2.5, float("nan"), float("inf"), [1, 2.2]])
def test_bad_N(bad):
    with pytest.raises(ValueError, match=r"^N must be a whole number of at least 1; got"):
        nf.critical_radius_mean_field(bad)
    with pytest.raises(ValueError, match="N must be a whole number"):
        nf.table_one(bad)


@pytest.mark.parametrize("bad", [0, -1e23, float("nan"), float("inf")])
def test_bad_density(bad):
    with pytest.raises(ValueError, match=r"^n must be positive and finite, in m\^-3; got"):
        nf.critical_radius_mean_field(1, bad)
    with pytest.raises(ValueError, match="n must be positive"):
        nf.dipoles_in_sphere(1e-9, bad)


@pytest.mark.parametrize("bad", ["10", None, True, [1, "x"]])
def test_non_numeric_N(bad):
    with pytest.raises(TypeError, match="N must be a real number"):
        nf.critical_radius_mean_field(bad)


def test_non_numeric_density():
    with pytest.raises(TypeError, match="n must be a real number"):
        nf.critical_radius_mean_field(1, "1e23")
