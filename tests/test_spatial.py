"""Spatial forecasting data and first computations, checked against published numbers."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from negsim.spatial import (
    ActorData,
    ActorDataError,
    read_actor_csv,
    risk_utility,
    value_matrix,
    weighted_mean,
    weighted_median,
)

DATA = Path(__file__).parent / "data"


def test_bdm_eu_round_zero_forecasts() -> None:
    # Bueno de Mesquita (1994); Scholz, Calbert & Smith (2011): round-0 capability x
    # salience weighted mean 7.389956 and weighted median 7 (years until the standard applies).
    data = read_actor_csv(DATA / "bdm_eu_emission_standards.csv")
    assert data.n_actors == 10
    assert data.n_dimensions == 1
    assert weighted_mean(data)[0] == pytest.approx(7.389956, abs=5e-7)
    assert weighted_median(data)[0] == 7.0


def test_ktab_value_matrix_matches_the_reference_run() -> None:
    # KTAB examples/smp/doc/20170530_ref-dummyData_3Dim.txt, turn 1, printed to 3 decimals
    data = read_actor_csv(DATA / "ktab_dummyData_3Dim.csv")
    assert data.title == "DummyData_3Dim"
    assert data.n_dimensions == 3
    reference = np.zeros((7, 7))
    with open(DATA / "ktab_ref_dummyData_3Dim_values.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            reference[data.names.index(row["actor_i"]), data.names.index(row["actor_j"])] = float(
                row["value"]
            )
    assert np.abs(value_matrix(data) - reference).max() <= 0.0005 + 1e-12


def test_risk_attitudes_bend_utility() -> None:
    d = np.array([[0.0, 0.5, 1.0]])
    assert risk_utility(d).tolist() == [[1.0, 0.5, 0.0]]
    averse, acceptant = risk_utility(d, 1.0), risk_utility(d, -1.0)
    assert averse[0, 1] > 0.5 > acceptant[0, 1]
    assert averse[0, 0] == acceptant[0, 0] == 1.0


def test_bad_files_name_file_row_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Actor,Capability,Position,Salience\nA,0.5,4,80\nB,lots,7,40\n", encoding="utf-8"
    )
    with pytest.raises(ActorDataError, match=r"bad\.csv:3:Capability: 'lots' is not a number"):
        read_actor_csv(bad)
    bad.write_text("x,y,3,1\nActor,Desc,Power,P1,S1\nA,,1,2,3\nB,,1,2\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match="2 actor rows, but row 1 says 3"):
        read_actor_csv(bad)
    bad.write_text("x,y,2,1\nActor,Desc,Power,P1,S1\nA,,1,2,3\nB,,1,2\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match=r"bad\.csv:4: 4 columns, expected 5"):
        read_actor_csv(bad)
    bad.write_text("Actor,Capability,Position,Salience\nA,-1,4,80\nB,1,7,40\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match=r"bad\.csv:2:Capability: -1 is negative"):
        read_actor_csv(bad)
    bad.write_text("Actor,Capability,Position,Salience\nA,1,4,101\nB,1,7,40\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match=r"bad\.csv:2:Salience: 101 is above 100"):
        read_actor_csv(bad)
    bad.write_text("Actor,Capability,Position,Salience\nA,1,4,80\nA,1,7,40\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match=r"bad\.csv:3:Actor: 'A' appears twice"):
        read_actor_csv(bad)
    bad.write_text("Actor,Capability,Position,Salience\n,1,4,80\nA,1,7,40\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match=r"bad\.csv:2:Actor: the actor has no name"):
        read_actor_csv(bad)
    bad.write_text("Actor,Capability,Postion,Salience\nA,1,4,80\nB,1,7,40\n", encoding="utf-8")
    with pytest.raises(
        ActorDataError, match=r"bad\.csv:1:3: header 'Postion', expected 'Position'"
    ):
        read_actor_csv(bad)
    bad.write_text("x,y,2,1\nActor,Desc,Power,Where,Care\nA,,1,2,3\nB,,1,2,z\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match=r"bad\.csv:4:Care: 'z' is not a number"):
        read_actor_csv(bad)
    bad.write_text("x,y,2.5,1\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match="not a whole number"):
        read_actor_csv(bad)
    bad.write_text("x,y,2,1\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match="no header row"):
        read_actor_csv(bad)
    bad.write_text("", encoding="utf-8")
    with pytest.raises(ActorDataError, match="empty"):
        read_actor_csv(bad)
    with pytest.raises(ActorDataError, match="cannot read"):
        read_actor_csv(tmp_path / "missing.csv")
    bad.write_text("just,one\n", encoding="utf-8")
    with pytest.raises(ActorDataError, match="expected 'scenario"):
        read_actor_csv(bad)


def test_actor_data_validation() -> None:
    with pytest.raises(Exception, match="at least two"):
        ActorData(["a"], [1.0], [1.0], [1.0])
    data = ActorData(["a", "b"], [1.0, 2.0], [0.0, 10.0], [1.0, 1.0])
    assert data.dimensions == ("dim1",)
    assert weighted_mean(data)[0] == pytest.approx(20 / 3)
    assert weighted_median(data)[0] == 10.0
