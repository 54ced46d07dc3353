"""Why no deal, and what would have changed it: the diagnosis and the levers (issue 9)."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from cases import two_issues

import negsim
from negsim.cli import main
from negsim.diagnosis import diagnose, funnel, zone_by_round
from negsim.levers import LeverError, evaluate_levers, lever, levers, minimal_change
from negsim.scenario import bundled_scenarios, load_scenario, scenario_from_data


def test_the_funnel_counts_each_filter() -> None:
    # 6 outcomes; the seller's red line removes price=low (2); the zone: seller u > 0.4 and
    # buyer u > 0.3: (mid, yes) s=0.4 no; (mid, no) s=0.6 b=0.3 no; (high, no) s=1.0 b=0;
    # (high, yes) s=0.8 b=0.4 yes -> 1 outcome; the board supports only extra=yes.
    steps = funnel(two_issues())
    assert [(s.label.strip(), s.count) for s in steps] == [
        ("all outcomes", 6),
        ("crossing no red line", 4),
        ("meeting every precondition", 4),
        ("better than no deal for every party", 1),
        ("of those, ratifiable in buyer", 1),
    ]


def test_the_zone_by_round_closes_as_the_closed_form_says() -> None:
    """One outcome with u = 0.5 against r = 0.45 and φ = 0.983 stays while
    t < ln(0.9) / ln(0.983) = 6.14: rounds 0..6."""
    one = scenario_from_data(
        {
            "scenario": {"title": "one"},
            "issues": [{"name": "x", "kind": "categorical", "options": ["a", "b"]}],
            "parties": {
                "p": {"reservation": 0.45, "discount": 0.983, "weights": {"x": 1},
                      "values": {"x": [0.5, 0.0]}},
                "q": {"reservation": 0.0, "weights": {"x": 1}, "values": {"x": [0.5, 1.0]}},
            },
            "protocol": {"n_rounds": 12},
        }
    )  # fmt: skip
    counts = zone_by_round(one)
    bound = math.log(0.45 / 0.5) / math.log(0.983)
    assert counts.tolist() == [1 if t < bound else 0 for t in range(12)]
    run = one.run(0)
    found = diagnose(one, run)
    assert found.zone_closes_after == 6


def test_a_breakdown_is_reported_with_its_probability() -> None:
    s = two_issues(**{"protocol.breakdown_probability": 0.5, "parties.seller.agent": "hardliner",
                      "parties.buyer.agent": "hardliner"})  # fmt: skip
    for seed in range(20):
        run = s.run(seed)
        if run.result.end is negsim.EndReason.BREAKDOWN:
            found = diagnose(s, run)
            assert found.ending.kind == "breakdown"
            last = run.result.n_rounds - 1
            assert f"broke down by chance (50 % a round) after round {last}" in found.ending.text
            assert not found.offers_changed
            assert any("never changed" in line for line in found.lines())
            return
    pytest.fail("no breakdown in 20 seeds at 50 % a round")


def test_no_zone_and_the_binding_constraint_are_named() -> None:
    s = two_issues(**{"parties.seller.reservation": 0.9})
    found = diagnose(s, s.run(0))
    assert found.ending.kind == "no-zone"
    kinds = {(c.party, c.kind) for c in found.binding}
    assert ("seller", "reservation value") in kinds
    assert found.to_dict()["ending"]["kind"] == "no-zone"
    json.dumps(found.to_dict(), allow_nan=False)


def test_failed_ratification_names_each_constituency() -> None:
    s = negsim.load_scenario("kurils-2018-2019")
    rigged = s.with_overrides(
        {
            "parties.japan.ratification.threshold": 0.0,
            "parties.russia.ratification.anticipated": False,  # Level II as a surprise
            "protocol.breakdown_probability": 0.0,
        }
    )
    for seed in range(30):
        run = rigged.run(seed)
        if run.result.agreed and not run.ratified:
            found = diagnose(rigged, run)
            assert found.ending.kind == "ratification-failed"
            assert "Russian public" in found.ending.text
            return
    # no agreement at all is also an honest ending, but then the diagnosis says why
    assert diagnose(rigged, rigged.run(0)).ending.kind in {"no-zone", "zone-closed", "deadline"}


def test_levers_cover_the_scenario_and_leave_it_unchanged() -> None:
    s = two_issues(**{"protocol.breakdown_probability": 0.1})
    before = copy.deepcopy(s.data)
    found, skipped = levers(s)
    names = {lv.name for lv in found}
    assert {
        "no-red-line:seller:0",
        "ease-ratification:buyer",
        "lower-reservation:seller",
        "lower-reservation:buyer",
        "later-deadline",
        "no-breakdown",
        "mediator",
    } <= names
    assert ("ease-ratification:seller", "seller has no ratification (Level II)") in skipped
    report = evaluate_levers(s, seeds=5)
    assert s.data == before
    assert len(report.outcomes) == len(found)
    by_name = {o.lever: o for o in report.outcomes}
    assert by_name["no-red-line:seller:0"].zone >= report.baseline.zone
    # the buyer's board supports only extra=yes: its win-set is the 3 outcomes with it
    assert report.baseline.win_set_overlap == 3
    assert by_name["ease-ratification:buyer"].win_set_overlap >= 3
    json.dumps(report.to_dict(), allow_nan=False)


def test_a_lever_that_names_nothing_lists_the_valid_names() -> None:
    s = two_issues()
    with pytest.raises(LeverError, match=r"valid: .*no-red-line:seller:0"):
        lever(s, "no-red-line:russia:0")
    with pytest.raises(LeverError, match="cannot apply: seller has no ratification"):
        lever(s, "ease-ratification:seller")
    with pytest.raises(LeverError, match="seeds"):
        evaluate_levers(s, seeds=0)


def test_the_smallest_reservation_change_is_found_by_bisection() -> None:
    """The seller's best ratifiable outcome, (high, yes), is worth 0.8: a reservation of 0.9
    needs a cut just over 0.1 to let it in (strictly better than no deal)."""
    s = two_issues(**{"parties.seller.reservation": 0.9})
    amount = minimal_change(s, lever(s, "lower-reservation:seller"))
    assert amount is not None
    assert amount == pytest.approx(0.1, abs=2e-3)
    assert amount > 0.1
    assert minimal_change(two_issues(), lever(two_issues(), "lower-reservation:seller")) == 0.0


def test_levers_respond_on_the_flagship() -> None:
    """Removing Russia's US-forces precondition or the US pressure enlarges the zone; more
    pressure never does (FACTS §6.5: the US linkage lowers Japan's utility of a deal)."""
    s = negsim.load_scenario("kurils-2018-2019")
    report = evaluate_levers(s, seeds=10)
    by_name = {o.lever: o for o in report.outcomes}
    base = report.baseline
    assert by_name["double-pressure:japan:united_states"].zone <= base.zone
    assert by_name["no-pressure:japan:united_states"].zone >= base.zone
    assert all(o.zone >= base.zone for name, o in by_name.items() if name.startswith("no-red"))


def test_negsim_levers_prints_and_writes(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "out"
    code = main(["levers", "kurils-2018-2019", "--seeds", "3", "--out", str(out), "--no-plots"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "baseline (the scenario as written)" in printed
    data = json.loads((out / "levers.json").read_text())
    assert data["seeds"] == 3
    assert main(["levers", "kurils-2018-2019", "--lever", "nope", "--out", str(out)]) == 2
    assert "valid:" in capsys.readouterr().err


def test_negsim_run_explains_itself(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "run"
    assert main(["run", "--out", str(out), "--no-plots", "--lever-seeds", "3"]) == 0
    printed = capsys.readouterr().out
    assert "Why: the funnel" in printed
    assert "How it ended:" in printed
    assert "What would have changed it" in printed
    assert "boulware" in printed.splitlines()[3]
    record = json.loads((out / "result.json").read_text())
    assert record["diagnosis"]["funnel"][0]["outcomes"] == 1728
    assert len(record["levers"]["levers"]) > 5
    assert np.isfinite(record["diagnosis"]["breakdown_probability"])


def test_negotiators_who_know_their_publics_agree_to_nothing_unratifiable() -> None:
    """Kurils 2018-2019 (FACTS §6.3-6.4): the zone at the table is not empty, but no outcome
    in it would pass in Russia; negotiators who know their win-sets sign none, and easing
    the binding constraint makes the runs agree and ratify."""
    s = negsim.load_scenario("kurils-2018-2019").with_overrides(
        {"protocol.breakdown_probability": 0.0}
    )
    run = s.run(0)
    found = diagnose(s, run)
    assert not run.result.agreed
    assert found.ending.kind == "no-ratifiable-deal"
    assert found.holdouts == ("Russia",)
    assert any("held to its opening demand" in line for line in found.lines())
    eased = s.with_overrides({"parties.russia.ratification.threshold": 0.15})
    assert eased.run(0).deal
    surprised = s.with_overrides({"parties.russia.ratification.anticipated": False})
    outcome = surprised.run(0)
    assert outcome.result.agreed
    assert not outcome.deal


def test_seed_counts_and_lever_names_are_checked_before_anything_runs(
    tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "out"
    for argv in (["run", "--lever-seeds", "-3"], ["levers", "--seeds", "1000000000"]):
        with pytest.raises(SystemExit) as stop:  # argparse: usage and one line, exit 2
            main([*argv, "--out", str(out)])
        assert stop.value.code == 2
        assert "from 0 to 10,000" in capsys.readouterr().err
    assert main(["levers", "--lever", "nope", "--out", str(out)]) == 2
    assert capsys.readouterr().err.count("valid:") == 1
    assert not out.exists()
    with pytest.raises(LeverError, match="from 1 to 10,000"):
        evaluate_levers(two_issues(), seeds=10_001)


def test_a_lever_label_quotes_its_reason_whole_or_cut_at_a_word() -> None:
    """The reason in a red line's or precondition's lever label: the text before its source,
    its first clause when that is too long, else cut at a word with an ellipsis (never in a
    word, never ending in a colon)."""
    from negsim.levers import _short_reason

    assert _short_reason("the same recognition, by sequencing (Asahi, Jan 2019)") == (
        "the same recognition, by sequencing"
    )
    long_clause = "leaving the US alliance was never on the table: Japan rejected it (FACTS)"
    assert _short_reason(long_clause) == "leaving the US alliance was never on the table"
    words = "80 % of Japanese reject recognising Russian sovereignty over all four (Asahi)"
    assert _short_reason(words) == "80 % of Japanese reject recognising Russian…"
    assert _short_reason("x" * 60) == "x" * 47 + "…"
    assert _short_reason("") == ""
    for scenario in bundled_scenarios():
        for found in levers(load_scenario(scenario))[0]:
            if "red line" not in found.label and "precondition" not in found.label:
                continue
            assert not found.label.endswith(": )"), found.label
            assert len(found.label) < 80, found.label
