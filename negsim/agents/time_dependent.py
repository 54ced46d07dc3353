"""Time-dependent concession (Faratin, Sierra & Jennings 1998; GENIUS/NegMAS presets), with
offers chosen in the joint space.

**How much to ask.** The agent aims at a utility level that falls with time
``t = round / (n_rounds - 1) ∈ [0, 1]`` from its best utility ``û`` to its reservation value
``r``:

.. math::  τ(t) = \\max\\Big(r + (û - r)\\,(1 - t^{e}),\\ \\frac{r}{φ^{\\,round}}\\Big)

with ``e`` the ``exponent`` (the ``1/β`` of Faratin et al.): ``e > 1`` concedes late
(*Boulware*, preset ``e = 4``), ``e = 1`` linearly (*Linear*), ``e < 1`` early (*Conceder*,
preset ``e = 0.25``). The second term is *time that adds up*: with a per-round factor ``φ``
(the party's own discount times the protocol's) an agreement on ``ω`` now is worth
``φ^round u(ω)``, so asking for less than ``r / φ^round`` would ask for less than no deal.

**What to offer** (the default, ``legacy = False``). The first proposal is the party's best
outcome (an opening demand). From then on ``û`` is its best among the outcomes the other
side has not ruled out *in public* (its announced red lines and preconditions,
``obs.announcements["public_acceptable"]``): the first concession is to stop asking for what
the other side has said it can never accept. Among the outcomes worth at least ``τ(t)`` to
itself and not publicly ruled out, it proposes the one best for the other side as it
estimates it, ties going to the outcome better for itself, then to the lowest index: the
trade-off of Faratin, Sierra & Jennings (2002), "Using similarity criteria to make issue
trade-offs", *Artificial Intelligence* 142:205–237 — concede in one's own utility on the
schedule, search the joint space for the rest.

* With complete information (``obs.announcements["opponent_utilities"]``) the estimate is
  the other side's true utility and the search covers every outcome at or above ``τ(t)``:
  the offer is Pareto optimal among them.
* Otherwise the estimate is learned from the other side's offers by the frequency model of
  :mod:`negsim.agents.opponent_model`; such a model is reliable only near what it has seen,
  so the search covers the outcomes in the band ``τ(t) <= u < τ(t) + β (û - r)``, ``β =``
  :data:`BAND` (the window of the BOA framework, Baarslag, Hindriks & Jonker 2014), or the
  nearest one above ``τ(t)`` if the band is empty. Without it, an uninformed model (every
  unseen option alike) would keep the agent at its best outcome, never conceding.

An offer the other side has made itself is the surest estimate of what it accepts: when the
best of them for the agent reaches ``τ(t)``, the agent proposes it. A party with a
ratification stage whose negotiator knows its win-set at home
(``obs.announcements["own_ratifiable"]``, set by a scenario) offers and accepts only what
its constituencies would ratify (Putnam 1988). When nothing the other
side could accept is worth more than no deal to it any more (the zone
has closed for it, ``τ > û``), it holds out for its best outcome.

**What to accept.** The usual acceptance condition *AC_next* (Baarslag, Hindriks & Jonker
2014, "Effective acceptance conditions in real-time automated negotiation", *Decision
Support Systems* 60:68–77): accept an offer at least as good as what it would propose next,
discounted as the run discounts — ``φ^round u(offer) >= φ^{round'} u(next)`` with ``round'``
the round of its next proposal — and never one worth less than ``r`` now; when it has no
proposal left before the deadline, anything worth at least ``r``.

``legacy = True`` keeps the behaviour of negsim 0.1: propose the outcome whose own utility
is the smallest at or above ``r + (u_max - r)(1 - t^e)`` (ties: lowest index), ignore the
other side, and accept an offer worth at least that target (and at least ``r`` discounted).
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Callable
from functools import cached_property
from typing import Any, ClassVar, ParamSpec, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from ..observation import Observation
from ..preferences import GridProfile
from ..validators import boolean, positive
from .base import Agent

__all__ = ["JointPlan", "TimeDependent", "nearest_above"]

_TOL = 1e-12
#: With a learned estimate of the other side, the width of the band above the target searched,
#: as a share of the concession range ``û - r`` (the BOA framework's window: Baarslag et al.
#: 2014); with the other side's utilities known, every outcome at or above the target is.
BAND = 0.05
#: Bands of at most this many outcomes are estimated in plain Python (cheaper than arrays).
SMALL_BAND = 16
#: With more candidates than this, a plan keeps no option rows of them all (``8 k`` bytes a
#: candidate) and the learned estimate is computed over each band, not every candidate.
LARGE_PLAN = 1_000_000
#: Plans of at most this many candidates also keep their option rows issue by issue as lists
#: of Python ints (``8 k`` bytes a candidate), which small bands read without converting.
LISTED_PLAN = 100_000


_flag = boolean()


@attrs.frozen
class TimeDependent(Agent):
    """Concedes from its best outcome to its reservation value as ``1 - t^exponent``,
    offering what is best for the other side among the outcomes at its target."""

    name: ClassVar[str] = "time-dependent"
    exponent: float = attrs.field(default=1.0, converter=float, validator=positive())
    legacy: bool = attrs.field(default=False, validator=_flag)

    def start(self, obs: Observation) -> None:
        if self.legacy:
            # τ depends on the round only: one vectorised schedule per run, then lookups.
            targets, proposals = _plan(obs.profile, self.exponent, obs.n_rounds, obs.reservation)
            obs.memory["targets"] = targets
            obs.memory["proposals"] = proposals
        else:
            obs.memory["plan"] = JointPlan(obs, self.exponent)

    def target(self, obs: Observation) -> float:
        """``τ(t)``, the own utility level aimed at in the current round."""
        if self.legacy:
            return float(obs.memory["targets"][obs.round])
        return obs.memory["plan"].target(obs.round)  # type: ignore[no-any-return]

    def propose(self, obs: Observation) -> int:
        if self.legacy:
            return int(obs.memory["proposals"][obs.round])
        return obs.memory["plan"].propose(obs)  # type: ignore[no-any-return]

    def respond(self, obs: Observation, offer: int) -> bool:
        if self.legacy:
            return obs.utility(offer) >= obs.memory["targets"][obs.round] and obs.acceptable(offer)
        return obs.memory["plan"].respond(obs, offer)  # type: ignore[no-any-return]


class JointPlan:
    """One run's state of a joint-space concession agent (see the module docstring).

    Created in :meth:`TimeDependent.start`; holds the schedule ``τ``, the outcomes the other
    side has not ruled out in public ranked by own utility, and the running frequency model
    of the other side's offers.
    """

    def __init__(self, obs: Observation, exponent: float) -> None:
        public = obs.announcements.get("public_acceptable")
        theirs = obs.announcements.get("opponent_utilities")
        home = obs.announcements.get("own_ratifiable")
        self.home = home
        space = obs.space
        plan = _schedule(
            obs.profile,
            exponent,
            obs.n_rounds,
            obs.reservation,
            obs.round_discount,
            None if public is None else _Same(public),
            None if theirs is None else _Same(theirs),
            space.shape,
            None if home is None else _Same(home),
        )
        self.plan = plan
        self.candidates = plan.candidates
        self.targets = plan.targets
        self.counts = plan.counts
        self.starts = plan.starts
        self.last = len(plan.counts) - 1  # the plan's last round (later ones repeat it)
        self.values = obs.profile.values  # own utility of every outcome, as Python floats
        self.shape = space.shape
        self.phi = obs.round_discount
        self.bilateral = obs.n_parties == 2  # another party's own ask binds only it
        self.opened = False
        self.known = plan.known
        self.model = _FrequencyModel(space.shape) if plan.known is None else None
        self.seen = 0
        self.received = (-np.inf, -1)  # the other side's offer best for itself, so far
        self.estimate: npt.NDArray[np.float64] | None = plan.known
        self.chosen: dict[tuple[int, int], int] = {}  # (start, count) -> outcome, this estimate
        self.planned: tuple[int, int, int] | None = None  # (round, history length, outcome)
        self.demand: int | None = None  # the opening demand with a win-set at home

    def target(self, round: int) -> float:
        """``τ`` of ``round``."""
        return float(self.targets[min(round, self.last)])

    def _update(self, obs: Observation) -> None:
        """Take in the other side's offers made since the last look."""
        history = obs.history
        seen = len(history)
        if self.seen == seen:
            return
        for offer in history[self.seen :]:
            proposer, outcome = offer.proposer, offer.outcome
            if proposer != obs.party and proposer >= 0:
                mine = self.values[outcome]
                if mine > self.received[0] and (self.home is None or self.home[outcome]):
                    self.received = (mine, outcome)
                if self.model is not None:
                    self.model.add(outcome)
                    self.estimate = None
                    self.chosen = {}
        self.seen = seen

    def choose(self, obs: Observation, round: int) -> int:
        """The outcome to offer in ``round``: best for the other side at or above ``τ``
        (within the band when the estimate is learned; ties: better for itself, then the
        lowest index)."""
        at = min(round, self.last)
        count = self.counts[at]
        if count == 0:  # nothing the other side could accept is worth no deal: hold out
            return self.opening(obs)
        self._update(obs)
        if self.bilateral and self.received[0] >= self.targets[at] - _TOL:
            return self.received[1]  # what the other side asked for itself is good enough
        start = self.starts[at]
        if count - start == 1:
            return int(self.candidates[start])
        key = (start, count)
        found = self.chosen.get(key)
        if found is None:
            # the first maximum: candidates run by decreasing own utility, then by index,
            # so ties go to the outcome better for itself, then to the lowest index
            if self.known is None and count - start <= SMALL_BAND:
                assert self.model is not None
                if self.candidates.size <= LISTED_PLAN:  # the plan's lists
                    values = self.model.band(self.plan.columns, start, count)
                else:
                    values = self.model.band(self.rows(start, count).T.tolist(), 0, count - start)
                top = max(values) - _TOL
                at_top = 0
                while values[at_top] < top:
                    at_top += 1
                found = int(self.candidates[start + at_top])
            else:
                if self.estimate is not None:
                    estimate = self.estimate[start:count]
                elif self.plan.grid is not None:  # estimate every candidate once per update
                    assert self.model is not None
                    self.estimate = self.model.estimate(self.plan.grid)
                    estimate = self.estimate[start:count]
                else:  # a large space: estimate the band only
                    assert self.model is not None
                    estimate = self.model.estimate(self.rows(start, count))
                at_top = int(np.argmax(estimate >= estimate.max() - _TOL))
                found = int(self.candidates[start + at_top])
            self.chosen[key] = found
        return found

    def rows(self, start: int, count: int) -> npt.NDArray[np.int64]:
        """The option rows of candidates ``start .. count - 1`` (computed on the spot over a
        space too large to keep them all, :data:`LARGE_PLAN`)."""
        grid = self.plan.grid
        if grid is not None:
            return grid[start:count]
        window = self.candidates[start:count]
        return np.array(np.unravel_index(window, self.shape), dtype=np.int64).T

    def propose(self, obs: Observation) -> int:
        if not self.opened:
            self.opened = True
            if obs.round < obs.n_rounds - 1:  # an opening demand, unless this is the end
                return self.opening(obs)
        planned = self.planned
        if planned is not None and planned[0] == obs.round and planned[1] == len(obs.history):
            return planned[2]
        return self.choose(obs, obs.round)

    def opening(self, obs: Observation) -> int:
        """The opening demand: its best outcome, or with a known win-set at home its best
        among those its constituencies would ratify (if any)."""
        if self.home is None:
            return obs.best
        if self.demand is None:  # fixed for the run: found once
            if not self.home.any():
                self.demand = obs.best
            else:
                u = np.where(self.home, obs.utilities, -np.inf)
                self.demand = int(np.argmax(u)) if np.isfinite(u).any() else obs.best
        return self.demand

    def respond(self, obs: Observation, offer: int) -> bool:
        if not obs.acceptable(offer) or (self.home is not None and not self.home[offer]):
            return False
        t = obs.round
        history = obs.history
        made = len(history)
        last = history[made - 1].proposer if made else -1
        n = obs.n_parties
        step = (obs.party - last) % n if last >= 0 else 1
        following = t + (step or n)
        if following >= obs.n_rounds:
            return True  # no proposal of its own left: anything better than no deal
        if self.opened:
            nxt = self.choose(obs, following)
            self.planned = (following, made, nxt)
        else:  # its next proposal is its opening demand
            nxt = self.opening(obs)
        values = self.values
        return values[offer] >= self.phi ** (following - t) * values[nxt] - _TOL


class _FrequencyModel:
    """Running counts behind :func:`negsim.agents.opponent_model.frequency_model`, with the
    value tables of all issues side by side (``(k, max options)``) so that one estimate is a
    single gather over the outcomes."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        self.shape = shape
        self.backwards = shape[::-1]  # the index is row-major: its last issue varies fastest
        # plain lists: an offer touches one entry per issue, cheaper than array indexing
        self.counts = [[0.0] * max(shape) for _ in shape]
        self.unchanged = [1.0] * len(shape)  # 1 + repeats, the unnormalised weights
        self.last: list[int] | None = None

    def add(self, outcome: int) -> None:
        row = []
        for m in self.backwards:
            outcome, option = divmod(outcome, m)
            row.append(option)
        row.reverse()
        counts, last = self.counts, self.last
        if last is None:
            for i, option in enumerate(row):
                counts[i][option] += 1.0
        else:
            unchanged = self.unchanged
            for i, option in enumerate(row):
                counts[i][option] += 1.0
                if last[i] == option:
                    unchanged[i] += 1.0
        self.last = row

    def values(self, rows: list[list[int]]) -> list[float]:
        """:meth:`estimate` in plain Python, for a handful of rows (no array overhead)."""
        if not rows:
            return []
        return self.band([list(options) for options in zip(*rows, strict=True)], 0, len(rows))

    def band(self, columns: list[list[int]], start: int, stop: int) -> list[float]:
        """:meth:`values` of rows ``start .. stop - 1`` given issue by issue (``columns[i]``
        the options of issue ``i``): ``Σ_i w_i (1 + c_i) / (1 + max c_i)`` in this order,
        each term computed only for the rows asked (bands are a few rows; the tables have
        every option of every issue)."""
        total = sum(self.unchanged)
        values: list[Any] = [0] * (stop - start)
        for counts, unchanged, options in zip(self.counts, self.unchanged, columns, strict=True):
            weight = unchanged / total
            top = 1.0 + max(counts)
            values = [
                v + weight * ((1.0 + counts[o]) / top)
                for v, o in zip(values, options[start:stop], strict=True)
            ]
        return values

    def estimate(self, rows: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        weights = np.array(self.unchanged)
        weights /= weights.sum()
        counts = np.array(self.counts)
        tables = (1.0 + counts) / (1.0 + counts.max(axis=1, keepdims=True))
        return tables[np.arange(len(self.shape)), rows] @ weights  # type: ignore[no-any-return]


class _Same:
    """Hashes an array by identity, for memoising on announcements that are the same object
    run after run (it keeps the array alive, so the identity cannot be reused)."""

    __slots__ = ("array",)

    def __init__(self, array: Any) -> None:
        self.array = array

    def __hash__(self) -> int:
        return id(self.array)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.array is self.array


_P = ParamSpec("_P")
_R = TypeVar("_R")


def per_profile(maxsize: int) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Memoise a function whose first argument is a :class:`GridProfile` *on that profile*:
    each profile holds its own small table of up to ``maxsize`` results (the oldest dropped
    first) in its ``__dict__``, so a memo lives exactly as long as its model.

    A global ``lru_cache`` keyed by the profile would keep every model's grid alive for the
    life of the process (40 runs over 200,000 outcomes grew memory by 1.6 GB); here, when the
    model goes, its plans go with it. The results must not refer back to the profile (they
    would keep it alive in a cycle until the garbage collector ran).
    """

    def decorate(function: Callable[_P, _R]) -> Callable[_P, _R]:
        slot = f"_memo_{function.__module__}.{function.__qualname__}"

        def memoised(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            memos = args[0].__dict__  # a GridProfile's
            table = memos.get(slot)
            if table is None:
                table = memos[slot] = {}
            key = (args[1:], tuple(sorted(kwargs.items()))) if kwargs else args[1:]
            found = table.get(key, table)
            if found is table:
                found = function(*args, **kwargs)
                if len(table) >= maxsize:
                    del table[next(iter(table))]
                table[key] = found
            return found  # type: ignore[no-any-return]

        memoised.__wrapped__ = function  # type: ignore[attr-defined]
        memoised.__doc__ = function.__doc__
        memoised.__name__ = function.__name__
        return memoised

    return decorate


@attrs.frozen(eq=False)
class _Schedule:
    """What :func:`_schedule` finds: the candidates by decreasing own utility, ``τ`` by round,
    how many candidates reach it and where the band starts (lists), the known estimate, and,
    made on first use, the candidates' option rows: an array (:attr:`grid`) and the same
    issue by issue as lists (:attr:`columns`, for plans of at most :data:`LISTED_PLAN`)."""

    candidates: npt.NDArray[np.int64]
    targets: list[float]
    counts: list[int]
    starts: list[int]
    known: npt.NDArray[np.float64] | None
    shape: tuple[int, ...]

    @cached_property
    def grid(self) -> npt.NDArray[np.int64] | None:
        """The candidates' option rows ``(n, k)`` (a transposed view: rows are read, never
        written); ``None`` over more than :data:`LARGE_PLAN` candidates, whose rows are made
        band by band instead (:meth:`JointPlan.rows`)."""
        if self.candidates.size > LARGE_PLAN:
            return None
        return np.array(np.unravel_index(self.candidates, self.shape), dtype=np.int64).T

    @cached_property
    def columns(self) -> list[list[int]]:
        """The candidates' options issue by issue, as Python ints (for small bands)."""
        return [options.tolist() for options in np.unravel_index(self.candidates, self.shape)]


@per_profile(maxsize=64)
def _schedule(
    profile: GridProfile,
    exponent: float,
    n_rounds: int,
    reservation: float,
    phi: float,
    public: _Same | None,
    theirs: _Same | None,
    shape: tuple[int, ...],
    home: _Same | None = None,
) -> _Schedule:
    """The parts of a :class:`JointPlan` fixed by the rules and the announcements, memoised
    on the model's profile (:func:`per_profile`; sweeps and tournaments replay the same ones;
    callers must not modify them): see :class:`_Schedule`."""
    u = profile.utilities
    n = n_rounds
    r = reservation
    # (each numpy call costs a microsecond or two on a small space, so the first run of a
    # fresh model pays mostly for their number: the common case takes the short paths, and
    # array methods are called rather than numpy's functions, which add a microsecond each)
    if public is None and home is None:
        negated = -u
        candidates = negated.argsort(kind="stable")  # by decreasing own utility, ties by index
        ranked = negated[candidates]  # increasing, for searchsorted
        if ranked.size and ranked[-1] == np.inf:  # -inf utilities sort last: drop those
            finite = np.isfinite(ranked)
            candidates, ranked = candidates[finite], ranked[finite]
    else:
        open_ = np.isfinite(u) if public is None else np.isfinite(u) & np.asarray(public.array)
        if not open_.any():  # the other side rules out everything it could accept: ignore it
            open_ = np.isfinite(u)
        if home is not None:  # nothing that would fail ratification at home
            open_ = open_ & np.asarray(home.array)
        candidates = np.flatnonzero(open_)
        # by decreasing own utility, ties by index: prefixes are the eligible sets
        candidates = candidates[(-u[candidates]).argsort(kind="stable")]
        ranked = -u[candidates]
    top = -float(ranked[0]) if ranked.size else r
    concession = r + max(top - r, 0.0) * _falling(n, exponent)
    if phi < 1.0:
        with np.errstate(divide="ignore", over="ignore"):  # φ^t may underflow: floor is inf
            targets = np.maximum(concession, r / phi ** np.arange(n, dtype=float))
    else:  # the floor is r, and r + (û - r)^+ (1 - t^e) >= r already
        targets = concession
    # how many candidates reach each round's target: a prefix of the ranking
    counts = ranked.searchsorted(_TOL - targets, side="right")
    if theirs is not None:  # known utilities: search every outcome at or above the target
        known = np.asarray(theirs.array)[candidates]
        return _Schedule(candidates, targets.tolist(), counts.tolist(), [0] * n, known, shape)
    # with a learned estimate, the search stays within a band above the target
    band = targets + BAND * max(top - r, 0.0) + _TOL
    starts = ranked.searchsorted(-band, side="left")
    if ranked.size:  # an empty band: the outcomes nearest above the target
        nearest = ranked[np.maximum(counts - 1, 0)]
        starts = np.minimum(starts, ranked.searchsorted(nearest, side="left"))
    return _Schedule(candidates, targets.tolist(), counts.tolist(), starts.tolist(), None, shape)


@functools.lru_cache(maxsize=256)
def _falling(n_rounds: int, exponent: float) -> npt.NDArray[np.float64]:
    """``1 - t^e`` for ``t = round / (n_rounds - 1)``, read-only; memoised on the two numbers
    (it holds no model)."""
    times = np.arange(n_rounds) / (n_rounds - 1) if n_rounds > 1 else np.ones(1)
    falling = 1.0 - times**exponent
    falling.flags.writeable = False
    return falling


@per_profile(maxsize=64)
def _plan(
    profile: GridProfile, exponent: float, n_rounds: int, reservation: float
) -> tuple[list[float], list[int]]:
    """Legacy schedule: ``τ(t)`` and :func:`nearest_above` of it for every round, vectorised.

    Memoised on the model's profile (:func:`per_profile`): sweeps and tournaments replay the
    same ones. Callers must not modify the lists.
    """
    times = np.arange(n_rounds) / (n_rounds - 1) if n_rounds > 1 else np.ones(1)
    top = profile.utilities[profile.best] if profile.utilities.size else reservation
    targets = reservation + max(top - reservation, 0.0) * (1.0 - times**exponent)
    order, ranked = profile.ranking
    if order.size == 0:
        return targets.tolist(), [profile.best] * n_rounds
    at = np.searchsorted(ranked, targets, side="left")
    chosen = np.where(at < order.size, order[np.minimum(at, order.size - 1)], profile.best)
    return targets.tolist(), chosen.tolist()


def nearest_above(obs: Observation, level: float) -> int:
    """The outcome of least own utility at or above ``level`` (own best if none reaches it).

    ``obs.ranked_outcomes`` orders equal utilities by index and ``bisect_left`` finds the
    first of them: ties go to the lowest index.
    """
    ranked = obs.ranked_utilities
    i = bisect_left(ranked, level)
    return obs.best if i == len(ranked) else obs.ranked_outcomes[i]
