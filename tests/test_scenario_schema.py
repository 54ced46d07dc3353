"""Issue 10 (scenario files): one source of truth, the schema derived from the registered
classes, every problem at once, and no traceback, hang or NaN on any input. Each case of the
issue is a test here."""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any, ClassVar, Literal

import attrs
import numpy as np
import pytest
from hypothesis import given
from strategies import mutated_scenario_data

import negsim
from negsim.cli import main
from negsim.protocols import PROTOCOLS, AlternatingOffers
from negsim.registry import REQUIRED, Parameter, Registry, parameters_of
from negsim.scenario import ScenarioError, load_scenario, parse_override, scenario_from_data
from negsim.scenario.params import check_value, describe_type
from negsim.scenario.reference import BEGIN, END, generated, protocol_example

DOCS = Path(__file__).parent.parent / "docs"


@pytest.fixture
def pie() -> negsim.Scenario:
    return load_scenario("split-the-pie")


def _problems(scenario: negsim.Scenario, overrides: dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        scenario.with_overrides(overrides)
    return [p.format("f") for p in caught.value.problems]


def _one(scenario: negsim.Scenario, overrides: dict[str, Any], path: str, text: str) -> None:
    problems = _problems(scenario, overrides)
    assert len(problems) == 1, problems
    assert f"f: {path}: " in problems[0], problems
    assert text in problems[0], problems


# --- 1. one source of truth ------------------------------------------------------------
def test_evolve_with_overrides_and_to_toml_agree(pie: negsim.Scenario, tmp_path: Path) -> None:
    changed = pie.with_overrides({"scenario.seed": 5, "parties.first.reservation": 0.3})
    again = changed.with_overrides({"protocol.n_rounds": 7})
    assert again.seed == 5  # not reverted by the next override
    assert again.parties[0].preferences.reservation == 0.3
    data = changed.data
    data["protocol"]["n_rounds"] = 7
    evolved = attrs.evolve(changed, data=data)
    assert evolved.data == again.data
    path = tmp_path / "written.toml"
    again.to_toml(path)
    assert load_scenario(path).data == again.data
    assert tomllib.loads(again.to_toml()) == again.data


def test_derived_fields_cannot_drift(pie: negsim.Scenario) -> None:
    with pytest.raises(TypeError):
        attrs.evolve(pie, seed=5)  # derived from the data: change the data instead
    pie.data["scenario"]["seed"] = 99  # a copy
    assert pie.seed == 1


@pytest.mark.parametrize("name", sorted(negsim.bundled_scenarios()))
def test_every_bundled_scenario_round_trips_through_toml(name: str, tmp_path: Path) -> None:
    scenario = load_scenario(name)
    path = tmp_path / f"{name}.toml"
    scenario.to_toml(path)
    again = load_scenario(path)
    assert again.data == scenario.data
    assert again.run().result.to_dict() == scenario.run().result.to_dict()


def test_none_removes_a_key(pie: negsim.Scenario) -> None:
    changed = pie.with_overrides({"protocol.opener": None})
    assert "opener" not in changed.data["protocol"]


# --- 2. the schema derived from the domain ---------------------------------------------
def test_changing_the_protocol_keeps_shared_keys_and_notes_the_dropped(
    pie: negsim.Scenario,
) -> None:
    mediated = pie.with_overrides({"protocol.kind": "single-text"})
    assert isinstance(mediated.protocol, negsim.SingleText)
    assert mediated.protocol.n_rounds == 20  # kept
    assert mediated.notices == (
        "protocol.kind is 'single-text': dropped opener (not parameters of single-text)",
    )
    assert mediated.run().result.protocol == "single-text"


def test_the_mediators_bias_is_settable(pie: negsim.Scenario) -> None:
    by_key = pie.with_overrides(
        {"protocol.kind": "single-text", "protocol.bias": {"first": 2, "second": 1}}
    )
    assert by_key.protocol.bias == (2.0, 1.0)
    in_order = pie.with_overrides({"protocol.kind": "single-text", "protocol.bias": [2, 1]})
    assert in_order.protocol.bias == (2.0, 1.0)
    _one(
        pie,
        {"protocol.kind": "single-text", "protocol.bias": [1, 2, 3]},
        "protocol.bias",
        "one per party",
    )
    _one(
        pie,
        {"protocol.kind": "single-text", "protocol.bias": {"first": 1}},
        "protocol.bias",
        "no value for second",
    )


def test_a_users_protocol_takes_its_own_parameters(pie: negsim.Scenario) -> None:
    @attrs.frozen
    class Patient(AlternatingOffers):
        name: ClassVar[str] = "patient"
        patience: float = attrs.field(default=0.5, converter=float)
        label: str = "calm"

    PROTOCOLS.register("patient", Patient)
    try:
        made = pie.with_overrides({"protocol.kind": "patient", "protocol.patience": 0.9})
        assert made.protocol == Patient(n_rounds=20, opener=0, patience=0.9)
        _one(
            pie,
            {"protocol.kind": "patient", "protocol.patience": "lots"},
            "protocol.patience",
            "expected a number",
        )
        assert "`patient` | `patience` | a number | 0.5" in generated()
    finally:
        PROTOCOLS.unregister("patient")


def test_every_parameter_of_every_agent_is_settable(pie: negsim.Scenario) -> None:
    for name in negsim.AGENTS:
        params = {p.name: p for p in negsim.AGENTS.parameter_specs(name)}
        spec: dict[str, Any] = {"kind": name}
        for key, p in params.items():
            spec[key] = "boulware" if key == "agent" else p.default
        spec = {k: v for k, v in spec.items() if v is not None}
        made = pie.with_overrides({"parties.first.agent": spec})
        assert made.parties[0].agent.name == negsim.AGENTS.factory(name)().name


def test_wrappers_nest_and_their_agents_are_checked(pie: negsim.Scenario) -> None:
    spec = {"kind": "noisy", "probability": 0.2, "agent": {"kind": "floor", "agent": "boulware"}}
    agent = pie.with_overrides({"parties.first.agent": spec}).parties[0].agent
    assert agent == negsim.agents.Noisy(
        agent=negsim.agents.Floor(agent="boulware"), probability=0.2
    )
    bad = {"kind": "noisy", "agent": {"kind": "floor", "margin": "x"}}
    _one(pie, {"parties.first.agent": bad}, "parties.first.agent.agent.margin", "a number")


def test_protocol_opener_is_a_party_key(pie: negsim.Scenario) -> None:
    assert pie.with_overrides({"protocol.opener": "second"}).protocol.opener == 1
    _one(pie, {"protocol.opener": 1}, "protocol.opener", "no party")


@pytest.mark.parametrize("name", list(PROTOCOLS))
def test_the_reference_example_of_each_protocol_loads(pie: negsim.Scenario, name: str) -> None:
    table = tomllib.loads(protocol_example(name))["protocol"]
    data = pie.data
    data["protocol"] = table
    scenario = scenario_from_data(data)
    assert scenario.protocol.name == name
    assert not scenario.notices


def test_the_schema_reference_is_up_to_date() -> None:
    page = (DOCS / "reference" / "scenario-schema.md").read_text(encoding="utf-8")
    section = page.split(BEGIN, 1)[1].split(END, 1)[0]
    assert section.strip() == generated().strip(), (
        "regenerate: python -m negsim.scenario.reference docs/reference/scenario-schema.md"
    )


def test_sweeps_drive_negsim_sweep(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", "split-the-pie", "--seeds", "1", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Split the pie: grid sweep, 9 points x 1 seeds")
    assert out.splitlines()[1].split()[0] == "parties.second.reservation"
    assert len(out.strip().splitlines()) == 2 + 9 + 1  # title, header, 9 points, "Wrote ..."
    assert main(["sweep", "two-issue-trade", "--out", str(tmp_path)]) == 2  # it has none


def test_a_bad_sweep_path_is_a_problem(pie: negsim.Scenario) -> None:
    _one(pie, {"sweeps.0.param": "parties.thrid.reservation"}, "sweeps[0].param", "no such key")
    _one(pie, {"sweeps.0.steps": 10**6}, "sweeps[0].steps", "1,000")


def test_cli_prints_the_notice(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["run", "split-the-pie", "--set", "protocol.kind=single-text", "--no-plots",
         "--out", str(tmp_path)]
    )  # fmt: skip
    assert code == 0
    assert "note: protocol.kind is 'single-text': dropped opener" in capsys.readouterr().err


# --- 3. every problem at once ----------------------------------------------------------
def test_ten_mistakes_are_ten_problems(pie: negsim.Scenario) -> None:
    mistakes = {
        "scenario.title": "",
        "scenario.seed": -3,
        "parties.first.reservation": "x",
        "parties.first.agent": "bouleware",
        "parties.first.weights.first_share": "1",
        "parties.second.values.first_share": [0.1] * 3,
        "parties.second.reservation": 2,
        "protocol.discount": "a",
        "protocol.n_rounds": 0,
        "plots.format": "gif",
    }
    problems = _problems(pie, mistakes)
    assert len(problems) == 10, problems
    paths = [p.split(": ")[1] for p in problems]
    assert len(set(paths)) == 10
    for path in mistakes:
        assert any(p.startswith(path) or path.startswith(p) for p in paths), (path, paths)


def test_no_doubled_key_paths(pie: negsim.Scenario) -> None:
    for problem in _problems(pie, {"issues.first_share.high": -1, "protocol.n_rounds": 0}):
        path = problem.split(": ")[1]
        parts = path.split(".")
        assert all(parts[i : i + 2] != parts[i + 2 : i + 4] for i in range(len(parts))), path


def test_one_broken_issue_gives_one_problem() -> None:
    data = load_scenario("two-issue-trade").data
    data["issues"][0]["kind"] = "integr"
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data(data)
    assert len(caught.value.problems) == 1, caught.value


# --- 4. the issue's cases: a clean problem each ----------------------------------------
@pytest.mark.parametrize(
    ("overrides", "path", "text"),
    [
        ({"parties.first.values.first_share": {**{str(i): 0 for i in range(10)}, "10": "high"}},
         "parties.first.values.first_share.10", "got str 'high'"),
        ({"parties.first.values.first_share": ["0.5"] * 11},
         "parties.first.values.first_share.0", "got str '0.5'"),
        ({"parties.first.values.first_share": [True] * 11},
         "parties.first.values.first_share.0", "got bool True"),
        ({"parties.first.agent": {"kind": "time-dependent", "exponent": "fast"}},
         "parties.first.agent.exponent", "got a string 'fast'"),
        ({"issues.first_share.high": 1_000_000_000}, "issues.first_share", "10,000,000"),
        ({"protocol.n_rounds": 1_000_000_000}, "protocol.n_rounds", "at most 10,000"),
        ({"protocol.n_rounds": 2**63}, "protocol.n_rounds", "below 2**63"),
        ({"parties.first.red_lines": [{"all": []}]}, "parties.first.red_lines[0].all", "empty"),
        ({"parties.first.red_lines": [{"any": []}]}, "parties.first.red_lines[0].any", "empty"),
        ({"parties.second.label": "First"}, "parties.second.label", "unique labels"),
        ({"scenario.seed": -1}, "scenario.seed", "negative"),
        ({"parties.second.label": ""}, "parties.second.label", "empty"),
        ({"parties.first.red_lines": [{"issue": "first_share", "at_least": "nine"}]},
         "parties.first.red_lines[0].at_least", "no option 'nine'"),
        ({"parties.first.discount": math.nan}, "parties.first.discount", "a number"),
        ({"parties.first.reservation": math.inf}, "parties.first.reservation",
         "got a number inf (expected a finite number)"),
        ({"parties.first.agent": {"kind": "noisy", "agent": {"kind": "noisy"}, "x": 1}},
         "parties.first.agent.x", "unknown key"),
    ],
)  # fmt: skip
def test_the_issue_cases_are_clean_problems(
    pie: negsim.Scenario, overrides: dict[str, Any], path: str, text: str
) -> None:
    _one(pie, overrides, path, text)


def test_poll_shares_are_strict() -> None:
    data = load_scenario("kurils-2018-2019").data
    party = next(k for k, p in data["parties"].items() if "ratification" in p)
    where = data["parties"][party]["ratification"]["constituencies"][0]
    issue = next(iter(where["shares"]))
    where["shares"] = {issue: 0.4}
    with pytest.raises(ScenarioError, match=rf"shares\.{issue}: got a number 0.4"):
        scenario_from_data(data)
    with pytest.raises(negsim.ValidationError, match="a table"):
        negsim.twolevel.PollConstituency("p", {"x": 0.4})  # type: ignore[dict-item]


def test_at_least_on_a_categorical_issue_is_a_problem() -> None:
    data = load_scenario("kurils-1956").data
    categorical = next(i for i in data["issues"] if i.get("kind", "categorical") == "categorical")
    key = next(iter(data["parties"]))
    line = {"issue": categorical["name"], "at_least": categorical["options"][0]}
    data["parties"][key]["red_lines"] = [line]
    with pytest.raises(ScenarioError, match="categorical"):
        scenario_from_data(data)


def test_an_outcome_space_too_large_fails_validate(tmp_path: Path) -> None:
    data = load_scenario("split-the-pie").data
    for i in range(4):
        data["issues"].append({"name": f"n{i}", "kind": "integer", "low": 0, "high": 9999})
    path = tmp_path / "big.toml"
    path.write_text(scenario_toml(data), encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"issues: the outcome space has 110,0.* 10,000,000"):
        load_scenario(path)
    assert main(["validate", str(path)]) == 2


def scenario_toml(data: dict[str, Any]) -> str:
    import tomli_w

    return tomli_w.dumps(data)


def test_deep_nesting_is_a_problem_not_a_recursion_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.toml"
    path.write_text('[scenario]\ntitle = "x"\nnotes = ' + "[" * 1000 + "]" * 1000 + "\n")
    with pytest.raises(ScenarioError, match="nested"):
        load_scenario(path)
    agent = '"linear"'
    for _ in range(300):
        agent = f'{{ kind = "noisy", agent = {agent} }}'
    text = load_scenario("split-the-pie").to_toml().replace('"boulware"', agent)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match="nested"):
        load_scenario(path)
    agent = '"linear"'
    for _ in range(10):
        agent = f'{{ kind = "noisy", agent = {agent} }}'
    path.write_text(text.split("agent = {")[0] + f"agent = {agent}\n" + text.split("\n", 1)[1])
    assert main(["validate", str(path)]) == 2


def test_a_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_text("\ufeff" + load_scenario("split-the-pie").to_toml(), encoding="utf-8")
    assert load_scenario(path).title == "Split the pie"


def test_problems_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "dupes.toml"
    data = load_scenario("split-the-pie").data
    data["parties"]["second"]["label"] = "First"
    path.write_text(scenario_toml(data), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert caught.value.problems[0].format(caught.value.source).startswith(str(path))


def test_private_red_lines_and_preconditions(pie: negsim.Scenario) -> None:
    line = {"issue": "first_share", "options": ["0"], "public": False}
    made = pie.with_overrides({"parties.first.red_lines": [line]})
    position = made.parties[0].preferences
    assert isinstance(position, negsim.Position)
    assert position.red_lines[0].public is False
    outcome = made.space.outcome_at(np.array([0]))
    assert not position.acceptable(outcome)[0]
    assert position.acceptable(outcome, public_only=True)[0]
    pre = {
        "when": {"issue": "first_share", "options": ["1"]},
        "requires": {"issue": "first_share", "options": ["2"]},
        "public": False,
    }
    again = pie.with_overrides({"parties.first.preconditions": [pre]})
    assert again.parties[0].preferences.preconditions[0].public is False  # type: ignore[attr-defined]
    _one(pie, {"parties.first.red_lines": [{**line, "public": "no"}]},
         "parties.first.red_lines[0].public", "a boolean")  # fmt: skip


def test_parse_override_survives_deep_values() -> None:
    assert parse_override("a=" + "[" * 2000)[1] == "[" * 2000


# --- 5. fuzzing ------------------------------------------------------------------------
@given(data=mutated_scenario_data())
def test_a_mutated_scenario_loads_and_runs_or_is_a_clean_problem(data: dict[str, Any]) -> None:
    try:
        scenario = scenario_from_data(data, "mutated")
    except ScenarioError as error:
        problems = error.problems
    else:
        problems = []
    if problems:  # a clean error: every problem names a key path
        assert all(isinstance(p.path, str) for p in problems)
        return
    run = scenario.run()
    for values in (run.result.final_utilities, run.payoffs):
        values = np.asarray(values, dtype=float)
        assert not np.isnan(values).any()
        assert not np.isposinf(values).any()


# --- 5. issue, sweep and kind problems (hostile inputs) --------------------------------
def _data_problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_data(data)
    return [p.format("f") for p in caught.value.problems]


@pytest.mark.parametrize(
    ("issue", "expected"),
    [
        ({"name": "c", "kind": "integer", "low": 0.5, "high": 3},
         "f: issues.c: bounds 0.5, 3 (expected integers)"),
        ({"name": "c", "kind": "continuous", "low": 0, "high": 1, "resolution": 0},
         "f: issues.c.resolution: 0 (expected a positive step)"),
        ({"name": "c", "kind": "continuous", "low": 0, "high": 1e9, "resolution": 1e-3},
         "f: issues.c: 1,000,000,000,001 options (expected at most 10,000,000"),
        ({"name": "c", "kind": "categorical"},
         "f: issues.c.options: missing (expected an array of option labels)"),
        ({"name": "", "kind": "integer", "low": 0, "high": 1},
         "f: issues[1].name: empty (expected a name)"),
        ({"name": "first_share", "kind": "integer", "low": 0, "high": 1},
         "f: issues[1].name: repeated issue name 'first_share' (expected unique names)"),
    ],
)  # fmt: skip
def test_a_bad_issue_is_one_clean_problem(issue: dict[str, Any], expected: str) -> None:
    data = load_scenario("split-the-pie").data
    data["issues"].append(issue)
    problems = _data_problems(data)
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems


def test_a_numeric_issue_names_each_missing_bound() -> None:
    data = load_scenario("split-the-pie").data
    data["issues"].append({"name": "c", "kind": "continuous", "high": 1})
    assert _data_problems(data) == [
        "f: issues.c.low: missing (expected a number)",
        "f: issues.c.resolution: missing (expected a number)",
    ]


def test_too_many_options_are_refused_before_the_issue_is_made(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = load_scenario("split-the-pie").data
    monkeypatch.setattr("negsim.scenario.schema.MAX_OUTCOMES", 3)
    data["issues"] = [{"name": "c", "kind": "ordered", "options": ["a", "b", "c", "d"]}]
    assert "f: issues.c.options: 4 options (expected fewer)" in _data_problems(data)


def test_no_issues_is_a_problem() -> None:
    data = load_scenario("split-the-pie").data
    data["issues"] = []
    problems = _data_problems(data)
    assert "f: issues: no issues (expected at least one [[issues]] table)" in problems


def test_sweep_steps_and_count_are_bounded() -> None:
    data = load_scenario("split-the-pie").data
    data["sweeps"][0]["steps"] = 0
    assert _data_problems(data) == ["f: sweeps[0].steps: 0 (expected 1 to 1,000 steps)"]
    data["sweeps"][0]["steps"] = 1001
    assert _data_problems(data) == ["f: sweeps[0].steps: 1001 (expected 1 to 1,000 steps)"]
    data["sweeps"][0]["steps"] = 3
    data["sweeps"] = [
        dict(data["sweeps"][0], param=f"parties.{p}.reservation") for p in ("first", "second")
    ]
    scenario_from_data(data)  # two or more: a grid of them all
    data["sweeps"] *= 5
    assert _data_problems(data) == ["f: sweeps: 10 sweeps (expected at most 8 (a grid of each))"]


@pytest.mark.parametrize(
    ("overrides", "path", "text"),
    [
        ({"parties.first.agent": 3}, "parties.first.agent",
         'got an integer (expected an agent name or a table {kind = "...", ...})'),
        ({"parties.first.agent": {"kind": 3}}, "parties.first.agent", "got a table"),
        ({"protocol.kind": "alternating-offer"}, "protocol.kind",
         "did you mean 'alternating-offers'?"),
        ({"protocol.kind": 5}, "protocol.kind", "got an integer"),
        ({"protocol.kind": "single-text", "protocol.bias": {"first": 1, "second": 1, "thrid": 1}},
         "protocol.bias.thrid", "no such party; valid: 'first', 'second'"),
        ({"protocol.kind": "single-text", "protocol.bias": ["a", 1]},
         "protocol.bias[0]", "got a string 'a' (expected a number)"),
        ({"protocol.kind": "single-text", "protocol.bias": [0, 0]},
         "protocol.bias", "not all 0"),
        ({"protocol.kind": "single-text", "protocol.bias": [-1, 2]},
         "protocol.bias", "2 numbers >= 0"),
    ],
)  # fmt: skip
def test_bad_agents_and_protocols_are_clean_problems(
    pie: negsim.Scenario, overrides: dict[str, Any], path: str, text: str
) -> None:
    _one(pie, overrides, path, text)


def test_agents_nested_too_deep_are_one_problem(pie: negsim.Scenario) -> None:
    agent: Any = "linear"
    for _ in range(9):
        agent = {"kind": "noisy", "agent": agent}
    _one(pie, {"parties.first.agent": agent}, "parties.first" + ".agent" * 10, "more than 8 deep")
    for _ in range(1):
        agent = agent["agent"]
    assert pie.with_overrides({"parties.first.agent": agent}).parties[0].agent is not None


@pytest.mark.parametrize(
    ("constituency", "text"),
    [
        (5, "constituencies[0]: got an integer 5 (expected a table)"),
        ({"kind": "pol"}, "constituencies[0].kind: no constituency kind 'pol'; did you mean"),
        ({"kind": 3}, "constituencies[0].kind: no constituency kind 3"),
        ({"kind": "poll", "shares": {}}, "constituencies[0].name: missing (expected for"),
    ],
)  # fmt: skip
def test_a_bad_constituency_is_a_clean_problem(constituency: Any, text: str) -> None:
    data = load_scenario("kurils-2018-2019").data
    data["parties"]["japan"]["ratification"]["constituencies"][0] = constituency
    problems = _data_problems(data)
    assert len(problems) == 1, problems
    assert f"f: parties.japan.ratification.{text}" in problems[0], problems


# --- 6. parameter types, checked strictly and described in words ------------------------
@pytest.mark.parametrize(
    ("annotation", "words"),
    [
        (int | str, "an integer or a string"),
        (dict[str, float], "a table of numbers"),
        (dict[str, Any], "a table of values"),
        (list[Literal["a", "b"]], "an array of one of 'a', 'b'"),
        (tuple[float, ...], "an array of numbers"),
    ],
)
def test_parameter_types_are_described_in_words(annotation: Any, words: str) -> None:
    assert describe_type(annotation) == words


@pytest.mark.parametrize(
    ("value", "annotation", "expected"),
    [
        (None, float | None, []),
        (1, int | str, []),
        (object(), Any, []),
        ("x", int | float, [("p", "got a string 'x'", "an integer or a number")]),
        (True, int, [("p", "got a boolean True", "an integer")]),
        (2**63, int, [("p", f"got an integer {2**63}", "an integer below 2**63")]),
        (2**63, float, [("p", f"got an integer {2**63}", "a number below 2**63")]),
        (math.nan, float, [("p", "got a number nan", "a finite number")]),
        ("1,2", list[int], [("p", "got a string '1,2'", "an array of integers")]),
        ([1, "a"], list[int], [("p[1]", "got a string 'a'", "an integer")]),
        ([1], dict[str, int], [("p", "got an array [1]", "a table of integers")]),
        ({"a": "b"}, dict[str, int], [("p.a", "got a string 'b'", "an integer")]),
    ],
)
def test_parameter_values_are_checked_strictly(value: Any, annotation: Any, expected: Any) -> None:
    assert check_value(value, annotation, "p") == expected


# --- 7. the registry reads parameters from any factory ----------------------------------
def _undefined_annotation(a: Undefined, *args: Any, b: int = 1, **kw: Any) -> None:  # type: ignore[name-defined]  # noqa: F821
    """A factory whose annotation cannot be resolved."""


@attrs.define
class _WithFactories:
    x: int = attrs.field(factory=lambda: 5)
    y: list[int] = attrs.field(default=attrs.Factory(lambda self: [self.x], takes_self=True))
    z: int = attrs.field(init=False, default=0)


def test_parameters_of_unusual_factories() -> None:
    assert repr(REQUIRED) == "REQUIRED"
    assert parameters_of(_undefined_annotation) == (
        Parameter("a", Any, REQUIRED, "_undefined_annotation"),
        Parameter("b", Any, 1, "_undefined_annotation"),
    )
    assert parameters_of(_WithFactories) == (
        Parameter("x", int, 5, "_WithFactories"),
        Parameter("y", list[int], REQUIRED, "_WithFactories"),
    )
    assert parameters_of(dict) == ()  # a builtin without a signature


def test_a_registry_binds_what_it_can_and_names_the_valid_parameters() -> None:
    things: Registry[Any] = Registry("thing")
    things.register("d", dict)
    things.register("f", _undefined_annotation)
    assert things.parameters("d") == []
    assert things.make("d", a=1) == {"a": 1}  # no signature to check against
    assert things.parameters("f") == ["a", "b"]
    with pytest.raises(
        negsim.ValidationError, match=r"thing\.f: missing a required argument: 'a'; valid: 'a', 'b'"
    ):
        things.make("f", b=2)
