"""Equilibria of classic bargaining games, in closed form or by exact backward induction.

Rubinstein (1982), "Perfect Equilibrium in a Bargaining Model", *Econometrica* 50(1):97–109.
Two players split a unit pie by alternating offers, player 1 first; player ``i`` discounts
each period by ``δ_i``. The unique subgame-perfect equilibrium agrees at once, the proposer
taking

.. math::  x_1^* = \\frac{1 - δ_2}{1 - δ_1 δ_2}, \\qquad x_2 = 1 - x_1^*.

With a risk of breakdown ``p`` after each rejection, breakdown payoffs ``b_i`` (Binmore,
Rubinstein & Wolinsky 1986, *RAND Journal of Economics* 17(2):176–188) and outside options
``w_i`` a responder may take instead of continuing (the outside option principle: Binmore,
Shaked & Sutton 1989, *QJE* 104(4):753–770), the stationary equilibrium solves

.. math::  1 - x = \\max\\big(w_2,\\ p\\,b_2 + (1-p)\\,δ_2\\,(1 - y)\\big), \\qquad
           y = \\max\\big(w_1,\\ p\\,b_1 + (1-p)\\,δ_1\\,x\\big)

for player 1's share ``x`` when proposing and ``y`` when responding. As ``p → 0`` with
``δ_i = 1`` the split tends to the Nash bargaining solution with ``b`` as the disagreement
point: ``x → (1 + b_1 - b_2) / 2``.

:func:`finite_horizon` solves the ``T``-round game by backward induction; as ``T`` grows its
first-round split converges to the closed form.

Baron & Ferejohn (1989), "Bargaining in Legislatures", *APSR* 83(4):1181–1206: ``n``
legislators (``n`` odd) divide a unit budget under a closed rule; each round one is
recognised (with probabilities ``π_i``), proposes, and a simple majority must accept.
With equal recognition and discount ``δ`` the stationary equilibrium gives the proposer
``1 - δ (n - 1) / (2n)`` and ``(n - 1)/2`` partners ``δ / n`` each; with unequal
recognition :func:`baron_ferejohn` solves the stationary equilibrium values (Eraslan 2002,
*Journal of Economic Theory* 103(1):11–30) by fixed-point iteration.

Zeuthen (1930), *Problems of Monopoly and Economic Warfare*, ch. IV; Harsanyi (1956),
*Econometrica* 24(2):144–157: a party asking for ``x_i`` and offered ``x_j`` has the **risk
limit** (:func:`risk_limit`)

.. math::  r_i = \\frac{u_i(x_i) - u_i(x_j)}{u_i(x_i) - d_i},

the largest probability of conflict it would run rather than accept ``x_j`` (0 when
``u_i(x_i) <= d_i``). The Zeuthen protocol makes the party with the smaller risk limit
concede, and the Zeuthen agent concedes just enough to shift that duty; both use this one
function.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from .errors import ValidationError
from .validators import check_unit, whole_number

__all__ = [
    "BaronFerejohn",
    "RubinsteinSplit",
    "baron_ferejohn",
    "finite_horizon",
    "risk_limit",
    "rubinstein",
]


def risk_limit(own_offer_utility: float, their_offer_utility: float, reservation: float) -> float:
    """Zeuthen's risk limit ``(u(x_i) - u(x_j)) / (u(x_i) - d)`` (0 if ``u(x_i) <= d``).

    >>> risk_limit(0.8, 0.5, 0.2)
    0.5
    """
    gain = own_offer_utility - reservation
    if gain <= 0:
        return 0.0
    return max(0.0, (own_offer_utility - their_offer_utility) / gain)


@attrs.frozen
class RubinsteinSplit:
    """Equilibrium shares of a unit pie: ``first`` when player 1 proposes (``second`` is
    player 2's share then), and ``first_when_responding``, player 1's share when player 2
    proposes."""

    first: float
    second: float
    first_when_responding: float


def rubinstein(
    d1: float,
    d2: float,
    breakdown: float = 0.0,
    breakdown_payoffs: tuple[float, float] = (0.0, 0.0),
    outside_options: tuple[float, float] | None = None,
) -> RubinsteinSplit:
    """The stationary subgame-perfect split (see the module docstring).

    ``d1``, ``d2`` are the discount factors in ``[0, 1]`` (not both 1 unless ``breakdown``
    is positive); ``breakdown`` the probability ``p`` that talks end after a rejection;
    ``breakdown_payoffs`` what each gets then; ``outside_options`` what each may take
    instead of continuing.
    """
    d1 = check_unit("d1", d1)
    d2 = check_unit("d2", d2)
    p = check_unit("breakdown", breakdown)
    b1, b2 = (check_unit(f"breakdown_payoffs[{i}]", b) for i, b in enumerate(breakdown_payoffs))
    if b1 + b2 > 1:
        raise ValidationError("breakdown_payoffs", f"sum {b1 + b2}", "a sum of at most 1")
    w1, w2 = outside_options or (0.0, 0.0)
    w1 = check_unit("outside_options[0]", w1)
    w2 = check_unit("outside_options[1]", w2)
    a1, a2 = (1 - p) * d1, (1 - p) * d2
    if a1 * a2 >= 1:
        raise ValidationError(
            "d1, d2", "no discounting and no breakdown risk", "some cost of delay"
        )
    # The map (x, y) -> new (x, y) is a contraction (factor a1 a2 < 1): iterate to the fixed
    # point, then polish with the exact linear solution of the active branch.
    x, y = 1.0, 0.0
    for _ in range(10_000):
        new_x = 1 - max(w2, p * b2 + a2 * (1 - y))
        new_y = max(w1, p * b1 + a1 * new_x)
        if abs(new_x - x) < 1e-15 and abs(new_y - y) < 1e-15:
            break
        x, y = new_x, new_y
    x, y = new_x, new_y
    if w2 < p * b2 + a2 * (1 - y) and w1 < p * b1 + a1 * x:  # interior: solve exactly
        x = (1 - p * b2 - a2 + a2 * p * b1) / (1 - a1 * a2)
        y = p * b1 + a1 * x
    return RubinsteinSplit(x, 1 - x, y)


def finite_horizon(
    n_rounds: int,
    d1: float,
    d2: float,
    breakdown: float = 0.0,
    breakdown_payoffs: tuple[float, float] = (0.0, 0.0),
) -> npt.NDArray[np.float64]:
    """Backward induction for ``n_rounds`` alternating offers, player 1 proposing in round 0.

    Returns an array ``(n_rounds, 2)``: row ``t`` is the equilibrium split proposed in round
    ``t`` (player 1's share, player 2's share). After the last round both get
    ``breakdown_payoffs`` (the disagreement point). Row 0 is what is agreed at once.
    """
    n_rounds = whole_number("n_rounds", n_rounds, 1)
    d = (check_unit("d1", d1), check_unit("d2", d2))
    p = check_unit("breakdown", breakdown)
    b = tuple(float(v) for v in breakdown_payoffs)
    splits = np.zeros((n_rounds, 2))
    value_next = np.array(b, dtype=float)  # what each gets if round t + 1 is reached
    for t in reversed(range(n_rounds)):
        proposer = t % 2
        responder = 1 - proposer
        # the responder accepts exactly its expected value of rejecting
        if t == n_rounds - 1:
            reject = b[responder]
        else:
            reject = p * b[responder] + (1 - p) * d[responder] * value_next[responder]
        share = np.zeros(2)
        share[responder] = reject
        share[proposer] = 1 - reject
        splits[t] = share
        value_next = share
    return splits


@attrs.frozen
class BaronFerejohn:
    """Stationary equilibrium of closed-rule legislative bargaining.

    ``values[i]``: legislator ``i``'s expected payoff before recognition; ``proposer_share[i]``
    what ``i`` keeps when recognised; ``partner_price[j] = δ values[j]``, what it costs to buy
    ``j``'s vote (a partner's share).
    """

    values: npt.NDArray[np.float64] = attrs.field(eq=attrs.cmp_using(eq=np.allclose))
    proposer_share: npt.NDArray[np.float64] = attrs.field(eq=attrs.cmp_using(eq=np.allclose))
    partner_price: npt.NDArray[np.float64] = attrs.field(eq=attrs.cmp_using(eq=np.allclose))


def baron_ferejohn(
    n: int, discount: float, recognition: Sequence[float] | None = None
) -> BaronFerejohn:
    """The stationary equilibrium for ``n`` legislators (``n`` odd, ``n >= 3``).

    Each proposer buys the ``(n - 1) / 2`` cheapest votes at ``δ v_j`` and keeps the rest;
    ties in price are shared out evenly (the mixed strategies of Eraslan 2002). Equal
    recognition gives the closed form of the module docstring.
    """
    if n < 3 or n % 2 == 0:
        raise ValidationError("n", f"{n}", "an odd number of legislators >= 3")
    delta = check_unit("discount", discount)
    pi = np.full(n, 1.0 / n) if recognition is None else np.asarray(recognition, dtype=float)
    if pi.shape != (n,) or (pi < 0).any() or not math.isclose(float(pi.sum()), 1.0, abs_tol=1e-9):
        raise ValidationError("recognition", f"{pi.tolist()}", f"{n} probabilities summing to 1")
    m = (n - 1) // 2
    v = np.full(n, 1.0 / n)
    for _ in range(100_000):
        price = delta * v
        inclusion = np.zeros(n)  # expected number of times j is bought, weighted by pi_k
        keep = np.zeros(n)
        for k in range(n):
            others = np.delete(np.arange(n), k)
            chosen = _cheapest(price[others], m)
            inclusion[others] += pi[k] * chosen
            keep[k] = 1 - float(chosen @ price[others])
        new = pi * keep + inclusion * price
        if np.abs(new - v).max() < 1e-14:
            v = new
            break
        v = 0.5 * v + 0.5 * new  # damped: ties make the plain map oscillate
    price = delta * v
    keep = np.array(
        [1 - float(_cheapest(np.delete(price, k), m) @ np.delete(price, k)) for k in range(n)]
    )
    return BaronFerejohn(v, keep, price)


def _cheapest(prices: npt.NDArray[np.float64], m: int) -> npt.NDArray[np.float64]:
    """Inclusion probabilities buying the ``m`` cheapest, sharing ties at the margin evenly."""
    order = np.sort(prices)
    cutoff = order[m - 1]
    below = prices < cutoff - 1e-12
    tied = np.abs(prices - cutoff) <= 1e-12
    chosen: npt.NDArray[np.float64] = below.astype(float)
    chosen[tied] = (m - below.sum()) / tied.sum()
    return chosen
