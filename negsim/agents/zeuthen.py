"""The Zeuthen agent: concedes minimally when its risk limit is the smaller (Harsanyi 1956).

Under the :class:`~negsim.protocols.zeuthen.ZeuthenConcession` protocol, which tells each
party the other's utilities, it opens with its best outcome and repeats its proposal until
told to concede. It then makes the smallest concession that shifts the duty to concede to
the other side: among the outcomes that give the other party strictly more than its last
proposal (and itself at least its reservation value), the one best for itself after which
the other's risk limit is no larger than its own — or, if no such outcome exists, simply the
one best for itself. It accepts a proposal at least as good as its own current one.

Without those announcements (under other protocols) it concedes linearly in time, like the
``linear`` agent.
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import numpy as np

from ..observation import Observation
from .base import Agent
from .time_dependent import nearest_above

__all__ = ["ZeuthenAgent"]


@attrs.frozen
class ZeuthenAgent(Agent):
    """Minimal sufficient concessions under complete information (Zeuthen–Harsanyi)."""

    name: ClassVar[str] = "zeuthen"

    def _linear_target(self, obs: Observation) -> float:
        r = obs.reservation
        return r + max(obs.best_utility - r, 0.0) * (1.0 - obs.time)

    def propose(self, obs: Observation) -> int:
        info = obs.announcements
        if "opponent_utilities" not in info:
            return nearest_above(obs, self._linear_target(obs))
        current: int = obs.memory.setdefault("offer", obs.best)
        if info["must_concede"] and obs.round > 0:
            current = self._concede(obs, current)
            obs.memory["offer"] = current
        return current

    def _concede(self, obs: Observation, current: int) -> int:
        from ..theory import risk_limit  # theory loads on first use, not with negsim

        theirs = np.asarray(obs.announcements["opponent_utilities"])
        d_other = float(obs.announcements["opponent_reservation"])
        mine = obs.utilities
        last = obs.last_offer
        their_offer = current if last is None else last.outcome
        options = np.flatnonzero((theirs > theirs[current]) & (mine >= obs.reservation))
        if options.size == 0:
            return current  # nothing left to give: the protocol records a conflict
        own_risk = [risk_limit(mine[x], mine[their_offer], obs.reservation) for x in options]
        other_risk = [risk_limit(theirs[their_offer], theirs[x], d_other) for x in options]
        shifts = [o <= m for m, o in zip(own_risk, other_risk, strict=True)]
        pool = options[np.array(shifts)] if any(shifts) else options
        best = pool[np.argmax(mine[pool])]  # argmax: lowest index among ties
        return int(best)

    def respond(self, obs: Observation, offer: int) -> bool:
        if "opponent_utilities" not in obs.announcements:
            return obs.utility(offer) >= self._linear_target(obs) and obs.acceptable(offer)
        own = obs.memory.get("offer", obs.best)
        return obs.utility(offer) >= obs.utility(own) and obs.acceptable(offer)
