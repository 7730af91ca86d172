"""The code a kernel has run: the record the output rule compares with the stored notebook's code.

An IPython extension. Loaded when a kernel starts (``jupyter-config/etc/ipython/ipython_kernel_config.json``,
installed into the environment by ``make``; ``nanoflux reproduce`` loads it into its own kernels), it
records the source of every cell the kernel runs, in order, whoever sends it: JupyterLab, papermill,
nbclient, nbval or Voila. Only requests marked silent (no cell, no output: what a runner sends to reset a
kernel) are not recorded. :func:`recorded` gives the record; None means this kernel does not keep one, so
what it ran is unknown (nanoflux.running.outputs then never treats its run as the canonical one).
"""
from __future__ import annotations

#: The sources of the cells run since the kernel started (or since :func:`restart`); None when no
#: record is kept (the extension was not loaded).
_RECORD: list[str] | None = None


def _pre_run_cell(info) -> None:
    if _RECORD is not None and (info.raw_cell or "").strip():
        _RECORD.append(info.raw_cell)


def load_ipython_extension(shell) -> None:
    """Start recording the cells ``shell`` runs (IPython's extension hook)."""
    global _RECORD
    if _RECORD is None:
        _RECORD = []
        shell.events.register("pre_run_cell", _pre_run_cell)


def unload_ipython_extension(shell) -> None:
    """Stop recording: the code run from now on is unknown."""
    global _RECORD
    if _RECORD is not None:
        shell.events.unregister("pre_run_cell", _pre_run_cell)
        _RECORD = None


def restart(shell=None) -> None:
    """An empty record, as in a new kernel (a runner reusing a kernel for its next notebook); starts
    recording in ``shell`` when no record was kept."""
    if _RECORD is None:
        if shell is not None:
            load_ipython_extension(shell)
        return
    _RECORD.clear()


def recorded() -> list[str] | None:
    """The cells run so far, in order (the running cell last), or None when no record is kept."""
    return None if _RECORD is None else list(_RECORD)
