"""Tests of the discrete-dipole engine (nanoflux/dipoles.py) and its checks (nanoflux/dipole_checks.py).

Each test names its witness: the independent fact it checks the code against.
"""
from __future__ import annotations

import numpy as np
import pytest

from nanoflux.claims import power_law_exponent
from nanoflux.constants import VACUUM_PERMEABILITY
from nanoflux.dipole_checks import (
    divergence_residual,
    field_fluctuation,
    field_on_grid,
    grid_divergence,
    net_flux_through_sphere,
)
from nanoflux.dipoles import (
    BOHR_MAGNETON,
    COINCIDENCE_RTOL,
    _dipole_field_kernel,
    dipole_field,
    sample_dipoles,
    sample_radius,
)
from nanoflux.meanfield import critical_radius_mean_field

MU0 = VACUUM_PERMEABILITY.value
NM = 1e-9


def random_configuration(seed, N=20, M=50):
    """N dipoles of about a Bohr magneton in a 20 nm cube, M points in a 60 nm cube."""
    rng = np.random.default_rng(seed)
    positions = rng.uniform(-10 * NM, 10 * NM, (N, 3))
    moments = rng.normal(size=(N, 3)) * BOHR_MAGNETON
    points = rng.uniform(-30 * NM, 30 * NM, (M, 3))
    return points, positions, moments


def random_rotation(seed):
    q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(3, 3)))
    q = q * np.sign(np.diag(r))
    return q if np.linalg.det(q) > 0 else -q


def term_scale(points, positions, moments):
    """Per point, mu0/(4 pi) sum_i 3 |m_i| / |r - r_i|^3: bounds the size of every term summed."""
    d = np.linalg.norm(points[:, None, :] - positions[None, :, :], axis=2)
    return MU0 / (4 * np.pi) * (3 * np.linalg.norm(moments, axis=1) / d**3).sum(axis=1)


# --------------------------------------------------------------------------- one dipole
def test_on_axis_field_of_one_dipole():
    # witness: on-axis field of one dipole, B_z = mu0 m / (2 pi z^3), B_x = B_y = 0
    m, z = 2.5 * BOHR_MAGNETON, np.array([3.0, 7.0, 40.0]) * NM
    r0 = np.array([1.0, -2.0, 0.5]) * NM
    points = r0 + np.outer(z, [0, 0, 1])
    B = dipole_field(points, r0, [0, 0, m])
    np.testing.assert_allclose(B[:, 2], MU0 * m / (2 * np.pi * z**3), rtol=1e-14)
    np.testing.assert_array_equal(B[:, :2], 0.0)
    # below the dipole the axial field points the same way (even in z)
    np.testing.assert_allclose(dipole_field(r0 - [0, 0, z[0]], r0, [0, 0, m]), B[0], rtol=1e-14)


def test_equatorial_field_of_one_dipole():
    # witness: equatorial field of one dipole, B = -mu0 m / (4 pi r^3), antiparallel to m
    m, r = BOHR_MAGNETON, 5.0 * NM
    angles = np.linspace(0, 2 * np.pi, 7)
    points = r * np.stack([np.cos(angles), np.sin(angles), np.zeros_like(angles)], axis=1)
    B = dipole_field(points, [0, 0, 0], [0, 0, m])
    np.testing.assert_allclose(B[:, 2], -MU0 * m / (4 * np.pi * r**3), rtol=1e-14)
    assert np.abs(B[:, :2]).max() <= 1e-15 * MU0 * m / r**3


def test_single_point_and_single_dipole_shapes():
    # witness: a (3,) point gives a (3,) field equal to row 0 of the (1, 3) call
    B1 = dipole_field([0, 0, 5 * NM], [0, 0, 0], [0, 0, BOHR_MAGNETON])
    B2 = dipole_field([[0, 0, 5 * NM]], [[0, 0, 0]], [[0, 0, BOHR_MAGNETON]])
    assert B1.shape == (3,) and B2.shape == (1, 3)
    np.testing.assert_array_equal(B1, B2[0])


# --------------------------------------------------------------------------- many dipoles
def test_superposition():
    # witness: superposition, the joint field equals the sum of single-dipole fields
    points, positions, moments = random_configuration(1)
    joint = dipole_field(points, positions, moments)
    summed = sum(dipole_field(points, p, m) for p, m in zip(positions, moments))
    tol = 1e-14 * term_scale(points, positions, moments)[:, None]
    assert np.all(np.abs(joint - summed) <= tol)


def test_rotation_covariance():
    # witness: the formula uses only dot products, so rotating points, positions and moments
    # by Q rotates B by Q
    points, positions, moments = random_configuration(2)
    Q = random_rotation(3)
    B = dipole_field(points, positions, moments)
    BQ = dipole_field(points @ Q.T, positions @ Q.T, moments @ Q.T)
    tol = 1e-14 * term_scale(points, positions, moments)[:, None]
    assert np.all(np.abs(BQ - B @ Q.T) <= tol)


def test_mirror_symmetry():
    # witness: mirror z -> -z; B is linear in m, so mirroring positions, points and m (as a
    # polar or, with the same sign on both sides, an axial vector) mirrors B; exact in float
    points, positions, moments = random_configuration(4)
    S = np.diag([1.0, 1.0, -1.0])
    B = dipole_field(points, positions, moments)
    np.testing.assert_array_equal(dipole_field(points @ S, positions @ S, moments @ S), B @ S)


def test_chunking_and_threads_do_not_change_the_result():
    # witness: each point's sum is formed the same way in any chunk and on any thread: bitwise
    # equal across thread counts; across chunk sizes equal to 1e-15 of the summed terms (NumPy's
    # SIMD loops may round a chunk's tail elements differently)
    points, positions, moments = random_configuration(5, N=37, M=301)

    def run(chunk, tile, threads):
        out = np.empty((len(points), 3))
        _dipole_field_kernel(points, positions, moments, out,
                             chunk_points=chunk, tile_dipoles=tile, threads=threads)
        return out

    scale = term_scale(points, positions, moments)[:, None]
    one = run(301, 8, 1)
    for threads in (2, 3, 8):
        np.testing.assert_array_equal(run(301, 8, threads), one)
        np.testing.assert_array_equal(run(16, 8, threads), run(16, 8, 1))
    for chunk, threads in ((7, 1), (64, 3), (300, 2), (1, 4)):
        assert np.all(np.abs(run(chunk, 8, threads) - one) <= 1e-15 * scale)
    # other dipole tiles regroup the sum: equal to rounding
    for tile in (1, 5, 37, 100):
        assert np.all(np.abs(run(50, tile, 2) - one) <= 1e-15 * scale)
    assert np.all(np.abs(dipole_field(points, positions, moments) - one) <= 1e-15 * scale)


@pytest.mark.parametrize("seed", [10, 11, 12])
def test_agrees_with_magpylib(seed):
    # witness: magpylib 6 Dipole (SI: m, A m^2); B compared directly: both use CODATA 2022's mu0
    magpylib = pytest.importorskip("magpylib")
    points, positions, moments = random_configuration(seed, N=25, M=200)
    sources = magpylib.Collection(
        [magpylib.misc.Dipole(position=p, moment=m) for p, m in zip(positions, moments)]
    )
    B_magpylib = magpylib.getB(sources, points)  # in T
    B = dipole_field(points, positions, moments)
    rel = np.linalg.norm(B - B_magpylib, axis=1) / np.linalg.norm(B_magpylib, axis=1)
    assert rel.max() <= 1e-12


# --------------------------------------------------------------------------- errors
def test_point_on_a_dipole_raises_naming_both():
    # witness: the field is singular at a dipole; the error names point 2 and dipole 1
    points, positions, moments = random_configuration(6, N=4, M=5)
    points[2] = positions[1]
    with pytest.raises(ValueError, match=r"points\[2\].*positions\[1\]"):
        dipole_field(points, positions, moments)
    with pytest.raises(ValueError, match=r"points = .*positions\[1\]"):
        dipole_field(positions[1], positions, moments)


def test_coincidence_threshold_is_relative_to_the_coordinate_scale():
    # witness: the documented rule, distance <= 1e-12 x the largest |coordinate| coincides
    scale = 30 * NM  # largest coordinate below
    positions, moments = np.array([[0.0, 0.0, 0.0], [scale, 0, 0]]), np.full((2, 3), BOHR_MAGNETON)
    near = np.array([[0.0, 0.0, 0.5 * COINCIDENCE_RTOL * scale]])
    with pytest.raises(ValueError, match=r"points\[0\].*positions\[0\]"):
        dipole_field(near, positions, moments)
    apart = np.array([[0.0, 0.0, 1e3 * COINCIDENCE_RTOL * scale]])
    assert np.isfinite(dipole_field(apart, positions, moments)).all()


def test_overflow_raises_instead_of_inf():
    # witness: |B| ~ 1e-7 x 1e300 / (1e-9)^3 overflows float64; never a silent inf
    with pytest.raises(ValueError, match="finite"):
        dipole_field([0, 0, 1 * NM], [0, 0, 0], [0, 0, 1e300])


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"points": np.zeros((4, 2))}, ValueError, r"points must have shape \(3,\) or \(K, 3\).*got shape \(4, 2\)"),
        ({"points": np.zeros((2, 3, 1))}, ValueError, r"points must have shape.*\(2, 3, 1\)"),
        ({"points": np.zeros((0, 3))}, ValueError, r"points must not be empty"),
        ({"points": [[0, 0, np.nan]]}, ValueError, r"points must be finite, in m; got points\[0\]"),
        ({"positions": [[0, 0, 0], [np.inf, 0, 0]]}, ValueError, r"positions must be finite.*positions\[1\]"),
        ({"moments": [[1, 0, 0], [0, 0, 1]]}, ValueError, r"moments must have the shape of positions"),
        ({"points": np.zeros((2, 3), complex)}, TypeError, r"(?s)points must be a real number.*complex"),
        ({"positions": "origin"}, TypeError, r"positions must be a real number.*'origin'"),
        ({"moments": [[True, False, True]]}, TypeError, r"moments must be a real number.*bool"),
        ({"points": None}, TypeError, r"points must be a real number.*None"),
    ],
)
def test_bad_input_names_the_parameter(kwargs, error, pattern):
    # witness: the validation messages, "X must be ...; got ..."
    args = {"points": [[0, 0, 5 * NM]], "positions": [[0, 0, 0]], "moments": [[0, 0, BOHR_MAGNETON]]}
    args.update(kwargs)
    with pytest.raises(error, match=pattern):
        dipole_field(**args)


def test_integer_input_is_accepted_and_float64_is_not_copied():
    # witness: ints convert to the same field as floats; a float64 input is left untouched
    points = np.array([[0.0, 0.0, 2.0]])
    np.testing.assert_array_equal(dipole_field([[0, 0, 2]], [[0, 0, 0]], [[0, 0, 1]]),
                                  dipole_field(points, np.zeros((1, 3)), np.array([[0.0, 0, 1]])))
    assert points.tolist() == [[0.0, 0.0, 2.0]]


# --------------------------------------------------------------------------- sampling
def test_same_seed_same_sample():
    # witness: determinism, an int seed and a Generator of that seed give identical samples
    a = sample_dipoles(50, rng=7, aligned=False)
    b = sample_dipoles(50, rng=np.random.default_rng(7), aligned=False)
    c = sample_dipoles(50, rng=8, aligned=False)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])
    # positions are drawn first, so they do not depend on the orientation choice
    np.testing.assert_array_equal(sample_dipoles(50, rng=7, aligned=True)[0], a[0])


def test_sample_fills_the_mean_field_sphere_uniformly():
    # witness: the paper's radius (3N/(4 pi n))^(1/3), and for uniform points in a ball
    # E[(r/R)^3] = 1/2 (r^3/R^3 is uniform on [0, 1])
    N, n = 4000, 1e23
    positions, moments = sample_dipoles(N, n, rng=1)
    R = critical_radius_mean_field(N, n)
    assert sample_radius(N, n) == R
    u = np.linalg.norm(positions, axis=1) ** 3 / R**3
    assert u.max() <= 1.0
    assert abs(u.mean() - 0.5) < 4 * np.sqrt(1 / 12 / N)
    assert abs(positions.mean(axis=0)).max() < 4 * R * np.sqrt(0.2 / N)
    np.testing.assert_array_equal(moments, np.tile([0.0, 0.0, BOHR_MAGNETON], (N, 1)))


def test_random_orientations_are_unit_and_isotropic():
    # witness: uniform directions on the sphere have |m| = m0, E[m_k] = 0 and E[m_k^2] = m0^2/3
    N, m0 = 4000, 3 * BOHR_MAGNETON
    _, moments = sample_dipoles(N, radius=10 * NM, aligned=False, moment=m0, rng=2)
    np.testing.assert_allclose(np.linalg.norm(moments, axis=1), m0, rtol=1e-15)
    unit = moments / m0
    assert np.abs(unit.mean(axis=0)).max() < 4 * np.sqrt(1 / 3 / N)
    np.testing.assert_allclose((unit**2).mean(axis=0), 1 / 3, atol=4 * np.sqrt(4 / 45 / N))


def test_sample_arguments_are_checked():
    # witness: the validation messages
    with pytest.raises(ValueError, match="either n or radius"):
        sample_dipoles(3, 1e23, radius=1e-8, rng=0)
    with pytest.raises(TypeError, match="rng must be"):
        sample_dipoles(3, rng=np.random.RandomState(0))
    with pytest.raises(ValueError, match="N must be a whole number"):
        sample_dipoles(2.5, rng=0)
    with pytest.raises(ValueError, match="moment must be positive"):
        sample_dipoles(3, moment=-1.0, rng=0)


# --------------------------------------------------------------------------- div B
def test_grid_divergence_is_exact_for_quadratic_fields():
    # witness: second-order differences are exact on quadratics: B = (x^2, y z, -3 z) has
    # div B = 2x + z - 3
    x = np.linspace(-1, 1, 9)
    X, Y, Z = np.meshgrid(x, x, x, indexing="ij")
    div = grid_divergence(X**2, Y * Z, -3 * Z, x[1] - x[0])
    np.testing.assert_allclose(div, 2 * X + Z - 3, atol=1e-12)


def test_divergence_is_discretization_error_and_falls_as_step_squared():
    # witness: div B = 0 exactly, so the finite-difference residual is O(step^2): halving the
    # step divides it by about 4
    positions, moments = sample_dipoles(10, aligned=False, rng=3)
    R = sample_radius(10)
    coarse, fine = (divergence_residual(positions, moments, [0, 0, 0], 1.5 * R, R / k, 0.5 * R)
                    for k in (8, 16))
    assert fine.relative < 0.05
    assert 3.0 < coarse.relative / fine.relative < 5.5
    grid = field_on_grid(positions, moments, [0, 0, 0], 1.5 * R, R / 8)
    assert grid.Bx.shape == (25, 25, 25) and grid.x[12] == 0.0


# --------------------------------------------------------------------------- flux
def test_net_flux_through_a_sphere_vanishes():
    # witness: Gauss's law for B, the flux through any closed surface is zero, with the
    # dipoles inside or outside
    positions, moments = sample_dipoles(30, aligned=False, rng=4)
    R = sample_radius(30)
    inside = net_flux_through_sphere(positions, moments, [0, 0, 0], 1.5 * R)
    outside = net_flux_through_sphere(positions, moments, [0, 0, 3 * R], 1.2 * R)
    assert inside.absolute > 0 and outside.absolute > 0
    assert inside.relative < 1e-12 and outside.relative < 1e-12
    with pytest.raises(ValueError, match=r"positions\[0\]"):
        r0 = np.linalg.norm(positions[0])
        net_flux_through_sphere(positions, moments, [0, 0, 0], r0)


# --------------------------------------------------------------------------- fluctuations
def test_fluctuation_falls_as_one_over_sqrt_N():
    # witness: N independent terms; outside the sphere the mean is N-independent and equals the
    # field of the total moment at the centre, 2 mu0 n m / (3 kappa^3); the std falls as N^(-1/2)
    n, kappa = 1e23, 2.0
    result = field_fluctuation([4, 16, 64, 256, 1024], n, n_configs=100, probe_distance=kappa, rng=1)
    assert abs(power_law_exponent(result.N, result.relative) + 0.5) < 0.15
    expected = 2 * MU0 * n * BOHR_MAGNETON / (3 * kappa**3)
    np.testing.assert_allclose(result.mean, expected, atol=5 * result.std.max() / np.sqrt(100))
    again = field_fluctuation([4, 16], n, n_configs=10, probe_distance=kappa, rng=1)
    np.testing.assert_array_equal(again.std, field_fluctuation([4, 16], n, n_configs=10, rng=1).std)
