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

What the parties know (:func:`~negsim.protocols.base.table_announcements`): every party's
public red lines and preconditions; with ``information = "complete"`` also each other's
utilities (the classic assumption of Rubinstein's game), otherwise only each other's offers.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from functools import partial
from typing import Any, ClassVar

import attrs
import numpy as np

from ..errors import NegsimError, ValidationError
from ..observation import Observation, Offer, RunState
from ..outcomes import OutcomeSpace
from ..results import EndReason, NegotiationResult
from ..rng import RNGLike, resolve_seed
from ..validators import count, unit
from .base import Party, Protocol, check_information, check_parties, table_announcements

__all__ = ["AlternatingOffers"]


@attrs.frozen
class AlternatingOffers(Protocol):
    """Alternating offers with a deadline, a common discount and a breakdown risk."""

    name: ClassVar[str] = "alternating-offers"
    n_rounds: int = attrs.field(default=100, converter=int, validator=count(minimum=1))
    opener: int = attrs.field(default=0, converter=int)
    discount: float = attrs.field(default=1.0, converter=float, validator=unit(open_low=True))
    breakdown_probability: float = attrs.field(default=0.0, converter=float, validator=unit())
    information: str = attrs.field(default="incomplete", validator=check_information)

    def run(self, parties: Sequence[Party], rng: RNGLike = None) -> NegotiationResult:
        parties = check_parties(self, parties)
        n = len(parties)
        if not 0 <= self.opener < n:
            raise ValidationError("opener", f"{self.opener}", f"a party index in 0..{n - 1}")
        seed = resolve_seed(rng)
        space = parties[0].preferences.space
        state = RunState(self.n_rounds)
        told = table_announcements(parties, self.information)
        views = [
            Observation(
                state,
                i,
                p.name,
                n,
                p.preferences,
                seed,
                p.preferences.discount * self.discount,
                told[i],
            )
            for i, p in enumerate(parties)
        ]
        for party, view in zip(parties, views, strict=True):
            party.agent.start(view)
        propose = [p.agent.propose for p in parties]
        respond = [p.agent.respond for p in parties]
        others = [(*range(i), *range(i + 1, n)) for i in range(n)]
        # chance events draw from the run seed's child stream n (parties use 0..n-1)
        chance = (
            np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(n,)))
            if self.breakdown_probability
            else None
        )
        size = space.size
        history = state.history
        new_offer = partial(tuple.__new__, Offer)  # Offer(t, proposer, offer), minus a frame
        accepted: list[list[bool]] = []
        end = EndReason.DEADLINE
        for t in range(self.n_rounds):
            state.round = t
            proposer = (self.opener + t) % n
            offer = propose[proposer](views[proposer])
            if type(offer) is not int or not 0 <= offer < size:
                offer = _checked(offer, size, parties[proposer], t)
            history.append(new_offer((t, proposer, offer)))
            answers = [True] * n
            agreed = True
            for i in others[proposer]:
                if not respond[i](views[i], offer):
                    answers[i] = agreed = False
            accepted.append(answers)
            if agreed:
                end = EndReason.AGREEMENT
                break
            if chance is not None and chance.random() < self.breakdown_probability:
                end = EndReason.BREAKDOWN
                break
        return self._result(parties, seed, space, state.history, accepted, end)

    def _result(
        self,
        parties: tuple[Party, ...],
        seed: int,
        space: OutcomeSpace,
        history: list[Offer],
        accepted: list[list[bool]],
        end: EndReason,
    ) -> NegotiationResult:
        offers = np.array([o.outcome for o in history], dtype=np.int64)
        offered = np.stack([p.preferences.profile().utilities[offers] for p in parties], axis=1)
        factors = [p.preferences.discount * self.discount for p in parties]
        if any(f != 1.0 for f in factors):
            # φ^t underflows to 0 for a tiny φ: keep -inf (a red line) as -inf, not 0 × -inf
            scale = np.array(factors) ** np.arange(len(history))[:, None]
            offered = np.where(np.isneginf(offered), -np.inf, offered * scale)
        reservations = np.array([p.preferences.reservation for p in parties])
        agreement = int(offers[-1]) if end is EndReason.AGREEMENT else None
        return NegotiationResult(
            protocol=self.name,
            parameters=self.parameters(),
            seed=seed,
            party_names=tuple(p.name for p in parties),
            agents=tuple(p.agent.describe() for p in parties),
            space=space,
            offers=offers,
            proposers=[o.proposer for o in history],
            utilities=offered,
            accepted=np.array(accepted, dtype=bool),
            end=end,
            agreement=agreement,
            final_utilities=offered[-1] if agreement is not None else reservations,
            reservations=reservations,
            discounts=[p.preferences.discount * self.discount for p in parties],
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
