"""Numbers at their limits (issue 22, cases 9, 10 and 11): whole flux quanta decided exactly, every dipole field that
float64 holds returned, and every public function refusing by name an input whose answer it cannot represent.

The exact witnesses are computed here in 80-digit decimal arithmetic with pi written out, independently of
nanoflux's own rational arithmetic."""
import warnings
from decimal import Decimal, getcontext

import numpy as np
import pytest

import nanoflux as nf
from nanoflux.validate import InputError, InputTypeError

getcontext().prec = 80
PI = Decimal("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899863")
PHI0 = {"h/2e": Decimal("6.62607015e-34") / (2 * Decimal("1.602176634e-19")),
        "h/e": Decimal("6.62607015e-34") / Decimal("1.602176634e-19")}
SLACK = Decimal("1e-9")  # the one allowance whole_flux_quanta documents


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        # a RuntimeWarning (overflow, invalid value) is an error; not a ResourceWarning of another test's garbage
        # (an unclosed ZeroMQ socket, collected during this one), which made test_edges fail at random
        warnings.simplefilter("error", RuntimeWarning)
        yield


def exact_count(B: float, r: float, convention: str = "h/2e") -> int:
    """floor(B pi r^2 / Phi0 + 1e-9), from the floats' exact values."""
    return int((Decimal(B) * Decimal(r) ** 2 * PI / PHI0[convention] + SLACK).to_integral_value(rounding="ROUND_FLOOR"))


# -- case 9 --------------------------------------------------------------------------------------------------

def test_the_issues_count_is_exact():
    # witness: 151926744787.86 quanta, in 80 digits; the 1 + 1e-9 factor gave 151926744939
    assert nf.whole_flux_quanta(1.0, 0.01) == exact_count(1.0, 0.01) == 151926744787
    assert nf.whole_flux_quanta(1, 50) == 3798168619696565503
    assert nf.whole_flux_quanta(1.0, 1.0) == exact_count(1.0, 1.0)


def test_random_fields_and_radii_agree_with_exact_arithmetic():
    rng = np.random.default_rng(22)
    B = 10 ** rng.uniform(-6, 6, 20_000)
    r = 10 ** rng.uniform(-10, 1, 20_000)
    keep = B * r * r * np.pi / float(PHI0["h/2e"]) < 9e18
    counts = nf.whole_flux_quanta(B[keep], r[keep])
    # witness: each count against its 80-digit value
    expected = [exact_count(b, x) for b, x in zip(B[keep], r[keep])]
    assert counts.dtype == np.int64 and counts.tolist() == expected


@pytest.mark.parametrize("convention", ["h/2e", "h/e"])
def test_radii_at_and_beside_the_boundaries_agree_with_exact_arithmetic(convention):
    # witness: exact_count, the count in 80-digit decimal arithmetic, at 400 random boundaries and the floats beside
    # them
    rng = np.random.default_rng(9)
    for _ in range(400):
        B, k = float(10 ** rng.uniform(-3, 3)), int(10 ** rng.uniform(0, 12))
        boundary = float((k * PHI0[convention] / (PI * Decimal(B))).sqrt())  # the radius of k quanta, rounded
        r = boundary
        for _ in range(int(rng.integers(-6, 7))):
            r = float(np.nextafter(r, np.inf if rng.random() < 0.5 else 0))
        for radius in (boundary, r, float(np.nextafter(boundary, 0)), float(np.nextafter(boundary, 1))):
            assert nf.whole_flux_quanta(B, radius, convention) == exact_count(B, radius, convention), (B, k, radius)


def test_a_particle_of_k_times_the_critical_radius_holds_k_squared_quanta():
    # witness: k^2 quanta in a particle of k r_c, at 3,001 fields (the count is k^2 in exact arithmetic)
    B = np.geomspace(1e-3, 1e3, 3001)
    r_c = nf.critical_radius(B)
    assert set(nf.whole_flux_quanta(B, r_c).tolist()) == {1}  # Eq. 4's radius holds one quantum, at every B
    for k in (2, 3, 10, 31):
        assert set(nf.whole_flux_quanta(B, k * r_c).tolist()) == {k * k}
    assert set(nf.whole_flux_quanta(B, 0.999999 * r_c).tolist()) == {0}


def test_counts_are_python_integers_and_int64_arrays_never_floats():
    # witness: the types returned for a scalar and for an array
    assert type(nf.whole_flux_quanta(1.0, 1e-7)) is int
    assert nf.whole_flux_quanta([1.0], [1e-7]).dtype == np.int64


# -- case 10 -------------------------------------------------------------------------------------------------

def test_the_issues_dipole_fields_are_returned():
    # witness: mu0 m / (4 pi x^3) on the equator, from the formula: -1e-157 T and -1e-67 T
    B = nf.dipole_field([1e150, 0, 0], [0, 0, 0], [0, 0, 1e300])
    assert B[2] == pytest.approx(-nf.VACUUM_PERMEABILITY / (4 * np.pi) * 1e300 / 1e150 / 1e150 / 1e150, rel=1e-15)
    assert B[0] == B[1] == 0
    assert nf.dipole_field([1e120, 0, 0], [0, 0, 0], [0, 0, 1e300])[2] == pytest.approx(
        -nf.VACUUM_PERMEABILITY / (4 * np.pi) * 1e300 / 1e120 / 1e120 / 1e120, rel=1e-15)
    big = nf.dipole_field([1e-200, 0, 0], [0, 0, 0], [0, 0, 1e-300])  # 1e293 T, not "coinciding"
    assert big[2] == pytest.approx(-nf.VACUUM_PERMEABILITY / (4 * np.pi) * 1e-300 / 1e-200 / 1e-200 / 1e-200,
                                   rel=1e-15)


@pytest.mark.parametrize("points, moment, words", [
    ([1e120, 0, 0], 1.0, "about 1e-367 T"),  # the issue's point at 1e120 m, with a moment of 1 A m^2
    ([1.0, 0, 0], 2.3e-308, "about 1e-315 T"),  # the issue's moment: a denormal field
    ([1e100, 0, 0], nf.BOHR_MAGNETON, "about 1e-330 T"),
])
def test_a_field_below_float64s_normal_range_is_refused_by_name(points, moment, words):
    # witness: the refusal's message, naming the points and the words per case
    with pytest.raises(InputError, match=r"the dipole field must be a normal float64 .* at points = .*" + words):
        nf.dipole_field(points, [0, 0, 0], [0, 0, moment])


def test_a_field_that_cancels_is_zero_not_refused():
    # witness: two opposite dipoles placed symmetrically: B_x cancels to exactly 0 at the first point, B_z does not
    B = nf.dipole_field([[0, 0, 0], [0, 0, 5]], [[1, 0, 0], [-1, 0, 0]], [[0, 0, 1], [0, 0, 1]])
    assert B[0, 0] == 0 and B[0, 2] != 0 and np.isfinite(B).all()


@pytest.mark.parametrize("length_exp", [-1000, -600, -300, 0, 300, 600, 1000])
@pytest.mark.parametrize("moment_exp", [-1000, -300, 0, 300, 1000])
def test_scaling_lengths_and_moments_by_powers_of_two_scales_the_field_exactly(length_exp, moment_exp):
    rng = np.random.default_rng(10)
    points, positions, moments = rng.normal(size=(7, 3)), rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    reference = nf.dipole_field(points, positions, moments)
    exponent = moment_exp - 3 * length_exp
    try:
        scaled = nf.dipole_field(np.ldexp(points, length_exp), np.ldexp(positions, length_exp),
                                 np.ldexp(moments, moment_exp))
    except InputError as exc:  # witness: the field it would be, out of float64's normal range
        sizes = np.frexp(np.abs(reference).max(axis=1))[1] + exponent
        assert sizes.max() > 1022 or sizes.min() < -1020, exc
        return
    np.testing.assert_array_equal(scaled, np.ldexp(reference, exponent))  # bit for bit


def test_coincidence_is_still_relative_to_the_coordinate_scale():
    # witness: points 1e-13 (refused) and 1e-11 (accepted) of the scale from a dipole, at scales 1e-100 to 1e100
    for scale in (1e-100, 1.0, 1e100):  # 1e-12 of the largest coordinate, at every scale
        with pytest.raises(InputError, match="must not coincide"):
            nf.dipole_field([scale * (1 + 1e-13), 0, 0], [scale, 0, 0], [0, 0, scale**3 * 1e-30])
        assert np.isfinite(nf.dipole_field([scale * (1 + 1e-11), 0, 0], [scale, 0, 0], [0, 0, scale**3 * 1e-30])).all()


def test_grid_divergence_with_a_tiny_step_is_finite_or_refused_by_name():
    # witness: the divergence at step 1 scaled by 1e-300 / 1e-310, and the refusal's message
    rng = np.random.default_rng(3)
    fields = rng.normal(size=(3, 5, 5, 5))
    with pytest.raises(InputError, match=r"dBx/dx must be finite in float64; with step=1e-310 m"):
        nf.grid_divergence(*fields, 1e-310)
    small = nf.grid_divergence(*(fields * 1e-300), 1e-310)  # the issue's step, with a field that fits
    assert np.isfinite(small).all()
    np.testing.assert_allclose(small, nf.grid_divergence(*fields, 1.0) * (1e-300 / 1e-310), rtol=1e-12)


# -- case 11 -------------------------------------------------------------------------------------------------

REFUSED = [
    (lambda: nf.field_fluctuation([10**30], rng=1), InputError, "N_values must be at most"),
    (lambda: nf.mean_field_exponent((5, 5)), InputError, "N_range must be [low, high] with 0 < low < high"),
    (lambda: nf.power_law_exponent([1, 2], [-1, -2]), InputError, "y must be positive and finite"),
    (lambda: nf.flux_exponent((1, 1)), InputError, "B_range_tesla must be [low, high]"),
    (lambda: nf.field_on_grid([0, 0, 0], [0, 0, 1], [1, 1, 1], 1e308, 0.1), InputError,
     "half_width must be at most 114 steps"),
    (lambda: nf.net_flux_through_sphere([0, 0, 0], [0, 0, 1], [0, 0, 0], 1.0, n_theta=2**62), InputError,
     "n_theta must be at most 2048"),
    (lambda: nf.check_claims([1]), InputTypeError, "claims must be a sequence of nanoflux.claims.Claim; got claims[0]"),
    # variants
    (lambda: nf.field_fluctuation([2], n_configs=2**62, rng=1), InputError, "n_configs must be from 2"),
    (lambda: nf.sample_dipoles(10**12, rng=1), InputError, "N must be at most 1e+08"),
    (lambda: nf.sample_dipoles(2, [1e23, 1e24], rng=1), InputError, "n must be a single number"),
    (lambda: nf.mean_field_exponent((1.5, 10)), InputError, "N_range must be a whole number"),
    (lambda: nf.power_law_exponent([1, 1], [1, 2]), InputError, "x must hold at least two different values"),
    (lambda: nf.power_law_exponent([1, 2, 3], [1, 2]), InputError, "x and y must be equally long"),
    (lambda: nf.check_claims(5), InputTypeError, "claims must be a sequence"),
    (lambda: nf.whole_flux_quanta(1.0, 10**30), InputError, "must fit a 64-bit integer"),
    (lambda: nf.field_on_grid([0, 0, 0], [0, 0, 1], [1, 1, 1], 0.2, 5e-324), InputError, "half_width must be at most"),
]


@pytest.mark.parametrize("call, kind, words", REFUSED, ids=[w for _, _, w in REFUSED])
def test_inputs_whose_answer_cannot_be_represented_are_refused_by_name(call, kind, words):
    with pytest.raises(kind) as info:
        call()
    assert words in str(info.value)  # witness: the message names the parameter


HOSTILE = [None, "x", float("nan"), float("inf"), -1.0, 0, 1e308, 1e-320, [], [[1.0]], 2**62, 10**30, True, object(),
           [1, "a"], np.array([1.0, np.nan]), [1e-300, 1e300], (5, 5), -0.0, 1.5]
CALLS = {
    "critical_area(B)": lambda a: nf.critical_area(a),
    "critical_radius(B)": lambda a: nf.critical_radius(a),
    "field_for_radius(radius)": lambda a: nf.field_for_radius(a),
    "flux_quanta(radius)": lambda a: nf.flux_quanta(1.0, a),
    "whole_flux_quanta(B)": lambda a: nf.whole_flux_quanta(a, 1e-8),
    "whole_flux_quanta(radius)": lambda a: nf.whole_flux_quanta(1.0, a),
    "critical_radius_mean_field(N)": lambda a: nf.critical_radius_mean_field(a),
    "critical_radius_mean_field(n)": lambda a: nf.critical_radius_mean_field(1, a),
    "dipoles_in_sphere(radius)": lambda a: nf.dipoles_in_sphere(a),
    "table_one(N)": lambda a: nf.table_one(a),
    "check_claims(claims)": lambda a: nf.check_claims(a),
    "flux_exponent(B_range_tesla)": lambda a: nf.flux_exponent(a),
    "mean_field_exponent(N_range)": lambda a: nf.mean_field_exponent(a),
    "power_law_exponent(x)": lambda a: nf.power_law_exponent(a, [1, 2]),
    "dipole_field(points)": lambda a: nf.dipole_field(a, [0, 0, 0], [0, 0, 1]),
    "dipole_field(points[0])": lambda a: nf.dipole_field([a, 0, 0], [0, 0, 0], [0, 0, 1]),
    "dipole_field(moments[2])": lambda a: nf.dipole_field([1, 0, 0], [0, 0, 0], [0, 0, a]),
    "sample_dipoles(N)": lambda a: nf.sample_dipoles(a, rng=1),
    "sample_dipoles(n)": lambda a: nf.sample_dipoles(2, a, rng=1),
    "sample_dipoles(moment)": lambda a: nf.sample_dipoles(2, moment=a, rng=1),
    "field_on_grid(half_width)": lambda a: nf.field_on_grid([0, 0, 0], [0, 0, 1], [1, 1, 1], a, 0.1),
    "field_on_grid(step)": lambda a: nf.field_on_grid([0, 0, 0], [0, 0, 1], [1, 1, 1], 0.2, a),
    "field_on_grid(center[0])": lambda a: nf.field_on_grid([0, 0, 0], [0, 0, 1], [a, 1, 1], 0.2, 0.1),
    "grid_divergence(step)": lambda a: nf.grid_divergence(*np.ones((3, 3, 3, 3)), a),
    "net_flux_through_sphere(radius)": lambda a: nf.net_flux_through_sphere([0, 0, 0], [0, 0, 1], [0, 0, 0], a),
    "net_flux_through_sphere(n_theta)": lambda a: nf.net_flux_through_sphere([0, 0, 0], [0, 0, 1], [0, 0, 0], 1.0,
                                                                             n_theta=a),
    "field_fluctuation(N_values)": lambda a: nf.field_fluctuation(a, n_configs=2, rng=1),
    "field_fluctuation(n_configs)": lambda a: nf.field_fluctuation([2], n_configs=a, rng=1),
    "field_fluctuation(probe_distance)": lambda a: nf.field_fluctuation([2], n_configs=2, probe_distance=a, rng=1),
}


def _finite(result) -> bool:
    values = [getattr(result, f) for f in getattr(result, "_fields", ())] or [result]
    numbers = [np.asarray(x, dtype=float) for x in values if isinstance(x, (float, int, np.ndarray, np.number))]
    return all(np.isfinite(x).all() for x in numbers)


@pytest.mark.parametrize("name", CALLS)
def test_every_public_function_answers_or_refuses_by_name(name):
    for value in HOSTILE:
        try:
            result = CALLS[name](value)
        except (InputError, InputTypeError):
            continue
        # witness: what came back for each hostile value (no other exception was raised)
        assert isinstance(result, list) or _finite(result), (name, value, result)
