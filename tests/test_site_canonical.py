"""The reading site publishes only stored notebooks that a canonical run wrote (issue 21): a student's run saved
over a stored notebook (other values, edited code, or no record at all) is refused, naming the notebook and the
commands that restore it. ``nanoflux reproduce`` stamps each stored notebook with the digest of its cells
(nanoflux.running.stored.stamp); the site and the PDF check it for the repository's own notebooks."""
import json
import shutil

import nbformat
import pytest

from nanoflux import site
from nanoflux.running import outputs, stored
from nanoflux.site import build
from nanoflux.site.errors import SiteError
from nanoflux.site.pages import check_canonical


@pytest.mark.parametrize("path", stored.stored_notebooks(), ids=lambda p: p.stem)
def test_every_stored_notebook_is_as_a_canonical_run_wrote_it(path):
    # witness: the digest of the cells as the file holds them now, against the one the run recorded
    nb = nbformat.read(str(path), as_version=4)
    assert stored.not_canonical(nb) is None
    check_canonical(nb, path)


def test_a_stamp_survives_writing_and_reading(tmp_path):
    # witness: the stamp read back from a file nbformat wrote, against the cells read back with it
    nb = stored.stamp(nbformat.read(str(outputs.NOTEBOOKS_DIR / "02_mean_field_table1.ipynb"), as_version=4))
    nbformat.write(nb, str(tmp_path / "x.ipynb"))
    assert stored.not_canonical(nbformat.read(str(tmp_path / "x.ipynb"), as_version=4)) is None


def _students_run(folder):
    """Notebook 01 as a student saves it from JupyterLab after running it at 0.5 T: the parameters cell and an
    output changed, the notebook's metadata (and so the old stamp) kept, as Jupyter keeps it."""
    path = folder / "01_flux_quantization.ipynb"
    nb = nbformat.read(str(path), as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace("[1.0, 0.1, 0.01]", "[0.5]")
    nbformat.write(nb, str(path))
    return path


def test_a_students_saved_run_is_refused_by_name_with_the_way_back(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    shutil.copytree(outputs.NOTEBOOKS_DIR, folder)
    _students_run(folder)
    monkeypatch.setattr(build, "NOTEBOOKS_DIR", folder)  # the site takes this folder for the repository's own
    # witness: the site builder's refusal and the output folder it did not make
    with pytest.raises(SiteError) as refused:
        site.build_site(tmp_path / "out", notebooks_dir=folder)
    message = str(refused.value)
    assert message == ("notebooks/01_flux_quantization.ipynb is not the companion's own (its cells changed after "
                       "a canonical run wrote it): restore it with `git checkout -- "
                       "notebooks/01_flux_quantization.ipynb` or `nanoflux reproduce --only 01`, then build the site "
                       "again")
    assert not (tmp_path / "out").exists()


def test_a_notebook_without_a_record_is_refused(tmp_path):
    # witness: the check's refusal of a stored notebook whose stamp was removed
    path = tmp_path / "03_figure1.ipynb"
    raw = json.loads((outputs.NOTEBOOKS_DIR / path.name).read_text())
    raw["metadata"].pop(stored.STAMP)
    path.write_text(json.dumps(raw))
    with pytest.raises(SiteError, match=r"03_figure1\.ipynb is not the companion's own \(it carries no record of a "
                                        r"canonical run\).*nanoflux reproduce --only 03"):
        check_canonical(nbformat.read(str(path), as_version=4), path)


def _saved_by_jupyter(path, change=None):
    """``path`` as Jupyter Server saves it from JupyterLab (the model JupyterLab sends, through the environment's
    save hook nanoflux.running.stored.pre_save_hook), after ``change`` to the notebook JupyterLab holds."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    manager = FileContentsManager(root_dir=str(path.parent))
    manager.register_pre_save_hook(stored.pre_save_hook)
    model = manager.get(path.name, content=True)
    model["content"]["metadata"]["kernelspec"] = {"name": "python3", "display_name": "Python 3"}  # as Lab does
    if change:
        change(model["content"])
    manager.save({"type": "notebook", "format": "json", "content": model["content"]}, path.name)
    return nbformat.read(str(path), as_version=4)


def test_a_plain_save_keeps_the_stamp_and_a_changed_cell_does_not(tmp_path, monkeypatch):
    folder = tmp_path / "notebooks"
    shutil.copytree(outputs.NOTEBOOKS_DIR, folder)
    monkeypatch.setattr(stored, "NOTEBOOKS_DIR", folder)  # the hook takes this folder for the repository's own
    plain = folder / "07_classroom_explorer.ipynb"
    # witness: the digest of the cells as Jupyter Server wrote them, against the stamp it kept
    assert stored.not_canonical(_saved_by_jupyter(plain)) is None
    assert plain.read_bytes() == (outputs.NOTEBOOKS_DIR / plain.name).read_bytes()

    def edit(content):
        content["cells"][-1]["source"] += "\n# a student's line"

    assert stored.not_canonical(_saved_by_jupyter(folder / "03_figure1.ipynb", edit)) == (
        "its cells changed after a canonical run wrote it")
