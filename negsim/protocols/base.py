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

from ..agents.base import Agent
from ..errors import ValidationError
from ..preferences import PreferenceModel
from ..results import NegotiationResult
from ..rng import RNGLike

__all__ = ["Party", "Protocol", "check_parties"]


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
