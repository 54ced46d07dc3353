"""Hypothesis properties of outcome spaces, conditions and preference models."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from strategies import linear_additive, outcome_spaces, outcomes, positions

import negsim


@given(space=outcome_spaces(), data=st.data())
def test_index_round_trip(space: negsim.OutcomeSpace, data: st.DataObject) -> None:
    index = data.draw(st.integers(0, space.size - 1))
    outcome = space.outcome_at(index)
    assert space.index_of(outcome) == index
    assert space.outcome_from_labels(space.labels(outcome)).tolist() == outcome.tolist()
    batch = data.draw(outcomes(space))
    assert (space.outcome_at(space.index_of(batch)) == batch).all()


@given(space=outcome_spaces(), data=st.data())
def test_vectorised_and_per_row_utilities_agree(
    space: negsim.OutcomeSpace, data: st.DataObject
) -> None:
    batch = data.draw(outcomes(space))
    for model in (data.draw(linear_additive(space)), data.draw(positions(space))):
        whole = model.utility(batch)
        rows = np.array([model.utility_of(row) for row in batch])
        np.testing.assert_array_equal(whole, rows)
        np.testing.assert_array_equal(model.grid_utilities()[space.index_of(batch)], whole)


@given(space=outcome_spaces(), data=st.data())
def test_linear_additive_is_in_the_unit_interval(
    space: negsim.OutcomeSpace, data: st.DataObject
) -> None:
    u = data.draw(linear_additive(space)).grid_utilities()
    assert (u >= -1e-12).all()
    assert (u <= 1 + 1e-12).all()


@given(space=outcome_spaces(), data=st.data())
def test_position_only_lowers_the_base_and_marks_red_lines(
    space: negsim.OutcomeSpace, data: st.DataObject
) -> None:
    position = data.draw(positions(space))
    grid = space.grid()
    u = position.utility(grid)
    base = position.base.utility(grid)
    ok = position.acceptable(grid)
    assert (np.isneginf(u) == ~ok).all()
    assert (u[ok] <= base[ok] + 1e-12).all()


@given(space=outcome_spaces(), data=st.data())
def test_condition_algebra_is_boolean_algebra(
    space: negsim.OutcomeSpace, data: st.DataObject
) -> None:
    def condition() -> negsim.Condition:
        issue = data.draw(st.sampled_from(space.issues))
        chosen = data.draw(st.lists(st.sampled_from(issue.options), min_size=1, unique=True))
        return negsim.IssueIs(issue.name, chosen)

    a, b = condition(), condition()
    grid = space.grid()
    ma, mb = a.mask(space, grid), b.mask(space, grid)
    np.testing.assert_array_equal((a & b).mask(space, grid), ma & mb)
    np.testing.assert_array_equal((a | b).mask(space, grid), ma | mb)
    np.testing.assert_array_equal((~(a & b)).mask(space, grid), (~a | ~b).mask(space, grid))


@given(seed=st.integers(0, 2**40), n=st.integers(1, 5))
def test_rng_replays(seed: int, n: int) -> None:
    from negsim.rng import resolve_rng

    first, s1 = resolve_rng(seed)
    second, s2 = resolve_rng(seed)
    assert s1 == s2 == seed
    assert first.random(n).tolist() == second.random(n).tolist()
    gen_a, from_generator = resolve_rng(np.random.default_rng(seed))
    replay, _ = resolve_rng(from_generator)
    assert gen_a.random(n).tolist() == replay.random(n).tolist()
