"""Stokman's forecast and exchange model: hand-computed cases, invariants and properties."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import actor_data

from negsim.errors import ValidationError
from negsim.spatial import ActorData, read_actor_csv
from negsim.spatial.stokman import (
    Exchange,
    exchange_candidates,
    exchange_step,
    run_exchanges,
    stokman_forecast,
)

DATA = Path(__file__).parent / "data"
RULES = st.sampled_from(["equal_gain", "nash"])
AT_FORECAST = st.sampled_from(["exclude", "supply"])


def two_actors() -> ActorData:
    return ActorData(["A", "B"], [1, 1], [[0, 0], [100, 100]], [[80, 40], [20, 60]], ["p", "q"])


def _apply(data: ActorData, e: Exchange) -> ActorData:
    x = np.array(data.positions)
    x[e.i, e.q] = e.position_i
    x[e.j, e.p] = e.position_j
    return attrs.evolve(data, positions=x)


def _gain(data: ActorData, after: ActorData, actor: int) -> float:
    """Salience (0–1) times the reduction of the distance from the forecast, summed."""
    before_x, after_x = stokman_forecast(data), stokman_forecast(after)
    x, s = data.positions[actor], data.saliences[actor] / 100
    return float((s * (np.abs(before_x - x) - np.abs(after_x - x))).sum())


# --- the forecast ---


def test_weighted_mean_known_answers() -> None:
    # weights c_i s_i = 50, 100, 100: (0·50 + 30·100 + 100·100) / 250 = 52
    data = ActorData(["a", "b", "c"], [1, 2, 1], [0, 30, 100], [50, 50, 100])
    assert stokman_forecast(data).tolist() == [52.0]
    # Bueno de Mesquita (1994), EU emission standards: the power x salience mean is 7.389956
    eu = read_actor_csv(DATA / "bdm_eu_emission_standards.csv")
    assert stokman_forecast(eu)[0] == pytest.approx(7.389956, abs=5e-7)
    assert not stokman_forecast(eu).flags.writeable


def test_an_issue_nobody_cares_about_is_refused_not_forecast_as_nan() -> None:
    with pytest.raises(ValidationError, match=r"saliences\.dim2: every actor has 0"):
        ActorData(["A", "B"], [1, 1], [[0, 0], [100, 100]], [[80, 0], [20, 0]])


# --- hand-computed cases ---


def test_two_actors_two_issues_by_hand() -> None:
    # c = (1, 1); A: x = (0, 0), s = (80, 40); B: x = (100, 100), s = (20, 60); σ = s / 100.
    # W_p = 80 + 20 = 100, x̄_p = (0·80 + 100·20)/100 = 20; W_q = 40 + 60 = 100, x̄_q = 60.
    # σ_Ap/σ_Aq = 2 > σ_Bp/σ_Bq = 1/3: A demands p (B moves on p), A gives way on q.
    # Caps: B all the way to 0 on p shifts x̄_p by 100·20/100 = 20 (= |x̄_p - 0|): P = 20;
    #       A all the way to 100 on q shifts x̄_q by 100·40/100 = 40 (= |60 - 100|): Q = 40.
    # Equal gain: Δp (0.8 + 0.2) = Δq (0.4 + 0.6), r = 1; Δq = min(Q, P/r) = 20, Δp = 20.
    # B moves fully, 100 -> 0 (move -100); A moves Δq·W_q/w_Aq = 20·100/40 = 50, 0 -> 50.
    # Gains: A 0.8·20 - 0.4·20 = 8; B 0.6·20 - 0.2·20 = 8;
    #        formula Δq (σ_Ap σ_Bq - σ_Aq σ_Bp)/(σ_Ap + σ_Bp) = 20 (0.48 - 0.08)/1 = 8.
    # New forecasts: x̄_p = 0, x̄_q = (50·40 + 100·60)/100 = 80; shifts -20, +20.
    data = two_actors()
    assert stokman_forecast(data).tolist() == [20.0, 60.0]
    (e,) = exchange_candidates(data)
    assert (e.i, e.j, e.p, e.q, e.actors, e.issues) == (0, 1, 0, 1, ("A", "B"), ("p", "q"))
    assert (e.move_i, e.move_j, e.position_i, e.position_j) == (50.0, -100.0, 50.0, 0.0)
    assert e.gain_i == pytest.approx(8.0)
    assert e.gain_j == pytest.approx(8.0)
    assert (e.shift_p, e.shift_q) == pytest.approx((-20.0, 20.0))
    step = exchange_step(data)
    assert step.exchanges == (e,)
    assert step.data.positions.tolist() == [[0.0, 50.0], [0.0, 100.0]]
    assert step.before.tolist() == [20.0, 60.0]
    assert step.after.tolist() == [0.0, 80.0]
    assert step.shift.tolist() == [-20.0, 20.0]
    assert step.n_candidates == 1


def test_two_actors_nash_rule_by_hand() -> None:
    # Same data. On the edge Δp = P = 20 the product is (16 - 0.4 Δq)(0.6 Δq - 4), maximal at
    # Δq = (16·0.6 + 0.4·4)/(2·0.4·0.6) = 70/3 (<= Q = 40): gains 16 - 28/3 = 20/3 and 14 - 4
    # = 10, product 66.7. On the edge Δq = 40 the best is the corner Δp = 20, where A gains 0.
    # A moves Δq·100/40 = 175/3; B moves fully. The equal-gain product is only 64.
    (e,) = exchange_candidates(two_actors(), rule="nash")
    assert e.gain_i == pytest.approx(20 / 3)
    assert e.gain_j == pytest.approx(10.0)
    assert e.move_i == pytest.approx(175 / 3)
    assert e.move_j == -100.0
    assert (e.shift_p, e.shift_q) == pytest.approx((-20.0, 70 / 3))


def test_forecast_cap_by_hand() -> None:
    # p: A 10 (s 80), B 100 (s 10), C 0 (s 10); W_p = 100, x̄_p = (800 + 1000)/100 = 18.
    # q: A 0 (s 20), B 100 (s 80), C 50 (s 0);  W_q = 100, x̄_q = 80.
    # B fully to 10 on p would shift x̄_p by 90·10/100 = 9, past A's 10: P = |18 - 10| = 8.
    # A fully to 100 on q shifts x̄_q by 100·20/100 = 20 = |80 - 100|: Q = 20.
    # r = (0.2 + 0.8)/(0.8 + 0.1) = 10/9; P = 8 <= r Q: Δp = 8, Δq = 8 · 0.9 = 7.2.
    # B moves 8/9 of the way: 100 -> 20; A moves 7.2·100/20 = 36: 0 -> 36.
    # Gains: A 0.8·8 - 0.2·7.2 = 4.96; B 0.8·7.2 - 0.1·8 = 4.96. C has no weight on q, so
    # no exchange with C shifts x̄_q: (B, C) is not feasible; A and C are on the same sides.
    data = ActorData(
        ["A", "B", "C"], [1, 1, 1], [[10, 0], [100, 100], [0, 50]], [[80, 20], [10, 80], [10, 0]]
    )
    assert stokman_forecast(data).tolist() == pytest.approx([18.0, 80.0])
    (e,) = exchange_candidates(data)
    assert (e.actors, e.p, e.q) == (("A", "B"), 0, 1)
    assert (e.position_i, e.position_j) == pytest.approx((36.0, 20.0))
    assert (e.gain_i, e.gain_j) == pytest.approx((4.96, 4.96))
    after = exchange_step(data).after
    assert after.tolist() == pytest.approx([10.0, 87.2])  # x̄_p lands on A's position


def test_an_actor_at_the_forecast() -> None:
    # x̄_p = (0·50 + 100·50 + 50·10)/110 = 50: C sits on the forecast of p.
    data = ActorData(
        ["A", "B", "C"],
        [1, 1, 1],
        [[0, 100], [100, 100], [50, 0]],
        [[50, 10], [50, 10], [10, 90]],
    )
    assert stokman_forecast(data)[0] == 50.0
    strict = exchange_candidates(data, at_forecast="exclude")
    assert all((2, 0) not in e.actor_issues for e in strict)
    loose = exchange_candidates(data, at_forecast="supply")
    with_c = [e for e in loose if (2, 0) in e.actor_issues]
    assert with_c, "C may give way on p"
    for e in with_c:
        assert (e.j, e.p) == (2, 0)  # C supplies p, never demands it
        assert e.gain_j == pytest.approx(_gain(data, _apply(data, e), 2))


def test_no_exchange_without_opposite_sides_or_different_priorities() -> None:
    same_side = ActorData(
        ["A", "B", "C"], [1, 1, 1], [[0, 0], [10, 10], [100, 100]], [[80, 20], [80, 20], [20, 80]]
    )
    equal_ratio = ActorData(["A", "B"], [1, 1], [[0, 0], [100, 100]], [[80, 40], [40, 20]])
    assert exchange_candidates(equal_ratio) == ()
    # x̄ = (15.6, 68.3): A and B are below both forecasts, C above both
    candidates = exchange_candidates(same_side)
    assert {(e.i, e.j) for e in candidates} == {(0, 2), (1, 2)}  # never (A, B)


# --- runs ---


def test_run_stops_early_and_repeats_the_last_state() -> None:
    run = run_exchanges(two_actors(), rounds=3)
    assert run.positions.shape == (4, 2, 2)
    assert run.forecasts.shape == (4, 2)
    assert len(run.steps) == 1
    assert run.converged
    assert run.forecasts.tolist() == [[20.0, 60.0], [0.0, 80.0], [0.0, 80.0], [0.0, 80.0]]
    assert (run.positions[1:] == run.positions[1]).all()
    assert run.final is run.steps[0].data
    assert (run.rule, run.at_forecast) == ("equal_gain", "exclude")
    assert not run.positions.flags.writeable
    assert not run.forecasts.flags.writeable
    zero = run_exchanges(two_actors(), rounds=0)
    assert zero.positions.shape == (1, 2, 2)
    assert zero.steps == ()
    assert not zero.converged
    assert zero.final.positions.tolist() == [[0.0, 0.0], [100.0, 100.0]]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"rule": "bogus"}, "rule"),
        ({"at_forecast": "between"}, "at_forecast"),
        ({"salience_scale": 0.0}, "salience_scale"),
        ({"salience_scale": float("nan")}, "salience_scale"),
    ],
)
def test_bad_options_are_rejected(kwargs: dict[str, Any], field: str) -> None:
    for call in (exchange_candidates, exchange_step):
        with pytest.raises(ValidationError) as error:
            call(two_actors(), **kwargs)
        assert error.value.field == field
    with pytest.raises(ValidationError):
        run_exchanges(two_actors(), 2, **kwargs)


@pytest.mark.parametrize("rounds", [-1, 1.5, True, "3"])
def test_bad_rounds_are_rejected(rounds: Any) -> None:
    with pytest.raises(ValidationError, match="rounds"):
        run_exchanges(two_actors(), rounds)


# --- properties ---


def _between(value: float, a: float, b: float) -> bool:
    return min(a, b) - 1e-9 <= value <= max(a, b) + 1e-9


@given(actor_data(), RULES, AT_FORECAST)
def test_every_candidate_is_a_feasible_exchange(data: ActorData, rule: Any, at: Any) -> None:
    x = data.positions
    xbar = stokman_forecast(data)
    for e in exchange_candidates(data, rule=rule, at_forecast=at):
        assert e.i < e.j
        assert e.p != e.q
        assert e.gain_i > 0
        assert e.gain_j > 0
        if rule == "equal_gain":
            assert e.gain_i == e.gain_j
        s = data.saliences
        assert s[e.i, e.p] * s[e.j, e.q] > s[e.i, e.q] * s[e.j, e.p]
        # no move overshoots the partner's position, and moves go towards it
        assert _between(e.position_i, x[e.i, e.q], x[e.j, e.q])
        assert _between(e.position_j, x[e.j, e.p], x[e.i, e.p])
        after = _apply(data, e)
        new = stokman_forecast(after)
        # the reported gains are the salience-weighted distance reductions
        assert e.gain_i == pytest.approx(_gain(data, after, e.i), abs=1e-9)
        assert e.gain_j == pytest.approx(_gain(data, after, e.j), abs=1e-9)
        assert new[e.p] - xbar[e.p] == pytest.approx(e.shift_p, abs=1e-9)
        assert new[e.q] - xbar[e.q] == pytest.approx(e.shift_q, abs=1e-9)
        # the forecast never passes the demanding actor's position
        assert _between(new[e.p], xbar[e.p], x[e.i, e.p])
        assert _between(new[e.q], xbar[e.q], x[e.j, e.q])
        # one of the two moves all the way, or brings a forecast to the demander's position
        full = e.position_i == x[e.j, e.q] or e.position_j == x[e.i, e.p]
        landed = np.isclose(new[e.p], x[e.i, e.p]) or np.isclose(new[e.q], x[e.j, e.q])
        assert full or landed


@given(actor_data())
def test_nash_product_is_at_least_the_equal_gain_product(data: ActorData) -> None:
    equal = {(e.i, e.j, e.p, e.q): e for e in exchange_candidates(data)}
    nash = {(e.i, e.j, e.p, e.q): e for e in exchange_candidates(data, rule="nash")}
    for key in equal.keys() & nash.keys():
        e, n = equal[key], nash[key]
        assert n.gain_i * n.gain_j >= e.gain_i * e.gain_j * (1 - 1e-9)


@given(actor_data())
def test_supply_at_the_forecast_only_adds_candidates(data: ActorData) -> None:
    strict = set(exchange_candidates(data, at_forecast="exclude"))
    assert strict <= set(exchange_candidates(data, at_forecast="supply"))


@given(actor_data(), RULES)
def test_a_step_is_greedy_and_uses_each_actor_issue_once(data: ActorData, rule: Any) -> None:
    candidates = exchange_candidates(data, rule=rule)
    step = exchange_step(data, rule=rule)
    assert step.n_candidates == len(candidates)
    used = [pair for e in step.exchanges for pair in e.actor_issues]
    assert len(used) == len(set(used))
    assert len(step.exchanges) <= data.n_actors * data.n_dimensions // 4
    gains = [e.gain for e in step.exchanges]
    assert gains == sorted(gains, reverse=True)
    for c in candidates:  # every candidate left out clashes with a better realised one
        if c not in step.exchanges:
            assert any(
                set(c.actor_issues) & set(e.actor_issues) and e.gain >= c.gain
                for e in step.exchanges
            )
    assert bool(step.exchanges) == bool(candidates)
    shift = np.zeros(data.n_dimensions)
    for e in step.exchanges:
        shift[e.p] += e.shift_p
        shift[e.q] += e.shift_q
    assert np.allclose(step.shift, shift, atol=1e-9)
    assert not step.data.positions.flags.writeable
    assert step.data.names == data.names
    assert (step.data.saliences == data.saliences).all()


@given(actor_data(max_actors=6), st.integers(0, 4), RULES, AT_FORECAST)
def test_runs_stay_within_the_initial_range(
    data: ActorData, rounds: int, rule: Any, at: Any
) -> None:
    run = run_exchanges(data, rounds, rule=rule, at_forecast=at)
    n, m = data.n_actors, data.n_dimensions
    assert run.positions.shape == (rounds + 1, n, m)
    assert run.forecasts.shape == (rounds + 1, m)
    low, high = data.positions.min(axis=0), data.positions.max(axis=0)
    assert ((run.positions >= low) & (run.positions <= high)).all()
    assert len(run.steps) <= rounds
    for t, step in enumerate(run.steps):
        assert np.array_equal(step.data.positions, run.positions[t + 1])
        assert np.allclose(step.after, run.forecasts[t + 1], equal_nan=True)
    k = len(run.steps)
    assert (run.positions[k:] == run.positions[k]).all()
    if run.converged:
        assert exchange_candidates(run.final, rule=rule, at_forecast=at) == ()
