"""Canonical means the canonical notebook (issue 22, cases 2 and 4): figures/ and the stored notebooks are written
only by a run of the stored notebook's own code with the paper's defaults, however the run was started; and no
symbolic link leads a run into them.

Every run here happens in a clone of the repository (tests/clone.py): a run that broke the rule would damage
the clone's figures/, never the repository's.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from nanoflux.running import outputs

from clone import clone_env
from helpers import RUN_GUARD_S, tree_digest

EXECUTE = r"""
import sys, nbformat
how, source, cwd, target = sys.argv[1:5]
if how == "papermill":
    import papermill
    papermill.execute_notebook(source, target, kernel_name="python3", cwd=cwd, progress_bar=False,
                               parameters={} if len(sys.argv) < 6 else {"output_dir": sys.argv[5]})
else:  # nbclient: the kernel protocol JupyterLab speaks, each cell sent as the user runs it
    from nbclient import NotebookClient
    nb = nbformat.read(source, as_version=4)
    NotebookClient(nb, kernel_name="python3", resources={"metadata": {"path": cwd}}).execute()
    nbformat.write(nb, target)
"""


def _execute(clone: Path, tmp: Path, nb, how: str, *extra) -> tuple[subprocess.CompletedProcess, str]:
    """Run notebook ``nb`` (a copy outside the repository) in the clone, as a user would; return the process
    and the text of every output."""
    source, target = tmp / "copy.ipynb", tmp / "executed.ipynb"
    nbformat.write(nb, str(source))
    proc = subprocess.run([sys.executable, "-c", EXECUTE, how, str(source), str(clone / "notebooks"), str(target),
                           *extra], cwd=tmp, env=clone_env(clone, tmp / "tmp"), capture_output=True, text=True,
                          timeout=RUN_GUARD_S)
    text = ""
    if target.exists():
        done = nbformat.read(str(target), as_version=4)
        text = "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") + o.get("evalue", "")
                       for c in done.cells if c.cell_type == "code" for o in c.get("outputs", []))
    return proc, text


def _stored(clone: Path, stem: str):
    return nbformat.read(str(clone / "notebooks" / f"{stem}.ipynb"), as_version=4)


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _runs(clone: Path, stem: str) -> list[Path]:
    return sorted(p for p in (clone / "build" / "runs" / stem).glob("*") if p.is_dir())


@pytest.fixture
def fresh(clone):
    """The clone's figures/ and stored notebooks as they are, and no earlier runs."""
    shutil.rmtree(clone / "build", ignore_errors=True)
    return tree_digest(clone / "figures"), tree_digest(clone / "notebooks")


# -- case 2: the code, not only the parameters -------------------------------------------------------------

@pytest.mark.parametrize("how", ["papermill", "nbclient"])
def test_an_edited_copy_with_default_parameters_never_touches_figures(how, clone, fresh, short_tmp):
    nb = _stored(clone, "03_figure1")
    cell = _code_cells(nb)[3]  # the figure's cell: other radii, drawn with the default parameters
    assert 'params["radii_over_critical"]' in cell.source
    cell.source = cell.source.replace('params["radii_over_critical"]', "[3.0, 1.0, 0.5]")
    proc, text = _execute(clone, short_tmp, nb, how)
    assert proc.returncode == 0, proc.stderr[-2000:]
    # witness: every file under the clone's figures/ and notebooks/, byte for byte
    assert (tree_digest(clone / "figures"), tree_digest(clone / "notebooks")) == fresh
    [folder] = _runs(clone, "03_figure1")
    assert (folder / "fig1.png").read_bytes() != (clone / "figures" / "fig1.png").read_bytes()
    assert json.loads((folder / "03_figure1.json").read_text())["parameters"]["radii_over_critical"] == [2.5, 1.0, 0.6]
    assert f"03_figure1.json to build/runs/03_figure1/{folder.name}/" in text, text


def _nb01(clone: Path, change):
    nb = _stored(clone, "01_flux_quantization")
    change(nb)
    return nb


VARIANTS = {
    "a cell inserted before start() that patches the physics": lambda nb: nb.cells.insert(
        1, nbformat.v4.new_code_cell("import nanoflux\nnanoflux.flux_quantum = lambda convention='h/2e': 1e-15")),
    "a literal assignment after start() (a parameter changed past the check)": lambda nb: nb.cells.insert(
        [i for i, c in enumerate(nb.cells) if "notebook.start" in c.source][0] + 1,
        nbformat.v4.new_code_cell('flux_quantum_convention = "h/e"')),
    "a cell run twice": lambda nb: nb.cells.insert(
        [i for i, c in enumerate(nb.cells) if "phi0 =" in c.source][0], nbformat.v4.new_code_cell(
            next(c.source for c in nb.cells if "phi0 =" in c.source))),
    "a kernel that stops recording its cells": lambda nb: nb.cells.insert(
        0, nbformat.v4.new_code_cell("%unload_ext nanoflux.running.cells")),
    "a comment added to a code cell": lambda nb: _code_cells(nb)[1].__setitem__(
        "source", _code_cells(nb)[1].source.replace("import nanoflux as nf", "import nanoflux as nf  # edited")),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_code_other_than_the_stored_notebooks_never_writes_figures(variant, clone, fresh, short_tmp):
    proc, text = _execute(clone, short_tmp, _nb01(clone, VARIANTS[variant]), "nbclient")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tree_digest(clone / "figures"), tree_digest(clone / "notebooks")) == fresh
    assert [p.name for p in _runs(clone, "01_flux_quantization")] != []  # witness: the run wrote elsewhere
    assert "wrote 01_flux_quantization.json to build/runs/01_flux_quantization/" in text, text
    if "stops recording" in variant:
        assert "keeps no record of the code it runs" in text


def test_the_stored_notebook_run_from_a_copy_is_the_canonical_run(clone, fresh, short_tmp):
    stale = clone / "figures" / "01_flux_quantization.json"
    canonical = stale.read_bytes()
    stale.write_text("{}\n")  # witness: the canonical run rewrites it
    proc, text = _execute(clone, short_tmp, _stored(clone, "01_flux_quantization"), "nbclient")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "the results go to figures/, the canonical set" in text and "to figures/" in text
    assert stale.read_bytes() == canonical and _runs(clone, "01_flux_quantization") == []


def test_the_runner_on_an_edited_folder_writes_a_folder_of_its_own(clone, fresh, short_tmp):
    # witness: the clone's figures/ and notebooks/ digested before and after, and the run's own line naming
    # build/runs/
    folder = short_tmp / "notebooks"
    folder.mkdir()
    nb = _stored(clone, "01_flux_quantization")
    _code_cells(nb)[2].source += "\nphi0 = phi0 * 1.0  # edited"
    nbformat.write(nb, str(folder / "01_flux_quantization.ipynb"))
    code = f"from nanoflux.running import runner; raise SystemExit(runner.run(folder={str(folder)!r}))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=clone, env=clone_env(clone, short_tmp / "tmp"),
                          capture_output=True, text=True, timeout=RUN_GUARD_S)
    assert proc.returncode == 0, proc.stderr
    assert (tree_digest(clone / "figures"), tree_digest(clone / "notebooks")) == fresh
    assert "results in build/runs/01_flux_quantization/" in proc.stdout
    assert not (clone / "build" / "notebooks").exists()


def test_every_kernel_of_this_environment_records_its_cells(short_tmp):
    """The installed configuration (jupyter-config/etc/ipython, by make), not the test session's profile."""
    # witness: a kernel started with a fresh IPYTHONDIR (no session profile): what nanoflux.running.cells recorded,
    # printed by the kernel
    code = ("import os, tempfile\nos.environ['IPYTHONDIR'] = tempfile.mkdtemp()\n"
            "from jupyter_client.manager import start_new_kernel\n"
            "km, kc = start_new_kernel(kernel_name='python3')\n"
            "out = []\nkc.execute_interactive('x = 1')\n"
            "kc.execute_interactive('from nanoflux.running import cells; print(cells.recorded())', "
            "output_hook=lambda m: out.append(m['content'].get('text', '')))\n"
            "km.shutdown_kernel(now=True)\nprint(''.join(out))")
    env = {k: v for k, v in os.environ.items() if k != "IPYTHONDIR"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=short_tmp, env=env, capture_output=True, text=True,
                          timeout=RUN_GUARD_S)
    assert "['x = 1', 'from nanoflux.running import cells" in proc.stdout, (
        f"kernels of {sys.prefix} do not load nanoflux.running.cells: run `make .venv/.test-installed`\n"
        f"{proc.stdout}{proc.stderr[-1000:]}")


# -- case 4: symbolic links -------------------------------------------------------------------------------

def _reproduce(clone: Path, tmp: Path, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nanoflux", "reproduce", *args], cwd=clone,
                          env=clone_env(clone, tmp / "tmp"), capture_output=True, text=True, timeout=RUN_GUARD_S)


LINKS = {
    "notebooks -> the stored notebooks (the issue's)": ("notebooks", "notebooks"),
    "notebooks -> figures/": ("notebooks", "figures"),
    "notebooks -> the clone itself": ("notebooks", "."),
    "notebooks -> a stored notebook's folder, by a relative path": ("notebooks", "rel:notebooks"),
    "the folder itself -> figures/": (None, "figures"),
}


@pytest.mark.parametrize("case", LINKS)
def test_out_through_a_symbolic_link_is_refused_before_any_kernel(case, clone, fresh, short_tmp):
    # witness: exit status 2, one line, no 'running' line; the clone's figures/ and notebooks/ digested before and
    # after
    name, into = LINKS[case]
    out = short_tmp / "out"
    if name is None:
        out.symlink_to(clone / into)
    else:
        out.mkdir()
        (out / outputs.RUN_MARK).touch()
        target = os.path.relpath(clone / into[4:], out) if into.startswith("rel:") else clone / into
        (out / name).symlink_to(target)
    proc = _reproduce(clone, short_tmp, "--only", "01", "--set", "B_tesla=[0.5]", "--out", str(out))
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "must not be the repository" in lines[0], lines
    assert "running" not in proc.stdout
    assert (tree_digest(clone / "figures"), tree_digest(clone / "notebooks")) == fresh


def test_a_file_linked_into_figures_is_never_written_through(clone, fresh, short_tmp):
    # witness: the clone's figures/ and notebooks/ digested before and after both runs; their refusals' words
    out = short_tmp / "out"
    out.mkdir()
    (out / outputs.RUN_MARK).touch()
    (out / "01_flux_quantization.json").symlink_to(clone / "figures" / "01_flux_quantization.json")
    nb = _stored(clone, "01_flux_quantization")
    proc, text = _execute(clone, short_tmp, nb, "papermill", str(out))  # the kernel writes itself, unstaged
    assert proc.returncode != 0 and "leads to" in proc.stderr and "a run must not write there" in proc.stderr
    assert (tree_digest(clone / "figures"), tree_digest(clone / "notebooks")) == fresh
    run = _reproduce(clone, short_tmp, "--only", "01", "--set", "B_tesla=[0.5]", "--out", str(out))
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert "a run must not write there" in run.stderr and "nothing was written" in run.stderr
    assert (tree_digest(clone / "figures"), tree_digest(clone / "notebooks")) == fresh


SWAP = r"""
import os, shutil, sys
from pathlib import Path
from nanoflux.running import outputs, runner

out = Path(sys.argv[1])
staged = runner._stage

def stage_then_swap(publication, job_list, scratch, folder):
    staged(publication, job_list, scratch, folder)
    os.rename(out / "notebooks", out / "moved")  # after every check before the kernels ran
    (out / "notebooks").symlink_to(outputs.NOTEBOOKS_DIR)

runner._stage = stage_then_swap
try:
    runner.run(only=["09"], out=out, echo=lambda line: None)
except runner.RunError as exc:
    print(exc)
"""


def test_a_link_swapped_in_while_the_notebooks_run_is_refused_at_publishing(clone, fresh, short_tmp):
    # witness: the run's own message, the clone's folders digested before and after, and no file at the link's target
    out = short_tmp / "out"
    proc = subprocess.run([sys.executable, "-c", SWAP, str(out)], cwd=clone, env=clone_env(clone, short_tmp / "tmp"),
                          capture_output=True, text=True, timeout=RUN_GUARD_S)
    assert "leads to" in proc.stdout and "nothing was written" in proc.stdout, proc.stdout + proc.stderr
    assert (tree_digest(clone / "figures"), tree_digest(clone / "notebooks")) == fresh
    assert not (out / "09_teacher_notes.json").exists()
