"""Unit tests and known answers of negsim.analysis."""

from __future__ import annotations

import math

import numpy as np
import pytest

import negsim
from negsim import analysis as A

NEG = -np.inf


def test_frontier_two_parties_with_ties_duplicates_and_red_lines() -> None:
    U = np.array(
        [
            [1.0, 0.0],  # 0 optimal
            [0.8, 0.5],  # 1 optimal
            [0.8, 0.5],  # 2 duplicate of an optimal row: optimal too
            [0.8, 0.4],  # 3 dominated by 1 (same u1, lower u2)
            [0.5, 0.8],  # 4 optimal
            [0.4, 0.4],  # 5 dominated
            [NEG, 1.0],  # 6 optimal: nobody else gives party 1 as much
            [NEG, 0.9],  # 7 dominated by 6 and 4
            [1.0, NEG],  # 8 dominated by 0
        ]
    )
    assert A.pareto_frontier(U).tolist() == [0, 1, 2, 4, 6]
    assert A.pareto_mask(U).tolist() == [i in (0, 1, 2, 4, 6) for i in range(9)]


def test_frontier_one_three_and_empty() -> None:
    assert A.pareto_frontier([[0.2], [0.7], [0.7]]).tolist() == [1, 2]
    U3 = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.3, 0.3, 0.3], [0.2, 0.2, 0.2], [1, 0, 0]]
    assert A.pareto_frontier(U3).tolist() == [0, 1, 2, 3, 5]
    assert A.pareto_frontier(np.zeros((0, 2))).tolist() == []
    assert A.pareto_frontier([[NEG, NEG], [NEG, NEG]]).tolist() == [0, 1]


def test_two_party_path_agrees_with_the_general_sweep() -> None:
    rng = np.random.default_rng(7)
    U = rng.integers(0, 6, (400, 2)).astype(float)
    U[rng.random(U.shape) < 0.05] = NEG
    with_constant = np.column_stack([U, np.zeros(len(U))])
    assert A.pareto_frontier(U).tolist() == A.pareto_frontier(with_constant).tolist()


def test_zone_of_agreement_is_strict() -> None:
    U = [[0.5, 0.5], [0.6, 0.4], [0.7, 0.6], [NEG, 0.9]]
    assert A.zone_of_agreement(U, [0.5, 0.4]).tolist() == [2]
    assert A.zone_of_agreement(U, 0.0).tolist() == [0, 1, 2]


def test_solutions_on_a_small_case() -> None:
    U = np.array([[0.9, 0.2], [0.6, 0.6], [0.7, 0.45], [0.2, 0.9], [0.1, 0.1]])
    d = [0.1, 0.1]
    assert A.nash_point(U, d) == 1
    assert A.kalai_smorodinsky_point(U, d) == 1
    assert A.egalitarian_point(U, d) == 1
    assert A.max_welfare_point(U) == 1
    analysis = A.analyse(U, d)
    assert analysis.nash == 1
    assert analysis.zone.tolist() == [0, 1, 2, 3]
    assert analysis.frontier.tolist() == [0, 1, 2, 3]
    assert analysis.has_agreement_zone


def test_ties_break_to_the_lowest_index() -> None:
    U = [[0.5, 0.5], [0.5, 0.5], [0.25, 1.0]]
    assert A.nash_point(U, [0, 0]) == 0  # 0.25 = 0.25 = 0.25: all tied
    assert A.egalitarian_point(U, [0, 0]) == 0
    assert A.max_welfare_point([[1, 0], [0, 1]]) == 0


def test_egalitarian_and_ks_tie_rules_prefer_more_for_all() -> None:
    U = [[0.3, 0.3], [0.3, 0.9], [0.9, 0.3]]
    assert A.egalitarian_point(U, [0, 0]) == 1  # min tied at 0.3: larger sum wins, then index
    assert A.kalai_smorodinsky_point(U, [0, 0]) == 1


def test_no_candidate_gives_none_not_nan() -> None:
    U = [[0.2, 0.9], [0.9, 0.2], [NEG, 1.0]]
    d = [0.5, 0.5]
    assert A.nash_point(U, d) is None
    assert A.kalai_smorodinsky_point(U, d) is None
    assert A.egalitarian_point(U, d) is None
    assert A.max_welfare_point([[NEG, 1.0]]) is None
    assert A.zone_of_agreement(U, d).size == 0
    analysis = A.analyse(U, d)
    assert analysis.nash is None
    assert not analysis.has_agreement_zone
    assert A.solution_distances(U, [0.5, 0.5], d)["nash"] is None


def test_red_lines_are_never_candidates() -> None:
    U = [[NEG, 1.0], [0.4, 0.4]]
    assert A.nash_point(U, 0.0) == 1
    assert A.max_welfare_point(U) == 1


def test_asymmetric_nash_on_a_linear_frontier() -> None:
    # Roth (1979), Axiomatic Models of Bargaining: with u1 = x, u2 = 1 - x and d = 0 the
    # asymmetric Nash solution with weights (w1, w2) gives x = w1 / (w1 + w2).
    x = np.linspace(0, 1, 10_001)
    U = np.column_stack([x, 1 - x])
    for w1, w2 in [(1, 1), (1, 3), (2, 1), (0.5, 4.5)]:
        i = A.nash_point(U, [0, 0], weights=[w1, w2])
        assert i is not None
        assert x[i] == pytest.approx(w1 / (w1 + w2), abs=1e-4)


def test_known_answers_on_a_curved_frontier() -> None:
    # u1 = x, u2 = sqrt(1 - x), d = 0, on a fine grid of x in [0, 1].
    # Nash (1950): maximise x sqrt(1 - x) -> x = 2/3, utilities (2/3, 1/sqrt 3).
    # Kalai & Smorodinsky (1975): ideal (1, 1), so u1 = u2 -> x = sqrt(1 - x),
    # x = (sqrt 5 - 1) / 2 ≈ 0.618 for both. Egalitarian (Kalai 1977) is the same point here.
    x = np.linspace(0, 1, 100_001)
    U = np.column_stack([x, np.sqrt(1 - x)])
    nash = A.nash_point(U, [0, 0])
    ks = A.kalai_smorodinsky_point(U, [0, 0])
    egalitarian = A.egalitarian_point(U, [0, 0])
    assert nash is not None
    assert ks is not None
    np.testing.assert_allclose(U[nash], [2 / 3, 1 / math.sqrt(3)], atol=1e-4)
    golden = (math.sqrt(5) - 1) / 2
    np.testing.assert_allclose(U[ks], [golden, golden], atol=1e-4)
    assert egalitarian == ks
    welfare = A.max_welfare_point(U)
    assert welfare is not None
    # x + sqrt(1 - x) peaks at x = 3/4; on a fine grid the top is flat to within the
    # documented tie tolerance, so the lowest of the tied indices is returned.
    assert U[welfare].sum() == pytest.approx(1.25, abs=1e-8)


def test_distances() -> None:
    U = np.array([[1.0, 0.0], [0.0, 1.0], [0.2, 0.2], [0.5, 0.5]])
    assert A.distance_to_frontier(U, [0.2, 0.2]) == pytest.approx(math.hypot(0.3, 0.3))
    assert A.distance_to_point(U, [0.0, 0.0], 0) == pytest.approx(1.0)
    assert A.distance_to_point(U, [NEG, 0.0], 0) == math.inf
    assert A.distance_to_frontier([[NEG, 1.0]], [0.0, 0.0]) == math.inf
    distances = A.solution_distances(U, U[2], [0.1, 0.1])
    assert set(distances) == {"pareto", "nash", "kalai_smorodinsky", "egalitarian", "max_welfare"}
    assert distances["nash"] == pytest.approx(math.hypot(0.3, 0.3))


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: A.pareto_frontier([1.0, 2.0]), "U"),
        (lambda: A.pareto_frontier([[np.nan, 1.0]]), "U"),
        (lambda: A.pareto_frontier([[np.inf, 1.0]]), "U"),
        (lambda: A.nash_point([[1.0, 1.0]], [0, 0, 0]), "disagreement"),
        (lambda: A.nash_point([[1.0, 1.0]], [0, 0], weights=[1, 0]), "weights"),
        (lambda: A.nash_point([[1.0, 1.0]], [0, 0], weights=[1, -1]), "weights"),
        (lambda: A.zone_of_agreement([[1.0, 1.0]], [np.nan, 0]), "reservations"),
        (lambda: A.distance_to_frontier([[1.0, 1.0]], [0.0]), "utilities"),
    ],
)
def test_bad_input_names_the_argument(call: object, field: str) -> None:
    with pytest.raises(negsim.ValidationError, match=field):
        call()  # type: ignore[operator]


def test_analysis_of_positions_with_red_lines() -> None:
    space = negsim.OutcomeSpace([negsim.categorical("islands", ["none", "two", "four"])])
    claimant = negsim.LinearAdditive.from_tables(
        space, {"islands": 1}, {"islands": [0, 0.6, 1]}, 0.3
    )
    holder = negsim.Position(
        negsim.LinearAdditive.from_tables(space, {"islands": 1}, {"islands": [1, 0.5, 0]}, 0.3),
        red_lines=[negsim.RedLine(negsim.IssueIs("islands", "four"))],
    )
    U = negsim.utility_matrix([claimant, holder])
    assert np.isneginf(U[2, 1])
    assert A.zone_of_agreement(U, [0.3, 0.3]).tolist() == [1]
    assert A.nash_point(U, [0.3, 0.3]) == 1


def test_mathematically_equal_objectives_tie_whatever_the_rounding() -> None:
    # 0.3 · 0.3 = 0.1 · 0.9 and 0.3 + 0 = 0.1 + 0.2, but in floating point the second row of
    # each pair scores a hair higher (log 0.1 + log 0.9 > 2 log 0.3 by 4e-16; 0.1 + 0.2 =
    # 0.30000000000000004). The documented tie rule (module docstring, "Ties") makes them
    # equal, so neither being dominated, the lowest index wins in either order.
    nash = np.array([[0.3, 0.3], [0.1, 0.9]])
    assert A.nash_point(nash, 0.0) == 0
    assert A.nash_point(nash[::-1], 0.0) == 0
    welfare = np.array([[0.3, 0.0], [0.1, 0.2]])
    assert A.max_welfare_point(welfare) == 0
    assert A.max_welfare_point(welfare[::-1]) == 0
    # and the Nash point does not move when one party's utilities are rescaled
    for scale in (1.0, 3.0, 7.0, 0.1):
        assert A.nash_point(nash * [scale, 1.0], 0.0) == 0


def test_kalai_smorodinsky_ideal_point_is_over_the_candidates() -> None:
    # Kalai & Smorodinsky (1975): the ideal point is the best each party can get among the
    # outcomes both prefer to d. Outcome 0 gives the first party 1.0 but the second less than
    # its disagreement value: it is no candidate and must not stretch the first party's scale.
    U = np.array([[1.0, 0.1], [0.6, 0.4], [0.4, 0.6], [0.5, 0.5]])
    d = [0.2, 0.2]
    # ideal over the candidates (0.6, 0.6): ratios (1, .5), (.5, 1), (.75, .75) → outcome 3
    assert A.kalai_smorodinsky_point(U, d) == 3
    # over all outcomes it would be (1.0, 0.6) and outcome 1 would win
    assert A.analyse(U, d).kalai_smorodinsky == 3
