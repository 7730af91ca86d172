"""Run the notebooks headlessly with papermill: ``nanoflux reproduce``.

Every notebook runs in its own kernel, several at once. Parameters given with ``--set``
are typed by each notebook's own declaration and checked by its validator before any
kernel starts. Everything is written to a staging folder first and moved into place
only when every notebook has succeeded, so a failed run changes nothing. A run whose
parameters differ from the paper's defaults must name its own output folder.
"""
from __future__ import annotations

import ast
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .parameters import VALIDATORS

#: Repository folders, resolved once from the package's own location.
ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS_DIR = ROOT / "notebooks"
FIGURES_DIR = ROOT / "figures"
BUILD_DIR = ROOT / "build"
KERNEL = "python3"
#: The environment every notebook kernel runs in. NumPy picks its float64 cbrt, power, exp, sin ...
#: by CPU: with AVX-512 it uses other implementations than with AVX2, whose results differ in the
#: last bit, and so do the results JSON and the figures drawn from them. Turning the AVX-512 paths
#: off gives the same bits on both kinds of x86-64 machine (NumPy 2.4's feature names; a name the
#: CPU lacks is ignored).
KERNEL_ENV = {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"}
#: The output type of a live widget; stored notebooks keep only its text form.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class RunError(ValueError):
    """A run refused before any kernel starts (bad selection or parameter)."""


# -- reading the notebooks ------------------------------------------------------------------------

def notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered notebooks, in reading order."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def declared_parameters(path: Path) -> dict:
    """The names and default values assigned in a notebook's ``parameters``-tagged cell.

    Reads the notebook as plain JSON (no schema validation: this runs before every run and
    the stored notebooks carry images).
    """
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"
             and "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(cells) != 1:
        raise RunError(f"{path.name} must have exactly one cell tagged 'parameters'; found {len(cells)}")
    source = cells[0]["source"]
    declared = {}
    for node in ast.parse(source if isinstance(source, str) else "".join(source)).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            declared[node.targets[0].id] = ast.literal_eval(node.value)
    return declared


def select(names=(), folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """Notebooks matching any of ``names``: the full stem, its number ("01") or its title part."""
    found = notebooks(folder)
    if not names:
        return found
    chosen = []
    for name in names:
        hits = [p for p in found if name in (p.stem, p.stem[:2], p.stem[3:], p.name)]
        if not hits:
            raise RunError(f"--only {name!r} matches no notebook; the notebooks are: "
                           f"{', '.join(p.stem for p in found)}")
        chosen += [p for p in hits if p not in chosen]
    return sorted(chosen)


# -- typing command-line values -------------------------------------------------------------------

def parse_assignment(text: str) -> tuple[str, str]:
    """Split ``NAME=VALUE``."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip().isidentifier():
        raise RunError(f"--set takes NAME=VALUE; got {text!r}")
    return name.strip(), raw.strip()


def coerce(name: str, raw: str, default):
    """Convert a command-line value to the type of the notebook's declared default.

    Floats accept integers; lists accept a single value (a one-element list); strings take
    the text as given (quotes optional). Anything else is a RunError naming the expected type.
    """
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw
    kind = type(default)
    if kind is str:
        return value if isinstance(value, str) else raw
    if kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif kind in (list, tuple):
        if isinstance(value, (list, tuple)):
            return list(value)
        if isinstance(value, (int, float, str)) and not isinstance(value, bool):
            return [value]
    raise RunError(f"{name} must be {_type_name(default)} (declared {name} = {default!r}); got {raw!r}")


def _type_name(default) -> str:
    return {bool: "True or False", float: "a number", int: "a whole number", str: "a string",
            list: "a list such as [1, 2]", tuple: "a list such as [1, 2]"}.get(type(default), type(default).__name__)


# -- planning ---------------------------------------------------------------------------------------

@dataclass
class Job:
    """One notebook to run: its path, the parameters to inject, whether they are its defaults."""

    path: Path
    parameters: dict = field(default_factory=dict)
    canonical: bool = True

    @property
    def stem(self) -> str:
        return self.path.stem


def plan(only=(), assignments=(), folder: Path = NOTEBOOKS_DIR) -> list[Job]:
    """Select notebooks and type and validate every ``NAME=VALUE``; raise RunError on any problem."""
    paths = select(only, folder)
    declared = {p: declared_parameters(p) for p in paths}
    pairs = [parse_assignment(a) for a in assignments]
    jobs = [Job(p) for p in paths]
    for name, raw in pairs:
        if name == "output_dir":
            raise RunError("output_dir is set with --out DIR, not --set")
        owners = [job for job in jobs if name in declared[job.path]]
        if not owners:
            existing = "; ".join(f"{p.stem}: {', '.join(k for k in declared[p] if k != 'output_dir')}"
                                 for p in paths)
            raise RunError(f"no selected notebook has a parameter {name!r}; the parameters are: {existing}")
        for job in owners:
            try:
                job.parameters[name] = coerce(name, raw, declared[job.path][name])
            except RunError as exc:
                raise RunError(f"{job.stem}: {exc}") from None
    for job in jobs:
        merged = {**declared[job.path], **job.parameters}
        validator = VALIDATORS.get(job.stem)
        if validator is None:
            raise RunError(f"{job.stem} has no parameter validator in nanoflux.parameters.VALIDATORS")
        try:
            validator(**merged)
        except (ValueError, TypeError) as exc:
            raise RunError(f"{job.stem}: {exc}") from None
        job.canonical = all(merged[k] == v for k, v in declared[job.path].items())
    return jobs


# -- executing ------------------------------------------------------------------------------------

def _execute(path: str, executed: str, parameters: dict, cwd: str) -> float:
    """Run one notebook with papermill (in a worker process); return the seconds it took."""
    import papermill

    os.environ.update(KERNEL_ENV)  # this worker's kernels inherit it
    start = time.perf_counter()
    papermill.execute_notebook(path, executed, parameters=parameters, kernel_name=KERNEL, cwd=cwd,
                               progress_bar=False, log_output=False, request_save_on_cell_execute=False)
    return time.perf_counter() - start


def previous_durations(folder: Path = BUILD_DIR / "notebooks") -> dict:
    """Seconds each notebook took in the last canonical run, from papermill's record in its executed copy."""
    import nbformat

    durations = {}
    for path in folder.glob("*.ipynb"):
        try:
            record = nbformat.read(str(path), as_version=4).metadata.get("papermill", {})
        except Exception:  # an unreadable old copy only costs the ordering
            continue
        if isinstance(record.get("duration"), (int, float)):
            durations[path.stem] = float(record["duration"])
    return durations


def schedule(job_list: list[Job]) -> list[Job]:
    """The order to start notebooks in: longest first by the last run's durations when known
    (so the slowest does not start last), otherwise the later notebooks first, which do more."""
    durations = previous_durations()
    if all(job.stem in durations for job in job_list):
        return sorted(job_list, key=lambda job: -durations[job.stem])
    return list(reversed(job_list))


def describe_failure(stem: str, exc: BaseException) -> str:
    """One line naming the notebook, the cell and the error."""
    cell = getattr(exc, "cell_index", None)
    if cell is not None:
        return (f"{stem}: cell {cell} (In [{exc.exec_count}]) raised {exc.ename}: "
                f"{str(exc.evalue).strip()}")
    return f"{stem}: {type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"


def clean_notebook(path: Path):
    """An executed notebook as it is stored: no injected cell, no timing or papermill metadata, and no
    widget state (nbclient's ``metadata.widgets`` and widget-view outputs carry random model ids)."""
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata.get("language_info", {}).pop("version", None)
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
                out.get("data", {}).pop(WIDGET_VIEW, None)
    return nb


def run(only=(), assignments=(), out=None, jobs=None, echo=print, folder: Path = NOTEBOOKS_DIR) -> int:
    """Reproduce: run the selected notebooks; return 0 when all succeed, 1 otherwise.

    Canonical run (no ``out``): figures and JSON into ``figures/``, executed copies into
    ``build/notebooks/``, and the stored notebooks refreshed with their new outputs.
    With ``out``: figures and JSON into ``out``, executed copies into ``out/notebooks``.
    """
    job_list = plan(only, assignments, folder)
    non_canonical = [j.stem for j in job_list if not j.canonical]
    if non_canonical and out is None:
        raise RunError("--out DIR is required when a parameter differs from the paper's defaults "
                       f"(changed in: {', '.join(non_canonical)}); figures/ holds only the canonical run")
    if non_canonical and Path(out).resolve() == FIGURES_DIR.resolve():
        raise RunError(f"--out must not be figures/ when a parameter differs from the paper's defaults "
                       f"(changed in: {', '.join(non_canonical)}); got {out}")
    jobs = jobs or os.cpu_count() or 1
    if not isinstance(jobs, int) or jobs < 1:
        raise RunError(f"--jobs must be a whole number of at least 1; got {jobs!r}")
    figures_target = Path(out).resolve() if out is not None else FIGURES_DIR
    executed_target = figures_target / "notebooks" if out is not None else BUILD_DIR / "notebooks"

    import matplotlib.font_manager  # noqa: F401  (build the font cache once, before kernels race for it)

    staging_parent = BUILD_DIR if out is None else figures_target
    made_parent = not staging_parent.exists()
    staging_parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".reproduce-", dir=staging_parent))
    try:
        (staging / "figures").mkdir()
        (staging / "executed").mkdir()
        echo(f"running {len(job_list)} notebook(s) with {min(jobs, len(job_list))} job(s)")
        failures, started = [], time.perf_counter()
        with ProcessPoolExecutor(max_workers=min(jobs, len(job_list))) as pool:
            futures = {
                pool.submit(_execute, str(job.path), str(staging / "executed" / job.path.name),
                            {**job.parameters, "output_dir": str(staging / "figures")}, str(folder)): job
                for job in schedule(job_list)
            }
            for done, future in enumerate(as_completed(futures), 1):
                job = futures[future]
                try:
                    seconds = future.result()
                    echo(f"[{done}/{len(job_list)}] {job.stem}: ok ({seconds:.1f} s)")
                except Exception as exc:  # a notebook failed: report it, keep the others going
                    failures.append(describe_failure(job.stem, exc))
                    echo(f"[{done}/{len(job_list)}] {job.stem}: FAILED")
        if failures:
            for line in failures:
                echo(f"error: {line}")
            echo(f"{len(failures)} notebook(s) failed; nothing was written to {figures_target}")
            return 1
        _publish(staging, figures_target, executed_target, job_list, refresh_stored=out is None, folder=folder)
        echo(f"done in {time.perf_counter() - started:.1f} s: figures and results in {_show(figures_target)}, "
             f"executed notebooks in {_show(executed_target)}")
        return 0
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if made_parent and not any(staging_parent.iterdir()):
            staging_parent.rmdir()  # a failed run leaves no trace


def _publish(staging, figures_target, executed_target, job_list, *, refresh_stored, folder):
    """Move every staged file into place (only called once all notebooks succeeded)."""
    import nbformat

    figures_target.mkdir(parents=True, exist_ok=True)
    executed_target.mkdir(parents=True, exist_ok=True)
    for item in sorted((staging / "figures").iterdir()):
        os.replace(item, figures_target / item.name) if item.is_file() else shutil.copytree(
            item, figures_target / item.name, dirs_exist_ok=True)
    for job in job_list:
        executed = staging / "executed" / job.path.name
        if refresh_stored:
            nbformat.write(clean_notebook(executed), str(folder / job.path.name))
        os.replace(executed, executed_target / job.path.name)


def _show(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)
