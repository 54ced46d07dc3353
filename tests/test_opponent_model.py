"""The frequency opponent model and the agent that trades off with it."""

from __future__ import annotations

import numpy as np
import pytest

import negsim
from negsim import analysis
from negsim.agents.opponent_model import frequency_model
from negsim.testing import ScriptedAgent


def test_frequency_model_learns_preferred_options_and_important_issues() -> None:
    space = negsim.OutcomeSpace(
        [
            negsim.categorical("price", ["low", "mid", "high"]),
            negsim.categorical("speed", ["slow", "fast"]),
        ]
    )
    # the other side always asks for a high price and moves only on speed
    offers = [
        space.index_of(space.outcome_from_labels({"price": "high", "speed": s}))
        for s in ("fast", "slow", "fast", "slow")
    ]
    weights, tables = frequency_model(space, offers)
    assert weights[0] > weights[1]  # price never moved: it matters more
    assert weights.sum() == 1.0
    assert tables[0].argmax() == 2  # "high" is its favourite price
    assert tables[0].max() == 1.0
    uniform_weights, uniform_tables = frequency_model(space, [])
    assert uniform_weights.tolist() == [0.5, 0.5]
    assert all((t == 1).all() for t in uniform_tables)


def test_trading_off_lands_nearer_the_pareto_frontier() -> None:
    # Faratin, Sierra & Jennings (2002): offering what the model says the other side values,
    # at one's own target, yields more integrative agreements than plain concession (the
    # legacy linear agent, which ignores the other side).
    space = negsim.OutcomeSpace(
        [
            negsim.categorical(f"i{k}", [f"o{j}" for j in range(m)])
            for k, m in enumerate((5, 5, 4, 3))
        ]
    )
    distance: dict[str, list[float]] = {"opponent-model": [], "linear": []}
    for seed in range(12):
        a = negsim.LinearAdditive.random(space, rng=2 * seed, reservation=0.3)
        b = negsim.LinearAdditive.random(space, rng=2 * seed + 1, reservation=0.3)
        U = negsim.utility_matrix([a, b])
        for agent in distance:
            result = negsim.AlternatingOffers(n_rounds=60).run(
                [
                    negsim.Party("a", a, negsim.make_agent(agent, legacy=agent == "linear")),
                    negsim.Party("b", b, negsim.make_agent(agent, legacy=agent == "linear")),
                ],
                rng=seed,
            )
            assert result.agreement is not None
            distance[agent].append(analysis.distance_to_frontier(U, U[result.agreement]))
    assert np.mean(distance["opponent-model"]) < np.mean(distance["linear"])


def _play_against_script(
    prefs: negsim.PreferenceModel, script_offer: int, legacy: bool
) -> negsim.NegotiationResult:
    """The opponent-model agent (linear concession) opens a three-round run against a
    scripted opponent that always offers ``script_offer`` and accepts nothing. In the last
    round its target is its reservation value."""
    return negsim.AlternatingOffers(n_rounds=3).run(
        [
            negsim.Party(
                "me", prefs, negsim.make_agent("opponent-model", exponent=1.0, legacy=legacy)
            ),
            negsim.Party("script", prefs, ScriptedAgent(offers=[script_offer])),
        ],
        rng=0,
    )


def _two_by_two() -> tuple[negsim.LinearAdditive, dict[tuple[str, str], int]]:
    space = negsim.OutcomeSpace(
        [negsim.categorical("a", ["x", "y"]), negsim.categorical("b", ["x", "y"])]
    )
    mine = negsim.LinearAdditive.from_tables(
        space, {"a": 0.4, "b": 0.6}, {"a": [1, 0], "b": [1, 0]}, reservation=0.3
    )
    index = {
        (a, b): int(space.index_of(space.outcome_from_labels({"a": a, "b": b})))
        for a in "xy"
        for b in "xy"
    }
    # worth to the agent: (x, x) 1, (y, x) 0.6, (x, y) 0.4, (y, y) 0; lower index: (x, y)
    assert index["x", "y"] < index["y", "x"]
    return mine, index


# The script asks for (y, y), worth 0 to the agent. From that one offer the frequency model
# rates (x, y) and (y, x) equally for the other side (0.75: one issue each), above (x, x)
# (0.5). In the last round both are at or above the agent's target (0.3), and the tie rule
# decides.


def test_ties_for_the_other_side_go_to_the_outcome_nearest_the_target() -> None:
    # the joint-space rule (negsim.agents.time_dependent): nearest its target, i.e. the
    # lower own utility, (x, y) at 0.4 rather than (y, x) at 0.6
    mine, index = _two_by_two()
    result = _play_against_script(mine, index["y", "y"], legacy=False)
    assert result.offers[0] == index["x", "x"]  # the opening demand: its best
    assert result.offers[2] == index["x", "y"]


def test_legacy_ties_for_the_other_side_go_to_the_better_for_itself() -> None:
    # negsim 0.1's rule (legacy=True): the better for itself, (y, x), though its index is higher
    mine, index = _two_by_two()
    result = _play_against_script(mine, index["y", "y"], legacy=True)
    assert result.offers[0] == index["x", "x"]  # its best, before it knows anything
    assert result.offers[2] == index["y", "x"]


def test_full_ties_go_to_the_lowest_index() -> None:
    space = negsim.OutcomeSpace([negsim.categorical("x", ["a", "b", "c", "d"])])
    mine = negsim.LinearAdditive.from_tables(
        space, {"x": 1}, {"x": [0.5, 0.5, 1.0, 0.0]}, reservation=0.1
    )
    # in the last round a, b and c are at or above the target and, the script having asked
    # only for d, equal for the other side; a and b are nearest the target, a has the lower
    # index
    result = _play_against_script(mine, script_offer=3, legacy=False)
    assert result.offers.tolist() == [2, 3, 0]


@pytest.mark.parametrize(
    ("own", "offers"),
    [
        ([0.6, 0.7, 0.9, 0.0], [2, 1, 1]),  # a and b tie for the other side: b, better for it
        ([0.6, 0.6, 0.9, 0.0], [2, 0, 0]),  # ... and for itself: a, the lower index
    ],
)
def test_with_complete_information_ties_go_to_the_better_for_itself_then_the_lowest_index(
    own: list[float], offers: list[int]
) -> None:
    # with the other side's utilities known the search covers every outcome at or above the
    # target (negsim.agents.time_dependent), not the band of a learned estimate
    space = negsim.OutcomeSpace([negsim.categorical("x", ["a", "b", "c", "d"])])
    mine = negsim.LinearAdditive.from_tables(space, {"x": 1}, {"x": own}, reservation=0.1)
    theirs = negsim.LinearAdditive.from_tables(
        space, {"x": 1}, {"x": [0.5, 0.5, 0.2, 1.0]}, reservation=0.1
    )
    result = negsim.AlternatingOffers(n_rounds=5, information="complete").run(
        [
            negsim.Party("me", mine, negsim.make_agent("time-dependent", exponent=1.0)),
            negsim.Party("script", theirs, ScriptedAgent(offers=[3])),
        ],
        rng=0,
    )
    # it opens with c, its best; from round 2 (target 0.5, then 0.1) a, b and c reach the
    # target, and a and b are the best of them for the other side
    assert result.offers[::2].tolist() == offers


def test_legacy_full_ties_go_to_the_lowest_index() -> None:
    space = negsim.OutcomeSpace([negsim.categorical("x", ["a", "b", "c", "d"])])
    mine = negsim.LinearAdditive.from_tables(
        space, {"x": 1}, {"x": [0.2, 1.0, 1.0, 0.0]}, reservation=0.1
    )
    # b and c are worth the same to it and, to the model, to the other side (in round 0 the
    # model knows nothing; in round 2 the script has asked only for d): b, the lower index
    result = _play_against_script(mine, script_offer=3, legacy=True)
    assert result.offers[0] == 1
    assert result.offers[2] == 1
