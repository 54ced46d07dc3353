"""The random agent: a baseline that draws everything from its own stream."""

from __future__ import annotations

import math
from typing import Any, ClassVar

import attrs
import numpy as np

from ..errors import ValidationError
from ..observation import Observation
from .base import Agent

__all__ = ["RandomAgent"]


def _probability(_: Any, __: Any, value: float) -> None:
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise ValidationError("acceptance_probability", f"{value}", "a probability in [0, 1]")


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
        default=0.5, converter=float, validator=_probability
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
