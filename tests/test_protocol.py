"""Unit tests of the alternating-offers protocol."""

from __future__ import annotations

import attrs
import numpy as np
import pytest
from cases import pie_parties, pie_preferences

import negsim
from negsim import AlternatingOffers, EndReason, Party


def test_proposers_alternate_from_the_opener() -> None:
    result = AlternatingOffers(n_rounds=6, opener=1).run(
        pie_parties("hardliner", "hardliner"), rng=0
    )
    assert result.proposers.tolist() == [1, 0, 1, 0, 1, 0]
    assert result.end is EndReason.DEADLINE
    assert result.agreement is None


def test_deadline_gives_reservation_values() -> None:
    parties = pie_parties("hardliner", "hardliner", reservations=(0.2, 0.3))
    result = AlternatingOffers(n_rounds=4).run(parties, rng=0)
    assert result.n_rounds == 4
    np.testing.assert_array_equal(result.final_utilities, [0.2, 0.3])


def test_certain_breakdown_ends_after_the_first_rejection() -> None:
    protocol = AlternatingOffers(n_rounds=50, breakdown_probability=1.0)
    result = protocol.run(pie_parties("hardliner", "hardliner", reservations=(0.1, 0.1)), rng=3)
    assert result.end is EndReason.BREAKDOWN
    assert result.n_rounds == 1
    np.testing.assert_array_equal(result.final_utilities, [0.1, 0.1])


def test_breakdown_risk_draws_from_the_rng() -> None:
    protocol = AlternatingOffers(n_rounds=200, breakdown_probability=0.2)
    parties = pie_parties("hardliner", "hardliner")
    lengths = {protocol.run(parties, rng=seed).n_rounds for seed in range(20)}
    assert len(lengths) > 3  # different seeds, different breakdown rounds
    assert protocol.run(parties, rng=5) == protocol.run(parties, rng=5)


def test_agreement_is_the_last_offer_and_discounted() -> None:
    a, b = pie_preferences()
    parties = [
        Party("first", negsim.Position(a, discount=0.9), negsim.make_agent("hardliner")),
        Party("second", b, negsim.make_agent("conceder")),
    ]
    result = AlternatingOffers(n_rounds=10, discount=0.5).run(parties, rng=0)
    assert result.end is EndReason.AGREEMENT
    t = result.agreement_round
    assert t is not None
    assert result.agreement == result.offers[-1]
    outcome = result.space.outcome_at(result.agreement)
    expected = [(0.9 * 0.5) ** t * a.utility_of(outcome), 0.5**t * b.utility_of(outcome)]
    np.testing.assert_allclose(result.final_utilities, expected)
    assert result.agreement_labels == {"share": "10"}


def test_an_immediate_agreement_happens_in_round_zero() -> None:
    result = AlternatingOffers().run(pie_parties("hardliner", "random"), rng=0)
    # random accepts an acceptable offer with probability 0.5, so give it time
    assert result.agreed
    assert result.agreement == 10


def test_stacked_offers_with_three_parties_need_unanimity() -> None:
    space = negsim.OutcomeSpace([negsim.integer("x", 0, 4)])
    up = negsim.LinearAdditive.from_tables(space, {"x": 1}, {"x": "increasing"})
    down = negsim.LinearAdditive.from_tables(space, {"x": 1}, {"x": "decreasing"})
    mid = negsim.LinearAdditive.from_tables(space, {"x": 1}, {"x": [0, 0.5, 1, 0.5, 0]})
    parties = [
        Party("up", up, negsim.make_agent("linear")),
        Party("down", down, negsim.make_agent("linear")),
        Party("mid", mid, negsim.make_agent("linear")),
    ]
    result = AlternatingOffers(n_rounds=30).run(parties, rng=0)
    assert result.proposers[:4].tolist() == [0, 1, 2, 0]
    assert result.accepted.shape == (result.n_rounds, 3)
    if result.agreed:
        assert result.accepted[-1].all()
    assert not result.accepted[:-1].all(axis=1).any()


def test_seed_is_recorded_and_replays() -> None:
    protocol = AlternatingOffers(n_rounds=20, breakdown_probability=0.1)
    parties = pie_parties("random", "random")
    first = protocol.run(parties, rng=None)
    assert protocol.run(parties, rng=first.seed) == first
    from_generator = protocol.run(parties, rng=np.random.default_rng(4))
    assert protocol.run(parties, rng=from_generator.seed) == from_generator


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"n_rounds": 0}, "n_rounds"),
        ({"discount": 0.0}, "discount"),
        ({"discount": 1.5}, "discount"),
        ({"breakdown_probability": -0.1}, "breakdown_probability"),
        ({"breakdown_probability": float("nan")}, "breakdown_probability"),
    ],
)
def test_bad_rules_name_the_field(change: dict[str, float], field: str) -> None:
    with pytest.raises(negsim.ValidationError, match=field):
        attrs.evolve(AlternatingOffers(), **change)


def test_bad_parties_are_refused() -> None:
    parties = pie_parties()
    with pytest.raises(negsim.ValidationError, match="opener"):
        AlternatingOffers(opener=2).run(parties)
    with pytest.raises(negsim.ValidationError, match="1 parties"):
        AlternatingOffers().run(parties[:1])
    with pytest.raises(negsim.ValidationError, match="unique party names"):
        AlternatingOffers().run([parties[0], attrs.evolve(parties[1], name="first")])
    other_space = pie_parties(n=5)[1]
    with pytest.raises(negsim.ValidationError, match="same outcome space"):
        AlternatingOffers().run([parties[0], other_space])
    with pytest.raises(negsim.ValidationError, match="a Party"):
        AlternatingOffers().run([parties[0], "second"])  # type: ignore[list-item]


def test_party_validates_its_fields() -> None:
    a, _ = pie_preferences()
    with pytest.raises(negsim.ValidationError, match=r"party\.name"):
        Party("", a, negsim.make_agent("linear"))
    with pytest.raises(negsim.ValidationError, match="preferences"):
        Party("x", "prefs", negsim.make_agent("linear"))  # type: ignore[arg-type]
    with pytest.raises(negsim.ValidationError, match="agent"):
        Party("x", a, "linear")  # type: ignore[arg-type]


def test_protocol_registry() -> None:
    assert "alternating-offers" in negsim.PROTOCOLS
    protocol = negsim.make_protocol("alternating-offers", n_rounds=7)
    assert protocol == AlternatingOffers(n_rounds=7)
    with pytest.raises(negsim.ValidationError, match="did you mean 'alternating-offers'"):
        negsim.make_protocol("alternating-offer")
    with pytest.raises(negsim.ValidationError, match="did you mean 'n_rounds'"):
        negsim.make_protocol("alternating-offers", rounds=7)


def test_registry_reports_signature_mismatches_and_lets_other_errors_through() -> None:
    import attrs

    @attrs.frozen
    class Broken(negsim.Agent):
        """An agent whose constructor has a bug of its own (a TypeError inside)."""

        name = "broken-test"
        level: float = 0.5

        def __attrs_post_init__(self) -> None:
            len(self.level)  # type: ignore[arg-type]  # TypeError: a bug, not a bad parameter

        def propose(self, obs: negsim.Observation) -> int:
            return obs.best

        def respond(self, obs: negsim.Observation, offer: int) -> bool:
            return False

    negsim.register_agent(Broken)
    try:
        with pytest.raises(TypeError, match="has no len"):
            negsim.make_agent("broken-test")  # not disguised as "expected valid parameters"
        with pytest.raises(negsim.ValidationError, match=r"no parameter 'levl'.*'level'"):
            negsim.make_agent("broken-test", levl=0.2)
    finally:
        negsim.AGENTS.unregister("broken-test")
    with pytest.raises(negsim.ValidationError, match="exponent"):
        negsim.make_agent("time-dependent", exponent=-1)  # a bad value keeps its own message
    assert negsim.AGENTS.parameters("noisy") == ["probability", "agent"]


@pytest.mark.parametrize("junk", [None, 3, "ab", b"ab"])
def test_parties_that_are_not_a_sequence_get_a_named_error(junk: object) -> None:
    expected = r"parties: got \w+ \(expected a sequence of parties\)"
    with pytest.raises(negsim.ValidationError, match=expected):
        negsim.AlternatingOffers().run(junk, rng=1)  # type: ignore[arg-type]
