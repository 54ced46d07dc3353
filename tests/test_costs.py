"""The cheaper paths of issue 11.5 give the same answers as the paths they replace.

Per-profile plan memos are released with their model; ``import negsim`` stays light and
still exposes every name; large spaces negotiate through array lookups exactly as small ones
through tuples; the Nash point searched on the frontier is the one searched everywhere;
BDM's positions-only runs follow the full runs' path. (Speed and memory are measured in
benchmarks/bench_costs.py, not here.)
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys
import weakref
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from cases import random_parties
from hypothesis import given
from strategies import disagreement_points, utility_arrays

import negsim
from negsim import analysis as A
from negsim import preferences
from negsim.agents import time_dependent
from negsim.errors import OutcomeSpaceTooLarge, ValidationError
from negsim.spatial import ActorData
from negsim.spatial.bdm import BDMOptions, run_bdm


def _space(*sizes: int, limit: int | None = None) -> negsim.OutcomeSpace:
    issues = [negsim.integer(f"i{k}", 0, m - 1) for k, m in enumerate(sizes)]
    if limit is None:
        return negsim.OutcomeSpace(issues)
    return negsim.OutcomeSpace(issues, enumeration_limit=limit)


# --- no cache that pins models --------------------------------------------------------------
@pytest.mark.parametrize("legacy", [False, True])
def test_a_models_plans_are_released_with_the_model(legacy: bool) -> None:
    space = _space(5, 6, 4)
    model = negsim.LinearAdditive.random(space, rng=1, reservation=0.2)
    other = negsim.LinearAdditive.random(space, rng=2, reservation=0.2)
    agent = negsim.make_agent("boulware", legacy=legacy)
    parties = [negsim.Party("a", model, agent), negsim.Party("b", other, agent)]
    negsim.AlternatingOffers(n_rounds=20).run(parties, rng=0)
    dead_model, dead_profile = weakref.ref(model), weakref.ref(model.profile())
    del model, parties
    gc.collect()
    assert dead_model() is None
    assert dead_profile() is None


def test_a_plan_is_memoised_on_its_profile() -> None:
    profile = negsim.LinearAdditive.random(_space(4, 5), rng=3, reservation=0.1).profile()
    first = time_dependent._schedule(profile, 4.0, 30, 0.1, 1.0, None, None, (4, 5))
    assert time_dependent._schedule(profile, 4.0, 30, 0.1, 1.0, None, None, (4, 5)) is first
    other = time_dependent._schedule(profile, 1.0, 30, 0.1, 1.0, None, None, (4, 5))
    assert other is not first


def test_a_profiles_memo_drops_its_oldest_entries_beyond_its_size() -> None:
    calls = []

    @time_dependent.per_profile(maxsize=2)
    def double(profile: preferences.GridProfile, x: int) -> int:
        calls.append(x)
        return 2 * x

    profile = preferences.GridProfile([0.0, 1.0])
    assert [double(profile, x) for x in (1, 2, 1, 3, 1)] == [2, 4, 2, 6, 2]
    assert calls == [1, 2, 3, 1]  # 1 was dropped when 3 came in


# --- import negsim stays light ----------------------------------------------------------------
def test_import_negsim_loads_no_heavy_part_and_every_name_still_works() -> None:
    code = """
import json, sys
import negsim
heavy = ("negsim.spatial", "negsim.analysis", "negsim.scenario", "negsim.levers",
         "negsim.agents", "negsim.protocols", "concurrent.futures", "multiprocessing",
         "matplotlib", "tomllib", "importlib.metadata")
loaded = sorted(m for m in heavy if m in sys.modules)
missing = [n for n in negsim.__all__ if getattr(negsim, n, None) is None]
print(json.dumps({"loaded": loaded, "missing": missing,
                  "spatial": negsim.spatial.run_bdm.__module__,
                  "same": negsim.AlternatingOffers is negsim.protocols.AlternatingOffers,
                  "scenario": negsim.scenario.load_scenario is negsim.load_scenario,
                  "dir": all(n in dir(negsim) for n in negsim.__all__)}))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    found = json.loads(out)
    assert found["loaded"] == []
    assert found["missing"] == []
    assert found["spatial"] == "negsim.spatial.bdm"
    assert found["scenario"] is True
    assert found["same"] is True
    assert found["dir"] is True


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        negsim.nonsense  # noqa: B018


# --- spaces beyond the default limit ---------------------------------------------------------
def test_a_space_lets_negotiations_enumerate_up_to_its_own_limit() -> None:
    parties = random_parties(_space(5, 5, 5, limit=100), 0, ("boulware", "conceder"))
    with pytest.raises(OutcomeSpaceTooLarge, match="enumeration_limit"):
        negsim.AlternatingOffers(n_rounds=10).run(parties, rng=0)
    roomy = random_parties(_space(5, 5, 5, limit=125), 0, ("boulware", "conceder"))
    assert negsim.AlternatingOffers(n_rounds=10).run(roomy, rng=0).n_rounds >= 1
    with pytest.raises(ValidationError, match="enumeration_limit"):
        _space(3, limit=0)


def test_the_limit_is_not_part_of_a_spaces_identity() -> None:
    assert _space(3, 4, limit=12) == _space(3, 4)
    assert "enumeration_limit" not in json.dumps(_space(3, 4, limit=12).to_dict())


def _transcripts(agents: tuple[str, str], information: str) -> list[Any]:
    protocol = negsim.AlternatingOffers(n_rounds=60, information=information)
    found = []
    for seed in range(6):
        result = protocol.run(random_parties(_space(6, 5, 4, 3), seed, agents), rng=seed)
        found.append((result.offers.tolist(), result.accepted.tolist(), result.end))
    return found


@pytest.mark.parametrize(
    ("agents", "information"),
    [
        (("boulware", "conceder"), "incomplete"),
        (("boulware", "conceder"), "complete"),
        (("tit-for-tat", "linear"), "incomplete"),
        (("boulware", "hardliner"), "incomplete"),
    ],
)
def test_large_space_lookups_negotiate_exactly_as_small_space_tuples(
    monkeypatch: pytest.MonkeyPatch, agents: tuple[str, str], information: str
) -> None:
    small = _transcripts(agents, information)
    # the thresholds lowered so that these 360 outcomes take the large-space paths
    monkeypatch.setattr(preferences, "PYTHON_LOOKUPS", 10)
    monkeypatch.setattr(time_dependent, "LARGE_PLAN", 10)
    large = _transcripts(agents, information)
    assert large == small


@pytest.mark.parametrize("large_plan", [1_000_000, 10])
def test_small_bands_of_unlisted_plans_negotiate_exactly_as_listed_ones(
    monkeypatch: pytest.MonkeyPatch, large_plan: int
) -> None:
    """A small band reads its options from the plan's lists, or over more than LISTED_PLAN
    candidates from its rows (the plan's grid, or made on the spot): the same offers."""
    listed = _transcripts(("boulware", "conceder"), "incomplete")
    monkeypatch.setattr(time_dependent, "LISTED_PLAN", 10)
    monkeypatch.setattr(time_dependent, "LARGE_PLAN", large_plan)
    assert _transcripts(("boulware", "conceder"), "incomplete") == listed


def test_a_large_profile_keeps_arrays_and_gives_python_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(preferences, "PYTHON_LOOKUPS", 3)
    profile = preferences.GridProfile([0.5, -np.inf, 0.25, 1.0])
    assert isinstance(profile.values, preferences.ArrayLookup)
    assert type(profile.values[2]) is float
    assert profile.values[2] == 0.25
    assert type(profile.ranked_outcomes[0]) is int
    assert list(profile.ranked_outcomes) == [2, 0, 3]
    assert list(profile.ranked_utilities[1:]) == [0.5, 1.0]


def test_a_legacy_plan_over_a_large_profile_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    space = _space(7, 6, 5)
    agent = negsim.make_agent("boulware", legacy=True)
    other = negsim.make_agent("conceder", legacy=True)

    def run() -> list[int]:
        parties = [
            negsim.Party("a", negsim.LinearAdditive.random(space, rng=4, reservation=0.2), agent),
            negsim.Party("b", negsim.LinearAdditive.random(space, rng=5, reservation=0.2), other),
        ]
        return negsim.AlternatingOffers(n_rounds=50).run(parties, rng=1).offers.tolist()

    small = run()
    monkeypatch.setattr(preferences, "PYTHON_LOOKUPS", 10)
    assert run() == small


# --- Pareto and Nash ------------------------------------------------------------------------
def _nash_everywhere(U: Any, d: Any) -> int | None:
    """The Nash point searched over every candidate (the definition, as before 11.5)."""
    U = np.asarray(U, dtype=float)
    d = np.asarray(d, dtype=float)
    candidates = np.flatnonzero((d < U).all(axis=1))
    if candidates.size == 0:
        return None
    objective = np.log(U[candidates] - d).sum(axis=1)
    return int(candidates[A._argmax(objective, U[candidates])])


@given(utility_arrays(min_parties=2, max_parties=2), disagreement_points(2))
def test_the_nash_point_on_the_frontier_is_the_nash_point(U: Any, d: Any) -> None:
    expected = _nash_everywhere(U, d)
    assert A.nash_point(U, d) == expected
    assert A.nash_point(U, d, frontier=A.pareto_frontier(U)) == expected


@given(utility_arrays(min_parties=3, max_parties=3), disagreement_points(3))
def test_a_given_frontier_gives_the_same_nash_point_for_morerandom_parties(U: Any, d: Any) -> None:
    assert A.nash_point(U, d, frontier=A.pareto_frontier(U)) == A.nash_point(U, d)


def test_a_frontier_out_of_range_is_an_error() -> None:
    with pytest.raises(ValidationError, match="frontier"):
        A.nash_point([[1.0, 0.0], [0.0, 1.0]], [0.0, 0.0], frontier=[0, 5])


@pytest.mark.parametrize(
    ("bad", "what"),
    [(np.nan, "NaN"), (np.inf, r"\+inf"), (-np.inf, None)],
)
def test_one_pass_check_finds_nan_and_plus_infinity(bad: float, what: str | None) -> None:
    U = np.array([[0.2, 0.5], [0.4, bad], [0.1, 0.9]])
    if what is None:
        assert A.pareto_frontier(U).tolist() == [0, 1, 2]  # -inf is allowed: a red line
    else:
        with pytest.raises(ValidationError, match=what):
            A.pareto_frontier(U)
    with pytest.raises(ValidationError, match="NaN"):
        A.pareto_frontier(np.array([[np.inf, np.nan]]))


# --- BDM positions only ---------------------------------------------------------------------
def _actors(n: int) -> ActorData:
    rng = np.random.default_rng(7)
    return ActorData(
        [f"a{i}" for i in range(n)],
        rng.uniform(1, 100, n),
        rng.uniform(0, 100, n),
        rng.uniform(10, 100, n),
    )


@pytest.mark.parametrize("options", [BDMOptions(), BDMOptions.as_described()])
def test_bdm_positions_only_follows_the_full_runs_path(options: BDMOptions) -> None:
    data = _actors(40)
    full = run_bdm(data, rounds=6, options=options)
    light = run_bdm(data, rounds=6, options=BDMOptions(**{**_fields(options), "keep": "positions"}))
    assert len(full.rounds) == 6
    assert light.rounds == ()
    np.testing.assert_array_equal(light.positions, full.positions)
    np.testing.assert_array_equal(light.mean, full.mean)
    np.testing.assert_array_equal(light.median, full.median)
    assert light.table().splitlines()[0] == full.table().splitlines()[0]


def _fields(options: BDMOptions) -> dict[str, Any]:
    import attrs

    return attrs.asdict(options)


def test_bdm_keep_is_validated_and_the_quad_chart_needs_rounds() -> None:
    with pytest.raises(ValidationError, match="keep"):
        BDMOptions(keep="everything")  # type: ignore[arg-type]
    from negsim.spatial import plots as spatial_plots

    run = run_bdm(_actors(5), rounds=2, options=BDMOptions(keep="positions"))
    with pytest.raises(ValidationError, match="keep"):
        spatial_plots.quad_chart(run, 0, 0)
    plt.close("all")


def test_a_forecasts_options_leave_out_what_it_keeps() -> None:
    model = negsim.spatial.BDM(BDMOptions(keep="positions"))
    forecast = model.run(_actors(6), rounds=2)
    assert "keep" not in forecast.options
