"""Agent wrappers: each changes one thing about any agent."""

from __future__ import annotations

import numpy as np
import pytest
from cases import pie_preferences

import negsim
from negsim import AlternatingOffers, Party


def _run(
    first: negsim.Agent,
    second: negsim.Agent,
    n_rounds: int = 20,
    seed: int = 0,
    reservations: tuple[float, float] = (0.0, 0.0),
) -> negsim.NegotiationResult:
    a, b = pie_preferences(reservations=reservations)
    return AlternatingOffers(n_rounds=n_rounds).run(
        [Party("first", a, first), Party("second", b, second)], rng=seed
    )


def test_noisy_is_stochastic_and_replays() -> None:
    noisy = negsim.make_agent("noisy", agent="hardliner", probability=0.5)
    assert noisy.stochastic
    runs = {tuple(_run(noisy, negsim.make_agent("hardliner"), seed=s).offers) for s in range(8)}
    assert len(runs) > 1  # it does tremble
    first = _run(noisy, negsim.make_agent("hardliner"), seed=3)
    assert _run(noisy, negsim.make_agent("hardliner"), seed=3) == first
    assert not negsim.make_agent("floor").stochastic
    assert negsim.make_agent("floor", agent="random").stochastic


def test_last_minute_accepts_at_the_deadline() -> None:
    stubborn = negsim.make_agent("hardliner")
    result = _run(stubborn, negsim.make_agent("last-minute", agent="hardliner", rounds=2), 10)
    assert result.agreed
    assert result.agreement_round is not None
    assert result.agreement_round >= 8
    assert not _run(stubborn, negsim.make_agent("hardliner"), 10).agreed


def test_floor_keeps_a_margin_above_reservation() -> None:
    floored = negsim.make_agent("floor", agent="conceder", margin=0.3)
    result = _run(floored, negsim.make_agent("hardliner"), 20, reservations=(0.2, 0.0))
    mine = result.utilities[result.proposers == 0, 0]
    assert (mine >= 0.5 - 1e-12).all()
    assert not result.agreed  # the hardliner offers 0 to it; 0 < 0.5


def test_commitment_freezes_the_demand() -> None:
    committed = negsim.make_agent("committed", agent="linear", at_round=4)
    result = _run(committed, negsim.make_agent("conceder"), 30)
    own = result.offers[result.proposers == 0]
    rounds = result.offer_rounds[result.proposers == 0]
    frozen = own[rounds >= 4]
    assert len(set(frozen.tolist())) == 1  # never revised after round 4
    if result.agreed:
        assert (
            result.utilities[-1, 0]
            >= result.utilities[result.proposers == 0, 0][rounds >= 4][0] - 1e-12
        )


def test_audience_costs_make_backing_down_costly() -> None:
    # Fearon (1994): with high audience costs a leader cannot accept much less than it
    # publicly demanded.
    plain = _run(
        negsim.make_agent("linear"), negsim.make_agent("boulware"), 20, reservations=(0.3, 0.0)
    )
    tied = _run(
        negsim.make_agent("audience-cost", agent="linear", cost=5.0),
        negsim.make_agent("boulware"),
        20,
        reservations=(0.3, 0.0),
    )
    assert plain.final_utilities[0] <= tied.final_utilities[0] or not tied.agreed
    with pytest.raises(negsim.ValidationError, match="cost"):
        negsim.make_agent("audience-cost", cost=-1)


def test_wrappers_validate_their_inner_agent_and_parameters() -> None:
    with pytest.raises(negsim.ValidationError, match="did you mean 'boulware'"):
        negsim.make_agent("noisy", agent="bouleware")
    with pytest.raises(negsim.ValidationError, match="agent"):
        negsim.make_agent("noisy", agent=3)
    with pytest.raises(negsim.ValidationError, match="probability"):
        negsim.make_agent("noisy", probability=2)
    with pytest.raises(negsim.ValidationError, match="rounds"):
        negsim.make_agent("last-minute", rounds=-1)
    nested = negsim.make_agent("floor", agent={"kind": "noisy", "agent": "boulware"})
    assert nested.describe()["agent"]["agent"] == {
        "kind": "time-dependent",
        "exponent": 4.0,
        "legacy": False,
    }
    assert np.isfinite(_run(nested, negsim.make_agent("linear")).final_utilities).all()
