"""Time-dependent concession (Faratin, Sierra & Jennings 1998; GENIUS/NegMAS presets).

The agent aims at a utility level that falls with time ``t ∈ [0, 1]`` from its best utility
``u_max`` to its reservation value ``r``:

.. math::  τ(t) = r + (u_{max} - r)\\,(1 - t^{e})

with ``e`` the ``exponent`` (the ``1/β`` of Faratin et al.): ``e > 1`` concedes late
(*Boulware*, preset ``e = 4``), ``e = 1`` linearly (*Linear*), ``e < 1`` early (*Conceder*,
preset ``e = 0.25``). It proposes the outcome whose own utility is the smallest at or above
``τ(t)`` (ties: lowest index; its best outcome if none reaches ``τ``), and accepts an offer
worth at least ``τ(t)`` — never one below ``r``.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from typing import Any, ClassVar

import attrs
import numpy as np

from ..errors import ValidationError
from ..observation import Observation
from .base import Agent

__all__ = ["TimeDependent"]


def _positive(_: Any, __: Any, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValidationError("exponent", f"{value}", "a finite exponent > 0")


@attrs.frozen
class TimeDependent(Agent):
    """Concede from the best outcome to the reservation value as ``1 - t^exponent``."""

    name: ClassVar[str] = "time-dependent"
    exponent: float = attrs.field(default=1.0, converter=float, validator=_positive)

    def start(self, obs: Observation) -> None:
        utilities = obs.utilities
        order = np.argsort(utilities, kind="stable")
        order = order[np.isfinite(utilities[order])]
        obs.memory["order"] = order.tolist()
        obs.memory["sorted"] = utilities[order].tolist()

    def target(self, obs: Observation) -> float:
        """``τ(t)``, the utility level aimed at in the current round."""
        r, top = obs.reservation, obs.best_utility
        if top <= r:
            return r
        return r + (top - r) * (1.0 - float(obs.time**self.exponent))

    def propose(self, obs: Observation) -> int:
        # The stable sort orders equal utilities by index, and bisect_left finds the first of
        # them: the lowest index among the outcomes nearest above the target.
        ranked: list[float] = obs.memory["sorted"]
        i = bisect_left(ranked, self.target(obs))
        return obs.best if i == len(ranked) else int(obs.memory["order"][i])

    def respond(self, obs: Observation, offer: int) -> bool:
        u = obs.utility(offer)
        return u >= obs.reservation and u >= self.target(obs)
