"""The concession agents search the joint space (issue 9): offers best for the other side at
their target, public red lines respected, acceptance by AC_next, the legacy rules kept."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import bilateral_cases, bilateral_workloads

import negsim
from negsim import analysis
from negsim.protocols.base import table_announcements, target_curves

CONCEDERS = ("boulware", "linear", "conceder", "opponent-model")


def _zone_at_deadline(parties: list[negsim.Party], n_rounds: int) -> Any:
    U = negsim.utility_matrix([p.preferences for p in parties])
    phi = np.array([p.preferences.discount for p in parties])
    r = [p.preferences.reservation for p in parties]
    return analysis.zone_of_agreement(U * phi ** (n_rounds - 1), r), U


@given(bilateral_workloads(25), st.data())
def test_default_agents_agree_inside_a_zone_that_stays_open(cases: list[Any], data: Any) -> None:
    """Whenever the zone is non-empty up to the deadline (discounted as the run discounts)
    and nothing else ends the talks, at least 80 % of the negotiations agree inside it —
    inside the zone of the round they agree in (a workload of 25 random cases per example;
    the agents are drawn per case)."""
    inside = []
    for space_prefs in cases:
        agents = data.draw(st.tuples(st.sampled_from(CONCEDERS), st.sampled_from(CONCEDERS)))
        parties = [
            negsim.Party(f"p{j}", prefs, negsim.make_agent(agents[j]))
            for j, prefs in enumerate(space_prefs)
        ]
        zone, _ = _zone_at_deadline(parties, 30)
        if zone.size == 0:
            continue
        result = negsim.AlternatingOffers(n_rounds=30).run(parties, rng=0)
        # inside the zone of the round they agree in: better than no deal for both, then
        inside.append(result.agreed and bool(np.all(result.final_utilities > result.reservations)))
    assume(len(inside) >= 10)
    assert np.mean(inside) >= 0.8


@given(bilateral_cases(), st.sampled_from(CONCEDERS), st.sampled_from(CONCEDERS))
def test_rejections_and_acceptances_follow_ac_next(
    prefs: tuple[Any, Any], first: str, second: str
) -> None:
    """A responder rejects only what is worth less than its own next offer (discounted one
    step further) and accepts what is worth at least that and at least no deal."""
    parties = [
        negsim.Party("a", prefs[0], negsim.make_agent(first)),
        negsim.Party("b", prefs[1], negsim.make_agent(second)),
    ]
    result = negsim.AlternatingOffers(n_rounds=20).run(parties, rng=0)
    utilities = [p.preferences.grid_utilities() for p in parties]
    for t in range(result.n_rounds - 1):
        responder = 1 - int(result.proposers[t])
        if int(result.proposers[t + 1]) != responder:
            continue
        u = utilities[responder]
        phi = float(result.discounts[responder])
        offer, counter = int(result.offers[t]), int(result.offers[t + 1])
        if not result.accepted[t, responder] and t > 0:
            worth_now = phi**t * u[offer]
            assert u[offer] < phi * u[counter] + 1e-9 or worth_now < prefs[responder].reservation


@given(bilateral_cases(), st.sampled_from(CONCEDERS))
def test_no_proposal_is_worth_less_than_no_deal_to_its_proposer(
    prefs: tuple[Any, Any], agent: str
) -> None:
    parties = [negsim.Party(f"p{j}", p, negsim.make_agent(agent)) for j, p in enumerate(prefs)]
    result = negsim.AlternatingOffers(n_rounds=20).run(parties, rng=0)
    for t in range(result.n_rounds):
        who = int(result.proposers[t])
        u = parties[who].preferences.grid_utilities()[int(result.offers[t])]
        best = parties[who].preferences.grid_utilities().max()
        worth = float(result.discounts[who]) ** t * u
        assert worth >= parties[who].preferences.reservation - 1e-12 or u == best


def test_after_the_opening_nobody_proposes_what_the_other_side_ruled_out_in_public() -> None:
    """Kurils 2018-2019: each side opens with its ideal (crossing the other's red lines),
    then asks only for outcomes the other has not ruled out — until nothing the other could
    accept is worth no deal to it any more, when it holds out for its ideal."""
    scenario = negsim.load_scenario("kurils-2018-2019").with_overrides(
        {
            "protocol.breakdown_probability": 0.0,
            "parties.japan.ratification.anticipated": False,
            "parties.russia.ratification.anticipated": False,
        }
    )
    result = scenario.protocol.run(scenario.parties, rng=1)
    told = table_announcements(scenario.parties)
    curves = target_curves(scenario.protocol, scenario.parties)
    first_seen: set[int] = set()
    checked = 0
    for t in range(result.n_rounds):
        who = int(result.proposers[t])
        party = scenario.parties[who]
        open_ = told[who]["public_acceptable"]
        reachable = party.preferences.grid_utilities()[open_].max()
        if who in first_seen and curves[party.name][t] <= reachable:
            assert open_[int(result.offers[t])]
            checked += 1
        first_seen.add(who)
    assert checked >= 2


def test_a_private_red_line_is_not_announced() -> None:
    space = negsim.OutcomeSpace([negsim.categorical("x", ["a", "b", "c"])])
    base = negsim.LinearAdditive.from_tables(space, {"x": 1}, {"x": [1.0, 0.5, 0.0]}, 0.0)
    other = negsim.LinearAdditive.from_tables(space, {"x": 1}, {"x": [0.0, 0.5, 1.0]}, 0.0)
    agent = negsim.make_agent("linear")
    for public, expected in ((True, [True, True, False]), (False, [True, True, True])):
        line = negsim.RedLine(negsim.IssueIs("x", ["c"]), public=public)
        parties = [
            negsim.Party("a", negsim.Position(base, [line]), agent),
            negsim.Party("b", other, agent),
        ]
        told = table_announcements(parties)
        assert told[1]["public_acceptable"].tolist() == expected
        assert "public_acceptable" not in told[0]


def test_complete_information_tells_each_side_the_others_utilities() -> None:
    scenario = negsim.load_scenario("two-issue-trade")
    told = table_announcements(scenario.parties, "complete")
    for i in range(2):
        other = scenario.parties[1 - i].preferences
        assert np.array_equal(told[i]["opponent_utilities"], other.grid_utilities())
        assert told[i]["opponent_reservation"] == other.reservation
    with pytest.raises(negsim.ValidationError, match="information"):
        negsim.AlternatingOffers(information="psychic")


def _w1_cases(n: int) -> list[list[negsim.Party]]:
    space = negsim.OutcomeSpace(
        [negsim.categorical(f"i{k}", [f"o{j}" for j in range(m)]) for k, m in enumerate((5, 5, 4))]
    )
    cases = []
    for seed in range(n):
        models = [
            negsim.LinearAdditive.random(space, rng=2 * seed + j, reservation=0.3) for j in (0, 1)
        ]
        cases.append(models)
    return cases  # type: ignore[return-value]


@pytest.mark.parametrize("information", ["incomplete", "complete"])
def test_joint_search_lands_nearer_the_frontier_than_the_legacy_rules(information: str) -> None:
    """The W1 workload of benchmarks/bench_core.py: Boulware against Conceder, 60 cases."""
    protocol = negsim.AlternatingOffers(n_rounds=100, information=information)
    distance: dict[bool, list[float]] = {False: [], True: []}
    agreed: dict[bool, list[bool]] = {False: [], True: []}
    for models in _w1_cases(60):
        U = negsim.utility_matrix(models)
        for legacy in (False, True):
            parties = [
                negsim.Party("b", models[0], negsim.make_agent("boulware", legacy=legacy)),
                negsim.Party("c", models[1], negsim.make_agent("conceder", legacy=legacy)),
            ]
            result = protocol.run(parties, rng=0)
            agreed[legacy].append(result.agreed)
            if result.agreement is not None:
                distance[legacy].append(analysis.distance_to_frontier(U, U[result.agreement]))
    assert np.mean(agreed[False]) >= np.mean(agreed[True])
    assert np.mean(distance[False]) < np.mean(distance[True])


def test_legacy_rules_stay_reachable_and_every_preset_keeps_its_name() -> None:
    for name in ("boulware", "linear", "conceder", "time-dependent", "opponent-model"):
        assert name in negsim.AGENTS
        assert negsim.make_agent(name, legacy=True).legacy is True
        assert negsim.make_agent(name).legacy is False
    with pytest.raises(negsim.ValidationError, match="legacy"):
        negsim.make_agent("boulware", legacy="yes")
    pie = negsim.load_scenario("split-the-pie")
    old = [negsim.Party(p.name, p.preferences, negsim.make_agent("linear", legacy=True))
           for p in pie.parties]  # fmt: skip
    result = negsim.AlternatingOffers(n_rounds=11).run(old, rng=0)
    # the legacy rule: the least own utility at or above r + (1 - r)(1 - t) on a pie in tenths
    u = old[0].preferences.grid_utilities()
    assert u[int(result.offers[0])] == pytest.approx(1.0)
    assert u[int(result.offers[2])] >= 0.1 + 0.9 * (1 - 0.2) - 1e-12


def test_target_curves_follow_the_schedule_and_time_adds_up() -> None:
    """τ(t) = max(r + (û - r)(1 - t^e), r / φ^t): never below what no deal is worth now."""
    scenario = negsim.load_scenario("kurils-2018-2019")
    curves = target_curves(scenario.protocol, scenario.parties)
    n = scenario.protocol.n_rounds  # type: ignore[attr-defined]
    for party in scenario.parties:
        curve = curves[party.name]
        r = party.preferences.reservation
        phi = party.preferences.discount
        assert curve.shape == (n,)
        assert np.all(curve >= r / phi ** np.arange(n) - 1e-12)
        assert curve[-1] == pytest.approx(max(r, r / phi ** (n - 1)))


@pytest.mark.parametrize("n", [3, 5])
def test_stacked_offers_agree_at_least_as_often_as_the_legacy_rules(n: int) -> None:
    """Stacked alternating offers under unanimity (the multilateral workload of
    benchmarks/bench_core.py): another party's own ask is not taken as acceptable to all."""
    space = negsim.OutcomeSpace(
        [negsim.categorical(f"i{k}", [f"o{j}" for j in range(m)]) for k, m in enumerate((5, 5, 4))]
    )
    rates = {}
    for legacy in (False, True):
        agreed = []
        for seed in range(30):
            parties = [
                negsim.Party(
                    f"p{j}",
                    negsim.LinearAdditive.random(space, rng=100 * seed + j, reservation=0.3),
                    negsim.make_agent("boulware" if j % 2 == 0 else "conceder", legacy=legacy),
                )
                for j in range(n)
            ]
            agreed.append(negsim.AlternatingOffers(n_rounds=100).run(parties, rng=0).agreed)
        rates[legacy] = np.mean(agreed)
    assert rates[False] >= rates[True]


def test_the_plain_python_estimate_is_the_array_estimate() -> None:
    """Small bands are estimated in plain Python, large ones with arrays: the same values."""
    from negsim.agents.time_dependent import _FrequencyModel

    rng = np.random.default_rng(5)
    shape = (5, 3, 4)
    model = _FrequencyModel(shape)
    for outcome in rng.integers(0, 60, size=25).tolist():
        model.add(outcome)
    rows = np.stack(np.unravel_index(np.arange(60), shape), axis=-1)
    assert model.values(rows.tolist()) == pytest.approx(model.estimate(rows).tolist(), abs=1e-12)
