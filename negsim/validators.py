"""Shared validators: the checks every value object makes, written once.

Each check comes in two forms:

* a function ``check_*(field, value) -> value`` that converts and checks one value and raises
  :class:`~negsim.errors.ValidationError` naming ``field`` (for checks inside functions);
* an attrs validator factory (:func:`unit`, :func:`positive`, :func:`count`, :func:`one_of`)
  for fields; the error names the attribute unless a ``field`` (a key path such as
  ``"pressure.intensity"``) is given.

========================  ===============================================================
check                     valid values
========================  ===============================================================
unit interval             finite ``x`` with ``0 <= x <= 1`` (``0 < x <= 1`` with
                          ``open_low=True``: discount factors)
positive                  finite ``x > 0`` (``x >= 0`` with ``allow_zero=True``)
count (whole number)      an ``int`` (not a ``bool``) ``>= minimum``
one of                    a member of a fixed set of choices
boolean                   ``True`` or ``False`` (not ``1`` or ``"yes"``)
========================  ===============================================================

:func:`readonly` is the converter of array fields: a float (or other ``dtype``) array whose
``writeable`` flag is off, so a frozen value object stays frozen.

>>> check_unit("probability", 0.25)
0.25
>>> check_unit("discount", 0.0, open_low=True)
Traceback (most recent call last):
...
negsim.errors.ValidationError: discount: 0.0 (expected a value in (0, 1])
>>> whole_number("rounds", 3)
3
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import ValidationError

__all__ = [
    "bool_array",
    "boolean",
    "check_one_of",
    "check_positive",
    "check_unit",
    "count",
    "float_array",
    "int_array",
    "one_of",
    "positive",
    "readonly",
    "readonly_or_none",
    "unit",
    "whole_number",
]

Validator = Callable[[Any, Any, Any], None]


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _shown(value: Any) -> str:
    return f"{value}" if isinstance(value, int | float | np.number) else repr(value)


def check_unit(field: str, value: Any, *, open_low: bool = False, what: str = "a value") -> float:
    """``value`` as a float in ``[0, 1]`` (``(0, 1]`` if ``open_low``), else raise; the
    error expects ``what`` (``"a probability"``, ...) in the interval."""
    number = _number(value)
    low_ok = number > 0.0 if open_low else number >= 0.0
    if not (math.isfinite(number) and low_ok and number <= 1.0):
        interval = "(0, 1]" if open_low else "[0, 1]"
        raise ValidationError(field, _shown(value), f"{what} in {interval}")
    return number


def check_positive(
    field: str, value: Any, *, allow_zero: bool = False, what: str = "a finite number"
) -> float:
    """``value`` as a finite float ``> 0`` (``>= 0`` if ``allow_zero``), else raise."""
    number = _number(value)
    if not (math.isfinite(number) and (number >= 0.0 if allow_zero else number > 0.0)):
        expected = f"{what} {'>=' if allow_zero else '>'} 0"
        raise ValidationError(field, _shown(value), expected)
    return number


def whole_number(field: str, value: Any, minimum: int = 0) -> int:
    """``value`` as an int ``>= minimum`` (a ValidationError naming ``field`` otherwise)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < minimum:
        raise ValidationError(field, f"{value!r}", f"a whole number >= {minimum}")
    return int(value)


def check_one_of(field: str, value: Any, valid: Collection[Any]) -> Any:
    """``value`` if it is one of ``valid``, else raise listing the choices."""
    if value not in valid:
        raise ValidationError(field, f"{value!r}", " or ".join(repr(v) for v in valid))
    return value


def _name(field: str | None, attribute: Any) -> str:
    return field if field is not None else str(getattr(attribute, "name", "value"))


def unit(field: str | None = None, *, open_low: bool = False, what: str = "a value") -> Validator:
    """attrs validator: a value in ``[0, 1]`` (``(0, 1]`` with ``open_low``)."""

    def check(_: Any, attribute: Any, value: Any) -> None:
        check_unit(_name(field, attribute), value, open_low=open_low, what=what)

    return check


def positive(
    field: str | None = None, *, allow_zero: bool = False, what: str = "a finite number"
) -> Validator:
    """attrs validator: a finite number ``> 0`` (``>= 0`` with ``allow_zero``)."""

    def check(_: Any, attribute: Any, value: Any) -> None:
        check_positive(_name(field, attribute), value, allow_zero=allow_zero, what=what)

    return check


def count(field: str | None = None, *, minimum: int = 0) -> Validator:
    """attrs validator: a whole number ``>= minimum`` (use after an ``int`` converter)."""

    def check(_: Any, attribute: Any, value: Any) -> None:
        whole_number(_name(field, attribute), value, minimum)

    return check


def one_of(*valid: Any, field: str | None = None) -> Validator:
    """attrs validator: one of ``valid``."""

    def check(_: Any, attribute: Any, value: Any) -> None:
        check_one_of(_name(field, attribute), value, valid)

    return check


def boolean(field: str | None = None) -> Validator:
    """attrs validator: ``True`` or ``False`` exactly (a flag; ``1`` and ``"yes"`` are refused)."""

    def check(_: Any, attribute: Any, value: Any) -> None:
        if not isinstance(value, bool):
            raise ValidationError(_name(field, attribute), f"{value!r}", "true or false")

    return check


def readonly(values: Any, dtype: Any = float, copy: bool = True) -> npt.NDArray[Any]:
    """``values`` as a read-only array of ``dtype`` (a copy, or a read-only view of the input
    if ``copy=False``): the converter of every array field of negsim's value objects."""
    array = np.array(values, dtype=dtype) if copy else np.asarray(values, dtype=dtype).view()
    array.flags.writeable = False
    return array


def int_array(values: Any) -> npt.NDArray[np.int64]:
    """:func:`readonly` as 64-bit integers (the converter of integer array fields)."""
    return readonly(values, np.int64)


def float_array(values: Any) -> npt.NDArray[np.float64]:
    """:func:`readonly` as floats (the converter of float array fields)."""
    return readonly(values, float)


def bool_array(values: Any) -> npt.NDArray[np.bool_]:
    """:func:`readonly` as booleans (the converter of boolean array fields)."""
    return readonly(values, bool)


def readonly_or_none(values: Any) -> npt.NDArray[np.float64] | None:
    """:func:`readonly` of ``values``, or ``None`` for ``None``."""
    return None if values is None else readonly(values)
