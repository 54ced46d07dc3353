"""Benchmarks of the core library (figures, not tests).

W1  one bilateral negotiation through the public API: 3 issues of 5, 5 and 4 options (100
    outcomes), random linear-additive preferences spanning [0, 1], reservation 0.3, Boulware
    (target 1 - 0.7 t^4) against Conceder (1 - 0.7 t^0.25), 100 rounds, Boulware opens.
    Target: median <= 130 µs.
W1q the quality of W1's agreements over 200 seeded cases: the agreement rate and the mean
    distance of the agreements to the Pareto frontier (utility space), for the default
    joint-space agents and for the same presets with ``legacy=True`` (negsim 0.1's rules).
W2  Pareto frontier + Nash point for 2 parties, utilities included: 5 issues x 10 options
    (100,000 outcomes), target <= 10 ms; 6 x 10 (1,000,000 outcomes), target <= 150 ms.

Run ``python benchmarks/bench_core.py`` (``--quick`` for a smoke run, ``--json PATH`` to keep
the figures). If ``negmas`` is importable the same work runs in NegMAS and the ratio is
printed; otherwise the published NegMAS 0.16 figures are shown for reference.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from typing import Any

import numpy as np

import negsim
from negsim import analysis

NEGMAS_REFERENCE = {"W1": 6.4e-3, "W2 100k": 0.295}  # seconds, NegMAS 0.16 (issue #2)
TARGETS = {"W1": 130e-6, "W2 100k": 10e-3, "W2 1M": 150e-3}


def w1_space() -> negsim.OutcomeSpace:
    """3 issues of 5, 5 and 4 options."""
    return negsim.OutcomeSpace(
        [negsim.categorical(f"i{k}", [f"o{j}" for j in range(m)]) for k, m in enumerate((5, 5, 4))]
    )


def w1_parties(seed: int, space: negsim.OutcomeSpace, legacy: bool = False) -> list[negsim.Party]:
    """Boulware (opens) against Conceder on random preferences spanning [0, 1]."""
    return [
        negsim.Party(
            "boulware",
            negsim.LinearAdditive.random(space, rng=2 * seed, reservation=0.3),
            negsim.make_agent("boulware", legacy=legacy),
        ),
        negsim.Party(
            "conceder",
            negsim.LinearAdditive.random(space, rng=2 * seed + 1, reservation=0.3),
            negsim.make_agent("conceder", legacy=legacy),
        ),
    ]


def bench_w1_quality(n_cases: int) -> dict[str, dict[str, float]]:
    """Agreement rate and mean distance of agreements to the Pareto frontier on W1's cases,
    joint-space agents against legacy ones (the same cases, the same seeds)."""
    space = w1_space()
    protocol = negsim.AlternatingOffers(n_rounds=100, opener=0)
    figures = {}
    for label, legacy in (("joint", False), ("legacy", True)):
        distances, agreed = [], []
        for seed in range(n_cases):
            parties = w1_parties(seed, space, legacy)
            result = protocol.run(parties, rng=seed)
            agreed.append(result.agreed)
            if result.agreement is not None:
                U = negsim.utility_matrix([p.preferences for p in parties])
                distances.append(analysis.distance_to_frontier(U, U[result.agreement]))
        figures[label] = {
            "agreement_rate": float(np.mean(agreed)),
            "mean_distance_to_frontier": float(np.mean(distances)) if distances else float("nan"),
            "on_frontier": float(np.mean(np.array(distances) < 1e-12)) if distances else 0.0,
        }
    return figures


def _quantiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median": statistics.median(ordered),
        "p10": ordered[len(ordered) // 10],
        "p90": ordered[(9 * len(ordered)) // 10],
    }


def w1_paths() -> dict[str, str]:
    """The object API's two ways of playing W1 (:mod:`negsim.protocols.tiering`): the
    agents' Python code, and compiled code (where Numba is installed), which a process
    takes once its compilable runs have cost what loading it costs."""
    from negsim.batch import compiled

    paths = {"python": "never"}
    if compiled.available():
        paths["compiled"] = "always"
    return paths


def bench_w1(n_cases: int, repeats: int, mode: str = "auto") -> dict[str, Any]:
    """Time one negotiation, warm (same preference objects reused, as in a sweep) and cold
    (fresh preference objects every run; their construction is not timed), under tiering
    ``mode`` (``"never"``: in Python; ``"always"``: compiled code, loaded before timing)."""
    from negsim.protocols import tiering

    with tiering.use(mode):
        return _bench_w1(n_cases, repeats)


def _bench_w1(n_cases: int, repeats: int) -> dict[str, Any]:
    space = w1_space()
    protocol = negsim.AlternatingOffers(n_rounds=100, opener=0)
    cases = [w1_parties(seed, space) for seed in range(n_cases)]
    protocol.run(cases[0], rng=0)  # (loads compiled code, under "always")
    rounds, agreed, warm = [], [], []
    for rep in range(repeats):
        for parties in cases:
            start = time.perf_counter_ns()
            result = protocol.run(parties, rng=rep)
            warm.append((time.perf_counter_ns() - start) * 1e-9)
            rounds.append(result.n_rounds)
            agreed.append(result.agreed)
    cold = []
    for rep in range(repeats):
        for seed in range(n_cases):
            fresh_space = w1_space()
            parties = w1_parties(seed, fresh_space)
            start = time.perf_counter_ns()
            protocol.run(parties, rng=rep)
            cold.append((time.perf_counter_ns() - start) * 1e-9)
    return {
        "warm": _quantiles(warm),
        "cold": _quantiles(cold),
        "runs": len(warm),
        "mean_rounds": float(np.mean(rounds)),
        "agreement_rate": float(np.mean(agreed)),
    }


def bench_multilateral(n_parties: int, n_cases: int, repeats: int) -> dict[str, float]:
    """Stacked alternating offers among ``n_parties`` on the W1 space (unanimity), agents
    alternating Boulware and Conceder: median time per negotiation and mean rounds."""
    space = w1_space()
    protocol = negsim.AlternatingOffers(n_rounds=100)
    cases = [
        [
            negsim.Party(
                f"p{j}",
                negsim.LinearAdditive.random(space, rng=100 * seed + j, reservation=0.3),
                negsim.make_agent("boulware" if j % 2 == 0 else "conceder"),
            )
            for j in range(n_parties)
        ]
        for seed in range(n_cases)
    ]
    times, rounds = [], []
    for rep in range(repeats):
        for parties in cases:
            start = time.perf_counter_ns()
            result = protocol.run(parties, rng=rep)
            times.append((time.perf_counter_ns() - start) * 1e-9)
            rounds.append(result.n_rounds)
    return {"median": statistics.median(times), "mean_rounds": float(np.mean(rounds))}


def _w2_space(n_issues: int) -> negsim.OutcomeSpace:
    return negsim.OutcomeSpace(
        [negsim.categorical(f"i{k}", [f"o{j}" for j in range(10)]) for k in range(n_issues)]
    )


def bench_w2(n_issues: int, repeats: int) -> dict[str, Any]:
    """Utilities of both parties over the whole grid, then the frontier and the Nash point.

    ``first`` times a fresh space (nothing cached); ``analysis`` times the frontier and Nash
    point alone on a ready utility array.
    """

    def timed(space: negsim.OutcomeSpace, seed: int, U: Any = None) -> float:
        start = time.perf_counter()
        if U is None:
            models = [
                negsim.LinearAdditive.random(space, rng=seed + j, reservation=0.3) for j in (0, 1)
            ]
            U = negsim.utility_matrix(models, limit=space.size)
        analysis.pareto_frontier(U)
        analysis.nash_point(U, [0.3, 0.3])
        return time.perf_counter() - start

    first, full, only = [], [], []
    for rep in range(repeats):
        space = _w2_space(n_issues)  # a fresh space: its first use builds its caches
        first.append(timed(space, 2 * rep))
        full.append(timed(space, 2 * rep + 100))
        U = negsim.utility_matrix(
            [negsim.LinearAdditive.random(space, rng=rep + j) for j in (0, 1)]
        )
        only.append(timed(space, 0, U))
    return {
        "outcomes": 10**n_issues,
        "with_utilities": statistics.median(full),
        "with_utilities_first_call": statistics.median(first),
        "analysis_only": statistics.median(only),
    }


def bench_three_parties(repeats: int) -> float:
    """Frontier and Nash point for 3 parties on 100,000 outcomes (for information)."""
    space = _w2_space(5)
    times = []
    for rep in range(repeats):
        models = [negsim.LinearAdditive.random(space, rng=10 * rep + j) for j in range(3)]
        start = time.perf_counter()
        U = negsim.utility_matrix(models)
        analysis.pareto_frontier(U)
        analysis.nash_point(U, [0.0, 0.0, 0.0])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- NegMAS, when installed -----------------------------------------------------------------
def negmas_figures(n_cases: int, repeats: int) -> dict[str, float] | None:
    """The same workloads in NegMAS (median seconds), or ``None`` if it is not installed.

    Mapping: NegMAS's SAOMechanism with ``n_steps=100`` (a step lets each negotiator act, so
    its rounds are not exactly negsim's one-offer rounds) and its time-based Boulware /
    Conceder negotiators; W2 uses its ``pareto_frontier`` and ``nash_points`` on
    ``LinearAdditiveUtilityFunction``s with the same weights and tables.
    """
    try:
        import negmas
        from negmas.preferences import LinearAdditiveUtilityFunction as LAUF
        from negmas.preferences import nash_points, pareto_frontier
        from negmas.preferences.value_fun import TableFun
        from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator, SAOMechanism
    except ImportError:
        return None

    def ufun(model: negsim.LinearAdditive, issues: list[Any]) -> Any:
        values = [
            TableFun(dict(zip(issue.values, table.tolist(), strict=True)))
            for issue, table in zip(issues, model.tables, strict=True)
        ]
        return LAUF(
            values=values,
            weights=model.weights.tolist(),
            issues=issues,
            reserved_value=model.reservation,
        )

    def issues_of(space: negsim.OutcomeSpace) -> list[Any]:
        return [negmas.make_issue(list(issue.options), issue.name) for issue in space.issues]

    space = w1_space()
    times = []
    for _ in range(repeats):
        for seed in range(n_cases):
            a, b = (p.preferences for p in w1_parties(seed, space))
            issues = issues_of(space)
            start = time.perf_counter()
            mechanism = SAOMechanism(issues=issues, n_steps=100)
            mechanism.add(BoulwareTBNegotiator(), ufun=ufun(a, issues))  # type: ignore[arg-type]
            mechanism.add(ConcederTBNegotiator(), ufun=ufun(b, issues))  # type: ignore[arg-type]
            mechanism.run()
            times.append(time.perf_counter() - start)
    figures = {"W1": statistics.median(times)}
    space5 = _w2_space(5)
    issues = issues_of(space5)
    a = negsim.LinearAdditive.random(space5, rng=0, reservation=0.3)
    b = negsim.LinearAdditive.random(space5, rng=1, reservation=0.3)
    ufuns = (ufun(a, issues), ufun(b, issues))
    start = time.perf_counter()
    frontier, _ = pareto_frontier(ufuns, issues=issues)
    nash_points(ufuns, frontier, ranges=[(0.0, 1.0), (0.0, 1.0)])
    figures["W2 100k"] = time.perf_counter() - start
    return figures


def _fmt(seconds: float) -> str:
    return f"{seconds * 1e6:9.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:9.2f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    cases, repeats = (4, 3) if args.quick else (20, 100)
    w2_repeats = 1 if args.quick else 5

    print(
        f"negsim {negsim.__version__}; Python {platform.python_version()}; numpy {np.__version__}"
    )
    print(f"{platform.platform()}; {os.cpu_count()} cores; {platform.processor() or '?'}")
    print()
    paths = {path: bench_w1(cases, repeats, mode) for path, mode in w1_paths().items()}
    w1 = paths.get("compiled", paths["python"])
    quality = bench_w1_quality(40 if args.quick else 200)
    w2 = bench_w2(5, w2_repeats)
    w2m = bench_w2(6, w2_repeats)
    three = bench_three_parties(w2_repeats)
    multi = {n: bench_multilateral(n, cases, max(1, repeats // 4)) for n in (3, 5)}
    negmas = negmas_figures(min(cases, 5), 1 if args.quick else 3)

    rows = [
        row
        for path, w in paths.items()
        for row in (
            (f"W1 warm, {path}", w["warm"]["median"], TARGETS["W1"], "W1"),
            (f"W1 cold, {path}", w["cold"]["median"], TARGETS["W1"], "W1"),
        )
    ] + [
        ("W2 100k outcomes", w2["with_utilities"], TARGETS["W2 100k"], "W2 100k"),
        ("W2 100k, first call", w2["with_utilities_first_call"], TARGETS["W2 100k"], "W2 100k"),
        ("W2 100k, analysis only", w2["analysis_only"], None, None),
        ("W2 1M outcomes", w2m["with_utilities"], TARGETS["W2 1M"], None),
        ("W2 1M, first call", w2m["with_utilities_first_call"], TARGETS["W2 1M"], None),
        ("W2 1M, analysis only", w2m["analysis_only"], None, None),
        ("3 parties, 100k outcomes", three, None, None),
        ("stacked offers, 3 parties", multi[3]["median"], None, None),
        ("stacked offers, 5 parties", multi[5]["median"], None, None),
    ]
    source = "NegMAS (measured)" if negmas else "NegMAS 0.16 (published)"
    reference = negmas or NEGMAS_REFERENCE
    print(f"{'workload':<30} {'negsim median':>14} {'target':>12}  ok   {source:>24}  ratio")
    for label, value, target, key in rows:
        target_text = _fmt(target) if target else " " * 12
        ok = "" if target is None else ("yes" if value <= target else "NO")
        other = reference.get(key) if key else None
        other_text = _fmt(other) if other else ""
        ratio = f"{other / value:6.0f}x" if other else ""
        print(f"{label:<30} {_fmt(value):>14} {target_text:>12}  {ok:<4} {other_text:>24}  {ratio}")
    print()
    print(
        f"W1: {w1['runs']} runs, p10 {_fmt(w1['warm']['p10'])}, p90 {_fmt(w1['warm']['p90'])};"
        f" mean rounds {w1['mean_rounds']:.1f}; agreement rate {w1['agreement_rate']:.2f}"
    )
    for label, q in quality.items():
        print(
            f"W1q {label:<6}: agreement rate {q['agreement_rate']:.3f}; mean distance of "
            f"agreements to the Pareto frontier {q['mean_distance_to_frontier']:.4f}; "
            f"on the frontier {q['on_frontier']:.1%}"
        )
    for n in (3, 5):
        print(f"stacked offers, {n} parties: mean rounds {multi[n]['mean_rounds']:.1f}")
    if negmas is None:
        print("negmas is not installed here: the NegMAS column shows the published figures.")
    if args.json:
        figures = {
            "w1": paths,
            "w1_quality": quality,
            "w2_100k": w2,
            "w2_1m": w2m,
            "three_parties": three,
            "multilateral": multi,
            "negmas": negmas,
        }
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(figures, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
