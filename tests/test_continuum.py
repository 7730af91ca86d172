"""Notebook 08's lattices and sums, against independent arithmetic on small lattices."""
import math

import numpy as np
import pytest

from nanoflux import continuum, dipole_field, get_material, lattice
from nanoflux.constants import VACUUM_PERMEABILITY
from nanoflux.studies import atoms_to_continuum

MU0 = VACUUM_PERMEABILITY.value


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


def test_hcp_lorentz_sum_does_not_vanish():
    # witness: the dipole engine's field at the centre atom from all the others
    lat = lattice.lattice("Co")
    atoms = lattice.sphere(lat, 2e-9)
    others = atoms[np.linalg.norm(atoms, axis=1) > 0]
    B = dipole_field(np.zeros(3), others, np.tile([0.0, 0.0, lat.moment], (len(others), 1)))[2]
    assert continuum.centre_field(atoms, lat.moment) == pytest.approx(B, rel=1e-10)
    assert abs(B) > 1e-5 * MU0 * get_material("Co").Ms_A_per_m


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
    row = atoms_to_continuum.ball_rows("Fe", 1.2e-9, [rho])[0]
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
    assert row["average_over_continuum"] == pytest.approx(average / (2 / 3 * mu0Ms), rel=1e-6)


def test_a_uniform_limit_is_approached():
    rows = atoms_to_continuum.size_rows("Ni", [1e-9, 4e-9])
    assert abs(rows[-1]["flux_over_continuum"] - 1) < abs(rows[0]["flux_over_continuum"] - 1)
    assert abs(rows[-1]["outside_over_dipole"] - 1) < 2e-3
    # witness: Phi / Phi0 = flux in Wb over h / 2e
    assert rows[-1]["flux_over_phi0"] == pytest.approx(rows[-1]["flux_Wb"] / (6.62607015e-34 / (2 * 1.602176634e-19)))


def test_agreement_length_is_from_which_on():
    # witness: rows made here whose answer is read off by eye: from x = 4 within 1 %, never within 0.01 %
    rows = [{"x": 1, "q": 1.5}, {"x": 2, "q": 1.001}, {"x": 3, "q": 1.02}, {"x": 4, "q": 1.004}, {"x": 5, "q": 0.999}]
    assert atoms_to_continuum.agreement_length(rows, "q", 0.01, "x") == 4
    assert atoms_to_continuum.agreement_length(rows, "q", 0.0001, "x") is None
