"""Bargaining analysis: pure functions on a utility array.

Every function takes ``U`` of shape ``(n_outcomes, n_parties)``, ``U[ω, j]`` being party ``j``'s
utility of outcome ``ω`` (:func:`negsim.utility_matrix` builds it), and returns outcome
indices (rows of ``U``). The set of outcomes is the discrete set of rows, not its convex hull:
no lotteries over outcomes are considered.

Conventions
-----------
* ``-inf`` marks an outcome a party can never accept (a red line). It is allowed anywhere;
  ``+inf`` and NaN are errors.
* The **disagreement point** ``d`` (one value per party, or one value for all) is what each
  party gets without agreement — usually the reservation values.
* The **candidates** of the bargaining solutions are the outcomes strictly better than ``d``
  for every party, ``C = {ω : U[ω, j] > d_j for all j}``: the zone of possible agreement
  when ``d`` holds the reservation values.
* If ``C`` is empty, a solution is ``None`` — an explicit empty result, never NaN or an
  exception.
* **Ties**: objective values within a relative tolerance of ``1e-9`` count as equal, so that
  floating-point rounding (say, after rescaling a party's utilities) does not decide between
  mathematically equal outcomes. Among tied outcomes, those another tied outcome dominates
  drop out (so every solution is Pareto optimal); the rest are separated by the secondary
  criterion each function states and finally by the lowest index.

Definitions
-----------
Pareto frontier
    ``ω`` is Pareto optimal iff no ``ω'`` has ``U[ω'] >= U[ω]`` for every party and ``>`` for
    one. Equal optimal rows are all on the frontier.
Nash bargaining solution (Nash 1950, *Econometrica* 18:155–162)
    ``argmax_{ω ∈ C} Π_j (U[ω, j] - d_j)^{w_j}`` with weights ``w_j > 0`` (all 1 for the
    symmetric solution; Roth 1979 for the asymmetric one), computed as a sum of logarithms.
Kalai–Smorodinsky solution (Kalai & Smorodinsky 1975, *Econometrica* 43:513–518)
    With the ideal point ``I_j = max_{ω ∈ C} U[ω, j]``, ``argmax_{ω ∈ C} min_j
    (U[ω, j] - d_j) / (I_j - d_j)``: the candidate nearest the line from ``d`` to ``I`` on
    the frontier. Ties: larger sum of those ratios.
Egalitarian solution (Kalai 1977, *Econometrica* 45:1623–1630)
    ``argmax_{ω ∈ C} min_j (U[ω, j] - d_j)``. Ties: larger sum of gains.
Maximum welfare (utilitarian)
    ``argmax_ω Σ_j U[ω, j]`` over the outcomes no party finds unacceptable (all finite).
Zone of possible agreement
    ``{ω : U[ω, j] > r_j for all j}`` for reservation values ``r``.

Two parties are handled by sorting (``O(n log n)``); more parties by a sweep that compares
each outcome only with the frontier found so far (correct for any number of parties).

>>> import numpy as np
>>> U = np.array([[1.0, 0.0], [0.8, 0.5], [0.5, 0.8], [0.4, 0.4], [0.0, 1.0]])
>>> pareto_frontier(U).tolist()
[0, 1, 2, 4]
>>> nash_point(U, disagreement=[0.0, 0.0])
1
>>> print(nash_point(U, disagreement=[0.9, 0.9]))
None
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from .display import html_table, short_repr
from .errors import ValidationError

__all__ = [
    "BargainingAnalysis",
    "analyse",
    "distance_to_frontier",
    "distance_to_point",
    "egalitarian_point",
    "kalai_smorodinsky_point",
    "max_welfare_point",
    "nash_point",
    "nearest_distances",
    "pareto_frontier",
    "pareto_mask",
    "solution_distances",
    "zone_of_agreement",
]

Indices = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: Relative tolerance under which two objective values count as equal.
TIE_TOLERANCE = 1e-9


# --- input checks --------------------------------------------------------------------------
def _utilities(U: Any) -> FloatArray:
    array = np.asarray(U, dtype=float)
    if array.ndim != 2 or array.shape[1] < 1:
        raise ValidationError(
            "U", f"shape {array.shape}", "(n_outcomes, n_parties) with n_parties >= 1"
        )
    # one pass: the largest entry is NaN if any is, +inf if any is (and -inf is allowed)
    top = array.max() if array.size else 0.0
    if np.isnan(top):
        raise ValidationError("U", "contains NaN", "finite utilities or -inf")
    if np.isposinf(top):
        raise ValidationError("U", "contains +inf", "finite utilities or -inf")
    return array


def _per_party(values: Any, n_parties: int, field: str) -> FloatArray:
    array = np.asarray(values, dtype=float)
    if array.ndim == 0:
        array = np.full(n_parties, float(array))
    if array.shape != (n_parties,):
        raise ValidationError(field, f"{array.size} values", f"one per party ({n_parties})")
    if np.isnan(array).any() or np.isposinf(array).any():
        raise ValidationError(field, f"{array.tolist()}", "finite values or -inf")
    return array


def _argmax(primary: FloatArray, rows: FloatArray, secondary: FloatArray | None = None) -> int:
    """Position of the largest ``primary``. Values within TIE_TOLERANCE of the largest tie;
    among tied positions only those whose ``rows`` no other tied row dominates remain (so a
    tolerance never picks a dominated outcome: any row dominating a tied row is itself tied,
    the objectives being monotone), then the largest ``secondary``, then the lowest index."""
    best = primary.max()
    tied = primary >= best - TIE_TOLERANCE * max(1.0, abs(best))
    if np.count_nonzero(tied) > 1:
        where = np.flatnonzero(tied)
        tied[:] = False
        tied[where[pareto_frontier(rows[where])]] = True
        if secondary is not None:
            second = np.where(tied, secondary, -np.inf)
            top = second.max()
            tied &= second >= top - TIE_TOLERANCE * max(1.0, abs(top))
    return int(np.argmax(tied))


# Reductions along a short axis (``.all(axis=1)`` on an ``(n, 2)`` array) are slow in
# numpy; these helpers combine whole columns instead.
def _all_columns(U: FloatArray, test: Any) -> npt.NDArray[np.bool_]:
    mask = test(U[:, 0], 0)
    for j in range(1, U.shape[1]):
        mask &= test(U[:, j], j)
    return mask  # type: ignore[no-any-return]


def _candidates(U: FloatArray, d: FloatArray) -> Indices:
    return np.flatnonzero(_all_columns(U, lambda column, j: column > d[j]))


def _gains(U: Any, disagreement: Any) -> tuple[Indices, FloatArray] | None:
    """The candidates and their gains ``U[ω] - d`` (all > 0), or ``None`` if there are none."""
    U = _utilities(U)
    d = _per_party(disagreement, U.shape[1], "disagreement")
    candidates = _candidates(U, d)
    return None if candidates.size == 0 else (candidates, U[candidates] - d)


def _finite_rows(U: FloatArray) -> npt.NDArray[np.bool_]:
    return _all_columns(U, lambda column, j: column > -np.inf)


def _dominated_by(U: FloatArray, p: FloatArray) -> npt.NDArray[np.bool_]:
    """Rows ``ω`` with ``U[ω] <= p`` everywhere and ``<`` somewhere."""
    weakly = _all_columns(U, lambda column, j: column <= p[j])
    strictly: npt.NDArray[np.bool_] = U[:, 0] < p[0]
    for j in range(1, U.shape[1]):
        strictly |= U[:, j] < p[j]
    return weakly & strictly


# --- Pareto frontier -----------------------------------------------------------------------
def pareto_mask(U: Any) -> npt.NDArray[np.bool_]:
    """Boolean mask of the Pareto-optimal rows of ``U`` (see the module docstring)."""
    U = _utilities(U)
    mask = np.zeros(len(U), dtype=bool)
    mask[pareto_frontier(U)] = True
    return mask


def pareto_frontier(U: Any) -> Indices:
    """Indices (ascending) of the Pareto-optimal rows of ``U``.

    Row ``ω`` is optimal iff no row is at least as good for every party and better for one;
    identical optimal rows are all returned; an empty ``U`` gives an empty array.
    """
    U = _utilities(U)
    n, k = U.shape
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if k == 1:
        return np.flatnonzero(U[:, 0] == U[:, 0].max()).astype(np.int64)
    survivors = _prefilter(U)
    exact = _frontier_two if k == 2 else _frontier_sweep
    return survivors[exact(U[survivors])]


def _prefilter(U: FloatArray) -> Indices:
    """Rows not dominated by a few known-optimal rows (an O(n) pass that leaves the exact
    algorithm only a small remainder).

    With strictly positive weights ``w``, every maximiser of ``U @ w`` among the rows with
    finite utilities is Pareto optimal (a row dominating it would score higher), so the rows
    it dominates can be dropped before the exact pass. A row with a ``-inf`` scores
    ``-inf``, so it is never such a maximiser while a finite row exists. Each known-optimal
    row is tested against the survivors of the ones before it only (the first usually
    removes most rows), so the pass costs little more than one sweep over ``U``.
    """
    k = U.shape[1]
    survivors = np.arange(len(U), dtype=np.int64)
    rows = U
    for w in (np.ones(k), *(np.eye(k) + 0.25), *(np.eye(k) + 2.0)):
        # the maximiser over the survivors is the maximiser over every row: a maximiser is
        # optimal, and an optimal row is never dominated, so it is always a survivor
        scores = rows @ w
        i = int(np.argmax(scores))
        if scores[i] == -np.inf:
            break  # no row is finite for every party
        keep = ~_dominated_by(rows, rows[i].copy())
        survivors = survivors[keep]
        rows = rows[keep]
    return survivors


def _frontier_two(U: FloatArray) -> Indices:
    # Sort by u1 descending, then u2 descending. A row is optimal iff its u2 is the largest
    # of its equal-u1 group and exceeds every u2 of the rows with a strictly larger u1.
    u1, u2 = U[:, 0], U[:, 1]
    order = np.lexsort((-u2, -u1))
    a, b = u1[order], u2[order]
    group_start = np.searchsorted(-a, -a, side="left")
    running = np.maximum.accumulate(b)
    before = np.where(group_start > 0, running[np.maximum(group_start - 1, 0)], -np.inf)
    optimal = (b == b[group_start]) & ((b > before) | (group_start == 0))
    return np.sort(order[optimal]).astype(np.int64)


def _frontier_sweep(U: FloatArray) -> Indices:
    # Any row dominating another is lexicographically greater, so in lexicographically
    # descending order a row is optimal iff no optimal row found before it dominates it.
    order = np.lexsort(tuple(-U[:, j] for j in reversed(range(U.shape[1]))))
    frontier = np.empty_like(U)
    found: list[int] = []
    for i in order:
        row = U[i]
        m = len(found)
        if m:
            ahead = frontier[:m]
            if ((ahead >= row).all(axis=1) & (ahead > row).any(axis=1)).any():
                continue
        frontier[m] = row
        found.append(int(i))
    return np.sort(np.array(found, dtype=np.int64))


# --- zone of agreement and solutions -------------------------------------------------------
def zone_of_agreement(U: Any, reservations: Any) -> Indices:
    """Indices of the outcomes every party strictly prefers to its reservation value."""
    U = _utilities(U)
    return _candidates(U, _per_party(reservations, U.shape[1], "reservations"))


def nash_point(
    U: Any, disagreement: Any, weights: Any = None, *, frontier: Any = None
) -> int | None:
    """The Nash bargaining solution: ``argmax_{ω ∈ C} Σ_j w_j log(U[ω, j] - d_j)``.

    ``C`` is the set of outcomes strictly better than ``disagreement`` for every party;
    ``weights`` (positive, one per party, default all 1) give the asymmetric solution. Ties
    go to the lowest index; ``None`` when ``C`` is empty.

    The objective rises with every party's utility, so the solution is Pareto optimal and
    only the frontier's candidates need the logarithms: ``frontier`` (the indices
    :func:`pareto_frontier` returned for this ``U``) saves finding it again; without it,
    two parties search the frontier (found in ``O(n)`` passes plus a sort of a small
    remainder) and more search every candidate. The answer is the same either way: a
    candidate off the frontier is dominated by a frontier candidate at least as good, which
    the tie rule prefers.
    """
    U = _utilities(U)
    d = _per_party(disagreement, U.shape[1], "disagreement")
    w = np.ones(U.shape[1]) if weights is None else _per_party(weights, U.shape[1], "weights")
    if not (np.isfinite(w).all() and (w > 0).all()):
        raise ValidationError("weights", f"{w.tolist()}", "positive finite weights")
    if frontier is None and U.shape[1] == 2:
        frontier = pareto_frontier(U)
    if frontier is None:
        candidates = _candidates(U, d)
    else:
        rows = np.unique(np.asarray(frontier, dtype=np.int64))  # ascending: ties to the lowest
        if rows.size and (rows[0] < 0 or rows[-1] >= len(U)):
            raise ValidationError("frontier", "indices out of range", f"0 .. {len(U) - 1}")
        candidates = rows[_candidates(U[rows], d)]
    if candidates.size == 0:
        return None
    objective = w[0] * np.log(U[candidates, 0] - d[0])
    for j in range(1, U.shape[1]):
        objective += w[j] * np.log(U[candidates, j] - d[j])
    return int(candidates[_argmax(objective, U[candidates])])


def kalai_smorodinsky_point(U: Any, disagreement: Any) -> int | None:
    """The Kalai–Smorodinsky solution over the candidates ``C`` (see the module docstring).

    Ties: larger sum of ratios, then the lowest index; ``None`` when ``C`` is empty.
    """
    found = _gains(U, disagreement)
    if found is None:
        return None
    candidates, gains = found
    ideal = gains.max(axis=0)
    ratios = gains / ideal  # ideal > 0: every candidate gains strictly
    return int(candidates[_argmax(ratios.min(axis=1), gains, ratios.sum(axis=1))])


def egalitarian_point(U: Any, disagreement: Any) -> int | None:
    """The egalitarian solution: the candidate maximising the smallest gain over ``d``.

    Ties: larger sum of gains, then the lowest index; ``None`` when ``C`` is empty.
    """
    found = _gains(U, disagreement)
    if found is None:
        return None
    candidates, gains = found
    return int(candidates[_argmax(gains.min(axis=1), gains, gains.sum(axis=1))])


def max_welfare_point(U: Any) -> int | None:
    """The outcome of largest total utility among those no party finds unacceptable
    (all utilities finite); ties to the lowest index; ``None`` if there is none."""
    U = _utilities(U)
    finite = np.flatnonzero(_finite_rows(U))
    if finite.size == 0:
        return None
    return int(finite[_argmax(U[finite].sum(axis=1), U[finite])])


# --- distances -----------------------------------------------------------------------------
def distance_to_point(U: Any, utilities: Any, index: int) -> float:
    """Euclidean distance in utility space from ``utilities`` to row ``index`` of ``U``
    (``inf`` when either has a ``-inf`` entry)."""
    U = _utilities(U)
    point = _per_party(utilities, U.shape[1], "utilities")
    target = U[int(index)]
    if not (np.isfinite(point).all() and np.isfinite(target).all()):
        return math.inf
    return float(np.linalg.norm(point - target))


def nearest_distances(points: Any, targets: Any) -> FloatArray:
    """Each row of ``points``'s Euclidean distance to the nearest row of ``targets``,
    ``min_j ‖p_i − t_j‖`` (NaN for every point if there are no targets, ``inf`` for a point
    with a non-finite entry), computed in blocks so memory stays bounded.

    >>> nearest_distances([[0.0, 0.0], [1.0, 1.0]], [[0.0, 1.0], [3.0, 4.0]]).tolist()
    [1.0, 1.0]
    """
    points = np.atleast_2d(np.asarray(points, dtype=float))
    targets = np.atleast_2d(np.asarray(targets, dtype=float))
    out = np.full(len(points), np.nan)
    if not targets.size:
        return out
    block = max(1, 2**22 // max(1, targets.size))
    for start in range(0, len(points), block):
        chunk = points[start : start + block]
        with np.errstate(invalid="ignore"):
            gaps = np.linalg.norm(chunk[:, None, :] - targets[None, :, :], axis=2).min(axis=1)
        gaps[~np.isfinite(chunk).all(axis=1)] = np.inf
        out[start : start + block] = gaps
    return out


def distance_to_frontier(U: Any, utilities: Any) -> float:
    """Euclidean distance from ``utilities`` to the nearest Pareto-optimal row of ``U`` whose
    utilities are all finite (``inf`` if there is none, or if ``utilities`` has ``-inf``)."""
    U = _utilities(U)
    point = _per_party(utilities, U.shape[1], "utilities")
    frontier = U[pareto_frontier(U)]
    frontier = frontier[np.isfinite(frontier).all(axis=1)]
    if frontier.size == 0 or not np.isfinite(point).all():
        return math.inf
    return float(nearest_distances(point, frontier)[0])


def solution_distances(U: Any, utilities: Any, disagreement: Any) -> dict[str, float | None]:
    """Distances from ``utilities`` to the frontier and to each solution (``None`` where a
    solution does not exist). Keys: ``pareto``, ``nash``, ``kalai_smorodinsky``,
    ``egalitarian``, ``max_welfare``."""
    U = _utilities(U)
    points = {
        "nash": nash_point(U, disagreement),
        "kalai_smorodinsky": kalai_smorodinsky_point(U, disagreement),
        "egalitarian": egalitarian_point(U, disagreement),
        "max_welfare": max_welfare_point(U),
    }
    distances: dict[str, float | None] = {"pareto": distance_to_frontier(U, utilities)}
    for name, index in points.items():
        distances[name] = None if index is None else distance_to_point(U, utilities, index)
    return distances


# --- everything at once --------------------------------------------------------------------
def _index_array(values: Any) -> Indices:
    array = np.asarray(values, dtype=np.int64).copy()
    array.flags.writeable = False
    return array


_array_eq = attrs.cmp_using(eq=np.array_equal)


@attrs.frozen
class BargainingAnalysis:
    """The frontier, the zone of agreement and every solution for one ``U`` and ``d``."""

    disagreement: FloatArray = attrs.field(converter=np.asarray, eq=_array_eq)
    frontier: Indices = attrs.field(converter=_index_array, eq=_array_eq)
    zone: Indices = attrs.field(converter=_index_array, eq=_array_eq)
    nash: int | None
    kalai_smorodinsky: int | None
    egalitarian: int | None
    max_welfare: int | None

    def __repr__(self) -> str:
        return short_repr(
            "BargainingAnalysis",
            zone=int(self.zone.size),
            frontier=int(self.frontier.size),
            nash=self.nash,
            kalai_smorodinsky=self.kalai_smorodinsky,
            egalitarian=self.egalitarian,
            max_welfare=self.max_welfare,
        )

    def _repr_html_(self) -> str:
        rows = [
            ["Nash", self.nash],
            ["Kalai-Smorodinsky", self.kalai_smorodinsky],
            ["egalitarian", self.egalitarian],
            ["utilitarian (max welfare)", self.max_welfare],
        ]
        caption = (
            f"zone of agreement {self.zone.size:,} outcomes, Pareto frontier "
            f"{self.frontier.size:,}; disagreement {tuple(self.disagreement.tolist())}"
        )
        return html_table(
            ["point", "outcome"], [[k, "none" if v is None else v] for k, v in rows], caption
        )

    @property
    def has_agreement_zone(self) -> bool:
        """Whether some outcome is better than disagreement for every party."""
        return bool(self.zone.size)


def analyse(U: Any, disagreement: Any) -> BargainingAnalysis:
    """Compute every quantity of this module for ``U`` and the disagreement point."""
    U = _utilities(U)
    d = _per_party(disagreement, U.shape[1], "disagreement")
    frontier = pareto_frontier(U)
    return BargainingAnalysis(
        disagreement=d,
        frontier=frontier,
        zone=_candidates(U, d),
        nash=nash_point(U, d, frontier=frontier),
        kalai_smorodinsky=kalai_smorodinsky_point(U, d),
        egalitarian=egalitarian_point(U, d),
        max_welfare=max_welfare_point(U),
    )
