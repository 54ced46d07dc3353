"""KTAB's turns after the first: challenges, bargains, the election among them, new positions.

KTAB's spatial model of politics (``examples/smp``, ``SMPState::doBCN``) runs turn after turn.
Each turn starts from the analysis of :func:`~negsim.spatial.ktab.first_turn`, applied to the
current positions (risk attitudes ``R`` are inferred afresh every turn), and then:

**Perceptions.** Actor ``h`` estimates actor ``a``'s risk attitude as
``r^h_a = (1 - α) R_h + α R_a`` (``risk_adjust``: ``α`` = 1 ``full``, 2/3 ``two_thirds``, 1/2
``half``, 1/3 ``one_third``, KTAB's default, 0 ``none``), so ``h``'s estimate of ``a``'s
utility of ``b``'s position is ``E^h[a, b] = (1 - d_ab)(1 + d_ab r^h_a)``.

**Challenges** (``SMPState::probEduChlg``, from challenger ``i``'s own perspective, ``E = E^i``).
With total saliences ``σ_a = Σ_k s_ak`` and weights ``w_a = σ_a c_a``, the principals back
their own side, ``v_i = w_i (E[i,i] - E[i,j])`` and ``v_j = w_j (E[j,i] - E[j,j])`` (votes by
the voting rule, here proportional), giving ``A = ε + v⁺``, ``B = ε + v⁻`` (``ε = 10⁻¹⁰``,
positive and negative parts summed over both). Each third party ``n`` first judges the little
contest with only itself added, ``π_n = (A + v_n⁺) / (A + v_n⁺ + B + v_n⁻)`` with
``v_n = w_n (E[n,i] - E[n,j])``, then votes on the states "``i`` and ``n`` beat ``j``" against
"``j`` and ``n`` beat ``i``" (semi-commitment, ``third_party="semi"``):

.. math::
    v'_n = w_n\\big[π_n (2E_{ni} + E_{nn}) + (1-π_n) 3E_{nj}
                  - π_n 3E_{ni} - (1-π_n)(2E_{nj} + E_{nn})\\big]

(``full``: the third party is bound by its side, every ``E_{nn}`` becomes ``E_{ni}`` or
``E_{nj}``; ``none``: every lost third position becomes ``E_{nn}``). With all third votes added,
``P = C_{ij} / (C_{ij} + C_{ji})`` is ``i``'s estimate that it beats ``j``; ``j`` resists with
probability ``σ_j`` and otherwise gives in, so ``i``'s expected gain over the status quo is

.. math::  ΔEU_{ij} = (1-σ_j)\\,2E_{ii} + σ_j\\big(P\\,2E_{ii} + (1-P)\\,2E_{ij}\\big)
                     - (E_{ii} + E_{ij}).

Actor ``i`` targets the ``j`` with the largest gain, if it exceeds ``10⁻⁵`` (ties: the first).

**Bargains** (``SMPActor::interpolateBrgn``). On each dimension ``k`` the pair meets between
their positions ``t_i, t_j``, weighted by salience and strength: with ``P_i = P``, ``P_j = 1 - P``
and ``W_a = s_ak^n P_a^m`` (``interpolation``: ``s2p2``, KTAB's default, ``n = m = 2``;
``s1p1``), ``b_i = ((W_i + μ) t_i + W_j t_j) / (W_i + μ + W_j)`` and ``b_j`` with ``μ`` on
``W_j`` (``μ = 10⁻⁶``), each rounded to 4 decimals on the unit scale (negsim then keeps it
between ``t_i`` and ``t_j``, where rounding could step out of the pair's interval).
``s2pmax``: the weaker side moves by ``δ s_other² / (δ s_other² + μ + (1 - δ) s_own²)`` of
the gap, ``δ`` the difference in probabilities. ``bargains``: ``init_only`` (KTAB's default)
proposes the bargain as ``i`` sees it; ``init_rcvr`` also the one ``j`` sees (``P`` as
estimated by ``j``); ``compromise`` their average weighted by ``c σ``.

**Choice** (``SMPState::updateBestBrgnPositions``). Every actor ``k`` weighs the bargains it
is party to, and the status quo: the value to voter ``a`` of bargain ``b`` is its mean
utility of all positions once ``b``'s two positions are taken, ``(1/n) Σ_m u_a(x'_m)``. The
probabilistic Condorcet election among them (votes weighted by capability, as in the first
turn) gives each a probability; ``k`` takes its position in the most probable bargain
(``transitions="deterministic"``, KTAB's default) or in one drawn with those probabilities
(``"stochastic"``, the only place the model draws random numbers: it takes an ``rng``).

**Stopping** (``smpStopFn``). With ``D_t = Σ_i ‖x_i(t) - x_i(t-1)‖`` (unit scale), the run
stops after turn ``t ≥ 2`` when ``D_t / (D_1 + 10⁻⁴) < 0.02`` -- positions have settled
relative to the first turn's change -- or when the turns run out.

:func:`run_ktab` runs the turns and returns a :class:`KTABRun`. With default options on
KTAB's ``dummyData_3Dim`` it reproduces KTAB's reference position history over all 11 states
(``tests/test_ktab_turns.py``).

>>> from negsim.spatial import ActorData
>>> data = ActorData(["a", "b", "c"], [1.0, 1.0, 1.0], [[0.0], [40.0], [100.0]],
...                  [[50.0], [50.0], [50.0]])
>>> run = run_ktab(data, rounds=10)
>>> run.steps[0].target  # a and b challenge c, c challenges a
(2, 2, 0)
>>> run.positions[:run.turns + 1, :, 0].round(2).tolist()  # a and c meet, then all three
[[0.0, 40.0, 100.0], [52.65, 40.0, 52.65], [40.46, 40.46, 40.46], [40.46, 40.46, 40.46]]
>>> run.turns, run.stopped, run.positions.shape  # 3 turns of at most 10; rows repeat after
(3, 'settled', (11, 3, 1))
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ..display import short_repr
from ..rng import RNGLike, resolve_rng
from ..validators import check_positive, readonly, whole_number
from .condorcet import (
    PCE_MODELS,
    VICTORY_MODELS,
    VOTING_RULES,
    choose,
    coalition_strengths,
    vote,
)
from .condorcet import probabilistic_condorcet as election
from .data import ActorData
from .ktab import RISK_RANGES, KTABTurn, first_turn, risk_utility
from .records import ARRAY_EQ, Recorded, array_eq, as_tuple

__all__ = [
    "BARGAIN_MODELS",
    "INTERPOLATIONS",
    "RISK_ADJUSTMENTS",
    "THIRD_PARTY",
    "TRANSITIONS",
    "KTABBargain",
    "KTABRun",
    "KTABStep",
    "challenges",
    "interpolate",
    "run_ktab",
    "state_change",
]

Array = npt.NDArray[np.float64]

RISK_ADJUSTMENTS = {"full": 1.0, "two_thirds": 2 / 3, "half": 0.5, "one_third": 1 / 3, "none": 0.0}
THIRD_PARTY = ("full", "semi", "none")
INTERPOLATIONS = ("s1p1", "s2p2", "s2pmax")
BARGAIN_MODELS = ("init_only", "init_rcvr", "compromise")
TRANSITIONS = ("deterministic", "stochastic")

CAPABILITY_MEAN = 100.0  # capabilities are rescaled to this mean (run_ktab)
MIN_GAIN = 1e-5  # KTAB's minSigEDU: a smaller expected gain is no reason to challenge
MIN_TURNS = 2  # smpStopFn's minIter
SETTLED_RATIO = 0.02  # minDeltaRatio: a turn moving < 2 % of the first turn's change
MIN_CHANGE = 1e-4  # minSigDelta, added to the first turn's change
_MIN_CONTEST = 1e-10  # probEduChlg's minCltn
_MIN_WEIGHT = 1e-6  # interpBrgn's minW


def _readonly_arrays(values: Iterable[Any]) -> tuple[Array, ...]:
    return tuple(readonly(v) for v in values)


def _nested_tuple(values: Iterable[Iterable[int]]) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(v) for v in values)


def _arrays_equal(a: tuple[Array, ...], b: tuple[Array, ...]) -> bool:
    return len(a) == len(b) and all(array_eq(x, y) for x, y in zip(a, b, strict=True))


@attrs.frozen(repr=False)
class KTABBargain(Recorded):
    """A bargain proposed by ``initiator`` to ``receiver``: where each would stand."""

    initiator: int
    receiver: int
    initiator_position: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    receiver_position: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    gain: float
    """The initiator's expected gain from challenging (why it proposed)."""
    probability: float
    """The probability that the initiator wins, as the side the bargain is seen from judged."""

    def __repr__(self) -> str:
        return short_repr(
            "KTABBargain", initiator=self.initiator, receiver=self.receiver, gain=self.gain
        )


@attrs.frozen(repr=False)
class KTABStep(Recorded):
    """One turn: from the state analysed in ``state`` to ``next_positions``.

    ``options[k]`` lists the bargains actor ``k`` chose among (indices into ``bargains``,
    ``-1`` for keeping its position), ``choice_probability[k]`` the election's probabilities of
    those options, ``chosen[k]`` the index in ``options[k]`` taken.
    """

    state: KTABTurn
    positions: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    challenge_probability: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """``[i, j]``: ``i``'s estimate that it beats ``j`` in a challenge (diagonal NaN)."""
    challenge_gain: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """``[i, j]``: ``i``'s expected gain from challenging ``j`` (diagonal NaN)."""
    target: tuple[int, ...] = attrs.field(converter=as_tuple)
    """Each actor's best target, ``-1`` for none worth challenging."""
    bargains: tuple[KTABBargain, ...] = attrs.field(converter=as_tuple)
    options: tuple[tuple[int, ...], ...] = attrs.field(converter=_nested_tuple)
    choice_probability: tuple[Array, ...] = attrs.field(
        converter=_readonly_arrays, eq=attrs.cmp_using(eq=_arrays_equal)
    )
    chosen: tuple[int, ...] = attrs.field(converter=as_tuple)
    next_positions: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    change: float
    """``Σ_i ‖x_i(t+1) - x_i(t)‖`` on the unit scale (KTAB's ``stateDist``)."""

    def __repr__(self) -> str:
        return short_repr("KTABStep", bargains=len(self.bargains), change=self.change)


@attrs.frozen(repr=False)
class KTABRun(Recorded):
    """A whole run: every state's analysis, every turn, the histories and why it stopped.

    ``positions`` and ``win_probability`` have ``rounds + 1`` rows; after ``turns`` (when the
    run settled early) the rows repeat the last state, as in every negsim model.
    """

    states: tuple[KTABTurn, ...] = attrs.field(converter=as_tuple)
    """The analysis of states ``0 .. turns`` (``states[0]`` is :func:`first_turn`)."""
    steps: tuple[KTABStep, ...] = attrs.field(converter=as_tuple)
    positions: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """``[t, i, k]``, on the data's scale."""
    win_probability: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """``[t, i]``: KTAB's "winning probability" of actor ``i``'s position in state ``t``."""
    expected_position: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """``[t, k]``: ``Σ_j P_j x_j`` in state ``t``."""
    most_probable_position: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """``[t, k]``: the most probable position in state ``t``."""
    change_ratio: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    """``[t - 1]``: turn ``t``'s change over the first turn's (plus ``10⁻⁴``)."""
    turns: int
    """Turns run (at most ``rounds``)."""
    stopped: str
    """``settled`` (the stopping rule), ``rounds`` (the turns ran out) or ``no turns``."""
    seed: int | None = None
    """The seed of the stochastic transitions (``None`` when deterministic)."""

    def __repr__(self) -> str:
        return short_repr(
            "KTABRun", actors=self.positions.shape[1], turns=self.turns, stopped=self.stopped
        )

    @property
    def rounds(self) -> int:
        """The most turns the run could take."""
        return int(self.positions.shape[0]) - 1

    def describe(self) -> str:
        """One line: how many turns ran and why the run stopped."""
        if self.stopped == "settled":
            ratio = float(self.change_ratio[self.turns - 1])
            return (
                f"{self.turns} turns: settled (turn {self.turns} moved {ratio:.2%} of the first"
                f" turn's change, below {SETTLED_RATIO:.0%})"
            )
        if self.stopped == "rounds":
            return f"{self.turns} turns: the turns ran out before positions settled"
        return "no turns run (rounds = 0): the first turn's analysis only"


def state_change(before: Array, after: Array, scale: float = 100.0) -> float:
    """``Σ_i ‖x_i' - x_i‖`` on the unit scale (KTAB's ``SMPModel::stateDist``)."""
    return float(np.sqrt((((after - before) / scale) ** 2).sum(axis=1)).sum())


def _third_party_states(
    pi: Array, uni: Array, unj: Array, unn: Array, commit: str
) -> tuple[Array, Array]:
    """Third party ``n``'s sums of utilities of "``i`` with ``n`` beats ``j``" and of "``i``
    beats ``j`` with ``n``" (KTAB's ``thirdPartyVoteSU``; unchanged positions cancel)."""
    pj = 1.0 - pi
    own_i = 3 * uni if commit == "full" else 2 * uni + unn  # n sided with i and won
    own_j = 3 * unj if commit == "full" else 2 * unj + unn  # n sided with j and won
    lost_to_i = 3 * uni if commit != "none" else 2 * uni + unn  # n sided with j and lost
    lost_to_j = 3 * unj if commit != "none" else 2 * unj + unn  # n sided with i and lost
    return pi * own_i + pj * lost_to_j, pi * lost_to_i + pj * own_j


def challenges(
    estimate: Array,
    i: int,
    weight: Array,
    total_salience: Array,
    *,
    voting: str = "proportional",
    third_party: str = "semi",
) -> tuple[Array, Array]:
    """``(P, ΔEU)`` of ``i`` challenging each actor ``j``, as seen through ``estimate``.

    ``estimate[a, b]`` is the perceiver's estimate of ``a``'s utility of ``b``'s position,
    ``weight`` the actors' ``c σ`` and ``total_salience`` their ``σ`` (module docstring).
    ``P[j]`` is the probability that ``i`` beats ``j``; ``ΔEU[j]`` the gain to ``i`` (the
    ``j = i`` entries are NaN).
    """
    e = np.asarray(estimate, dtype=float)
    n = e.shape[0]
    w = np.asarray(weight, dtype=float)
    v_i = vote(e[i, i], e[i, :], w[i], voting)  # [j]
    v_j = vote(e[:, i], np.diag(e), w, voting)  # [j]: j's vote for i over its own position
    support = _MIN_CONTEST + np.maximum(v_i, 0) + np.maximum(v_j, 0)
    oppose = _MIN_CONTEST + np.maximum(-v_i, 0) + np.maximum(-v_j, 0)
    # third parties n (columns) in the contest i:j (rows)
    uni, unj, unn = e[None, :, i], e[:, :].T, np.diag(e)[None, :]  # unj[j, n] = e[n, j]
    little = vote(uni, unj, w[None, :], voting)
    a = support[:, None] + np.maximum(little, 0)
    pi = a / (a + oppose[:, None] + np.maximum(-little, 0))
    with_i, with_j = _third_party_states(pi, uni, unj, unn, third_party)
    votes = vote(with_i, with_j, w[None, :], voting)
    third = np.ones((n, n), dtype=bool)
    third[:, i] = False
    third[np.arange(n), np.arange(n)] = False
    strength_i = support + np.where(third, np.maximum(votes, 0), 0).sum(axis=1)
    strength_j = oppose + np.where(third, np.maximum(-votes, 0), 0).sum(axis=1)
    p = strength_i / (strength_i + strength_j)
    win, lose = 2 * e[i, i], 2 * e[i, :]
    sj = np.asarray(total_salience, dtype=float)
    gain = (1 - sj) * win + sj * (p * win + (1 - p) * lose) - (e[i, i] + e[i, :])
    p[i] = gain[i] = np.nan
    return p, gain


def _round4(x: Array) -> Array:
    result: Array = np.floor(0.5 + x * 1e4) / 1e4  # KTAB's round4, for x >= 0
    return result


def interpolate(
    t_i: Array,
    s_i: Array,
    t_j: Array,
    s_j: Array,
    p_i: float,
    method: str = "s2p2",
) -> tuple[Array, Array]:
    """``(b_i, b_j)``: the positions a bargain gives ``i`` and ``j`` on every dimension.

    Positions ``t`` and saliences ``s`` on the unit scale; ``p_i`` is the probability that
    ``i`` would win (``j``'s is ``1 - p_i``); formulas in the module docstring.
    """
    p_j = 1.0 - p_i
    if method == "s2pmax":
        d_i, d_j = max(p_j - p_i, 0.0), max(p_i - p_j, 0.0)
        si2, sj2 = s_i**2, s_j**2
        move_i = d_i * sj2 / (d_i * sj2 + _MIN_WEIGHT + (1 - d_i) * si2)
        move_j = d_j * si2 / (d_j * si2 + _MIN_WEIGHT + (1 - d_j) * sj2)
        return t_i + move_i * (t_j - t_i), t_j + move_j * (t_i - t_j)
    power = 1 if method == "s1p1" else 2
    w_i, w_j = (s_i * p_i) ** power, (s_j * p_j) ** power
    total = w_i + _MIN_WEIGHT + w_j
    low, high = np.minimum(t_i, t_j), np.maximum(t_i, t_j)
    b_i = np.clip(_round4(((w_i + _MIN_WEIGHT) * t_i + w_j * t_j) / total), low, high)
    b_j = np.clip(_round4((w_i * t_i + (_MIN_WEIGHT + w_j) * t_j) / total), low, high)
    return b_i, b_j


@attrs.frozen
class _Rules:
    victory: str
    pce: str
    voting: str
    risk_range: str
    risk_adjust: str
    third_party: str
    interpolation: str
    bargains: str
    transitions: str
    scale: float


def _estimates(distance: Array, risk: Array, h: int, adjust: float) -> Array:
    """``E^h[a, b]``: ``h``'s estimate of every actor's utility of every position."""
    return risk_utility(distance, (1 - adjust) * risk[h] + adjust * risk)


def _step(
    data: ActorData,
    state: KTABTurn,
    salience: Array,
    rules: _Rules,
    rng: np.random.Generator | None,
) -> KTABStep:
    n = data.n_actors
    x = data.positions / rules.scale
    sigma = salience.sum(axis=1)
    weight = data.capability * sigma
    adjust = RISK_ADJUSTMENTS[rules.risk_adjust]
    distance = state.distance
    probability, gain = np.full((n, n), np.nan), np.full((n, n), np.nan)
    for i in range(n):
        e = _estimates(distance, state.risk, i, adjust)
        probability[i], gain[i] = challenges(
            e, i, weight, sigma, voting=rules.voting, third_party=rules.third_party
        )
    targets, bargains = [], []
    for i in range(n):
        row = np.where(np.isnan(gain[i]), -np.inf, gain[i])
        j = int(np.argmax(row))
        if row[j] <= MIN_GAIN:
            targets.append(-1)
            continue
        targets.append(j)
        bargains += _proposals(
            x, salience, data.capability * sigma, state, i, j, rules, gain, probability
        )
    options = tuple(
        (
            -1,
            *(
                b
                for b, bargain in enumerate(bargains)
                if k in (bargain.initiator, bargain.receiver)
            ),
        )
        for k in range(n)
    )
    own = risk_utility(distance, state.risk)  # u_a(x_m): each actor's true utility
    new_x = x.copy()
    mover = np.zeros(n, dtype=bool)
    choice_probability, chosen = [], []
    for k in range(n):
        columns = []
        for b in options[k]:
            if b < 0:
                columns.append(own.sum(axis=1))
                continue
            bargain = bargains[b]
            moved = own.sum(axis=1) - own[:, bargain.initiator] - own[:, bargain.receiver]
            for where in (bargain.initiator_position, bargain.receiver_position):
                moved = moved + _utility_of(data, salience, state.risk, x, where)
            columns.append(moved)
        values = np.stack(columns, axis=1) / n
        p = election(
            coalition_strengths(values, data.capability, rules.voting),
            victory=rules.victory,
            pce=rules.pce,
        )[0]
        pick = int(np.argmax(p)) if rng is None else int(rng.choice(len(p), p=p / p.sum()))
        choice_probability.append(p)
        chosen.append(pick)
        b = options[k][pick]
        if b >= 0:
            bargain = bargains[b]
            mover[k] = True
            new_x[k] = (
                bargain.initiator_position if bargain.initiator == k else bargain.receiver_position
            )
    scaled = tuple(
        attrs.evolve(
            b,
            initiator_position=b.initiator_position * rules.scale,
            receiver_position=b.receiver_position * rules.scale,
        )
        for b in bargains
    )
    return KTABStep(
        state=state,
        positions=data.positions,
        challenge_probability=probability,
        challenge_gain=gain,
        target=tuple(targets),
        bargains=scaled,
        options=options,
        choice_probability=tuple(choice_probability),
        chosen=tuple(chosen),
        next_positions=np.where(mover[:, None], new_x * rules.scale, data.positions),
        change=state_change(x, new_x, 1.0),
    )


def _utility_of(data: ActorData, salience: Array, risk: Array, x: Array, where: Array) -> Array:
    """Every actor's utility (its own risk attitude) of one position ``where`` (unit scale)."""
    s = salience
    norm = np.sqrt((s**2).sum(axis=1))
    d = np.sqrt(((s * (x - where[None, :])) ** 2).sum(axis=1)) / np.where(norm > 0, norm, 1.0)
    return (1 - d) * (1 + np.minimum(d, 1.0) * risk)  # type: ignore[no-any-return]


def _proposals(
    x: Array,
    salience: Array,
    weight: Array,
    state: KTABTurn,
    i: int,
    j: int,
    rules: _Rules,
    gain: Array,
    probability: Array,
) -> list[KTABBargain]:
    """The bargains ``i`` puts to its target ``j`` (``bargains`` option, module docstring)."""
    p_i = float(probability[i, j])

    def seen(p: float) -> tuple[Array, Array]:
        return interpolate(x[i], salience[i], x[j], salience[j], p, rules.interpolation)

    mine = seen(p_i)
    made = [KTABBargain(i, j, mine[0], mine[1], float(gain[i, j]), p_i)]
    if rules.bargains == "init_only":
        return made
    weight_j = _estimates(state.distance, state.risk, j, RISK_ADJUSTMENTS[rules.risk_adjust])
    p_j = float(
        challenges(
            weight_j,
            i,
            weight,
            salience.sum(axis=1),
            voting=rules.voting,
            third_party=rules.third_party,
        )[0][j]
    )
    theirs = seen(p_j)
    if rules.bargains == "init_rcvr":
        return [*made, KTABBargain(i, j, theirs[0], theirs[1], float(gain[i, j]), p_j)]
    w_i, w_j = weight[i], weight[j]
    mix = [(w_i * a + w_j * b) / (w_i + w_j) for a, b in zip(mine, theirs, strict=True)]
    return [
        KTABBargain(i, j, mix[0], mix[1], float(gain[i, j]), (w_i * p_i + w_j * p_j) / (w_i + w_j))
    ]


def run_ktab(
    data: ActorData,
    rounds: int = 100,
    *,
    victory: str = "linear",
    pce: str = "conditional",
    voting: str = "proportional",
    risk_range: str = "mid",
    risk_adjust: str = "one_third",
    third_party: str = "semi",
    interpolation: str = "s2p2",
    bargains: str = "init_only",
    transitions: str = "deterministic",
    scale: float = 100.0,
    rng: RNGLike = None,
) -> KTABRun:
    """Run KTAB's spatial model of politics for at most ``rounds`` turns (module docstring).

    The first four options are :func:`~negsim.spatial.ktab.first_turn`'s; ``risk_adjust``
    (:data:`RISK_ADJUSTMENTS`), ``third_party`` (:data:`THIRD_PARTY`), ``interpolation``
    (:data:`INTERPOLATIONS`), ``bargains`` (:data:`BARGAIN_MODELS`) and ``transitions``
    (:data:`TRANSITIONS`) are KTAB's ``BigRAdjust``, ``ThirdPartyCommit``, ``InterVecBrgn``,
    ``SMPBargnModel`` and ``StateTransMode``; the defaults are KTAB's (KTAB's own limit is 100
    turns). ``rng`` is used only by stochastic transitions; the run records its seed.

    Capabilities are first rescaled to a mean of :data:`CAPABILITY_MEAN`: KTAB adds a fixed
    ``ε`` to every coalition strength, so its results shift slightly with the scale the
    capabilities are given in (by ``10⁻⁸`` relative to a typical strength at KTAB's own scale,
    far below its printed digits); negsim's do not.

    An actor whose saliences add up to more than the full ``scale`` (KTAB refuses such data:
    its saliences are shares of an actor's attention) has them divided by their total, which
    leaves its distances unchanged.
    """
    rounds = whole_number("rounds", rounds)
    rules = _Rules(
        victory=choose("victory", victory, VICTORY_MODELS),
        pce=choose("pce", pce, PCE_MODELS),
        voting=choose("voting", voting, VOTING_RULES),
        risk_range=choose("risk_range", risk_range, RISK_RANGES),
        risk_adjust=choose("risk_adjust", risk_adjust, tuple(RISK_ADJUSTMENTS)),
        third_party=choose("third_party", third_party, THIRD_PARTY),
        interpolation=choose("interpolation", interpolation, INTERPOLATIONS),
        bargains=choose("bargains", bargains, BARGAIN_MODELS),
        transitions=choose("transitions", transitions, TRANSITIONS),
        scale=check_positive("scale", scale),
    )
    generator, seed = resolve_rng(rng) if rules.transitions == "stochastic" else (None, None)
    salience = data.saliences / rules.scale
    salience = salience / np.maximum(salience.sum(axis=1, keepdims=True), 1.0)
    # KTAB adds a fixed ε to every coalition: on one capability scale, so results do not
    # depend on the scale the capabilities were typed in
    data = attrs.evolve(data, capability=CAPABILITY_MEAN * data.capability / data.capability.mean())

    def analyse(current: ActorData) -> KTABTurn:
        return first_turn(
            current,
            victory=rules.victory,
            pce=rules.pce,
            voting=rules.voting,
            risk_range=rules.risk_range,
            scale=rules.scale,
        )

    current = data
    states, steps, ratios = [analyse(data)], [], []
    stopped = "no turns" if rounds == 0 else "rounds"
    for t in range(1, rounds + 1):
        step = _step(current, states[-1], salience, rules, generator)
        steps.append(step)
        current = attrs.evolve(current, positions=step.next_positions)
        states.append(analyse(current))
        ratios.append(step.change / (steps[0].change + MIN_CHANGE))
        if t >= MIN_TURNS and ratios[-1] < SETTLED_RATIO:
            stopped = "settled"
            break
    pad = [states[-1]] * (rounds + 1 - len(states))
    padded = [*states, *pad]
    history = [data.positions, *(s.next_positions for s in steps)]
    history += [history[-1]] * (rounds + 1 - len(history))
    return KTABRun(
        states=tuple(states),
        steps=tuple(steps),
        positions=np.stack(history),
        win_probability=np.stack([s.win_probability for s in padded]),
        expected_position=np.stack([s.expected_position for s in padded]),
        most_probable_position=np.stack([s.most_probable_position for s in padded]),
        change_ratio=np.array(ratios, dtype=float),
        turns=len(steps),
        stopped=stopped,
        seed=seed,
    )
