"""Preference models: vectorised utility functions over outcomes.

A preference model maps a batch of outcomes ``(n, k)`` to utilities ``(n,)`` in one call,
:meth:`PreferenceModel.utility`. It also carries

* a **reservation value** ``r`` — the utility of the party's best alternative to a negotiated
  agreement (BATNA): what it gets if no agreement is reached, and the level below which it
  should accept nothing;
* a **discount factor** ``δ ∈ (0, 1]`` per round: an agreement on ``ω`` reached in round ``t``
  is worth ``δ^t · u(ω)`` (:meth:`PreferenceModel.utility_at`). The reservation value is not
  discounted: it is what the party gets whenever the talks end without a deal.

``-inf`` is the utility of an outcome the party can never accept (a red line, see
:mod:`negsim.position`): it is below every reservation value, so such an outcome is never in
the zone of agreement.

:class:`LinearAdditive` is the workhorse model of multi-issue negotiation (Raiffa 1982,
*The Art and Science of Negotiation*; Keeney & Raiffa 1976):

.. math::  u(ω) = \\sum_{i=1}^{k} w_i \\, v_i(ω_i), \\qquad w_i \\ge 0,\\ \\sum_i w_i = 1,\\
           v_i(\\cdot) \\in [0, 1],

so ``u(ω) ∈ [0, 1]``. :class:`~negsim.position.Position` composes any model with red lines,
preconditions, third-party pressure and discounting.
"""

from __future__ import annotations

import abc
import math
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any, overload

import attrs
import numpy as np
import numpy.typing as npt

from .errors import ValidationError, did_you_mean
from .outcomes import Outcomes, OutcomeSpace
from .rng import RNGLike, resolve_rng
from .validators import check_positive, check_unit, readonly

__all__ = [
    "GridProfile",
    "LinearAdditive",
    "PreferenceModel",
    "Utilities",
    "discounted",
    "utility_matrix",
]

Utilities = npt.NDArray[np.float64]
_TOL = 1e-6


@overload
def discounted(utilities: float, factor: float) -> float: ...
@overload
def discounted(utilities: npt.ArrayLike, factor: npt.ArrayLike) -> Utilities: ...
def discounted(utilities: Any, factor: Any) -> Any:
    """Discounted utilities ``factor · u``, elementwise (broadcast), keeping ``-inf`` as ``-inf``.

    ``-inf`` marks an outcome a party can never accept; discounting must not change that. A
    factor ``δ^t`` underflows to 0 over many rounds (``0.01 ** 200 == 0.0``), and
    ``0 · -inf`` is NaN in floating point, so every discounted utility in negsim is computed
    here: finite ``u`` gives ``factor · u`` (0 after an underflow), ``-inf`` stays ``-inf``.
    Python floats give a float, anything else an array.

    >>> discounted(-math.inf, 0.01**200), discounted(0.5, 0.5)
    (-inf, 0.25)
    """
    if isinstance(utilities, float) and isinstance(factor, float):
        return utilities if utilities == -math.inf else utilities * factor
    u = np.asarray(utilities, dtype=float)
    with np.errstate(invalid="ignore"):
        product = u * np.asarray(factor, dtype=float)
    return np.where(np.isneginf(u), -np.inf, product)


class PreferenceModel(abc.ABC):
    """Base class of preference models.

    Subclasses are frozen attrs classes with a ``space`` (:class:`OutcomeSpace`) and implement
    :meth:`utility` (vectorised) and the ``reservation`` property; ``discount`` defaults to 1.
    """

    space: OutcomeSpace

    @property
    @abc.abstractmethod
    def reservation(self) -> float:
        """Reservation value ``r`` (utility of no agreement)."""

    @property
    def discount(self) -> float:
        """Per-round discount factor ``δ`` (1 = patient)."""
        return 1.0

    @abc.abstractmethod
    def utility(self, outcomes: Outcomes) -> Utilities:
        """Utility ``u(ω)`` of each row of ``outcomes`` ``(n, k)``, as a float array ``(n,)``."""

    def utility_at(self, outcomes: Outcomes, round: int) -> Utilities:
        """Discounted utility ``δ^t · u(ω)`` of agreeing on each outcome in round ``t``."""
        return discounted(self.utility(outcomes), self.discount**round)

    def utility_of(self, outcome: Any) -> float:
        """Utility of one outcome given as option indices or as ``{issue: label}``."""
        if isinstance(outcome, Mapping):
            outcome = self.space.outcome_from_labels(outcome)
        return float(self.utility(self.space.validate(outcome))[0])

    def grid_utilities(self, limit: int | None = None) -> Utilities:
        """Utility of every outcome of the space, in index order (read-only, cached)."""
        return self.profile(limit).utilities

    def profile(self, limit: int | None = None) -> GridProfile:
        """The model's :class:`GridProfile` over its whole space (computed once, cached).

        A model is immutable, so what it thinks of every outcome is computed once; agents
        and protocols then look utilities up instead of recomputing them. ``limit``
        defaults to the space's :attr:`~negsim.OutcomeSpace.enumeration_limit`.
        """
        self.space.check_enumerable(limit)
        return self._profile

    @cached_property
    def _profile(self) -> GridProfile:
        # PreferenceModel declares no __slots__, so every model has a __dict__ to cache in,
        # even a frozen attrs subclass.
        return GridProfile(self._grid_values(), copy=False)

    def _grid_values(self) -> Utilities:
        """Utilities of the whole grid; subclasses may compute them faster than ``utility``."""
        return self.utility(self.space.grid(limit=self.space.size))


#: Profiles of at most this many outcomes also keep their utilities and rankings as tuples of
#: Python objects (the fastest scalar lookups); larger ones read them from their arrays
#: (about 30 bytes less per outcome and entry: 1e7 outcomes as Python floats take 320 MB).
PYTHON_LOOKUPS = 1_000_000


class ArrayLookup(Sequence[Any]):
    """A read-only sequence over a 1-d array whose items are Python scalars
    (``array.item(i)``): the lookups of a large :class:`GridProfile`, without a Python object
    per outcome."""

    __slots__ = ("array",)

    def __init__(self, array: npt.NDArray[Any]) -> None:
        self.array = array

    def __len__(self) -> int:
        return len(self.array)

    @overload
    def __getitem__(self, index: int) -> Any: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Any]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return ArrayLookup(self.array[index])
        return self.array.item(index)


class GridProfile:
    """A model's utilities over the whole outcome space, in the forms agents use.

    ``utilities[ω]`` (read-only array) for every outcome index, and, computed on first use:
    ``values`` (the same as Python floats, for fast scalar lookups: a tuple, or over more
    than :data:`PYTHON_LOOKUPS` outcomes an :class:`ArrayLookup`), ``best`` (the index of
    the highest utility, lowest index among ties), ``ranked_outcomes`` (the outcomes of
    finite utility by increasing utility, ties by index) and ``ranked_utilities``.
    """

    def __init__(self, utilities: Any, *, copy: bool = True) -> None:
        # copy=False: the caller hands the array over (a model's fresh grid values)
        values = np.array(utilities, dtype=float, copy=True if copy else None)
        values.flags.writeable = False
        self.utilities: npt.NDArray[np.float64] = values

    @cached_property
    def values(self) -> Sequence[float]:
        """``utilities`` as Python floats."""
        if self.utilities.size > PYTHON_LOOKUPS:
            return ArrayLookup(self.utilities)
        return tuple(self.utilities.tolist())

    @cached_property
    def best(self) -> int:
        """Index of the highest utility (lowest index among ties)."""
        return int(self.utilities.argmax()) if self.utilities.size else -1

    @cached_property
    def ranking(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        """``(ranked_outcomes, ranked_utilities)`` as read-only arrays, for vectorised use."""
        u = self.utilities
        order = u.argsort(kind="stable")
        order = order[np.count_nonzero(u == -np.inf) :]
        ranked = u[order]
        order.flags.writeable = False
        ranked.flags.writeable = False
        return order, ranked

    @cached_property
    def _ranking(self) -> tuple[Sequence[int], Sequence[float]]:
        order, ranked = self.ranking
        if order.size > PYTHON_LOOKUPS:
            return ArrayLookup(order), ArrayLookup(ranked)
        return tuple(order.tolist()), tuple(ranked.tolist())

    @property
    def ranked_outcomes(self) -> Sequence[int]:
        """Outcomes of finite utility by increasing utility (ties: lowest index first)."""
        return self._ranking[0]

    @property
    def ranked_utilities(self) -> Sequence[float]:
        """Utilities of :attr:`ranked_outcomes`."""
        return self._ranking[1]


def utility_matrix(
    preferences: Sequence[PreferenceModel], limit: int | None = None
) -> npt.NDArray[np.float64]:
    """``U`` of shape ``(n_outcomes, n_parties)``: ``U[ω, j]`` is party ``j``'s utility of
    outcome ``ω`` (in index order), the input of every function in :mod:`negsim.analysis`."""
    if not preferences:
        raise ValidationError("preferences", "none given", "at least one preference model")
    space = preferences[0].space
    for j, model in enumerate(preferences):
        if model.space != space:
            raise ValidationError(f"preferences[{j}]", "another outcome space", "the same space")
    return np.column_stack([model.grid_utilities(limit) for model in preferences])


def _table_tuple(tables: Sequence[Any]) -> tuple[npt.NDArray[np.float64], ...]:
    return tuple(readonly(t) for t in tables)


def _tables_eq(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


@attrs.frozen
class LinearAdditive(PreferenceModel):
    """``u(ω) = Σ_i w_i v_i(ω_i)`` with a reservation value (see the module docstring).

    ``weights`` has one entry per issue (non-negative, summing to 1); ``tables[i][j]`` is
    ``v_i`` of option ``j`` of issue ``i``, in ``[0, 1]``; ``reservation`` is in ``[0, 1]``.
    Most users build it with :meth:`from_tables`, which takes names and labels.
    """

    space: OutcomeSpace
    weights: npt.NDArray[np.float64] = attrs.field(
        converter=readonly, eq=attrs.cmp_using(eq=np.array_equal)
    )
    tables: tuple[npt.NDArray[np.float64], ...] = attrs.field(
        converter=_table_tuple, eq=attrs.cmp_using(eq=_tables_eq)
    )
    _reservation: float = attrs.field(default=0.0, converter=float, alias="reservation")
    _weighted: tuple[npt.NDArray[np.float64], ...] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        names = self.space.issue_names
        k = len(names)
        if self.weights.shape != (k,):
            raise ValidationError("weights", f"{self.weights.size} weights", f"one per issue ({k})")
        for name, w in zip(names, self.weights, strict=True):
            check_positive(f"weights.{name}", w, allow_zero=True, what="a finite weight")
        total = float(self.weights.sum())
        if not math.isclose(total, 1.0, abs_tol=_TOL):
            raise ValidationError("weights", f"they sum to {total:.6g}", "a sum of 1")
        if len(self.tables) != k:
            raise ValidationError("values", f"{len(self.tables)} tables", f"one per issue ({k})")
        for issue, table in zip(self.space.issues, self.tables, strict=True):
            if table.shape != (issue.size,):
                raise ValidationError(
                    f"values.{issue.name}", f"{table.size} values", f"one per option ({issue.size})"
                )
            bad = ~np.isfinite(table) | (table < 0) | (table > 1)
            if bad.any():
                j = int(np.argmax(bad))
                raise ValidationError(
                    f"values.{issue.name}.{issue.options[j]}", f"{table[j]}", "a value in [0, 1]"
                )
        check_unit("reservation", self._reservation, what="a utility")
        weighted = tuple(readonly(w * t) for w, t in zip(self.weights, self.tables, strict=True))
        object.__setattr__(self, "_weighted", weighted)

    @property
    def reservation(self) -> float:
        return self._reservation

    def utility(self, outcomes: Outcomes) -> Utilities:
        outcomes = self.space.validate(outcomes)
        total = np.zeros(len(outcomes))
        for column, table in enumerate(self._weighted):
            total += table[outcomes[:, column]]
        return total

    def _grid_values(self) -> Utilities:
        # Over the whole grid u is an outer sum, Σ_i w_i v_i broadcast over the axes of the
        # option-index array, whose row-major ravel is the grid's index order: k - 1
        # broadcast additions instead of k gathers (``total[..., None] + table`` is
        # ``np.add.outer``, without its overhead: a few microseconds a call on a small space).
        total: npt.NDArray[np.float64] = np.zeros(())
        for table in self._weighted:
            total = total[..., None] + table
        return total.ravel()

    def value(self, issue: str, option: str) -> float:
        """``v_i`` of one option, by names."""
        i = self.space.issue_index(issue)
        return float(self.tables[i][self.space.issues[i].index(option)])

    @classmethod
    def from_tables(
        cls,
        space: OutcomeSpace,
        weights: Mapping[str, float],
        values: Mapping[str, Mapping[str, float] | Sequence[float] | str],
        reservation: float = 0.0,
    ) -> LinearAdditive:
        """Build from names: ``weights[issue]`` and ``values[issue][option label]``.

        A value table may also be a sequence (one value per option, in order) or, for
        ordered and numeric issues, ``"increasing"`` / ``"decreasing"`` (linear from 0 to 1).
        Every issue needs a weight and a table; every option needs a value.
        """
        names = space.issue_names
        for field, given in (("weights", weights), ("values", values)):
            for name in given:
                if name not in names:
                    raise ValidationError(
                        f"{field}.{name}", "no such issue", did_you_mean(name, names)
                    )
            missing = [n for n in names if n not in given]
            if missing:
                raise ValidationError(field, f"no entry for {missing}", "one for every issue")
        tables = [_table(issue.name, issue.options, values[issue.name]) for issue in space.issues]
        return cls(space, [weights[n] for n in names], tables, reservation=reservation)

    @classmethod
    def random(
        cls, space: OutcomeSpace, rng: RNGLike = None, reservation: float = 0.0
    ) -> LinearAdditive:
        """Random weights (uniform on the simplex) and tables spanning ``[0, 1]``.

        Each table is rescaled so its worst option is 0 and its best is 1, so the utilities
        of the whole space span exactly ``[0, 1]`` (a single-option issue gets value 1).
        """
        generator, _ = resolve_rng(rng)
        weights = generator.dirichlet(np.ones(space.n_issues))
        tables = []
        for size in space.shape:
            raw = generator.random(size)
            span = raw.max() - raw.min()
            tables.append((raw - raw.min()) / span if span > 0 else np.ones(size))
        return cls(space, weights, tables, reservation=reservation)


def _number(value: Any, field: str) -> float:
    """A finite number from a value table: no strings, booleans, NaN or infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        found = f"got {type(value).__name__} {value!r}"[:120]
        raise ValidationError(field, found, "a number in [0, 1]")
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError(field, f"{value!r}", "a finite number in [0, 1]")
    return number


def _table(issue: str, options: tuple[str, ...], spec: Any) -> npt.NDArray[np.float64]:
    """One issue's value table: a mapping ``{option: value}``, a sequence of one value per
    option, or ``"increasing"`` / ``"decreasing"``; values must be numbers (strictly: a
    string such as ``"0.5"`` or a boolean is an error, not converted)."""
    field = f"values.{issue}"
    if isinstance(spec, str):
        ramp = np.linspace(0.0, 1.0, len(options)) if len(options) > 1 else np.ones(1)
        if spec == "increasing":
            return ramp
        if spec == "decreasing":
            return ramp[::-1].copy()
        raise ValidationError(field, f"{spec!r}", "a table, 'increasing' or 'decreasing'")
    if isinstance(spec, Mapping):
        for label in spec:
            if str(label) not in options:
                raise ValidationError(
                    f"{field}.{label}", "no such option", did_you_mean(str(label), options)
                )
        missing = [o for o in options if o not in {str(k) for k in spec}]
        if missing:
            raise ValidationError(field, f"no value for options {missing}", "one for every option")
        by_label = {str(k): _number(v, f"{field}.{k}") for k, v in spec.items()}
        return np.array([by_label[o] for o in options], dtype=float)
    if isinstance(spec, np.ndarray):
        spec = spec.tolist()
    if not isinstance(spec, Sequence):
        found = f"got {type(spec).__name__} {spec!r}"[:120]
        raise ValidationError(field, found, "a table, an array, 'increasing' or 'decreasing'")
    if len(spec) != len(options):
        raise ValidationError(field, f"{len(spec)} values", f"one per option ({len(options)})")
    return np.array([_number(v, f"{field}.{o}") for o, v in zip(options, spec, strict=True)])
