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
from typing import Any, ClassVar

import attrs
import numpy as np

from ..observation import Offer
from ..results import MEDIATOR, EndReason, NegotiationResult
from ..rng import RNGLike
from .base import Party, Protocol, setup

__all__ = ["NashDemand"]


@attrs.frozen
class NashDemand(Protocol):
    """Simultaneous demands; compatible demands are implemented, else breakdown."""

    name: ClassVar[str] = "nash-demand"

    def run(self, parties: Sequence[Party], rng: RNGLike = None) -> NegotiationResult:
        table = setup(self, parties, rng, announce=_nothing)  # one round, no common discount
        n = len(table.parties)
        demands_at = [table.propose(i) for i in range(n)]
        record = [Offer(0, i, outcome) for i, outcome in enumerate(demands_at)]
        table.state.history.extend(record)
        U = np.column_stack([p.preferences.grid_utilities() for p in table.parties])
        demands = U[demands_at, np.arange(n)]
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
            record.append(Offer(0, MEDIATOR, int(feasible[np.argmax(surplus)])))
            accepted.append([True] * n)
            end = EndReason.AGREEMENT
        return table.result(accepted, end, offers=record)


def _nothing(parties: tuple[Party, ...]) -> list[dict[str, Any]]:
    """The demand game announces nothing: each party knows only its own preferences."""
    return [{} for _ in parties]
