"""Number formatting shared by text tables, plot labels and the explorer (one rule everywhere)."""
from __future__ import annotations


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
