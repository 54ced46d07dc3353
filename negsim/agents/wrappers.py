"""Agent wrappers: small changes of behaviour around any agent (composition, not subclassing;
after Axelrod's strategy transformers).

Each wrapper is an agent holding another agent (``agent``: an agent or a registered name) and
changes one thing:

* :class:`Noisy` — with probability ``probability`` it proposes a random outcome it finds
  acceptable instead of the inner agent's proposal (trembling hand);
* :class:`LastMinute` — in the last ``rounds`` rounds it accepts any offer worth at least its
  reservation value (concede hard at the deadline);
* :class:`Floor` — it never proposes or accepts an outcome worth less than
  ``reservation + margin`` to itself;
* :class:`Committed` — from round ``at_round`` on it is bound by a public demand: it repeats
  the proposal it made then and accepts nothing worth less (Schelling 1960, *The Strategy of
  Conflict*, ch. 2: a commitment is credible because it cannot be revised);
* :class:`AudienceCost` — backing down from its first, public demand ``D`` costs it
  ``cost · (D - u)`` (Fearon 1994, *APSR* 88(3):577–592): it accepts an offer only if the
  inner agent does and ``u - cost · max(0, D - u)`` is still at least its reservation value.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import attrs
import numpy as np

from ..errors import ValidationError
from ..observation import Observation
from ..preferences import discounted
from ..validators import count as _count
from ..validators import unit as _unit
from .base import Agent
from .time_dependent import nearest_above

__all__ = ["AudienceCost", "Committed", "Floor", "LastMinute", "Noisy"]


def _agent(value: Any) -> Agent:
    if isinstance(value, Agent):
        return value
    if isinstance(value, str):
        from . import make_agent  # the registry; imported here to avoid a cycle

        return make_agent(value)
    if isinstance(value, dict) and isinstance(value.get("kind"), str):
        from . import make_agent

        return make_agent(value["kind"], **{k: v for k, v in value.items() if k != "kind"})
    raise ValidationError("agent", f"got {type(value).__name__}", "an agent or an agent name")


@attrs.frozen
class _Wrapper(Agent):
    agent: Agent = attrs.field(converter=_agent, kw_only=True)

    @property
    def stochastic(self) -> bool:  # type: ignore[override]
        return type(self).stochastic_itself or self.agent.stochastic

    stochastic_itself: ClassVar[bool] = False

    def start(self, obs: Observation) -> None:
        self.agent.start(obs)

    def propose(self, obs: Observation) -> int:
        return self.agent.propose(obs)

    def respond(self, obs: Observation, offer: int) -> bool:
        return self.agent.respond(obs, offer)

    def describe(self) -> dict[str, Any]:
        params = {
            f.name: getattr(self, f.name) for f in attrs.fields(type(self)) if f.name != "agent"
        }
        return {"kind": self.name, "agent": self.agent.describe(), **params}


@attrs.frozen
class Noisy(_Wrapper):
    """Sometimes proposes a random acceptable outcome instead (a trembling hand)."""

    name: ClassVar[str] = "noisy"
    stochastic_itself: ClassVar[bool] = True
    probability: float = attrs.field(default=0.1, converter=float, validator=_unit("probability"))

    def propose(self, obs: Observation) -> int:
        planned = self.agent.propose(obs)
        if obs.rng.random() >= self.probability:
            return planned
        acceptable = np.flatnonzero(obs.utilities >= obs.reservation)
        return int(acceptable[obs.rng.integers(acceptable.size)]) if acceptable.size else planned


@attrs.frozen
class LastMinute(_Wrapper):
    """In the last ``rounds`` rounds, accepts anything worth its reservation value."""

    name: ClassVar[str] = "last-minute"
    rounds: int = attrs.field(default=2, converter=int, validator=_count("rounds"))

    def respond(self, obs: Observation, offer: int) -> bool:
        if obs.round >= obs.n_rounds - self.rounds:
            return obs.acceptable(offer)
        return self.agent.respond(obs, offer)


@attrs.frozen
class Floor(_Wrapper):
    """Never goes below ``reservation + margin`` (in its own utility)."""

    name: ClassVar[str] = "floor"
    margin: float = attrs.field(default=0.05, converter=float, validator=_unit("margin"))

    def propose(self, obs: Observation) -> int:
        planned = self.agent.propose(obs)
        floor = obs.reservation + self.margin
        return planned if obs.utility(planned) >= floor else nearest_above(obs, floor)

    def respond(self, obs: Observation, offer: int) -> bool:
        floor = obs.reservation + self.margin
        return obs.utility(offer) >= floor and self.agent.respond(obs, offer)


@attrs.frozen
class Committed(_Wrapper):
    """From round ``at_round`` on, bound to the demand it made then (Schelling)."""

    name: ClassVar[str] = "committed"
    at_round: int = attrs.field(default=0, converter=int, validator=_count("at_round"))

    def propose(self, obs: Observation) -> int:
        committed = obs.memory.get("committed")
        if committed is not None:
            return int(committed)
        planned = self.agent.propose(obs)
        if obs.round >= self.at_round:
            obs.memory["committed"] = planned
        return planned

    def respond(self, obs: Observation, offer: int) -> bool:
        committed = obs.memory.get("committed")
        if committed is None:
            return self.agent.respond(obs, offer)
        return obs.utility(offer) >= obs.utility(committed) and obs.acceptable(offer)


@attrs.frozen
class AudienceCost(_Wrapper):
    """Backing down from its first (public) demand costs ``cost`` per unit (Fearon)."""

    name: ClassVar[str] = "audience-cost"
    cost: float = attrs.field(default=0.5, converter=float)

    def __attrs_post_init__(self) -> None:
        if not (math.isfinite(self.cost) and self.cost >= 0):
            raise ValidationError("cost", f"{self.cost}", "a finite cost >= 0")

    def propose(self, obs: Observation) -> int:
        planned = self.agent.propose(obs)
        obs.memory.setdefault("public_demand", obs.utility(planned))
        return planned

    def respond(self, obs: Observation, offer: int) -> bool:
        if not self.agent.respond(obs, offer):
            return False
        u = obs.utility(offer)
        demand = float(obs.memory.get("public_demand", u))
        # a red line (-inf) stays -inf: no 0 × inf for a free climb-down, no 0 × -inf below
        after_cost = u - self.cost * max(0.0, demand - u) if self.cost else u
        return discounted(after_cost, obs.discount_factor) >= obs.reservation
