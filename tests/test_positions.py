"""Preference models: linear additive, conditions, red lines, preconditions, pressure."""

from __future__ import annotations

import attrs
import numpy as np
import pytest

import negsim
from negsim import (
    AllOf,
    AnyOf,
    IssueAtLeast,
    IssueAtMost,
    IssueIs,
    LinearAdditive,
    Not,
    OutcomeSpace,
    Position,
    Precondition,
    RedLine,
    ThirdPartyPressure,
    categorical,
    ordered,
)


@pytest.fixture
def kurils() -> OutcomeSpace:
    """A small Kurils-flavoured space: who holds Kunashiri and Etorofu, and the treaty."""
    options = ["russia", "japan", "handover_without_sovereignty"]
    return OutcomeSpace(
        [
            categorical("kunashiri", options),
            categorical("etorofu", options),
            categorical("peace_treaty", ["no", "yes"]),
        ]
    )


def _additive(space: OutcomeSpace, reservation: float = 0.2) -> LinearAdditive:
    return LinearAdditive.from_tables(
        space,
        weights={"kunashiri": 0.4, "etorofu": 0.4, "peace_treaty": 0.2},
        values={
            "kunashiri": {"russia": 0.0, "japan": 1.0, "handover_without_sovereignty": 0.5},
            "etorofu": [0.0, 1.0, 0.5],
            "peace_treaty": "increasing",
        },
        reservation=reservation,
    )


def test_linear_additive_utility_by_hand(kurils: OutcomeSpace) -> None:
    japan = _additive(kurils)
    outcome = {
        "kunashiri": "japan",
        "etorofu": "handover_without_sovereignty",
        "peace_treaty": "yes",
    }
    assert japan.utility_of(outcome) == pytest.approx(0.4 * 1 + 0.4 * 0.5 + 0.2 * 1)
    assert japan.value("etorofu", "japan") == 1.0
    grid = kurils.grid()
    assert np.allclose(japan.utility(grid), [japan.utility_of(row) for row in grid])
    assert np.allclose(japan.grid_utilities(), japan.utility(grid))
    assert japan.reservation == 0.2
    assert japan.discount == 1.0
    assert japan.utility_at(grid[:3], 2).tolist() == japan.utility(grid[:3]).tolist()


@pytest.mark.parametrize(
    ("weights", "values", "reservation", "field"),
    [
        ({"kunashiri": -0.2, "etorofu": 1.0, "peace_treaty": 0.2}, None, 0.2, "weights.kunashiri"),
        ({"kunashiri": 0.5, "etorofu": 0.5, "peace_treaty": 0.5}, None, 0.2, "sum to 1.5"),
        ({"kunashiri": 0.5, "etorofu": 0.5}, None, 0.2, "no entry for"),
        ({"kunashiri": 0.4, "etorofu": 0.4, "peace_treat": 0.2}, None, 0.2, "did you mean"),
        (None, {"etorofu": [0, 1, 0.5], "peace_treaty": [0, 1]}, 0.2, "values"),
        (None, {"kunashiri": {"russia": 0, "japan": 1}}, 0.2, "handover_without_sovereignty"),
        (None, {"kunashiri": {"rusia": 0, "japan": 1}}, 0.2, "did you mean 'russia'"),
        (None, {"kunashiri": [0, 1.5, 0.5]}, 0.2, r"values\.kunashiri\.japan"),
        (None, {"kunashiri": [0, 1]}, 0.2, "one per option"),
        (None, {"kunashiri": "sideways"}, 0.2, "increasing"),
        (None, None, 1.2, r"1.2 \(expected a utility in \[0, 1\]\)"),
        (None, None, float("nan"), "reservation"),
    ],
)
def test_bad_linear_additive_names_the_field(
    kurils: OutcomeSpace, weights: object, values: object, reservation: float, field: str
) -> None:
    good_weights = {"kunashiri": 0.4, "etorofu": 0.4, "peace_treaty": 0.2}
    good_values = {"kunashiri": [0, 1, 0.5], "etorofu": [0, 1, 0.5], "peace_treaty": [0, 1]}
    if isinstance(values, dict) and len(values) == 1:
        good_values = {**good_values, **values}
        values = good_values
    with pytest.raises(negsim.ValidationError, match=field):
        LinearAdditive.from_tables(
            kurils,
            weights or good_weights,  # type: ignore[arg-type]
            values or good_values,  # type: ignore[arg-type]
            reservation=reservation,
        )


def test_direct_construction_checks_shapes(kurils: OutcomeSpace) -> None:
    with pytest.raises(negsim.ValidationError, match="one per issue"):
        LinearAdditive(kurils, [0.5, 0.5], [[0, 1, 0.5]] * 2 + [[0, 1]])
    with pytest.raises(negsim.ValidationError, match="one per issue"):
        LinearAdditive(kurils, [0.4, 0.4, 0.2], [[0, 1, 0.5]])
    with pytest.raises(negsim.ValidationError, match="finite weight"):
        LinearAdditive(kurils, [np.nan, 0.4, 0.2], [[0, 1, 0.5]] * 2 + [[0, 1]])


def test_random_spans_the_unit_interval(kurils: OutcomeSpace) -> None:
    model = LinearAdditive.random(kurils, rng=4, reservation=0.3)
    u = model.grid_utilities()
    assert u.min() == pytest.approx(0.0)
    assert u.max() == pytest.approx(1.0)
    assert model == LinearAdditive.random(kurils, rng=4, reservation=0.3)
    single = OutcomeSpace([categorical("only", ["x"])])
    assert LinearAdditive.random(single, rng=0).grid_utilities().tolist() == [1.0]


def test_what_if_with_evolve(kurils: OutcomeSpace) -> None:
    model = _additive(kurils)
    better = attrs.evolve(model, reservation=0.6)
    assert better.reservation == 0.6
    assert model.reservation == 0.2


def test_conditions_combine(kurils: OutcomeSpace) -> None:
    grid = kurils.grid()
    k_japan = IssueIs("kunashiri", "japan")
    e_japan = IssueIs("etorofu", ["japan"])
    assert (k_japan | e_japan).mask(kurils, grid).tolist() == (
        k_japan.mask(kurils, grid) | e_japan.mask(kurils, grid)
    ).tolist()
    assert (k_japan & ~e_japan).mask(kurils, grid).sum() == 1 * 2 * 2  # K=japan, E!=japan
    assert AllOf(()).mask(kurils, grid).all()
    assert not AnyOf(()).mask(kurils, grid).any()
    assert "kunashiri is japan" in (k_japan & e_japan).describe()
    assert Not(k_japan).describe() == "not kunashiri is japan"
    levels = OutcomeSpace([ordered("level", ["low", "mid", "high"])])
    g = levels.grid()
    assert IssueAtLeast("level", "mid").mask(levels, g).tolist() == [False, True, True]
    assert IssueAtMost("level", "mid").mask(levels, g).tolist() == [True, True, False]
    assert IssueAtLeast("level", "mid").describe() == "level >= mid"
    assert IssueAtMost("level", "mid").describe() == "level <= mid"


def test_red_line_and_precondition(kurils: OutcomeSpace) -> None:
    # Russia: no transfer of sovereignty over Kunashiri or Etorofu (Lavrov, 14 Jan 2019).
    russia = Position(
        _additive(kurils),
        red_lines=[
            RedLine(
                IssueIs("kunashiri", "japan") | IssueIs("etorofu", "japan"),
                "sovereignty not subject to discussion",
            )
        ],
    )
    # Japan: a peace treaty only if sovereignty is settled in Japan's favour.
    japan = Position(
        _additive(kurils),
        preconditions=[
            Precondition(
                when=IssueIs("peace_treaty", "yes"),
                requires=IssueIs("kunashiri", "japan") & IssueIs("etorofu", "japan"),
            )
        ],
    )
    grid = kurils.grid()
    labels = [kurils.labels(row) for row in grid]
    russia_ok = russia.acceptable(grid)
    japan_ok = japan.acceptable(grid)
    for row, ok_r, ok_j in zip(labels, russia_ok, japan_ok, strict=True):
        assert ok_r == ("japan" not in (row["kunashiri"], row["etorofu"]))
        treaty = row["peace_treaty"] == "yes"
        assert ok_j == (not treaty or (row["kunashiri"] == row["etorofu"] == "japan"))
    u = russia.utility(grid)
    assert np.isneginf(u[~russia_ok]).all()
    assert np.isfinite(u[russia_ok]).all()
    # every treaty Japan accepts gives Japan both islands: Russia's red line: no treaty deal
    both = japan_ok & russia_ok & (grid[:, 2] == 1)
    assert not both.any()
    bad = {"kunashiri": "japan", "etorofu": "russia", "peace_treaty": "yes"}
    assert russia.explain(bad)[0].startswith("crosses red line: never")
    assert japan.explain(bad)[0].startswith("breaks precondition:")
    assert "only if" in japan.preconditions[0].describe()


def test_pressure_lowers_utility_by_intensity_times_displeasure(kurils: OutcomeSpace) -> None:
    displeasure = LinearAdditive.from_tables(
        kurils,
        weights={"kunashiri": 0, "etorofu": 0, "peace_treaty": 1},
        values={"kunashiri": [0, 0, 0], "etorofu": [0, 0, 0], "peace_treaty": [0, 1]},
    )
    base = _additive(kurils)
    grid = kurils.grid()
    previous = base.utility(grid)
    for intensity in (0.0, 0.2, 0.5, 1.0):
        pressed = Position(
            base, pressures=[ThirdPartyPressure("United States", displeasure, intensity)]
        )
        u = pressed.utility(grid)
        expected = base.utility(grid) - intensity * displeasure.utility(grid)
        np.testing.assert_allclose(u, expected)
        assert (u <= previous + 1e-12).all()  # more pressure never helps
        previous = u
    assert "pressure from United States: -1.000" in pressed.explain(grid[-1])
    with pytest.raises(negsim.ValidationError, match="intensity"):
        ThirdPartyPressure("US", displeasure, 1.5)


def test_discount_composes_and_reservation_overrides(kurils: OutcomeSpace) -> None:
    inner = Position(_additive(kurils), discount=0.9)
    outer = Position(inner, discount=0.5, reservation=0.4)
    assert outer.discount == pytest.approx(0.45)
    grid = kurils.grid()
    np.testing.assert_allclose(outer.utility_at(grid, 3), 0.45**3 * inner.utility(grid))
    assert outer.reservation == 0.4
    assert inner.reservation == 0.2
    assert attrs.evolve(outer, reservation=None).reservation == 0.2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"red_lines": [RedLine(IssueIs("kunashri", "japan"))]}, r"red_lines\[0\]\.condition"),
        ({"red_lines": [RedLine(IssueIs("kunashiri", "japn"))]}, "did you mean 'japan'"),
        (
            {
                "preconditions": [
                    Precondition(IssueIs("peace_treaty", "si"), IssueIs("etorofu", "japan"))
                ]
            },
            r"preconditions\[0\]\.when",
        ),
        (
            {"red_lines": [RedLine(AllOf([IssueIs("etorofu", "japan"), IssueAtLeast("x", "1")]))]},
            r"conditions\[1\]",
        ),
        ({"red_lines": [RedLine(Not(IssueAtMost("etorofu", "nope")))]}, "no option 'nope'"),
        ({"discount": 0.0}, "discount"),
        ({"discount": 1.2}, "discount"),
        ({"reservation": 2.0}, "reservation"),
    ],
)
def test_bad_positions_name_the_field(
    kurils: OutcomeSpace, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(negsim.ValidationError, match=field):
        Position(_additive(kurils), **kwargs)  # type: ignore[arg-type]


def test_position_needs_a_model_on_the_same_space(kurils: OutcomeSpace) -> None:
    with pytest.raises(negsim.ValidationError, match="PreferenceModel"):
        Position("japan")  # type: ignore[arg-type]
    other = OutcomeSpace([categorical("x", ["a", "b"])])
    foreign = LinearAdditive.from_tables(other, {"x": 1}, {"x": [0, 1]})
    with pytest.raises(negsim.ValidationError, match="another outcome space"):
        Position(_additive(kurils), pressures=[ThirdPartyPressure("US", foreign, 0.5)])
    with pytest.raises(negsim.ValidationError, match="same space"):
        negsim.utility_matrix([_additive(kurils), foreign])
    with pytest.raises(negsim.ValidationError, match="at least one"):
        negsim.utility_matrix([])
