"""The one results convention of negsim.spatial, honest Monte Carlo spread, notebook views."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import actor_data

import negsim
from negsim.display import MAX_REPR
from negsim.errors import NegsimError, ValidationError
from negsim.results import NegotiationResult
from negsim.spatial import (
    KTAB,
    ActorData,
    ActorDataError,
    Forecast,
    MonteCarlo,
    Perturbation,
    ResultFileError,
    SpreadCheck,
    Stokman,
    WhatIf,
    exchange_candidates,
    load_actor_data,
    make_model,
    monte_carlo,
    perturb,
    read_actor_csv,
    tied_groups,
    what_if,
)

MODELS = negsim.spatial.MODELS.names()
SMALL = ActorData(["a", "b", "c", "d"], [1, 2, 1, 3], [0, 40, 40, 100], [90, 50, 60, 70])


# --- equality, read-only arrays, JSON round trips ---


@pytest.mark.parametrize("name", MODELS)
def test_forecasts_compare_by_value_not_identity(name: str) -> None:
    model = make_model(name)
    first, again = model.run(SMALL, 3), model.run(SMALL, 3)
    assert first is not again
    assert first == again
    moved = attrs.evolve(SMALL, positions=np.add(SMALL.positions, [[1], [0], [0], [0]]))
    assert model.run(moved, 3) != first


@given(data=actor_data(max_actors=6), name=st.sampled_from(MODELS), rounds=st.integers(0, 3))
def test_every_forecast_round_trips_through_json(data: ActorData, name: str, rounds: int) -> None:
    forecast = make_model(name).run(data, rounds)
    assert Forecast.from_json(forecast.to_json()) == forecast
    assert Forecast.from_dict(json.loads(forecast.to_json())) == forecast
    light = Forecast.from_json(forecast.to_json(detail=False))
    assert light == attrs.evolve(forecast, detail=())
    assert not light.positions.flags.writeable


def test_monte_carlo_and_what_if_round_trip_and_are_read_only(tmp_path: Path) -> None:
    result = monte_carlo(SMALL, make_model("bdm"), rounds=2, draws=6, rng=3)
    path = tmp_path / "mc.json"
    result.to_json(path)
    assert MonteCarlo.from_json(path) == result
    assert not result.draws.flags.writeable
    assert result.check is not None
    assert not result.check.low.flags.writeable
    sweep = what_if(SMALL, make_model("stokman"), ["a"], values=[0, 50, 100], rounds=2)
    assert WhatIf.from_json(sweep.to_json()) == sweep
    for array in (sweep.positions, sweep.values, sweep.forecasts):
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1.0
    assert sweep != attrs.evolve(sweep, forecasts=sweep.forecasts + 1)


def test_results_record_their_provenance() -> None:
    data = load_actor_data("kurils-actors-2016")
    forecast = make_model("bdm", probability="pair").run(data, 2)
    assert forecast.provenance == negsim.spatial.Provenance(
        "bdm", forecast.options, None, negsim.__version__, "kurils-actors-2016"
    )
    assert forecast.provenance.options["probability"] == "pair"
    result = monte_carlo(data, make_model("ktab"), draws=4, rng=9)
    assert (result.provenance.seed, result.provenance.source) == (9, "kurils-actors-2016")
    sweep = what_if(data, make_model("stokman"), ["Japan"], values=[0, 100], rounds=2)
    assert (sweep.provenance.model, sweep.provenance.seed, sweep.rounds) == ("stokman", None, 2)
    path = (Path(negsim.__file__).parent / "scenarios" / "kurils-actors-2016.csv").resolve()
    assert read_actor_csv(path).source == str(path)


def test_every_result_writes_tidy_csv(tmp_path: Path) -> None:
    forecast = make_model("stokman").run(SMALL, 2)
    assert forecast.to_csv(tmp_path / "f.csv") == (tmp_path / "f.csv").read_text("utf-8")
    assert forecast.positions_csv().splitlines()[0] == "round,dimension,actor,position"
    result = monte_carlo(SMALL, make_model("bdm"), rounds=1, draws=3, rng=1)
    assert result.to_csv().splitlines()[0] == "draw,round,dimension,forecast"
    assert len(result.to_csv().splitlines()) == 1 + 3 * 2
    sweep = what_if(SMALL, make_model("bdm"), ["a", "b"], values=[0, 100], rounds=1)
    assert sweep.to_csv().splitlines() == [
        "dimension,actor,position,forecast",
        *(f"dim1,{a},{v},{float(f)!r}" for a, row in zip("ab", sweep.forecasts, strict=True)
          for v, f in zip((0.0, 100.0), row, strict=True)),
    ]  # fmt: skip


# --- malformed files ---


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda r: r.pop("positions"), r"f\.json: positions: missing"),
        (lambda r: r.update(colour=1), r"f\.json: colour: unknown key"),
        (lambda r: r.update({"$type": "Nonsense"}), r"\$type: 'Nonsense', expected 'Forecast'"),
        (lambda r: r["data"].update(capability=[1, -1, 1, 1]), r"f\.json: data: capability"),
        (lambda r: r["detail"][0].update({"$type": "Nope"}), r"detail\[0\]\.\$type: unknown"),
        (lambda r: r["detail"][0].pop("rounds"), r"f\.json: detail\[0\]\.rounds: missing"),
        (lambda r: r.update(format=99), r"f\.json: format: 99"),
    ],
)
def test_a_malformed_result_file_names_file_and_key(
    edit: object, message: str, tmp_path: Path
) -> None:
    record = make_model("bdm").run(SMALL, 1).to_dict()
    edit(record)  # type: ignore[operator]
    path = tmp_path / "f.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(ResultFileError, match=message):
        Forecast.from_json(path)


def test_bad_json_and_missing_files_are_named(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"model": "bdm",\n  oops}', encoding="utf-8")
    with pytest.raises(NegsimError, match=r"bad\.json:2:3: not valid JSON"):
        Forecast.from_json(path)
    with pytest.raises(NegsimError, match=r"nowhere\.json: cannot read it"):
        MonteCarlo.from_json(tmp_path / "nowhere.json")
    with pytest.raises(NegsimError, match=r"bad\.json:2:3: not valid JSON"):
        NegotiationResult.from_json(path)


def test_a_malformed_negotiation_result_names_the_key(tmp_path: Path) -> None:
    scenario = negsim.load_scenario("split-the-pie")
    record = json.loads(scenario.run(rng=1).result.to_json())
    del record["rounds"][1]["offer"]
    path = tmp_path / "run.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(NegsimError, match=r"run\.json: rounds\[1\]\.offer: missing"):
        NegotiationResult.from_json(path)
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(NegsimError, match=r"run\.json: \(top level\): got list"):
        NegotiationResult.from_json(path)


# --- every problem of an actor file at once ---


def test_actor_data_errors_list_every_problem_with_row_and_column() -> None:
    text = "Actor,Capability,Position,Salience\nA,-1,x,200\nB,1,4\nA,2,5,50\n,1,5,50\n"
    with pytest.raises(ActorDataError) as caught:
        read_actor_csv("t.csv", text=text)
    lines = str(caught.value).splitlines()
    assert lines[0] == "6 problems"
    assert lines[1:] == [
        "t.csv:2:Capability: -1 is negative (expected >= 0)",
        "t.csv:2:Position: 'x' is not a number",
        "t.csv:2:Salience: 200 is above 100 (saliences are 0–100)",
        "t.csv:3: 3 columns, expected 4 (Actor,Capability,Position,Salience)",
        "t.csv:4:Actor: 'A' appears twice (names are unique)",
        "t.csv:5:Actor: the actor has no name",
    ]
    assert [(p.row, p.column) for p in caught.value.problems][:2] == [
        (2, "Capability"),
        (2, "Position"),
    ]


def test_ktab_files_report_every_problem_too() -> None:
    text = (
        "case,,3,2\nActor,Description,Power,p,Sal_p,q,Sal_q\n"
        "A,,1,10,50,abc,50\nB,,-2,10,50,20,101\n"
    )
    with pytest.raises(ActorDataError) as caught:
        read_actor_csv("k.csv", text=text)
    assert [p.format("k.csv") for p in caught.value.problems] == [
        "k.csv: 2 actor rows, but row 1 says 3",
        "k.csv:3:q: 'abc' is not a number",
        "k.csv:4:Power: -2 is negative (expected >= 0)",
        "k.csv:4:Sal_q: 101 is above 100 (saliences are 0–100)",
    ]


def test_one_problem_is_one_line() -> None:
    with pytest.raises(ActorDataError, match=r"^o\.csv:3:Position: 'x' is not a number$"):
        read_actor_csv("o.csv", text="Actor,Capability,Position,Salience\nA,1,4,8\nB,1,x,4\n")


# --- options: attrs validators, one way ---


def test_model_options_are_validated_by_their_fields() -> None:
    assert KTAB(pce="Markov-Incentive", voting="PROP").pce == "markov_incentive"
    assert KTAB(voting="PROP").voting == "proportional"
    with pytest.raises(ValidationError, match=r"^risk_range: 'huge' \(expected"):
        KTAB(risk_range="huge")
    with pytest.raises(ValidationError, match=r"^rule: 'best'"):
        Stokman(rule="best")
    with pytest.raises(ValidationError, match=r"^at_forecast:"):
        attrs.evolve(Stokman(), at_forecast="inside")
    with pytest.raises(ValidationError, match=r"^salience_scale:"):
        exchange_candidates(SMALL, salience_scale=0)
    with pytest.raises(ValidationError, match=r"^keep_ties: 1"):
        Perturbation(keep_ties=1)  # type: ignore[arg-type]


# --- rng and ties ---


def test_perturb_takes_the_one_rng_argument() -> None:
    by_int = perturb(SMALL, Perturbation(), rng=4)
    assert perturb(SMALL, Perturbation(), rng=4) == by_int
    generator = np.random.default_rng(4)
    assert perturb(SMALL, rng=generator) != perturb(SMALL, rng=generator)  # the stream moves
    assert perturb(SMALL, rng=None).names == SMALL.names
    with pytest.raises(ValidationError, match="rng"):
        perturb(SMALL, rng="seven")  # type: ignore[arg-type]


@given(data=actor_data(), seed=st.integers(0, 2**32))
def test_keep_ties_keeps_tied_actors_tied(data: ActorData, seed: int) -> None:
    kept = perturb(data, Perturbation(0.2, 0.2, 0.5, keep_ties=True), rng=seed)
    for k in range(data.n_dimensions):
        x, y = data.positions[:, k], kept.positions[:, k]
        same = x[:, None] == x[None, :]
        assert (y[:, None] == y[None, :])[same].all()
    loose = perturb(data, Perturbation(0.2, 0.2, 0.5), rng=seed)
    np.testing.assert_array_equal(kept.saliences, loose.saliences)  # the same stream otherwise
    np.testing.assert_array_equal(kept.capability, loose.capability)


def test_tied_groups_are_found() -> None:
    data = load_actor_data("kurils-actors-2016")
    assert tied_groups(data) == (
        ("Japan", "Japanese public", "Nemuro"),
        ("Russian public", "Island residents"),
    )
    assert tied_groups(load_actor_data("tests/data/bdm_eu_emission_standards.csv")) != ()


# --- honest spread: the Kurils 2016 case of issue 13 ---


@pytest.fixture(scope="module")
def kurils_ktab() -> tuple[MonteCarlo, MonteCarlo]:
    # KTAB's first turn (rounds=0): the election over the stated positions, where tied actors
    # are split by independent noise (docs/explanation/monte-carlo-ties.md)
    data = load_actor_data("kurils-actors-2016")
    loose = monte_carlo(data, make_model("ktab"), rounds=0, draws=200, rng=1)
    kept = monte_carlo(
        data,
        make_model("ktab"),
        rounds=0,
        draws=200,
        rng=1,
        perturbation=Perturbation(keep_ties=True),
    )
    return loose, kept


def test_a_band_that_excludes_its_baseline_says_so_and_why(
    kurils_ktab: tuple[MonteCarlo, MonteCarlo],
) -> None:
    loose, _ = kurils_ktab
    check = loose.check
    assert check is not None
    territory = 0
    assert check.outside[territory]  # 30.4 against a band of about 32–48
    assert check.baseline[territory] < check.low[territory]
    assert check.jumps.all()  # noise 100 times smaller already moves KTAB's forecast
    assert check.tiny_sd[territory] > 1.0
    warnings = loose.warnings()
    assert warnings[0].startswith("territory: the unperturbed forecast 30.42 lies outside")
    assert "discontinuous" in warnings[0]
    assert "Japan = Japanese public = Nemuro" in warnings[-1]
    assert "--keep-ties" in warnings[-1]
    assert "Warning: territory:" in loose.summary()
    assert not check.honest


def test_keeping_ties_centres_the_band_on_the_baseline(
    kurils_ktab: tuple[MonteCarlo, MonteCarlo],
) -> None:
    loose, kept = kurils_ktab
    assert kept.check is not None
    assert kept.check.honest
    assert kept.warnings() == ()
    final = kept.draws[:, -1, 0]
    baseline = kept.baseline.forecast[-1, 0]
    assert abs(np.median(final) - baseline) < 2.0 < abs(np.median(loose.draws[:, -1, 0]) - baseline)
    assert kept.check.tiny_sd.max() < 0.1  # tied actors together: the model is smooth here


def test_a_smooth_model_passes_the_check() -> None:
    data = load_actor_data("kurils-actors-2016")
    result = monte_carlo(data, make_model("stokman"), rounds=0, draws=50, rng=2)
    assert result.check is not None
    assert not result.check.jumps.any()
    assert result.warnings() == ()


def test_the_check_changes_no_draw_and_can_be_skipped() -> None:
    with_check = monte_carlo(SMALL, make_model("bdm"), rounds=2, draws=10, rng=5)
    without = monte_carlo(SMALL, make_model("bdm"), rounds=2, draws=10, rng=5, check=False)
    np.testing.assert_array_equal(with_check.draws, without.draws)
    assert without.check is None
    assert without.warnings() == ()
    assert with_check.check is not None
    assert SpreadCheck.from_json(with_check.check.to_json()) == with_check.check


# --- notebook views ---


def _results() -> list[object]:
    data = load_actor_data("kurils-actors-2016")
    forecasts = [make_model(name).run(data, 2) for name in MODELS]
    details = [part for f in forecasts for part in f.detail]
    montecarlo = monte_carlo(data, make_model("bdm"), rounds=2, draws=5, rng=1)
    sweep = what_if(data, make_model("bdm"), ["Japan"], values=[0, 100], rounds=2)
    return [data, *forecasts, *details, montecarlo, montecarlo.check, sweep, sweep.provenance]


def test_every_spatial_result_has_a_short_repr_and_an_html_table() -> None:
    for result in _results():
        text = repr(result)
        assert len(text) <= MAX_REPR, text
        assert text.startswith(type(result).__name__ + "(")
        if hasattr(result, "_repr_html_"):
            assert "<table>" in result._repr_html_()


def test_forecasts_monte_carlo_and_what_if_draw_pictures() -> None:
    data = load_actor_data("kurils-actors-2016")
    pictures = [
        make_model("bdm").run(data, 3)._repr_png_(),
        make_model("ktab").run(data)._repr_png_(),
        monte_carlo(data, make_model("bdm"), rounds=2, draws=5, rng=1)._repr_png_(),
        what_if(data, make_model("bdm"), ["Japan"], values=[0, 100], rounds=2)._repr_png_(),
    ]
    for png in pictures:
        assert png is not None
        assert png.startswith(b"\x89PNG")
    assert make_model("stokman").run(data, 0)._repr_png_() is None  # nothing to draw


def test_the_big_forecast_repr_is_short() -> None:
    # issue 12: repr() of a forecast was 264,039 characters
    data = load_actor_data("kurils-actors-2018-2019")
    assert len(repr(make_model("bdm").run(data, 10))) <= MAX_REPR


# --- the command line ---


def test_keep_ties_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from negsim.cli import main

    argv = ["forecast", "kurils-actors-2016", "--model", "ktab", "--rounds", "0"]
    argv += ["--montecarlo", "60"]
    assert main([*argv, "--seed", "1", "--no-plots", "--out", str(tmp_path / "a")]) == 0
    assert "Warning: territory: the unperturbed forecast" in capsys.readouterr().out
    assert main([*argv, "--keep-ties", "--no-plots", "--out", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "tied actors kept together" in out
    assert "Warning" not in out
    record = MonteCarlo.from_json(tmp_path / "b" / "montecarlo.json")
    assert record.perturbation.keep_ties


def test_a_result_file_that_is_not_a_record_is_named(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ResultFileError, match=r"f\.json: \(top level\): got list, expected a"):
        Forecast.from_json(path)


@pytest.mark.parametrize(("written", "shown"), [(None, "nan"), ("inf", "inf")])
def test_a_float_written_as_null_or_inf_is_read_back_as_such(
    written: str | None, shown: str, tmp_path: Path
) -> None:
    """``null`` and ``"inf"`` are how a float field's NaN and infinity are written: read back,
    they reach the validator as the numbers (here refused: a spread must be finite)."""
    record = monte_carlo(SMALL, make_model("bdm"), rounds=1, draws=2, rng=1).to_dict()
    record["perturbation"]["position_sd"] = written
    path = tmp_path / "m.json"
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(
        ResultFileError,
        match=rf"m\.json: perturbation: position_sd: {shown} \(expected a finite number >= 0\)",
    ):
        MonteCarlo.from_json(path)


def test_provenance_is_plain_data() -> None:
    forecast = make_model("bdm").run(SMALL, 1)
    plain = forecast.provenance.to_dict()
    assert plain["model"] == "bdm"
    assert plain["seed"] is None
    assert plain["version"] == negsim.__version__
    json.dumps(plain, allow_nan=False)


def test_array_equality_needs_the_same_shape_and_counts_nan_equal() -> None:
    from negsim.spatial.records import array_eq

    assert array_eq([[1.0, np.nan]], [[1.0, np.nan]])
    assert not array_eq([1.0, 2.0], [[1.0, 2.0]])
    assert not array_eq([1.0, 2.0], [1.0, 3.0])
