"""Hypothesis builders shared by the property tests (one module, per STYLE.md).

Sections: negotiation cases (protocols and agents); utility arrays (analysis); issues, spaces,
preferences; legislatures (Baron–Ferejohn); actor data. Settings come from the profiles in
``conftest.py``.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from hypothesis import strategies as st

import negsim

# --- negotiation cases (protocols, agents) ---


def agent_names(deterministic: bool = False) -> st.SearchStrategy[str]:
    """Names of registered agents (only non-stochastic ones if ``deterministic``)."""
    names = [
        n for n in negsim.AGENTS.names() if not (deterministic and negsim.make_agent(n).stochastic)
    ]
    return st.sampled_from(names)


@st.composite
def symmetric_cases(draw: Any) -> tuple[negsim.LinearAdditive, negsim.LinearAdditive, Any]:
    """Two preference models on one issue with ``u_b = u_a ∘ σ``, σ reversing the options.

    Values are distinct, so no agent meets a tie, and both parties share one reservation
    value. Returns ``(a, b, sigma)`` with ``sigma`` the outcome-index permutation.
    """
    m = draw(st.integers(2, 12))
    values = draw(st.permutations(list(np.linspace(0.0, 1.0, m))))
    reservation = draw(st.sampled_from([0.0, 0.2, 0.4]))
    space = negsim.OutcomeSpace([negsim.integer("x", 0, m - 1)])
    a = negsim.LinearAdditive.from_tables(space, {"x": 1.0}, {"x": values}, reservation)
    b = negsim.LinearAdditive.from_tables(space, {"x": 1.0}, {"x": values[::-1]}, reservation)
    return a, b, np.arange(m)[::-1]


# --- utility arrays (analysis) ---


@st.composite
def utility_arrays(draw: Any, min_parties: int = 1, max_parties: int = 4) -> Any:
    """``U`` of shape ``(n, k)`` with ties, duplicate rows and some ``-inf`` (red lines).

    Values come from a few levels, multiples of 1/8 in [-5, 5], so that ties and duplicate
    rows are common and rescaling a column is exact enough to keep distinct values distinct.
    """
    k = draw(st.integers(min_parties, max_parties))
    n = draw(st.integers(0, 40))
    levels = draw(st.lists(st.integers(-40, 40).map(lambda i: i / 8), min_size=1, max_size=6))
    levels.append(-np.inf)
    cells = draw(st.lists(st.sampled_from(levels), min_size=n * k, max_size=n * k))
    return np.array(cells, dtype=float).reshape(n, k)


def disagreement_points(k: int) -> st.SearchStrategy[list[float]]:
    """A disagreement point for ``k`` parties."""
    return st.lists(st.integers(-40, 40).map(lambda i: i / 8), min_size=k, max_size=k)


# --- issues, spaces, preferences ---


@st.composite
def issues(draw: Any, name: str = "issue") -> negsim.Issue:
    """A small issue of any kind (1 to 5 options)."""
    kind = draw(st.sampled_from(["categorical", "ordered", "integer", "continuous"]))
    size = draw(st.integers(1, 5))
    if kind == "integer":
        low = draw(st.integers(-3, 3))
        return negsim.integer(name, low, low + size - 1)
    if kind == "continuous":
        return negsim.continuous(name, 0.0, 0.5 * (size - 1), 0.5)
    options = [f"{name}_option_{j}" for j in range(size)]
    return (
        negsim.categorical(name, options)
        if kind == "categorical"
        else negsim.ordered(name, options)
    )


@st.composite
def outcome_spaces(draw: Any, max_issues: int = 4) -> negsim.OutcomeSpace:
    """An outcome space of 1 to ``max_issues`` issues (at most 625 outcomes)."""
    k = draw(st.integers(1, max_issues))
    return negsim.OutcomeSpace([draw(issues(f"i{j}")) for j in range(k)])


def outcomes(space: negsim.OutcomeSpace, max_size: int = 20) -> st.SearchStrategy[Any]:
    """Arrays ``(n, k)`` of valid outcomes of ``space``."""
    row = st.tuples(*(st.integers(0, m - 1) for m in space.shape))
    return st.lists(row, min_size=1, max_size=max_size).map(
        lambda rows: np.array(rows, dtype=np.int64)
    )


@st.composite
def linear_additive(draw: Any, space: negsim.OutcomeSpace) -> negsim.LinearAdditive:
    """Valid weights summing to 1, tables in [0, 1], a reservation in [0, 1]."""
    raw = draw(st.lists(st.integers(0, 10), min_size=space.n_issues, max_size=space.n_issues))
    weights = np.array(raw, dtype=float) + 1e-3
    tables = [
        draw(st.lists(st.integers(0, 8).map(lambda v: v / 8), min_size=m, max_size=m))
        for m in space.shape
    ]
    reservation = draw(st.integers(0, 8).map(lambda v: v / 8))
    return negsim.LinearAdditive(space, weights / weights.sum(), tables, reservation)


@st.composite
def positions(draw: Any, space: negsim.OutcomeSpace) -> negsim.Position:
    """A linear additive base with random red lines, preconditions and pressure."""

    def condition() -> negsim.Condition:
        issue = draw(st.sampled_from(space.issues))
        chosen = draw(st.lists(st.sampled_from(issue.options), min_size=1, unique=True))
        return negsim.IssueIs(issue.name, chosen)

    red_lines = [negsim.RedLine(condition()) for _ in range(draw(st.integers(0, 2)))]
    preconditions = [
        negsim.Precondition(condition(), condition()) for _ in range(draw(st.integers(0, 2)))
    ]
    pressures = [
        negsim.ThirdPartyPressure("third", draw(linear_additive(space)), draw(st.floats(0, 1)))
        for _ in range(draw(st.integers(0, 2)))
    ]
    discount = draw(st.floats(0.5, 1.0))
    return negsim.Position(
        draw(linear_additive(space)), red_lines, preconditions, pressures, discount
    )


def random_bilateral_case(rng: np.random.Generator) -> tuple[negsim.Position, negsim.Position]:
    """Two positions on one categorical space of 2 to 4 issues (2 to 5 options each), with
    random weights and tables, reservations in [0.1, 0.7], perhaps a red line each, and a
    discount of 1 or near 1, drawn from ``rng``."""
    sizes = [int(m) for m in rng.integers(2, 6, size=int(rng.integers(2, 5)))]
    space = negsim.OutcomeSpace(
        [negsim.categorical(f"i{k}", [f"o{j}" for j in range(m)]) for k, m in enumerate(sizes)]
    )
    made = []
    for _ in range(2):
        reservation = int(rng.integers(1, 8)) / 10
        base = negsim.LinearAdditive.random(space, rng=rng, reservation=reservation)
        red_lines = []
        if rng.random() < 0.5:
            k = int(rng.integers(len(sizes)))
            option = int(rng.integers(sizes[k]))
            red_lines.append(negsim.RedLine(negsim.IssueIs(f"i{k}", [f"o{option}"])))
        discount = float(rng.choice([1.0, 1.0, 0.995, 0.99]))
        made.append(negsim.Position(base, red_lines, discount=discount))
    return made[0], made[1]


def bilateral_cases() -> st.SearchStrategy[tuple[negsim.Position, negsim.Position]]:
    """:func:`random_bilateral_case` from a drawn seed."""
    return st.integers(0, 2**32 - 1).map(
        lambda seed: random_bilateral_case(np.random.default_rng(seed))
    )


def bilateral_workloads(size: int = 25) -> st.SearchStrategy[list[Any]]:
    """``size`` :func:`random_bilateral_case` draws from one drawn seed: a workload whose
    cases the search cannot pick one by one, for properties that hold on average."""

    def build(seed: int) -> list[Any]:
        rng = np.random.default_rng(seed)
        return [random_bilateral_case(rng) for _ in range(size)]

    return st.integers(0, 2**32 - 1).map(build)


# --- batches of negotiations (negsim.batch) ---

#: Agent specs with a batch form, as a caller would write them.
BATCH_AGENT_SPECS = st.one_of(
    st.sampled_from(["boulware", "linear", "conceder", "hardliner", "tit-for-tat", "random"]),
    st.sampled_from(["opponent-model", "time-dependent"]),
    st.builds(
        lambda e, legacy: {"kind": "time-dependent", "exponent": e, "legacy": legacy},
        st.sampled_from([0.5, 1.0, 3.0]),
        st.booleans(),
    ),
    st.builds(
        lambda p: {"kind": "random", "acceptance_probability": p}, st.sampled_from([0.0, 0.3, 1.0])
    ),
)


@st.composite
def batch_cases(draw: Any) -> dict[str, Any]:
    """The arguments of ``negsim.batch.run``: alternating offers among 2 or 3 parties, 1 to
    4 runs over a space of at most 64 outcomes, weights (some zero) and tables from a few
    levels (so ties between outcomes are common), every rule drawn (rounds, opener, common
    discount, breakdown risk, information)."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    space = negsim.OutcomeSpace(
        [negsim.categorical(f"i{k}", [f"o{j}" for j in range(m)]) for k, m in enumerate(sizes)]
    )
    n_parties = draw(st.integers(2, 3))
    n = draw(st.integers(1, 4))
    k = len(sizes)
    raw = np.array(
        draw(st.lists(st.integers(0, 4), min_size=n * n_parties * k, max_size=n * n_parties * k)),
        dtype=float,
    ).reshape(n, n_parties, k)
    raw[raw.sum(axis=2) == 0] = 1.0
    weights = raw / raw.sum(axis=2, keepdims=True)
    level = st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0])
    tables = [
        np.array(
            draw(st.lists(level, min_size=n * n_parties * m, max_size=n * n_parties * m))
        ).reshape(n, n_parties, m)
        for m in sizes
    ]
    cells = n * n_parties
    reservations = np.array(
        draw(st.lists(st.sampled_from([0.0, 0.2, 0.3, 0.5, 0.9]), min_size=cells, max_size=cells))
    ).reshape(n, n_parties)
    protocol = negsim.AlternatingOffers(
        n_rounds=draw(st.integers(1, 40)),
        opener=draw(st.integers(0, n_parties - 1)),
        discount=draw(st.sampled_from([1.0, 1.0, 0.95, 0.5])),
        breakdown_probability=draw(st.sampled_from([0.0, 0.0, 0.1, 0.5])),
        information=draw(st.sampled_from(["incomplete", "complete"])),
    )
    agents = draw(st.lists(BATCH_AGENT_SPECS, min_size=n_parties, max_size=n_parties))
    return {
        "protocol": protocol,
        "space": space,
        "weights": weights,
        "tables": tables,
        "reservations": reservations,
        "agents": agents,
        "rng": draw(st.integers(0, 2**40)),
    }


# --- legislatures (Baron–Ferejohn) ---


@st.composite
def legislatures(draw: Any, max_legislators: int = 11) -> tuple[int, float, Any]:
    """``(n, δ, π)``: ``n`` odd in ``3..max_legislators``, ``δ`` in ``[0, 1]`` (0 and 1 often),
    ``π`` recognition probabilities.

    ``π`` is normalised from weights that are mostly small whole numbers, so that ties and
    legislators never recognised are common, and sometimes any floats in ``[0, 1]``.
    """
    n = draw(st.integers(1, (max_legislators - 1) // 2)) * 2 + 1
    delta = draw(st.one_of(st.sampled_from([0.0, 0.5, 0.9, 1.0]), st.floats(0.0, 1.0)))
    weight = st.one_of(st.integers(0, 8).map(float), st.floats(0.0, 1.0))
    weights = np.array(draw(st.lists(weight, min_size=n, max_size=n)))
    if weights.sum() <= 0:
        weights[draw(st.integers(0, n - 1))] = 1.0
    return n, delta, weights / weights.sum()


# --- actor data (spatial forecasting models) ---


@st.composite
def actor_data(draw: Any, min_actors: int = 2, max_actors: int = 8, max_dimensions: int = 3) -> Any:
    """Actors with capabilities > 0 and positions, saliences on 0–100 scales.

    Positions are whole numbers (as in most published data sets) so that ties occur; at least
    two actors differ on every dimension, so each scale has a range.
    """
    from negsim.spatial import ActorData

    n = draw(st.integers(min_actors, max_actors))
    m = draw(st.integers(1, max_dimensions))
    cells = st.integers(0, 100).map(float)
    positions = np.array(draw(st.lists(cells, min_size=n * m, max_size=n * m))).reshape(n, m)
    for k in range(m):
        if np.ptp(positions[:, k]) == 0:
            positions[0, k] = 0.0 if positions[1, k] > 0 else 100.0
    saliences = draw(st.lists(st.integers(1, 100).map(float), min_size=n * m, max_size=n * m))
    capability = draw(st.lists(st.integers(1, 100).map(float), min_size=n, max_size=n))
    return ActorData(
        [f"A{i}" for i in range(n)],
        capability,
        positions,
        np.array(saliences).reshape(n, m),
    )


# --- mutated actor files (robustness: negsim.fuzz) ---


@st.composite
def mutated_actor_csv(draw: Any) -> tuple[str, str]:
    """``(name, text)``: a bundled or test actor table damaged by ``negsim.fuzz``.

    Hypothesis draws the table and the seed of the mutations (so a failure replays).
    """
    from pathlib import Path

    from negsim.fuzz import mutate_actor_csv
    from negsim.spatial import bundled_actor_data

    data = Path(__file__).parent / "data"
    paths = [*bundled_actor_data().values(), data / "bdm_eu_emission_standards.csv"]
    path = draw(st.sampled_from([*paths, data / "ktab_dummyData_3Dim.csv"]))
    seed = draw(st.integers(0, 2**32 - 1))
    text = mutate_actor_csv(path.read_text(encoding="utf-8"), np.random.default_rng(seed))
    return f"mutated-{path.name}", text


# --- mutated scenario files (robustness: negsim.scenario.fuzz) ---


@st.composite
def mutated_scenario_data(draw: Any) -> dict[str, Any]:
    """A bundled scenario's data after a few seeded mutations
    (:func:`negsim.scenario.fuzz.mutate`: deletions, type swaps, huge numbers, NaN, deep
    nesting, duplicates, unicode)."""
    from negsim.scenario.fuzz import mutate

    name = draw(st.sampled_from(sorted(negsim.bundled_scenarios())))
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(1, 4))
    return mutate(_bundled_data(name), np.random.default_rng(seed), n)


def _bundled_data(name: str) -> dict[str, Any]:
    if name not in _BUNDLED:
        _BUNDLED[name] = negsim.load_scenario(name).data
    return copy.deepcopy(_BUNDLED[name])


_BUNDLED: dict[str, dict[str, Any]] = {}


# --- scenarios GENIUS and GeniusWeb can hold (negsim.formats round trips) ---


@st.composite
def foreign_scenario_data(draw: Any, attained_reservations: bool = False) -> dict[str, Any]:
    """Scenario data of 1 to 3 issues (categorical, integer, continuous) and 2 or 3 linear
    additive parties, some numeric tables linear in the value and some not, with discounts
    and reservations. With ``attained_reservations`` each reservation is 0 or the utility of
    an outcome (a GeniusWeb reservation is a bid)."""
    issues_data: list[dict[str, Any]] = []
    sizes = []
    for j in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["categorical", "integer", "continuous"]))
        size = draw(st.integers(1, 4))
        if kind == "categorical":
            issues_data.append(
                {"name": f"i{j}", "kind": kind, "options": [f"v{k}" for k in range(size)]}
            )
        elif kind == "integer":
            low = draw(st.integers(-3, 3))
            issues_data.append({"name": f"i{j}", "kind": kind, "low": low, "high": low + size - 1})
        else:
            issues_data.append(
                {
                    "name": f"i{j}",
                    "kind": kind,
                    "low": 0.0,
                    "high": 0.5 * (size - 1),
                    "resolution": 0.5,
                }
            )
        sizes.append(size)
    eighths = st.integers(0, 8).map(lambda v: v / 8)
    parties: dict[str, Any] = {}
    for p in range(draw(st.integers(2, 3))):
        raw = np.array(draw(st.lists(st.integers(0, 10), min_size=len(sizes), max_size=len(sizes))))
        weights = (raw + 1) / (raw + 1).sum()
        values: dict[str, Any] = {}
        for entry, size in zip(issues_data, sizes, strict=True):
            if entry["kind"] != "categorical" and size > 1 and draw(st.booleans()):
                start, end = draw(eighths), draw(eighths)  # linear in the value
                table = list(np.linspace(start, end, size))
            else:
                table = draw(st.lists(eighths, min_size=size, max_size=size))
            values[entry["name"]] = (
                dict(zip(entry["options"], table, strict=True))
                if entry["kind"] == "categorical"
                else table
            )
        party: dict[str, Any] = {
            "weights": {e["name"]: float(w) for e, w in zip(issues_data, weights, strict=True)},
            "values": values,
            "reservation": 0.0,
            "discount": draw(st.sampled_from([1.0, 0.999, 0.99])),
        }
        if attained_reservations:
            if draw(st.booleans()):
                outcome = [draw(st.integers(0, m - 1)) for m in sizes]
                tables = [list(v.values()) if isinstance(v, dict) else v for v in values.values()]
                party["reservation"] = min(
                    1.0,
                    float(sum(w * t[k] for w, t, k in zip(weights, tables, outcome, strict=True))),
                )
        else:
            party["reservation"] = draw(eighths)
        parties[f"p{p}"] = party
    return {
        "scenario": {"title": "Random domain"},
        "issues": issues_data,
        "parties": parties,
        "protocol": {"kind": "alternating-offers", "n_rounds": draw(st.sampled_from([10, 100]))},
    }


# --- tournaments ---


def scenario_data(values: dict[str, list[float]], reservation: float = 0.1) -> dict[str, Any]:
    """Scenario data on one integer issue ``x`` with one party per ``values`` entry (its value
    of each option) under alternating offers, the first party opening."""
    m = len(next(iter(values.values())))
    return {
        "scenario": {"title": "Tournament case", "seed": 0},
        "issues": [{"name": "x", "kind": "integer", "low": 0, "high": m - 1}],
        "parties": {
            key: {
                "agent": "linear",
                "reservation": reservation,
                "weights": {"x": 1.0},
                "values": {"x": list(v)},
            }
            for key, v in values.items()
        },
        "protocol": {"kind": "alternating-offers", "n_rounds": 12, "opener": next(iter(values))},
    }


@st.composite
def mirrored_scenarios(draw: Any) -> tuple[Any, Any]:
    """A bilateral scenario with ``u_b = u_a ∘ σ`` (σ reversing the options; distinct values,
    one shared reservation) and the same scenario with the two preferences swapped."""
    m = draw(st.integers(2, 10))
    values = [round(float(v), 6) for v in np.linspace(0.0, 1.0, m)]
    values = draw(st.permutations(values))
    reservation = draw(st.sampled_from([0.0, 0.2, 0.4]))
    first = negsim.scenario.scenario_from_data(
        scenario_data({"a": values, "b": values[::-1]}, reservation)
    )
    second = negsim.scenario.scenario_from_data(
        scenario_data({"a": values[::-1], "b": values}, reservation)
    )
    return first, second


@st.composite
def small_scenarios(draw: Any, max_parties: int = 3) -> Any:
    """A scenario of two or three parties on one integer issue with random values."""
    n = draw(st.integers(2, max_parties))
    m = draw(st.integers(2, 8))
    unit = st.integers(0, 20).map(lambda i: i / 20)
    values = {
        f"p{j}": draw(st.lists(unit, min_size=m, max_size=m).filter(lambda v: max(v) > min(v)))
        for j in range(n)
    }
    reservation = draw(st.sampled_from([0.0, 0.1, 0.3]))
    return negsim.scenario.scenario_from_data(scenario_data(values, reservation))


# --- sweep designs ---


@st.composite
def sample_ranges(draw: Any) -> list[tuple[str, float, float]]:
    """One to four ``(key path, low, high)`` ranges with ``low <= high``, for sweep samples."""
    d = draw(st.integers(1, 4))
    ranges = []
    for j in range(d):
        low = draw(st.floats(-1e3, 1e3))
        width = draw(st.floats(0, 1e3))
        ranges.append((f"p{j}", low, low + width))
    return ranges
