"""The frequency opponent model and the agent that trades off with it."""

from __future__ import annotations

import numpy as np

import negsim
from negsim import analysis
from negsim.agents.opponent_model import frequency_model


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
