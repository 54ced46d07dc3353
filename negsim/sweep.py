"""Parameter sweeps: run a scenario at many parameter points, several seeds each, on any executor.

A sweep has a **design** (:class:`Design`): the parameters (scenario key paths such as
``parties.japan.reservation``) and the points to run, made by

* :func:`grid` — every combination of each parameter's values (any number of parameters);
* :func:`sample` — ``n`` points drawn from ranges, uniformly at random (``"random"``) or by
  **Latin hypercube** (``"lhs"``, :func:`latin_hypercube`: each parameter's range cut into
  ``n`` equal strata and every stratum used exactly once, so ``n`` points cover every
  parameter's whole range, as McKay, Beckman & Conover 1979).

Every point re-reads the scenario with its values put in by key path
(:meth:`negsim.Scenario.with_overrides`), so every check applies to every point. Each point
runs the same ``n_seeds`` child seeds of the base seed (common random numbers), so differences
between points come from the parameters, not from luck; each run carries its own seed, so the
result is the same, byte for byte, whether the runs go one after another, on a process pool or
on a Dask cluster (``executor=``, :mod:`negsim.parallel`), and whether or not they were
interrupted and resumed from a store (``store=``, :mod:`negsim.store`).

The result (:class:`SweepResult`) holds the tidy table of runs — one row per run: the point's
parameter values, the seed, how it ended, the rounds, the agreement's labels, each party's
utility and payoff, whether it was ratified (:meth:`SweepResult.to_records`,
:meth:`SweepResult.runs_csv`) — and per point the agreement and ratified-deal rates with
Wilson intervals and the mean rounds and payoffs with Student-t intervals
(:mod:`negsim.intervals`; :meth:`SweepResult.point_records`, :meth:`SweepResult.to_csv`).
Rates are counted, then divided: 93 agreements in 200 runs is exactly ``0.465``.

The runs of one point are made by one function, the *runner*. By default
(:func:`fastest_runs`) a point whose scenario the batch engine supports
(:func:`negsim.batch.supports`: alternating offers, agents with a batch form, linear-additive
positions) runs its seeds as arrays (:func:`batch_runs`), any other point one run at a time
through the object engine (:func:`simulate_runs`); both give the same records, byte for byte.
``run_sweep(..., runner=...)`` forces one engine, or takes any function of the same
signature. :attr:`SweepResult.point_engine` records which engine ran each point.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Any, TypedDict

import attrs
import numpy as np
import numpy.typing as npt

from . import batch
from .display import figure_bundle, html_image, html_table, png_bytes, short_repr
from .errors import ValidationError
from .intervals import mean_interval, wilson_interval
from .io import csv_text
from .parallel import ExecutorFailed
from .rng import RNGLike, resolve_rng, resolve_seed, spawn_seeds
from .scenario import Scenario
from .store import RunStore, StoredRun, fingerprint, map_stored
from .validators import bool_array, float_array, int_array, readonly

__all__ = [
    "DESIGNS",
    "SEEDS_PER_TASK",
    "Design",
    "RunRecord",
    "Runner",
    "SweepResult",
    "batch_runs",
    "fastest_runs",
    "grid",
    "latin_hypercube",
    "parse_bounds",
    "parse_range",
    "run_sweep",
    "sample",
    "scenario_sweeps",
    "simulate_runs",
    "sweep_engine",
]

#: The kinds of design: a full grid, uniform random points, a Latin hypercube.
DESIGNS = ("grid", "random", "lhs")
#: The most seeds of one point sent to a worker as one task.
SEEDS_PER_TASK = 64
#: The store's typed columns for a sweep run (the payload holds the whole run).
STORE_COLUMNS = {
    "point": "INTEGER",
    "seed_index": "INTEGER",
    "seed": "INTEGER",
    "end": "TEXT",
    "rounds": "INTEGER",
    "agreed": "INTEGER",
    "ratified": "INTEGER",
}


# --- designs ---------------------------------------------------------------------------------
def _points(value: Any) -> npt.NDArray[np.float64]:
    return readonly(np.atleast_2d(np.asarray(value, dtype=float)), float)


def _names(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


def _rows(value: Any) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(x) for x in row) for row in value)


@attrs.frozen(eq=False)
class Design:
    """The points of a sweep: ``points[k, j]`` is parameter ``params[j]`` at point ``k``.

    ``kind`` is one of :data:`DESIGNS`; ``values`` holds each parameter's grid values (for a
    grid) or its ``(low, high)`` range (for samples); ``seed`` replays a sample.
    """

    params: tuple[str, ...] = attrs.field(converter=_names)
    points: npt.NDArray[np.float64] = attrs.field(converter=_points)
    kind: str = "grid"
    values: tuple[tuple[float, ...], ...] = attrs.field(default=(), converter=_rows)
    seed: int | None = None

    def __attrs_post_init__(self) -> None:
        if not self.params:
            raise ValidationError("params", "no parameters", "at least one key path")
        if len(set(self.params)) != len(self.params):
            raise ValidationError("params", f"{list(self.params)}", "each key path once")
        if self.kind not in DESIGNS:
            raise ValidationError("design", repr(self.kind), f"one of {', '.join(DESIGNS)}")
        if self.points.shape[1] != len(self.params) or self.points.shape[0] < 1:
            raise ValidationError(
                "points", f"shape {self.points.shape}", f"(n >= 1, {len(self.params)})"
            )
        if not np.isfinite(self.points).all():
            raise ValidationError("points", "a value that is not finite", "finite numbers")

    @property
    def n_points(self) -> int:
        """How many points."""
        return int(self.points.shape[0])

    def overrides(self, k: int) -> dict[str, float | int]:
        """Point ``k`` as :meth:`Scenario.with_overrides` takes it (whole numbers as ``int``,
        so integer parameters such as ``protocol.n_rounds`` can be swept)."""
        return {
            path: int(v) if float(v).is_integer() else float(v)
            for path, v in zip(self.params, self.points[k].tolist(), strict=True)
        }


def grid(params: Sequence[tuple[str, Sequence[float]]]) -> Design:
    """Every combination of the parameters' values, the last parameter varying fastest.

    >>> grid([("a", [0, 1]), ("b", [5, 6, 7])]).points.shape
    (6, 2)
    """
    if not params:
        raise ValidationError("params", "no parameters", "at least one (key path, values)")
    for path, values in params:
        if len(values) < 1:
            raise ValidationError(f"params {path}", "no values", "at least one value")
    combos = list(itertools.product(*(values for _, values in params)))
    return Design(
        tuple(p for p, _ in params), np.array(combos, dtype=float), "grid", [v for _, v in params]
    )


def latin_hypercube(n: int, d: int, rng: RNGLike = None) -> npt.NDArray[np.float64]:
    """``n`` points in ``[0, 1)^d``, one in each of the ``n`` strata of every coordinate:
    ``u[i, j] = (π_j(i) + v_ij) / n`` with ``π_j`` a random permutation of ``0..n-1`` and
    ``v_ij ~ U[0, 1)`` (McKay, Beckman & Conover 1979).

    >>> u = latin_hypercube(5, 2, rng=1)
    >>> sorted((u[:, 0] * 5).astype(int).tolist())
    [0, 1, 2, 3, 4]
    """
    generator, _ = resolve_rng(rng)
    strata = np.stack([generator.permutation(n) for _ in range(d)], axis=1)
    unit: npt.NDArray[np.float64] = (strata + generator.random((n, d))) / n
    return unit


def sample(
    ranges: Sequence[tuple[str, float, float]],
    n: int,
    method: str = "lhs",
    rng: RNGLike = None,
) -> Design:
    """``n`` points in the box of ``ranges`` (``(key path, low, high)`` each), by Latin
    hypercube (``"lhs"``) or uniformly at random (``"random"``); the design records its seed.

    >>> d = sample([("a", 0, 1), ("b", 10, 20)], 4, rng=7)
    >>> d.kind, d.points.shape, bool((d.points[:, 1] >= 10).all())
    ('lhs', (4, 2), True)
    """
    if method not in ("lhs", "random"):
        raise ValidationError("sample", repr(method), "lhs or random")
    if not isinstance(n, int) or n < 1:
        raise ValidationError("samples", f"{n!r}", "a whole number >= 1")
    if not ranges:
        raise ValidationError("params", "no parameters", "at least one (key path, low, high)")
    for path, low, high in ranges:
        if not (np.isfinite(low) and np.isfinite(high) and low <= high):
            raise ValidationError(f"--param {path}", f"{low}:{high}", "finite LOW <= HIGH")
    generator, seed = resolve_rng(rng)
    d = len(ranges)
    unit = latin_hypercube(n, d, generator) if method == "lhs" else generator.random((n, d))
    lows = np.array([r[1] for r in ranges], dtype=float)
    highs = np.array([r[2] for r in ranges], dtype=float)
    return Design(
        tuple(r[0] for r in ranges),
        lows + unit * (highs - lows),
        method,
        [(r[1], r[2]) for r in ranges],
        seed,
    )


def _split(text: str, what: str) -> tuple[str, list[str]]:
    if "=" not in text:
        raise ValidationError("--param", f"{text!r}", what)
    path, spec = (s.strip() for s in text.split("=", 1))
    return path, spec.split(":")


def parse_range(text: str) -> tuple[str, tuple[float, ...]]:
    """``"key.path=start:stop:steps"`` → ``(key path, values)`` (``steps`` evenly spaced
    values from ``start`` to ``stop`` inclusive)."""
    path, parts = _split(text, "key.path=start:stop:steps")
    try:
        start, stop, steps = float(parts[0]), float(parts[1]), int(parts[2])
    except (ValueError, IndexError):
        raise ValidationError(
            f"--param {path}", f"{':'.join(parts)!r}", "start:stop:steps, e.g. 0:1:11"
        ) from None
    if len(parts) != 3 or steps < 1:
        raise ValidationError(
            f"--param {path}", f"{':'.join(parts)!r}", "start:stop:steps with steps >= 1"
        )
    return path, tuple(np.linspace(start, stop, steps).round(12).tolist())


def parse_bounds(text: str) -> tuple[str, float, float]:
    """``"key.path=low:high"`` → ``(key path, low, high)``, a range to sample."""
    path, parts = _split(text, "key.path=low:high")
    try:
        if len(parts) != 2:
            raise ValueError
        low, high = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValidationError(
            f"--param {path}", f"{':'.join(parts)!r}", "low:high when sampling, e.g. 0:1"
        ) from None
    if not (np.isfinite(low) and np.isfinite(high) and low <= high):
        raise ValidationError(f"--param {path}", f"{low}:{high}", "finite low <= high")
    return path, low, high


def scenario_sweeps(scenario: Scenario) -> list[tuple[str, tuple[float, ...]]]:
    """The parameters of the scenario's ``[[sweeps]]`` tables, as :func:`grid` and
    :func:`run_sweep` take them (``steps`` values from ``start`` to ``stop``)."""
    if not scenario.sweeps:
        raise ValidationError(
            "sweeps", f"{scenario.title!r} suggests no [[sweeps]]", "--param KEY=START:STOP:STEPS"
        )
    return [
        (
            s["param"],
            tuple(np.linspace(s["start"], s["stop"], s["steps"]).round(12).tolist()),
        )
        for s in scenario.sweeps
    ]


# --- the runner: the runs of one point -------------------------------------------------------
class RunRecord(TypedDict):
    """One run as plain data (what the store keeps and the tidy table shows)."""

    end: str
    rounds: int
    agreed: bool
    ratified: bool
    agreement: list[str]
    utilities: list[float]
    payoffs: list[float]


#: ``runner(scenario, seeds) -> one RunRecord per seed`` (:func:`simulate_runs`).
Runner = Callable[[Scenario, Sequence[int]], list[RunRecord]]


def simulate_runs(scenario: Scenario, seeds: Sequence[int]) -> list[RunRecord]:
    """Run ``scenario`` once per seed through the object engine (:meth:`Scenario.run`).

    This is the sweep's one per-point runner: a vectorised engine replaces it by passing a
    function with the same signature as ``run_sweep(..., runner=...)``; it must return, for
    each seed, the same record the object engine would. ``agreement`` holds the agreed
    option's label on each issue (empty strings without an agreement); ``utilities`` are the
    parties' final utilities (:attr:`NegotiationResult.final_utilities`), ``payoffs`` what
    they end with (:attr:`ScenarioRun.payoffs`); ``ratified`` is an agreement every party with
    a ratification stage ratified (``False`` without an agreement).
    """
    records: list[RunRecord] = []
    empty = [""] * scenario.space.n_issues
    for seed in seeds:
        run = scenario.run(seed)
        labels = run.result.agreement_labels
        records.append(
            {
                "end": run.result.end.value,
                "rounds": run.result.n_rounds,
                "agreed": run.result.agreed,
                "ratified": run.deal,
                "agreement": empty if labels is None else list(labels.values()),
                "utilities": [float(u) for u in run.result.final_utilities],
                "payoffs": [float(u) for u in run.payoffs],
            }
        )
    return records


def batch_runs(scenario: Scenario, seeds: Sequence[int]) -> list[RunRecord]:
    """Run ``scenario`` once per seed through the batch engine (:mod:`negsim.batch`), as
    arrays: the same records as :func:`simulate_runs`, byte for byte.

    Run ``i`` is negotiated with seed ``seeds[i]`` (``batch.run(..., seeds=seeds)``), as
    :meth:`Scenario.run` negotiates it; then :meth:`Scenario.run`'s ratification step is
    repeated on each agreement: party ``p``'s vote draws from child stream ``n + 1 + p`` of
    the run's seed (``n`` parties), and ``payoffs`` are the final utilities of a ratified
    agreement, the reservation values otherwise. Raises
    :class:`~negsim.errors.ValidationError` with the reason for a scenario the batch engine
    does not support (:func:`negsim.batch.supports`).
    """
    reason = _batch_obstacle(scenario)
    if reason is not None:
        raise ValidationError("runner", f"{scenario.title!r}: {reason}", "a batch-able scenario")
    one = batch.from_scenarios([scenario])
    n_runs, space = len(seeds), scenario.space
    out = batch.run(
        one.protocol,
        space,
        np.broadcast_to(one.weights, (n_runs, *one.weights.shape[1:])),
        [np.broadcast_to(t, (n_runs, *t.shape[1:])) for t in one.tables],
        np.broadcast_to(one.reservations, (n_runs, *one.reservations.shape[1:])),
        one.agents,
        names=one.names,
        seeds=np.array(seeds, dtype=np.int64),
        batch_only=True,
    )
    n = len(scenario.parties)
    reservations = [float(u) for u in one.reservations[0]]
    labels: dict[int, list[str]] = {-1: [""] * space.n_issues}
    records: list[RunRecord] = []
    for seed, agreement, end, rounds, final in zip(
        seeds,
        out.agreement.tolist(),
        out.end.tolist(),
        out.rounds.tolist(),
        out.utilities,
        strict=True,
    ):
        if agreement not in labels:
            labels[agreement] = list(space.labels(space.outcome_at(agreement)).values())
        deal = agreement >= 0 and all(
            ratification.vote(
                space,
                agreement,
                np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(n + 1 + p,))),
            ).ratified
            for p, ratification in enumerate(scenario.ratifications)
            if ratification is not None
        )
        utilities = [float(u) for u in final]
        records.append(
            {
                "end": str(end),
                "rounds": int(rounds),
                "agreed": agreement >= 0,
                "ratified": deal,
                "agreement": labels[agreement],
                "utilities": utilities,
                "payoffs": utilities if deal else list(reservations),
            }
        )
    return records


def _batch_obstacle(scenario: Scenario) -> str | None:
    from .batch.inputs import scenario_obstacle

    reason = scenario_obstacle(scenario)
    if reason is None:
        reason = batch.obstacle(scenario.protocol, [p.agent for p in scenario.parties])
    return reason


def sweep_engine(scenario: Scenario) -> str:
    """The engine :func:`fastest_runs` runs ``scenario`` with: ``"batch"`` when
    :func:`negsim.batch.supports` it, else ``"loop"``."""
    return "batch" if batch.supports(scenario) else "loop"


def fastest_runs(scenario: Scenario, seeds: Sequence[int]) -> list[RunRecord]:
    """The sweep's default runner: :func:`batch_runs` when the batch engine supports
    ``scenario`` (:func:`sweep_engine`), else :func:`simulate_runs` — the same records
    either way."""
    if sweep_engine(scenario) == "batch":
        return batch_runs(scenario, seeds)
    return simulate_runs(scenario, seeds)


def _engine_name(runner: Runner, scenario: Scenario) -> str:
    if runner is fastest_runs:
        return sweep_engine(scenario)
    if runner is batch_runs:
        return "batch"
    if runner is simulate_runs:
        return "loop"
    return str(getattr(runner, "__name__", type(runner).__name__))


_Task = tuple[Scenario, dict[str, Any], int, tuple[int, ...], tuple[int, ...], Runner]


def _run_task(task: _Task) -> list[StoredRun]:
    scenario, overrides, point, indices, seeds, runner = task
    variant = scenario.with_overrides(overrides)
    records = runner(variant, seeds)
    engine = _engine_name(runner, variant)
    if len(records) != len(seeds):
        raise ValidationError(
            "runner", f"{len(records)} records for {len(seeds)} seeds", "one each"
        )
    rows = []
    for j, seed, record in zip(indices, seeds, records, strict=True):
        payload = {"point": point, "seed_index": j, "seed": seed, **record, "engine": engine}
        rows.append(StoredRun(f"{point}:{j}", {c: payload[c] for c in STORE_COLUMNS}, payload))
    return rows


# --- the result ------------------------------------------------------------------------------
@attrs.frozen(eq=False)
class SweepResult:
    """Runs and per-point aggregates of a sweep (module docstring).

    Per run ``r`` (sorted by point, then seed): ``run_point[r]``, ``run_seed_index[r]``,
    ``run_seed[r]``, ``run_end[r]``, ``run_rounds[r]``, ``run_agreed[r]``,
    ``run_ratified[r]``, ``run_agreement[r]`` (labels per issue), ``run_utilities[r, i]``,
    ``run_payoffs[r, i]``. Per point ``k``: ``agreement_rate[k]`` and ``deal_rate[k]``
    (ratified deals) with Wilson intervals ``agreement_ci[k] = (low, high)``,
    ``deal_ci[k]``; ``mean_rounds[k]``, ``mean_payoffs[k, i]`` with Student-t intervals
    ``rounds_ci[k]``, ``payoff_ci[k, i]`` — all at level ``confidence``; ``point_engine[k]``
    the engine that ran point ``k``'s runs (``"batch"``, ``"loop"``, a custom runner's name,
    ``"+"``-joined if they came from several; empty when not recorded).
    """

    scenario: str
    params: tuple[str, ...]
    design: str
    values: tuple[tuple[float, ...], ...]
    names: tuple[str, ...]
    issues: tuple[str, ...]
    seed: int
    n_seeds: int
    confidence: float
    points: npt.NDArray[np.float64] = attrs.field(converter=float_array)
    run_point: npt.NDArray[np.int64] = attrs.field(converter=int_array)
    run_seed_index: npt.NDArray[np.int64] = attrs.field(converter=int_array)
    run_seed: npt.NDArray[np.int64] = attrs.field(converter=int_array)
    run_end: tuple[str, ...]
    run_rounds: npt.NDArray[np.int64] = attrs.field(converter=int_array)
    run_agreed: npt.NDArray[np.bool_] = attrs.field(converter=bool_array)
    run_ratified: npt.NDArray[np.bool_] = attrs.field(converter=bool_array)
    run_agreement: tuple[tuple[str, ...], ...]
    run_utilities: npt.NDArray[np.float64] = attrs.field(converter=float_array)
    run_payoffs: npt.NDArray[np.float64] = attrs.field(converter=float_array)
    point_engine: tuple[str, ...] = attrs.field(default=(), converter=_names)
    agreement_rate: npt.NDArray[np.float64] = attrs.field(init=False)
    agreement_ci: npt.NDArray[np.float64] = attrs.field(init=False)
    deal_rate: npt.NDArray[np.float64] = attrs.field(init=False)
    deal_ci: npt.NDArray[np.float64] = attrs.field(init=False)
    mean_rounds: npt.NDArray[np.float64] = attrs.field(init=False)
    rounds_ci: npt.NDArray[np.float64] = attrs.field(init=False)
    mean_payoffs: npt.NDArray[np.float64] = attrs.field(init=False)
    payoff_ci: npt.NDArray[np.float64] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        n_points, n = len(self.points), len(self.names)
        if len(self.run_point) != n_points * self.n_seeds:
            raise ValidationError("runs", f"{len(self.run_point)}", f"{n_points * self.n_seeds}")
        if self.point_engine and len(self.point_engine) != n_points:
            raise ValidationError(
                "point_engine", f"{len(self.point_engine)} engines", f"one per point ({n_points})"
            )
        level = self.confidence
        agreed = np.bincount(self.run_point, self.run_agreed, n_points).astype(np.int64)
        deals = np.bincount(self.run_point, self.run_ratified, n_points).astype(np.int64)
        by_point = self.run_point.reshape(n_points, self.n_seeds)
        if not (by_point == np.arange(n_points)[:, None]).all():
            raise ValidationError("runs", "not sorted by point", "n_seeds runs per point")
        rounds = self.run_rounds.reshape(n_points, self.n_seeds).astype(float)
        payoffs = self.run_payoffs.reshape(n_points, self.n_seeds, n)
        derived = {
            "agreement_rate": agreed / self.n_seeds,
            "agreement_ci": [wilson_interval(int(a), self.n_seeds, level) for a in agreed],
            "deal_rate": deals / self.n_seeds,
            "deal_ci": [wilson_interval(int(d), self.n_seeds, level) for d in deals],
            "mean_rounds": rounds.mean(axis=1),
            "rounds_ci": [mean_interval(r, level) for r in rounds],
            "mean_payoffs": payoffs.mean(axis=1),
            "payoff_ci": [[mean_interval(p[:, i], level) for i in range(n)] for p in payoffs],
        }
        for name, value in derived.items():
            object.__setattr__(self, name, readonly(np.asarray(value, dtype=float), float))

    @property
    def n_points(self) -> int:
        """How many parameter points."""
        return len(self.points)

    @property
    def engines(self) -> str:
        """Which engine ran the points, e.g. ``"batch"`` or ``"batch at 3 points, loop at
        2"`` (``"not recorded"`` without :attr:`point_engine`)."""
        if not self.point_engine:
            return "not recorded"
        counts: dict[str, int] = {}
        for engine in self.point_engine:
            counts[engine] = counts.get(engine, 0) + 1
        if len(counts) == 1:
            return next(iter(counts))
        return ", ".join(f"{e} at {c:,} point{'s' if c > 1 else ''}" for e, c in counts.items())

    # --- tables ----------------------------------------------------------------------------
    def to_records(self) -> dict[str, Any]:
        """The tidy table, one row per run, as ``{column: array or list}``
        (``pandas.DataFrame(result.to_records())`` makes a data frame): ``point``, each
        parameter, ``seed_index``, ``seed``, ``end``, ``rounds``, ``agreed``, ``ratified``,
        ``agreement_<issue>``, ``utility_<party>``, ``payoff_<party>``."""
        columns: dict[str, Any] = {"point": self.run_point.copy()}
        for j, param in enumerate(self.params):
            columns[param] = self.points[self.run_point, j]
        columns |= {
            "seed_index": self.run_seed_index.copy(),
            "seed": self.run_seed.copy(),
            "end": list(self.run_end),
            "rounds": self.run_rounds.copy(),
            "agreed": self.run_agreed.copy(),
            "ratified": self.run_ratified.copy(),
        }
        for k, issue in enumerate(self.issues):
            columns[f"agreement_{issue}"] = [labels[k] for labels in self.run_agreement]
        for i, name in enumerate(self.names):
            columns[f"utility_{name}"] = self.run_utilities[:, i].copy()
        for i, name in enumerate(self.names):
            columns[f"payoff_{name}"] = self.run_payoffs[:, i].copy()
        return columns

    def point_records(self) -> dict[str, Any]:
        """One row per point: the parameters, the rates and means, ``runs``, then each one's
        interval (``*_low``, ``*_high``), as ``{column: array}``."""
        columns: dict[str, Any] = {p: self.points[:, j].copy() for j, p in enumerate(self.params)}
        columns |= {
            "agreement_rate": self.agreement_rate.copy(),
            "deal_rate": self.deal_rate.copy(),
            "mean_rounds": self.mean_rounds.copy(),
        }
        for i, name in enumerate(self.names):
            columns[f"mean_payoff_{name}"] = self.mean_payoffs[:, i].copy()
        columns["runs"] = np.full(self.n_points, self.n_seeds)
        for label, ci in (
            ("agreement", self.agreement_ci),
            ("deal", self.deal_ci),
            ("rounds", self.rounds_ci),
        ):
            columns[f"{label}_low"], columns[f"{label}_high"] = ci[:, 0].copy(), ci[:, 1].copy()
        for i, name in enumerate(self.names):
            columns[f"payoff_low_{name}"] = self.payoff_ci[:, i, 0].copy()
            columns[f"payoff_high_{name}"] = self.payoff_ci[:, i, 1].copy()
        return columns

    @staticmethod
    def _csv(records: dict[str, Any], path: str | os.PathLike[str] | None) -> str:
        header = list(records)
        rows = zip(*(list(column) for column in records.values()), strict=True)
        return csv_text(header, rows, path)

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """The per-point table (:meth:`point_records`) as CSV; written atomically to ``path``
        when given."""
        return self._csv(self.point_records(), path)

    def runs_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """The tidy per-run table (:meth:`to_records`) as CSV; written atomically to ``path``
        when given."""
        return self._csv(self.to_records(), path)

    def table(self, max_rows: int = 40) -> str:
        """A text table of the points (the first ``max_rows``): the parameters, the deal rate
        with its interval, the agreement rate, the mean rounds and payoffs."""
        pct = round(100 * self.confidence)
        width = [max(12, len(p)) for p in self.params]
        header = "  ".join(f"{p:>{w}}" for p, w in zip(self.params, width, strict=True))
        header += f"  {'deal rate':>9}  {f'{pct}% interval':>13}  {'agreed':>6}  {'rounds':>6}"
        header += "".join(f"  {name[:12]:>12}" for name in self.names)
        lines = [
            f"{self.scenario}: {self.design} sweep, {self.n_points:,} points x {self.n_seeds}"
            f" seeds (base seed {self.seed}, engine: {self.engines}); mean payoffs per party",
            header,
        ]
        for k in range(min(self.n_points, max_rows)):
            row = "  ".join(f"{v:>{w}.4g}" for v, w in zip(self.points[k], width, strict=True))
            low, high = self.deal_ci[k]
            row += f"  {self.deal_rate[k]:9.3f}  {f'{low:.3f}-{high:.3f}':>13}"
            row += f"  {self.agreement_rate[k]:6.3f}  {self.mean_rounds[k]:6.1f}"
            row += "".join(f"  {u:12.3f}" for u in self.mean_payoffs[k])
            lines.append(row)
        if self.n_points > max_rows:
            lines.append(f"... {self.n_points - max_rows:,} more points in sweep.csv")
        return "\n".join(lines)

    # --- display ---------------------------------------------------------------------------
    def __repr__(self) -> str:
        best = int(np.argmax(self.deal_rate))
        return short_repr(
            "SweepResult",
            scenario=self.scenario,
            params=self.params,
            design=self.design,
            points=self.n_points,
            n_seeds=self.n_seeds,
            seed=self.seed,
            best_deal_rate=float(self.deal_rate[best]),
            at=tuple(float(v) for v in self.points[best]),
        )

    def _repr_html_(self) -> str:
        if len(self.params) > 2:  # no single picture (plots.sweep): the table alone
            return self._table_html()
        return self._table_html() + "\n" + html_image(self._repr_png_(), "the sweep")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        if len(self.params) > 2:
            return {"text/plain": repr(self), "text/html": self._table_html()}
        return figure_bundle(repr(self), self._table_html(), self._repr_png_(), "the sweep")

    def _table_html(self) -> str:
        shown = min(self.n_points, 20)
        pct = round(100 * self.confidence)
        headers = [*self.params, "agreement rate", "deal rate", f"deal {pct}% CI", "mean rounds"]
        headers += [f"mean payoff {n}" for n in self.names]
        rows = [
            [
                *(float(v) for v in self.points[k]),
                f"{self.agreement_rate[k]:.0%}",
                f"{self.deal_rate[k]:.0%}",
                f"{self.deal_ci[k, 0]:.0%}–{self.deal_ci[k, 1]:.0%}",
                float(self.mean_rounds[k]),
                *(float(u) for u in self.mean_payoffs[k]),
            ]
            for k in range(shown)
        ]
        more = f", first {shown} of {self.n_points} points" if shown < self.n_points else ""
        caption = (
            f"{self.scenario}: {self.design} sweep, {self.n_points} points x {self.n_seeds}"
            f" seeds, seed {self.seed}{more}; Wilson intervals"
        )
        return html_table(headers, rows, caption)

    def _repr_png_(self) -> bytes:
        """The sweep plot (:func:`negsim.plots.sweep`, one or two parameters), for notebooks."""
        from . import plots

        with plots.plain_text():
            return png_bytes(plots.sweep(self, self.scenario).figure)


# --- running ---------------------------------------------------------------------------------
def _tasks(
    scenario: Scenario,
    design: Design,
    seeds: Sequence[int],
    done: set[str],
    runner: Runner,
) -> list[_Task]:
    tasks: list[_Task] = []
    for k in range(design.n_points):
        missing = [j for j in range(len(seeds)) if f"{k}:{j}" not in done]
        overrides = design.overrides(k)
        for start in range(0, len(missing), SEEDS_PER_TASK):
            block = tuple(missing[start : start + SEEDS_PER_TASK])
            tasks.append((scenario, overrides, k, block, tuple(seeds[j] for j in block), runner))
    return tasks


def _identity(scenario: Scenario, design: Design, seed: int, n_seeds: int) -> dict[str, Any]:
    return {
        "scenario": fingerprint(scenario.data),
        "params": list(design.params),
        "design": design.kind,
        "points": design.points.tolist(),
        "seed": seed,
        "seeds": n_seeds,
    }


def run_sweep(
    scenario: Scenario,
    params: Design | Sequence[tuple[str, Sequence[float]]],
    n_seeds: int = 5,
    rng: RNGLike = None,
    progress: Callable[[int, int], Any] | None = None,
    *,
    executor: Executor | None = None,
    store: str | os.PathLike[str] | RunStore | None = None,
    runner: Runner = fastest_runs,
    confidence: float = 0.95,
    chunksize: int | None = None,
) -> SweepResult:
    """Run ``scenario`` at every point of ``params`` (a :class:`Design`, or ``(key path,
    values)`` pairs for a :func:`grid`), ``n_seeds`` runs each.

    ``rng`` gives the base seed (default: the scenario's); every point runs its child seeds
    :func:`~negsim.rng.spawn_seeds` ``(base, n_seeds)``. ``executor`` is any
    :class:`concurrent.futures.Executor` (a ``ProcessPoolExecutor``, a Dask client's
    ``get_executor()``); runs go to it in tasks of at most :data:`SEEDS_PER_TASK` seeds of one
    point, grouped into chunks (:func:`negsim.parallel.imap_chunks`). ``store`` (a path or an
    open :class:`~negsim.store.RunStore`) receives every run as it finishes; a store that
    already holds some of this sweep's runs is resumed (only the missing runs are run), and
    one made for another scenario, design, seed or negsim version raises
    :class:`~negsim.store.StoreMismatch` and is left untouched. ``progress(done, total)`` is
    called with run counts. ``runner`` makes the runs of one point (:func:`fastest_runs`:
    the batch engine where it applies, else the object engine; ``runner=simulate_runs``
    forces the object engine). The result is the same, byte for byte, for every executor,
    every engine and however often the sweep was interrupted and resumed.
    """
    design = params if isinstance(params, Design) else grid(params)
    if not isinstance(n_seeds, int) or n_seeds < 1:
        raise ValidationError("seeds", f"{n_seeds}", "at least 1")
    base = resolve_seed(scenario.seed if rng is None else rng)
    seeds = spawn_seeds(base, n_seeds)
    total = design.n_points * n_seeds
    opened = None
    if store is not None and not isinstance(store, RunStore):
        for k in range(design.n_points):  # a point the scenario refuses must not leave a store
            scenario.with_overrides(design.overrides(k))
        opened = store = RunStore.open(
            store,
            "sweep",
            _identity(scenario, design, base, n_seeds),
            columns=STORE_COLUMNS,
            info={"title": scenario.title, "source": scenario.source, "toml": scenario.to_toml()},
        )
    try:
        done = store.keys() if store is not None else set()
        tasks = _tasks(scenario, design, seeds, done, runner)
        finished = [len(done)]

        def advance(n: int) -> None:
            finished[0] += n
            if progress is not None:
                progress(finished[0], total)

        try:
            rows = map_stored(_run_task, tasks, store, executor, chunksize, advance)
        except ExecutorFailed as error:
            if store is None:
                raise
            raise ExecutorFailed(
                f"{error}; the {len(store):,} runs finished are kept in {store.path}:"
                " rerun the same command to resume"
            ) from error
        if store is not None:
            payloads = list(store.payloads().values())
        else:
            payloads = [row.payload for row in rows]
    finally:
        if opened is not None:
            opened.close()
    if len(payloads) != total:
        raise ValidationError("store", f"{len(payloads)} runs", f"{total} runs of this sweep")
    payloads.sort(key=lambda p: (p["point"], p["seed_index"]))
    return SweepResult(
        scenario=scenario.title,
        params=design.params,
        design=design.kind,
        values=design.values,
        names=scenario.names,
        issues=scenario.space.issue_names,
        seed=base,
        n_seeds=n_seeds,
        confidence=confidence,
        points=design.points,
        run_point=[p["point"] for p in payloads],
        run_seed_index=[p["seed_index"] for p in payloads],
        run_seed=[p["seed"] for p in payloads],
        run_end=tuple(p["end"] for p in payloads),
        run_rounds=[p["rounds"] for p in payloads],
        run_agreed=[p["agreed"] for p in payloads],
        run_ratified=[p["ratified"] for p in payloads],
        run_agreement=tuple(tuple(p["agreement"]) for p in payloads),
        run_utilities=np.array([p["utilities"] for p in payloads], dtype=float).reshape(
            total, len(scenario.names)
        ),
        run_payoffs=np.array([p["payoffs"] for p in payloads], dtype=float).reshape(
            total, len(scenario.names)
        ),
        point_engine=_point_engines(payloads, design.n_points),
    )


def _point_engines(payloads: Sequence[dict[str, Any]], n_points: int) -> tuple[str, ...]:
    """Per point, the engines its runs record (``"+"``-joined in order of first use)."""
    engines: list[dict[str, None]] = [{} for _ in range(n_points)]
    for payload in payloads:
        engines[payload["point"]][payload.get("engine", "not recorded")] = None
    return tuple("+".join(found) for found in engines)
