"""Learning what the other side wants from its offers, and trading off accordingly.

**Frequency model** (Baarslag et al. 2013, "Predicting the performance of opponent models
in automated negotiation", WI-IAT; the "HardHeaded" model of van Krimpen et al. 2013): from the
other side's offers ``o_1 .. o_m`` it estimates a linear additive utility

.. math::  \\hat u(ω) = \\sum_i \\hat w_i \\, \\hat v_i(ω_i), \\qquad
           \\hat v_i(a) = \\frac{1 + n_i(a)}{1 + \\max_b n_i(b)}, \\qquad
           \\hat w_i \\propto 1 + \\sum_{t=2}^{m} [o_{t,i} = o_{t-1,i}],

where ``n_i(a)`` counts the offers choosing option ``a`` of issue ``i``: options it asks for
often are valuable to it, and issues on which it never moves are important to it.

**The agent** (:class:`OpponentModelAgent`, ``"opponent-model"``) is the joint-space
time-dependent agent of :mod:`negsim.agents.time_dependent` with ``exponent = 2`` by default:
it concedes in time (target ``τ(t) = r + (û - r)(1 - t^e)``) and, among the outcomes worth at
least ``τ(t)`` to itself, proposes the one this model says is best for the other side — an
offer near the estimated Pareto frontier (Faratin, Sierra & Jennings 2002, "Using similarity
criteria to make issue trade-offs", *Artificial Intelligence* 142:205–237). With
``legacy = True`` it behaves as in negsim 0.1: the same trade-off over every outcome (the
other side's announced red lines ignored), accepting an offer worth at least ``τ(t)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import attrs
import numpy as np
import numpy.typing as npt

from ..observation import Observation
from ..outcomes import OutcomeSpace
from ..validators import positive
from .time_dependent import TimeDependent, _flag

__all__ = ["OpponentModelAgent", "frequency_model"]


def frequency_model(
    space: OutcomeSpace, offers: Sequence[int]
) -> tuple[npt.NDArray[np.float64], list[npt.NDArray[np.float64]]]:
    """Estimated ``(weights, value tables)`` of the side that made ``offers`` (indices).

    With no offers every weight and value is uniform. Weights sum to 1; each table's best
    option has value 1.
    """
    k = space.n_issues
    if not offers:
        return np.full(k, 1.0 / k), [np.ones(m) for m in space.shape]
    chosen = space.outcome_at(np.asarray(offers, dtype=np.int64))
    tables = []
    for i, m in enumerate(space.shape):
        counts = np.bincount(chosen[:, i], minlength=m).astype(float)
        tables.append((1.0 + counts) / (1.0 + counts.max()))
    unchanged = (chosen[1:] == chosen[:-1]).sum(axis=0) if len(chosen) > 1 else np.zeros(k)
    weights = 1.0 + unchanged.astype(float)
    return weights / weights.sum(), tables


@attrs.frozen
class OpponentModelAgent(TimeDependent):
    """Time-dependent concession with offers near the estimated Pareto frontier."""

    name: ClassVar[str] = "opponent-model"
    exponent: float = attrs.field(default=2.0, converter=float, validator=positive())
    legacy: bool = attrs.field(default=False, validator=_flag)

    def _legacy_target(self, obs: Observation) -> float:
        r = obs.reservation
        return r + max(obs.best_utility - r, 0.0) * (1.0 - float(obs.time**self.exponent))

    def start(self, obs: Observation) -> None:
        if self.legacy:
            obs.memory["grid"] = obs.space.grid()
        else:
            super().start(obs)

    def target(self, obs: Observation) -> float:
        """``τ(t)``, the own utility level aimed at this round."""
        return self._legacy_target(obs) if self.legacy else super().target(obs)

    def estimated_opponent_utilities(self, obs: Observation) -> npt.NDArray[np.float64]:
        """The frequency model's utility of every outcome for the other side(s)."""
        theirs = [o.outcome for o in obs.history if o.proposer != obs.party and o.proposer >= 0]
        weights, tables = frequency_model(obs.space, theirs)
        grid = obs.space.grid()
        estimate = np.zeros(len(grid))
        for i, (w, table) in enumerate(zip(weights, tables, strict=True)):
            estimate += w * table[grid[:, i]]
        return estimate

    def propose(self, obs: Observation) -> int:
        if not self.legacy:
            return super().propose(obs)
        mine = obs.utilities
        eligible = np.flatnonzero(mine >= self._legacy_target(obs) - 1e-12)
        if eligible.size == 0:
            return obs.best
        theirs = self.estimated_opponent_utilities(obs)[eligible]
        # best for them; ties → better for me; then the lowest index
        order = np.lexsort((eligible, -mine[eligible], -theirs))
        return int(eligible[order[0]])

    def respond(self, obs: Observation, offer: int) -> bool:
        if not self.legacy:
            return super().respond(obs, offer)
        return obs.utility(offer) >= self._legacy_target(obs) and obs.acceptable(offer)
