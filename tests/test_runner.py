"""nanoflux reproduce: selection, typing of --set values, refusals before any kernel, and failures."""
import re
import shutil

import pytest

from nanoflux.cli import main
from nanoflux.running import outputs, parameters, runner, stored
from nanoflux.running.plan import plan
from nanoflux.running.stored import select
from nanoflux.running.values import coerce, parse_assignment
from nanoflux.validate import InputError

from helpers import tree_digest


def test_notebooks_are_numbered_and_each_has_a_validator():
    # witness: the files in notebooks/ and the validators' registry, compared name by name
    stems = [p.stem for p in stored.stored_notebooks()]
    assert stems[:4] == ["01_flux_quantization", "02_mean_field_table1", "03_figure1", "04_figure2"]
    for stem in stems:
        assert stem in parameters.VALIDATORS


def test_declared_parameters_read_from_the_parameters_cell():
    # witness: notebook 01's parameters cell, as written in the stored file
    declared = stored.declared_parameters(outputs.NOTEBOOKS_DIR / "01_flux_quantization.ipynb")
    assert declared == {"B_tesla": [1.0, 0.1, 0.01], "flux_quantum_convention": "h/2e", "output_dir": None}


@pytest.mark.parametrize("name, stem", [("01", "01_flux_quantization"), ("figure2", "04_figure2"),
                                        ("03_figure1", "03_figure1")])
def test_select_by_number_title_or_stem(name, stem):
    # witness: the stem each spelling should select, written out per case
    assert [p.stem for p in select([name])] == [stem]


def test_select_unknown_lists_the_notebooks():
    # witness: the refusal's message listing the notebooks, from the first one's name
    with pytest.raises(InputError, match="matches no notebook; the notebooks are: 01_flux_quantization"):
        select(["99"])


@pytest.mark.parametrize("raw, default, expected", [
    ("0.5", 1.0, 0.5), ("2", 1.0, 2.0), ("[0.5, 2]", [1.0], [0.5, 2]), ("3", [1.0], [3]),
    ("h/e", "h/2e", "h/e"), ("'h/e'", "h/2e", "h/e"), ("7", 3, 7), ("True", False, True),
])
def test_coerce_by_declared_type(raw, default, expected):
    # witness: the value and its Python type written out per case
    value = coerce("x", raw, default)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize("raw, default", [("abc", 1.0), ("[1, 2]", 1.0), ("1.5", 3), ("True", 1.0),
                                          ("{'a': 1}", [1.0]), ("1", False)])
def test_coerce_refuses_the_wrong_type(raw, default):
    # witness: InputError for a value of another type than the declared default
    with pytest.raises(InputError, match="must be"):
        coerce("x", raw, default)


def test_parse_assignment():
    # witness: the name and text split by hand; a missing '=' refused with the expected form
    assert parse_assignment("B_tesla = [1, 2]") == ("B_tesla", "[1, 2]")
    with pytest.raises(InputError, match="NAME=VALUE"):
        parse_assignment("B_tesla")


def test_plan_types_a_shared_parameter_for_every_notebook_that_declares_it():
    # witness: the notebooks that declare flux_quantum_convention (01, 03, 04) and one that does not (02)
    jobs = plan(assignments=["flux_quantum_convention=h/e"])
    changed = {j.stem for j in jobs if j.parameters}
    assert {"01_flux_quantization", "03_figure1", "04_figure2"} <= changed
    assert "02_mean_field_table1" not in changed
    assert all(not j.canonical for j in jobs if j.parameters)


def test_plan_with_defaults_is_canonical():
    # witness: notebook 01's defaults, written out: a plan with them is canonical
    jobs = plan(assignments=["B_tesla=[1.0, 0.1, 0.01]"], only=["01"])
    assert jobs[0].canonical


def test_unknown_parameter_lists_those_that_exist():
    # witness: the message listing notebook 01's parameters by name
    with pytest.raises(InputError, match=r"no selected notebook has a parameter 'B'; the parameters are: "
                                       r"01_flux_quantization: B_tesla, flux_quantum_convention"):
        plan(only=["01"], assignments=["B=1"])


def test_a_type_declared_differently_by_two_notebooks_is_refused():
    # 01 declares B_tesla as a list, 03 as one number
    # witness: the two stored declarations (01: a list, 03: one number); the refusal names 03's
    with pytest.raises(InputError, match=r"03_figure1: B_tesla must be a number \(declared B_tesla = 1.0\)"):
        plan(assignments=["B_tesla=[0.5, 2]"])
    assert plan(only=["01"], assignments=["B_tesla=[0.5, 2]"])[0].parameters == {"B_tesla": [0.5, 2]}


@pytest.mark.parametrize("assignment, words", [
    ("B_tesla=-1", "B_tesla must be positive and finite"),
    ("N_values=[0.5]", "N_values must be a list of whole numbers such as [1, 10, 100, 1000, 10000]"),
    ("radii_over_critical=[1, 50]", "radii_over_critical must be at most 10"),
    ("B_range_tesla=[1, 0.1]", "B_range_tesla must be [low, high]"),
    ("flux_quantum_convention=h/3e", "flux_quantum_convention must be one of 'h/2e', 'h/e'"),
    ("n_per_m3=zero", "n_per_m3 must be a number"),
])
def test_out_of_range_values_are_refused_by_the_validators(assignment, words):
    # witness: the validator's message, written out per case
    with pytest.raises(InputError, match=re.escape(words)):
        plan(assignments=[assignment])


def test_cli_refusals_start_no_kernel_and_write_nothing(capsys, tmp_path):
    # witness: exit status 2 and one line; the --out folder never made; figures/ digested before and after
    before = tree_digest(outputs.FIGURES_DIR)
    assert main(["reproduce", "--set", "nope=1", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "the parameters are:" in err and len(err.strip().splitlines()) == 1
    assert main(["reproduce", "--set", "output_dir=/tmp/x"]) == 2
    assert main(["reproduce", "--set", "n_per_m3=1e24", "--out", str(outputs.FIGURES_DIR)]) == 2
    assert "--out must not be the repository, notebooks/, figures/" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
    assert tree_digest(outputs.FIGURES_DIR) == before


@pytest.mark.notebooks  # starts a kernel
def test_a_failing_notebook_is_reported_and_nothing_moves(tmp_path, capsys):
    # witness: a copy of notebook 01 whose last cell raises; figures/ and the stored copy must not change
    import nbformat

    folder = tmp_path / "notebooks"
    folder.mkdir()
    shutil.copy(outputs.NOTEBOOKS_DIR / "02_mean_field_table1.ipynb", folder)
    nb = nbformat.read(str(outputs.NOTEBOOKS_DIR / "01_flux_quantization.ipynb"), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('deliberate failure')"))
    nbformat.write(nb, str(folder / "01_flux_quantization.ipynb"))
    stored = (folder / "01_flux_quantization.ipynb").read_bytes()
    before = tree_digest(outputs.FIGURES_DIR)
    lines = []
    code = runner.run(folder=folder, jobs=2, echo=lines.append)
    assert code == 1
    report = "\n".join(lines)
    assert "01_flux_quantization: cell" in report and "RuntimeError: deliberate failure" in report
    assert "02_mean_field_table1: ok" in report
    assert tree_digest(outputs.FIGURES_DIR) == before
    assert (folder / "01_flux_quantization.ipynb").read_bytes() == stored


@pytest.mark.notebooks  # starts a kernel
def test_a_reused_kernel_starts_each_notebook_fresh(tmp_path):
    # Two notebooks share one kernel (--jobs 1); each checks that nothing of the other is left, then
    # leaves a variable, a matplotlib setting and a shown-once warning behind.
    # witness: a cell appended to both notebooks checks, in the kernel, what the other left; the executed copies'
    # execution counts
    import nbformat

    folder = tmp_path / "notebooks"
    folder.mkdir()
    check = ("import warnings, matplotlib\n"
             "assert 'leftover' not in globals() and matplotlib.rcParams['lines.linewidth'] == 1.5\n"
             "with warnings.catch_warnings(record=True) as seen:\n"
             "    warnings.simplefilter('default')\n"
             "    warnings.warn('once per kernel')\n"
             "assert len(seen) == 1\n"
             "leftover = 1\n"
             "matplotlib.rcParams['lines.linewidth'] = 9")
    for stem in ("01_flux_quantization", "02_mean_field_table1"):
        nb = nbformat.read(str(outputs.NOTEBOOKS_DIR / f"{stem}.ipynb"), as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(check))
        nbformat.write(nb, str(folder / f"{stem}.ipynb"))
    lines = []
    assert runner.run(folder=folder, jobs=1, out=tmp_path / "out", echo=lines.append) == 0, lines
    for stem in ("01_flux_quantization", "02_mean_field_table1"):
        executed = nbformat.read(str(tmp_path / "out" / "notebooks" / f"{stem}.ipynb"), as_version=4)
        code = [c for c in executed.cells if c.cell_type == "code"]
        assert code[0].execution_count == 1 and "parameters" in code[0].metadata.tags  # no prelude left
        assert [c.execution_count for c in code] == list(range(1, len(code) + 1))


@pytest.mark.parametrize("raw, default, words", [
    ("nan", 1.0, "(NaN and infinity are not allowed)"),
    ("[nan]", [1.0], "(NaN and infinity are not allowed)"),
    ("[1e999]", [1.0], "(NaN and infinity are not allowed)"),
    ("-inf", 1.0, "(NaN and infinity are not allowed)"),
    ("[[1, 2]]", [1.0], "must be a list of numbers such as [1.0]"),
    ("[['Fe']]", ["Fe"], "must be a list of words such as ['Fe']"),
    ("[1, 'a']", [1.0], "must be a list of numbers"),
    ("[True]", [1.0], "must be a list of numbers"),
    ("[1e400]", [1], "must be a list of whole numbers"),
    ("1" + "0" * 400, 1.0, "must be a number"),
    ("-" * 5000 + "1", 1.0, "nested too deeply to read"),
    ("[" * 100000, [1.0], "characters long; at most 10000"),
])
def test_coerce_refuses_nan_nesting_and_unreadable_values_naming_the_parameter(raw, default, words):
    # witness: the message starts with the parameter's name, holds the words given per case, and stays short
    with pytest.raises(InputError) as info:
        coerce("x", raw, default)
    assert str(info.value).startswith("x") and words in str(info.value) and len(str(info.value)) < 300


def test_coerce_takes_big_integers_and_whole_floats():
    # witness: the float and int values written out per input
    assert coerce("n", str(10**30), 1.0) == 1e30
    assert coerce("N", "[2.0, 1e4]", [1]) == [2, 10000] and coerce("seed", "1e3", 7) == 1000


def test_a_bad_set_value_is_one_line_from_the_command_line(capsys):
    # witness: exit status 2 and one stderr line naming B_tesla, for a 5,000-character value
    assert main(["reproduce", "--only", "01", "--set", "B_tesla=" + "-" * 5000 + "1"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "B_tesla" in err


@pytest.mark.parametrize("raw, default, words", [
    ("float('nan')", 1.0, "x must be a number (declared x = 1.0); got \"float('nan')\" (NaN and infinity"),
    ("NaN", [1.0], "x must be a list of numbers such as [1.0]; got 'NaN' (NaN and infinity"),
    ("-nan", 1.0, "(NaN and infinity are not allowed)"),
    ("inf", [1.0], "(NaN and infinity are not allowed)"),
    ("1e999", 7, "x must be a whole number (declared x = 7); got '1e999' (NaN and infinity"),
    ("[1, [2]]", [1.0], "x must be a list of numbers such as [1.0]; got '[1, [2]]'"),
    ("[[1, 2]]", [1], "x must be a list of whole numbers such as [1]"),
    ("['Fe', 1]", ["Fe"], "x must be a list of words such as ['Fe']"),
    ("-(" * 100_000 + "1" + ")" * 100_000, 1.0, "x: the value is 300001 characters long; at most 10000"),
    ("-(" * 3000 + "1" + ")" * 3000, 1.0, "x must be a number (declared x = 1.0); got '-(-(-("),
    ("(" * 5000 + "1" + ")" * 5000, [1.0], "x: the value is 10001 characters long"),
    ("[" * 4000 + "]" * 4000, [1.0], "x must be a list of numbers such as [1.0]; got '[[[["),
])
def test_coerce_refusals_are_one_short_line_naming_the_parameter(raw, default, words):
    # witness: ast.literal_eval raises RecursionError or SyntaxError on deep nesting; none escapes
    with pytest.raises(InputError) as info:
        coerce("x", raw, default)
    text = str(info.value)
    assert words in text and "\n" not in text and len(text) < 300


@pytest.mark.parametrize("text", ["[" * 100_000, "B_tesla" * 20 + "=1", "B tesla=1", "=1"])
def test_parse_assignment_refusals_are_short(text):
    # witness: the refusal quoted the whole argument, a 100 000-character line
    with pytest.raises(InputError, match=r"^--set takes NAME=VALUE, NAME a parameter's name; got ") as info:
        parse_assignment(text)
    assert len(str(info.value)) < 150
