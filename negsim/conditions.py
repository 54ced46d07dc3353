"""Conditions: predicates over issue values, evaluated on whole outcome arrays.

A condition is plain data (issue names and option labels), so a scenario file can state it and
nothing needs to be executed. Evaluated against an outcome space it yields a boolean mask
``c(ω) ∈ {0, 1}`` over a batch of outcomes. Conditions combine with ``&``, ``|`` and ``~``:

>>> from negsim import IssueIs
>>> kunashiri_or_etorofu_to_japan = (
...     IssueIs("kunashiri", ["japan"]) | IssueIs("etorofu", ["japan"])
... )

Red lines and preconditions (:mod:`negsim.position`) are built from conditions.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .errors import ValidationError, did_you_mean
from .outcomes import Outcomes, OutcomeSpace

__all__ = ["AllOf", "AnyOf", "Condition", "IssueAtLeast", "IssueAtMost", "IssueIs", "Not"]

Mask = npt.NDArray[np.bool_]


def _labels(options: Iterable[Any] | str) -> tuple[str, ...]:
    if isinstance(options, str):
        return (options,)
    return tuple(str(o) for o in options)


class Condition(abc.ABC):
    """A predicate over outcomes; subclasses implement :meth:`mask` and :meth:`describe`."""

    @abc.abstractmethod
    def mask(self, space: OutcomeSpace, outcomes: Outcomes) -> Mask:
        """Boolean array ``(n,)``: where the condition holds for ``outcomes`` ``(n, k)``."""

    @abc.abstractmethod
    def describe(self) -> str:
        """A short human-readable statement of the condition."""

    def validate(self, space: OutcomeSpace, field: str) -> None:
        """Raise :class:`~negsim.errors.ValidationError` if names do not exist in ``space``."""
        self.mask(space, np.zeros((0, space.n_issues), dtype=np.int64))

    def __and__(self, other: Condition) -> Condition:
        return AllOf((self, other))

    def __or__(self, other: Condition) -> Condition:
        return AnyOf((self, other))

    def __invert__(self) -> Condition:
        return Not(self)


def _resolve_issue(space: OutcomeSpace, issue: str, field: str) -> int:
    if issue not in space.issue_names:
        raise ValidationError(
            f"{field}.issue", f"no issue {issue!r}", did_you_mean(issue, space.issue_names)
        )
    return space.issue_index(issue)


def _resolve_option(space: OutcomeSpace, issue: str, option: str, field: str) -> int:
    options = space.issue(issue).options
    if option not in options:
        raise ValidationError(
            f"{field}.options", f"{issue!r} has no option {option!r}", did_you_mean(option, options)
        )
    return options.index(option)


@attrs.frozen
class IssueIs(Condition):
    """Holds where issue ``issue`` takes one of ``options``."""

    issue: str
    options: tuple[str, ...] = attrs.field(converter=_labels)

    def _allowed(self, space: OutcomeSpace, field: str = "condition") -> tuple[int, Mask]:
        column = _resolve_issue(space, self.issue, field)
        allowed = np.zeros(space.shape[column], dtype=bool)
        for option in self.options:
            allowed[_resolve_option(space, self.issue, option, field)] = True
        return column, allowed

    def mask(self, space: OutcomeSpace, outcomes: Outcomes) -> Mask:
        column, allowed = self._allowed(space)
        return allowed[outcomes[:, column]]

    def describe(self) -> str:
        return f"{self.issue} is {' or '.join(self.options)}"

    def validate(self, space: OutcomeSpace, field: str) -> None:
        self._allowed(space, field)


@attrs.frozen
class _IssueOrder(Condition):
    """Compares an ordered or numeric issue's option with ``option`` in the issue's order."""

    issue: str
    option: str = attrs.field(converter=str)

    def _threshold(self, space: OutcomeSpace, field: str) -> tuple[int, int]:
        column = _resolve_issue(space, self.issue, field)
        return column, _resolve_option(space, self.issue, self.option, field)

    def validate(self, space: OutcomeSpace, field: str) -> None:
        self._threshold(space, field)


@attrs.frozen
class IssueAtLeast(_IssueOrder):
    """Holds where an ordered or numeric issue takes ``option`` or a later option."""

    def mask(self, space: OutcomeSpace, outcomes: Outcomes) -> Mask:
        column, threshold = self._threshold(space, "condition")
        return outcomes[:, column] >= threshold

    def describe(self) -> str:
        return f"{self.issue} >= {self.option}"


@attrs.frozen
class IssueAtMost(_IssueOrder):
    """Holds where an ordered or numeric issue takes ``option`` or an earlier option."""

    def mask(self, space: OutcomeSpace, outcomes: Outcomes) -> Mask:
        column, threshold = self._threshold(space, "condition")
        return outcomes[:, column] <= threshold

    def describe(self) -> str:
        return f"{self.issue} <= {self.option}"


def _conditions(items: Iterable[Condition]) -> tuple[Condition, ...]:
    return tuple(items)


@attrs.frozen
class _Combination(Condition):
    conditions: tuple[Condition, ...] = attrs.field(converter=_conditions)

    def validate(self, space: OutcomeSpace, field: str) -> None:
        for i, inner in enumerate(self.conditions):
            inner.validate(space, f"{field}.conditions[{i}]")


@attrs.frozen
class AllOf(_Combination):
    """Holds where every one of ``conditions`` holds (true when there are none)."""

    def mask(self, space: OutcomeSpace, outcomes: Outcomes) -> Mask:
        result = np.ones(len(outcomes), dtype=bool)
        for condition in self.conditions:
            result &= condition.mask(space, outcomes)
        return result

    def describe(self) -> str:
        return "(" + " and ".join(c.describe() for c in self.conditions) + ")"


@attrs.frozen
class AnyOf(_Combination):
    """Holds where at least one of ``conditions`` holds (false when there are none)."""

    def mask(self, space: OutcomeSpace, outcomes: Outcomes) -> Mask:
        result = np.zeros(len(outcomes), dtype=bool)
        for condition in self.conditions:
            result |= condition.mask(space, outcomes)
        return result

    def describe(self) -> str:
        return "(" + " or ".join(c.describe() for c in self.conditions) + ")"


@attrs.frozen
class Not(Condition):
    """Holds where ``condition`` does not."""

    condition: Condition

    def mask(self, space: OutcomeSpace, outcomes: Outcomes) -> Mask:
        return ~self.condition.mask(space, outcomes)

    def describe(self) -> str:
        return f"not {self.condition.describe()}"

    def validate(self, space: OutcomeSpace, field: str) -> None:
        self.condition.validate(space, f"{field}.condition")
