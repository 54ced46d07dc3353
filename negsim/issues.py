"""Negotiable issues: each one a finite, ordered list of options.

Every issue, whatever its kind, is represented by its option *labels*; an outcome stores the
integer index of the chosen option of each issue. Four kinds cover what negotiators table:

* ``categorical`` — named options with no order (``"Japan"``, ``"Russia"``, ``"joint"``);
* ``ordered`` — named options with a meaningful order (``"none" < "partial" < "full"``);
* ``integer`` — every integer in ``[low, high]``;
* ``continuous`` — ``[low, high]`` discretised at a declared ``resolution`` (the step), so that
  ``low + k * resolution`` for ``k = 0 .. (high - low) / resolution`` are the options.

Numeric issues (integer and continuous) also carry the numeric ``values`` of their options.
Build issues with :func:`categorical`, :func:`ordered`, :func:`integer` and :func:`continuous`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from .errors import ValidationError, did_you_mean
from .validators import readonly_or_none

__all__ = ["Issue", "IssueKind", "categorical", "continuous", "integer", "ordered"]

IssueKind = Literal["categorical", "ordered", "integer", "continuous"]
_KINDS: tuple[str, ...] = ("categorical", "ordered", "integer", "continuous")


def _to_str_tuple(options: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(o) for o in options)


@attrs.frozen
class Issue:
    """One negotiable issue: a name and its options (see the module docstring for kinds)."""

    name: str
    options: tuple[str, ...] = attrs.field(converter=_to_str_tuple)
    kind: IssueKind = "categorical"
    values: npt.NDArray[np.float64] | None = attrs.field(
        default=None, converter=readonly_or_none, eq=attrs.cmp_using(eq=np.array_equal)
    )

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValidationError("issue.name", f"{self.name!r} is empty", "a non-empty string")
        field = f"issues.{self.name}"
        if self.kind not in _KINDS:
            raise ValidationError(
                f"{field}.kind", f"{self.kind!r} is not a kind", " or ".join(_KINDS)
            )
        if not self.options:
            raise ValidationError(f"{field}.options", "the issue has no options", "at least one")
        if len(set(self.options)) != len(self.options):
            dupes = sorted({o for o in self.options if self.options.count(o) > 1})
            raise ValidationError(f"{field}.options", f"repeated options {dupes}", "unique labels")
        numeric = self.kind in ("integer", "continuous")
        if numeric and (self.values is None or self.values.shape != (len(self.options),)):
            raise ValidationError(f"{field}.values", "missing or wrong length", "one per option")
        if not numeric and self.values is not None:
            raise ValidationError(f"{field}.values", "only numeric issues have values")

    @property
    def size(self) -> int:
        """Number of options."""
        return len(self.options)

    @property
    def is_numeric(self) -> bool:
        """True for integer and continuous issues."""
        return self.values is not None

    def index(self, option: str | float) -> int:
        """Index of an option, given its label (or, for numeric issues, its value)."""
        label = str(option)
        if label in self.options:
            return self.options.index(label)
        if self.values is not None and isinstance(option, int | float):
            hits = np.flatnonzero(np.isclose(self.values, float(option)))
            if hits.size:
                return int(hits[0])
        raise ValidationError(
            f"issues.{self.name}", f"no option {option!r}", did_you_mean(label, self.options)
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (the inverse of :meth:`from_dict`)."""
        data: dict[str, Any] = {"name": self.name, "kind": self.kind, "options": list(self.options)}
        if self.values is not None:
            data["values"] = self.values.tolist()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        """Rebuild an issue from :meth:`to_dict` output."""
        return cls(
            data["name"], data["options"], data.get("kind", "categorical"), data.get("values")
        )


def categorical(name: str, options: Iterable[str]) -> Issue:
    """An issue with named options in no particular order."""
    return Issue(name, tuple(options), "categorical")


def ordered(name: str, options: Iterable[str]) -> Issue:
    """An issue with named options listed from lowest to highest."""
    return Issue(name, tuple(options), "ordered")


def integer(name: str, low: int, high: int) -> Issue:
    """An issue whose options are the integers ``low, low + 1, ..., high``."""
    if int(low) != low or int(high) != high:
        raise ValidationError(f"issues.{name}", f"bounds {low}, {high}", "integers")
    if high < low:
        raise ValidationError(f"issues.{name}", f"high {high} < low {low}", "low <= high")
    values = np.arange(int(low), int(high) + 1)
    return Issue(name, tuple(str(v) for v in values), "integer", values)


def continuous(name: str, low: float, high: float, resolution: float) -> Issue:
    """``[low, high]`` discretised at step ``resolution`` (which must divide the range)."""
    if not all(math.isfinite(x) for x in (low, high, resolution)):
        raise ValidationError(f"issues.{name}", "bounds and resolution must be finite")
    if resolution <= 0:
        raise ValidationError(f"issues.{name}.resolution", f"{resolution}", "a positive step")
    if high < low:
        raise ValidationError(f"issues.{name}", f"high {high} < low {low}", "low <= high")
    steps = (high - low) / resolution
    n_steps = round(steps)
    if not math.isclose(steps, n_steps, rel_tol=1e-9, abs_tol=1e-9):
        raise ValidationError(
            f"issues.{name}.resolution",
            f"{resolution} does not divide [{low}, {high}]",
            "a step that divides high - low",
        )
    values = low + resolution * np.arange(n_steps + 1)
    values[-1] = high
    return Issue(name, tuple(f"{v:.12g}" for v in values), "continuous", values)
