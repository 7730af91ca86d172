"""Planning a run before anything starts: which notebooks, with which values, writing where.

:func:`plan` selects the stored notebooks, types every ``--set NAME=VALUE`` by the notebook's own
declaration (:mod:`nanoflux.running.values`), checks the values with the notebook's validator
(:mod:`nanoflux.running.parameters`) and places every file by the one output rule
(:mod:`nanoflux.running.outputs`); any problem is a :class:`RunError` before a kernel starts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nanoflux.running import outputs
from nanoflux.running.outputs import BUILD_DIR, FIGURES_DIR, NOTEBOOKS_DIR
from nanoflux.running.parameters import VALIDATORS, validate
from nanoflux.running.stored import declared_parameters, is_stored, select
from nanoflux.running.values import coerce, parse_assignment
from nanoflux.validate import InputError


class RunError(InputError):
    """A run refused before any kernel starts (bad selection, parameter or folder)."""


@dataclass
class Job:
    """One notebook to run: its path, the values to inject, and where each of its files goes."""

    path: Path
    parameters: dict = field(default_factory=dict)
    canonical: bool = True
    destination: Path = FIGURES_DIR
    executed_folder: Path = BUILD_DIR / "notebooks"
    refresh_stored: bool = True

    @property
    def stem(self) -> str:
        return self.path.stem


def plan(only=(), assignments=(), folder: Path = NOTEBOOKS_DIR, out=None) -> list[Job]:
    """Select notebooks, type and validate every ``NAME=VALUE`` and place every file by the one output
    rule (nanoflux.running.outputs); raise RunError on any problem, before anything runs."""
    out_dir = None
    if out is not None:
        try:
            out_dir = outputs.check_folder(out, "--out")
        except (ValueError, TypeError) as exc:
            raise RunError(str(exc)) from None
    try:
        paths = select(only, folder)
        declared = {p: declared_parameters(p) for p in paths}
        pairs = [parse_assignment(a) for a in assignments]
    except InputError as exc:
        raise RunError(str(exc)) from None
    for values in declared.values():
        values.pop("output_dir", None)
    jobs = [Job(p) for p in paths]
    for name, raw in pairs:
        if name == "output_dir":
            raise RunError("output_dir is set with --out DIR, not --set")
        owners = [job for job in jobs if name in declared[job.path]]
        if not owners:
            existing = "; ".join(f"{p.stem}: {', '.join(declared[p])}" for p in paths)
            raise RunError(f"no selected notebook has a parameter {name!r}; the parameters are: {existing}")
        for job in owners:
            try:
                job.parameters[name] = coerce(name, raw, declared[job.path][name])
            except InputError as exc:
                raise RunError(f"{job.stem}: {exc}") from None
    for job in jobs:
        if job.stem not in VALIDATORS:
            raise RunError(f"{job.stem} has no parameter validator in nanoflux.running.parameters.VALIDATORS")
        try:
            clean = validate(job.stem, {**declared[job.path], **job.parameters})
        except (ValueError, TypeError) as exc:
            raise RunError(f"{job.stem}: {exc}") from None
        code = _code(job.path)
        job.canonical = outputs.is_canonical(job.stem, clean, code)
        if out_dir is not None:
            job.parameters["output_dir"] = str(out_dir)
            job.destination, job.executed_folder, job.refresh_stored = out_dir, out_dir / "notebooks", False
        else:
            job.destination = outputs.destination(job.stem, clean, code=code)
            job.refresh_stored = job.canonical
            job.executed_folder = BUILD_DIR / "notebooks" if job.canonical else job.destination
    return jobs


def _code(path: Path):
    """The code a run of the notebook at ``path`` runs: the stored notebook's own (outputs.STORED) when
    ``path`` is the stored notebook, else its code cells."""
    if is_stored(path):
        return outputs.STORED
    try:
        return [c for c in outputs.notebook_code(path) if c.strip()]
    except (OSError, ValueError, AttributeError):
        return None


def targets(job_list: list[Job], folder: Path) -> list[Path]:
    """Every folder a run of ``job_list`` writes to."""
    found = []
    for job in job_list:
        for target in (job.destination, job.executed_folder, folder if job.refresh_stored else None):
            if target is not None and Path(target).absolute() not in found:
                found.append(Path(target).absolute())
    return found


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
