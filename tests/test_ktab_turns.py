"""KTAB's turns after the first: the reference run, hand-computed formulas, properties."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import actor_data

from negsim.errors import ValidationError
from negsim.spatial import ActorData, make_model, read_actor_csv
from negsim.spatial.ktab import first_turn, risk_utility
from negsim.spatial.ktab_bargain import (
    BARGAIN_MODELS,
    INTERPOLATIONS,
    MIN_CHANGE,
    MIN_TURNS,
    RISK_ADJUSTMENTS,
    SETTLED_RATIO,
    THIRD_PARTY,
    KTABRun,
    challenges,
    interpolate,
    run_ktab,
    state_change,
)
from negsim.spatial.report import format_forecast, write_forecast

DATA = Path(__file__).parent / "data"
PRINTED = 0.00005 + 1e-9  # half a unit of KTAB's fourth printed decimal


def _reference() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(positions[t, i, k], win[t, i], ratio[t - 1])`` from the turns fixture."""
    positions, win, ratio = np.zeros((11, 7, 3)), np.zeros((11, 7)), np.zeros(10)
    with open(DATA / "ktab_ref_dummyData_3Dim_turns.csv", encoding="utf-8") as handle:
        rows = csv.DictReader(line for line in handle if not line.startswith("#"))
        for row in rows:
            t, i = int(row["state"]), int(row["actor"][-2:])
            positions[t, i] = [float(row[f"pos{k}"]) for k in (1, 2, 3)]
            win[t, i] = float(row["win_probability"])
            if t:
                ratio[t - 1] = float(row["change_ratio"])
    return positions, win, ratio


@pytest.fixture(scope="module")
def dummy() -> ActorData:
    return read_actor_csv(DATA / "ktab_dummyData_3Dim.csv")


@pytest.fixture(scope="module")
def reference_run(dummy: ActorData) -> KTABRun:
    return run_ktab(dummy)


def _same(a: KTABRun, b: KTABRun) -> None:
    """The same run: histories, turns, choices and bargains."""
    for name in ("positions", "win_probability", "expected_position", "change_ratio"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    assert (a.turns, a.stopped, a.seed) == (b.turns, b.stopped, b.seed)
    for x, y in zip(a.steps, b.steps, strict=True):
        assert (x.target, x.options, x.chosen, x.bargains) == (
            y.target,
            y.options,
            y.chosen,
            y.bargains,
        )


# --- KTAB's own reference run ---


def test_the_dummy_data_run_reproduces_ktabs_reference_in_every_state(
    reference_run: KTABRun,
) -> None:
    # KTAB examples/smp/doc/20170530_ref-dummyData_3Dim.txt, default parameters (fixture
    # header): positions printed to 4 decimals after every turn, winning probabilities to 4,
    # the change ratio of the stopping rule to 4. Deterministic transitions: KTAB draws no
    # random numbers in this run, so the whole trajectory is reproduced, not a distribution.
    positions, win, ratio = _reference()
    run = reference_run
    assert (run.turns, run.stopped) == (10, "settled")  # KTAB: "11 states, with 10 steps"
    assert np.abs(run.positions[:11] - positions).max() <= PRINTED
    assert np.abs(run.win_probability[:11] - win).max() <= PRINTED
    assert np.abs(run.change_ratio - ratio).max() <= PRINTED
    assert run.change_ratio[-1] < SETTLED_RATIO <= run.change_ratio[MIN_TURNS - 1 : -1].min()


def test_the_first_turns_challenges_and_bargains_match_the_reference(
    reference_run: KTABRun,
) -> None:
    # The same file, turn 0: "In turn 0 actor i has most advantageous target j", "Est by i of
    # prob P that [i> j], with expected gain to i of G" (4 decimals) and the bargains
    # "i proposes i adopt" / "i proposes j adopt" (3 decimals, 0-100 scale).
    step = reference_run.steps[0]
    assert step.target == (6, 0, 6, 0, 0, 1, 1)
    seen = {  # (i, j): (P, gain)
        (0, 6): (0.7643, 0.0947),
        (5, 1): (0.8510, 0.2986),
        (1, 0): (0.7964, 0.2810),
        (6, 1): (0.3970, 0.0286),
        (2, 6): (0.8334, 0.4711),
        (4, 0): (0.5836, 0.0116),
        (3, 0): (0.8056, 0.2839),
    }
    for (i, j), (p, gain) in seen.items():
        assert step.challenge_probability[i, j] == pytest.approx(p, abs=PRINTED)
        assert step.challenge_gain[i, j] == pytest.approx(gain, abs=PRINTED)
    bargain = next(b for b in step.bargains if (b.initiator, b.receiver) == (0, 6))
    assert bargain.initiator_position == pytest.approx([75.610, 24.780, 71.950], abs=5e-4)
    assert bargain.receiver_position == pytest.approx([75.610, 24.790, 71.950], abs=5e-4)
    # actor 0 chose among the status quo and bargains 0:6, 1:0, 4:0, 3:0 with probabilities
    # 0.0004, 0.2938, 0.0137, 0.4968, 0.1953 and took 4:0 ("Chosen bargain ... 4 out of 5")
    pairs = [(-1, -1)] + [
        (step.bargains[b].initiator, step.bargains[b].receiver) for b in step.options[0][1:]
    ]
    probability = dict(zip(pairs, step.choice_probability[0], strict=True))
    expected = {(-1, -1): 0.0004, (0, 6): 0.2938, (1, 0): 0.0137, (4, 0): 0.4968, (3, 0): 0.1953}
    for pair, p in expected.items():
        assert probability[pair] == pytest.approx(p, abs=PRINTED)
    assert pairs[step.chosen[0]] == (4, 0)
    assert step.next_positions[0] == pytest.approx([79.54, 44.71, 72.05])


def test_state_zero_is_the_first_turn(dummy: ActorData, reference_run: KTABRun) -> None:
    turn = first_turn(dummy)
    state = reference_run.states[0]
    # equal up to the capability rescaling (KTAB's ε against a different scale)
    assert state.risk == pytest.approx(turn.risk, abs=1e-9)
    assert state.win_probability == pytest.approx(turn.win_probability, abs=1e-9)
    assert len(reference_run.states) == reference_run.turns + 1


# --- the formulas, by hand ---


def test_interpolation_weights_salience_and_strength() -> None:
    t_i, t_j = np.array([0.2, 0.5]), np.array([0.8, 0.5])
    s_i, s_j = np.array([0.3, 0.2]), np.array([0.1, 0.2])
    b_i, b_j = interpolate(t_i, s_i, t_j, s_j, 0.75, "s2p2")
    w_i, w_j = (0.3 * 0.75) ** 2, (0.1 * 0.25) ** 2
    expected = ((w_i + 1e-6) * 0.2 + w_j * 0.8) / (w_i + 1e-6 + w_j)
    assert b_i[0] == round(expected, 4)  # rounded to 4 decimals on the unit scale
    assert b_j[0] == round((w_i * 0.2 + (w_j + 1e-6) * 0.8) / (w_i + 1e-6 + w_j), 4)
    assert b_i[1] == b_j[1] == 0.5  # they already agree
    b1, _ = interpolate(t_i, s_i, t_j, s_j, 0.75, "s1p1")
    w1_i, w1_j = 0.3 * 0.75, 0.1 * 0.25
    assert b1[0] == round(((w1_i + 1e-6) * 0.2 + w1_j * 0.8) / (w1_i + 1e-6 + w1_j), 4)
    # s2pmax: only the weaker side moves, by δ s_other² / (δ s_other² + μ + (1 - δ) s_own²)
    m_i, m_j = interpolate(t_i, s_i, t_j, s_j, 0.75, "s2pmax")
    assert m_i == pytest.approx(t_i)
    move = 0.5 * 0.09 / (0.5 * 0.09 + 1e-6 + 0.5 * 0.01)
    assert m_j[0] == pytest.approx(0.8 + move * (0.2 - 0.8))


def test_rounding_never_leaves_the_pair_interval() -> None:
    # two actors at 0.123456: KTAB's rounding alone would move them to 0.1235
    t = np.array([0.123456])
    b_i, b_j = interpolate(t, np.array([0.5]), t, np.array([0.5]), 0.6)
    assert b_i.tolist() == b_j.tolist() == t.tolist()


def test_a_two_actor_challenge_by_hand() -> None:
    # i = 0, j = 1, no third parties: P = (ε + w_0 (E00 - E01)) / (2ε + w_0 (...) + w_1 (...))
    e = np.array([[1.0, 0.4], [0.7, 1.0]])
    w, sigma = np.array([2.0, 1.0]), np.array([0.8, 0.5])
    p, gain = challenges(e, 0, w, sigma)
    c_i, c_j = 1e-10 + 2.0 * 0.6, 1e-10 + 1.0 * 0.3
    assert p[1] == pytest.approx(c_i / (c_i + c_j))
    contest = p[1] * 2.0 + (1 - p[1]) * 0.8
    assert gain[1] == pytest.approx((1 - 0.5) * 2.0 + 0.5 * contest - 1.4)
    assert np.isnan(p[0])
    assert np.isnan(gain[0])


def test_a_third_partys_vote_by_hand() -> None:
    # Actor 2 shares actor 0's position (E[2,0] = E[2,2] = 1, E[2,1] = 0.4). Its little contest
    # puts P(0 > 1) at π = (0.6 + 0.6) / 1.8 = 2/3. Semi-commitment (KTAB's thirdPartyVoteSU):
    # joining 0 is worth π(2·1 + 1) + (1 - π) 3·0.4 = 2.4, joining 1 π 3·1 + (1 - π)(2·0.4 + 1)
    # = 2.6, so it votes 0.2 for 1 -- joining the loser costs it its position only when it
    # sided with 0 -- and P = 0.6 / 1.4. Fully committed or not at all, the two are equal.
    e = np.array([[1.0, 0.4, 1.0], [0.4, 1.0, 0.4], [1.0, 0.4, 1.0]])
    w, sigma = np.ones(3), np.full(3, 0.5)
    assert challenges(e[:2, :2], 0, w[:2], sigma[:2])[0][1] == pytest.approx(0.5)
    assert challenges(e, 0, w, sigma)[0][1] == pytest.approx(0.6 / 1.4)
    for commit in ("full", "none"):
        assert challenges(e, 0, w, sigma, third_party=commit)[0][1] == pytest.approx(0.5)


def test_state_change_is_the_sum_of_each_actors_move() -> None:
    before = np.array([[0.0, 0.0], [50.0, 50.0]])
    after = np.array([[30.0, 40.0], [50.0, 50.0]])
    assert state_change(before, after) == pytest.approx(0.5)


def test_salience_totals_above_the_scale_are_shares_of_attention() -> None:
    # KTAB refuses totals above 100 %; negsim divides them by the total, which is the same run
    # as the data given as shares
    over = ActorData(["a", "b", "c"], [3, 2, 1], [[10, 80], [60, 20], [90, 50]],
                     [[90, 60], [50, 30], [20, 20]])  # fmt: skip
    shares = attrs.evolve(over, saliences=[[60, 40], [50, 30], [20, 20]])
    a, b = run_ktab(over, 6), run_ktab(shares, 6)
    np.testing.assert_allclose(a.positions, b.positions, atol=1e-9)


# --- options, rounds, stopping ---


def test_rounds_are_the_most_turns_and_later_rows_repeat() -> None:
    data = ActorData(["a", "b", "c"], [1.0, 1.0, 1.0], [[0.0], [40.0], [100.0]],
                     [[50.0], [50.0], [50.0]])  # fmt: skip
    none = run_ktab(data, 0)
    assert (none.turns, none.stopped, none.positions.shape) == (0, "no turns", (1, 3, 1))
    assert "no turns" in none.describe()
    one = run_ktab(data, 1)
    assert (one.turns, one.stopped) == (1, "rounds")
    assert "ran out" in one.describe()
    run = run_ktab(data, 10)
    assert (run.turns, run.stopped, run.rounds) == (3, "settled", 10)
    assert "settled" in run.describe()
    assert (run.positions[run.turns :] == run.positions[run.turns]).all()
    assert (run.win_probability[run.turns :] == run.win_probability[run.turns]).all()
    with pytest.raises(ValidationError, match="rounds"):
        run_ktab(data, -1)


@pytest.mark.parametrize(
    ("option", "values"),
    [
        ("risk_adjust", tuple(RISK_ADJUSTMENTS)),
        ("third_party", THIRD_PARTY),
        ("interpolation", INTERPOLATIONS),
        ("bargains", BARGAIN_MODELS),
    ],
)
def test_every_variant_runs_and_the_default_is_ktabs(
    dummy: ActorData, reference_run: KTABRun, option: str, values: tuple[str, ...]
) -> None:
    runs = {value: run_ktab(dummy, 4, **{option: value}) for value in values}
    default = {"risk_adjust": "one_third", "third_party": "semi", "interpolation": "s2p2",
               "bargains": "init_only"}[option]  # fmt: skip
    np.testing.assert_array_equal(runs[default].positions[:5], reference_run.positions[:5])
    assert any(not np.array_equal(r.positions, runs[default].positions) for r in runs.values())


def test_options_are_validated(dummy: ActorData) -> None:
    with pytest.raises(ValidationError, match="did you mean 'semi'"):
        run_ktab(dummy, 1, third_party="sem")
    for option in ("risk_adjust", "interpolation", "bargains", "transitions"):
        with pytest.raises(ValidationError, match=option):
            run_ktab(dummy, 1, **{option: "nonsense"})
    _same(run_ktab(dummy, 1, interpolation="S2P2"), run_ktab(dummy, 1))
    with pytest.raises(ValidationError, match="rng"):
        make_model("ktab", seed=-1)


def test_stochastic_transitions_are_seeded(dummy: ActorData) -> None:
    first = run_ktab(dummy, 5, transitions="stochastic", rng=7)
    again = run_ktab(dummy, 5, transitions="stochastic", rng=7)
    assert first.seed == 7
    _same(first, again)
    draws = {run_ktab(dummy, 5, transitions="stochastic", rng=s).positions.tobytes()
             for s in range(6)}  # fmt: skip
    assert len(draws) > 1
    assert run_ktab(dummy, 5).seed is None
    model = make_model("ktab", transitions="stochastic", seed=7)
    _same(model.run(dummy, 5).detail[0], first)


def test_the_forecast_records_what_the_model_did(dummy: ActorData, tmp_path: Path) -> None:
    forecast = make_model("ktab").run(dummy, 20)
    run = forecast.detail[0]
    assert forecast.rounds == 20
    assert (run.turns, run.stopped) == (10, "settled")
    np.testing.assert_array_equal(forecast.positions, run.positions)
    np.testing.assert_array_equal(forecast.forecasts["expected"], run.expected_position)
    text = format_forecast(forecast)
    assert "10 turns: settled (turn 10 moved 0.45% of the first turn's change" in text
    assert "  turn 1: 7 challenges (SActor-00 > SActor-06" in text
    write_forecast(tmp_path, forecast, plots=False)
    record = json.loads((tmp_path / "forecast.json").read_text(encoding="utf-8"))
    assert record["ending"] == run.describe()
    assert record["ending"].startswith("10 turns: settled")


# --- properties ---


@given(actor_data(max_actors=6), st.data())
def test_a_run_keeps_positions_in_range_and_probabilities_distributions(
    data: ActorData, draw: st.DataObject
) -> None:
    offsets = draw.draw(st.floats(0.0, 0.99).map(lambda x: x * np.ones(data.positions.shape)))
    data = attrs.evolve(data, positions=np.clip(data.positions + offsets, 0, 100))
    run = run_ktab(data, 8)
    low, high = data.positions.min(axis=0), data.positions.max(axis=0)
    assert ((run.positions >= low - 1e-9) & (run.positions <= high + 1e-9)).all()
    for state in run.states:
        assert state.outcome_probability.sum() == pytest.approx(1.0)
        assert (state.win_probability >= state.outcome_probability - 1e-15).all()
    for step in run.steps:
        for p, options in zip(step.choice_probability, step.options, strict=True):
            assert len(p) == len(options)
            assert p.sum() == pytest.approx(1.0)
        finite = ~np.isnan(step.challenge_probability)
        assert ((step.challenge_probability[finite] >= 0) &
                (step.challenge_probability[finite] <= 1)).all()  # fmt: skip


@given(actor_data(max_actors=6), st.integers(0, 12))
def test_the_stopping_rule_holds(data: ActorData, rounds: int) -> None:
    run = run_ktab(data, rounds)
    assert run.turns <= rounds
    assert run.positions.shape[0] == rounds + 1
    changes = [step.change for step in run.steps]
    for t, change in enumerate(changes, start=1):
        assert run.change_ratio[t - 1] == pytest.approx(change / (changes[0] + MIN_CHANGE))
        assert change == pytest.approx(
            state_change(run.positions[t - 1], run.positions[t]), abs=1e-12
        )
    quiet = [t for t in range(MIN_TURNS, run.turns + 1) if run.change_ratio[t - 1] < SETTLED_RATIO]
    if run.stopped == "settled":
        assert quiet == [run.turns]  # it stops at the first quiet turn
    else:
        assert quiet == []
        assert run.turns == rounds
    _same(run, run_ktab(data, rounds))  # deterministic: the same run again


@given(actor_data(max_actors=5))
def test_an_actor_keeps_its_position_or_takes_a_bargains(data: ActorData) -> None:
    run = run_ktab(data, 3)
    for step in run.steps:
        for k, (options, pick) in enumerate(zip(step.options, step.chosen, strict=True)):
            b = options[pick]
            if b < 0:
                np.testing.assert_array_equal(step.next_positions[k], step.positions[k])
                continue
            bargain = step.bargains[b]
            assert k in (bargain.initiator, bargain.receiver)
            mine = (
                bargain.initiator_position if bargain.initiator == k else bargain.receiver_position
            )
            np.testing.assert_allclose(step.next_positions[k], mine)
        own = risk_utility(step.state.distance, step.state.risk)
        assert np.diag(own) == pytest.approx(np.ones(data.n_actors))


def test_the_command_line_runs_at_most_rounds_turns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from negsim import cli

    path = str(DATA / "ktab_dummyData_3Dim.csv")
    out = str(tmp_path / "out")
    assert cli.main(["forecast", path, "--model", "ktab", "--rounds", "3", "--out", out]) == 0
    text = capsys.readouterr().out
    assert "3 turns: the turns ran out before positions settled" in text
    assert "  turn 3: " in text
    assert "  turn 4: " not in text
    assert (tmp_path / "out" / "positions.png").exists()
    assert cli.main(["forecast", path, "--model", "ktab", "--rounds", "30", "--no-plots",
                     "--out", out]) == 0  # fmt: skip
    assert "10 turns: settled" in capsys.readouterr().out
