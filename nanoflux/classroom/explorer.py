"""The classroom explorer of notebook 07: both critical radii, recomputed and redrawn as values change.

Two parts, kept apart so the first can be tested and timed without a browser:

* :class:`Explorer` holds the six values (B, N, n, the flux-quantum convention, a material preset and
  the shape of the particle), checks them with :func:`nanoflux.running.parameters.explorer_values`,
  computes the two radii (the paper's Eq. 4 and its mean-field formula, Table I) and redraws one
  :class:`nanoflux.plots.explorer.ExplorerPlot` in place. ``update(...)`` is the whole cost of a change.
* :class:`ExplorerApp` wires ipywidgets controls to an :class:`Explorer`. ipywidgets is imported
  only there, so this module (and ``import nanoflux``) works without it.

Choosing a material sets n to its atomic number density and B to the internal flux density of a uniformly
magnetized particle of that material (:func:`nanoflux.materials.internal_field_tesla`): (2/3) mu0 Ms in a
sphere (the default shape), mu0 Ms in a long rod magnetized along its axis. Moving B or n away from the
preset's values makes the choice "none" (custom) again; custom values take B as given, whatever the shape.
"""
from __future__ import annotations

import html
import io
import math
from dataclasses import asdict, dataclass

from nanoflux.flux import critical_radius
from nanoflux.formatting import num
from nanoflux.materials import get_material, internal_field_tesla
from nanoflux.meanfield import critical_radius_mean_field
from nanoflux.plots.style import RED
from nanoflux.running.parameters import (
    DEFAULTS,
    EXPLORER_B_TESLA,
    EXPLORER_MATERIALS,
    EXPLORER_N,
    EXPLORER_N_PER_M3,
    EXPLORER_SHAPES,
    explorer_values,
)
from nanoflux.validate import InputTypeError

#: What a stored notebook shows in place of the live controls (no widget front end there).
STATIC_TEXT = ("[classroom explorer: live controls for B, N, n, the flux quantum, the material and the particle's "
               "shape; they need a running Jupyter kernel with ipywidgets]")
#: The explorer's values, by name: what ``update`` takes.
VALUES = ("B_tesla", "N", "n_per_m3", "flux_quantum_convention", "material", "shape")
#: The paper's values (notebook 07's defaults): where the "paper's values" button puts every control.
PAPER = {k: DEFAULTS["07_classroom_explorer"][k] for k in VALUES}
#: A preset's B in each shape, as plain text, matplotlib mathtext and HTML.
FIELD_OF_SHAPE = {
    "sphere": ("(2/3) mu0 Ms", r"$B = \frac{2}{3}\,\mu_0 M_s$", "B = \u2154 \u03bc<sub>0</sub>M<sub>s</sub>"),
    "rod": ("mu0 Ms", r"$B = \mu_0 M_s$", "B = \u03bc<sub>0</sub>M<sub>s</sub>"),
}


@dataclass(frozen=True)
class ExplorerState:
    """The explorer's values and the two radii they give (SI in, nm out)."""

    B_tesla: float
    N: int
    n_per_m3: float
    flux_quantum_convention: str
    material: str
    shape: str
    flux_radius_nm: float
    mean_field_radius_nm: float

    def source(self) -> str:
        """Where B and n come from, in words: "custom values" or "Fe preset (bcc iron), sphere"."""
        if self.material == "none":
            return "custom values"
        return f"{self.material} preset ({get_material(self.material).structure}), {self.shape}"

    def heading(self) -> str:
        """One line naming where B and n come from (matplotlib mathtext, for the chart)."""
        if self.material == "none":
            source = "custom: $B$"
        else:
            source = f"{self.material} {self.shape}: {FIELD_OF_SHAPE[self.shape][1]}"
        return (f"{source} = {self.B_tesla:.4g} T, $n$ = {num(self.n_per_m3)} m$^{{-3}}$, "
                f"$\\Phi_0$ = ${self.flux_quantum_convention}$")

    def text(self) -> str:
        """The two radii as plain text, with the values they come from."""
        source = self.source() + ("" if self.material == "none" else f": B = {FIELD_OF_SHAPE[self.shape][0]}")
        dipoles = "dipole" if self.N == 1 else "dipoles"
        return "\n".join([
            f"source: {source}",
            f"flux quantization (Eq. 4), Phi0 = {self.flux_quantum_convention}, B = {self.B_tesla:.4g} T:",
            f"    r_c = sqrt(Phi0 / (pi B))     = {self.flux_radius_nm:10.4f} nm",
            f"mean field (Table I's formula), N = {self.N:d} {dipoles}, n = {num(self.n_per_m3)} m^-3:",
            f"    r_c = (3 N / (4 pi n))^(1/3) = {self.mean_field_radius_nm:10.4f} nm",
            f"ratio flux / mean field: {self.flux_radius_nm / self.mean_field_radius_nm:.4g}",
        ])

    def values(self) -> dict:
        """The six values the radii are computed from (what :meth:`Explorer.update` takes)."""
        return {k: getattr(self, k) for k in VALUES}

    def as_dict(self) -> dict:
        return asdict(self)


def compute(*, B_tesla, N, n_per_m3, flux_quantum_convention, material, shape="sphere") -> ExplorerState:
    """Check the values and compute both radii; a material other than "none" replaces B (by the internal
    field of a ``shape`` of it) and n."""
    values = explorer_values(B_tesla=B_tesla, N=N, n_per_m3=n_per_m3,
                             flux_quantum_convention=flux_quantum_convention, material=material, shape=shape)
    if values["material"] != "none":
        values["B_tesla"] = internal_field_tesla(values["material"], values["shape"])
        values["n_per_m3"] = get_material(values["material"]).n_per_m3
    return ExplorerState(
        **values,
        flux_radius_nm=critical_radius(values["B_tesla"], values["flux_quantum_convention"]) * 1e9,
        mean_field_radius_nm=critical_radius_mean_field(values["N"], values["n_per_m3"]) * 1e9,
    )


class Explorer:
    """The explorer without widgets: current values, their radii, and a chart redrawn in place.

    >>> ex = Explorer()                      # B = 1 T, N = 1, n = 1e23 m^-3, h/2e, no material
    >>> round(ex.state.flux_radius_nm, 3)    # the paper's Eq. 4 at 1 T
    25.656
    >>> round(ex.update(material="Fe").flux_radius_nm, 2)   # an iron sphere: B = (2/3) mu0 Ms
    21.45
    >>> round(ex.update(shape="rod").flux_radius_nm, 2)     # a long iron rod: B = mu0 Ms
    17.52

    ``update`` checks the new values (ValueError/TypeError naming the value, state unchanged),
    recomputes both radii and redraws the figure: only the moving parts, over a stored background
    (see :class:`nanoflux.plots.explorer.ExplorerPlot`); benchmarks/bench_explorer.py times it against 50 ms.
    ``set_layout("projector")`` draws the same values on the projector's chart (wide, large text).
    """

    def __init__(self, B_tesla=1.0, N=1, n_per_m3=1e23, flux_quantum_convention="h/2e", material="none",
                 shape="sphere", layout="normal"):
        self.state = compute(B_tesla=B_tesla, N=N, n_per_m3=n_per_m3,
                             flux_quantum_convention=flux_quantum_convention, material=material, shape=shape)
        self._plots = {}
        self.plot = self._plot(layout)
        self._redraw()

    def _plot(self, layout: str):
        from nanoflux.plots.explorer import LAYOUTS, ExplorerPlot
        from nanoflux.validate import choice

        choice(layout, "layout", LAYOUTS)
        if layout not in self._plots:  # built once, on first use
            self._plots[layout] = ExplorerPlot(EXPLORER_B_TESLA, EXPLORER_N, EXPLORER_N_PER_M3, layout=layout)
        return self._plots[layout]

    @property
    def figure(self):
        """The matplotlib Figure, as last drawn."""
        return self.plot.figure

    def set_layout(self, layout: str) -> None:
        """Draw on the chart of ``layout`` ("normal" or "projector") from now on, at the current values."""
        self.plot = self._plot(layout)
        self._redraw()

    def update(self, **changes) -> ExplorerState:
        """Change any of B_tesla, N, n_per_m3, flux_quantum_convention, material, shape; recompute and redraw.

        Naming a material (other than "none") sets B and n to its values, B for the current shape; changing
        the shape with a material chosen sets B to that shape's. Changing B or n by hand while a material is
        chosen switches the material to "none" unless the value is the preset's.
        """
        unknown = set(changes) - set(VALUES)
        if unknown:
            raise InputTypeError(f"update takes {', '.join(VALUES)}; got {', '.join(sorted(unknown))}")
        values = {**self.state.values(), **changes}
        by_hand = {"B_tesla", "n_per_m3"} & set(changes)
        if by_hand and "material" not in changes and values["material"] != "none":
            preset = compute(**values)  # the preset's B and n, for the shape asked
            if values["B_tesla"] != preset.B_tesla or values["n_per_m3"] != preset.n_per_m3:
                values["material"] = "none"
        self.state = compute(**values)
        self._redraw()
        return self.state

    def _redraw(self) -> None:
        s = self.state
        self.plot.show(s.B_tesla, s.N, s.n_per_m3, s.flux_quantum_convention,
                       s.flux_radius_nm, s.mean_field_radius_nm, heading=s.heading())

    def alt_text(self) -> str:
        """The chart in words, at the current values (its alt text)."""
        s = self.state
        where = "custom values" if s.material == "none" else f"the {s.material} preset for a {s.shape}"
        return (f"Chart of Figure 2's two curves on log-log axes, at {where} (B = {s.B_tesla:.4g} T, "
                f"N = {s.N:,}, n = {num(s.n_per_m3)} m⁻³, flux quantum {s.flux_quantum_convention}): the "
                f"flux-quantum radius against B (blue, bottom axis) with the point r_c = {s.flux_radius_nm:.4g} nm, "
                f"and the mean-field radius against N (red, top axis) with the point r_c = "
                f"{s.mean_field_radius_nm:.4g} nm; open symbols mark the paper's printed values.")

    def png(self) -> bytes:
        """The figure as last drawn, as PNG bytes: encoded from the Agg buffer (no second draw) as RGB, since
        the canvas is opaque (a tenth smaller and cheaper to encode than RGBA, the same pixels)."""
        from PIL import Image

        canvas = self.plot.figure.canvas
        width, height = canvas.get_width_height(physical=True)
        buffer = io.BytesIO()
        rgba = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        rgba.convert("RGB").save(buffer, format="png", compress_level=1)
        return buffer.getvalue()


#: N on its slider: whole numbers, about a dozen per decade (1-1.2-1.5-2-2.5-3-4-5-6-7-8 times 10^k).
N_STEPS = tuple(sorted({int(round(m * 10**k)) for k in range(7) for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8)
                        if EXPLORER_N[0] <= round(m * 10**k) <= EXPLORER_N[1]}))


def _nearest_N(N: int) -> int:
    return min(N_STEPS, key=lambda k: abs(math.log(k) - math.log(N)))


class ExplorerApp:
    """ipywidgets controls driving an :class:`Explorer`: a material menu, the particle's shape, sliders for B,
    n and N (N in whole numbers on a logarithmic scale), a convention toggle, readouts that show the values
    the radii are computed from, the chart (a PNG rendered at twice the screen's pixel density), a "paper's
    values" button that puts every control back to the paper's values, and a projector switch
    (:mod:`nanoflux.classroom.projector`: the chart across the whole window, text of 18 px and more).

    Laid out for a 1280 x 720 projector: the controls in a 330 px column beside the chart, 576 px wide
    where there is room and down to 380 px where there is not (JupyterLab with its file browser open).
    Displaying it shows the live controls in Jupyter and Voila; a stored notebook (papermill, nbval,
    a static page) shows the chart at the current values as a PNG, and :data:`STATIC_TEXT` as text.
    ``projector`` None: on when the environment says so (``NANOFLUX_PROJECTOR=1``, set by
    ``nanoflux classroom --projector``).
    """

    def __init__(self, explorer: Explorer | None = None, projector: bool | None = None):
        import ipywidgets as w

        from nanoflux.classroom import projector as proj
        from nanoflux.plots.explorer import EXPLORER_WIDTH_PX

        self.explorer = explorer if explorer is not None else Explorer()
        # Redraw first: displaying or saving the figure since the last update leaves other pixels on the canvas.
        s = self.explorer.update()
        def log(limits):
            return math.log10(limits[0]), math.log10(limits[1])
        slider = w.Layout(width="190px")
        label = {"description_width": "4.5em"}
        b_lo, b_hi = log(EXPLORER_B_TESLA)
        n_lo, n_hi = log(EXPLORER_N_PER_M3)
        self.B = w.FloatLogSlider(value=s.B_tesla, base=10, min=b_lo, max=b_hi, step=0.01, readout=False,
                                  description="B", style=label, layout=slider)
        self.n = w.FloatLogSlider(value=s.n_per_m3, base=10, min=n_lo, max=n_hi, step=0.05, readout=False,
                                  description="n", style=label, layout=slider)
        self.N = w.SelectionSlider(options=[(f"{k:,}", k) for k in N_STEPS], value=_nearest_N(s.N), readout=False,
                                   description="N", style=label, layout=slider)
        self.B_readout, self.n_readout, self.N_readout = (w.HTML(layout=w.Layout(width="110px")) for _ in range(3))
        buttons = {"description_width": "4.5em", "button_width": "4.5em"}
        self.convention = w.ToggleButtons(options=["h/2e", "h/e"], value=s.flux_quantum_convention,
                                          description="\u03a6\u2080", style=buttons)
        self.material = w.Dropdown(options=[("none (custom B, n)", "none")] + [(m, m) for m in EXPLORER_MATERIALS[1:]],
                                   value=s.material, description="material", style=label,
                                   layout=w.Layout(width="300px"))
        self.shape = w.ToggleButtons(options=list(EXPLORER_SHAPES), value=s.shape, description="shape",
                                     style={**buttons, "button_width": "6em"},  # "sphere" whole, not "sph..."
                                     tooltips=["a material's sphere: B = (2/3) \u03bc\u2080Ms",
                                               "a material's long rod, magnetized along its axis: B = \u03bc\u2080Ms"])
        self.reset = w.Button(description="paper's values", layout=w.Layout(width="9.5em"),
                              tooltip="B = 1 T, N = 1, n = 1e23 m\u207b\u00b3, \u03a6\u2080 = h/2e, no material")
        self.projector = w.ToggleButton(value=False, description="projector", layout=w.Layout(width="8em"),
                                        tooltip="the chart across the whole window, large text (hides the rest)")
        self.style = w.HTML("")  # projector mode's stylesheet, empty when it is off
        # beside the controls, shrinking from 576 px down to 380 px before it wraps below them: JupyterLab
        # with its file browser open leaves about 520 px beside the controls at 1280 x 720
        self.image = w.Image(value=self.explorer.png(), format="png",
                             layout=w.Layout(flex="1 1 380px", width="auto", height="auto",
                                             min_width="380px", max_width=f"{EXPLORER_WIDTH_PX}px"))
        self.radii = w.HTML(layout=w.Layout(width="320px"))
        # class names a page (or a browser test) can find each control by: nanoflux-B, nanoflux-B-readout, ...
        for name in ("B", "n", "N", "B_readout", "n_readout", "N_readout", "convention", "material", "shape",
                     "image", "radii", "reset", "projector"):
            getattr(self, name).add_class("nanoflux-" + name.replace("_", "-"))
        self._syncing = False
        self.B.observe(lambda c: self._moved("B_tesla", c["new"], self.B.step), names="value")
        self.N.observe(lambda c: self._changed(N=int(c["new"])), names="value")
        self.n.observe(lambda c: self._moved("n_per_m3", c["new"], self.n.step), names="value")
        self.convention.observe(lambda c: self._changed(flux_quantum_convention=c["new"]), names="value")
        self.material.observe(lambda c: self._changed(material=c["new"]), names="value")
        self.shape.observe(lambda c: self._changed(shape=c["new"]), names="value")
        self.reset.on_click(lambda _button: self.paper_values())
        self.projector.observe(lambda c: self.set_projector(c["new"]), names="value")
        self.controls = w.VBox([self.material, self.shape, w.HBox([self.B, self.B_readout]),
                                w.HBox([self.n, self.n_readout]), w.HBox([self.N, self.N_readout]), self.convention,
                                self.radii, w.HBox([self.reset, self.projector]), self.style],
                               layout=w.Layout(width="330px", min_width="330px"))
        self.controls.add_class("nanoflux-controls")
        self.box = w.HBox([self.controls, self.image],
                          layout=w.Layout(flex_flow="row wrap", align_items="flex-start", width="100%"))
        self.box.add_class("nanoflux-explorer")
        self._show_values()
        if projector if projector is not None else proj.requested():
            self.projector.value = True

    def _show_values(self) -> None:
        """The readouts and the radii: the exact values the explorer computes with."""
        s = self.explorer.state
        self.B_readout.value = f"<b>{s.B_tesla:.4g}</b> T"
        self.n_readout.value = f"<b>{num(s.n_per_m3)}</b> m<sup>\u22123</sup>"
        self.N_readout.value = f"<b>{s.N:,}</b> dipole{'s' if s.N != 1 else ''}"
        self.shape.disabled = s.material == "none"  # custom values take B as given, whatever the shape
        field = "" if s.material == "none" else f": {FIELD_OF_SHAPE[s.shape][2]}"
        self.radii.value = (
            f"<div style='line-height:1.5;margin-top:0.4em'>{html.escape(s.source())}{field}<br>"
            f"flux quantum, Eq. 4: <b>r<sub>c</sub> = {s.flux_radius_nm:.4g} nm</b><br>"
            f"mean field, Table I: <b>r<sub>c</sub> = {s.mean_field_radius_nm:.4g} nm</b></div>")

    def _moved(self, name: str, value: float, step: float) -> None:
        """A log slider moved. A move of less than half a step is the slider rounding a value it was
        given (a material's B or n), not the student: it must not switch the material to custom."""
        current = getattr(self.explorer.state, name)
        if abs(math.log10(value) - math.log10(current)) < step / 2:
            return
        self._changed(**{name: value})

    def _changed(self, **change) -> None:
        """One control moved: update the explorer, then show its values on the other controls."""
        if self._syncing:
            return
        try:
            self.explorer.update(**change)
        except (ValueError, TypeError) as exc:
            self.radii.value = f"<p style='color:{RED}'>{html.escape(str(exc))}</p>"
            return
        self._show_state()

    def _show_state(self) -> None:
        """Every control, readout and the chart at the explorer's state (the controls' own events muted)."""
        state = self.explorer.state
        self._syncing = True
        try:
            self.B.value, self.n.value, self.material.value = state.B_tesla, state.n_per_m3, state.material
            self.N.value, self.convention.value = _nearest_N(state.N), state.flux_quantum_convention
            self.shape.value = state.shape
        finally:
            self._syncing = False
        self.image.value = self.explorer.png()
        self._show_values()

    def paper_values(self) -> None:
        """Every control back to the paper's values (:data:`PAPER`), with one redraw."""
        self.explorer.update(**PAPER)
        self._show_state()

    def set_projector(self, on: bool) -> None:
        """Projector mode on or off: the chart's layout, the page's stylesheet and the box's direction."""
        from nanoflux.classroom.projector import STYLESHEET

        self.explorer.set_layout("projector" if on else "normal")
        self.box.layout.flex_flow = "column nowrap" if on else "row wrap"
        self.style.value = STYLESHEET if on else ""
        if self.projector.value != on:
            self.projector.value = on
        self.image.value = self.explorer.png()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs) or {}
        bundle["image/png"] = self.explorer.png()  # what a reader of the stored notebook sees
        bundle["text/plain"] = f"{STATIC_TEXT}\n{self.explorer.alt_text()}"  # and the static chart's alt text
        return bundle
