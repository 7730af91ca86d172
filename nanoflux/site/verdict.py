"""What this companion finds, in five sentences generated from the results files, so they cannot drift from
the numbers: the README's opening (between its verdict markers), the site's index and the PDF all show them.

Each finding names its number and the notebook that computes it:

1. the paper's arithmetic (the claims ledger, ``06_assumptions.json``, ``claims``);
2. its density against real atomic densities, and the one-dipole radius there (06, ``density``);
3. h/2e, the flux quantum of superconductors, against h/e (06, ``convention``);
4. its own inputs side by side, mu0 n mu_B against its 1 T (06, ``moments``);
5. how far down a crystal lattice follows the continuum (``08_atoms_to_continuum.json``, read by
   :func:`lattice_radii`).

``python -m nanoflux.site.readme README.md`` (``make readme``) rewrites the README's block;
``--check`` only says whether it is current (a test runs it).
"""
from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from nanoflux.formatting import html_powers, num, percent, tex
from nanoflux.running.outputs import FIGURES_DIR, ROOT

#: The README's generated block lies between these lines.
BEGIN = "<!-- verdict: generated from figures/*.json by `make readme`; edit nanoflux/site/verdict.py, not this -->"
END = "<!-- /verdict -->"

#: How close to the continuum "follows" means in notebook 08's thresholds.
LATTICE_LEVEL = 0.01


@dataclass(frozen=True)
class Finding:
    """One statement of the verdict: a short lead, the sentence with its numbers (Markdown), and the
    notebook (stem) that computes them."""

    lead: str
    text: str
    notebook: str


class _Notation:
    """Numbers and symbols as Markdown with TeX (``math``: the site, the PDF) or with HTML (the README)."""

    def __init__(self, math: bool):
        self.math = math

    def number(self, x: float, digits: int = 2) -> str:
        if self.math:
            return f"${tex(x, digits)}$"
        return html_powers(num(x, digits)).replace(" × ", "&nbsp;×&nbsp;")

    def symbol(self, tex_text: str, html_text: str) -> str:
        return f"${tex_text}$" if self.math else html_text

    def density(self, n: float) -> str:
        """``n = 10^23 m^-3`` as one formula."""
        if self.math:
            return f"$n = {tex(n, 2)}\\,\\mathrm{{m^{{-3}}}}$"
        return f"<i>n</i> = {self.number(n)} m<sup>−3</sup>"


def _results(figures_dir: Path, stem: str) -> dict:
    path = Path(figures_dir) / f"{stem}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))["results"]
    except (OSError, ValueError, KeyError) as exc:
        raise ValueError(f"cannot read the results of {stem} from {path}: run `nanoflux reproduce` first "
                         f"({exc})") from None


def _level_in(key: str) -> float | None:
    """The tolerance a threshold key names, e.g. 0.01 in ``flux_0.01_radius_nm``."""
    found = re.search(r"(?<![\d.])(0\.\d+)(?![\d.])", key)
    return float(found.group(1)) if found else None


def lattice_radii(results: dict, level: float = LATTICE_LEVEL) -> list[float | None]:
    """Every radius (nm) at which notebook 08 finds a crystal's quantity within ``level`` of the continuum,
    read from its results (the ``results`` object of ``08_atoms_to_continuum.json``); None for a quantity
    that does not get there within the sizes computed.

    Read generically, so that a new layout of that file still reads: anywhere under ``thresholds``
    (dicts and lists nested in any way), a number or null whose key ends in ``nm`` and either names the
    level (``flux_0.01_radius_nm``, ``ball_0.01_in_25.66_nm``) or sits in a record whose ``level`` or
    ``tolerance`` is ``level`` (``{"level": 0.01, "radius_nm": 6.1}``). Keys naming atoms are counts, not
    radii. Refuses (ValueError) a file in which it finds none: the verdict would otherwise say nothing.
    """
    found: list[float | None] = []

    def walk(node, inherited=None):
        if isinstance(node, dict):
            own = node.get("level", node.get("tolerance", inherited))
            for key, value in node.items():
                if isinstance(value, (dict, list)):
                    walk(value, own)
                elif (str(key).endswith("nm") and "atoms" not in str(key)
                      and (value is None or isinstance(value, (int, float)) and not isinstance(value, bool))):
                    named = _level_in(str(key))
                    at = named if named is not None else own
                    if at is not None and math.isclose(float(at), level):
                        found.append(None if value is None else float(value))
        elif isinstance(node, list):
            for item in node:
                walk(item, inherited)

    walk(results.get("thresholds"))
    if not found:
        raise ValueError(f"08_atoms_to_continuum.json holds no radius at the {percent(level)} level under "
                         "'thresholds': nanoflux.site.verdict.lattice_radii must learn its new layout")
    return found


def findings(figures_dir=FIGURES_DIR, *, math: bool = True) -> list[Finding]:
    """The verdict from the results files in ``figures_dir``, as Markdown with TeX (``math``) or HTML."""
    f = _Notation(math)
    six = _results(figures_dir, "06_assumptions")
    eight = _results(figures_dir, "08_atoms_to_continuum")
    out = []

    claims = six["claims"]
    agree = [c for c in claims if c["agrees"]]
    failing = ", ".join(c["key"] for c in claims if not c["agrees"])
    out.append(Finding(
        "The paper's arithmetic is right." if not failing else "The paper's arithmetic is not all right.",
        f"{len(agree)} of the {len(claims)} numbers it prints (Table I, the radius at 1 T, the two exponents) "
        f"are reproduced at the printed precision"
        + (f"; these are not: {failing}." if failing else "."), "06_assumptions"))

    density = six["density"]
    paper, real = density[0], density[1:]
    ratios = [r["ratio_to_paper"] for r in real]
    one = sorted(real, key=lambda r: r["radius_nm"]["1"])
    order = round(math_log10(ratios))
    out.append(Finding(
        f"Its density is about {f.number(10.0 ** order, 1)} times below real atomic densities.",
        f"The paper's {f.density(paper['n_per_m3'])} is "
        f"{f.number(min(ratios))} to "
        f"{f.number(max(ratios))} times below the atomic densities of {_names([r['label'] for r in real], f)}; "
        f"at those densities a sphere holding one dipole has a radius of {one[0]['radius_nm']['1']:.2g} nm "
        f"({_name(one[0]['label'], f)}) to {one[-1]['radius_nm']['1']:.2g} nm ({_name(one[-1]['label'], f)}), "
        f"not {paper['radius_nm']['1']:.3g} nm.", "06_assumptions") if real else None)

    at_1T = next(r for r in six["convention"] if r["B_tesla"] == 1.0)
    root2 = f.symbol(r"\sqrt{2}", "√2")
    out.append(Finding(
        f"{f.symbol('h/2e', '<i>h</i>/2<i>e</i>')} is the flux quantum of superconductors.",
        f"Flux is quantized through a superconducting loop, not through a ferromagnet; with "
        f"{f.symbol('h/e', '<i>h</i>/<i>e</i>')}, the single electron's quantum, every flux-quantum radius is "
        f"{root2} = {at_1T['ratio']:.3f} times larger: {at_1T['radius_nm']['h/e']:.1f} nm "
        f"at 1 T instead of {at_1T['radius_nm']['h/2e']:.1f} nm.", "06_assumptions"))

    moment = six["moments"][0]
    polarization = moment["mu0_n_muB_tesla"]
    product = f.symbol(r"\mu_0 n \mu_B", "μ<sub>0</sub><i>n</i>μ<sub>B</sub>")
    out.append(Finding(
        f"The paper's own inputs disagree by about {_orders(1.0 / polarization)} orders of magnitude.",
        f"Dipoles of one Bohr magneton at its density, fully aligned, give "
        f"{product} = {polarization * 1e6:.2g} µT, "
        f"against the 1 T of its example: {f.number(1.0 / polarization)} times less.", "06_assumptions"))

    radii = lattice_radii(eight)
    reached = [r for r in radii if r is not None]
    crystals = [c for c in eight.get("crystals", []) if isinstance(c, dict) and c.get("material")]
    names = list(dict.fromkeys(f"{c.get('structure', '')} {c['material']}".strip() for c in crystals))  # once each
    crystals = (" (" + _names(names, f) + ")" if crystals else "")
    unreached = len(radii) - len(reached)
    out.append(Finding(
        "The crystal lattice follows the continuum down to a few nanometres.",
        f"In spheres cut from real crystals{crystals}, with a moment on every atom, "
        + (f"each comparison with a uniformly magnetized sphere comes within {percent(LATTICE_LEVEL)} by a radius "
           f"of {min(reached):.2g} to {max(reached):.2g} nm, depending on the quantity and the crystal"
           if reached else f"no comparison comes within {percent(LATTICE_LEVEL)} in the sizes computed")
        + (f" ({unreached} of {len(radii)} not within the sizes computed)" if unreached and reached else "")
        + f": well below the flux-quantum radius of {at_1T['radius_nm']['h/2e']:.1f} nm at 1 T.",
        "08_atoms_to_continuum"))
    return [finding for finding in out if finding is not None]


def math_log10(values) -> float:
    """The decimal logarithm of the geometric mean of positive ``values``."""
    return sum(math.log10(v) for v in values) / len(values)


def _orders(ratio: float) -> str:
    words = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight", 9: "nine"}
    order = round(math.log10(ratio))
    return words.get(order, str(order))


def _name(label: str, f: _Notation) -> str:
    """A material's formula: Fe3O4 as Fe$_{3}$O$_{4}$ or Fe<sub>3</sub>O<sub>4</sub>."""
    return re.sub(r"(\d+)", (r"$_{\1}$" if f.math else r"<sub>\1</sub>"), label)


def _names(labels, f: _Notation) -> str:
    names = [_name(label, f) for label in labels]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def markdown(items: list[Finding], link=lambda stem: f"notebooks/{stem}.ipynb") -> str:
    """The verdict as a Markdown list: each finding in bold, its sentence, and a link to its notebook
    (``link(stem)``: its address, or None to name it without a link)."""
    def where(stem):
        target = link(stem)
        return f"[notebook {stem[:2]}]({target})" if target else f"notebook {stem[:2]}"

    return "\n".join(f"- **{item.lead}** {item.text} ({where(item.notebook)})" for item in items)


def readme_block(figures_dir=FIGURES_DIR) -> str:
    """The README's verdict block, markers included."""
    return f"{BEGIN}\n{markdown(findings(figures_dir, math=False))}\n{END}"


def with_verdict(readme: str, figures_dir=FIGURES_DIR) -> str:
    """``readme`` with its verdict block regenerated (ValueError when it has no markers)."""
    start, end = readme.find(BEGIN), readme.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the README has no verdict block: put the two lines\n{BEGIN}\n{END}\nwhere it goes")
    return readme[:start] + readme_block(figures_dir) + readme[end + len(END):]


def main(argv=None) -> int:
    """``python -m nanoflux.site.readme [--check] [README]``: rewrite the README's verdict block from the
    results files, or with ``--check`` say whether it is current (exit status 1 when stale)."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    args = [a for a in args if a != "--check"]
    path = Path(args[0]) if args else ROOT / "README.md"
    try:
        text = path.read_text(encoding="utf-8")
        fresh = with_verdict(text)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if fresh == text:
        print(f"{path.name}: the verdict is current")
        return 0
    if check:
        print(f"{path.name}: the verdict is stale; run `make readme`", file=sys.stderr)
        return 1
    path.write_text(fresh, encoding="utf-8")
    print(f"{path.name}: the verdict rewritten from the results files")
    return 0
