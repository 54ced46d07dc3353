"""Benchmark of parameter sweeps on executors and with a run store (figures, not tests).

SW1 a sweep of the Kurils 2018-2019 scenario over a grid of two parameters (Japan's
    reservation x the breakdown risk, 8 x 5 = 40 points), 64 seeds each (2,560 runs): serial,
    on a process pool of 2 workers, and serial with an SQLite run store (``store=``). Prints
    each wall time, the speed-up on 2 workers, the store's overhead, and whether the three
    results are identical byte for byte (their per-run and per-point CSV).

Run ``python benchmarks/bench_sweep.py`` (``--quick`` for a smoke run, ``--repeats N``,
``--workers N``). Each figure is the best of the repeats (the least disturbed by other work
on the machine) with the median beside it. The speed-up is bounded by the cores free: on a
2-core machine shared with other work, expect less than 2.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import negsim
from negsim.sweep import SweepResult, grid, run_sweep


def _timed(work: Callable[[], SweepResult], repeats: int) -> tuple[float, float, SweepResult]:
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - start)
    assert result is not None
    return min(times), statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    scenario = negsim.load_scenario("kurils-2018-2019")
    points, seeds = ((4, 2), 16) if args.quick else ((8, 5), 64)
    design = grid(
        [
            ("parties.japan.reservation", [0.05 * k for k in range(points[0])]),
            ("protocol.breakdown_probability", [0.01 * k for k in range(points[1])]),
        ]
    )
    runs = design.n_points * seeds
    repeats = 1 if args.quick else args.repeats
    print(f"SW1: {scenario.title}, {design.n_points} points x {seeds} seeds = {runs:,} runs")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"     {os.cpu_count()} cores here, load average {load}; best (median) of {repeats}")
    cpu = time.process_time()

    serial_best, serial_median, serial = _timed(
        lambda: run_sweep(scenario, design, seeds, rng=1), repeats
    )
    cpu = (time.process_time() - cpu) / repeats
    with ProcessPoolExecutor(args.workers) as pool:
        run_sweep(scenario, design, 1, rng=1, executor=pool)  # start the workers first
        pool_best, pool_median, pooled = _timed(
            lambda: run_sweep(scenario, design, seeds, rng=1, executor=pool), repeats
        )
    with tempfile.TemporaryDirectory() as folder:
        paths = iter(Path(folder) / f"runs{i}.sqlite" for i in range(repeats))
        store_best, store_median, stored = _timed(
            lambda: run_sweep(scenario, design, seeds, rng=1, store=next(paths)), repeats
        )

    def line(label: str, best: float, median: float) -> str:
        return f"  {label:<28}{best:8.3f} s ({median:.3f}){runs / best:12,.0f} runs/s"

    print(line("serial", serial_best, serial_median))
    print(line(f"process pool, {args.workers} workers", pool_best, pool_median))
    print(line("serial, with a run store", store_best, store_median))
    print(f"  serial CPU time per sweep: {cpu:.3f} s (wall above it: other work on the machine)")
    print(f"  speed-up on {args.workers} workers: {serial_best / pool_best:.2f}x")
    print(f"  store overhead: {100 * (store_best / serial_best - 1):+.1f} %")
    same = (
        serial.runs_csv() == pooled.runs_csv() == stored.runs_csv()
        and serial.to_csv() == pooled.to_csv() == stored.to_csv()
    )
    print(f"  serial, process pool and stored results identical byte for byte: {same}")
    if not same:
        raise SystemExit("the results differ")


if __name__ == "__main__":
    main()
