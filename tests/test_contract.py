"""The contract suite: every registered agent and protocol meets the same rules.

A new agent or protocol gets all of these checks by being registered (see
``negsim.testing``); the tests below also show that the checks can fail.
"""

from __future__ import annotations

from typing import ClassVar

import attrs
import pytest

import negsim
from negsim.testing import (
    ContractError,
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
