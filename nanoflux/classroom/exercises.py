"""Short exercises for students (notebook 07), each answer checked against the module's own formulas.

>>> from nanoflux import exercises
>>> print(exercises.check("ex2", 100))          # doctest: +ELLIPSIS
ex2: not yet. ...
>>> exercises.check("ex2", 10).correct
True

Every expected value is computed by :mod:`nanoflux.flux` or :mod:`nanoflux.meanfield`, never typed in;
an answer is right when it lies within the exercise's stated relative tolerance of that value.
A wrong answer gets a hint (a specific one when it matches a common mistake), never the answer.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

from nanoflux import paper
from nanoflux import validate as v
from nanoflux.flux import critical_radius
from nanoflux.formatting import num, percent
from nanoflux.materials import get_material
from nanoflux.meanfield import critical_radius_mean_field, dipoles_in_sphere
from nanoflux.plots.style import GREEN, RED


@dataclass(frozen=True)
class Exercise:
    """One question: its text, the unit of the answer, how to compute the expected value, the
    relative tolerance, a general hint, and common mistakes as (factor on the answer, hint)."""

    key: str
    question: str
    unit: str
    expected: Callable[[], float]
    rel_tol: float
    hint: str
    mistakes: tuple[tuple[Callable[[], float], str], ...] = ()

    def prompt(self) -> str:
        """The question with its unit and tolerance, as a student reads it."""
        unit = f" in {self.unit}" if self.unit else ""
        return f"{self.key}: {self.question} (answer{unit}, within {percent(self.rel_tol)})"


@dataclass(frozen=True, repr=False)
class CheckResult:
    """The outcome of :func:`check`: ``correct``, and a ``message``, which is what printing it, or
    leaving it as a cell's last expression, shows (with a coloured verdict in HTML)."""

    exercise: str
    answer: float
    correct: bool
    message: str

    def __str__(self) -> str:
        return self.message

    __repr__ = __str__

    def _repr_html_(self) -> str:
        import html

        color, mark = (GREEN, "\u2713") if self.correct else (RED, "\u2717")
        # $...$ as \(...\): typeset by JupyterLab, Voila's HTMLMath and the reading site's MathJax alike
        message = re.sub(r"\$([^$]+)\$", r"\\(\1\\)", html.escape(self.message))
        return f'<p style="color:{color}"><b>{mark}</b> {message}</p>'


def _ratio(a: float, b: float) -> float:
    return a / b


EXERCISES = MappingProxyType({e.key: e for e in (
    Exercise(
        "ex1",
        "What is the flux-quantum critical radius $r_c$ at $B$ = 0.5 T, with the paper's $\\Phi_0 = h/2e$?",
        "nm", lambda: critical_radius(0.5, "h/2e") * 1e9, 0.01,
        "use Eq. 4, $r_c = \\sqrt{\\Phi_0/(\\pi B)}$ with $\\Phi_0 = h/2e = 2.068\\times10^{-15}$ Wb, and give the "
        "result in nm ($1\\,\\mathrm{nm} = 10^{-9}\\,\\mathrm{m}$). Halving $B$ does not double $r_c$.",
        ((lambda: critical_radius(0.5, "h/2e"), "that is the radius in metres; the answer is asked in nm."),
         (lambda: critical_radius(1.0, "h/2e") * 1e9 * 2, "$r_c$ is not proportional to $1/B$: it goes as $B^{-1/2}$."),
         (lambda: critical_radius(1.0, "h/2e") * 1e9, "that is the paper's value at 1 T, not at 0.5 T.")),
    ),
    Exercise(
        "ex2",
        "The internal field $B$ is made 100 times weaker. By what factor does the flux-quantum radius grow?",
        "", lambda: _ratio(critical_radius(0.01), critical_radius(1.0)), 0.01,
        "Eq. 4 makes $r_c$ proportional to $B^{-1/2}$; what is $100^{1/2}$?",
        ((lambda: 100.0, "$r_c$ does not grow in proportion to $1/B$: look at the power of $B$ in Eq. 4."),
         (lambda: 0.1, "a weaker field needs a larger particle, so the factor is above 1.")),
    ),
    Exercise(
        "ex3",
        "Iron has about $n = 8.491 \\times 10^{28}$ atoms per $\\mathrm{m^3}$. "
        "What is the mean-field radius of a sphere holding one atom ($N = 1$)?",
        "nm", lambda: critical_radius_mean_field(1, material="Fe") * 1e9, 0.01,
        "use $r_c = (3N/4\\pi n)^{1/3}$ with $n$ in $\\mathrm{m^{-3}}$, then convert metres to nm. Compare with "
        "the paper's 13.4 nm at $n = 10^{23}\\,\\mathrm{m^{-3}}$: the density is a million times larger.",
        ((lambda: critical_radius_mean_field(1, paper.DENSITY_PER_M3) * 1e9,
          "that is the paper's value at $n = 10^{23}\\,\\mathrm{m^{-3}}$; use iron's density."),
         (lambda: critical_radius_mean_field(1, get_material("Fe").n_per_m3 * 1e-6) * 1e9,
          "that uses iron's $8.491\\times10^{22}$ atoms per $\\mathrm{cm^3}$ as if it were per $\\mathrm{m^3}$; a "
          "cubic metre holds $10^6$ cubic centimetres, so $n = 8.491\\times10^{28}\\,\\mathrm{m^{-3}}$."),
         (lambda: critical_radius_mean_field(1, material="Fe"),
          "that is the radius in metres; the answer is asked in nm.")),
    ),
    Exercise(
        "ex4",
        "At the paper's density $n = 10^{23}\\,\\mathrm{m^{-3}}$, how many dipoles on average does a sphere "
        "hold whose radius is the flux-quantum radius at 1 T ($h/2e$)? (Not rounded.)",
        "", lambda: dipoles_in_sphere(critical_radius(1.0), paper.DENSITY_PER_M3), 0.02,
        "the mean number in a sphere is $\\tfrac43\\pi r^3 n$, with $r = r_c(1\\,\\mathrm{T}) = 25.66$ nm in metres.",
        ((lambda: dipoles_in_sphere(critical_radius(1.0) * 1e9, paper.DENSITY_PER_M3),
          "that takes $r$ in nm; with $n$ in $\\mathrm{m^{-3}}$ the radius must be in metres."),
         (lambda: 1.0, "$r_c(1\\,\\mathrm{T})$ is the size for one flux quantum, not for one dipole: compute "
                       "$\\tfrac43\\pi r^3 n$.")),
    ),
    Exercise(
        "ex5",
        "If the flux quantum were $h/e$ instead of $h/2e$, by what factor would every flux-quantum radius change?",
        "", lambda: _ratio(critical_radius(1.0, "h/e"), critical_radius(1.0, "h/2e")), 0.005,
        "$h/e$ is twice $h/2e$, and $r_c$ goes as the square root of $\\Phi_0$ (Eq. 4).",
        ((lambda: 2.0, "$\\Phi_0$ doubles, but $r_c$ depends on its square root."),
         (lambda: 0.5, "a larger flux quantum needs a larger area, so the radius grows."),
         (lambda: 1 / math.sqrt(2), "a larger flux quantum needs a larger area, so the radius grows.")),
    ),
)})
"""The exercises by key, "ex1" to "ex5", in the order notebook 07 asks them."""


def expected(exercise: str) -> float:
    """The value an exercise expects, computed by the module (for teachers and tests)."""
    return float(_exercise(exercise).expected())


def _exercise(key) -> Exercise:
    return EXERCISES[v.choice(key, "exercise", EXERCISES)]


def _close(a: float, b: float, rel_tol: float) -> bool:
    return math.isclose(a, b, rel_tol=rel_tol, abs_tol=0.0)


def check(exercise: str, answer) -> CheckResult:
    """Check a student's ``answer`` to ``exercise`` ("ex1" ... "ex5"); return a :class:`CheckResult`.

    Right when within the exercise's relative tolerance of the module's value. ``answer`` must be a
    real number (TypeError otherwise, e.g. for text or None) and finite (ValueError otherwise); an
    unknown exercise is a ValueError listing the known ones.
    """
    ex = _exercise(exercise)
    if not v.is_real_number(answer):
        kind = type(answer).__name__
        extra = " (type it without quotes)" if isinstance(answer, str) else ""
        raise v.InputTypeError(f"answer must be a real number{extra}; got {answer!r} of type {kind}")
    value = float(answer)
    if not math.isfinite(value):
        raise v.InputError(f"answer must be a finite number; got {answer!r}")
    target = ex.expected()
    unit = f" {ex.unit}" if ex.unit else ""
    if _close(value, target, ex.rel_tol):
        return CheckResult(ex.key, value, True, f"{ex.key}: right. {num(value)}{unit} is within "
                                                f"{percent(ex.rel_tol)} of {num(target)}{unit}.")
    for wrong, why in ex.mistakes:
        if _close(value, wrong(), max(ex.rel_tol, 1e-3)):
            return CheckResult(ex.key, value, False, f"{ex.key}: not yet. {num(value)}{unit}: {why}")
    return CheckResult(ex.key, value, False, f"{ex.key}: not yet. {num(value)}{unit} is not within "
                                             f"{percent(ex.rel_tol)} of the expected value. Hint: {ex.hint}")


def questions_markdown() -> str:
    """The exercises as a numbered Markdown list, each with its unit and tolerance (no answers)."""
    lines = []
    for i, ex in enumerate(EXERCISES.values(), 1):
        unit = f" in {ex.unit}" if ex.unit else ""
        lines.append(f"{i}. **{ex.key}.** {ex.question} Answer{unit}, checked to within {percent(ex.rel_tol)}.")
    return "\n".join(lines)


def answer_key():
    """For teachers: each exercise's expected value (computed by the module), unit and tolerance, as a Table."""
    from nanoflux.tables import Table

    rows = [(ex.key, f"{expected(ex.key):.6g}", ex.unit or "-", percent(ex.rel_tol), str(len(ex.mistakes)))
            for ex in EXERCISES.values()]
    return Table(("exercise", "expected", "unit", "tolerance", "mistakes recognised"), rows, "", (0, 2))


class ExerciseApp:
    """Each exercise with an answer box and a Check button (ipywidgets), for the Voila classroom app and
    for notebooks: the verdict appears under the question. No expected value is shown."""

    def __init__(self):
        import ipywidgets as w

        self.rows = {}
        boxes = []
        for ex in EXERCISES.values():
            question = w.HTMLMath(f"<b>{ex.key}.</b> " + _html_math(ex.question)
                                  + f" <i>(answer{' in ' + ex.unit if ex.unit else ''}, "
                                    f"within {percent(ex.rel_tol)})</i>")
            # continuous_update=False: the value arrives on Enter (or leaving the box), which checks it
            answer = w.Text(placeholder="e.g. 12.5 or 1.2e3", layout=w.Layout(width="14em"),
                            description=ex.key, style={"description_width": "3em"}, continuous_update=False)
            button = w.Button(description="Check", button_style="primary", layout=w.Layout(width="7em"))
            verdict = w.HTMLMath("")  # hints carry $...$ mathematics
            button.on_click(lambda _b, key=ex.key: self.check(key))
            answer.observe(lambda _c, key=ex.key: self.check(key), names="value")
            self.rows[ex.key] = (answer, verdict)
            row = w.VBox([question, w.HBox([answer, button]), verdict], layout=w.Layout(margin="0 0 0.8em 0"))
            # class names a page (or a browser test) can find each part by
            for widget, name in ((row, f"nanoflux-{ex.key}"), (answer, "nanoflux-answer"),
                                 (button, "nanoflux-check"), (verdict, "nanoflux-verdict")):
                widget.add_class(name)
            boxes.append(row)
        self.box = w.VBox(boxes)

    def check(self, key: str) -> CheckResult | None:
        """Check what is typed for ``key``; show the verdict (or what is wrong with the input)."""
        answer, verdict = self.rows[key]
        try:
            result = check(key, float(answer.value.replace(",", ".").strip()))
        except (ValueError, TypeError):
            verdict.value = (f'<p style="color:{RED}">Type a number (for example 12.5 or 1.2e3); got '
                             f"{_escape(answer.value)!s}.</p>")
            return None
        verdict.value = result._repr_html_()
        return result

    def _repr_mimebundle_(self, **kwargs):
        bundle = self.box._repr_mimebundle_(**kwargs) or {}
        bundle["text/plain"] = ("[exercises: an answer box and a Check button for each; they need a running "
                                "Jupyter kernel with ipywidgets]")
        return bundle


def _escape(text: str) -> str:
    import html

    return html.escape(repr(text))


def _html_math(markdown: str) -> str:
    """A question's Markdown for an HTMLMath widget: backticks as <code>, the $...$ kept for MathJax."""
    import html
    import re

    return re.sub(r"`([^`]*)`", lambda m: f"<code>{m.group(1)}</code>", html.escape(markdown, quote=False))
