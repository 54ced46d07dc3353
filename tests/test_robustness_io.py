"""Issue 10: no input crashes negsim; bad input gets a clear error and loses nothing.

Actor CSVs (limits, zero weights, odd cells), valid JSON, CSVs through the csv module with
formula neutralisation, printed text without control characters, `negsim play` input, Ctrl-C,
and output folders (staged, replaced whole, stale staging cleaned, errors naming the folder).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import time
from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import given
from strategies import mutated_actor_csv

import negsim
from negsim import cli, fuzz
from negsim.errors import NegsimError, ValidationError
from negsim.fuzz import classify
from negsim.io import csv_text, json_text, number_from_json, printable, spreadsheet_safe
from negsim.outdir import MARKER, OutputFolderError, check_output, clean_stale, staged_output
from negsim.preferences import discounted
from negsim.spatial import ActorData, ActorDataError, make_model, read_actor_csv

BDM_HEADER = "Actor,Capability,Position,Salience\n"


def _error(text: str, name: str = "actors.csv") -> str:
    with pytest.raises(ActorDataError) as info:
        read_actor_csv(name, text=text)
    message = str(info.value)
    assert message.startswith(name)
    return message


# --- 1. actor CSVs ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("A,0,4,80\nB,0,7,40\n", "capability: every actor has 0"),
        ("A,1,4,0\nB,2,7,0\n", "saliences.dim1: every actor has 0"),
        ("A,0,4,80\nB,2,7,0\n", "no actor has both a positive capability and a positive salience"),
        ("A,1,nan,80\nB,1,7,40\n", "Position: nan is not finite"),
        ("A,1,4,80\nB,-inf,7,40\n", "Capability: -inf is not finite"),
        ("A,1,1e300,80\nB,1,7,40\n", "too large (expected at most 1e+12"),
        ("A,1,4,80\nB,1,7\n", "3 columns, expected 4"),
        ("", "a header but no actor rows"),
    ],
)
def test_bad_bdm_tables_get_one_clear_error(body: str, expected: str) -> None:
    assert expected in _error(BDM_HEADER + body)


def test_empty_files_and_boms() -> None:
    assert "the file is empty" in _error("")
    assert "the file is empty" in _error("# only a comment\n\n")
    data = read_actor_csv("bom.csv", text="\ufeff" + BDM_HEADER + "A,1,4,80\nB,1,7,40\n")
    assert data.names == ("A", "B")


def test_a_huge_cell_is_reported_at_its_row() -> None:
    text = BDM_HEADER + "A,1,4,80\nB,1,7," + "9" * 200_000 + "\n"
    message = _error(text)
    assert message.startswith("actors.csv:3: cannot read the row")
    assert "131,072 characters" in message


def test_a_cell_of_5000_digits_is_shown_short() -> None:
    message = _error(BDM_HEADER + "A,1," + "9" * 5000 + ",80\nB,1,7,40\n")
    assert "(5,000 characters)" in message
    assert len(message) < 200


def test_declared_sizes_are_checked_before_allocating() -> None:
    text = "s,d,2,1000000000\nActor,Description,Power,p,Sal_p\nA,a,1,0,50\nB,b,1,50,50\n"
    start = time.perf_counter()
    message = _error(text)
    assert time.perf_counter() - start < 1.0
    assert "number of dimensions: 1000000000 is not a whole number from 1 to 100" in message
    assert "limit" in message
    many = "s,d,1000000,1\nActor,Description,Power,p,Sal_p\nA,a,1,0,50\n"
    assert "from 1 to 10,000" in _error(many)


def test_control_characters_in_cells_are_escaped_in_errors() -> None:
    message = _error(BDM_HEADER + "A,1,4,80\nB,1\x00,7,40\n")
    assert "'1\\x00' is not a number" in message


def test_zero_weight_is_refused_for_data_built_in_python_too() -> None:
    with pytest.raises(ValidationError, match="capability: every actor has 0"):
        ActorData(["a", "b"], [0, 0], [0, 1], [50, 50])


def test_forecast_command_names_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "zero.csv"
    bad.write_text(BDM_HEADER + "A,0,4,80\nB,0,7,40\n", encoding="utf-8")
    assert cli.main(["forecast", str(bad), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: capability: every actor has 0" in err
    assert "Traceback" not in err
    assert not (tmp_path / "out").exists()
    # KTAB refuses a zero capability that BDM accepts: the error still names the file
    ktab = tmp_path / "one-zero.csv"
    ktab.write_text(BDM_HEADER + "A,0,4,80\nB,1,7,40\n", encoding="utf-8")
    assert cli.main(["forecast", str(ktab), "--model", "ktab", "--no-plots"]) == 2
    assert f"{ktab}: model ktab: capability" in capsys.readouterr().err


def test_many_actors_draw_a_bounded_figure(tmp_path: Path) -> None:
    from negsim.spatial import plots

    rng = np.random.default_rng(1)
    n = 200
    data = ActorData(
        [f"actor {i}" for i in range(n)],
        rng.uniform(1, 10, n),
        rng.integers(0, 100, n).astype(float),
        rng.uniform(1, 100, n),
    )
    ax = plots.effective_power(data)
    assert len(ax.patches) == plots.TOP_ACTORS + 1
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert f"the other {n - plots.TOP_ACTORS} actors" in labels
    assert f"the {plots.TOP_ACTORS} largest of {n} actors" in ax.get_title(loc="left")
    assert ax.figure.get_size_inches()[1] < 20
    run = make_model("ktab").run(data, 0).detail[0]
    ax = plots.win_probabilities(run, data)
    assert len(ax.patches) <= plots.TOP_ACTORS + 1
    assert ax.figure.get_size_inches()[1] < 20


@given(mutated_actor_csv())
def test_a_mutated_actor_csv_is_a_clean_error_or_a_finite_forecast(case: tuple[str, str]) -> None:
    name, text = case
    assert classify(name, text) in ("ok", "clean error")


# --- 2. JSON and discounting -----------------------------------------------------------------
def test_json_is_always_valid() -> None:
    text = json_text({"a": [math.nan, -math.inf, math.inf, np.float64(0.5), np.int64(3)]})
    assert json.loads(text) == {"a": [None, "-inf", "inf", 0.5, 3]}
    assert "NaN" not in text
    assert "Infinity" not in text
    assert math.isnan(number_from_json(None))
    assert number_from_json("-inf") == -math.inf


def test_discounted_keeps_red_lines_at_minus_infinity() -> None:
    factor = 0.01**200
    assert factor == 0.0  # the underflow the helper is for
    assert discounted(-math.inf, factor) == -math.inf
    assert discounted(0.7, factor) == 0.0
    values = discounted(np.array([[0.5, -np.inf]]), np.array([[0.0, 0.0]]))
    assert values.tolist() == [[0.0, -math.inf]]


@pytest.mark.parametrize("protocol", [negsim.SingleText, negsim.ZeuthenConcession])
def test_a_tiny_discount_over_many_rounds_gives_no_nan(protocol: type) -> None:
    from negsim.testing import contract_cases

    _, first, second = next(c for c in contract_cases() if c[0] == "red-lines")
    parties = [
        negsim.Party("first", first, negsim.make_agent("hardliner")),
        negsim.Party("second", second, negsim.make_agent("hardliner")),
    ]
    result = protocol(n_rounds=200, discount=0.01).run(parties, rng=0)
    assert not np.isnan(result.utilities).any()
    assert np.isneginf(result.utilities).any() or result.n_rounds > 0
    data = json.loads(result.to_json())  # allow_nan=False: would raise on NaN
    assert negsim.NegotiationResult.from_dict(data) == result


# --- 3. CSVs ---------------------------------------------------------------------------------
def test_csv_cells_round_trip_and_formulas_are_neutralised() -> None:
    names = ["Japan, PM office", '=HYPERLINK("http://x","click")', "@SUM(A1)", 'say "hi"']
    text = csv_text(["name", "value"], [[n, -1.5] for n in names] + [["-2", "-inf"]])
    rows = list(csv.reader(io.StringIO(text)))
    assert all(len(row) == 2 for row in rows)
    assert [row[0] for row in rows[1:]] == [
        "Japan, PM office",
        '\'=HYPERLINK("http://x","click")',
        "'@SUM(A1)",
        'say "hi"',
        "-2",  # a plain number as text is left alone
    ]
    assert [row[1] for row in rows[1:]] == ["-1.5"] * 4 + ["-inf"]
    assert spreadsheet_safe("-1+cmd") == "'-1+cmd"
    assert spreadsheet_safe("\tx") == "'\tx"


def test_spatial_csvs_keep_their_columns_with_awkward_names() -> None:
    from negsim.spatial import monte_carlo, what_if
    from negsim.spatial.report import what_if_csv

    data = ActorData(["Japan, PM office", "=cmd()", "c"], [1, 1, 2], [0, 40, 100], [90, 50, 60])
    model = make_model("bdm")
    sweep = what_if(data, model, ["Japan, PM office", "=cmd()"], values=[0, 100], rounds=1)
    rows = list(csv.reader(io.StringIO(what_if_csv((sweep,)))))
    assert all(len(row) == 4 for row in rows)
    assert {row[1] for row in rows[1:]} == {"Japan, PM office", "'=cmd()"}
    renamed = attrs.evolve(data, dimensions=["=dim"])
    result = monte_carlo(renamed, model, rounds=1, draws=2, rng=0)
    rows = list(csv.reader(io.StringIO(result.to_csv())))
    assert rows[1][2] == "'=dim"
    assert all(len(row) == 4 for row in rows)
    forecast = model.run(data, 1)
    rows = list(csv.reader(io.StringIO(forecast.positions_csv())))
    assert all(len(row) == 4 for row in rows)


# --- 4. printed text -------------------------------------------------------------------------
def test_printable_strips_controls_but_newlines_and_tabs() -> None:
    assert printable("a\x1b[2Jb\x07c\x9bd\te\nf\r") == "a[2Jbcd\te\nf"


def test_forecast_report_strips_escape_sequences() -> None:
    from negsim.spatial.report import format_forecast

    data = ActorData(["\x1b[2Jevil", "b"], [1, 1], [0, 10], [50, 50], title="t\x1b]0;x\x07")
    text = format_forecast(make_model("bdm").run(data, 1))
    assert "\x1b" not in text
    assert "\x07" not in text
    assert text.startswith("t]0;x: 2 actors")


def test_run_report_strips_escape_sequences() -> None:
    from negsim.report import format_result

    scenario = negsim.load_scenario("split-the-pie")
    result = attrs.evolve(scenario.run(0).result, party_names=["A\x1b[2J", "B\x1b[31m"])
    text = format_result(result, "title\x1b[2J")
    assert "\x1b" not in text


# --- 5. negsim play --------------------------------------------------------------------------
def test_play_reasks_after_odd_digits_and_huge_numbers() -> None:
    scenario = negsim.load_scenario("split-the-pie")
    said: list[str] = []
    answers = iter(["²", "9" * 5000, "٣", "q"])

    def ask(prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise EOFError from None

    from negsim.play import play

    play(scenario, "first", ask=ask, say=said.append)
    text = "\n".join(said)
    assert "'²' is not an option" in text
    assert "(5,000 digits)' is not an option" in text
    assert "'٣' is not an option" in text


# --- 6. Ctrl-C -------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["run", "sweep", "forecast", "play"])
def test_ctrl_c_exits_130_with_one_line(
    command: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, f"_{command}", interrupted)
    argv = {
        "run": ["run"],
        "sweep": ["sweep", "split-the-pie", "--param", "seed=0:1:2"],
        "forecast": ["forecast", "kurils-actors-2016"],
        "play": ["play", "--as", "japan"],
    }[command]
    assert cli.main(argv) == cli.EXIT_INTERRUPTED == 130
    err = capsys.readouterr().err
    assert err.strip() == "negsim: interrupted"


def test_ctrl_c_while_writing_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from negsim import plots

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(plots, "save_figure", interrupted)
    assert cli.main(["run", "split-the-pie", "--out", str(tmp_path / "out")]) == 130
    assert list(tmp_path.iterdir()) == []


# --- 7. output folders -----------------------------------------------------------------------
def _dead_pid() -> int:
    pid = 2**22 - 1
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        except OSError:
            pass
        pid -= 1


def test_stale_staging_folders_are_cleaned(tmp_path: Path) -> None:
    out = tmp_path / "out"
    dead = tmp_path / f".out.negsim-{_dead_pid()}-abc"
    live = tmp_path / f".out.negsim-{os.getpid()}-def"
    other = tmp_path / f".other.negsim-{_dead_pid()}-abc"
    for folder in (dead, live, other):
        folder.mkdir()
    assert clean_stale(out) == [dead]
    assert live.exists()
    assert other.exists()
    old = time.time() - 2 * 24 * 3600
    os.utime(live, (old, old))
    assert clean_stale(out) == [live]


def test_a_reused_output_folder_never_mixes_two_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert cli.main(["run", "split-the-pie", "--out", str(out), "--format", "svg"]) == 0
    assert (out / "concessions.svg").exists()
    assert cli.main(["run", "split-the-pie", "--out", str(out), "--no-plots"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "result.json", "rounds.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["files"] == [
        "result.json",
        "rounds.csv",
    ]


def test_a_folder_negsim_did_not_make_is_not_overwritten(tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(OutputFolderError, match="not made by negsim"), staged_output(mine):
        pass
    assert (mine / "notes.txt").read_text(encoding="utf-8") == "keep me"
    with staged_output(tmp_path / "ours") as staging:
        (staging / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "ours" / "notes.txt").write_text("user's", encoding="utf-8")
    foreign = r"files negsim did not write \(notes.txt\)"
    with pytest.raises(OutputFolderError, match=foreign), staged_output(tmp_path / "ours"):
        pass
    assert (tmp_path / "ours" / "a.txt").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with staged_output(empty) as staging:
        (staging / "b.txt").write_text("b", encoding="utf-8")
    assert (empty / "b.txt").exists()


def test_an_unwritable_out_names_the_folder_asked_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    asked = str(blocker / "out")
    assert cli.main(["run", "split-the-pie", "--out", asked]) == 2
    err = capsys.readouterr().err
    assert f"negsim: error: {asked}: cannot write the output folder" in err
    assert ".negsim-" not in err
    assert "Traceback" not in err


def test_errors_inside_the_staging_name_the_output_folder(tmp_path: Path) -> None:
    with pytest.raises(NegsimError) as info, staged_output(tmp_path / "out") as staging:
        raise OSError(28, "No space left on device", str(staging / "x"))
    assert (
        str(info.value) == f"{tmp_path / 'out'}: cannot write the output: No space left on device"
    )
    assert list(tmp_path.iterdir()) == []


def test_a_non_empty_foreign_out_is_refused_before_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")

    def never(*args: object) -> None:
        raise AssertionError("the sweep ran")

    monkeypatch.setattr("negsim.sweep.run_sweep", never)
    argv = ["sweep", "split-the-pie", "--param", "seed=0:1:2", "--out", str(tmp_path)]
    assert cli.main(argv) == 2
    assert "not made by negsim" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_dollar_signs_in_names_are_not_mathtext(tmp_path: Path) -> None:
    from negsim.spatial.report import write_forecast

    data = ActorData(["$\\frac{$", "b$x$", "c"], [1, 1, 2], [0, 40, 100], [90, 50, 60])
    for model in ("bdm", "ktab"):
        written = write_forecast(tmp_path / model, make_model(model).run(data, 1))
        assert "power.png" in written


def test_staging_folders_of_live_or_unparsable_owners_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    init = tmp_path / ".out.negsim-1-abc"  # pid 1 always exists (whoever owns it)
    odd = tmp_path / ".out.negsim-notapid-abc"
    for folder in (init, odd):
        folder.mkdir()
    assert clean_stale(out) == []
    assert init.exists()
    assert odd.exists()
    assert clean_stale(tmp_path / "missing" / "out") == []  # an unreadable parent


def test_an_out_that_is_a_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("mine", encoding="utf-8")
    with pytest.raises(OutputFolderError, match="out: exists and is not a folder"):
        check_output(out)
    with pytest.raises(OutputFolderError, match="exists and is not a folder"), staged_output(out):
        pass
    assert out.read_text(encoding="utf-8") == "mine"


def test_an_unusable_out_name_is_an_output_folder_error(tmp_path: Path) -> None:
    asked = str(tmp_path / ("x" * 300))  # longer than any file system allows
    with pytest.raises(OutputFolderError) as info:
        check_output(asked)
    assert str(info.value) == f"{asked}: cannot use the output folder: File name too long"


def test_a_failed_swap_puts_the_old_output_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    with staged_output(out) as staging:
        (staging / "old.txt").write_text("old", encoding="utf-8")
    rename = os.rename

    def failing(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if Path(dst) == out and ".negsim-" in Path(src).name and "-old-" not in Path(src).name:
            raise OSError(28, "No space left on device")
        rename(src, dst)

    monkeypatch.setattr(os, "rename", failing)
    with pytest.raises(OutputFolderError) as info, staged_output(out) as staging:
        (staging / "new.txt").write_text("new", encoding="utf-8")
    assert str(info.value) == f"{out}: cannot replace the output folder: No space left on device"
    assert sorted(p.name for p in out.iterdir()) == [MARKER, "old.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"names": ["a"], "capability": [1], "positions": [0], "saliences": [50]},
         "actors: 1 actors (expected at least two)"),
        ({"capability": [1, 1, 1]}, "capability: shape (3,) (expected (2,))"),
        ({"saliences": [[50, 50], [50, 50]]}, "positions: shapes differ"),
        ({"saliences": [50, -1]}, "saliences: negative or not finite (expected values >= 0)"),
        ({"capability": [1, math.nan]}, "capability: negative or not finite"),
        ({"positions": [0, math.inf]}, "positions: not finite (expected finite positions)"),
        ({"capability": [1, 1e13]}, "capability: too large (expected |values| <= 1e+12)"),
        ({"positions": [0, -1e13]}, "positions: too large"),
        ({"dimensions": ["x", "y"]}, "dimensions: 2 names (expected 1 names)"),
        ({"descriptions": ["one"]}, "descriptions: 1 (expected 2 or none)"),
    ],
)  # fmt: skip
def test_actor_data_built_in_python_is_checked(kwargs: dict[str, object], expected: str) -> None:
    given = {"names": ["a", "b"], "capability": [1, 1], "positions": [0, 1], "saliences": [50, 50]}
    with pytest.raises(ValidationError) as info:
        ActorData(**{**given, **kwargs})  # type: ignore[arg-type]
    assert str(info.value).startswith(expected), str(info.value)


def test_oversized_actor_files_are_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.csv"
    path.write_text(BDM_HEADER + "A,1,4,80\nB,1,7,40\n", encoding="utf-8")
    monkeypatch.setattr("negsim.spatial.data.MAX_FILE_BYTES", 2**20)
    text = BDM_HEADER + "A,1,4,80\n" * 200_000
    assert _error(text, "big.csv") == "big.csv: 1,800,035 characters (expected at most 1 MiB)"
    monkeypatch.setattr("negsim.spatial.data.MAX_FILE_BYTES", 10)
    with pytest.raises(ActorDataError, match=r"big\.csv: 53 bytes \(expected at most 0 MiB\)"):
        read_actor_csv(path)


def test_too_many_actor_rows_and_unreadable_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("negsim.spatial.data.MAX_ACTORS", 2)
    message = _error(BDM_HEADER + "A,1,4,80\nB,1,7,40\nC,1,7,40\n")
    assert message == "actors.csv: 3 actor rows (expected at most 2, negsim's limit)"
    latin = tmp_path / "latin.csv"
    latin.write_bytes(BDM_HEADER.encode() + "Å,1,4,80\n".encode("latin-1"))
    with pytest.raises(ActorDataError, match=r"latin\.csv: cannot read it: 'utf-8' codec"):
        negsim.spatial.load_actor_data(latin)


# --- 8. the fuzzing harness itself -----------------------------------------------------------
def test_mutations_of_nothing_are_nothing() -> None:
    rng = np.random.default_rng(0)
    for mutation in fuzz._MUTATIONS:
        assert mutation([], rng) == []
    for seed in range(20):  # every kind of whole-text damage keeps the text a string
        damaged = fuzz._text(BDM_HEADER + "A,1,4,80\n\nB,1,7,40\n", np.random.default_rng(seed))
        assert isinstance(damaged, str)
    assert fuzz._text("a\n\n\nb", np.random.default_rng(_seed_for_kind(4))) == "a\nb"


def _seed_for_kind(kind: int) -> int:
    return next(s for s in range(1000) if int(np.random.default_rng(s).integers(5)) == kind)


class _Forecast:
    def __init__(self, value: float) -> None:
        self.positions = np.array([[value]])
        self.forecasts = {"x": np.array([value])}

    def to_json(self, detail: bool = True) -> str:
        return "{}"


class _Model:
    def __init__(self, behaviour: str) -> None:
        self.behaviour = behaviour

    def run(self, data: object, rounds: int) -> _Forecast:
        if self.behaviour == "negsim":
            raise NegsimError("no forecast")
        if self.behaviour == "bug":
            raise ZeroDivisionError("a bug")
        return _Forecast(math.nan if self.behaviour == "nan" else 1.0)


@pytest.mark.parametrize(
    ("behaviour", "expected"),
    [("negsim", "clean error"), ("bug", "traceback"), ("nan", "NaN"), ("fine", "ok")],
)
def test_classify_tells_each_outcome_of_a_model(
    monkeypatch: pytest.MonkeyPatch, behaviour: str, expected: str
) -> None:
    monkeypatch.setattr("negsim.spatial.make_model", lambda name: _Model(behaviour))
    text = BDM_HEADER + "A,1,4,80\nB,1,7,40\n"
    assert classify("a.csv", text, models=["m"]) == expected


def test_classify_tells_unnamed_errors_tracebacks_and_unwritable_summaries(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert classify("a.csv", "Actor,Capability\n", models=[]) == "clean error"

    def unnamed(name: str, text: str) -> None:
        raise NegsimError("something is wrong")

    monkeypatch.setattr("negsim.spatial.read_actor_csv", unnamed)
    assert classify("a.csv", "", models=[]) == "unnamed error"

    def crashing(name: str, text: str) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr("negsim.spatial.read_actor_csv", crashing)
    assert classify("a.csv", "", models=[]) == "traceback"
    monkeypatch.undo()

    def not_json(forecast: object, detail: bool = True) -> str:
        raise ValueError("Out of range float values are not JSON compliant")

    monkeypatch.setattr("negsim.spatial.make_model", lambda name: _Model("fine"))
    monkeypatch.setattr(_Forecast, "to_json", not_json)
    assert classify("a.csv", BDM_HEADER + "A,1,4,80\nB,1,7,40\n", models=["m"]) == "NaN"
