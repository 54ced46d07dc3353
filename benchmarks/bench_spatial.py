"""Benchmarks of the spatial forecasting models (figures, not tests).

S1  ten rounds of Bueno de Mesquita's model (``run_bdm``, Scholz et al.'s options, every
    quantity of every round kept) on one issue, for 10, 100 and 1,000 actors with random
    capabilities in [1, 100], whole-number positions in [0, 100] and saliences in [1, 100].
    Target: 1,000 actors x 10 rounds in under 2 s.
S2  KTAB's model (up to ten turns) and ten Stokman exchange rounds on 3 issues, for 10 and 100
    actors.
S3  a Monte Carlo run of 100 draws of ten BDM rounds on the EU data (10 actors), serial and
    with 2 worker processes (the same draws either way).

Run ``python benchmarks/bench_spatial.py`` (``--quick`` for a smoke run, ``--json PATH`` to
keep the figures). Each figure is the best of several repeats (the least disturbed by other
work on the machine) with the median beside it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from negsim.spatial import ActorData, make_model, monte_carlo, run_bdm

TARGETS = {"S1 1000": 2.0}
EU = ActorData(
    [
        "Netherlands",
        "Belgium",
        "Luxembourg",
        "Germany",
        "France",
        "Italy",
        "UK",
        "Ireland",
        "Denmark",
        "Greece",
    ],
    [0.08, 0.08, 0.03, 0.16, 0.16, 0.16, 0.16, 0.05, 0.05, 0.08],
    [4, 7, 4, 4, 10, 10, 10, 7, 4, 7],
    [80, 40, 20, 80, 60, 60, 90, 10, 100, 70],
)  # fmt: skip  (Bueno de Mesquita 1994, p. 78; Scholz, Calbert & Smith 2011, Table 1)


def actors(n: int, m: int = 1, seed: int = 0) -> ActorData:
    """``n`` random actors on ``m`` issues."""
    rng = np.random.default_rng(seed)
    return ActorData(
        [f"a{i}" for i in range(n)],
        rng.uniform(1, 100, n),
        rng.integers(0, 101, (n, m)).astype(float),
        rng.uniform(1, 100, (n, m)),
    )


def timed(work: Callable[[], Any], repeats: int) -> tuple[float, float]:
    """(best, median) seconds over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats (noisy figures)")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    args = parser.parse_args()
    repeats = 2 if args.quick else 5
    figures: dict[str, dict[str, float]] = {}

    def report(name: str, best: float, median: float, unit: str = "s") -> None:
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            verdict = f"  target {target:g} s: {'met' if best <= target else 'MISSED'}"
        print(f"{name:<24} best {best:9.4f} {unit}   median {median:9.4f} {unit}{verdict}")
        figures[name] = {"best": best, "median": median}

    print(f"python {platform.python_version()}, numpy {np.__version__}, {os.cpu_count()} cpus")
    for n in (10, 100, 1000):
        data = actors(n)
        report(f"S1 {n}", *timed(lambda d=data: run_bdm(d, 10), repeats))
    for n in (10, 100):
        data = actors(n, 3)
        report(f"S2 ktab {n}", *timed(lambda d=data: make_model("ktab").run(d), repeats))
        report(f"S2 stokman {n}", *timed(lambda d=data: make_model("stokman").run(d, 10), repeats))
    model = make_model("bdm")
    draws = 20 if args.quick else 100
    serial = timed(lambda: monte_carlo(EU, model, 10, draws, rng=1), max(1, repeats // 2))
    report(f"S3 {draws} draws serial", *serial)
    parallel = timed(lambda: monte_carlo(EU, model, 10, draws, rng=1, workers=2), 1)
    report(f"S3 {draws} draws 2 workers", *parallel)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(figures, handle, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
