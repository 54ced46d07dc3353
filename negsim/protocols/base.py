"""Parties, the protocol interface and the skeleton every protocol's run shares.

A :class:`Party` is who sits at the table: a name, a preference model (its position) and the
agent that negotiates for it. A :class:`Protocol` is a frozen object holding rules only; its
:meth:`Protocol.run` creates the run's state privately, draws every chance event from the
``rng`` it is given, and returns a :class:`~negsim.NegotiationResult`.

The part of a run that is the same under every protocol is written once here, so a protocol
writes only its rules:

* :func:`setup` checks the parties (:func:`check_parties`, then the protocol's own
  :meth:`Protocol.check_run`), fixes the seed, creates the run state and one
  :class:`~negsim.Observation` per party — its per-round factor ``φ_i = δ_i D`` (own discount
  times the protocol's common ``discount`` ``D``) and what it is told
  (:func:`table_announcements`) — and starts every agent; it returns a :class:`Table`;
* :meth:`Table.propose` and :meth:`Table.respond` ask a party's agent, the proposal checked
  (:func:`check_offer`);
* :meth:`Table.result` builds the result from the offers made (by default the run's history):
  each party's utility of every offer discounted to the offer's round,
  ``φ_i^t u_i(ω_t)`` (:func:`negsim.preferences.discounted`, so ``-inf`` stays ``-inf``), the
  agreement (the last offer, if the run ended in agreement) and the final utilities (the
  agreement's, else the reservation values).

>>> import attrs, negsim
>>> from negsim.results import EndReason
>>> @attrs.frozen
... class TakeItOrLeaveIt(Protocol):
...     "The first party proposes once; the others accept or the talks break down."
...     name = "take-it-or-leave-it"
...     def run(self, parties, rng=None):
...         table = setup(self, parties, rng)
...         offer = table.propose(0)
...         table.state.history.append(negsim.Offer(0, 0, offer))
...         answers = [i == 0 or table.respond(i, offer) for i in range(len(table.parties))]
...         end = EndReason.AGREEMENT if all(answers) else EndReason.BREAKDOWN
...         return table.result([answers], end)
>>> result = TakeItOrLeaveIt().run(negsim.load_scenario("split-the-pie").parties, rng=1)
>>> result.end.value, result.final_utilities.tolist()  # one round: the proposer's deadline
('agreement', [0.1, 0.9])
"""

from __future__ import annotations

import abc
import operator
from collections.abc import Callable, Iterable, Sequence
from functools import cached_property
from itertools import chain
from typing import Any, ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from ..agents.base import Agent
from ..errors import NegsimError, ValidationError
from ..observation import Observation, Offer, RunState
from ..outcomes import OutcomeSpace
from ..position import Position
from ..preferences import PreferenceModel, discounted
from ..results import EndReason, NegotiationResult
from ..rng import RNGLike, resolve_seed
from ..validators import check_one_of

__all__ = [
    "INFORMATION",
    "Party",
    "Protocol",
    "Table",
    "check_offer",
    "check_parties",
    "negotiation_result",
    "setup",
    "table_announcements",
    "target_curves",
]


@attrs.frozen
class Party:
    """A negotiating party: ``name``, its ``preferences`` and the ``agent`` acting for it.

    ``ratifiable`` (optional): a boolean mask over outcome indices, ``True`` where the
    party's constituencies would ratify the outcome — its win-set, which its negotiator knows
    (Putnam 1988: a chief negotiator bargains with the ratification at home in view). A
    scenario with a ratification stage sets it; the joint-space agents then neither offer nor
    accept what would fail at home.
    """

    name: str
    preferences: PreferenceModel
    agent: Agent
    ratifiable: Any = attrs.field(default=None, eq=False, repr=False, kw_only=True)

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

    def check_run(self, parties: tuple[Party, ...]) -> None:
        """Check the rules that depend on the parties (a seat index, one weight per party)
        and raise a :class:`~negsim.errors.ValidationError` if they do not fit; called by
        :func:`check_parties`, before anything else happens. Nothing to check by default."""
        return None

    def parameters(self) -> dict[str, Any]:
        """The rules, as plain data (recorded in results)."""
        return dict(self._parameters)

    @cached_property
    def _parameters(self) -> dict[str, Any]:
        # Protocol declares no __slots__, so frozen attrs subclasses still have a __dict__.
        return attrs.asdict(self) if attrs.has(type(self)) else {}  # type: ignore[arg-type]


def check_parties(protocol: Protocol, parties: Sequence[Party]) -> tuple[Party, ...]:
    """Validate the parties for ``protocol``: count, unique names, one shared outcome space."""
    given: object = parties  # callers outside the type checker pass anything
    if isinstance(given, str | bytes) or not isinstance(given, Iterable):
        raise ValidationError("parties", f"got {type(parties).__name__}", "a sequence of parties")
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
    protocol.check_run(parties)
    return parties


def check_offer(offer: Any, size: int, party: Party, t: int) -> int:
    """``offer`` as an outcome index in ``0..size-1``, else a :class:`~negsim.NegsimError`
    naming ``party``'s agent and round ``t`` (what an agent proposes is checked with this)."""
    try:
        index = operator.index(offer)
    except TypeError:
        index = -1
    if not 0 <= index < size:
        raise NegsimError(
            f"agent {party.agent.describe()['kind']!r} of party {party.name!r} proposed "
            f"{offer!r} in round {t}; expected an outcome index in 0..{size - 1}"
        )
    return index


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
    * ``"own_ratifiable"``: the party's own win-set at home (:attr:`Party.ratifiable`), when
      it has one;
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
        own = parties[i].ratifiable
        if own is not None:
            news["own_ratifiable"] = own
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


#: What a protocol tells the parties before the talks: one announcements dict per party.
Announce = Callable[[tuple[Party, ...]], list[dict[str, Any]]]


@attrs.frozen
class Table:
    """The parts of one run that every protocol sets up the same way (made by :func:`setup`).

    ``views[i]`` is party ``i``'s observation, reading the shared ``state`` (the protocol
    sets ``state.round`` and appends to ``state.history``); ``told[i]`` is the live dict
    behind its ``announcements`` (a protocol may update it between rounds); ``factors[i]`` is
    its per-round factor ``φ_i``.
    """

    protocol: Protocol
    parties: tuple[Party, ...]
    seed: int
    space: OutcomeSpace
    state: RunState
    views: tuple[Observation, ...]
    told: tuple[dict[str, Any], ...]
    factors: tuple[float, ...]

    def propose(self, i: int) -> int:
        """Party ``i``'s proposal this round, checked to be an outcome index."""
        offer = self.parties[i].agent.propose(self.views[i])
        if type(offer) is int and 0 <= offer < self.space.size:
            return offer
        return check_offer(offer, self.space.size, self.parties[i], self.state.round)

    def respond(self, i: int, offer: int) -> bool:
        """Whether party ``i`` accepts ``offer`` this round."""
        return bool(self.parties[i].agent.respond(self.views[i], offer))

    def result(
        self,
        accepted: Sequence[Sequence[bool]],
        end: EndReason,
        offers: Sequence[Offer] | None = None,
    ) -> NegotiationResult:
        """The run's :class:`~negsim.NegotiationResult`.

        ``offers`` are the offers to record, each with its round and proposer (by default the
        run's history; a protocol with simultaneous offers may record them in another order,
        a mediator's text with proposer ``MEDIATOR``), ``accepted[k]`` every party's answer
        to offer ``k``, ``end`` why the talks ended. Utilities are discounted to each offer's
        round, ``φ_i^t u_i``; an agreement is the last offer.
        """
        record = self.state.history if offers is None else offers
        # one pass over the (round, proposer, outcome) triples, then three rows (np.array of
        # a list of tuples reads them item by item: twice as slow)
        flat = np.fromiter(chain.from_iterable(record), dtype=np.int64, count=3 * len(record))
        rounds, proposers, index = flat.reshape(-1, 3).T.copy()
        offered = np.array([view.utilities[index] for view in self.views]).T.copy()
        answers = np.fromiter(
            chain.from_iterable(accepted), dtype=bool, count=len(record) * len(self.parties)
        )
        return negotiation_result(
            self.protocol,
            self.parties,
            self.seed,
            self.factors,
            rounds,
            proposers,
            index,
            offered,
            answers,
            end,
        )


def negotiation_result(
    protocol: Protocol,
    parties: tuple[Party, ...],
    seed: int,
    factors: tuple[float, ...],
    rounds: npt.NDArray[np.int64],
    proposers: npt.NDArray[np.int64],
    offers: npt.NDArray[np.int64],
    offered: npt.NDArray[np.float64],
    accepted: npt.NDArray[np.bool_],
    end: EndReason,
) -> NegotiationResult:
    """The :class:`~negsim.NegotiationResult` of a run whose offer ``k`` was ``offers[k]``,
    made by ``proposers[k]`` in round ``rounds[k]``, worth ``offered[k, i]`` undiscounted to
    party ``i`` and answered ``accepted[k, i]`` (any shape that reshapes to that), the run
    ending for ``end``. Utilities are discounted to each offer's round, ``φ_i^t u_i``
    (``factors`` the ``φ_i``); an agreement is the last offer, and the final utilities are
    its (discounted) utilities, else the reservation values."""
    shape = (len(offers), len(parties))
    if any(f != 1.0 for f in factors):
        # φ^t underflows to 0 for a tiny φ: discounted keeps -inf (a red line) as -inf
        offered = discounted(offered, np.array(factors) ** rounds[:, None])
    reservations = np.array([p.preferences.reservation for p in parties])
    agreement = int(offers[-1]) if end is EndReason.AGREEMENT else None
    return NegotiationResult(
        protocol=protocol.name,
        parameters=protocol.parameters(),
        seed=seed,
        party_names=tuple(p.name for p in parties),
        agents=tuple(p.agent.describe() for p in parties),
        space=parties[0].preferences.space,
        offers=offers,
        proposers=proposers,
        utilities=offered.reshape(shape),
        accepted=accepted.reshape(shape),
        end=end,
        agreement=agreement,
        final_utilities=offered[-1] if agreement is not None else reservations,
        reservations=reservations,
        offer_rounds=rounds,
        discounts=factors,
    )


def setup(
    protocol: Protocol,
    parties: Sequence[Party],
    rng: RNGLike,
    *,
    n_rounds: int = 1,
    discount: float = 1.0,
    information: str = "incomplete",
    announce: Announce | None = None,
    start: bool = True,
) -> Table:
    """Set a run of ``protocol`` up: check the parties, fix the seed, create the run state
    (``n_rounds`` rounds) and one observation per party, and start the agents.

    Party ``i``'s per-round factor is ``φ_i = δ_i · discount`` (the protocol's common
    ``discount``; 1 for a protocol without one). It is told
    ``table_announcements(parties, information)``, or ``announce(parties)`` for a protocol
    that says something else. With ``start=False`` the agents are not started.
    """
    parties = check_parties(protocol, parties)
    seed = resolve_seed(rng)
    state = RunState(n_rounds)
    told = table_announcements(parties, information) if announce is None else announce(parties)
    factors = tuple(p.preferences.discount * discount for p in parties)
    views = tuple(
        Observation(state, i, p.name, len(parties), p.preferences, seed, factors[i], told[i])
        for i, p in enumerate(parties)
    )
    if start:
        for party, view in zip(parties, views, strict=True):
            party.agent.start(view)
    space = parties[0].preferences.space
    return Table(protocol, parties, seed, space, state, views, tuple(told), factors)


def target_curves(
    protocol: Protocol, parties: Sequence[Party], seed: int = 0
) -> dict[str, npt.NDArray[np.float64]]:
    """Each party's target utility ``τ(t)`` for every round of ``protocol``, for the agents
    that concede on a schedule (those with a ``target`` method, also inside wrappers).

    The schedule of a time-dependent agent depends on the rules and on what it is told
    before the talks, not on the offers, so it is rebuilt here from a fresh observation of
    round ``t``; parties whose agents have no schedule are left out.
    """
    table = setup(
        protocol,
        parties,
        seed,
        n_rounds=int(getattr(protocol, "n_rounds", 1)),
        discount=float(getattr(protocol, "discount", 1.0)),
        information=str(getattr(protocol, "information", "incomplete")),
        start=False,
    )
    curves: dict[str, npt.NDArray[np.float64]] = {}
    for party, view in zip(table.parties, table.views, strict=True):
        agent: Any = party.agent
        while not hasattr(agent, "target") and hasattr(agent, "agent"):
            agent = agent.agent
        if not hasattr(agent, "target"):
            continue
        table.state.round = 0
        agent.start(view)
        values = []
        for t in range(table.state.n_rounds):
            table.state.round = t
            values.append(float(agent.target(view)))
        curves[party.name] = np.array(values)
    return curves
