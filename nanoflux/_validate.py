"""Input checks: the one home of validation. Messages read "X must be ...; got ..."."""
from __future__ import annotations

import math
import numbers
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import numpy as np


def _describe(value) -> str:
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return np.array2string(value, threshold=8)
    return repr(value)


def _offender(arr: np.ndarray, bad: np.ndarray) -> str:
    """The first bad element, and the array it sits in when there is more than one element."""
    first = float(arr[bad].flat[0])
    if arr.size == 1:
        return repr(first)
    return f"{first!r} (in {_describe(arr)})"


#: The float64 range: the largest finite value and the smallest normal one.
HUGE = float(np.finfo(np.float64).max)
TINY = float(np.finfo(np.float64).tiny)


def _python_numbers(arr: np.ndarray, name: str) -> np.ndarray:
    """An object array of Python numbers (integers too large for int64, say) as float64."""
    flat = arr.ravel()
    if not all(isinstance(x, numbers.Real) and not isinstance(x, (bool, np.bool_)) for x in flat):
        return arr
    try:
        return np.array([float(x) for x in flat]).reshape(arr.shape)
    except OverflowError:
        big = max(flat, key=lambda x: abs(int(x)))
        bound = f"at most {HUGE:.4g}" if big > 0 else f"at least {-HUGE:.4g}"
        raise ValueError(f"{name} must be {bound} (the float64 range); "
                         f"got an integer of {len(str(abs(int(big))))} digits") from None


def as_real_array(value, name: str) -> np.ndarray:
    """Return ``value`` as a float array, or raise TypeError naming ``name``.

    Python integers of any size are real numbers (10**23 becomes 1e23); one beyond float64 is
    a ValueError.
    """
    if value is None or isinstance(value, (str, bytes, bool, np.bool_)):
        raise TypeError(
            f"{name} must be a real number or an array of real numbers; "
            f"got {value!r} of type {type(value).__name__}"
        )
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged sequences and the like
        raise TypeError(
            f"{name} must be a real number or an array of real numbers; got {value!r}"
        ) from exc
    if arr.dtype == object:
        arr = _python_numbers(arr, name)
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"{name} must be a real number or an array of real numbers; "
            f"got {value!r} (dtype {arr.dtype})"
        )
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty; got {value!r}")
    return arr.astype(float)


def positive_finite(value, name: str, unit: str) -> np.ndarray:
    """Check that every element is finite and > 0; return a float array."""
    arr = as_real_array(value, name)
    bad = ~(np.isfinite(arr) & (arr > 0))
    if bad.any():
        raise ValueError(
            f"{name} must be positive and finite, in {unit}; got {_offender(arr, bad)}"
        )
    return arr


def whole_number_at_least_one(value, name: str) -> np.ndarray:
    """Check that every element is a finite whole number >= 1; return a float array."""
    arr = as_real_array(value, name)
    bad = ~(np.isfinite(arr) & (arr >= 1) & (np.floor(arr) == arr))
    if bad.any():
        raise ValueError(
            f"{name} must be a whole number of at least 1; got {_offender(arr, bad)}"
        )
    return arr


def choice(value, name: str, allowed) -> str:
    """Check that ``value`` is one of ``allowed`` (strings)."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise ValueError(
            f"{name} must be one of {', '.join(repr(a) for a in allowed)}; got {value!r}"
        )
    return value


def scalar_or_array(arr: np.ndarray):
    """Return a Python float for 0-d results, the array otherwise."""
    arr = np.asarray(arr)
    return float(arr) if arr.ndim == 0 else arr


def is_real_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def broadcast(**arrays) -> tuple:
    """The arrays broadcast against each other, or ValueError naming every argument and its shape."""
    try:
        return tuple(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        names = " and ".join(arrays)
        shapes = " and ".join(str(np.shape(a)) for a in arrays.values())
        raise ValueError(f"{names} must broadcast together (NumPy's rules: equal lengths, or length 1); "
                         f"got shapes {shapes}") from None


def figures(x, *, up: bool, digits: int = 3) -> str:
    """``x`` to ``digits`` significant figures, rounded up or down (never to the other side of a bound).

    ``x`` may be a Decimal beyond float64 (HUGE * 4 pi / 3 = 7.53e+308).
    """
    d = Decimal(x)
    q = d.quantize(Decimal(1).scaleb(d.adjusted() - digits + 1), rounding=ROUND_CEILING if up else ROUND_FLOOR)
    f = float(q)
    return f"{f:.{digits}g}" if math.isfinite(f) else f"{q:.{digits}g}"


def between(lo, hi) -> str:
    """"between LO and HI", LO rounded up and HI down, so that every value in the stated range works."""
    return f"between {figures(lo, up=True)} and {figures(hi, up=False)}"


def in_float_range(result, what: str, allowed: str, **inputs):
    """``result`` when every element is a normal float64, else ValueError.

    For results whose true value is positive: an element that overflowed to inf or underflowed
    below the smallest normal float64 (to 0, or a denormal that lost its digits) is refused with
    a message naming ``what`` was computed, the inputs that gave it and the range that works
    (``allowed``).
    """
    arr = np.asarray(result)
    bad = ~np.isfinite(arr) | (np.abs(arr) < TINY)
    if not bad.any():
        return result
    i = tuple(np.argwhere(bad)[0]) if arr.ndim else ()
    got = ", ".join(f"{k} = {float(np.broadcast_to(v, arr.shape)[i]):.4g}" for k, v in inputs.items())
    how = "overflows to infinity" if not np.isfinite(arr[i]) else "underflows to zero"
    raise ValueError(f"{what} {how} in float64 for {got}; {allowed}")


def steps_in_float_range(steps: dict, allowed: str, **inputs):
    """The first of ``steps`` when every one is a normal float64, else :func:`in_float_range`'s ValueError.

    ``steps`` maps a formula to its value: the result first, then the intermediates it was computed
    from. An intermediate below the smallest normal float64 loses digits even when the result looks
    ordinary (pi B at B = 1e-320), and one that overflows can spoil a result that fits; either is
    refused with ``allowed``, which must state the range of every input.
    """
    for what, value in steps.items():
        in_float_range(value, what, allowed, **inputs)
    return next(iter(steps.values()))
