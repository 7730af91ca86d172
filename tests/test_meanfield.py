import math

import numpy as np
import pytest

import nanoflux as nf
from nanoflux.paper import Printed


def by_hand(N, n):
    return (3 * N / (4 * math.pi * n)) ** (1 / 3)


def test_one_dipole_at_the_paper_density():
    # witness: (3 / (4 pi 1e23))^(1/3) = 13.365 nm; the paper prints 13.4 nm
    assert nf.critical_radius_mean_field(1) == pytest.approx(by_hand(1, 1e23), rel=1e-14)
    assert round(nf.critical_radius_mean_field(1) * 1e9, 3) == 13.365


def test_broadcasts_N_against_n():
    # witness: (3 N / (4 pi n))^(1/3) by hand for each pair of a 3 x 2 broadcast
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
    # witness: the log-log slope over four decades of N against 1/3
    N = np.array([1, 10, 100, 1000, 10000])
    assert nf.power_law_exponent(N, nf.critical_radius_mean_field(N)) == pytest.approx(1 / 3, abs=1e-12)


def test_table_one_matches_the_paper_and_hand_arithmetic():
    # witness: the paper's Table I as printed (13.4 ... 288 nm) and (3 N / (4 pi n))^(1/3) by hand
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
    # witness: (3 N / (4 pi n))^(1/3) by hand; the paper prints Table I at 1e23 m^-3 only
    rows = nf.table_one([2, 3], n=5e28)
    assert [r.paper_nm for r in rows] == [None, None]
    assert [r.agrees for r in rows] == [None, None]
    assert rows[0].radius_nm == pytest.approx(by_hand(2, 5e28) * 1e9, rel=1e-13)
    # An N the paper prints, but at another density: no comparison.
    assert nf.table_one(1, n=1e24)[0].paper_nm is None
    # A density equal to the paper's keeps the comparison.
    assert nf.table_one(10, n=1e23)[0].paper_nm == 28.8


def test_table_agreement_can_fail():
    # witness: 13.5 nm does not round to the printed 13.4 nm at one decimal
    row = nf.TableRow(1, 13.5e-9, 13.5, Printed(13.4, "13.4", "nm", 1, "Table I"))
    assert row.agrees is False and row.paper_nm == 13.4 and row.paper_decimals == 1


@pytest.mark.parametrize("bad", [0, 0.5, -1, 2.5, float("nan"), float("inf"), [1, 2.2]])
def test_bad_N(bad):
    # witness: the refusal's message, spelled here: name and rule, from both functions that take N
    with pytest.raises(ValueError, match=r"^N must be a whole number of at least 1; got"):
        nf.critical_radius_mean_field(bad)
    with pytest.raises(ValueError, match="N must be a whole number"):
        nf.table_one(bad)


@pytest.mark.parametrize("bad", [0, -1e23, float("nan"), float("inf")])
def test_bad_density(bad):
    # witness: the refusal's message, spelled here: name, rule, unit, from both functions that take n
    with pytest.raises(ValueError, match=r"^n must be positive and finite, in m\^-3; got"):
        nf.critical_radius_mean_field(1, bad)
    with pytest.raises(ValueError, match="n must be positive"):
        nf.dipoles_in_sphere(1e-9, bad)


@pytest.mark.parametrize("bad", ["10", None, True, [1, "x"]])
def test_non_numeric_N(bad):
    # witness: the exception's type (TypeError) and the parameter it names
    with pytest.raises(TypeError, match="N must be a real number"):
        nf.critical_radius_mean_field(bad)


def test_non_numeric_density():
    # witness: the exception's type (TypeError) for a density given as text
    with pytest.raises(TypeError, match="n must be a real number"):
        nf.critical_radius_mean_field(1, "1e23")


# -- numbers at the edges ------------------------------------------------------------------------

def test_python_integers_of_any_size_are_numbers():
    # witness: np.asarray(10**23) is an object array; the radius must equal the float input's
    assert nf.critical_radius_mean_field(1, 10**23) == nf.critical_radius_mean_field(1, 1e23)
    assert nf.critical_radius_mean_field(10**30, 10**40) == pytest.approx(by_hand(1e30, 1e40), rel=1e-14)
    r = nf.critical_radius_mean_field([1, 10**30], 10**23)
    assert r[1] == pytest.approx(by_hand(1e30, 1e23), rel=1e-14)
    assert nf.dipoles_in_sphere(1e-8, 10**23) == nf.dipoles_in_sphere(1e-8, 1e23)
    assert [row.N for row in nf.table_one([1, 10**20], 10**23)] == [1, 10**20]


@pytest.mark.parametrize("call, words", [
    (lambda: nf.critical_radius_mean_field(10**400), r"^N must be at most 1.798e\+308 \(the float64 range\); "
                                                    r"got an integer of 401 digits$"),
    (lambda: nf.critical_radius_mean_field(1, -10**400), r"^n must be at least -1.798e\+308 \(the float64 range\)"),
    (lambda: nf.table_one([1, 10**400]), r"^N must be at most 1.798e\+308"),
])
def test_integers_beyond_float64_are_refused_by_name(call, words):
    # witness: the message, written out here per call, naming the parameter and the float64 range
    with pytest.raises(ValueError, match=words):
        call()


@pytest.mark.filterwarnings("error::RuntimeWarning")  # never a RuntimeWarning with a wrong number
@pytest.mark.parametrize("call, words", [
    (lambda: nf.critical_radius_mean_field(1, 1e-320),
     "the sphere volume 3 N / (4 pi n) overflows to infinity in float64 for N = 1, n = 1e-320; "
     "N / n must be between 9.33e-308 and 7.53e+308 m^3, with N at most 5.99e+307 and n between 1.78e-309 "
     "and 1.43e+307 m^-3"),
    (lambda: nf.critical_radius_mean_field(1, 1e308), "underflows to zero in float64 for N = 1, n = 1e+308"),
    (lambda: nf.critical_radius_mean_field(1e308, 0.5), "N at most 5.99e+307"),
    (lambda: nf.table_one(1, 1e-320), "overflows to infinity in float64 for N = 1, n = 1e-320"),
    (lambda: nf.dipoles_in_sphere(1e200), "overflows to infinity in float64 for radius = 1e+200, n = 1e+23; "
                                          "r^3 n must be between 5.32e-309 and 4.29e+307"),
    # r^3 = 1e-315 is subnormal: the count 4.2e-15 looked ordinary but had lost eight digits
    (lambda: nf.dipoles_in_sphere(1e-105, 1e300), "r^3 underflows to zero in float64 for radius = 1e-105, n = 1e+300; "
                                                  "r^3 n must be between"),
    (lambda: nf.dipoles_in_sphere(4e102, 1e-300), "with radius between 2.82e-103 and 3.5e+102 m"),
])
def test_results_beyond_float64_name_the_parameters_and_the_range(call, words):
    # witness: the range that works, written out here per call
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_the_stated_ranges_work_at_their_ends():
    # witness: each end the messages print gives a normal result; 10% beyond it does not
    assert nf.critical_radius_mean_field(1, 1 / 9.33e-308) > 0
    assert nf.critical_radius_mean_field(5.99e307, 5.99e307 / 7.53 / 1e308) > 0  # N / n = 7.53e+308
    assert nf.critical_radius_mean_field(1, 1.78e-309) > 0 and nf.critical_radius_mean_field(1e300, 1.43e307) > 0
    assert nf.dipoles_in_sphere(2.82e-103, 1e300) > 0 and nf.dipoles_in_sphere(3.5e102, 1e-300) > 0
    assert nf.dipoles_in_sphere(1.0, 5.32e-309) > 0 and nf.dipoles_in_sphere(1.0, 4.29e307) > 0
    for call in (lambda: nf.critical_radius_mean_field(1, 1.1 / 9.33e-308),
                 lambda: nf.critical_radius_mean_field(5.99e307, 5.99e307 / 8.3 / 1e308),
                 lambda: nf.critical_radius_mean_field(6.6e307, 1.0),
                 lambda: nf.critical_radius_mean_field(1e300, 1.1 * 1.43e307),
                 lambda: nf.dipoles_in_sphere(2.5e-103, 1e300), lambda: nf.dipoles_in_sphere(3.9e102, 1e-300),
                 lambda: nf.dipoles_in_sphere(1.0, 4.8e307)):
        with pytest.raises(ValueError, match="must be between"):
            call()


@pytest.mark.parametrize("call, words", [
    (lambda: nf.critical_radius_mean_field([1, 2, 3], [1e23, 1e24]), r"^N and n must broadcast together"),
    (lambda: nf.dipoles_in_sphere([1e-8, 2e-8], [1e23, 1e24, 1e25]), r"^radius and n must broadcast together"),
])
def test_broadcast_mismatch_names_both_arguments(call, words):
    # witness: both parameters and both shapes in the message
    with pytest.raises(ValueError, match=words + r" .*; got shapes \(\d,\) and \(\d,\)$"):
        call()
