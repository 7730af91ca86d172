"""A kernel reused by ``nanoflux reproduce`` for the next notebook, made as fresh as a new one.

Starting a kernel and importing NumPy, matplotlib and nanoflux costs about two seconds of CPU,
more than most notebooks compute. The runner therefore keeps one kernel per worker and, before
each notebook, silently runs :func:`prepare` in it (no cell, no execution count): the user
namespace is emptied, matplotlib's figures closed and its settings and the warning filters put
back as they were when the kernel was new, the execution count restarts at 1, and the notebook's
stage folder is set. What stays is what a fresh kernel would load the same way: imported modules.
"""
from __future__ import annotations

import os

_SNAPSHOT: dict = {}

def reset_source(stage: str, cwd: str) -> str:
    """The code the runner sends before a notebook staged in ``stage`` and run in ``cwd``."""
    return f"import nanoflux.kernelstate\nnanoflux.kernelstate.prepare({stage!r}, {cwd!r})"


def prepare(stage: str, cwd: str) -> None:
    """Reset this kernel for the next notebook (see the module)."""
    import warnings

    import matplotlib
    import matplotlib.pyplot as plt
    from IPython import get_ipython

    from . import figures, outputs  # noqa: F401  (imported once per kernel, as every notebook does)

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
