"""Batch forms of agents: the same decisions as the object API, for many runs at once.

A batch form holds one party's state for every run of a chunk as arrays (row ``i`` is run
``i``) and answers for a set of active ``rows`` at once, all in the same round ``t`` (the
runs of a batch step in lockstep). It reads only the agent's parameters: the object API's
agents are not touched. Each form equals its agent decision by decision (the tests run both
and compare offer by offer):

========================  =================================================================
agent                     batch form
========================  =================================================================
``TimeDependent``,        :class:`JointConcession` — the schedule ``τ(t)``, the opening
``OpponentModelAgent``    demand, the band search for the offer best for the other side
(joint space)             (learned frequency model or known utilities), the other side's
                          best offer taken when it reaches ``τ``, *AC_next*
``TimeDependent``         :class:`LegacyConcession` — nearest outcome above ``τ(t)``
(``legacy=True``)
``Hardliner``             :class:`HardlinerForm`
``TitForTat``             :class:`TitForTatForm`
``RandomAgent``           :class:`RandomForm` (its draws come from each run's own stream,
                          so they are made row by row)
========================  =================================================================

Subclasses are not covered (they may decide otherwise): :func:`batch_form` returns ``None``
for them and the engine runs them through the object API.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ..agents import Agent, Hardliner, OpponentModelAgent, RandomAgent, TimeDependent, TitForTat
from ..agents.time_dependent import _TOL, BAND
from .ranking import Floats, Ints, Ranking

__all__ = ["BatchForm", "Chunk", "batch_form", "batch_kinds"]

Bools = npt.NDArray[np.bool_]


class Chunk:
    """What every party's batch form of one chunk reads: sizes, the rules, the utilities."""

    def __init__(
        self,
        utilities: list[Floats],
        reservations: Floats,
        grid: Ints,
        shape: tuple[int, ...],
        n_rounds: int,
        opener: int,
        factors: tuple[float, ...],
        information: str,
        seeds: Ints,
    ) -> None:
        self.n, self.size = utilities[0].shape
        self.utilities = utilities  # per party (n, size)
        self.flat = [u.ravel() for u in utilities]
        self.reservations = reservations  # (n, n_parties)
        self.grid = grid  # (size, k) option of each issue of every outcome
        self.shape = shape
        self.n_rounds = n_rounds
        self.opener = opener
        self.factors = factors
        self.information = information
        self.seeds = seeds
        self.n_parties = len(utilities)
        self._rankings: dict[int, Ranking] = {}

    def ranking(self, party: int) -> Ranking:
        """The party's outcomes ranked per row (computed once, shared by its forms)."""
        if party not in self._rankings:
            self._rankings[party] = Ranking(self.utilities[party])
        return self._rankings[party]


class BatchForm:
    """Base of batch forms: one party's view of a chunk."""

    def __init__(self, agent: Agent, chunk: Chunk, party: int) -> None:
        self.agent = agent
        self.chunk = chunk
        self.party = party
        self.size = chunk.size
        self.u = chunk.flat[party]
        self.r = np.ascontiguousarray(chunk.reservations[:, party])
        self.phi = chunk.factors[party]
        u = chunk.utilities[party]
        self.best = np.argmax(u, axis=1)
        self.best_u = u[np.arange(chunk.n), self.best]

    def utility(self, rows: Ints, outcomes: Ints) -> Floats:
        """Own (undiscounted) utility of one outcome per row."""
        return self.u.take(rows * self.size + outcomes)  # type: ignore[no-any-return]

    def acceptable(self, rows: Ints, t: int, u: Floats) -> Bools:
        """``φ^t u >= r`` (``Observation.acceptable``)."""
        worth = u if self.phi == 1.0 else u * float(self.phi**t)
        return worth >= self.r[rows]

    def observe(self, rows: Ints, offer: Ints) -> None:
        """Another party offered ``offer`` in these rows (called before anyone responds)."""

    def propose(self, rows: Ints, t: int) -> Ints:
        raise NotImplementedError

    def respond(self, rows: Ints, t: int, offer: Ints, proposer: int) -> Bools:
        raise NotImplementedError


class HardlinerForm(BatchForm):
    """:class:`~negsim.Hardliner`: its best outcome; accepts only as good."""

    def propose(self, rows: Ints, t: int) -> Ints:
        return self.best[rows]  # type: ignore[no-any-return]

    def respond(self, rows: Ints, t: int, offer: Ints, proposer: int) -> Bools:
        u = self.utility(rows, offer)
        return (u >= self.best_u[rows]) & self.acceptable(rows, t, u)  # type: ignore[no-any-return]


def _nearest_above(form: BatchForm, ranking: Ranking, rows: Ints, level: Floats) -> Ints:
    """``nearest_above``: the outcome of least utility ``>= level``, lowest index among
    ties; the own best if none reaches it."""
    count = ranking.count_at_least(rows, level)
    found = form.best[rows].copy()
    some = count > 0
    if some.any():
        sub = rows[some]
        found[some] = ranking.outcome(sub, ranking.first_of_level(sub, count[some]))
    return found  # type: ignore[no-any-return]


class TitForTatForm(BatchForm):
    """:class:`~negsim.TitForTat`: concede as much as conceded to, in own utility."""

    def __init__(self, agent: Agent, chunk: Chunk, party: int) -> None:
        super().__init__(agent, chunk, party)
        self.ranking = chunk.ranking(party)
        self.first = np.zeros(chunk.n)
        self.last = np.zeros(chunk.n)
        self.seen = np.zeros(chunk.n, dtype=bool)

    def observe(self, rows: Ints, offer: Ints) -> None:
        u = self.utility(rows, offer)
        self.first[rows] = np.where(self.seen[rows], self.first[rows], u)
        self.last[rows] = u
        self.seen[rows] = True

    def target(self, rows: Ints) -> Floats:
        top, r = self.best_u[rows], self.r[rows]
        ceiling = np.maximum(top, r)
        conceded = self.last[rows] - self.first[rows]
        mirrored = np.minimum(ceiling, np.maximum(r, top - conceded))
        return np.where(self.seen[rows], mirrored, ceiling)  # type: ignore[no-any-return]

    def propose(self, rows: Ints, t: int) -> Ints:
        return _nearest_above(self, self.ranking, rows, self.target(rows))

    def respond(self, rows: Ints, t: int, offer: Ints, proposer: int) -> Bools:
        u = self.utility(rows, offer)
        return (u >= self.target(rows)) & self.acceptable(rows, t, u)


def _times(n_rounds: int, exponent: float) -> Floats:
    """``t^e`` for every round, computed as the object API computes it (one array call)."""
    times = np.arange(n_rounds) / (n_rounds - 1) if n_rounds > 1 else np.ones(1)
    return times**exponent


class LegacyConcession(BatchForm):
    """``TimeDependent(legacy=True)``: nearest above ``τ(t) = r + (u_max - r)(1 - t^e)``."""

    def __init__(self, agent: Agent, chunk: Chunk, party: int) -> None:
        super().__init__(agent, chunk, party)
        self.ranking = chunk.ranking(party)
        self.remaining = 1.0 - _times(chunk.n_rounds, float(agent.exponent))  # type: ignore[attr-defined]
        self.span = np.maximum(self.best_u - self.r, 0.0)

    def target(self, rows: Ints, t: int) -> Floats:
        return self.r[rows] + self.span[rows] * self.remaining[t]  # type: ignore[no-any-return]

    def propose(self, rows: Ints, t: int) -> Ints:
        return _nearest_above(self, self.ranking, rows, self.target(rows, t))

    def respond(self, rows: Ints, t: int, offer: Ints, proposer: int) -> Bools:
        u = self.utility(rows, offer)
        return (u >= self.target(rows, t)) & self.acceptable(rows, t, u)


class JointConcession(BatchForm):
    """The joint-space time-dependent agent (``TimeDependent``, ``OpponentModelAgent``).

    Per row: the ranking of its outcomes, the other side's best offer so far and, under
    incomplete information, the frequency model's counts. ``choose`` is
    ``JointPlan.choose`` for all rows at once; the bands ``[start, count)`` of the ranking
    are gathered end to end, as one flat array. What it would propose next,
    computed when it answers, is kept as the next round's proposal when nobody else offers
    in between (``JointPlan.planned``).
    """

    def __init__(self, agent: Agent, chunk: Chunk, party: int) -> None:
        super().__init__(agent, chunk, party)
        n = chunk.n
        self.ranking = chunk.ranking(party)
        self.n_rounds = chunk.n_rounds
        self.remaining = 1.0 - _times(chunk.n_rounds, float(agent.exponent))  # type: ignore[attr-defined]
        self.powers = None
        if self.phi < 1.0:
            with np.errstate(over="ignore"):
                self.powers = self.phi ** np.arange(chunk.n_rounds, dtype=float)
        self.span = np.maximum(self.ranking.own.reshape(n, -1)[:, 0] - self.r, 0.0)
        # each row's counts so far: its levels only fall when τ(t) does (no discounting) and
        # the rounds it chooses for only grow, so the searches can start from them
        self.counted: Ints | None = None
        self.above: Ints | None = None
        if self.powers is None and bool(np.all(np.diff(self.remaining) <= 0.0)):
            self.counted = np.zeros(n, dtype=np.int64)
            self.above = np.zeros(n, dtype=np.int64)
        self.bilateral = chunk.n_parties == 2
        self.first_turn = (party - chunk.opener) % chunk.n_parties
        self.received_u = np.full(n, -np.inf)
        self.received = np.full(n, -1, dtype=np.int64)
        self.plan = np.full(n, -1, dtype=np.int64)
        self.plan_round = np.full(n, -1, dtype=np.int64)
        empty = np.zeros(0, dtype=np.int64)
        self.observed: tuple[Ints, Ints, Floats] = (empty, empty, np.zeros(0))
        self.known: Floats | None = None
        if chunk.information == "complete":
            others = [chunk.utilities[j] for j in range(chunk.n_parties) if j != party]
            theirs = others[0] if len(others) == 1 else np.min(others, axis=0)
            self.known = np.ascontiguousarray(theirs).ravel()
        else:
            k, widest = len(chunk.shape), max(chunk.shape)
            self.widest = widest
            # 1 + the counts, (row, issue, option) flat, and 1 + their maximum per (row,
            # issue): the numerator and denominator of v̂ (whole numbers: exact)
            self.counts = np.ones(n * k * widest)
            self.most = np.ones(n * k)
            self.unchanged = np.ones(n * k)
            self.last = np.full(n * k, -1, dtype=np.int64)
            # each outcome's (issue, option) cell within a row's counts, per issue
            self.offsets = [np.ascontiguousarray(chunk.grid[:, i]) + i * widest for i in range(k)]
            self.issues = np.arange(k, dtype=np.int64)

    def observe(self, rows: Ints, offer: Ints) -> None:
        u = self.utility(rows, offer)
        self.observed = (rows, offer, u)  # respond is asked about the same offer next
        better = np.flatnonzero(u > self.received_u[rows])
        if better.size:
            self.received_u[rows[better]] = u[better]
            self.received[rows[better]] = offer[better]
        if self.known is not None:
            return
        k = len(self.offsets)
        options = self.chunk.grid.take(offer, axis=0)  # (m, k)
        cell = rows[:, None] * k + self.issues  # (row, issue), flat
        index = cell * self.widest + options
        counts = self.counts.take(index) + 1.0
        self.counts[index] = counts
        np.maximum(self.most.take(cell), counts, out=counts)
        self.most[cell] = counts
        self.unchanged[cell] += self.last.take(cell) == options
        self.last[cell] = options

    def target(self, rows: Ints, t: int) -> Floats:
        tau = self.r[rows] + self.span[rows] * self.remaining[t]
        if self.powers is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                tau = np.maximum(tau, self.r[rows] / self.powers[t])
        return tau  # type: ignore[no-any-return]

    def choose(self, rows: Ints, t: int) -> Ints:
        """``JointPlan.choose(obs, t)`` for every row."""
        ranking = self.ranking
        tau = self.target(rows, t)
        if self.counted is None:
            count = ranking.count_at_least(rows, tau - _TOL)
        else:
            count = ranking.count_from(rows, tau - _TOL, self.counted[rows])
            self.counted[rows] = count
        found = self.best[rows].copy()  # count 0: nothing acceptable to them is worth it
        todo = count > 0
        if self.bilateral:
            taken = todo & (self.received_u[rows] >= tau - _TOL)
            found[taken] = self.received[rows[taken]]
            todo &= ~taken
        if not todo.any():
            return found  # type: ignore[no-any-return]
        sub, count, tau = rows[todo], count[todo], tau[todo]
        if self.known is None:
            band = tau + BAND * self.span[sub] + _TOL
            if self.above is None:
                above = ranking.count_above(sub, band)
            else:
                above = ranking.count_from(sub, band, self.above[sub], strict=True)
                self.above[sub] = above
            start = np.minimum(above, ranking.first_of_level(sub, count))
        else:
            start = np.zeros(len(sub), dtype=np.int64)
        found[todo] = self._best_for_them(sub, start, count)
        return found  # type: ignore[no-any-return]

    def _best_for_them(self, rows: Ints, start: Ints, count: Ints) -> Ints:
        """In each row's band ``[start, count)`` of the ranking, the first outcome whose
        estimate for the other side is within ``_TOL`` of the band's best.

        The bands of more than one outcome are laid end to end in one flat array of cells
        (no padding to the widest band): cell ``c`` of band ``b`` is position
        ``start_b + c - first_b`` of row ``rows_b``'s ranking, ``first_b`` the band's first
        cell. Each band's best is a ``maximum.reduceat``; its first cell within ``_TOL`` of
        it is found by a ``searchsorted`` of ``first_b`` among the cells that are (the best
        is one, so it lies in the band)."""
        ranking = self.ranking
        found = ranking.outcome(rows, start)  # a band of one: its outcome
        wide = np.flatnonzero(count - start > 1)
        if not wide.size:
            return found
        rows, start = rows[wide], start[wide]
        widths = count[wide] - start
        ends = np.cumsum(widths)
        firsts = ends - widths
        band = np.repeat(np.arange(len(rows)), widths)
        cell_rows = rows.take(band)
        position = np.arange(int(ends[-1])) + (start - firsts).take(band)
        outcomes = ranking.order.take(cell_rows * self.size + position).astype(np.int64)
        if self.known is not None:
            estimate = self.known.take(cell_rows * self.size + outcomes)
        else:
            estimate = self._estimate(rows, band, cell_rows, outcomes)
        top = np.maximum.reduceat(estimate, firsts)
        near = np.flatnonzero(estimate >= (top - _TOL).take(band))
        found[wide] = outcomes.take(near.take(np.searchsorted(near, firsts)))
        return found

    def _estimate(self, rows: Ints, band: Ints, cell_rows: Ints, outcomes: Ints) -> Floats:
        """The frequency model's estimate ``Σ_i ŵ_i v̂_i(ω_i)`` of each cell's outcome
        (``band``: the cell's entry of ``rows``; summed issue by issue, as the object API's
        plain-Python path sums it). ``ŵ_i`` and the denominators of ``v̂_i`` are computed
        per row, then spread to its cells."""
        k = len(self.chunk.shape)
        cells = [rows * k + i for i in range(k)]
        unchanged = [self.unchanged.take(cell) for cell in cells]
        total = unchanged[0]
        for i in range(1, k):
            total = total + unchanged[i]
        base = cell_rows * (k * self.widest)
        estimate: Floats | None = None
        for i in range(k):
            weight = (unchanged[i] / total).take(band)
            index = base + self.offsets[i].take(outcomes)
            value = self.counts.take(index) / self.most.take(cells[i]).take(band)
            term = weight * value
            estimate = term if estimate is None else estimate + term
        assert estimate is not None
        return estimate

    def propose(self, rows: Ints, t: int) -> Ints:
        if t == self.first_turn and t < self.n_rounds - 1:
            return self.best[rows]  # type: ignore[no-any-return]
        planned = self.plan_round[rows] == t
        if planned.all():
            return self.plan[rows]
        found = self.plan[rows]
        fresh = ~planned
        found[fresh] = self.choose(rows[fresh], t)
        return found

    def respond(self, rows: Ints, t: int, offer: Ints, proposer: int) -> Bools:
        seen_rows, seen_offer, u = self.observed
        if seen_rows is not rows or seen_offer is not offer:
            u = self.utility(rows, offer)
        answer = self.acceptable(rows, t, u)
        step = (self.party - proposer) % self.chunk.n_parties
        following = t + step
        if following >= self.n_rounds or not answer.any():
            return answer
        sub = rows[answer]
        if t > self.first_turn:  # it has made its opening demand
            upcoming = self.choose(sub, following)
            if step == 1:  # nobody else offers before it: the plan stands
                self.plan[sub] = upcoming
                self.plan_round[sub] = following
        else:
            upcoming = self.best[sub]
        factor = self.phi ** (following - t)
        yes = np.flatnonzero(answer)
        answer[yes] = u[yes] >= factor * self.utility(sub, upcoming) - _TOL
        return answer


class RandomForm(BatchForm):
    """:class:`~negsim.RandomAgent`: each run draws from its own stream, child ``party`` of
    the run's seed, so the draws are made row by row (the rest is vectorised)."""

    def __init__(self, agent: Agent, chunk: Chunk, party: int) -> None:
        super().__init__(agent, chunk, party)
        self.p = float(agent.acceptance_probability)  # type: ignore[attr-defined]
        self.streams: dict[int, np.random.Generator] = {}
        self.choices: dict[int, Ints] = {}

    def stream(self, row: int) -> np.random.Generator:
        found = self.streams.get(row)
        if found is None:
            seed = int(self.chunk.seeds[row])
            found = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(self.party,)))
            self.streams[row] = found
        return found

    def propose(self, rows: Ints, t: int) -> Ints:
        offers = np.empty(len(rows), dtype=np.int64)
        u = self.chunk.utilities[self.party]
        for j, row in enumerate(rows.tolist()):
            choices = self.choices.get(row)
            if choices is None:
                own = u[row]
                choices = np.flatnonzero(own >= self.r[row])
                if choices.size == 0:
                    choices = np.flatnonzero(np.isfinite(own))
                if choices.size == 0:
                    choices = np.array([self.best[row]])
                self.choices[row] = choices
            offers[j] = choices[self.stream(row).integers(len(choices))]
        return offers

    def respond(self, rows: Ints, t: int, offer: Ints, proposer: int) -> Bools:
        answer = self.acceptable(rows, t, self.utility(rows, offer))
        for j in np.flatnonzero(answer).tolist():
            answer[j] = self.stream(int(rows[j])).random() < self.p
        return answer


def batch_form(agent: Any) -> type[BatchForm] | None:
    """The batch form of ``agent``, or ``None`` if it has none (then it runs in the loop)."""
    kind = type(agent)
    if kind is TimeDependent:
        return LegacyConcession if agent.legacy else JointConcession
    if kind is OpponentModelAgent:
        return None if agent.legacy else JointConcession
    return {Hardliner: HardlinerForm, TitForTat: TitForTatForm, RandomAgent: RandomForm}.get(kind)


def batch_kinds() -> tuple[str, ...]:
    """The registered agent names with a batch form (in their default configuration)."""
    from ..agents import AGENTS

    names = []
    for name in AGENTS:
        try:
            agent = AGENTS.make(name)
        except Exception:  # a user's agent that needs parameters
            continue
        if batch_form(agent) is not None:
            names.append(name)
    return tuple(names)
