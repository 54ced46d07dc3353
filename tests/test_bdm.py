"""Bueno de Mesquita's expected-utility model (Scholz, Calbert & Smith 2011 reconstruction)."""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np
import pytest
from hypothesis import given
from strategies import actor_data

from negsim.errors import ValidationError
from negsim.spatial import ActorData, read_actor_csv
from negsim.spatial.bdm import OFFER_KINDS, BDMOptions, run_bdm

DATA = Path(__file__).parent / "data"

# The path of the EU emission-standards case (Bueno de Mesquita 1994, p. 78; Scholz, Calbert &
# Smith 2011, Table 1) as the published replication of Scholz et al.'s code prints it: J.
# McKibben's bdm-scholz-expected-utility-model, in D. Masad's Python 3 port, file
# `Example.log` (`python bdm_scholz_model.py ExampleActors.csv 10`). Weighted mean per round:
EU_MEANS = [
    7.389955686853767,
    7.461314378277189,
    7.552500865855845,
    7.590144997451547,
    7.358130531334201,
    7.3491739896752115,
    7.414877545372958,
    7.510457183677219,
    7.5724470975503,
    7.324989065683666,
    7.242130958473938,
]


@pytest.fixture(scope="module")
def eu() -> ActorData:
    return read_actor_csv(DATA / "bdm_eu_emission_standards.csv")


def test_eu_path_matches_the_published_replication(eu: ActorData) -> None:
    run = run_bdm(eu, rounds=10)
    assert run.mean[0] == pytest.approx(7.389956, abs=5e-7)
    assert run.median[0] == 7.0
    np.testing.assert_allclose(run.mean, EU_MEANS, rtol=0, atol=1e-12)
    names = list(eu.names)
    belgium, france, luxembourg = (names.index(a) for a in ("Belgium", "France", "Luxembourg"))
    first = run.rounds[0]
    # Example.log, round 1: "Belgium compromises with France -0.11483050347300794 vs
    # 0.2432965945234421 new_pos = 8.415932315426764"; Luxembourg loses a confrontation to
    # Belgium (0.24550922248250817 vs 0.542246100211495), moving to 7.
    assert first.accepted[belgium] == france
    assert OFFER_KINDS[first.offer_kind[france, belgium]] == "compromise"
    assert first.eu_own[belgium, france] == pytest.approx(-0.11483050347300794, abs=1e-12)
    assert first.eu_offer[france, belgium] == pytest.approx(0.2432965945234421, abs=1e-12)
    assert first.next_positions[belgium] == pytest.approx(8.415932315426764, abs=1e-12)
    assert OFFER_KINDS[first.offer_kind[belgium, luxembourg]] == "confrontation"
    assert first.eu_own[luxembourg, belgium] == pytest.approx(0.24550922248250817, abs=1e-12)
    assert first.next_positions[luxembourg] == 7.0
    # Round 4: Belgium compromises with the Netherlands, to 4.800881140632622.
    fourth = run.rounds[3]
    assert names[fourth.accepted[belgium]] == "Netherlands"
    assert fourth.next_positions[belgium] == pytest.approx(4.800881140632622, abs=1e-12)
    assert run.rounds[0].moves(eu.names)[0].startswith("Belgium compromises with France")
    assert [len(r.moves(eu.names)) for r in run.rounds] == [3] * 10


def test_risk_exponents_follow_security(eu: ActorData) -> None:
    first = run_bdm(eu, rounds=1).rounds[0]
    assert first.risk_acceptance.min() == pytest.approx(-1.0)
    assert first.risk_acceptance.max() == pytest.approx(1.0)
    np.testing.assert_allclose(
        first.exponent, (1 - first.risk_acceptance / 3) / (1 + first.risk_acceptance / 3)
    )
    most_threatened = int(np.argmax(first.security))
    assert first.exponent[most_threatened] == pytest.approx(0.5)
    np.testing.assert_allclose(first.security, first.eu_neutral.sum(axis=0))


def test_probability_rules(eu: ActorData) -> None:
    pair = run_bdm(eu, 1, options=BDMOptions(probability="pair")).rounds[0]
    different = eu.positions[:, 0][:, None] != eu.positions[:, 0][None, :]
    np.testing.assert_allclose((pair.probability + pair.probability.T)[different], 1.0)
    coded = run_bdm(eu, 1).rounds[0]
    assert coded.probability.max() < 0.1  # the all-pairs denominator makes them small
    # Same numerators, other denominators: P_ij / (P_ij + P_ji) is the pair rule's P_ij.
    both = coded.probability_neutral + coded.probability_neutral.T
    np.testing.assert_allclose(
        (coded.probability_neutral / np.where(both > 0, both, 1))[different],
        pair.probability_neutral[different],
    )


def _brute_probability(x: np.ndarray, w: np.ndarray, r: np.ndarray, rule: str) -> np.ndarray:
    span = np.ptp(x)
    g = (np.abs(x[:, None] - x[None, :]) / span) ** r[:, None]  # g[k, a]
    votes = w[:, None, None] * (g[:, None, :] - g[:, :, None])  # [k, i, j]
    positive = np.maximum(votes, 0).sum(axis=0)
    if rule == "pair":
        denominator = np.abs(votes).sum(axis=0)
    else:
        denominator = np.full_like(positive, np.abs(votes).sum())
    return np.where(denominator > 0, positive / np.where(denominator > 0, denominator, 1), 0)


@given(data=actor_data(max_dimensions=1))
def test_fast_probability_equals_the_direct_sum(data: ActorData) -> None:
    from negsim.spatial.bdm import _Geometry

    x = data.positions[:, 0]
    w = data.capability * data.saliences[:, 0] / 100
    r = np.linspace(0.5, 2.0, len(x))
    geometry = _Geometry(len(x), float(np.ptp(x))).update(x)
    for rule in ("pair", "all-pairs"):
        np.testing.assert_allclose(
            geometry.probability(w, r, rule), _brute_probability(x, w, r, rule), atol=1e-12
        )


@given(data=actor_data(max_dimensions=1))
def test_runs_stay_in_the_initial_range_and_replay(data: ActorData) -> None:
    for options in (BDMOptions(), BDMOptions.as_described(), BDMOptions(risk="positions")):
        run = run_bdm(data, rounds=4, options=options)
        low, high = data.positions[:, 0].min(), data.positions[:, 0].max()
        assert run.positions.shape == (5, data.n_actors)
        assert (run.positions >= low - 1e-9).all()
        assert (run.positions <= high + 1e-9).all()
        assert ((run.mean >= low - 1e-9) & (run.mean <= high + 1e-9)).all()
        for t in range(5):
            assert run.median[t] in run.positions[t]
        again = run_bdm(data, rounds=4, options=options)
        np.testing.assert_array_equal(run.positions, again.positions)
        for step in run.rounds:
            assert ((step.exponent >= 0.5 - 1e-12) & (step.exponent <= 2 + 1e-12)).all()
            assert ((step.probability >= 0) & (step.probability <= 1 + 1e-12)).all()


def test_capitulation_branch() -> None:
    # A strong, committed actor and a weak, indifferent one far away: the weak one's EU of
    # challenging is far below zero, more than the strong one's gain (|u| > U).
    data = ActorData(["strong", "weak", "middle"], [10, 0.1, 1], [0, 100, 50], [100, 5, 50])
    coded = run_bdm(data, 1).rounds[0]
    full = run_bdm(data, 1, options=BDMOptions(capitulation="full")).rounds[0]
    assert "capitulation" not in {OFFER_KINDS[k] for k in coded.offer_kind.ravel()}
    kinds = {OFFER_KINDS[k] for k in full.offer_kind.ravel()}
    assert "capitulation" in kinds
    i, j = np.argwhere(full.offer_kind == OFFER_KINDS.index("capitulation"))[0]
    assert -full.eu_own[j, i] > full.eu_offer[i, j] > 0
    assert full.offer_position[i, j] == data.positions[i, 0]


def test_least_move_takes_the_nearest_offer(eu: ActorData) -> None:
    step = run_bdm(eu, 1, options=BDMOptions(selection="least-move")).rounds[0]
    x = step.positions
    for j, i in enumerate(step.accepted):
        offered = step.offer_kind[:, j] > 0
        if i >= 0:
            moves = np.abs(step.offer_position[offered, j] - x[j])
            assert abs(step.offer_position[i, j] - x[j]) == pytest.approx(moves.min())
        else:
            assert not offered.any()


def test_perspective_and_status_quo_options(eu: ActorData) -> None:
    own = run_bdm(eu, 1, options=BDMOptions(perspective="own")).rounds[0]
    np.testing.assert_array_equal(own.eu_offer, own.eu_own)
    receiver = run_bdm(eu, 1).rounds[0]
    np.testing.assert_array_equal(receiver.eu_offer, receiver.eu_seen_by_target)
    hopeful = run_bdm(eu, 1, options=BDMOptions(q=0.5, t=1.0, forecast="mean")).rounds[0]
    assert not np.allclose(hopeful.eu_own, receiver.eu_own)


def test_bad_options_are_named() -> None:
    with pytest.raises(ValidationError, match="probability: 'half'"):
        BDMOptions(probability="half")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match=r"q: 2 \(expected a probability"):
        BDMOptions(q=2)
    with pytest.raises(ValidationError, match="t: 'abc'"):
        BDMOptions(t="abc")  # type: ignore[arg-type]
    data = ActorData(["a", "b"], [1, 1], [0, 10], [50, 50])
    with pytest.raises(ValidationError, match="rounds"):
        run_bdm(data, rounds=-1)
    with pytest.raises(ValidationError, match="dimension"):
        run_bdm(data, dimension="security")
    with pytest.raises(ValidationError, match="dimension"):
        run_bdm(data, dimension=3)
    with pytest.raises(ValidationError, match="saliences on 0–100"):
        run_bdm(attrs.evolve(data, saliences=[[50.0], [150.0]]))


def test_the_table_lists_every_round(eu: ActorData) -> None:
    table = run_bdm(eu, rounds=2).table()
    assert table.splitlines()[0].split()[:3] == ["round", "mean", "median"]
    assert "Belgium compromises with France" in table
    assert table.splitlines()[-1].split()[:3] == ["2", "7.5525", "9.6109"]


@given(data=actor_data(max_dimensions=1))
def test_least_move_is_mirror_symmetric(data: ActorData) -> None:
    # Mirroring the scale (x -> 100 - x) mirrors every path under the paper's choices.
    options = BDMOptions.as_described()
    mirrored = attrs.evolve(data, positions=100.0 - data.positions)
    run, image = run_bdm(data, 3, options=options), run_bdm(mirrored, 3, options=options)
    np.testing.assert_allclose(100.0 - image.positions, run.positions, atol=1e-7)


def test_by_type_depends_on_the_direction_of_the_scale(eu: ActorData) -> None:
    mirrored = attrs.evolve(eu, positions=14.0 - eu.positions)
    run, image = run_bdm(eu, 4), run_bdm(mirrored, 4)
    np.testing.assert_allclose(14.0 - image.mean[:4], run.mean[:4], atol=1e-9)
    assert abs((14.0 - image.mean[4]) - run.mean[4]) > 0.1  # round 4 parts ways


def test_the_round_exposes_the_utilities_behind_each_expected_utility(eu: ActorData) -> None:
    # EU(i→j) = s_j [P U_s + (1 - P) U_f] + (1 - s_j) U_s - U_sq (Q = 1): rebuilt from parts.
    step = run_bdm(eu, 1).rounds[0]
    s = eu.saliences[:, 0] / 100
    for perspective, eu_matrix in (("own", step.eu_own), ("target", step.eu_seen_by_target)):
        u = step.utilities(perspective)  # type: ignore[arg-type]
        p = step.probability
        rebuilt = s * (p * u["success"] + (1 - p) * u["failure"]) + (1 - s) * u["success"]
        rebuilt -= u["status_quo"]
        np.fill_diagonal(rebuilt, 0)
        np.testing.assert_allclose(rebuilt, eu_matrix, atol=1e-12)
    neutral = step.utilities("neutral")
    assert set(neutral) == {"success", "failure", "better", "worse", "status_quo"}
    np.testing.assert_allclose(neutral["status_quo"], 0.0)
    assert step.forecast == 7.0  # the median, the default forecast μ
    assert step.span == 6.0  # 10 - 4 years
    with_mean = run_bdm(eu, 1, options=BDMOptions(q=0.5, t=0.25, forecast="mean")).rounds[0]
    u, p = with_mean.utilities("own"), with_mean.probability
    assert (u["better"] >= u["worse"]).all()
    rebuilt = s * (p * u["success"] + (1 - p) * u["failure"]) + (1 - s) * u["success"]
    rebuilt -= 0.5 * u["status_quo"] + 0.5 * (0.25 * u["better"] + 0.75 * u["worse"])
    np.fill_diagonal(rebuilt, 0)
    np.testing.assert_allclose(rebuilt, with_mean.eu_own, atol=1e-12)
    assert with_mean.forecast == pytest.approx(7.389956, abs=5e-7)


def test_risk_compared_across_positions(eu: ActorData) -> None:
    # BDM's reading: each actor's danger where it stands, against the dangers it would face
    # at every position held (moved there alone); its own position is among them.
    from negsim.spatial.bdm import _dangers_at_positions

    step = run_bdm(eu, 1, options=BDMOptions(risk="positions")).rounds[0]
    x, s = eu.positions[:, 0], eu.saliences[:, 0] / 100
    dangers = _dangers_at_positions(x, eu.capability * s, s, 6.0, 7.0, BDMOptions())
    own = np.searchsorted(np.unique(x), x)
    np.testing.assert_allclose(dangers[np.arange(eu.n_actors), own], step.security, atol=1e-12)
    high, low = dangers.max(axis=1), dangers.min(axis=1)
    np.testing.assert_allclose(
        step.risk_acceptance, (2 * step.security - high - low) / (high - low), atol=1e-12
    )
    assert ((step.risk_acceptance >= -1) & (step.risk_acceptance <= 1)).all()
    actors = run_bdm(eu, 1).rounds[0]
    np.testing.assert_allclose(step.security, actors.security)  # the same dangers ...
    assert not np.allclose(step.risk_acceptance, actors.risk_acceptance)  # ... other yardstick
