"""The stored notebooks: which files they are, what their parameters cell declares, and the form they are
stored in, whoever writes them (``nanoflux reproduce`` or Jupyter).

A stored notebook is ``notebooks/NN_name.ipynb`` (:data:`STORED_NAME`; :func:`stored_notebooks` lists them in
reading order, :func:`is_stored` tells one, :func:`select` picks them by name).

A stored notebook (``notebooks/NN_name.ipynb``) records the kernel it runs on but not the Python
version it last ran with, so that reruns on another 3.11.x give the same bytes. JupyterLab, on opening
a notebook, writes its kernel's name and Python version into the notebook's metadata and marks it
changed (by design, jupyter/notebook#2123); its autosave or a click on "Save" would then rewrite a
notebook that nobody touched. :func:`pre_save_hook`, registered by this module as a Jupyter Server
extension (enabled in the environment's configuration: ``jupyter-config/``, installed with the package
by ``make``), gives a stored notebook back its stored metadata
whenever Jupyter saves it, so opening and saving one leaves its bytes as they were. Everything else
a user changes (cells, outputs) is saved as usual.

A canonical run (``nanoflux reproduce`` at the paper's values) stamps each stored notebook it writes with the
digest of its cells (:func:`stamp`); :func:`not_canonical` tells a notebook whose cells changed since, which the
reading site refuses to publish.
"""
from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from nanoflux.running.outputs import NOTEBOOKS_DIR
from nanoflux.validate import InputError, printable

#: The kernel every stored notebook names, as ipykernel's own kernel spec gives it.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
#: A stored notebook's file name: two digits, an underscore, a name of letters, digits and underscores.
STORED_NAME = re.compile(r"^\d\d_[A-Za-z0-9_]+\.ipynb$")
#: Output types of live widgets: a stored notebook or a static page keeps only their other forms.
WIDGET_MIME = ("application/vnd.jupyter.widget-view+json", "application/vnd.jupyter.widget-state+json")


def stored_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks in ``folder``, in reading order."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if STORED_NAME.match(p.name))


def normalize_metadata(metadata: dict) -> dict:
    """A notebook's metadata as stored: no papermill record, no widget state (random model ids), no
    Python version, and the kernel spec :data:`KERNELSPEC` when the notebook runs on python3. In place;
    returns ``metadata``."""
    metadata.pop("papermill", None)
    metadata.pop("widgets", None)
    language = metadata.get("language_info")
    if isinstance(language, dict):
        language.pop("version", None)
    spec = metadata.get("kernelspec")
    if not isinstance(spec, dict) or spec.get("name") in (None, KERNELSPEC["name"]):
        metadata["kernelspec"] = dict(KERNELSPEC)
    return metadata


def is_stored(path) -> bool:
    """Whether ``path`` is one of the repository's stored notebooks (``notebooks/NN_name.ipynb``)."""
    path = Path(path)
    try:
        return STORED_NAME.match(path.name) is not None and path.resolve().parent == NOTEBOOKS_DIR.resolve()
    except OSError:
        return False


def declared_parameters(path: Path) -> dict:
    """The names and default values assigned in a notebook's ``parameters``-tagged cell.

    Reads the notebook as plain JSON (no schema validation: this runs before every run and
    the stored notebooks carry images). A cell that is not Python, or assigns a value that is not a
    literal (a number, a string, a list ...), is an InputError naming the notebook, the line and the name.
    """
    path = Path(path)
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"
                 and "parameters" in c.get("metadata", {}).get("tags", [])]
    except (OSError, UnicodeDecodeError, ValueError, AttributeError, TypeError) as exc:
        raise InputError(f"{printable(path.name)} is not a readable notebook: "
                         f"{printable(' '.join(str(exc).split()), 120)}") from None
    if len(cells) != 1:
        raise InputError(f"{printable(path.name)} must have exactly one cell tagged 'parameters'; found {len(cells)}")
    source = cells[0].get("source", "")
    source = source if isinstance(source, str) else "".join(source)
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError) as exc:
        where = f"line {exc.lineno}: " if getattr(exc, "lineno", None) else ""
        raise InputError(f"{printable(path.name)}: the parameters cell is not valid Python ({where}"
                         f"{printable(getattr(exc, 'msg', str(exc)), 80)})") from None
    except (RecursionError, MemoryError):
        raise InputError(f"{printable(path.name)}: the parameters cell is nested too deeply to read") from None
    declared = {}
    for node in body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            try:
                declared[name] = ast.literal_eval(node.value)
            except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
                text = ast.get_source_segment(source, node.value) or type(node.value).__name__
                raise InputError(f"{printable(path.name)}: the parameters cell must assign literal values (numbers, "
                                 f"strings, lists, True/False/None); line {node.lineno} gives {name} = "
                                 f"{printable(text, 60)}") from None
    return declared


def select(names=(), folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Notebooks matching any of ``names``: the full stem, its number ("01") or its title part."""
    found = stored_notebooks(folder)
    if not names:
        return found
    chosen = []
    for name in names:
        hits = [p for p in found if name in (p.stem, p.stem[:2], p.stem[3:], p.name)]
        if not hits:
            raise InputError(f"--only {printable(repr(name), 80)} matches no notebook; the notebooks are: "
                           f"{', '.join(p.stem for p in found)}")
        chosen += [p for p in hits if p not in chosen]
    return sorted(chosen)


def clean_notebook(path: Path):
    """An executed notebook as it is stored: no injected cell, no timing or papermill metadata, and no
    widget state (nbclient's ``metadata.widgets`` and widget-view outputs carry random model ids)."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    normalize_metadata(nb.metadata)  # no papermill record, widget state or Python version (nanoflux.running.stored)
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            for out in cell.outputs:
                if "execution_count" in out:
                    out["execution_count"] = count
                for mime in WIDGET_MIME:
                    out.get("data", {}).pop(mime, None)
    return nb


#: The notebook metadata key under which a canonical run records what it wrote (:func:`stamp`).
STAMP = "nanoflux"


def cells_digest(nb) -> str:
    """The SHA-256 of a notebook's cells (sources, outputs, cell metadata), as nbformat reads them."""
    import hashlib

    text = json.dumps(nb["cells"], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def stamp(nb):
    """Record in ``nb``'s metadata that a canonical run wrote these cells (the digest of :func:`cells_digest`);
    in place, returns ``nb``. ``nanoflux reproduce`` stamps every stored notebook it writes."""
    nb.metadata[STAMP] = {"canonical_run": cells_digest(nb)}
    return nb


def not_canonical(nb) -> str | None:
    """Why a stored notebook was not written by a canonical run as it stands (None when it was): no stamp, or
    cells changed since (a run in Jupyter with other values or edited code, saved over the stored copy)."""
    record = nb.get("metadata", {}).get(STAMP)
    if not isinstance(record, dict) or "canonical_run" not in record:
        return "it carries no record of a canonical run"
    if record["canonical_run"] != cells_digest(nb):
        return "its cells changed after a canonical run wrote it"
    return None


def pre_save_hook(model, path, contents_manager, **kwargs):
    """Jupyter Server's ``FileContentsManager.pre_save_hook``: a stored notebook is saved with its
    stored metadata (:func:`normalize_metadata`); any other file is left alone."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    root = getattr(contents_manager, "root_dir", None)
    if root is None or not is_stored(Path(root) / path.lstrip("/")):
        return
    normalize_metadata(model["content"].setdefault("metadata", {}))


def _jupyter_server_extension_points():
    """Jupyter Server finds the extension here (enabled by jupyter-config/.../nanoflux.json)."""
    return [{"module": "nanoflux.running.stored"}]


def _load_jupyter_server_extension(serverapp):
    """Register :func:`pre_save_hook` with the server's contents manager."""
    serverapp.contents_manager.register_pre_save_hook(pre_save_hook)
