"""Benchmark of tournaments (figures, not tests).

T1  every registered agent against every other, both role orders, on every bundled scenario,
    ``--seeds`` seeds (default 4: 15 agents x 14 x 6 scenarios x 4 = 5,040 negotiations):
    negotiations per second serial and on a process pool of ``--workers`` processes, whose
    result is checked to be the same, byte for byte.

Run ``python benchmarks/bench_tournament.py`` (``--seeds 2`` for a smoke run). Figures from a
shared machine are noisy: the best of ``--repeats`` runs is reported.
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor

import negsim


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark of tournaments")
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    agents, scenarios = negsim.AGENTS.names(), list(negsim.bundled_scenarios())
    serial, pooled = [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        result = negsim.tournament(agents, scenarios, args.seeds, rng=0)
        serial.append(time.perf_counter() - start)
        with ProcessPoolExecutor(args.workers) as pool:
            start = time.perf_counter()
            again = negsim.tournament(agents, scenarios, args.seeds, rng=0, executor=pool)
            pooled.append(time.perf_counter() - start)
        if again.to_csv() != result.to_csv():
            raise SystemExit("a process pool changed the result")
    n = result.n_negotiations
    print(f"T1: {n:,} negotiations ({len(agents)} agents, {len(scenarios)} scenarios, "
          f"{args.seeds} seeds), best of {args.repeats}")  # fmt: skip
    print(f"  serial        {min(serial):6.2f} s  {n / min(serial):8,.0f} negotiations/s")
    print(
        f"  {args.workers} processes   {min(pooled):6.2f} s  {n / min(pooled):8,.0f} negotiations/s"
        f"  (x{min(serial) / min(pooled):.2f}; the same result)"
    )


if __name__ == "__main__":
    main()
