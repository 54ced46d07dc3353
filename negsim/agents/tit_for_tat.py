"""Relative tit-for-tat (Faratin, Sierra & Jennings 1998, "imitative" tactics).

The agent mirrors the other side's concessions, measured in its own utility. If the others'
first offer was worth ``u(o_1)`` to it and their latest is worth ``u(o_m)``, they have conceded
``c = u(o_m) - u(o_1)`` (negative if they hardened), and the agent's target is

.. math::  τ = \\min(u_{max}, \\max(r, u_{max} - c)),

so it concedes exactly as much as it has been conceded to, never below its reservation value
``r``. It opens with its best outcome, proposes the outcome nearest above ``τ`` (lowest index
among ties) and accepts an offer worth at least ``τ``.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from ..observation import Observation
from .base import Agent
from .time_dependent import nearest_above

__all__ = ["TitForTat"]


@attrs.frozen
class TitForTat(Agent):
    """Concedes as much as the other side has conceded (in its own utility)."""

    name: ClassVar[str] = "tit-for-tat"

    def target(self, obs: Observation) -> float:
        """``τ`` given the offers received so far (``u_max`` before any)."""
        top, r = obs.best_utility, obs.reservation
        last = obs.last_offer
        if last is None:
            return max(top, r)
        first = obs.memory.setdefault("first", last.outcome)  # the first offer received
        conceded = obs.utility(last.outcome) - obs.utility(first)
        return min(max(top, r), max(r, top - conceded))

    def propose(self, obs: Observation) -> int:
        return nearest_above(obs, self.target(obs))

    def respond(self, obs: Observation, offer: int) -> bool:
        return obs.utility(offer) >= self.target(obs) and obs.acceptable(offer)
