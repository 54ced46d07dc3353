"""negsim.protocols.tiering: the object API's compiled path gives the Python path's result.

``conftest.py`` pins every other test to Python; here the compiled path is checked against
it offer by offer (a hypothesis property and the contract over every registered agent), and
the rule that picks the path (modes, ski rental, which runs qualify, a broken Numba).
"""

from __future__ import annotations

import logging
import subprocess
import sys
from unittest import mock

import attrs
import numpy as np
import pytest
from cases import random_parties
from hypothesis import given
from hypothesis import strategies as st
from strategies import batch_cases

import negsim
from negsim import batch
from negsim.batch import compiled
from negsim.errors import ValidationError
from negsim.protocols import tiering
from negsim.testing import contract_cases

needs_numba = pytest.mark.skipif(not compiled.available(), reason="Numba is not installed")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the runs the compiled engine plays (and starts each test from a fresh tier:
    nothing spent, nothing loaded)."""
    made: list[int] = []
    real = compiled.run_one

    def counted(*args: object, **kwargs: object) -> negsim.NegotiationResult:
        made.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(compiled, "run_one", counted)
    monkeypatch.setattr(tiering, "_TIER", tiering._Tier("never"))
    monkeypatch.setattr(tiering, "_LOADED", "no such module")  # as if no batch had run
    return made


def _parties(case: dict, i: int = 0) -> list[negsim.Party]:
    agents = batch.inputs.resolve_agents(case["agents"], case["weights"].shape[1])
    names = [f"p{j}" for j in range(len(agents))]
    return batch.build_parties(
        case["space"], case["weights"], case["tables"], case["reservations"], agents, names, i
    )


def _w1(seed: int, agents: tuple[str, str] = ("boulware", "conceder")) -> list[negsim.Party]:
    space = negsim.OutcomeSpace(
        [negsim.categorical(f"i{k}", [f"o{j}" for j in range(m)]) for k, m in enumerate((5, 5, 4))]
    )
    return random_parties(space, seed, agents)


@needs_numba
@given(batch_cases(), st.sampled_from([None, "position", "reservation"]))
def test_property_the_compiled_path_equals_the_python_path(case: dict, wrapped: str | None) -> None:
    """Any batch case's first run, its parties' models as given, or each wrapped in a
    Position without red lines (a scenario's party), with or without its own reservation."""
    protocol, rng = case["protocol"], case["rng"]
    parties = _parties(case)
    if wrapped is not None:
        parties = [
            negsim.Party(
                p.name,
                negsim.Position(
                    p.preferences,
                    reservation=0.5 * p.preferences.reservation
                    if wrapped == "reservation"
                    else None,
                    discount=(0.9, 0.6, 1.0)[j] if wrapped == "discount" else 1.0,
                ),
                p.agent,
            )
            for j, p in enumerate(parties)
        ]
    expected = protocol.run_in_python(parties, rng=rng)
    spy = mock.patch.object(compiled, "run_one", wraps=compiled.run_one)
    with tiering.use("always"), spy as played:
        got = protocol.run(parties, rng=rng)
    assert played.called == (compiled.compiled_kinds(tuple(p.agent for p in parties)) is not None)
    assert got == expected, (got.offers.tolist(), expected.offers.tolist())
    assert got.end is expected.end
    assert got.agreement == expected.agreement
    assert np.array_equal(got.final_utilities, expected.final_utilities)


@pytest.mark.parametrize("name", negsim.AGENTS.names())
@pytest.mark.parametrize(
    "protocol",
    [
        negsim.AlternatingOffers(n_rounds=30),
        negsim.AlternatingOffers(n_rounds=12, opener=1, discount=0.9, information="complete"),
        negsim.AlternatingOffers(n_rounds=40, breakdown_probability=0.2),
    ],
    ids=["plain", "discounted-complete", "breakdown"],
)
def test_every_registered_agent_gets_the_same_result_on_either_path(
    name: str, protocol: negsim.AlternatingOffers, calls: list[int]
) -> None:
    """The contract: the object API's result (or error: the Zeuthen agent needs its own
    protocol) does not depend on the tiering mode; an agent without a compiled form, or
    preferences that are not plain linear additive (the red lines of the third contract
    case), stay in Python."""
    for label, first, second in contract_cases():
        parties = [
            negsim.Party("a", first, negsim.make_agent(name)),
            negsim.Party("b", second, negsim.make_agent("conceder")),
        ]
        before = len(calls)
        try:
            expected = protocol.run_in_python(parties, rng=7)
        except Exception as error:
            with tiering.use("always"), pytest.raises(type(error)):
                protocol.run(parties, rng=7)
            continue
        with tiering.use("always"):
            got = protocol.run(parties, rng=7)
        assert got == expected, (name, label)
        plain = all(tiering.linear(p.preferences) for p in parties)
        codes = compiled.compiled_kinds(tuple(p.agent for p in parties))
        expect_compiled = compiled.available() and plain and codes is not None
        assert len(calls) - before == int(expect_compiled), (name, label)


@needs_numba
def test_auto_switches_once_the_python_runs_cost_the_break_even(
    calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tiering, "BREAK_EVEN", 0.005)
    protocol = negsim.AlternatingOffers(n_rounds=50)
    with tiering.use("auto"):
        results = [protocol.run(_w1(seed), rng=seed) for seed in range(400)]
    assert 0 < len(calls) < 400  # some runs in Python, the rest compiled
    assert tiering._TIER.spent >= 0.005
    first_compiled = 400 - len(calls)
    for seed in (0, first_compiled - 1, first_compiled, 399):
        assert results[seed] == protocol.run_in_python(_w1(seed), rng=seed)


@needs_numba
def test_auto_takes_the_compiled_path_at_once_if_a_batch_loaded_it(
    calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    protocol = negsim.AlternatingOffers(n_rounds=30)
    with tiering.use("auto"):
        protocol.run(_w1(0), rng=0)
        assert calls == []  # nothing spent yet, nothing loaded
        compiled._kernels()  # what a compiled batch does
        monkeypatch.setattr(tiering, "_LOADED", "negsim.batch._kernels")
        got = protocol.run(_w1(0), rng=0)
    assert calls == [1]
    assert got == protocol.run_in_python(_w1(0), rng=0)


def test_never_and_runs_that_cannot_be_compiled_stay_in_python(calls: list[int]) -> None:
    protocol = negsim.AlternatingOffers(n_rounds=20)
    with tiering.use("never"):
        protocol.run(_w1(0), rng=0)
    assert calls == []
    assert tiering._TIER.spent == 0.0
    with tiering.use("always"):
        protocol.run(_w1(0, ("random", "conceder")), rng=0)  # no compiled form
        scenario = negsim.load_scenario("kurils-2016")  # red lines, a win-set at home
        scenario.protocol.run(scenario.parties, rng=0)
        base = _w1(0)
        for position in (
            negsim.Position(
                base[0].preferences, red_lines=[negsim.RedLine(negsim.IssueIs("i0", "o1"))]
            ),
            negsim.Position(negsim.Position(base[0].preferences)),
        ):
            protocol.run([attrs.evolve(base[0], preferences=position), base[1]], rng=0)
        small = negsim.OutcomeSpace([negsim.integer("x", 0, 9)], enumeration_limit=5)
        with pytest.raises(negsim.errors.OutcomeSpaceTooLarge):  # as in Python
            protocol.run(
                [
                    negsim.Party(
                        n, negsim.LinearAdditive.random(small, rng=j), negsim.make_agent(n)
                    )
                    for j, n in enumerate(("boulware", "conceder"))
                ],
                rng=0,
            )
    assert calls == []


@needs_numba
def test_bad_input_gets_the_python_paths_errors(calls: list[int]) -> None:
    protocol = negsim.AlternatingOffers(n_rounds=20, opener=1)
    parties = _w1(0)
    with tiering.use("always"):
        with pytest.raises(ValidationError, match="rng"):
            protocol.run(parties, rng=-1)
        with pytest.raises(ValidationError, match="repeated names"):
            protocol.run([parties[0], parties[0]], rng=0)
        with pytest.raises(ValidationError, match="opener"):
            negsim.AlternatingOffers(opener=2).run(parties, rng=0)
        for junk in ([], [1, 2], "ab", (parties[0], 3)):
            with pytest.raises(ValidationError, match="parties"):
                protocol.run(junk, rng=0)  # type: ignore[arg-type]
        other = _w1(1)
        other[1] = negsim.Party(
            "conceder",
            negsim.LinearAdditive.random(negsim.OutcomeSpace([negsim.integer("x", 0, 3)]), rng=0),
            negsim.make_agent("conceder"),
        )
        with pytest.raises(ValidationError, match="another outcome space"):
            protocol.run([parties[0], other[1]], rng=0)
        generator = np.random.default_rng(5)
        got = protocol.run(parties, rng=generator)  # a generator is drawn from as in Python
    assert got == protocol.run_in_python(parties, rng=np.random.default_rng(5))


def test_a_compiled_engine_that_fails_to_load_leaves_python(
    calls: list[int], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise RuntimeError("no LLVM here")

    monkeypatch.setattr(compiled, "available", lambda: True)
    monkeypatch.setattr(compiled, "_kernels", broken)
    protocol = negsim.AlternatingOffers(n_rounds=20)
    with caplog.at_level(logging.WARNING, logger="negsim"), tiering.use("always"):
        first = protocol.run(_w1(1), rng=1)
        protocol.run(_w1(2), rng=2)
    assert first == protocol.run_in_python(_w1(1), rng=1)
    assert calls == []
    assert [r.getMessage() for r in caplog.records] == [
        "negsim: compiled code unavailable (no LLVM here); running in Python"
    ]


def test_without_numba_the_object_api_stays_in_python(
    calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(compiled, "available", lambda: False)
    with tiering.use("always"):
        negsim.AlternatingOffers(n_rounds=10).run(_w1(0), rng=0)
    assert calls == []
    assert tiering._TIER.engine is False


def test_the_mode_is_checked_and_restored() -> None:
    before = tiering.mode()
    with tiering.use("always"):
        assert tiering.mode() == "always"
    assert tiering.mode() == before
    with pytest.raises(ValidationError, match="mode: 'fast'"):
        tiering.use("fast")


@pytest.mark.parametrize(
    ("value", "mode"),
    [("never", "never"), (" Always ", "always"), ("", "auto"), ("sometimes", "auto")],
)
def test_the_mode_comes_from_the_environment(value: str, mode: str) -> None:
    code = "from negsim.protocols import tiering; print(tiering.mode())"
    env = {"NEGSIM_COMPILED": value, "PATH": ""}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**__import__("os").environ, **env},
    )
    assert out.stdout.strip() == mode
    warned = "NEGSIM_COMPILED='sometimes' is not one of auto, always, never; using 'auto'"
    assert (warned in out.stderr) == (value == "sometimes")


@needs_numba
@pytest.mark.parametrize("shape", [(10, 10, 10), (40, 30, 20), (2, 2, 2, 2, 2, 2, 2, 2, 2, 2)])
@pytest.mark.parametrize("information", ["incomplete", "complete"])
def test_larger_spaces_give_the_same_result_on_either_path(
    shape: tuple[int, ...], information: str, calls: list[int]
) -> None:
    """Spaces past the property's 64 outcomes (up to 24,000), where the Python agents
    estimate wide bands with numpy rather than issue by issue: the same offers."""
    space = negsim.OutcomeSpace(
        [negsim.categorical(f"i{k}", [f"o{j}" for j in range(m)]) for k, m in enumerate(shape)]
    )
    protocol = negsim.AlternatingOffers(n_rounds=60, information=information, discount=0.99)
    pairs = [("boulware", "conceder"), ("opponent-model", "linear"), ("tit-for-tat", "boulware")]
    for seed, agents in enumerate(pairs):
        parties = random_parties(space, seed, agents)
        with tiering.use("always"):
            got = protocol.run(parties, rng=seed)
        assert got == protocol.run_in_python(parties, rng=seed), (agents, got.offers.tolist())
    assert len(calls) == len(pairs)
