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

from collections.abc import Sequence
from functools import partial
from typing import ClassVar

import attrs
import numpy as np

from ..errors import ValidationError
from ..observation import Offer
from ..results import EndReason, NegotiationResult
from ..rng import RNGLike
from ..validators import count, unit
from . import tiering
from .base import Party, Protocol, check_information, check_offer, setup

__all__ = ["AlternatingOffers"]


@attrs.frozen
class AlternatingOffers(Protocol):
    """Alternating offers with a deadline, a common discount and a breakdown risk."""

    name: ClassVar[str] = "alternating-offers"
    n_rounds: int = attrs.field(default=100, converter=int, validator=count(minimum=1))
    opener: int = attrs.field(default=0, converter=int, validator=count(minimum=0))
    discount: float = attrs.field(default=1.0, converter=float, validator=unit(open_low=True))
    breakdown_probability: float = attrs.field(default=0.0, converter=float, validator=unit())
    information: str = attrs.field(default="incomplete", validator=check_information)

    def check_run(self, parties: tuple[Party, ...]) -> None:
        if not 0 <= self.opener < len(parties):
            raise ValidationError(
                "opener", f"{self.opener}", f"a party index in 0..{len(parties) - 1}"
            )

    def run(self, parties: Sequence[Party], rng: RNGLike = None) -> NegotiationResult:
        """Negotiate among ``parties``: played in Python by the agents' own code, or, when
        every agent has a compiled form and the parties' models are linear additive, by
        compiled code once the process has run enough of them to pay for loading it (the
        same result, bit for bit: :mod:`negsim.protocols.tiering`)."""
        return tiering.run(self, parties, rng, self.run_in_python)

    def run_in_python(self, parties: Sequence[Party], rng: RNGLike = None) -> NegotiationResult:
        """The run played by the agents' Python code, whatever the tiering mode."""
        table = setup(
            self,
            parties,
            rng,
            n_rounds=self.n_rounds,
            discount=self.discount,
            information=self.information,
        )
        parties, views, state = table.parties, table.views, table.state
        n = len(parties)
        # the hot loop asks the agents directly (Table.propose and .respond, inlined)
        propose = [p.agent.propose for p in parties]
        respond = [p.agent.respond for p in parties]
        others = [(*range(i), *range(i + 1, n)) for i in range(n)]
        # chance events draw from the run seed's child stream n (parties use 0..n-1)
        chance = (
            np.random.default_rng(np.random.SeedSequence(table.seed, spawn_key=(n,)))
            if self.breakdown_probability
            else None
        )
        size = table.space.size
        history = state.history
        new_offer = partial(tuple.__new__, Offer)  # Offer(t, proposer, offer), minus a frame
        accepted: list[list[bool]] = []
        end = EndReason.DEADLINE
        for t in range(self.n_rounds):
            state.round = t
            proposer = (self.opener + t) % n
            offer = propose[proposer](views[proposer])
            if type(offer) is not int or not 0 <= offer < size:
                offer = check_offer(offer, size, parties[proposer], t)
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
        return table.result(accepted, end)
