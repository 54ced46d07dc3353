"""Bueno de Mesquita's expected-utility model, as reconstructed by Scholz, Calbert & Smith
(2011), "Unravelling Bueno De Mesquita's group decision model", *Journal of Theoretical
Politics* 23(4):510–531. One issue dimension at a time; every quantity of every round is kept
(or only the positions: ``BDMOptions(keep="positions")``).

Notation: positions ``x_i``, capabilities ``c_i``, saliences ``s_i ∈ [0, 1]`` (the data's
0–100 divided by 100), weights ``w_i = c_i s_i``, the range ``Δ = max x - min x`` of the
*initial* positions and ``d_ij = |x_i - x_j| / Δ``. A round:

1. **Forecasts**: the weighted mean ``Σ w_i x_i / Σ w_i`` and the weighted median (the
   Condorcet winner of a weighted pairwise vote on one dimension).
2. **Votes and probabilities**: voter ``k`` (risk exponent ``r_k``) gives challenger ``i``
   against ``j`` the vote ``v_k(i, j) = w_k (d_kj^{r_k} - d_ki^{r_k})``. The probability that
   ``i`` beats ``j`` is ``P_ij = Σ_k max(v_k(i, j), 0) / D``, with ``D = Σ_k |v_k(i, j)|``
   (``probability="pair"``, BDM's intent: ``P_ij + P_ji = 1``) or the sum of ``|v_k(a, b)|``
   over *every* voter and ordered pair ``(a, b)`` (``probability="all-pairs"``, as
   Scholz et al.'s code runs; it makes every probability small).
3. **Utilities** seen with exponent ``ρ`` (whose exponent: ``perspective``, below):
   ``U_s = 2 - 4(0.5 - 0.5 d_ij)^ρ`` (success), ``U_f = 2 - 4(0.5 + 0.5 d_ij)^ρ`` (failure),
   ``U_b = 2 - 4(0.5 - 0.25 e)^ρ`` and ``U_w = 2 - 4(0.5 + 0.25 e)^ρ`` (things get better or
   worse without a challenge, ``e = (|x_i - μ| + |x_i - x_j|) / Δ`` with ``μ`` the median or
   mean, ``forecast=``), ``U_sq = 2 - 4 · 0.5^ρ`` (status quo).
4. **Expected utility** of ``i`` challenging ``j``:
   ``EU(i→j) = s_j [P_ij U_s + (1 - P_ij) U_f] + (1 - s_j) U_s
   - {Q U_sq + (1 - Q)[T U_b + (1 - T) U_w]}``: ``j`` resists with probability ``s_j``;
   ``Q`` is the belief that the status quo holds without a challenge, ``T`` that change
   would favour ``i`` (``q``, ``t``; both 1 in Scholz et al.).
5. **Security and risk**: with every exponent 1, actor ``a``'s danger is
   ``σ_a = Σ_{b≠a} EU(b→a)`` (high: a threatened position); its risk acceptance
   ``R_a = (2σ_a - max σ - min σ) / (max σ - min σ) ∈ [-1, 1]`` and its exponent
   ``r_a = (1 - R_a/3) / (1 + R_a/3) ∈ [0.5, 2]``. Steps 2–4 are then redone with these.
   The max and min are over the other actors' dangers (``risk="actors"``, as Scholz et al.
   do) or over the dangers ``a`` itself would face at each position held in the round
   (``risk="positions"``, BDM's description as McKibben's replication reads it: ``a`` moved
   there alone, everything else recomputed; ``O(n³ log n)`` per round, for small cases).
6. **Offers**: proposer ``i`` and receiver ``j`` at different positions; ``U`` is
   ``EU(i→j)`` and ``u`` is ``EU(j→i)``. ``perspective="receiver"`` (Scholz et al.'s code,
   BDM's superscript: ``j`` judges both with its own exponent ``r_j``) or ``"own"`` (each
   challenge with its challenger's exponent; the subscript read the other way).

   * ``U > u > 0`` — **confrontation**: both would challenge, ``i`` more: ``j`` loses and
     moves to ``x_i``;
   * ``U > 0 > u`` and ``U > |u|`` — **compromise**: ``j`` moves to
     ``x_j + (x_i - x_j) |u / U|``;
   * ``U > 0 > u`` and ``U < |u|`` — **capitulation**: ``j`` moves to ``x_i``
     (``capitulation="full"``). In Scholz et al.'s code the test is ``U < |U|``, never true,
     so nobody capitulates (``capitulation="as-coded"``).

   Each receiver takes one offer: the one asking the smallest move (``selection="least-move"``,
   the paper's text), or (``"by-type"``, the code) a confrontation if any (smallest move), else
   the compromise with the smallest ``(|u| x_j + |U| x_i) / (|u| + |U|)``, else a capitulation
   (smallest move). All receivers move at once. That compromise key is a *position*, so
   ``"by-type"`` favours offers towards the low end of the scale: mirror the scale and the
   path changes (on the EU data from round 4); ``"least-move"`` is mirror-symmetric.

:class:`BDMOptions` defaults are the choices of Scholz et al.'s code, which reproduce the
published replication's path on the EU emission-standards data (round-0 mean 7.389956,
median 7; after round 1, mean 7.461314). Everything is vectorised over actor pairs: the
positive votes are summed in ``O(n² log n)`` by sorting the voters once per round and
splitting them at each pair's midpoint, never in ``O(n³)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from ..display import html_table, short_repr
from ..errors import ValidationError
from ..validators import check_unit, one_of
from .data import HTML_ROWS, ActorData, readonly, whole_number
from .forecasts import mean_of, median_of
from .records import ARRAY_EQ, Recorded, as_tuple

__all__ = ["OFFER_KINDS", "BDMOptions", "BDMRound", "BDMRun", "run_bdm"]

Array = npt.NDArray[np.float64]

#: Offer codes of :attr:`BDMRound.offer_kind`: 0 none, 1 confrontation, 2 compromise,
#: 3 capitulation.
OFFER_KINDS = ("none", "confrontation", "compromise", "capitulation")
_NONE, _CONFRONT, _COMPROMISE, _CAPITULATE = range(4)


def _q(value: Any) -> float:
    return check_unit("q", value, what="a probability")


def _t(value: Any) -> float:
    return check_unit("t", value, what="a probability")


@attrs.frozen
class BDMOptions(Recorded):
    """The model's open choices (module docstring, steps 2–6); defaults as Scholz et al. coded.

    Each field is validated; make variants with ``attrs.evolve(options, probability="pair")``.
    """

    probability: Literal["all-pairs", "pair"] = attrs.field(
        default="all-pairs", validator=one_of("all-pairs", "pair")
    )
    capitulation: Literal["as-coded", "full"] = attrs.field(
        default="as-coded", validator=one_of("as-coded", "full")
    )
    selection: Literal["by-type", "least-move"] = attrs.field(
        default="by-type", validator=one_of("by-type", "least-move")
    )
    perspective: Literal["receiver", "own"] = attrs.field(
        default="receiver", validator=one_of("receiver", "own")
    )
    forecast: Literal["median", "mean"] = attrs.field(
        default="median", validator=one_of("median", "mean")
    )
    risk: Literal["actors", "positions"] = attrs.field(
        default="actors", validator=one_of("actors", "positions")
    )
    q: float = attrs.field(default=1.0, converter=_q)
    t: float = attrs.field(default=1.0, converter=_t)
    #: What a run keeps: ``"rounds"``, every quantity of every round (:class:`BDMRound`,
    #: about ten ``n × n`` arrays a round: 620 MB for ten rounds of 1,000 actors), or
    #: ``"positions"``, only the path, the mean and the median (``BDMRun.rounds`` empty), so
    #: memory does not grow with the rounds (2,000 actors in well under 1 GB). The path is
    #: the same either way.
    keep: Literal["rounds", "positions"] = attrs.field(
        default="rounds", validator=one_of("rounds", "positions")
    )

    @classmethod
    def as_described(cls) -> BDMOptions:
        """The paper's and BDM's text where it departs from the code: pair probabilities,
        full capitulation, the least move."""
        return cls(probability="pair", capitulation="full", selection="least-move")


def _frozen(array: npt.ArrayLike) -> Array:
    return readonly(array, copy=False)  # a view, no copy: rounds hold n² matrices


def _kinds(array: npt.ArrayLike) -> npt.NDArray[np.int8]:
    return readonly(array, np.int8, copy=False)


def _indices(array: npt.ArrayLike) -> npt.NDArray[np.int64]:
    return readonly(array, np.int64, copy=False)


@attrs.frozen(repr=False)
class BDMRound(Recorded):
    """Every quantity of one round; matrices have the challenger ``i`` in rows, ``j`` in columns.

    ``*_neutral`` quantities use exponent 1 for everyone (they give the security levels);
    the others use the round's exponents. ``eu_own[i, j]`` is ``EU(i→j)`` with ``r_i`` and
    ``eu_seen_by_target[i, j]`` the same with ``r_j``; ``eu_offer[i, j]`` is the ``U`` the
    receiver ``j`` weighed (one of the two, by ``perspective``). ``offer_kind[i, j]`` (codes in
    :data:`OFFER_KINDS`) and ``offer_position[i, j]`` are ``i``'s offer to ``j``;
    ``accepted[j]`` is the proposer whose offer ``j`` took, or -1.
    """

    positions: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)
    mean: float
    median: float
    probability_neutral: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)
    eu_neutral: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)
    security: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)
    risk_acceptance: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)
    exponent: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)
    probability: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)
    eu_own: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)
    eu_seen_by_target: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)
    offer_kind: npt.NDArray[np.int8] = attrs.field(converter=_kinds, eq=ARRAY_EQ)
    offer_position: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)
    accepted: npt.NDArray[np.int64] = attrs.field(converter=_indices, eq=ARRAY_EQ)
    next_positions: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)
    eu_offer: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)
    span: float = 1.0
    forecast: float = 0.0

    def __repr__(self) -> str:
        moved = int((self.accepted >= 0).sum())
        return short_repr(
            "BDMRound", actors=len(self.positions), median=self.median, mean=self.mean, moved=moved
        )

    def utilities(
        self, perspective: Literal["own", "target", "neutral"] = "own"
    ) -> dict[str, Array]:
        """The basic utilities of ``i`` challenging ``j`` (module docstring, step 3).

        ``{"success", "failure", "better", "worse", "status_quo"}``, each ``(n, n)``, seen with
        the challenger's exponent ``r_i`` (``"own"``), the target's ``r_j`` (``"target"``) or 1
        (``"neutral"``, as for the security levels); ``μ`` is the round's :attr:`forecast`.
        Computed on demand from the positions, so rounds stay small.
        """
        x = self.positions
        d = np.abs(x[:, None] - x[None, :]) / self.span
        rho = {
            "own": self.exponent[:, None],
            "target": self.exponent[None, :],
            "neutral": np.ones((1, 1)),
        }[perspective]
        better, worse = _without_challenge(x, d, self.forecast, self.span, rho)
        return {
            "success": 2 - 4 * (0.5 - 0.5 * d) ** rho,
            "failure": 2 - 4 * (0.5 + 0.5 * d) ** rho,
            "better": better,
            "worse": worse,
            "status_quo": np.broadcast_to(2 - 4 * 0.5**rho, d.shape).copy(),
        }

    def moves(self, names: Sequence[str]) -> tuple[str, ...]:
        """What happened, one line per receiver that moved: ``Belgium compromises with France
        (EU -0.115 vs 0.243): 7 -> 8.416``."""
        verbs = {
            _CONFRONT: "loses a confrontation with",
            _COMPROMISE: "compromises with",
            _CAPITULATE: "capitulates to",
        }
        lines = []
        for j, i in enumerate(self.accepted):
            if i >= 0:
                lines.append(
                    f"{names[j]} {verbs[int(self.offer_kind[i, j])]} {names[i]}"
                    f" (EU {self.eu_own[j, i]:.3f} vs {self.eu_offer[i, j]:.3f}):"
                    f" {self.positions[j]:.4g} -> {self.next_positions[j]:.4g}"
                )
        return tuple(lines)


@attrs.frozen(repr=False)
class BDMRun(Recorded):
    """A run on one dimension: the rounds, the path and the options used."""

    names: tuple[str, ...] = attrs.field(converter=as_tuple)
    dimension: str
    options: BDMOptions
    rounds: tuple[BDMRound, ...] = attrs.field(converter=as_tuple)
    positions: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)  # (rounds + 1, n)
    mean: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)  # (rounds + 1,)
    median: Array = attrs.field(converter=_frozen, eq=ARRAY_EQ)  # (rounds + 1,)

    def __repr__(self) -> str:
        return short_repr(
            "BDMRun",
            dimension=self.dimension,
            actors=len(self.names),
            rounds=len(self.rounds),
            median=float(self.median[-1]),
            mean=float(self.mean[-1]),
        )

    def _repr_html_(self) -> str:
        rows = [
            [t, float(self.mean[t]), float(self.median[t]), len(self.rounds[t].moves(self.names))]
            if t < len(self.rounds)
            else [t, float(self.mean[t]), float(self.median[t]), ""]
            for t in range(len(self.mean))
        ]
        caption = f"BDM on '{self.dimension}': forecasts by round"
        return html_table(["round", "mean", "median", "moves"], rows[:HTML_ROWS], caption)

    def table(self) -> str:
        """The round-by-round forecasts and moves, as text."""
        lines = [f"{'round':>5}  {'mean':>9}  {'median':>9}  moves"]
        for t in range(len(self.mean)):
            moves = self.rounds[t].moves(self.names) if t < len(self.rounds) else ()
            first = moves[0] if moves else ""
            lines.append(f"{t:>5}  {self.mean[t]:9.4f}  {self.median[t]:9.4f}  {first}".rstrip())
            lines.extend(f"{'':>28}{m}" for m in moves[1:])
        return "\n".join(lines)


class _Geometry:
    """What depends only on the positions in a round: distances and the voter split.

    One per run, updated in place each round (:meth:`update`), with scratch buffers reused
    across rounds: at a thousand actors a fresh ``n × n`` array costs more (the memory is
    new to the process every time) than the arithmetic done in it.
    """

    def __init__(self, n: int, span: float) -> None:
        self.span = span
        self.rows = np.arange(n)[:, None]
        self.d = np.empty((n, n))
        self.sorted_d = np.empty((n, n))
        self.near = np.empty((n, n))  # 0.5 - 0.5 d
        self.far = np.empty((n, n))  # 0.5 + 0.5 d
        self.d_sorted_voters = np.empty((n, n))
        self.split = np.empty((n, n), dtype=np.intp)
        self.i_left = np.empty((n, n), dtype=bool)
        self.work = [np.empty((n, n)) for _ in range(3)]
        self.prefix = np.zeros((n, n + 1))
        self.x = np.empty(n)
        self.order = np.arange(n)

    def update(self, x: Array) -> _Geometry:
        """Recompute everything for positions ``x``."""
        n = len(x)
        self.x = x
        np.subtract(x[:, None], x[None, :], out=self.d)
        np.abs(self.d, out=self.d)
        self.d /= self.span
        self.sorted_d[...] = self.d
        self.sorted_d.sort(axis=1)
        np.multiply(self.d, -0.5, out=self.near)
        self.near += 0.5
        np.multiply(self.d, 0.5, out=self.far)
        self.far += 0.5
        self.order = np.argsort(x, kind="stable")
        np.take(self.d, self.order, axis=1, out=self.d_sorted_voters)  # columns: voters, sorted
        # split[i, j]: how many voters lie below the midpoint of x_i and x_j. Voters exactly
        # at the midpoint are indifferent (their vote is 0), so one split serves both sides.
        # (Searched in sorted order, where the keys of each row ascend: three times faster.)
        xs = x[self.order]
        rank = np.empty(n, dtype=np.intp)
        rank[self.order] = np.arange(n)
        midpoints = np.add(xs[:, None], xs[None, :], out=self.work[0])
        midpoints /= 2
        in_sorted_order = np.searchsorted(xs, midpoints)
        np.take(np.take(in_sorted_order, rank, axis=0), rank, axis=1, out=self.split)
        np.less(x[:, None], x[None, :], out=self.i_left)
        return self

    def probability(self, w: Array, r: Array, rule: str) -> Array:
        """``P_ij`` with voter exponents ``r`` (module docstring, step 2).

        Voter ``k`` prefers the nearer of ``x_i`` and ``x_j``; sorted by position, the voters
        below the midpoint side with the left one. With prefix sums ``A[t, a]`` of
        ``w_k g_ka`` (``g_ka = d_ka^{r_k}``) over the first ``t`` sorted voters, the positive
        votes for a left ``i`` are ``A[t, j] - A[t, i]`` and for a right ``i`` the rest,
        ``(A[n, j] - A[n, i]) - (A[t, j] - A[t, i])``: ``O(n²)`` after one sort.
        """
        neutral = bool((r == 1).all())
        n = len(w)
        losses, left = self.work[0], self.work[1]
        # prefix[a, t]: the first t sorted voters' weighted losses at a's position,
        # w_k d_ak^{r_k} summed (d is symmetric). Gathering prefix[j, split[j, i]] reads one
        # row per output row: cache-friendly, unlike prefix[split[i, j], j] by columns.
        if neutral:
            np.multiply(self.d_sorted_voters, w[self.order], out=losses)
        else:
            np.power(self.d_sorted_voters, r[self.order], out=losses)
            losses *= w[self.order]
        prefix = self.prefix
        np.cumsum(losses, axis=1, out=prefix[:, 1:])
        total = prefix[:, -1]
        gathered = prefix[self.rows, self.split]  # [j, i] = A[split_ij, j]; the result's array
        np.subtract(gathered.T, gathered, out=left)  # [i, j] = A[split, j] - A[split, i]
        positive = np.subtract(total[None, :], total[:, None], out=gathered)
        positive -= left  # the votes for a right i: all its votes less the left side's
        # (Where x_i = x_j both are exactly 0: the two positions' rows of prefix are equal.)
        np.copyto(positive, left, where=self.i_left)
        np.maximum(positive, 0.0, out=positive)
        if rule == "pair":
            pair = np.add(positive, positive.T, out=left)
            with np.errstate(invalid="ignore", divide="ignore"):
                np.divide(positive, pair, out=positive, where=pair > 0)
            return positive
        coefficients = 2.0 * np.arange(n) - (n - 1)
        sorted_g = self.sorted_d
        if not neutral:
            sorted_g = np.power(self.sorted_d, r[:, None], out=losses)
        spread = sorted_g @ coefficients  # Σ_{a<b} |g_ka - g_kb| for each voter k
        everything = 2.0 * float(w @ spread)
        if everything > 0:
            positive /= everything
        return positive

    def expected_utility(
        self, s: Array, rho: Array | None, p: Array, mu: float, span: float, q: float, t: float
    ) -> Array:
        """``EU(i→j)`` with exponents ``rho`` (``None``: all 1; module docstring, steps 3, 4).

        ``s_j [P U_s + (1 - P) U_f] + (1 - s_j) U_s = U_s - s_j (1 - P)(U_s - U_f)``; with
        exponent 1, ``U_s = 2d``, ``U_f = -2d`` and ``U_sq = 0``.
        """
        eu = np.subtract(1.0, p)  # the result's array, built in place
        eu *= s[None, :]  # s_j (1 - P_ij): the chance j resists and wins
        if rho is None:
            eu *= -2.0
            eu += 1.0
            eu *= self.d
            eu *= 2.0
        else:
            u_s = np.power(self.near, rho, out=self.work[1])
            u_s *= -4.0
            u_s += 2.0
            u_f = np.power(self.far, rho, out=self.work[2])
            u_f *= -4.0
            u_f += 2.0
            np.subtract(u_s, u_f, out=u_f)
            eu *= u_f
            np.subtract(u_s, eu, out=eu)
            eu -= q * (2 - 4 * 0.5**rho)
        if q < 1:
            u_b, u_w = _without_challenge(self.x, self.d, mu, span, 1.0 if rho is None else rho)
            eu -= (1 - q) * (t * u_b + (1 - t) * u_w)
        np.fill_diagonal(eu, 0.0)
        return eu


def _without_challenge(
    x: Array, d: Array, mu: float, span: float, rho: Array | float
) -> tuple[Array, Array]:
    """``U_b`` and ``U_w`` (module docstring, step 3), ``e = (|x_i - μ| + |x_i - x_j|) / Δ``."""
    e = np.abs(x - mu)[:, None] / span + d
    return 2 - 4 * np.clip(0.5 - 0.25 * e, 0.0, None) ** rho, 2 - 4 * (0.5 + 0.25 * e) ** rho


def _risk(security: Array, high: Array | float, low: Array | float) -> tuple[Array, Array]:
    """``R = (2σ - max - min)/(max - min)`` (0 where max = min) and ``r = (1 - R/3)/(1 + R/3)``."""
    spread = np.asarray(high - low, dtype=float)
    big_r = (2 * security - high - low) / np.where(spread > 0, spread, 1.0)
    return big_r, (1 - big_r / 3) / (1 + big_r / 3)


def _dangers_at_positions(
    x: Array, w: Array, s: Array, span: float, mu: float, options: BDMOptions
) -> Array:
    """``σ_a(y)`` for every actor ``a`` moved alone to every position ``y`` held: ``(n, k)``."""
    candidates = np.unique(x)
    dangers = np.empty((len(x), len(candidates)))
    geometry = _Geometry(len(x), span)
    ones = np.ones_like(x)
    for a in range(len(x)):
        for c, y in enumerate(candidates):
            moved = x.copy()
            moved[a] = y
            geometry.update(moved)
            p = geometry.probability(w, ones, options.probability)
            eu = geometry.expected_utility(s, None, p, mu, span, options.q, options.t)
            dangers[a, c] = eu[:, a].sum()
    return dangers


def _offers(
    x: Array, big_u: Array, u: Array, capitulation: str
) -> tuple[npt.NDArray[np.int8], Array]:
    """Kinds and positions of every offer ``i → j`` (``big_u[i, j]``, ``u[i, j] = EU(j→i)``)."""
    different = x[:, None] != x[None, :]
    kind = np.zeros(big_u.shape, dtype=np.int8)
    np.copyto(kind, _CONFRONT, where=different & (u > 0) & (big_u > u))
    weaker = different & (u < 0) & (big_u > 0)
    np.copyto(kind, _COMPROMISE, where=weaker & (big_u > -u))
    if capitulation == "full":
        np.copyto(kind, _CAPITULATE, where=weaker & (big_u < -u))
    position = np.where(kind > _NONE, x[:, None], np.nan)
    i, j = np.nonzero(kind == _COMPROMISE)  # only these need the partial move
    position[i, j] = x[j] + (x[i] - x[j]) * np.abs(u[i, j] / big_u[i, j])
    return kind, position


def _select(
    x: Array, kind: npt.NDArray[np.int8], position: Array, big_u: Array, u: Array, selection: str
) -> npt.NDArray[np.int64]:
    """The proposer whose offer each receiver takes (-1: none).

    ``"by-type"`` first picks, for each receiver, the best kind on offer (confrontation, then
    compromise, then capitulation); then one ``argmin`` over the offers of that kind.
    """
    key = np.abs(position - x[None, :])  # the move asked of the receiver (NaN: no offer)
    if selection == "least-move":
        eligible = kind > _NONE
    else:
        i, j = np.nonzero(kind == _COMPROMISE)
        a, b = np.abs(u[i, j]), np.abs(big_u[i, j])
        key[i, j] = (a * x[j] + b * x[i]) / (a + b)  # Scholz et al.'s key for compromises
        best_kind = np.zeros(len(x), dtype=np.int8)
        for kind_ in (_CAPITULATE, _COMPROMISE, _CONFRONT):  # the last one found wins
            best_kind[(kind == kind_).any(axis=0)] = kind_
        eligible = (kind == best_kind[None, :]) & (kind > _NONE)
    np.copyto(key, np.inf, where=~eligible)
    accepted: npt.NDArray[np.int64] = key.argmin(axis=0).astype(np.int64)
    accepted[~eligible.any(axis=0)] = -1
    return accepted


def run_bdm(
    data: ActorData,
    rounds: int = 10,
    *,
    dimension: int | str = 0,
    options: BDMOptions | None = None,
) -> BDMRun:
    """Run the model for ``rounds`` rounds on one dimension of ``data``.

    Saliences are read on 0–100 (divided by 100: ``s_j`` is the chance ``j`` resists).

    >>> from negsim.spatial import ActorData
    >>> data = ActorData(["a", "b", "c"], [1, 1, 2], [0, 40, 100], [90, 50, 60])
    >>> run = run_bdm(data, rounds=2)
    >>> run.positions.shape, round(float(run.mean[0]), 3)
    ((3, 3), 53.846)
    """
    options = options or BDMOptions()
    rounds = whole_number("rounds", rounds)
    k = data.dimension_index(dimension)
    if (data.saliences[:, k] > 100).any():
        raise ValidationError(
            f"saliences.{data.dimensions[k]}", "values above 100", "saliences on 0–100"
        )
    x = data.positions[:, k].astype(float).copy()
    c = data.capability.astype(float)
    s = data.saliences[:, k] / 100.0
    w = c * s
    span = float(np.ptp(x)) or 1.0
    ones = np.ones_like(x)
    history: list[BDMRound] = []
    geometry = _Geometry(len(x), span)
    path, means, medians = [x], [], []
    for played in range(rounds + 1):
        mean, median = mean_of(x, w), median_of(x, w)
        means.append(mean)
        medians.append(median)
        if played == rounds:
            break
        mu = median if options.forecast == "median" else mean
        geometry.update(x)
        p_neutral = geometry.probability(w, ones, options.probability)
        eu_neutral = geometry.expected_utility(s, None, p_neutral, mu, span, options.q, options.t)
        security = eu_neutral.sum(axis=0)  # σ_a = Σ_b EU(b→a); the diagonal is 0
        if options.risk == "actors":
            big_r, r = _risk(security, security.max(), security.min())
        else:
            dangers = _dangers_at_positions(x, w, s, span, mu, options)
            big_r, r = _risk(security, dangers.max(axis=1), dangers.min(axis=1))
        p = geometry.probability(w, r, options.probability)
        eu_own = geometry.expected_utility(s, r[:, None], p, mu, span, options.q, options.t)
        eu_target = geometry.expected_utility(s, r[None, :], p, mu, span, options.q, options.t)
        big_u = eu_target if options.perspective == "receiver" else eu_own
        u = np.ascontiguousarray(eu_own.T)  # EU(j→i) laid out [i, j], once
        kind, position = _offers(x, big_u, u, options.capitulation)
        accepted = _select(x, kind, position, big_u, u, options.selection)
        new_x = x.copy()
        moved = accepted >= 0
        new_x[moved] = position[accepted[moved], np.flatnonzero(moved)]
        if options.keep == "rounds":  # with "positions", the round's n × n arrays go now
            kind.flags.writeable = False
            accepted.flags.writeable = False
            history.append(
                BDMRound(
                    x,
                    mean,
                    median,
                    p_neutral,
                    eu_neutral,
                    security,
                    big_r,
                    r,
                    p,
                    eu_own,
                    eu_target,
                    kind,
                    position,
                    accepted,
                    new_x,
                    big_u,
                    span,
                    mu,
                )
            )
        x = new_x
        path.append(x)
    return BDMRun(
        data.names, data.dimensions[k], options, tuple(history), np.array(path), means, medians
    )
