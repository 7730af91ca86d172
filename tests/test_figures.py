"""The committed figures and results are what the notebooks make: nbval's execution of each stored notebook
(its kernel writes into a stage of its own; the root conftest.py, fixture notebook_outputs) against figures/.

Same matplotlib and FreeType as the committed files record: byte-identical (SHA-256).
Otherwise the PNGs are compared by RMS pixel difference (matplotlib.testing.compare).
"""
import json

import pytest

from nanoflux import formatting, plots
from nanoflux.plots import save
from nanoflux.running import outputs, stored

RMS_TOLERANCE = 6.0  # on 0-255 grey levels; text re-hinted by another FreeType stays well inside

#: Every stored notebook; each writes its results JSON into figures/, and some their figures too.
NOTEBOOKS = [p.stem for p in stored.stored_notebooks()]
#: The notebooks that write figures; each lists its files in its results JSON.
FIGURE_NOTEBOOKS = ("03_figure1", "04_figure2", "05_discrete_dipoles", "06_assumptions", "08_atoms_to_continuum")


def same_renderer(record: dict) -> bool:
    """Whether this machine renders as the one that made ``record`` (a committed results JSON)."""
    made_with = record["results"].get("made_with") if isinstance(record["results"], dict) else None
    return made_with is None or made_with == save.renderer_versions()


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_each_notebook_writes_its_committed_results(notebook, notebook_outputs):
    # witness: figures/<notebook>.json as nanoflux reproduce wrote and git holds it
    committed = outputs.FIGURES_DIR / f"{notebook}.json"
    fresh = notebook_outputs / f"{notebook}.json"
    record, doc = json.loads(committed.read_text()), json.loads(fresh.read_text())
    assert doc["notebook"] == record["notebook"] == notebook
    assert doc["parameters"] == record["parameters"]
    if same_renderer(record):
        assert fresh.read_bytes() == committed.read_bytes()


@pytest.mark.parametrize("notebook", FIGURE_NOTEBOOKS)
def test_committed_figures_are_reproduced(notebook, notebook_outputs):
    committed = outputs.FIGURES_DIR
    record = json.loads((committed / f"{notebook}.json").read_text())
    fresh = json.loads((notebook_outputs / f"{notebook}.json").read_text())
    names = sorted(record["results"]["files"])
    assert names == sorted(fresh["results"]["files"]) and len(names) % len(save.FORMATS) == 0
    assert names  # a figure notebook that saved nothing fails here
    if same_renderer(record):
        for name in names:
            # witness: the committed file's bytes, and the digest the committed JSON recorded for it
            assert save.sha256(notebook_outputs / name) == save.sha256(committed / name), name
            assert record["results"]["files"][name] == save.sha256(committed / name), name
    else:
        from matplotlib.testing.compare import compare_images

        for name in (n for n in names if n.endswith(".png")):
            result = compare_images(str(committed / name), str(notebook_outputs / name), tol=RMS_TOLERANCE)
            assert result is None, result


@pytest.mark.parametrize("notebook", FIGURE_NOTEBOOKS)
def test_every_saved_figure_went_through_save_figure(notebook, notebook_outputs):
    """save_figure refuses a figure with text outside its canvas or without a description, and only it
    writes both into the file: a figure saved any other way (plt.savefig) fails here."""
    doc = json.loads((notebook_outputs / f"{notebook}.json").read_text())
    mark = save.provenance(notebook, doc["parameters"])
    for name in doc["results"]["files"]:
        data = (notebook_outputs / name).read_bytes()
        # witness: the provenance and description save_figure writes, read back from each file
        if name.endswith(".png"):
            from PIL import Image

            with Image.open(notebook_outputs / name) as image:
                assert image.text.get("Source") == mark, name
            assert len(save.saved_description(notebook_outputs / name).split()) >= 8, name
        elif name.endswith(".svg"):
            assert "<dc:description>" in data.decode("utf-8") and mark in data.decode("utf-8"), name
        else:
            assert name.endswith(".pdf") and b"/Subject" in data and mark.encode() in data, name


def _small_figure():
    """A figure with what makes saving non-deterministic if anything does: text, a log axis, lines, markers."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3.0, 2.0))
    ax = fig.subplots()
    ax.loglog([0.01, 1.0], [256.6, 25.66], marker="o", label="$r_c$ (nm)")
    ax.set_title("B (T)")
    ax.legend()
    fig.tight_layout()
    return save.describe_figure(fig, "A falling line on log axes from (0.01, 256.6) to (1, 25.66).")


def test_save_is_deterministic_and_carries_provenance(tmp_path):
    # witness: two figures built and saved apart give the same bytes in every format (the committed
    # figures, made by another process, are compared byte for byte in test_committed_figures_are_reproduced)
    a = save.save_figure(_small_figure(), tmp_path / "a", "f", notebook="nb", parameters={"x": 1})
    b = save.save_figure(_small_figure(), tmp_path / "b", "f", notebook="nb", parameters={"x": 1})
    assert a == b and sorted(a) == ["f.pdf", "f.png", "f.svg"]
    png = (tmp_path / "a" / "f.png").read_bytes()
    svg = (tmp_path / "a" / "f.svg").read_text()
    pdf = (tmp_path / "a" / "f.pdf").read_bytes()
    assert b"Software" not in png and b'"notebook":"nb"' in png and b"nanoflux" in png
    assert "<dc:date>" not in svg and '"parameters":{"x":1}' in svg
    assert b"CreationDate" not in pdf and b"nanoflux" in pdf
    c = save.save_figure(_small_figure(), tmp_path / "c", "f", notebook="nb", parameters={"x": 2})
    assert c["f.png"] != a["f.png"]


def test_figure1_draws_one_line_per_whole_flux_quantum():
    # witness: floor(k^2) lines for a particle of k r_c; each line is one or three Line2D segments
    fig = plots.figure1(1.0, [2.5, 1.0, 0.6])
    titles = [ax.get_title() for ax in fig.axes]
    assert "6 flux lines" in titles[0] and "1 flux line" in titles[1] and "0 flux lines" in titles[2]
    assert len(fig.axes[2].lines) == 0
    assert len(fig.axes[0].lines) == 2 * 6


def test_figure_inputs_are_validated():
    with pytest.raises(ValueError, match="radii_over_critical must be positive"):
        plots.figure1(1.0, [1.0, -1.0])
    with pytest.raises(ValueError, match="B must be positive"):
        plots.figure1(0.0)


def test_a_figure_with_text_outside_its_canvas_is_refused(tmp_path):
    # witness: a title far wider than its figure is cut on the canvas; saving it must fail, naming it
    from matplotlib.figure import Figure

    fig = Figure(figsize=(2.0, 2.0))
    ax = fig.subplots()
    ax.set_title("a title that is much too long for a two-inch figure to hold")
    save.describe_figure(fig, "Empty axes under a title too long for them.")
    assert "a title that is much too long for a two-inch figure to hold" in save.text_outside_canvas(fig)
    with pytest.raises(ValueError, match="figure clipped has text outside its canvas"):
        save.save_figure(fig, tmp_path, "clipped", notebook="test", parameters={})
    assert not list(tmp_path.iterdir())
    fig = Figure(figsize=(3.0, 3.0))
    fig.subplots().set_title("fits")
    fig.tight_layout()
    assert save.text_outside_canvas(fig) == []


@pytest.mark.parametrize("value, text", [(0.001, "0.001"), (0.01, "0.01"), (1, "1"), (1000, "1000"),
                                         (1e4, "1e4"), (1e6, "1e6"), (1e-4, "1e-4")])
def test_one_tick_notation(value, text):
    assert formatting.tick_label(value) == text


def test_a_figure_says_what_it_shows_or_is_not_saved(tmp_path):
    from matplotlib.figure import Figure

    fig = Figure()
    fig.subplots().plot([1, 2], [1, 4])
    with pytest.raises(ValueError, match="does not say what it shows"):
        save.save_figure(fig, tmp_path, "bare", notebook="nb", parameters={})
    assert not list(tmp_path.iterdir())
    save.describe_figure(fig, "A rising   line\n from (1, 1) to (2, 4).")
    save.save_figure(fig, tmp_path, "described", notebook="nb", parameters={"x": 1})
    # witness: the PNG's own Description chunk, read back by Pillow; PDF Subject, SVG dc:description
    assert save.saved_description(tmp_path / "described.png") == "A rising line from (1, 1) to (2, 4)."
    assert "A rising line from (1, 1) to (2, 4)." in (tmp_path / "described.svg").read_text()
    shown = save.show_png(tmp_path / "described.png")
    assert repr(shown) == "A rising line from (1, 1) to (2, 4)."
    assert shown._repr_mimebundle_()["text/plain"] == repr(shown)


def test_descriptions_follow_the_data():
    one = save.figure_description(plots.figure1(1.0, [2.5, 1.0, 0.6]))
    assert "(a) radius 2.5 r_c = 64.1 nm" in one and "6 flux lines" in one and "0 flux lines" in one
    other = save.figure_description(plots.figure1(0.5, [1.5]))
    assert "B = 0.5 T" in other and "r_c = 36.28 nm" in other and "2 flux lines" in other
