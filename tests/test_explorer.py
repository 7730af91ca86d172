"""Notebook 07's classroom explorer: its validator, the Explorer state and redraw, the widget wiring,
the stored notebook's widget-free outputs, and a papermill run checked against the module."""
import json
import re
import subprocess
import sys

import nbformat
import numpy as np
import pytest

import nanoflux as nf
from nanoflux.classroom import exercises, explorer
from nanoflux.running import outputs, parameters, plan, runner, stored

DEFAULTS = dict(B_tesla=1.0, N=1, n_per_m3=1e23, flux_quantum_convention="h/2e", material="none", shape="sphere")


# -- the validator ------------------------------------------------------------------------------------

def test_validator_is_registered_and_accepts_the_declared_defaults():
    # witness: notebook 07's parameters cell as stored, against DEFAULTS and the registry
    declared = stored.declared_parameters(outputs.NOTEBOOKS_DIR / "07_classroom_explorer.ipynb")
    assert declared == {**DEFAULTS, "output_dir": None}
    assert parameters.VALIDATORS["07_classroom_explorer"] is parameters.classroom_explorer
    assert parameters.classroom_explorer(**DEFAULTS) == DEFAULTS


@pytest.mark.parametrize("change, error, words", [
    ({"B_tesla": 20.0}, ValueError, "B_tesla must be between 0.01 and 10 T; got 20.0"),
    ({"B_tesla": 0.0}, ValueError, "B_tesla must be positive and finite, in T; got 0.0"),
    ({"B_tesla": "1"}, TypeError, "B_tesla must be a number (in T); got '1'"),
    ({"N": 0}, ValueError, "N must be a whole number of at least 1; got 0.0"),
    ({"N": 2.5}, ValueError, "N must be a whole number of at least 1; got 2.5"),
    ({"N": True}, TypeError, "N must be a whole number; got True"),
    ({"N": 2_000_000}, ValueError, "N must be between 1 and 1000000; got 2000000"),
    ({"n_per_m3": 1e31}, ValueError, "n_per_m3 must be between 1e+20 and 1e+30 m^-3; got 1e+31"),
    ({"flux_quantum_convention": "h/3e"}, ValueError, "flux_quantum_convention must be one of 'h/2e', 'h/e'"),
    ({"material": "Gd"}, ValueError, "material must be one of 'none', 'Fe', 'Co', 'Ni', 'Fe3O4'; got 'Gd'"),
    ({"shape": "cube"}, ValueError, "shape must be one of 'sphere', 'rod'; got 'cube'"),
])
def test_validator_refuses_with_a_clear_message(change, error, words):
    # witness: the exception's type and message, written out per case
    with pytest.raises(error, match=re.escape(words)):
        parameters.classroom_explorer(**{**DEFAULTS, **change})


def test_validator_takes_a_large_integer_density_and_numpy_numbers():
    # witness: 10**29 does not fit numpy's int64; it is the same density as 1e29
    got = parameters.classroom_explorer(**{**DEFAULTS, "n_per_m3": 10**29, "N": np.int64(8), "B_tesla": np.float64(2)})
    assert got["n_per_m3"] == 1e29 and got["N"] == 8 and type(got["N"]) is int and got["B_tesla"] == 2.0


def test_runner_refuses_a_bad_value_for_07_before_any_kernel():
    # witness: the plan's refusal naming notebook 07, N and its range (no kernel is started by plan())
    with pytest.raises(plan.RunError, match=r"07_classroom_explorer: N must be between 1 and 1000000"):
        plan.plan(only=["07"], assignments=["N=5000000"])


# -- the Explorer: state and compute ----------------------------------------------------------------

@pytest.fixture(scope="module")
def ex():
    return explorer.Explorer()


def test_defaults_give_the_papers_two_radii(ex):
    # witness: the paper's printed values, 25.7 nm at 1 T (Eq. 4) and 13.4 nm for one dipole (Table I)
    ex.update(**DEFAULTS)
    assert ex.state.flux_radius_nm == pytest.approx(25.656, abs=5e-4)
    assert ex.state.mean_field_radius_nm == pytest.approx(13.365, abs=5e-4)
    text = ex.state.text()
    assert "25.6556 nm" in text and "13.3650 nm" in text and "custom values" in text


@pytest.mark.parametrize("name", list(nf.MATERIALS))
def test_a_material_sets_B_and_n(ex, name):
    # witness: the module's own functions given the material preset by name; a rod holds mu0 Ms (the preset's
    # own field), a sphere two thirds of it, so its radius is sqrt(3/2) times the rod's
    state = ex.update(material=name, N=10, shape="rod")
    preset = nf.get_material(name)
    assert (state.B_tesla, state.n_per_m3) == (preset.mu0Ms_tesla, preset.n_per_m3)
    assert state.flux_radius_nm == pytest.approx(nf.critical_radius(material=name) * 1e9, rel=1e-14)
    assert state.mean_field_radius_nm == pytest.approx(nf.critical_radius_mean_field(10, material=name) * 1e9,
                                                       rel=1e-14)
    assert name in state.text() and "rod" in state.text() and "mu0 Ms" in state.text()
    sphere = ex.update(shape="sphere")
    assert sphere.material == name and sphere.n_per_m3 == preset.n_per_m3
    assert sphere.B_tesla == pytest.approx(2 / 3 * preset.mu0Ms_tesla, rel=1e-15)
    assert sphere.flux_radius_nm == pytest.approx(state.flux_radius_nm * 1.5 ** 0.5, rel=1e-14)
    assert "sphere" in sphere.text() and "(2/3) mu0 Ms" in sphere.text()


def test_the_default_shape_is_a_sphere_with_the_spheres_radii():
    # witness: the spheres' radii as issue 19 recomputed them independently: 21.45 (Fe), 23.69 (Co),
    # 40.25 (Ni), 40.46 nm (Fe3O4)
    got = {name: round(explorer.compute(**{**DEFAULTS, "material": name}).flux_radius_nm, 2) for name in nf.MATERIALS}
    assert got == {"Fe": 21.45, "Co": 23.69, "Ni": 40.25, "Fe3O4": 40.46}


def test_the_shape_does_not_change_custom_values(ex):
    # witness: the explorer's state after the shape changes with custom values
    ex.update(**DEFAULTS)
    assert ex.update(shape="rod").B_tesla == 1.0 and ex.state.material == "none"
    ex.update(shape="sphere")


def test_moving_B_or_n_by_hand_returns_to_custom(ex):
    # witness: Ni's density from the materials table; the material read back after each change
    ex.update(material="Ni")
    assert ex.update(N=5).material == "Ni"  # N is not a property of the material
    assert ex.update(flux_quantum_convention="h/e").material == "Ni"
    state = ex.update(B_tesla=0.3)
    assert state.material == "none" and state.B_tesla == 0.3 and state.n_per_m3 == nf.MATERIALS["Ni"].n_per_m3
    ex.update(material="Co")
    assert ex.update(n_per_m3=1e25).material == "none"


def test_bad_update_changes_nothing(ex):
    # witness: the explorer's state before and after two refused updates, compared
    before = ex.update(B_tesla=2.0, material="none")
    with pytest.raises(ValueError, match="B_tesla must be between"):
        ex.update(B_tesla=50.0)
    with pytest.raises(TypeError, match="update takes B_tesla, N, n_per_m3, flux_quantum_convention, material, shape; "
                                        "got B"):
        ex.update(B=1.0)
    assert ex.state == before


def test_redraw_moves_the_artists_to_the_module_values(ex):
    # witness: Eq. 4 and the mean-field formula on the plot's own sample points
    state = ex.update(B_tesla=0.2, N=300, n_per_m3=5e26, flux_quantum_convention="h/e", material="none")
    plot = ex.plot
    np.testing.assert_allclose(plot.flux_curve.get_ydata(), nf.critical_radius(plot.B, "h/e") * 1e9, rtol=1e-14)
    np.testing.assert_allclose(plot.mean_curve.get_ydata(), nf.critical_radius_mean_field(plot.N, 5e26) * 1e9,
                               rtol=1e-14)
    assert list(plot.flux_point.get_xdata()) == [0.2] and list(plot.mean_point.get_xdata()) == [300]
    assert plot.flux_point.get_ydata()[0] == state.flux_radius_nm
    assert f"{state.mean_field_radius_nm:.4g} nm" in plot.readout.get_text()


def test_every_allowed_value_fits_inside_the_fixed_y_axis(ex):
    # witness: the extreme radii the validator allows, from the module
    low, high = ex.plot.ax.get_ylim()
    extremes = [nf.critical_radius(10.0, "h/2e"), nf.critical_radius(0.01, "h/e"),
                nf.critical_radius_mean_field(1, 1e30), nf.critical_radius_mean_field(1_000_000, 1e20)]
    assert all(low < r * 1e9 < high for r in extremes)


def test_update_redraws_without_a_full_draw(ex, monkeypatch):
    # witness: the canvas's full draw is never called by update, only the moving artists are drawn
    calls = []
    monkeypatch.setattr(ex.figure.canvas, "draw", lambda *a, **k: calls.append(1))
    ex.update(B_tesla=0.7)
    ex.update(material="Fe")
    assert calls == []


def test_png_is_the_current_canvas(ex):
    # witness: Pillow's reading of the PNG (signature, size) against the canvas, and a changed PNG after a change of B
    from io import BytesIO

    from PIL import Image

    ex.update(B_tesla=1.0, material="none")
    png = ex.png()
    image = Image.open(BytesIO(png))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and image.size == ex.figure.canvas.get_width_height(physical=True)
    # witness: the canvas's own pixels; the PNG is RGB because the canvas is opaque
    canvas = np.asarray(ex.figure.canvas.buffer_rgba())
    assert image.mode == "RGB" and (canvas[..., 3] == 255).all()
    assert np.array_equal(np.asarray(image), canvas[..., :3])
    ex.update(B_tesla=0.05)
    assert ex.png() != png


# -- the widget wiring -------------------------------------------------------------------------------

def test_widgets_drive_the_explorer_and_show_its_values():
    # witness: Fe's preset from the materials table, the explorer's state behind the widgets, the static bundle's text
    pytest.importorskip("ipywidgets")
    app = explorer.ExplorerApp()
    assert app.shape.disabled  # custom values take B as given
    app.material.value = "Fe"
    assert app.explorer.state.material == "Fe" and not app.shape.disabled
    assert app.B.value == nf.materials.internal_field_tesla("Fe") and app.n.value == nf.MATERIALS["Fe"].n_per_m3
    assert "Fe preset" in app.radii.value
    app.B.value = app.B.value * 1.001  # a slider rounding the preset's B: still Fe
    assert app.explorer.state.material == "Fe"
    app.B.value = 0.5
    assert app.explorer.state.material == "none" and app.material.value == "none"
    app.N.value = 1000
    assert app.explorer.state.N == 1000 and "1,000" in app.N_readout.value
    before = app.image.value
    app.convention.value = "h/e"
    assert app.explorer.state.flux_quantum_convention == "h/e" and app.image.value != before
    bundle = app._repr_mimebundle_()
    assert (bundle["text/plain"] == f"{explorer.STATIC_TEXT}\n{app.explorer.alt_text()}"
            and stored.WIDGET_MIME[0] in bundle)
    # the chart in words, at the values it shows: the alt text of the static chart
    assert "flux quantum h/e" in bundle["text/plain"] and "N = 1,000" in bundle["text/plain"]
    assert f"r_c = {app.explorer.state.flux_radius_nm:.4g} nm" in bundle["text/plain"]
    assert bundle["image/png"].startswith(b"\x89PNG")  # the static chart a stored notebook keeps


def test_readouts_show_the_values_the_text_shows():
    # witness: Fe's n is 8.491e28 m^-3 and its mu0 Ms 2.145 T; a log slider's own readout would show the
    # nearest step (8.91e+28, 2.14)
    pytest.importorskip("ipywidgets")
    app = explorer.ExplorerApp()
    app.material.value = "Fe"
    assert "<b>8.491e28</b>" in app.n_readout.value and "<b>1.43</b> T" in app.B_readout.value
    assert "21.45 nm" in app.radii.value and "sphere" in app.radii.value
    app.shape.value = "rod"
    assert "<b>2.145</b> T" in app.B_readout.value and "17.52 nm" in app.radii.value
    assert not app.B.readout and not app.n.readout and not app.N.readout


def test_papers_values_puts_every_control_back_with_one_redraw(monkeypatch):
    pytest.importorskip("ipywidgets")
    app = explorer.ExplorerApp()
    app.material.value, app.shape.value, app.N.value, app.convention.value = "Co", "rod", 4000, "h/e"
    app.n.value = 3e26  # by hand: custom again
    assert app.explorer.state.values() != explorer.PAPER
    draws = []
    original = app.explorer._redraw
    monkeypatch.setattr(app.explorer, "_redraw", lambda: (draws.append(1), original()))
    app.reset.click()
    # witness: notebook 07's declared defaults, read from the stored notebook
    declared = stored.declared_parameters(outputs.NOTEBOOKS_DIR / "07_classroom_explorer.ipynb")
    assert app.explorer.state.values() == {k: declared[k] for k in explorer.VALUES}
    assert (app.B.value, app.n.value, app.N.value, app.convention.value, app.material.value, app.shape.value) == (
        1.0, 1e23, 1, "h/2e", "none", "sphere")
    assert "<b>1</b> T" in app.B_readout.value and "25.66 nm" in app.radii.value
    assert draws == [1]


def test_projector_mode_switches_the_chart_and_the_stylesheet(monkeypatch):
    pytest.importorskip("ipywidgets")
    from io import BytesIO

    from PIL import Image

    # witness: the size of the PNG the app sends (decoded by Pillow), its stylesheet and readout
    app = explorer.ExplorerApp()
    normal = Image.open(BytesIO(app.image.value)).size
    assert app.style.value == "" and not app.projector.value
    app.projector.value = True
    wide = Image.open(BytesIO(app.image.value)).size
    assert "<style>" in app.style.value and app.explorer.plot.layout == "projector"
    assert wide[0] / wide[1] > 2 > normal[0] / normal[1]  # 12.5 x 6.0 in against 6.0 x 4.6 in
    app.material.value = "Ni"  # the controls drive the projector's chart
    assert "Ni sphere" in app.explorer.plot.readout.get_text()
    app.projector.value = False
    assert app.style.value == "" and Image.open(BytesIO(app.image.value)).size == normal
    assert "Ni sphere" in app.explorer.plot.readout.get_text()  # the same values on the normal chart
    monkeypatch.setenv("NANOFLUX_PROJECTOR", "1")  # nanoflux classroom --projector
    assert explorer.ExplorerApp().projector.value


def test_N_moves_in_whole_numbers_on_a_logarithmic_scale():
    # witness: the steps' end points, types and successive ratios
    steps = explorer.N_STEPS
    assert steps[0] == 1 and steps[-1] == 1_000_000 and all(isinstance(k, int) for k in steps)
    ratios = [b / a for a, b in zip(steps[10:], steps[11:])]  # beyond the first decade
    assert max(ratios) <= 1.34 and min(ratios) >= 1.1  # no jump of more than a third
    assert len(steps) < 90  # a keyboard user crosses six decades in a few dozen presses


def test_import_nanoflux_loads_neither_matplotlib_nor_ipywidgets():
    # witness: sys.modules of a fresh interpreter after the imports
    code = ("import sys, nanoflux, nanoflux.exercises, nanoflux.parameters; "
            "print(sorted(m for m in ('matplotlib', 'ipywidgets', 'papermill') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- the stored notebook and the runner's cleaning -----------------------------------------------------

def test_clean_notebook_drops_widget_state_and_views(tmp_path):
    # witness: a hand-made executed notebook carrying what nbclient stores for a widget
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"abc123": {}}}}
    cell = nbformat.v4.new_code_cell("app", execution_count=1)
    cell.outputs = [nbformat.v4.new_output("execute_result", execution_count=1, data={
        "text/plain": "placeholder", stored.WIDGET_MIME[0]: {"model_id": "abc123", "version_major": 2}})]
    nb.cells = [cell]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, str(path))
    clean = stored.clean_notebook(path)
    assert "widgets" not in clean.metadata
    assert dict(clean.cells[0].outputs[0].data) == {"text/plain": "placeholder"}


def test_stored_07_has_no_widget_state_and_shows_its_results():
    # witness: the stored notebook's own metadata and outputs: r_c = 25.6556 nm and 13.3650 nm at the defaults
    nb = nbformat.read(str(outputs.NOTEBOOKS_DIR / "07_classroom_explorer.ipynb"), as_version=4)
    assert "widgets" not in nb.metadata
    shown = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not any(stored.WIDGET_MIME[0] in o.get("data", {}) for o in shown)
    assert any(o.get("data", {}).get("text/plain", "").startswith(explorer.STATIC_TEXT + "\n") for o in shown)
    assert any("image/png" in o.get("data", {}) for o in shown)
    text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in shown)
    assert "25.6556" in text and "13.3650" in text
    assert [c.id for c in nb.cells] == [f"cell-{i:02d}" for i in range(len(nb.cells))]


def test_the_students_notebook_reveals_no_expected_answer():
    # every answer but ex2's (10, too common a number to search for) at 3 and 4 significant figures,
    # in any cell's source or output of the stored students' notebook
    nb = nbformat.read(str(outputs.NOTEBOOKS_DIR / "07_classroom_explorer.ipynb"), as_version=4)
    everything = "\n".join([c.source for c in nb.cells] + [
        json.dumps(o) for c in nb.cells if c.cell_type == "code" for o in c.outputs])
    for key in ("ex1", "ex3", "ex4", "ex5"):
        value = exercises.expected(key)
        for digits in (3, 4):
            assert f"{value:.{digits}g}" not in everything, (key, f"{value:.{digits}g}")
    assert "expected(" not in everything and "answer_key" not in everything
    # witness: the teacher's notebook does show them
    teacher = nbformat.read(str(outputs.NOTEBOOKS_DIR / "09_teacher_notes.ipynb"), as_version=4)
    shown = "\n".join(json.dumps(o) for c in teacher.cells if c.cell_type == "code" for o in c.outputs)
    assert all(f"{exercises.expected(k):.4g}" in shown for k in ("ex1", "ex3", "ex5"))


@pytest.mark.notebooks  # starts a kernel
def test_07_run_with_a_material_matches_the_module(tmp_path):
    # witness: the module's functions at iron's preset, against what the notebook wrote
    pytest.importorskip("papermill")
    code = runner.run(out=tmp_path, only=["07"], echo=lambda line: None,
                      assignments=["material=Fe", "N=1000", "flux_quantum_convention=h/e"])
    assert code == 0
    doc = json.loads((tmp_path / "07_classroom_explorer.json").read_text())
    assert doc["parameters"]["material"] == "Fe" and doc["parameters"]["N"] == 1000
    res = doc["results"]
    # the default shape, a sphere: B = (2/3) mu0 Ms
    assert doc["parameters"]["shape"] == "sphere"
    sphere_B = nf.MATERIALS["Fe"].mu0Ms_tesla * 2 / 3
    assert res["B_tesla"] == pytest.approx(sphere_B, rel=1e-15) and res["n_per_m3"] == nf.MATERIALS["Fe"].n_per_m3
    assert res["flux_radius_nm"] == pytest.approx(nf.critical_radius(sphere_B, convention="h/e") * 1e9, rel=1e-14)
    assert res["mean_field_radius_nm"] == pytest.approx(nf.critical_radius_mean_field(1000, material="Fe") * 1e9,
                                                        rel=1e-14)
