"""Where results go: the one output rule, for every way a notebook runs.

JupyterLab, plain papermill or nbclient, ``nanoflux reproduce``, Voila and nbval all ask
:func:`destination`:

- the canonical run, every parameter at the paper's default (``nanoflux.running.parameters.DEFAULTS``)
  AND the code run being the stored notebook's own (:func:`divergence`): ``figures/``;
- any other run: ``build/runs/<notebook>/<key>/``, a folder of its own whose key depends on the
  notebook, its parameter values and its code (:func:`run_key`);
- a folder named by the user (``output_dir`` in a notebook, ``--out`` on the command line):
  that folder, once :func:`check_folder` accepts it. It refuses the repository's own folders
  (the root, ``notebooks/``, ``figures/``, ``nanoflux/``, ``tests/``, ``.git/`` ..., anything inside them)
  and any folder holding notebooks that a run did not write.

Which code a kernel ran comes from its record (nanoflux.running.cells): the cells in the order they ran.
It is the stored notebook's code when, after cells that only assign literal values to the notebook's
declared parameters (its parameters cell, papermill's injected cell), every cell is the stored
notebook's next code cell. A kernel without a record has run unknown code: never the canonical run.

Every file is checked where it lands, after symbolic links are followed (:func:`check_target`): a
link inside an output folder cannot lead a run into ``notebooks/`` or ``figures/``.

A runner that stages its files first sets :data:`STAGE_ENV` for its kernel: the notebook then
writes into that folder and still reports the destination, which the runner fills afterwards.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import sys
from pathlib import Path

from nanoflux.validate import InputError, InputTypeError, printable

#: Repository folders, resolved once from the package's own location.
ROOT = Path(__file__).resolve().parents[2]
FIGURES_DIR = ROOT / "figures"
NOTEBOOKS_DIR = ROOT / "notebooks"
BUILD_DIR = ROOT / "build"
RUNS_DIR = BUILD_DIR / "runs"
#: Folders no user-named output folder may be, or lie in: the canonical results, the stored notebooks,
#: the code, its tests (pytest would collect notebooks written there), its environment and set-up, and the
#: canonical executed copies. Every hidden folder at the top of the repository is protected too.
PROTECTED = (FIGURES_DIR, NOTEBOOKS_DIR, ROOT / "nanoflux", ROOT / ".git", ROOT / "tests", ROOT / "requirements",
             ROOT / "jupyter-config", ROOT / ".venv", ROOT / "benchmarks", ROOT / "binder", BUILD_DIR / "notebooks")
#: Set by a runner: the folder a kernel writes into while its run is staged.
STAGE_ENV = "NANOFLUX_STAGE_DIR"
#: The file that marks a folder as one nanoflux wrote a run into (so a later run may reuse it).
RUN_MARK = ".nanoflux-run"
HASH_LENGTH = 12
#: ``code`` for :func:`destination` when the run is of the stored notebook's own code (a runner running it).
STORED = "the stored notebook's code"


def parameter_hash(parameters: dict) -> str:
    """A short hex digest of validated parameter values: the same values, the same digest."""
    text = json.dumps(parameters, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


# -- the code a run ran --------------------------------------------------------------------------------

_STORED_CODE: dict = {}


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def notebook_code(path) -> list[str]:
    """The sources of the code cells of the notebook at ``path`` (read as plain JSON), in order."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    return [_source(c) for c in nb.get("cells", []) if isinstance(c, dict) and c.get("cell_type") == "code"]


def stored_code(stem: str) -> list[str] | None:
    """The sources of the stored notebook ``notebooks/<stem>.ipynb``'s non-empty code cells, in order (the
    parameters cell first); None when there is no such notebook or it cannot be read."""
    path = NOTEBOOKS_DIR / f"{stem}.ipynb"
    try:
        stat = path.stat()
        key = (stat.st_mtime_ns, stat.st_size)
        if _STORED_CODE.get(stem, (None,))[0] != key:
            _STORED_CODE[stem] = key, [c for c in notebook_code(path) if c.strip()]
    except (OSError, ValueError, AttributeError):
        return None
    return list(_STORED_CODE[stem][1])


def _assigned_names(source: str) -> set | None:
    """The names a cell assigns literal values to, when that is all it does; else None."""
    try:
        body = ast.parse(source).body
    except (SyntaxError, ValueError):
        return None
    names = set()
    for node in body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            return None
        try:
            ast.literal_eval(node.value)
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
            return None
        names.add(node.targets[0].id)
    return names


def divergence(stem: str, cells) -> int | None:
    """None when ``cells`` (the sources a kernel ran, in order; None for unknown) are the stored notebook's
    own code (see the module); else the index of the first cell that is not."""
    stored = stored_code(stem)
    if stored is None or cells is None:
        return 0
    declared = _assigned_names(stored[0]) or set()
    first = 0
    while first < len(cells) and (_assigned_names(cells[first]) or {None}) <= declared:
        first += 1
    for offset, cell in enumerate(cells[first:]):
        if 1 + offset >= len(stored) or cell != stored[1 + offset]:
            return first + offset
    return None


def code_digest(stem: str, code=STORED) -> str:
    """A digest of the code a run of ``stem`` ran: the stored notebook's, or the cells run up to the first one
    that is not the stored notebook's (so the digest does not change as a run goes on); "unknown"."""
    if code is STORED or (code is not None and divergence(stem, code) is None):
        text = "stored\0" + "\0".join(stored_code(stem) or [])
    elif code is None:
        return "unknown"
    else:
        text = "edited\0" + "\0".join(list(code)[:divergence(stem, code) + 1])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def run_key(parameters: dict, digest: str) -> str:
    """The folder name of a run: a short digest of its validated parameter values and its code's digest."""
    text = json.dumps(parameters, sort_keys=True, separators=(",", ":"), allow_nan=False) + "\n" + digest
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH]


def is_canonical(stem: str, parameters: dict, code=STORED) -> bool:
    """Whether validated ``parameters`` are the paper's defaults for notebook ``stem`` and ``code`` (the
    cells run, or :data:`STORED`) is the stored notebook's own."""
    from nanoflux.running.parameters import defaults

    if parameters != defaults(stem):
        return False
    return code is STORED or divergence(stem, code) is None


def destination(stem: str, parameters: dict, output_dir=None, code=STORED) -> Path:
    """The folder a run of notebook ``stem`` with validated ``parameters`` and ``code`` writes to (see module)."""
    if output_dir is not None:
        return check_folder(output_dir, "output_dir")
    if is_canonical(stem, parameters, code):
        return FIGURES_DIR
    return RUNS_DIR / stem / run_key(parameters, code_digest(stem, code))


def marked(destination: Path) -> bool:
    """Whether a run writing to ``destination`` leaves :data:`RUN_MARK` there: every folder but ``figures/``
    (so that a later run may reuse it, and :func:`check_folder` tells it from a folder of foreign notebooks)."""
    return Path(destination) != FIGURES_DIR


def shown(path: Path) -> str:
    """A folder as a reader should see it: relative to the repository when inside it, with a
    trailing slash; control characters and characters the terminal's encoding cannot show are escaped,
    and a very long path is cut in the middle."""
    path = Path(path)
    try:
        text = path.relative_to(ROOT).as_posix() + "/"
    except ValueError:
        text = str(path).rstrip("/") + "/"
    return printable(text)


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def protected(path: Path) -> bool:
    """Whether the resolved ``path`` is the repository itself or lies in one of its protected folders
    (:data:`PROTECTED`, or any hidden folder at its top)."""
    if path == ROOT or any(_within(path, folder.resolve()) for folder in PROTECTED):
        return True
    return ROOT in path.parents and path.relative_to(ROOT).parts[0].startswith(".")


_REFUSED = ("must not be the repository, notebooks/, figures/, nanoflux/, tests/, requirements/, jupyter-config/, "
            "benchmarks/, binder/, build/notebooks/, .venv/, .git/ or a folder inside them (the canonical results, "
            "the stored notebooks, the code, its tests and its environment)")


def _holds_foreign_notebooks(folder: Path) -> bool:
    if not folder.is_dir() or (folder / RUN_MARK).exists():
        return False
    return any(folder.glob("*.ipynb")) or any((folder / "notebooks").glob("*.ipynb"))


def check_folder(value, name: str = "output_dir") -> Path:
    """The absolute folder ``value`` names, or ValueError (TypeError for a non-path) saying why
    it cannot receive results. Nothing is created here. Symbolic links are followed: a folder that
    leads into a protected one is refused, and so is one whose ``notebooks`` (where a run puts its
    executed notebooks) does."""
    if not isinstance(value, (str, os.PathLike)):
        raise InputTypeError(f"{name} must be a folder path (a string); got {printable(repr(value))}")
    text = os.fspath(value)
    if not isinstance(text, str) or not text.strip():
        raise InputError(f"{name} must name a folder; got {printable(repr(text))}")
    quoted = printable(repr(text))
    try:
        os.fsencode(text)
        text.encode("utf-8")  # bytes the locale could not decode arrive as lone surrogates
    except UnicodeEncodeError:
        raise InputError(f"{name} {quoted} cannot be encoded: the locale's file-name encoding is "
                         f"{sys.getfilesystemencoding()}; choose a name in plain ASCII") from None
    try:
        path = Path(text).expanduser().resolve()
        executed = (path / "notebooks").resolve()
    except (OSError, RuntimeError) as exc:  # a loop of symbolic links, a name too long
        raise InputError(f"{name} {quoted} cannot be used: {exc.strerror or exc}") from None
    if protected(path):
        raise InputError(f"{name} {_REFUSED}; got {quoted}")
    if protected(executed):
        raise InputError(f"{name} {quoted} holds a link 'notebooks' that leads to {printable(executed)}, where "
                         f"a run's executed notebooks must not go: {name} {_REFUSED}")
    if path.exists() and not path.is_dir():
        raise InputError(f"{name} {quoted} is a file, not a folder")
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir():
        raise InputError(f"{name} {quoted} lies under {printable(repr(str(existing)))}, which is a file, not a folder")
    if _holds_foreign_notebooks(path):
        raise InputError(f"{name} {quoted} holds notebooks that no nanoflux run wrote; choose an empty "
                         f"folder or one an earlier run wrote")
    return path


def check_target(path, allowed=()) -> Path:
    """``path``, a file a run is about to write, when neither it nor the file a link there leads to lies in a
    protected place (:func:`protected`) other than the folders ``allowed`` (``figures/`` and ``notebooks/``
    for the canonical run); else InputError. Returns the path as resolved."""
    path = Path(path)
    places = {path.parent.resolve() / path.name, path.resolve()}
    allowed = {Path(a).resolve() for a in allowed}
    for place in places:
        if protected(place) and place.parent not in allowed:
            raise InputError(f"{printable(path)} leads to {printable(place)}: a run must not write there "
                             f"(the canonical results, the stored notebooks, the code); nothing was written")
    return path.parent.resolve() / path.name
