"""The Nash demand game (Nash 1953, "Two-Person Cooperative Games", *Econometrica*
21(1):128–140).

One shot: every party states a demand at once — here, an outcome it proposes, its demand
being its own utility of that outcome, ``δ_i = u_i(x_i)``. If some outcome gives every party
at least its demand, the demands are **compatible** and an agreement is implemented: of those
outcomes, the one with the largest total surplus over the demands ``Σ_i (u_i(ω) - δ_i)``
(ties: the lowest index), recorded as the protocol's own offer. Otherwise the talks break
down and everyone gets its reservation value. Nash used the game to support his solution:
with a little uncertainty about the feasible set, the equilibria concentrate on the Nash
bargaining solution.

Each party's proposal is recorded (round 0) with, for every other party, whether it would
satisfy that party's demand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import attrs
import numpy as np

from ..observation import Observation, Offer, RunState
from ..results import MEDIATOR, EndReason, NegotiationResult
from ..rng import RNGLike, resolve_seed
from .alternating import _checked
from .base import Party, Protocol, check_parties

__all__ = ["NashDemand"]


@attrs.frozen
class NashDemand(Protocol):
    """Simultaneous demands; compatible demands are implemented, else breakdown."""

    name: ClassVar[str] = "nash-demand"

    def run(self, parties: Sequence[Party], rng: RNGLike = None) -> NegotiationResult:
        parties = check_parties(self, parties)
        n = len(parties)
        seed = resolve_seed(rng)
        space = parties[0].preferences.space
        state = RunState(1)
        views = [
            Observation(state, i, p.name, n, p.preferences, seed, p.preferences.discount)
            for i, p in enumerate(parties)
        ]
        for party, view in zip(parties, views, strict=True):
            party.agent.start(view)
        demands_at = [
            _checked(p.agent.propose(v), space.size, p, 0)
            for p, v in zip(parties, views, strict=True)
        ]
        for i, outcome in enumerate(demands_at):
            state.history.append(Offer(0, i, outcome))
        U = np.column_stack([p.preferences.grid_utilities() for p in parties])
        demands = U[demands_at, np.arange(n)]
        offers = list(demands_at)
        proposers = list(range(n))
        accepted = [
            [bool(U[o, j] >= demands[j]) or j == i for j in range(n)]
            for i, o in enumerate(demands_at)
        ]
        feasible = np.flatnonzero((demands <= U).all(axis=1))
        end = EndReason.BREAKDOWN
        if feasible.size:
            with np.errstate(invalid="ignore"):  # -inf - -inf: a party demanding a red line
                gaps = U[feasible] - demands
            surplus = np.where(np.isnan(gaps), 0.0, gaps).sum(axis=1)
            chosen = int(feasible[np.argmax(surplus)])
            offers.append(chosen)
            proposers.append(MEDIATOR)
            accepted.append([True] * n)
            end = EndReason.AGREEMENT
        index = np.array(offers, dtype=np.int64)
        reservations = np.array([p.preferences.reservation for p in parties])
        agreement = offers[-1] if end is EndReason.AGREEMENT else None
        return NegotiationResult(
            protocol=self.name,
            parameters=self.parameters(),
            seed=seed,
            party_names=tuple(p.name for p in parties),
            agents=tuple(p.agent.describe() for p in parties),
            space=space,
            offers=index,
            proposers=proposers,
            utilities=U[index],
            accepted=np.array(accepted, dtype=bool),
            end=end,
            agreement=agreement,
            final_utilities=U[agreement] if agreement is not None else reservations,
            reservations=reservations,
            offer_rounds=[0] * len(offers),
        )
