"""The command line, run as a user would."""

from __future__ import annotations

import gc
import json
import os
import runpy
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from negsim.cli import main


def test_run_prints_rounds_and_analysis(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 0
    out = capsys.readouterr().out
    assert "Japan–Russia" in out
    assert "round  proposer" in out
    assert "Nash bargaining solution" in out


def test_run_writes_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", "--seed", "3", "--set", "protocol.n_rounds=10", "--out", str(tmp_path)]
    assert main(argv) == 0
    data = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert data["seed"] == 3
    assert (tmp_path / "rounds.csv").read_text(encoding="utf-8").startswith("round,")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--set", "parties.japan.agent=bouleware"], "did you mean 'boulware'"),
        (["run", "--set", "parties.japan.pressures.united_states=2"], "intensity"),
        (["run", "--set", "protocol.n_rounds=0"], "n_rounds"),
        (["run", "--seed", "-4"], "seed"),
        (["run", "--seed", "x"], "invalid int value"),
        (["fly"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        raise SystemExit(main(argv))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_lists(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["agents"]) == 0
    assert "boulware" in capsys.readouterr().out
    assert main(["protocols"]) == 0
    assert "alternating-offers" in capsys.readouterr().out
    assert main([]) == 0
    assert "usage" in capsys.readouterr().out


def test_python_dash_m(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "negsim", "run", "--no-plots", "--set", "protocol.n_rounds=5"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "round" in done.stdout


def test_run_writes_plots_atomically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["run", "kurils-2020-2022", "--out", str(out), "--format", "svg"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        ".negsim-output.json",  # marks the folder as negsim's, listing what it wrote
        "concessions.svg",
        "outcome-space.svg",
        "result.json",
        "rounds.csv",
        "why-no-deal.svg",
        "win-sets.svg",
    ]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left behind
    assert "Ratification" not in capsys.readouterr().out  # no agreement, so no vote


def test_a_failure_leaves_no_half_written_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from negsim import plots

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(plots, "save_figure", broken)
    out = tmp_path / "out"
    assert main(["run", "split-the-pie", "--out", str(out)]) == 2
    assert "disk full" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_validate_list_analyze(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "kurils-1956", "split-the-pie"]) == 0
    assert "kurils-1956: ok" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\ntitel = "x"\n', encoding="utf-8")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.toml: scenario.titel: unknown key; did you mean 'title'?" in err
    assert "bad.toml: issues: missing" in err
    assert "Traceback" not in err
    assert main(["list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert any(line.startswith("kurils-2018-2019") for line in listing)
    assert main(["analyze", "kurils-2018-2019"]) == 0
    report = capsys.readouterr().out
    assert "Win-sets" in report
    assert "Every deal both negotiators would accept fails ratification at home." in report
    assert main(["analyze", "no-such-scenario"]) == 2
    assert "no such file or bundled scenario" in capsys.readouterr().err


def test_sweep_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "sweep",
        "split-the-pie",
        "--param",
        "parties.second.reservation=0:0.8:3",
        "--seeds",
        "2",
        "--out",
        str(tmp_path),
    ]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "6/6 runs" in captured.err
    assert "deal rate" in captured.out.splitlines()[1]
    assert (tmp_path / "sweep.csv").exists()
    assert len((tmp_path / "runs.csv").read_text().splitlines()) == 1 + 3 * 2
    assert (tmp_path / "sweep.png").exists()
    assert main(["sweep", "split-the-pie", "--param", "parties.second.reservation=0:1"]) == 2
    assert "start:stop:steps" in capsys.readouterr().err
    assert main(["sweep", "split-the-pie", "--param", "parties.sceond.reservation=0:1:2"]) == 2
    assert "did you mean 'second'" in capsys.readouterr().err


def test_help_has_an_example_for_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (
        "run",
        "validate",
        "list",
        "analyze",
        "sweep",
        "tournament",
        "agents",
        "protocols",
    ):
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"])
        assert exit_info.value.code == 0
        assert "example:" in capsys.readouterr().out


def test_python_dash_m_negsim_is_the_negsim_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # away from the checkout: `python -m` finds the installed package there (from the
    # checkout's root it finds the source tree, which is a complete package too)
    done = subprocess.run(
        [sys.executable, "-m", "negsim", "validate", "nope-not-a-scenario"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert "nope-not-a-scenario" in done.stderr
    assert "Traceback" not in done.stderr
    monkeypatch.setattr(sys, "argv", ["negsim", "protocols"])
    try:
        with pytest.raises(SystemExit) as info:
            runpy.run_module("negsim", run_name="__main__")
        # the command freezes what is alive for the exit (negsim.cli.command); main does not
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
    assert info.value.code == 0
    assert "alternating-offers" in capsys.readouterr().out
    assert main(["protocols"]) == 0
    assert gc.get_freeze_count() == 0


def test_the_console_script_is_the_command() -> None:
    scripts = {e.name: e.value for e in entry_points(group="console_scripts")}
    assert scripts["negsim"] == "negsim.cli:command"


def test_a_reader_that_goes_away_ends_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    read, write = os.pipe()
    os.close(read)  # `negsim agents | head -0`
    with os.fdopen(write, "w", buffering=1) as pipe:
        monkeypatch.setattr(sys, "stdout", pipe)
        assert main(["agents"]) == 0
        monkeypatch.undo()
    assert capsys.readouterr().err == ""


def test_levers_draws_its_plot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    argv = ["levers", "split-the-pie", "--seeds", "2", "--out", str(out), "--format", "svg"]
    assert main(argv) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        ".negsim-output.json",
        "levers.json",
        "levers.svg",
    ]
    assert "<svg" in (out / "levers.svg").read_text(encoding="utf-8")[:500]
    assert f"Wrote levers.json, levers.svg to {out}/" in capsys.readouterr().out


def test_run_without_lever_seeds_and_a_win_set_plot_without_ratification(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    argv = ["run", "split-the-pie", "--lever-seeds", "0", "--out", str(out), "--format", "svg"]
    argv += ["--set", 'plots.kinds=["win-sets", "concessions"]']
    assert main(argv) == 0
    names = sorted(p.name for p in out.iterdir())
    assert "win-sets.svg" not in names  # no party has a ratification to draw
    assert "concessions.svg" in names
    record = json.loads((out / "result.json").read_text(encoding="utf-8"))
    assert not record.get("levers")


def test_tournament_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    argv = ["tournament", "--agents", "boulware,conceder,hardliner", "--scenarios",
            "split-the-pie,two-issue-trade", "--seeds", "3", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "36/36 negotiations" in captured.err
    assert "Ranked by mean utility; [95% bootstrap interval over 3 seeds]" in captured.out
    assert "Kendall tau" in captured.out
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        ".negsim-output.json", "negotiations.csv", "ranking.csv", "ranking.png", "tournament.json",
    ]  # fmt: skip
    rows = (out / "negotiations.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 1 + 36
    with_workers = tmp_path / "workers"
    assert main([*argv[:-1], str(with_workers), "--workers", "2", "--no-plots"]) == 0
    assert (with_workers / "negotiations.csv").read_text(encoding="utf-8") == "\n".join(rows) + "\n"


def test_tournament_store_resumes_and_refuses_another_tournament(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "runs.sqlite"
    argv = ["tournament", "--agents", "boulware,conceder,hardliner", "--scenarios",
            "split-the-pie", "--seeds", "2", "--no-plots", "--store", str(store)]  # fmt: skip
    assert main([*argv, "--out", str(tmp_path / "first")]) == 0
    assert f"every negotiation is in {store}" in capsys.readouterr().out
    kept = store.read_bytes()
    assert main([*argv, "--seed", "1", "--out", str(tmp_path / "other")]) == 2
    err = capsys.readouterr().err
    assert "holds runs with seed 0, not 1" in err
    assert "Traceback" not in err
    assert store.read_bytes() == kept
    assert not (tmp_path / "other").exists()
    assert main([*argv, "--out", str(tmp_path / "again")]) == 0
    first, again = (
        (tmp_path / "first" / "negotiations.csv"),
        (tmp_path / "again" / "negotiations.csv"),
    )
    assert again.read_bytes() == first.read_bytes()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--agents", "boulware,nobody"], "no agent 'nobody'"),
        (["--agents", "boulware"], "at least 2 agents"),
        (["--scenarios", "split-the-pi"], "split-the-pi"),
        (["--seeds", "0"], "expected a whole number from 1"),
        (["--workers", "x"], "expected a whole number from 1 to 256"),
        (["--agents", ","], "expected names separated by commas"),
        (["--rank-by", "luck"], "invalid choice"),
    ],
)
def test_tournament_bad_input_exits_2(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["tournament", "--agents", "boulware,conceder", "--scenarios", "split-the-pie"]
    try:
        code = main([*base, *argv, "--out", str(tmp_path / "out")])
    except SystemExit as exit_info:  # argparse's own checks
        code = int(str(exit_info.code))
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
