"""Issues and outcome spaces: building, indexing, labels, limits, errors."""

from __future__ import annotations

import numpy as np
import pytest

import negsim
from negsim import OutcomeSpace, categorical, continuous, integer, ordered


@pytest.fixture
def space() -> OutcomeSpace:
    return OutcomeSpace(
        [
            categorical("sovereignty", ["russia", "japan", "joint"]),
            ordered("economy", ["none", "plan", "plan_plus"]),
            integer("islands", 0, 4),
        ]
    )


def test_issue_kinds() -> None:
    assert categorical("a", ["x", "y"]).kind == "categorical"
    assert ordered("b", ["lo", "hi"]).kind == "ordered"
    years = integer("years", 1, 3)
    assert years.options == ("1", "2", "3")
    assert years.values is not None
    assert years.values.tolist() == [1.0, 2.0, 3.0]
    assert years.is_numeric
    assert not categorical("a", ["x"]).is_numeric
    share = continuous("share", 0.0, 1.0, 0.25)
    assert share.options == ("0", "0.25", "0.5", "0.75", "1")
    assert share.index(0.5) == 2
    assert share.index("0.75") == 3
    assert continuous("tiny", 0, 1e-6, 1e-7).size == 11


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: categorical("a", []), "no options"),
        (lambda: categorical("a", ["x", "x"]), "repeated options"),
        (lambda: categorical("", ["x"]), "issue.name"),
        (lambda: integer("a", 3, 1), "low <= high"),
        (lambda: integer("a", 0.5, 3), "integers"),
        (lambda: continuous("a", 0, 1, 0.3), "does not divide"),
        (lambda: continuous("a", 0, 1, 0), "positive step"),
        (lambda: continuous("a", 1, 0, 0.1), "low <= high"),
        (lambda: continuous("a", 0, float("inf"), 0.1), "finite"),
        (lambda: negsim.Issue("a", ["x"], "fuzzy"), "kind"),
        (lambda: negsim.Issue("a", ["x"], "integer"), "values"),
        (lambda: negsim.Issue("a", ["x"], "categorical", [1.0]), "only numeric"),
    ],
)
def test_bad_issues(build: object, message: str) -> None:
    with pytest.raises(negsim.ValidationError, match=message):
        build()  # type: ignore[operator]


def test_unknown_option_suggests(space: OutcomeSpace) -> None:
    with pytest.raises(negsim.ValidationError, match="did you mean 'japan'"):
        space.issue("sovereignty").index("japn")


def test_size_shape_and_grid(space: OutcomeSpace) -> None:
    assert space.shape == (3, 3, 5)
    assert space.size == 45
    assert space.n_issues == 3
    grid = space.grid()
    assert grid.shape == (45, 3)
    assert not grid.flags.writeable
    assert grid[7].tolist() == [0, 1, 2]
    assert space.index_of(grid).tolist() == list(range(45))
    assert space.grid() is grid  # cached


def test_enumeration_limit(space: OutcomeSpace) -> None:
    with pytest.raises(negsim.OutcomeSpaceTooLarge, match=r"45 outcomes.*limit of 10"):
        space.grid(limit=10)
    big = OutcomeSpace([integer(f"i{k}", 0, 99) for k in range(5)])
    with pytest.raises(negsim.OutcomeSpaceTooLarge, match="10,000,000,000 outcomes"):
        big.grid()
    assert big.sample(3, rng=1).shape == (3, 5)
    assert len(space.grid(limit=45)) == 45


def test_index_outcome_labels_round_trip(space: OutcomeSpace) -> None:
    outcome = space.outcome_from_labels({"sovereignty": "joint", "economy": "plan", "islands": 2})
    assert outcome.tolist() == [2, 1, 2]
    index = space.index_of(outcome)
    assert index == 2 * 15 + 1 * 5 + 2
    assert space.outcome_at(index).tolist() == [2, 1, 2]
    assert space.labels(outcome) == {"sovereignty": "joint", "economy": "plan", "islands": "2"}
    assert space.describe(outcome) == "sovereignty=joint, economy=plan, islands=2"
    assert space.outcome_at(np.array([0, 44])).tolist() == [[0, 0, 0], [2, 2, 4]]


def test_conversion_errors_name_the_issue(space: OutcomeSpace) -> None:
    with pytest.raises(negsim.ValidationError, match=r"outcomes\[0\]\.islands"):
        space.validate([[0, 0, 5]])
    with pytest.raises(negsim.ValidationError, match="shape"):
        space.validate([[0, 0]])
    with pytest.raises(negsim.ValidationError, match="integer"):
        space.validate([[0.5, 0, 0]])
    with pytest.raises(negsim.ValidationError, match="out of range"):
        space.outcome_at(45)
    with pytest.raises(negsim.ValidationError, match="integer outcome indices"):
        space.outcome_at(1.5)
    with pytest.raises(negsim.ValidationError, match="did you mean 'islands'"):
        space.outcome_from_labels({"sovereignty": "japan", "economy": "plan", "island": 1})
    with pytest.raises(negsim.ValidationError, match="no option given"):
        space.outcome_from_labels({"sovereignty": "japan"})
    with pytest.raises(negsim.ValidationError, match="did you mean 'economy'"):
        space.issue("econmy")


def test_bad_spaces() -> None:
    with pytest.raises(negsim.ValidationError, match="no issues"):
        OutcomeSpace([])
    with pytest.raises(negsim.ValidationError, match="repeated issue names"):
        OutcomeSpace([categorical("a", ["x"]), categorical("a", ["y"])])
    with pytest.raises(negsim.ValidationError, match="an Issue"):
        OutcomeSpace(["a"])  # type: ignore[list-item]


def test_dict_round_trip(space: OutcomeSpace) -> None:
    again = OutcomeSpace.from_dict(space.to_dict())
    assert again == space
    assert again.issue("islands").values is not None


def test_sampling_is_reproducible(space: OutcomeSpace) -> None:
    a = space.sample(20, rng=3)
    assert (a == space.sample(20, rng=3)).all()
    assert space.validate(a) is not None
    assert not (a == space.sample(20, rng=4)).all()


def test_rng_normalisation() -> None:
    from negsim.rng import resolve_rng, spawn_seeds

    generator, seed = resolve_rng(5)
    assert seed == 5
    assert generator.random() == np.random.default_rng(5).random()
    _, fresh = resolve_rng(None)
    assert isinstance(fresh, int)
    _, drawn = resolve_rng(np.random.default_rng(1))
    assert drawn == resolve_rng(np.random.default_rng(1))[1]
    assert spawn_seeds(3, 4) == spawn_seeds(3, 4)
    assert len(set(spawn_seeds(3, 4))) == 4
    with pytest.raises(negsim.ValidationError, match="negative"):
        resolve_rng(-1)
    with pytest.raises(negsim.ValidationError, match="Generator"):
        resolve_rng("seed")  # type: ignore[arg-type]
    with pytest.raises(negsim.ValidationError, match="Generator"):
        resolve_rng(True)
