"""The outcome space: every combination of one option per issue.

An outcome is an integer vector ``ω = (ω_1, ..., ω_k)`` with ``0 <= ω_i < m_i``, the index of
the chosen option of each of the ``k`` issues; a batch of outcomes is an integer array of shape
``(n, k)``. The space holds ``N = m_1 · m_2 ⋯ m_k`` outcomes, numbered in row-major (C) order,
so outcome ``index`` and vector ``ω`` correspond one to one::

    index(ω) = ((ω_1 · m_2 + ω_2) · m_3 + ω_3) ⋯

Three representations, each convertible to the others: the *index* (an int, what protocols
and agents pass around), the *outcome* (the option-index vector, what preference models
evaluate) and the *labels* (``{issue name: option label}``, what people read and write).

>>> from negsim import OutcomeSpace, categorical, integer
>>> space = OutcomeSpace([categorical("treaty", ["no", "yes"]), integer("islands", 0, 4)])
>>> space.size
10
>>> space.labels(space.outcome_at(7))
{'treaty': 'yes', 'islands': '2'}
>>> space.index_of(space.outcome_from_labels({"treaty": "yes", "islands": 2}))
7
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from functools import cached_property, lru_cache
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .errors import OutcomeSpaceTooLarge, ValidationError, did_you_mean
from .issues import Issue
from .rng import RNGLike, resolve_rng

__all__ = ["DEFAULT_ENUMERATION_LIMIT", "OutcomeSpace", "Outcomes"]

#: How many outcomes :meth:`OutcomeSpace.grid` enumerates unless the caller allows more.
DEFAULT_ENUMERATION_LIMIT = 10_000_000

Outcomes = npt.NDArray[np.int64]


def _issue_tuple(issues: Iterable[Issue]) -> tuple[Issue, ...]:
    return tuple(issues)


@attrs.frozen(slots=False)  # a __dict__ holds the cached grid (see grid())
class OutcomeSpace:
    """The Cartesian product of the options of ``issues`` (see the module docstring)."""

    issues: tuple[Issue, ...] = attrs.field(converter=_issue_tuple)
    #: How many outcomes the space lets be enumerated (its grid, every model's utilities over
    #: it, a negotiation on it) unless a call passes its own ``limit``. Raise it to negotiate
    #: over a larger space: what is kept per outcome is numpy arrays (utilities, rankings,
    #: about 50 bytes an outcome a party), never Python objects. Not part of the space's
    #: identity (equality, :meth:`to_dict`).
    enumeration_limit: int = attrs.field(
        default=DEFAULT_ENUMERATION_LIMIT, kw_only=True, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        if not self.issues:
            raise ValidationError("issues", "the outcome space has no issues", "at least one")
        for i, issue in enumerate(self.issues):
            if not isinstance(issue, Issue):
                raise ValidationError(f"issues[{i}]", f"got {type(issue).__name__}", "an Issue")
        limit = self.enumeration_limit
        if isinstance(limit, bool) or not isinstance(limit, int | np.integer) or limit < 1:
            raise ValidationError("enumeration_limit", f"{limit!r}", "a positive whole number")
        names = [issue.name for issue in self.issues]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValidationError("issues", f"repeated issue names {dupes}", "unique names")

    # --- shape -----------------------------------------------------------------------------
    @cached_property
    def shape(self) -> tuple[int, ...]:
        """Number of options of each issue, ``(m_1, ..., m_k)``."""
        return tuple(issue.size for issue in self.issues)

    @property
    def n_issues(self) -> int:
        """Number of issues ``k``."""
        return len(self.issues)

    @cached_property
    def size(self) -> int:
        """Number of outcomes ``N = ∏ m_i`` (a Python int: it may exceed int64)."""
        return math.prod(self.shape)

    @property
    def issue_names(self) -> tuple[str, ...]:
        """The issues' names, in order."""
        return tuple(issue.name for issue in self.issues)

    def issue_index(self, name: str) -> int:
        """Position of the issue called ``name``."""
        names = self.issue_names
        if name not in names:
            raise ValidationError("issue", f"no issue {name!r}", did_you_mean(name, names))
        return names.index(name)

    def issue(self, name: str) -> Issue:
        """The issue called ``name``."""
        return self.issues[self.issue_index(name)]

    # --- enumeration -----------------------------------------------------------------------
    def grid(self, limit: int | None = None) -> Outcomes:
        """Every outcome, as a read-only ``(N, k)`` array in index order.

        Raises :class:`~negsim.errors.OutcomeSpaceTooLarge` when ``N > limit`` (default: the
        space's :attr:`enumeration_limit`); pass a larger ``limit`` to enumerate anyway
        (memory is ``8 · N · k`` bytes).
        """
        self.check_enumerable(limit)
        return self._grid

    def check_enumerable(self, limit: int | None = None) -> None:
        """Raise :class:`~negsim.errors.OutcomeSpaceTooLarge` if ``size > limit`` (default:
        the space's :attr:`enumeration_limit`)."""
        limit = self.enumeration_limit if limit is None else limit
        if self.size > limit:
            raise OutcomeSpaceTooLarge(
                f"the outcome space has {self.size:,} outcomes"
                f" ({' x '.join(map(str, self.shape))}), more than the enumeration limit"
                f" of {limit:,}; pass a larger limit (or OutcomeSpace(..., enumeration_limit=...))"
                " to enumerate it anyway, or sample() from it"
            )

    @cached_property
    def _grid(self) -> Outcomes:
        if self.size <= SHARED_GRID:
            return _grid_of_shape(self.shape)
        return _grid_of_shape.__wrapped__(self.shape)

    def sample(self, n: int, rng: RNGLike = None) -> Outcomes:
        """``n`` outcomes drawn uniformly (with replacement) using ``rng``."""
        generator, _ = resolve_rng(rng)
        return generator.integers(0, self.shape, size=(int(n), self.n_issues), dtype=np.int64)

    # --- conversions -----------------------------------------------------------------------
    def validate(self, outcomes: Any, field: str = "outcomes") -> Outcomes:
        """Return ``outcomes`` as an ``(n, k)`` int64 array, or raise naming what is wrong."""
        grid: Outcomes | None = self.__dict__.get("_grid")
        if grid is not None and grid is outcomes:  # the cached grid is valid by construction
            return grid
        array = np.asarray(outcomes)
        if array.ndim == 1:
            array = array[None, :]
        if array.ndim != 2 or array.shape[1] != self.n_issues:
            raise ValidationError(
                field, f"shape {np.shape(outcomes)}", f"(n, {self.n_issues}) option indices"
            )
        if array.size and not np.issubdtype(array.dtype, np.integer):
            raise ValidationError(field, f"dtype {array.dtype}", "integer option indices")
        array = array.astype(np.int64, copy=False)
        bad = (array < 0) | (array >= np.asarray(self.shape))
        if bad.any():
            row, col = np.argwhere(bad)[0]
            raise ValidationError(
                f"{field}[{row}].{self.issues[col].name}",
                f"option index {array[row, col]} out of range",
                f"0 .. {self.shape[col] - 1}",
            )
        return array

    def index_of(self, outcomes: Any) -> Any:
        """Index of each outcome (an int for one outcome, an int64 array for ``(n, k)``)."""
        array = self.validate(outcomes)
        flat = np.ravel_multi_index(tuple(array.T), self.shape)
        return int(flat[0]) if np.ndim(outcomes) == 1 else flat

    def outcome_at(self, index: Any) -> Outcomes:
        """The outcome(s) with the given index: ``(k,)`` for an int, ``(n, k)`` for an array."""
        idx = np.asarray(index)
        if not np.issubdtype(idx.dtype, np.integer):
            raise ValidationError("index", f"dtype {idx.dtype}", "integer outcome indices")
        if idx.size and (idx.min() < 0 or idx.max() >= self.size):
            raise ValidationError("index", "out of range", f"0 .. {self.size - 1}")
        return np.stack(np.unravel_index(idx, self.shape), axis=-1).astype(np.int64)

    def labels(self, outcome: Any) -> dict[str, str]:
        """``{issue name: option label}`` of one outcome."""
        row = self.validate(outcome)[0]
        return {
            issue.name: issue.options[int(i)] for issue, i in zip(self.issues, row, strict=True)
        }

    def outcome_from_labels(self, labels: Mapping[str, Any]) -> Outcomes:
        """The outcome (a ``(k,)`` array) choosing, for every issue, the labelled option."""
        unknown = [name for name in labels if name not in self.issue_names]
        if unknown:
            raise ValidationError(
                "outcome", f"no issue {unknown[0]!r}", did_you_mean(unknown[0], self.issue_names)
            )
        missing = [name for name in self.issue_names if name not in labels]
        if missing:
            raise ValidationError("outcome", f"no option given for {missing}", "one per issue")
        return np.array([issue.index(labels[issue.name]) for issue in self.issues], dtype=np.int64)

    def describe(self, outcome: Any) -> str:
        """One-line human-readable form, ``issue=option, ...``."""
        return ", ".join(f"{k}={v}" for k, v in self.labels(outcome).items())

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form (the inverse of :meth:`from_dict`)."""
        return {"issues": [issue.to_dict() for issue in self.issues]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OutcomeSpace:
        """Rebuild a space from :meth:`to_dict` output."""
        return cls(Issue.from_dict(d) for d in data["issues"])


#: Spaces of at most this many outcomes share one read-only grid per shape (at most 32 shapes
#: kept, a few MB): a new space of a known shape, say one per run, need not enumerate again.
SHARED_GRID = 4096


@lru_cache(maxsize=32)
def _grid_of_shape(shape: tuple[int, ...]) -> Outcomes:
    """Every outcome of a space of ``shape``, as a read-only ``(N, k)`` array in index order."""
    grid = np.indices(shape, dtype=np.int64).reshape(len(shape), -1).T.copy()
    grid.flags.writeable = False
    return grid
