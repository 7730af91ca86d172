"""The notebooks run by nanoflux reproduce with parameters no stored output uses, checked against the module
and against arithmetic written here; what each saved figure shows, read back from its own description."""
import json
import math
import re

import nbformat
import pytest

import nanoflux as nf
from nanoflux.plots.save import FORMATS, provenance, saved_description, sha256
from nanoflux.running import outputs, runner, stored

papermill = pytest.importorskip("papermill")

#: The SI's exact h and e (2019), for arithmetic independent of nanoflux.constants.
H, E = 6.62607015e-34, 1.602176634e-19


@pytest.fixture(scope="module")
def other_run(tmp_path_factory):
    """Every notebook but 07 and 09 with non-default parameters, into a temporary folder: two runs, because
    notebook 03 declares B_tesla as one number and notebook 01 as a list, and 08 takes other materials than 06
    and 10; 08 and 05 in small, quick configurations."""
    out = tmp_path_factory.mktemp("other")
    lines = []
    code = runner.run(out=out, echo=lines.append, assignments=[
        "B_tesla=[0.37, 2.2]", "flux_quantum_convention=h/e", "N_values=[3, 70, 123456]",
        "n_per_m3=8.491e28", "B_range_tesla=[0.05, 3]", "N_range=[2, 500]", "materials=['Ni', 'Fe3O4']",
        "temperature_K=77", "measurement_time_s=0.001",
    ], only=["01", "02", "04", "06", "10"])
    assert code == 0, lines
    code = runner.run(out=out, echo=lines.append, only=["03", "05", "08"], assignments=[
        "B_tesla=0.37", "radii_over_critical=[3.3, 1.0, 0.2, 0.9]", "flux_quantum_convention=h/e",
        "N_values=[2, 30]", "seed=5", "grid_step_over_radius=0.25", "exclusion_over_spacing=0.3", "n_configs=20",
        "aligned=False", "materials=['Ni']", "largest_radius_over_rc=0.3", "n_sizes=5"])
    assert code == 0, lines
    return out


def load(out, stem):
    return json.loads((out / f"{stem}.json").read_text())


def check_files(out, doc, canonical_stem):
    """The run wrote the figures the canonical run writes, in every format, each recorded with its digest and
    carrying the run's parameters (save_figure's provenance); the PNGs' descriptions, by name."""
    canonical = json.loads((outputs.FIGURES_DIR / f"{canonical_stem}.json").read_text())["results"]["files"]
    files = doc["results"]["files"]
    # witness: the committed canonical run's list of files
    assert sorted(files) == sorted(canonical) and len(files) % len(FORMATS) == 0
    mark = provenance(doc["notebook"], doc["parameters"])
    for name, digest in files.items():
        data = (out / name).read_bytes()
        assert sha256(out / name) == digest and mark.encode() in data, name
    return {name: saved_description(out / name) for name in files if name.endswith(".png")}


def numbers_after(text, pattern):
    """The numbers that ``pattern``'s groups catch in ``text``, as floats (thousands separators dropped)."""
    match = re.search(pattern, text)
    assert match, (pattern, text)
    return [float(g.replace(",", "")) for g in match.groups()]


def test_01_results_match_the_module(other_run):
    doc = load(other_run, "01_flux_quantization")
    assert doc["parameters"] == {"B_tesla": [0.37, 2.2], "flux_quantum_convention": "h/e"}
    for row, B in zip(doc["results"], [0.37, 2.2]):
        assert row["radius_nm"] == pytest.approx(nf.critical_radius(B, "h/e") * 1e9, rel=1e-14)
        assert row["area_m2"] == pytest.approx(nf.critical_area(B, "h/e"), rel=1e-14)
        # witness: r_c = sqrt(h / (e pi B)) with the SI's h and e
        assert row["radius_nm"] == pytest.approx(math.sqrt(H / E / (math.pi * B)) * 1e9, rel=1e-12)


def test_02_results_match_the_module(other_run):
    doc = load(other_run, "02_mean_field_table1")
    assert [r["N"] for r in doc["results"]] == [3, 70, 123456]
    for row in doc["results"]:
        assert row["radius_nm"] == pytest.approx(nf.critical_radius_mean_field(row["N"], 8.491e28) * 1e9, rel=1e-14)
        # witness: (3 N / (4 pi n))^(1/3)
        assert row["radius_nm"] == pytest.approx((3 * row["N"] / (4 * math.pi * 8.491e28)) ** (1 / 3) * 1e9,
                                                 rel=1e-12)


def test_03_counts_and_the_figure_it_drew(other_run):
    doc = load(other_run, "03_figure1")
    parts = doc["results"]["particles"]
    # witness: at r = k r_c the disc holds k^2 quanta whatever B is: floor(10.89, 1, 0.04, 0.81)
    assert [p["flux_lines"] for p in parts] == [10, 1, 0, 0]
    for p in parts:
        assert p["radius_nm"] == pytest.approx(p["radius_over_critical"] * nf.critical_radius(0.37, "h/e") * 1e9,
                                               rel=1e-14)
        assert p["flux_quanta"] == pytest.approx(p["radius_over_critical"] ** 2, rel=1e-12)
    shown = check_files(other_run, doc, "03_figure1")["fig1.png"]
    # witness: the figure's own description of what it draws, against r_c = sqrt(h / (e pi B)) and floor(k^2)
    r_c_nm = math.sqrt(H / E / (math.pi * 0.37)) * 1e9
    assert f"B = 0.37 T (flux quantum h/e, r_c = {r_c_nm:.2f} nm)" in shown and "4 spherical particles" in shown
    lines = re.findall(r"radius ([\d.]+) r_c = ([\d.]+) nm, [^,]+, (\d+) flux lines?", shown)
    assert [(float(k), int(n)) for k, _, n in lines] == [(3.3, 10), (1.0, 1), (0.2, 0), (0.9, 0)], shown
    for k, r, _ in lines:
        assert float(r) == pytest.approx(float(k) * r_c_nm, abs=0.05)


def test_04_end_points_and_the_figure_it_drew(other_run):
    doc = load(other_run, "04_figure2")
    res = doc["results"]
    assert res["flux_radius_nm"]["B_low"] == pytest.approx(nf.critical_radius(0.05, "h/e") * 1e9, rel=1e-14)
    assert res["mean_field_radius_nm"]["N_high"] == pytest.approx(
        nf.critical_radius_mean_field(500, 8.491e28) * 1e9, rel=1e-14)
    shown = check_files(other_run, doc, "04_figure2")["fig2.png"]
    # witness: the figure's own description, against sqrt(h / (e pi B)) and (3 N / (4 pi n))^(1/3)
    assert "B from 0.05 to 3 T" in shown and "(h/e)" in shown and "N from 2 to 500" in shown
    assert "n = 8.491e28 m⁻³" in shown
    falls = numbers_after(shown, r"falls as 1/√B from ([\d.,]+) to ([\d.,]+) nm")
    assert falls == pytest.approx([math.sqrt(H / E / (math.pi * B)) * 1e9 for B in (0.05, 3)], rel=5e-3)
    rises = numbers_after(shown, r"rises as ∛N from ([\d.,]+) to ([\d.,]+) nm")
    assert rises == pytest.approx([(3 * N / (4 * math.pi * 8.491e28)) ** (1 / 3) * 1e9 for N in (2, 500)], rel=5e-3)


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
    shown = check_files(other_run, doc, "06_assumptions")
    # witness: the run's two materials, and only they, in what each figure says it shows
    for name, text in shown.items():
        assert "Ni" in text and "Fe3O4" in text, (name, text)
        assert not re.search(r"\b(Fe|Co) (at|from|\(n =)", text), (name, text)


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
    shown = check_files(other_run, doc, "05_discrete_dipoles")["dipole_field_lines.png"]
    # witness: one panel per N, each sphere of the mean-field radius (3 N / (4 pi n))^(1/3)
    panels = re.findall(r"N = ([\d,]+) dipoles in a sphere of R = ([\d.]+) nm", shown)
    assert [int(n) for n, _ in panels] == [2, 30], shown
    for n, radius in panels:
        assert float(radius) == pytest.approx((3 * int(n) / (4 * math.pi * 1e23)) ** (1 / 3) * 1e9, rel=5e-3)


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
    shown = check_files(other_run, doc, "08_atoms_to_continuum")
    # witness: the run's one material, and only it, in what each figure says it shows
    for name, text in shown.items():
        assert "Ni" in text and not re.search(r"\b(Fe|Co)\b", text), (name, text)


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
    shown = check_files(other_run, doc, "10_critical_sizes")
    # witness: the run's two materials, and no other preset, in what the figure says it shows
    for name, text in shown.items():
        assert "Ni" in text and "Fe3O4" in text and not re.search(r"\b(Fe|Co)\b", text), (name, text)
        assert "at 77 K" in text, (name, text)


def test_executed_copies_keep_the_injected_parameters(other_run):
    # witness: the executed copy's own injected cell, holding the value given on the command line
    nb = nbformat.read(str(other_run / "notebooks" / "01_flux_quantization.ipynb"), as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1 and "B_tesla = [0.37, 2.2]" in injected[0].source


def test_a_bad_parameter_stops_the_notebook_with_the_clear_message(tmp_path):
    # witness: papermill's record of the cell's exception (InputError, the message) and no output folder made
    out = tmp_path / "out"
    with pytest.raises(papermill.PapermillExecutionError) as info:
        papermill.execute_notebook(str(outputs.NOTEBOOKS_DIR / "01_flux_quantization.ipynb"),
                                   str(tmp_path / "executed.ipynb"), kernel_name="python3",
                                   parameters={"B_tesla": [1.0, -2.0], "output_dir": str(out)},
                                   cwd=str(outputs.NOTEBOOKS_DIR), progress_bar=False)
    assert info.value.ename == "InputError"
    assert "B_tesla must be positive and finite, in T; got -2.0" in info.value.evalue
    assert not out.exists()


@pytest.mark.unit  # reads the stored notebooks, runs none
def test_stored_notebooks_are_clean():
    # witness: each stored notebook's own cells and metadata: one parameters cell, no papermill traces, outputs
    # present
    for path in stored.stored_notebooks():
        nb = nbformat.read(str(path), as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert sum("parameters" in c.metadata.get("tags", []) for c in code) == 1, path.name
        assert not any("injected-parameters" in c.metadata.get("tags", []) for c in code), path.name
        assert "papermill" not in nb.metadata, path.name
        assert not any("execution" in c.metadata or "papermill" in c.metadata for c in code), path.name
        assert all(c.outputs for c in code[2:3]), path.name  # the first cell after parameters ran
        assert any(c.outputs for c in code), path.name


@pytest.mark.unit  # reads the stored notebooks, runs none
def test_inline_maths_has_no_doubled_backslash():
    """`\\\\int` inside $...$ is a line break then "int", not the integral: a slip of escaping."""
    # witness: each inline formula of the stored notebooks' markdown, searched for a doubled backslash before a letter
    import re

    for path in stored.stored_notebooks():
        for cell in nbformat.read(str(path), as_version=4).cells:
            if cell.cell_type != "markdown":
                continue
            for maths in re.findall(r"(?<!\$)\$([^$]+)\$(?!\$)", cell.source):
                assert not re.search(r"\\\\[A-Za-z]", maths), (path.name, maths)
