"""Run the notebooks headlessly with papermill: ``nanoflux reproduce``.

Every notebook runs in its own kernel, several at once, each driven by a thread of this
process. Parameters given with ``--set`` are typed by each notebook's own declaration and
checked by its validator, and every folder the run will write to is opened, before any kernel
starts. Kernels write into a scratch folder; only when every notebook has succeeded are the
files published, all or nothing (nanoflux.running.publish). Where they go is the one output rule of
nanoflux.running.outputs. Ctrl-C, SIGTERM and SIGHUP kill the kernels and leave everything as it was;
a kernel whose runner was killed outright exits by itself (ipykernel watches its parent).
"""
from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from nanoflux.running import outputs, publish
from nanoflux.running.kernels import KERNEL, KERNEL_ENV, Kernels, kernel_manager, reset
from nanoflux.running.outputs import BUILD_DIR, FIGURES_DIR, NOTEBOOKS_DIR, ROOT, RUNS_DIR
from nanoflux.running.plan import Job, RunError, plan, schedule, targets
from nanoflux.running.signals import Interrupted, deferred, raise_on
from nanoflux.running.stored import clean_notebook, stamp
from nanoflux.validate import InputError, InputTypeError, whole_number

#: The prefix of every run's scratch folder in the system's temporary folder.
SCRATCH_PREFIX = "nanoflux-run-"


def scratch_prefix(root: Path = ROOT) -> str:
    """The prefix of this clone's scratch folders: ``nanoflux-run-<clone>-``, ``<clone>`` a digest of the
    clone's path, so that runs of one clone never touch another's. A folder's name goes on with the
    process id of its run (``<pid>-<random>``)."""
    return f"{SCRATCH_PREFIX}{hashlib.sha256(os.fsencode(root)).hexdigest()[:10]}-"


def _execute(job: Job, scratch: Path, folder: Path, kernels: Kernels) -> float:
    """Run one notebook with papermill in this worker thread's kernel; return the seconds it took.

    The thread keeps its kernel for its next notebook, made fresh again first (nanoflux.running.kernels).
    The kernel writes its files into ``scratch/<stem>/files`` (nanoflux.running.outputs.STAGE_ENV); papermill
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
            km = _worker.km = kernel_manager(KERNEL_ENV, str(scratch / f"k{threading.get_ident() % 10**6}.json"))
            kernels.add(km)
            run_sync(km.start_kernel)(cwd=str(folder))
        reset(km, str(work / "files"), str(folder))
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


def describe_failure(stem: str, exc: BaseException) -> str:
    """One line naming the notebook, the cell and the error."""
    cell = getattr(exc, "cell_index", None)
    if cell is not None:
        return (f"{stem}: cell {cell} (In [{exc.exec_count}]) raised {exc.ename}: "
                f"{str(exc.evalue).strip()}")
    return f"{stem}: {type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"


def recover_abandoned(extra=()) -> list[str]:
    """Remove this clone's scratch folders and publication areas of runs that were killed (only those whose
    process is gone: nanoflux.running.publish); finish a publication whose journals were all written. Returns
    one line for each publication finished and each damaged journal."""
    prefix = scratch_prefix()
    for scratch in Path(tempfile.gettempdir()).glob(prefix + "*"):
        if scratch.is_dir() and publish.is_abandoned(scratch, prefix):
            shutil.rmtree(scratch, ignore_errors=True)
    places = [FIGURES_DIR, NOTEBOOKS_DIR, BUILD_DIR / "notebooks", *RUNS_DIR.glob("*/*"), *extra]
    return publish.recover(p for p in places if p.is_dir())


def _run_all(job_list, jobs, scratch, folder, echo) -> list[str]:
    """Execute the jobs, ``jobs`` at a time, on threads of this process; return the failures."""
    kernels = Kernels()
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

    Where each notebook's files go follows nanoflux.running.outputs: the paper's defaults refresh
    ``figures/``, ``build/notebooks/`` and the stored notebook; other values go to
    ``build/runs/<notebook>/<hash>/``; ``out`` names one folder for every notebook (executed copies
    in ``out/notebooks``). Raises RunError (bad selection, parameter or folder) before any kernel
    starts, and Interrupted when stopped; either way nothing is written.
    """
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    try:
        jobs = whole_number(jobs, "--jobs")
    except (InputError, InputTypeError) as exc:
        raise RunError(str(exc)) from None
    job_list = plan(only, assignments, folder, out)
    folder = Path(folder).absolute()
    publication = publish.Publication()
    try:
        with raise_on(Interrupted):
            return _run(job_list, jobs, folder, publication, echo)
    except (KeyboardInterrupt, Interrupted):
        written = sorted({outputs.shown(p) for p in targets(job_list, folder)}) if publication.committed else None
        raise Interrupted(written) from None


def _run(job_list, jobs, folder, publication, echo) -> int:
    """:func:`run` once the jobs are planned: prepare, execute, publish; clean up whatever happens."""
    scratch, lock = None, None
    try:
        with publish.clone_lock(ROOT):
            for line in recover_abandoned(targets(job_list, folder)):
                echo(f"note: {line}")
            for target in targets(job_list, folder):
                publication.prepare(target)
        scratch = Path(tempfile.mkdtemp(prefix=f"{scratch_prefix()}{os.getpid()}-"))
        lock = publish.hold_lock(scratch)
        echo(f"running {len(job_list)} notebook(s) with {min(jobs, len(job_list))} job(s)")
        started = time.perf_counter()
        failures = _run_all(job_list, jobs, scratch, folder, echo)
        if failures:
            for line in failures:
                echo(f"error: {line}")
            echo(f"{len(failures)} notebook(s) failed; nothing was written")
            return 1
        _stage(publication, job_list, scratch, folder)
        with publish.clone_lock(ROOT):
            publication.commit(check=lambda target: _check_target(target, job_list, folder))
        places = sorted({outputs.shown(j.destination) for j in job_list})
        echo(f"done in {time.perf_counter() - started:.1f} s: results in {', '.join(places)}")
        return 0
    except publish.PublishError as exc:
        raise RunError(str(exc)) from None
    finally:
        with deferred():  # the clean-up is not cut short by a second signal
            publication.abort()
            if scratch is not None:
                shutil.rmtree(scratch, ignore_errors=True)
            if lock is not None:
                lock.close()


def _check_target(target: Path, job_list, folder: Path) -> None:
    """Refuse (PublishError) a file that would land in a protected place: the last look before renaming,
    after every symbolic link is followed (nanoflux.running.outputs.check_target). Only the canonical run
    writes into figures/, notebooks/ and build/notebooks/."""
    canonical = {Path(p).absolute() for j in job_list if j.canonical and j.refresh_stored
                 for p in (j.destination, j.executed_folder, folder)}
    allowed = canonical if target.parent in canonical else ()
    try:
        outputs.check_target(target, allowed)
    except InputError as exc:
        raise publish.PublishError(str(exc)) from None


def _stage(publication, job_list, scratch: Path, folder: Path) -> None:
    """Add every file of every job to the publication: results, executed copy, stored notebook."""
    import nbformat

    for job in job_list:
        work = scratch / job.stem
        for item in sorted((work / "files").iterdir()):
            publication.add(item, job.destination)
        if outputs.marked(job.destination):
            (work / outputs.RUN_MARK).touch()
            publication.add(work / outputs.RUN_MARK, job.destination)
        publication.add(work / job.path.name, job.executed_folder)
        if job.refresh_stored:
            nbformat.write(stamp(clean_notebook(work / job.path.name)), str(work / "stored.ipynb"))
            publication.add(work / "stored.ipynb", folder, job.path.name)
