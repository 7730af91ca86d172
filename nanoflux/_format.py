"""Number formatting shared by text tables, plot labels and the explorer (one rule everywhere)."""
from __future__ import annotations


def num(x: float, digits: int = 4) -> str:
    """``x`` in ``digits`` significant figures, exponent without '+' or leading zeros (4.06e5, 1e23)."""
    text = f"{x:.{digits}g}"
    if "e" in text:
        mant, exp = text.split("e")
        text = f"{mant}e{int(exp)}"
    return text
