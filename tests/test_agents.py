"""Unit tests of the built-in agents and the observation they see."""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import pytest
from cases import pie_parties, pie_preferences

import negsim
from negsim import AlternatingOffers, Party
from negsim.testing import ScriptedAgent, check_agent


def _against_script(
    agent: negsim.Agent,
    prefs: negsim.PreferenceModel,
    n_rounds: int,
    script: ScriptedAgent | None = None,
) -> negsim.NegotiationResult:
    """``agent`` opens against a scripted opponent (by default: offers outcome 0, accepts
    nothing) on the same space."""
    return AlternatingOffers(n_rounds=n_rounds).run(
        [Party("me", prefs, agent), Party("script", prefs, script or ScriptedAgent())], rng=0
    )


def test_time_dependent_target_follows_the_formula() -> None:
    a, _ = pie_preferences(reservations=(0.3, 0.0))
    result = _against_script(negsim.TimeDependent(exponent=4.0), a, n_rounds=21)
    for t in range(0, 21, 2):  # the rounds it proposes in
        expected = 0.3 + 0.7 * (1 - (t / 20) ** 4)
        offered = a.utility(result.space.outcome_at(result.offers[t : t + 1]))[0]
        # the smallest utility at or above the target
        assert offered >= expected - 1e-12
        assert offered - 0.1 < expected


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
    space = negsim.OutcomeSpace([negsim.categorical("x", ["a", "b", "c", "d", "e"])])
    prefs = negsim.LinearAdditive.from_tables(
        space, {"x": 1}, {"x": [0.5, 1.0, 0.5, 1.0, 0.0]}, reservation=0.5
    )
    # the script offers e, which it never accepts
    result = _against_script(negsim.TimeDependent(1.0), prefs, 11, ScriptedAgent(offers=[4]))
    assert result.offers[0] == 1  # t = 0: the best, b and d tie
    assert result.offers[10] == 0  # t = 1: the reservation level, a and c tie


def test_hardliner_never_concedes() -> None:
    result = AlternatingOffers(n_rounds=20).run(pie_parties("hardliner", "boulware"), rng=0)
    assert set(result.offers[result.proposers == 0].tolist()) == {10}


def test_tit_for_tat_mirrors_the_concession() -> None:
    a, _ = pie_preferences(reservations=(0.6, 0.0))
    # their offers are worth 0, then 0.3, then 0.5 to it: concessions of 0, 0.3 and 0.5
    result = _against_script(negsim.TitForTat(), a, 7, ScriptedAgent(offers=[0, 3, 5]))
    assert result.offers.tolist() == [10, 0, 10, 3, 7, 5, 6]
    # it opens with its best and holds while they do not move (round 2), concedes 0.3 when
    # they have (7 in round 4), rejects 0.5 (its target is max(r, 1 - 0.5) = 0.6) and never
    # goes below its reservation value (6, not 5, in round 6)
    assert not result.accepted[5, 0]
    assert result.end is negsim.EndReason.DEADLINE


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


@attrs.frozen
class _Probe(ScriptedAgent):
    """A scripted agent that also notes what its observation shows when it proposes."""

    seen: list[dict[str, Any]] = attrs.field(factory=list, eq=False)

    def propose(self, obs: negsim.Observation) -> int:
        self.seen.append(
            {
                "obs": obs,
                "round": obs.round,
                "time": obs.time,
                "last_offer": obs.last_offer,
                "history": list(obs.history),
            }
        )
        return super().propose(obs)

    def describe(self) -> dict[str, Any]:
        return {"kind": "probe"}


def test_observation_is_read_only() -> None:
    a, _ = pie_preferences()
    probe = _Probe()
    _against_script(probe, a, n_rounds=3)
    obs = probe.seen[0]["obs"]
    with pytest.raises(AttributeError, match="read-only"):
        obs.party = 1
    with pytest.raises(ValueError, match="read-only"):
        obs.utilities[0] = 5.0
    with pytest.raises(AttributeError):
        obs.history.append(negsim.Offer(0, 0, 0))


def test_observation_reports_time_and_offers() -> None:
    a, _ = pie_preferences()
    probe = _Probe(offers=[9])
    # the probe answers second: the script opens with 2, the probe offers 9, ...
    AlternatingOffers(n_rounds=5).run(
        [Party("script", a, ScriptedAgent(offers=[2])), Party("me", a, probe)], rng=0
    )
    first, last = probe.seen[0], probe.seen[-1]
    assert [s["round"] for s in probe.seen] == [1, 3]
    assert first["time"] == 0.25
    assert first["last_offer"] == negsim.Offer(0, 0, 2)
    assert first["history"] == [negsim.Offer(0, 0, 2)]
    assert last["history"][-1] == negsim.Offer(2, 0, 2)
    assert last["history"][-2].outcome == 9
    obs = first["obs"]
    assert obs.best == 10
    assert obs.best_utility == 1.0
    assert obs.space == a.space
    assert obs.reservation == 0.0
    assert obs.party == 1
    opener = _Probe()
    _against_script(opener, a, n_rounds=1)
    assert opener.seen[0]["time"] == 1.0  # a one-round run is at its deadline at once
    assert opener.seen[0]["last_offer"] is None


def test_scripted_agent_plays_its_script() -> None:
    a, b = pie_preferences()
    script = ScriptedAgent(offers=[4, 6], accept=[3])
    result = AlternatingOffers(n_rounds=8).run(
        [Party("script", a, script), Party("other", b, ScriptedAgent(offers=[5, 5, 3]))], rng=0
    )
    assert result.offers.tolist() == [4, 5, 6, 5, 6, 3]  # the last offer repeats
    assert result.agreement == 3  # the one offer it accepts
    assert script.describe() == {"kind": "scripted", "offers": (4, 6), "accept": (3,)}
    assert ScriptedAgent(accept=True).respond(None, 0)  # type: ignore[arg-type]
    check_agent(ScriptedAgent())  # accepting nothing, it meets the agent contract
    with pytest.raises(negsim.ValidationError, match="offers"):
        ScriptedAgent(offers=[])
    with pytest.raises(negsim.ValidationError, match=r"offers\[1\]"):
        ScriptedAgent(offers=[1, -2])


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
