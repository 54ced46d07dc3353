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


def test_a_draft_only_the_other_side_rejected_comes_back() -> None:
    # A (Boulware, reservation 0.1) signs only its best text (a, c) until late; B (Conceder,
    # reservation 0.7) signs (b, c), worth 0.7 to A, from the start. Each text is rejected by
    # the other side only, so the mediator may table each again, and does, until A signs
    # (b, c). When every rejected draft was barred, it wandered off to texts both reject and
    # ran to the deadline with no deal although (b, c) is in the zone.
    space = negsim.OutcomeSpace(
        [negsim.categorical("x", ["a", "b", "c"]), negsim.categorical("y", ["a", "b", "c"])]
    )

    def position(w: float, x: list[float], y: list[float], r: float) -> negsim.Position:
        model = negsim.LinearAdditive.from_tables(
            space, {"x": w, "y": 1 - w}, {"x": x, "y": y}, reservation=r
        )
        return negsim.Position(model, discount=0.99)

    a = position(1 / 3, [1.0, 0.1, 0.0], [0.6, 0.0, 1.0], 0.1)
    b = position(0.93, [0.0, 1.0, 0.66], [0.7, 0.0, 1.0], 0.7)
    parties = [
        negsim.Party("A", a, negsim.make_agent("boulware")),
        negsim.Party("B", b, negsim.make_agent("conceder")),
    ]
    result = negsim.SingleText(n_rounds=20).run(parties, rng=0)
    texts = [space.labels(space.outcome_at(int(o))) for o in result.offers]
    assert texts[0] == {"x": "a", "y": "c"}
    assert texts[1] == {"x": "b", "y": "c"}
    assert result.agreed
    assert result.agreement_labels == {"x": "b", "y": "c"}
    assert result.agreement_round == 15
    for t in range(15):  # every text before was signed by one side and rejected by the other
        assert sorted(result.accepted[t].tolist()) == [False, True]


def test_the_mediator_finds_the_deal_in_the_2016_talks() -> None:
    """Sochi to Nagato under the mediator: 4 outcomes are better than no deal for both. The
    text both sign (round 22) was rejected by both when first tabled (round 1) and by Russia
    in round 20, when Japan had come to accept it; it comes back because only Russia had
    rejected it and Russia accepts the text in between. Before the no-return rule barred
    only a draft the present critics rejected, the run ended on another text of the zone
    (the Nash text, round 21); before the oldest-draft fallback, it bounced to the deadline
    between two drafts outside the zone."""
    scenario = negsim.load_scenario("kurils-2016").with_overrides({"protocol.kind": "single-text"})
    found = scenario.analyse().bargaining
    assert found.zone.size == 4
    run = scenario.run()
    result = run.result
    assert run.deal  # agreed and ratified
    assert result.agreement in found.zone.tolist()
    assert result.agreement_labels == {
        "territory": "status_quo_talks_continue",
        "joint_activities": "special_framework",
        "economic_plan": "none",
        "former_resident_visits": "current_regime",
    }
    assert result.agreement_round == 22
    tabled = [k for k, o in enumerate(result.offers.tolist()) if o == result.agreement]
    assert tabled == [1, 5, 20, 22]
    assert result.accepted[20].tolist() == [True, False]  # Japan, not yet Russia
    assert result.accepted[21].tolist() == [False, True]  # the text Russia accepts between


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
