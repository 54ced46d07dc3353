"""`negsim play`: a person negotiates in the terminal (driven here by scripted input)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import negsim
from negsim.cli import main
from negsim.play import play


def _script(lines: list[str]) -> tuple[list[str], object]:
    said: list[str] = []
    feed: Iterator[str] = iter(lines)

    def ask(prompt: str) -> str:
        said.append(prompt)
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    return said, ask


def test_a_person_can_counter_and_accept() -> None:
    scenario = negsim.load_scenario("split-the-pie")
    said: list[str] = []
    # first proposes (opens): ask for 6 tenths; then accept the other side's first offer
    prompts, ask = _script(["6", "a"])
    run = play(scenario, "first", ask=ask, say=said.append)  # type: ignore[arg-type]
    text = "\n".join(said)
    assert "You negotiate for First" in text
    assert "first_share: 0=0, 1=1" in text
    assert "Your proposal is worth 0.60 to you now." in text
    assert "worth to you now" in text
    assert run.result.agreed
    assert run.result.agreement_round == 1
    assert any("[a]ccept, [r]eject or [q]uit?" in p for p in prompts)


def test_wrong_input_is_explained_and_asked_again() -> None:
    scenario = negsim.load_scenario("split-the-pie")
    said: list[str] = []
    _, ask = _script(["eleven", "12", "fivee", "5", "maybe", "", "q"])
    run = play(scenario, "First", ask=ask, say=said.append)  # type: ignore[arg-type]
    text = "\n".join(said)
    assert "'eleven' is not an option" in text
    assert "'12' is not an option" in text
    assert "'maybe' is not an answer here: type a, r or q." in text
    assert "You leave the table." in text
    assert not run.result.agreed  # after leaving, the party holds out


def test_red_lines_cannot_be_accepted_and_input_may_run_out() -> None:
    scenario = negsim.load_scenario("kurils-2018-2019")
    said: list[str] = []
    _, ask = _script(["", "", "", "", "", "", "a", "r"])
    run = play(scenario, "japan", ask=ask, say=said.append, seed=2018)  # type: ignore[arg-type]
    text = "\n".join(said)
    assert "crosses red line" in text
    assert "You cannot accept it: it crosses one of your red lines." in text
    assert "(no more input: you leave the table)" in text
    assert not run.deal


def test_unknown_party() -> None:
    with pytest.raises(negsim.ValidationError, match="did you mean 'japan'"):
        play(negsim.load_scenario("kurils-2018-2019"), "japn")


def test_the_play_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter(["r", "4", "a"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    code = main(["play", "split-the-pie", "--as", "second", "--out", str(tmp_path), "--no-plots"])
    assert code == 0
    out = capsys.readouterr().out
    assert "Outcome:" in out
    assert (tmp_path / "result.json").exists()
    assert main(["play", "split-the-pie", "--as", "third"]) == 2
    assert "no party 'third'" in capsys.readouterr().err


def test_the_game_says_every_response_what_home_thinks_and_its_seed() -> None:
    scenario = negsim.load_scenario("kurils-2018-2019")
    said: list[str] = []
    # keep the opening demand (Enter on every issue), then reject Russia's counter, then leave
    _, ask = _script([""] * 6 + ["r", "q"])
    run = play(scenario, "japan", ask=ask, say=said.append, seed=2018)  # type: ignore[arg-type]
    text = "\n".join(said)
    assert "Russia rejects your proposal." in text
    assert "Round 1: Russia proposes" in text
    assert "Japanese public: support" in text
    assert "would fail ratification" in text or "would be ratified" in text
    assert "Pressure: a third party that dislikes an outcome" in text
    assert (
        f"Seed {run.result.seed} (play the same game again with --seed {run.result.seed})" in text
    )
    again = play(scenario, "japan", ask=_script([""] * 6 + ["r", "q"])[1], say=lambda _: None,
                 seed=run.result.seed)  # type: ignore[arg-type]  # fmt: skip
    assert again.result == run.result
    fresh = [play(scenario, "japan", ask=_script(["q"])[1], say=lambda _: None) for _ in "ab"]  # type: ignore[arg-type]
    assert fresh[0].result.seed != fresh[1].result.seed  # a fresh seed per game
