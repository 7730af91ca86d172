"""The one output rule (nanoflux.outputs): figures/ only for the paper's defaults, a folder of its own for
any other values, whichever way a notebook runs, and clean refusals of folders that must not be written."""
import json
import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from nanoflux.cli import main
from nanoflux.running import cells, notebook, outputs, parameters, runner, stored

from helpers import tree_digest


@pytest.fixture
def unstaged(monkeypatch):
    """Kernels started by this test write to their real destination, as in a user's session."""
    monkeypatch.delenv(outputs.STAGE_ENV, raising=False)


# -- the rule -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", stored.stored_notebooks(), ids=lambda p: p.stem)
def test_each_notebook_declares_exactly_the_module_defaults(path):
    # witness: each stored notebook's parameters cell, read from the file, against parameters.DEFAULTS
    declared = stored.declared_parameters(path)
    assert declared.pop("output_dir") is None
    assert declared == parameters.DEFAULTS[path.stem]


def test_defaults_go_to_figures_and_other_values_to_a_folder_of_their_own():
    stem = "01_flux_quantization"
    # witness: integers that equal the defaults are the defaults
    assert outputs.destination(stem, parameters.validate(stem, {"B_tesla": [1, 0.1, 0.01],
                                                                "flux_quantum_convention": "h/2e"})) \
        == outputs.FIGURES_DIR
    half = parameters.validate(stem, {"B_tesla": [0.5], "flux_quantum_convention": "h/2e"})
    folder = outputs.destination(stem, half)
    assert folder.parent == outputs.RUNS_DIR / stem and len(folder.name) == outputs.HASH_LENGTH
    assert outputs.destination(stem, parameters.validate(stem, {"B_tesla": (0.5,),
                                                                "flux_quantum_convention": "h/2e"})) \
        == folder  # the same values, spelled otherwise
    other = parameters.validate(stem, {"B_tesla": [0.5], "flux_quantum_convention": "h/e"})
    assert outputs.destination(stem, other) != folder


def test_a_chosen_folder_is_used_and_marked(tmp_path, unstaged):
    # witness: the folder named here, its run mark on disk and the message naming it
    run = notebook.start("02_mean_field_table1", output_dir=str(tmp_path / "mine"),
                         N_values=[1, 10, 100, 1000, 10000], n_per_m3=1e23)
    assert not run.canonical and run.destination == tmp_path / "mine"
    assert run.write_results([]) == f"wrote 02_mean_field_table1.json to {tmp_path / 'mine'}/"
    assert (tmp_path / "mine" / outputs.RUN_MARK).exists()
    assert "a folder chosen with output_dir" in run.where()


def test_a_staged_run_writes_to_the_stage_and_names_the_destination(tmp_path, monkeypatch):
    # witness: the stage folder's JSON read back, and figures/ digested before and after
    monkeypatch.setenv(outputs.STAGE_ENV, str(tmp_path))
    before = tree_digest(outputs.FIGURES_DIR)
    run = notebook.start("02_mean_field_table1", N_values=[1, 10, 100, 1000, 10000], n_per_m3=1e23)
    # witness: pytest is no kernel and keeps no record of the code it ran: not the canonical run
    expected = outputs.destination("02_mean_field_table1", run.parameters, code=None)
    assert expected.parent == outputs.RUNS_DIR / "02_mean_field_table1"
    assert run.write_results(["x"]) == f"wrote 02_mean_field_table1.json to {outputs.shown(expected)}"
    assert json.loads((tmp_path / "02_mean_field_table1.json").read_text())["results"] == ["x"]
    assert tree_digest(outputs.FIGURES_DIR) == before and not expected.exists()
    # the stored notebook's code, as a kernel would have recorded it: the canonical run, still staged
    monkeypatch.setattr(cells, "_RECORD", outputs.stored_code("02_mean_field_table1")[:2])
    assert run.write_results(["y"]) == "wrote 02_mean_field_table1.json to figures/"
    assert tree_digest(outputs.FIGURES_DIR) == before


def _execute(nb, cwd):
    from nbclient import NotebookClient

    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


@pytest.mark.notebooks  # starts a kernel
def test_a_notebook_edited_as_in_jupyterlab_never_touches_figures(unstaged):
    # The user changes B_tesla in the parameters cell and runs every cell, as in JupyterLab.
    # witness: the folder outputs.destination names for the edited values, the notebook's own printed lines, figures/
    # digested before and after
    nb = nbformat.read(str(outputs.NOTEBOOKS_DIR / "01_flux_quantization.ipynb"), as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    fields = [0.5, 0.25 + os.getpid() * 1e-9]  # a folder of this process's own (the suite runs in parallel)
    cell.source = cell.source.replace("B_tesla = [1.0, 0.1, 0.01]", f"B_tesla = {fields!r}")
    expected = outputs.destination("01_flux_quantization", {"B_tesla": fields, "flux_quantum_convention": "h/2e"})
    shutil.rmtree(expected, ignore_errors=True)
    before = tree_digest(outputs.FIGURES_DIR)
    try:
        nb = _execute(nb, outputs.NOTEBOOKS_DIR)
        text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "")
                       for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        assert f"The results go to {outputs.shown(expected)}, not to figures/" in text
        assert f"wrote 01_flux_quantization.json to {outputs.shown(expected)}" in text
        doc = json.loads((expected / "01_flux_quantization.json").read_text())
        assert doc["parameters"]["B_tesla"] == fields
        assert tree_digest(outputs.FIGURES_DIR) == before
    finally:
        shutil.rmtree(expected, ignore_errors=True)


@pytest.mark.notebooks  # starts a kernel
def test_plain_papermill_with_other_values_never_touches_figures(tmp_path, unstaged):
    # witness: the folder outputs.destination names, its JSON's parameters, figures/ digested before and after
    papermill = pytest.importorskip("papermill")
    values = {"N_values": [7, os.getpid()], "n_per_m3": 3e23}  # a folder of this process's own
    expected = outputs.destination("02_mean_field_table1", values)
    shutil.rmtree(expected, ignore_errors=True)
    before = tree_digest(outputs.FIGURES_DIR)
    try:
        papermill.execute_notebook(str(outputs.NOTEBOOKS_DIR / "02_mean_field_table1.ipynb"),
                                   str(tmp_path / "out.ipynb"), parameters=values, kernel_name="python3",
                                   cwd=str(outputs.NOTEBOOKS_DIR), progress_bar=False)
        assert json.loads((expected / "02_mean_field_table1.json").read_text())["parameters"] == values
        assert tree_digest(outputs.FIGURES_DIR) == before
    finally:
        shutil.rmtree(expected, ignore_errors=True)


@pytest.mark.notebooks  # starts a kernel
def test_a_notebook_refuses_figures_as_its_output_dir(tmp_path, unstaged):
    # witness: papermill's record of the cell's exception (InputError and its message), figures/ digested before and
    # after
    papermill = pytest.importorskip("papermill")
    before = tree_digest(outputs.FIGURES_DIR)
    with pytest.raises(papermill.PapermillExecutionError) as info:
        papermill.execute_notebook(str(outputs.NOTEBOOKS_DIR / "01_flux_quantization.ipynb"),
                                   str(tmp_path / "out.ipynb"), kernel_name="python3",
                                   parameters={"B_tesla": [0.5], "output_dir": "../figures"},
                                   cwd=str(outputs.NOTEBOOKS_DIR), progress_bar=False)
    assert info.value.ename == "InputError" and "output_dir must not be the repository" in info.value.evalue
    assert tree_digest(outputs.FIGURES_DIR) == before


# -- folders refused before any kernel ------------------------------------------------------------------

def _refusals(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    foreign = tmp_path / "work"
    foreign.mkdir()
    (foreign / "analysis.ipynb").write_text("{}")
    clone = tmp_path / "clone"
    (clone / "notebooks").mkdir(parents=True)
    (clone / "notebooks" / "01_flux_quantization.ipynb").write_text("{}")
    return {
        "empty": ("", "must name a folder"),
        "blank": ("  ", "must name a folder"),
        "root": (str(outputs.ROOT), "must not be the repository"),
        "dot": (".", "must not be the repository"),
        "notebooks": (str(outputs.NOTEBOOKS_DIR), "must not be the repository"),
        "figures": (str(outputs.FIGURES_DIR), "must not be the repository"),
        "inside figures": (str(outputs.FIGURES_DIR / "sub" / "dir"), "must not be the repository"),
        "inside notebooks via ..": (str(outputs.BUILD_DIR / ".." / "notebooks" / "x"), "must not be the repository"),
        "package": (str(outputs.ROOT / "nanoflux"), "must not be the repository"),
        "git": (str(outputs.ROOT / ".git" / "x"), "must not be the repository"),
        "tests/x (the issue's)": ("tests/x", "must not be the repository"),
        "requirements (the issue's)": ("requirements/", "must not be the repository"),
        "jupyter-config (the issue's)": ("jupyter-config", "must not be the repository"),
        ".venv (the issue's)": (".venv/", "must not be the repository"),
        "benchmarks": ("benchmarks/new", "must not be the repository"),
        "build/notebooks": ("build/notebooks", "must not be the repository"),
        "build (its notebooks/ are build/notebooks)": ("build", "must not be the repository"),
        "a hidden folder at the top": (".pytest_cache/x", "must not be the repository"),
        "a link to tests/": (str(_link(tmp_path, "to-tests", outputs.ROOT / "tests")), "must not be the repository"),
        "a file": (str(a_file), "is a file, not a folder"),
        "under a file": (str(a_file / "sub"), "which is a file, not a folder"),
        "foreign notebooks": (str(foreign), "holds notebooks that no nanoflux run wrote"),
        "stored notebooks elsewhere": (str(clone), "holds notebooks that no nanoflux run wrote"),
    }


REFUSALS = ["empty", "blank", "root", "dot", "notebooks", "figures", "inside figures", "inside notebooks via ..",
            "package", "git", "a file", "under a file", "foreign notebooks", "stored notebooks elsewhere",
            "tests/x (the issue's)", "requirements (the issue's)", "jupyter-config (the issue's)",
            ".venv (the issue's)", "benchmarks", "build/notebooks", "build (its notebooks/ are build/notebooks)",
            "a hidden folder at the top", "a link to tests/"]


def _link(tmp_path, name, target):
    link = tmp_path / name
    link.symlink_to(target)
    return link


@pytest.mark.parametrize("case", REFUSALS)
def test_out_is_refused_in_one_line_before_any_kernel(case, tmp_path, capsys, monkeypatch):
    # witness: exit status 2, one stderr line with the words per case, no 'running' line, figures/ and notebooks/
    # digested before and after
    monkeypatch.chdir(outputs.ROOT)
    value, words = _refusals(tmp_path)[case]
    before = tree_digest(outputs.FIGURES_DIR), tree_digest(outputs.NOTEBOOKS_DIR), tree_digest(outputs.ROOT / "tests")
    assert main(["reproduce", "--only", "01", "--set", "B_tesla=[0.5]", "--out", value]) == 2
    captured = capsys.readouterr()
    assert words in captured.err and len(captured.err.strip().splitlines()) == 1
    assert "running" not in captured.out
    assert (tree_digest(outputs.FIGURES_DIR), tree_digest(outputs.NOTEBOOKS_DIR),
            tree_digest(outputs.ROOT / "tests")) == before


@pytest.mark.parametrize("value,words", [("a-file/out\x1b[2J\x07\rowned", "which is a file"),
                                         ("a-file/out\nsecond line\u202e", "which is a file"),
                                         ("o" * 120_000, "file name too long")])
def test_out_is_echoed_escaped_and_cut(value, words, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("x")
    assert main(["reproduce", "--only", "01", "--set", "B_tesla=[0.5]", "--out", value]) == 2
    err = capsys.readouterr().err
    assert words in err.lower() and len(err.strip().splitlines()) == 1, err[:300]
    # witness: the one error line, with no raw control character and not 120 KB long
    assert err.rstrip("\n").isprintable() and len(err) < 1000, err[:300]


def test_out_that_the_locale_cannot_encode_is_refused(tmp_path):
    # witness: a real interpreter under the C locale: exit status 2, one line, and the temporary folder left empty
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"}
    env.pop(outputs.STAGE_ENV, None)
    proc = subprocess.run([sys.executable, "-m", "nanoflux", "reproduce", "--only", "01",
                           "--out", str(tmp_path / "r\u00e9sultats")], env=env, capture_output=True, text=True,
                          encoding="utf-8", errors="backslashreplace", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "cannot be encoded" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr
    assert not any(tmp_path.iterdir())


@pytest.mark.notebooks  # starts a kernel
def test_an_earlier_run_folder_can_be_reused(tmp_path):
    # witness: two runs into one folder both succeed; the run mark and the executed notebook on disk
    out = tmp_path / "again"
    for _ in range(2):
        assert runner.run(only=["02"], assignments=["N_values=[2]"], out=out, echo=lambda line: None) == 0
    assert (out / outputs.RUN_MARK).exists() and (out / "notebooks" / "02_mean_field_table1.ipynb").exists()
