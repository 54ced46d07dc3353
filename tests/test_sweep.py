"""Sweeps for research: designs, the tidy table, intervals, executors, the store and resuming."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from cases import kill_once_stored
from hypothesis import given
from hypothesis import strategies as st
from strategies import sample_ranges

import negsim
from negsim import spatial
from negsim.cli import main
from negsim.display import MAX_REPR
from negsim.parallel import ExecutorFailed, open_executor
from negsim.store import RunStore, StoredRun, StoreError, StoreMismatch, map_resumable
from negsim.sweep import (
    Design,
    RunRecord,
    SweepResult,
    batch_runs,
    fastest_runs,
    grid,
    latin_hypercube,
    parse_bounds,
    parse_range,
    run_sweep,
    sample,
    scenario_sweeps,
    simulate_runs,
    sweep_engine,
)

PIE = "split-the-pie"
PARAMS = [
    ("parties.second.reservation", (0.0, 0.3, 0.6)),
    ("parties.first.reservation", (0.0, 0.2)),
    ("protocol.n_rounds", (5.0, 20.0)),
]


@pytest.fixture(scope="module")
def pie() -> negsim.Scenario:
    return negsim.load_scenario(PIE)


@pytest.fixture(scope="module")
def serial(pie: negsim.Scenario) -> SweepResult:
    return run_sweep(pie, PARAMS, n_seeds=3, rng=11)


def _digest(result: SweepResult) -> tuple[str, str]:
    return result.runs_csv(), result.to_csv()


# --- designs ----------------------------------------------------------------------------------
def test_a_grid_of_three_parameters(serial: SweepResult) -> None:
    assert serial.points.shape == (12, 3)
    assert serial.run_point.tolist() == [k for k in range(12) for _ in range(3)]
    # integer parameters go in as integers: the 5-round points end by round 5
    short = serial.points[serial.run_point, 2] == 5
    assert (serial.run_rounds[short] <= 5).all()
    assert serial.design == "grid"
    assert serial.values[2] == (5.0, 20.0)


@given(sample_ranges(), st.integers(1, 40), st.integers(0, 2**32))
def test_samples_stay_in_their_ranges_and_replay(
    ranges: list[tuple[str, float, float]], n: int, seed: int
) -> None:
    for method in ("lhs", "random"):
        design = sample(ranges, n, method, rng=seed)
        lows = np.array([r[1] for r in ranges])
        highs = np.array([r[2] for r in ranges])
        assert design.points.shape == (n, len(ranges))
        assert ((design.points >= lows) & (design.points <= highs)).all()
        np.testing.assert_array_equal(design.points, sample(ranges, n, method, rng=seed).points)
        assert design.seed == seed


@given(st.integers(1, 60), st.integers(1, 5), st.integers(0, 2**32))
def test_latin_hypercube_uses_every_stratum_once(n: int, d: int, seed: int) -> None:
    u = latin_hypercube(n, d, rng=seed)
    assert ((u >= 0) & (u < 1)).all()
    for column in u.T:
        assert sorted(np.floor(column * n).astype(int).tolist()) == list(range(n))


def test_bad_designs() -> None:
    with pytest.raises(negsim.ValidationError, match="low:high"):
        parse_bounds("a=1:2:3")
    with pytest.raises(negsim.ValidationError, match="low <= high"):
        parse_bounds("a=2:1")
    with pytest.raises(negsim.ValidationError, match="lhs or random"):
        sample([("a", 0, 1)], 3, "sobol")
    with pytest.raises(negsim.ValidationError, match="at least one value"):
        grid([("a", ())])
    with pytest.raises(negsim.ValidationError, match="finite"):
        Design(("a",), [[np.nan]])
    with pytest.raises(negsim.ValidationError, match="shape"):
        Design(("a", "b"), [[1.0]])


# --- the tidy table and the aggregates ----------------------------------------------------------
def test_the_tidy_table_has_one_row_per_run(serial: SweepResult, pie: negsim.Scenario) -> None:
    records = serial.to_records()
    assert {len(column) for column in records.values()} == {36}
    assert list(records)[:4] == ["point", *(p for p, _ in PARAMS)]
    for column in ("seed", "end", "rounds", "agreed", "ratified", "agreement_first_share"):
        assert column in records
    assert "utility_First" in records
    assert "payoff_Second" in records
    # each row replays: its seed, at its point, gives its end and payoffs
    r = 17
    point = {p: records[p][r] for p, _ in PARAMS}
    point["protocol.n_rounds"] = int(point["protocol.n_rounds"])
    run = pie.with_overrides(point).run(int(records["seed"][r]))
    assert run.result.end.value == records["end"][r]
    assert run.payoffs.tolist() == [records["payoff_First"][r], records["payoff_Second"][r]]
    labels = run.result.agreement_labels or {"first_share": ""}
    assert records["agreement_first_share"][r] == labels["first_share"]
    csv_rows = serial.runs_csv().splitlines()
    assert len(csv_rows) == 1 + 36
    assert csv_rows[0].startswith("point,parties.second")


def test_rates_are_counted_then_divided() -> None:
    # 93 agreements in 200 runs: the running mean gave 0.4650000000000003
    n = 200
    agreed = np.arange(n) < 93
    result = SweepResult(
        scenario="t", params=("x",), design="grid", values=((0.0,),), names=("a", "b"),
        issues=("i",), seed=0, n_seeds=n, confidence=0.95, points=[[0.0]],
        run_point=np.zeros(n), run_seed_index=np.arange(n), run_seed=np.arange(n),
        run_end=tuple("agreement" if a else "deadline" for a in agreed),
        run_rounds=np.full(n, 3), run_agreed=agreed, run_ratified=agreed,
        run_agreement=tuple(("yes",) if a else ("",) for a in agreed),
        run_utilities=np.ones((n, 2)), run_payoffs=np.ones((n, 2)),
    )  # fmt: skip
    assert result.agreement_rate[0] == 0.465
    assert result.deal_rate[0] == 0.465
    assert result.agreement_ci[0] == pytest.approx((0.3972, 0.5341), abs=1e-4)
    assert result.payoff_ci[0, 0].tolist() == [1.0, 1.0]


def test_point_aggregates_and_intervals(serial: SweepResult) -> None:
    by_point = serial.run_payoffs.reshape(12, 3, 2)
    np.testing.assert_array_equal(serial.mean_payoffs, by_point.mean(axis=1))
    assert (
        (serial.deal_ci[:, 0] <= serial.deal_rate) & (serial.deal_rate <= serial.deal_ci[:, 1])
    ).all()
    assert (serial.payoff_ci[..., 0] <= serial.mean_payoffs + 1e-12).all()
    header = serial.to_csv().splitlines()[0].split(",")
    assert header[3:6] == ["agreement_rate", "deal_rate", "mean_rounds"]
    assert "deal_low" in header
    assert "payoff_high_Second" in header


def test_repr_and_html(serial: SweepResult) -> None:
    text = repr(serial)
    assert text.startswith("SweepResult(scenario='Split the pie'")
    assert len(text) <= MAX_REPR
    html = serial._repr_html_()
    assert html.startswith("<table>")
    assert "Wilson" in html
    assert html.count("<tr>") == 13
    assert "deal rate" in serial.table().splitlines()[1]


def test_the_runner_can_be_replaced(pie: negsim.Scenario) -> None:
    calls: list[int] = []

    def counting(scenario: negsim.Scenario, seeds: Sequence[int]) -> list[RunRecord]:
        calls.append(len(seeds))
        return simulate_runs(scenario, seeds)

    result = run_sweep(pie, PARAMS[:1], n_seeds=2, rng=3, runner=counting)
    assert calls == [2, 2, 2]
    assert _digest(result) == _digest(run_sweep(pie, PARAMS[:1], n_seeds=2, rng=3))


# --- engines: the batch engine where it applies, the object engine elsewhere -----------------
#: A home ratification of the second party's share, by chance (``probability`` rule), not
#: anticipated at the table: the negotiation stays linear additive, so it runs as arrays.
RATIFIED_PIE = {
    "parties.second.ratification": {
        "rule": "probability",
        "anticipated": False,
        "constituencies": [
            {
                "name": "home",
                "weight": 1.0,
                "shares": {"first_share": {str(k): 0.2 + 0.06 * k for k in range(11)}},
            }
        ],
    }
}


def test_batchable_sweeps_run_as_arrays_and_equal_the_loop_byte_for_byte(
    pie: negsim.Scenario,
) -> None:
    trade = negsim.load_scenario("two-issue-trade")
    sweeps = [
        (pie, PARAMS),
        (trade, [("protocol.breakdown_probability", (0.0, 0.05)), ("protocol.discount", (1, 0.9))]),
        (trade, [("parties.buyer.reservation", (0.0, 0.3, 0.6))]),
    ]
    for scenario, params in sweeps:
        assert sweep_engine(scenario) == "batch"
        fast = run_sweep(scenario, params, n_seeds=7, rng=5)
        loop = run_sweep(scenario, params, n_seeds=7, rng=5, runner=simulate_runs)
        assert set(fast.point_engine) == {"batch"}
        assert set(loop.point_engine) == {"loop"}
        assert _digest(fast) == _digest(loop)
        assert "engine: batch" in fast.table().splitlines()[0]
        assert "engine: loop" in loop.table().splitlines()[0]


def test_ratification_is_repeated_on_the_batch_s_agreements(pie: negsim.Scenario) -> None:
    ratified = pie.with_overrides(RATIFIED_PIE)
    assert negsim.batch.supports(ratified)
    params = [("parties.second.reservation", (0.0, 0.2, 0.4))]
    fast = run_sweep(ratified, params, n_seeds=40, rng=2)
    loop = run_sweep(ratified, params, n_seeds=40, rng=2, runner=simulate_runs)
    assert fast.engines == "batch"
    assert _digest(fast) == _digest(loop)
    # the draws matter: agreements are made, and some are not ratified (payoffs fall back)
    assert fast.run_agreed.all()
    assert 0 < fast.run_ratified.sum() < len(fast.run_ratified)
    lost = ~fast.run_ratified
    assert np.array_equal(fast.run_payoffs[lost, 1], fast.points[fast.run_point[lost], 0])


def test_batch_runs_equal_simulate_runs_record_for_record(pie: negsim.Scenario) -> None:
    scenario = pie.with_overrides(RATIFIED_PIE | {"protocol.breakdown_probability": 0.05})
    seeds = negsim.rng.spawn_seeds(9, 30)
    assert batch_runs(scenario, seeds) == simulate_runs(scenario, seeds)
    assert fastest_runs(scenario, seeds) == simulate_runs(scenario, seeds)
    assert batch_runs(scenario, []) == []


@given(
    st.floats(0.0, 0.9),
    st.floats(0.0, 0.9),
    st.sampled_from([0.0, 0.1]),
    st.sampled_from([1.0, 0.95]),
    st.integers(0, 2**63 - 1),
)
def test_the_batch_runner_equals_the_loop_on_any_pie(
    pie: negsim.Scenario, first: float, second: float, breakdown: float, discount: float, seed: int
) -> None:
    scenario = pie.with_overrides(
        RATIFIED_PIE
        | {
            "parties.first.reservation": first,
            "parties.second.reservation": second,
            "protocol.breakdown_probability": breakdown,
            "protocol.discount": discount,
        }
    )
    seeds = negsim.rng.spawn_seeds(seed, 5)
    assert batch_runs(scenario, seeds) == simulate_runs(scenario, seeds)


def test_unsupported_points_fall_back_to_the_loop_point_by_point(pie: negsim.Scenario) -> None:
    kurils = negsim.load_scenario("kurils-2016")
    assert sweep_engine(kurils) == "loop"
    result = run_sweep(kurils, [("parties.russia.reservation", (0.3, 0.5))], n_seeds=2, rng=1)
    assert result.point_engine == ("loop", "loop")
    assert _digest(result) == _digest(
        run_sweep(kurils, [("parties.russia.reservation", (0.3, 0.5))], 2, 1, runner=simulate_runs)
    )
    with pytest.raises(negsim.ValidationError, match="red lines"):
        batch_runs(kurils, [1])
    # a party's own discount has no batch form: that point alone runs one by one
    mixed = run_sweep(pie, [("parties.first.discount", (1.0, 0.9))], n_seeds=3, rng=4)
    assert mixed.point_engine == ("batch", "loop")
    assert mixed.engines == "batch at 1 point, loop at 1 point"
    assert _digest(mixed) == _digest(
        run_sweep(pie, [("parties.first.discount", (1.0, 0.9))], 3, 4, runner=simulate_runs)
    )


def test_a_custom_runner_is_recorded_by_name(pie: negsim.Scenario) -> None:
    def mine(scenario: negsim.Scenario, seeds: Sequence[int]) -> list[RunRecord]:
        return simulate_runs(scenario, seeds)

    assert run_sweep(pie, PARAMS[:1], n_seeds=1, rng=3, runner=mine).engines == "mine"


# --- executors --------------------------------------------------------------------------------
def test_serial_process_pool_and_threads_agree_byte_for_byte(
    pie: negsim.Scenario, serial: SweepResult
) -> None:
    with ProcessPoolExecutor(2) as pool:
        pooled = run_sweep(pie, PARAMS, n_seeds=3, rng=11, executor=pool)
    with ThreadPoolExecutor(3) as threads:
        threaded = run_sweep(pie, PARAMS, n_seeds=3, rng=11, executor=threads, chunksize=1)
    assert _digest(pooled) == _digest(serial) == _digest(threaded)


def test_a_dask_cluster_gives_the_same_bytes(
    pie: negsim.Scenario, serial: SweepResult, tmp_path: Path
) -> None:
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_dask = run_sweep(pie, PARAMS, n_seeds=3, rng=11, executor=client.get_executor())
        data = spatial.load_actor_data("kurils-actors-2018-2019")
        model = spatial.make_model("bdm")
        mc = spatial.monte_carlo(data, model, 3, 8, rng=2, executor=client.get_executor())
        with open_executor(dask=cluster.scheduler_address) as executor:
            again = run_sweep(pie, PARAMS, n_seeds=3, rng=11, executor=executor)
        out = tmp_path / "out"
        argv = ["sweep", PIE, "--seeds", "3", "--seed", "11", "--out", str(out)]
        argv += [f"--param={p}={v[0]}:{v[-1]}:{len(v)}" for p, v in PARAMS]
        assert main([*argv, "--dask", cluster.scheduler_address]) == 0
    assert _digest(on_dask) == _digest(serial) == _digest(again)
    assert (out / "runs.csv").read_text() == serial.runs_csv()
    np.testing.assert_array_equal(mc.draws, spatial.monte_carlo(data, model, 3, 8, rng=2).draws)


def test_open_executor() -> None:
    with open_executor() as none:
        assert none is None
    with open_executor(workers=2) as pool:
        assert isinstance(pool, ProcessPoolExecutor)
    with pytest.raises(negsim.NegsimError, match="choose one"), open_executor(2, "tcp://x:1"):
        pass
    with pytest.raises(negsim.NegsimError, match="whole number"), open_executor(0):
        pass


class _FailingExecutor(Executor):
    """Runs chunks in threads; the ``fail_at``-th submitted chunk raises."""

    def __init__(self, fail_at: int) -> None:
        self._pool = ThreadPoolExecutor(1)
        self._count = 0
        self._fail_at = fail_at

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self._count += 1
        if self._count == self._fail_at:
            return self._pool.submit(_boom)
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, **kwargs: Any) -> None:
        self._pool.shutdown(wait)


def _boom() -> None:
    raise OSError("the node went away")


def test_an_executor_failing_mid_sweep_keeps_finished_runs(
    pie: negsim.Scenario, serial: SweepResult, tmp_path: Path
) -> None:
    path = tmp_path / "runs.sqlite"
    failing = _FailingExecutor(fail_at=4)
    with pytest.raises(ExecutorFailed, match=r"node went away.*rerun the same command"):
        run_sweep(pie, PARAMS, n_seeds=3, rng=11, executor=failing, store=path, chunksize=2)
    failing.shutdown()
    with sqlite3.connect(path) as db:
        kept = db.execute("SELECT COUNT(*), COUNT(DISTINCT key) FROM runs").fetchone()
    assert kept[0] == kept[1]
    assert 0 < kept[0] < 36
    assert kept[0] % 3 == 0
    resumed = run_sweep(pie, PARAMS, n_seeds=3, rng=11, store=path)
    assert _digest(resumed) == _digest(serial)


# --- the store --------------------------------------------------------------------------------
def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_stored_sweep_resumes_and_replays(
    pie: negsim.Scenario, serial: SweepResult, tmp_path: Path
) -> None:
    path = tmp_path / "runs.sqlite"
    seen: list[tuple[int, int]] = []
    first = run_sweep(
        pie, PARAMS, n_seeds=3, rng=11, store=path, progress=lambda *a: seen.append(a)
    )
    assert _digest(first) == _digest(serial)
    assert seen[-1] == (36, 36)
    assert len(seen) == 12
    with sqlite3.connect(path) as db:
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    assert meta["kind"] == '"sweep"'
    assert meta["identity.seed"] == "11"
    assert "Split the pie" in meta["info.toml"]
    again = run_sweep(pie, PARAMS, n_seeds=3, rng=11, store=path)  # nothing left to run
    assert _digest(again) == _digest(serial)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"rng": 12}, "seed 11, not 12"),
        ({"n_seeds": 4}, "seeds 3, not 4"),
        ({"scenario": {"parties.first.agent": "conceder"}}, "with scenario"),
        ({"params": PARAMS[:2]}, "with params"),
    ],
)
def test_a_store_of_another_sweep_is_refused_and_untouched(
    pie: negsim.Scenario, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    path = tmp_path / "runs.sqlite"
    run_sweep(pie, PARAMS, n_seeds=3, rng=11, store=path)
    before = _file_digest(path)
    scenario = pie.with_overrides(change.pop("scenario", {}))
    arguments = {"params": PARAMS, "n_seeds": 3, "rng": 11, **change}
    with pytest.raises(StoreMismatch, match=message):
        run_sweep(scenario, store=path, **arguments)
    assert _file_digest(path) == before
    assert {p.name.split("-")[0] for p in tmp_path.iterdir()} == {"runs.sqlite"}  # -wal, -shm


def test_a_sweep_the_scenario_refuses_leaves_no_store(pie: negsim.Scenario, tmp_path: Path) -> None:
    path = tmp_path / "runs.sqlite"
    with pytest.raises(negsim.ScenarioError, match="breakdown_risk"):
        run_sweep(pie, [("protocol.breakdown_risk", (0.0, 0.1))], n_seeds=2, rng=1, store=path)
    assert not path.exists()


def test_a_store_of_another_negsim_version_is_refused(
    pie: negsim.Scenario, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "runs.sqlite"
    run_sweep(pie, PARAMS[:1], n_seeds=1, rng=1, store=path)
    before = _file_digest(path)
    monkeypatch.setattr(negsim, "__version__", "99.0")
    with pytest.raises(StoreMismatch, match=r"written by negsim 0\.1\.0, this is negsim 99\.0"):
        run_sweep(pie, PARAMS[:1], n_seeds=1, rng=1, store=path)
    assert _file_digest(path) == before


def test_the_store_api(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with RunStore.open(path, "demo", {"seed": 1}, columns={"x": "REAL"}, info={"t": "x"}) as store:
        assert store.add([StoredRun("a", {"x": 0.5}, {"u": [-np.inf, np.nan, 0.25]})]) == 1
        with pytest.raises(StoreError, match="cannot add"):
            store.add([StoredRun("b", {"x": 1.0}, {}), StoredRun("a", {"x": 2.0}, {})])
        assert store.keys() == {"a"}
        assert len(store) == 1
        assert store.payloads() == {"a": {"u": ["-inf", None, 0.25]}}
        assert store.meta()["info.t"] == "x"
        assert "runs=1" in repr(store)
    (tmp_path / "text.sqlite").write_text("not a database\n" * 100)
    with pytest.raises(StoreError, match="not a negsim run store"):
        RunStore.open(tmp_path / "text.sqlite", "demo", {})
    with pytest.raises(StoreMismatch, match="holds demo runs, not sweep runs"):
        RunStore.open(path, "sweep", {"seed": 1}, columns={"x": "REAL"})
    with pytest.raises(ValueError, match="column"):
        RunStore.open(tmp_path / "new.sqlite", "demo", {}, columns={"payload": "REAL"})


def test_monte_carlo_resumes_from_its_store(tmp_path: Path) -> None:
    data = spatial.load_actor_data("kurils-actors-2018-2019")
    model = spatial.make_model("bdm")
    plain = spatial.monte_carlo(data, model, 3, 12, rng=5)
    path = tmp_path / "mc.sqlite"
    with RunStore.open(path, "montecarlo", {"partial": True}, columns={"task": "INTEGER"}):
        pass
    with pytest.raises(StoreMismatch, match="holds runs with data none"):
        spatial.monte_carlo(data, model, 3, 12, rng=5, store=path)
    path.unlink()
    stored = spatial.monte_carlo(data, model, 3, 12, rng=5, store=path)
    with sqlite3.connect(path) as db:  # as if killed after 5 draws
        db.execute("DELETE FROM runs WHERE task >= 5")
    with ThreadPoolExecutor(2) as pool:
        resumed = spatial.monte_carlo(data, model, 3, 12, rng=5, store=path, executor=pool)
    np.testing.assert_array_equal(stored.draws, plain.draws)
    np.testing.assert_array_equal(resumed.draws, plain.draws)
    with pytest.raises(StoreMismatch, match="rounds 3, not 4"):
        spatial.monte_carlo(data, model, 4, 12, rng=5, store=path)


def test_what_if_on_an_executor(tmp_path: Path) -> None:
    data = spatial.load_actor_data("kurils-actors-2018-2019")
    model = spatial.make_model("bdm")
    here = spatial.what_if(data, model, dimension=0, rounds=3)
    with ThreadPoolExecutor(2) as pool:
        there = spatial.what_if(data, model, dimension=0, rounds=3, executor=pool)
    np.testing.assert_array_equal(here.forecasts, there.forecasts)


# --- kill -9 ------------------------------------------------------------------------------------
@pytest.fixture
def sweep_command(tmp_path: Path) -> Iterator[Callable[[str, str], list[str]]]:
    def command(store: str, out: str) -> list[str]:
        return [
            sys.executable, "-m", "negsim", "sweep", "kurils-2018-2019",
            "--param", "parties.japan.reservation=0:0.5:20", "--seeds", "64",
            "--store", str(tmp_path / store), "--out", str(tmp_path / out),
        ]  # fmt: skip

    return command


def test_kill_9_mid_sweep_then_resume_loses_and_duplicates_nothing(
    tmp_path: Path, sweep_command: Callable[[str, str], list[str]]
) -> None:
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    store = tmp_path / "killed.sqlite"
    kept = kill_once_stored(sweep_command("killed.sqlite", "killed"), store, 64, env)
    assert 64 <= kept < 1280
    assert kept % 64 == 0
    resume = subprocess.run(sweep_command("killed.sqlite", "killed"), env=env, capture_output=True)
    assert resume.returncode == 0, resume.stderr
    whole = subprocess.run(sweep_command("whole.sqlite", "whole"), env=env, capture_output=True)
    assert whole.returncode == 0, whole.stderr
    for name in ("runs.csv", "sweep.csv"):
        assert (tmp_path / "killed" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes()
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT COUNT(*), COUNT(DISTINCT key) FROM runs").fetchone() == (
            1280,
            1280,
        )


# --- the command line ---------------------------------------------------------------------------
def test_cli_samples_workers_and_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["sweep", PIE, "--seeds", "2", "--seed", "4"]
    lhs = [
        *base,
        "--sample",
        "lhs",
        "--samples",
        "6",
        "--param",
        "parties.second.reservation=0:0.8",
    ]
    assert (
        main([*lhs, "--param", "parties.first.reservation=0:0.3", "--out", str(tmp_path / "a")])
        == 0
    )
    assert "lhs sweep, 6 points x 2 seeds" in capsys.readouterr().out
    assert (tmp_path / "a" / "sweep.png").exists()
    store = str(tmp_path / "s.sqlite")
    three = [*base, *(f"--param={p}={v[0]}:{v[-1]}:2" for p, v in PARAMS), "--store", store]
    assert main([*three, "--workers", "2", "--out", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "sweep.png" not in out
    assert "every run is in" in out
    assert main([*three, "--out", str(tmp_path / "c")]) == 0  # resumed: nothing left to run
    capsys.readouterr()
    assert (tmp_path / "b" / "runs.csv").read_bytes() == (tmp_path / "c" / "runs.csv").read_bytes()
    assert (
        main(
            [
                *three[:-2],
                "--param",
                "scenario.seed=0:1:2",
                "--store",
                store,
                "--out",
                str(tmp_path / "d"),
            ]
        )
        == 2
    )
    assert "left as it is" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()
    assert main([*base, "--sample", "lhs", "--out", str(tmp_path / "e")]) == 2
    assert "KEY=LOW:HIGH" in capsys.readouterr().err
    assert main(["forecast", "kurils-actors-2018-2019", "--store", store]) == 2
    assert "--montecarlo" in capsys.readouterr().err
    with pytest.raises(SystemExit, match="2"):
        main([*base, "--workers", "0"])


# --- bad input and rarely used branches -------------------------------------------------------
def test_a_design_names_what_is_wrong_with_its_parameters() -> None:
    with pytest.raises(negsim.ValidationError, match=r"^params: no parameters \(expected at"):
        Design((), np.zeros((1, 0)))
    with pytest.raises(negsim.ValidationError, match=r"params: \['a', 'a'\].*each key path once"):
        Design(("a", "a"), [[0.0, 1.0]])
    with pytest.raises(negsim.ValidationError, match=r"design: 'sobol'.*one of grid"):
        Design(("a",), [[0.0]], "sobol")
    with pytest.raises(negsim.ValidationError, match="at least one \\(key path, values\\)"):
        grid([])


def test_a_sample_rejects_a_bad_count_no_ranges_and_inverted_ranges() -> None:
    with pytest.raises(negsim.ValidationError, match=r"samples: 0 .*a whole number >= 1"):
        sample([("a", 0, 1)], 0)
    with pytest.raises(negsim.ValidationError, match=r"samples: 2\.5"):
        sample([("a", 0, 1)], 2.5)  # type: ignore[arg-type]
    with pytest.raises(negsim.ValidationError, match=r"params: no parameters"):
        sample([], 3)
    with pytest.raises(negsim.ValidationError, match=r"--param a: 1:0 .*finite LOW <= HIGH"):
        sample([("a", 1, 0)], 3)
    with pytest.raises(negsim.ValidationError, match=r"--param a: 0:inf"):
        sample([("a", 0, float("inf"))], 3)


def test_parse_range_names_the_parameter_and_the_form_expected() -> None:
    assert parse_range("a.b=0:1:3") == ("a.b", (0.0, 0.5, 1.0))
    with pytest.raises(negsim.ValidationError, match=r"--param: 'a\.b' .*key\.path=start:stop"):
        parse_range("a.b")
    with pytest.raises(negsim.ValidationError, match=r"--param a: '0:1' .*start:stop:steps, e"):
        parse_range("a=0:1")
    with pytest.raises(negsim.ValidationError, match=r"--param a: '0:1:0' .*with steps >= 1"):
        parse_range("a=0:1:0")
    with pytest.raises(negsim.ValidationError, match=r"--param a: '0:1:3:4' .*with steps >= 1"):
        parse_range("a=0:1:3:4")


def test_a_scenario_without_sweeps_says_how_to_give_one(pie: negsim.Scenario) -> None:
    assert scenario_sweeps(pie) == [
        ("parties.second.reservation", tuple(np.linspace(0.0, 0.8, 9).round(12).tolist()))
    ]
    bare = pie.with_overrides({"sweeps": None})
    with pytest.raises(
        negsim.ValidationError,
        match=r"sweeps: 'Split the pie' suggests no \[\[sweeps\]\].*--param KEY=START",
    ):
        scenario_sweeps(bare)


def test_run_sweep_rejects_a_bad_seed_count(pie: negsim.Scenario) -> None:
    with pytest.raises(negsim.ValidationError, match=r"^seeds: 0 \(expected at least 1\)"):
        run_sweep(pie, PARAMS[:1], n_seeds=0)


def test_a_runner_returning_too_few_records_is_refused(pie: negsim.Scenario) -> None:
    def short(scenario: negsim.Scenario, seeds: Sequence[int]) -> list[RunRecord]:
        return simulate_runs(scenario, seeds)[:-1]

    with pytest.raises(negsim.ValidationError, match=r"runner: 1 records for 2 seeds"):
        run_sweep(pie, PARAMS[:1], n_seeds=2, rng=3, runner=short)


def test_the_batch_runner_is_recorded_as_batch(pie: negsim.Scenario) -> None:
    assert run_sweep(pie, PARAMS[:1], n_seeds=1, rng=3, runner=batch_runs).engines == "batch"


def test_a_long_table_is_cut_and_says_how_many_points_are_left(serial: SweepResult) -> None:
    lines = serial.table(max_rows=5).splitlines()
    assert lines[-1] == "... 7 more points in sweep.csv"
    assert "more points" not in serial.table()


def test_three_parameters_show_the_table_without_a_picture(serial: SweepResult) -> None:
    assert "<img" not in serial._repr_html_()
    bundle = serial._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert bundle["text/plain"] == repr(serial)


def test_one_parameter_shows_a_picture(pie: negsim.Scenario) -> None:
    one = run_sweep(pie, PARAMS[:1], n_seeds=1, rng=3)
    assert one._repr_png_().startswith(b"\x89PNG\r\n\x1a\n")
    assert "<img" in one._repr_html_()
    assert {"text/plain", "text/html", "image/png"} <= set(one._repr_mimebundle_())


def test_an_executor_failing_without_a_store_raises_its_own_error(pie: negsim.Scenario) -> None:
    failing = _FailingExecutor(fail_at=2)
    try:
        with pytest.raises(ExecutorFailed, match="node went away") as caught:
            run_sweep(pie, PARAMS, n_seeds=3, rng=11, executor=failing, chunksize=2)
    finally:
        failing.shutdown()
    assert "rerun the same command" not in str(caught.value)


def test_a_result_checks_its_runs_and_engines_fit_its_points(serial: SweepResult) -> None:
    assert attrs.evolve(serial, point_engine=()).engines == "not recorded"
    with pytest.raises(negsim.ValidationError, match=r"point_engine: 1 engines.*one per point"):
        attrs.evolve(serial, point_engine=("loop",))
    with pytest.raises(negsim.ValidationError, match=r"^runs: 35 \(expected 36\)"):
        attrs.evolve(serial, run_point=serial.run_point[:-1])
    shuffled = serial.run_point.copy()
    shuffled[[0, -1]] = shuffled[[-1, 0]]
    with pytest.raises(negsim.ValidationError, match="runs: not sorted by point"):
        attrs.evolve(serial, run_point=shuffled)


# --- the run store: rarely used branches ------------------------------------------------------
def test_a_store_set_by_more_identity_than_asked_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    RunStore.open(path, "demo", {"seed": 1, "draws": 4}).close()
    with pytest.raises(
        StoreMismatch, match=r"holds runs with draws 4, which this command does not set"
    ):
        RunStore.open(path, "demo", {"seed": 1})


def test_a_mismatch_shows_hand_edited_and_long_values_readably(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    RunStore.open(path, "demo", {"seed": 1, "label": "x" * 80}).close()
    with sqlite3.connect(path) as db:  # not JSON: shown as it is
        db.execute("UPDATE meta SET value = 'seven' WHERE key = 'identity.seed'")
    with pytest.raises(StoreMismatch, match=r"holds runs with seed seven, not 1;"):
        RunStore.open(path, "demo", {"seed": 1, "label": "x" * 80})
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'identity.seed'")
    with pytest.raises(StoreMismatch, match=r"with label x{57}\.\.\., not y;"):
        RunStore.open(path, "demo", {"seed": 1, "label": "y"})


def test_a_store_that_cannot_be_created_names_its_path(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file, not a folder")
    path = tmp_path / "file" / "store.sqlite"
    with pytest.raises(StoreError, match=r"store\.sqlite: cannot open the run store"):
        RunStore.open(path, "demo", {})


def test_a_closed_store_says_it_cannot_be_read(tmp_path: Path) -> None:
    store = RunStore.open(tmp_path / "store.sqlite", "demo", {})
    store.close()
    with pytest.raises(StoreError, match=r"store\.sqlite: cannot read the run store"):
        len(store)


def _square(x: int) -> int:
    return x * x


def test_map_resumable_reads_back_what_an_open_store_holds(tmp_path: Path) -> None:
    path = tmp_path / "tasks.sqlite"
    assert map_resumable(_square, [1, 2, 3], store=None, kind="demo", identity={}) == [1, 4, 9]
    with RunStore.open(path, "demo", {"n": 3}, columns={"task": "INTEGER"}) as store:
        assert map_resumable(_square, [1, 2, 3], store=store, kind="demo", identity={}) == [1, 4, 9]
        assert len(store) == 3
        assert store.payloads() == {"0": 1, "1": 4, "2": 9}
    # reopened by path: the stored results are read back, not recomputed
    with sqlite3.connect(path) as db:
        db.execute("UPDATE runs SET payload = '40' WHERE key = '1'")
    again = map_resumable(_square, [1, 2, 3], store=path, kind="demo", identity={"n": 3})
    assert again == [1, 40, 9]
