"""Tournaments: who meets whom, the scores, the ranking and its stability, the exports."""

from __future__ import annotations

import csv
import io
import itertools
import math
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import attrs
import numpy as np
import pytest
from cases import kill_once_stored
from hypothesis import given
from hypothesis import strategies as st
from strategies import agent_names, mirrored_scenarios, scenario_data, small_scenarios

import negsim
from negsim import analysis
from negsim.display import MAX_REPR
from negsim.errors import ValidationError
from negsim.parallel import ExecutorFailed
from negsim.scenario import scenario_from_data
from negsim.store import RunStore, StoreMismatch
from negsim.tournaments import (
    METRICS,
    RANKED,
    STORE_COLUMNS,
    TournamentResult,
    kendall_tau,
    ranking_stability,
    tournament,
)

FIELD = ["boulware", "conceder", "linear", "hardliner", "tit-for-tat", "random"]
THREE_PARTIES = scenario_from_data(
    scenario_data({"a": [0.0, 0.5, 1.0], "b": [1.0, 0.5, 0.0], "c": [0.2, 1.0, 0.0]})
)


@pytest.fixture(scope="module")
def bundled() -> TournamentResult:
    return tournament(FIELD, ["kurils-2016", "split-the-pie", "two-issue-trade"], 4, rng=7)


# --- who meets whom --------------------------------------------------------------------------
def test_a_bilateral_scenario_plays_every_pair_in_both_orders(bundled: TournamentResult) -> None:
    assert bundled.n_negotiations == 3 * 4 * 6 * 5
    for s in range(3):
        rows = bundled.scenario == s
        pairs = Counter(map(tuple, bundled.seats[rows].tolist()))
        assert set(pairs) == set(itertools.permutations(range(6), 2))
        assert set(pairs.values()) == {4}  # once per seed


def test_self_play_adds_each_agent_against_itself() -> None:
    result = tournament(["boulware", "conceder"], "split-the-pie", self_play=True, rng=0)
    assert sorted(map(tuple, result.seats.tolist())) == [(0, 0), (0, 1), (1, 0), (1, 1)]


def test_a_multilateral_scenario_seats_each_agent_in_each_role_against_the_field() -> None:
    result = tournament(["boulware", "conceder", "linear", "hardliner"], [THREE_PARTIES], 2, rng=0)
    assert result.n_negotiations == 2 * 4 * 3 * 2
    assert set(map(tuple, result.seats.tolist())) == set(itertools.permutations(range(4), 3))
    for role in range(3):
        assert set(Counter(result.seats[:, role].tolist()).values()) == {6 * 2}


def test_mixed_party_counts_pad_the_seats() -> None:
    result = tournament(FIELD[:4], ["split-the-pie", THREE_PARTIES], rng=0)
    two = result.scenario == 0
    assert (result.seats[two, 2] == -1).all()
    assert np.isnan(result.utilities[two, 2]).all()
    record = result.to_records()[0]
    assert record["agent_3"] is None
    assert record["utility_3"] is None
    assert record["n_parties"] == 2


def test_every_seed_is_a_child_of_the_base_seed_shared_by_all_pairings() -> None:
    result = tournament(FIELD[:3], ["split-the-pie", "two-issue-trade"], 3, rng=11)
    children = negsim.rng.spawn_seeds(11, 3)
    np.testing.assert_array_equal(result.seeds, np.asarray(children)[result.repetition])
    assert result.seed == 11


def test_each_recorded_negotiation_replays_from_its_seed(bundled: TournamentResult) -> None:
    scenarios = {name: negsim.load_scenario(name) for name in bundled.scenarios}
    for i in range(0, bundled.n_negotiations, 17):
        scenario = scenarios[bundled.scenarios[bundled.scenario[i]]]
        agents = [negsim.make_agent(bundled.agents[a]) for a in bundled.seats[i, :2]]
        run = scenario.run(
            int(bundled.seeds[i]), agents=dict(zip(scenario.keys, agents, strict=True))
        )
        np.testing.assert_array_equal(run.payoffs, bundled.utilities[i, :2])
        assert run.result.agreed == bundled.agreed[i]


def test_results_are_the_same_serial_on_threads_and_on_a_process_pool() -> None:
    args = (FIELD, ["split-the-pie", "kurils-2016"], 3)
    serial = tournament(*args, rng=5)
    with ProcessPoolExecutor(2) as pool:
        processes = tournament(*args, rng=5, executor=pool, chunksize=7)
    with ThreadPoolExecutor(3) as pool:
        threads = tournament(*args, rng=5, executor=pool)
    assert serial.to_csv() == processes.to_csv() == threads.to_csv()
    assert serial.ranking().to_csv() == processes.ranking().to_csv()


def test_progress_reports_every_negotiation() -> None:
    calls: list[tuple[int, int]] = []
    tournament(
        FIELD[:3],
        "split-the-pie",
        2,
        rng=0,
        chunksize=5,
        progress=lambda d, t: calls.append((d, t)),
    )
    assert calls[-1] == (12, 12)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


# --- the scores ------------------------------------------------------------------------------
def test_scores_match_the_analysis_functions_negotiation_by_negotiation(
    bundled: TournamentResult,
) -> None:
    """The vectorised per-scenario scores equal analysis.py's per-point functions."""
    for s, name in enumerate(bundled.scenarios):
        scenario = negsim.load_scenario(name)
        U = negsim.utility_matrix(scenario.preferences)
        d = np.array([p.reservation for p in scenario.preferences])
        nash = analysis.nash_point(U, d)
        for i in np.flatnonzero(bundled.scenario == s)[::5]:
            u = bundled.utilities[i, :2]
            point = U[bundled.agreement[i]] if bundled.deal[i] else d
            np.testing.assert_allclose(bundled.points[i, :2], point)
            assert bundled.social_welfare[i] == pytest.approx(u.sum())
            assert bundled.nash_product[i] == pytest.approx(np.prod(np.maximum(u - d, 0)))
            assert bundled.pareto_distance[i] == pytest.approx(
                analysis.distance_to_frontier(U, point)
            )
            expected = math.nan if nash is None else analysis.distance_to_point(U, point, nash)
            assert bundled.nash_distance[i] == pytest.approx(expected, nan_ok=True)


def test_without_a_deal_the_payoffs_are_the_reservations_and_the_nash_product_zero(
    bundled: TournamentResult,
) -> None:
    none = ~bundled.deal
    assert none.any()
    assert (bundled.nash_product[none] == 0).all()
    assert (bundled.agreement[~bundled.agreed] == -1).all()


def test_without_acceptable_outcomes_the_distances_are_undefined() -> None:
    """Kurils 2020-2022: every outcome crosses a red line of one side."""
    result = tournament(FIELD[:3], "kurils-2020-2022", rng=0)
    assert np.isnan(result.pareto_distance).all()
    assert np.isnan(result.nash_distance).all()
    assert np.isnan(result.means("pareto_distance")).all()
    assert all(r["pareto_distance"] is None for r in result.to_records())


def test_a_hand_computed_tournament() -> None:
    """Split the pie, reservation 0.1 each: boulware-conceder agree on 8:2 (either order),
    hardliner agrees with nobody; so the means are (0.8+0.1)/2, (0.2+0.1)/2 and 0.1."""
    result = tournament(["boulware", "conceder", "hardliner"], "split-the-pie", rng=1)
    np.testing.assert_allclose(result.means("utility"), [0.45, 0.15, 0.1])
    np.testing.assert_allclose(result.means("agreement_rate"), [0.5, 0.5, 0.0])
    table = result.ranking()
    assert table.agents == ("boulware", "conceder", "hardliner")
    assert table.rank.tolist() == [1, 2, 3]
    assert table.n_seats.tolist() == [4, 4, 4]


# --- the ranking -----------------------------------------------------------------------------
def test_the_intervals_hold_the_means_and_need_two_seeds(bundled: TournamentResult) -> None:
    table = bundled.ranking()
    for metric in METRICS:
        finite = np.isfinite(table.means[metric])
        assert (table.low[metric][finite] <= table.means[metric][finite] + 1e-12).all()
        assert (table.means[metric][finite] <= table.high[metric][finite] + 1e-12).all()
    one = tournament(FIELD[:3], "split-the-pie", rng=0).ranking()
    assert np.isnan(one.low["utility"]).all()
    assert "one seed" in one.caption


def test_an_agent_that_meets_no_chance_gets_an_interval_of_width_zero() -> None:
    field = ["boulware", "conceder", "linear", "hardliner"]
    table = tournament(field, ["split-the-pie", "two-issue-trade"], 3, rng=1).ranking()
    np.testing.assert_array_equal(table.low["utility"], table.means["utility"])
    np.testing.assert_array_equal(table.high["utility"], table.means["utility"])
    assert "0.587 [0.587, 0.587]" in table.lines()[2]  # it printed 0.587 [0.588, 0.588]


def test_the_random_agent_s_interval_is_wider_than_zero(bundled: TournamentResult) -> None:
    table = bundled.ranking()
    k = table.agents.index("random")
    assert table.high["utility"][k] > table.low["utility"][k]


@pytest.mark.parametrize("by", RANKED)
def test_the_ranking_orders_the_agents_by_the_chosen_score(
    bundled: TournamentResult, by: str
) -> None:
    table = bundled.ranking(by=by)
    scores = table.means[by] if METRICS[by] else -table.means[by]
    finite = scores[np.isfinite(scores)]
    assert (np.diff(finite) <= 1e-12).all()
    assert (np.diff(table.rank) >= 0).all()
    assert table.rank[0] == 1


def test_tied_agents_share_a_rank() -> None:
    table = tournament(["linear", "time-dependent", "hardliner"], "split-the-pie", rng=0).ranking()
    assert table.rank.tolist() == [1, 1, 3]  # time-dependent's default is linear


def test_rankings_over_subsets_of_scenarios(bundled: TournamentResult) -> None:
    pie = bundled.ranking(scenarios=["split-the-pie"])
    alone = tournament(FIELD, "split-the-pie", 4, rng=7).ranking()
    np.testing.assert_allclose(pie.means["utility"], alone.means["utility"])
    assert pie.agents == alone.agents


# --- stability -------------------------------------------------------------------------------
def _tau_by_loops(x: list[float], y: list[float]) -> float:
    concordant = ties_x = ties_y = 0.0
    n = len(x)
    for i, j in itertools.combinations(range(n), 2):
        concordant += np.sign(x[i] - x[j]) * np.sign(y[i] - y[j])
        ties_x += x[i] == x[j]
        ties_y += y[i] == y[j]
    n0 = n * (n - 1) / 2
    return concordant / math.sqrt((n0 - ties_x) * (n0 - ties_y))


def test_kendall_tau_known_values() -> None:
    """Kendall (1938), Biometrika 30:81-93: 1 for the same order, -1 reversed; one swapped
    pair of four leaves 5 of 6 pairs concordant, tau = (5 - 1) / 6."""
    assert kendall_tau([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert kendall_tau([1, 2, 3, 4], [4, 3, 2, 1]) == -1.0
    assert kendall_tau([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(4 / 6)
    assert math.isnan(kendall_tau([1, 1, 1], [1, 2, 3]))
    with pytest.raises(ValidationError):
        kendall_tau([1, 2], [1, 2, 3])


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=2, max_size=12))
def test_kendall_tau_b_matches_its_definition(pairs: list[tuple[int, int]]) -> None:
    x, y = [float(a) for a, _ in pairs], [float(b) for _, b in pairs]
    if len(set(x)) < 2 or len(set(y)) < 2:
        assert math.isnan(kendall_tau(x, y))
    else:
        assert kendall_tau(x, y) == pytest.approx(_tau_by_loops(x, y))


def test_a_field_without_chance_is_ranked_identically_on_every_half_of_the_seeds() -> None:
    result = tournament(
        ["boulware", "conceder", "linear", "hardliner"], "two-issue-trade", 6, rng=0
    )
    stability = ranking_stability(result, n_splits=10)
    assert stability.identical == 1.0
    assert stability.min == 1.0
    assert stability.halves == 3


def test_ranking_stability_of_the_built_in_field(bundled: TournamentResult) -> None:
    stability = ranking_stability(bundled, n_splits=20)
    assert len(stability.taus) == 20
    assert -1 <= stability.min <= stability.mean <= 1
    assert stability.mean > 0.8  # the built-in agents' order hardly depends on the seeds
    again = ranking_stability(bundled, n_splits=20)
    np.testing.assert_array_equal(stability.taus, again.taus)
    with pytest.raises(ValidationError, match="at least 2 seeds"):
        ranking_stability(tournament(FIELD[:3], "split-the-pie", rng=0))


# --- exports and views -----------------------------------------------------------------------
def test_one_csv_row_per_negotiation(bundled: TournamentResult, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "negotiations.csv"
    text = bundled.to_csv(path)
    assert path.read_text(encoding="utf-8") == text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == bundled.n_negotiations
    assert rows[0]["scenario"] == "kurils-2016"
    assert rows[0]["role_1"] == "japan"
    assert float(rows[3]["utility_2"]) == bundled.utilities[3, 1]
    records = bundled.to_records()
    assert all(r.keys() == records[0].keys() for r in records)
    assert all(
        isinstance(v, str | int | float | bool | type(None)) for r in records for v in r.values()
    )


def test_ranking_csv_and_json(bundled: TournamentResult, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = list(csv.DictReader(io.StringIO(bundled.ranking().to_csv())))
    assert [r["agent"] for r in rows] == list(bundled.ranking().agents)
    assert {"utility", "utility_low", "utility_high", "nash_distance"} <= set(rows[0])
    bundled.to_json(tmp_path / "t.json")
    data = negsim.io.json.loads((tmp_path / "t.json").read_text())
    assert data["seed"] == 7
    assert data["agents"][0] == {
        "label": "boulware",
        **negsim.make_agent("boulware").describe(),
    }


def test_short_reprs_and_html(bundled: TournamentResult) -> None:
    assert len(repr(bundled)) <= MAX_REPR
    assert "negotiations=360" in repr(bundled)
    table = bundled.ranking()
    assert len(repr(table)) <= MAX_REPR
    html = bundled._repr_html_()
    assert html.startswith("<table>")
    assert all(agent in html for agent in FIELD)
    lines = table.lines()
    assert lines[0] == table.caption
    assert len(lines) == 2 + len(FIELD)


def test_agents_given_as_objects_or_a_mapping() -> None:
    boulware = negsim.TimeDependent(exponent=4.0)
    result = tournament([boulware, "conceder"], "split-the-pie", rng=0)
    assert result.agents == ("boulware", "conceder")
    mapped = tournament({"patient": boulware, "eager": "conceder"}, "split-the-pie", rng=0)
    assert mapped.agents == ("patient", "eager")
    np.testing.assert_array_equal(result.utilities, mapped.utilities)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"agents": ["nobody", "linear"]}, "no agent 'nobody'"),
        ({"agents": ["linear"]}, "at least 2 agents"),
        ({"agents": ["linear", "linear"]}, "named twice"),
        ({"agents": [3, "linear"]}, "got int"),
        ({"agents": []}, "none given"),
        ({"scenarios": []}, "none given"),
        ({"scenarios": ["split-the-pie", "split-the-pie"]}, "given twice"),
        ({"n_seeds": 0}, "n_seeds"),
        ({"n_seeds": True}, "n_seeds"),
        (
            {
                "agents": negsim.AGENTS.names(),
                "n_seeds": 10_000,
                "scenarios": ["split-the-pie", "two-issue-trade", "kurils-2016"],
            },
            "at most 5,000,000",
        ),
    ],
)
def test_bad_input_is_named(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"agents": FIELD[:2], "scenarios": ["split-the-pie"], **kwargs}
    with pytest.raises(ValidationError, match=message):
        tournament(**args)  # type: ignore[arg-type]


def test_an_unknown_scenario_is_a_scenario_error() -> None:
    with pytest.raises(negsim.ScenarioError, match="no such file or bundled scenario"):
        tournament(FIELD[:2], ["split-the-pi"])


def test_bad_ranking_requests(bundled: TournamentResult) -> None:
    with pytest.raises(ValidationError, match="one of utility"):
        bundled.ranking(by="rounds")
    with pytest.raises(ValidationError, match="no scenario"):
        bundled.ranking(scenarios=["kurils-1956"])
    with pytest.raises(ValidationError, match="confidence"):
        bundled.ranking(confidence=95)


# --- properties ------------------------------------------------------------------------------
@given(
    scenario=small_scenarios(),
    agents=st.lists(agent_names(), min_size=3, max_size=4, unique=True),
    seed=st.integers(0, 2**32),
)
def test_scores_stay_in_range(scenario: negsim.Scenario, agents: list[str], seed: int) -> None:
    result = tournament(agents, [scenario], 2, rng=seed)
    n = len(scenario.parties)
    u = result.utilities[:, :n]
    assert ((u >= 0) & (u <= 1)).all()  # utilities of one issue valued in [0, 1]
    assert ((result.nash_product >= 0) & (result.nash_product <= 1)).all()
    np.testing.assert_allclose(result.social_welfare, u.sum(axis=1))
    assert ((result.pareto_distance >= 0) | np.isnan(result.pareto_distance)).all()
    rates = result.means("agreement_rate")
    assert ((rates >= 0) & (rates <= 1)).all()
    assert 0 <= result.agreement_rate <= 1
    assert (result.rounds >= 1).all()
    assert (result.rounds <= scenario.protocol.n_rounds).all()
    assert (result.deal <= result.agreed).all()


@given(
    scenario=small_scenarios(max_parties=2),
    agents=st.lists(agent_names(), min_size=2, max_size=4, unique=True),
    order=st.randoms(use_true_random=False),
)
def test_the_order_of_the_agents_does_not_change_their_scores(
    scenario: negsim.Scenario, agents: list[str], order: object
) -> None:
    shuffled = list(agents)
    order.shuffle(shuffled)  # type: ignore[attr-defined]
    first = tournament(agents, [scenario], 2, rng=3)
    second = tournament(shuffled, [scenario], 2, rng=3)
    by_label = dict(zip(second.agents, second.means("utility"), strict=True))
    np.testing.assert_allclose(first.means("utility"), [by_label[a] for a in first.agents])


@given(
    scenarios=mirrored_scenarios(),
    agents=st.lists(agent_names(deterministic=True), min_size=2, max_size=3, unique=True),
)
def test_swapping_the_roles_of_a_symmetric_scenario_leaves_every_score_unchanged(
    scenarios: tuple[negsim.Scenario, negsim.Scenario], agents: list[str]
) -> None:
    """u_b = u_a ∘ σ: seating b's preferences first is the same game with the outcomes
    relabelled, so each agent's utility in each seat, and every score, is unchanged — except
    the distance to the Nash point when two outcomes tie for it (analysis.nash_point then
    takes the lowest index, which σ does not preserve)."""
    first, second = (tournament(agents, [s], rng=0) for s in scenarios)
    np.testing.assert_allclose(first.utilities, second.utilities)
    np.testing.assert_allclose(first.points, second.points)
    U = negsim.utility_matrix(scenarios[0].preferences)
    d = scenarios[0].preferences[0].reservation
    gains = np.prod(np.clip(U - d, 0, None), axis=1)
    unique_nash = np.sum(np.isclose(gains, gains.max())) == 1
    for metric in METRICS:
        if metric != "nash_distance" or unique_nash:
            np.testing.assert_allclose(first.means(metric), second.means(metric), equal_nan=True)


def test_the_ranking_plot_shows_every_agent_in_rank_order(
    bundled: TournamentResult, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from negsim import plots

    table = bundled.ranking()
    with plots.plain_text():
        ax = plots.ranking(table, "A $field$")
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels == [f"{r}. {a}" for r, a in zip(table.rank, table.agents, strict=True)]
        assert "95% bootstrap interval over 4 seeds" in ax.get_title()
        assert ax.get_ylim()[0] > ax.get_ylim()[1]  # the best at the top
        plots.save_figure(ax.figure, tmp_path / "ranking.png")
        lower = plots.ranking(bundled.ranking(by="pareto_distance"))
        assert "lower is better" in lower.get_xlabel()
    assert (tmp_path / "ranking.png").stat().st_size > 10_000


# --- the run store ---------------------------------------------------------------------------
STORED = (["boulware", "conceder", "linear", "random"], ["split-the-pie", "two-issue-trade"], 3)


def _rows(path: Path) -> tuple[int, int]:
    with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
        return db.execute("SELECT COUNT(*), COUNT(DISTINCT key) FROM runs").fetchone()  # type: ignore[no-any-return]


def test_a_stored_tournament_is_the_same_as_an_unstored_one(tmp_path: Path) -> None:
    agents, scenarios, n_seeds = STORED
    plain = tournament(agents, scenarios, n_seeds, rng=5)
    path = tmp_path / "runs.sqlite"
    stored = tournament(agents, scenarios, n_seeds, rng=5, store=path)
    assert stored.to_csv() == plain.to_csv()
    assert _rows(path) == (plain.n_negotiations, plain.n_negotiations)
    with RunStore.open(
        path, "tournament", _identity_of(agents, scenarios, 5, n_seeds), columns=STORE_COLUMNS
    ) as store:
        assert store.meta()["kind"] == "tournament"
        rows = store._query("SELECT key, scenario, seed, agents, deal FROM runs ORDER BY 0 + key")
    records = plain.to_records()
    for (key, scenario, seed, seated, deal), record in zip(rows, records, strict=True):
        assert int(key) == record["negotiation"]
        assert (scenario, seed, bool(deal)) == (record["scenario"], record["seed"], record["deal"])
        assert seated == f"{record['agent_1']},{record['agent_2']}"
    again = tournament(agents, scenarios, n_seeds, rng=5, store=path)  # all stored: none played
    assert again.to_csv() == plain.to_csv()
    assert _rows(path) == (plain.n_negotiations, plain.n_negotiations)


def _identity_of(
    agents: list[str], scenarios: list[str], seed: int, n_seeds: int
) -> dict[str, object]:
    from negsim.tournaments import _identity

    competitors = {a: negsim.make_agent(a) for a in agents}
    cases = {s: negsim.load_scenario(s) for s in scenarios}
    return _identity(competitors, cases, seed, n_seeds, False)


@pytest.mark.parametrize("k", [1, 17, 71])
def test_an_interrupted_tournament_resumes_without_losing_or_repeating_a_negotiation(
    tmp_path: Path, k: int
) -> None:
    agents, scenarios, n_seeds = STORED
    plain = tournament(agents, scenarios, n_seeds, rng=5)
    path = tmp_path / "runs.sqlite"

    def interrupt(done: int, total: int) -> None:
        if done == k:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        tournament(agents, scenarios, n_seeds, rng=5, store=path, progress=interrupt)
    assert _rows(path) == (k, k)
    seen: list[tuple[int, int]] = []
    resumed = tournament(
        agents, scenarios, n_seeds, rng=5, store=path, progress=lambda d, t: seen.append((d, t))
    )
    assert seen[0] == (k + 1, plain.n_negotiations)
    assert seen[-1] == (plain.n_negotiations, plain.n_negotiations)
    assert resumed.to_csv() == plain.to_csv()
    assert _rows(path) == (plain.n_negotiations, plain.n_negotiations)


class _FailingExecutor(Executor):
    """Runs each chunk at once, here; every chunk after the first ``good`` fails."""

    def __init__(self, good: int) -> None:
        self.good, self.submitted = good, 0

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[no-untyped-def]
        future: Future[object] = Future()
        self.submitted += 1
        if self.submitted > self.good:
            future.set_exception(OSError("worker lost"))
        else:
            future.set_result(fn(*args, **kwargs))
        return future


def test_a_failing_executor_keeps_what_finished_and_says_how_to_resume(tmp_path: Path) -> None:
    agents, scenarios, n_seeds = STORED
    plain = tournament(agents, scenarios, n_seeds, rng=5)
    path = tmp_path / "runs.sqlite"
    executor = _FailingExecutor(good=10)
    with pytest.raises(ExecutorFailed, match="rerun the same command to resume") as raised:
        tournament(agents, scenarios, n_seeds, rng=5, store=path, executor=executor, chunksize=2)
    kept, distinct = _rows(path)
    assert kept == distinct
    assert kept % 2 == 0
    assert kept <= 20
    assert f"the {kept:,} negotiations finished are kept in {path}" in str(raised.value)
    resumed = tournament(
        agents, scenarios, n_seeds, rng=5, store=path, executor=ThreadPoolExecutor(2)
    )
    assert resumed.to_csv() == plain.to_csv()
    assert _rows(path) == (plain.n_negotiations, plain.n_negotiations)


PIE = negsim.load_scenario("split-the-pie")
#: The same file name (so the same label), another reservation value.
OTHER_PIE = attrs.evolve(PIE, data=PIE.with_overrides({"parties.first.reservation": 0.3}).data)


@pytest.mark.parametrize(
    ("kwargs", "entry"),
    [
        ({"n_seeds": 3}, "seeds 2, not 3"),
        ({"rng": 6}, "seed 5, not 6"),
        ({"agents": ["boulware", "linear"]}, 'agents ["boulware","conceder"], not'),
        ({"agents": {"boulware": negsim.TimeDependent(exponent=9.0), "conceder": "conceder"}},
         "agent_settings"),
        ({"scenarios": [PIE, "two-issue-trade"]}, "scenarios"),
        ({"scenarios": [OTHER_PIE]}, "scenario_data"),
        ({"self_play": True}, "self_play false, not true"),
    ],
)  # fmt: skip
def test_a_store_of_another_tournament_is_refused_and_left_untouched(
    tmp_path: Path, kwargs: dict[str, object], entry: str
) -> None:
    path = tmp_path / "runs.sqlite"
    tournament(["boulware", "conceder"], [PIE], 2, rng=5, store=path)
    before = path.read_bytes()
    args: dict[str, object] = {
        "agents": ["boulware", "conceder"], "scenarios": [PIE], "n_seeds": 2, "rng": 5, **kwargs
    }  # fmt: skip
    with pytest.raises(StoreMismatch, match=re.escape(entry)):
        tournament(**args, store=path)  # type: ignore[arg-type]
    assert path.read_bytes() == before
    assert tournament(["boulware", "conceder"], [PIE], 2, rng=5, store=path).n_negotiations == 4


def test_a_store_needs_a_seed(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="rng"):
        tournament(["boulware", "conceder"], "split-the-pie", store=tmp_path / "runs.sqlite")
    assert not (tmp_path / "runs.sqlite").exists()


def test_kill_9_mid_tournament_then_resume_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    def command(store: str, out: str) -> list[str]:
        return [
            sys.executable, "-m", "negsim", "tournament", "--agents",
            "boulware,conceder,linear,hardliner,tit-for-tat,random", "--scenarios",
            "split-the-pie,two-issue-trade", "--seeds", "20", "--no-plots",
            "--store", str(tmp_path / store), "--out", str(tmp_path / out),
        ]  # fmt: skip

    total = 2 * 20 * 6 * 5
    store = tmp_path / "killed.sqlite"
    kept = kill_once_stored(command("killed.sqlite", "killed"), store, 20)
    assert 20 <= kept < total
    resume = subprocess.run(command("killed.sqlite", "killed"), capture_output=True)
    assert resume.returncode == 0, resume.stderr
    whole = subprocess.run(command("whole.sqlite", "whole"), capture_output=True)
    assert whole.returncode == 0, whole.stderr
    for name in ("negotiations.csv", "ranking.csv"):
        assert (tmp_path / "killed" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    assert _rows(store) == (total, total)
