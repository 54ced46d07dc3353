"""Forecasting end to end: the registry, Monte Carlo sensitivity, reports, plots, the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import matplotlib as mpl
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import actor_data

import negsim
from negsim.cli import main
from negsim.errors import ValidationError
from negsim.spatial import (
    ActorData,
    ActorDataError,
    Perturbation,
    bundled_actor_data,
    load_actor_data,
    make_model,
    monte_carlo,
    perturb,
)
from negsim.spatial.report import format_forecast, write_forecast

mpl.use("Agg")

DATA = Path(__file__).parent / "data"
EU = DATA / "bdm_eu_emission_standards.csv"


@pytest.fixture(scope="module")
def eu() -> ActorData:
    return load_actor_data(EU)


def test_every_model_is_registered_and_documented() -> None:
    assert negsim.spatial.MODELS.names() == ["bdm", "ktab", "stokman"]
    page = (Path(__file__).parent.parent / "docs" / "reference" / "api.md").read_text("utf-8")
    for name in negsim.spatial.MODELS.names():
        assert f"`{name}`" in page


def test_model_options_are_validated() -> None:
    assert make_model("bdm", probability="pair").options.probability == "pair"  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="probability"):
        make_model("bdm", probability="half")
    with pytest.raises(ValidationError, match=r"model\.bdm"):
        make_model("bdm", colour="red")
    with pytest.raises(ValidationError, match="victory"):
        make_model("ktab", victory="cubic")
    with pytest.raises(ValidationError, match="rule"):
        make_model("stokman", rule="best")
    with pytest.raises(ValidationError, match="did you mean 'bdm'"):
        make_model("bdn")


def test_forecast_exports(eu: ActorData) -> None:
    forecast = make_model("bdm").run(eu, 3)
    assert forecast.headline == "median"
    assert forecast.rounds == 3
    rows = forecast.positions_csv().splitlines()
    assert rows[0] == "round,dimension,actor,position"
    assert len(rows) == 1 + 4 * eu.n_actors
    assert forecast.forecasts_csv().splitlines()[1] == "0,dim1,7.0,7.389955686853767"
    assert forecast.table().splitlines()[1].split() == ["0", "dim1", "7.0000", "7.3900"]


# --- Monte Carlo ---


def test_monte_carlo_is_reproducible_serial_or_parallel(eu: ActorData) -> None:
    model = make_model("bdm")
    first = monte_carlo(eu, model, rounds=3, draws=12, rng=5)
    again = monte_carlo(eu, model, rounds=3, draws=12, rng=5)
    parallel = monte_carlo(eu, model, rounds=3, draws=12, rng=5, workers=2)
    other = monte_carlo(eu, model, rounds=3, draws=12, rng=6)
    assert first.seed == 5
    np.testing.assert_array_equal(first.draws, again.draws)
    np.testing.assert_array_equal(first.draws, parallel.draws)
    assert not np.array_equal(first.draws, other.draws)
    assert first.draws.shape == (12, 4, 1)
    np.testing.assert_array_equal(first.baseline.forecast, model.run(eu, 3).forecast)
    assert first.quantiles([0.5]).shape == (1, 4, 1)
    assert first.summary().splitlines()[0].split()[:3] == ["dimension", "baseline", "mean"]
    assert first.to_csv().splitlines()[0] == "draw,round,dimension,forecast"


def test_without_noise_every_draw_is_the_baseline(eu: ActorData) -> None:
    quiet = Perturbation(0, 0, 0)
    result = monte_carlo(eu, make_model("ktab"), draws=3, perturbation=quiet, rng=1)
    np.testing.assert_allclose(result.draws, np.repeat(result.baseline.forecast[None], 3, 0))


def test_the_forecast_is_fragile(eu: ActorData) -> None:
    # The point of the exercise: modest noise moves the BDM forecast of the EU case by years.
    result = monte_carlo(eu, make_model("bdm"), rounds=10, draws=60, rng=0)
    final = result.draws[:, -1, 0]
    assert final.std() > 0.5
    assert np.ptp(final) > 2


@given(data=actor_data(), seed=st.integers(0, 2**32))
def test_perturbed_data_stay_valid_and_in_range(data: ActorData, seed: int) -> None:
    noisy = perturb(data, Perturbation(0.2, 0.2, 0.5), np.random.default_rng(seed))
    assert (noisy.positions >= data.positions.min(axis=0)).all()
    assert (noisy.positions <= data.positions.max(axis=0)).all()
    assert ((noisy.saliences >= 0) & (noisy.saliences <= 100)).all()
    assert (noisy.capability > 0).all()
    assert noisy.names == data.names


def test_monte_carlo_arguments_are_checked(eu: ActorData) -> None:
    with pytest.raises(ValidationError, match="draws"):
        monte_carlo(eu, make_model("bdm"), draws=0)
    with pytest.raises(ValidationError, match="workers"):
        monte_carlo(eu, make_model("bdm"), draws=2, workers=0)
    with pytest.raises(ValidationError, match="position_sd"):
        Perturbation(position_sd=-1)


# --- data sets ---


def test_bundled_data_sets_load_by_name() -> None:
    names = bundled_actor_data()
    assert "kurils-actors-2018-2019" in names
    data = load_actor_data("kurils-actors-2018-2019")
    assert data.dimensions == ("territory", "security")
    with pytest.raises(ActorDataError, match="did you mean 'kurils-actors-2016'"):
        load_actor_data("kurils-actors-2061")


def test_comment_lines_and_row_numbers(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "# source: my judgment\nMine,my case,2,1\nActor,Description,Power,Pos_1,Sal_1\n"
        "# the first actor\nA,,1,10,50\n\nB,,1,abc,50\n",
        encoding="utf-8",
    )
    with pytest.raises(ActorDataError, match=r"mine\.csv:7:Pos_1: 'abc' is not a number"):
        load_actor_data(path)


# --- report, outputs, plots ---


@pytest.mark.parametrize("model", ["bdm", "ktab", "stokman"])
def test_report_and_outputs(model: str, tmp_path: Path) -> None:
    data = load_actor_data("kurils-actors-2018-2019")
    forecast = make_model(model).run(data, 3)
    result = monte_carlo(data, make_model(model), rounds=3, draws=8, rng=2)
    text = format_forecast(forecast, result)
    assert "Forecasts by round:" in text
    assert "Monte Carlo: 8 perturbed draws, seed 2" in text
    written = write_forecast(tmp_path, forecast, result)
    expected = {"forecast.json", "positions.csv", "forecasts.csv", "montecarlo.csv"}
    expected |= {"montecarlo.json", "power.png", "forecast.png", "positions.png"}
    expected |= {"win-probability.png"} if model == "ktab" else set()
    if model == "bdm":
        expected |= {"moves.csv", "quad.png"}
    assert set(written) == expected
    assert {p.name for p in tmp_path.iterdir()} == expected
    record = json.loads((tmp_path / "forecast.json").read_text(encoding="utf-8"))
    assert record["model"] == model
    assert record["data"]["dimensions"] == ["territory", "security"]
    assert record["data"]["source"] == "kurils-actors-2018-2019"
    assert record["detail"] == []  # the per-round internals stay out of the file
    again = negsim.spatial.Forecast.from_json(tmp_path / "forecast.json")
    assert again == attrs.evolve(forecast, detail=())
    montecarlo = negsim.spatial.MonteCarlo.from_json(tmp_path / "montecarlo.json")
    assert montecarlo.seed == 2
    assert montecarlo.draws.shape == result.draws.shape


def test_bdm_report_explains_every_move(eu: ActorData) -> None:
    forecast = make_model("bdm").run(eu, 2)
    text = format_forecast(forecast)
    assert "Belgium compromises with France (EU -0.115 vs 0.243): 7 -> 8.416" in text
    from negsim.spatial.report import moves_csv

    rows = moves_csv(forecast).splitlines()
    assert rows[0].startswith("round,dimension,receiver,proposer,kind")
    assert rows[1].startswith("1,dim1,Belgium,France,compromise,")


def test_plots_name_what_they_show(eu: ActorData) -> None:
    from negsim.spatial import plots

    forecast = make_model("bdm").run(eu, 4)
    ax = plots.positions(forecast, 0, "EU emission standards")
    assert ax.get_xlabel() == "Round"
    assert ax.get_ylabel() == "Position on dim1"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Germany" in labels
    assert "forecast: median" in labels
    quad = plots.quad_chart(forecast.detail[0], "Belgium", 0)
    assert "Belgium" in quad.get_xlabel()
    assert "Belgium" in quad.get_title(loc="left")
    texts = {t.get_text() for t in quad.texts}
    assert any("France" in t for t in texts)
    assert "confrontation" in texts
    power = plots.effective_power(eu)
    assert power.get_xlabel() == "Share of capability × salience (%)"
    assert len(power.patches) == eu.n_actors
    result = monte_carlo(eu, make_model("ktab"), rounds=0, draws=10, rng=1)
    band = plots.forecast_band(result)  # no rounds: a histogram
    assert band.get_ylabel() == "Draws"
    rounds = monte_carlo(eu, make_model("bdm"), rounds=2, draws=10, rng=1)
    assert plots.forecast_band(rounds).get_xlabel() == "Round"


# --- the command line ---


def test_forecast_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["forecast", str(EU), "--rounds", "3", "--montecarlo", "10", "--seed", "4"]) == 0
    out = capsys.readouterr().out
    assert "Belgium compromises with France" in out
    assert "Monte Carlo: 10 perturbed draws, seed 4" in out
    assert (tmp_path / "negsim-forecast" / "quad.png").is_file()
    argv = ["forecast", "kurils-actors-2016", "--model", "stokman", "--option", "rule=nash"]
    assert main([*argv, "--out", "stokman", "--no-plots"]) == 0
    assert "Stokman exchanges:" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "stokman").iterdir()) == [
        ".negsim-output.json",
        "forecast.json",
        "forecasts.csv",
        "positions.csv",
    ]
    assert main(["forecast", str(EU), "--option", "q=0.5", "--no-plots", "--out", "q"]) == 0
    record = json.loads((tmp_path / "q" / "forecast.json").read_text(encoding="utf-8"))
    assert record["options"]["q"] == 0.5


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["forecast", "nowhere.csv"], "no such file or bundled actor data set"),
        (["forecast", "kurils-actors-2016", "--model", "kta"], "invalid choice"),
        (["forecast", "kurils-actors-2016", "--rounds", "-1"], "rounds"),
        (["forecast", "kurils-actors-2016", "--montecarlo", "-3"], "draws"),
        (["forecast", "kurils-actors-2016", "--option", "probability"], "KEY=VALUE"),
        (["forecast", "kurils-actors-2016", "--option", "probability=half"], "probability"),
        (["forecast", "kurils-actors-2016", "--option", "colour=red"], "model.bdm"),
        (["forecast", "kurils-actors-2016", "--option", "q=abc"], "q: 'abc'"),
        (["forecast", "kurils-actors-2016", "--model", "ktab", "--option", "pce=best"], "pce"),
    ],
)
def test_bad_forecast_input_exits_2_and_writes_nothing(
    argv: list[str],
    message: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        raise SystemExit(main(argv))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_bad_file_is_named_with_row_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("Actor,Capability,Position,Salience\nA,1,4,80\nB,1,x,40\n", encoding="utf-8")
    assert main(["forecast", str(bad), "--out", str(tmp_path / "out")]) == 2
    assert "bad.csv:3:Position: 'x' is not a number" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_failed_output_leaves_nothing_behind(
    eu: ActorData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import negsim.spatial.report as report

    def broken(*args: object) -> list[str]:
        raise OSError("disk full")

    monkeypatch.setattr(report, "_plots", broken)
    out = tmp_path / "out"
    assert main(["forecast", str(EU), "--out", str(out)]) == 2
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == []


def test_forecast_is_described_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["forecast", "--help"])
    out = capsys.readouterr().out
    for flag in ("--model", "--rounds", "--montecarlo", "--out", "--option", "--seed"):
        assert flag in out


def test_kurils_forecast_matches_the_sources_story() -> None:
    # 2020–2022: Russia's 2020 constitution forbids ceding territory; talks suspended in 2022.
    # Every model's headline forecast on territory stays at or below the 1956 line (50).
    data = load_actor_data("kurils-actors-2020-2022")
    for name in negsim.spatial.MODELS.names():
        forecast = make_model(name).run(data, 5)
        assert forecast.forecast[-1, data.dimensions.index("territory")] <= 50, name


def test_list_names_the_actor_data_sets(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "Actor data sets, for `negsim forecast`:" in out
    assert "kurils-actors-2018-2019  10 actors on territory, security" in out


def test_ktab_draws_each_positions_chance_of_winning(tmp_path: Path) -> None:
    from negsim.spatial import plots

    data = load_actor_data("kurils-actors-2018-2019")
    forecast = make_model("ktab").run(data, 0)
    run = forecast.detail[0]
    ax = plots.win_probabilities(run, data, data.title)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[-1] == "Japan, Japanese public, Nemuro  (60, 25)"  # the most probable, on top
    assert len(ax.patches) == len(set(run.states[0].position_class))
    assert "expected position: territory 46.4, security 49.4" in ax.get_title(loc="left")
    assert "KTAB first turn" in ax.get_title(loc="left")
    assert plots.win_probabilities(run.states[0], data, data.title).get_title(loc="left") == (
        ax.get_title(loc="left")
    )
    written = write_forecast(tmp_path, forecast)
    assert "win-probability.png" in written
    assert "positions.png" not in written  # no rounds to draw


def test_ktab_draws_any_state_and_marks_where_it_settled() -> None:
    from negsim.spatial import plots

    data = load_actor_data("kurils-actors-2018-2019")
    forecast = make_model("ktab").run(data, 40)
    run = forecast.detail[0]
    assert run.stopped == "settled"
    assert run.turns < 40
    last = plots.win_probabilities(run, data, state=-1)
    assert f"KTAB state {run.turns} of {run.turns}" in last.get_title(loc="left")
    assert len(last.patches) == len(set(run.states[-1].position_class))
    ax = plots.positions(forecast, "territory")
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"settled after turn {run.turns}" in labels
    assert "forecast: expected" in labels


# --- what-if sweeps ---


def test_what_if_moves_one_actor_at_a_time() -> None:
    from negsim.spatial import what_if

    data = load_actor_data("kurils-actors-2018-2019")
    sweep = what_if(data, make_model("bdm"), dimension="territory", rounds=10)
    assert sweep.actors == ("Russia", "Japan", "Russian public")  # the weightiest three
    np.testing.assert_allclose(sweep.values, np.linspace(0, 100, 11))
    assert sweep.baseline == 40.0
    russia, japan = sweep.forecasts[0], sweep.forecasts[1]
    np.testing.assert_allclose(russia[:7], [0, 10, 20, 30, 40, 50, 60])  # the forecast follows
    np.testing.assert_allclose(japan, 40.0)  # Japan alone cannot move it
    # at an actor's own position the sweep reproduces the baseline
    assert russia[4] == sweep.baseline
    assert sweep.table().splitlines()[0] == "forecast on 'territory' (bdm), now 40"
    with pytest.raises(ValidationError, match="actors"):
        what_if(data, make_model("bdm"), ["Nobody"])
    with pytest.raises(ValidationError, match="dimension"):
        what_if(data, make_model("bdm"), dimension="fish")
    with pytest.raises(ValidationError, match="dimension"):
        what_if(data, make_model("bdm"), dimension=5)


def test_what_if_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from negsim.spatial import plots, what_if

    argv = ["forecast", "kurils-actors-2018-2019", "--model", "stokman", "--rounds", "3"]
    assert main([*argv, "--what-if", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "What if one actor had stood elsewhere?" in out
    assert (tmp_path / "what-if.png").is_file()
    rows = (tmp_path / "what-if.csv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "dimension,actor,position,forecast"
    assert len(rows) == 1 + 2 * 3 * 11
    data = load_actor_data("kurils-actors-2016")
    ax = plots.what_if(what_if(data, make_model("ktab"), ["Japan"], values=[0, 50, 100]))
    assert ax.get_xlabel() == "Position of the actor moved, on territory"
    assert "Japan moved" in [t.get_text() for t in ax.get_legend().get_texts()]
