"""The classroom explorer of notebook 07: both critical radii, recomputed and redrawn as values change.

Two parts, kept apart so the first can be tested and timed without a browser:

* :class:`Explorer` holds the five values (B, N, n, the flux-quantum convention, a material
  preset), checks them with :func:`nanoflux.running.parameters.explorer_values`, computes the two radii
  (the paper's Eq. 4 and its mean-field formula, Table I) and redraws one
  :class:`nanoflux.plots.explorer.ExplorerPlot` in place. ``update(...)`` is the whole cost of a change.
* :class:`ExplorerApp` wires ipywidgets controls to an :class:`Explorer`. ipywidgets is imported
  only there, so this module (and ``import nanoflux``) works without it.

Choosing a material sets B to its mu0 Ms and n to its atomic number density
(:data:`nanoflux.MATERIALS`); moving B or n away from a preset's values makes the choice "none"
(custom) again.
"""
from __future__ import annotations

import html
import io
import math
from dataclasses import asdict, dataclass

from nanoflux.flux import critical_radius
from nanoflux.formatting import num
from nanoflux.materials import get_material
from nanoflux.meanfield import critical_radius_mean_field
from nanoflux.plots.style import RED
from nanoflux.running.parameters import (
    EXPLORER_B_TESLA,
    EXPLORER_MATERIALS,
    EXPLORER_N,
    EXPLORER_N_PER_M3,
    explorer_values,
)
from nanoflux.validate import InputTypeError

#: What a stored notebook shows in place of the live controls (no widget front end there).
STATIC_TEXT = ("[classroom explorer: live controls for B, N, n, the flux quantum and the material; "
               "they need a running Jupyter kernel with ipywidgets]")


@dataclass(frozen=True)
class ExplorerState:
    """The explorer's values and the two radii they give (SI in, nm out)."""

    B_tesla: float
    N: int
    n_per_m3: float
    flux_quantum_convention: str
    material: str
    flux_radius_nm: float
    mean_field_radius_nm: float

    def heading(self) -> str:
        """One line naming where B and n come from (matplotlib mathtext, for the chart)."""
        source = "custom: $B$" if self.material == "none" else f"{self.material}: $B = \\mu_0 M_s$"
        return (f"{source} = {self.B_tesla:.4g} T, $n$ = {num(self.n_per_m3)} m$^{{-3}}$, "
                f"$\\Phi_0$ = ${self.flux_quantum_convention}$")

    def text(self) -> str:
        """The two radii as plain text, with the values they come from."""
        source = ("custom values" if self.material == "none"
                  else f"{self.material} preset ({get_material(self.material).structure})")
        dipoles = "dipole" if self.N == 1 else "dipoles"
        return "\n".join([
            f"source: {source}",
            f"flux quantization (Eq. 4), Phi0 = {self.flux_quantum_convention}, B = {self.B_tesla:.4g} T:",
            f"    r_c = sqrt(Phi0 / (pi B))     = {self.flux_radius_nm:10.4f} nm",
            f"mean field (Table I's formula), N = {self.N:d} {dipoles}, n = {num(self.n_per_m3)} m^-3:",
            f"    r_c = (3 N / (4 pi n))^(1/3) = {self.mean_field_radius_nm:10.4f} nm",
            f"ratio flux / mean field: {self.flux_radius_nm / self.mean_field_radius_nm:.4g}",
        ])

    def as_dict(self) -> dict:
        return asdict(self)


def compute(*, B_tesla, N, n_per_m3, flux_quantum_convention, material) -> ExplorerState:
    """Check the values and compute both radii; a material other than "none" replaces B and n."""
    values = explorer_values(B_tesla=B_tesla, N=N, n_per_m3=n_per_m3,
                             flux_quantum_convention=flux_quantum_convention, material=material)
    if values["material"] != "none":
        preset = get_material(values["material"])
        values["B_tesla"], values["n_per_m3"] = preset.mu0Ms_tesla, preset.n_per_m3
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
    >>> round(ex.update(material="Fe").flux_radius_nm, 2)
    17.52

    ``update`` checks the new values (ValueError/TypeError naming the value, state unchanged),
    recomputes both radii and redraws the figure: only the moving parts, over a stored background
    (see :class:`nanoflux.plots.explorer.ExplorerPlot`); benchmarks/bench_explorer.py times it against 50 ms.
    """

    def __init__(self, B_tesla=1.0, N=1, n_per_m3=1e23, flux_quantum_convention="h/2e", material="none"):
        from nanoflux.plots.explorer import ExplorerPlot

        self.state = compute(B_tesla=B_tesla, N=N, n_per_m3=n_per_m3,
                             flux_quantum_convention=flux_quantum_convention, material=material)
        self.plot = ExplorerPlot(EXPLORER_B_TESLA, EXPLORER_N, EXPLORER_N_PER_M3)
        self._redraw()

    @property
    def figure(self):
        """The matplotlib Figure, as last drawn."""
        return self.plot.figure

    def update(self, **changes) -> ExplorerState:
        """Change any of B_tesla, N, n_per_m3, flux_quantum_convention, material; recompute and redraw.

        Naming a material (other than "none") sets B and n to its values. Changing B or n by hand
        while a material is chosen switches the material to "none" unless the value is the preset's.
        """
        unknown = set(changes) - {"B_tesla", "N", "n_per_m3", "flux_quantum_convention", "material"}
        if unknown:
            raise InputTypeError(f"update takes B_tesla, N, n_per_m3, flux_quantum_convention, material; "
                            f"got {', '.join(sorted(unknown))}")
        values = {k: v for k, v in self.state.as_dict().items() if k not in ("flux_radius_nm", "mean_field_radius_nm")}
        values.update(changes)
        if "material" not in changes and values["material"] != "none":
            preset = get_material(values["material"])
            if values["B_tesla"] != preset.mu0Ms_tesla or values["n_per_m3"] != preset.n_per_m3:
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
        where = "custom values" if s.material == "none" else f"the {s.material} preset"
        return (f"Chart of Figure 2's two curves on log-log axes, at {where} (B = {s.B_tesla:.4g} T, "
                f"N = {s.N:,}, n = {num(s.n_per_m3)} m⁻³, flux quantum {s.flux_quantum_convention}): the "
                f"flux-quantum radius against B (blue, bottom axis) with the point r_c = {s.flux_radius_nm:.4g} nm, "
                f"and the mean-field radius against N (red, top axis) with the point r_c = "
                f"{s.mean_field_radius_nm:.4g} nm; open symbols mark the paper's printed values.")

    def png(self) -> bytes:
        """The figure as last drawn, as PNG bytes (encoded from the Agg buffer; no second draw)."""
        from PIL import Image

        canvas = self.plot.figure.canvas
        width, height = canvas.get_width_height(physical=True)
        buffer = io.BytesIO()
        Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
            buffer, format="png", compress_level=1)
        return buffer.getvalue()


#: N on its slider: whole numbers, about a dozen per decade (1-1.2-1.5-2-2.5-3-4-5-6-7-8 times 10^k).
N_STEPS = tuple(sorted({int(round(m * 10**k)) for k in range(7) for m in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8)
                        if EXPLORER_N[0] <= round(m * 10**k) <= EXPLORER_N[1]}))


def _nearest_N(N: int) -> int:
    return min(N_STEPS, key=lambda k: abs(math.log(k) - math.log(N)))


class ExplorerApp:
    """ipywidgets controls driving an :class:`Explorer`: a material menu, sliders for B, n and N (N in
    whole numbers on a logarithmic scale), a convention toggle, readouts that show the values the
    radii are computed from, and the chart (a PNG rendered at twice the screen's pixel density).

    Laid out for a 1280 x 720 projector: the controls in a 330 px column beside the chart, 576 px wide
    where there is room and down to 380 px where there is not (JupyterLab with its file browser open).
    Displaying it shows the live controls in Jupyter and Voila; a stored notebook (papermill, nbval,
    a static page) shows the chart at the current values as a PNG, and :data:`STATIC_TEXT` as text.
    """

    def __init__(self, explorer: Explorer | None = None):
        import ipywidgets as w

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
        self.convention = w.ToggleButtons(options=["h/2e", "h/e"], value=s.flux_quantum_convention,
                                          description="\u03a6\u2080", style={"description_width": "4.5em",
                                                                             "button_width": "4.5em"})
        self.material = w.Dropdown(options=[("none (custom B, n)", "none")] + [(m, m) for m in EXPLORER_MATERIALS[1:]],
                                   value=s.material, description="material", style=label,
                                   layout=w.Layout(width="300px"))
        # beside the controls, shrinking from 576 px down to 380 px before it wraps below them: JupyterLab
        # with its file browser open leaves about 520 px beside the controls at 1280 x 720
        self.image = w.Image(value=self.explorer.png(), format="png",
                             layout=w.Layout(flex="1 1 380px", width="auto", height="auto",
                                             min_width="380px", max_width=f"{EXPLORER_WIDTH_PX}px"))
        self.radii = w.HTML(layout=w.Layout(width="320px"))
        # class names a page (or a browser test) can find each control by: nanoflux-B, nanoflux-B-readout, ...
        for name in ("B", "n", "N", "B_readout", "n_readout", "N_readout", "convention", "material", "image", "radii"):
            getattr(self, name).add_class("nanoflux-" + name.replace("_", "-"))
        self._syncing = False
        self.B.observe(lambda c: self._moved("B_tesla", c["new"], self.B.step), names="value")
        self.N.observe(lambda c: self._changed(N=int(c["new"])), names="value")
        self.n.observe(lambda c: self._moved("n_per_m3", c["new"], self.n.step), names="value")
        self.convention.observe(lambda c: self._changed(flux_quantum_convention=c["new"]), names="value")
        self.material.observe(lambda c: self._changed(material=c["new"]), names="value")
        controls = w.VBox([self.material, w.HBox([self.B, self.B_readout]), w.HBox([self.n, self.n_readout]),
                           w.HBox([self.N, self.N_readout]), self.convention, self.radii],
                          layout=w.Layout(width="330px", min_width="330px"))
        self.box = w.HBox([controls, self.image],
                          layout=w.Layout(flex_flow="row wrap", align_items="flex-start", width="100%"))
        self._show_values()

    def _show_values(self) -> None:
        """The readouts and the radii: the exact values the explorer computes with."""
        s = self.explorer.state
        self.B_readout.value = f"<b>{s.B_tesla:.4g}</b> T"
        self.n_readout.value = f"<b>{num(s.n_per_m3)}</b> m<sup>\u22123</sup>"
        self.N_readout.value = f"<b>{s.N:,}</b> dipole{'s' if s.N != 1 else ''}"
        source = ("custom values" if s.material == "none"
                  else f"{s.material} preset ({get_material(s.material).structure})")
        self.radii.value = (
            f"<div style='line-height:1.5;margin-top:0.4em'>{html.escape(source)}<br>"
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
            state = self.explorer.update(**change)
        except (ValueError, TypeError) as exc:
            self.radii.value = f"<p style='color:{RED}'>{html.escape(str(exc))}</p>"
            return
        self._syncing = True
        try:
            self.B.value, self.n.value, self.material.value = state.B_tesla, state.n_per_m3, state.material
        finally:
            self._syncing = False
        self.image.value = self.explorer.png()
        self._show_values()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs) or {}
        bundle["image/png"] = self.explorer.png()  # what a reader of the stored notebook sees
        bundle["text/plain"] = f"{STATIC_TEXT}\n{self.explorer.alt_text()}"  # and the static chart's alt text
        return bundle
