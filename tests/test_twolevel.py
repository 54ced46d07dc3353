"""Two-level games: constituencies, ratification rules, win-sets (Putnam 1988)."""

from __future__ import annotations

import numpy as np
import pytest

import negsim
from negsim.twolevel import (
    IdealPointConstituency,
    PollConstituency,
    Ratification,
    win_set_overlap,
)


@pytest.fixture
def space() -> negsim.OutcomeSpace:
    return negsim.OutcomeSpace(
        [
            negsim.categorical("islands", ["none", "two", "four"]),
            negsim.ordered("aid", ["none", "some", "much"]),
        ]
    )


def test_poll_support_combines_issues(space: negsim.OutcomeSpace) -> None:
    shares = {"islands": {"two": 0.4, "four": 0.1}, "aid": {"much": 0.6}}
    grid = space.grid()
    by_min = PollConstituency("public", shares).support(space, grid)
    by_product = PollConstituency("public", shares, combine="product").support(space, grid)
    by_mean = PollConstituency("public", shares, combine="mean").support(space, grid)
    two_much = space.index_of(space.outcome_from_labels({"islands": "two", "aid": "much"}))
    assert by_min[two_much] == pytest.approx(0.4)
    assert by_product[two_much] == pytest.approx(0.24)
    assert by_mean[two_much] == pytest.approx(0.5)
    assert by_min[0] == 1.0  # unlisted options: no objection
    assert PollConstituency("nobody asked", {}).support(space, grid).tolist() == [1.0] * 9


def test_ideal_point_support(space: negsim.OutcomeSpace) -> None:
    group = IdealPointConstituency(
        "hawks",
        ideal={"islands": "none", "aid": "none"},
        weights={"islands": 0.5, "aid": 0.5},
        tolerance=0.5,
    )
    grid = space.grid()
    support = group.support(space, grid)
    labels = [space.labels(row) for row in grid]
    for row, s in zip(labels, support, strict=True):
        distance = (
            0.5 * (row["islands"] != "none") + 0.5 * ["none", "some", "much"].index(row["aid"]) / 2
        )
        assert s == pytest.approx(max(0.0, 1 - distance / 0.5))


def test_ratification_rules_and_vetoes(space: negsim.OutcomeSpace) -> None:
    public = PollConstituency("public", {"islands": {"two": 0.6, "four": 0.2}}, weight=0.8)
    residents = PollConstituency("residents", {"islands": {"two": 0.0, "four": 0.0}}, weight=0.2)
    rule = Ratification([public, residents], threshold=0.45)
    two = space.index_of(space.outcome_from_labels({"islands": "two", "aid": "none"}))
    four = space.index_of(space.outcome_from_labels({"islands": "four", "aid": "none"}))
    vote = rule.vote(space, two)
    assert vote.support == pytest.approx(0.48)
    assert vote.ratified
    assert not rule.vote(space, four).ratified
    assert set(rule.win_set(space).tolist()) == {i for i in range(9) if i // 3 in (0, 1)}
    banned = Ratification(
        [public, residents], threshold=0.45, vetoes=[negsim.IssueIs("islands", ["two", "four"])]
    )
    assert banned.vote(space, two).support == 0.0
    chance = Ratification([public, residents], rule="probability")
    outcomes = [chance.vote(space, two, rng=s).ratified for s in range(400)]
    assert 0.38 < np.mean(outcomes) < 0.58  # passes with probability 0.48
    assert chance.vote(space, two, rng=5) == chance.vote(space, two, rng=5)


def test_win_set_overlap(space: negsim.OutcomeSpace) -> None:
    japan = Ratification([PollConstituency("public", {"islands": {"none": 0.1}})])
    russia = Ratification([PollConstituency("public", {"islands": {"two": 0.3, "four": 0.05}})])
    assert win_set_overlap(space, [japan, russia]).size == 0
    softer = Ratification([PollConstituency("public", {"islands": {"two": 0.55, "four": 0.05}})])
    assert sorted(win_set_overlap(space, [japan, softer]).tolist()) == [3, 4, 5]


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: PollConstituency("p", {"islands": {"two": 1.5}}), "shares.islands.two"),
        (lambda: PollConstituency("p", {}, combine="max"), "combine"),
        (lambda: PollConstituency("p", {}, weight=2.0), "weight"),
        (lambda: IdealPointConstituency("h", {"aid": "none"}, {"aid": 0.5}, 0.5), "weights"),
        (lambda: IdealPointConstituency("h", {"aid": "none"}, {"islands": 1.0}, 0.5), "weights"),
        (lambda: IdealPointConstituency("h", {"aid": "none"}, {"aid": 1.0}, 0.0), "tolerance"),
        (lambda: IdealPointConstituency("h", {"aid": "none"}, {"aid": -1.0}, 0.5), "weights"),
        (lambda: Ratification([]), "constituencies"),
        (lambda: Ratification([PollConstituency("p", {}, weight=0.5)]), "sum of 1"),
        (lambda: Ratification([PollConstituency("p", {})], rule="vote"), "rule"),
        (lambda: Ratification([PollConstituency("p", {})], threshold=1.5), "threshold"),
    ],
)
def test_bad_two_level_input(build: object, field: str) -> None:
    with pytest.raises(negsim.ValidationError, match=field):
        build()  # type: ignore[operator]


def test_names_are_checked_against_the_space(space: negsim.OutcomeSpace) -> None:
    with pytest.raises(negsim.ValidationError, match="did you mean 'islands'"):
        Ratification([PollConstituency("p", {"island": {"two": 0.5}})]).validate(space)
    with pytest.raises(negsim.ValidationError, match="did you mean 'four'"):
        Ratification([PollConstituency("p", {"islands": {"for": 0.5}})]).validate(space)
    with pytest.raises(negsim.ValidationError, match="no option"):
        IdealPointConstituency("h", {"aid": "lots"}, {"aid": 1.0}, 0.5).validate(space, "x")
    with pytest.raises(negsim.ValidationError, match=r"vetoes\[0\]"):
        Ratification([PollConstituency("p", {})], vetoes=[negsim.IssueIs("x", "y")]).validate(space)


def test_the_win_set_includes_its_boundary(space: negsim.OutcomeSpace) -> None:
    # Putnam's win-set is the outcomes with support S(ω) >= threshold: an outcome supported
    # exactly at the threshold is in it, and so is one a rounding error (< 1e-12) below it.
    edge = 0.5 - 1e-12  # the float the tolerance reaches exactly
    shares = {"islands": {"none": 0.2, "two": 0.5, "four": edge}}
    poll = Ratification([PollConstituency("public", shares)], threshold=0.5)
    members = {space.labels(space.outcome_at(i))["islands"] for i in poll.win_set(space)}
    assert members == {"two", "four"}
    for i in range(space.size):  # the vote agrees with the win-set
        assert poll.vote(space, i).ratified == (i in poll.win_set(space))
