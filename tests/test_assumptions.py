"""The assumptions notebook's numbers against arithmetic written out here."""
import math

import pytest

from nanoflux import report
from nanoflux.plots import assumptions as assumption_plots
from nanoflux.running import parameters
from nanoflux.studies import assumptions

H, E = 6.62607015e-34, 1.602176634e-19
MU0 = 1.25663706127e-6  # CODATA 2022, typed here as an independent witness
ALL = ["Fe", "Co", "Ni", "Fe3O4"]
N_IRON = 8.491e28


def r_flux(B, k=2):
    return math.sqrt(H / (k * E) / (math.pi * B))


def test_density_rows_recompute_table_one_at_each_density():
    rows = assumptions.density_rows(ALL)
    assert [r.label for r in rows] == ["paper", *ALL]
    assert rows[1].ratio_to_paper == pytest.approx(N_IRON / 1e23)
    # witness: (3 N / (4 pi n))^(1/3) at iron's density, N = 1 and 1e4
    assert rows[1].radius_nm[1] == pytest.approx((3 / (4 * math.pi * N_IRON)) ** (1 / 3) * 1e9, rel=1e-13)
    assert rows[1].radius_nm[10000] == pytest.approx((3e4 / (4 * math.pi * N_IRON)) ** (1 / 3) * 1e9, rel=1e-13)
    assert round(rows[1].radius_nm[1], 2) == 0.14  # READING.md: about 0.14 nm
    assert rows[0].radius_nm[1] == pytest.approx(13.365, abs=5e-4)


def test_convention_rows_differ_by_sqrt_two():
    # witness: r_c by hand (r_flux) for h/2e and h/e, and their ratio sqrt(2)
    rows = assumptions.convention_rows([1.0, 0.5])
    assert rows[0].radius_nm["h/2e"] == pytest.approx(r_flux(1.0) * 1e9, rel=1e-14)
    assert rows[0].radius_nm["h/e"] == pytest.approx(r_flux(1.0, k=1) * 1e9, rel=1e-14)
    assert round(rows[0].radius_nm["h/e"], 2) == 36.28
    assert all(r.ratio == pytest.approx(math.sqrt(2), rel=1e-14) for r in rows)


def test_field_rows_use_mu0_Ms():
    # witness: Kittel's Ms in gauss (1707, 1400, 485, 480) times mu0, and the radii rounded as the notebook prints
    # them
    rows = assumptions.field_rows(ALL, "h/2e")
    for row, gauss, printed in zip(rows, (1707, 1400, 485, 480), (17.5, 19.3, 32.9, 33.0)):
        B = MU0 * gauss * 1e3
        assert row.B_tesla == pytest.approx(B, rel=1e-14)
        assert row.radius_nm == pytest.approx(r_flux(B) * 1e9, rel=1e-13)
        assert round(row.radius_nm, 1) == printed


def test_criteria_rows_count_atoms_in_the_flux_sphere():
    rows = assumptions.criteria_rows(ALL)
    r = r_flux(1.0)
    # witness: (4/3) pi r^3 n; READING.md: about 6 million iron atoms in a 25.7 nm sphere
    assert rows[0].N_at_1T == pytest.approx(4 / 3 * math.pi * r**3 * 1e23, rel=1e-13)
    assert rows[1].N_at_1T == pytest.approx(4 / 3 * math.pi * r**3 * N_IRON, rel=1e-13)
    assert 5.9e6 < rows[1].N_at_1T < 6.1e6
    r_fe = r_flux(MU0 * 1707e3)
    assert rows[1].N_at_own_field == pytest.approx(4 / 3 * math.pi * r_fe**3 * N_IRON, rel=1e-12)
    assert rows[0].N_at_own_field is None


def test_text_tables_format_numbers():
    # witness: the formatted strings written out, and Fe's N at 1 T and one-atom radius in the tables' text
    assert report.num(8.491e28) == "8.491e28" and report.num(4.055e5, 3) == "4.06e5" and report.num(13.365) == "13.37"
    assert "6.006e6" in str(report.criteria_table(assumptions.criteria_rows(["Fe"])))
    assert "0.1411" in str(report.density_table(assumptions.density_rows(["Fe"])))


def test_plots_build_for_any_subset():
    # witness: each figure has axes for one material and for none
    for fn in (assumption_plots.density_figure, assumption_plots.field_figure, assumption_plots.criteria_figure):
        assert fn(["Ni"]).axes
    assert assumption_plots.convention_figure([]).axes


@pytest.mark.parametrize("kwargs, exc, words", [
    ({"materials": ["Gd"]}, ValueError, "materials must be one of 'Fe', 'Co', 'Ni', 'Fe3O4'; got 'Gd'"),
    ({"materials": "Fe"}, TypeError, "materials must be a non-empty list"),
    ({"materials": []}, TypeError, "materials must be a non-empty list"),
    ({"materials": ["Fe", "Fe"]}, ValueError, "must not repeat"),
    ({"n_per_m3": -1.0}, ValueError, "n_per_m3 must be positive"),
    ({"flux_quantum_convention": "h/4e"}, ValueError, "flux_quantum_convention must be one of"),
])
def test_notebook_parameters_are_checked(kwargs, exc, words):
    # witness: the exception's type and message, written out per case
    base = {"materials": ALL, "flux_quantum_convention": "h/2e", "n_per_m3": 1e23}
    with pytest.raises(exc, match=words.replace("(", r"\(").replace(")", r"\)")):
        parameters.assumptions(**{**base, **kwargs})


def test_a_spheres_internal_field_is_two_thirds_of_mu0_Ms():
    rows = {(r.label, r.shape): r for r in assumptions.shape_rows(["Fe", "Ni"])}
    for name, gauss in (("Fe", 1707), ("Ni", 485)):
        # witness: B = mu0 (H + M) with H = -M/3 inside a uniformly magnetized sphere
        assert rows[(name, "sphere")].B_tesla == pytest.approx(2 / 3 * MU0 * gauss * 1e3, rel=1e-14)
        assert rows[(name, "long rod")].B_tesla == pytest.approx(MU0 * gauss * 1e3, rel=1e-14)
        assert rows[(name, "sphere")].radius_nm == pytest.approx(r_flux(2 / 3 * MU0 * gauss * 1e3) * 1e9, rel=1e-13)


def test_the_midplane_flux_of_a_ferromagnetic_sphere_is_not_quantized():
    rows = assumptions.midplane_flux_rows("Fe", (0.5, 1.0, 1.3))
    # witness: (2/3) mu0 Ms pi R^2 / Phi0 with R = k r_c and pi r_c^2 mu0 Ms = Phi0: (2/3) k^2
    assert [r.flux_over_phi0 for r in rows] == pytest.approx([2 / 3 * k * k for k in (0.5, 1.0, 1.3)], rel=1e-13)


def test_the_papers_radius_is_the_magnetic_length():
    hbar = 6.62607015e-34 / (2 * math.pi)
    for row in assumptions.magnetic_length_rows([1.0, 0.37, 2.2]):
        # witness: sqrt(hbar / (e B)) typed out here
        assert row.magnetic_length_nm == pytest.approx(math.sqrt(hbar / (1.602176634e-19 * row.B_tesla)) * 1e9,
                                                          rel=1e-14)
        assert row.ratio == pytest.approx(1.0, abs=1e-14)


def test_the_papers_density_and_its_1_tesla_disagree():
    rows = assumptions.moment_density_rows(["Fe"])
    # witness: mu0 n mu_B at 1e23 m^-3, CODATA 2022 mu_B typed here: about 1.2 microtesla
    assert rows[0].mu0_n_muB_tesla == pytest.approx(MU0 * 1e23 * 9.2740100657e-24, rel=1e-14)
    assert 1.1e-6 < rows[0].mu0_n_muB_tesla < 1.2e-6
    assert rows[1].moment_per_atom_muB == pytest.approx(1707e3 / 8.491e28 / 9.2740100657e-24, rel=1e-13)
