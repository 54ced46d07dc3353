"""negsim.batch: many negotiations at once, equal to the object API run by run."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from strategies import batch_cases

import negsim
from negsim import batch
from negsim.batch import compiled
from negsim.batch.inputs import scenario_obstacle
from negsim.batch.ranking import Ranking, rank_descending
from negsim.errors import ValidationError
from negsim.rng import spawn_seeds


def _space(*sizes: int) -> negsim.OutcomeSpace:
    return negsim.OutcomeSpace(
        [negsim.categorical(f"i{k}", [f"o{j}" for j in range(m)]) for k, m in enumerate(sizes)]
    )


def _arrays(n: int, sizes: tuple[int, ...], n_parties: int = 2, seed: int = 0) -> dict:
    """W1-like preferences: weights on the simplex, tables spanning [0, 1], r = 0.3."""
    rng = np.random.default_rng(seed)
    tables = []
    for m in sizes:
        raw = rng.random((n, n_parties, m))
        low, high = raw.min(axis=2, keepdims=True), raw.max(axis=2, keepdims=True)
        tables.append((raw - low) / np.where(high > low, high - low, 1.0))
    return {
        "space": _space(*sizes),
        "weights": rng.dirichlet(np.ones(len(sizes)), size=(n, n_parties)),
        "tables": tables,
        "reservations": np.full((n, n_parties), 0.3),
    }


def _loop(out: batch.BatchResult, protocol: negsim.Protocol, i: int) -> negsim.NegotiationResult:
    parties = batch.build_parties(
        out.space, out._weights, out._tables, out._reservations, out.agents, out.names, i
    )
    return protocol.run(parties, rng=int(out.seeds[i]))


def _check_against_loop(out: batch.BatchResult, protocol: negsim.Protocol) -> None:
    for i in range(len(out)):
        expected = _loop(out, protocol, i)
        got = out.result(i)
        assert got == expected, (i, got.offers.tolist(), expected.offers.tolist())
        assert out.rounds[i] == expected.n_rounds
        assert out.end[i] == expected.end.value
        assert out.agreement[i] == (-1 if expected.agreement is None else expected.agreement)
        assert np.array_equal(out.utilities[i], expected.final_utilities)


# --- seeds and rankings ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 7, 2**32 - 1, 2**32, 2**40 + 3, 2**63 - 1])
def test_spawned_seeds_are_numpys(seed: int) -> None:
    assert batch.spawn_seeds_array(seed, 300).tolist() == spawn_seeds(seed, 300)
    assert batch.spawn_seeds_array(seed, 0).tolist() == []


def test_ranking_equals_a_stable_argsort_also_for_ties_in_the_lowest_bits() -> None:
    rng = np.random.default_rng(3)
    u = rng.random((50, 40))
    u[:10] = np.round(u[:10] * 4) / 4  # exact ties
    u[10:20, 5] = np.nextafter(u[10:20, 7], 2.0)  # differ only in the last bit
    u[20:30, :3] = 0.5
    u[20:30, 3] = np.nextafter(0.5, 0.0)
    order, ranked = rank_descending(u)
    expected = np.argsort(-u, axis=1, kind="stable")
    assert np.array_equal(order, expected)
    assert np.array_equal(ranked, np.take_along_axis(u, expected, axis=1))


def test_ranking_searches_equal_searchsorted() -> None:
    rng = np.random.default_rng(4)
    u = np.round(rng.random((30, 17)) * 8) / 8
    ranking = Ranking(u)
    rows = np.arange(30)
    for level in (-1.0, 0.0, 0.25, 0.3, 1.0, 2.0):
        x = np.full(30, level)
        own = -np.sort(-u, axis=1)
        at_least = [np.searchsorted(-own[i], -level, side="right") for i in rows]
        above = [np.searchsorted(-own[i], -level, side="left") for i in rows]
        assert ranking.count_at_least(rows, x).tolist() == at_least
        assert ranking.count_above(rows, x).tolist() == above
    assert ranking.count_at_least(rows, np.full(30, np.nan)).tolist() == [17] * 30


@pytest.mark.parametrize("size", [1, 2, 3, 17, 100])
def test_ranking_counts_from_a_known_lower_bound_equal_the_full_searches(size: int) -> None:
    rng = np.random.default_rng(size)
    u = np.round(rng.random((40, size)) * 8) / 8  # ties, so the prefix runs through them
    ranking = Ranking(u)
    rows = np.arange(40)
    for level in (-1.0, 0.0, 0.25, 0.5, 0.9, 1.0, 2.0):
        x = np.full(40, level)
        for strict, full in ((False, ranking.count_at_least), (True, ranking.count_above)):
            exact = full(rows, x)
            for known in (
                np.zeros(40, dtype=np.int64),
                exact // 2,
                np.maximum(exact - 1, 0),
                exact,
            ):
                assert np.array_equal(ranking.count_from(rows, x, known, strict=strict), exact)


# --- the engine -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "agents",
    [
        ["boulware", "conceder"],
        ["conceder", "opponent-model"],
        ["tit-for-tat", "linear"],
        ["hardliner", "conceder"],
        ["random", "boulware"],
        [{"kind": "time-dependent", "exponent": 2.0, "legacy": True}, "tit-for-tat"],
        ["boulware", "conceder", "linear"],
        ["tit-for-tat", "random", "hardliner", "conceder"],
    ],
)
@pytest.mark.parametrize(
    "protocol",
    [
        negsim.AlternatingOffers(n_rounds=100),
        negsim.AlternatingOffers(n_rounds=30, opener=1, discount=0.9),
        negsim.AlternatingOffers(n_rounds=40, breakdown_probability=0.05),
        negsim.AlternatingOffers(n_rounds=25, information="complete"),
        negsim.AlternatingOffers(n_rounds=2),
    ],
    ids=["w1", "discounted", "breakdown", "complete", "two-rounds"],
)
@pytest.mark.parametrize("engine", ["batch", "compiled"])
def test_batch_equals_the_loop(
    agents: list, protocol: negsim.AlternatingOffers, engine: str
) -> None:
    if engine == "compiled" and (not compiled.available() or "random" in agents):
        pytest.skip("no compiled form here")
    arrays = _arrays(24, (5, 5, 4), n_parties=len(agents), seed=len(agents))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no fallback
        out = batch.run(protocol, agents=agents, rng=11, chunk_size=7, engine=engine, **arrays)
    assert out.engine == engine
    assert out.fallback is None
    _check_against_loop(out, protocol)


@given(batch_cases())
def test_property_batch_equals_loop_offer_by_offer(case: dict) -> None:
    out = batch.run(**case, engine="batch")
    assert out.engine == "batch"
    _check_against_loop(out, case["protocol"])


@pytest.mark.skipif(not compiled.available(), reason="Numba is not installed")
@given(batch_cases())
def test_property_compiled_equals_loop_offer_by_offer(case: dict) -> None:
    out = batch.run(**case)  # auto: compiled unless a random agent is among them
    has_random = any(compiled.kind_code(agent) is None for agent in out.agents)
    assert out.engine == ("batch" if has_random else "compiled")
    _check_against_loop(out, case["protocol"])


def test_engine_is_checked() -> None:
    arrays = _arrays(3, (2, 2))
    protocol = negsim.AlternatingOffers(n_rounds=5)
    with pytest.raises(ValidationError, match="engine: 'fast'"):
        batch.run(protocol, agents=["boulware", "conceder"], rng=1, engine="fast", **arrays)
    if compiled.available():
        with pytest.raises(ValidationError, match="agent 'random' has no compiled form"):
            batch.run(protocol, agents=["random", "conceder"], rng=1, engine="compiled", **arrays)


@pytest.mark.parametrize("agents", [["boulware", "random"], ["boulware", "conceder"]])
def test_chunking_changes_nothing(agents: list) -> None:
    arrays = _arrays(50, (4, 3))
    protocol = negsim.AlternatingOffers(n_rounds=30, breakdown_probability=0.1)
    whole = batch.run(protocol, agents=agents, rng=5, **arrays)
    pieces = batch.run(protocol, agents=agents, rng=5, chunk_size=3, engine="batch", **arrays)
    threads = batch.run(protocol, agents=agents, rng=5, chunk_size=4, workers=3, **arrays)
    for name in ("agreement", "end", "rounds", "utilities", "seeds"):
        assert np.array_equal(getattr(whole, name), getattr(pieces, name))
        assert np.array_equal(getattr(whole, name), getattr(threads, name))
    assert whole.result(37) == pieces.result(37) == threads.result(37)


def test_a_large_space_takes_fewer_runs_a_chunk() -> None:
    arrays = _arrays(40, (40, 40, 40))  # 64,000 outcomes: 32 runs a chunk
    protocol = negsim.AlternatingOffers(n_rounds=8)
    out = batch.run(protocol, agents=["conceder", "tit-for-tat"], rng=1, **arrays)
    assert [chunk[0] for chunk in out._transcript.chunks] == [0, 32]
    for i in (0, 31, 32, 39):
        assert out.result(i) == _loop(out, protocol, i)


def test_seeds_are_the_spawned_children_or_given() -> None:
    arrays = _arrays(5, (3,))
    protocol = negsim.AlternatingOffers(n_rounds=10)
    out = batch.run(protocol, agents=["random", "random"], rng=9, **arrays)
    assert out.seeds.tolist() == spawn_seeds(9, 5)
    given_seeds = batch.run(protocol, agents=["random", "random"], seeds=[4, 3, 2, 1, 0], **arrays)
    assert given_seeds.seeds.tolist() == [4, 3, 2, 1, 0]
    assert given_seeds.result(0) == _loop(given_seeds, protocol, 0)


def test_result_is_frozen_arrays_with_a_short_repr() -> None:
    out = batch.run(
        negsim.AlternatingOffers(), agents=["boulware", "conceder"], rng=1, **_arrays(8, (3, 2))
    )
    with pytest.raises(ValueError, match="read-only"):
        out.agreement[0] = 3
    assert out.utilities.shape == (8, 2)
    assert repr(out).startswith("BatchResult(runs=8")
    assert "<table>" in out._repr_html_()
    assert out.result(-1) == out.result(7)
    with pytest.raises(ValidationError, match="i: 8"):
        out.result(8)


def test_empty_batch() -> None:
    arrays = _arrays(0, (3,))
    out = batch.run(negsim.AlternatingOffers(), agents=["boulware", "conceder"], rng=1, **arrays)
    assert len(out) == 0
    assert out.utilities.shape == (0, 2)


# --- fallback to the object API ------------------------------------------------------------


def test_an_agent_without_a_batch_form_runs_in_the_loop_said_once() -> None:
    arrays = _arrays(6, (4, 3))
    protocol = negsim.AlternatingOffers(n_rounds=20)
    with pytest.warns(batch.LoopFallbackWarning) as caught:
        out = batch.run(protocol, agents=["zeuthen", "boulware"], rng=2, **arrays)
    assert len(caught) == 1
    assert out.engine == "loop"
    assert "zeuthen" in (out.fallback or "")
    _check_against_loop(out, protocol)


def test_a_protocol_without_a_batch_form_runs_in_the_loop() -> None:
    arrays = _arrays(4, (4,))
    protocol = negsim.NashDemand()
    with pytest.warns(batch.LoopFallbackWarning, match="nash-demand"):
        out = batch.run(protocol, agents=["boulware", "conceder"], rng=2, **arrays)
    assert out.engine == "loop"
    assert out.result(1) == _loop(out, protocol, 1)


def test_batch_only_refuses_an_agent_without_a_batch_form() -> None:
    with pytest.raises(ValidationError, match=r"agents: agent 'zeuthen' of party 0 has no batch"):
        batch.run(
            negsim.AlternatingOffers(),
            agents=["zeuthen", "boulware"],
            batch_only=True,
            **_arrays(3, (3,)),
        )
    wrapped = negsim.make_agent("noisy", agent="boulware")
    with pytest.raises(ValidationError, match="'noisy' of party 1"):
        batch.run(
            negsim.AlternatingOffers(),
            agents=["boulware", wrapped],
            batch_only=True,
            **_arrays(3, (3,)),
        )


def test_supports() -> None:
    ao = negsim.AlternatingOffers()
    assert batch.supports(ao, ["boulware", "tit-for-tat"])
    assert batch.supports(ao, [negsim.make_agent("opponent-model"), {"kind": "random"}])
    assert not batch.supports(ao, ["zeuthen", "boulware"])
    assert not batch.supports(ao, [negsim.make_agent("opponent-model", legacy=True), "linear"])
    assert not batch.supports(negsim.NashDemand(), ["boulware", "conceder"])
    assert not batch.supports(ao, ["no-such-agent", "boulware"])
    assert not batch.supports(ao)
    assert "hardliner" in batch.batch_kinds()
    assert "zeuthen" not in batch.batch_kinds()


# --- scenarios ----------------------------------------------------------------------------


def test_from_scenarios_runs_their_variants_as_the_loop_does() -> None:
    base = negsim.load_scenario("split-the-pie")
    assert batch.supports(base)
    variants = [
        base.with_overrides({f"parties.{base.keys[0]}.reservation": r}) for r in (0.0, 0.1, 0.3)
    ]
    made = batch.from_scenarios(variants)
    assert made.n == 3
    assert made.names == base.names
    out = made.run(rng=4)
    for i, scenario in enumerate(variants):
        expected = scenario.protocol.run(scenario.parties, rng=int(out.seeds[i]))
        assert out.result(i) == expected


def test_from_scenarios_refuses_what_arrays_cannot_hold() -> None:
    kurils = negsim.load_scenario("kurils-2016")
    assert not batch.supports(kurils)
    with pytest.raises(ValidationError, match=r"scenarios\[0\].*(red lines|pressure|ratification)"):
        batch.from_scenarios([kurils])
    pie = negsim.load_scenario("split-the-pie")
    other = negsim.load_scenario("two-issue-trade")
    with pytest.raises(ValidationError, match=r"scenarios\[1\].*another outcome space"):
        batch.from_scenarios([pie, other])
    with pytest.raises(ValidationError, match="scenarios: none given"):
        batch.from_scenarios([])


def test_each_obstacle_to_arrays_names_the_party_and_why() -> None:
    pie = negsim.load_scenario("split-the-pie")
    own = pie.with_overrides({"parties.first.discount": 0.9})
    assert scenario_obstacle(own) == "party 'First' has its own discount factor"
    with pytest.raises(ValidationError, match=r"scenarios\[0\].*'First' has its own discount"):
        batch.from_scenarios([own])
    # a reservation of its own is no obstacle: the arrays carry it
    mine = pie.with_overrides({"parties.first.reservation": 0.25})
    assert scenario_obstacle(mine) is None
    assert batch.from_scenarios([mine]).reservations[0].tolist() == [0.25, 0.1]
    anticipated = pie.with_overrides(
        {
            "parties.second.ratification": {
                "threshold": 0.5,
                "constituencies": [
                    {"name": "home", "kind": "poll", "shares": {"first_share": {"0": 0.2}}}
                ],
            }
        }
    )
    assert scenario_obstacle(anticipated) == (
        "party 'Second' anticipates its ratification (a win-set at home)"
    )
    kurils = negsim.load_scenario("kurils-2016")
    bare = kurils.with_overrides(
        {
            f"parties.{key}.{part}": None
            for key in kurils.keys
            for part in ("red_lines", "preconditions", "ratification")
        }
    )
    assert scenario_obstacle(bare) == "party 'Japan' has third-party pressure"


# --- bad input ------------------------------------------------------------------------------


def _bad(**changes: object) -> None:
    arguments = {"protocol": negsim.AlternatingOffers(), "agents": ["boulware", "conceder"]}
    arguments.update(_arrays(4, (3, 2)))
    arguments.update(changes)
    batch.run(**arguments)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"weights": np.full((4, 2), 0.5)},
            r"weights: shape \(4, 2\) \(expected shape \(N, n_parties, 2\)\)",
        ),
        ({"weights": np.full((4, 2, 3), 0.5)}, r"weights: shape \(4, 2, 3\)"),
        (
            {"weights": np.full((4, 3, 2), 0.5)},
            r"tables\[0\]: shape \(4, 2, 3\) \(expected shape \(4, 3, 3\)\)",
        ),
        ({"tables": [np.ones((4, 2, 3))]}, r"tables: 1 arrays \(expected one per issue \(2\)\)"),
        ({"tables": np.ones((2, 4, 2, 3))}, "tables: got ndarray"),
        (
            {"tables": [np.ones((4, 2, 3)), np.ones((5, 2, 2))]},
            r"tables\[1\]: shape \(5, 2, 2\) \(expected shape \(4, 2, 2\)\)",
        ),
        ({"reservations": np.zeros((3, 2))}, r"reservations: shape \(3, 2\)"),
        (
            {"weights": np.array([[[np.nan, 1.0]] * 2] * 4)},
            r"weights\[0, 0, 0\]: nan \(expected a finite",
        ),
        (
            {"tables": [np.ones((4, 2, 3)), np.full((4, 2, 2), np.inf)]},
            r"tables\[1\]\[0, 0, 0\]: inf",
        ),
        (
            {"tables": [np.full((4, 2, 3), 1.5), np.ones((4, 2, 2))]},
            r"tables\[0\]\[0, 0, 0\]: 1.5 \(expected a value in \[0, 1\]\)",
        ),
        (
            {"weights": np.full((4, 2, 2), 0.6)},
            r"weights\[0, 0\]: they sum to 1.2 \(expected a sum of 1\)",
        ),
        ({"weights": np.array([[[1.5, -0.5]] * 2] * 4)}, r"weights\[0, 0, 1\]: -0.5"),
        ({"reservations": np.full((4, 2), -np.inf)}, r"reservations\[0, 0\]: -inf"),
        ({"weights": [["a"]]}, "weights: not numbers"),
        ({"agents": ["boulware"]}, r"agents: 1 specs \(expected one per party"),
        (
            {"agents": ["boulwar", "conceder"]},
            r"agents\[0\]: no agent 'boulwar'; did you mean 'boulware'",
        ),
        (
            {"agents": [{"kind": "time-dependent", "exponent": -1}, "conceder"]},
            r"^agents\[0\]\.exponent: -1\.0 \(expected a finite number > 0\)$",
        ),
        (
            {"agents": [{"kind": "boulware", "bogus": 1}, "conceder"]},
            r"^agents\[0\]\.agent\.boulware: no parameter 'bogus'; valid: 'exponent'",
        ),
        ({"agents": "boulware"}, r"agents: got str \(expected one agent spec per party\)"),
        ({"agents": [3, "conceder"]}, r"agents\[0\]: got int"),
        (
            {"protocol": negsim.AlternatingOffers(opener=2)},
            "opener: 2 .expected a party index in 0..1",
        ),
        ({"protocol": "alternating-offers"}, "protocol: got str"),
        ({"seeds": [1, 2, 3]}, r"seeds: shape \(3,\)"),
        ({"seeds": [1, 2, 3, 4], "rng": 3}, "seeds: given with rng"),
        ({"names": ["a"]}, "names: 1 names"),
        ({"chunk_size": 0}, "chunk_size: 0"),
        ({"workers": 1.5}, "workers: 1.5"),
    ],
)
def test_bad_input_is_a_clear_error(changes: dict, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _bad(**changes)


@pytest.mark.parametrize("name", batch.batch_kinds())
def test_every_agent_with_a_batch_form_equals_its_loop(name: str) -> None:
    # against every other kind with a batch form, bilateral and stacked
    for other in batch.batch_kinds():
        protocol = negsim.AlternatingOffers(n_rounds=15, discount=0.95)
        out = batch.run(protocol, agents=[name, other], rng=3, **_arrays(3, (3, 2), seed=1))
        _check_against_loop(out, protocol)
    stacked = negsim.AlternatingOffers(n_rounds=12, opener=2)
    out = batch.run(stacked, agents=[name, "linear", name], rng=4, **_arrays(3, (2, 2), 3, seed=2))
    _check_against_loop(out, stacked)


_CACHE_PROBE = """
import numpy as np, negsim
from negsim import batch
from negsim.batch import _kernels
space = negsim.OutcomeSpace([negsim.integer("x", 0, 3), negsim.integer("y", 0, 2)])
n = 2
tables = [np.broadcast_to(np.linspace(0, 1, m), (n, 2, m)) for m in (4, 3)]
out = batch.run(negsim.AlternatingOffers(n_rounds=5), space, np.full((n, 2, 2), 0.5),
                tables, np.full((n, 2), 0.2), ["boulware", "conceder"], rng=1,
                engine="compiled")
print(sum(_kernels.play.stats.cache_hits.values()), sum(_kernels.play.stats.cache_misses.values()))
"""


@pytest.mark.skipif(not compiled.available(), reason="Numba is not installed")
def test_a_second_process_loads_the_compiled_loop_from_the_cache() -> None:
    """The loop is compiled once, then loaded from Numba's cache on disk (a closure over
    other compiled functions was keyed differently in every process: each compiled ~8 s)."""
    import subprocess
    import sys

    from negsim.batch import _kernels

    assert _kernels.play.py_func.__closure__ is None
    runs = [
        subprocess.run(
            [sys.executable, "-c", _CACHE_PROBE], capture_output=True, text=True, check=True
        ).stdout.split()
        for _ in range(2)
    ]
    hits, misses = map(int, runs[1])
    assert (hits, misses) == (1, 0), runs


def test_a_ctrl_c_inside_compiled_code_comes_out_as_keyboard_interrupt() -> None:
    """Numba reports a Ctrl-C that lands while it boxes its results as a SystemError caused
    by the KeyboardInterrupt (seen in 5 of 6 interrupted runs); _call raises the interrupt."""

    def interrupted() -> None:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as cause:
            raise SystemError("returned a result with an exception set") from cause

    def broken() -> None:
        raise SystemError("something else")

    with pytest.raises(KeyboardInterrupt):
        compiled._call(interrupted)
    with pytest.raises(SystemError, match="something else"):
        compiled._call(broken)
    assert compiled._call(lambda x: x + 1, 1) == 2
