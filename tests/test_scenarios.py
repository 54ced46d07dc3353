"""Bundled scenarios: they load, run deterministically (golden transcripts) and behave as
the sources say."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import negsim
from negsim.report import format_run

GOLDEN = Path(__file__).parent / "golden"
BUNDLED = list(negsim.bundled_scenarios())
UPDATE = os.environ.get("NEGSIM_UPDATE_GOLDEN") == "1"


def test_the_package_ships_its_scenarios() -> None:
    # tests import the installed package: this checks the wheel carries the files
    assert {"kurils-1956", "kurils-2016", "kurils-2018-2019", "kurils-2020-2022"} <= set(BUNDLED)
    assert {"split-the-pie", "two-issue-trade"} <= set(BUNDLED)


@pytest.mark.parametrize("name", BUNDLED)
def test_scenario_matches_its_golden_transcript(name: str) -> None:
    """A readable seeded transcript per scenario, regenerated and diffed. Refreshing is a
    deliberate act: ``NEGSIM_UPDATE_GOLDEN=1 pytest tests/test_scenarios.py``."""
    scenario = negsim.load_scenario(name)
    transcript = format_run(scenario, scenario.run()) + "\n"
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        path.write_text(transcript, encoding="utf-8")
    assert path.exists(), f"no golden transcript for {name}: run with NEGSIM_UPDATE_GOLDEN=1"
    assert transcript == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", BUNDLED)
def test_scenario_runs_the_same_twice_and_cites_sources(name: str) -> None:
    scenario = negsim.load_scenario(name)
    first, second = scenario.run(), scenario.run()
    assert first.result == second.result
    assert first.votes == second.votes
    assert scenario.sources
    assert scenario.seed is not None
    assert first.result.seed == scenario.seed


def test_every_kurils_number_that_encodes_a_position_is_cited() -> None:
    """Lines that set weights, values, reservations, discounts, pressures or poll shares in
    the Kurils files carry a citation or a [J] label, on the line or in the block above."""
    keys = ("weights", "reservation", "discount", "pressures", "shares", "values")
    for name in BUNDLED:
        if not name.startswith("kurils"):
            continue
        lines = negsim.bundled_scenarios()[name].read_text(encoding="utf-8").splitlines()
        for i, line in enumerate(lines):
            if line.lstrip().startswith(keys) or (
                line.startswith("[parties.") and "values" in line
            ):
                context = " ".join(lines[max(0, i - 6) : i + 1])
                assert "#" in context, f"{name}:{i + 1} has no citation: {line}"


def test_2020_2022_win_sets_do_not_overlap() -> None:
    found = negsim.load_scenario("kurils-2020-2022").analyse()
    assert found.win_set_overlap is not None
    assert found.win_set_overlap.size == 0
    assert all(w is not None and w.size > 0 for w in found.win_sets)
    assert found.bargaining.zone.size == 0  # FACTS §6.3: "no zone of possible agreement"


def test_2018_2019_has_a_zone_but_no_ratifiable_deal() -> None:
    # FACTS §6.3: the reservation sets overlap at Level I; Level II filters remove it all.
    found = negsim.load_scenario("kurils-2018-2019").analyse()
    assert found.bargaining.zone.size > 0
    assert found.win_set_overlap is not None
    assert np.intersect1d(found.bargaining.zone, found.win_set_overlap).size == 0


def test_the_1956_and_2016_solutions_are_what_was_signed() -> None:
    scenario = negsim.load_scenario("kurils-1956")
    nash = scenario.analyse().bargaining.nash
    assert nash is not None
    assert scenario.space.labels(scenario.space.outcome_at(nash)) == {
        "habomai_shikotan": "transfer_after_peace_treaty",  # Art. 9 of the Joint Declaration
        "kunashiri_etorofu": "left_open",
        "document": "joint_declaration",
    }
    scenario = negsim.load_scenario("kurils-2016")
    nash = scenario.analyse().bargaining.nash
    assert nash is not None
    labels = scenario.space.labels(scenario.space.outcome_at(nash))
    assert labels["territory"] == "status_quo_talks_continue"  # "we don't trade in territories"
    assert labels["joint_activities"] == "special_framework"  # Nagato, Dec 2016
    assert labels["economic_plan"] == "eight_point_plan"  # Sochi, May 2016


@pytest.mark.parametrize("name", ["kurils-1956", "kurils-2018-2019"])
def test_raising_us_pressure_never_raises_japans_utility(name: str) -> None:
    scenario = negsim.load_scenario(name)
    grid = scenario.space.grid()
    displeasure = next(
        p.displeasure
        for p in scenario.parties[0].preferences.pressures  # type: ignore[attr-defined]
    ).utility(grid)
    previous = None
    for intensity in np.linspace(0, 1, 11):
        variant = scenario.with_overrides({"parties.japan.pressures.united_states": intensity})
        u = variant.parties[0].preferences.utility(grid)
        if previous is not None:
            finite = np.isfinite(u)
            penalised = finite & (displeasure > 0)
            assert (u[penalised] < previous[penalised]).all()
            assert (u[finite & ~penalised] == previous[finite & ~penalised]).all()
        previous = u


def test_the_textbook_cases() -> None:
    pie = negsim.load_scenario("split-the-pie").analyse()
    assert pie.bargaining.nash is not None
    assert pie.U[pie.bargaining.nash].tolist() == [0.5, 0.5]  # equal split (Nash 1950)
    trade = negsim.load_scenario("two-issue-trade")
    found = trade.analyse()
    assert found.bargaining.nash is not None
    # the logroll: each side gets the issue it cares about most (Raiffa 1982)
    assert trade.space.labels(trade.space.outcome_at(found.bargaining.nash)) == {
        "price": "high",
        "delivery": "fast",
    }
