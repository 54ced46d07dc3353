"""First turn of KTAB's spatial model of politics (KAPSARC Toolkit for Behavioral Analysis,
``examples/smp``; Wise et al. 2015).

Positions and saliences are rescaled from 0–100 to 0–1. Actor ``i`` judges a position ``x``
by its salience-weighted distance from its own position ``p_i``,

.. math::  d_i(x) = \\frac{\\sqrt{\\sum_k s_{ik}^2 (p_{ik} - x_k)^2}}{\\sqrt{\\sum_k s_{ik}^2}}
           \\in [0, 1],

its risk-neutral value of ``x`` is ``1 - d_i(x)`` and, with a risk attitude ``R_i``, its
utility ``u = (1 - d)(1 + d R_i)`` (``(1 - d)(1 + R_i)`` should ``d`` exceed 1). ``R_i > 0`` is
risk aversion (near positions gain value), ``R_i < 0`` risk acceptance.

KTAB does not take risk attitudes as input; it infers them (``SMPState::setAllAUtil``):

1. ``V[i, j] = 1 - d_i(p_j)``, every actor risk neutral;
2. coalitions, victory probabilities and a probabilistic Condorcet election over the actors'
   positions (:mod:`.condorcet`; votes weighted by capability ``c_i``) give the risk-neutral
   probability ``π_i`` that actor ``i``'s position wins;
3. actors whose positions are likely to win have little to gain from gambling, so are taken to
   be risk averse: ``π`` is mapped affinely onto a range (``Model::bigRfromProb``), from
   ``min π`` to ``max π``: ``min`` → ``[0, 1]``, ``R = (π - π₋)/(π₊ - π₋)``; ``mid`` (default) →
   ``[-1/2, 1]``, ``R = (3π - π₊ - 2π₋) / (2(π₊ - π₋))``; ``max`` → ``[-1, 1]``,
   ``R = (2π - π₊ - π₋)/(π₊ - π₋)``;
4. ``U[i, j] = (1 - d_ij)(1 + d_ij R_i)``, the risk-aware utility matrix;
5. the turn-0 winning probabilities (``SMPState::pDist``): the same election again, on ``U`` and
   over the distinct positions (two positions are one if they are less than ``10⁻³`` apart on
   the unit scale); actors sharing a position share its probability.

:func:`first_turn` does all of this and returns a :class:`KTABTurn`. For KTAB's own reference
run on ``dummyData_3Dim`` it reproduces every printed digit (``tests/test_ktab.py``). The same
analysis starts every later turn: :mod:`.ktab_bargain` runs the challenges and bargains.

>>> from negsim.spatial import ActorData
>>> data = ActorData(["a", "b", "c"], [1.0, 1.0, 1.0], [[0.0], [40.0], [100.0]],
...                  [[50.0], [50.0], [50.0]])
>>> turn = first_turn(data)
>>> turn.values.round(2).tolist()  # in one dimension, d is |p_i - p_j| / 100
[[1.0, 0.6, 0.0], [0.6, 1.0, 0.4], [0.0, 0.4, 1.0]]
>>> turn.neutral_probability.round(3).tolist()  # risk neutral, the median b is the favourite
[0.234, 0.571, 0.195]
>>> turn.risk.round(3).tolist()  # so b is inferred to be risk averse, the others acceptant
[-0.345, 1.0, -0.5]
>>> turn.win_probability.round(3).tolist()  # a risk-averse b defends its position less keenly
[0.379, 0.348, 0.272]
>>> turn.names[turn.most_probable], turn.expected_position.round(2).tolist()
('a', [41.17])
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

from ..display import html_table, short_repr
from ..errors import ValidationError
from ..validators import check_positive
from .condorcet import (
    PCE_MODELS,
    VICTORY_MODELS,
    VOTING_RULES,
    choose,
    coalition_strengths,
    probabilistic_condorcet,
)
from .data import HTML_ROWS, ActorData, readonly
from .records import ARRAY_EQ, Recorded, as_tuple

__all__ = [
    "RISK_RANGES",
    "KTABTurn",
    "first_turn",
    "position_classes",
    "risk_attitudes",
    "risk_utility",
    "value_matrix",
    "weighted_distance",
]

Array = npt.NDArray[np.float64]

RISK_RANGES = ("min", "mid", "max")
POSITION_TOLERANCE = 1e-3  # KTAB's SMPModel::posTol, on the unit scale
_FLAT = 1e-12  # a spread of probabilities below this is no spread at all


def weighted_distance(data: ActorData, scale: float = 100.0) -> Array:
    """``D[i, j] = d_i(p_j)``: each actor's salience-weighted distance to each position."""
    p = data.positions / scale
    s = data.saliences / scale
    diff = p[:, None, :] - p[None, :, :]  # (i, j, k)
    weighted = (s[:, None, :] * diff) ** 2
    norm = np.sqrt((s**2).sum(axis=1))[:, None]
    distance: Array = np.sqrt(weighted.sum(axis=2)) / np.where(norm > 0, norm, 1.0)
    return distance


def risk_utility(distance: Array, risk: Array | float = 0.0) -> Array:
    """``(1 - d)(1 + d R)``: risk-averse actors (``R > 0``) value near positions more.

    ``risk`` is a scalar or one ``R_i`` per row of ``distance``; beyond ``d = 1`` KTAB uses
    ``(1 - d)(1 + R)``.
    """
    d = np.asarray(distance, dtype=float)
    r = np.asarray(risk, dtype=float)
    if r.ndim == 1:
        r = r[:, None]
    return (1 - d) * (1 + np.minimum(d, 1.0) * r)  # type: ignore[no-any-return]


def value_matrix(data: ActorData, risk: Array | float = 0.0, scale: float = 100.0) -> Array:
    """``V[i, j]``: actor ``i``'s utility of actor ``j``'s position (risk-neutral by default)."""
    return risk_utility(weighted_distance(data, scale), risk)


def risk_attitudes(probabilities: Array, risk_range: str = "mid") -> Array:
    """``R_i``: the winning probabilities mapped affinely onto ``[0, 1]``, ``[-½, 1]`` or
    ``[-1, 1]`` (``min``, ``mid``, ``max``), the least likely position to the low end.

    If all probabilities are equal KTAB would divide by zero; negsim returns ``R = 0``.
    """
    risk_range = choose("risk_range", risk_range, RISK_RANGES)
    p = np.asarray(probabilities, dtype=float)
    low, high = float(p.min()), float(p.max())
    if high - low <= _FLAT:
        return np.zeros_like(p)
    bottom = {"min": 0.0, "mid": -0.5, "max": -1.0}[risk_range]
    result: Array = bottom + (1.0 - bottom) * (p - low) / (high - low)
    return result


def position_classes(
    data: ActorData, scale: float = 100.0, tolerance: float = POSITION_TOLERANCE
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``(unique, cls)``: the first actor holding each distinct position, and, for each actor,
    the index in ``unique`` of its position (KTAB's ``ueIndices``: Euclidean distance below
    ``tolerance`` on the unit scale means the same position; the first match is taken)."""
    p = data.positions / scale
    close = np.sqrt(((p[:, None, :] - p[None, :, :]) ** 2).sum(axis=2)) < tolerance
    unique: list[int] = []
    cls: list[int] = []
    for i in range(data.n_actors):
        match = next((u for u, j in enumerate(unique) if close[i, j]), None)
        if match is None:
            unique.append(i)
            match = len(unique) - 1
        cls.append(match)
    return tuple(unique), tuple(cls)


@attrs.frozen(repr=False)
class KTABTurn(Recorded):
    """Every quantity of KTAB's first turn (``n`` actors, ``m`` dimensions); a run of
    :func:`~negsim.spatial.ktab_bargain.run_ktab` holds one for every state it reached.

    Matrices are indexed by actors: ``[i, j]`` is about actor ``i`` (a voter, or the option
    ``i`` holds) and actor ``j``'s position. ``neutral_*`` are the risk-neutral election used
    to infer ``risk``; ``strengths``, ``victory`` and the probabilities are turn 0's
    risk-aware election, computed over distinct positions and spread back to the actors
    (actors who share a position have ``C = 10⁻⁸`` and ``P = ½`` between them).
    """

    names: tuple[str, ...] = attrs.field(converter=as_tuple)
    dimensions: tuple[str, ...] = attrs.field(converter=as_tuple)
    voting_rule: str
    victory_model: str
    pce_model: str
    risk_range: str
    distance: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """``d_i(p_j)``, in ``[0, 1]``."""
    values: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """Risk-neutral values ``V[i, j] = 1 - d_ij``."""
    neutral_strengths: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """Coalition strengths ``C[i, j]`` voted with ``V``."""
    neutral_victory: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """Victory probabilities ``P[i, j]`` from ``neutral_strengths``."""
    neutral_probability: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """``π_i``: risk-neutral probability that actor ``i``'s position wins (sums to 1)."""
    risk: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """Inferred risk attitudes ``R_i`` (``π`` mapped onto ``risk_range``)."""
    utilities: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """Risk-aware utilities ``U[i, j] = (1 - d_ij)(1 + d_ij R_i)``."""
    strengths: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """Coalition strengths voted with ``U``."""
    victory: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """Victory probabilities from ``strengths``."""
    win_probability: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """Turn-0 probability that actor ``i``'s position wins (KTAB's "winning probability"; shared
    positions share it, so the sum exceeds 1 when positions coincide)."""
    outcome_probability: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """``win_probability`` split evenly among the actors sharing a position: a distribution."""
    expected_position: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """``Σ_j P_j x_j`` per dimension (``P`` = ``outcome_probability``), on the data's scale."""
    most_probable: int
    """Index of the first actor holding the most probable position."""
    most_probable_position: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """That position, on the data's scale."""
    unique: tuple[int, ...] = attrs.field(converter=as_tuple)
    """The first actor holding each distinct position."""
    position_class: tuple[int, ...] = attrs.field(converter=as_tuple)
    """For each actor, the index in ``unique`` of its position."""

    @property
    def n_actors(self) -> int:
        """Number of actors."""
        return len(self.names)

    def __repr__(self) -> str:
        return short_repr(
            "KTABTurn",
            actors=self.n_actors,
            positions=len(self.unique),
            most_probable=self.names[self.most_probable],
            expected=tuple(float(v) for v in self.expected_position),
        )

    def _repr_html_(self) -> str:
        rows = [
            [name, float(self.risk[i]), float(self.outcome_probability[i])]
            for i, name in enumerate(self.names[:HTML_ROWS])
        ]
        return html_table(["actor", "risk R", "P(win)"], rows, "KTAB's first turn")


def first_turn(
    data: ActorData,
    *,
    victory: str = "linear",
    pce: str = "conditional",
    voting: str = "proportional",
    risk_range: str = "mid",
    scale: float = 100.0,
) -> KTABTurn:
    """KTAB's first turn: values, inferred risk attitudes, utilities and turn-0 win odds.

    ``victory`` is the victory-probability model (:data:`~.condorcet.VICTORY_MODELS`), ``pce``
    the probabilistic Condorcet election (:data:`~.condorcet.PCE_MODELS`), ``voting`` the
    actors' voting rule (:data:`~.condorcet.VOTING_RULES`), used in both elections, and
    ``risk_range`` the range of ``R`` (:data:`RISK_RANGES`); the defaults are KTAB's. Votes
    are weighted by capability, which must be positive; ``scale`` is the positions' and
    saliences' full scale.
    """
    voting = choose("voting", voting, VOTING_RULES)
    victory = choose("victory", victory, VICTORY_MODELS)
    pce = choose("pce", pce, PCE_MODELS)
    risk_range = choose("risk_range", risk_range, RISK_RANGES)
    check_positive("scale", scale)
    weights = data.capability
    if not (weights > 0).all():
        raise ValidationError("capability", "an actor has capability 0", "capabilities > 0")

    distance = weighted_distance(data, scale)
    values = risk_utility(distance)
    neutral_strengths = coalition_strengths(values, weights, voting)
    neutral_probability, neutral_victory = probabilistic_condorcet(
        neutral_strengths, victory=victory, pce=pce
    )
    risk = risk_attitudes(neutral_probability, risk_range)
    utilities = risk_utility(distance, risk)

    unique, cls = position_classes(data, scale)
    unique_strengths = coalition_strengths(utilities[:, unique], weights, voting)
    unique_probability, unique_victory = probabilistic_condorcet(
        unique_strengths, victory=victory, pce=pce
    )
    index = np.array(cls)
    win = unique_probability[index]
    outcome = win / np.bincount(index)[index]
    best = int(np.argmax(win))
    return KTABTurn(
        names=data.names,
        dimensions=data.dimensions,
        voting_rule=voting,
        victory_model=victory,
        pce_model=pce,
        risk_range=risk_range,
        distance=distance,
        values=values,
        neutral_strengths=neutral_strengths,
        neutral_victory=neutral_victory,
        neutral_probability=neutral_probability,
        risk=risk,
        utilities=utilities,
        strengths=unique_strengths[np.ix_(index, index)],
        victory=unique_victory[np.ix_(index, index)],
        win_probability=win,
        outcome_probability=outcome,
        expected_position=outcome @ data.positions,
        most_probable=best,
        most_probable_position=data.positions[best],
        unique=unique,
        position_class=cls,
    )
