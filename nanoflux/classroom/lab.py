"""A workspace for students: JupyterLab on their own copies of the notebooks, ``nanoflux lab``.

Students work in ``workspace/`` at the top of the repository, which git ignores: on each start, every stored
notebook a student has no copy of yet is copied there (``notebooks/NN_*.ipynb``, but the teacher's notes with
the answer key, :data:`TEACHERS_ONLY`); a copy already there is the student's work and is never overwritten
(delete it to get a fresh one). JupyterLab serves that folder only: the stored notebooks in ``notebooks/``
cannot be opened, autosaved or saved from it.

Its kernels compute with the numeric settings of ``nanoflux reproduce``'s kernels
(:data:`nanoflux.running.kernels.KERNEL_ENV`), through a kernel spec of their own, ``python3`` as the notebooks
name it, on a private ``JUPYTER_PATH`` (so a kernel restarted from JupyterLab's menu gets them too): a run of a
notebook at the paper's values writes its results into ``figures/`` byte for byte as they are committed, and
any other values go to ``build/runs/`` (nanoflux.running.outputs), so ``git status`` stays clean whatever a
student runs. As root, JupyterLab is given ``--allow-root``, as the classroom app runs its server.
"""
from __future__ import annotations

import errno
import importlib.util
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

from nanoflux.classroom.app import die_with_parent
from nanoflux.running.kernels import KERNEL_ENV
from nanoflux.running.outputs import NOTEBOOKS_DIR, ROOT
from nanoflux.running.signals import raise_on, stop_child
from nanoflux.running.stored import KERNELSPEC, stored_notebooks
from nanoflux.validate import InputError, InputTypeError, whole_number

WORKSPACE = ROOT / "workspace"
DEFAULT_PORT = 8888
#: Stored notebooks not copied into a student's workspace: the answer key.
TEACHERS_ONLY = ("09_teacher_notes",)
#: nbgrader (installed for the teacher's tools) enables these server extensions in every Jupyter server of the
#: environment; a student's JupyterLab runs without them.
NBGRADER_EXTENSIONS = ("formgrader", "validate_assignment", "assignment_list", "course_list")


class LabError(Exception):
    """JupyterLab cannot start (not installed, a bad or busy port); the message says why, in one line."""


def prepare_workspace(workspace: Path = WORKSPACE, notebooks: Path = NOTEBOOKS_DIR) -> tuple[list[str], list[str]]:
    """Copy into ``workspace`` every stored notebook it lacks (but :data:`TEACHERS_ONLY`); the names copied, and
    the names kept (already there: the student's)."""
    workspace.mkdir(exist_ok=True)
    copied, kept = [], []
    for notebook in stored_notebooks(notebooks):
        if notebook.stem in TEACHERS_ONLY:
            continue
        target = workspace / notebook.name
        if target.exists():
            kept.append(notebook.name)
        else:
            shutil.copyfile(notebook, target)
            copied.append(notebook.name)
    return copied, kept


def kernel_spec(data: Path) -> Path:
    """A Jupyter data folder holding the kernel spec ``python3``: this Python, ipykernel, KERNEL_ENV; the name,
    display name and language the stored notebooks record, so their metadata does not change."""
    folder = data / "kernels" / KERNELSPEC["name"]
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": KERNELSPEC["display_name"], "language": KERNELSPEC["language"],
            "env": dict(KERNEL_ENV), "metadata": {"debugger": True}}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    return data


def command(workspace: Path, port: int, token: str, *, browser: bool) -> list[str]:
    """The JupyterLab command line serving ``workspace`` on 127.0.0.1:``port``."""
    args = [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={workspace}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
            "--ServerApp.log_level=WARN", "--LabApp.log_level=WARN"]
    if not browser:
        args.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")  # JupyterLab refuses root otherwise ("Running as root is not recommended")
    if importlib.util.find_spec("nbgrader") is not None:
        args += [f"--ServerApp.jpserver_extensions=nbgrader.server_extensions.{name}=False"
                 for name in NBGRADER_EXTENSIONS]
    return args


def environment(private: Path) -> dict:
    """JupyterLab's environment: KERNEL_ENV (its kernels inherit it), and the private kernel spec first on
    JUPYTER_PATH."""
    env = {**os.environ, **KERNEL_ENV}
    data = kernel_spec(private / "data")
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(data), env.get("JUPYTER_PATH", "")) if p)
    return env


def _check_port(port: int) -> None:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as exc:
            reason = "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be used ({exc.strerror})"
            raise LabError(f"--port {port} {reason} on 127.0.0.1; choose another, "
                           f"e.g. --port {port + 1 if port < 65535 else DEFAULT_PORT}") from None


def serve(port: int = DEFAULT_PORT, *, browser: bool = True, workspace: Path = WORKSPACE) -> int:
    """Run JupyterLab on ``workspace`` until interrupted; 0 when stopped by a signal, else its exit status."""
    try:
        port = whole_number(port, "--port", 1, 65535)
    except (InputError, InputTypeError) as exc:
        raise LabError(str(exc)) from None
    if importlib.util.find_spec("jupyterlab") is None:
        raise LabError("JupyterLab is not installed: run `make lab` (or pip install 'nanoflux[lab]')")
    _check_port(port)
    copied, kept = prepare_workspace(workspace)
    token = secrets.token_hex(16)
    private = Path(tempfile.mkdtemp(prefix="nanoflux-lab-"))
    proc = None
    try:
        with raise_on(KeyboardInterrupt):
            try:
                shown = workspace.relative_to(ROOT).as_posix() + "/" if workspace.is_relative_to(ROOT) else workspace
                print(f"JupyterLab on your own copies of the notebooks in {shown} (git ignores it; "
                      f"{len(copied)} copied now, {len(kept)} of yours kept): "
                      f"http://127.0.0.1:{port}/lab?token={token} (Ctrl-C stops it)", flush=True)
                proc = subprocess.Popen(command(workspace, port, token, browser=browser), cwd=workspace,
                                        env=environment(private), start_new_session=True,
                                        preexec_fn=die_with_parent)
                return 1 if proc.wait() else 0
            except KeyboardInterrupt:
                pass
        if proc is not None:  # JupyterLab stops its kernels on SIGTERM
            stop_child(proc)
        return 0
    finally:
        shutil.rmtree(private, ignore_errors=True)
