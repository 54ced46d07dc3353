"""The command line, run as a user would."""

from __future__ import annotations

import json
import subprocess
import sys
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
