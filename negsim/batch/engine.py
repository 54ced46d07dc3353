"""Alternating offers for a whole batch, round by round, every run at once.

All runs of a batch share the rules, so they are in the same round at the same time: round
``t``'s proposer ``p = (opener + t) mod n`` is the same in every run still talking. A round
is then a few array operations over those runs (the *active* rows ``A_t``):

1. ``o = propose_p(A_t, t)``: one offer per active run (the agents' batch forms,
   :mod:`negsim.batch.agents`);
2. every other party observes ``o`` (its memory of the other side's offers);
3. ``a_j = respond_j(A_t, t, o)`` for every ``j ≠ p``, in table order; the runs with
   ``∧_j a_j`` end in agreement on ``o``;
4. with a breakdown risk ``β``, run ``i`` breaks down if its chance draw of round ``t``,
   ``ξ_{i,t} < β``; the draws are the ones the object API makes, ``ξ_{i,·}`` the uniform
   stream of child ``n`` of the run's seed (``SeedSequence(seed_i, spawn_key=(n,))``);
5. ``A_{t+1}`` is what remains; after the last round the rest end at the deadline.

The cost of round ``t`` is a fixed number of array operations on ``|A_t|`` entries, so a
batch costs ``O(Σ_t |A_t|)`` — the total number of offers made — plus the ranking of every
party's outcomes once per run, with a small Python overhead per round. Runs are processed in
chunks of ``chunk_size`` so the working arrays stay small.

The result is the object API's, exactly: a :class:`~negsim.batch.BatchResult` whose
``result(i)`` equals ``protocol.run(parties_i, rng=seeds[i])``. Agents or protocols
without a batch form are run through the object API instead, one run at a time (said
once, by a :class:`LoopFallbackWarning`, and in ``BatchResult.fallback``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..agents import Agent
from ..errors import ValidationError
from ..outcomes import OutcomeSpace
from ..preferences import discounted
from ..protocols import AlternatingOffers, Protocol
from ..protocols.base import check_parties
from ..results import EndReason
from ..rng import RNGLike, resolve_seed
from . import compiled
from .agents import Chunk, batch_form, batch_kinds
from .inputs import build_parties, check_arrays, resolve_agents, scenario_obstacle, utilities
from .result import BatchResult, RunTranscript, Transcript
from .seeds import spawn_seeds_array

__all__ = ["CHUNK_SIZE", "ENGINES", "LoopFallbackWarning", "obstacle", "run", "supports"]

#: Runs processed together (the working arrays hold this many rows) ...
CHUNK_SIZE = 16_384
#: ... and at most this many (run, outcome) cells, so a large space takes fewer runs a chunk.
CHUNK_CELLS = 16_384 * 128
#: The compiled engine's chunks: at most this many runs (their rankings stay in the cache) ...
COMPILED_CHUNK = 2_048
#: ... and at most this many (run, round) cells of the transcript's buffers.
COMPILED_CELLS = 2_048 * 512
#: What ``run(engine=...)`` takes: the fastest that applies, or one of them by name.
ENGINES = ("auto", "compiled", "batch")

_END = {EndReason.AGREEMENT: 0, EndReason.DEADLINE: 1, EndReason.BREAKDOWN: 2}
_END_NAMES = np.array([e.value for e in _END])


class LoopFallbackWarning(UserWarning):
    """A batch ran through the object API, one run at a time (no batch form applies)."""


def obstacle(protocol: Any, agents: Sequence[Any]) -> str | None:
    """Why these rules and agents cannot run as arrays (``None`` if they can)."""
    if type(protocol) is not AlternatingOffers:
        name = getattr(protocol, "name", type(protocol).__name__)
        return f"protocol {name!r} has no batch form (only 'alternating-offers' has)"
    for j, agent in enumerate(agents):
        if batch_form(agent) is None:
            kind = agent.describe().get("kind") if isinstance(agent, Agent) else agent
            return (
                f"agent {kind!r} of party {j} has no batch form"
                f" (those with one: {', '.join(batch_kinds())})"
            )
    return None


def supports(protocol: Any, agents: Sequence[Any] | None = None) -> bool:
    """Whether :func:`run` runs these rules and agents as arrays (else it loops).

    ``protocol`` may also be a :class:`~negsim.Scenario` (then ``agents`` is left out): the
    scenario's protocol and agents must have batch forms and its parties' preferences must
    be linear additive (see :func:`negsim.batch.from_scenarios`).
    """
    from ..scenario import Scenario

    if isinstance(protocol, Scenario):
        scenario = protocol
        if scenario_obstacle(scenario) is not None:
            return False
        return obstacle(scenario.protocol, [p.agent for p in scenario.parties]) is None
    if agents is None:
        return False
    try:
        made = resolve_agents(agents, len(agents))
    except (ValidationError, TypeError):
        return False
    return obstacle(protocol, made) is None


def run(
    protocol: Protocol,
    space: OutcomeSpace,
    weights: Any,
    tables: Sequence[Any],
    reservations: Any,
    agents: Sequence[Any],
    rng: RNGLike = None,
    *,
    names: Sequence[str] | None = None,
    seeds: Any = None,
    batch_only: bool = False,
    chunk_size: int = CHUNK_SIZE,
    workers: int = 1,
    engine: str = "auto",
) -> BatchResult:
    """Run ``N`` negotiations under ``protocol`` at once.

    ``weights`` ``(N, n_parties, n_issues)``, ``tables`` (one ``(N, n_parties, n_options)``
    array per issue) and ``reservations`` ``(N, n_parties)`` are the parties' linear-additive
    preferences in each run (see :mod:`negsim.batch.inputs`); ``agents`` one spec per party
    (an :class:`~negsim.Agent`, a registered name or a ``{"kind": ...}`` table), the same in
    every run; ``names`` the parties' names (``p0``, ``p1``, ... by default).

    Run ``i`` uses seed ``seeds[i]``: by default ``SeedSequence(seed).spawn(N)``'s children
    of the seed ``rng`` resolves to (:func:`negsim.rng.spawn_seeds`), so the batch does not
    depend on how it is chunked. With ``batch_only=True`` a protocol or agent without a batch
    form is an error instead of a fallback to the object API. Runs are processed
    ``chunk_size`` at a time (fewer over a space so large that a chunk would hold more than
    :data:`CHUNK_CELLS` run-outcome cells), by ``workers`` threads at once; the result
    depends on neither.

    ``engine`` picks how: ``"compiled"`` plays each run by compiled code
    (:mod:`negsim.batch.compiled`; it needs Numba, the ``fast`` extra, and covers every
    batch form but the random agent's), ``"batch"`` steps the runs in lockstep as numpy
    arrays, ``"auto"`` (the default) takes the compiled engine where it applies, else the
    arrays. All give the same result; ``BatchResult.engine`` says which ran.
    """
    if not isinstance(protocol, Protocol):
        raise ValidationError("protocol", f"got {type(protocol).__name__}", "a Protocol")
    if not isinstance(space, OutcomeSpace):
        raise ValidationError("space", f"got {type(space).__name__}", "an OutcomeSpace")
    space.check_enumerable()
    w, t, r = check_arrays(space, weights, tables, reservations)
    n, n_parties = r.shape
    made = resolve_agents(agents, n_parties)
    names = tuple(names) if names is not None else tuple(f"p{j}" for j in range(n_parties))
    if len(names) != n_parties:
        raise ValidationError("names", f"{len(names)} names", f"one per party ({n_parties})")
    for field, value in (("chunk_size", chunk_size), ("workers", workers)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(field, f"{value!r}", "a whole number >= 1")
    if engine not in ENGINES:
        raise ValidationError("engine", f"{engine!r}", f"one of {', '.join(ENGINES)}")
    run_seeds = _seeds(rng, seeds, n)
    if n:  # the rules that depend on the parties (count, names, opener): checked once
        check_parties(protocol, build_parties(space, w, t, r, made, names, 0))
    reason = obstacle(protocol, made)
    if reason is not None:
        if batch_only:
            raise ValidationError(
                "agents" if "agent" in reason else "protocol", reason, "a batch form"
            )
        warnings.warn(
            f"negsim.batch: {reason}; running the {n} negotiations one by one",
            LoopFallbackWarning,
            stacklevel=2,
        )
        return _loop(protocol, space, w, t, r, made, names, run_seeds, reason)
    assert isinstance(protocol, AlternatingOffers)
    codes = _compiled_codes(engine, made)
    if codes is not None:
        return _compiled(
            protocol, space, w, t, r, made, codes, names, run_seeds, chunk_size, workers
        )
    return _batch(protocol, space, w, t, r, made, names, run_seeds, chunk_size, workers)


def _compiled_codes(engine: str, agents: tuple[Agent, ...]) -> tuple[int, ...] | None:
    """The agents' codes for the compiled engine if it is to run, else ``None``."""
    if engine == "batch":
        return None
    codes = compiled.compiled_kinds(agents)
    if engine == "compiled":
        if not compiled.available():
            raise ValidationError(
                "engine", "'compiled' needs Numba", 'pip install "negsim[fast]", or "batch"'
            )
        if codes is None:
            kinds = [a.describe().get("kind") for a in agents if compiled.kind_code(a) is None]
            raise ValidationError(
                "engine", f"agent {kinds[0]!r} has no compiled form", '"batch" or "auto"'
            )
    return codes if compiled.available() else None


def _seeds(rng: RNGLike, seeds: Any, n: int) -> Any:
    if seeds is None:
        return spawn_seeds_array(resolve_seed(rng), n)
    if rng is not None:
        raise ValidationError("seeds", "given with rng", "either rng or seeds")
    array = np.asarray(seeds)
    if array.shape != (n,) or not np.issubdtype(array.dtype, np.integer) or (array < 0).any():
        raise ValidationError("seeds", f"shape {array.shape}, {array.dtype}", f"{n} integers >= 0")
    return array.astype(np.int64)


def _loop(
    protocol: Protocol,
    space: OutcomeSpace,
    w: Any,
    t: Any,
    r: Any,
    agents: tuple[Agent, ...],
    names: tuple[str, ...],
    seeds: Any,
    reason: str,
) -> BatchResult:
    results = tuple(
        protocol.run(build_parties(space, w, t, r, agents, names, i), rng=int(seeds[i]))
        for i in range(len(seeds))
    )
    agreement = np.array(
        [-1 if x.agreement is None else x.agreement for x in results], dtype=np.int64
    )
    return BatchResult(
        protocol,
        space,
        names,
        agents,
        agreement,
        np.array([x.end.value for x in results], dtype=_END_NAMES.dtype),
        np.array([x.n_rounds for x in results], dtype=np.int64),
        np.array([x.final_utilities for x in results]).reshape(len(results), len(names)),
        seeds,
        engine="loop",
        fallback=reason,
        weights=w,
        tables=t,
        reservations=r,
        results=results,
    )


def _batch(
    protocol: AlternatingOffers,
    space: OutcomeSpace,
    w: Any,
    t: Any,
    r: Any,
    agents: tuple[Agent, ...],
    names: tuple[str, ...],
    seeds: Any,
    chunk_size: int,
    workers: int,
) -> BatchResult:
    n, n_parties = r.shape
    agreement = np.full(n, -1, dtype=np.int64)
    end = np.full(n, _END[EndReason.DEADLINE], dtype=np.int8)
    rounds = np.full(n, protocol.n_rounds, dtype=np.int64)
    transcript = Transcript()
    grid = np.asarray(space.grid(), dtype=np.int64)
    factors = tuple(1.0 * protocol.discount for _ in range(n_parties))
    chunk_size = max(1, min(chunk_size, CHUNK_CELLS // space.size))

    def play(start: int) -> list[tuple[Any, Any, Any]]:
        rows = slice(start, min(n, start + chunk_size))
        chunk = Chunk(
            [utilities(w, t, j, rows) for j in range(n_parties)],
            r[rows],
            grid,
            space.shape,
            protocol.n_rounds,
            protocol.opener,
            factors,
            protocol.information,
            seeds[rows],
        )
        return _alternate(protocol, chunk, agents, agreement[rows], end[rows], rounds[rows])

    for start, record in _each_chunk(play, n, chunk_size, workers):
        transcript.add(start, record)
    return _result(
        protocol, space, names, agents, agreement, end, rounds, w, t, r, seeds, transcript
    )


def _each_chunk(play: Any, n: int, chunk: int, workers: int) -> list[tuple[int, Any]]:
    """``(start, play(start))`` for each chunk of ``n`` runs, on ``workers`` threads: the
    chunks are independent and write disjoint slices, and numpy and the compiled loop
    release the GIL, so threads share the cores without copying the arrays."""
    starts = range(0, n, chunk)
    if workers > 1 and len(starts) > 1:
        from concurrent.futures import ThreadPoolExecutor  # only when asked: import time

        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(zip(starts, pool.map(play, starts), strict=True))
    return [(start, play(start)) for start in starts]


def _result(
    protocol: AlternatingOffers,
    space: OutcomeSpace,
    names: tuple[str, ...],
    agents: tuple[Agent, ...],
    agreement: Any,
    end: Any,
    rounds: Any,
    w: Any,
    t: Any,
    r: Any,
    seeds: Any,
    transcript: Transcript | RunTranscript,
) -> BatchResult:
    """The batch's result from its arrays (``end`` as codes) and transcript."""
    factors = tuple(1.0 * protocol.discount for _ in range(r.shape[1]))
    return BatchResult(
        protocol,
        space,
        names,
        agents,
        agreement,
        _END_NAMES[end],
        rounds,
        _final_utilities(r, agreement, rounds, w, t, factors),
        seeds,
        engine="compiled" if isinstance(transcript, RunTranscript) else "batch",
        weights=w,
        tables=t,
        reservations=r,
        transcript=transcript,
    )


def _compiled(
    protocol: AlternatingOffers,
    space: OutcomeSpace,
    w: Any,
    t: Any,
    r: Any,
    agents: tuple[Agent, ...],
    codes: tuple[int, ...],
    names: tuple[str, ...],
    seeds: Any,
    chunk_size: int,
    workers: int,
) -> BatchResult:
    """Every run played by the compiled loop (:mod:`negsim.batch.compiled`), chunk by
    chunk (the chance draws are made a chunk at a time, in numpy)."""
    n, n_parties = r.shape
    agreement = np.full(n, -1, dtype=np.int64)
    end = np.full(n, _END[EndReason.DEADLINE], dtype=np.int8)
    rounds = np.full(n, protocol.n_rounds, dtype=np.int64)
    transcript = RunTranscript()
    grid = np.asarray(space.grid(), dtype=np.int64)
    small = np.int16 if space.size <= np.iinfo(np.int16).max else np.int64
    factors = (protocol.discount,) * n_parties
    tables = compiled.schedules(agents, codes, protocol.n_rounds, factors)
    chunk = max(
        1,
        min(
            chunk_size,
            COMPILED_CHUNK,
            CHUNK_CELLS // space.size,
            COMPILED_CELLS // protocol.n_rounds,
        ),
    )
    complete = protocol.information == "complete"

    def play(start: int) -> tuple[Any, Any, Any]:
        rows = slice(start, min(n, start + chunk))
        made = compiled.play(
            codes,
            w[rows],
            [table[rows] for table in t],
            r[rows],
            grid,
            tables,
            protocol.opener,
            complete,
            protocol.breakdown_probability,
            compiled.chance_draws(protocol, seeds[rows], n_parties),
        )
        agreement[rows], end[rows], rounds[rows] = made[:3]
        return made[3], made[4].astype(small), made[5]

    for start, record in _each_chunk(play, n, chunk, workers):
        transcript.add(start, *record)
    return _result(
        protocol, space, names, agents, agreement, end, rounds, w, t, r, seeds, transcript
    )


def _alternate(
    protocol: AlternatingOffers,
    chunk: Chunk,
    agents: tuple[Agent, ...],
    agreement: Any,
    end: Any,
    rounds: Any,
) -> list[tuple[Any, Any, Any]]:
    """Play one chunk to the end (writing into its slices of the batch's arrays); returns
    each round's ``(active rows, offers, answers)``."""
    n_parties = chunk.n_parties
    forms = []
    for j, agent in enumerate(agents):
        form = batch_form(agent)
        assert form is not None
        forms.append(form(agent, chunk, j))
    others = [[j for j in range(n_parties) if j != p] for p in range(n_parties)]
    risk = protocol.breakdown_probability
    draws = compiled.chance_draws(protocol, chunk.seeds, n_parties)
    dtype = np.int16 if chunk.size <= np.iinfo(np.int16).max else np.int64
    active = np.arange(chunk.n, dtype=np.int64)
    record = []
    for t in range(protocol.n_rounds):
        if not active.size:
            break
        proposer = (protocol.opener + t) % n_parties
        offer = np.asarray(forms[proposer].propose(active, t), dtype=np.int64)
        for j in others[proposer]:
            forms[j].observe(active, offer)
        answers = np.ones((active.size, n_parties), dtype=bool)
        agreed = np.ones(active.size, dtype=bool)
        for j in others[proposer]:
            answer = forms[j].respond(active, t, offer, proposer)
            answers[:, j] = answer
            agreed &= answer  # not answers.all(axis=1): a reduction over rows of n is slow
        record.append((active, offer.astype(dtype), answers))
        done = active[agreed]
        agreement[done] = offer[agreed]
        end[done] = _END[EndReason.AGREEMENT]
        rounds[done] = t + 1
        active = active[~agreed]
        if draws is not None and active.size:
            broke = draws[active, t] < risk
            gone = active[broke]
            end[gone] = _END[EndReason.BREAKDOWN]
            rounds[gone] = t + 1
            active = active[~broke]
    return record


def _final_utilities(
    r: Any, agreement: Any, rounds: Any, w: Any, t: Any, factors: tuple[float, ...]
) -> Any:
    """Each party's discounted utility of the agreement, ``φ_j^{t_a} u_j(ω)``, or its
    reservation value without one (``Table.result``'s numbers)."""
    final = np.array(r, dtype=float)
    agreed = np.flatnonzero(agreement >= 0)
    if not agreed.size:
        return final
    shape = tuple(table.shape[2] for table in t)
    options = np.unravel_index(agreement[agreed], shape)
    for j in range(r.shape[1]):
        u = np.zeros(agreed.size)
        first = True
        for q, table in enumerate(t):
            term = w[agreed, j, q] * table[agreed, j, options[q]]
            u = term if first else u + term
            first = False
        final[agreed, j] = u
    if any(f != 1.0 for f in factors):
        # Table.result raises φ to each offer's round in one array of all the run's rounds;
        # the same call per run length keeps the last ulp the same
        phi = np.array(factors)
        for played in np.unique(rounds[agreed]).tolist():
            power = (phi ** np.arange(played, dtype=np.int64)[:, None])[-1]
            at = agreed[rounds[agreed] == played]
            final[at] = discounted(final[at], power)
    return final
