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

import poppler

RMS_TOLERANCE = 6.0  # on 0-255 grey levels; text re-hinted by another FreeType stays well inside

#: Every stored notebook; each writes its results JSON into figures/, and some their figures too.
NOTEBOOKS = [p.stem for p in stored.stored_notebooks()]
#: The notebooks that write figures; each lists its files in its results JSON.
FIGURE_NOTEBOOKS = ("03_figure1", "04_figure2", "05_discrete_dipoles", "06_assumptions", "08_atoms_to_continuum",
                    "10_critical_sizes")


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
    # witness: the refusals' messages naming radii_over_critical and B
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
                                         (1e4, "$10^{4}$"), (1e6, "$10^{6}$"), (1e-4, "$10^{-4}$"),
                                         (2e-7, r"$2\times10^{-7}$"), (5e4, r"$5\times10^{4}$")])
def test_one_tick_notation(value, text):
    # witness: the label written out per value
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
    # witness: r_c and the flux-line counts by hand: 2.5 r_c = 64.1 nm with floor(6.25) = 6 lines; h/2e at 0.5 T gives
    # 36.28 nm
    one = save.figure_description(plots.figure1(1.0, [2.5, 1.0, 0.6]))
    assert "(a) radius 2.5 r_c = 64.1 nm" in one and "6 flux lines" in one and "0 flux lines" in one
    other = save.figure_description(plots.figure1(0.5, [1.5]))
    assert "B = 0.5 T" in other and "r_c = 36.28 nm" in other and "2 flux lines" in other


# -- what a journal asks of a figure ---------------------------------------------------------------------

def test_no_figure_embeds_a_type3_font():
    # witness: pdffonts, as a journal's submission check reads the files; matplotlib's default is Type 3
    pdfs = sorted(outputs.FIGURES_DIR.glob("*.pdf"))
    assert len(pdfs) >= 9
    for pdf in pdfs:
        found = poppler.fonts(pdf)
        assert found and all(f["embedded"] for f in found), pdf.name
        assert [f for f in found if f["type"] == "Type 3"] == [], pdf.name
        assert {f["type"] for f in found} == {"CID TrueType"}, pdf.name  # Type 42: TrueType outlines


def _owned_figures():
    """The figures of notebooks 03 to 06 (not 08's, which issue 19 lays out), as their notebooks draw them
    at the paper's values; notebook 05's from its stored results and its seeded samples."""

    from nanoflux.plots import assumptions, dipoles
    from nanoflux.studies import discrete_dipoles

    materials = ["Fe", "Co", "Ni", "Fe3O4"]
    d = json.loads((outputs.FIGURES_DIR / "05_discrete_dipoles.json").read_text())["results"]
    return {
        "fig1": plots.figure1(), "fig2": plots.figure2(),
        "assumption_density": assumptions.density_figure(materials),
        "assumption_convention": assumptions.convention_figure(materials),
        "assumption_field": assumptions.field_figure(materials),
        "assumption_criteria": assumptions.criteria_figure(materials),
        "dipole_field_lines": dipoles.field_lines_figure(discrete_dipoles.samples([1, 10, 100], 1e23, seed=2026)),
        "dipole_checks": dipoles.checks_figure(*stored_rows_05(d)),
    }


def test_every_text_is_at_least_6_pt_where_the_site_shows_it():
    from nanoflux.plots.style import MIN_TEXT_PT

    for name, fig in _owned_figures().items():
        save.plain_log_labels(fig)
        assert save.small_text(fig) == [], name
        # witness: the same figure drawn 2.5 times wider is shown narrower, and its legends fall below 6 pt
        fig.set_size_inches(fig.get_figwidth() * 2.5, fig.get_figheight())
        assert save.small_text(fig), name
    assert MIN_TEXT_PT == 6.0


def test_log_axes_read_powers_of_ten():
    # witness: the tick labels matplotlib draws on the top axis
    fig = plots.figure2()
    save.plain_log_labels(fig)
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig).draw()
    top = [t.get_text() for t in fig.axes[1].get_xticklabels() if t.get_text()]
    assert "$10^{4}$" in top and not any("e" in t for t in top if not t.startswith("$"))


def test_overlapping_markers_carry_a_note():
    from nanoflux.plots import assumptions

    # witness: Ni's and magnetite's mu0 Ms are 1 % apart; Fe's and Ni's are not
    for make in (assumptions.convention_figure, assumptions.field_figure):
        both = make(["Fe", "Ni", "Fe3O4"])
        notes = [t.get_text() for t in both.axes[0].texts]
        assert any("Ni and Fe$_{3}$O$_{4}$ overlap" in n for n in notes), make.__name__
        assert "The Ni and Fe3O4 markers overlap" in save.figure_description(both)
        apart = make(["Fe", "Ni"])
        assert len(apart.axes[0].texts) == 0 and "overlap" not in save.figure_description(apart)


def test_every_marker_style_is_in_a_legend():
    from nanoflux.plots import assumptions

    fig = assumptions.criteria_figure(["Fe", "Co", "Ni", "Fe3O4"])
    legend = fig.axes[0].get_legend()
    entries = {t.get_text(): h for t, h in zip(legend.get_texts(), legend.legend_handles)}
    large = [h for label, h in entries.items() if label.startswith("large marker")]
    # witness: the chart draws markers of two sizes per material, small along the curves, large at mu0 Ms
    drawn = {line.get_markersize() for line in fig.axes[0].lines if len(line.get_xdata()) == 1}
    assert len(large) == 1 and large[0].get_markersize() in drawn
    assert entries["Fe"].get_markersize() < large[0].get_markersize()


def test_dipole_checks_says_how_it_draws_round_off_and_what_it_leaves_out():

    from nanoflux.plots import dipoles

    d = json.loads((outputs.FIGURES_DIR / "05_discrete_dipoles.json").read_text())["results"]
    divergence, flux, fluctuation, law = stored_rows_05(d)
    fig = dipoles.checks_figure(divergence, flux, fluctuation, law)
    notes = " ".join(t.get_text() for t in fig.axes[3].texts).replace("\n", " ")
    # witness: the stored results hold charge pairs up to N = 100 and point dipoles up to 1,000
    assert "No charge-pair point at N = 1,000" in notes
    assert "drawn at $10^{-13}$" in notes and "below $10^{-12}$" in notes
    description = save.figure_description(fig)
    assert "drawn at 1e-13" in description and "No charge-pair point at N = 1,000" in description
    every = [r._replace(model="charge pairs") for r in flux if r.model == "point dipoles"] + \
        [r for r in flux if r.model == "point dipoles"]
    whole = dipoles.checks_figure(divergence, every, fluctuation, law)
    assert "No " not in " ".join(t.get_text() for t in whole.axes[3].texts)


def stored_rows_05(d: dict):
    """Notebook 05's stored results (figures/05_discrete_dipoles.json) as the typed rows its figure takes."""
    from types import SimpleNamespace

    from nanoflux.studies.discrete_dipoles import DivergenceRow, FluxRow, SpreadLaw

    return ([DivergenceRow(**r) for r in d["divergence"]], [FluxRow(**r) for r in d["flux"]],
            SimpleNamespace(**d["fluctuation"]), SpreadLaw(**d["spread_law"]))


def test_save_refuses_text_a_reader_could_not_read(tmp_path):
    # witness: Figure 2 drawn 2.5 times wider is shown narrower on the site, its legend under 6 pt
    fig = plots.figure2()
    fig.set_size_inches(fig.get_figwidth() * 2.5, fig.get_figheight())
    with pytest.raises(ValueError, match=r"text under 6 pt where the reading site shows it"):
        save.save_figure(fig, tmp_path, "wide", notebook="test", parameters={})
    assert not list(tmp_path.iterdir())
