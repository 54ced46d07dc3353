"""KTAB's spatial model of politics, first turn: reference runs, hand-computed cases, properties."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import actor_data

from negsim.errors import NegsimError, ValidationError
from negsim.spatial import ActorData, read_actor_csv
from negsim.spatial.condorcet import (
    MIN_STRENGTH,
    PCE_MODELS,
    VICTORY_MODELS,
    VOTING_RULES,
    coalition_strengths,
    conditional_pce,
    markov_incentive_pce,
    markov_uniform_pce,
    probabilistic_condorcet,
    scalar_pce,
    victory_probabilities,
    vote,
)
from negsim.spatial.ktab import (
    RISK_RANGES,
    KTABTurn,
    first_turn,
    position_classes,
    risk_attitudes,
    risk_utility,
)

DATA = Path(__file__).parent / "data"


def _reference(path: Path, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The fixture's quantities as arrays indexed like ``names`` (matrices ``[i, j]``)."""
    n = len(names)
    out: dict[str, np.ndarray] = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            q, i = row["quantity"], names.index(row["actor_i"])
            if row["actor_j"]:
                out.setdefault(q, np.full((n, n), np.nan))[i, names.index(row["actor_j"])] = float(
                    row["value"]
                )
            else:
                out.setdefault(q, np.full(n, np.nan))[i] = float(row["value"])
    assert all(not np.isnan(a).any() for a in out.values())
    return out


def _values(path: Path, names: tuple[str, ...]) -> np.ndarray:
    reference = np.zeros((len(names), len(names)))
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            i, j = names.index(row["actor_i"]), names.index(row["actor_j"])
            reference[i, j] = float(row["value"])
    return reference


# --- KTAB's own reference runs ---


def test_first_turn_reproduces_the_dummy_data_reference_run() -> None:
    # KTAB examples/smp/doc/20170530_ref-dummyData_3Dim.txt (seed 15455440707583219804, default
    # parameters Linear / Prop / Conditional / BigRRange Mid): "Raw actor-pos value matrix"
    # (3 decimals), "Inferred risk attitudes" (3), "Risk-aware actor-pos utility matrix" (4),
    # and the state-0 column of "History of actors' winning probabilities" (4).
    data = read_actor_csv(DATA / "ktab_dummyData_3Dim.csv")
    turn = first_turn(data)
    ref = _reference(DATA / "ktab_ref_dummyData_3Dim_turn1.csv", data.names)
    values = _values(DATA / "ktab_ref_dummyData_3Dim_values.csv", data.names)
    assert np.abs(turn.values - values).max() <= 0.0005 + 1e-12
    assert np.abs(turn.risk - ref["risk"]).max() <= 0.0005 + 1e-12
    assert np.abs(turn.utilities - ref["utility"]).max() <= 0.00005 + 1e-12
    assert np.abs(turn.win_probability - ref["win_probability"]).max() <= 0.00005 + 1e-12
    assert turn.names[turn.most_probable] == "SActor-04"
    assert turn.unique == tuple(range(7))


def test_first_turn_reproduces_the_soe_reference_run() -> None:
    # KTAB examples/smp/doc/20170530_ref-SOE-Pol-Comp.txt, same parameters; ZG and MEP hold the
    # same position (30, 15), so KTAB prints the same winning probability for both.
    data = read_actor_csv(DATA / "ktab_SOE-Pol-Comp.csv")
    turn = first_turn(data)
    ref = _reference(DATA / "ktab_ref_SOE-Pol-Comp_turn1.csv", data.names)
    assert np.abs(turn.values - ref["value"]).max() <= 0.0005 + 1e-12
    assert np.abs(turn.risk - ref["risk"]).max() <= 0.0005 + 1e-12
    assert np.abs(turn.utilities - ref["utility"]).max() <= 0.00005 + 1e-12
    assert np.abs(turn.win_probability - ref["win_probability"]).max() <= 0.00005 + 1e-12
    zg, mep = data.names.index("ZG"), data.names.index("MEP")
    assert turn.position_class[zg] == turn.position_class[mep]
    assert len(turn.unique) == 12
    assert turn.outcome_probability[zg] == pytest.approx(turn.win_probability[zg] / 2)
    assert turn.outcome_probability.sum() == pytest.approx(1.0)
    assert turn.names[turn.most_probable] == "MK"


# --- the formulas, on hand-computed cases ---


def test_voting_rules() -> None:
    rules = {
        "binary": 2.0,
        "prop_bin": 2 * (0.8 * 0.5 + 0.2),
        "proportional": 1.0,
        "prop_cubic": 2 * (0.25 + 0.0625),
        "cubic": 0.25,
        "asym_prospect": 2 * 0.5 * 2 / 3,
    }
    for rule, expected in rules.items():
        assert vote(0.75, 0.25, 2.0, rule) == pytest.approx(expected), rule
    assert vote(0.25, 0.75, 2.0, "asym_prospect") == pytest.approx(-1.0)  # losses count fully
    assert vote(0.5 + 5e-9, 0.5, 2.0, "binary") == pytest.approx(1.0, rel=1e-6)  # smoothed step
    assert vote(0.5, 0.5, 2.0, "binary") == 0.0
    assert vote(0.75, 0.25, 1.0, "Prop") == 0.5  # KTAB's spelling


def test_coalition_strengths_add_up_the_supporters() -> None:
    u = np.array([[1.0, 0.5, 0.0], [0.2, 1.0, 0.6], [0.0, 0.3, 1.0]])
    w = np.array([2.0, 1.0, 3.0])
    c = coalition_strengths(u, w) - MIN_STRENGTH
    # option 0 against 1: only actor 0 prefers 0, by 0.5 with weight 2
    assert c[0, 1] == pytest.approx(1.0)
    # option 1 against 0: actor 1 (0.8 x 1) and actor 2 (0.3 x 3)
    assert c[1, 0] == pytest.approx(0.8 + 0.9)
    assert c[2, 1] == pytest.approx(0.7 * 3)
    assert c[1, 2] == pytest.approx(0.5 * 2 + 0.4 * 1)
    assert np.diag(c).tolist() == [0.0, 0.0, 0.0]


def test_asymmetric_prospect_rule_follows_ktabs_evaluation_order() -> None:
    # KTAB evaluates v(i:j) for i > j only: support for the later option gets the 2/3 (gain)
    # response, support for the earlier one the full (loss) response.
    c = coalition_strengths(
        np.array([[0.0, 0.6], [0.6, 0.0]]), np.array([1.0, 1.0]), "asym_prospect"
    )
    assert c[1, 0] - MIN_STRENGTH == pytest.approx(0.4)  # actor 0 backs option 1
    assert c[0, 1] - MIN_STRENGTH == pytest.approx(0.6)  # actor 1 backs option 0


def test_victory_probability_laws() -> None:
    c = np.array([[MIN_STRENGTH, 2.0], [1.0, MIN_STRENGTH]])
    expected = {"linear": 2 / 3, "square": 4 / 5, "quartic": 16 / 17, "octic": 256 / 257}
    for model, p in expected.items():
        v = victory_probabilities(c, model)
        assert v[0, 1] == pytest.approx(p), model
        assert v[1, 0] == pytest.approx(1 - p)
        assert np.diag(v).tolist() == [0.5, 0.5]
    assert victory_probabilities(c, "binary")[0, 1] == pytest.approx(1 / (1 + 1e-6))
    near = np.array([[MIN_STRENGTH, 1.05], [1.0, MIN_STRENGTH]])
    r = 1.05 / 2.05
    assert victory_probabilities(near, "binary")[0, 1] == pytest.approx((2.1 * r - 1) / 0.1)
    assert victory_probabilities(near, "binary")[1, 0] == pytest.approx(1 - (2.1 * r - 1) / 0.1)
    # 11:10 under the linear law is 52.4 %, under the octic 68.2 % (kmodel.h)
    eleven = np.array([[MIN_STRENGTH, 11.0], [10.0, MIN_STRENGTH]])
    assert victory_probabilities(eleven, "linear")[0, 1] == pytest.approx(0.524, abs=5e-4)
    assert victory_probabilities(eleven, "octic")[0, 1] == pytest.approx(0.682, abs=5e-4)


def test_probabilistic_condorcet_elections() -> None:
    v = np.array([[0.5, 0.8, 0.6], [0.2, 0.5, 0.7], [0.4, 0.3, 0.5]])
    products = np.array([0.5 * 0.8 * 0.6, 0.2 * 0.5 * 0.7, 0.4 * 0.3 * 0.5])
    assert conditional_pce(v) == pytest.approx(products / products.sum())
    # with two options, both Markov chains settle at the pairwise victory probability
    two = np.array([[0.5, 0.7], [0.3, 0.5]])
    assert markov_uniform_pce(two, tol=1e-12) == pytest.approx([0.7, 0.3], abs=1e-9)
    assert conditional_pce(two) == pytest.approx([0.7, 0.3])
    # uniform challenges: p_i = (1/k) Σ_j P[i, j] (p_i + p_j)
    p = markov_uniform_pce(v, tol=1e-13)
    assert p == pytest.approx((v * (p[:, None] + p[None, :])).sum(axis=1) / 3, abs=1e-10)
    c = np.array([[MIN_STRENGTH, 3.0, 2.0], [1.0, MIN_STRENGTH, 2.5], [1.5, 0.5, MIN_STRENGTH]])
    v = victory_probabilities(c)
    p = markov_incentive_pce(c, v, tol=1e-13)
    n = c * v + 1e-10 * np.eye(3)
    q = n / n.sum(axis=0)
    fixed = (v * (p[:, None] * q.T + p[None, :] * q)).sum(axis=1)
    assert p == pytest.approx(fixed, abs=1e-10)
    assert p.sum() == pytest.approx(1.0)
    for pce in PCE_MODELS:
        probabilities, victory = probabilistic_condorcet(c, pce=pce)
        assert probabilities.sum() == pytest.approx(1.0)
        assert victory == pytest.approx(v)


def test_scalar_pce_is_the_whole_election() -> None:
    u = np.array([[1.0, 0.4], [0.7, 1.0], [0.0, 1.0]])
    w = np.array([3.0, 1.0, 1.0])
    c1, c2 = MIN_STRENGTH + 3 * 0.6, MIN_STRENGTH + 0.3 + 1.0
    assert scalar_pce(u, w) == pytest.approx([c1 / (c1 + c2), c2 / (c1 + c2)])


def test_risk_attitudes_map_probabilities_onto_their_range() -> None:
    p = np.array([0.1, 0.3, 0.6])
    assert risk_attitudes(p, "min") == pytest.approx([0.0, 0.4, 1.0])
    assert risk_attitudes(p) == pytest.approx([-0.5, 0.1, 1.0])  # mid, KTAB's default
    assert risk_attitudes(p, "max") == pytest.approx([-1.0, -0.2, 1.0])
    assert risk_attitudes(np.full(4, 0.25)).tolist() == [0.0] * 4  # KTAB would divide by 0


def test_risk_utility_beyond_unit_distance() -> None:
    # KTAB's bsUtil: (1 - d)(1 + R) when round-off or a search drives d above 1
    assert risk_utility(np.array([[1.5]]), 0.5)[0, 0] == pytest.approx(-0.75)
    assert risk_utility(np.array([[0.5]]), 0.5)[0, 0] == pytest.approx(0.625)


def _three(positions: list[list[float]], capability: list[float] | None = None) -> ActorData:
    return ActorData(["a", "b", "c"], capability or [1.0, 2.0, 3.0], positions, [[50.0, 20.0]] * 3)


def test_shared_positions_share_their_probability() -> None:
    data = _three([[10.0, 10.0], [60.0, 40.0], [60.05, 40.0]])  # b and c: 0.05 apart, "equal"
    assert position_classes(data) == ((0, 1), (0, 1, 1))
    turn = first_turn(data)
    assert turn.win_probability[1] == turn.win_probability[2]
    assert turn.win_probability[0] + turn.win_probability[1] == pytest.approx(1.0)
    assert turn.outcome_probability.sum() == pytest.approx(1.0)
    assert turn.victory[1, 2] == 0.5
    assert turn.strengths[1, 2] == MIN_STRENGTH
    assert turn.expected_position == pytest.approx(turn.outcome_probability @ data.positions)
    assert turn.most_probable == 1
    assert turn.most_probable_position.tolist() == [60.0, 40.0]
    assert position_classes(_three([[10.0, 10.0], [60.0, 40.0], [60.2, 40.0]]))[1] == (0, 1, 2)


def test_turn_holds_read_only_float_arrays() -> None:
    turn = first_turn(_three([[10.0, 10.0], [60.0, 40.0], [90.0, 80.0]]))
    assert isinstance(turn, KTABTurn)
    assert turn.n_actors == 3
    for name in ("distance", "values", "risk", "utilities", "victory", "win_probability"):
        array = getattr(turn, name)
        assert array.dtype == np.float64
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 0.0
    with pytest.raises(AttributeError):
        turn.risk = turn.risk  # type: ignore[misc]


def test_options_are_validated() -> None:
    data = _three([[10.0, 10.0], [60.0, 40.0], [90.0, 80.0]])
    with pytest.raises(ValidationError, match="did you mean 'quartic'") as error:
        first_turn(data, victory="quartc")
    assert error.value.field == "victory"
    with pytest.raises(ValidationError, match="pce"):
        first_turn(data, pce="markov")
    with pytest.raises(ValidationError, match="voting"):
        first_turn(data, voting="majority")
    with pytest.raises(ValidationError, match="risk_range"):
        first_turn(data, risk_range="wide")
    with pytest.raises(ValidationError, match="scale"):
        first_turn(data, scale=0.0)
    with pytest.raises(ValidationError, match="capabilit"):
        first_turn(_three([[10.0, 10.0], [60.0, 40.0], [90.0, 80.0]], [1.0, 0.0, 1.0]))
    with pytest.raises(ValidationError, match="weights"):
        coalition_strengths(np.eye(2), np.array([1.0, -1.0]))
    with pytest.raises(ValidationError, match="strengths"):
        victory_probabilities(np.zeros((2, 2)))
    turn = first_turn(data, victory="Octic", pce="MarkovIncentive", voting="PropCbc")
    assert (turn.victory_model, turn.pce_model, turn.voting_rule) == (
        "octic",
        "markov_incentive",
        "prop_cubic",
    )
    assert issubclass(ValidationError, NegsimError)


# --- properties ---

options = st.fixed_dictionaries(
    {
        "victory": st.sampled_from(VICTORY_MODELS),
        "pce": st.sampled_from(PCE_MODELS),
        "voting": st.sampled_from(VOTING_RULES),
        "risk_range": st.sampled_from(RISK_RANGES),
    }
)


@given(actor_data(), options)
def test_first_turn_probabilities_are_distributions(
    data: ActorData, kwargs: dict[str, str]
) -> None:
    turn = first_turn(data, **kwargs)
    for p in (turn.neutral_probability, turn.outcome_probability):
        assert (p >= 0).all()
        assert p.sum() == pytest.approx(1.0)
    assert (turn.win_probability >= turn.outcome_probability).all()
    for v in (turn.neutral_victory, turn.victory):
        assert v + v.T == pytest.approx(np.ones_like(v))
        assert ((v >= 0) & (v <= 1)).all()
    for u in (turn.distance, turn.values, turn.utilities):
        assert ((u >= 0) & (u <= 1 + 1e-12)).all()
    low = {"min": 0.0, "mid": -0.5, "max": -1.0}[kwargs["risk_range"]]
    assert ((turn.risk >= low - 1e-12) & (turn.risk <= 1 + 1e-12)).all()
    assert np.diag(turn.utilities) == pytest.approx(np.ones(data.n_actors))
    lows, highs = data.positions.min(axis=0), data.positions.max(axis=0)
    assert (
        (turn.expected_position >= lows - 1e-9) & (turn.expected_position <= highs + 1e-9)
    ).all()


@given(actor_data(), st.randoms(use_true_random=False), st.sampled_from(PCE_MODELS))
def test_permuting_actors_permutes_the_turn(data: ActorData, rng: random.Random, pce: str) -> None:
    order = list(range(data.n_actors))
    rng.shuffle(order)
    permuted = ActorData(
        [data.names[i] for i in order],
        data.capability[order],
        data.positions[order],
        data.saliences[order],
    )
    a, b = first_turn(data, pce=pce), first_turn(permuted, pce=pce)
    grid = np.ix_(order, order)
    for name in ("values", "utilities", "strengths", "victory", "neutral_victory"):
        assert getattr(b, name) == pytest.approx(getattr(a, name)[grid], abs=1e-9), name
    for name in ("risk", "neutral_probability", "win_probability", "outcome_probability"):
        assert getattr(b, name) == pytest.approx(getattr(a, name)[order], abs=1e-6), name
    assert b.expected_position == pytest.approx(a.expected_position, abs=1e-4)


@given(actor_data())
def test_more_capability_strengthens_an_actors_own_position(data: ActorData) -> None:
    # Actor 0 always votes for its own position (d_0(p_0) = 0), so doubling its capability adds
    # to C[0, j] and leaves C[j, 0] alone: P[0 > j] cannot fall, under any victory law.
    stronger = ActorData(
        data.names,
        data.capability * np.r_[2.0, np.ones(data.n_actors - 1)],
        data.positions,
        data.saliences,
    )
    before, after = first_turn(data), first_turn(stronger)
    assert (after.neutral_strengths[0] >= before.neutral_strengths[0] - 1e-12).all()
    assert after.neutral_strengths[:, 0] == pytest.approx(before.neutral_strengths[:, 0])
    assert (after.neutral_victory[0] >= before.neutral_victory[0] - 1e-12).all()
