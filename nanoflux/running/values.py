"""Typing command-line values: ``nanoflux reproduce --set NAME=VALUE`` gives text, each notebook's
``parameters`` cell declares a typed default, and :func:`coerce` turns the one into the kind of the other
(or refuses it with one line naming the parameter)."""
from __future__ import annotations

import ast
import re

from nanoflux.validate import InputError


def parse_assignment(text: str) -> tuple[str, str]:
    """Split ``NAME=VALUE``; NAME is a Python identifier (of at most 100 characters)."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip().isidentifier() or len(name.strip()) > 100:
        raise InputError(f"--set takes NAME=VALUE, NAME a parameter's name; got {_shown(text)}")
    return name.strip(), raw.strip()


#: The longest --set value read (a longer one is refused before it is parsed).
MAX_VALUE_CHARS = 10_000


def _literal(name: str, raw: str):
    """``raw`` as a Python literal, or ``raw`` itself when it is not one; RunError for a value too
    long or too deeply nested to read."""
    if len(raw) > MAX_VALUE_CHARS:
        raise InputError(f"{name}: the value is {len(raw)} characters long; at most {MAX_VALUE_CHARS}")
    try:
        return ast.literal_eval(raw)
    except (ValueError, SyntaxError, TypeError):
        return raw
    except (RecursionError, MemoryError):
        raise InputError(f"{name}: the value is nested too deeply to read; give a number, a word or "
                       f"a flat list such as [1, 2]") from None


def _shown(raw: str) -> str:
    """A command-line value as a message quotes it: repr, cut to 60 characters."""
    return repr(raw) if len(raw) <= 60 else repr(raw[:57]) + "..."


def _not_finite(value) -> bool:
    return isinstance(value, float) and not (value == value and abs(value) != float("inf"))


def _nan_note(raw: str) -> str:
    """A reminder when a value spells NaN or infinity, or holds a number beyond float64 (1e999)."""
    spelled = re.search(r"(?i)\b(nan|inf|infinity)\b", raw)
    huge = re.search(r"\d[eE]\+?\d{3,}", raw)
    return " (NaN and infinity are not allowed)" if spelled or huge else ""


def _number(value, default):
    """``value`` as the kind of ``default`` (float or int) when it is a finite number of that kind
    (a whole float for an int), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or _not_finite(value):
        return None
    if isinstance(default, float):
        try:
            return float(value)
        except OverflowError:  # an integer beyond float64
            return None
    return int(value) if isinstance(value, int) or value.is_integer() else None


def coerce(name: str, raw: str, default):
    """Convert a command-line value to the type of the notebook's declared default.

    Floats accept integers that float64 holds; whole numbers accept whole floats (1e3); lists
    accept a single value (a one-element list) and hold values of their declared elements' type,
    never nested lists; strings take the text as given (quotes optional). NaN and infinity are
    refused, and so are values too long or too deeply nested to read. Anything else is a RunError
    naming ``name`` and the expected type.
    """
    value = _literal(name, raw)
    wrong = f"{name} must be {_type_name(default)} (declared {name} = {default!r}); got {_shown(raw)}"
    if isinstance(default, str):
        return value if isinstance(value, str) else raw
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        raise InputError(wrong)
    if isinstance(default, (list, tuple)):
        items = list(value) if isinstance(value, (list, tuple)) else [value]
        if isinstance(value, (dict, set)) or not items:
            raise InputError(wrong)
        element = default[0] if default else 0.0
        if isinstance(element, str):
            if not all(isinstance(x, str) for x in items):
                raise InputError(f"{name} must be a list of words such as {list(default)!r}; got {_shown(raw)}")
            return items
        numbers = [_number(x, element) for x in items]
        if None in numbers:
            kind = "whole numbers" if isinstance(element, int) and not isinstance(element, bool) else "numbers"
            raise InputError(f"{name} must be a list of {kind} such as {list(default)!r}; got {_shown(raw)}"
                           + _nan_note(raw))
        return numbers
    if isinstance(default, (int, float)):
        number = _number(value, default)
        if number is None:
            raise InputError(wrong + _nan_note(raw))
        return number
    raise InputError(wrong)


def _type_name(default) -> str:
    return {bool: "True or False", float: "a number", int: "a whole number", str: "a string",
            list: "a list such as [1, 2]", tuple: "a list such as [1, 2]"}.get(type(default), type(default).__name__)
