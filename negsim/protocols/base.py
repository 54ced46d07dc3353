"""Parties and the protocol interface.

A :class:`Party` is who sits at the table: a name, a preference model (its position) and the
agent that negotiates for it. A :class:`Protocol` is a frozen object holding rules only; its
:meth:`Protocol.run` creates the run's state privately, draws every chance event from the
``rng`` it is given, and returns a :class:`~negsim.NegotiationResult`.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from functools import cached_property
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from ..agents.base import Agent
from ..errors import ValidationError
from ..observation import Observation, RunState
from ..position import Position
from ..preferences import PreferenceModel
from ..results import NegotiationResult
from ..rng import RNGLike
from ..validators import check_one_of

__all__ = [
    "INFORMATION",
    "Party",
    "Protocol",
    "check_parties",
    "table_announcements",
    "target_curves",
]


@attrs.frozen
class Party:
    """A negotiating party: ``name``, its ``preferences`` and the ``agent`` acting for it."""

    name: str
    preferences: PreferenceModel
    agent: Agent

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValidationError("party.name", f"{self.name!r}", "a non-empty string")
        if not isinstance(self.preferences, PreferenceModel):
            raise ValidationError(
                f"parties.{self.name}.preferences",
                f"got {type(self.preferences).__name__}",
                "a PreferenceModel",
            )
        if not isinstance(self.agent, Agent):
            raise ValidationError(
                f"parties.{self.name}.agent", f"got {type(self.agent).__name__}", "an Agent"
            )


class Protocol(abc.ABC):
    """Base class of protocols (subclass as a frozen attrs class of rules)."""

    #: Registry name.
    name: ClassVar[str] = ""
    #: Smallest and largest number of parties the protocol accepts.
    min_parties: ClassVar[int] = 2
    max_parties: ClassVar[int | None] = None

    @abc.abstractmethod
    def run(self, parties: Sequence[Party], rng: RNGLike = None) -> NegotiationResult:
        """Negotiate among ``parties`` under these rules."""

    def parameters(self) -> dict[str, Any]:
        """The rules, as plain data (recorded in results)."""
        return dict(self._parameters)

    @cached_property
    def _parameters(self) -> dict[str, Any]:
        # Protocol declares no __slots__, so frozen attrs subclasses still have a __dict__.
        return attrs.asdict(self) if attrs.has(type(self)) else {}  # type: ignore[arg-type]


def check_parties(protocol: Protocol, parties: Sequence[Party]) -> tuple[Party, ...]:
    """Validate the parties for ``protocol``: count, unique names, one shared outcome space."""
    parties = tuple(parties)
    n = len(parties)
    high = protocol.max_parties
    if n < protocol.min_parties or (high is not None and n > high):
        limits = f"{protocol.min_parties}" + ("+" if high is None else f"..{high}")
        raise ValidationError("parties", f"{n} parties for {protocol.name}", f"{limits} parties")
    for i, party in enumerate(parties):
        if not isinstance(party, Party):
            raise ValidationError(f"parties[{i}]", f"got {type(party).__name__}", "a Party")
    names = [p.name for p in parties]
    if len(set(names)) != n:
        raise ValidationError("parties", f"repeated names {names}", "unique party names")
    space = parties[0].preferences.space
    for party in parties[1:]:
        if party.preferences.space != space:
            raise ValidationError(
                f"parties.{party.name}.preferences",
                f"defined on another outcome space than {parties[0].name}'s",
                "every party on the same outcome space",
            )
    return parties


#: What the parties know of each other: ``"incomplete"`` (only what they announce in public)
#: or ``"complete"`` (each other's utilities too).
INFORMATION = ("incomplete", "complete")


def check_information(_: Any, attribute: attrs.Attribute[str], value: str) -> None:
    """attrs validator of a protocol's ``information`` field."""
    check_one_of(attribute.name, value, INFORMATION)


def _publicly_acceptable(party: Party) -> npt.NDArray[np.bool_] | None:
    prefs = party.preferences
    if not isinstance(prefs, Position) or not (prefs.red_lines or prefs.preconditions):
        return None
    return prefs.announced  # type: ignore[no-any-return]


def table_announcements(
    parties: Sequence[Party], information: str = "incomplete"
) -> list[dict[str, Any]]:
    """What each party is told of the others before the talks (its ``obs.announcements``).

    * ``"public_acceptable"``: boolean mask over outcome indices, ``False`` where another
      party's public red lines or preconditions rule the outcome out (absent when nobody
      announced any);
    * with ``information="complete"``: ``"opponent_utilities"``, for every outcome the
      lowest utility among the other parties (the other side's utility in a bilateral
      negotiation), and, bilaterally, ``"opponent_reservation"`` and ``"opponent_discount"``.
    """
    masks = [_publicly_acceptable(p) for p in parties]
    told: list[dict[str, Any]] = []
    for i in range(len(parties)):
        others = [j for j in range(len(parties)) if j != i]
        news: dict[str, Any] = {}
        known = [mask for j in others if (mask := masks[j]) is not None]
        if len(known) == 1:
            news["public_acceptable"] = known[0]  # the same array every run: plans cache on it
        elif known:
            news["public_acceptable"] = np.logical_and.reduce(np.array(known))
        if information == "complete":
            profiles = [parties[j].preferences.profile().utilities for j in others]
            theirs = profiles[0] if len(profiles) == 1 else np.min(profiles, axis=0)
            theirs.flags.writeable = False
            news["opponent_utilities"] = theirs
            if len(others) == 1:
                news["opponent_reservation"] = float(parties[others[0]].preferences.reservation)
                news["opponent_discount"] = float(parties[others[0]].preferences.discount)
        told.append(news)
    return told


def target_curves(
    protocol: Protocol, parties: Sequence[Party], seed: int = 0
) -> dict[str, npt.NDArray[np.float64]]:
    """Each party's target utility ``τ(t)`` for every round of ``protocol``, for the agents
    that concede on a schedule (those with a ``target`` method, also inside wrappers).

    The schedule of a time-dependent agent depends on the rules and on what it is told
    before the talks, not on the offers, so it is rebuilt here from a fresh observation of
    round ``t``; parties whose agents have no schedule are left out.
    """
    parties = check_parties(protocol, parties)
    n_rounds = int(getattr(protocol, "n_rounds", 1))
    information = str(getattr(protocol, "information", "incomplete"))
    common = float(getattr(protocol, "discount", 1.0))
    told = table_announcements(parties, information)
    curves: dict[str, npt.NDArray[np.float64]] = {}
    for i, party in enumerate(parties):
        agent: Any = party.agent
        while not hasattr(agent, "target") and hasattr(agent, "agent"):
            agent = agent.agent
        if not hasattr(agent, "target"):
            continue
        state = RunState(n_rounds)
        view = Observation(
            state, i, party.name, len(parties), party.preferences, seed,
            party.preferences.discount * common, told[i],
        )  # fmt: skip
        agent.start(view)
        values = []
        for t in range(n_rounds):
            state.round = t
            values.append(float(agent.target(view)))
        curves[party.name] = np.array(values)
    return curves
