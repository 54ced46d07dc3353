"""The text reports (negsim.report): the rarely taken branches of a run's transcript and
of ``negsim analyze``, on a small two-issue scenario built in the test."""

from __future__ import annotations

import copy
from typing import Any

import negsim
from negsim.report import format_result, format_run, format_scenario_analysis
from negsim.scenario import scenario_from_data

BASE: dict[str, Any] = {
    "scenario": {"title": "Two issues", "seed": 3},
    "issues": [
        {"name": "price", "kind": "ordered", "options": ["low", "mid", "high"]},
        {"name": "extra", "kind": "categorical", "options": ["no", "yes"]},
    ],
    "parties": {
        "seller": {
            "reservation": 0.4,
            "weights": {"price": 0.8, "extra": 0.2},
            "values": {"price": [0.0, 0.5, 1.0], "extra": [1.0, 0.0]},
        },
        "buyer": {
            "reservation": 0.3,
            "weights": {"price": 0.6, "extra": 0.4},
            "values": {"price": [1.0, 0.5, 0.0], "extra": [0.0, 1.0]},
            "ratification": {
                "threshold": 0.5,
                "constituencies": [
                    {"name": "board", "kind": "poll", "shares": {"extra": {"no": 0.2}}}
                ],
            },
        },
    },
    "protocol": {"kind": "alternating-offers", "n_rounds": 10, "opener": "seller"},
}


def scenario(**changes: Any) -> negsim.Scenario:
    built = scenario_from_data(copy.deepcopy(BASE))
    return built.with_overrides(changes) if changes else built


def test_a_ratified_deal_lists_each_constituencys_support() -> None:
    s = scenario()
    text = format_run(s, s.run())
    assert "Ratification at home (Level II):" in text
    assert "  buyer: support 1.00 -> ratifies" in text
    assert "    board (weight 1): 1.00" in text
    assert text.endswith("Outcome: a deal, agreed and ratified.")


def test_an_agreement_that_fails_ratification_is_no_deal() -> None:
    # a Zeuthen buyer concedes by risk, blind to its board, which now backs only extra=no
    # (share 0.2 for yes) against a threshold of 0.99
    board = [{"name": "board", "kind": "poll", "shares": {"extra": {"yes": 0.2}}}]
    s = scenario(
        **{
            "parties.buyer.agent": "zeuthen",
            "parties.buyer.ratification.threshold": 0.99,
            "parties.buyer.ratification.constituencies": board,
        }
    )
    run = s.run()
    assert run.result.agreed
    assert not run.deal
    text = format_run(s, run)
    assert "-> rejects" in text
    assert text.endswith(
        "Outcome: no deal. The agreement failed ratification; each party keeps "
        "its reservation value."
    )


def test_two_hardliners_repeat_their_openings_to_the_deadline() -> None:
    s = scenario(**{"parties.seller.agent": "hardliner", "parties.buyer.agent": "hardliner"})
    text = format_run(s, s.run())
    assert "No agreement: the deadline passed after 10 rounds." in text
    assert "The offers never changed: each side repeated its opening demand." in text
    assert text.endswith("Outcome: no deal.")


def test_a_result_without_a_title_starts_with_the_rules() -> None:
    result = scenario().run().result
    untitled = format_result(result)
    assert untitled.startswith("alternating-offers: 10 rounds, seller opens")
    titled = format_result(result, "Run A")
    assert titled.startswith("Run A\n=====\nalternating-offers:")


def test_the_analysis_names_the_period_and_skips_win_sets_without_ratification() -> None:
    s = scenario(**{"scenario.period": "1990s", "parties.buyer.ratification": None})
    text = format_scenario_analysis(s)
    assert text.splitlines()[2] == "Period: 1990s"
    assert "Win-sets" not in text
    assert "it stays open to the deadline." in text


def test_a_zone_empty_from_the_start_is_reported_so() -> None:
    # reservations above every outcome's utility: no outcome is in the zone in round 0
    s = scenario(**{"parties.seller.reservation": 0.99, "parties.buyer.reservation": 0.99})
    text = format_scenario_analysis(s)
    assert "(round 0: 0, round 9: 0): it is empty from the start." in text


def test_a_zone_that_closes_under_discounting_names_the_round() -> None:
    # (high, yes) gives the buyer 0.4 against 0.3: with discount 0.9 it stays while
    # 0.4 * 0.9**t > 0.3, i.e. t < ln(0.75) / ln(0.9) = 2.73: rounds 0..2
    s = scenario(**{"parties.buyer.discount": 0.9})
    text = format_scenario_analysis(s)
    assert "it is empty after round 2." in text


def test_single_text_rules_without_a_label_are_shown_as_key_and_value() -> None:
    result = scenario(**{"protocol": {"kind": "single-text", "n_rounds": 5}}).run().result
    first = format_result(result).splitlines()[0]
    assert first == "single-text: 5 rounds, bias=None, common discount 1.0; seed 3"
