"""What a notebook calls to start: its checked parameters, where its results go, and how they are written.

Each notebook begins with ``run = notebook.start("<stem>", output_dir=output_dir, **parameters)``;
the parameters are validated (``nanoflux.running.parameters``), the folder comes from the one output
rule (``nanoflux.running.outputs``), and ``run`` saves figures and the results JSON there. A run staged
by ``nanoflux reproduce`` or by the tests (``NANOFLUX_STAGE_DIR``) writes into the stage and
reports the destination, which the runner fills once every notebook has succeeded.
"""
from __future__ import annotations

import dataclasses
import json
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

from nanoflux import __version__
from nanoflux.running import outputs
from nanoflux.running.parameters import validate


@dataclass
class Run:
    """One run of a notebook: its name, validated parameters, destination and the files written."""

    stem: str
    parameters: dict
    destination: Path
    canonical: bool
    written: list = field(default_factory=list)

    @property
    def folder(self) -> Path:
        """Where files are written now: the stage when a runner set one, else the destination."""
        stage = os.environ.get(outputs.STAGE_ENV)
        path = Path(stage) if stage else self.destination
        path.mkdir(parents=True, exist_ok=True)
        if not stage and outputs.marked(self.destination):
            (path / outputs.RUN_MARK).touch()
        return path

    def where(self) -> str:
        """One sentence saying where the results go, and why."""
        if self.canonical and self.destination == outputs.FIGURES_DIR:
            return "Every parameter has the paper's default: the results go to figures/, the canonical set."
        return f"The results go to {outputs.shown(self.destination)}, not to figures/: " + (
            "a folder chosen with output_dir." if not self.destination.is_relative_to(outputs.RUNS_DIR)
            else "parameters differ from the paper's defaults, and this folder is theirs alone.")

    def _repr_markdown_(self) -> str:
        return self.where().replace(outputs.shown(self.destination), f"`{outputs.shown(self.destination)}`")

    def __repr__(self) -> str:
        return self.where()

    def save_figure(self, fig, name: str) -> dict:
        """Save ``fig`` as ``name``.png/.svg/.pdf (nanoflux.plots.save.save_figure); {file name: sha256}."""
        from nanoflux.plots.save import save_figure

        files = save_figure(fig, self.folder, name, notebook=self.stem, parameters=self.parameters)
        self.written += [f for f in sorted(files) if f not in self.written]
        return files

    def show(self, file_name: str, alt: str | None = None):
        """Display a PNG this run saved, the exact file written, with what it shows in words (``alt``, by
        default the description saved with it): its plain-text form, and its alt text on the site."""
        from nanoflux.plots.save import show_png

        return show_png(self.folder / file_name, alt)

    def write_results(self, results) -> str:
        """Write ``<stem>.json`` (nanoflux version, parameters, results); say what was written where.

        Keys are sorted and floats written by Python's shortest repr, so reruns are byte-identical. Typed rows
        (NamedTuples, dataclasses) are written as objects, by field name.
        """
        doc = {"nanoflux": __version__, "notebook": self.stem, "parameters": self.parameters,
               "results": plain(results)}
        path = self.folder / f"{self.stem}.json"
        path.write_text(json.dumps(doc, indent=2, sort_keys=True, allow_nan=False) + "\n", encoding="utf-8")
        if path.name not in self.written:
            self.written.append(path.name)
        names = ", ".join(self.written[:-1]) + " and " * (len(self.written) > 1) + self.written[-1]
        return f"wrote {names} to {outputs.shown(self.destination)}"


def plain(value):
    """``value`` with every typed row (a NamedTuple or a dataclass instance) turned into a dict of its fields,
    at any depth, and tuples into lists: what JSON writes."""
    if hasattr(value, "_asdict"):
        return {k: plain(v) for k, v in value._asdict().items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def start(stem: str, output_dir=None, **parameters) -> Run:
    """Validate notebook ``stem``'s parameters and decide where its results go (nanoflux.running.outputs)."""
    clean = validate(stem, parameters)
    canonical = outputs.is_canonical(stem, clean)
    return Run(stem, clean, outputs.destination(stem, clean, output_dir), canonical and output_dir is None)


@dataclass(frozen=True)
class Said:
    """Markdown computed in code: rendered in notebooks and on the site, its source as the plain-text
    form (which nbval compares)."""

    text: str

    def _repr_markdown_(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return self.text


def say(text: str) -> Said:
    """A result or conclusion computed in code, shown as rendered Markdown (``$...$`` for mathematics)."""
    return Said(text)


def versions() -> str:
    """The versions that produced a notebook's outputs, one line."""
    import matplotlib
    import numpy

    return (f"nanoflux {__version__}; Python {platform.python_version()}; "
            f"numpy {numpy.__version__}; matplotlib {matplotlib.__version__}")
