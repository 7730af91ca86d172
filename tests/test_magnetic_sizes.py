"""Notebook 10's sizes, against independent arithmetic and the prototype of issue 19 (critical_sizes.py)."""
import math

import numpy as np
import pytest

from nanoflux import magnetic_sizes as ms
from nanoflux.materials import MATERIALS, MICROMAGNETICS, get_micromagnetics
from nanoflux.running import parameters
from nanoflux.studies import critical_sizes


def test_the_curling_eigenvalue_of_a_sphere():
    special = pytest.importorskip("scipy.special")
    optimize = pytest.importorskip("scipy.optimize")
    # witness: SciPy's spherical Bessel function and root finder
    q = optimize.brentq(lambda x: special.spherical_jn(1, x, derivative=True), 1.5, 2.5, xtol=1e-15)
    assert ms.CURLING_Q == pytest.approx(q, rel=1e-13)
    assert ms.coherent_radius(1e-11, 1e6) / ms.exchange_length(1e-11, 1e6) == pytest.approx(5.0988, abs=1e-4)
    # in units of sqrt(2A / mu0 Ms^2): sqrt(3) q = 3.6054
    assert ms.coherent_radius(1e-11, 1e6) / ms.exchange_length(1e-11, 1e6, "2A") == pytest.approx(3.6054, abs=1e-4)


@pytest.mark.parametrize("K1, symmetry, barrier", [(48e3, "cubic", 12e3), (-5.7e3, "cubic", 475.0),
                                                   (450e3, "uniaxial", 450e3)])
def test_the_barrier_between_easy_directions(K1, symmetry, barrier):
    assert ms.barrier_density(K1, symmetry) == pytest.approx(barrier, rel=1e-14)
    if symmetry == "cubic":
        # witness: the cubic energy along the great circle from one easy direction to the next, through <110>
        t = np.linspace(0, 1, 200001)
        if K1 > 0:   # [100] -> [010]
            n = np.stack([np.cos(t * math.pi / 2), np.sin(t * math.pi / 2), 0 * t], 1)
        else:        # [111] -> [11-1]
            a, b = np.array([1, 1, 1]) / math.sqrt(3), np.array([1, 1, -1]) / math.sqrt(3)
            angle = math.acos(a @ b)
            n = (np.sin((1 - t) * angle)[:, None] * a + np.sin(t * angle)[:, None] * b) / math.sin(angle)
        E = K1 * ((n[:, 0] * n[:, 1]) ** 2 + (n[:, 1] * n[:, 2]) ** 2 + (n[:, 2] * n[:, 0]) ** 2)
        assert E.max() - E.min() == pytest.approx(barrier, rel=1e-8)
    with pytest.raises(ValueError, match="symmetry must be one of"):
        ms.barrier_density(K1, "hexagonal")


@pytest.mark.parametrize("name, lex, coh, sd, sp, sp_K1, paper", [
    # witness: the prototype of issue 19 (critical_sizes.json), nm
    ("Fe", 2.39, 12.2, 9.87, 12.8, 8.05, 21.45),
    ("Co", 3.49, 17.8, 53.7, 3.82, 3.82, 23.69),
    ("Ni", 5.52, 28.1, 27.6, 37.5, 16.4, 40.25),
    ("Fe3O4", 6.70, 34.2, 47.0, 30.1, 13.2, 40.46),
])
def test_the_sizes_at_room_temperature(name, lex, coh, sd, sp, sp_K1, paper):
    row = critical_sizes.sizes_row(name, 300.0, 100.0)
    assert row.exchange_nm == pytest.approx(lex, abs=0.006)
    assert row.coherent_nm == pytest.approx(coh, abs=0.06)
    assert row.single_domain_nm == pytest.approx(sd, abs=0.06)
    assert row.superparamagnetic_nm == pytest.approx(sp, abs=0.06)
    assert row.superparamagnetic_K1_nm == pytest.approx(sp_K1, abs=0.06)
    assert row.paper_sphere_nm == pytest.approx(paper, abs=0.006)
    assert row.kappa < 1  # all four are soft
    assert (row.atom_like_nm is None) == (name == "Fe3O4")


def test_the_superparamagnetic_radius_moves_with_temperature_and_time():
    K = ms.barrier_density(48e3, "cubic")
    r300 = ms.superparamagnetic_radius(K, 300.0, 100.0)
    # witness: V = ln(tau/tau0) k_B T / K, so R goes as T^(1/3) and as ln(tau/tau0)^(1/3)
    assert ms.superparamagnetic_radius(K, 77.0, 100.0) == pytest.approx(r300 * (77 / 300) ** (1 / 3), rel=1e-14)
    ratio = (math.log(1e-6 / 1e-9) / math.log(100 / 1e-9)) ** (1 / 3)
    assert ms.superparamagnetic_radius(K, 300.0, 1e-6) == pytest.approx(r300 * ratio, rel=1e-14)
    assert 4 / 3 * math.pi * r300**3 * K == pytest.approx(math.log(100 / 1e-9) * 1.380649e-23 * 300, rel=1e-13)
    rows = critical_sizes.temperature_rows("Fe", [10.0, 300.0], 100.0)
    assert rows[1][1] == pytest.approx(r300 * 1e9, rel=1e-13)


def test_cluster_radii_of_billas_chatelain_and_de_heer():
    # witness: (3 N / 4 pi n)^(1/3) by hand for iron's 30 and 700 atoms
    n = MATERIALS["Fe"].n_per_m3
    row = critical_sizes.sizes_row("Fe", 300.0, 100.0)
    assert row.atom_like_nm == pytest.approx((3 * 30 / (4 * math.pi * n)) ** (1 / 3) * 1e9, rel=1e-13)
    assert row.bulk_like_nm == pytest.approx(0.4386 * (700 / 30) ** (1 / 3), rel=1e-3)


def test_every_preset_has_its_constants_with_a_source_and_a_range():
    # witness: each constant's own stated range and source, and the sign rule for a cubic crystal's easy axes
    assert set(MICROMAGNETICS) == set(MATERIALS)
    for name in MATERIALS:
        mm = get_micromagnetics(name)
        for c in (mm.exchange, mm.anisotropy):
            assert c.low <= c.value <= c.high and c.source and c.unit in ("J/m", "J/m^3")
        assert mm.symmetry in ("cubic", "uniaxial")
        # the sign of K1 names the easy axes of a cubic crystal
        if mm.symmetry == "cubic":
            assert mm.easy_axes == ("<100>" if mm.anisotropy.value > 0 else "<111>")
    with pytest.raises(ValueError, match="material must be one of"):
        get_micromagnetics("Gd")


def test_the_spread_covers_the_value_used():
    # witness: each size at the constants used, inside the spread the ranges of the constants give
    for name in MATERIALS:
        row = critical_sizes.sizes_row(name, 300.0, 100.0)
        spread = critical_sizes.spread_row(name, 300.0, 100.0)
        for key, size in (("exchange", row.exchange_nm), ("coherent", row.coherent_nm),
                          ("single_domain", row.single_domain_nm), ("superparamagnetic", row.superparamagnetic_nm)):
            low, high = getattr(spread, key)
            assert low <= size * (1 + 1e-12) and size <= high * (1 + 1e-12)


@pytest.mark.parametrize("change, message", [
    ({"temperature_K": 0.0}, "temperature_K must be positive"),
    ({"temperature_K": 900.0}, "temperature_K must be between 1 and 600 (K); got 900.0"),
    ({"measurement_time_s": 1e12}, "measurement_time_s must be between 1e-06 and 1e+09 (s)"),
    ({"materials": ["Gd"]}, "materials must be one of"),
])
def test_notebook_10_parameters_are_checked(change, message):
    # witness: the validator's message, written out per case, and the defaults accepted
    values = {**parameters.DEFAULTS["10_critical_sizes"], **change}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")):
        parameters.validate("10_critical_sizes", values)
    assert parameters.defaults("10_critical_sizes") == parameters.DEFAULTS["10_critical_sizes"]
