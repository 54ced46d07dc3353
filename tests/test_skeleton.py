"""The protocol skeleton (negsim.protocols.base: setup, Table): what every protocol's run
shares, written once. A protocol written with it gets the contract for free."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

import attrs
import numpy as np
import pytest
from cases import pie_parties, pie_preferences

import negsim
from negsim import EndReason, NegotiationResult, Offer, Party
from negsim.protocols.base import Table, setup
from negsim.results import MEDIATOR
from negsim.rng import RNGLike
from negsim.testing import check_protocol


@attrs.frozen
class _RepeatedUltimatum(negsim.Protocol):
    """The same party proposes every round; the others accept or reject (a test protocol)."""

    name: ClassVar[str] = "test-repeated-ultimatum"
    n_rounds: int = 10
    discount: float = 1.0

    def run(self, parties: Sequence[Party], rng: RNGLike = None) -> NegotiationResult:
        table = setup(self, parties, rng, n_rounds=self.n_rounds, discount=self.discount)
        accepted: list[list[bool]] = []
        end = EndReason.DEADLINE
        for t in range(self.n_rounds):
            table.state.round = t
            offer = table.propose(0)
            table.state.history.append(Offer(t, 0, offer))
            answers = [i == 0 or table.respond(i, offer) for i in range(len(table.parties))]
            accepted.append(answers)
            if all(answers):
                end = EndReason.AGREEMENT
                break
        return table.result(accepted, end)


@pytest.fixture
def registered() -> Iterator[None]:
    negsim.PROTOCOLS.register(_RepeatedUltimatum.name, _RepeatedUltimatum)
    try:
        yield
    finally:
        negsim.PROTOCOLS.unregister(_RepeatedUltimatum.name)


@pytest.mark.usefixtures("registered")
def test_a_protocol_written_with_the_skeleton_meets_the_contract() -> None:
    for params in ({}, {"n_rounds": 30, "discount": 0.9}):
        protocol = negsim.make_protocol(_RepeatedUltimatum.name, **params)
        check_protocol(protocol)
        check_protocol(protocol, agents=("random", "hardliner"))


def _table(**kwargs: Any) -> Table:
    first, second = pie_parties()
    impatient = attrs.evolve(first, preferences=negsim.Position(first.preferences, discount=0.5))
    return setup(negsim.AlternatingOffers(), [impatient, second], 7, **kwargs)


def test_setup_gives_each_party_its_factor_and_what_it_is_told() -> None:
    table = _table(n_rounds=4, discount=0.8, information="complete")
    assert table.seed == 7
    assert table.factors == (0.5 * 0.8, 0.8)
    assert [v.round_discount for v in table.views] == list(table.factors)
    assert all(v.n_rounds == 4 for v in table.views)
    assert "opponent_utilities" in table.views[0].announcements
    told = _table(announce=lambda parties: [{"news": p.name} for p in parties])
    assert told.views[1].announcements == {"news": "second"}
    told.told[1]["news"] = "later"  # the protocol may update what it told, between rounds
    assert told.views[1].announcements["news"] == "later"


def test_setup_starts_the_agents_only_when_asked() -> None:
    started: list[int] = []

    @attrs.frozen
    class Probe(negsim.Agent):
        name: ClassVar[str] = "probe"

        def start(self, obs: negsim.Observation) -> None:
            started.append(obs.party)

        def propose(self, obs: negsim.Observation) -> int:
            return obs.best

        def respond(self, obs: negsim.Observation, offer: int) -> bool:
            return True

    parties = [attrs.evolve(p, agent=Probe()) for p in pie_parties()]
    setup(negsim.AlternatingOffers(), parties, 0, start=False)
    assert started == []
    setup(negsim.AlternatingOffers(), parties, 0)
    assert started == [0, 1]


def test_the_protocols_own_checks_run_before_any_agent_starts() -> None:
    calls: list[str] = []

    @attrs.frozen
    class Picky(_RepeatedUltimatum):
        def check_run(self, parties: tuple[Party, ...]) -> None:
            calls.append("check")
            raise negsim.ValidationError("parties", "never enough", "a test")

    with pytest.raises(negsim.ValidationError, match="never enough"):
        Picky().run(pie_parties())
    assert calls == ["check"]
    with pytest.raises(negsim.ValidationError, match="opener"):
        negsim.AlternatingOffers(opener=-1)  # a seat index, refused when the rules are made


def test_a_bad_proposal_names_the_party_and_the_round() -> None:
    @attrs.frozen
    class Wild(negsim.Agent):
        name: ClassVar[str] = "wild"

        def propose(self, obs: negsim.Observation) -> Any:
            return 99 if obs.round else np.int64(3)

        def respond(self, obs: negsim.Observation, offer: int) -> bool:
            return False

    parties = [attrs.evolve(p, agent=Wild()) for p in pie_parties()]
    table = setup(negsim.AlternatingOffers(), parties, 0, n_rounds=3)
    first = table.propose(0)
    assert first == 3
    assert type(first) is int
    table.state.round = 1
    with pytest.raises(negsim.NegsimError, match=r"party 'second' proposed 99 in round 1"):
        table.propose(1)


def test_the_result_discounts_to_each_offers_round_and_keeps_red_lines() -> None:
    table = _table(n_rounds=400, discount=0.01, start=False)
    # the first party's utility of outcome 0 is 0, of 10 is 1 (the second's the reverse)
    record = [Offer(0, MEDIATOR, 10), Offer(0, 1, 4), Offer(300, 0, 10)]
    result = table.result([[False, True], [True, True], [True, True]], EndReason.AGREEMENT, record)
    assert result.offer_rounds.tolist() == [0, 0, 300]
    assert result.proposers.tolist() == [MEDIATOR, 1, 0]
    assert result.utilities[0].tolist() == [1.0, 0.0]  # round 0: undiscounted
    assert result.utilities[2].tolist() == [0.0, 0.0]  # (0.005)^300 underflows to 0
    assert result.agreement == 10
    assert result.final_utilities.tolist() == [0.0, 0.0]
    assert result.discounts.tolist() == [0.005, 0.01]
    deadline = table.result([[False, True]], EndReason.DEADLINE, record[:1])
    assert deadline.agreement is None
    assert deadline.final_utilities.tolist() == deadline.reservations.tolist()


def test_the_result_keeps_minus_infinity_when_the_factor_underflows() -> None:
    scenario = negsim.load_scenario("kurils-1956")
    japan = scenario.parties[0]
    red = int(np.flatnonzero(np.isneginf(japan.preferences.grid_utilities()))[0])
    table = setup(
        negsim.AlternatingOffers(), scenario.parties, 0, n_rounds=400, discount=0.01, start=False
    )
    result = table.result([[True, True]], EndReason.AGREEMENT, [Offer(300, 1, red)])
    assert result.utilities[0, 0] == -math.inf  # not 0 × -inf = NaN
    assert not np.isnan(result.utilities).any()


@pytest.mark.parametrize("name", negsim.PROTOCOLS.names())
def test_every_protocol_records_each_partys_factor(name: str) -> None:
    a, b = pie_preferences()
    parties = [
        Party("first", negsim.Position(a, discount=0.9), negsim.make_agent("zeuthen")),
        Party("second", b, negsim.make_agent("zeuthen")),
    ]
    protocol = negsim.make_protocol(name)
    common = float(protocol.parameters().get("discount", 1.0))
    result = protocol.run(parties, rng=0)
    assert result.discounts.tolist() == [0.9 * common, 1.0 * common]
