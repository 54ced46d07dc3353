"""The text reports (negsim.report): the rarely taken branches of a run's transcript and
of ``negsim analyze``, on the small two-issue scenario of tests/cases.py."""

from __future__ import annotations

from cases import two_issues

from negsim.report import format_result, format_run, format_scenario_analysis


def test_a_ratified_deal_lists_each_constituencys_support() -> None:
    s = two_issues()
    text = format_run(s, s.run())
    assert "Ratification at home (Level II):" in text
    assert "  buyer: support 1.00 -> ratifies" in text
    assert "    board (weight 1): 1.00" in text
    assert text.endswith("Outcome: a deal, agreed and ratified.")


def test_an_agreement_that_fails_ratification_is_no_deal() -> None:
    # a Zeuthen buyer concedes by risk, blind to its board, which now backs only extra=no
    # (share 0.2 for yes) against a threshold of 0.99
    board = [{"name": "board", "kind": "poll", "shares": {"extra": {"yes": 0.2}}}]
    s = two_issues(
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
    s = two_issues(**{"parties.seller.agent": "hardliner", "parties.buyer.agent": "hardliner"})
    text = format_run(s, s.run())
    assert "No agreement: the deadline passed after 10 rounds." in text
    assert "The offers never changed: each side repeated its opening demand." in text
    assert text.endswith("Outcome: no deal.")


def test_a_result_without_a_title_starts_with_the_rules() -> None:
    result = two_issues().run().result
    untitled = format_result(result)
    assert untitled.startswith("alternating-offers: 10 rounds, seller opens")
    titled = format_result(result, "Run A")
    assert titled.startswith("Run A\n=====\nalternating-offers:")


def test_the_analysis_names_the_period_and_skips_win_sets_without_ratification() -> None:
    s = two_issues(**{"scenario.period": "1990s", "parties.buyer.ratification": None})
    text = format_scenario_analysis(s)
    assert text.splitlines()[2] == "Period: 1990s"
    assert "Win-sets" not in text
    assert "it stays open to the deadline." in text


def test_a_zone_empty_from_the_start_is_reported_so() -> None:
    # reservations above every outcome's utility: no outcome is in the zone in round 0
    s = two_issues(**{"parties.seller.reservation": 0.99, "parties.buyer.reservation": 0.99})
    text = format_scenario_analysis(s)
    assert "(round 0: 0, round 9: 0): it is empty from the start." in text


def test_a_zone_that_closes_under_discounting_names_the_round() -> None:
    # (high, yes) gives the buyer 0.4 against 0.3: with discount 0.9 it stays while
    # 0.4 * 0.9**t > 0.3, i.e. t < ln(0.75) / ln(0.9) = 2.73: rounds 0..2
    s = two_issues(**{"parties.buyer.discount": 0.9})
    text = format_scenario_analysis(s)
    assert "it is empty after round 2." in text


def test_single_text_rules_without_a_label_are_shown_as_key_and_value() -> None:
    result = two_issues(**{"protocol": {"kind": "single-text", "n_rounds": 5}}).run().result
    first = format_result(result).splitlines()[0]
    assert first == "single-text: 5 rounds, bias=None, common discount 1.0; seed 3"
