"""GENIUS XML and GeniusWeb JSON: reading as GENIUS computes, writing back, folders as
scenarios, ``negsim convert``. Fixtures are hand-made (tests/data/genius/README.md).

Known answers follow GENIUS 10.4's definitions (``AdditiveUtilitySpace.getUtility``:
``Σ w_i e_i`` capped at 1; ``EvaluatorDiscrete``: evaluation / largest evaluation;
``EvaluatorInteger``: ``clamp(offset + slope (x - low))``; ``EvaluatorReal`` linear and
triangular; ``IssueReal``: 21 discretisation points) and GeniusWeb's
(``LinearAdditiveUtilitySpace``, ``NumberValueSetUtilities``)."""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import strategies
from hypothesis import given

import negsim
from negsim.cli import main
from negsim.formats import convert, read_folder, read_foreign, write_folder
from negsim.formats.model import per_round_discount
from negsim.scenario import ScenarioError, scenario_from_data

DATA = Path(__file__).parent / "data" / "genius"
XML = DATA / "xml-holiday"
JSON = DATA / "json-holiday"


def _u(scenario: negsim.Scenario) -> np.ndarray:
    return negsim.utility_matrix(scenario.preferences)


# --- reading GENIUS ------------------------------------------------------------------------


def test_genius_folder_reads_issues_as_genius_does() -> None:
    scenario = negsim.load_scenario(XML)
    kinds = [issue.kind for issue in scenario.space.issues]
    assert kinds == ["categorical", "integer", "continuous"]
    assert scenario.space.size == 3 * 5 * 21  # a real issue: GENIUS's 21 points
    assert scenario.names == ("alice", "bob")
    budget = scenario.space.issue("budget")
    assert budget.values is not None
    assert budget.values[1] == pytest.approx(50.0)


def test_genius_utilities_known_values() -> None:
    alice, bob = negsim.load_scenario(XML).preferences
    # alice: .6 * 4/4 + .3 * .25 (3 - 1) + .1 (1 - 500/1000)
    assert alice.utility_of({"destination": "beach", "nights": "3", "budget": "500"}) == (
        pytest.approx(0.8)
    )
    # bob's weights sum to 0.8 and GENIUS uses them as given: .2 * 10/10 + .2 * 1 + .4 * 1;
    # "city" listed twice keeps its last evaluation (10), the nested item is ignored
    assert bob.utility_of({"destination": "city", "nights": "1", "budget": "800"}) == (
        pytest.approx(0.8)
    )
    assert bob.utility_of({"destination": "beach", "nights": "5", "budget": "0"}) == (
        pytest.approx(0.2 * 2 / 10)
    )


def test_genius_utilities_agree_with_the_formula_on_every_outcome() -> None:
    folder = read_foreign(XML)
    genius = np.column_stack([p.utilities(folder.domain) for p in folder.profiles])
    np.testing.assert_allclose(_u(read_folder(XML)), genius, atol=1e-12)


def test_genius_reservation_and_discount_mapping() -> None:
    scenario = negsim.load_scenario(XML)
    alice, bob = scenario.parties
    assert alice.preferences.reservation == 0.3
    assert bob.preferences.reservation == 0.1
    # d = 0.9 per unit of time over the default 100 rounds: δ^100 = 0.9
    assert alice.preferences.discount**100 == pytest.approx(0.9)
    assert bob.preferences.discount == 1.0
    assert per_round_discount(0.9, 10) == pytest.approx(0.9**0.1)
    notes = scenario.data["scenario"]["notes"]
    assert "listed twice" in notes
    assert "0.9 per unit of time" in notes


def test_folder_scenario_runs_and_analyses() -> None:
    scenario = negsim.load_scenario(XML)
    run = scenario.run(rng=3)
    assert run.result.end.value in ("agreement", "deadline")
    assert scenario.analyse().bargaining.nash is not None


def test_read_folder_spreads_the_discount_over_its_rounds() -> None:
    scenario = read_folder(XML, n_rounds=40)
    assert scenario.protocol.n_rounds == 40  # type: ignore[attr-defined]
    assert scenario.preferences[0].discount ** 40 == pytest.approx(0.9)
    with pytest.raises(negsim.ValidationError, match="n_rounds"):
        read_folder(XML, n_rounds=0)


def test_read_folder_chooses_profiles() -> None:
    scenario = read_folder(XML, profiles=["bob", "alice"])
    assert scenario.names == ("bob", "alice")
    with pytest.raises(ScenarioError, match="no profile 'carol'"):
        read_folder(XML, profiles=["alice", "carol"])
    with pytest.raises(ScenarioError, match="at least two"):
        read_folder(XML, profiles=["alice"])


# --- reading GeniusWeb ---------------------------------------------------------------------


def test_geniusweb_folder_reads() -> None:
    scenario = negsim.load_scenario(JSON)
    assert [i.kind for i in scenario.space.issues] == ["categorical", "integer"]
    alice, bob = scenario.preferences
    # reservation = utility of the reservation bid (city, 3): .7 * .5 + .3 * .5
    assert alice.reservation == pytest.approx(0.5)
    assert bob.reservation == 0.0
    assert alice.utility_of({"destination": "beach", "nights": "3"}) == pytest.approx(0.85)
    assert bob.utility_of({"destination": "city", "nights": "2"}) == pytest.approx(0.4 + 0.45)


# --- writing and round trips ---------------------------------------------------------------


@pytest.mark.parametrize("source", [XML, JSON])
@pytest.mark.parametrize("kind", ["genius", "geniusweb"])
def test_round_trip_keeps_utilities(tmp_path: Path, source: Path, kind: str) -> None:
    before = negsim.load_scenario(source)
    notes = write_folder(before, tmp_path / "out", kind)
    after = negsim.load_scenario(tmp_path / "out")
    assert after.space.size == before.space.size
    np.testing.assert_allclose(_u(after), _u(before), atol=1e-9)
    for a, b, key in zip(after.preferences, before.preferences, before.keys, strict=True):
        if kind == "genius":
            assert a.discount == pytest.approx(b.discount, rel=1e-12)
            assert a.reservation == pytest.approx(b.reservation)
        elif b.discount < 1:  # GeniusWeb profiles have none: left out, with a note
            assert a.discount == 1.0
            assert any(f"parties.{key}: GeniusWeb profiles have no discount" in n for n in notes)


def test_genius_files_written_are_plain_genius(tmp_path: Path) -> None:
    write_folder(negsim.load_scenario(XML), tmp_path / "out", "genius")
    files = sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith("."))
    assert files == ["Holiday-domain.xml", "alice.xml", "bob.xml"]
    text = (tmp_path / "out" / "bob.xml").read_text()
    assert "<utility_space>" in text
    assert 'type="integer"' in text
    assert "<reservation" in text


def test_non_linear_numeric_tables_are_written_as_discrete(tmp_path: Path) -> None:
    scenario = negsim.load_scenario(XML)  # bob's budget evaluator is triangular
    notes = write_folder(scenario, tmp_path / "out", "genius")
    assert any("budget" in n and "discrete" in n for n in notes)
    after = negsim.load_scenario(tmp_path / "out")
    assert after.space.issue("budget").kind == "categorical"
    np.testing.assert_allclose(_u(after), _u(scenario), atol=1e-9)


def test_geniusweb_weights_sum_to_exactly_one_in_decimal(tmp_path: Path) -> None:
    import json
    from decimal import Decimal

    write_folder(negsim.load_scenario(XML), tmp_path / "out", "geniusweb")
    text = (tmp_path / "out" / "bob.json").read_text()
    weights = json.loads(text, parse_float=Decimal)["LinearAdditiveUtilitySpace"]["issueWeights"]
    assert sum(weights.values()) == Decimal(1)


def test_geniusweb_reservation_becomes_a_bid_with_a_note(tmp_path: Path) -> None:
    scenario = negsim.load_scenario(XML).with_overrides({"parties.alice.reservation": 0.333})
    notes = write_folder(scenario, tmp_path / "out", "geniusweb")
    after = negsim.load_scenario(tmp_path / "out").preferences[0].reservation
    u = _u(scenario)[:, 0]
    assert after == pytest.approx(u[u >= 0.333].min())  # the lowest utility at least as high
    assert any("reservation 0.333 became the bid of utility" in n for n in notes)


def test_scenarios_genius_cannot_express_are_refused(tmp_path: Path) -> None:
    with pytest.raises(negsim.NegsimError, match="red_lines: GENIUS profiles have none"):
        write_folder(negsim.load_scenario("kurils-2018-2019"), tmp_path / "out", "genius")
    assert not (tmp_path / "out").exists()


def test_convert_between_all_three(tmp_path: Path) -> None:
    convert(XML, tmp_path / "h.toml")
    convert(tmp_path / "h.toml", tmp_path / "web", to="geniusweb")
    convert(tmp_path / "web", tmp_path / "g", to="genius")
    convert(tmp_path / "g", tmp_path / "h2.toml")
    np.testing.assert_allclose(
        _u(negsim.load_scenario(tmp_path / "h2.toml")), _u(negsim.load_scenario(XML)), atol=1e-9
    )
    with pytest.raises(negsim.NegsimError, match="--to genius"):
        convert(XML, tmp_path / "somewhere")


# --- CLI -----------------------------------------------------------------------------------


def test_cli_run_analyze_validate_convert_on_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["run", str(XML), "--out", str(out), "--no-plots", "--lever-seeds", "0"]) == 0
    assert (out / "result.json").exists()
    assert main(["analyze", str(JSON)]) == 0
    assert main(["validate", str(XML)]) == 0
    captured = capsys.readouterr()
    assert "Nash" in captured.out
    assert "listed twice" in captured.err
    assert main(["convert", str(XML), str(tmp_path / "w"), "--to", "geniusweb"]) == 0
    assert (tmp_path / "w" / "alice.json").exists()
    assert main(["convert", str(XML), str(tmp_path / "nowhere")]) == 2
    assert "--to genius" in capsys.readouterr().err


def test_cli_bad_folder_exits_2_with_the_element(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "alice.xml", '<weight index="2" value="0.3"/>', "")
    assert main(["analyze", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "alice.xml" in err
    assert '<weight index="2">' in err
    assert "Traceback" not in err


# --- bad input -----------------------------------------------------------------------------


def _copy(tmp_path: Path, source: Path = XML) -> Path:
    folder = tmp_path / source.name
    shutil.copytree(source, folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def _problems(folder: Path) -> str:
    with pytest.raises(ScenarioError) as caught:
        negsim.load_scenario(folder)
    return str(caught.value)


def test_missing_evaluator_names_the_element(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "alice.xml", '<evaluator ftype="linear" slope="0.25" offset="0"/>', "")
    message = _problems(folder)
    assert "alice.xml" in message
    assert '/utility_space/objective[@index="0"]/issue[@index="2"]' in message
    assert "no <evaluator>" in message


def test_missing_issue_and_missing_value(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "alice.xml", '<item index="3" value="mountains" evaluation="1"/>', "")
    message = _problems(folder)
    assert "no evaluation for value(s) ['mountains']" in message


def test_weights_above_one_are_normalised_with_a_note(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(
        folder / "alice.xml", '<weight index="1" value="0.6"/>', '<weight index="1" value="1.6"/>'
    )
    scenario = negsim.load_scenario(folder)
    assert "sum to 2; normalised to 1" in scenario.data["scenario"]["notes"]
    weights = scenario.data["parties"]["alice"]["weights"]
    assert math.isclose(sum(weights.values()), 1.0)
    assert weights["destination"] == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('ftype="linear" parameter0="1"', 'ftype="faratin" parameter0="1"', "faratin"),
        ("<utility_space>", '<utility_space type="NONLINEAR">', "non-additive"),
        ('evaluation="2"', 'evaluation="-2"', "GeniusBI"),
        ('<reservation value="0.3"/>', '<reservation value="0.3"/><optout value="-5"/>', "optout"),
        ('evaluation="2"', 'evaluation="lots"', "a number"),
    ],
)
def test_unsupported_genius_features_are_refused(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "alice.xml", old, new)
    assert expected in _problems(folder)


def test_issue_type_genius_has_but_negsim_not(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(
        folder / "holiday-domain.xml",
        'etype="integer" type="integer" vtype="integer" name="nights"',
        'etype="objective" type="objective" vtype="objective" name="nights"',
    )
    message = _problems(folder)
    assert "holiday-domain.xml" in message
    assert "type 'objective'" in message


def test_profile_for_another_domain(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "bob.xml", 'name="destination"', 'name="airline"')
    message = _problems(folder)
    assert "bob.xml" in message
    assert "'airline' where the domain has 'destination'" in message
    folder2 = _copy(tmp_path / "b")
    _edit(folder2 / "bob.xml", 'value="beach" evaluation="2"', 'value="desert" evaluation="2"')
    assert "value 'desert' is not in the domain's issue 'destination'" in _problems(folder2)


def test_malformed_xml_names_line_and_column(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "alice.xml", 'value="city"', 'value="a & b"')
    message = _problems(folder)
    assert "alice.xml" in message
    assert "not well-formed XML" in message
    assert "line 8" in message


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
        "<utility_space>&lol2;</utility_space>\n"
    )
    (folder / "alice.xml").write_text(bomb)
    assert "<!DOCTYPE> declaration" in _problems(folder)


def test_oversized_and_deep_files_are_refused(tmp_path: Path) -> None:
    from negsim.formats import safexml

    with pytest.raises(ScenarioError, match="nested more than"):
        safexml.parse_xml(b"<a>" * 40 + b"</a>" * 40, "deep.xml")
    with pytest.raises(ScenarioError, match="bytes"):
        safexml.parse_xml(b" " * (safexml.MAX_XML_BYTES + 1), "big.xml")


def test_folder_shapes_are_checked(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no .xml or .json files" in _problems(empty)
    mixed = _copy(tmp_path)
    shutil.copy(JSON / "alice.json", mixed / "alice.json")
    assert "both XML and JSON" in _problems(mixed)
    lonely = _copy(tmp_path / "l")
    (lonely / "bob.xml").unlink()
    assert "1 profile(s)" in _problems(lonely)
    two = _copy(tmp_path / "t")
    shutil.copy(two / "holiday-domain.xml", two / "other-domain.xml")
    assert "2 domain files" in _problems(two)


def test_huge_integer_issue_refused_before_allocating(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "holiday-domain.xml", 'upperbound="5"', 'upperbound="999999999999"')
    assert "at most" in _problems(folder)


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda t: t.replace('"nights": 0.3', '"nights": 0.3, "nights": 0.2'), "key given twice"),
        (lambda t: t[:-3], "not valid JSON"),
        (lambda t: t.replace('"nights": 0.3', '"night": 0.3'), "issueWeights.night"),
        (lambda t: t.replace('"beach": 1', '"beach": 1.5'), "valueUtilities.beach: 1.5"),
        (lambda t: t.replace('"name": "holiday"', '"name": "other"'), "domain 'other'"),
        (
            lambda t: t.replace("LinearAdditiveUtilitySpace", "SumOfGroupsUtilitySpace"),
            "not additive",
        ),
        (lambda t: t.replace('"highValue": 5', '"highValue": 6'), "the range's ends"),
    ],
)
def test_bad_geniusweb_json_names_the_key_path(tmp_path: Path, edit: object, expected: str) -> None:
    folder = _copy(tmp_path, JSON)
    path = folder / "alice.json"
    path.write_text(edit(path.read_text()))  # type: ignore[operator]
    message = _problems(folder)
    assert "alice.json" in message
    assert expected in message


def test_geniusweb_weights_not_summing_to_one_get_a_note(tmp_path: Path) -> None:
    folder = _copy(tmp_path, JSON)
    _edit(folder / "alice.json", '"nights": 0.3', '"nights": 0.8')
    notes = negsim.load_scenario(folder).data["scenario"]["notes"]
    assert "alice: the weights sum to 1.5; normalised to 1" in notes


# --- properties ----------------------------------------------------------------------------


@given(data=strategies.foreign_scenario_data())
def test_genius_round_trip_property(data: dict[str, object]) -> None:
    """Random domain → GENIUS files → read: the same utilities, reservations and discounts."""
    scenario = scenario_from_data(data)
    with tempfile.TemporaryDirectory() as tmp:
        write_folder(scenario, Path(tmp) / "g", "genius")
        found = read_foreign(Path(tmp) / "g")
        after = scenario_from_data(found.scenario_data())
    np.testing.assert_allclose(_u(after), _u(scenario), atol=1e-9)
    # GENIUS's own utilities of the written files are the additive utilities too
    genius = np.column_stack([p.utilities(found.domain) for p in found.profiles])
    np.testing.assert_allclose(genius, _u(scenario), atol=1e-9)
    rounds = scenario.protocol.n_rounds  # type: ignore[attr-defined]
    for a, b in zip(after.preferences, scenario.preferences, strict=True):
        assert a.reservation == pytest.approx(b.reservation, abs=1e-12)
        # the folder is read over 100 rounds: δ_read^100 = δ^n_rounds
        assert a.discount**100 == pytest.approx(b.discount**rounds, rel=1e-9)


@given(data=strategies.foreign_scenario_data(attained_reservations=True))
def test_geniusweb_round_trip_property(data: dict[str, object]) -> None:
    """Random domain → GeniusWeb files → read: the same utilities and reservations."""
    scenario = scenario_from_data(data)
    with tempfile.TemporaryDirectory() as tmp:
        write_folder(scenario, Path(tmp) / "w", "geniusweb")
        after = negsim.load_scenario(Path(tmp) / "w")
    np.testing.assert_allclose(_u(after), _u(scenario), atol=1e-9)
    for a, b in zip(after.preferences, scenario.preferences, strict=True):
        assert a.reservation == pytest.approx(b.reservation, abs=1e-9)


def test_hierarchical_domain_in_genius_preorder(tmp_path: Path) -> None:
    """Issues under a sub-objective come first (GENIUS's pre-order); a sub-objective's own
    weight does not enter the utility (``AdditiveUtilitySpace.getUtility`` sums issues)."""
    domain = """<negotiation_template><utility_space>
      <objective index="0" type="objective" name="root">
        <issue index="3" type="integer" name="nights" lowerbound="1" upperbound="2"/>
        <objective index="1" type="objective" name="trip">
          <issue index="2" type="discrete" name="destination">
            <item index="1" value="beach"/><item index="2" value="city"/>
          </issue>
        </objective>
      </objective></utility_space></negotiation_template>"""
    profile = """<utility_space><objective index="0" type="objective" name="root">
        <weight index="1" value="0.5"/><weight index="3" value="0.6"/>
        <issue index="3" type="integer" name="nights" lowerbound="1" upperbound="2">
          <evaluator ftype="linear" slope="1" offset="0"/></issue>
        <objective index="1" type="objective" name="trip">
          <weight index="2" value="0.4"/>
          <issue index="2" type="discrete" name="destination">
            <item index="1" value="beach" evaluation="1"/>
            <item index="2" value="city" evaluation="2"/>
          </issue>
        </objective>
      </objective></utility_space>"""
    (tmp_path / "trip-domain.xml").write_text(domain)
    (tmp_path / "a.xml").write_text(profile)
    (tmp_path / "b.xml").write_text(profile)
    scenario = negsim.load_scenario(tmp_path)
    assert scenario.space.issue_names == ("destination", "nights")
    a = scenario.preferences[0]
    assert a.utility_of({"destination": "city", "nights": "2"}) == pytest.approx(1.0)
    assert a.utility_of({"destination": "beach", "nights": "1"}) == pytest.approx(0.2)


def test_writing_notes_agents_and_rounds_the_files_do_not_hold(tmp_path: Path) -> None:
    scenario = negsim.load_scenario(XML).with_overrides(
        {"parties.alice.agent": "conceder", "protocol.n_rounds": 40}
    )
    notes = write_folder(scenario, tmp_path / "out", "genius")
    assert any("40 rounds, agents for alice" in n for n in notes)


DOMAIN_XML = "holiday-domain.xml"
NIGHTS = 'etype="integer" type="integer" vtype="integer" name="nights"'
RANGE = '<range lowerbound="0" upperbound="1000"/>'


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        (DOMAIN_XML, 'name="destination"', "", "no name"),
        (DOMAIN_XML, 'name="nights"', 'name="destination"', "repeated issue name"),
        (DOMAIN_XML, 'index="2" etype="integer"', 'index="1" etype="integer"', "repeated index"),
        (DOMAIN_XML, 'value="beach" description="a beach"', "", "no value attribute"),
        (DOMAIN_XML, 'value="city"', 'value="beach"', "listed more than once"),
        (DOMAIN_XML, 'lowerbound="1"', 'lowerbound="6"', "upperbound 5 < lowerbound 6"),
        (DOMAIN_XML, 'upperbound="5"', 'upperbound="five"', "expected an integer"),
        (DOMAIN_XML, RANGE, "", "no <range>"),
        (DOMAIN_XML, RANGE, '<range lowerbound="0" upperbound="-1"/>', "<= lowerbound"),
        (DOMAIN_XML, RANGE, RANGE.replace("/>", ' resolution="300"/>'), "resolution=300"),
        (DOMAIN_XML, NIGHTS, 'type="fancy" name="nights"', "guesses discrete"),
        (DOMAIN_XML, "negotiation_template>", "template>", "0 domain files"),
        ("alice.xml", 'index="1" value="0.6"', 'index="1" value="-0.6"', "a weight >= 0"),
        ("alice.xml", '<weight index="3"', '<weight index="9" value="1"/><weight index="3"', "9"),
        ("alice.xml", '<reservation value="0.3"/>', '<reservation value="1.5"/>', "in [0, 1]"),
        ("alice.xml", NIGHTS, 'type="discrete" name="nights"', "domain's issue is 'integer'"),
        ("alice.xml", 'slope="0.25" ', "", "no 'slope' attribute"),
        ("alice.xml", 'ftype="linear" parameter0="1" parameter1="-0.001"',
         'ftype="constant" parameter0="2"', "parameter0=2"),
        ("bob.xml", 'parameter2="800"', 'parameter2="2000"', "low <= top <= high"),
        ("bob.xml", 'name="nights" lowerbound="1" upperbound="5">',
         'name="nights" lowerbound="1" upperbound="5"><evaluator ftype="linear"/>', "'slope'"),
    ],
)  # fmt: skip
def test_bad_genius_files(tmp_path: Path, name: str, old: str, new: str, expected: str) -> None:
    folder = _copy(tmp_path)
    _edit(folder / name, old, new)
    assert expected in _problems(folder)


def test_genius_variants_that_load(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _edit(folder / DOMAIN_XML, RANGE, RANGE.replace("/>", ' resolution="250"/>'))
    _edit(folder / "alice.xml", "<utility_space>", '<utility_space type="UNCERTAIN">')
    _edit(folder / "alice.xml", 'discount_factor value="0.9"', 'discount_factor value="1.5"')
    _edit(
        folder / "alice.xml",
        'ftype="linear" parameter0="1" parameter1="-0.001"',
        'ftype="constant" parameter0="0.5"',
    )
    scenario = negsim.load_scenario(folder)
    assert scenario.space.issue("budget").size == 5
    notes = scenario.data["scenario"]["notes"]
    assert "UNCERTAIN" in notes
    assert "discount_factor 1.5 discarded" in notes
    assert scenario.preferences[0].discount == 1.0


@pytest.mark.parametrize(
    ("name", "old", "new", "expected"),
    [
        ("holiday.json", '["beach", "city", "mountains"]', "[1, 2]", "array of strings"),
        ("holiday.json", '["beach", "city", "mountains"]', '["beach", "beach"]', "repeated"),
        ("holiday.json", '"step": 1', '"step": 0', "step > 0"),
        ("holiday.json", '{"values": ["beach", "city", "mountains"]}', "{}", "neither 'values'"),
        ("holiday.json", '"name": "holiday"', '"name": 3', "name: got a number"),
        ("alice.json", '"valueUtilities"', '"values"', "valueUtilities: missing"),
        ("alice.json", '"beach": 1,', '"beach": "x",', "valueUtilities.beach"),
        ("alice.json", '"numberutils"', '"discreteutils"', "for a number issue"),
        ("alice.json", '"nights": 3', '"nights": 9', "9 is not a value"),
        ("alice.json", '"destination": "city"', '"dest": "city"', "issuevalues.dest"),
        ("alice.json", '"LinearAdditiveUtilitySpace"', '"Other"', "skipped alice.json: neither"),
    ],
)  # fmt: skip
def test_bad_geniusweb_files(tmp_path: Path, name: str, old: str, new: str, expected: str) -> None:
    folder = _copy(tmp_path, JSON)
    _edit(folder / name, old, new)  # the domain file is read first, so its errors come first
    assert expected in _problems(folder)


def test_geniusweb_variants_that_load(tmp_path: Path) -> None:
    folder = _copy(tmp_path, JSON)
    _edit(folder / "holiday.json", '{"low": 1, "high": 5, "step": 1}', "[1, 5, 1]")
    for name in ("alice.json", "bob.json"):  # their embedded domain, as the domain file
        _edit(folder / name, '"domain": {', '"nodomain": {')
    scenario = negsim.load_scenario(folder)
    assert scenario.space.issue("nights").kind == "integer"
    assert "LinearAdditiveUtilitySpace.nodomain ignored" in scenario.data["scenario"]["notes"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'{"name": NaN}', "NaN is not a JSON number"),
        (b'{"name": "\xff"}', "not UTF-8"),
        (b"[" * 40 + b"]" * 40, "nested more than"),
        (b'{"a": 1,}', "not valid JSON"),
    ],
)
def test_hostile_or_broken_json(data: bytes, expected: str) -> None:
    from negsim.formats import geniusweb

    with pytest.raises(ScenarioError, match=expected):
        geniusweb.parse_json(data, "x.json")


def test_oversized_file_refused_before_reading(tmp_path: Path) -> None:
    from negsim.formats.safexml import MAX_XML_BYTES

    folder = _copy(tmp_path)
    with (folder / "alice.xml").open("ab") as handle:
        handle.truncate(MAX_XML_BYTES + 1)
    message = _problems(folder)
    assert "alice.xml" in message
    assert f"at most {MAX_XML_BYTES:,} bytes" in message


# --- bad input, element by element (inline fixtures, read with the format modules) -------

OBJ = '/negotiation_template/utility_space/objective[@index="0"]'


def _domain_error(body: str) -> str:
    from negsim.formats import genius

    text = f'<negotiation_template><utility_space><objective index="0" name="h">\n{body}'
    with pytest.raises(ScenarioError) as caught:
        genius.read_domain(
            f"{text}</objective></utility_space></negotiation_template>".encode(), "d.xml"
        )
    return str(caught.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", f'd.xml: {OBJ} (line 1): no issues (expected at least one <issue>)'),
        ('<issue index="1" name="a" type="discrete"/>',
         'issue[@index="1"] (line 2): no <item> values (expected at least one <item value=...>)'),
        ('<issue index="1" name="r" type="real"><range lowerbound="0"/></issue>',
         "range (line 2): no 'upperbound' attribute (expected a number)"),
        ('<issue index="1" name="r" type="real"><range lowerbound="-inf" upperbound="1"/></issue>',
         "range (line 2): lowerbound='-inf' (expected a finite number)"),
        ('<issue index="1" name="r" type="real">'
         '<range lowerbound="0" upperbound="1" resolution="fine"/></issue>',
         "range (line 2): resolution='fine' (expected a number)"),
        ('<issue index="1" name="r" type="real">'
         '<range lowerbound="0" upperbound="1e9" resolution="1"/></issue>',
         "range (line 2): 1,000,000,001 values (expected at most 10,000,000)"),
        ('<issue index="1" name="a" type="integer" lowerbound="1" upperbound="1000"/>\n'
         '<issue index="2" name="b" type="integer" lowerbound="1" upperbound="1000"/>\n'
         '<issue index="3" name="c" type="integer" lowerbound="1" upperbound="1000"/>',
         f"d.xml: {OBJ} (line 1): 1,000,000,000 outcomes (1000 x 1000 x 1000) "
         "(expected at most 10,000,000)"),
    ],
)  # fmt: skip
def test_bad_genius_domain_elements(body: str, expected: str) -> None:
    assert expected in _domain_error(body)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"<template/>",
         "d.xml: /template (line 1): root <template> (expected <negotiation_template>)"),
        (b"<negotiation_template/>", "d.xml: /negotiation_template (line 1): no <utility_space> "
         "(expected the domain's <utility_space>)"),
        (b"<negotiation_template><utility_space/></negotiation_template>",
         "d.xml: /negotiation_template/utility_space (line 1): no <objective> "
         "(expected the root <objective> of the domain)"),
    ],
)  # fmt: skip
def test_bad_genius_domain_structure(text: bytes, expected: str) -> None:
    from negsim.formats import genius

    with pytest.raises(ScenarioError) as caught:
        genius.read_domain(text, "d.xml")
    assert expected in str(caught.value)


PROFILE_OBJ = '/utility_space/objective[@index="0"]'


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('<reservation value="0.3"/>', "<reservation/>",
         "/utility_space/reservation (line 23): no 'value' attribute (expected a number)"),
        ('<discount_factor value="0.9"/>', "<discount_factor/>",
         "/utility_space/discount_factor (line 22): no 'value' attribute (expected a number)"),
        ('<weight index="3" value="0.1"/>', '<weight index="three" value="0.1"/>',
         "weight[@index=\"three\"] (line 20): index='three' (expected an integer)"),
        ('<issue index="3"', '<issue index="x"',
         "issue[@index=\"x\"] (line 14): index='x' (expected an integer)"),
        ('<issue index="3"', '<issue index="7"',
         'issue[@index="7"] (line 14): issue index 7 is not in the domain (expected a profile of '
         "this domain)"),
        ('parameter0="1" parameter1="-0.001"', 'parameter0="1"',
         "evaluator (line 16): no 'parameter1' attribute (expected a number)"),
        ('ftype="linear" parameter0="1" parameter1="-0.001"', 'ftype="constant"',
         "evaluator (line 16): no 'parameter0' attribute (expected a number)"),
        ('ftype="linear" parameter0="1" parameter1="-0.001"',
         'ftype="triangular" parameter0="0" parameter1="1000"',
         "evaluator (line 16): no 'parameter2' attribute (expected a number)"),
        ('<item index="2" value="city" evaluation="2"/>', '<item index="2" evaluation="2"/>',
         "issue[@index=\"1\"]/item[@index=\"2\"] (line 8): no value attribute (expected the "
         "value's label)"),
    ],
)  # fmt: skip
def test_bad_genius_profile_elements(tmp_path: Path, old: str, new: str, expected: str) -> None:
    folder = _copy(tmp_path)
    _edit(folder / "alice.xml", old, new)
    assert expected in _problems(folder)


def test_genius_profile_without_an_issue_evaluator(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    text = (folder / "alice.xml").read_text()
    start, end = text.index('<issue index="3"'), text.index("</issue>", text.index('name="budget"'))
    (folder / "alice.xml").write_text(text[:start] + text[end + len("</issue>") :])
    message = _problems(folder)
    assert (
        f"alice.xml: {PROFILE_OBJ} (line 5): no evaluator (<issue index=\"3\">) for 'budget' "
        "(expected one per issue)"
    ) in message


def test_genius_profile_root_is_checked() -> None:
    from negsim.formats import genius

    domain, indices = genius.read_domain((XML / DOMAIN_XML).read_bytes(), "d.xml")
    with pytest.raises(ScenarioError) as caught:
        genius.read_profile(b"<profile/>", "p.xml", domain, indices, "p")
    assert "p.xml: /profile (line 1): root <profile> (expected <utility_space>)" in str(
        caught.value
    )


def _json_domain_error(issues_values: object) -> str:
    import json

    from negsim.formats import geniusweb

    data = json.dumps({"name": "h", "issuesValues": issues_values}).encode()
    with pytest.raises(ScenarioError) as caught:
        geniusweb.read_domain(data, "d.json")
    return str(caught.value)


def _range(low: float, high: float, step: float = 1) -> dict[str, object]:
    return {"range": {"low": low, "high": high, "step": step}}


@pytest.mark.parametrize(
    ("issues_values", "expected"),
    [
        ([1], "d.json: issuesValues: got an array (expected an object)"),
        ({}, "d.json: issuesValues: no issues (expected at least one issue)"),
        ({k: _range(1, 1000) for k in "abc"},
         "d.json: issuesValues: 1,000,000,000 outcomes (expected at most 10,000,000)"),
        ({"n": {"range": {"high": 5, "step": 1}}}, "d.json: issuesValues.n.range.low: missing"),
        ({"n": _range(0, 1e9)},
         "d.json: issuesValues.n.range: 1,000,000,001 values (expected at most 10,000,000)"),
        ({"n": _range(0.5, 0.5)},
         "d.json: issuesValues.n.range: a single value (expected low < high)"),
    ],
)  # fmt: skip
def test_bad_geniusweb_domain_value_sets(issues_values: object, expected: str) -> None:
    assert expected in _json_domain_error(issues_values)


SPACE = "LinearAdditiveUtilitySpace"


def _issues_values(a: dict[str, Any]) -> dict[str, Any]:
    return a[SPACE]["domain"]["issuesValues"]  # type: ignore[no-any-return]


def _utilities(a: dict[str, Any]) -> dict[str, Any]:
    return a[SPACE]["issueUtilities"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (lambda a: a.update(x=1),
         "a.json: (top level): top-level key(s) 'LinearAdditiveUtilitySpace', 'x' "
         "(expected one of LinearAdditiveUtilitySpace)"),
        (lambda a: _issues_values(a).update(dest=_issues_values(a).pop("destination")),
         "a.json: LinearAdditiveUtilitySpace.domain: issues ['nights', 'dest'], the domain "
         "file's are ['destination', 'nights'] (expected a profile of the folder's domain)"),
        (lambda a: _issues_values(a)["destination"].update(values=["beach", "city"]),
         "a.json: LinearAdditiveUtilitySpace.domain: issue 'destination' has other values than "
         "in the domain file (expected a profile of the folder's domain)"),
        (lambda a: a[SPACE]["domain"].update(issuesValues={}),
         "a.json: LinearAdditiveUtilitySpace.domain.issuesValues: no issues "
         "(expected at least one issue)"),
        (lambda a: a[SPACE]["issueWeights"].update(nights=-0.3),
         "a.json: LinearAdditiveUtilitySpace.issueWeights.nights: -0.3 (expected a weight >= 0)"),
        (lambda a: _utilities(a)["destination"]["discreteutils"]["valueUtilities"].update(moon=0),
         "a.json: LinearAdditiveUtilitySpace.issueUtilities.destination.discreteutils."
         "valueUtilities.moon: not a value of the issue "
         "(expected one of ['beach', 'city', 'mountains'])"),
        (lambda a: _utilities(a).update(destination=_utilities(a)["nights"]),
         "a.json: LinearAdditiveUtilitySpace.issueUtilities.destination: number utilities for a "
         "discrete issue (expected discreteutils)"),
        (lambda a: _utilities(a)["nights"]["numberutils"].pop("lowUtility"),
         "a.json: LinearAdditiveUtilitySpace.issueUtilities.nights.numberutils.lowUtility: "
         "missing"),
        (lambda a: _utilities(a).update(nights={"piecewise": {}}),
         "a.json: LinearAdditiveUtilitySpace.issueUtilities.nights: neither 'discreteutils' nor "
         "'numberutils' (expected discreteutils or numberutils)"),
    ],
)  # fmt: skip
def test_bad_geniusweb_profile_keys(edit: object, expected: str) -> None:
    import json

    from negsim.formats import geniusweb

    domain = geniusweb.read_domain((JSON / "holiday.json").read_bytes(), "d.json")
    profile = json.loads((JSON / "alice.json").read_text())
    edit(profile)  # type: ignore[operator]
    with pytest.raises(ScenarioError) as caught:
        geniusweb.read_profile(json.dumps(profile).encode(), "a.json", domain, "alice")
    assert expected in str(caught.value)


def _key_paths(value: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if not isinstance(value, dict):
        return []
    return [p for k, v in value.items() for p in [(*prefix, k), *_key_paths(v, (*prefix, k))]]


def _spoiled(document: Any, path: tuple[str, ...], spoil: object) -> Any:
    import copy

    document = copy.deepcopy(document)
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if spoil == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = spoil
    return document


def _overlaps(paths: list[str]) -> list[tuple[str, str]]:
    """Pairs of problem paths that are the same key, or one under the other."""
    return [
        (a, b)
        for i, a in enumerate(paths)
        for b in paths[i + 1 :]
        if a == b or b.startswith(f"{a}.") or a.startswith(f"{b}.")
    ]


@pytest.mark.parametrize("file", ["alice.json", "holiday.json"])
def test_geniusweb_problems_are_reported_once(file: str) -> None:
    """Every key deleted, or given a value of the wrong type: each problem is reported once,
    at its key path, and nothing under a key already reported (a missing ``lowUtility``
    was reported missing and then again as ``got null``; an ``issueWeights`` that is not an
    object, again as each issue's weight missing)."""
    import json

    from negsim.formats import geniusweb

    domain = geniusweb.read_domain((JSON / "holiday.json").read_bytes(), "d.json")
    document = json.loads((JSON / file).read_text())

    def reported(data: bytes) -> list[str] | None:
        """The problems' key paths, ``None`` if the file reads."""
        try:
            if file == "holiday.json":
                geniusweb.read_domain(data, file)
            else:
                geniusweb.read_profile(data, file, domain, "alice")
        except ScenarioError as error:
            return [p.path for p in error.problems]
        return None

    paths = _key_paths(document)
    assert len(paths) >= 9
    refused = 0
    for path in paths:
        for spoil in ("delete", 7, "x", [], None):
            problems = reported(json.dumps(_spoiled(document, path, spoil)).encode())
            if problems is not None:
                refused += 1
                assert not _overlaps(problems), (path, spoil, problems)
    assert refused > 2 * len(paths)


@pytest.mark.parametrize(
    ("issue", "utilities", "expected"),
    [
        ("nights", {"discreteutils": []}, "discrete utilities for a number issue"),
        ("destination", {"numberutils": {}}, "number utilities for a discrete issue"),
    ],
)
def test_geniusweb_utilities_of_the_wrong_kind_are_one_problem(
    issue: str, utilities: dict[str, Any], expected: str
) -> None:
    """Utilities of the wrong kind for the issue are that one problem, not also what is
    wrong inside them."""
    import json

    from negsim.formats import geniusweb

    domain = geniusweb.read_domain((JSON / "holiday.json").read_bytes(), "d.json")
    profile = json.loads((JSON / "alice.json").read_text())
    _utilities(profile)[issue] = utilities
    with pytest.raises(ScenarioError) as caught:
        geniusweb.read_profile(json.dumps(profile).encode(), "a.json", domain, "alice")
    assert len(caught.value.problems) == 1
    assert expected in str(caught.value)


def test_geniusweb_missing_low_utility_is_reported_once() -> None:
    import json

    from negsim.formats import geniusweb

    domain = geniusweb.read_domain((JSON / "holiday.json").read_bytes(), "d.json")
    profile = json.loads((JSON / "alice.json").read_text())
    del _utilities(profile)["nights"]["numberutils"]["lowUtility"]
    with pytest.raises(ScenarioError) as caught:
        geniusweb.read_profile(json.dumps(profile).encode(), "a.json", domain, "alice")
    assert str(caught.value) == (
        "1 problem(s)\n"
        "a.json: LinearAdditiveUtilitySpace.issueUtilities.nights.numberutils.lowUtility: missing"
    )


def test_geniusweb_number_utilities_of_a_one_value_issue_are_refused() -> None:
    import json

    from negsim.formats import geniusweb

    domain = geniusweb.read_domain(
        json.dumps({"name": "h", "issuesValues": {"n": _range(3, 3)}}).encode(), "d.json"
    )
    assert domain.issues[0].kind == "integer"
    assert domain.issues[0].size == 1
    utilities = {"lowValue": 3, "lowUtility": 0, "highValue": 3, "highUtility": 1}
    profile = {
        SPACE: {"issueUtilities": {"n": {"numberutils": utilities}}, "issueWeights": {"n": 1}}
    }
    with pytest.raises(ScenarioError) as caught:
        geniusweb.read_profile(json.dumps(profile).encode(), "a.json", domain, "a")
    assert (
        "a.json: LinearAdditiveUtilitySpace.issueUtilities.n.numberutils: highValue 3.0 <= "
        "lowValue 3.0 (expected highValue > lowValue)"
    ) in str(caught.value)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "x.json: (top level): nested too deeply"),
        (b" " * (8 * 1024 * 1024 + 1),
         "x.json: (top level): 8,388,609 bytes (expected at most 8,388,608 bytes)"),
    ],
)  # fmt: skip
def test_json_too_deep_for_the_parser_or_too_large(data: bytes, expected: str) -> None:
    from negsim.formats import geniusweb

    with pytest.raises(ScenarioError) as caught:
        geniusweb.parse_json(data, "x.json")
    assert expected in str(caught.value)


# --- folders: shapes, targets, writer corners ------------------------------------------------


def test_a_file_is_not_a_folder() -> None:
    with pytest.raises(ScenarioError) as caught:
        read_foreign(XML / "alice.xml")
    message = str(caught.value)
    assert f"{XML / 'alice.xml'}: (top level): cannot read the folder:" in message
    assert "Not a directory" in message


def test_too_many_files_refused_before_reading(tmp_path: Path) -> None:
    from negsim.formats.folder import MAX_FOLDER_FILES

    for i in range(MAX_FOLDER_FILES + 1):
        (tmp_path / f"p{i}.xml").touch()
    message = _problems(tmp_path)
    assert (
        f"{tmp_path}: (top level): {MAX_FOLDER_FILES + 1:,} XML/JSON files "
        f"(expected at most {MAX_FOLDER_FILES})"
    ) in message


def test_json_files_neither_domain_nor_profile_are_skipped_with_a_note(tmp_path: Path) -> None:
    folder = _copy(tmp_path, JSON)
    (folder / "list.json").write_text("[1, 2]")
    (folder / "meta.json").write_text('{"author": "x", "year": 2020}')
    scenario = negsim.load_scenario(folder)
    notes = scenario.data["scenario"]["notes"].splitlines()
    assert "skipped list.json: neither a domain nor a profile" in notes
    assert "skipped meta.json: neither a domain nor a profile" in notes
    assert scenario.names == ("alice", "bob")


def test_a_profile_whose_weights_are_all_zero(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    for index in (1, 2, 3):
        text = (folder / "alice.xml").read_text()
        start = text.index(f'<weight index="{index}" value="')
        end = text.index("/>", start)
        (folder / "alice.xml").write_text(
            text[:start] + f'<weight index="{index}" value="0"' + text[end:]
        )
    message = _problems(folder)
    assert f"{folder}: (top level): alice: every weight is 0 (expected a positive weight)" in (
        message
    )


def test_writer_and_target_arguments_are_checked(tmp_path: Path) -> None:
    from negsim.errors import NegsimError
    from negsim.formats.folder import target_format

    with pytest.raises(NegsimError, match=r"^kind 'toml': expected 'genius' or 'geniusweb'$"):
        write_folder(negsim.load_scenario(XML), tmp_path / "out", "toml")
    assert not (tmp_path / "out").exists()
    with pytest.raises(NegsimError, match=r"^format 'csv': expected one of toml, genius"):
        target_format(tmp_path / "out", "csv")
    with pytest.raises(NegsimError, match=r"a folder \(expected a \.toml file name\)$"):
        convert(XML, tmp_path, "toml")


def test_unattainable_reservation_becomes_the_best_bid(tmp_path: Path) -> None:
    import json

    folder = _copy(tmp_path)
    # bob's weights sum to 0.8 and GENIUS caps nothing below: his best outcome is worth 0.8
    _edit(folder / "bob.xml", '<reservation value="0.1"/>', '<reservation value="0.95"/>')
    notes = convert(folder, tmp_path / "web", "geniusweb")
    assert (
        "bob: GeniusWeb reservations are bids: reservation 0.95 became the bid of utility 0.8"
    ) in notes
    bob = json.loads((tmp_path / "web" / "bob.json").read_text())
    bid = bob["LinearAdditiveUtilitySpace"]["reservationBid"]["issuevalues"]
    assert bid == {"destination": "city", "nights": 1, "budget": "800"}


def test_party_keys_from_file_names_are_valid_and_unique(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    shutil.copy(folder / "alice.xml", folder / "2 alice.xml")
    shutil.copy(folder / "bob.xml", folder / "bob!.xml")
    scenario = negsim.load_scenario(folder)
    # "2 alice" -> "2_alice" starts with a digit -> "p2_alice"; "bob!" -> "bob", taken -> "bob_2"
    assert sorted(scenario.data["parties"]) == ["alice", "bob", "bob_2", "p2_alice"]
