"""Run the notebooks headlessly with papermill: ``nanoflux reproduce``.

Every notebook runs in its own kernel, several at once, each driven by a thread of this
process. Parameters given with ``--set`` are typed by each notebook's own declaration and
checked by its validator, and every folder the run will write to is opened, before any kernel
starts. Kernels write into a scratch folder; only when every notebook has succeeded are the
files published, all or nothing (nanoflux.publish). Where they go is the one output rule of
nanoflux.outputs. Ctrl-C, SIGTERM and SIGHUP kill the kernels and leave everything as it was;
a kernel whose runner was killed outright exits by itself (ipykernel watches its parent).
"""
from __future__ import annotations

import ast
import json
import logging
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from . import kernelstate, outputs, publish
from .outputs import BUILD_DIR, FIGURES_DIR, NOTEBOOKS_DIR, ROOT, RUNS_DIR  # noqa: F401
from .parameters import VALIDATORS, validate

KERNEL = "python3"
#: The prefix of a run's scratch folder in the system's temporary folder.
SCRATCH_PREFIX = "nanoflux-run-"
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
    """Split ``NAME=VALUE``; NAME is a Python identifier (of at most 100 characters)."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip().isidentifier() or len(name.strip()) > 100:
        raise RunError(f"--set takes NAME=VALUE, NAME a parameter's name; got {_shown(text)}")
    return name.strip(), raw.strip()


#: The longest --set value read (a longer one is refused before it is parsed).
MAX_VALUE_CHARS = 10_000


def _literal(name: str, raw: str):
    """``raw`` as a Python literal, or ``raw`` itself when it is not one; RunError for a value too
    long or too deeply nested to read."""
    if len(raw) > MAX_VALUE_CHARS:
        raise RunError(f"{name}: the value is {len(raw)} characters long; at most {MAX_VALUE_CHARS}")
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError, TypeError):
        return raw
    except (RecursionError, MemoryError):
        raise RunError(f"{name}: the value is nested too deeply to read; give a number, a word or "
                       f"a flat list such as [1, 2]") from None


def _shown(raw: str) -> str:
    """A command-line value as a message quotes it: repr, cut to 60 characters."""
    return repr(raw) if len(raw) <= 60 else repr(raw[:57]) + "..."


def _not_finite(value) -> bool:
    return isinstance(value, float) and not (value == value and abs(value) != float("inf"))


def _nan_note(raw: str) -> str:
    """A reminder when a value spells NaN or infinity, or holds a number beyond float64 (1e999)."""
    spelled = re.search(r"(?i)\b(nan|inf|infinity)\b", raw)
    huge = re.search(r"\d[eE]\+?\d{3,}", raw)
    return " (NaN and infinity are not allowed)" if spelled or huge else ""


def _number(value, default):
    """``value`` as the kind of ``default`` (float or int) when it is a finite number of that kind
    (a whole float for an int), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or _not_finite(value):
        return None
    if isinstance(default, float):
        try:
            return float(value)
        except OverflowError:  # an integer beyond float64
            return None
    return int(value) if isinstance(value, int) or value.is_integer() else None


def coerce(name: str, raw: str, default):
    """Convert a command-line value to the type of the notebook's declared default.

    Floats accept integers that float64 holds; whole numbers accept whole floats (1e3); lists
    accept a single value (a one-element list) and hold values of their declared elements' type,
    never nested lists; strings take the text as given (quotes optional). NaN and infinity are
    refused, and so are values too long or too deeply nested to read. Anything else is a RunError
    naming ``name`` and the expected type.
    """
    value = _literal(name, raw)
    wrong = f"{name} must be {_type_name(default)} (declared {name} = {default!r}); got {_shown(raw)}"
    if isinstance(default, str):
        return value if isinstance(value, str) else raw
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise RunError(wrong)
    if isinstance(default, (list, tuple)):
        items = list(value) if isinstance(value, (list, tuple)) else [value]
        if isinstance(value, (dict, set)) or not items:
            raise RunError(wrong)
        element = default[0] if default else 0.0
        if isinstance(element, str):
            if not all(isinstance(x, str) for x in items):
                raise RunError(f"{name} must be a list of words such as {list(default)!r}; got {_shown(raw)}")
            return items
        numbers = [_number(x, element) for x in items]
        if None in numbers:
            kind = "whole numbers" if isinstance(element, int) and not isinstance(element, bool) else "numbers"
            raise RunError(f"{name} must be a list of {kind} such as {list(default)!r}; got {_shown(raw)}"
                           + _nan_note(raw))
        return numbers
    if isinstance(default, (int, float)):
        number = _number(value, default)
        if number is None:
            raise RunError(wrong + _nan_note(raw))
        return number
    raise RunError(wrong)


def _type_name(default) -> str:
    return {bool: "True or False", float: "a number", int: "a whole number", str: "a string",
            list: "a list such as [1, 2]", tuple: "a list such as [1, 2]"}.get(type(default), type(default).__name__)


# -- planning ---------------------------------------------------------------------------------------

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
    rule (nanoflux.outputs); raise RunError on any problem, before anything runs."""
    out_dir = None
    if out is not None:
        try:
            out_dir = outputs.check_folder(out, "--out")
        except (ValueError, TypeError) as exc:
            raise RunError(str(exc)) from None
    paths = select(only, folder)
    declared = {p: declared_parameters(p) for p in paths}
    for values in declared.values():
        values.pop("output_dir", None)
    pairs = [parse_assignment(a) for a in assignments]
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
            except RunError as exc:
                raise RunError(f"{job.stem}: {exc}") from None
    for job in jobs:
        if job.stem not in VALIDATORS:
            raise RunError(f"{job.stem} has no parameter validator in nanoflux.parameters.VALIDATORS")
        try:
            clean = validate(job.stem, {**declared[job.path], **job.parameters})
        except (ValueError, TypeError) as exc:
            raise RunError(f"{job.stem}: {exc}") from None
        job.canonical = outputs.is_canonical(job.stem, clean)
        if out_dir is not None:
            job.parameters["output_dir"] = str(out_dir)
            job.destination, job.executed_folder, job.refresh_stored = out_dir, out_dir / "notebooks", False
        else:
            job.destination = outputs.destination(job.stem, clean)
            job.refresh_stored = job.canonical
            job.executed_folder = BUILD_DIR / "notebooks" if job.canonical else job.destination
    return jobs


# -- executing ------------------------------------------------------------------------------------

class Interrupted(Exception):
    """The run was stopped by Ctrl-C, SIGTERM or SIGHUP; nothing was written."""


def _kernel_manager(env: dict, connection_file: str):
    """A kernel manager whose kernel gets ``env`` and keeps no IPython history (this run owns it)."""
    from jupyter_client.manager import AsyncKernelManager

    class Manager(AsyncKernelManager):
        async def start_kernel(self, **kw):
            kw["env"] = {**os.environ, **kw.get("env", {}), **env}
            kw["extra_arguments"] = [*kw.get("extra_arguments", []), "--HistoryManager.enabled=False"]
            return await super().start_kernel(**kw)

    # IPC sockets (files beside the connection file) keep the kernel off TCP, which ipykernel warns about;
    # a socket path must fit in 107 bytes, so a very long temporary folder falls back to TCP on 127.0.0.1.
    transport = "ipc" if len(os.fsencode(connection_file)) < 90 else "tcp"
    return Manager(kernel_name=KERNEL, connection_file=connection_file, transport=transport)


def _kill(km) -> None:
    """Kill a kernel's whole process group at once (a kernel leads its own session)."""
    pid = getattr(getattr(km, "provisioner", None), "pid", None)
    if pid:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class _Kernels:
    """The kernels of a run, so that the main thread can kill them all at once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.managers = []
        self.stopped = False

    def add(self, km) -> None:
        with self.lock:
            if self.stopped:
                raise Interrupted()
            self.managers.append(km)

    def kill_all(self) -> None:
        with self.lock:
            self.stopped = True
            for km in self.managers:
                _kill(km)


def _execute(job: Job, scratch: Path, folder: Path, kernels: _Kernels) -> float:
    """Run one notebook with papermill in this worker thread's kernel; return the seconds it took.

    The thread keeps its kernel for its next notebook, made fresh again first (nanoflux.kernelstate).
    The kernel writes its files into ``scratch/<stem>/files`` (nanoflux.outputs.STAGE_ENV); papermill
    writes the executed copy to ``scratch/<stem>/<name>``.
    """
    import papermill
    from jupyter_core.utils import run_sync

    work = scratch / job.stem
    (work / "files").mkdir(parents=True)
    start = time.perf_counter()
    km = getattr(_worker, "km", None)
    try:
        if km is None or not run_sync(km.is_alive)():
            km = _worker.km = _kernel_manager(KERNEL_ENV, str(scratch / f"k{threading.get_ident() % 10**6}.json"))
            kernels.add(km)
            run_sync(km.start_kernel)(cwd=str(folder))
        _reset(km, str(work / "files"), str(folder))
        papermill.execute_notebook(str(job.path), str(work / job.path.name), parameters=job.parameters,
                                   kernel_name=KERNEL, km=km, resources={"metadata": {"path": str(folder)}},
                                   progress_bar=False, log_output=False, request_save_on_cell_execute=False)
    except Exception:
        if kernels.stopped:
            raise Interrupted() from None
        raise
    return time.perf_counter() - start


#: The kernel manager each worker thread reuses.
_worker = threading.local()


def _reset(km, stage: str, cwd: str) -> None:
    """Make a kernel fresh for the next notebook (nanoflux.kernelstate), silently: no cell, no count."""
    from jupyter_core.utils import run_sync

    client = km.client()
    client.start_channels(iopub=False, stdin=False, hb=False, control=False)
    try:
        msg_id = client.execute(kernelstate.reset_source(stage, cwd), silent=True, store_history=False)
        while (reply := run_sync(client.get_shell_msg)(timeout=60))["parent_header"].get("msg_id") != msg_id:
            pass
    finally:
        client.stop_channels()
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"could not reset the kernel: {reply['content'].get('evalue', '')}")


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

    from .stored import normalize_metadata

    nb = nbformat.read(str(path), as_version=4)
    nb.cells = [c for c in nb.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    normalize_metadata(nb.metadata)  # no papermill record, widget state or Python version (nanoflux.stored)
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


def _targets(job_list: list[Job], folder: Path) -> list[Path]:
    """Every folder a run of ``job_list`` writes to."""
    found = []
    for job in job_list:
        for target in (job.destination, job.executed_folder, folder if job.refresh_stored else None):
            if target is not None and Path(target).absolute() not in found:
                found.append(Path(target).absolute())
    return found


def _interrupt_signals():
    """Make SIGINT (also when a shell started the run in the background, with SIGINT ignored),
    SIGTERM and SIGHUP stop a run; return a function that restores the previous handlers."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def stop(signum, frame):
        raise Interrupted()

    previous = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    return lambda: [signal.signal(s, h) for s, h in previous.items()]


def recover_abandoned(extra=()) -> list[str]:
    """Remove the scratch folders and publication areas of runs that were killed (nanoflux.publish)."""
    handled = []
    for scratch in Path(tempfile.gettempdir()).glob(SCRATCH_PREFIX + "*"):
        if scratch.is_dir() and publish._is_abandoned(scratch):
            shutil.rmtree(scratch, ignore_errors=True)
            handled.append(f"removed {scratch}")
    places = [FIGURES_DIR, NOTEBOOKS_DIR, BUILD_DIR / "notebooks", *RUNS_DIR.glob("*/*"), *extra]
    return handled + publish.recover(p for p in places if p.is_dir())


def _run_all(job_list, jobs, scratch, folder, echo) -> list[str]:
    """Execute the jobs, ``jobs`` at a time, on threads of this process; return the failures."""
    kernels = _Kernels()
    failures = []
    pool = ThreadPoolExecutor(max_workers=min(jobs, len(job_list)), thread_name_prefix="nanoflux-run")
    futures = {pool.submit(_execute, job, scratch, folder, kernels): job for job in schedule(job_list)}
    # matplotlib's font cache, built once here while the kernels start (they import matplotlib later)
    import matplotlib.font_manager  # noqa: F401
    try:
        pending, done_count = set(futures), 0
        while pending:
            done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
            for future in done:
                job, done_count = futures[future], done_count + 1
                try:
                    echo(f"[{done_count}/{len(job_list)}] {job.stem}: ok ({future.result():.1f} s)")
                except Interrupted:
                    raise
                except Exception as exc:  # a notebook failed: report it, keep the others going
                    failures.append(describe_failure(job.stem, exc))
                    echo(f"[{done_count}/{len(job_list)}] {job.stem}: FAILED")
    except (KeyboardInterrupt, Interrupted):
        logging.getLogger("papermill").setLevel(logging.CRITICAL)  # the dying threads' "kernel died"
        kernels.kill_all()
        pool.shutdown(wait=False, cancel_futures=True)
        wait(futures, timeout=0.3)  # the threads see their dead kernels within about a second; their
        raise Interrupted() from None  # late writes into the removed scratch folder fail harmlessly
    pool.shutdown()
    kernels.kill_all()
    return failures


def run(only=(), assignments=(), out=None, jobs=None, echo=print, folder: Path = NOTEBOOKS_DIR) -> int:
    """Reproduce: run the selected notebooks; return 0 when all succeed, 1 otherwise.

    Where each notebook's files go follows nanoflux.outputs: the paper's defaults refresh
    ``figures/``, ``build/notebooks/`` and the stored notebook; other values go to
    ``build/runs/<notebook>/<hash>/``; ``out`` names one folder for every notebook (executed copies
    in ``out/notebooks``). Raises RunError (bad selection, parameter or folder) before any kernel
    starts, and Interrupted when stopped; either way nothing is written.
    """
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise RunError(f"--jobs must be a whole number of at least 1; got {jobs!r}")
    job_list = plan(only, assignments, folder, out)
    folder = Path(folder).absolute()
    restore = _interrupt_signals()
    publication, scratch, lock = publish.Publication(), None, None
    try:
        recover_abandoned(_targets(job_list, folder))
        for target in _targets(job_list, folder):
            publication.prepare(target)
        scratch = Path(tempfile.mkdtemp(prefix=SCRATCH_PREFIX))
        lock = publish._lock(scratch)
        echo(f"running {len(job_list)} notebook(s) with {min(jobs, len(job_list))} job(s)")
        started = time.perf_counter()
        failures = _run_all(job_list, jobs, scratch, folder, echo)
        if failures:
            for line in failures:
                echo(f"error: {line}")
            echo(f"{len(failures)} notebook(s) failed; nothing was written")
            return 1
        _stage(publication, job_list, scratch, folder)
        publication.commit()
        places = sorted({outputs.shown(j.destination) for j in job_list})
        echo(f"done in {time.perf_counter() - started:.1f} s: results in {', '.join(places)}")
        return 0
    except publish.PublishError as exc:
        raise RunError(str(exc)) from None
    except KeyboardInterrupt:
        raise Interrupted() from None
    finally:
        publication.abort()
        if lock is not None:
            lock.close()
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
        restore()


def _stage(publication, job_list, scratch: Path, folder: Path) -> None:
    """Add every file of every job to the publication: results, executed copy, stored notebook."""
    import nbformat

    for job in job_list:
        work = scratch / job.stem
        for item in sorted((work / "files").iterdir()):
            publication.add(item, job.destination)
        if job.destination != FIGURES_DIR:
            (work / outputs.RUN_MARK).touch()
            publication.add(work / outputs.RUN_MARK, job.destination)
        publication.add(work / job.path.name, job.executed_folder)
        if job.refresh_stored:
            nbformat.write(clean_notebook(work / job.path.name), str(work / "stored.ipynb"))
            publication.add(work / "stored.ipynb", folder, job.path.name)
