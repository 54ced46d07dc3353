"""The result of a batch: one row of arrays per negotiation, and each run in full on demand."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ..agents import Agent
from ..display import html_table, short_repr
from ..errors import ValidationError
from ..observation import Offer
from ..outcomes import OutcomeSpace
from ..protocols import Protocol
from ..protocols.base import setup
from ..results import EndReason, NegotiationResult
from .inputs import build_parties

__all__ = ["BatchResult", "RunTranscript", "Transcript"]

_array_eq = attrs.cmp_using(eq=np.array_equal)


class Transcript:
    """Every round of every run of the batch engine, kept compactly: for each round of each
    chunk, the runs still talking (``rows``), the offers made in them and everyone's answers.
    """

    def __init__(self) -> None:
        #: ``(first row of the chunk, [(rows, offers, answers) per round])``
        self.chunks: list[tuple[int, list[tuple[Any, Any, Any]]]] = []

    def add(self, start: int, rounds: list[tuple[Any, Any, Any]]) -> None:
        self.chunks.append((start, rounds))

    def offers(self, i: int, n_played: int) -> tuple[list[int], list[list[bool]]]:
        """Run ``i``'s offers and answers, round by round."""
        start, rounds = next(chunk for chunk in reversed(self.chunks) if i >= chunk[0])
        row = i - start
        offers, answers = [], []
        for rows, made, said in rounds[:n_played]:
            at = int(np.searchsorted(rows, row))
            offers.append(int(made[at]))
            answers.append(said[at].tolist())
        return offers, answers


class RunTranscript:
    """Every offer of every run of the compiled engine, run after run: chunk by chunk, run
    ``i``'s offers are ``offers[offsets[i]:offsets[i + 1]]`` and its answers the same rows
    of ``answers`` (one column per party)."""

    def __init__(self) -> None:
        #: ``(first row of the chunk, offsets, offers, answers)``
        self.chunks: list[tuple[int, Any, Any, Any]] = []

    def add(self, start: int, offsets: Any, offers: Any, answers: Any) -> None:
        self.chunks.append((start, offsets, offers, answers))

    def offers(self, i: int, n_played: int) -> tuple[list[int], list[list[bool]]]:
        """Run ``i``'s offers and answers, round by round."""
        start, offsets, offers, answers = next(
            chunk for chunk in reversed(self.chunks) if i >= chunk[0]
        )
        first = int(offsets[i - start])
        played = slice(first, first + n_played)
        return offers[played].tolist(), answers[played].tolist()


@attrs.frozen(eq=False)
class BatchResult:
    """``N`` negotiations run at once (:func:`negsim.batch.run`).

    Arrays, one entry per negotiation ``i``: ``agreement`` (the outcome index, ``-1``
    without one), ``end`` (``"agreement"``, ``"deadline"`` or ``"breakdown"``), ``rounds``
    (offers made), ``utilities`` (``(N, n_parties)``: each party's discounted utility of
    the agreement, else its reservation value) and ``seeds`` (the seed that replays run
    ``i`` through the object API). ``engine`` says how the runs were made: ``"compiled"``
    (each run played by compiled code, :mod:`negsim.batch.compiled`), ``"batch"`` (the runs
    in lockstep, as arrays) or ``"loop"`` (one by one through the object API, because
    ``fallback`` — the reason — applies). :meth:`result` gives run ``i`` in full, a
    :class:`~negsim.NegotiationResult` identical to ``protocol.run(parties_i, rng=seeds[i])``.
    """

    protocol: Protocol
    space: OutcomeSpace = attrs.field(repr=False)
    names: tuple[str, ...]
    agents: tuple[Agent, ...]
    agreement: npt.NDArray[np.int64] = attrs.field(repr=False, eq=_array_eq)
    end: npt.NDArray[np.str_] = attrs.field(repr=False, eq=_array_eq)
    rounds: npt.NDArray[np.int64] = attrs.field(repr=False, eq=_array_eq)
    utilities: npt.NDArray[np.float64] = attrs.field(repr=False, eq=_array_eq)
    seeds: npt.NDArray[np.int64] = attrs.field(repr=False, eq=_array_eq)
    engine: str = "batch"
    fallback: str | None = None
    _weights: Any = attrs.field(default=None, repr=False, alias="weights")
    _tables: Any = attrs.field(default=None, repr=False, alias="tables")
    _reservations: Any = attrs.field(default=None, repr=False, alias="reservations")
    _transcript: Transcript | RunTranscript | None = attrs.field(
        default=None, repr=False, alias="transcript"
    )
    _results: tuple[NegotiationResult, ...] | None = attrs.field(
        default=None, repr=False, alias="results"
    )

    def __attrs_post_init__(self) -> None:
        for array in (self.agreement, self.end, self.rounds, self.utilities, self.seeds):
            array.flags.writeable = False

    def __len__(self) -> int:
        return len(self.seeds)

    @property
    def agreed(self) -> npt.NDArray[np.bool_]:
        """Whether each negotiation ended in agreement."""
        return self.agreement >= 0

    def result(self, i: int) -> NegotiationResult:
        """Negotiation ``i`` in full: its offers, proposers, answers and utilities round by
        round, as the object API records them."""
        n = len(self)
        if isinstance(i, bool) or not isinstance(i, int | np.integer) or not -n <= i < n:
            raise ValidationError("i", f"{i!r}", f"a run index in 0..{n - 1}")
        i = int(i) % n
        if self._results is not None:
            return self._results[i]
        assert self._transcript is not None
        played = int(self.rounds[i])
        offers, answers = self._transcript.offers(i, played)
        parties = build_parties(
            self.space, self._weights, self._tables, self._reservations, self.agents, self.names, i
        )
        protocol: Any = self.protocol
        table = setup(
            protocol,
            parties,
            int(self.seeds[i]),
            n_rounds=protocol.n_rounds,
            discount=protocol.discount,
            information=protocol.information,
            start=False,
        )
        record = [
            Offer(t, (protocol.opener + t) % len(parties), offer) for t, offer in enumerate(offers)
        ]
        return table.result(answers, EndReason(str(self.end[i])), record)

    def __repr__(self) -> str:
        return short_repr(
            "BatchResult",
            runs=len(self),
            protocol=self.protocol.name,
            agreement_rate=float(self.agreed.mean()) if len(self) else 0.0,
            mean_rounds=float(self.rounds.mean()) if len(self) else 0.0,
            engine=self.engine,
        )

    def _repr_html_(self) -> str:
        rows = [
            [name, float(self.utilities[:, j].mean()) if len(self) else float("nan")]
            for j, name in enumerate(self.names)
        ]
        caption = (
            f"{len(self)} negotiations ({self.protocol.name}, engine {self.engine}): "
            f"agreement rate {float(self.agreed.mean()) if len(self) else 0.0:.3g}"
        )
        return html_table(["party", "mean utility"], rows, caption=caption)
