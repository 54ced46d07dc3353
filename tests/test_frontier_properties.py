"""Hypothesis properties of negsim.analysis, checked against brute force."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import disagreement_points, utility_arrays

from negsim import analysis as A


def _brute_force_frontier(U: Any) -> set[int]:
    return {
        i
        for i in range(len(U))
        if not any((U[j] >= U[i]).all() and (U[j] > U[i]).any() for j in range(len(U)))
    }


@given(utility_arrays())
def test_frontier_is_sound_and_complete(U: Any) -> None:
    frontier = A.pareto_frontier(U)
    assert frontier.tolist() == sorted(frontier.tolist())
    assert set(frontier.tolist()) == _brute_force_frontier(U)


@given(utility_arrays(min_parties=2, max_parties=2))
def test_two_party_path_equals_the_general_path(U: Any) -> None:
    padded = np.column_stack([U, np.zeros(len(U))])
    assert A.pareto_frontier(U).tolist() == A.pareto_frontier(padded).tolist()


@given(
    U=utility_arrays(min_parties=2, max_parties=3),
    data=st.data(),
    scale=st.floats(0.1, 10),
    shift=st.floats(-10, 10),
)
def test_nash_point_is_invariant_to_rescaling_one_party(
    U: Any, data: st.DataObject, scale: float, shift: float
) -> None:
    d = np.array(data.draw(disagreement_points(U.shape[1])))
    party = data.draw(st.integers(0, U.shape[1] - 1))
    V, e = U.copy(), d.copy()
    V[:, party] = scale * V[:, party] + shift
    e[party] = scale * e[party] + shift
    assert A.nash_point(V, e) == A.nash_point(U, d)


@given(U=utility_arrays(min_parties=1, max_parties=4), data=st.data())
def test_solutions_are_candidates_on_the_frontier(U: Any, data: st.DataObject) -> None:
    d = data.draw(disagreement_points(U.shape[1]))
    zone = set(A.zone_of_agreement(U, d).tolist())
    frontier = set(A.pareto_frontier(U).tolist())
    for solution in (
        A.nash_point(U, d),
        A.kalai_smorodinsky_point(U, d),
        A.egalitarian_point(U, d),
    ):
        if not zone:
            assert solution is None
        else:
            assert solution in zone
            assert solution in frontier
    welfare = A.max_welfare_point(U)
    if welfare is not None:
        assert np.isfinite(U[welfare]).all()
        assert welfare in frontier


@given(U=utility_arrays(min_parties=2, max_parties=4), data=st.data())
def test_permuting_parties_does_not_change_the_symmetric_solutions(
    U: Any, data: st.DataObject
) -> None:
    d = np.array(data.draw(disagreement_points(U.shape[1])))
    perm = np.array(data.draw(st.permutations(range(U.shape[1]))))
    zone = A.zone_of_agreement(U, d)
    if zone.size:
        products = np.prod(U[zone] - d, axis=1)
        assume(np.unique(np.round(products, 9)).size == zone.size)  # no ties
    assert A.nash_point(U[:, perm], d[perm]) == A.nash_point(U, d)
    assert A.egalitarian_point(U[:, perm], d[perm]) == A.egalitarian_point(U, d)
