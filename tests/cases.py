"""Small hand-made negotiation cases shared by the protocol and agent tests."""

from __future__ import annotations

import negsim


def pie(n: int = 11, reservations: tuple[float, float] = (0.0, 0.0)) -> negsim.OutcomeSpace:
    """Split-the-pie space: one integer issue, the first party's share 0..n-1."""
    return negsim.OutcomeSpace([negsim.integer("share", 0, n - 1)])


def pie_preferences(
    n: int = 11, reservations: tuple[float, float] = (0.0, 0.0)
) -> tuple[negsim.LinearAdditive, negsim.LinearAdditive]:
    """Opposed linear preferences over the pie: the first wants more, the second less."""
    space = pie(n)
    first = negsim.LinearAdditive.from_tables(
        space, {"share": 1}, {"share": "increasing"}, reservations[0]
    )
    second = negsim.LinearAdditive.from_tables(
        space, {"share": 1}, {"share": "decreasing"}, reservations[1]
    )
    return first, second


def pie_parties(
    first_agent: str = "boulware",
    second_agent: str = "conceder",
    n: int = 11,
    reservations: tuple[float, float] = (0.0, 0.0),
) -> list[negsim.Party]:
    """Two parties splitting the pie with registered agents."""
    a, b = pie_preferences(n, reservations)
    return [
        negsim.Party("first", a, negsim.make_agent(first_agent)),
        negsim.Party("second", b, negsim.make_agent(second_agent)),
    ]
