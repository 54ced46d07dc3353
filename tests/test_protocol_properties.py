"""Hypothesis properties of runs: replay, mirroring, reported utilities."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from strategies import agent_names, symmetric_cases

import negsim
from negsim import AlternatingOffers, Party


@given(
    case=symmetric_cases(),
    agents=st.tuples(agent_names(), agent_names()),
    seed=st.integers(0, 2**32),
)
def test_the_same_seed_replays_identically(
    case: tuple[negsim.LinearAdditive, negsim.LinearAdditive, np.ndarray],
    agents: tuple[str, str],
    seed: int,
) -> None:
    first, second, _ = case
    protocol = AlternatingOffers(n_rounds=15, breakdown_probability=0.1)
    parties = [
        Party("a", first, negsim.make_agent(agents[0])),
        Party("b", second, negsim.make_agent(agents[1])),
    ]
    result = protocol.run(parties, rng=seed)
    again = protocol.run(parties, rng=seed)
    assert again == result
    assert again.to_dict() == result.to_dict()


@given(case=symmetric_cases(), agent=agent_names(deterministic=True), seed=st.integers(0, 100))
def test_swapping_the_parties_of_a_symmetric_case_mirrors_the_result(
    case: tuple[negsim.LinearAdditive, negsim.LinearAdditive, np.ndarray],
    agent: str,
    seed: int,
) -> None:
    """u_b = u_a ∘ σ for an involution σ of the outcomes. Seating b's preferences first and
    a's second is the same game with outcomes relabelled by σ: every offer is mirrored, and
    the opener's (and the responder's) utilities and answers are unchanged."""
    first, second, sigma = case
    protocol = AlternatingOffers(n_rounds=20)
    a = negsim.make_agent(agent)
    result = protocol.run([Party("a", first, a), Party("b", second, a)], rng=seed)
    swapped = protocol.run([Party("a", second, a), Party("b", first, a)], rng=seed)
    assert swapped.end is result.end
    np.testing.assert_array_equal(swapped.offers, sigma[result.offers])
    np.testing.assert_array_equal(swapped.utilities, result.utilities)
    np.testing.assert_array_equal(swapped.accepted, result.accepted)


@given(case=symmetric_cases(), agents=st.tuples(agent_names(), agent_names()))
def test_reported_utilities_are_the_preferences_of_the_offers(
    case: tuple[negsim.LinearAdditive, negsim.LinearAdditive, np.ndarray],
    agents: tuple[str, str],
) -> None:
    first, second, _ = case
    parties = [
        Party("a", negsim.Position(first, discount=0.9), negsim.make_agent(agents[0])),
        Party("b", second, negsim.make_agent(agents[1])),
    ]
    result = AlternatingOffers(n_rounds=12, discount=0.95).run(parties, rng=0)
    outcomes = result.space.outcome_at(result.offers)
    t = np.arange(result.n_rounds)
    np.testing.assert_allclose(result.utilities[:, 0], first.utility(outcomes) * (0.9 * 0.95) ** t)
    np.testing.assert_allclose(result.utilities[:, 1], second.utility(outcomes) * 0.95**t)
