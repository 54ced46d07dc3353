"""Two-level games (Putnam 1988): domestic ratification of a negotiated agreement.

Putnam, "Diplomacy and Domestic Politics: The Logic of Two-Level Games", *International
Organization* 42(3):427–460 (1988). A negotiator bargains abroad (Level I) but the agreement
must then be ratified at home (Level II). A party's **win-set** is the set of Level-I
agreements that would win ratification; an agreement is possible only where the parties'
win-sets overlap, and a small win-set is both a constraint and a bargaining asset.

negsim models Level II with **constituencies**, each giving every outcome a support
``s_c(ω) ∈ [0, 1]`` (a vote share, or the probability the group goes along):

* :class:`PollConstituency` — support per issue option, read off opinion polls, combined over
  the issues an outcome touches by ``min`` (a package is as popular as its least popular
  part), ``product`` or ``mean``; issues the polls do not cover do not matter to it;
* :class:`IdealPointConstituency` — an ideal outcome and a tolerance:
  ``s(ω) = max(0, 1 - Σ_i w_i δ_i(ω_i, ideal_i) / tolerance)``, with ``δ_i`` 0/1 for
  categorical issues and the normalised distance of option positions for ordered and numeric
  ones.

A :class:`Ratification` weighs its constituencies (weights ``v_c``, summing to 1) into the
support ``S(ω) = Σ_c v_c s_c(ω)``, sets ``S(ω) = 0`` wherever a **veto** condition holds (a
constitutional ban), and applies a rule:

* ``threshold``: ratified iff ``S(ω) >= threshold``;
* ``probability``: ratified with probability ``S(ω)`` (a draw from the run's ``rng``).

Its win-set is ``{ω : S(ω) >= threshold}`` under either rule (under ``probability``, the
outcomes at least that likely to pass).
"""

from __future__ import annotations

import abc
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from .conditions import Condition
from .errors import ValidationError, did_you_mean
from .outcomes import Outcomes, OutcomeSpace
from .rng import RNGLike, resolve_rng
from .validators import check_one_of, check_positive, check_unit, unit

__all__ = [
    "Constituency",
    "IdealPointConstituency",
    "PollConstituency",
    "Ratification",
    "RatificationVote",
    "win_set_overlap",
]

Support = npt.NDArray[np.float64]


class Constituency(abc.ABC):
    """A domestic group whose support for each outcome is in ``[0, 1]``."""

    name: str
    weight: float

    @abc.abstractmethod
    def support(self, space: OutcomeSpace, outcomes: Outcomes) -> Support:
        """Support ``s(ω)`` of each outcome."""

    @abc.abstractmethod
    def validate(self, space: OutcomeSpace, field: str) -> None:
        """Raise naming ``field`` if issue or option names do not exist in ``space``."""


def _check_names(space: OutcomeSpace, table: Mapping[str, Any], field: str) -> None:
    for issue, options in table.items():
        if issue not in space.issue_names:
            raise ValidationError(
                f"{field}.{issue}", "no such issue", did_you_mean(issue, space.issue_names)
            )
        valid = space.issue(issue).options
        for option in options if isinstance(options, Mapping) else [options]:
            if str(option) not in valid:
                raise ValidationError(
                    f"{field}.{issue}", f"no option {option!r}", did_you_mean(str(option), valid)
                )


def _number(value: Any, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValidationError(field, f"got {type(value).__name__} {value!r}"[:120], "a number")
    return float(value)


def _shares(value: Any) -> dict[str, dict[str, float]]:
    """``{issue: {option: share}}``, strictly: a share is a number, each issue a table."""
    if not isinstance(value, Mapping):
        raise ValidationError("shares", f"got {type(value).__name__}", "a table {issue = {...}}")
    shares: dict[str, dict[str, float]] = {}
    for issue, options in value.items():
        if not isinstance(options, Mapping):
            raise ValidationError(
                f"shares.{issue}",
                f"got {type(options).__name__} {options!r}"[:120],
                "a table {option = share}",
            )
        shares[str(issue)] = {str(o): _number(s, f"shares.{issue}.{o}") for o, s in options.items()}
    return shares


@attrs.frozen
class PollConstituency(Constituency):
    """Support per issue option (poll shares), combined over issues (module docstring)."""

    name: str
    shares: dict[str, dict[str, float]] = attrs.field(converter=_shares)
    weight: float = attrs.field(default=1.0, converter=float, validator=unit())
    combine: Literal["min", "product", "mean"] = "min"
    source: str = ""

    def __attrs_post_init__(self) -> None:
        check_one_of("combine", self.combine, ("min", "product", "mean"))
        for issue, options in self.shares.items():
            for option, share in options.items():
                check_unit(f"shares.{issue}.{option}", share, what="a share")

    def validate(self, space: OutcomeSpace, field: str) -> None:
        _check_names(space, self.shares, f"{field}.shares")

    def support(self, space: OutcomeSpace, outcomes: Outcomes) -> Support:
        columns = []
        for issue, options in self.shares.items():
            i = space.issue_index(issue)
            # an option the poll does not mention is taken as no objection (share 1)
            table = np.array([options.get(o, 1.0) for o in space.issues[i].options])
            columns.append(table[outcomes[:, i]])
        if not columns:
            return np.ones(len(outcomes))
        stacked = np.vstack(columns)
        if self.combine == "min":
            return stacked.min(axis=0)  # type: ignore[no-any-return]
        if self.combine == "product":
            return stacked.prod(axis=0)  # type: ignore[no-any-return]
        return stacked.mean(axis=0)  # type: ignore[no-any-return]


def _labels(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValidationError("ideal", f"got {type(value).__name__}", "a table {issue = option}")
    for issue, option in value.items():
        if isinstance(option, bool) or not isinstance(option, str | int | float):
            raise ValidationError(f"ideal.{issue}", f"got {option!r}"[:120], "an option label")
    return {str(k): str(v) for k, v in value.items()}


def _floats(value: Any) -> dict[str, float]:
    if not isinstance(value, Mapping):
        raise ValidationError("weights", f"got {type(value).__name__}", "a table {issue = weight}")
    return {str(k): _number(v, f"weights.{k}") for k, v in value.items()}


@attrs.frozen
class IdealPointConstituency(Constituency):
    """Support falling linearly with the weighted distance from an ideal outcome."""

    name: str
    ideal: dict[str, str] = attrs.field(converter=_labels)
    weights: dict[str, float] = attrs.field(converter=_floats)
    tolerance: float = attrs.field(converter=float)
    weight: float = attrs.field(default=1.0, converter=float, validator=unit())
    source: str = ""

    def __attrs_post_init__(self) -> None:
        if set(self.weights) != set(self.ideal):
            raise ValidationError("weights", "not the issues of the ideal", f"{sorted(self.ideal)}")
        for issue, w in self.weights.items():
            check_positive(f"weights.{issue}", w, allow_zero=True, what="a finite weight")
        if not math.isclose(sum(self.weights.values()), 1.0, abs_tol=1e-6):
            raise ValidationError("weights", f"they sum to {sum(self.weights.values()):.6g}", "1")
        check_unit("tolerance", self.tolerance, open_low=True)

    def validate(self, space: OutcomeSpace, field: str) -> None:
        _check_names(space, self.ideal, f"{field}.ideal")

    def support(self, space: OutcomeSpace, outcomes: Outcomes) -> Support:
        distance = np.zeros(len(outcomes))
        for issue, option in self.ideal.items():
            i = space.issue_index(issue)
            kind, size = space.issues[i].kind, space.issues[i].size
            target = space.issues[i].index(option)
            if kind == "categorical" or size == 1:
                gap = (outcomes[:, i] != target).astype(float)
            else:
                gap = np.abs(outcomes[:, i] - target) / (size - 1)
            distance += self.weights[issue] * gap
        return np.clip(1.0 - distance / self.tolerance, 0.0, 1.0)


def _constituencies(items: Iterable[Constituency]) -> tuple[Constituency, ...]:
    return tuple(items)


def _conditions(items: Iterable[Condition]) -> tuple[Condition, ...]:
    return tuple(items)


@attrs.frozen
class RatificationVote:
    """The outcome of one ratification: the support, and whether it passed."""

    support: float
    ratified: bool


@attrs.frozen
class Ratification:
    """How a party ratifies an agreement at home (see the module docstring)."""

    constituencies: tuple[Constituency, ...] = attrs.field(converter=_constituencies)
    rule: Literal["threshold", "probability"] = "threshold"
    threshold: float = attrs.field(default=0.5, converter=float, validator=unit())
    vetoes: tuple[Condition, ...] = attrs.field(default=(), converter=_conditions)
    #: whether the party's negotiator knows the win-set and keeps to it at the table (the
    #: chief negotiator of Putnam 1988); ``False``: Level II comes as a surprise after the deal
    anticipated: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))

    def __attrs_post_init__(self) -> None:
        check_one_of("rule", self.rule, ("threshold", "probability"))
        if not self.constituencies:
            raise ValidationError("constituencies", "none given", "at least one constituency")
        total = sum(c.weight for c in self.constituencies)
        if not math.isclose(total, 1.0, abs_tol=1e-6):
            raise ValidationError("constituencies", f"weights sum to {total:.6g}", "a sum of 1")

    def validate(self, space: OutcomeSpace, field: str = "ratification") -> None:
        """Check every name against ``space``; errors name the key path."""
        for i, constituency in enumerate(self.constituencies):
            constituency.validate(space, f"{field}.constituencies[{i}]")
        for i, veto in enumerate(self.vetoes):
            veto.validate(space, f"{field}.vetoes[{i}]")

    def support(self, space: OutcomeSpace, outcomes: Outcomes) -> Support:
        """``S(ω)``: the weighted support, 0 where a veto holds."""
        total = np.zeros(len(outcomes))
        for constituency in self.constituencies:
            total += constituency.weight * constituency.support(space, outcomes)
        for veto in self.vetoes:
            total[veto.mask(space, outcomes)] = 0.0
        return total

    def supports(self, space: OutcomeSpace, outcome: int) -> dict[str, float]:
        """Each constituency's support ``s_c(ω)`` of one outcome (an index), by name."""
        row = space.outcome_at(np.array([outcome]))
        return {c.name: float(c.support(space, row)[0]) for c in self.constituencies}

    def win_set(self, space: OutcomeSpace) -> npt.NDArray[np.int64]:
        """Indices of the outcomes with ``S(ω) >= threshold``."""
        return np.flatnonzero(self.win_mask(space)).astype(np.int64)

    def win_mask(self, space: OutcomeSpace) -> npt.NDArray[np.bool_]:
        """The win-set as a read-only boolean mask over every outcome index."""
        mask = self.support(space, space.grid()) >= self.threshold - 1e-12
        mask.flags.writeable = False
        return mask

    def vote(self, space: OutcomeSpace, outcome: int, rng: RNGLike = None) -> RatificationVote:
        """Put one outcome (an index) to the vote; ``rng`` is drawn from under ``probability``."""
        support = float(self.support(space, space.outcome_at(np.array([outcome])))[0])
        if self.rule == "threshold":
            return RatificationVote(support, support >= self.threshold - 1e-12)
        generator, _ = resolve_rng(rng)
        return RatificationVote(support, bool(generator.random() < support))


def win_set_overlap(space: OutcomeSpace, ratifications: Sequence[Ratification]) -> Any:
    """Indices of the outcomes in every party's win-set (Putnam's overlap)."""
    keep = np.ones(space.size, dtype=bool)
    for ratification in ratifications:
        keep &= ratification.win_mask(space)
    return np.flatnonzero(keep).astype(np.int64)
