"""Time-dependent concession (Faratin, Sierra & Jennings 1998; GENIUS/NegMAS presets).

The agent aims at a utility level that falls with time ``t ∈ [0, 1]`` from its best utility
``u_max`` to its reservation value ``r``:

.. math::  τ(t) = r + (u_{max} - r)\\,(1 - t^{e})

with ``e`` the ``exponent`` (the ``1/β`` of Faratin et al.): ``e > 1`` concedes late
(*Boulware*, preset ``e = 4``), ``e = 1`` linearly (*Linear*), ``e < 1`` early (*Conceder*,
preset ``e = 0.25``). It proposes the outcome whose own utility is the smallest at or above
``τ(t)`` (ties: lowest index; its best outcome if none reaches ``τ``), and accepts an offer
worth at least ``τ(t)`` — never one whose discounted worth is below ``r``.
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

__all__ = ["TimeDependent", "nearest_above", "rank_outcomes"]


def _positive(_: Any, __: Any, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValidationError("exponent", f"{value}", "a finite exponent > 0")


@attrs.frozen
class TimeDependent(Agent):
    """Concede from the best outcome to the reservation value as ``1 - t^exponent``."""

    name: ClassVar[str] = "time-dependent"
    exponent: float = attrs.field(default=1.0, converter=float, validator=_positive)

    def start(self, obs: Observation) -> None:
        rank_outcomes(obs)
        obs.memory["span"] = max(obs.best_utility - obs.reservation, 0.0)

    def target(self, obs: Observation) -> float:
        """``τ(t)``, the utility level aimed at in the current round."""
        return obs.reservation + obs.memory["span"] * (1.0 - obs.time**self.exponent)

    def propose(self, obs: Observation) -> int:
        return nearest_above(obs, self.target(obs))

    def respond(self, obs: Observation, offer: int) -> bool:
        return obs.utility(offer) >= self.target(obs) and obs.acceptable(offer)


def rank_outcomes(obs: Observation) -> None:
    """Store the acceptable outcomes ranked by own utility in ``obs.memory`` (once per run)."""
    utilities = obs.utilities
    order = np.argsort(utilities, kind="stable")
    n_unacceptable = int(np.count_nonzero(utilities == -np.inf))
    obs.memory["order"] = order[n_unacceptable:].tolist()
    obs.memory["ranked"] = utilities[order[n_unacceptable:]].tolist()


def nearest_above(obs: Observation, level: float) -> int:
    """The outcome of least own utility at or above ``level`` (own best if none reaches it).

    The stable sort of :func:`rank_outcomes` orders equal utilities by index and
    ``bisect_left`` finds the first of them: ties go to the lowest index.
    """
    ranked: list[float] = obs.memory["ranked"]
    i = bisect_left(ranked, level)
    return obs.best if i == len(ranked) else int(obs.memory["order"][i])
