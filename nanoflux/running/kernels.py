"""The kernels of a run: how they are started, made fresh for the next notebook, and killed.

Every kernel runs with :data:`KERNEL_ENV` (the same bits on every x86-64 machine), keeps no IPython
history, and talks over IPC sockets.

A kernel reused by ``nanoflux reproduce`` for the next notebook is made as fresh as a new one.

Starting a kernel and importing NumPy, matplotlib and nanoflux costs about two seconds of CPU,
more than most notebooks compute. The runner therefore keeps one kernel per worker and, before
each notebook, silently runs :func:`prepare` in it (no cell, no execution count): the user
namespace is emptied, matplotlib's figures closed and its settings and the warning filters put
back as they were when the kernel was new, the execution count restarts at 1, the record of the
cells run (nanoflux.running.cells) is emptied, and the notebook's stage folder is set. What stays is
what a fresh kernel would load the same way: imported modules.
"""
from __future__ import annotations

import os
import signal
import threading

from nanoflux.running.signals import Interrupted

KERNEL = "python3"

#: The environment every notebook kernel runs in. NumPy picks its float64 cbrt, power, exp, sin ...
#: by CPU: with AVX-512 it uses other implementations than with AVX2, whose results differ in the
#: last bit, and so do the results JSON and the figures drawn from them. Turning the AVX-512 paths
#: off gives the same bits on both kinds of x86-64 machine (NumPy 2.4's feature names; a name the
#: CPU lacks is ignored).
KERNEL_ENV = {"NPY_DISABLE_CPU_FEATURES": "X86_V4 AVX512_ICL AVX512_SPR"}

_SNAPSHOT: dict = {}


def reset_source(stage: str, cwd: str) -> str:
    """The code the runner sends before a notebook staged in ``stage`` and run in ``cwd``."""
    return f"import nanoflux.running.kernels\nnanoflux.running.kernels.prepare({stage!r}, {cwd!r})"


def prepare(stage: str, cwd: str) -> None:
    """Reset this kernel for the next notebook (see the module)."""
    import warnings

    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    from nanoflux.plots import save  # noqa: F401  (imported once per kernel, as every notebook does)
    from nanoflux.running import cells, outputs

    plt.close("all")
    if not _SNAPSHOT:
        _SNAPSHOT["rc"] = {k: v for k, v in matplotlib.rcParams.items() if k != "backend"}
        _SNAPSHOT["filters"] = list(warnings.filters)
    else:
        matplotlib.rcParams.update(_SNAPSHOT["rc"])
        warnings.filters[:] = _SNAPSHOT["filters"]
        getattr(warnings, "_filters_mutated", lambda: None)()  # forget which warnings were shown once
    os.environ[outputs.STAGE_ENV] = stage
    os.chdir(cwd)
    shell = get_ipython()
    shell.reset(new_session=False)  # the user namespace, Out and the input history
    shell.execution_count = 1  # the notebook's first cell is In [1] (a silent request counts none)
    cells.restart(shell)  # the record of the code run starts with the notebook's first cell


def kernel_manager(env: dict, connection_file: str):
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


def kill(km) -> None:
    """Kill a kernel's whole process group at once (a kernel leads its own session)."""
    pid = getattr(getattr(km, "provisioner", None), "pid", None)
    if pid:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


class Kernels:
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
                kill(km)


def reset(km, stage: str, cwd: str) -> None:
    """Make a kernel fresh for the next notebook , silently: no cell, no count."""
    from jupyter_core.utils import run_sync

    client = km.client()
    client.start_channels(iopub=False, stdin=False, hb=False, control=False)
    try:
        msg_id = client.execute(reset_source(stage, cwd), silent=True, store_history=False)
        while (reply := run_sync(client.get_shell_msg)(timeout=60))["parent_header"].get("msg_id") != msg_id:
            pass
    finally:
        client.stop_channels()
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"could not reset the kernel: {reply['content'].get('evalue', '')}")
