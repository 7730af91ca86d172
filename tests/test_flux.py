import math

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
    assert isinstance(nf.critical_radius(1), float)
    B = np.array([[0.01, 0.1], [1.0, 10.0]])
    r = nf.critical_radius(B)
    assert r.shape == (2, 2)
    np.testing.assert_allclose(r, np.sqrt(PHI0 / (np.pi * B)), rtol=1e-14)
    np.testing.assert_allclose(nf.critical_radius([0.01, 0.1, 1.0]) * 1e9, [256.56, 81.13, 25.66], atol=0.006)


def test_field_for_radius_inverts_eq4():
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
    with pytest.raises(ValueError, match=r"^B must be positive and finite, in T; got"):
        func(bad)


@pytest.mark.parametrize("bad", [0, -2e-9, float("nan"), float("inf")])
def test_bad_radius_is_a_value_error_naming_radius(bad):
    with pytest.raises(ValueError, match=r"^radius must be positive and finite, in m; got"):
        nf.field_for_radius(bad)
    with pytest.raises(ValueError, match="radius must be positive"):
        nf.flux_quanta(1.0, bad)


@pytest.mark.parametrize("bad", ["1", None, True, 1 + 2j, [1, "a"], object()])
def test_non_numeric_field_is_a_type_error(bad):
    with pytest.raises(TypeError, match="B must be"):
        nf.critical_radius(bad)


@pytest.mark.parametrize("bad", ["h/3e", "H/2E", "", None, 2])
def test_unknown_convention(bad):
    with pytest.raises(ValueError, match=r"convention must be one of 'h/2e', 'h/e'; got"):
        nf.critical_radius(1.0, bad)
    with pytest.raises(ValueError, match="convention must be one of"):
        nf.flux_quantum(bad)


def test_message_names_the_value_given():
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
