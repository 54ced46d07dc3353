"""Readable text accounts of a negotiation: the rounds, the end, the bargaining analysis.

Titles, names and labels come from user files: every text is returned through
:func:`negsim.io.printable`, so none can send control sequences to the terminal.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from . import analysis, diagnosis
from .agents import agent_label
from .io import printable
from .preferences import PreferenceModel, utility_matrix
from .results import EndReason, NegotiationResult

if TYPE_CHECKING:
    from .diagnosis import Diagnosis
    from .levers import LeverReport
    from .scenario import Scenario, ScenarioAnalysis, ScenarioRun

__all__ = [
    "format_analysis",
    "format_diagnosis",
    "format_result",
    "format_run",
    "format_scenario_analysis",
    "format_win_sets",
    "format_zone_by_round",
]


def _u(x: float) -> str:
    return "  never" if math.isinf(x) and x < 0 else f"{x:7.3f}"


def format_result(result: NegotiationResult, title: str | None = None) -> str:
    """Round by round: who offered what, each party's utility, the responses; then the end."""
    names = result.party_names
    width = max(len(n) for n in (*names, "proposer"))
    lines = []
    if title:
        lines += [title, "=" * len(title)]
    lines += _header(result)
    lines.append("")
    header = f"{'round':>5}  {'proposer':<{width}}  " + "  ".join(f"{n:>7}" for n in names)
    lines.append(header + "  response / offer")
    for t in range(result.n_rounds):
        proposer = int(result.proposers[t])
        answers = [
            f"{names[i]} {'accepts' if result.accepted[t, i] else 'rejects'}"
            for i in range(len(names))
            if i != proposer
        ]
        utilities = "  ".join(_u(float(u)) for u in result.utilities[t])
        who = result.proposer_name(t)
        round_ = int(result.offer_rounds[t])
        lines.append(f"{round_:>5}  {who:<{width}}  {utilities}  {'; '.join(answers)}")
        lines.append(
            f"{'':>5}  {'':<{width}}  "
            + result.space.describe(result.space.outcome_at(int(result.offers[t])))
        )
    lines.append("")
    lines.append(_ending(result))
    return printable("\n".join(lines))


def _header(result: NegotiationResult) -> list[str]:
    """What ran: the protocol and its rules, each party's agent (as a scenario names it) and
    its own discount factor, the seed."""
    names = result.party_names
    rules = []
    for key, value in result.parameters.items():
        if key == "opener" and isinstance(value, int) and 0 <= value < len(names):
            rules.append(f"{names[value]} opens")
        elif key == "breakdown_probability":
            rules.append(f"chance breakdown {100 * float(value):g} % a round")
        elif key == "information":
            rules.append(f"{value} information")
        elif key == "discount":
            rules.append(f"common discount {value}")
        elif key == "n_rounds":
            rules.append(f"{value} rounds")
        else:
            rules.append(f"{key}={value}")
    parties = []
    for name, agent, factor in zip(names, result.agents, result.discounts, strict=True):
        patience = "patient" if factor == 1.0 else f"discount {factor:g} a round"
        parties.append(f"{name}: {agent_label(agent)} ({patience})")
    return [
        f"{result.protocol}: {', '.join(rules)}; seed {result.seed}",
        f"Agents: {'; '.join(parties)}",
    ]


def _ending(result: NegotiationResult) -> str:
    names = result.party_names
    finals = ", ".join(f"{n} {u:.3f}" for n, u in zip(names, result.final_utilities, strict=True))
    if result.end is EndReason.AGREEMENT:
        assert result.agreement is not None
        deal = result.space.describe(result.space.outcome_at(result.agreement))
        return f"Agreement in round {result.agreement_round}: {deal}\nUtilities: {finals}"
    if result.end is EndReason.BREAKDOWN:
        p = float(result.parameters.get("breakdown_probability", 0.0))
        why = f"No agreement: the talks broke down by chance ({100 * p:g} % a round) after round "
        why += f"{int(result.offer_rounds[-1])}."
    else:
        why = f"No agreement: the deadline passed after {result.n_rounds} rounds."
    repeated = result.n_rounds > len(set(result.proposers.tolist()))
    if repeated and not diagnosis.offers_changed(result):
        why += " The offers never changed: each side repeated its opening demand."
    return f"{why}\nEach party gets its reservation value: {finals}"


def format_analysis(
    preferences: Sequence[PreferenceModel],
    names: Sequence[str],
    result: NegotiationResult | None = None,
) -> str:
    """The zone of agreement, Pareto frontier and bargaining solutions (reservations as the
    disagreement point), and how far the result's agreement lies from them."""
    U = utility_matrix(preferences)
    d = np.array([p.reservation for p in preferences])
    found = analysis.analyse(U, d)
    space = preferences[0].space
    lines = [
        f"Outcomes: {len(U)}; Pareto-optimal: {len(found.frontier)}; "
        f"in the zone of agreement (better than no deal for all): {len(found.zone)}"
    ]
    solutions = {
        "Nash bargaining solution": found.nash,
        "Kalai–Smorodinsky solution": found.kalai_smorodinsky,
    }
    for label, index in solutions.items():
        if index is None:
            lines.append(f"{label}: none (no outcome is better than no deal for every party)")
            continue
        utils = ", ".join(f"{n} {u:.3f}" for n, u in zip(names, U[index], strict=True))
        lines.append(f"{label}: {space.describe(space.outcome_at(index))} ({utils})")
    if result is not None and result.agreement is not None and found.nash is not None:
        distance = analysis.distance_to_point(U, U[result.agreement], found.nash)
        shown = "undefined (it crosses a red line)" if math.isinf(distance) else f"{distance:.3f}"
        lines.append(f"Distance of the agreement from the Nash point (utility space): {shown}")
    if result is not None and result.agreement is None and found.zone.size:
        inside = np.isin(result.offers, found.zone)
        lines.append(
            f"No deal although {found.zone.size} outcomes were better than no deal for every "
            f"party: {int(inside.sum())} of the {result.n_rounds} offers made were among them."
        )
    return printable("\n".join(lines))


def format_run(scenario: Scenario, run: ScenarioRun) -> str:
    """A scenario run: the rounds, the end, each party's ratification vote, the verdict."""
    lines = [format_result(run.result, scenario.title)]
    votes = [
        (name, vote)
        for name, vote in zip(scenario.names, run.votes, strict=True)
        if vote is not None
    ]
    if votes:
        lines.append("")
        lines.append("Ratification at home (Level II):")
        for name, vote in votes:
            verdict = "ratifies" if vote.ratified else "rejects"
            lines.append(f"  {name}: support {vote.support:.2f} -> {verdict}")
            ratification = scenario.ratifications[scenario.names.index(name)]
            assert ratification is not None
            assert run.result.agreement is not None
            supports = ratification.supports(scenario.space, run.result.agreement)
            for c in ratification.constituencies:
                lines.append(f"    {c.name} (weight {c.weight:g}): {supports[c.name]:.2f}")
    lines.append("")
    if run.deal:
        lines.append("Outcome: a deal, agreed and ratified.")
    elif run.result.agreed:
        lines.append(
            "Outcome: no deal. The agreement failed ratification; each party keeps "
            "its reservation value."
        )
    else:
        lines.append("Outcome: no deal.")
    return printable("\n".join(lines))


def format_scenario_analysis(scenario: Scenario) -> str:
    """What ``negsim analyze`` prints: the space, the zone, the solutions, the win-sets."""
    found = scenario.analyse()
    space = scenario.space
    lines = [scenario.title, "=" * len(scenario.title)]
    if scenario.period:
        lines.append(f"Period: {scenario.period}")
    lines.append(
        f"{space.n_issues} issues, {space.size:,} outcomes; parties: {', '.join(scenario.names)}"
    )
    reservations = ", ".join(
        f"{n} {r:.2f}" for n, r in zip(scenario.names, found.reservations, strict=True)
    )
    lines.append(f"Reservation values (the disagreement point): {reservations}")
    lines.append("")
    lines.append(format_analysis(scenario.preferences, scenario.names))
    lines.append(format_zone_by_round(scenario))
    win_sets = format_win_sets(scenario, found)
    if win_sets:
        lines += ["", win_sets]
    funnel = diagnosis.funnel(scenario)
    lines += ["", "The funnel from every outcome to a ratified deal:"]
    lines += diagnosis.funnel_lines(funnel)
    return printable("\n".join(lines))


def format_zone_by_round(scenario: Scenario) -> str:
    """The zone of agreement by round, discounted as a run discounts, and when it closes."""
    counts = diagnosis.zone_by_round(scenario)
    if not counts.size:
        return ""
    closes = diagnosis.closes_after(counts)
    marks = sorted({0, counts.size - 1, *(() if closes is None else (max(closes, 0),))})
    shown = ", ".join(f"round {t}: {int(counts[t]):,}" for t in marks)
    if closes is None:
        end = "it stays open to the deadline"
    elif closes < 0:
        end = "it is empty from the start"
    else:
        end = f"it is empty after round {closes}"
    return f"Zone of agreement by round, discounted as the run discounts ({shown}): {end}."


def format_win_sets(scenario: Scenario, found: ScenarioAnalysis | None = None) -> str:
    """Each party's win-set and their overlap ("" when no party has a ratification stage)."""
    found = found or scenario.analyse()
    if all(w is None for w in found.win_sets):
        return ""
    lines = ["Win-sets (outcomes each side could ratify at home):"]
    for name, members in zip(scenario.names, found.win_sets, strict=True):
        size = "no ratification stage" if members is None else f"{members.size:,} outcomes"
        lines.append(f"  {name}: {size}")
    overlap = found.win_set_overlap
    assert overlap is not None
    both = np.intersect1d(overlap, found.bargaining.zone)
    lines.append(
        f"  in every win-set: {overlap.size:,}; of those in the zone of agreement: {both.size:,}"
    )
    if found.bargaining.zone.size and not both.size:
        lines.append("  Every deal both negotiators would accept fails ratification at home.")
    return printable("\n".join(lines))


def format_diagnosis(diagnosis: Diagnosis, report: LeverReport | None = None, k: int = 3) -> str:
    """Why no deal (the funnel, how the run ended, the binding constraints) and, with a lever
    report, the ``k`` levers that would have changed it most."""
    lines = diagnosis.lines()
    if report is not None:
        strongest = report.strongest(k)
        b = report.baseline
        lines.append(f"What would have changed it (over {report.seeds} seeds):")
        if not strongest:
            lines.append("  no single lever changes the zone, the agreement or the deal rate.")
        for o in strongest:
            ratifiable = (
                "" if o.ratifiable is None else f", ratifiable {b.ratifiable} -> {o.ratifiable}"
            )
            lines.append(
                f"  {o.label}: deals {b.deal_rate:.0%} -> {o.deal_rate:.0%}, agreements "
                f"{b.agreement_rate:.0%} -> {o.agreement_rate:.0%}, zone {b.zone} -> {o.zone}"
                + ratifiable
            )
            if o.minimal_text:
                lines.append(f"    {o.minimal_text}")
        if all(o.deal_rate <= b.deal_rate for o in report.outcomes):
            lines.append("  No single lever gives a ratified deal in these runs.")
        shown = {o.lever for o in strongest}
        lines += [
            f"  {o.minimal_text}."
            for o in report.outcomes
            if o.minimal_change and o.lever not in shown
        ]
        lines.append("  (all levers: negsim levers SCENARIO)")
    return printable("\n".join(lines))
