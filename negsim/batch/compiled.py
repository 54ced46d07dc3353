"""The batch engine's compiled form: each run played to its end by machine code (Numba).

The array engine (:mod:`negsim.batch.engine`) steps every run of a chunk in lockstep and pays
numpy's per-call cost on every decision: about a hundred calls a round, bound by gathers from
per-run arrays. This module plays one run at a time instead, all of its rounds in a loop that
Numba compiles, with the agents' state in a few scalars and small arrays. It makes the same
decisions with the same floating-point operations in the same order, so its results are the
array engine's and the object API's, bit for bit (the tests compare all three offer by offer).

What is shared with the array engine is computed by it, in numpy, once a chunk: each party's
utilities (:func:`~negsim.batch.inputs.utilities`), its ranking (:func:`~negsim.batch.ranking.
rank_descending`: numpy's vectorised sort is faster than any per-row sort compiled here), the
time-dependent schedules ``1 - t^e``, the discount powers ``φ^t`` and the chance draws. The
loop then needs, per decision, a binary search of a ranked row (``count_at_least``: the
number of outcomes worth at least a level), a look at its neighbour (``first_of_level``) and,
for the joint-space agent, one pass over the band of outcomes it chooses among.

Covered: the time-dependent agents (joint space and legacy), the opponent-model agent, the
hardliner and tit-for-tat — every batch form but the random agent's, whose draws come from a
numpy generator per run. :func:`available` says whether Numba is installed (the ``fast``
extra); without it, or with a random agent, the array engine runs instead. The machine code
is in :mod:`negsim.batch._kernels`: the first call after an install compiles it (about ten
seconds), cached on disk, so later processes load it in a fraction of a second.

:func:`run_one` plays a single negotiation for the object API (one kernel call from the
preferences to the record); :mod:`negsim.protocols.tiering` decides when
:meth:`AlternatingOffers.run <negsim.AlternatingOffers.run>` takes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from typing import Any

import numpy as np

from ..agents import Agent, Hardliner, OpponentModelAgent, TimeDependent, TitForTat
from ..agents.time_dependent import _TOL, BAND
from ..position import Position
from ..protocols import AlternatingOffers, Party
from ..protocols.base import negotiation_result
from ..results import EndReason, NegotiationResult
from .agents import _times

__all__ = ["available", "chance_draws", "compiled_kinds", "kind_code", "play", "run_one"]

#: The agents' codes in the compiled loop.
JOINT, LEGACY, HARDLINER, TIT_FOR_TAT = 0, 1, 2, 3


@cache
def available() -> bool:
    """Whether Numba can be imported (``pip install "negsim[fast]"``)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return False
    return True


def kind_code(agent: Agent) -> int | None:
    """The compiled loop's code of ``agent`` (``None``: it has no compiled form)."""
    kind = type(agent)
    if kind is TimeDependent:
        return LEGACY if agent.legacy else JOINT  # type: ignore[attr-defined]
    if kind is OpponentModelAgent:
        return None if agent.legacy else JOINT  # type: ignore[attr-defined]
    return {Hardliner: HARDLINER, TitForTat: TIT_FOR_TAT}.get(kind)


def compiled_kinds(agents: tuple[Agent, ...]) -> tuple[int, ...] | None:
    """Every agent's code, or ``None`` if one has no compiled form."""
    codes = tuple(kind_code(agent) for agent in agents)
    return None if any(code is None for code in codes) else codes  # type: ignore[return-value]


def schedules(
    agents: tuple[Agent, ...], codes: tuple[int, ...], n_rounds: int, factors: tuple[float, ...]
) -> tuple[Any, Any, Any, Any, Any, Any]:
    """The per-party, per-round numbers the loop reads, ``φ = factors[j]`` party ``j``'s
    per-round factor (its own discount times the protocol's): ``remaining[j, t] = 1 - t^e``,
    ``powers[j, t] = φ^t`` (numpy's power, for the joint agent's floor ``r / φ^t``) and
    whether it applies, whether the joint agent's levels only fall (``monotone[j]``: no
    floor and ``1 - t^e`` non-increasing, so each count can start from the last one),
    ``accept[j, t] = φ^t`` (Python's power, for ``φ^t u >= r``) and ``ahead[j, d] = φ^d``
    (a step of ``d`` rounds). They depend on the rules and the agents' exponents only, so
    they are memoised (shared: the loop only reads them)."""
    exponents = tuple(
        float(agent.exponent) if code in (JOINT, LEGACY) else 0.0  # type: ignore[attr-defined]
        for agent, code in zip(agents, codes, strict=True)
    )
    return _schedules(codes, exponents, n_rounds, tuple(1.0 * phi for phi in factors))


@lru_cache(maxsize=64)
def _schedules(
    codes: tuple[int, ...],
    exponents: tuple[float, ...],
    n_rounds: int,
    factors: tuple[float, ...],
) -> tuple[Any, Any, Any, Any, Any, Any]:
    n = len(codes)
    remaining = np.zeros((n, n_rounds))
    powers = np.ones((n, n_rounds))
    floors = np.zeros(n, dtype=np.bool_)
    for j, (code, exponent, phi) in enumerate(zip(codes, exponents, factors, strict=True)):
        if code in (JOINT, LEGACY):
            remaining[j] = 1.0 - _times(n_rounds, exponent)
        if code == JOINT and phi < 1.0:
            with np.errstate(over="ignore"):
                powers[j] = phi ** np.arange(n_rounds, dtype=float)
            floors[j] = True
    monotone = ~floors & np.all(np.diff(remaining, axis=1) <= 0.0, axis=1)
    accept = np.array([[phi**t for t in range(n_rounds)] for phi in factors]).reshape(n, n_rounds)
    ahead = np.array([[phi**d for d in range(n + 1)] for phi in factors]).reshape(n, n + 1)
    return remaining, powers, floors, monotone, accept, ahead


def chance_draws(protocol: AlternatingOffers, seeds: Any, n_parties: int) -> Any:
    """Each run's chance draws, one a round: the uniform stream of child ``n_parties`` of
    the run's seed, as the object API draws them (``None`` without a breakdown risk)."""
    if not protocol.breakdown_probability:
        return None
    return np.array(
        [
            np.random.default_rng(np.random.SeedSequence(int(seed), spawn_key=(n_parties,))).random(
                protocol.n_rounds
            )
            for seed in seeds
        ]
    ).reshape(len(seeds), protocol.n_rounds)


def play(
    codes: tuple[int, ...],
    weights: Any,
    tables: Sequence[Any],
    reservations: Any,
    grid: Any,
    plan: tuple[Any, Any, Any, Any, Any, Any],
    opener: int,
    complete: bool,
    risk: float,
    draws: Any,
) -> tuple[Any, Any, Any, Any, Any, Any]:
    """Play a chunk of runs to their ends: ``(agreement, end, rounds, offsets, offers,
    answers)``, run ``i``'s offers being ``offers[offsets[i]:offsets[i + 1]]`` (answers
    likewise, one row of every party's answer per offer).

    ``weights`` ``(n, P, k)`` and ``tables`` (one ``(n, P, m_q)`` array per issue) are the
    chunk's preferences, ``plan`` what :func:`schedules` gives. The utilities and the
    ranking keys of :func:`~negsim.batch.ranking.rank_descending` are computed by compiled
    code, sorted by numpy (its vectorised sort), and read back per run by the loop."""
    n = weights.shape[0]
    widths = [table.shape[2] for table in tables]
    padded = _padded(tables)
    shift = max(1, (grid.shape[0] - 1).bit_length())
    kernels = _kernels()
    utilities, keys = _call(
        kernels.prepare,
        np.ascontiguousarray(weights),
        padded,
        np.array(widths, dtype=np.int64),
        shift,
    )
    keys.sort(axis=2)
    return _call(  # type: ignore[no-any-return]
        kernels.play,
        np.array(codes, dtype=np.int64),
        utilities,
        keys,
        shift,
        np.ascontiguousarray(reservations, dtype=float),
        grid,
        padded.shape[3],
        plan,
        opener,
        complete,
        float(risk),
        np.ascontiguousarray(draws, dtype=float) if draws is not None else np.ones((n, 1)),
        _TOL,
        BAND,
    )


_ENDS = (EndReason.AGREEMENT, EndReason.DEADLINE, EndReason.BREAKDOWN)


def run_one(
    protocol: AlternatingOffers, parties: tuple[Party, ...], codes: tuple[int, ...], seed: int
) -> NegotiationResult:
    """One negotiation among checked ``parties`` (each with exact
    :class:`~negsim.LinearAdditive` preferences or a :class:`~negsim.Position` whose
    utilities are its base's, :func:`negsim.protocols.tiering.linear`; a small space) played by the
    compiled loop: the result ``protocol.run(parties, rng=seed)`` gives in Python, bit for
    bit (:mod:`negsim.protocols.tiering` decides when the object API takes this path)."""
    models: list[Any] = [party.preferences for party in parties]
    bases: list[Any] = [model.base if type(model) is Position else model for model in models]
    space = models[0].space
    n_parties = len(parties)
    widths = space.shape
    padded = _padded([np.array([[base.tables[q] for base in bases]]) for q in range(len(widths))])
    draws = chance_draws(protocol, (seed,), n_parties)
    # each party's per-round factor, as the object API computes it (protocols.base.setup)
    factors = tuple(model.discount * protocol.discount for model in models)
    code, offers, answers, offered, proposers, rounds = _call(
        _kernels().play_one,
        np.array(codes, dtype=np.int64),
        np.array([[base.weights for base in bases]]),
        padded,
        np.array(widths, dtype=np.int64),
        max(1, (space.size - 1).bit_length()),
        np.array([[model.reservation for model in models]]),
        space.grid(),
        schedules(tuple(party.agent for party in parties), codes, protocol.n_rounds, factors),
        protocol.opener,
        protocol.information == "complete",
        protocol.breakdown_probability,
        draws if draws is not None else _NO_DRAWS,
        _TOL,
        BAND,
    )
    return negotiation_result(
        protocol,
        parties,
        seed,
        factors,
        rounds,
        proposers,
        offers,
        offered,
        answers,
        _ENDS[code],
    )


_NO_DRAWS = np.ones((1, 1))


def _padded(tables: Sequence[Any]) -> Any:
    """The tables ``(n, P, m_q)`` side by side, ``(n, P, k, widest)``, zeros past an
    issue's last option (the loop's layout)."""
    n, n_parties, _ = tables[0].shape
    padded = np.zeros((n, n_parties, len(tables), max(table.shape[2] for table in tables)))
    for q, table in enumerate(tables):
        padded[:, :, q, : table.shape[2]] = table
    return padded


def _call(kernel: Any, *args: Any) -> Any:
    """``kernel(*args)``. A Ctrl-C that arrives while the compiled code calls back into
    Python (Numba boxes its results there) comes out of Numba as a ``SystemError`` caused by
    the ``KeyboardInterrupt``; it is raised as the ``KeyboardInterrupt`` it is, so callers
    (the command line's exit code 130) see an interruption, not an internal error."""
    try:
        return kernel(*args)
    except SystemError as error:
        cause = error.__cause__
        while cause is not None and not isinstance(cause, KeyboardInterrupt):
            cause = cause.__cause__
        if cause is None:
            raise
        raise KeyboardInterrupt from None


def _kernels() -> Any:
    """The compiled functions (:mod:`negsim.batch._kernels`: compiled on first use, then
    loaded from Numba's cache on disk)."""
    from . import _kernels as kernels

    return kernels
