"""Tournaments: many agents against each other over many scenarios and seeds, ranked.

A tournament (as in the ANAC competitions and Axelrod's) plays every **assignment** of the
competing agents to each scenario's parties: for a scenario with ``n`` parties and ``k``
agents, every ordered choice of ``n`` different agents (``k!/(k-n)!`` of them), or of ``n``
agents with repetition (``k^n``) when ``self_play`` is on. For a bilateral scenario that is
every pair in both role orders, so neither agent gains from always having the same side; for a
multilateral one, each agent plays each role against every combination of the others (as
ANAC's multilateral leagues do). Every assignment is played once per seed: seed ``r`` is child
``r`` of the tournament's seed (:func:`negsim.rng.spawn_seeds`), the same for every scenario
and assignment (common random numbers: two agents in the same seat meet the same chance
events, so differences between them are not luck). Each negotiation is the scenario's own run
(:meth:`negsim.Scenario.run`: its protocol, and its ratification stage when it has one) with
the agents replaced.

Scores of one negotiation (those ANAC reports). With ``u_j`` party ``j``'s final payoff —
the discounted utility of the agreement if a deal was made (agreed and, where the scenario has
one, ratified), else its reservation value ``d_j`` — and ``p`` the outcome reached in utility
space (the agreement's undiscounted utilities ``U[ω]``, or ``d`` without a deal):

.. math::

    \\text{welfare} = \\sum_j u_j, \\qquad
    \\text{Nash product} = \\prod_j \\max(u_j - d_j, 0), \\qquad
    \\text{Pareto distance} = \\min_{f \\in F} \\lVert p - f \\rVert_2, \\qquad
    \\text{Nash distance} = \\lVert p - U[\\omega_N] \\rVert_2

where ``F`` is the scenario's Pareto frontier among the outcomes no party rules out (rows of
``U`` with finite utilities) and ``ω_N`` its Nash point with disagreement point ``d``
(:mod:`negsim.analysis`, computed once per scenario, not per negotiation). Where they do not
exist the distance is NaN, and left out of the means: the Pareto distance when every outcome
crosses some party's red line, the Nash distance when no outcome is better than ``d`` for
every party (no zone of agreement). The Nash product is 0 without a deal. ``rounds`` counts
the rounds played (the last offer's round plus one).

An agent's score is the mean over every negotiation it played, one observation per seat it
held (:meth:`TournamentResult.ranking`). Its interval is a percentile bootstrap over the
**seeds**: the tournament's seeds are its independent replicates (every seed plays the whole
round robin), so the interval says how far the mean would move if the tournament were run
again with fresh seeds. An agent none of whose results depends on chance gets an interval of
width 0; it does not say how the agent would fare against another field or on other
scenarios (compare :meth:`TournamentResult.ranking` over subsets of scenarios for that).

>>> import negsim
>>> result = negsim.tournament(["boulware", "conceder", "hardliner"], ["split-the-pie"], rng=1)
>>> result.n_negotiations, result.ranking().agents   # 3 pairs, both role orders
(6, ('boulware', 'conceder', 'hardliner'))
>>> result.means("utility").round(3).tolist()         # the order of ``agents``
[0.45, 0.15, 0.1]

``negsim.tournament`` is the function; this module, ``negsim.tournaments``, holds it with the
ranking, the scores and the stability measures (``from negsim.tournaments import
ranking_stability``).
"""

from __future__ import annotations

import itertools
import math
import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from . import analysis
from .agents import Agent, agent_label, make_agent
from .display import fmt, html_table, short_repr
from .errors import ValidationError
from .io import csv_text, number_from_json, write_json_atomic
from .parallel import ExecutorFailed, imap_chunks
from .preferences import utility_matrix
from .rng import RNGLike, resolve_rng, resolve_seed, spawn_seeds
from .scenario import Scenario, load_scenario
from .store import RunStore, StoredRun, fingerprint, map_stored
from .validators import bool_array, float_array, int_array, readonly

__all__ = [
    "MAX_NEGOTIATIONS",
    "METRICS",
    "RANKED",
    "STORE_COLUMNS",
    "Ranking",
    "RankingStability",
    "TournamentResult",
    "kendall_tau",
    "ranking_stability",
    "tournament",
]

#: The per-agent scores, and whether more is better (``rounds`` is reported, not ranked).
METRICS: dict[str, bool | None] = {
    "utility": True,
    "social_welfare": True,
    "nash_product": True,
    "pareto_distance": False,
    "nash_distance": False,
    "agreement_rate": True,
    "rounds": None,
}
#: The scores an agent can be ranked by.
RANKED = tuple(metric for metric, better in METRICS.items() if better is not None)
#: The most seeds a tournament plays (a bound, so a typo cannot start a run for ever).
MAX_SEEDS = 10_000
#: The most negotiations one tournament plays (every task is listed before the first runs).
MAX_NEGOTIATIONS = 5_000_000
#: The typed columns of a stored negotiation (:mod:`negsim.store`; the payload holds the
#: whole outcome): ``agents`` is the seats' labels, comma-separated, in party order.
STORE_COLUMNS = {
    "scenario": "TEXT",
    "repetition": "INTEGER",
    "seed": "INTEGER",
    "agents": "TEXT",
    "agreed": "INTEGER",
    "deal": "INTEGER",
    "rounds": "INTEGER",
    "end": "TEXT",
    "agreement": "INTEGER",
}
_BOOTSTRAP = 2_000
#: Scores closer than this (relative, at least absolute) tie: rounding is not a ranking.
_TIE = 1e-9


# --- running ---------------------------------------------------------------------------------
@attrs.frozen
class _Task:
    """One negotiation: a scenario, the agent in each seat, the seed."""

    scenario: Scenario
    agents: tuple[Agent, ...]
    seed: int


def _negotiate(task: _Task) -> tuple[int, bool, bool, int, str, tuple[float, ...]]:
    """Play one negotiation (module level, so a process pool can pickle it)."""
    scenario = task.scenario
    run = scenario.run(task.seed, agents=dict(zip(scenario.keys, task.agents, strict=True)))
    result = run.result
    rounds = int(result.offer_rounds[-1]) + 1 if result.n_rounds else 0
    agreement = -1 if result.agreement is None else int(result.agreement)
    payoffs = tuple(float(u) for u in run.payoffs)
    return agreement, result.agreed, run.deal, rounds, result.end.value, payoffs


_Outcome = tuple[int, bool, bool, int, str, tuple[float, ...]]


@attrs.frozen
class _StoredTask:
    """Negotiation ``index`` of a tournament, with the labels its stored row shows."""

    index: int
    scenario: str
    repetition: int
    agents: tuple[str, ...]
    task: _Task


def _negotiate_stored(item: _StoredTask) -> list[StoredRun]:
    """Play one negotiation and make its stored row (module level, for process pools)."""
    agreement, agreed, deal, rounds, end, payoffs = _negotiate(item.task)
    columns = {
        "scenario": item.scenario,
        "repetition": item.repetition,
        "seed": item.task.seed,
        "agents": ",".join(item.agents),
        "agreed": agreed,
        "deal": deal,
        "rounds": rounds,
        "end": end,
        "agreement": None if agreement < 0 else agreement,
    }
    payload = {
        "agreement": agreement,
        "agreed": agreed,
        "deal": deal,
        "rounds": rounds,
        "end": end,
        "payoffs": list(payoffs),
    }
    return [StoredRun(str(item.index), columns, payload)]


def _outcome(payload: Mapping[str, Any]) -> _Outcome:
    """A stored payload back as :func:`_negotiate` returned it (floats round-trip exactly)."""
    return (
        int(payload["agreement"]),
        bool(payload["agreed"]),
        bool(payload["deal"]),
        int(payload["rounds"]),
        str(payload["end"]),
        tuple(number_from_json(u) for u in payload["payoffs"]),
    )


def _identity(
    competitors: Mapping[str, Agent],
    cases: Mapping[str, Scenario],
    base: int,
    n_seeds: int,
    self_play: bool,
) -> dict[str, Any]:
    """What makes two tournaments the same (a store of one cannot resume the other)."""
    return {
        "agents": list(competitors),
        "agent_settings": fingerprint([a.describe() for a in competitors.values()]),
        "scenarios": list(cases),
        "scenario_data": [fingerprint(c.data) for c in cases.values()],
        "seed": base,
        "seeds": n_seeds,
        "self_play": self_play,
    }


def _competitors(agents: Sequence[str | Agent] | Mapping[str, str | Agent]) -> dict[str, Agent]:
    """``{label: agent}``: names are made with :func:`make_agent`, agents labelled by
    :func:`agent_label`, a mapping taken as labels."""
    if isinstance(agents, str | Agent):
        agents = [agents]
    pairs: list[tuple[Any, Any]]
    if isinstance(agents, Mapping):
        pairs = list(agents.items())
    else:
        pairs = [(a if isinstance(a, str) else _label(a), a) for a in agents]
    found: dict[str, Agent] = {}
    for label, agent in pairs:
        if not isinstance(agent, str | Agent):
            raise ValidationError(
                f"agents.{label}", f"got {type(agent).__name__}", "a registered name or an Agent"
            )
        if str(label) in found:
            raise ValidationError(
                "agents", f"{label!r} is named twice", "distinct agents (or a mapping of labels)"
            )
        found[str(label)] = make_agent(agent) if isinstance(agent, str) else agent
    if not found:
        raise ValidationError("agents", "none given", "at least one agent")
    return found


def _label(agent: Any) -> str:
    if not isinstance(agent, Agent):
        raise ValidationError(
            "agents", f"got {type(agent).__name__}", "registered agent names or Agent objects"
        )
    return agent_label(agent.describe())


def _scenarios(scenarios: Sequence[str | os.PathLike[str] | Scenario]) -> dict[str, Scenario]:
    """``{label: scenario}``: names and paths go through :func:`load_scenario`."""
    found: dict[str, Scenario] = {}
    for item in scenarios:
        scenario = item if isinstance(item, Scenario) else load_scenario(item)  # type: ignore[arg-type]
        label = _scenario_label(item, scenario)
        if label in found:
            raise ValidationError("scenarios", f"{label!r} is given twice", "distinct scenarios")
        found[label] = scenario
    if not found:
        raise ValidationError("scenarios", "none given", "at least one scenario")
    return found


def _scenario_label(item: Any, scenario: Scenario) -> str:
    if isinstance(item, Scenario):
        source = Path(scenario.source)
        return source.stem if source.suffix == ".toml" else scenario.title
    path = Path(item)
    return path.stem if path.suffix == ".toml" else path.name


def _assignments(k: int, n: int, self_play: bool) -> list[tuple[int, ...]]:
    if self_play:
        return list(itertools.product(range(k), repeat=n))
    return list(itertools.permutations(range(k), n))


def tournament(
    agents: Sequence[str | Agent] | Mapping[str, str | Agent],
    scenarios: Sequence[str | os.PathLike[str] | Scenario] | str | Scenario,
    n_seeds: int = 1,
    rng: RNGLike = None,
    *,
    self_play: bool = False,
    executor: Executor | None = None,
    chunksize: int | None = None,
    progress: Callable[[int, int], Any] | None = None,
    store: str | os.PathLike[str] | RunStore | None = None,
) -> TournamentResult:
    """Play every assignment of ``agents`` to every scenario's parties, ``n_seeds`` times.

    ``agents``: registered names (``"boulware"``), :class:`~negsim.Agent` objects (labelled
    as a scenario would name them), or a mapping ``{label: name or agent}``. ``scenarios``:
    :class:`~negsim.Scenario` objects, or anything :func:`~negsim.load_scenario` reads (a
    bundled name, a file, a folder where that loader accepts one). ``self_play``: also let an
    agent meet itself. ``executor``: any :class:`concurrent.futures.Executor` (a process
    pool, a Dask client's executor); the results are the same, serial or parallel, because
    each negotiation carries its own seed. ``progress(done, total)`` is called as chunks of
    negotiations finish. See the module docstring for the design and the scores.

    ``store`` (a path or an open :class:`~negsim.store.RunStore`) receives every negotiation
    as it finishes, one row each (typed columns :data:`STORE_COLUMNS`). Calling again with
    the same arguments and store resumes: only the negotiations it lacks are played, and
    the result is the same, byte for byte in :meth:`TournamentResult.to_csv`, as an
    uninterrupted run's. A store made for other agents (labels or settings), scenarios,
    seeds, ``self_play`` or negsim version raises :class:`~negsim.store.StoreMismatch` and is
    left untouched. With a store, ``rng`` must be given (``None`` draws a new seed each call).
    """
    competitors = _competitors(agents)
    if isinstance(scenarios, str | os.PathLike | Scenario):
        scenarios = [scenarios]
    cases = _scenarios(scenarios)
    if isinstance(n_seeds, bool) or not isinstance(n_seeds, int) or not 1 <= n_seeds <= MAX_SEEDS:
        raise ValidationError("n_seeds", f"{n_seeds!r}", f"a whole number from 1 to {MAX_SEEDS:,}")
    labels, players = tuple(competitors), tuple(competitors.values())
    k = len(players)
    sizes = {name: len(c.parties) for name, c in cases.items()}
    total = n_seeds * sum(k**n if self_play else math.perm(k, n) for n in sizes.values())
    if total > MAX_NEGOTIATIONS:
        raise ValidationError(
            "tournament",
            f"{total:,} negotiations ({k} agents, parties {sorted(set(sizes.values()))},"
            f" {n_seeds} seeds)",
            f"at most {MAX_NEGOTIATIONS:,}: fewer agents, seeds or parties",
        )
    if store is not None and rng is None:
        raise ValidationError(
            "rng", "None with a store", "a seed, so that a rerun resumes the same tournament"
        )
    base = resolve_seed(rng)
    seeds = spawn_seeds(base, n_seeds)
    tasks: list[_Task] = []
    index: list[tuple[int, int, tuple[int, ...]]] = []
    for s, (name, scenario) in enumerate(cases.items()):
        n = len(scenario.parties)
        assignments = _assignments(len(players), n, self_play)
        if not assignments:
            raise ValidationError(
                "agents",
                f"{len(players)} agents for {name!r}, which has {n} parties",
                f"at least {n} agents, or self_play=True",
            )
        for r, seed in enumerate(seeds):
            for seats in assignments:
                tasks.append(_Task(scenario, tuple(players[a] for a in seats), seed))
                index.append((s, r, seats))
    if store is None:
        outcomes: list[Any] = [None] * len(tasks)
        done = 0
        for start, chunk in imap_chunks(_negotiate, tasks, executor, chunksize):
            outcomes[start : start + len(chunk)] = chunk
            done += len(chunk)
            if progress is not None:
                progress(done, len(tasks))
    else:
        identity = _identity(competitors, cases, base, n_seeds, self_play)
        named = [
            _StoredTask(i, tuple(cases)[s], r, tuple(labels[a] for a in seats), tasks[i])
            for i, (s, r, seats) in enumerate(index)
        ]
        outcomes = _play_stored(named, store, identity, executor, chunksize, progress)
    return _score(labels, players, cases, base, n_seeds, self_play, seeds, index, outcomes)


def _play_stored(
    named: list[_StoredTask],
    store: str | os.PathLike[str] | RunStore,
    identity: Mapping[str, Any],
    executor: Executor | None,
    chunksize: int | None,
    progress: Callable[[int, int], Any] | None,
) -> list[_Outcome]:
    """The negotiations' outcomes, playing only those ``store`` lacks and adding each as
    its chunk finishes; every outcome is then read back from the store."""
    opened = None
    if not isinstance(store, RunStore):
        opened = store = RunStore.open(store, "tournament", identity, columns=STORE_COLUMNS)
    try:
        stored = store.keys()
        todo = [item for item in named if str(item.index) not in stored]
        finished = [len(named) - len(todo)]

        def advance(n: int) -> None:
            finished[0] += n
            if progress is not None:
                progress(finished[0], len(named))

        try:
            map_stored(_negotiate_stored, todo, store, executor, chunksize, advance)
        except ExecutorFailed as error:
            raise ExecutorFailed(
                f"{error}; the {len(store):,} negotiations finished are kept in {store.path}:"
                " rerun the same command to resume"
            ) from error
        payloads = store.payloads()
    finally:
        if opened is not None:
            opened.close()
    if len(payloads) != len(named):
        raise ValidationError(
            "store", f"{len(payloads):,} negotiations", f"the {len(named):,} of this tournament"
        )
    return [_outcome(payloads[str(i)]) for i in range(len(named))]


def _score(
    labels: tuple[str, ...],
    players: tuple[Agent, ...],
    cases: dict[str, Scenario],
    base: int,
    n_seeds: int,
    self_play: bool,
    seeds: list[int],
    index: list[tuple[int, int, tuple[int, ...]]],
    outcomes: list[tuple[int, bool, bool, int, str, tuple[float, ...]]],
) -> TournamentResult:
    """The negotiations' scores, vectorised per scenario (frontier and Nash point once)."""
    m = len(index)
    width = max(len(s.parties) for s in cases.values())
    scenario = np.array([s for s, _, _ in index], dtype=np.int64)
    seats = np.full((m, width), -1, dtype=np.int64)
    utilities = np.full((m, width), np.nan)
    points = np.full((m, width), np.nan)
    welfare, nash_product = np.zeros(m), np.zeros(m)
    pareto_distance, nash_distance = np.full(m, np.nan), np.full(m, np.nan)
    agreement = np.array([o[0] for o in outcomes], dtype=np.int64)
    deal = np.array([o[2] for o in outcomes], dtype=bool)
    for i, (_, _, assigned) in enumerate(index):
        seats[i, : len(assigned)] = assigned
        utilities[i, : len(assigned)] = outcomes[i][5]
    for s, case in enumerate(cases.values()):
        rows = np.flatnonzero(scenario == s)
        n = len(case.parties)
        U = utility_matrix(case.preferences)
        d = np.array([p.reservation for p in case.preferences], dtype=float)
        found = analysis.analyse(U, d)
        p = np.where(deal[rows, None], U[np.maximum(agreement[rows], 0)], d)
        points[rows, :n] = p
        u = utilities[rows, :n]
        welfare[rows] = u.sum(axis=1)
        with np.errstate(invalid="ignore"):  # -inf - -inf cannot arise: d is finite
            nash_product[rows] = np.prod(np.maximum(u - d, 0.0), axis=1)
        frontier = U[found.frontier]
        frontier = frontier[np.isfinite(frontier).all(axis=1)]
        pareto_distance[rows] = analysis.nearest_distances(p, frontier)
        if found.nash is not None:
            nash_distance[rows] = analysis.nearest_distances(p, U[[found.nash]])
    return TournamentResult(
        agents=labels,
        agent_descriptions=tuple(a.describe() for a in players),
        scenarios=tuple(cases),
        roles=tuple(c.keys for c in cases.values()),
        seed=base,
        n_seeds=n_seeds,
        self_play=self_play,
        scenario=scenario,
        repetition=np.array([r for _, r, _ in index], dtype=np.int64),
        seeds=np.array([seeds[r] for _, r, _ in index], dtype=np.int64),
        seats=seats,
        utilities=utilities,
        points=points,
        agreed=np.array([o[1] for o in outcomes], dtype=bool),
        deal=deal,
        rounds=np.array([o[3] for o in outcomes], dtype=np.int64),
        end=tuple(o[4] for o in outcomes),
        agreement=agreement,
        social_welfare=welfare,
        nash_product=nash_product,
        pareto_distance=pareto_distance,
        nash_distance=nash_distance,
    )


# --- results ---------------------------------------------------------------------------------
@attrs.frozen(eq=False)
class TournamentResult:
    """Every negotiation of a tournament and its scores, one entry per negotiation.

    Per negotiation ``i``: ``scenario[i]`` (index into :attr:`scenarios`), ``repetition[i]``
    (which of the ``n_seeds`` seeds) and ``seeds[i]`` (the seed that replays it),
    ``seats[i, j]`` (index into :attr:`agents` of the agent in party ``j``'s seat; ``-1``
    past the scenario's parties), ``utilities[i, j]`` (its final payoff), ``points[i, j]``
    (the outcome reached, undiscounted), ``agreed``, ``deal``, ``rounds``, ``end``,
    ``agreement`` (the outcome index, ``-1`` for none) and the scores of the module
    docstring. Provenance: the agents' :meth:`~negsim.Agent.describe`, the base ``seed``.
    """

    agents: tuple[str, ...]
    agent_descriptions: tuple[dict[str, Any], ...]
    scenarios: tuple[str, ...]
    roles: tuple[tuple[str, ...], ...]
    seed: int
    n_seeds: int
    self_play: bool
    scenario: npt.NDArray[np.int64] = attrs.field(converter=int_array)
    repetition: npt.NDArray[np.int64] = attrs.field(converter=int_array)
    seeds: npt.NDArray[np.int64] = attrs.field(converter=int_array)
    seats: npt.NDArray[np.int64] = attrs.field(converter=int_array)
    utilities: npt.NDArray[np.float64] = attrs.field(converter=float_array)
    points: npt.NDArray[np.float64] = attrs.field(converter=float_array)
    agreed: npt.NDArray[np.bool_] = attrs.field(converter=bool_array)
    deal: npt.NDArray[np.bool_] = attrs.field(converter=bool_array)
    rounds: npt.NDArray[np.int64] = attrs.field(converter=int_array)
    end: tuple[str, ...]
    agreement: npt.NDArray[np.int64] = attrs.field(converter=int_array)
    social_welfare: npt.NDArray[np.float64] = attrs.field(converter=float_array)
    nash_product: npt.NDArray[np.float64] = attrs.field(converter=float_array)
    pareto_distance: npt.NDArray[np.float64] = attrs.field(converter=float_array)
    nash_distance: npt.NDArray[np.float64] = attrs.field(converter=float_array)

    @property
    def n_negotiations(self) -> int:
        """Negotiations played."""
        return len(self.scenario)

    @property
    def agreement_rate(self) -> float:
        """Share of all negotiations that ended in agreement."""
        return float(self.agreed.mean()) if self.n_negotiations else math.nan

    # --- per-agent observations ------------------------------------------------------------
    def _observations(self, metric: str, keep: npt.NDArray[np.bool_]) -> tuple[Any, Any, Any]:
        """``(agent, repetition, value)`` for every seat held in the kept negotiations."""
        if metric not in METRICS:
            raise ValidationError("by", f"{metric!r}", "one of " + ", ".join(METRICS))
        held = (self.seats >= 0) & keep[:, None]
        negotiation, _ = np.nonzero(held)
        per_negotiation = {
            "social_welfare": self.social_welfare,
            "nash_product": self.nash_product,
            "pareto_distance": self.pareto_distance,
            "nash_distance": self.nash_distance,
            "agreement_rate": self.agreed.astype(float),
            "rounds": self.rounds.astype(float),
        }
        values = (
            self.utilities[held] if metric == "utility" else per_negotiation[metric][negotiation]
        )
        return self.seats[held], self.repetition[negotiation], values

    def _per_seed(self, metric: str, keep: npt.NDArray[np.bool_]) -> tuple[Any, Any, Any]:
        """Per agent: the mean over all its seats, the number of seats, and the mean within
        each repetition (shape ``(n_agents, n_seeds)``); NaN values (no Nash point) left out."""
        agent, rep, values = self._observations(metric, keep)
        k, R = len(self.agents), self.n_seeds
        valid = ~np.isnan(values)
        key = agent[valid] * R + rep[valid]
        sums = np.bincount(key, weights=values[valid], minlength=k * R).reshape(k, R)
        counts = np.bincount(key, minlength=k * R).reshape(k, R)
        with np.errstate(invalid="ignore", divide="ignore"):
            per_seed = sums / counts
            means = sums.sum(axis=1) / counts.sum(axis=1)
        seats = np.bincount(agent, minlength=k)
        return means, seats, np.where(counts > 0, per_seed, np.nan)

    def _keep(
        self, scenarios: Sequence[str] | None, repetitions: Sequence[int] | None
    ) -> npt.NDArray[np.bool_]:
        keep = np.ones(self.n_negotiations, dtype=bool)
        if scenarios is not None:
            for name in scenarios:
                if name not in self.scenarios:
                    raise ValidationError(
                        "scenarios", f"no scenario {name!r}", f"one of {self.scenarios}"
                    )
            wanted = [self.scenarios.index(name) for name in scenarios]
            keep &= np.isin(self.scenario, wanted)
        if repetitions is not None:
            keep &= np.isin(self.repetition, np.asarray(list(repetitions), dtype=np.int64))
        return keep

    def means(
        self,
        metric: str = "utility",
        scenarios: Sequence[str] | None = None,
        repetitions: Sequence[int] | None = None,
    ) -> npt.NDArray[np.float64]:
        """Each agent's mean ``metric`` (order of :attr:`agents`) over the negotiations of
        the given scenarios and repetitions (default all); NaN for an agent with none."""
        return self._per_seed(metric, self._keep(scenarios, repetitions))[0]  # type: ignore[no-any-return]

    def ranking(
        self,
        by: str = "utility",
        confidence: float = 0.95,
        scenarios: Sequence[str] | None = None,
        repetitions: Sequence[int] | None = None,
        rng: RNGLike = None,
    ) -> Ranking:
        """The agents ranked by their mean ``by`` (see :data:`METRICS`), best first, with
        every metric's mean and its percentile-bootstrap interval over the seeds. Means
        within a relative 1e-9 tie: they share a rank and are listed by label. ``rng`` of
        the resampling defaults to the tournament's seed, so the table is reproducible;
        the bounds are NaN with fewer than two seeds."""
        if by not in RANKED:
            raise ValidationError("by", f"{by!r}", "one of " + ", ".join(RANKED))
        if not 0 < confidence < 1:
            raise ValidationError("confidence", f"{confidence!r}", "a level in (0, 1), e.g. 0.95")
        keep = self._keep(scenarios, repetitions)
        reps = np.unique(self.repetition[keep])
        generator, _ = resolve_rng(self.seed if rng is None else rng)
        draws = generator.integers(len(reps), size=(_BOOTSTRAP, len(reps))) if len(reps) else None
        means, lows, highs = {}, {}, {}
        tail = 100 * (1 - confidence) / 2
        for metric in METRICS:
            mean, seats, per_seed = self._per_seed(metric, keep)
            means[metric] = mean
            low = high = np.full(len(self.agents), np.nan)
            if draws is not None and len(reps) > 1:
                resampled = per_seed[:, reps][:, draws]  # (agents, draws, seeds)
                with warnings.catch_warnings():  # an agent with no valid value: NaN, quietly
                    warnings.simplefilter("ignore", RuntimeWarning)
                    boot = np.nanmean(resampled, axis=2)
                    low, high = np.nanpercentile(boot, [tail, 100 - tail], axis=1)
                    spread = np.nanmax(per_seed[:, reps], axis=1) - np.nanmin(
                        per_seed[:, reps], axis=1
                    )
                # the same value in every seed: exactly [mean, mean], not rounding around it
                constant = spread <= _TIE * np.maximum(1.0, np.abs(mean))
                low, high = np.where(constant, mean, low), np.where(constant, mean, high)
            lows[metric], highs[metric] = low, high
        key = means[by] if METRICS[by] else -means[by]
        order = sorted(
            range(len(self.agents)),
            key=lambda a: (-key[a] if np.isfinite(key[a]) else math.inf, self.agents[a]),
        )
        score = key[order]
        rank = [
            1 + int(np.sum(score > v + _TIE * max(1.0, abs(v)))) if np.isfinite(v) else len(score)
            for v in score
        ]
        return Ranking(
            by=by,
            confidence=confidence,
            n_seeds=len(reps),
            agents=tuple(self.agents[a] for a in order),
            rank=rank,
            n_seats=seats[order],
            means={m: v[order] for m, v in means.items()},
            low={m: v[order] for m, v in lows.items()},
            high={m: v[order] for m, v in highs.items()},
        )

    # --- export ----------------------------------------------------------------------------
    def to_records(self) -> list[dict[str, Any]]:
        """One flat record per negotiation (str, int, float, bool or ``None`` values; the same
        keys in every record), ready for a CSV file or a database table.

        Keys: ``negotiation`` (its index: with the tournament's agents, scenarios and seed
        it identifies the run), ``scenario``, ``repetition``, ``seed``, ``n_parties``; per
        seat ``j = 1..`` (the scenario's party order) ``agent_j``, ``role_j`` (the party's
        key) and ``utility_j``; ``agreed``, ``deal``, ``end``, ``rounds``, ``agreement``
        (outcome index or ``None``), ``social_welfare``, ``nash_product``,
        ``pareto_distance``, ``nash_distance`` (``None`` where the scenario has no frontier
        of acceptable outcomes or no Nash point). Seats past a scenario's parties are ``None``.
        """
        width = self.seats.shape[1]
        records = []
        for i in range(self.n_negotiations):
            s = int(self.scenario[i])
            roles = self.roles[s]
            record: dict[str, Any] = {
                "negotiation": i,
                "scenario": self.scenarios[s],
                "repetition": int(self.repetition[i]),
                "seed": int(self.seeds[i]),
                "n_parties": len(roles),
            }
            for j in range(width):
                held = j < len(roles)
                record[f"agent_{j + 1}"] = self.agents[self.seats[i, j]] if held else None
                record[f"role_{j + 1}"] = roles[j] if held else None
                record[f"utility_{j + 1}"] = float(self.utilities[i, j]) if held else None
            pareto, nash = float(self.pareto_distance[i]), float(self.nash_distance[i])
            record.update(
                agreed=bool(self.agreed[i]),
                deal=bool(self.deal[i]),
                end=self.end[i],
                rounds=int(self.rounds[i]),
                agreement=None if self.agreement[i] < 0 else int(self.agreement[i]),
                social_welfare=float(self.social_welfare[i]),
                nash_product=float(self.nash_product[i]),
                pareto_distance=None if math.isnan(pareto) else pareto,
                nash_distance=None if math.isnan(nash) else nash,
            )
            records.append(record)
        return records

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """:meth:`to_records` as CSV, one row per negotiation (written atomically to ``path``
        when given; ``None`` is an empty cell)."""
        records = self.to_records()
        header = list(records[0]) if records else []
        rows = ([("" if v is None else v) for v in r.values()] for r in records)
        return csv_text(header, rows, path)

    def to_dict(self) -> dict[str, Any]:
        """Provenance and the ranking by utility (the negotiations are in :meth:`to_records`)."""
        return {
            "agents": [
                {"label": label, **description}
                for label, description in zip(self.agents, self.agent_descriptions, strict=True)
            ],
            "scenarios": list(self.scenarios),
            "seed": self.seed,
            "n_seeds": self.n_seeds,
            "self_play": self.self_play,
            "n_negotiations": self.n_negotiations,
            "agreement_rate": self.agreement_rate,
            "ranking": self.ranking().to_records(),
        }

    def to_json(self, path: str | os.PathLike[str]) -> Path:
        """:meth:`to_dict` written atomically as JSON."""
        return write_json_atomic(path, self.to_dict())

    def __repr__(self) -> str:
        means = self.means("utility")
        leader = self.agents[int(np.nanargmax(means))] if np.isfinite(means).any() else None
        return short_repr(
            "TournamentResult",
            agents=len(self.agents),
            scenarios=len(self.scenarios),
            seeds=self.n_seeds,
            negotiations=self.n_negotiations,
            agreement_rate=self.agreement_rate,
            leader=leader,
            seed=self.seed,
        )

    def _repr_html_(self) -> str:
        return self.ranking()._repr_html_()


# --- ranking ---------------------------------------------------------------------------------
_HEADINGS = {
    "utility": "utility",
    "social_welfare": "welfare",
    "nash_product": "Nash prod.",
    "pareto_distance": "Pareto dist.",
    "nash_distance": "Nash dist.",
    "agreement_rate": "agreed",
    "rounds": "rounds",
}


def _arrays(values: Mapping[str, Any]) -> dict[str, npt.NDArray[np.float64]]:
    return {k: readonly(v) for k, v in values.items()}


@attrs.frozen(eq=False)
class Ranking:
    """Agents in rank order with each metric's mean and interval (see
    :meth:`TournamentResult.ranking`); ``rank`` gives tied agents the same rank."""

    by: str
    confidence: float
    n_seeds: int
    agents: tuple[str, ...]
    rank: npt.NDArray[np.int64] = attrs.field(converter=int_array)
    n_seats: npt.NDArray[np.int64] = attrs.field(converter=int_array)
    means: dict[str, npt.NDArray[np.float64]] = attrs.field(converter=_arrays)
    low: dict[str, npt.NDArray[np.float64]] = attrs.field(converter=_arrays)
    high: dict[str, npt.NDArray[np.float64]] = attrs.field(converter=_arrays)

    @property
    def caption(self) -> str:
        """How the table is ranked and what the intervals are."""
        how = f"Ranked by mean {self.by.replace('_', ' ')}"
        if self.n_seeds > 1:
            level = f"{100 * self.confidence:g}%"
            return f"{how}; [{level} bootstrap interval over {self.n_seeds} seeds]"
        return f"{how} (one seed: no interval)"

    def to_records(self) -> list[dict[str, Any]]:
        """One record per agent, best first: rank, agent, seats, then each metric's mean,
        low and high bound."""
        records = []
        for a, agent in enumerate(self.agents):
            record: dict[str, Any] = {
                "rank": int(self.rank[a]),
                "agent": agent,
                "seats": int(self.n_seats[a]),
            }
            for metric in METRICS:
                record[metric] = float(self.means[metric][a])
                record[f"{metric}_low"] = float(self.low[metric][a])
                record[f"{metric}_high"] = float(self.high[metric][a])
            records.append(record)
        return records

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """:meth:`to_records` as CSV (written atomically to ``path`` when given)."""
        records = self.to_records()
        return csv_text(list(records[0]), (list(r.values()) for r in records), path)

    def _cells(self, a: int) -> list[str]:
        cells = []
        for metric in METRICS:
            value = (
                f"{self.means[metric][a]:.3f}"
                if metric != "rounds"
                else f"{self.means[metric][a]:.1f}"
            )
            if metric == self.by and self.n_seeds > 1:
                value += f" [{self.low[metric][a]:.3f}, {self.high[metric][a]:.3f}]"
            cells.append(value)
        return cells

    def lines(self) -> list[str]:
        """The table as text: the caption, a header, one line per agent."""
        headers = ["rank", "agent", *(_HEADINGS[m] for m in METRICS), "seats"]
        rows = [
            [str(self.rank[a]), agent, *self._cells(a), str(self.n_seats[a])]
            for a, agent in enumerate(self.agents)
        ]
        widths = [max(len(r[c]) for r in [headers, *rows]) for c in range(len(headers))]
        out = [self.caption]
        for row in [headers, *rows]:
            left = [
                row[c].ljust(widths[c]) if c == 1 else row[c].rjust(widths[c])
                for c in range(len(row))
            ]
            out.append("  ".join(left).rstrip())
        return out

    def __repr__(self) -> str:
        return short_repr(
            "Ranking", by=self.by, seeds=self.n_seeds, agents=self.agents,
            best=fmt(float(self.means[self.by][0])) if self.agents else None,
        )  # fmt: skip

    def _repr_html_(self) -> str:
        headers = ["rank", "agent", *(_HEADINGS[m] for m in METRICS), "seats"]
        rows = [
            [int(self.rank[a]), agent, *self._cells(a), int(self.n_seats[a])]
            for a, agent in enumerate(self.agents)
        ]
        return html_table(headers, rows, caption=self.caption)


# --- stability -------------------------------------------------------------------------------
def kendall_tau(x: Any, y: Any, tolerance: float = _TIE) -> float:
    """Kendall's rank correlation :math:`\\tau_b` of two score vectors (Kendall 1945,
    *Biometrika* 33:239–251), ties allowed:

    .. math::

        \\tau_b = \\frac{\\sum_{i<j} \\operatorname{sgn}(x_i - x_j)\\operatorname{sgn}(y_i - y_j)}
                       {\\sqrt{(n_0 - n_x)(n_0 - n_y)}}

    with :math:`n_0 = n(n-1)/2` and :math:`n_x, n_y` the pairs tied in ``x`` and in ``y``.
    Two scores closer than ``tolerance`` (relative to the larger magnitude, at least 1) tie,
    so that means summed in a different order do not make a ranking out of rounding.
    1: the same order; -1: reversed; NaN when either vector has all its scores tied.

    >>> kendall_tau([1, 2, 3, 4], [1, 3, 2, 4]), kendall_tau([1, 2, 3], [3, 2, 1])
    (0.6666666666666666, -1.0)
    >>> print(kendall_tau([0.3, 0.3 + 1e-15, 0.3], [1, 2, 3]))
    nan
    """
    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValidationError(
            "kendall_tau", f"shapes {a.shape} and {b.shape}", "two equal-length vectors"
        )
    upper = np.triu_indices(len(a), k=1)

    def signs(v: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        gaps = (v[:, None] - v[None, :])[upper]
        scale = np.maximum(1.0, np.maximum(np.abs(v[:, None]), np.abs(v[None, :]))[upper])
        return np.where(np.abs(gaps) <= tolerance * scale, 0.0, np.sign(gaps))

    sa, sb = signs(a), signs(b)
    denominator = math.sqrt(float(np.count_nonzero(sa)) * float(np.count_nonzero(sb)))
    return float(np.sum(sa * sb) / denominator) if denominator else math.nan


@attrs.frozen(eq=False)
class RankingStability:
    """Kendall's τ between the agents' rankings from disjoint halves of the seeds."""

    by: str
    halves: int
    taus: npt.NDArray[np.float64] = attrs.field(converter=float_array)

    @property
    def mean(self) -> float:
        """Mean τ over the splits."""
        return float(np.nanmean(self.taus)) if np.isfinite(self.taus).any() else math.nan

    @property
    def min(self) -> float:
        """Smallest τ over the splits."""
        return float(np.nanmin(self.taus)) if np.isfinite(self.taus).any() else math.nan

    @property
    def identical(self) -> float:
        """Share of splits whose two halves rank the agents in exactly the same order."""
        return float(np.mean(self.taus >= 1 - 1e-12))

    def __repr__(self) -> str:
        return short_repr(
            "RankingStability", by=self.by, splits=len(self.taus), seeds_per_half=self.halves,
            mean_tau=self.mean, min_tau=self.min, identical=self.identical,
        )  # fmt: skip


def ranking_stability(
    result: TournamentResult, by: str = "utility", n_splits: int = 100, rng: RNGLike = None
) -> RankingStability:
    """Split the seeds at random into two disjoint halves ``n_splits`` times and compare the
    agents' mean ``by`` in one half with the other by :func:`kendall_tau` (an odd seed out
    is left out). A τ near 1 says a tournament of half the seeds already settles the order;
    ``rng`` defaults to the tournament's seed."""
    if result.n_seeds < 2:
        raise ValidationError("n_seeds", f"{result.n_seeds}", "at least 2 seeds to split")
    if n_splits < 1:
        raise ValidationError("n_splits", f"{n_splits}", "at least 1")
    generator, _ = resolve_rng(result.seed if rng is None else rng)
    half = result.n_seeds // 2
    taus = []
    for _ in range(n_splits):
        order = generator.permutation(result.n_seeds)
        first = result.means(by, repetitions=order[:half].tolist())
        second = result.means(by, repetitions=order[half : 2 * half].tolist())
        taus.append(kendall_tau(first, second))
    return RankingStability(by=by, halves=half, taus=taus)
