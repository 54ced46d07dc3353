"""The mediated single negotiating text (Raiffa 1982, ch. 14)."""

from __future__ import annotations

import attrs
import numpy as np
import pytest

import negsim
from negsim.results import MEDIATOR


def test_a_neutral_mediator_opens_between_the_parties_and_reaches_the_logroll() -> None:
    pie = negsim.load_scenario("split-the-pie").with_overrides(
        {"parties.first.agent": "linear", "parties.second.agent": "linear"}
    )
    neutral = negsim.SingleText(n_rounds=40).run(pie.parties, rng=0)
    assert int(neutral.offers[0]) == 5  # the mean of 10 and 0
    assert set(neutral.proposers.tolist()) == {MEDIATOR}
    assert neutral.agreed
    biased = negsim.SingleText(n_rounds=40, bias=(3, 1)).run(pie.parties, rng=0)
    assert int(biased.offers[0]) == 8  # (3 * 10 + 1 * 0) / 4 = 7.5, rounded up
    trade = negsim.load_scenario("two-issue-trade")
    result = negsim.SingleText(n_rounds=40).run(trade.parties, rng=0)
    assert result.agreement_labels == {"price": "high", "delivery": "fast"}  # Raiffa's logroll


def test_texts_move_one_step_at_a_time() -> None:
    pie = negsim.load_scenario("split-the-pie")
    result = negsim.SingleText(n_rounds=40).run(pie.parties, rng=0)
    steps = abs(result.offers[1:] - result.offers[:-1])
    assert (steps <= 1).all()


def test_when_every_change_asked_for_was_rejected_the_oldest_draft_comes_back() -> None:
    """Two critics ask for b, one for c, and both texts were rejected before: b in round 4,
    c in round 1. The mediator brings back c, the stalest rejection, not b, the heaviest
    change (which, with critics asking in turn, bounces the text between the drafts
    rejected last)."""
    from negsim.protocols.single_text import _revise

    space = negsim.OutcomeSpace([negsim.categorical("x", ["a", "b", "c"])])
    text, b, c = (space.outcome_at(k) for k in (0, 1, 2))
    tabled = {0: 5, 1: 4, 2: 1}  # outcome index -> the last round it was tabled
    revised = _revise(space, text, {0: b, 1: b, 2: c}, np.ones(3), tabled)
    assert revised.tolist() == c.tolist()
    fresh = _revise(space, text, {0: b, 1: b, 2: c}, np.ones(3), {0: 5, 2: 1})
    assert fresh.tolist() == b.tolist()  # a change not yet rejected is made first


def test_the_mediator_finds_the_deal_in_the_2016_talks() -> None:
    """Sochi to Nagato under the mediator (24 drafts): 4 outcomes are better than no deal
    for both, and the Nash text (0.411 to Japan, 0.858 to Russia) is one. Japan rejects it
    when first tabled (its demand is still higher); the mediator brings it back once every
    change asked for is a draft rejected since, and both sign. Before, it bounced between
    the two drafts rejected last (Japan 0.401 / Russia 0.709, Japan 0.354 / Russia 0.843)
    to the deadline."""
    scenario = negsim.load_scenario("kurils-2016").with_overrides({"protocol.kind": "single-text"})
    found = scenario.analyse().bargaining
    assert found.zone.size == 4
    run = scenario.run()
    result = run.result
    assert run.deal
    assert result.agreement_labels == {
        "territory": "status_quo_talks_continue",
        "joint_activities": "special_framework",
        "economic_plan": "eight_point_plan",
        "former_resident_visits": "eased",
    }
    assert result.agreement == found.nash
    assert result.final_utilities.round(3).tolist() == [0.411, 0.858]
    first = result.offers.tolist().index(result.agreement)
    assert first < result.agreement_round
    assert result.accepted[first].tolist() == [False, True]  # Japan, not yet


def test_single_text_results_export_the_mediator() -> None:
    pie = negsim.load_scenario("split-the-pie")
    result = negsim.SingleText(n_rounds=10).run(pie.parties, rng=0)
    data = result.to_dict()
    assert data["rounds"][0]["proposer"] == "mediator"
    assert negsim.NegotiationResult.from_json(result.to_json()) == result
    assert result.to_csv().splitlines()[1].split(",")[1] == "mediator"


def test_bad_bias() -> None:
    pie = negsim.load_scenario("split-the-pie")
    with pytest.raises(negsim.ValidationError, match="bias"):
        negsim.SingleText(bias=(1, -1))
    with pytest.raises(negsim.ValidationError, match="bias"):
        negsim.SingleText(bias=(1, 1, 1)).run(pie.parties)
    with pytest.raises(negsim.ValidationError, match="bias"):
        negsim.SingleText(bias=(0, 0)).run(pie.parties)


def test_nash_demand_game() -> None:
    # Nash (1953): compatible demands are met, incompatible ones end in disagreement.
    pie = negsim.load_scenario("split-the-pie")
    hardliners = pie.with_overrides(
        {"parties.first.agent": "hardliner", "parties.second.agent": "hardliner"}
    )
    greedy = negsim.NashDemand().run(hardliners.parties, rng=0)  # both demand everything
    assert greedy.end is negsim.EndReason.BREAKDOWN
    assert greedy.final_utilities.tolist() == greedy.reservations.tolist()
    # one shot is also the last round: time-dependent agents demand their reservation value
    assert negsim.NashDemand().run(pie.parties, rng=0).agreed
    space = pie.space
    first, second = (p.preferences for p in pie.parties)

    @attrs.frozen
    class Asks(negsim.Agent):
        name = "asks"
        share: int = 4

        def propose(self, obs: negsim.Observation) -> int:
            return self.share

        def respond(self, obs: negsim.Observation, offer: int) -> bool:
            return True

    compatible = negsim.NashDemand().run(
        [negsim.Party("first", first, Asks(3)), negsim.Party("second", second, Asks(6))], rng=0
    )
    assert compatible.agreed
    assert int(compatible.proposers[-1]) == MEDIATOR
    assert compatible.agreement is not None
    labels = space.labels(space.outcome_at(compatible.agreement))
    assert 3 <= int(labels["first_share"]) <= 4  # gives first >= 0.3 and second >= 0.4
