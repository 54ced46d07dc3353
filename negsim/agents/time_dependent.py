"""Time-dependent concession (Faratin, Sierra & Jennings 1998; GENIUS/NegMAS presets), with
offers chosen in the joint space.

**How much to ask.** The agent aims at a utility level that falls with time
``t = round / (n_rounds - 1) ∈ [0, 1]`` from its best utility ``û`` to its reservation value
``r``:

.. math::  τ(t) = \\max\\Big(r + (û - r)\\,(1 - t^{e}),\\ \\frac{r}{φ^{\\,round}}\\Big)

with ``e`` the ``exponent`` (the ``1/β`` of Faratin et al.): ``e > 1`` concedes late
(*Boulware*, preset ``e = 4``), ``e = 1`` linearly (*Linear*), ``e < 1`` early (*Conceder*,
preset ``e = 0.25``). The second term is *time that adds up*: with a per-round factor ``φ``
(the party's own discount times the protocol's) an agreement on ``ω`` now is worth
``φ^round u(ω)``, so asking for less than ``r / φ^round`` would ask for less than no deal.

**What to offer** (the default, ``legacy = False``). The first proposal is the party's best
outcome (an opening demand). From then on ``û`` is its best among the outcomes the other
side has not ruled out *in public* (its announced red lines and preconditions,
``obs.announcements["public_acceptable"]``): the first concession is to stop asking for what
the other side has said it can never accept. Among the outcomes worth at least ``τ(t)`` to
itself and not publicly ruled out, it proposes the one best for the other side as it
estimates it — from the other side's known utilities when the protocol declares complete
information (``obs.announcements["opponent_utilities"]``), otherwise from the other side's
offers by the frequency model of :mod:`negsim.agents.opponent_model` — ties going to the
outcome nearest its target (the lowest own utility, as the legacy rule would choose: a
model that cannot tell outcomes apart falls back on conceding in its own utility), then to
the lowest index. This is the trade-off of Faratin,
Sierra & Jennings (2002), "Using similarity criteria to make issue trade-offs", *Artificial
Intelligence* 142:205–237: concede in one's own utility, search the joint space for the rest.
When nothing the other side could accept is worth more than no deal to it any more (the zone
has closed for it, ``τ > û``), it holds out for its best outcome.

**What to accept.** The usual acceptance condition *AC_next* (Baarslag, Hindriks & Jonker
2014, "Effective acceptance conditions in real-time automated negotiation", *Decision
Support Systems* 60:68–77): accept an offer at least as good as what it would propose next,
discounted as the run discounts — ``φ^round u(offer) >= φ^{round'} u(next)`` with ``round'``
the round of its next proposal — and never one worth less than ``r`` now; when it has no
proposal left before the deadline, anything worth at least ``r``.

``legacy = True`` keeps the behaviour of negsim 0.1: propose the outcome whose own utility
is the smallest at or above ``r + (u_max - r)(1 - t^e)`` (ties: lowest index), ignore the
other side, and accept an offer worth at least that target (and at least ``r`` discounted).
"""

from __future__ import annotations

from bisect import bisect_left
from functools import lru_cache
from typing import ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from ..observation import Observation
from ..preferences import GridProfile
from ..validators import boolean, positive
from .base import Agent

__all__ = ["JointPlan", "TimeDependent", "nearest_above"]

_TOL = 1e-12


_flag = boolean()


@attrs.frozen
class TimeDependent(Agent):
    """Concedes from its best outcome to its reservation value as ``1 - t^exponent``,
    offering what is best for the other side among the outcomes at its target."""

    name: ClassVar[str] = "time-dependent"
    exponent: float = attrs.field(default=1.0, converter=float, validator=positive())
    legacy: bool = attrs.field(default=False, validator=_flag)

    def start(self, obs: Observation) -> None:
        if self.legacy:
            # τ depends on the round only: one vectorised schedule per run, then lookups.
            targets, proposals = _plan(obs.profile, self.exponent, obs.n_rounds, obs.reservation)
            obs.memory["targets"] = targets
            obs.memory["proposals"] = proposals
        else:
            obs.memory["plan"] = JointPlan(obs, self.exponent)

    def target(self, obs: Observation) -> float:
        """``τ(t)``, the own utility level aimed at in the current round."""
        if self.legacy:
            return float(obs.memory["targets"][obs.round])
        return obs.memory["plan"].target(obs.round)  # type: ignore[no-any-return]

    def propose(self, obs: Observation) -> int:
        if self.legacy:
            return int(obs.memory["proposals"][obs.round])
        return obs.memory["plan"].propose(obs)  # type: ignore[no-any-return]

    def respond(self, obs: Observation, offer: int) -> bool:
        if self.legacy:
            return obs.utility(offer) >= obs.memory["targets"][obs.round] and obs.acceptable(offer)
        return obs.memory["plan"].respond(obs, offer)  # type: ignore[no-any-return]


class JointPlan:
    """One run's state of a joint-space concession agent (see the module docstring).

    Created in :meth:`TimeDependent.start`; holds the schedule ``τ``, the outcomes the other
    side has not ruled out in public ranked by own utility, and the running frequency model
    of the other side's offers.
    """

    def __init__(self, obs: Observation, exponent: float) -> None:
        u = obs.utilities
        n = obs.n_rounds
        times = np.arange(n) / (n - 1) if n > 1 else np.ones(1)
        r = obs.reservation
        public = obs.announcements.get("public_acceptable")
        open_ = np.isfinite(u) if public is None else np.isfinite(u) & np.asarray(public)
        if not open_.any():  # the other side rules out everything it could accept: ignore it
            open_ = np.isfinite(u)
        candidates = np.flatnonzero(open_)
        # by decreasing own utility, ties by index: prefixes are the eligible sets
        self.candidates = candidates[np.argsort(-u[candidates], kind="stable")]
        self.own = u[self.candidates]
        top = float(self.own[0]) if self.own.size else r
        phi = obs.round_discount
        floor = r / phi ** np.arange(n, dtype=float) if phi < 1.0 else np.full(n, r)
        concession = r + max(top - r, 0.0) * (1.0 - times**exponent)
        self.targets = np.maximum(concession, floor).tolist()
        self.phi = phi
        self.opened = False
        theirs = obs.announcements.get("opponent_utilities")
        self.known = None if theirs is None else np.asarray(theirs)[self.candidates]
        self.grid = obs.space.outcome_at(self.candidates) if self.known is None else None
        self.model = _FrequencyModel(obs.space.shape) if self.known is None else None
        self.seen = 0
        self.planned: tuple[int, int, int] | None = None  # (round, history length, outcome)

    def target(self, round: int) -> float:
        """``τ`` of ``round``."""
        return float(self.targets[min(round, len(self.targets) - 1)])

    def _estimate(self, obs: Observation, count: int) -> npt.NDArray[np.float64]:
        if self.known is not None:
            return self.known[:count]
        assert self.model is not None
        assert self.grid is not None
        history = obs.history
        for offer in history[self.seen :]:
            if offer.proposer != obs.party and offer.proposer >= 0:
                self.model.add(obs.space.outcome_at(offer.outcome))
        self.seen = len(history)
        return self.model.estimate(self.grid[:count])

    def choose(self, obs: Observation, round: int) -> int:
        """The outcome to offer in ``round``: best for the other side at or above ``τ``
        (ties: nearest ``τ``, then the lowest index)."""
        level = self.target(round) - _TOL
        count = int(np.searchsorted(-self.own, -level, side="right"))
        if count == 0:  # nothing the other side could accept is worth no deal: hold out
            return obs.best
        if count == 1:
            return int(self.candidates[0])
        estimate = self._estimate(obs, count)
        tied = np.flatnonzero(estimate >= estimate.max() - _TOL)
        # ties: the one nearest the target (candidates run by decreasing own utility, then
        # by index, so the first of the lowest own utility has the lowest index)
        lowest = self.own[tied[-1]]
        return int(self.candidates[tied[self.own[tied] <= lowest + _TOL][0]])

    def propose(self, obs: Observation) -> int:
        if not self.opened:
            self.opened = True
            if obs.round < obs.n_rounds - 1:  # an opening demand, unless this is the end
                return obs.best
        planned = self.planned
        if planned is not None and planned[:2] == (obs.round, len(obs.history)):
            return planned[2]
        return self.choose(obs, obs.round)

    def respond(self, obs: Observation, offer: int) -> bool:
        if not obs.acceptable(offer):
            return False
        t = obs.round
        last = obs.history[-1].proposer if len(obs.history) else -1
        n = obs.n_parties
        step = (obs.party - last) % n if last >= 0 else 1
        following = t + (step or n)
        if following >= obs.n_rounds:
            return True  # no proposal of its own left: anything better than no deal
        if self.opened:
            nxt = self.choose(obs, following)
            self.planned = (following, len(obs.history), nxt)
        else:  # its next proposal is its opening demand
            nxt = obs.best
        return obs.utility(offer) >= self.phi ** (following - t) * obs.utility(nxt) - _TOL


class _FrequencyModel:
    """Running counts behind :func:`negsim.agents.opponent_model.frequency_model`."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.counts = [np.zeros(m) for m in shape]
        self.unchanged = np.zeros(len(shape))
        self.last: npt.NDArray[np.int64] | None = None

    def add(self, row: npt.NDArray[np.int64]) -> None:
        for i, option in enumerate(row.tolist()):
            self.counts[i][option] += 1.0
        if self.last is not None:
            self.unchanged += row == self.last
        self.last = row

    def estimate(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        weights = 1.0 + self.unchanged
        weights /= weights.sum()
        total = np.zeros(len(rows))
        for i, counts in enumerate(self.counts):
            table = (1.0 + counts) / (1.0 + counts.max())
            total += weights[i] * table[rows[:, i]]
        return total


@lru_cache(maxsize=4096)
def _plan(
    profile: GridProfile, exponent: float, n_rounds: int, reservation: float
) -> tuple[list[float], list[int]]:
    """Legacy schedule: ``τ(t)`` and :func:`nearest_above` of it for every round, vectorised.

    Memoised per model and rules (a profile hashes by identity and the cache keeps it alive):
    sweeps and tournaments replay the same ones. Callers must not modify the lists.
    """
    times = np.arange(n_rounds) / (n_rounds - 1) if n_rounds > 1 else np.ones(1)
    top = profile.utilities[profile.best] if profile.utilities.size else reservation
    targets = reservation + max(top - reservation, 0.0) * (1.0 - times**exponent)
    order, ranked = profile.ranking
    if order.size == 0:
        return targets.tolist(), [profile.best] * n_rounds
    at = np.searchsorted(ranked, targets, side="left")
    chosen = np.where(at < order.size, order[np.minimum(at, order.size - 1)], profile.best)
    return targets.tolist(), chosen.tolist()


def nearest_above(obs: Observation, level: float) -> int:
    """The outcome of least own utility at or above ``level`` (own best if none reaches it).

    ``obs.ranked_outcomes`` orders equal utilities by index and ``bisect_left`` finds the
    first of them: ties go to the lowest index.
    """
    ranked = obs.ranked_utilities
    i = bisect_left(ranked, level)
    return obs.best if i == len(ranked) else obs.ranked_outcomes[i]
