"""Per-row rankings and searches over a batch of utility rows, exact and vectorised.

Every agent of the object API that ranks outcomes does it with a stable sort: by decreasing
utility, ties by lowest index (``np.argsort(-u, kind="stable")``). A stable ``argsort`` of
``N`` rows costs about ten times an ``np.sort``, so :func:`rank_descending` sorts integer keys
instead: the bits of a non-negative float read as an integer grow with the float, so
``~bits`` (with its lowest ``b`` bits replaced by the outcome index, ``2^b >= S``) sorts by
decreasing utility, ties by index. Two utilities that differ only in those lowest bits would
come out in index order instead of utility order, so every row is checked afterwards
(utilities non-increasing, equal utilities by increasing index) and the rare row that fails
is ranked again with the stable ``argsort``: the result is exactly ``argsort``'s.

:func:`count_at_least` and :func:`count_above` are ``np.searchsorted`` run on every row at
once: with ``own`` a row sorted by decreasing utility and padded with ``-inf`` to a power of
two ``P``, the number of entries ``>= x`` is found by a branch-free binary search of
``log2 P`` steps (add a step of ``P/2, P/4, ..., 1`` to the count while the entry below it
still qualifies).

A concession agent's levels only fall from one of its calls to the next, so each row's count
only grows: :meth:`Ranking.count_from` starts from the row's last count, compares the next
:data:`LOOKAHEAD` entries and finishes with the binary search only in the rows
that moved further (the same counts, a few operations instead of ``log2 P`` steps).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["LOOKAHEAD", "Ranking", "rank_descending"]

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

#: Entries :meth:`Ranking.count_from` looks at past a row's last count before searching.
LOOKAHEAD = 3


def rank_descending(u: Floats) -> tuple[Ints, Floats]:
    """``np.argsort(-u, axis=1, kind="stable")`` for rows of non-negative utilities, and the
    utilities in that order."""
    n, size = u.shape
    if size == 1:
        return np.zeros((n, 1), dtype=np.int64), u.copy()
    shift = max(1, (size - 1).bit_length())
    low = np.int64((1 << shift) - 1)
    u = np.ascontiguousarray(u)
    keys = np.invert(u.view(np.int64))
    keys &= ~low  # ((~bits) >> b) << b, in one pass
    keys |= np.arange(size, dtype=np.int64)
    keys.sort(axis=1)
    keys &= low
    order = keys  # reused in place: row offsets added for the gather, then taken off
    offsets = (np.arange(n, dtype=np.int64) * size)[:, None]
    order += offsets
    ranked = u.ravel().take(order)
    order -= offsets
    # rows with a tie or an inversion (rare with real-valued tables), then the exact check
    suspect = np.flatnonzero((ranked[:, 1:] >= ranked[:, :-1]).any(axis=1))
    later, earlier = ranked[suspect, 1:], ranked[suspect, :-1]
    follows = order[suspect, 1:] < order[suspect, :-1]
    wrong = (later > earlier) | ((later == earlier) & follows)
    bad = suspect[wrong.any(axis=1)]
    if bad.size:
        order[bad] = np.argsort(-u[bad], axis=1, kind="stable")
        ranked[bad] = np.take_along_axis(u[bad], order[bad], axis=1)
    return order, ranked


class Ranking:
    """One party's outcomes ranked per row: ``order`` (decreasing utility, ties by index)
    and ``own`` (those utilities, padded with ``-inf`` to a power of two), flat, for
    gathers by ``row * width + position``."""

    def __init__(self, u: Floats) -> None:
        n, size = u.shape
        self.size = size
        order, ranked = rank_descending(u)
        # > size + LOOKAHEAD - 1: padding entries always follow, also LOOKAHEAD past a count
        width = 1 << max(1, (size + LOOKAHEAD - 1).bit_length())
        own = np.empty((n, width))
        own[:, :size] = ranked
        own[:, size:] = -np.inf
        self.width = width
        self.own = own.ravel()
        small = np.int16 if size <= np.iinfo(np.int16).max else np.int64
        self.order = order.astype(small).ravel()
        self.steps = [1 << j for j in range(width.bit_length() - 2, -1, -1)]

    def outcome(self, rows: Ints, position: Ints) -> Ints:
        """The outcome at ``position`` of each row's ranking."""
        return self.order.take(rows * self.size + position).astype(np.int64)  # type: ignore[no-any-return]

    def utility(self, rows: Ints, position: Ints) -> Floats:
        """The utility at ``position`` of each row's ranking."""
        return self.own.take(rows * self.width + position)  # type: ignore[no-any-return]

    def count_at_least(self, rows: Ints, x: Floats) -> Ints:
        """How many outcomes of each row have utility ``>= x`` (NaN: all of them, as
        ``searchsorted`` places NaN last)."""
        base = rows * self.width - 1
        found = np.zeros(len(rows), dtype=np.int64)
        own = self.own
        for step in self.steps:
            probe = found + step
            found = np.where(own.take(base + probe) >= x, probe, found)
        return np.where(np.isnan(x), self.size, found) if np.isnan(x).any() else found

    def count_above(self, rows: Ints, x: Floats) -> Ints:
        """How many outcomes of each row have utility ``> x`` (NaN: all of them)."""
        base = rows * self.width - 1
        found = np.zeros(len(rows), dtype=np.int64)
        own = self.own
        for step in self.steps:
            probe = found + step
            found = np.where(own.take(base + probe) > x, probe, found)
        return np.where(np.isnan(x), self.size, found) if np.isnan(x).any() else found

    def count_from(self, rows: Ints, x: Floats, known: Ints, strict: bool = False) -> Ints:
        """:meth:`count_at_least` (``strict``: :meth:`count_above`) of finite levels ``x``,
        given that each row's count is at least ``known``: the next :data:`LOOKAHEAD` entries
        are compared one at a time in every row (they qualify as a prefix, the row being
        sorted), and only the rows where all of them qualify are searched."""
        at = rows * self.width + known
        found = known.copy()
        own = self.own
        for _ in range(LOOKAHEAD):
            passed = own.take(at) > x if strict else own.take(at) >= x
            found += passed
            at += 1
        further = np.flatnonzero(passed)  # the last of them qualified: search on
        if further.size:
            search = self.count_above if strict else self.count_at_least
            found[further] = search(rows[further], x[further])
        return found

    def first_of_level(self, rows: Ints, count: Ints) -> Ints:
        """The position of the first outcome tied with the one at ``count - 1`` (the lowest
        index among the least utilities at or above a level, ``count >= 1``)."""
        last = count - 1
        base = rows * self.width
        level = self.own.take(base + last)
        tied = (last > 0) & (self.own.take(base + np.maximum(last - 1, 0)) == level)
        if not tied.any():
            return last
        found = last.copy()
        found[tied] = self.count_above(rows[tied], level[tied])
        return found
