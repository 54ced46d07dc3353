"""A party's position: a preference model composed with red lines, preconditions, pressure.

A :class:`Position` wraps any base model ``u_B`` (often :class:`~negsim.LinearAdditive`) and is
itself a preference model, so positions compose freely. With red lines ``R_1..R_a``,
preconditions "``X_b`` only if ``Y_b``", third-party pressures with displeasure
``D_c(ω) ∈ [0, 1]`` and intensity ``s_c ∈ [0, 1]``, and a discount factor ``δ``:

.. math::

    u_P(ω) = \\begin{cases}
        -\\infty & \\text{if } R_a(ω) \\text{ for some } a
                   \\text{ or } X_b(ω) \\wedge \\neg Y_b(ω) \\text{ for some } b, \\\\
        u_B(ω) - \\sum_c s_c \\, D_c(ω) & \\text{otherwise,}
    \\end{cases}
    \\qquad u_P(ω, t) = (δ \\, δ_B)^t \\, u_P(ω).

* A **red line** makes outcomes unacceptable whatever else they contain (Russia: no transfer of
  sovereignty over Kunashiri or Etorofu).
* A **precondition** makes outcomes with ``X`` acceptable only if they also have ``Y`` (Japan: a
  peace treaty only if sovereignty is settled in Japan's favour).
* **Third-party pressure** lowers the party's utility by how much a third party dislikes the
  outcome, scaled by how hard it presses (the United States pressing Japan over US forces or
  sanctions). The displeasure is a preference model with values in ``[0, 1]``, typically a
  :class:`~negsim.LinearAdditive` written from the third party's point of view.
* The reservation value is the base model's unless ``reservation`` overrides it:
  ``attrs.evolve(russia, reservation=0.6)`` asks "what if Russia's BATNA improves?".
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cached_property
from typing import Any

import attrs
import numpy as np

from .conditions import Condition
from .errors import ValidationError
from .outcomes import Outcomes, OutcomeSpace
from .preferences import PreferenceModel, Utilities
from .validators import check_unit, unit

__all__ = ["Position", "Precondition", "RedLine", "ThirdPartyPressure"]


@attrs.frozen
class RedLine:
    """Outcomes where ``condition`` holds are unacceptable (utility ``-inf``).

    ``public`` (the default): the party has announced it, so the other side knows it (a
    diplomat states red lines in public); a private red line is known to its party only.
    """

    condition: Condition
    reason: str = ""
    public: bool = attrs.field(default=True, kw_only=True)

    def violated(self, space: OutcomeSpace, outcomes: Outcomes) -> Any:
        """Boolean mask of the outcomes that cross the red line."""
        return self.condition.mask(space, outcomes)

    def describe(self) -> str:
        """Human-readable statement, with the reason when given."""
        text = f"never {self.condition.describe()}"
        return f"{text} ({self.reason})" if self.reason else text


@attrs.frozen
class Precondition:
    """Outcomes where ``when`` holds are acceptable only if ``requires`` holds too.

    ``public`` as for :class:`RedLine`: announced (the default) or known to the party only.
    """

    when: Condition
    requires: Condition
    reason: str = ""
    public: bool = attrs.field(default=True, kw_only=True)

    def violated(self, space: OutcomeSpace, outcomes: Outcomes) -> Any:
        """Boolean mask of the outcomes with ``when`` but without ``requires``."""
        return self.when.mask(space, outcomes) & ~self.requires.mask(space, outcomes)

    def describe(self) -> str:
        """Human-readable statement, with the reason when given."""
        text = f"{self.when.describe()} only if {self.requires.describe()}"
        return f"{text} ({self.reason})" if self.reason else text


@attrs.frozen
class ThirdPartyPressure:
    """A third party's displeasure ``D(ω) ∈ [0, 1]``, applied with ``intensity ∈ [0, 1]``."""

    source: str
    displeasure: PreferenceModel
    intensity: float = attrs.field(converter=float, validator=unit("pressure.intensity"))

    def penalty(self, outcomes: Outcomes) -> Utilities:
        """``s · D(ω)`` for each outcome."""
        return self.intensity * self.displeasure.utility(outcomes)


def _red_lines(items: Iterable[RedLine]) -> tuple[RedLine, ...]:
    return tuple(items)


def _preconditions(items: Iterable[Precondition]) -> tuple[Precondition, ...]:
    return tuple(items)


def _pressures(items: Iterable[ThirdPartyPressure]) -> tuple[ThirdPartyPressure, ...]:
    return tuple(items)


@attrs.frozen
class Position(PreferenceModel):
    """A composite preference model (see the module docstring for the formula)."""

    base: PreferenceModel
    red_lines: tuple[RedLine, ...] = attrs.field(default=(), converter=_red_lines)
    preconditions: tuple[Precondition, ...] = attrs.field(default=(), converter=_preconditions)
    pressures: tuple[ThirdPartyPressure, ...] = attrs.field(default=(), converter=_pressures)
    own_discount: float = attrs.field(
        default=1.0,
        converter=float,
        validator=unit("discount", open_low=True, what="a per-round factor"),
        alias="discount",
    )
    reservation_override: float | None = attrs.field(default=None, alias="reservation")

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.base, PreferenceModel):
            raise ValidationError("base", f"got {type(self.base).__name__}", "a PreferenceModel")
        space = self.base.space
        for i, red_line in enumerate(self.red_lines):
            red_line.condition.validate(space, f"red_lines[{i}].condition")
        for i, pre in enumerate(self.preconditions):
            pre.when.validate(space, f"preconditions[{i}].when")
            pre.requires.validate(space, f"preconditions[{i}].requires")
        for i, pressure in enumerate(self.pressures):
            if pressure.displeasure.space != space:
                raise ValidationError(
                    f"pressures[{i}].displeasure", "defined on another outcome space", "the same"
                )
        if self.reservation_override is not None:
            check_unit("reservation", self.reservation_override, what="a utility")

    @property
    def space(self) -> OutcomeSpace:  # type: ignore[override]
        return self.base.space

    @property
    def reservation(self) -> float:
        if self.reservation_override is None:
            return self.base.reservation
        return float(self.reservation_override)

    @property
    def discount(self) -> float:
        return self.own_discount * self.base.discount

    def acceptable(self, outcomes: Outcomes, public_only: bool = False) -> Any:
        """Mask of the outcomes that cross no red line and break no precondition.

        With ``public_only``, only the announced ones count: what the other side knows the
        party can never accept.
        """
        outcomes = self.space.validate(outcomes)
        ok = np.ones(len(outcomes), dtype=bool)
        for red_line in self.red_lines:
            if red_line.public or not public_only:
                ok &= ~red_line.violated(self.space, outcomes)
        for precondition in self.preconditions:
            if precondition.public or not public_only:
                ok &= ~precondition.violated(self.space, outcomes)
        return ok

    @cached_property
    def announced(self) -> Any:
        """Read-only mask over every outcome index: ``False`` where the party's *public* red
        lines or preconditions rule the outcome out (what the other side is told; computed
        once, the model being immutable)."""
        mask = np.asarray(self.acceptable(self.space.grid(), public_only=True), dtype=bool)
        mask.flags.writeable = False
        return mask

    def utility(self, outcomes: Outcomes) -> Utilities:
        outcomes = self.space.validate(outcomes)
        values = np.array(self.base.utility(outcomes), dtype=float)
        for pressure in self.pressures:
            values -= pressure.penalty(outcomes)
        values[~self.acceptable(outcomes)] = -np.inf
        return values

    def explain(self, outcome: Any) -> list[str]:
        """Why one outcome is worth what it is: the rules it breaks and the pressure on it."""
        if isinstance(outcome, dict):
            outcome = self.space.outcome_from_labels(outcome)
        row = self.space.validate(outcome)
        lines = [
            f"crosses red line: {r.describe()}"
            for r in self.red_lines
            if r.violated(self.space, row)[0]
        ]
        lines += [
            f"breaks precondition: {p.describe()}"
            for p in self.preconditions
            if p.violated(self.space, row)[0]
        ]
        lines += [
            f"pressure from {p.source}: -{float(p.penalty(row)[0]):.3f}" for p in self.pressures
        ]
        return lines
