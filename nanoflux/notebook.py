"""Helpers the notebooks call: where to write, the results JSON, and the versions cell.

Paths are resolved once here. ``output_dir`` is taken relative to the kernel's working
directory (the notebooks folder when run by ``nanoflux reproduce``, nbval or Jupyter).
The environment variable ``NANOFLUX_OUTPUT_DIR``, when set, replaces the default
``"../figures"`` only; the tests set it so that executing the stored notebooks never
writes into the committed ``figures/``.
"""
from __future__ import annotations

import json
import os
import platform
from pathlib import Path

from . import __version__
from .parameters import DEFAULT_OUTPUT_DIR

OUTPUT_ENV = "NANOFLUX_OUTPUT_DIR"


def output_path(output_dir: str) -> Path:
    """The folder a notebook writes to (created here, by the code that writes)."""
    if output_dir == DEFAULT_OUTPUT_DIR and os.environ.get(OUTPUT_ENV):
        output_dir = os.environ[OUTPUT_ENV]
    path = Path(output_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_results(output_dir, stem: str, parameters: dict, results) -> str:
    """Write ``<stem>.json`` (nanoflux version, parameters, results); return its file name.

    Keys are sorted and floats written by Python's shortest repr, so reruns are byte-identical.
    """
    path = output_path(str(output_dir)) / f"{stem}.json"
    doc = {"nanoflux": __version__, "notebook": stem, "parameters": parameters, "results": results}
    path.write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return path.name


def versions() -> str:
    """The versions that produced a notebook's outputs, one line."""
    import matplotlib
    import numpy

    return (f"nanoflux {__version__}; Python {platform.python_version()}; "
            f"numpy {numpy.__version__}; matplotlib {matplotlib.__version__}")
