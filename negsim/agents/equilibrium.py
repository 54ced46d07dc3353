"""The Rubinstein equilibrium agent: plays the subgame-perfect strategy of the
alternating-offers game over a unit pie (Rubinstein 1982; see :mod:`negsim.theory`).

Reading its own utility as its share of the pie, with per-round factors ``φ_i`` (its own, from
the observation) and ``φ_j`` (the other side's: ``opponent_discount``, complete information;
the same as its own when not given), it proposes the outcome nearest above its equilibrium
share as proposer, ``x_i = (1 - φ_j) / (1 - φ_i φ_j)``, and accepts an offer worth at least
``φ_i x_i`` — exactly what waiting a round to propose would be worth. Simulated against
itself in :class:`~negsim.AlternatingOffers` it agrees in round 0 on the closed form (up to
the resolution of the outcome grid: it rounds its own share down to the nearest outcome).
With no cost of delay (``φ_i φ_j = 1``) it aims at an even split, the limit of the
equilibrium as the discount factors tend to 1.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, ClassVar

import attrs

from ..observation import Observation
from ..validators import check_unit
from .base import Agent

__all__ = ["RubinsteinEquilibrium"]


def _optional_factor(_: Any, attribute: Any, value: float | None) -> None:
    if value is not None:
        check_unit(attribute.name, value, open_low=True, what="a per-round factor")


@attrs.frozen
class RubinsteinEquilibrium(Agent):
    """Plays Rubinstein's subgame-perfect equilibrium strategy (shares of a unit pie)."""

    name: ClassVar[str] = "rubinstein"
    opponent_discount: float | None = attrs.field(default=None, validator=_optional_factor)

    def share(self, obs: Observation) -> float:
        """Own equilibrium share as proposer, ``(1 - φ_j) / (1 - φ_i φ_j)``."""
        own = obs.round_discount
        other = own if self.opponent_discount is None else self.opponent_discount
        return 0.5 if own * other >= 1.0 else (1 - other) / (1 - own * other)

    def propose(self, obs: Observation) -> int:
        # On a grid, round the own share down: the responder then gets at least its
        # equilibrium share and accepts at once, as in the continuous game.
        ranked = obs.ranked_utilities
        i = bisect_right(ranked, max(self.share(obs), obs.reservation) + 1e-12)
        return obs.ranked_outcomes[i - 1] if i else obs.best

    def respond(self, obs: Observation, offer: int) -> bool:
        threshold = obs.round_discount * self.share(obs)
        return obs.utility(offer) >= threshold - 1e-12 and obs.acceptable(offer)
