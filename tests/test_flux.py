import math
import re

import numpy as np
import pytest

import nanoflux as nf

H, E = 6.62607015e-34, 1.602176634e-19
PHI0 = H / (2 * E)


def test_radius_at_one_tesla():
    # witness: sqrt(Phi0 / pi) by hand; the paper prints 25.7 nm (abstract, Eq. 4)
    assert nf.critical_radius(1.0) == pytest.approx(math.sqrt(PHI0 / math.pi), rel=1e-14)
    assert round(nf.critical_radius(1.0) * 1e9, 2) == 25.66
    assert round(nf.critical_radius(1.0) * 1e9, 1) == 25.7


def test_area_is_phi0_over_B():
    # witness: Eq. 3 by hand
    for B in (0.01, 0.3, 1.0, 7.5):
        assert nf.critical_area(B) == pytest.approx(PHI0 / B, rel=1e-14)


def test_h_over_e_radius_is_sqrt2_larger():
    # witness: h/e doubles Phi0, so r_c grows by sqrt(2): 36.28 nm at 1 T (READING.md)
    assert nf.critical_radius(1.0, "h/e") / nf.critical_radius(1.0) == pytest.approx(math.sqrt(2), rel=1e-14)
    assert round(nf.critical_radius(1.0, "h/e") * 1e9, 2) == 36.28


def test_scalar_in_float_out_array_in_array_out():
    # witness: sqrt(Phi0 / (pi B)) by hand on a 2 x 2 array, and the radii at 0.01, 0.1 and 1 T to two decimals
    assert isinstance(nf.critical_radius(1), float)
    B = np.array([[0.01, 0.1], [1.0, 10.0]])
    r = nf.critical_radius(B)
    assert r.shape == (2, 2)
    np.testing.assert_allclose(r, np.sqrt(PHI0 / (np.pi * B)), rtol=1e-14)
    np.testing.assert_allclose(nf.critical_radius([0.01, 0.1, 1.0]) * 1e9, [256.56, 81.13, 25.66], atol=0.006)


def test_field_for_radius_inverts_eq4():
    # witness: Eq. 4 and its inverse give back B over five decades; Phi0 / (pi r^2) by hand
    B = np.geomspace(1e-3, 100, 17)
    np.testing.assert_allclose(nf.field_for_radius(nf.critical_radius(B)), B, rtol=1e-13)
    assert nf.field_for_radius(25.656e-9) == pytest.approx(PHI0 / (math.pi * 25.656e-9**2), rel=1e-14)


def test_flux_quanta_is_one_at_the_critical_radius_and_broadcasts():
    # witness: B pi r^2 / Phi0 by hand; exactly 1 at r_c (Figure 1 (b))
    assert nf.flux_quanta(1.0, nf.critical_radius(1.0)) == pytest.approx(1.0, rel=1e-14)
    r = np.array([10e-9, 25e-9, 64e-9])
    q = nf.flux_quanta(np.array([[1.0], [0.5]]), r)
    assert q.shape == (2, 3)
    np.testing.assert_allclose(q[0], np.pi * r**2 / PHI0, rtol=1e-14)
    assert np.floor(nf.flux_quanta(1.0, 2.5 * nf.critical_radius(1.0))) == 6


def test_scaling_exponent_is_minus_one_half():
    # witness: log-log slope of Eq. 4 over four decades
    B = np.geomspace(1e-2, 1e2, 9)
    assert nf.power_law_exponent(B, nf.critical_radius(B)) == pytest.approx(-0.5, abs=1e-12)


@pytest.mark.parametrize("func", [nf.critical_area, nf.critical_radius])
@pytest.mark.parametrize("bad", [0, -1.0, float("nan"), float("inf"), -float("inf"), [1.0, 0.0]])
def test_bad_field_is_a_value_error_naming_B(func, bad):
    # witness: the refusal's message, spelled here as the standard words it: name, rule, unit, value
    with pytest.raises(ValueError, match=r"^B must be positive and finite, in T; got"):
        func(bad)


@pytest.mark.parametrize("bad", [0, -2e-9, float("nan"), float("inf")])
def test_bad_radius_is_a_value_error_naming_radius(bad):
    # witness: the refusal's message, spelled here: name, rule, unit
    with pytest.raises(ValueError, match=r"^radius must be positive and finite, in m; got"):
        nf.field_for_radius(bad)
    with pytest.raises(ValueError, match="radius must be positive"):
        nf.flux_quanta(1.0, bad)


@pytest.mark.parametrize("bad", ["1", None, True, 1 + 2j, [1, "a"], object()])
def test_non_numeric_field_is_a_type_error(bad):
    # witness: the exception's type (TypeError, not ValueError) and the parameter it names
    with pytest.raises(TypeError, match="B must be"):
        nf.critical_radius(bad)


@pytest.mark.parametrize("bad", ["h/3e", "H/2E", "", None, 2])
def test_unknown_convention(bad):
    # witness: the message listing the two conventions allowed, from both functions that take one
    with pytest.raises(ValueError, match=r"convention must be one of 'h/2e', 'h/e'; got"):
        nf.critical_radius(1.0, bad)
    with pytest.raises(ValueError, match="convention must be one of"):
        nf.flux_quantum(bad)


def test_message_names_the_value_given():
    # witness: the offending element of the list, -3.0, in the message
    with pytest.raises(ValueError) as info:
        nf.critical_radius([0.5, -3.0])
    assert "-3.0" in str(info.value)


def test_whole_flux_quanta_counts_one_at_every_critical_radius():
    # witness: B pi r_c^2 / Phi0 = 1 exactly in exact arithmetic, for every B
    B = np.geomspace(1e-3, 1e3, 2001)
    counts = nf.whole_flux_quanta(B, nf.critical_radius(B))
    assert counts.dtype.kind == "i" and (counts == 1).all()
    assert nf.whole_flux_quanta(1.0, 0.999 * nf.critical_radius(1.0)) == 0
    assert nf.whole_flux_quanta(1.0, 2.5 * nf.critical_radius(1.0)) == 6  # floor(6.25)
    assert isinstance(nf.whole_flux_quanta(1.0, 1e-7), int)


# -- numbers at the edges ------------------------------------------------------------------------

@pytest.mark.filterwarnings("error::RuntimeWarning")  # never a RuntimeWarning with a wrong number
@pytest.mark.parametrize("call, words", [
    # pi B lands below the smallest normal float64: r_c looked ordinary but had lost five digits
    (lambda: nf.critical_radius(1e-320), "pi B underflows to zero in float64 for B = 1e-320; "
                                         "B must be between 7.09e-309 and 2.95e+292 T"),
    (lambda: nf.critical_radius(1e300), "r_c^2 = Phi0 / (pi B) underflows to zero in float64 for B = 1e+300"),
    (lambda: nf.critical_area(1e300), "B must be between 2.23e-308 and 9.29e+292 T"),
    (lambda: nf.field_for_radius(1e-160), "r^2 underflows to zero in float64 for radius = 1e-160; "
                                          "radius must be between 1.5e-154 and 1.71e+146 m"),
    (lambda: nf.flux_quanta(1e300, 1e300), "overflows to infinity in float64 for B = 1e+300, radius = 1e+300; "
                                           "B r^2 must be between 7.09e-309 and 1.18e+293 T m^2"),
    (lambda: nf.flux_quanta(1.0, 1e-160), "r^2 underflows to zero in float64 for B = 1, radius = 1e-160"),
    (lambda: nf.whole_flux_quanta(1e300, 1e300), "B pi r^2 / Phi0 overflows to infinity"),
])
def test_results_beyond_float64_name_the_parameter_and_the_range(call, words):
    # witness: the range that works, written out here per call (checked to work at its ends below)
    with pytest.raises(ValueError) as info:
        call()
    assert words in str(info.value)


def _bounds(call, pattern):
    """The numbers a refusal states as the range that works."""
    with pytest.raises(ValueError) as info:
        call()
    return [float(x) for x in re.search(pattern, str(info.value)).groups()]


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("func, unit, outside", [(nf.critical_area, "T", [1.1]), (nf.critical_radius, "T", [0.9, 1.1]),
                                                 (nf.field_for_radius, "m", [0.9, 1.1])])
def test_the_stated_range_works_at_both_ends_and_not_beyond(func, unit, outside):
    # witness: each printed end gives a positive normal result; 10% beyond it, the refusal. (A is
    # promised only from the smallest normal B, 2.23e-308 T; a subnormal B still divides exactly.)
    lo, hi = _bounds(lambda: func(1e300), rf"must be between (\S+) and (\S+) {unit}")
    for x in (lo, hi):
        assert np.isfinite(func(x)) and func(x) >= np.finfo(float).tiny
    for x in [(lo, hi)[f > 1] * f for f in outside]:
        with pytest.raises(ValueError, match="must be between"):
            func(x)


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_flux_quanta_range_holds_at_its_ends():
    # witness: the bounds the refusal states, tried at each end (a finite positive result) and 10 % beyond (the
    # refusal)
    lo, hi, _, B_hi, r_lo, r_hi = _bounds(
        lambda: nf.flux_quanta(1e300, 1e300),
        r"B r\^2 must be between (\S+) and (\S+) T m\^2, with B between (\S+) and (\S+) T "
        r"and radius between (\S+) and (\S+) m")
    assert nf.flux_quanta(lo, 1.0) > 0 and np.isfinite(nf.flux_quanta(hi, 1.0))
    assert np.isfinite(nf.flux_quanta(B_hi, 1e-10)) and nf.flux_quanta(1e290, r_lo) > 0
    assert np.isfinite(nf.flux_quanta(1e-300, r_hi))
    for B, r in [(hi * 1.1, 1.0), (B_hi * 1.1, 1e-10), (1e290, r_lo * 0.9), (1e-300, r_hi * 1.1)]:
        with pytest.raises(ValueError, match="B r\\^2 must be between"):
            nf.flux_quanta(B, r)


def test_python_integers_of_any_size_are_fields_and_radii():
    # witness: the same value as a float, 2^70 pi 1e-30 / Phi0 by hand, and the float64 limit in the message
    assert nf.critical_radius(10**30) == nf.critical_radius(1e30)
    assert nf.flux_quanta(2**70, [10**-15]) == pytest.approx(2.0**70 * math.pi * 1e-30 / PHI0, rel=1e-14)
    with pytest.raises(ValueError,
                       match=r"^B must be at most 1.798e\+308 \(the float64 range\); got an integer of 401"):
        nf.critical_radius(10**400)
    with pytest.raises(ValueError, match=r"^radius must be at least -1.798e\+308 \(the float64 range\)"):
        nf.field_for_radius([1, -10**400])


@pytest.mark.parametrize("B, radius", [(1, [1e2]), (1e10, 1e5), (10**30, 1), ([1, 1], [1e-8, 1e2])])
def test_counts_beyond_int64_are_refused_by_name_never_wrapped(B, radius):
    # witness: 1 T over 100 m holds 1.52e19 quanta, more than 2**63 - 1 = 9.22e18; astype(int64) gave < 0
    with pytest.raises(ValueError) as info:
        nf.whole_flux_quanta(B, radius)
    text = str(info.value)
    assert "must fit a 64-bit integer (at most 2**63 - 1" in text
    assert re.search(r"for B = \S+ T and radius = \S+ m$", text)


def test_counts_up_to_int64_are_exact_and_positive():
    # witness: the stated limit B r^2 <= 6.07e3 T m^2 holds; floor(1 pi 50^2 / Phi0) exactly, in 80 digits
    assert nf.whole_flux_quanta(1, 50) == 3798168619696565503  # 3798168619696565503.1256
    assert 0 < nf.whole_flux_quanta(6.07e3, 1.0) <= 2**63 - 1
    with pytest.raises(ValueError, match=r"so B r\^2 at most 6.07e\+03 T m\^2\); got"):
        nf.whole_flux_quanta(6.08e3, 1.0)


@pytest.mark.parametrize("func", [nf.flux_quanta, nf.whole_flux_quanta])
def test_broadcast_mismatch_names_B_and_radius(func):
    # witness: the two shapes, (3,) and (2,), as the message names them
    with pytest.raises(ValueError, match=r"^B and radius must broadcast together .*; got shapes \(3,\) and \(2,\)$"):
        func([1, 2, 3], [1e-8, 2e-8])
