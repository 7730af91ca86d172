"""Where results go: the one output rule, for every way a notebook runs.

JupyterLab, plain papermill or nbclient, ``nanoflux reproduce``, Voila and nbval all ask
:func:`destination`:

- every parameter at the paper's default (``nanoflux.running.parameters.DEFAULTS``): ``figures/``,
  the canonical results;
- any other values: ``build/runs/<notebook>/<hash>/``, a folder of their own that depends
  only on the notebook and its parameter values (:func:`parameter_hash`);
- a folder named by the user (``output_dir`` in a notebook, ``--out`` on the command line):
  that folder, once :func:`check_folder` accepts it. It refuses the repository's own folders
  (the root, ``notebooks/``, ``figures/``, ``nanoflux/``, ``.git``, anything inside them) and any
  folder holding notebooks that a run did not write.

A runner that stages its files first sets :data:`STAGE_ENV` for its kernel: the notebook then
writes into that folder and still reports the destination, which the runner fills afterwards.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

from nanoflux.validate import InputError, InputTypeError

#: Repository folders, resolved once from the package's own location.
ROOT = Path(__file__).resolve().parents[2]
FIGURES_DIR = ROOT / "figures"
NOTEBOOKS_DIR = ROOT / "notebooks"
BUILD_DIR = ROOT / "build"
RUNS_DIR = BUILD_DIR / "runs"
#: Folders no user-named output folder may be, or lie in.
PROTECTED = (FIGURES_DIR, NOTEBOOKS_DIR, ROOT / "nanoflux", ROOT / ".git")
#: Set by a runner: the folder a kernel writes into while its run is staged.
STAGE_ENV = "NANOFLUX_STAGE_DIR"
#: The file that marks a folder as one nanoflux wrote a run into (so a later run may reuse it).
RUN_MARK = ".nanoflux-run"
HASH_LENGTH = 12


def parameter_hash(parameters: dict) -> str:
    """A short hex digest of validated parameter values: the same values, the same digest."""
    text = json.dumps(parameters, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def is_canonical(stem: str, parameters: dict) -> bool:
    """Whether validated ``parameters`` are the paper's defaults for notebook ``stem``."""
    from nanoflux.running.parameters import defaults

    return parameters == defaults(stem)


def destination(stem: str, parameters: dict, output_dir=None) -> Path:
    """The folder a run of notebook ``stem`` with validated ``parameters`` writes to (see module)."""
    if output_dir is not None:
        return check_folder(output_dir, "output_dir")
    if is_canonical(stem, parameters):
        return FIGURES_DIR
    return RUNS_DIR / stem / parameter_hash(parameters)


def marked(destination: Path) -> bool:
    """Whether a run writing to ``destination`` leaves :data:`RUN_MARK` there: every folder but ``figures/``
    (so that a later run may reuse it, and :func:`check_folder` tells it from a folder of foreign notebooks)."""
    return Path(destination) != FIGURES_DIR


def shown(path: Path) -> str:
    """A folder as a reader should see it: relative to the repository when inside it, with a
    trailing slash; characters the terminal's encoding cannot show are escaped."""
    path = Path(path)
    try:
        text = path.relative_to(ROOT).as_posix() + "/"
    except ValueError:
        text = str(path).rstrip("/") + "/"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _holds_foreign_notebooks(folder: Path) -> bool:
    if not folder.is_dir() or (folder / RUN_MARK).exists():
        return False
    return any(folder.glob("*.ipynb")) or any((folder / "notebooks").glob("*.ipynb"))


def check_folder(value, name: str = "output_dir") -> Path:
    """The absolute folder ``value`` names, or ValueError (TypeError for a non-path) saying why
    it cannot receive results. Nothing is created here."""
    if not isinstance(value, (str, os.PathLike)):
        raise InputTypeError(f"{name} must be a folder path (a string); got {value!r}")
    text = os.fspath(value)
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{name} must name a folder; got {text!r}")
    try:
        os.fsencode(text)
        text.encode("utf-8")  # bytes the locale could not decode arrive as lone surrogates
    except UnicodeEncodeError:
        raise InputError(f"{name} {shown(Path(text))[:-1]!r} cannot be encoded: the locale's file-name "
                         f"encoding is {sys.getfilesystemencoding()}; choose a name in plain ASCII") from None
    path = Path(text).expanduser().resolve()
    if path == ROOT or any(_within(path, folder) for folder in PROTECTED):
        raise InputError(f"{name} must not be the repository, notebooks/, figures/, nanoflux/, .git/ or a folder "
                         f"inside them (the canonical results, the stored notebooks, the code); got {text!r}")
    if path.exists() and not path.is_dir():
        raise InputError(f"{name} {text!r} is a file, not a folder")
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir():
        raise InputError(f"{name} {text!r} lies under {str(existing)!r}, which is a file, not a folder")
    if _holds_foreign_notebooks(path):
        raise InputError(f"{name} {text!r} holds notebooks that no nanoflux run wrote; choose an empty "
                         f"folder or one an earlier run wrote")
    return path
