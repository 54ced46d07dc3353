"""The compiled engine's machine code (Numba): imported only by
:mod:`negsim.batch.compiled`, when Numba is installed.

The functions are defined at module level, not in a closure: Numba's on-disk cache keys a
function by its bytecode and its closure's contents, and a closure over other compiled
functions pickles differently in every process, so the cache never hit and every process
compiled :func:`play` again (about 8 s). Coverage does not see machine code; the tests check
what it computes offer by offer against the array engine and the object API.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numba import njit

from .compiled import HARDLINER, JOINT, LEGACY, TIT_FOR_TAT

__all__ = ["play", "play_one", "prepare"]

jit = njit(cache=True, nogil=True, error_model="numpy")
inline = njit(cache=True, nogil=True, error_model="numpy", inline="always")


@jit
def prepare(weights: Any, tables: Any, widths: Any, shift: int) -> tuple[Any, Any]:
    """Each party's utilities ``u[j, i, ω] = Σ_q w_ijq v_ijq(ω_q)`` in outcome-index
    order, as :func:`~negsim.batch.inputs.utilities` sums them (the outer sum of the
    weighted tables, issue by issue), and the ranking keys of ``rank_descending``:
    ``~bits(u)`` with its lowest ``shift`` bits the outcome."""
    n, n_parties, k, widest = tables.shape
    size = 1
    for q in range(k):
        size *= widths[q]
    low = (1 << shift) - 1
    utilities = np.empty((n_parties, n, size))
    bits = utilities.view(np.int64)
    keys = np.empty((n_parties, n, size), dtype=np.int64)
    total = np.empty(size)
    term = np.empty(widest)
    for j in range(n_parties):
        for i in range(n):
            length = widths[0]
            for a in range(length):
                total[a] = weights[i, j, 0] * tables[i, j, 0, a]
            for q in range(1, k):
                m = widths[q]
                for b in range(m):
                    term[b] = weights[i, j, q] * tables[i, j, q, b]
                for a in range(length - 1, -1, -1):  # in place, from the back
                    x = total[a]
                    for b in range(m - 1, -1, -1):
                        total[a * m + b] = x + term[b]
                length *= m
            for w in range(size):
                utilities[j, i, w] = total[w]
                keys[j, i, w] = ((~bits[j, i, w]) & ~low) | w
    return utilities, keys


@inline
def rank(u: Any, keys: Any, low: int, order: Any, own: Any) -> None:
    """Decode one row's sorted keys into ``order`` and ``own`` (its utilities in that
    order); a row whose keys mis-ordered utilities that differ only in the low bits, or
    broke a tie by index wrongly, is ranked again by a stable insertion sort."""
    size = u.shape[0]
    exact = True
    for p in range(size):
        w = keys[p] & low
        order[p] = w
        own[p] = u[w]
        if p > 0 and (own[p] > own[p - 1] or (own[p] == own[p - 1] and order[p] < order[p - 1])):
            exact = False
    if exact:
        return
    for p in range(size):  # decreasing utility, ties by increasing index
        w = p
        q = p
        while q > 0 and u[order[q - 1]] < u[w]:
            order[q] = order[q - 1]
            q -= 1
        order[q] = w
    for p in range(size):
        own[p] = u[order[p]]


@inline
def maximum(a: float, b: float) -> float:  # np.maximum: NaN wins
    if math.isnan(a) or math.isnan(b):
        return math.nan
    return a if a >= b else b


@inline
def minimum(a: float, b: float) -> float:  # np.minimum: NaN wins
    if math.isnan(a) or math.isnan(b):
        return math.nan
    return a if a <= b else b


@inline
def count(own: Any, j: int, size: int, x: float, known: int, strict: bool) -> int:
    """How many entries of ranked row ``own[j]`` are ``>= x`` (``strict``: ``> x``;
    NaN: all), given that at least ``known`` are: a few steps on from ``known``, then a
    binary search of the rest. (Rows are passed with their index, not as views: a
    view costs more than the search.)"""
    if math.isnan(x):
        return size
    lo = known
    for _ in range(3):
        if lo < size and (own[j, lo] > x if strict else own[j, lo] >= x):
            lo += 1
        else:
            return lo
    hi = size
    while lo < hi:
        mid = (lo + hi) >> 1
        if own[j, mid] > x if strict else own[j, mid] >= x:
            lo = mid + 1
        else:
            hi = mid
    return lo


@inline
def first_of_level(own: Any, j: int, size: int, found: int) -> int:
    """The first position of row ``own[j]`` tied with position ``found - 1``."""
    last = found - 1
    if last > 0 and own[j, last - 1] == own[j, last]:
        return count(own, j, size, own[j, last], 0, True)
    return last


@inline
def nearest_above(order: Any, own: Any, j: int, size: int, level: float) -> int:
    """Party ``j``'s outcome of least utility ``>= level``, lowest index among ties;
    its best if none reaches it."""
    found = count(own, j, size, level, 0, False)
    if found > 0:
        return order[j, first_of_level(own, j, size, found)]  # type: ignore[no-any-return]
    return order[j, 0]  # type: ignore[no-any-return]


@inline
def tit_for_tat_target(best_u: float, r: float, first: float, last: float, seen: bool) -> float:
    ceiling = maximum(best_u, r)
    if not seen:
        return ceiling
    return minimum(ceiling, maximum(r, best_u - (last - first)))


@jit
def play(
    codes: Any,
    utilities: Any,
    keys: Any,
    shift: int,
    reservations: Any,
    grid: Any,
    widest: int,
    plan: Any,
    opener: int,
    complete: bool,
    risk: float,
    draws: Any,
    tol: float,
    band_width: float,
) -> Any:
    """Every run of the chunk, one after the other, round by round (see
    :mod:`negsim.batch.engine` for a round's steps); ``plan`` is what
    :func:`negsim.batch.compiled.schedules` gives."""
    remaining, powers, floors, monotone, accept, ahead = plan
    n_rounds = remaining.shape[1]
    n_parties, n, size = utilities.shape
    k = grid.shape[1]
    low = (1 << shift) - 1
    bilateral = n_parties == 2
    agreement = np.full(n, -1, dtype=np.int64)
    end = np.ones(n, dtype=np.int8)  # the deadline, unless the run ends earlier
    rounds = np.full(n, n_rounds, dtype=np.int64)
    offsets = np.zeros(n + 1, dtype=np.int64)
    offers = np.empty(n * n_rounds, dtype=np.int64)
    answers = np.ones((n * n_rounds, n_parties), dtype=np.bool_)
    order = np.empty((n_parties, size), dtype=np.int64)
    own = np.empty((n_parties, size))
    received_u = np.empty(n_parties)
    received = np.empty(n_parties, dtype=np.int64)
    plan = np.empty(n_parties, dtype=np.int64)
    plan_round = np.empty(n_parties, dtype=np.int64)
    counted = np.zeros(n_parties, dtype=np.int64)
    above = np.zeros(n_parties, dtype=np.int64)
    counts = np.empty((n_parties, k, widest))
    most = np.empty((n_parties, k))
    value = np.empty((n_parties, k, widest))  # v̂ = counts / most, kept up to date
    unchanged = np.empty((n_parties, k))
    last = np.empty((n_parties, k), dtype=np.int64)
    weight = np.empty(k)
    first_turn = np.empty(n_parties, dtype=np.int64)  # the round of each one's first offer
    for j in range(n_parties):
        first_turn[j] = (j - opener) % n_parties
    first_u = np.zeros(n_parties)
    last_u = np.zeros(n_parties)
    seen = np.zeros(n_parties, dtype=np.bool_)
    theirs = np.empty((n_parties, size))
    estimate = np.empty(size)
    at = 0
    for i in range(n):
        for j in range(n_parties):
            rank(utilities[j, i], keys[j, i], low, order[j], own[j])
            received_u[j] = -math.inf
            received[j] = -1
            plan[j] = -1
            plan_round[j] = -1
            counted[j] = 0
            above[j] = 0
            seen[j] = False
            if codes[j] == JOINT:
                if complete:  # the other side's utilities (the least of them, if several)
                    for w in range(size):
                        theirs[j, w] = math.inf
                        for m in range(n_parties):
                            if m != j:
                                theirs[j, w] = minimum(theirs[j, w], utilities[m, i, w])
                else:
                    counts[j] = 1.0
                    most[j] = 1.0
                    value[j] = 1.0
                    unchanged[j] = 1.0
                    last[j] = -1
        p = opener - 1
        for t in range(n_rounds):
            p = p + 1 if p + 1 < n_parties else 0  # (opener + t) mod n, without a division
            offer = -1
            agreed = True
            # d = 0: the proposer's offer; d >= 1: the others' answers, in table order
            # (the joint agent's choice is written once, below, for both: a call with
            # its many arrays would cost more than the choice itself)
            for d in range(n_parties):
                j = p if d == 0 else (d - 1 if d - 1 < p else d)
                code = codes[j]
                r = reservations[i, j]
                if d == 1:  # the others observe the offer before anyone answers
                    for m in range(n_parties):
                        if m == p:
                            continue
                        u = utilities[m, i, offer]
                        if codes[m] == TIT_FOR_TAT:
                            if not seen[m]:
                                first_u[m] = u
                            last_u[m] = u
                            seen[m] = True
                        elif codes[m] == JOINT:
                            if u > received_u[m]:
                                received_u[m] = u
                                received[m] = offer
                            if not complete:
                                for q in range(k):
                                    option = grid[offer, q]
                                    c = counts[m, q, option] + 1.0
                                    counts[m, q, option] = c
                                    if c > most[m, q]:  # every option's v̂ changes
                                        most[m, q] = c
                                        for o in range(widest):
                                            value[m, q, o] = counts[m, q, o] / c
                                    else:
                                        value[m, q, option] = c / most[m, q]
                                    if last[m, q] == option:
                                        unchanged[m, q] += 1.0
                                    last[m, q] = option
                    offers[at] = offer
                when = -1  # the round the joint agent chooses its offer for, if it does
                step = 0
                yes = True
                u = 0.0
                if d == 0:
                    if code == HARDLINER:
                        offer = order[j, 0]
                    elif code == LEGACY:
                        span = own[j, 0] - r
                        level = r + (span if span > 0.0 else 0.0) * remaining[j, t]
                        offer = nearest_above(order, own, j, size, level)
                    elif code == TIT_FOR_TAT:
                        level = tit_for_tat_target(own[j, 0], r, first_u[j], last_u[j], seen[j])
                        offer = nearest_above(order, own, j, size, level)
                    elif t == first_turn[j] and t < n_rounds - 1:
                        offer = order[j, 0]  # the joint agent's opening demand
                    elif plan_round[j] == t:
                        offer = plan[j]
                    else:
                        when = t
                else:
                    u = utilities[j, i, offer]
                    yes = u * accept[j, t] >= r
                    if code == HARDLINER:
                        yes = yes and u >= own[j, 0]
                    elif code == LEGACY:
                        span = own[j, 0] - r
                        level = r + (span if span > 0.0 else 0.0) * remaining[j, t]
                        yes = yes and u >= level
                    elif code == TIT_FOR_TAT:
                        level = tit_for_tat_target(own[j, 0], r, first_u[j], last_u[j], seen[j])
                        yes = yes and u >= level
                    elif yes:  # the joint agent: would its own next offer be worth more?
                        step = j - p if j > p else j - p + n_parties
                        if t + step < n_rounds:
                            if t > first_turn[j]:  # it has made its opening demand
                                when = t + step
                            else:
                                upcoming = order[j, 0]
                                yes = u >= ahead[j, step] * utilities[j, i, upcoming] - tol
                if when >= 0:
                    # JointPlan.choose for round `when`: among the outcomes worth at
                    # least τ (a band of them, under incomplete information), the first
                    # best for the other side
                    span = own[j, 0] - r
                    if span < 0.0:
                        span = 0.0
                    tau = r + span * remaining[j, when]
                    if floors[j]:
                        tau = maximum(tau, r / powers[j, when])
                    found = count(own, j, size, tau - tol, counted[j] if monotone[j] else 0, False)
                    if monotone[j]:
                        counted[j] = found
                    start = -1  # the band [start, found), if the choice is not made yet
                    if found == 0:
                        choice = order[j, 0]
                    elif bilateral and received_u[j] >= tau - tol:
                        choice = received[j]
                    else:
                        start = 0
                        if not complete:
                            band = tau + band_width * span + tol
                            known = above[j] if monotone[j] else 0
                            high = count(own, j, size, band, known, True)
                            if monotone[j]:
                                above[j] = high
                            start = min(high, first_of_level(own, j, size, found))
                        choice = order[j, start]
                    if start >= 0 and found - start > 1:
                        if not complete:
                            total = unchanged[j, 0]
                            for q in range(1, k):
                                total = total + unchanged[j, q]
                            for q in range(k):
                                weight[q] = unchanged[j, q] / total
                        top = -math.inf
                        for z in range(start, found):
                            outcome = order[j, z]
                            if complete:
                                e = theirs[j, outcome]
                            else:
                                e = weight[0] * value[j, 0, grid[outcome, 0]]
                                for q in range(1, k):
                                    e = e + weight[q] * value[j, q, grid[outcome, q]]
                            estimate[z] = e
                            top = maximum(top, e)
                        for z in range(start, found):
                            if estimate[z] >= top - tol:
                                choice = order[j, z]
                                break
                    if d == 0:
                        offer = choice
                    else:
                        if step == 1:  # nobody else offers before it: the plan stands
                            plan[j] = choice
                            plan_round[j] = when
                        yes = u >= ahead[j, step] * utilities[j, i, choice] - tol
                if d > 0:
                    answers[at, j] = yes
                    agreed = agreed and yes
            at += 1
            if agreed:
                agreement[i] = offer
                end[i] = 0
                rounds[i] = t + 1
                break
            if risk > 0.0 and draws[i, t] < risk:
                end[i] = 2
                rounds[i] = t + 1
                break
        offsets[i + 1] = at
    return agreement, end, rounds, offsets, offers[:at].copy(), answers[:at].copy()


@jit
def play_one(
    codes: Any,
    weights: Any,
    tables: Any,
    widths: Any,
    shift: int,
    reservations: Any,
    grid: Any,
    plan: Any,
    opener: int,
    complete: bool,
    risk: float,
    draws: Any,
    tol: float,
    band_width: float,
) -> Any:
    """One run (``weights`` ``(1, P, k)``, ``tables`` ``(1, P, k, widest)``) from its
    preferences to its record: :func:`prepare`, each ranking row sorted, :func:`play`, then
    ``(end, offers, answers, offered, proposers, rounds)`` with ``offered[t, j]`` party
    ``j``'s (undiscounted) utility of offer ``t`` — one call instead of a dozen from Python."""
    utilities, keys = prepare(weights, tables, widths, shift)
    n_parties = utilities.shape[0]
    for j in range(n_parties):
        keys[j, 0] = np.sort(keys[j, 0])
    widest = tables.shape[3]
    made = play(
        codes,
        utilities,
        keys,
        shift,
        reservations,
        grid,
        widest,
        plan,
        opener,
        complete,
        risk,
        draws,
        tol,
        band_width,
    )
    offers, answers = made[4], made[5]
    n = offers.shape[0]
    offered = np.empty((n, n_parties))
    proposers = np.empty(n, dtype=np.int64)
    rounds = np.empty(n, dtype=np.int64)
    p = opener
    for t in range(n):
        rounds[t] = t
        proposers[t] = p
        p = p + 1 if p + 1 < n_parties else 0
        for j in range(n_parties):
            offered[t, j] = utilities[j, 0, offers[t]]
    return made[1][0], offers, answers, offered, proposers, rounds
