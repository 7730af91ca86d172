"""Notebook 08's lattices and sums, against independent arithmetic on small lattices."""
import math

import numpy as np
import pytest

from nanoflux import continuum, dipole_field, get_material, lattice
from nanoflux.constants import VACUUM_PERMEABILITY
from nanoflux.disc_flux import NestedDiscFlux, disc_radius
from nanoflux.studies import atoms_to_continuum

MU0 = VACUUM_PERMEABILITY.value
REAL_CO = ("Co", lattice.COBALT_C_OVER_A)


@pytest.mark.parametrize("name, structure, neighbours", [("Fe", "bcc", 8), ("Ni", "fcc", 12), ("Co", "hcp", 12)])
def test_lattices_match_their_presets(name, structure, neighbours):
    lat = lattice.lattice(name)
    m = get_material(name)
    assert lat.structure == structure
    assert m.n_per_m3 * lat.moment == pytest.approx(m.Ms_A_per_m, rel=1e-14)
    pos = lattice.sphere(lat, 3e-9)
    # witness: atoms in a sphere against n (4/3) pi R^3, within the surface's share
    assert len(pos) == pytest.approx(m.n_per_m3 * 4 / 3 * math.pi * 27e-27, rel=0.02)
    d = np.sort(np.linalg.norm(pos, axis=1))
    nearest = {"bcc": math.sqrt(3) / 2, "fcc": 1 / math.sqrt(2), "hcp": 1.0}[structure] * lat.a
    assert d[0] == 0.0 and np.allclose(d[1:neighbours + 1], nearest, rtol=1e-12)
    assert d[neighbours + 1] > nearest * 1.05
    # witness: no atom within the mid-plane cut, halfway between layers
    assert np.abs(pos[:, 2] - lat.layer_spacing / 2).min() == pytest.approx(lat.layer_spacing / 2, rel=1e-9)


def test_cobalt_with_its_own_c_over_a_keeps_the_presets_density():
    lat = lattice.lattice(*REAL_CO)
    c = 2 * lat.layer_spacing
    # witness: two atoms per hexagonal cell of volume (sqrt 3 / 2) a^2 c, and c/a from ASM's a and c
    assert 2 / (math.sqrt(3) / 2 * lat.a**2 * c) == pytest.approx(get_material("Co").n_per_m3, rel=1e-13)
    assert c / lat.a == pytest.approx(4.0686 / 2.5071, rel=1e-13)
    assert lat.label == "Co (hcp, c/a = 1.623)" and lattice.lattice("Co").label == "Co (hcp, ideal c/a = 1.633)"
    with pytest.raises(ValueError, match="c_over_a applies to hcp lattices only"):
        lattice.lattice("Fe", 1.6)
    with pytest.raises(ValueError, match="c_over_a must be between 1.5 and 1.75; got 2.0"):
        lattice.lattice("Co", 2.0)


@pytest.mark.parametrize("name, c_over_a", [("Fe", None), ("Ni", None), ("Co", None), REAL_CO])
def test_columns_are_the_atoms_of_the_sphere_grouped_by_rho_and_z(name, c_over_a):
    lat = lattice.lattice(name, c_over_a)
    cols = lattice.columns(lat, 2.2e-9)
    pos = lattice.sphere(lat, 2.2e-9)
    # witness: the atoms from the position builder, grouped by (rho^2, z) rounded to 1e-6 of the lattice constant
    key = np.round(np.c_[(pos[:, 0] ** 2 + pos[:, 1] ** 2) / lat.a**2, pos[:, 2] / lat.a] * 1e6).astype(np.int64)
    groups, counts = np.unique(key, axis=0, return_counts=True)
    assert cols.count.sum() == len(pos) and len(cols.rho) == len(groups)
    mine = np.round(np.c_[cols.rho**2 / lat.a**2, cols.z / lat.a] * 1e6).astype(np.int64)
    order = np.lexsort(mine.T[::-1])
    assert np.array_equal(mine[order], groups) and np.array_equal(cols.count[order], counts)
    # shells: distinct distances, ascending, each column in the shell of its own distance
    r = np.sqrt(cols.rho**2 + cols.z**2)
    assert np.all(np.diff(cols.shell_r) > 0)
    shell = np.repeat(np.arange(len(cols.shell_start)), np.diff(np.r_[cols.shell_start, len(r)]))
    np.testing.assert_allclose(r, cols.shell_r[shell], rtol=1e-12, atol=1e-25)
    distances = np.unique(np.round(np.linalg.norm(pos, axis=1) / lat.a * 1e9))
    assert len(distances) == len(cols.shell_r2)


def test_elliptic_integrals_against_scipy():
    # witness: scipy.special's ellipk and ellipe, to 1e-14, up to m = 1 - 1e-14
    special = pytest.importorskip("scipy.special")
    m = np.concatenate([np.linspace(0, 0.999, 500), 1 - np.logspace(-3, -14, 30)])
    K, E = continuum.ellipke(m)
    np.testing.assert_allclose(K, special.ellipk(m), rtol=1e-14)
    np.testing.assert_allclose(E, special.ellipe(m), rtol=1e-14)


def test_loop_field_against_biot_savart():
    from nanoflux.dipole_models import loop_field

    rng = np.random.default_rng(2)
    pts = rng.normal(size=(40, 3)) * 2e-9
    radius = 1.5e-9
    # witness: Biot-Savart summed over 20,000 straight pieces; the loop_field moment m gives current m / (pi a^2)
    expected = loop_field(pts, math.pi * radius**2, radius, segments=20000)[:, 2]
    got = continuum.loop_field_z(np.hypot(pts[:, 0], pts[:, 1]), pts[:, 2], radius)
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_midplane_flux_by_reciprocity_against_integrating_B_over_the_disc():
    lat = lattice.lattice("Fe")
    atoms = lattice.sphere(lat, 0.6e-9)
    height, radius = lat.layer_spacing / 2, 0.55e-9
    flux = continuum.midplane_flux(atoms, lat.moment, radius, height)
    # witness: B_z of the dipoles integrated over the disc, Gauss-Legendre in r times the trapezoid in angle
    x, w = np.polynomial.legendre.leggauss(400)
    r, wr = 0.5 * radius * (x + 1), 0.5 * radius * w
    phi = 2 * math.pi * np.arange(400) / 400
    R, P = np.meshgrid(r, phi, indexing="ij")
    pts = np.stack([R * np.cos(P), R * np.sin(P), np.full(R.shape, height)], -1).reshape(-1, 3)
    moments = np.tile([0.0, 0.0, lat.moment], (len(atoms), 1))
    Bz = dipole_field(pts, atoms, moments)[:, 2].reshape(R.shape)
    direct = float((Bz * R * wr[:, None]).sum() * (2 * math.pi / 400))
    assert flux == pytest.approx(direct, rel=1e-4)
    # witness: the same flux summed over columns
    cols = lattice.columns(lat, 0.6e-9)
    assert continuum.disc_flux(cols, len(cols.rho), radius, height)[0] == pytest.approx(flux, rel=1e-13)


@pytest.mark.parametrize("name", ["Fe", "Ni"])
def test_lorentz_sum_vanishes_for_cubic_lattices(name):
    lat = lattice.lattice(name)
    atoms = lattice.sphere(lat, 2e-9)
    mu0Ms = MU0 * get_material(name).Ms_A_per_m
    assert abs(continuum.centre_field(atoms, lat.moment)) < 1e-12 * mu0Ms
    # witness: the same sum by the dipole engine, the centre atom left out
    others = atoms[np.linalg.norm(atoms, axis=1) > 0]
    B = dipole_field(np.zeros(3), others, np.tile([0.0, 0.0, lat.moment], (len(others), 1)))
    assert abs(B[2]) < 1e-12 * mu0Ms
    assert abs(continuum.lorentz_sum(lattice.columns(lat, 2e-9))) < 1e-12
    assert abs(continuum.lorentz_limit(lat)) < 1e-12


@pytest.mark.parametrize("name, c_over_a", [("Co", None), REAL_CO])
def test_hcp_lorentz_sum_does_not_vanish_and_tends_to_its_ewald_limit(name, c_over_a):
    lat = lattice.lattice(name, c_over_a)
    atoms = lattice.sphere(lat, 2e-9)
    others = atoms[np.linalg.norm(atoms, axis=1) > 0]
    mu0Ms = MU0 * get_material("Co").Ms_A_per_m
    B = dipole_field(np.zeros(3), others, np.tile([0.0, 0.0, lat.moment], (len(others), 1)))[2]
    assert continuum.centre_field(atoms, lat.moment) == pytest.approx(B, rel=1e-10)
    assert continuum.lorentz_sum(lattice.columns(lat, 2e-9)) == pytest.approx(B / mu0Ms, rel=1e-10)
    # witness: the Ewald limit does not depend on the Ewald parameter, and the sphere sums approach it
    limit = continuum.lorentz_limit(lat)
    assert continuum.lorentz_limit(lat, alpha_a=2.6, cells=10) == pytest.approx(limit, abs=1e-15)
    assert continuum.lorentz_sum(lattice.columns(lat, 12e-9)) == pytest.approx(limit, abs=2e-5)


def test_the_lorentz_field_of_cobalt_is_seven_times_larger_with_its_own_c_over_a():
    # witness: the prototype's independent Ewald sums (3.805e-4 ideal; 2.851e-3 at c/a = 1.623, slope -0.249)
    ideal = continuum.lorentz_limit(lattice.lattice("Co"))
    own = continuum.lorentz_limit(lattice.lattice(*REAL_CO))
    assert ideal == pytest.approx(3.805e-4, rel=1e-3)
    assert own == pytest.approx(2.851e-3 - 0.249 * (lattice.COBALT_C_OVER_A - 1.623), rel=2e-3)


def test_ball_average_against_the_surface_integral_of_the_vector_potential():
    # witness: int_V B dV = closed integral of n x A dS, with the Amperian A = mu0/(4 pi) sum m x r / r^3,
    # by quadrature on the sphere |r| = rho. The sphere passes midway between two shells of atoms (sqrt(3) a
    # and 2 a from the centre, 0.496 and 0.573 nm), where the integrand is smooth: 20,000 nodes agree with the
    # ball average to 5e-8 (a sphere 0.015 nm from a shell needed 80,000 nodes for 2e-5).
    lat = lattice.lattice("Fe")
    atoms = lattice.sphere(lat, 1.2e-9)
    mu0Ms = MU0 * get_material("Fe").Ms_A_per_m
    shells = np.unique(np.round(np.linalg.norm(atoms, axis=1) / lat.a, 9))
    assert shells[5:7] == pytest.approx([math.sqrt(3), 2.0])
    rho = (math.sqrt(3) + 2.0) / 2 * lat.a
    row = atoms_to_continuum.ball_rows(lattice.columns(lat, 1.2e-9), [rho])[0]
    u, w = np.polynomial.legendre.leggauss(100)
    phi = 2 * math.pi * np.arange(200) / 200
    s = np.sqrt(1 - u * u)
    n = np.stack([np.outer(s, np.cos(phi)), np.outer(s, np.sin(phi)), np.outer(u, np.ones(200))], -1).reshape(-1, 3)
    weights = np.repeat(w, 200) * (2 * math.pi / 200) * rho**2
    # with m along z, (n x A)_z = mu0 m / (4 pi) sum_atoms (n_x d_x + n_y d_y) / |d|^3, d = rho n - p: the
    # (node, atom) pairs from the products n.p (|d|^2 = rho^2 + p^2 - 2 rho n.p), 4,000 nodes at a time
    total = 0.0
    for i in range(0, len(n), 4000):
        part = n[i:i + 4000]
        r2 = rho**2 + (atoms**2).sum(axis=1) - 2 * rho * (part @ atoms.T)
        along = rho * (1 - part[:, 2:] ** 2) - part[:, :2] @ atoms[:, :2].T
        total += (weights[i:i + 4000] * (along / (r2 * np.sqrt(r2))).sum(axis=1)).sum()
    integral = MU0 / (4 * math.pi) * lat.moment * total
    average = integral / (4 / 3 * math.pi * rho**3)
    assert row.average_over_continuum == pytest.approx(average / (2 / 3 * mu0Ms), rel=1e-6)


def test_the_ball_average_between_shells_is_the_sum_over_atoms():
    lat = lattice.lattice("Co")
    cols = lattice.columns(lat, 3e-9)
    iv = continuum.ball_intervals(cols, 2.5e-9)
    r = np.sqrt(cols.rho**2 + cols.z**2)
    terms = continuum.centre_terms(cols) * cols.count * 1.5
    n = continuum.get_density(lat)
    for rho in (0.31e-9, 0.9e-9, 1.777e-9, 2.49e-9):
        inside = r <= rho
        # witness: atoms inside over n V, plus the outside atoms' field at the centre, summed afresh
        direct = cols.count[inside].sum() / (n * 4 / 3 * math.pi * rho**3) + terms[~inside].sum()
        assert iv.at(rho) == pytest.approx(direct, rel=1e-13)
    assert np.all(iv.top[1:] > iv.bottom[1:])  # decreasing within every interval


@pytest.mark.parametrize("name, c_over_a", [("Fe", None), ("Co", None)])
def test_the_field_on_the_axis_is_a_polynomial_between_shells(name, c_over_a):
    lat = lattice.lattice(name, c_over_a)
    cols = lattice.columns(lat, 5e-9)
    c = continuum.axis_coefficients(cols)
    for R in (0.61e-9, 1.234e-9, 3.3e-9, 4.99e-9):
        s = int(np.searchsorted(cols.shell_r2, R * R, side="right")) - 1
        n = int(cols.shell_end[s])
        u2 = (cols.shell_r[s] / (2 * R)) ** 2
        dipole = MU0 * cols.count[:n].sum() * lat.moment / (2 * math.pi * (2 * R) ** 3)
        # witness: direct summation of every atom's field at (0, 0, 2R)
        assert np.polynomial.polynomial.polyval(u2, c[s]) == pytest.approx(
            continuum.axis_field(cols, n, 2 * R) / dipole, rel=1e-14)
    # odd multipoles vanish: every column (rho, z) has a mirror (rho, -z) with as many atoms
    up = {(p, k): n for p, k, n in zip(cols.P, cols.k, cols.count)}
    assert all(up[(p, -k)] == n for (p, k), n in up.items())


@pytest.mark.parametrize("name, c_over_a", [("Fe", None), REAL_CO])
def test_nested_disc_flux_against_direct_sums(name, c_over_a):
    lat = lattice.lattice(name, c_over_a)
    cols = lattice.columns(lat, 6e-9)
    h = lat.layer_spacing / 2
    first = int(np.searchsorted(cols.shell_r2, (0.5e-9) ** 2))
    nested = NestedDiscFlux(cols, h, float(disc_radius(cols.shell_r2[first], h)), float(disc_radius(36e-18, h)),
                            len(cols.rho))
    rng = np.random.default_rng(7)
    shells = rng.integers(first, len(cols.shell_r2) - 1, 12)
    # targets: at a shell (its atoms in), just below the next (its atoms not yet in), and inside the interval
    R2 = np.r_[cols.shell_r2[shells], cols.shell_r2[shells + 1],
               cols.shell_r2[shells] + rng.random(12) * (cols.shell_r2[shells + 1] - cols.shell_r2[shells])]
    n = np.tile(cols.shell_end[shells], 3)
    a = disc_radius(R2, h)
    got = nested(a, n)
    # witness: the flux of the same atoms summed one by one
    direct = np.array([continuum.disc_flux(cols, int(k), x, h)[0] for k, x in zip(n, a)])
    np.testing.assert_allclose(got, direct, rtol=1e-12)
    with pytest.raises(ValueError, match="outside the range"):
        nested(np.array([1e-8]), np.array([5]))


def test_the_ball_average_is_the_same_in_any_cubic_particle_and_not_in_hcp():
    for name in ("Fe", "Ni"):
        lat = lattice.lattice(name)
        row = atoms_to_continuum.ball_identity(lat, lattice.columns(lat, 6e-9), 2e-9)
        # witness: integer arithmetic, shell by shell
        assert row.nonzero_shells == 0 and row.max_difference < 1e-15
    lat = lattice.lattice("Co")
    large = lattice.columns(lat, 6e-9)
    row = atoms_to_continuum.ball_identity(lat, large, 2e-9)
    assert row.nonzero_shells > 0.9 * row.shells
    # witness: the difference is 3/2 of the Lorentz sum of the shells the small particle lacks
    n_small = large.columns_within(2e-9)
    assert row.max_difference == pytest.approx(1.5 * abs(continuum.lorentz_sum(large) -
                                                         continuum.lorentz_sum(large, n_small)), rel=1e-6)
