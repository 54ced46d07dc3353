"""Results: provenance, export to dict / JSON / CSV and back, atomic writes."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import attrs
import numpy as np
import pytest
from cases import pie_parties

import negsim
from negsim import AlternatingOffers, NegotiationResult


@pytest.fixture
def result() -> NegotiationResult:
    return AlternatingOffers(n_rounds=12, breakdown_probability=0.05).run(pie_parties(), rng=9)


def test_result_records_provenance(result: NegotiationResult) -> None:
    assert result.protocol == "alternating-offers"
    assert result.parameters == {
        "n_rounds": 12,
        "opener": 0,
        "discount": 1.0,
        "breakdown_probability": 0.05,
        "information": "incomplete",
    }
    assert result.seed == 9
    assert result.party_names == ("first", "second")
    assert result.agents == (
        {"kind": "time-dependent", "exponent": 4.0, "legacy": False},
        {"kind": "time-dependent", "exponent": 0.25, "legacy": False},
    )
    assert result.utilities.shape == (result.n_rounds, 2)
    assert not result.offers.flags.writeable


def test_json_round_trip(result: NegotiationResult, tmp_path: Path) -> None:
    path = tmp_path / "out" / "result.json"
    text = result.to_json(path)
    assert path.read_text(encoding="utf-8") == text
    assert NegotiationResult.from_json(path) == result
    assert NegotiationResult.from_json(text) == result
    assert NegotiationResult.from_dict(json.loads(text)) == result


def test_json_keeps_minus_infinity() -> None:
    scenario = negsim.load_scenario("kurils-2018-2019").with_overrides(
        {"parties.japan.agent": "hardliner", "parties.russia.agent": "hardliner"}
    )
    result = attrs.evolve(scenario.protocol, n_rounds=4).run(scenario.parties, rng=1)
    assert np.isneginf(result.utilities).any()  # each side's best crosses the other's lines
    data = json.loads(result.to_json())
    assert "-inf" in data["rounds"][0]["utilities"] + data["rounds"][1]["utilities"]
    assert NegotiationResult.from_json(result.to_json()) == result


def test_csv_has_one_row_per_round(result: NegotiationResult, tmp_path: Path) -> None:
    text = result.to_csv(tmp_path / "rounds.csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == result.n_rounds
    assert list(rows[0]) == [
        "round",
        "proposer",
        "offer",
        "share",
        "utility_first",
        "utility_second",
        "accepted_first",
        "accepted_second",
    ]
    assert rows[0]["proposer"] == "first"
    assert float(rows[-1]["utility_second"]) == result.utilities[-1, 1]


def test_derived_fields(result: NegotiationResult) -> None:
    if result.agreed:
        assert result.agreement_round == result.n_rounds - 1
        assert result.agreement_labels == result.offer_labels(result.n_rounds - 1)
    else:
        assert result.agreement_round is None
        assert result.agreement_labels is None


def test_a_failed_write_leaves_nothing_behind(
    result: NegotiationResult, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "result.json"
    target.write_text("previous result", encoding="utf-8")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        result.to_json(target)
    assert target.read_text(encoding="utf-8") == "previous result"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_result_validates_shapes(result: NegotiationResult) -> None:
    with pytest.raises(negsim.ValidationError, match="utilities"):
        attrs.evolve(result, utilities=np.zeros((1, 2)))
