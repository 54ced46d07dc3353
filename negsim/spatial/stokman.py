"""Stokman's models: the power × salience weighted-mean forecast and the exchange model.

**Forecast.** With capability ``c_i``, salience ``s_ik`` and position ``x_ik`` of actor ``i``
on issue ``k``, and weights ``w_ik = c_i s_ik``, the forecast of issue ``k`` is

    x̄_k = Σ_i w_ik x_ik / W_k,   W_k = Σ_i w_ik

(:func:`stokman_forecast`; the same as :func:`negsim.spatial.weighted_mean`). ``W_k > 0`` on
every issue: :class:`~negsim.spatial.ActorData` refuses an issue nobody gives weight to.

**Exchange model** (Stokman & Van Oosten 1994, "The exchange of voting positions: an
object-oriented model of policy networks", in Bueno de Mesquita & Stokman (eds), *European
Community Decision Making*, Yale UP, 105–127; the equal-gain rule of the later "Decide"
exchange model). Saliences are read on ``0–1`` (the data's ``0–100`` divided by
``salience_scale``, 100 by default): ``σ_ik = s_ik / salience_scale``.

* **Utility.** An actor's utility of a forecast is ``U_i = -Σ_k σ_ik |x̄_k - x_ik|``, so its
  *gain* from a change of the forecasts is ``G_i = Σ_k σ_ik (|x̄_k - x_ik| - |x̄'_k -
  x_ik|)``: salience times the shift of the forecast towards it (a shift away counts
  negative). Stokman & Van Oosten call this the expected utility of a shift.
* **Moves.** A move of actor ``i`` by ``δ`` on issue ``k`` shifts the forecast by
  ``δ w_ik / W_k``.
* **Who can trade.** Actors ``i`` and ``j`` can trade on issues ``p`` and ``q`` when they are on
  opposite sides of the forecast on both issues and ``σ_ip σ_jq > σ_iq σ_jp`` (``i`` cares
  relatively more about ``p``, ``j`` about ``q``). Then ``j`` moves on ``p`` towards ``x_ip``
  (shifting ``x̄_p`` by ``Δp ≥ 0`` towards ``i``) and ``i`` moves on ``q`` towards ``x_jq``
  (shifting ``x̄_q`` by ``Δq ≥ 0`` towards ``j``); ``p`` is ``i``'s demand issue and ``j``'s
  supply issue, ``q`` the reverse. The gains are linear:

      G_i = σ_ip Δp - σ_iq Δq,     G_j = σ_jq Δq - σ_jp Δp.

* **Limits.** A move never passes the partner's position, ``Δp ≤ |x_jp - x_ip| w_jp / W_p``,
  and never pushes the forecast past the demanding actor's position, ``Δp ≤ |x̄_p - x_ip|``
  (beyond it the shift would no longer be towards that actor, as in Decide); the smaller is
  the cap ``P`` (and ``Q`` for ``Δq``). With these caps the linear gains above are exact.
* **Exchange rate** (``rule=``). ``"equal_gain"`` (Decide's rule): ``G_i = G_j``, i.e.
  ``Δp (σ_ip + σ_jp) = Δq (σ_iq + σ_jq)``, as far as the caps allow:
  ``Δq = min(Q, P/r)``, ``Δp = r Δq`` with ``r = (σ_iq + σ_jq)/(σ_ip + σ_jp)``; the common
  gain is ``G = Δq (σ_ip σ_jq - σ_iq σ_jp)/(σ_ip + σ_jp)``. ``"nash"``: the ``(Δp, Δq)`` in
  the box ``[0, P] × [0, Q]`` that maximises ``G_i G_j``; it lies on an edge ``Δp = P`` or
  ``Δq = Q`` (scaling both shifts up raises both gains), where the product is a concave
  quadratic. Either way one of the two actors moves all the way to its partner's position (or
  as far as brings the forecast to its partner's position) and the other moves part of the
  way.
* **At the forecast** (``at_forecast=``). ``"exclude"``: an actor whose position equals the
  forecast (to ``1e-9`` relative) is on neither side and trades on no pair with that issue.
  ``"supply"``: it may still *supply* there (give way towards a partner strictly off the
  forecast, its loss is ``σ Δ`` all the same), but never demand (no shift can bring the
  forecast closer to it).
* **A step** (:func:`exchange_step`). Every candidate is computed against the positions and
  forecasts at the start of the step; they are realised greedily, highest gain first (ties:
  actor ``i``, ``j``, issue ``p``, ``q`` in index order), skipping any exchange that involves
  an actor-issue pair already involved in one this step (as supplier or demander). So each
  position changes at most once per step, and a step realises at most ``⌊n m / 4⌋``
  exchanges. The new forecasts are recomputed from the new positions; by linearity their
  shift is the sum of the exchanges' shifts. The gains reported are each exchange's own;
  exchanges on the same issue affect each other (Stokman & Van Oosten's externalities).
* **A run** (:func:`run_exchanges`) repeats steps; when a step finds no exchange it stops,
  and the remaining rows of ``positions`` and ``forecasts`` repeat the last state.

Gains at or below ``1e-12`` do not count: such an exchange is not feasible.

Two actors with equal capability; ``A`` cares most about ``p``, ``B`` about ``q``:

>>> from negsim.spatial import ActorData
>>> data = ActorData(["A", "B"], [1, 1], [[0, 0], [100, 100]], [[80, 40], [20, 60]],
...                  ["p", "q"])
>>> stokman_forecast(data).tolist()
[20.0, 60.0]
>>> (e,) = exchange_candidates(data)
>>> e.actors, e.issues, e.move_i, e.move_j, round(e.gain_i, 9), round(e.gain_j, 9)
(('A', 'B'), ('p', 'q'), 50.0, -100.0, 8.0, 8.0)
>>> step = exchange_step(data)
>>> step.data.positions.tolist(), step.after.tolist()
([[0.0, 50.0], [0.0, 100.0]], [0.0, 80.0])
>>> run = run_exchanges(data, rounds=3)
>>> run.forecasts.tolist(), len(run.steps)
([[20.0, 60.0], [0.0, 80.0], [0.0, 80.0], [0.0, 80.0]], 1)
"""

from __future__ import annotations

from typing import Literal

import attrs
import numpy as np
import numpy.typing as npt

from ..display import html_table, short_repr
from ..validators import one_of, positive
from .data import HTML_ROWS, ActorData, readonly, whole_number
from .forecasts import weighted_mean
from .records import ARRAY_EQ, Recorded, as_tuple

__all__ = [
    "AT_FORECAST",
    "RULES",
    "Exchange",
    "ExchangeOptions",
    "ExchangeStep",
    "StokmanRun",
    "exchange_candidates",
    "exchange_step",
    "run_exchanges",
    "stokman_forecast",
]

Array = npt.NDArray[np.float64]
Rule = Literal["equal_gain", "nash"]
AtForecast = Literal["exclude", "supply"]

#: The exchange rates (``rule=``) and the treatments of an actor at the forecast.
RULES = ("equal_gain", "nash")
AT_FORECAST = ("exclude", "supply")
_GAIN_TOL = 1e-12
_TIE_TOL = 1e-9


def stokman_forecast(data: ActorData) -> Array:
    """``x̄_k = Σ_i c_i s_ik x_ik / Σ_i c_i s_ik`` for every issue (read-only, NaN if no weight)."""
    return readonly(weighted_mean(data))


@attrs.frozen
class Exchange(Recorded):
    """One exchange: ``i`` gains on issue ``p`` and gives way on ``q``; ``j`` the reverse.

    ``i``, ``j`` are actor indices and ``p``, ``q`` issue indices into the data; ``actors`` and
    ``issues`` their names. ``move_i`` is the signed change of ``x_iq`` (towards ``x_jq``),
    ``move_j`` that of ``x_jp`` (towards ``x_ip``); ``position_i``, ``position_j`` the new
    ``x_iq``, ``x_jp`` (exactly the partner's position after a full move). ``shift_p``,
    ``shift_q`` are the signed forecast shifts the exchange causes on its own, and
    ``gain_i = σ_ip |shift_p| - σ_iq |shift_q|``, ``gain_j = σ_jq |shift_q| - σ_jp |shift_p|``
    (see the module docstring).
    """

    i: int
    j: int
    p: int
    q: int
    actors: tuple[str, str] = attrs.field(converter=as_tuple)
    issues: tuple[str, str] = attrs.field(converter=as_tuple)
    move_i: float
    move_j: float
    position_i: float
    position_j: float
    gain_i: float
    gain_j: float
    shift_p: float
    shift_q: float

    @property
    def gain(self) -> float:
        """The smaller of the two gains (the sort key of the greedy step)."""
        return min(self.gain_i, self.gain_j)

    @property
    def actor_issues(self) -> tuple[tuple[int, int], ...]:
        """The four ``(actor, issue)`` pairs the exchange involves."""
        return ((self.i, self.p), (self.i, self.q), (self.j, self.p), (self.j, self.q))


@attrs.frozen(repr=False)
class ExchangeStep(Recorded):
    """One step: the realised exchanges, the new data and the forecasts ``(m,)``."""

    exchanges: tuple[Exchange, ...] = attrs.field(converter=as_tuple)
    data: ActorData
    before: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    after: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    n_candidates: int = 0

    def __repr__(self) -> str:
        return short_repr(
            "ExchangeStep",
            exchanges=len(self.exchanges),
            candidates=self.n_candidates,
            after=tuple(float(v) for v in self.after),
        )

    @property
    def shift(self) -> Array:
        """``after - before``: the forecast shift of every issue."""
        return readonly(self.after - self.before)


@attrs.frozen(repr=False)
class StokmanRun(Recorded):
    """A run: ``positions`` ``(rounds + 1, n, m)``, ``forecasts`` ``(rounds + 1, m)``.

    Row 0 is the initial state; ``steps[t]`` takes row ``t`` to row ``t + 1``. Only steps that
    realised an exchange are kept: once a step finds none the run stops (``converged`` is
    then true) and the rows after ``len(steps)`` repeat the last state. ``final`` is the data
    after the last step (the input if no exchange happened).
    """

    names: tuple[str, ...] = attrs.field(converter=as_tuple)
    dimensions: tuple[str, ...] = attrs.field(converter=as_tuple)
    positions: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    forecasts: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    steps: tuple[ExchangeStep, ...] = attrs.field(converter=as_tuple)
    converged: bool
    rule: str
    at_forecast: str
    final: ActorData

    def __repr__(self) -> str:
        return short_repr(
            "StokmanRun",
            rule=self.rule,
            steps=len(self.steps),
            exchanges=sum(len(step.exchanges) for step in self.steps),
            converged=self.converged,
            final=tuple(float(v) for v in self.forecasts[-1]),
        )

    def _repr_html_(self) -> str:
        rows = [
            [t, e.actors[0], e.issues[1], e.move_i, e.actors[1], e.issues[0], e.move_j, e.gain]
            for t, step in enumerate(self.steps, start=1)
            for e in step.exchanges
        ]
        headers = ["round", "i", "i gives way on", "move", "j", "j gives way on", "move", "gain"]
        return html_table(headers, rows[:HTML_ROWS], f"Stokman exchanges ({self.rule})")


@attrs.frozen
class ExchangeOptions:
    """The exchange model's options (module docstring), validated as every model's are: by
    the fields' validators. The functions below check their arguments by building one."""

    rule: str = attrs.field(default="equal_gain", validator=one_of(*RULES))
    at_forecast: str = attrs.field(default="exclude", validator=one_of(*AT_FORECAST))
    salience_scale: float = attrs.field(default=100.0, validator=positive())


def _towards(start: Array, target: Array, fraction: Array) -> Array:
    """``start + fraction (target - start)``, exactly ``target`` at 1, never past it."""
    moved = np.where(fraction >= 1, target, start + fraction * (target - start))
    return np.clip(moved, np.minimum(start, target), np.maximum(start, target))


def _nash(
    big_p: Array, big_q: Array, sip: Array, siq: Array, sjp: Array, sjq: Array
) -> tuple[Array, Array]:
    """The ``(Δp, Δq)`` maximising ``G_i G_j`` on the edges ``Δp = P`` and ``Δq = Q``."""
    with np.errstate(divide="ignore", invalid="ignore"):
        # edge Δp = P: (σ_ip P - σ_iq Δq)(σ_jq Δq - σ_jp P), stationary where
        # 2 σ_iq σ_jq Δq = P (σ_ip σ_jq + σ_iq σ_jp); increasing in Δq if σ_iq σ_jq = 0
        bc = siq * sjq
        qa = np.where(bc > 0, big_p * (sip * sjq + siq * sjp) / np.where(bc > 0, 2 * bc, 1), big_q)
        qa = np.clip(qa, 0.0, big_q)
        # edge Δq = Q: (σ_ip Δp - σ_iq Q)(σ_jq Q - σ_jp Δp)
        ad = sip * sjp
        pb = np.where(ad > 0, big_q * (sip * sjq + siq * sjp) / np.where(ad > 0, 2 * ad, 1), big_p)
        pb = np.clip(pb, 0.0, big_p)
    gia, gja = sip * big_p - siq * qa, sjq * qa - sjp * big_p
    gib, gjb = sip * pb - siq * big_q, sjq * big_q - sjp * pb
    prod_a = np.where((gia > 0) & (gja > 0), gia * gja, -np.inf)
    prod_b = np.where((gib > 0) & (gjb > 0), gib * gjb, -np.inf)
    edge_a = prod_a >= prod_b
    return np.where(edge_a, big_p, pb), np.where(edge_a, qa, big_q)


def exchange_candidates(
    data: ActorData,
    *,
    rule: Rule = "equal_gain",
    at_forecast: AtForecast = "exclude",
    salience_scale: float = 100.0,
) -> tuple[Exchange, ...]:
    """Every feasible exchange between two actors on two issues, in index order.

    Each trade appears once, with ``i < j`` and oriented so that ``i`` demands ``p``
    (``σ_ip σ_jq > σ_iq σ_jp``); they are ordered by ``(i, j, p, q)``. The options are those
    of the module docstring: ``rule`` ``"equal_gain"`` or ``"nash"``; ``at_forecast``
    ``"exclude"`` or ``"supply"``; ``salience_scale`` the number saliences are divided by
    (100 for 0–100 data). Invalid options raise :class:`~negsim.errors.ValidationError`.
    """
    ExchangeOptions(rule, at_forecast, salience_scale)
    x = data.positions
    w = data.capability[:, None] * data.saliences  # (n, m)
    total = w.sum(axis=0)  # W_k
    xbar = weighted_mean(data)
    sigma = data.saliences / salience_scale
    valid_issue = np.isfinite(xbar) & (total > 0)
    safe_total = np.where(total > 0, total, 1.0)
    offset = x - np.where(valid_issue, xbar, 0.0)
    tie = np.abs(offset) <= _TIE_TOL * (1.0 + np.abs(np.where(valid_issue, xbar, 0.0)))
    side = np.where(tie, 0.0, np.sign(offset))  # (n, m)
    side = np.where(valid_issue, side, np.nan)

    # demand[a, b, k]: a can demand issue k from supplier b
    da, db = side[:, None, :], side[None, :, :]
    opposite = da * db < 0
    demand = opposite if at_forecast == "exclude" else (da != 0) & (opposite | (db == 0))
    demand &= np.isfinite(da) & np.isfinite(db)
    # cap[a, b, k]: the largest forecast shift towards a from b's move on k
    distance = np.abs(x[None, :, :] - x[:, None, :])
    full_move = distance * w[None, :, :] / safe_total  # shift when b moves all the way to x_a
    cap = np.minimum(full_move, np.abs(offset)[:, None, :])

    # index [i, j, p, q]: i demands p from j, j demands q from i
    feasible = demand[:, :, :, None] & np.swapaxes(demand, 0, 1)[:, :, None, :]
    sip = sigma[:, None, :, None]
    siq = sigma[:, None, None, :]
    sjp = sigma[None, :, :, None]
    sjq = sigma[None, :, None, :]
    feasible &= sip * sjq > siq * sjp
    n = data.n_actors
    feasible &= (np.arange(n)[:, None] < np.arange(n)[None, :])[:, :, None, None]
    idx = np.argwhere(feasible)
    if idx.size == 0:
        return ()
    i, j, p, q = idx.T
    s_ip, s_iq, s_jp, s_jq = sigma[i, p], sigma[i, q], sigma[j, p], sigma[j, q]
    big_p = cap[i, j, p]  # cap on Δp (j moves on p towards i)
    big_q = cap[j, i, q]  # cap on Δq (i moves on q towards j)
    if rule == "equal_gain":
        with np.errstate(over="ignore"):  # tiny saliences: r = inf gives Δp = P, Δq = 0
            r = (s_iq + s_jq) / (s_ip + s_jp)  # Δp = r Δq; > 0 where feasible
            p_binds = big_p <= r * big_q  # j's cap is reached first: Δp = P exactly
            dp = np.where(p_binds, big_p, np.minimum(r * big_q, big_p))
            dq = np.where(p_binds, np.minimum(big_p / r, big_q), big_q)
    else:
        dp, dq = _nash(big_p, big_q, s_ip, s_iq, s_jp, s_jq)
    gain_i = s_ip * dp - s_iq * dq
    gain_j = s_jq * dq - s_jp * dp
    if rule == "equal_gain":  # equal by construction; one number for both
        common = dq * (s_ip * s_jq - s_iq * s_jp) / (s_ip + s_jp)
        gain_i = gain_j = common
    ok = (gain_i > _GAIN_TOL) & (gain_j > _GAIN_TOL)

    # fractions of the full moves, and the moves themselves (never past the partner)
    full_p, full_q = full_move[i, j, p], full_move[j, i, q]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac_j = np.clip(np.where(full_p > 0, dp / np.where(full_p > 0, full_p, 1), 0.0), 0, 1)
        frac_i = np.clip(np.where(full_q > 0, dq / np.where(full_q > 0, full_q, 1), 0.0), 0, 1)
    to_i = _towards(x[i, q], x[j, q], frac_i)
    to_j = _towards(x[j, p], x[i, p], frac_j)
    shift_q = np.sign(x[j, q] - x[i, q]) * dq
    shift_p = np.sign(x[i, p] - x[j, p]) * dp

    names, dims = data.names, data.dimensions
    return tuple(
        Exchange(
            int(i[t]),
            int(j[t]),
            int(p[t]),
            int(q[t]),
            (names[i[t]], names[j[t]]),
            (dims[p[t]], dims[q[t]]),
            float(to_i[t] - x[i[t], q[t]]),
            float(to_j[t] - x[j[t], p[t]]),
            float(to_i[t]),
            float(to_j[t]),
            float(gain_i[t]),
            float(gain_j[t]),
            float(shift_p[t]),
            float(shift_q[t]),
        )
        for t in np.flatnonzero(ok)
    )


def exchange_step(
    data: ActorData,
    *,
    rule: Rule = "equal_gain",
    at_forecast: AtForecast = "exclude",
    salience_scale: float = 100.0,
) -> ExchangeStep:
    """Realise the candidates greedily, highest gain first, each actor-issue at most once.

    The options are those of :func:`exchange_candidates`. ``gain`` (the smaller of the two
    gains, equal to both under ``"equal_gain"``) orders the candidates; ties keep index
    order. An exchange is skipped if any of its four actor-issue pairs is already involved in
    a realised exchange of this step.
    """
    candidates = exchange_candidates(
        data, rule=rule, at_forecast=at_forecast, salience_scale=salience_scale
    )
    order = sorted(range(len(candidates)), key=lambda t: -candidates[t].gain)
    used: set[tuple[int, int]] = set()
    realised: list[Exchange] = []
    positions = np.array(data.positions, dtype=float)
    for t in order:
        e = candidates[t]
        if used.intersection(e.actor_issues):
            continue
        used.update(e.actor_issues)
        realised.append(e)
        positions[e.i, e.q] = e.position_i
        positions[e.j, e.p] = e.position_j
    new = attrs.evolve(data, positions=positions) if realised else data
    return ExchangeStep(
        tuple(realised), new, weighted_mean(data), weighted_mean(new), len(candidates)
    )


def run_exchanges(
    data: ActorData,
    rounds: int,
    *,
    rule: Rule = "equal_gain",
    at_forecast: AtForecast = "exclude",
    salience_scale: float = 100.0,
) -> StokmanRun:
    """Up to ``rounds`` exchange steps; stops early, repeating the last state, when none is left.

    The options are those of :func:`exchange_candidates`.
    """
    rounds = whole_number("rounds", rounds)
    ExchangeOptions(rule, at_forecast, salience_scale)
    current = data
    positions = [data.positions]
    forecasts = [weighted_mean(data)]
    steps: list[ExchangeStep] = []
    converged = False
    for _ in range(rounds):
        step = exchange_step(
            current, rule=rule, at_forecast=at_forecast, salience_scale=salience_scale
        )
        if not step.exchanges:
            converged = True
            break
        steps.append(step)
        current = step.data
        positions.append(current.positions)
        forecasts.append(step.after)
    while len(positions) < rounds + 1:
        positions.append(positions[-1])
        forecasts.append(forecasts[-1])
    return StokmanRun(
        data.names,
        data.dimensions,
        np.stack(positions),
        np.stack(forecasts),
        tuple(steps),
        converged,
        rule,
        at_forecast,
        current,
    )
