"""The classroom explorer of notebook 07: both critical radii, recomputed and redrawn as values change.

Two parts, kept apart so the first can be tested and timed without a browser:

* :class:`Explorer` holds the five values (B, N, n, the flux-quantum convention, a material
  preset), checks them with :func:`nanoflux.parameters.explorer_values`, computes the two radii
  (the paper's Eq. 4 and its mean-field formula, Table I) and redraws one
  :class:`nanoflux.figures.ExplorerPlot` in place. ``update(...)`` is the whole cost of a change.
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

from ._format import num
from .flux import critical_radius
from .materials import get_material
from .meanfield import critical_radius_mean_field
from .parameters import EXPLORER_B_TESLA, EXPLORER_MATERIALS, EXPLORER_N, EXPLORER_N_PER_M3, explorer_values

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
        """One line naming where B and n come from."""
        if self.material == "none":
            return (f"custom: B = {self.B_tesla:.4g} T, n = {num(self.n_per_m3)} m\u207b\u00b3, "
                    f"\u03a6\u2080 = {self.flux_quantum_convention}")
        return (f"{self.material}: B = \u03bc\u2080Ms = {self.B_tesla:.4g} T, n = {num(self.n_per_m3)} m\u207b\u00b3, "
                f"\u03a6\u2080 = {self.flux_quantum_convention}")

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
    (see :class:`nanoflux.figures.ExplorerPlot`); benchmarks/bench_explorer.py times it against 50 ms.
    """

    def __init__(self, B_tesla=1.0, N=1, n_per_m3=1e23, flux_quantum_convention="h/2e", material="none"):
        from .figures import ExplorerPlot

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
            raise TypeError(f"update takes B_tesla, N, n_per_m3, flux_quantum_convention, material; "
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

    def png(self) -> bytes:
        """The figure as last drawn, as PNG bytes (encoded from the Agg buffer; no second draw)."""
        from PIL import Image

        canvas = self.plot.figure.canvas
        width, height = canvas.get_width_height(physical=True)
        buffer = io.BytesIO()
        Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
            buffer, format="png", compress_level=1)
        return buffer.getvalue()


class ExplorerApp:
    """ipywidgets controls driving an :class:`Explorer`: sliders for B, N and n, a convention toggle,
    a material menu, the chart (a PNG image widget) and the radii as text.

    Displaying it shows the live controls in Jupyter; where there is no widget front end (papermill,
    nbval, a static page) its text form is :data:`STATIC_TEXT`.
    """

    def __init__(self, explorer: Explorer | None = None):
        import ipywidgets as w

        self.explorer = explorer if explorer is not None else Explorer()
        # Redraw first: displaying or saving the figure since the last update leaves other pixels on the canvas.
        s = self.explorer.update()
        log = lambda limits: (math.log10(limits[0]), math.log10(limits[1]))
        style = {"description_width": "9em"}
        layout = w.Layout(width="30em")
        b_lo, b_hi = log(EXPLORER_B_TESLA)
        n_lo, n_hi = log(EXPLORER_N_PER_M3)
        N_lo, N_hi = log(EXPLORER_N)
        self.B = w.FloatLogSlider(value=s.B_tesla, base=10, min=b_lo, max=b_hi, step=0.01,
                                  description="B [T]", readout_format=".3g", continuous_update=True,
                                  style=style, layout=layout)
        self.N = w.FloatLogSlider(value=s.N, base=10, min=N_lo, max=N_hi, step=0.01,
                                  description="N (dipoles)", readout_format=".0f", style=style, layout=layout)
        self.n = w.FloatLogSlider(value=s.n_per_m3, base=10, min=n_lo, max=n_hi, step=0.05,
                                  description="n [m\u207b\u00b3]", readout_format=".3g", style=style, layout=layout)
        self.convention = w.ToggleButtons(options=["h/2e", "h/e"], value=s.flux_quantum_convention,
                                          description="\u03a6\u2080", style=style)
        self.material = w.Dropdown(options=[("none (custom B, n)", "none")] + [(m, m) for m in EXPLORER_MATERIALS[1:]],
                                   value=s.material, description="material", style=style)
        self.image = w.Image(value=self.explorer.png(), format="png")
        self.radii = w.HTML(self._radii_html())
        self._syncing = False
        self.B.observe(lambda c: self._moved("B_tesla", c["new"], self.B.step), names="value")
        self.N.observe(lambda c: self._changed(N=int(round(c["new"]))), names="value")
        self.n.observe(lambda c: self._moved("n_per_m3", c["new"], self.n.step), names="value")
        self.convention.observe(lambda c: self._changed(flux_quantum_convention=c["new"]), names="value")
        self.material.observe(lambda c: self._changed(material=c["new"]), names="value")
        controls = w.VBox([self.material, self.B, self.n, self.N, self.convention])
        self.box = w.VBox([w.HBox([controls, self.radii]), self.image])

    def _radii_html(self) -> str:
        return f"<pre style='margin-left:1em'>{html.escape(self.explorer.state.text())}</pre>"

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
            self.radii.value = f"<pre style='color:#c0392b'>{html.escape(str(exc))}</pre>"
            return
        self._syncing = True
        try:
            self.B.value, self.n.value, self.material.value = state.B_tesla, state.n_per_m3, state.material
        finally:
            self._syncing = False
        self.image.value = self.explorer.png()
        self.radii.value = self._radii_html()

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = STATIC_TEXT
        return bundle
