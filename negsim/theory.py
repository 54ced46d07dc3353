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
legislators (``n`` odd) divide a unit budget under a closed rule. Each round legislator ``k``
is recognised with probability ``π_k`` and proposes; if a simple majority (the proposer and
``m = (n - 1)/2`` others) accepts, the budget is divided, otherwise the game repeats with
payoffs discounted by ``δ``. In a stationary subgame-perfect equilibrium with values ``v``
(expected payoffs before recognition), ``j``'s vote costs ``δ v_j``, what ``j`` expects from
rejecting. Proposer ``k`` includes ``j`` with probability ``q_kj`` (``q_kk = 0``,
``0 <= q_kj <= 1``, ``Σ_j q_kj = m``) and buys only cheapest votes, so that
``Σ_j q_kj δ v_j`` is the sum of the ``m`` smallest prices among the others. The values are
then a fixed point:

.. math::  v_j = π_j \\Big(1 - δ \\sum_i q_{ji} v_i\\Big) + δ v_j \\sum_k π_k q_{kj}.

For ``δ < 1`` the values are unique (Eraslan 2002, *Journal of Economic Theory*
103(1):11–30); the partner choice ``q`` is not. With equal recognition ``v_j = 1/n``: the
proposer keeps ``1 - δ (n - 1)/(2n)`` and pays ``δ/n`` to each partner. With unequal
recognition ties in price are the rule, and the proposers' mixing over tied votes is what
makes the fixed point hold; sharing ties evenly does not. For ``π = (0.5, 0.3, 0.2)``,
``δ = 1`` every vote costs ``1/3``: legislators 2 and 3 buy each other, and legislator 1
buys 2 with probability 0.4 and 3 with 0.6, so that nobody buys legislator 1.

With ``δ = 1`` recognition stops mattering while it is similar enough (Kawamori 2005,
*Economics Bulletin* 3(43), for patient legislators): if every ``π_j > 0``, ``v_j = 1/n``
for all ``j`` exactly when no ``π_j`` exceeds ``2/(n + 1)``. (Necessary: ``v = 1/n`` needs
``Σ_k π_k q_kj = 1 - π_j (n + 1)/2 >= 0``; sufficient in negsim's tests.) Beyond that the
legislator recognised most expects more: ``π = (0.6, 0.2, 0.2)`` gives ``(3/7, 2/7, 2/7)``.

:func:`baron_ferejohn` finds the equilibrium exactly, from three facts:

1. **Values are ordered like recognition**: ``π_i > π_j`` implies ``v_i >= v_j``, and
   ``π_i = π_j`` implies ``v_i = v_j`` (for ``δ < 1``; for ``δ = 1`` whenever ``π_i > 0``).
   Suppose ``π_i >= π_j`` but ``v_i < v_j``. Every other proposer who buys ``j`` buys ``i``
   for sure. If ``i`` never buys ``j``, ``i`` is included at least as often
   (``r_i >= r_j``, with ``r_j = Σ_k π_k q_kj``) and a majority without ``i`` costs at most
   ``δ (v_j - v_i)`` more than one without ``j``; the two fixed-point equations then force
   ``δ (π_i + r_i) >= 1``. If ``i`` buys ``j``, ``j`` buys ``i`` for sure and the equations
   give ``π_j v_i (1 - δ A) = π_i v_j (1 - δ B)`` with ``A >= B``. Both are possible only if
   ``δ = 1`` and ``i`` is bought by every other proposer for sure (``r_i = 1 - π_i``); at
   ``δ = 1`` that needs ``π_i = 0``, for then ``v_i`` plus the ``m`` cheapest other values
   would be the whole budget.
2. **Only the tie at the median matters.** Sort the legislators by recognition (positions
   ``0 .. n-1``). The ``m``-th cheapest vote among the others is at position ``m - 1`` for a
   proposer at position ``m`` or above, and at position ``m`` below it. So an equilibrium is
   described by one block ``lo <= m <= hi`` of equal values ``w``: everyone below the block is
   bought by every other proposer, everyone above it by nobody, and each proposer buys its
   remaining votes from the block, mixing. There are at most ``((n + 1)/2)²`` blocks.
3. **For a given block the conditions are linear**, in ``v`` and the block members' partner
   incomes ``t_j = w r_j``: ``n + b`` equations in as many unknowns (``b`` the block size).
   Their solution is the equilibrium if it respects the order of fact 1 at the block's edges
   and the incomes can be paid by mixing probabilities: a transportation problem (each
   proposer pays ``w π_k s_k`` for its ``s_k`` remaining votes, at most ``w π_k`` to each
   member), solved as a max flow, which also gives ``q``.

Every returned solution is checked against all the conditions above (to ``1e-10``); if none
passes, :class:`~negsim.errors.EquilibriumNotFound` is raised instead. With ``δ = 1`` a
legislator who is never recognised has no determined value (it can be bought at any price
up to the others'); :func:`baron_ferejohn` gives it 0, the limit as ``δ → 1``. A
recognition probability so small that it rounds away (``1e-250``) may then be treated either
way: both answers meet every condition to within the tolerance.

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

from .errors import EquilibriumNotFound, ValidationError
from .validators import check_unit, readonly, whole_number

__all__ = [
    "BaronFerejohn",
    "RubinsteinSplit",
    "baron_ferejohn",
    "finite_horizon",
    "risk_limit",
    "rubinstein",
]

Array = npt.NDArray[np.float64]


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


_MAX_LEGISLATORS = 101
"""The largest legislature :func:`baron_ferejohn` solves. The search tries at most
``((n + 1)/2)²`` tie blocks, each a dense linear system of at most ``2n`` unknowns and a max
flow: 15 legislators take milliseconds, 51 under a second, 101 up to ten seconds; larger
legislatures raise a ValidationError."""

_TOLERANCE = 1e-10
"""The largest violation of any equilibrium condition a returned solution may have."""


@attrs.frozen
class BaronFerejohn:
    """Stationary equilibrium of closed-rule legislative bargaining (see the module docstring).

    ``values[i]``: legislator ``i``'s expected payoff before recognition; ``proposer_share[i]``
    what ``i`` keeps when recognised, ``1 - Σ_j q_ij δ v_j``; ``partner_price[j] = δ values[j]``,
    what it costs to buy ``j``'s vote (a partner's share); ``partner_choice[k, j] = q_kj``, the
    probability that proposer ``k`` includes ``j`` in its coalition (rows sum to ``(n - 1)/2``,
    zero diagonal). The values are unique for ``δ < 1``; the partner choice is in general one
    of many that support them (any other mixing over the same cheapest votes with the same
    inclusion probabilities ``Σ_k π_k q_kj`` does too).
    """

    values: Array = attrs.field(converter=readonly, eq=attrs.cmp_using(eq=np.array_equal))
    proposer_share: Array = attrs.field(converter=readonly, eq=attrs.cmp_using(eq=np.array_equal))
    partner_price: Array = attrs.field(converter=readonly, eq=attrs.cmp_using(eq=np.array_equal))
    partner_choice: Array = attrs.field(converter=readonly, eq=attrs.cmp_using(eq=np.array_equal))


def baron_ferejohn(
    n: int, discount: float, recognition: Sequence[float] | None = None
) -> BaronFerejohn:
    """The stationary equilibrium for ``n`` legislators (``n`` odd, ``3 <= n <= 101``).

    ``discount`` is ``δ`` in ``[0, 1]``; ``recognition`` the probabilities ``π`` (equal if
    ``None``). The solution is exact (a linear system per candidate tie structure, see the
    module docstring) and checked: every equilibrium condition holds to within ``1e-10``, or
    :class:`~negsim.errors.EquilibriumNotFound` is raised. With ``δ = 1`` a legislator who is
    never recognised gets 0 (the limit as ``δ → 1``; at ``δ = 1`` itself its value is not
    determined).
    """
    n = whole_number("n", n, 3)
    if n % 2 == 0:
        raise ValidationError("n", f"{n}", "an odd number of legislators >= 3")
    if n > _MAX_LEGISLATORS:
        raise ValidationError("n", f"{n}", f"at most {_MAX_LEGISLATORS} legislators")
    delta = check_unit("discount", discount)
    pi = np.full(n, 1.0 / n) if recognition is None else np.asarray(recognition, dtype=float)
    if (
        pi.shape != (n,)
        or not np.isfinite(pi).all()
        or (pi < 0).any()
        or not math.isclose(math.fsum(pi), 1.0, abs_tol=1e-9)
    ):
        raise ValidationError("recognition", f"{pi.tolist()}", f"{n} probabilities summing to 1")
    pi = pi / math.fsum(pi)  # correctly rounded: the same for any order of the legislators
    m = (n - 1) // 2
    order = np.argsort(pi, kind="stable")  # ascending recognition: the order of the values
    sorted_solution = _solve_sorted(pi[order], delta, m)
    if sorted_solution is None:
        raise EquilibriumNotFound(
            f"baron_ferejohn: no stationary equilibrium could be verified for n={n}, "
            f"discount={delta}, recognition={pi.tolist()}; this is a bug in negsim, please "
            "report it with these numbers"
        )
    v = np.empty(n)
    q = np.empty((n, n))
    v[order] = sorted_solution[0]
    q[np.ix_(order, order)] = sorted_solution[1]
    price = delta * v
    return BaronFerejohn(v, 1 - q @ price, price, q)


def _solve_sorted(p: Array, delta: float, m: int) -> tuple[Array, Array] | None:
    """Values and partner choice for recognition ``p`` sorted ascending, or None.

    Tries each tie block ``[lo, hi]`` (``z <= lo <= m <= hi``, ``z`` legislators never
    recognised) and returns the first solution whose equilibrium conditions hold.
    """
    n = len(p)
    zeros = int(np.count_nonzero(p == 0))
    # Every recognised proposer buys m votes for nothing (never-recognised legislators', or
    # anyone's if δ = 0) and keeps the budget, so v = π; a proposer never recognised may buy
    # any cheapest votes.
    free = p.copy(), np.array([_cheapest_row(delta * p, k, m) for k in range(n)])
    if (zeros >= m or delta == 0) and _violation(p, delta, m, *free) <= _TOLERANCE:
        return free
    # Equal recognition, equal values (fact 1): a block never splits a group of equal π, so
    # the answer does not depend on how ties in π happen to be sorted.
    starts = [lo for lo in range(m, zeros - 1, -1) if lo == 0 or p[lo - 1] < p[lo]]
    ends = [hi for hi in range(m, n) if hi == n - 1 or p[hi] < p[hi + 1]]
    for lo in starts:
        for hi in ends:
            candidate = _solve_block(p, delta, m, lo, hi)
            if candidate is not None and _violation(p, delta, m, *candidate) <= _TOLERANCE:
                return candidate
    # With δ so small (1e-300) that the block systems lose the mixing to rounding, v = π
    # still meets every condition to within the tolerance.
    return free if _violation(p, delta, m, *free) <= _TOLERANCE else None


def _solve_block(p: Array, delta: float, m: int, lo: int, hi: int) -> tuple[Array, Array] | None:
    """The equilibrium in which positions ``lo..hi`` (of ``p`` sorted ascending) tie at the
    median, if there is one.

    Legislators below ``lo`` are bought by every other proposer (``F_k = {j < lo, j ≠ k}``);
    proposer ``k`` buys its remaining ``s_k = m - |F_k|`` votes from the block, mixing; those
    above ``hi`` are never bought. Unknowns: the values ``v`` and, for block members, the
    partner incomes ``t_j = w r_j`` (``w`` the block's value, ``r_j = Σ_k π_k q_kj``). The
    equations, all linear:

    * ``v_j (1 - δ R_j) + δ π_j (Σ_{i∈F_j} v_i + s_j w) = π_j`` outside the block, with
      ``R_j = Σ_k π_k [j ∈ F_k]`` (``v_j = 0`` instead when ``π_j = 0``);
    * ``v_j + δ π_j (Σ_{i∈F_j} v_i + s_j w) - δ t_j = π_j`` and ``v_j = w`` in the block;
    * ``Σ_block t_j = w Σ_k π_k s_k`` (the block sells all the votes it is asked for).

    The solution is an equilibrium if the block is the median tie (``v_j <= w`` below it,
    ``>= w`` above) and proposers can mix to give each member its inclusion ``r_j``.
    """
    n = len(p)
    positions = np.arange(n)
    block = positions[lo : hi + 1]
    b = len(block)
    forced = ((positions[None, :] < lo) & (positions[:, None] != positions[None, :])).astype(float)
    slots = m - forced.sum(axis=1)
    system = np.zeros((n + b, n + b))
    rhs = np.zeros(n + b)
    system[:n, :n] = np.diag(1 - delta * (p @ forced)) + delta * p[:, None] * forced
    system[:n, lo] += delta * p * slots
    system[block, n + np.arange(b)] = -delta
    rhs[:n] = p
    never = positions[p == 0]
    system[never] = 0.0
    system[never, never] = 1.0
    rhs[never] = 0.0
    ties = n + np.arange(b - 1)
    system[ties, block[1:]] = 1.0
    system[ties, lo] = -1.0
    system[-1, n:] = 1.0
    system[-1, lo] = -(p @ slots)
    try:
        solution = np.asarray(np.linalg.solve(system, rhs), dtype=np.float64)
    except np.linalg.LinAlgError:
        return None
    v = solution[:n]
    income = solution[n:]
    w = v[lo]
    tol = 1e-12  # absolute, like the final check: values may be tiny (π_j of 1e-19)
    if not (
        w > 0 and (v >= -tol).all() and (v[:lo] <= w + tol).all() and (v[hi + 1 :] >= w - tol).all()
    ):
        return None
    if (income < -tol).any():
        return None
    # Proposer k pays w π_k s_k in all to the block, at most w π_k to each member other than
    # itself, and member j must receive t_j: a transportation problem, solved as a max flow.
    mixing = (p > 0) & (slots > 0)
    capacity = w * p[mixing, None] * (block[None, :] != positions[mixing, None])
    flow = _transport(w * p[mixing] * slots[mixing], capacity, np.maximum(income, 0.0))
    if flow is None:
        return None
    q = forced.copy()
    others = (block[None, :] != positions[:, None]).astype(float)
    count = others.sum(axis=1, keepdims=True)
    # a proposer never recognised may mix in any way: evenly over the block
    q[:, block] = np.divide(slots[:, None] * others, count, out=0 * others, where=count > 0)
    scale = capacity.max(axis=1, keepdims=True)  # w π_k, 0 if it underflows: mix evenly
    mixed = np.divide(flow, scale, out=q[np.ix_(positions[mixing], block)], where=scale > 0)
    q[np.ix_(positions[mixing], block)] = _fill_rows(mixed, slots[mixing], others[mixing])
    return v, q


def _fill_rows(q: Array, total: Array, allowed: Array) -> Array:
    """``q`` clipped to ``[0, allowed]`` with each row moved to sum exactly to ``total``.

    The max flow meets its totals to rounding in absolute terms; divided by a small ``π_k``
    a row may miss its sum by more. Spreading the gap over the room left in the row changes
    ``π_k q_kj``, all the equilibrium conditions see, by no more than the rounding.
    """
    q = np.clip(q, 0.0, allowed)
    gap = total - q.sum(axis=1)
    room = np.where(gap[:, None] > 0, allowed - q, q)
    spread = room.sum(axis=1)
    share = np.divide(room, spread[:, None], out=np.zeros_like(room), where=spread[:, None] > 0)
    filled: Array = np.clip(q + gap[:, None] * share, 0.0, allowed)
    return filled


def _transport(supply: Array, capacity: Array, demand: Array) -> Array | None:
    """A flow ``f >= 0``, ``f <= capacity``, with row sums ``supply`` and column sums
    ``demand`` (equal totals, to within ``1e-12``), or None if there is none.

    Edmonds–Karp max flow (shortest augmenting paths) from a source feeding the rows to a
    sink fed by the columns: at most ``V E`` augmentations, whatever the capacities. The
    bottleneck edge of each path is set exactly to its capacity, so rounding never leaves a
    saturated edge with a sliver of residual capacity.
    """
    rows, columns = capacity.shape
    size = rows + columns + 2
    source, sink = size - 2, size - 1
    cap = np.zeros((size, size))
    cap[source, :rows] = supply
    cap[:rows, rows : rows + columns] = capacity
    cap[rows : rows + columns, sink] = demand
    flow = np.zeros((size, size))  # antisymmetric: flow[u, v] == -flow[v, u]
    for _ in range(size**3):
        residual = cap - flow
        parent = np.full(size, -1)
        parent[source] = source
        frontier = [source]
        while frontier and parent[sink] < 0:
            reached: list[int] = []
            for u in frontier:
                new = np.flatnonzero((residual[u] > 0) & (parent < 0))
                parent[new] = u
                reached.extend(new.tolist())
            frontier = reached
        if parent[sink] < 0:
            break
        path = [sink]
        while path[-1] != source:
            path.append(int(parent[path[-1]]))
        edges = list(zip(path[1:], path[:-1], strict=True))
        bottleneck = min(residual[u, v] for u, v in edges)
        for u, v in edges:
            if residual[u, v] == bottleneck:
                flow[u, v] = cap[u, v]
            else:
                flow[u, v] += bottleneck
            flow[v, u] = -flow[u, v]
    if max(abs(flow[source].sum() - supply.sum()), abs(flow[:, sink].sum() - demand.sum())) > (
        1e-12
    ):
        return None
    result: Array = np.clip(flow[:rows, rows : rows + columns], 0.0, None)
    return result


def _cheapest_row(price: Array, k: int, m: int) -> Array:
    """Proposer ``k`` buys the ``m`` cheapest votes of the others, sharing a tie evenly."""
    others = np.delete(np.arange(len(price)), k)
    order = np.sort(price[others])
    cutoff = order[m - 1]
    below = price[others] < cutoff - 1e-12
    tied = np.abs(price[others] - cutoff) <= 1e-12
    row = np.zeros(len(price))
    row[others] = below + tied * (m - below.sum()) / tied.sum()
    return row


def _violation(p: Array, delta: float, m: int, v: Array, q: Array) -> float:
    """The largest violation of any stationary-equilibrium condition by ``(v, q)``.

    Fixed point ``v = π(1 - q δv) + δv (πᵀ q)``; ``q`` in ``[0, 1]`` with zero diagonal and
    rows summing to ``m``; each proposer pays no more than the ``m`` cheapest other votes;
    the values are nonnegative (no share of the budget is) and sum to 1.
    """
    n = len(p)
    price = delta * v
    cost = q @ price
    others = np.where(np.eye(n, dtype=bool), np.inf, price[None, :])
    cheapest = np.sort(others, axis=1)[:, :m].sum(axis=1)
    fixed_point = p * (1 - cost) + price * (p @ q)
    return float(
        max(
            np.abs(fixed_point - v).max(),
            np.abs(q.sum(axis=1) - m).max(),
            np.abs(np.diag(q)).max(),
            -q.min(),
            q.max() - 1,
            np.abs(cost - cheapest).max(),
            abs(v.sum() - 1),
            -v.min(),
        )
    )
