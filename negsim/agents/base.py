"""The agent interface.

An agent is a frozen configuration object with two decisions:

* :meth:`Agent.propose` — return the outcome index to offer this round;
* :meth:`Agent.respond` — accept (``True``) or reject the offer on the table.

Both receive the party's :class:`~negsim.Observation`. Anything an agent must remember during
one run goes in ``obs.memory`` (a dict created fresh for every run, so nothing needs
resetting); :meth:`Agent.start` is called once per run before the first decision and is the
place to precompute. A stochastic agent draws only from ``obs.rng`` and sets
``stochastic = True``. Register an agent with :func:`negsim.agents.register_agent`.
"""

from __future__ import annotations

import abc
from functools import cached_property
from typing import Any, ClassVar

import attrs

from ..observation import Observation

__all__ = ["Agent"]


class Agent(abc.ABC):
    """Base class of agents (subclass it as a frozen attrs class)."""

    #: Registry name of the agent's kind.
    name: ClassVar[str] = ""
    #: Whether the agent draws from ``obs.rng`` (a non-stochastic agent ignores the seed).
    stochastic: ClassVar[bool] = False

    def start(self, obs: Observation) -> None:  # noqa: B027 - optional hook
        """Called once per run before the first decision; override to precompute."""

    @abc.abstractmethod
    def propose(self, obs: Observation) -> int:
        """Outcome index to offer in round ``obs.round``."""

    @abc.abstractmethod
    def respond(self, obs: Observation, offer: int) -> bool:
        """Whether to accept ``offer`` (an outcome index) in round ``obs.round``."""

    def describe(self) -> dict[str, Any]:
        """Kind and parameters, for a result's provenance."""
        return dict(self._description)

    @cached_property
    def _description(self) -> dict[str, Any]:
        # Agent declares no __slots__, so frozen attrs subclasses still have a __dict__.
        params: dict[str, Any] = {}
        if attrs.has(type(self)):
            params = {a.name: getattr(self, a.name) for a in type(self).__attrs_attrs__}  # type: ignore[attr-defined]
            if not all(type(v) in _PLAIN for v in params.values()):  # an inner agent, a list
                params = attrs.asdict(self)  # type: ignore[arg-type]
        return {"kind": self.name or type(self).__name__, **params}


#: Parameter types :func:`attrs.asdict` leaves as they are (it copies the others, recursing).
_PLAIN = (bool, int, float, str, type(None))
