"""The notebooks run by papermill with parameters no stored output uses, checked against the module."""
import json

import nbformat
import pytest

import nanoflux as nf
from nanoflux.running import outputs, runner, stored

papermill = pytest.importorskip("papermill")


@pytest.fixture(scope="module")
def other_run(tmp_path_factory):
    """One reproduce run of every notebook with non-default parameters, into a temporary folder."""
    out = tmp_path_factory.mktemp("other")
    code = runner.run(out=out, echo=lambda line: None, assignments=[
        "B_tesla=[0.37, 2.2]", "flux_quantum_convention=h/e", "N_values=[3, 70, 123456]",
        "n_per_m3=8.491e28", "B_range_tesla=[0.05, 3]", "N_range=[2, 500]", "materials=['Ni', 'Fe3O4']",
    ], only=["01", "02", "04", "06"])
    assert code == 0
    # Notebook 03 declares B_tesla as one number, so it runs on its own.
    code = runner.run(out=out, echo=lambda line: None, only=["03"], assignments=[
        "B_tesla=0.37", "radii_over_critical=[3.3, 1.0, 0.2, 0.9]", "flux_quantum_convention=h/e"])
    assert code == 0
    # Notebook 05 declares N_values with its own bounds; a small, quick configuration.
    code = runner.run(out=out, echo=lambda line: None, only=["05"], assignments=[
        "N_values=[2, 30]", "seed=5", "grid_step_over_radius=0.25", "exclusion_over_spacing=0.3", "n_configs=20",
        "aligned=False"])
    assert code == 0
    # Notebooks 08 and 10 with their own parameters, in small, quick configurations.
    code = runner.run(out=out, echo=lambda line: None, only=["08"], assignments=[
        "materials=['Ni']", "largest_radius_over_rc=0.3", "n_sizes=5"])
    assert code == 0
    code = runner.run(out=out, echo=lambda line: None, only=["10"], assignments=[
        "materials=['Ni', 'Fe3O4']", "temperature_K=77", "measurement_time_s=0.001"])
    assert code == 0
    return out


def load(out, stem):
    return json.loads((out / f"{stem}.json").read_text())


def test_01_results_match_the_module(other_run):
    doc = load(other_run, "01_flux_quantization")
    assert doc["parameters"] == {"B_tesla": [0.37, 2.2], "flux_quantum_convention": "h/e"}
    for row, B in zip(doc["results"], [0.37, 2.2]):
        assert row["radius_nm"] == pytest.approx(nf.critical_radius(B, "h/e") * 1e9, rel=1e-14)
        assert row["area_m2"] == pytest.approx(nf.critical_area(B, "h/e"), rel=1e-14)


def test_02_results_match_the_module(other_run):
    doc = load(other_run, "02_mean_field_table1")
    assert [r["N"] for r in doc["results"]] == [3, 70, 123456]
    for row in doc["results"]:
        assert row["radius_nm"] == pytest.approx(nf.critical_radius_mean_field(row["N"], 8.491e28) * 1e9, rel=1e-14)


def test_03_counts_and_files(other_run):
    from nanoflux.plots.save import sha256

    doc = load(other_run, "03_figure1")
    parts = doc["results"]["particles"]
    # witness: at r = k r_c the disc holds k^2 quanta whatever B is: floor(10.89, 1, 0.04, 0.81)
    assert [p["flux_lines"] for p in parts] == [10, 1, 0, 0]
    for p in parts:
        assert p["radius_nm"] == pytest.approx(p["radius_over_critical"] * nf.critical_radius(0.37, "h/e") * 1e9,
                                               rel=1e-14)
        assert p["flux_quanta"] == pytest.approx(p["radius_over_critical"] ** 2, rel=1e-12)
    assert sorted(doc["results"]["files"]) == ["fig1.pdf", "fig1.png", "fig1.svg"]
    for name, digest in doc["results"]["files"].items():
        assert sha256(other_run / name) == digest


def test_04_files_and_end_points(other_run):
    from nanoflux.plots.save import sha256

    doc = load(other_run, "04_figure2")
    res = doc["results"]
    assert res["flux_radius_nm"]["B_low"] == pytest.approx(nf.critical_radius(0.05, "h/e") * 1e9, rel=1e-14)
    assert res["mean_field_radius_nm"]["N_high"] == pytest.approx(
        nf.critical_radius_mean_field(500, 8.491e28) * 1e9, rel=1e-14)
    assert sorted(res["files"]) == ["fig2.pdf", "fig2.png", "fig2.svg"]
    for name, digest in res["files"].items():
        assert sha256(other_run / name) == digest


def test_06_tables_match_the_module(other_run):
    from nanoflux.studies import assumptions

    doc = load(other_run, "06_assumptions")
    assert doc["parameters"] == {"materials": ["Ni", "Fe3O4"], "flux_quantum_convention": "h/e",
                                 "n_per_m3": 8.491e28}
    res = doc["results"]
    assert [r["label"] for r in res["criteria"]] == ["paper", "Ni", "Fe3O4"]
    for got, want in zip(res["criteria"], assumptions.criteria_rows(["Ni", "Fe3O4"], "h/e", 8.491e28)):
        assert got["N_at_1T"] == pytest.approx(want.N_at_1T, rel=1e-14)
    assert res["field"][0]["radius_nm"] == pytest.approx(nf.critical_radius(material="Ni", convention="h/e") * 1e9)
    assert all(c["agrees"] for c in res["claims"])
    assert len(res["files"]) == 12


def test_05_matches_the_module(other_run):
    from nanoflux.studies import discrete_dipoles

    doc = load(other_run, "05_discrete_dipoles")
    assert doc["parameters"]["N_values"] == [2, 30] and doc["parameters"]["aligned"] is False
    # witness: the same seeded study recomputed here, in this process
    again = discrete_dipoles.samples([2, 30], 1e23, seed=5, aligned=False)
    rows = discrete_dipoles.divergence_rows(again, 1e23, 0.25, 0.3)
    for got, want in zip(doc["results"]["divergence"], rows):
        assert got["model"] == want.model and got["h_q50"] == pytest.approx(want.h_q50, rel=1e-9)
    fluct = nf.field_fluctuation([2, 30], 1e23, n_configs=20, aligned=False, rng=5)
    assert doc["results"]["fluctuation"]["std_T"] == pytest.approx(list(fluct.std), rel=1e-9)
    assert all(r["relative_inside"] < 1e-12 for r in doc["results"]["flux"])
    assert len(doc["results"]["files"]) == 6


def test_08_matches_the_module(other_run):
    from nanoflux import continuum, lattice
    from nanoflux.studies import thresholds

    doc = load(other_run, "08_atoms_to_continuum")
    assert doc["parameters"] == {"materials": ["Ni"], "largest_radius_over_rc": 0.3, "n_sizes": 5}
    res = doc["results"]
    R_max = 0.3 * nf.critical_radius(1.0)
    cols = lattice.columns(lattice.lattice("Ni"), R_max)
    # witness: the thresholds recomputed here, in this process, by the same functions
    one = next(r for r in res["thresholds"] if r["tolerance"] == 0.01)
    assert one["ball_nm"] == pytest.approx(thresholds.ball_threshold(cols, 0.01, 0.9 * R_max) * 1e9, rel=1e-12)
    field, _ = thresholds.axis_threshold(cols, 0.01, R_max, continuum.axis_coefficients(cols))
    assert one["field_nm"] == pytest.approx(field * 1e9, rel=1e-12)
    assert [r["atoms"] for r in res["sizes"]["Ni (fcc)"]][-1] == int(cols.count.sum())
    assert len(res["files"]) == 6


def test_10_matches_the_module(other_run):
    from nanoflux.studies import critical_sizes

    doc = load(other_run, "10_critical_sizes")
    assert doc["parameters"] == {"materials": ["Ni", "Fe3O4"], "temperature_K": 77.0, "measurement_time_s": 0.001}
    rows = doc["results"]["sizes"]
    # witness: the sizes recomputed here at the same temperature and time
    for got, name in zip(rows, ("Ni", "Fe3O4")):
        want = critical_sizes.sizes_row(name, 77.0, 0.001)
        assert got["superparamagnetic_nm"] == pytest.approx(want.superparamagnetic_nm, rel=1e-14)
        assert got["paper_sphere_nm"] == pytest.approx(want.paper_sphere_nm, rel=1e-14)
    assert [r["material"] for r in doc["results"]["continuum"]] == ["Ni"]
    assert len(doc["results"]["files"]) == 3


def test_executed_copies_keep_the_injected_parameters(other_run):
    nb = nbformat.read(str(other_run / "notebooks" / "01_flux_quantization.ipynb"), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "B_tesla = [0.37, 2.2]" in injected[0].source


def test_a_bad_parameter_stops_the_notebook_with_the_clear_message(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(papermill.PapermillExecutionError) as info:
        papermill.execute_notebook(str(outputs.NOTEBOOKS_DIR / "01_flux_quantization.ipynb"),
                                   str(tmp_path / "executed.ipynb"), kernel_name="python3",
                                   parameters={"B_tesla": [1.0, -2.0], "output_dir": str(out)},
                                   cwd=str(outputs.NOTEBOOKS_DIR), progress_bar=False)
    assert info.value.ename == "InputError"
    assert "B_tesla must be positive and finite, in T; got -2.0" in info.value.evalue
    assert not out.exists()


def test_stored_notebooks_are_clean():
    for path in stored.stored_notebooks():
        nb = nbformat.read(str(path), as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1, path.name
        assert not any("injected-parameters" in c.metadata.get("tags", []) for c in code), path.name
        assert "papermill" not in nb.metadata, path.name
        assert not any("execution" in c.metadata or "papermill" in c.metadata for c in code), path.name
        assert all(c.outputs for c in code[2:3]), path.name  # the first cell after parameters ran
        assert any(c.outputs for c in code), path.name


def test_inline_maths_has_no_doubled_backslash():
    """`\\\\int` inside $...$ is a line break then "int", not the integral: a slip of escaping."""
    import re

    for path in stored.stored_notebooks():
        for cell in nbformat.read(str(path), as_version=4).cells:
            if cell.cell_type != "markdown":
                continue
            for maths in re.findall(r"(?<!\$)\$([^$]+)\$(?!\$)", cell.source):
                assert not re.search(r"\\\\[A-Za-z]", maths), (path.name, maths)
