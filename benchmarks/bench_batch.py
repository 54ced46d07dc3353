"""Benchmarks of the batch engine, negsim.batch (figures, not tests).

B1  W1 (see bench_core.py: 3 issues of 5, 5 and 4 options, random linear-additive preferences
    spanning [0, 1], reservation 0.3, Boulware opening against Conceder, 100 rounds of
    alternating offers) for N = 1e3, 1e4, 1e5 distinct negotiations in one call of
    ``negsim.batch.run``: negotiations a second (best of the repeats; wall and CPU time), peak
    memory (tracemalloc: the input arrays and everything the run allocates), and the ratio
    to the object API looping over the same kind of cases in Python (cold: every case has its
    own preferences, as in a sweep over positions); with Numba, the rate of that loop on
    the object API's compiled path (negsim.protocols.tiering) beside it.
    Targets: 500,000 a second, 400 MB at 1e5.
B2  the same at N = 1e5 for other pairs of agents with a batch form.
B3  NegMAS, when importable: its W1 time per negotiation (bench_core's mapping) and the ratio.

Run ``python benchmarks/bench_batch.py`` (``--quick`` for a smoke run, ``--json PATH`` to
keep the figures). The machine is shared: repeat, and read the best figure with the median.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

import negsim
from negsim import batch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import negmas_figures, w1_parties, w1_space

TARGET_RATE = 500_000
TARGET_MEMORY = 400e6
PROTOCOL = negsim.AlternatingOffers(n_rounds=100, opener=0)


def w1_arrays(n: int, seed: int = 0) -> dict[str, Any]:
    """W1's preferences for ``n`` negotiations: weights uniform on the simplex, every table
    rescaled to span [0, 1] (as ``LinearAdditive.random``), reservation 0.3."""
    rng = np.random.default_rng(seed)
    space = w1_space()
    tables = []
    for m in space.shape:
        raw = rng.random((n, 2, m))
        low, high = raw.min(axis=2, keepdims=True), raw.max(axis=2, keepdims=True)
        tables.append((raw - low) / (high - low))
    return {
        "space": space,
        "weights": rng.dirichlet(np.ones(space.n_issues), size=(n, 2)),
        "tables": tables,
        "reservations": np.full((n, 2), 0.3),
    }


def time_batch(n: int, agents: list[str], repeats: int, workers: int = 1) -> dict[str, float]:
    arrays = w1_arrays(n)
    walls, cpus = [], []
    out = None
    for rep in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        out = batch.run(PROTOCOL, agents=agents, rng=rep, workers=workers, **arrays)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    assert out is not None
    assert out.engine in ("compiled", "batch")
    return {
        "engine": out.engine,
        "rate_best": n / min(walls),
        "rate_median": n / statistics.median(walls),
        "rate_cpu": n / min(cpus),
        "mean_rounds": float(out.rounds.mean()),
        "agreement_rate": float(out.agreed.mean()),
    }


def peak_memory(n: int, agents: list[str]) -> float:
    """Bytes at the peak of building the arrays and running the batch (tracemalloc)."""
    tracemalloc.start()
    arrays = w1_arrays(n)
    batch.run(PROTOCOL, agents=agents, rng=0, **arrays)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return float(peak)


def loop_rate(n_cases: int, mode: str = "never") -> float:
    """W1 negotiations a second through the object API, every case cold (its own
    preferences), the same seeds as a batch would give them; ``mode`` the tiering mode
    (``"never"``: the agents' Python code; ``"always"``: the compiled path)."""
    from negsim.protocols import tiering

    space = w1_space()
    cases = [w1_parties(1000 + seed, space) for seed in range(n_cases)]
    with tiering.use(mode):
        PROTOCOL.run(cases[0], rng=0)  # (the compiled path's first call reads Numba's cache)
        start = time.perf_counter()
        for seed, parties in enumerate(cases):
            PROTOCOL.run(parties, rng=seed)
        return n_cases / (time.perf_counter() - start)


def engine_is_compiled() -> bool:
    """Whether the compiled engine runs here (Numba installed)."""
    from negsim.batch import compiled

    return compiled.available()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short smoke run")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    sizes = (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000)
    repeats = 2 if args.quick else 5
    print(
        f"negsim {negsim.__version__}; Python {platform.python_version()}; numpy {np.__version__}"
    )
    print(f"{platform.platform()}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")
    print()
    # the compiled engine (negsim[fast]) compiles on first use, or loads its disk cache: not timed
    batch.run(PROTOCOL, agents=["boulware", "conceder"], rng=0, **w1_arrays(10))
    loop = loop_rate(100 if args.quick else 500)
    compiled_loop = (
        loop_rate(100 if args.quick else 500, "always") if engine_is_compiled() else None
    )
    figures: dict[str, Any] = {
        "loop_rate": loop,
        "compiled_loop_rate": compiled_loop,
        "w1": {},
        "pairs": {},
    }
    w1_agents = ["boulware", "conceder"]
    engine = batch.run(PROTOCOL, agents=w1_agents, rng=0, **w1_arrays(10)).engine
    print(
        f"B1  W1, boulware vs conceder, engine {engine!r}"
        f" (loop, object API in Python, cold: {loop:,.0f} a second"
        + (f"; compiled: {compiled_loop:,.0f}" if compiled_loop else "")
        + ")"
    )
    print(
        f"{'N':>9} {'best /s':>11} {'median /s':>11} {'CPU /s':>11} {'2 threads':>11}"
        f" {'peak MB':>8} {'x loop':>7}"
    )
    for n in sizes:
        count = repeats if n < 100_000 else max(2, repeats - 2)
        timing = time_batch(n, w1_agents, count)
        threads = time_batch(n, w1_agents, count, workers=2)
        memory = peak_memory(n, w1_agents)
        figures["w1"][n] = {**timing, "rate_2_threads": threads["rate_best"], "peak_bytes": memory}
        ratio = max(timing["rate_best"], threads["rate_best"]) / loop
        print(
            f"{n:>9,} {timing['rate_best']:>11,.0f} {timing['rate_median']:>11,.0f}"
            f" {timing['rate_cpu']:>11,.0f} {threads['rate_best']:>11,.0f}"
            f" {memory / 1e6:>8.1f} {ratio:>6.0f}x"
        )
    big = figures["w1"][sizes[-1]]
    best = max(big["rate_best"], big["rate_2_threads"])
    fast = "met" if best >= TARGET_RATE else "NOT met"
    small = "met" if big["peak_bytes"] <= TARGET_MEMORY else "NOT met"
    print(
        f"    targets at N = {sizes[-1]:,}: {TARGET_RATE:,} a second ({fast}),"
        f" {TARGET_MEMORY / 1e6:.0f} MB ({small});"
        f" mean rounds {big['mean_rounds']:.1f}, agreement rate {big['agreement_rate']:.3f}"
    )
    print(
        "    (best: the fastest of the repeats, one thread; CPU: N over the process's CPU"
        " time, what\n    a quiet core would give; 2 threads: workers=2)"
    )
    print()
    n = sizes[-1]
    print(f"B2  other pairs on W1's preferences, N = {n:,}")
    print(f"{'agents':<34} {'best /s':>11} {'CPU /s':>11} {'rounds':>7}")
    pairs = [
        ["linear", "linear"],
        ["boulware", "opponent-model"],
        ["tit-for-tat", "conceder"],
        ["tit-for-tat", "tit-for-tat"],
        ["hardliner", "conceder"],
        [{"kind": "boulware", "legacy": True}, {"kind": "conceder", "legacy": True}],
    ]
    for agents in pairs:
        timing = time_batch(n, agents, max(2, repeats - 3))  # type: ignore[arg-type]
        label = " vs ".join(a if isinstance(a, str) else f"{a['kind']} (legacy)" for a in agents)
        figures["pairs"][label] = timing
        print(
            f"{label:<34} {timing['rate_best']:>11,.0f} {timing['rate_cpu']:>11,.0f}"
            f" {timing['mean_rounds']:>7.1f}"
        )
    print()
    negmas = negmas_figures(5, 1 if args.quick else 3)
    if negmas is None:
        print("B3  negmas is not installed here: no NegMAS ratio (published W1: 6.4 ms a run).")
    else:
        rate = 1.0 / negmas["W1"]
        figures["negmas_rate"] = rate
        print(
            f"B3  NegMAS W1: {negmas['W1'] * 1e3:.2f} ms a run ({rate:,.0f} a second); batch at"
            f" N = {sizes[-1]:,} is {best / rate:,.0f}x"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
