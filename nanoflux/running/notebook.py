"""What a notebook calls to start: its checked parameters, where its results go, and how they are written.

Each notebook begins with ``run = notebook.start("<stem>", output_dir=output_dir, **parameters)``;
the parameters are validated (``nanoflux.running.parameters``), the folder comes from the one output
rule (``nanoflux.running.outputs``), and ``run`` saves figures and the results JSON there. The rule
also asks which code the kernel has run (``nanoflux.running.cells``), so the folder is decided again at
every write: a run whose cells stop being the stored notebook's leaves ``figures/`` from that cell on.
A run staged by ``nanoflux reproduce`` or by the tests (``NANOFLUX_STAGE_DIR``) writes into the stage
and reports the destination, which the runner fills once every notebook has succeeded.
"""
from __future__ import annotations

import dataclasses
import json
import os
import platform
from dataclasses import dataclass, field
from pathlib import Path

from nanoflux import __version__
from nanoflux.running import cells, outputs
from nanoflux.running.parameters import validate


@dataclass
class Run:
    """One run of a notebook: its name, validated parameters, the folder chosen with ``output_dir`` (None
    for the rule's own choice) and the files written."""

    stem: str
    parameters: dict
    output_dir: Path | None = None
    written: list = field(default_factory=list)

    @property
    def canonical(self) -> bool:
        """Whether this is the canonical run so far: the paper's defaults, the stored notebook's code."""
        return self.output_dir is None and outputs.is_canonical(self.stem, self.parameters, cells.recorded())

    @property
    def destination(self) -> Path:
        """Where this run's results go, by the one output rule and the code run so far."""
        return outputs.destination(self.stem, self.parameters, self.output_dir, cells.recorded())

    def _folder(self, *names: str) -> Path:
        """Where files ``names`` are written now: the stage when a runner set one, else the destination (each
        file checked where it lands, nanoflux.running.outputs.check_target)."""
        stage = os.environ.get(outputs.STAGE_ENV)
        destination = self.destination
        path = Path(stage) if stage else destination
        path.mkdir(parents=True, exist_ok=True)
        if not stage:
            allowed = (outputs.FIGURES_DIR,) if destination == outputs.FIGURES_DIR else ()
            mark = (outputs.RUN_MARK,) if outputs.marked(destination) else ()
            for name in (*names, *mark):
                outputs.check_target(path / name, allowed)
            if mark:
                (path / outputs.RUN_MARK).touch()
        return path

    @property
    def folder(self) -> Path:
        """Where files are written now: the stage when a runner set one, else the destination."""
        return self._folder()

    def where(self) -> str:
        """One sentence saying where the results go, and why."""
        destination = self.destination
        if destination == outputs.FIGURES_DIR:
            return "Every parameter has the paper's default: the results go to figures/, the canonical set."
        start = f"The results go to {outputs.shown(destination)}, not to figures/: "
        if self.output_dir is not None:
            return start + "a folder chosen with output_dir."
        code = cells.recorded()
        if code is None:
            return start + ("this kernel keeps no record of the code it runs (the IPython extension "
                            "nanoflux.running.cells is not loaded; `make` installs it), so this cannot be shown "
                            "to be the stored notebook's run, and this folder is for its parameters alone.")
        if outputs.divergence(self.stem, code) is not None:
            return start + (f"the code run is not the stored notebook's (the cells run differ from it at cell "
                            f"{outputs.divergence(self.stem, code) + 1}), and this folder is for its parameters and "
                            "code alone.")
        return start + "parameters differ from the paper's defaults, and this folder is theirs alone."

    def _repr_markdown_(self) -> str:
        shown = outputs.shown(self.destination)
        return self.where().replace(shown, f"`{shown}`")

    def __repr__(self) -> str:
        return self.where()

    def save_figure(self, fig, name: str) -> dict:
        """Save ``fig`` as ``name``.png/.svg/.pdf (nanoflux.plots.save.save_figure); {file name: sha256}."""
        from nanoflux.plots.save import save_figure

        folder = self._folder(*(f"{name}.{kind}" for kind in ("png", "svg", "pdf")))
        files = save_figure(fig, folder, name, notebook=self.stem, parameters=self.parameters)
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
        path = self._folder(f"{self.stem}.json") / f"{self.stem}.json"
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
    chosen = None if output_dir is None else outputs.check_folder(output_dir, "output_dir")
    return Run(stem, clean, chosen)


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
