"""Scenario files: the schema, validation that reports every problem, overrides."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

import negsim
from negsim.scenario import ScenarioError, load_scenario, parse_override, scenario_from_data
from negsim.scenario.paths import set_path
from negsim.scenario.reader import Problem, Reader, join_path
from negsim.scenario.reference import BEGIN, END, generated, update

GOOD = """
[scenario]
title = "Islands"
seed = 4

[[issues]]
name = "islands"
options = ["none", "two", "four"]

[[issues]]
name = "treaty"
kind = "ordered"
options = ["no", "yes"]

[third_parties.ally]
weights = { treaty = 1.0 }
values = { treaty = [0.0, 1.0] }

[parties.claimant]
label = "Claimant"
agent = { kind = "time-dependent", exponent = 2.0 }
reservation = 0.2
discount = 0.99
weights = { islands = 0.6, treaty = 0.4 }
values = { islands = { none = 0.0, two = 0.6, four = 1.0 }, treaty = "increasing" }
pressures = { ally = 0.5 }
red_lines = [{ issue = "islands", option = "none" }]
[[parties.claimant.preconditions]]
when = { issue = "treaty", at_least = "yes" }
requires = { any = [{ issue = "islands", options = ["two", "four"] }] }

[parties.holder]
reservation = 0.2
weights = { islands = 0.7, treaty = 0.3 }
values = { islands = [1.0, 0.5, 0.0], treaty = [0.0, 1.0] }
red_lines = [{ not = { issue = "islands", options = ["none", "two"] } }]

[parties.holder.ratification]
threshold = 0.5
vetoes = [{ all = [{ issue = "islands", option = "four" }, { issue = "treaty", option = "yes" }] }]

[[parties.holder.ratification.constituencies]]
name = "public"
kind = "poll"
weight = 0.7
shares = { islands = { two = 0.4 } }

[[parties.holder.ratification.constituencies]]
name = "elite"
kind = "ideal-point"
weight = 0.3
ideal = { islands = "none" }
weights = { islands = 1.0 }
tolerance = 1.0

[protocol]
n_rounds = 12
opener = "holder"

[[sweeps]]
param = "parties.claimant.reservation"
start = 0.0
stop = 0.5
steps = 3

[plots]
kinds = ["outcome-space"]
format = "svg"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_a_full_scenario_loads(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, GOOD))
    assert scenario.title == "Islands"
    assert scenario.keys == ("claimant", "holder")
    assert scenario.names == ("Claimant", "holder")
    assert scenario.protocol.parameters()["opener"] == 1
    claimant = scenario.parties[0].preferences
    assert isinstance(claimant, negsim.Position)
    assert claimant.discount == 0.99
    assert claimant.pressures[0].source == "ally"
    assert scenario.parties[0].agent == negsim.TimeDependent(2.0)
    assert scenario.ratifications[0] is None
    assert scenario.ratifications[1] is not None
    assert scenario.plots == {"kinds": ["outcome-space"], "format": "svg"}
    run = scenario.run()
    assert run.result.seed == 4
    analysis = scenario.analyse()
    assert analysis.U.shape == (6, 2)
    assert analysis.win_sets[0] is None


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    bad = GOOD.replace('title = "Islands"', 'titel = "Islands"')
    bad = bad.replace('agent = { kind = "time-dependent", exponent = 2.0 }', 'agent = "bouleware"')
    bad = bad.replace("four = 1.0 }", "fuor = 1.0 }")
    bad = bad.replace("pressures = { ally = 0.5 }", "pressures = { aly = 0.5 }")
    bad = bad.replace('opener = "holder"', 'opener = "holdr"')
    bad = bad.replace('format = "svg"', 'format = "gif"')
    bad = bad.replace('kind = "poll"', 'kind = "pol"')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_write(tmp_path, bad))
    error = caught.value
    paths = [p.path for p in error.problems]
    assert "scenario.titel" in paths
    assert "scenario.title" in paths
    assert "parties.claimant.agent" in paths
    assert "parties.claimant.values.islands.fuor" in paths
    assert "parties.claimant.pressures.aly" in paths
    assert "protocol.opener" in paths
    assert "plots.format" in paths
    assert "parties.holder.ratification.constituencies[0].kind" in paths
    text = str(error)
    assert "case.toml: scenario.titel: unknown key; did you mean 'title'?" in text
    assert "did you mean 'boulware'" in text
    assert "did you mean 'four'" in text
    assert "did you mean 'holder'" in text


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            ('[[issues]]\nname = "islands"', '[[issues]]\nname = "islands"\nkind = "boolean"'),
            "issues.islands.kind",
            "no issue kind",
        ),
        (
            (
                "weights = { islands = 0.6, treaty = 0.4 }",
                "weights = { islands = 0.6, treaty = 0.3 }",
            ),
            "parties.claimant.weights",
            "sum",
        ),
        (
            ("reservation = 0.2\ndiscount", 'reservation = "low"\ndiscount'),
            "parties.claimant.reservation",
            "a number",
        ),
        (("discount = 0.99", "discount = 0"), "parties.claimant.discount", "(0, 1]"),
        (
            ('{ issue = "islands", option = "none" }', '{ issue = "islans", option = "none" }'),
            "parties.claimant.red_lines[0]",
            "did you mean 'islands'",
        ),
        (
            ('{ issue = "islands", option = "none" }', '{ option = "none" }'),
            "parties.claimant.red_lines[0]",
            "exactly one",
        ),
        (
            ("tolerance = 1.0", "tolerance = 1.0\ncolour = 1"),
            "constituencies[1].colour",
            "unknown key",
        ),
        (("n_rounds = 12", "n_rounds = 0"), "protocol.n_rounds", "n_rounds"),
        (
            ('kinds = ["outcome-space"]', 'kinds = ["outcome-spaces"]'),
            "plots.kinds[0]",
            "did you mean",
        ),
        (("steps = 3", "step = 3"), "sweeps[0].step", "unknown key"),
    ],
)
def test_single_problems_name_the_key_path(
    tmp_path: Path, change: tuple[str, str], path: str, message: str
) -> None:
    assert change[0] in GOOD
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_write(tmp_path, GOOD.replace(change[0], change[1], 1)))
    matching = [p for p in caught.value.problems if path in p.path]
    assert matching, caught.value
    assert any(message in p.format("f") for p in matching), caught.value


def test_not_toml_missing_file_and_bundled_name(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="not valid TOML"):
        load_scenario(_write(tmp_path, "[scenario\ntitle = 1"))
    with pytest.raises(ScenarioError, match="did you mean 'kurils-2016'"):
        load_scenario("kurils-2061")
    with pytest.raises(ScenarioError, match="at least two parties"):
        scenario_from_data(
            {"scenario": {"title": "x"}, "issues": [{"name": "a", "options": ["x"]}], "parties": {}}
        )
    with pytest.raises(ScenarioError, match="no issues"):
        scenario_from_data({"scenario": {"title": "x"}, "issues": [], "parties": {}})


def test_a_folder_named_like_a_bundled_scenario_does_not_shadow_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "split-the-pie").mkdir()  # e.g. an output folder of an earlier run
    assert load_scenario("split-the-pie").title == "Split the pie"
    (tmp_path / "folder").mkdir()
    with pytest.raises(ScenarioError, match="not a file"):
        load_scenario("folder")


def test_files_are_data_not_code(tmp_path: Path) -> None:
    # a string that looks like code stays a string, and is refused where a value is expected
    sneaky = GOOD.replace(
        "reservation = 0.2\ndiscount",
        "reservation = \"__import__('os').system('false')\"\ndiscount",
    )
    with pytest.raises(ScenarioError, match="a number"):
        load_scenario(_write(tmp_path, sneaky))


def test_overrides_revalidate(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, GOOD))
    changed = scenario.with_overrides({"parties.claimant.reservation": 0.5, "protocol.n_rounds": 4})
    assert changed.parties[0].preferences.reservation == 0.5
    assert changed.protocol.parameters()["n_rounds"] == 4
    by_name = scenario.with_overrides({"issues.treaty.options": ["never", "yes"]})
    assert by_name.space.issue("treaty").options == ("never", "yes")
    with pytest.raises(ScenarioError, match=r"parties\.holder\.values\.treaty: 2 values"):
        scenario.with_overrides({"issues.treaty.options": ["no", "maybe", "yes"]})
    by_index = scenario.with_overrides({"issues.0.name": "islands"})
    assert by_index.space == scenario.space
    with pytest.raises(ScenarioError, match="did you mean 'boulware'"):
        scenario.with_overrides({"parties.holder.agent": "bouleware"})
    with pytest.raises(ScenarioError, match="did you mean 'parties'"):
        scenario.with_overrides({"partys.holder.agent": "boulware"})
    with pytest.raises(ScenarioError, match="no such item"):
        scenario.with_overrides({"issues.nine.name": "x"})
    with pytest.raises(ScenarioError, match="index below"):
        scenario.with_overrides({"sweeps.7": 1})
    with pytest.raises(ScenarioError, match="not inside a table"):
        scenario.with_overrides({"scenario.title.x": 1})


def test_parse_override() -> None:
    assert parse_override("parties.japan.reservation=0.5") == ("parties.japan.reservation", 0.5)
    assert parse_override("a.b = true") == ("a.b", True)
    assert parse_override('a.b="x y"') == ("a.b", "x y")
    assert parse_override("a.b=conceder") == ("a.b", "conceder")
    assert parse_override("a.b=[1, 2]") == ("a.b", [1, 2])
    with pytest.raises(negsim.ValidationError, match=r"key\.path=value"):
        parse_override("a.b")


def test_an_agreement_can_fail_ratification(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, GOOD))
    strict = scenario.with_overrides(
        {
            "parties.holder.ratification.threshold": 1.0,
            "parties.holder.ratification.anticipated": False,  # Level II as a surprise
        }
    )
    run = strict.run()
    assert run.result.agreed
    vote = run.votes[1]
    assert vote is not None
    assert not vote.ratified
    assert not run.deal
    assert run.payoffs.tolist() == run.result.reservations.tolist()
    lenient = scenario.with_overrides({"parties.holder.ratification.threshold": 0.0})
    assert lenient.run().deal


def test_probabilistic_ratification_replays(tmp_path: Path) -> None:
    scenario = load_scenario(_write(tmp_path, GOOD)).with_overrides(
        {
            "parties.holder.ratification.rule": "probability",
            "parties.holder.ratification.anticipated": False,
        }
    )
    outcomes = {scenario.run(seed).votes[1] for seed in range(30)}
    assert {v.ratified for v in outcomes if v is not None} == {True, False}
    assert scenario.run(11).votes == scenario.run(11).votes


def test_python_data_is_made_plain_and_non_toml_values_are_problems() -> None:
    data = load_scenario("split-the-pie").data
    data["parties"]["first"]["reservation"] = np.float64(0.2)
    data["issues"][0]["high"] = np.int64(10)
    data["parties"]["second"]["values"] = {"first_share": np.linspace(1, 0, 11)}
    made = scenario_from_data(data)
    assert made.parties[0].preferences.reservation == 0.2
    assert type(made.data["issues"][0]["high"]) is int
    assert made.data["parties"]["second"]["values"]["first_share"][0] == 1.0
    data["scenario"][3] = "x"
    data["plots"]["x"] = object()
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data(data)
    assert [p.format("f") for p in caught.value.problems] == [
        "f: scenario.3: key 3 is not a string (expected string keys)",
        "f: plots.x: got an object (expected a TOML value (string, number, table, ...))",
    ]


def test_key_paths_join_without_doubling() -> None:
    assert join_path("issues.x", "x.low") == "issues.x.low"
    assert join_path("issues.x", "issues.x.low") == "issues.x.low"
    assert join_path("issues.x", "x") == "issues.x"
    assert join_path("protocol", "n_rounds") == "protocol.n_rounds"
    assert join_path("", "a.b") == "a.b"


def test_a_negsim_error_while_building_is_a_problem_at_the_path() -> None:
    reader = Reader()

    def build() -> None:
        raise negsim.NegsimError("it broke")

    assert reader.attempt("parties.first", build) is None
    assert reader.problems == [Problem("parties.first", "it broke", "")]


@pytest.mark.parametrize(
    ("data", "path", "value", "after"),
    [
        ({"a": [1, 2]}, "a.0", 9, {"a": [9, 2]}),
        ({"a": [1, 2]}, "a.1", None, {"a": [1]}),
        ({"a": [[1], 2]}, "a.0.0", None, {"a": [[], 2]}),
    ],
)
def test_set_path_into_arrays(data: dict, path: str, value: object, after: dict) -> None:
    set_path(data, path, value)
    assert data == after


@pytest.mark.parametrize(
    ("data", "path", "message"),
    [
        ({}, "a..b", "a..b: not a key path (expected dotted keys, e.g. protocol.kind)"),
        ({}, "", ": not a key path"),
        ({"a": [1, 2]}, "a.5", "a.5: no such item (expected an index below 2)"),
        ({"a": [1, 2]}, "a.x", "a.x: no such item (expected an index below 2)"),
        ({"a": 3}, "a.b", "a.b: not inside a table (expected a key path into the scenario)"),
    ],
)
def test_set_path_refuses_bad_paths(data: dict, path: str, message: str) -> None:
    with pytest.raises(negsim.ValidationError) as info:
        set_path(data, path, 1)
    assert str(info.value).startswith(message)


def test_reference_update_rewrites_only_when_stale(tmp_path: Path) -> None:
    doc = tmp_path / "schema.md"
    doc.write_text(f"# Title\n\n{BEGIN}\nold\n{END}\nafter\n", encoding="utf-8")
    assert update(doc) is True
    text = doc.read_text(encoding="utf-8")
    assert text.startswith(f"# Title\n\n{BEGIN}\n")
    assert text.endswith(f"{END}\nafter\n")
    assert "\nold\n" not in text
    assert generated() in text
    assert update(doc) is False
    assert doc.read_text(encoding="utf-8") == text
