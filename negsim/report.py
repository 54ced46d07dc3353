"""Readable text accounts of a negotiation: the rounds, the end, the bargaining analysis."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from . import analysis
from .preferences import PreferenceModel, utility_matrix
from .results import EndReason, NegotiationResult

__all__ = ["format_analysis", "format_result"]


def _u(x: float) -> str:
    return "  never" if math.isinf(x) and x < 0 else f"{x:7.3f}"


def format_result(result: NegotiationResult, title: str | None = None) -> str:
    """Round by round: who offered what, each party's utility, the responses; then the end."""
    names = result.party_names
    width = max(len(n) for n in names)
    lines = []
    if title:
        lines += [title, "=" * len(title)]
    params = ", ".join(f"{k}={v}" for k, v in result.parameters.items())
    agents = ", ".join(f"{n}: {_agent(a)}" for n, a in zip(names, result.agents, strict=True))
    lines.append(f"{result.protocol} ({params}); agents {agents}; seed {result.seed}")
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
        lines.append(f"{t:>5}  {names[proposer]:<{width}}  {utilities}  {'; '.join(answers)}")
        lines.append(
            f"{'':>5}  {'':<{width}}  "
            + result.space.describe(result.space.outcome_at(int(result.offers[t])))
        )
    lines.append("")
    lines.append(_ending(result))
    return "\n".join(lines)


def _agent(description: dict[str, object]) -> str:
    params = ", ".join(f"{k}={v}" for k, v in description.items() if k != "kind")
    return f"{description['kind']}({params})" if params else str(description["kind"])


def _ending(result: NegotiationResult) -> str:
    names = result.party_names
    finals = ", ".join(f"{n} {u:.3f}" for n, u in zip(names, result.final_utilities, strict=True))
    if result.end is EndReason.AGREEMENT:
        assert result.agreement is not None
        deal = result.space.describe(result.space.outcome_at(result.agreement))
        return f"Agreement in round {result.agreement_round}: {deal}\nUtilities: {finals}"
    why = {
        EndReason.DEADLINE: f"No agreement: the deadline passed after {result.n_rounds} rounds.",
        EndReason.BREAKDOWN: (
            f"No agreement: the talks broke down after round {result.n_rounds - 1}."
        ),
    }[result.end]
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
        lines.append(
            f"Distance of the agreement from the Nash point (utility space): {distance:.3f}"
        )
    if result is not None and result.agreement is None and found.zone.size:
        inside = np.isin(result.offers, found.zone)
        lines.append(
            f"No deal although {found.zone.size} outcomes were better than no deal for every "
            f"party: {int(inside.sum())} of the {result.n_rounds} offers made were among them."
        )
    return "\n".join(lines)
