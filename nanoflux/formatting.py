"""Number formatting, the one home of the house notation: tables, captions, plot labels, tick labels,
messages and the explorer all write numbers with these functions, so a number reads the same everywhere
and stored outputs stay stable across NumPy versions.
"""
from __future__ import annotations

import math
import re
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

#: Relative values below this are double-precision round-off: their digits differ between machines and
#: carry no information, so they are written as "< 1e-12".
ROUND_OFF = 1e-12


def num(x: float, digits: int = 4) -> str:
    """``x`` in ``digits`` significant figures, exponent without '+' or leading zeros (4.06e5, 1e23)."""
    text = f"{x:.{digits}g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}e{int(exp)}"
    return text


def tex(x: float, digits: int = 4) -> str:
    """``x`` for LaTeX in ``digits`` significant figures: 25.66, 2.068 \\times 10^{-15}, 10^{23}."""
    text = f"{x:.{digits}g}"
    if "e" not in text:
        return text
    mant, exp = text.split("e")
    power = f"10^{{{int(exp)}}}"
    return power if mant == "1" else f"{mant} \\times {power}"


def fixed(x: float) -> str:
    """Two decimals for ordinary sizes, four significant figures for very large ones."""
    return f"{x:.2f}" if abs(x) < 1e9 else num(x, 4)


def round_off(x: float, signed: bool = False) -> str:
    """A relative value in three significant figures (``signed``: two, with its sign), or "< 1e-12" at
    round-off level (:data:`ROUND_OFF`)."""
    if abs(x) < ROUND_OFF:
        return f"< {ROUND_OFF:.0e}"
    return f"{x:+.1e}" if signed else f"{x:.3e}"


def rounded(x, *, up: bool, digits: int = 3) -> str:
    """``x`` to ``digits`` significant figures, rounded up or down (never to the other side of a bound).

    ``x`` may be a Decimal beyond float64 (HUGE * 4 pi / 3 = 7.53e+308).
    """
    d = Decimal(x)
    q = d.quantize(Decimal(1).scaleb(d.adjusted() - digits + 1), rounding=ROUND_CEILING if up else ROUND_FLOOR)
    f = float(q)
    return f"{f:.{digits}g}" if math.isfinite(f) else f"{q:.{digits}g}"


def between(lo, hi) -> str:
    """"between LO and HI", LO rounded up and HI down, so that every value in the stated range works."""
    return f"between {rounded(lo, up=True)} and {rounded(hi, up=False)}"


def tick_label(x: float) -> str:
    """The house notation for a logarithmic axis's ticks, the same in every figure: plain numbers from
    0.001 to 1000 (0.01, 1, 100), powers of ten beyond, typeset by matplotlib's mathtext as a journal
    prints them: ``$10^{4}$``, ``$10^{-5}$``, and ``$2\\times10^{-7}$`` between decades."""
    if x <= 0:
        return ""
    if 1e-3 <= x < 1e4:
        return num(x, 6)
    exponent = int(math.floor(math.log10(x) + 1e-9))
    mantissa = round(x / 10.0 ** exponent, 6)
    power = f"10^{{{exponent}}}"
    return f"${power}$" if mantissa == 1 else f"${mantissa:g}\\times{power}$"


_POWER = re.compile(r"(?<![\w.])(-?\d+(?:\.\d+)?)e([-+]?\d+)(?![\w.])")


def html_powers(text: str) -> str:
    """Numbers written 8.491e28 in (already escaped) HTML text as 8.491 × 10<sup>28</sup>, 1e23 as
    10<sup>23</sup>."""
    def one(m):
        mant, exp = m.group(1), int(m.group(2))
        power = f"10<sup>{'−' if exp < 0 else ''}{abs(exp)}</sup>"
        return power if mant in ("1", "1.0") else f"{mant.replace('-', '−')} × {power}"
    return _POWER.sub(one, text)


def percent(fraction: float) -> str:
    """A relative tolerance as a percentage: 0.01 -> "1%"."""
    return f"{fraction * 100:g}%"
