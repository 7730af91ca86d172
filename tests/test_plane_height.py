"""Notebook 08's cross-sections: the flux through a crystal sphere's cut at any height."""
import math

import numpy as np
import pytest

from nanoflux import continuum, lattice
from nanoflux.flux import critical_radius
from nanoflux.materials import get_material
from nanoflux.studies import plane_height


def ratio_by_positions(lat, R, z0):
    """The flux through the cut at z0 summed over every atom of the sphere, over the continuum."""
    atoms = lattice.sphere(lat, R)
    a = math.sqrt(R * R - z0 * z0)
    B0 = 2 / 3 * continuum.MU0 * get_material(lat.material).Ms_A_per_m
    return continuum.midplane_flux(atoms, lat.moment, a, z0) / (B0 * math.pi * a * a)


@pytest.mark.parametrize("name, c_over_a", [("Fe", None), ("Co", lattice.COBALT_C_OVER_A)])
def test_cuts_against_sums_over_every_atom(name, c_over_a):
    lat = lattice.lattice(name, c_over_a)
    R = 2.3e-9
    sec = plane_height._Section(lattice.columns(lat, R))
    d = lat.layer_spacing
    for z0 in (0.0, 1e-15, 0.13 * d, d / 2, 0.97 * d, d):
        # witness: the loop formula at each atom of the position builder's sphere
        assert sec.ratio(np.array([z0]))[0] == pytest.approx(ratio_by_positions(lat, R, z0), rel=1e-12)


def test_the_period_average_against_a_plain_quadrature():
    lat = lattice.lattice("Fe")
    sec = plane_height._Section(lattice.columns(lat, 1.5e-9))
    d = lat.layer_spacing
    # witness: the trapezoid rule on 20,001 heights (its error, from the near-layer spikes, is below 1e-5)
    z = np.linspace(0, d, 20001)
    f = sec.ratio(z)
    trapezoid = float(np.sum((f[1:] + f[:-1]) / 2) / (len(z) - 1))
    assert sec.average() == pytest.approx(trapezoid, abs=1e-5)
    assert sec.average() == pytest.approx(sec.average(order=12), abs=1e-10)


def test_the_largest_iron_sphere_against_an_independent_implementation():
    lat = lattice.lattice("Fe")
    row, curve = plane_height.sphere_cross_sections(lat, critical_radius(1.0))
    # witness: the prototype of issue 19 (plane_height.py, SciPy's elliptic integrals, every column each height)
    assert row.mid_gap == pytest.approx(0.998100, abs=1e-6)
    assert row.through_layer == pytest.approx(1.0476, abs=1e-4) and row.next_layer == pytest.approx(1.0015, abs=1e-4)
    assert row.average == pytest.approx(0.99979, abs=1e-5)
    assert row.rim_atoms == 16 and row.rim_gap_pm == pytest.approx(0.57, abs=0.01)
    assert row.mid_gap_over_phi0 == pytest.approx(1.4273, abs=1e-4)
    assert min(curve.ratio) == pytest.approx(row.low, abs=0)


def test_a_sphere_with_an_atom_on_the_rim_of_a_layer_cut_is_refused():
    # witness: a sphere of radius a about a bcc atom, whose atoms at (a, 0, 0) lie on the cut's rim
    lat = lattice.lattice("Fe")
    # the atoms at (a, 0, 0) lie on the rim of the cut through the centre layer of the sphere of radius a
    with pytest.raises(ValueError, match="lies on the rim"):
        plane_height.sphere_cross_sections(lat, lat.a)
