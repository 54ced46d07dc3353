"""Short text views and notebook views (HTML, PNG) of the core results (negsim.display)."""

from __future__ import annotations

import base64
from typing import Any

import pytest

import negsim
from negsim.display import MAX_REPR
from negsim.levers import evaluate_levers
from negsim.sweep import run_sweep


@pytest.fixture(scope="module")
def views() -> dict[str, Any]:
    """One of each core result, from the flagship (its run ends without a deal)."""
    scenario = negsim.load_scenario("kurils-2018-2019")
    run = scenario.run()
    found = scenario.analyse()
    return {
        "Scenario": scenario,
        "ScenarioRun": run,
        "NegotiationResult": run.result,
        "ScenarioAnalysis": found,
        "BargainingAnalysis": found.bargaining,
        "Diagnosis": negsim.diagnose(scenario, run),
        "LeverReport": evaluate_levers(scenario, ["no-red-line:russia:1"], seeds=2, rng=1),
        "SweepResult": run_sweep(
            scenario, [("parties.russia.reservation", [0.2, 0.4])], n_seeds=1, rng=1
        ),
    }


NAMES = [
    "Scenario",
    "ScenarioRun",
    "NegotiationResult",
    "ScenarioAnalysis",
    "BargainingAnalysis",
    "Diagnosis",
    "LeverReport",
    "SweepResult",
]


@pytest.mark.parametrize("name", NAMES)
def test_the_repr_is_one_short_line_that_names_the_class(views: dict[str, Any], name: str) -> None:
    text = repr(views[name])
    assert text.startswith(f"{name}(")
    assert len(text) <= MAX_REPR
    assert "\n" not in text
    assert "array(" not in text  # headline figures, never arrays


@pytest.mark.parametrize("name", NAMES)
def test_the_html_is_a_table(views: dict[str, Any], name: str) -> None:
    page = views[name]._repr_html_()
    assert page.count("<table>") >= 1
    assert page.count("<table>") == page.count("</table>")


def test_the_views_hold_the_headline_figures(views: dict[str, Any]) -> None:
    result = views["NegotiationResult"]
    assert f"end='{result.end.value}'" in repr(result)
    assert f"seed={result.seed}" in repr(result)
    assert "<td>Japan</td>" in result._repr_html_()
    assert "deal=False" in repr(views["ScenarioRun"])
    assert (
        "breakdown after 8 rounds (seed 2018), no ratified deal"
        in views["ScenarioRun"]._repr_html_()
    )
    found = views["ScenarioAnalysis"]
    assert f"nash={found.bargaining.nash}" in repr(found)
    assert "funnel=(1728, 324, 36, 11" in repr(views["Diagnosis"])
    assert "Russia: ratification at home" in repr(views["Diagnosis"])
    assert "outcomes=1728" in repr(views["Scenario"])
    assert "points=2" in repr(views["SweepResult"])
    assert "<th>deal rate</th>" in views["LeverReport"]._repr_html_()


@pytest.mark.parametrize("name", ["Diagnosis", "LeverReport", "SweepResult"])
def test_a_picture_where_one_helps(views: dict[str, Any], name: str) -> None:
    view = views[name]
    png = view._repr_png_()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 5_000
    assert '<img src="data:image/png;base64,' in view._repr_html_()
    # IPython takes all three from the bundle: the picture is drawn once, shown under the table
    bundle = view._repr_mimebundle_()
    assert bundle["text/plain"] == repr(view)
    assert bundle["text/html"].startswith("<table>")
    assert base64.b64decode(bundle["image/png"]).startswith(b"\x89PNG")
    assert f"base64,{bundle['image/png']}" in bundle["text/html"]
