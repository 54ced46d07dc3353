"""The Zeuthen–Harsanyi concession protocol (Zeuthen 1930; Harsanyi 1956).

Zeuthen, *Problems of Monopoly and Economic Warfare* (1930), ch. IV; Harsanyi, "Approaches
to the Bargaining Problem before and after the Theory of Games", *Econometrica* 24(2):144–157
(1956). Two parties with complete information (each is told the other's utilities and
reservation value, ``obs.announcements``) make simultaneous proposals each round:

1. if a party finds the other's proposal at least as good as what it asks itself, it accepts
   and that proposal is the agreement (if both accept, the one with the larger Nash product);
2. otherwise each party's **risk limit** — the largest probability of conflict it would run
   rather than accept the other's proposal — is

   .. math::  r_i = \\frac{u_i(x_i) - u_i(x_j)}{u_i(x_i) - d_i}

   (0 when ``u_i(x_i) <= d_i``; :func:`negsim.theory.risk_limit`); the party with the
   smaller risk limit must concede (both on a tie), and it is told so
   (``obs.announcements["must_concede"]``);
3. a party that must concede and does not offer the other strictly more than before causes
   a conflict: the talks end (``breakdown``) and both get their reservation values ``d_i``.

Harsanyi showed that the party with the smaller risk limit is the one whose proposal has the
smaller Nash product, so with minimal concessions the process converges to the Nash
bargaining solution.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

import attrs
import numpy as np

from ..observation import Observation, Offer, RunState
from ..preferences import discounted
from ..results import EndReason, NegotiationResult
from ..rng import RNGLike, resolve_seed
from ..theory import risk_limit
from ..validators import count, unit
from .alternating import _checked
from .base import Party, Protocol, check_parties

__all__ = ["ZeuthenConcession"]


@attrs.frozen
class ZeuthenConcession(Protocol):
    """Simultaneous proposals; the party with the smaller risk limit concedes."""

    name: ClassVar[str] = "zeuthen"
    max_parties: ClassVar[int | None] = 2
    n_rounds: int = attrs.field(default=100, converter=int, validator=count(minimum=1))
    discount: float = attrs.field(default=1.0, converter=float, validator=unit(open_low=True))

    def run(self, parties: Sequence[Party], rng: RNGLike = None) -> NegotiationResult:
        parties = check_parties(self, parties)
        seed = resolve_seed(rng)
        space = parties[0].preferences.space
        values = [p.preferences.profile().values for p in parties]
        d = [p.preferences.reservation for p in parties]
        state = RunState(self.n_rounds)
        told: list[dict[str, Any]] = [
            {
                "opponent_utilities": parties[1 - i].preferences.grid_utilities(),
                "opponent_reservation": d[1 - i],
                "must_concede": False,
            }
            for i in range(2)
        ]
        views = [
            Observation(
                state,
                i,
                p.name,
                2,
                p.preferences,
                seed,
                p.preferences.discount * self.discount,
                told[i],
            )
            for i, p in enumerate(parties)
        ]
        for party, view in zip(parties, views, strict=True):
            party.agent.start(view)
        offers: list[int] = []
        proposers: list[int] = []
        accepted: list[list[bool]] = []
        rounds: list[int] = []
        previous: list[int | None] = [None, None]
        end = EndReason.DEADLINE
        for t in range(self.n_rounds):
            state.round = t
            now = [
                _checked(parties[i].agent.propose(views[i]), space.size, parties[i], t)
                for i in range(2)
            ]
            for i in range(2):
                state.history.append(Offer(t, i, now[i]))
            refused = [
                told[i]["must_concede"]
                and previous[i] is not None
                and values[1 - i][now[i]] <= values[1 - i][previous[i]]  # type: ignore[index]
                for i in range(2)
            ]
            answers = [bool(parties[1 - i].agent.respond(views[1 - i], now[i])) for i in range(2)]
            if any(refused):
                answers = [False, False]
            order = [0, 1]
            if any(answers):
                agreed = _pick(answers, now, values, d)
                order = [1 - agreed, agreed]  # the agreed offer is recorded last
                end = EndReason.AGREEMENT
            for i in order:
                offers.append(now[i])
                proposers.append(i)
                rounds.append(t)
                row = [True, True]
                row[1 - i] = answers[i]
                accepted.append(row)
            if end is EndReason.AGREEMENT:
                break
            if any(refused):
                end = EndReason.BREAKDOWN
                break
            risks = [risk_limit(values[i][now[i]], values[i][now[1 - i]], d[i]) for i in range(2)]
            for i in range(2):
                told[i]["must_concede"] = risks[i] <= risks[1 - i]
            previous = list(now)
        return self._result(parties, seed, space, offers, proposers, accepted, rounds, end)

    def _result(
        self,
        parties: tuple[Party, ...],
        seed: int,
        space: Any,
        offers: list[int],
        proposers: list[int],
        accepted: list[list[bool]],
        rounds: list[int],
        end: EndReason,
    ) -> NegotiationResult:
        index = np.array(offers, dtype=np.int64)
        offered = np.stack([p.preferences.profile().utilities[index] for p in parties], axis=1)
        factors = np.array([p.preferences.discount * self.discount for p in parties])
        offered = discounted(offered, factors ** np.array(rounds)[:, None])
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
            utilities=offered.reshape(len(offers), 2),
            accepted=np.array(accepted, dtype=bool).reshape(len(offers), 2),
            end=end,
            agreement=agreement,
            final_utilities=offered[-1] if agreement is not None else reservations,
            reservations=reservations,
            offer_rounds=rounds,
        )


def _pick(
    answers: list[bool], now: list[int], values: list[tuple[float, ...]], d: list[float]
) -> int:
    """Whose proposal is the agreement: the accepted one; both → the larger Nash product."""
    if answers[0] and answers[1]:
        products = [(values[0][now[i]] - d[0]) * (values[1][now[i]] - d[1]) for i in range(2)]
        return 0 if products[0] >= products[1] else 1
    return 0 if answers[0] else 1
