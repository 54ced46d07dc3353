"""Unit tests of the built-in agents and the observation they see."""

from __future__ import annotations

import numpy as np
import pytest
from cases import pie_parties, pie_preferences

import negsim
from negsim import AlternatingOffers, Party
from negsim.observation import Observation, RunState


def _observation(prefs: negsim.PreferenceModel, n_rounds: int = 11) -> Observation:
    return Observation(RunState(n_rounds), 0, "me", 2, prefs, seed=0)


def test_time_dependent_target_follows_the_formula() -> None:
    a, _ = pie_preferences(reservations=(0.3, 0.0))
    agent = negsim.TimeDependent(exponent=4.0)
    obs = _observation(a)
    agent.start(obs)
    for t in range(11):
        obs._state.round = t
        expected = 0.3 + 0.7 * (1 - (t / 10) ** 4)
        assert agent.target(obs) == pytest.approx(expected)
        offer = agent.propose(obs)
        # the smallest utility at or above the target
        assert obs.utility(offer) >= expected - 1e-12
        assert obs.utility(offer) - 0.1 < expected


def test_presets_have_the_documented_exponents() -> None:
    assert negsim.make_agent("boulware") == negsim.TimeDependent(4.0)
    assert negsim.make_agent("linear") == negsim.TimeDependent(1.0)
    assert negsim.make_agent("conceder") == negsim.TimeDependent(0.25)
    with pytest.raises(negsim.ValidationError, match="exponent"):
        negsim.TimeDependent(0.0)


def test_conceder_agrees_sooner_than_boulware() -> None:
    protocol = AlternatingOffers(n_rounds=40)
    fast = protocol.run(pie_parties("conceder", "conceder"), rng=0)
    slow = protocol.run(pie_parties("boulware", "boulware"), rng=0)
    assert fast.agreed
    assert slow.agreed
    assert fast.n_rounds < slow.n_rounds


def test_proposals_break_ties_to_the_lowest_index() -> None:
    space = negsim.OutcomeSpace([negsim.categorical("x", ["a", "b", "c", "d"])])
    prefs = negsim.LinearAdditive.from_tables(space, {"x": 1}, {"x": [0.5, 1.0, 0.5, 1.0]})
    obs = _observation(prefs)
    agent = negsim.TimeDependent(1.0)
    agent.start(obs)
    assert agent.propose(obs) == 1
    obs._state.round = 10
    assert agent.propose(obs) == 0


def test_hardliner_never_concedes() -> None:
    result = AlternatingOffers(n_rounds=20).run(pie_parties("hardliner", "boulware"), rng=0)
    assert set(result.offers[result.proposers == 0].tolist()) == {10}


def test_tit_for_tat_mirrors_the_concession() -> None:
    a, _ = pie_preferences(reservations=(0.2, 0.0))
    obs = _observation(a)
    agent = negsim.TitForTat()
    agent.start(obs)
    assert agent.target(obs) == 1.0
    obs._state.history.append(negsim.Offer(0, 1, 0))  # their first offer: worth 0 to me
    assert agent.target(obs) == 1.0
    obs._state.history.append(negsim.Offer(1, 1, 3))  # they conceded 0.3 of my utility
    assert agent.target(obs) == pytest.approx(0.7)
    assert agent.propose(obs) == 7
    obs._state.history.append(negsim.Offer(2, 1, 10))  # they conceded everything
    assert agent.target(obs) == pytest.approx(0.2)  # never below the reservation value


def test_random_agent_is_reproducible_and_rational() -> None:
    parties = pie_parties("random", "random", reservations=(0.4, 0.4))
    protocol = AlternatingOffers(n_rounds=50)
    runs = [protocol.run(parties, rng=s) for s in range(10)]
    assert runs[3] == protocol.run(parties, rng=3)
    for result in runs:
        offered = result.utilities[np.arange(result.n_rounds), result.proposers]
        assert (offered >= 0.4 - 1e-12).all()
    with pytest.raises(negsim.ValidationError, match="acceptance_probability"):
        negsim.RandomAgent(1.5)


def test_agents_never_accept_what_discounting_made_worse_than_no_deal() -> None:
    a, b = pie_preferences(reservations=(0.5, 0.0))
    parties = [
        Party("first", negsim.Position(a, discount=0.5), negsim.make_agent("linear")),
        Party("second", b, negsim.make_agent("hardliner")),
    ]
    result = AlternatingOffers(n_rounds=10).run(parties, rng=0)
    accepted_by_first = result.accepted[:, 0] & (result.proposers == 1)
    assert (result.utilities[accepted_by_first, 0] >= 0.5).all()


def test_observation_is_read_only() -> None:
    a, _ = pie_preferences()
    obs = _observation(a)
    with pytest.raises(AttributeError, match="read-only"):
        obs.party = 1  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        obs.utilities[0] = 5.0
    with pytest.raises(AttributeError):
        obs.history.append(negsim.Offer(0, 0, 0))  # type: ignore[attr-defined]


def test_observation_reports_time_and_offers() -> None:
    a, _ = pie_preferences()
    obs = _observation(a, n_rounds=5)
    assert obs.time == 0.0
    obs._state.round = 4
    assert obs.time == 1.0
    assert obs.last_offer is None
    obs._state.history.extend([negsim.Offer(0, 1, 2), negsim.Offer(1, 0, 9)])
    assert obs.last_offer == negsim.Offer(0, 1, 2)
    assert obs.history[-1].outcome == 9
    assert len(obs.history) == 2
    assert obs.best == 10
    assert obs.best_utility == 1.0
    assert obs.space == a.space
    assert obs.reservation == 0.0
    single = Observation(RunState(1), 0, "me", 2, a, seed=0)
    assert single.time == 1.0


def test_agent_registry_lists_and_makes() -> None:
    names = negsim.AGENTS.names()
    for expected in ("boulware", "linear", "conceder", "tit-for-tat", "hardliner", "random"):
        assert expected in names
    assert negsim.AGENTS.summary("boulware") == "TimeDependent(exponent=4.0)"
    with pytest.raises(negsim.ValidationError, match="did you mean 'boulware'"):
        negsim.make_agent("bouleware")
    with pytest.raises(negsim.ValidationError, match="already registered"):
        negsim.register_agent(negsim.Hardliner)


def test_a_user_agent_registers_in_one_place() -> None:
    import attrs

    @attrs.frozen
    class Stubborn(negsim.Agent):
        name = "stubborn-test"
        floor: float = 0.8

        def propose(self, obs: negsim.Observation) -> int:
            return obs.best

        def respond(self, obs: negsim.Observation, offer: int) -> bool:
            return obs.utility(offer) >= self.floor and obs.acceptable(offer)

    negsim.register_agent(Stubborn)
    try:
        agent = negsim.make_agent("stubborn-test", floor=0.9)
        assert agent.describe() == {"kind": "stubborn-test", "floor": 0.9}
        from negsim.testing import check_agent

        check_agent(agent)
    finally:
        negsim.AGENTS.unregister("stubborn-test")
    assert "stubborn-test" not in negsim.AGENTS
