"""Why no deal: what the model of a scenario says about a run, in numbers and in words.

Three parts, each computed from the scenario (not from the agents' behaviour):

**The funnel.** From all outcomes ``Ω`` down to those that could become a ratified deal, one
filter at a time (each step keeps what the previous kept):

1. crossing no party's red line;
2. meeting every party's preconditions;
3. better than no deal for every party, ``u_i(ω) > r_i`` for all ``i`` (the Level-I zone of
   possible agreement);
4. for each party with a ratification stage, the outcomes of step 3 inside its win-set
   ``W_i = {ω : S_i(ω) >= θ_i}`` (Putnam 1988), each party on its own;
5. ratifiable by all: step 3 ∩ ``W_1 ∩ ... ∩ W_n``.

**The zone by round.** An agreement on ``ω`` in round ``t`` is worth ``φ_i^t u_i(ω)`` to party
``i`` (``φ_i`` its own discount times the protocol's), so the zone of round ``t`` is
``Z_t = {ω : φ_i^t u_i(ω) > r_i ∀ i}``. It can only shrink: ``ω`` stays in it while
``t < ln(r_i / u_i(ω)) / ln φ_i`` for every party with ``r_i > 0`` and ``φ_i < 1``.
:attr:`Diagnosis.zone_closes_after` is the last round with a non-empty zone when the zone
empties before the deadline.

**The ending and the binding constraints.** How the run ended, truly: a ratified deal; an
agreement that failed ratification (each constituency's support named); no zone at all; a
zone none of whose outcomes could be ratified at home (negotiators who know their win-sets
agree to none); the zone closing under discounting before the agents met in it; a chance
breakdown (its probability per round); the deadline.

A constraint is *binding* when removing it alone would
let more outcomes through the funnel's first empty step (or, when nothing is empty, when it
removes outcomes from the zone). :func:`diagnose` returns all of it; :meth:`Diagnosis.lines`
says it in plain words.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from .display import figure_bundle, html_image, html_table, png_bytes, short_repr
from .position import Position

if TYPE_CHECKING:
    from .scenario import Scenario, ScenarioRun

__all__ = [
    "Constraint",
    "Diagnosis",
    "Ending",
    "FunnelStep",
    "closes_after",
    "diagnose",
    "funnel",
    "zone_by_round",
]

Mask = npt.NDArray[np.bool_]


@attrs.frozen
class FunnelStep:
    """One filter of the funnel: what it keeps, and how many outcomes pass it."""

    label: str
    count: int


@attrs.frozen
class Constraint:
    """A red line, precondition, reservation or ratification stage, and what it costs.

    ``without`` is how many outcomes would pass the funnel's first empty step (or the zone,
    when nothing is empty) if this constraint alone were lifted; ``with_`` how many pass now.
    """

    party: str
    kind: str
    text: str
    with_: int
    without: int

    @property
    def binding(self) -> bool:
        """Whether lifting it alone lets more outcomes through."""
        return self.without > self.with_

    def describe(self) -> str:
        """One line: the constraint and what lifting it would do."""
        gain = self.without - self.with_
        return f"{self.party}'s {self.kind} ({self.text}): without it {gain:,} more outcome(s)"


@attrs.frozen
class Ending:
    """How a run ended: a ``kind`` and the plain account ``text``."""

    kind: str
    text: str
    round: int | None = None


@attrs.frozen(eq=False)
class Diagnosis:
    """The funnel, the zone by round, how the run ended and the binding constraints."""

    funnel: tuple[FunnelStep, ...]
    zone_by_round: npt.NDArray[np.int64]
    zone_closes_after: int | None
    ending: Ending
    constraints: tuple[Constraint, ...]
    stage: str
    offers_changed: bool
    breakdown_probability: float
    #: when ratification is what binds, the constraints that narrow the Level-I zone
    zone_constraints: tuple[Constraint, ...] = ()
    #: parties with nothing to offer that the others have not ruled out in public, that is
    #: better than no deal for them and that their own public would ratify
    holdouts: tuple[str, ...] = ()

    @property
    def binding(self) -> tuple[Constraint, ...]:
        """The constraints that bind, the costliest first."""
        found = [c for c in self.constraints if c.binding]
        return tuple(sorted(found, key=lambda c: -(c.without - c.with_)))

    def __repr__(self) -> str:
        return short_repr(
            "Diagnosis",
            ending=self.ending.kind,
            stage=self.stage,
            funnel=tuple(step.count for step in self.funnel),
            binding=tuple(f"{c.party}: {c.kind}" for c in self.binding),
        )

    def _repr_html_(self) -> str:
        return self._tables_html() + "\n" + html_image(self._repr_png_(), "the funnel")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return figure_bundle(repr(self), self._tables_html(), self._repr_png_(), "the funnel")

    def _tables_html(self) -> str:
        funnel = html_table(
            ["step", "outcomes"], [[s.label, f"{s.count:,}"] for s in self.funnel], self.ending.text
        )
        binding = html_table(
            ["party", "constraint", "what", "zone with it", "zone without it"],
            [[c.party, c.kind, c.text, f"{c.with_:,}", f"{c.without:,}"] for c in self.binding],
            f"Binding ({self.stage})" if self.binding else f"Binding: none; {self.stage}",
        )
        return funnel + "\n" + binding

    def _repr_png_(self) -> bytes:
        """The funnel (:func:`negsim.plots.funnel`), for notebooks."""
        from . import plots

        with plots.plain_text():
            return png_bytes(plots.funnel(self).figure)

    def lines(self) -> list[str]:
        """The diagnosis in plain words, one statement a line."""
        lines = ["Why: the funnel from every outcome to a ratified deal"]
        lines += funnel_lines(self.funnel)
        counts = self.zone_by_round
        if self.zone_closes_after is not None and counts.size and counts[0] > 0:
            lines.append(
                f"  Discounted as the run discounts, the zone holds {counts[0]:,} outcome(s) in "
                f"round 0 and is empty after round {self.zone_closes_after}."
            )
        lines.append(f"How it ended: {self.ending.text}")
        if not self.offers_changed:
            lines.append("  The offers never changed: each side repeated its opening demand.")
        for name in self.holdouts:
            lines.append(
                f"  {name} had nothing to offer that the other side had not ruled out, that beat "
                "no deal and that its own public would ratify: it held to its opening demand."
            )
        binding = self.binding
        if binding:
            lines.append(f"Binding ({self.stage}):")
            lines += [f"  {c.describe()}" for c in binding]
        narrowing = sorted(
            (c for c in self.zone_constraints if c.binding), key=lambda c: c.with_ - c.without
        )[:3]
        if narrowing:
            lines.append("Narrowing the zone at the table (Level I), the costliest first:")
            lines += [f"  {c.describe()}" for c in narrowing]
        elif self.ending.kind != "deal":
            lines.append(f"Binding: no single constraint; {self.stage}.")
        return lines

    def to_dict(self) -> dict[str, Any]:
        """Plain data (JSON-ready)."""
        return {
            "funnel": [{"step": s.label, "outcomes": s.count} for s in self.funnel],
            "zone_by_round": self.zone_by_round.tolist(),
            "zone_closes_after": self.zone_closes_after,
            "ending": {
                "kind": self.ending.kind,
                "text": self.ending.text,
                "round": self.ending.round,
            },
            "breakdown_probability": self.breakdown_probability,
            "offers_changed": self.offers_changed,
            "stage": self.stage,
            "binding": [
                {
                    "party": c.party,
                    "kind": c.kind,
                    "text": c.text,
                    "with": c.with_,
                    "without": c.without,
                }
                for c in self.binding
            ],
        }


# --- the parts ---------------------------------------------------------------------------
def offers_changed(result: Any) -> bool:
    """Whether some proposer made more than one distinct offer in ``result``."""
    offers, proposers = result.offers, result.proposers
    return any(len(set(offers[proposers == who].tolist())) > 1 for who in set(proposers.tolist()))


def funnel_lines(steps: Sequence[FunnelStep]) -> list[str]:
    """The funnel as an indented table, one step a line."""
    width = max(len(step.label) for step in steps)
    return [f"  {step.label:<{width}}  {step.count:>9,}" for step in steps]


@attrs.frozen(eq=False)
class _Grid:
    """What the diagnosis reads off the outcome grid, computed once per scenario: the masks
    no red line crossed, preconditions met, better than no deal, each party's win-set
    (``None`` without a ratification stage), the utilities ``U`` and reservations ``r``."""

    lines_ok: Mask
    pre_ok: Mask
    better: Mask
    wins: list[tuple[str, Mask | None]]
    U: npt.NDArray[np.float64]
    r: npt.NDArray[np.float64]


def _masks(scenario: Scenario) -> _Grid:
    """The :class:`_Grid` of ``scenario``."""
    grid = scenario.space.grid()
    n = scenario.space.size
    lines_ok = np.ones(n, dtype=bool)
    pre_ok = np.ones(n, dtype=bool)
    for prefs in scenario.preferences:
        if isinstance(prefs, Position):
            for red_line in prefs.red_lines:
                lines_ok &= ~red_line.violated(scenario.space, grid)
            for precondition in prefs.preconditions:
                pre_ok &= ~precondition.violated(scenario.space, grid)
    U = np.column_stack([p.grid_utilities() for p in scenario.preferences])
    r = np.array([p.reservation for p in scenario.preferences])
    better = np.all(r < U, axis=1)
    wins: list[tuple[str, Mask | None]] = []
    for name, ratification in zip(scenario.names, scenario.ratifications, strict=True):
        wins.append((name, None if ratification is None else ratification.win_mask(scenario.space)))
    return _Grid(lines_ok, pre_ok, better, wins, U, r)


def funnel(scenario: Scenario, grid: _Grid | None = None) -> tuple[FunnelStep, ...]:
    """The funnel of the module docstring, one :class:`FunnelStep` per filter."""
    grid = grid or _masks(scenario)
    lines_ok, pre_ok, better, wins = grid.lines_ok, grid.pre_ok, grid.better, grid.wins
    steps = [FunnelStep("all outcomes", scenario.space.size)]
    keep = lines_ok.copy()
    steps.append(FunnelStep("crossing no red line", int(keep.sum())))
    keep &= pre_ok
    steps.append(FunnelStep("meeting every precondition", int(keep.sum())))
    keep &= better
    steps.append(FunnelStep("better than no deal for every party", int(keep.sum())))
    ratifying = [(name, mask) for name, mask in wins if mask is not None]
    zone = keep.copy()
    for name, mask in ratifying:
        keep &= mask
        steps.append(FunnelStep(f"  of those, ratifiable in {name}", int((zone & mask).sum())))
    if len(ratifying) > 1:
        steps.append(FunnelStep("ratifiable by all", int(keep.sum())))
    return tuple(steps)


def _factors(scenario: Scenario) -> npt.NDArray[np.float64]:
    common = float(getattr(scenario.protocol, "discount", 1.0))
    return np.array([p.discount * common for p in scenario.preferences])


def zone_by_round(
    scenario: Scenario, n_rounds: int | None = None, grid: _Grid | None = None
) -> npt.NDArray[np.int64]:
    """``|Z_t|`` for ``t = 0 .. n_rounds - 1`` (the protocol's rounds by default)."""
    n = n_rounds if n_rounds is not None else int(getattr(scenario.protocol, "n_rounds", 1))
    grid = grid or _masks(scenario)
    U, r = grid.U, grid.r
    phi = _factors(scenario)
    inside = np.all(r < U, axis=1)
    last = np.full(len(U), np.inf)
    for j in range(U.shape[1]):
        if phi[j] >= 1.0 or r[j] <= 0.0:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            bound = np.log(r[j] / U[inside, j]) / math.log(phi[j])  # t < bound
        last[inside] = np.minimum(last[inside], np.ceil(bound) - 1)
    last = np.where(inside, np.minimum(last, n - 1), -1).astype(np.int64)  # -1: never in
    # |Z_t| counts the outcomes whose last round is t or later: a reversed cumulative sum
    hist = np.bincount(last + 1, minlength=n + 1)[1:]
    return np.cumsum(hist[::-1])[::-1].astype(np.int64)


def closes_after(counts: npt.NDArray[np.int64]) -> int | None:
    """The last round with a non-empty zone, when the zone empties (``-1``: empty from the
    start); ``None`` when it stays open to the deadline."""
    empty = np.flatnonzero(counts == 0)
    if empty.size == 0:
        return None
    return int(empty[0]) - 1


# --- the constraints -----------------------------------------------------------------------
def _constraints(
    scenario: Scenario, grid: _Grid, at_home: bool | None = None
) -> tuple[tuple[Constraint, ...], str]:
    """Every constraint and what lifting it alone lets through the first empty step of the
    funnel — or, with ``at_home=False``, into the Level-I zone whatever happens at home."""
    lines_ok, pre_ok, better, wins = grid.lines_ok, grid.pre_ok, grid.better, grid.wins
    U, r = grid.U, grid.r
    ratifiable = np.ones(len(U), dtype=bool)
    for _, mask in wins:
        if mask is not None:
            ratifiable &= mask
    zone = lines_ok & pre_ok & better
    level_two = bool(zone.any() and not (zone & ratifiable).any())
    if at_home is not None:
        level_two = level_two and at_home
    target = zone & ratifiable if level_two else zone
    stage = (
        "every outcome in the zone fails ratification at home"
        if level_two
        else ("no outcome is better than no deal for every party" if not zone.any() else "")
    )
    if not stage or (at_home is False and zone.any()):
        stage = "what narrows the zone"
    now = int(target.sum())
    found: list[Constraint] = []

    def passing(column: int, utilities: Any) -> int:
        lifted = U.copy()
        lifted[:, column] = utilities
        inside = np.all(lifted > r, axis=1)
        return int((inside & ratifiable).sum() if level_two else inside.sum())

    for j, (name, prefs) in enumerate(zip(scenario.names, scenario.preferences, strict=True)):
        if not isinstance(prefs, Position):
            continue
        for i, red_line in enumerate(prefs.red_lines):
            rest = prefs.red_lines[:i] + prefs.red_lines[i + 1 :]
            lifted = attrs.evolve(prefs, red_lines=rest).grid_utilities()
            found.append(Constraint(name, "red line", red_line.describe(), now, passing(j, lifted)))
        for i, pre in enumerate(prefs.preconditions):
            rest_pre = prefs.preconditions[:i] + prefs.preconditions[i + 1 :]
            lifted = attrs.evolve(prefs, preconditions=rest_pre).grid_utilities()
            found.append(Constraint(name, "precondition", pre.describe(), now, passing(j, lifted)))
        ceiling = np.where(np.isfinite(U[:, j]), np.inf, -np.inf)  # reservation ignored
        found.append(Constraint(name, "reservation value", f"{r[j]:.2f}", now, passing(j, ceiling)))
    for name, mask in wins:
        if mask is None or not level_two:
            continue
        rest_wins = np.ones(len(U), dtype=bool)
        for other, m in wins:
            if m is not None and other != name:
                rest_wins &= m
        ratification = scenario.ratifications[scenario.names.index(name)]
        assert ratification is not None
        support = ratification.support(scenario.space, scenario.space.grid()[zone])
        text = (
            f"a threshold of {ratification.threshold:.2f}; the best outcome in the zone gets "
            f"{float(support.max()):.2f}"
        )
        passed = int((zone & rest_wins).sum())
        found.append(Constraint(name, "ratification at home", text, now, passed))
    return tuple(found), stage


# --- the run ---------------------------------------------------------------------------------
def _ending(
    scenario: Scenario,
    run: ScenarioRun,
    closes: int | None,
    zone_size: int,
    ratifiable: int | None = None,
) -> Ending:
    result = run.result
    last = result.n_rounds - 1
    p = float(getattr(scenario.protocol, "breakdown_probability", 0.0))
    if result.agreed:
        assert result.agreement_round is not None
        if run.ratified:
            return Ending(
                "deal",
                f"agreement in round {result.agreement_round}, ratified.",
                result.agreement_round,
            )
        failed = []
        assert result.agreement is not None
        for name, vote, ratification in zip(
            scenario.names, run.votes, scenario.ratifications, strict=True
        ):
            if vote is None or vote.ratified or ratification is None:
                continue
            supports = ratification.supports(scenario.space, result.agreement)
            parts = ", ".join(f"{c} {s:.2f}" for c, s in supports.items())
            failed.append(
                f"{name} (support {vote.support:.2f} against a threshold of "
                f"{ratification.threshold:.2f}: {parts})"
            )
        return Ending(
            "ratification-failed",
            f"agreement in round {result.agreement_round}, but ratification failed in "
            + "; ".join(failed)
            + ".",
            result.agreement_round,
        )
    if zone_size == 0:
        return Ending(
            "no-zone",
            "no deal was possible: no outcome is better than no deal for every party "
            f"(the talks {_how(result, p)}).",
            last,
        )
    if ratifiable == 0:
        return Ending(
            "no-ratifiable-deal",
            f"no deal could be ratified: all {zone_size:,} outcomes better than no deal for "
            "every party fail ratification at home, and the negotiators, knowing their "
            f"win-sets, agreed to none of them (the talks {_how(result, p)}).",
            last,
        )
    if closes is not None and closes < last:
        return Ending(
            "zone-closed",
            f"the zone of agreement closed after round {closes} (discounting made every "
            f"outcome worth less than no deal to some party); the talks then "
            f"{_how(result, p)}.",
            closes,
        )
    kind = "breakdown" if result.end.value == "breakdown" else "deadline"
    return Ending(kind, f"the talks {_how(result, p)}.", last)


def _how(result: Any, p: float) -> str:
    """``"broke down by chance (3 % a round) after round 7"`` or the deadline."""
    last = result.n_rounds - 1
    if result.end.value == "breakdown":
        return f"broke down by chance ({100 * p:g} % a round) after round {last}"
    return f"ran to the deadline: no agreement in {result.n_rounds} rounds"


def diagnose(scenario: Scenario, run: ScenarioRun) -> Diagnosis:
    """The :class:`Diagnosis` of one run of ``scenario`` (see the module docstring)."""
    grid = _masks(scenario)
    steps = funnel(scenario, grid)
    counts = zone_by_round(scenario, grid=grid)
    closes = closes_after(counts)
    zone_size = steps[3].count
    constraints, stage = _constraints(scenario, grid)
    at_table = "ratification" in stage
    zone_constraints = _constraints(scenario, grid, at_home=False)[0] if at_table else ()
    changed = offers_changed(run.result)
    return Diagnosis(
        funnel=steps,
        zone_by_round=counts,
        zone_closes_after=closes,
        ending=_ending(
            scenario,
            run,
            closes,
            zone_size,
            steps[-1].count if any(r is not None for r in scenario.ratifications) else None,
        ),
        constraints=constraints,
        stage=stage,
        offers_changed=changed or (run.result.agreed and run.result.n_rounds == 1),
        breakdown_probability=float(getattr(scenario.protocol, "breakdown_probability", 0.0)),
        zone_constraints=zone_constraints,
        holdouts=_holdouts(scenario),
    )


def _holdouts(scenario: Scenario) -> tuple[str, ...]:
    """The parties whose negotiators (knowing their win-sets) have nothing left to offer."""
    from .protocols.base import table_announcements

    told = table_announcements(scenario.parties)
    found = []
    for party, news in zip(scenario.parties, told, strict=True):
        home = news.get("own_ratifiable")
        if home is None:
            continue
        prefs = party.preferences
        open_ = np.asarray(home) & (prefs.grid_utilities() > prefs.reservation)
        public = news.get("public_acceptable")
        if public is not None:
            open_ &= np.asarray(public)
        if not open_.any():
            found.append(party.name)
    return tuple(found)
