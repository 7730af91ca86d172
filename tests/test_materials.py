import math

import pytest

import nanoflux as nf

AVOGADRO = 6.02214076e23  # mol^-1, exact (SI 2019)
MU0 = 4e-7 * math.pi      # the classical value; CODATA 2022 differs by 5e-10


@pytest.mark.parametrize("name, rho_g_cm3, molar_g_mol", [
    ("Fe", 7.874, 55.845), ("Co", 8.90, 58.933), ("Ni", 8.90, 58.693),
])
def test_atomic_density_from_mass_density(name, rho_g_cm3, molar_g_mol):
    # witness: n = rho N_A / M from the CRC mass density and atomic weight
    n = rho_g_cm3 * 1e3 / (molar_g_mol * 1e-3) * AVOGADRO
    assert nf.MATERIALS[name].n_per_m3 == pytest.approx(n, rel=5e-4)


def test_magnetite_density_from_its_cell():
    # witness: 24 Fe ions in a cube of side 8.396 Angstrom
    assert nf.MATERIALS["Fe3O4"].n_per_m3 == pytest.approx(24 / (8.396e-10) ** 3, rel=5e-4)


@pytest.mark.parametrize("name, Ms_gauss, mu0Ms, r_nm", [
    ("Fe", 1707, 2.145, 17.5), ("Co", 1400, 1.759, 19.3), ("Ni", 485, 0.6095, 32.9), ("Fe3O4", 480, 0.6032, 33.0),
])
def test_saturation_polarization_and_radius(name, Ms_gauss, mu0Ms, r_nm):
    # witness: Kittel's Ms in gauss, times 1e3 A/m per G, times mu0
    m = nf.MATERIALS[name]
    assert m.Ms_gauss == Ms_gauss
    assert m.mu0Ms_tesla == pytest.approx(MU0 * Ms_gauss * 1e3, rel=1e-9)
    assert m.mu0Ms_tesla == pytest.approx(mu0Ms, abs=6e-4)
    assert nf.critical_radius(material=name) == pytest.approx(nf.critical_radius(m.mu0Ms_tesla), rel=1e-15)
    assert round(nf.critical_radius(material=name) * 1e9, 1) == r_nm


def test_mean_field_with_a_material():
    # witness: (3 / (4 pi n_Fe))^(1/3) and (4/3) pi r^3 n_Fe by hand, with Fe's n = 8.491e28 m^-3 written here
    r = nf.critical_radius_mean_field(1, material="Fe")
    assert r == pytest.approx((3 / (4 * math.pi * 8.491e28)) ** (1 / 3), rel=1e-14)
    assert round(r * 1e9, 2) == 0.14
    assert nf.dipoles_in_sphere(25.656e-9, material="Fe") == pytest.approx(
        4 / 3 * math.pi * 25.656e-9**3 * 8.491e28, rel=1e-12)


def test_number_and_material_together_is_an_error():
    # witness: the refusals' messages naming both parameters
    with pytest.raises(ValueError, match=r"either B or material \(one of 'Fe', 'Co', 'Ni', 'Fe3O4'\), not both"):
        nf.critical_radius(1.0, material="Fe")
    with pytest.raises(ValueError, match="either n or material"):
        nf.critical_radius_mean_field(1, 1e23, material="Fe")


@pytest.mark.parametrize("bad", ["fe", "Gd", "", 3])
def test_unknown_material_lists_the_known_names(bad):
    # witness: the message listing the four presets, from both functions
    with pytest.raises(ValueError, match=r"material must be one of 'Fe', 'Co', 'Ni', 'Fe3O4'; got"):
        nf.critical_radius(material=bad)
    with pytest.raises(ValueError, match="material must be one of"):
        nf.table_one(material=bad)


def test_presets_are_read_only():
    # witness: TypeError on assigning a new preset
    with pytest.raises(TypeError):
        nf.MATERIALS["Gd"] = nf.MATERIALS["Fe"]
