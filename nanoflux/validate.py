"""Input checks: the one home of validation. Messages read "X must be ...; got ...".

Every refusal of a caller's input is an :class:`InputError` (a ValueError) or an :class:`InputTypeError`
(a TypeError) whose message names the parameter, the value and what is allowed; the command line turns
exactly these into one line and exit status 2, and lets any other error (a bug) show itself.
"""
from __future__ import annotations

import numbers
import os
from collections.abc import Callable, Iterable

import numpy as np
from numpy.typing import ArrayLike


class InputError(ValueError):
    """A value a function cannot accept: the message names the parameter, the value and what is allowed."""


class InputTypeError(TypeError):
    """A value of a type a function cannot accept: the message names the parameter and what is allowed."""


def shown(value: object) -> str:
    """A value as a message quotes it: repr, or NumPy's short form for an array."""
    if isinstance(value, np.ndarray) and value.ndim > 0:
        return np.array2string(value, threshold=8)
    return repr(value)


def printable(text, limit: int = 200) -> str:
    """``text`` (a path, an argument) as a one-line message may quote it: control characters and what the
    terminal's encoding cannot show escaped, at most ``limit`` characters (the middle cut out, marked [...])."""
    if isinstance(text, (bytes, os.PathLike)):
        text = os.fsdecode(os.fspath(text))
    text = "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
                   for ch in str(text))
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    if len(text) > limit:
        half = (limit - 5) // 2
        text = f"{text[:half]}[...]{text[-half:]}"
    return text


def _offender(arr: np.ndarray, bad: np.ndarray) -> str:
    """The first bad element, and the array it sits in when there is more than one element."""
    first = float(arr[bad].flat[0])
    if arr.size == 1:
        return repr(first)
    return f"{first!r} (in {shown(arr)})"


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
        raise InputError(f"{name} must be {bound} (the float64 range); "
                         f"got an integer of {len(str(abs(int(big))))} digits") from None


def as_real_array(value: ArrayLike, name: str) -> np.ndarray:
    """Return ``value`` as a float array, or raise TypeError naming ``name``.

    Python integers of any size are real numbers (10**23 becomes 1e23); one beyond float64 is
    a ValueError.
    """
    if value is None or isinstance(value, (str, bytes, bool, np.bool_)):
        raise InputTypeError(
            f"{name} must be a real number or an array of real numbers; "
            f"got {value!r} of type {type(value).__name__}"
        )
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged sequences and the like
        raise InputTypeError(
            f"{name} must be a real number or an array of real numbers; got {value!r}"
        ) from exc
    if arr.dtype == object:
        arr = _python_numbers(arr, name)
    if arr.dtype.kind not in "iuf":
        raise InputTypeError(
            f"{name} must be a real number or an array of real numbers; "
            f"got {value!r} (dtype {arr.dtype})"
        )
    if arr.size == 0:
        raise InputError(f"{name} must not be empty; got {value!r}")
    return arr.astype(float)


def positive_finite(value: ArrayLike, name: str, unit: str) -> np.ndarray:
    """Check that every element is finite and > 0; return a float array."""
    arr = as_real_array(value, name)
    bad = ~(np.isfinite(arr) & (arr > 0))
    if bad.any():
        raise InputError(
            f"{name} must be positive and finite, in {unit}; got {_offender(arr, bad)}"
        )
    return arr


def whole_number_at_least_one(value: ArrayLike, name: str) -> np.ndarray:
    """Check that every element is a finite whole number >= 1; return a float array."""
    arr = as_real_array(value, name)
    bad = ~(np.isfinite(arr) & (arr >= 1) & (np.floor(arr) == arr))
    if bad.any():
        raise InputError(
            f"{name} must be a whole number of at least 1; got {_offender(arr, bad)}"
        )
    return arr


def choice(value: object, name: str, allowed: Iterable[str]) -> str:
    """Check that ``value`` is one of ``allowed`` (strings)."""
    allowed = tuple(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise InputError(
            f"{name} must be one of {', '.join(repr(a) for a in allowed)}; got {value!r}"
        )
    return value


def scalar_or_array(arr: ArrayLike) -> float | np.ndarray:
    """Return a Python float for 0-d results, the array otherwise."""
    arr = np.asarray(arr)
    return float(arr) if arr.ndim == 0 else arr


def is_real_number(value: object) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def broadcast(**arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """The arrays broadcast against each other, or ValueError naming every argument and its shape."""
    try:
        return tuple(np.broadcast_arrays(*arrays.values()))
    except ValueError:
        names = " and ".join(arrays)
        shapes = " and ".join(str(np.shape(a)) for a in arrays.values())
        raise InputError(f"{names} must broadcast together (NumPy's rules: equal lengths, or length 1); "
                         f"got shapes {shapes}") from None


def in_float_range(result: ArrayLike, what: str, allowed: str, **inputs: ArrayLike) -> ArrayLike:
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
    raise InputError(f"{what} {how} in float64 for {got}; {allowed}")


def steps_in_float_range(steps: dict, allowed: str, **inputs: ArrayLike) -> ArrayLike:
    """The first of ``steps`` when every one is a normal float64, else :func:`in_float_range`'s ValueError.

    ``steps`` maps a formula to its value: the result first, then the intermediates it was computed
    from. An intermediate below the smallest normal float64 loses digits even when the result looks
    ordinary (pi B at B = 1e-320), and one that overflows can spoil a result that fits; either is
    refused with ``allowed``, which must state the range of every input.
    """
    for what, value in steps.items():
        in_float_range(value, what, allowed, **inputs)
    return next(iter(steps.values()))


def single_positive(value: ArrayLike, name: str, unit: str) -> float:
    """A single positive finite number as a float."""
    arr = positive_finite(value, name, unit)
    if arr.ndim != 0:
        raise InputError(f"{name} must be a single number, in {unit}; got {value!r}")
    return float(arr)


def count(value: ArrayLike, name: str = "N") -> int:
    """A single whole number >= 1 as an int."""
    arr = whole_number_at_least_one(value, name)
    if arr.ndim != 0:
        raise InputError(f"{name} must be a single whole number; got {value!r}")
    return int(arr)


def whole_number(value: object, name: str, low: int = 1, high: int | None = None) -> int:
    """A whole number (an int, not a bool) from ``low`` to ``high`` (no upper bound when None), as an int."""
    allowed = f"of at least {low}" if high is None else f"from {low} to {high}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral)):
        raise InputTypeError(f"{name} must be a whole number {allowed}; got {value!r}")
    number = int(value)
    if number < low or (high is not None and number > high):
        raise InputError(f"{name} must be a whole number {allowed}; got {value!r}")
    return number


def seed(value: object, name: str = "seed") -> int:
    """A seed for numpy.random.default_rng: a whole number of at least 0 (TypeError for a non-integer,
    ValueError for a negative one, as everywhere in nanoflux)."""
    return whole_number(value, name, 0)


def generator(rng: int | np.random.Generator, name: str = "rng") -> np.random.Generator:
    """A Generator from a seed (:func:`seed`) or a numpy.random.Generator, used as is."""
    if isinstance(rng, np.random.Generator):
        return rng
    if not isinstance(rng, numbers.Integral) or isinstance(rng, (bool, np.bool_)):
        raise InputTypeError(f"{name} must be a non-negative int seed or a numpy.random.Generator; "
                             f"got {rng!r} of type {type(rng).__name__}")
    return np.random.default_rng(seed(rng, name))


#: Rows per step when scanning a (K, 3) input for the row at fault (bounded memory).
SCAN_ROWS = 65536


def first_bad_row(arr: np.ndarray, test: Callable[[np.ndarray], np.ndarray]) -> int:
    """Index of the first row of ``arr`` (K, 3) for which ``test(rows)`` is True, in bounded memory."""
    for start in range(0, len(arr), SCAN_ROWS):
        hits = np.flatnonzero(test(arr[start:start + SCAN_ROWS]).any(axis=1))
        if hits.size:
            return start + int(hits[0])
    return -1


def vectors(value: ArrayLike, name: str, unit: str) -> tuple[np.ndarray, bool, float]:
    """``value`` as a float64 (K, 3) array, whether it was one vector (3,), and max |coordinate|.

    Raises TypeError for non-real input and ValueError for a wrong shape or a non-finite
    element, naming ``name``. A float64 array is used as is (no copy); anything else is
    converted once.
    """
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        arr = value
        if arr.size == 0:
            raise InputError(f"{name} must not be empty; got {shown(arr)} of shape {arr.shape}")
    else:
        arr = as_real_array(value, name)
    single = arr.shape == (3,)
    if not (single or (arr.ndim == 2 and arr.shape[1] == 3)):
        raise InputError(
            f"{name} must have shape (3,) or (K, 3): Cartesian x, y, z in {unit}; "
            f"got shape {arr.shape}"
        )
    arr2 = arr.reshape(1, 3) if single else arr
    lo, hi = float(arr2.min()), float(arr2.max())  # NaN propagates; no temporary array
    if not (np.isfinite(lo) and np.isfinite(hi)):
        i = first_bad_row(arr2, lambda rows: ~np.isfinite(rows))
        where = name if single else f"{name}[{i}]"
        raise InputError(f"{name} must be finite, in {unit}; got {where} = {arr2[i].tolist()!r}")
    return arr2, single, max(abs(lo), abs(hi))


def dipole_arrays(positions: ArrayLike, moments: ArrayLike) -> tuple[np.ndarray, np.ndarray, float]:
    """Validated dipole positions and moments, both float64 (N, 3), and the positions' scale."""
    pos, pos_single, scale = vectors(positions, "positions", "m")
    mom, mom_single, _ = vectors(moments, "moments", "A m^2")
    if pos.shape != mom.shape or pos_single != mom_single:
        raise InputError(
            "moments must have the shape of positions, one moment (A m^2) per dipole; "
            f"got moments of shape {np.shape(moments)} for positions of shape {np.shape(positions)}"
        )
    return pos, mom, scale
