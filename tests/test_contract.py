"""The contract suite: every registered agent and protocol meets the same rules.

A new agent or protocol gets all of these checks by being registered (see
``negsim.testing``); the tests below also show that the checks can fail.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import attrs
import numpy as np
import pytest

import negsim
from negsim.rng import RNGLike
from negsim.testing import (
    ContractError,
    ScriptedAgent,
    check_agent,
    check_forecast_model,
    check_protocol,
    contract_cases,
)


@pytest.mark.parametrize("name", negsim.AGENTS.names())
def test_registered_agent_meets_contract(name: str) -> None:
    check_agent(negsim.make_agent(name))


@pytest.mark.parametrize("name", negsim.PROTOCOLS.names())
def test_registered_protocol_meets_contract(name: str) -> None:
    check_protocol(negsim.make_protocol(name))


@pytest.mark.parametrize("name", negsim.AGENTS.names())
def test_every_registered_agent_plays_every_registered_protocol(name: str) -> None:
    for protocol_name in negsim.PROTOCOLS.names():
        check_protocol(negsim.make_protocol(protocol_name), agents=(name, name))


def _tournament_scenarios() -> list[negsim.Scenario]:
    """Every bundled scenario, the two-issue trade under every registered protocol, and a
    three-party scenario."""
    from strategies import scenario_data

    trade = negsim.load_scenario("two-issue-trade")
    protocols = [
        trade.with_overrides({"protocol.kind": kind, "scenario.title": f"trade under {kind}"})
        for kind in negsim.PROTOCOLS.names()
    ]
    three = negsim.scenario.scenario_from_data(
        scenario_data({"a": [0.0, 0.5, 1.0], "b": [1.0, 0.5, 0.0], "c": [0.2, 1.0, 0.0]})
    )
    bundled = [negsim.load_scenario(name) for name in negsim.bundled_scenarios()]
    return [*bundled, *protocols, three]


@pytest.mark.parametrize("name", negsim.AGENTS.names())
def test_every_registered_agent_plays_a_tournament(name: str) -> None:
    """Against a fixed field, on every bundled scenario, under every protocol, and with three
    parties: no error, a score for every seat, the agent in every role."""
    field = [name, *(other for other in ("linear", "hardliner", "random") if other != name)][:3]
    result = negsim.tournament(field, _tournament_scenarios(), n_seeds=2, rng=0)
    held = result.seats >= 0
    assert np.isfinite(result.utilities[held]).all()
    for s, roles in enumerate(result.roles):
        rows = result.scenario == s
        for j in range(len(roles)):
            assert (result.seats[rows, j] == 0).any(), (name, result.scenarios[s], roles[j])
    table = result.ranking()
    assert name in table.agents
    assert table.n_seats[table.agents.index(name)] > 0


def test_contract_cases_are_valid_bilateral_cases() -> None:
    for label, first, second in contract_cases():
        assert first.space == second.space, label


@attrs.frozen
class _Pushover(negsim.Agent):
    """Accepts everything: breaks individual rationality."""

    name: ClassVar[str] = "pushover"

    def propose(self, obs: negsim.Observation) -> int:
        return obs.best

    def respond(self, obs: negsim.Observation, offer: int) -> bool:
        return True


@attrs.frozen
class _SecretlyRandom(negsim.Agent):
    """Draws from its rng but claims to be deterministic."""

    name: ClassVar[str] = "secretly-random"

    def propose(self, obs: negsim.Observation) -> int:
        return int(obs.rng.integers(obs.space.size))

    def respond(self, obs: negsim.Observation, offer: int) -> bool:
        return obs.acceptable(offer) and bool(obs.rng.random() < 0.3)


@attrs.frozen
class _OutOfRange(negsim.Agent):
    name: ClassVar[str] = "out-of-range"

    def propose(self, obs: negsim.Observation) -> int:
        return obs.space.size

    def respond(self, obs: negsim.Observation, offer: int) -> bool:
        return False


def test_contract_catches_an_agent_that_accepts_below_reservation() -> None:
    with pytest.raises(ContractError, match="individual rationality"):
        check_agent(_Pushover())


def test_contract_catches_an_undeclared_stochastic_agent() -> None:
    with pytest.raises(ContractError, match="seed independence"):
        check_agent(_SecretlyRandom(), opponents=("linear",))


def test_contract_catches_invalid_proposals() -> None:
    with pytest.raises(negsim.NegsimError, match="proposed 11 in round 0"):
        check_agent(_OutOfRange())


@pytest.mark.parametrize("name", negsim.spatial.MODELS.names())
def test_registered_forecast_model_meets_contract(name: str) -> None:
    check_forecast_model(negsim.spatial.make_model(name))


@attrs.frozen
class _BrokenModel:
    """A forecast model that breaks one rule of the contract, chosen by ``flaw``."""

    flaw: str
    name: ClassVar[str] = "broken"
    dynamic: ClassVar[bool] = True

    def run(self, data: negsim.spatial.ActorData, rounds: int = 10) -> negsim.spatial.Forecast:
        if rounds < 0 and self.flaw != "accepts negative rounds":
            raise negsim.ValidationError("rounds", f"{rounds}", ">= 0")
        rounds = max(rounds, 0)
        positions = np.repeat(data.positions[None], rounds + 1, axis=0)
        series = np.repeat(negsim.spatial.weighted_mean(data)[None], rounds + 1, axis=0)
        if self.flaw == "wrong shape":
            positions = positions[:1]
        elif self.flaw == "starts elsewhere":
            positions = positions + 1.0
        elif self.flaw == "leaves the range":
            positions = positions.copy()
            positions[-1] += 1000.0
        elif self.flaw == "forecast out of range":
            series = series + 1000.0
        elif self.flaw == "moves a unanimous dimension":
            unanimous = np.ptp(data.positions, axis=0) == 0
            series = series + np.where(unanimous, 1.0, 0.0)
        elif self.flaw == "not finite":
            series = series * np.nan
        elif self.flaw == "depends on the capability scale":
            series = series + float(data.capability.sum() > 20) * 1e-3
        elif self.flaw == "depends on the names":
            series = series + float(data.names[0].startswith("x")) * 1e-3
        detail: tuple[object, ...] = ()
        if self.flaw == "detail that JSON cannot hold":
            detail = (1j,)  # a complex number: equal on a rerun, not JSON
        elif self.flaw == "detail that reads back differently":
            detail = ({"x": [1, 2]},)  # a list comes back as a tuple
        elif self.flaw == "differs on a rerun":
            detail = (object(),)  # equal only to itself
        return negsim.spatial.Forecast("broken", data, {}, positions, {"mean": series}, detail)


@pytest.mark.parametrize(
    ("flaw", "rule"),
    [
        ("wrong shape", "positions shape"),
        ("starts elsewhere", "positions start at the data"),
        ("leaves the range", "positions stay in range"),
        ("forecast out of range", "forecasts stay in range"),
        ("moves a unanimous dimension", "a unanimous dimension is forecast at its position"),
        ("not finite", "forecasts finite"),
        ("depends on the capability scale", "invariant under capability scale"),
        ("depends on the names", "invariant under names"),
        ("differs on a rerun", "equal to a rerun"),
        ("accepts negative rounds", "negative rounds refused"),
        ("detail that JSON cannot hold", "JSON round trip"),
        ("detail that reads back differently", "JSON round trip"),
    ],
)
def test_the_forecast_contract_catches_each_flaw(flaw: str, rule: str) -> None:
    with pytest.raises(ContractError, match=rule):
        check_forecast_model(_BrokenModel(flaw))


def test_a_sound_model_passes_the_forecast_contract() -> None:
    check_forecast_model(_BrokenModel("none"))


@attrs.frozen
class _BrokenProtocol(negsim.Protocol):
    """Alternating offers whose result breaks one rule of the protocol contract (``flaw``)."""

    flaw: str
    calls: list[int] = attrs.field(factory=list, eq=False)
    name: ClassVar[str] = "broken"

    @property
    def n_rounds(self) -> int:  # the limit the contract holds it to
        return 1 if self.flaw == "overruns its limit" else 30

    def parameters(self) -> dict[str, object]:
        return {"n_rounds": 30, "discount": 1.0}

    def run(self, parties: Sequence[negsim.Party], rng: RNGLike = None) -> negsim.NegotiationResult:
        self.calls.append(1)
        opener = len(self.calls) % 2 if self.flaw == "not replayable" else 0
        result = negsim.AlternatingOffers(n_rounds=30, opener=opener).run(parties, rng)
        agreed = result.agreement is not None
        if self.flaw == "records another seed":
            return attrs.evolve(result, seed=result.seed + 1)
        if self.flaw == "misreports utilities":
            return attrs.evolve(result, utilities=result.utilities * 0.99)
        if self.flaw == "agrees on another offer" and agreed:
            return attrs.evolve(result, agreement=(result.agreement + 1) % result.space.size)
        if self.flaw == "misreports final utilities" and agreed:
            return attrs.evolve(result, final_utilities=result.final_utilities + 0.1)
        if self.flaw == "breaks down with an agreement" and agreed:
            return attrs.evolve(result, end=negsim.EndReason.BREAKDOWN)
        if self.flaw == "forgets the reservation values" and agreed:
            return attrs.evolve(result, end=negsim.EndReason.BREAKDOWN, agreement=None)
        if self.flaw == "records what JSON cannot":
            return attrs.evolve(result, parameters={**result.parameters, "window": (1, 2)})
        return result


@pytest.mark.parametrize(
    ("flaw", "rule"),
    [
        ("records another seed", "provenance"),
        ("overruns its limit", "termination"),
        ("not replayable", "replay"),
        ("misreports utilities", "utilities"),
        ("agrees on another offer", "agreement: .* not the last, accepted offer"),
        ("misreports final utilities", "agreement: .* final utilities are not the agreement's"),
        ("breaks down with an agreement", "agreement: .* breakdown with an agreement"),
        ("forgets the reservation values", "reservation"),
        ("records what JSON cannot", "export"),
    ],
)
def test_the_protocol_contract_catches_each_flaw(flaw: str, rule: str) -> None:
    with pytest.raises(ContractError, match=rule):
        check_protocol(_BrokenProtocol(flaw))


def test_a_sound_protocol_passes_the_protocol_contract() -> None:
    check_protocol(_BrokenProtocol("none"))


@attrs.frozen
class _OpaqueDescription(negsim.Agent):
    """Describes itself with something JSON cannot write."""

    name: ClassVar[str] = "opaque"

    def describe(self) -> dict[str, object]:
        return {"kind": self.name, "helper": object()}

    def propose(self, obs: negsim.Observation) -> int:
        return obs.best

    def respond(self, obs: negsim.Observation, offer: int) -> bool:
        return obs.acceptable(offer)


_CALLS: list[int] = []


@attrs.frozen
class _Forgetful(negsim.Agent):
    """Deterministic by its seed, but its opening depends on how often it was run before."""

    name: ClassVar[str] = "forgetful"

    def propose(self, obs: negsim.Observation) -> int:
        if obs.round < 2:
            _CALLS.append(1)
        return len(_CALLS) % obs.space.size if obs.round < 2 else obs.best

    def respond(self, obs: negsim.Observation, offer: int) -> bool:
        return obs.acceptable(offer)


def test_contract_catches_a_description_that_is_not_plain_data() -> None:
    with pytest.raises(ContractError, match=r"description.*is not plain data"):
        check_agent(_OpaqueDescription())


def test_contract_catches_a_run_that_does_not_replay() -> None:
    with pytest.raises(ContractError, match=r"replay.*the same seed gave a different run"):
        check_agent(_Forgetful(), opponents=("hardliner",))


def test_a_scripted_agent_plays_its_script_then_repeats_the_last_offer() -> None:
    agent = ScriptedAgent(offers=[3, 1], accept=[4, 2, 4])
    assert agent.offers == (3, 1)
    assert agent.accept == (2, 4)
    _, first, second = contract_cases()[0]  # split the pie: 11 outcomes
    hardliner = negsim.make_agent("hardliner")
    result = negsim.AlternatingOffers(n_rounds=6).run(
        [negsim.Party("s", first, agent), negsim.Party("h", second, hardliner)], rng=0
    )
    assert result.offers[result.proposers == 0].tolist() == [3, 1, 1]
    hardliner_offers = set(result.offers[result.proposers == 1].tolist())
    assert hardliner_offers.isdisjoint({2, 4})
    assert not result.accepted[result.proposers == 1, 0].any()
    yes = ScriptedAgent(accept=True)
    agreed = negsim.AlternatingOffers(n_rounds=6).run(
        [negsim.Party("h", second, hardliner), negsim.Party("s", first, yes)], rng=0
    )
    assert agreed.agreement_round == 0


def test_a_scripted_agent_refuses_an_empty_or_fractional_script() -> None:
    with pytest.raises(negsim.ValidationError, match=r"^offers: an empty script \(expected at"):
        ScriptedAgent(offers=[])
    with pytest.raises(negsim.ValidationError, match=r"^offers\[1\]: 1\.5"):
        ScriptedAgent(offers=[0, 1.5])
    with pytest.raises(negsim.ValidationError, match=r"^accept\[\]: -1"):
        ScriptedAgent(accept=[-1])
