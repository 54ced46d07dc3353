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

from ..observation import Offer
from ..results import EndReason, NegotiationResult
from ..rng import RNGLike
from ..validators import count, unit
from .base import Party, Protocol, setup

__all__ = ["ZeuthenConcession"]


@attrs.frozen
class ZeuthenConcession(Protocol):
    """Simultaneous proposals; the party with the smaller risk limit concedes."""

    name: ClassVar[str] = "zeuthen"
    max_parties: ClassVar[int | None] = 2
    n_rounds: int = attrs.field(default=100, converter=int, validator=count(minimum=1))
    discount: float = attrs.field(default=1.0, converter=float, validator=unit(open_low=True))

    def run(self, parties: Sequence[Party], rng: RNGLike = None) -> NegotiationResult:
        table = setup(
            self, parties, rng, n_rounds=self.n_rounds, discount=self.discount, announce=_told
        )
        parties, state, told = table.parties, table.state, table.told
        values = [p.preferences.profile().values for p in parties]
        d = [p.preferences.reservation for p in parties]
        record: list[Offer] = []
        from ..theory import risk_limit  # theory loads on first use, not with negsim

        accepted: list[list[bool]] = []
        previous: list[int | None] = [None, None]
        end = EndReason.DEADLINE
        for t in range(self.n_rounds):
            state.round = t
            now = [table.propose(i) for i in range(2)]
            for i in range(2):
                state.history.append(Offer(t, i, now[i]))
            refused = [
                told[i]["must_concede"]
                and previous[i] is not None
                and values[1 - i][now[i]] <= values[1 - i][previous[i]]  # type: ignore[index]
                for i in range(2)
            ]
            answers = [table.respond(1 - i, now[i]) for i in range(2)]
            if any(refused):
                answers = [False, False]
            order = [0, 1]
            if any(answers):
                agreed = _pick(answers, now, values, d)
                order = [1 - agreed, agreed]  # the agreed offer is recorded last
                end = EndReason.AGREEMENT
            for i in order:
                record.append(Offer(t, i, now[i]))
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
        return table.result(accepted, end, offers=record)


def _told(parties: tuple[Party, ...]) -> list[dict[str, Any]]:
    """Complete information: each party is told the other's utilities and reservation value,
    and (updated every round) whether it must concede."""
    return [
        {
            "opponent_utilities": parties[1 - i].preferences.grid_utilities(),
            "opponent_reservation": parties[1 - i].preferences.reservation,
            "must_concede": False,
        }
        for i in range(2)
    ]


def _pick(
    answers: list[bool], now: list[int], values: list[Sequence[float]], d: list[float]
) -> int:
    """Whose proposal is the agreement: the accepted one; both → the larger Nash product."""
    if answers[0] and answers[1]:
        products = [(values[0][now[i]] - d[0]) * (values[1][now[i]] - d[1]) for i in range(2)]
        return 0 if products[0] >= products[1] else 1
    return 0 if answers[0] else 1
