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
from functools import lru_cache
from typing import Any, ClassVar

import attrs
import numpy as np

from ..errors import ValidationError
from ..observation import Observation
from ..preferences import GridProfile
from .base import Agent

__all__ = ["TimeDependent", "nearest_above"]


def _positive(_: Any, __: Any, value: float) -> None:
    if not (math.isfinite(value) and value > 0):
        raise ValidationError("exponent", f"{value}", "a finite exponent > 0")


@attrs.frozen
class TimeDependent(Agent):
    """Concedes from its best outcome to its reservation value as 1 - t^exponent."""

    name: ClassVar[str] = "time-dependent"
    exponent: float = attrs.field(default=1.0, converter=float, validator=_positive)

    def start(self, obs: Observation) -> None:
        # τ depends on the round only: one vectorised schedule per run, then lookups.
        targets, proposals = _plan(obs.profile, self.exponent, obs.n_rounds, obs.reservation)
        obs.memory["targets"] = targets
        obs.memory["proposals"] = proposals

    def target(self, obs: Observation) -> float:
        """``τ(t)``, the utility level aimed at in the current round."""
        return float(obs.memory["targets"][obs.round])

    def propose(self, obs: Observation) -> int:
        return int(obs.memory["proposals"][obs.round])

    def respond(self, obs: Observation, offer: int) -> bool:
        return obs.utility(offer) >= obs.memory["targets"][obs.round] and obs.acceptable(offer)


@lru_cache(maxsize=4096)
def _plan(
    profile: GridProfile, exponent: float, n_rounds: int, reservation: float
) -> tuple[list[float], list[int]]:
    """``τ(t)`` and :func:`nearest_above` of it for every round, vectorised.

    Memoised per model and rules (a profile hashes by identity and the cache keeps it alive):
    sweeps and tournaments replay the same ones. Callers must not modify the lists.
    """
    times = np.arange(n_rounds) / (n_rounds - 1) if n_rounds > 1 else np.ones(1)
    top = profile.utilities[profile.best] if profile.utilities.size else reservation
    targets = reservation + max(top - reservation, 0.0) * (1.0 - times**exponent)
    order, ranked = profile.ranking
    if order.size == 0:
        return targets.tolist(), [profile.best] * n_rounds
    at = np.searchsorted(ranked, targets, side="left")
    chosen = np.where(at < order.size, order[np.minimum(at, order.size - 1)], profile.best)
    return targets.tolist(), chosen.tolist()


def nearest_above(obs: Observation, level: float) -> int:
    """The outcome of least own utility at or above ``level`` (own best if none reaches it).

    ``obs.ranked_outcomes`` orders equal utilities by index and ``bisect_left`` finds the
    first of them: ties go to the lowest index.
    """
    ranked = obs.ranked_utilities
    i = bisect_left(ranked, level)
    return obs.best if i == len(ranked) else obs.ranked_outcomes[i]
