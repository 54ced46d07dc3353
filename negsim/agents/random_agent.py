"""The random agent: a baseline that draws everything from its own stream."""

from __future__ import annotations

from typing import ClassVar

import attrs
import numpy as np

from ..observation import Observation
from ..validators import unit
from .base import Agent

__all__ = ["RandomAgent"]


@attrs.frozen
class RandomAgent(Agent):
    """Offers random acceptable outcomes; accepts acceptable offers at random.

    It offers a uniformly random outcome worth at least its reservation value (any outcome
    of finite utility if none is) and accepts an acceptable offer with probability
    ``acceptance_probability``.
    """

    name: ClassVar[str] = "random"
    stochastic: ClassVar[bool] = True
    acceptance_probability: float = attrs.field(
        default=0.5, converter=float, validator=unit(what="a probability")
    )

    def start(self, obs: Observation) -> None:
        u = obs.utilities
        acceptable = np.flatnonzero(u >= obs.reservation)
        if acceptable.size == 0:
            acceptable = np.flatnonzero(np.isfinite(u))
        if acceptable.size == 0:
            acceptable = np.array([obs.best])
        obs.memory["acceptable"] = acceptable

    def propose(self, obs: Observation) -> int:
        choices = obs.memory["acceptable"]
        return int(choices[obs.rng.integers(len(choices))])

    def respond(self, obs: Observation, offer: int) -> bool:
        if not obs.acceptable(offer):
            return False
        return bool(obs.rng.random() < self.acceptance_probability)
