"""The metadata a stored notebook keeps, whoever writes it: ``nanoflux reproduce`` or Jupyter.

A stored notebook (``notebooks/NN_name.ipynb``) records the kernel it runs on but not the Python
version it last ran with, so that reruns on another 3.11.x give the same bytes. JupyterLab, on opening
a notebook, writes its kernel's name and Python version into the notebook's metadata and marks it
changed (by design, jupyter/notebook#2123); its autosave or a click on "Save" would then rewrite a
notebook that nobody touched. :func:`pre_save_hook`, registered by this module as a Jupyter Server
extension (enabled in the environment's configuration: ``jupyter-config/``, installed with the package
by ``make``), gives a stored notebook back its stored metadata
whenever Jupyter saves it, so opening and saving one leaves its bytes as they were. Everything else
a user changes (cells, outputs) is saved as usual.
"""
from __future__ import annotations

import re
from pathlib import Path

from .outputs import NOTEBOOKS_DIR

#: The kernel every stored notebook names, as ipykernel's own kernel spec gives it.
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
_STORED = re.compile(r"^\d\d_[A-Za-z0-9_]+\.ipynb$")


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
        return _STORED.match(path.name) is not None and path.resolve().parent == NOTEBOOKS_DIR.resolve()
    except OSError:
        return False


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
    return [{"module": "nanoflux.stored"}]


def _load_jupyter_server_extension(serverapp):
    """Register :func:`pre_save_hook` with the server's contents manager."""
    serverapp.contents_manager.register_pre_save_hook(pre_save_hook)
