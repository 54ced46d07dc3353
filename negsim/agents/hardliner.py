"""The hardliner: never concedes."""

from __future__ import annotations

from typing import ClassVar

import attrs

from ..observation import Observation
from .base import Agent

__all__ = ["Hardliner"]


@attrs.frozen
class Hardliner(Agent):
    """Always offers its best outcome; accepts only an offer worth as much as that."""

    name: ClassVar[str] = "hardliner"

    def propose(self, obs: Observation) -> int:
        return obs.best

    def respond(self, obs: Observation, offer: int) -> bool:
        return obs.utility(offer) >= obs.best_utility and obs.acceptable(offer)
