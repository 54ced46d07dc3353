"""Agents and their registry.

=================  ==========================================================================
name               agent
=================  ==========================================================================
``boulware``       :class:`TimeDependent` with ``exponent=4`` (concedes late)
``linear``         :class:`TimeDependent` with ``exponent=1``
``conceder``       :class:`TimeDependent` with ``exponent=0.25`` (concedes early)
``time-dependent`` :class:`TimeDependent` with any ``exponent``
``tit-for-tat``    :class:`TitForTat`
``hardliner``      :class:`Hardliner`
``random``         :class:`RandomAgent`
``rubinstein``     :class:`RubinsteinEquilibrium` (subgame-perfect play over a unit pie)
``zeuthen``        :class:`ZeuthenAgent` (minimal sufficient concessions)
``opponent-model`` :class:`OpponentModelAgent` (frequency model, offers near its frontier)
``noisy`` ...      wrappers around any agent: ``noisy``, ``last-minute``, ``floor``,
                   ``committed``, ``audience-cost`` (see :mod:`negsim.agents.wrappers`)
=================  ==========================================================================

To add your own, subclass :class:`Agent` and call :func:`register_agent`; the contract
checks in :mod:`negsim.testing` then apply to it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from ..registry import Registry
from .base import Agent
from .equilibrium import RubinsteinEquilibrium
from .hardliner import Hardliner
from .opponent_model import OpponentModelAgent
from .random_agent import RandomAgent
from .time_dependent import TimeDependent
from .tit_for_tat import TitForTat
from .wrappers import AudienceCost, Committed, Floor, LastMinute, Noisy
from .zeuthen import ZeuthenAgent

__all__ = [
    "AGENTS",
    "Agent",
    "AudienceCost",
    "Committed",
    "Floor",
    "Hardliner",
    "LastMinute",
    "Noisy",
    "OpponentModelAgent",
    "RandomAgent",
    "RubinsteinEquilibrium",
    "TimeDependent",
    "TitForTat",
    "ZeuthenAgent",
    "agent_label",
    "make_agent",
    "register_agent",
]

#: Every registered agent factory, by name.
AGENTS: Registry[Agent] = Registry("agent", "negsim.agents")

A = TypeVar("A", bound=type[Agent])


def register_agent(cls: A, name: str | None = None, **preset: Any) -> A:
    """Register ``cls`` under ``name`` (default ``cls.name``), optionally as a preset.

    Usable as a decorator (``@register_agent``) or a call
    (``register_agent(TimeDependent, "boulware", exponent=4.0)``).
    """
    key = name or cls.name
    factory: Callable[..., Agent] = partial(cls, **preset) if preset else cls
    summary = ""
    if preset:
        summary = f"{cls.__name__}({', '.join(f'{k}={v}' for k, v in preset.items())})"
    AGENTS.register(key, factory, summary)
    return cls


def make_agent(name: str, **params: Any) -> Agent:
    """A configured agent from its registered name."""
    return AGENTS.make(name, **params)


register_agent(TimeDependent, "boulware", exponent=4.0)
register_agent(TimeDependent, "linear", exponent=1.0)
register_agent(TimeDependent, "conceder", exponent=0.25)
register_agent(TimeDependent)
register_agent(TitForTat)
register_agent(Hardliner)
register_agent(RandomAgent)
register_agent(RubinsteinEquilibrium)
register_agent(ZeuthenAgent)
register_agent(OpponentModelAgent)
# wrappers: around `linear` unless told otherwise (make_agent("noisy", agent="boulware"))
for _wrapper in (Noisy, LastMinute, Floor, Committed, AudienceCost):
    register_agent(_wrapper, agent="linear")


def agent_label(description: dict[str, Any]) -> str:
    """A readable name for an agent's :meth:`~Agent.describe` output, as a scenario would
    write it: the registered name whose default configuration it is (``"boulware"``, not
    ``"time-dependent(exponent=4.0, legacy=False)"``), with the parameters that differ from
    that preset in brackets, and a wrapper around its inner agent: ``"floor(boulware)"``.
    """
    inner = description.get("agent")
    params = {k: v for k, v in description.items() if k not in ("kind", "agent")}
    best: tuple[tuple[int, bool], str, dict[str, Any]] | None = None
    for name in AGENTS:
        try:
            preset = AGENTS.make(name).describe()
        except Exception:  # a user's agent that needs parameters: no preset to match
            continue
        if preset.get("kind") != description.get("kind"):
            continue
        differs = {k: v for k, v in params.items() if preset.get(k) != v}
        rank = (len(differs), name != description.get("kind"))  # ties: the kind's own name
        if best is None or rank < best[0]:
            best = (rank, name, differs)
    name, differs = (best[1], best[2]) if best else (str(description.get("kind")), params)
    shown = [agent_label(inner)] if isinstance(inner, dict) else []
    shown += [f"{k}={v}" for k, v in differs.items()]
    return f"{name}({', '.join(shown)})" if shown else name
