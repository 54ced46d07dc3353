"""Alternating offers (Rubinstein 1982; Ståhl 1972), stacked for more than two parties.

Rules (:class:`AlternatingOffers`): in round ``t = 0, 1, ..., n_rounds - 1`` party
``(opener + t) mod n`` proposes an outcome and every other party, in table order, accepts or
rejects it. If all accept, the offer is the agreement and the run ends. Otherwise, with
probability ``breakdown_probability`` (a draw from the run's ``rng``) the talks break down;
if not, the next round begins. After the last round without agreement the deadline has
passed. With two parties this is Rubinstein's bargaining game with a finite horizon and a
risk of breakdown (Binmore, Rubinstein & Wolinsky 1986); with more it is the stacked
alternating offers protocol (Aydoğan et al. 2017) under unanimity.

Payoffs: an agreement on ``ω`` in round ``t`` gives party ``i`` its discounted utility
``(δ_i D)^t u_i(ω)`` — its own discount ``δ_i`` and the protocol's common ``discount`` ``D``;
breakdown or deadline gives every party its reservation value ``r_i``.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any, ClassVar

import attrs
import numpy as np

from ..errors import NegsimError, ValidationError
from ..observation import Observation, Offer, RunState
from ..results import EndReason, NegotiationResult
from ..rng import RNGLike, resolve_rng, spawn_seeds
from .base import Party, Protocol, check_parties

__all__ = ["AlternatingOffers"]


def _positive_int(_: Any, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise ValidationError(attribute.name, f"{value}", "an integer >= 1")


def _unit(low_open: bool) -> Any:
    def check(_: Any, attribute: attrs.Attribute[float], value: float) -> None:
        ok = math.isfinite(value) and (value > 0.0 if low_open else value >= 0.0) and value <= 1
        if not ok:
            raise ValidationError(attribute.name, f"{value}", "(0, 1]" if low_open else "[0, 1]")

    return check


@attrs.frozen
class AlternatingOffers(Protocol):
    """Alternating offers with a deadline, a common discount and a breakdown risk."""

    name: ClassVar[str] = "alternating-offers"
    n_rounds: int = attrs.field(default=100, converter=int, validator=_positive_int)
    opener: int = attrs.field(default=0, converter=int)
    discount: float = attrs.field(default=1.0, converter=float, validator=_unit(True))
    breakdown_probability: float = attrs.field(default=0.0, converter=float, validator=_unit(False))

    def run(self, parties: Sequence[Party], rng: RNGLike = None) -> NegotiationResult:
        parties = check_parties(self, parties)
        n = len(parties)
        if not 0 <= self.opener < n:
            raise ValidationError("opener", f"{self.opener}", f"a party index in 0..{n - 1}")
        _, seed = resolve_rng(rng)
        space = parties[0].preferences.space
        grid = space.grid()
        utilities = np.column_stack([p.preferences.utility(grid) for p in parties])
        state = RunState(self.n_rounds)
        party_seeds = spawn_seeds(seed, n + 1)
        views = [
            Observation(state, i, p.name, n, p.preferences, utilities[:, i], party_seeds[i])
            for i, p in enumerate(parties)
        ]
        agents = [p.agent for p in parties]
        for agent, view in zip(agents, views, strict=True):
            agent.start(view)
        chance = np.random.default_rng(party_seeds[n]) if self.breakdown_probability else None
        size = space.size
        accepted: list[list[bool]] = []
        end = EndReason.DEADLINE
        for t in range(self.n_rounds):
            state.round = t
            proposer = (self.opener + t) % n
            offer = _checked(agents[proposer].propose(views[proposer]), size, parties[proposer], t)
            state.history.append(Offer(t, proposer, offer))
            answers = [
                True if i == proposer else bool(agents[i].respond(views[i], offer))
                for i in range(n)
            ]
            accepted.append(answers)
            if all(answers):
                end = EndReason.AGREEMENT
                break
            if chance is not None and chance.random() < self.breakdown_probability:
                end = EndReason.BREAKDOWN
                break
        return self._result(parties, seed, space, utilities, state.history, accepted, end)

    def _result(
        self,
        parties: tuple[Party, ...],
        seed: int,
        space: Any,
        utilities: Any,
        history: list[Offer],
        accepted: list[list[bool]],
        end: EndReason,
    ) -> NegotiationResult:
        offers = np.fromiter((o.outcome for o in history), dtype=np.int64, count=len(history))
        rounds = np.arange(len(history))[:, None]
        factors = np.array([p.preferences.discount * self.discount for p in parties])
        offered = utilities[offers] * factors**rounds
        reservations = np.array([p.preferences.reservation for p in parties])
        agreement = int(offers[-1]) if end is EndReason.AGREEMENT else None
        final = offered[-1] if agreement is not None else reservations
        return NegotiationResult(
            protocol=self.name,
            parameters=self.parameters(),
            seed=seed,
            party_names=tuple(p.name for p in parties),
            agents=tuple(p.agent.describe() for p in parties),
            space=space,
            offers=offers,
            proposers=np.fromiter((o.proposer for o in history), dtype=np.int64),
            utilities=offered.reshape(len(history), len(parties)),
            accepted=np.array(accepted, dtype=bool).reshape(len(history), len(parties)),
            end=end,
            agreement=agreement,
            final_utilities=final,
            reservations=reservations,
        )


def _checked(offer: Any, size: int, party: Party, t: int) -> int:
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
