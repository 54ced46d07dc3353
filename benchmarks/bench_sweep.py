"""Benchmark of parameter sweeps on executors and with a run store (figures, not tests).

SW1 a sweep of the Kurils 2018-2019 scenario over a grid of two parameters (Japan's
    reservation x the breakdown risk, 8 x 5 = 40 points), 64 seeds each (2,560 runs): serial,
    on a process pool of 2 workers, and serial with an SQLite run store (``store=``). Prints
    each wall time, the speed-up on 2 workers, the store's overhead, and whether the three
    results are identical byte for byte (their per-run and per-point CSV).

SW2 the engines: a sweep of the two-issue trade (both reservations x the breakdown risk,
    6 x 6 x 4 = 144 points), 64 seeds each (9,216 runs), every point of which the batch
    engine supports: serial through the batch engine (the default, ``fastest_runs``) and
    forced to the object engine (``runner=simulate_runs``). Prints each wall time, the
    speed-up, and whether the two results are identical byte for byte.

Run ``python benchmarks/bench_sweep.py`` (``--quick`` for a smoke run, ``--repeats N``,
``--workers N``, ``--only SW1`` or ``--only SW2``). Each figure is the best of the repeats
(the least disturbed by other work on the machine) with the median beside it. The speed-up
on workers is bounded by the cores free: on a 2-core machine shared with other work, expect
less than 2.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import negsim
from negsim.sweep import SweepResult, grid, run_sweep, simulate_runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small smoke run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=["SW1", "SW2"], help="run one section")
    args = parser.parse_args()
    if args.only != "SW2":
        executors(args)
    if args.only != "SW1":
        engines(args)


def executors(args: argparse.Namespace) -> None:
    """SW1: serial, a process pool and a run store."""
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
    times: dict[str, list[float]] = {"serial": [], "pool": [], "store": []}
    results: dict[str, SweepResult] = {}
    cpu = 0.0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with ProcessPoolExecutor(args.workers) as pool, tempfile.TemporaryDirectory() as folder:
        run_sweep(scenario, design, 1, rng=1, executor=pool)  # start the workers first
        work: dict[str, Callable[[int], SweepResult]] = {
            "serial": lambda r: run_sweep(scenario, design, seeds, rng=1),
            "pool": lambda r: run_sweep(scenario, design, seeds, rng=1, executor=pool),
            "store": lambda r: run_sweep(
                scenario, design, seeds, rng=1, store=Path(folder) / f"runs{r}.sqlite"
            ),
        }
        for r in range(repeats):  # interleaved, so that each sees the same load on the machine
            for name, job in work.items():
                start, start_cpu = time.perf_counter(), time.process_time()
                results[name] = job(r)
                times[name].append(time.perf_counter() - start)
                if name == "serial":
                    cpu += (time.process_time() - start_cpu) / repeats
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the workers, once they have exited
    workers_cpu = (
        after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
    ) / repeats
    serial_best, serial_median = min(times["serial"]), statistics.median(times["serial"])
    pool_best, pool_median = min(times["pool"]), statistics.median(times["pool"])
    store_best, store_median = min(times["store"]), statistics.median(times["store"])
    serial, pooled, stored = results["serial"], results["pool"], results["store"]

    def line(label: str, best: float, median: float) -> str:
        return f"  {label:<28}{best:8.3f} s ({median:.3f}){runs / best:12,.0f} runs/s"

    print(line("serial", serial_best, serial_median))
    print(line(f"process pool, {args.workers} workers", pool_best, pool_median))
    print(line("serial, with a run store", store_best, store_median))
    print(f"  serial CPU time per sweep: {cpu:.3f} s (wall above it: other work on the machine)")
    print(
        f"  the workers' CPU time per sweep: {workers_cpu:.3f} s (serial {cpu:.3f} s: what"
        " parallel runs add in CPU work)"
    )
    print(f"  speed-up on {args.workers} workers: {serial_best / pool_best:.2f}x")
    print(f"  store overhead: {100 * (store_best / serial_best - 1):+.1f} %")
    same = (
        serial.runs_csv() == pooled.runs_csv() == stored.runs_csv()
        and serial.to_csv() == pooled.to_csv() == stored.to_csv()
    )
    print(f"  serial, process pool and stored results identical byte for byte: {same}")
    if not same:
        raise SystemExit("the results differ")


def engines(args: argparse.Namespace) -> None:
    """SW2: the batch engine against the object engine, on a sweep both can run."""
    scenario = negsim.load_scenario("two-issue-trade")
    steps, seeds = (3, 16) if args.quick else (6, 64)
    design = grid(
        [
            ("parties.seller.reservation", [0.1 * k for k in range(steps)]),
            ("parties.buyer.reservation", [0.1 * k for k in range(steps)]),
            ("protocol.breakdown_probability", [0.0, 0.01, 0.02, 0.05]),
        ]
    )
    runs = design.n_points * seeds
    repeats = 1 if args.quick else args.repeats
    print(f"SW2: {scenario.title}, {design.n_points} points x {seeds} seeds = {runs:,} runs")
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"     load average {load}; best (median) of {repeats}")
    times: dict[str, list[float]] = {"batch": [], "loop": []}
    results: dict[str, SweepResult] = {}
    work: dict[str, Callable[[], SweepResult]] = {
        "batch": lambda: run_sweep(scenario, design, seeds, rng=1),
        "loop": lambda: run_sweep(scenario, design, seeds, rng=1, runner=simulate_runs),
    }
    for _ in range(repeats):  # interleaved, so that each sees the same load on the machine
        for name, job in work.items():
            start = time.perf_counter()
            results[name] = job()
            times[name].append(time.perf_counter() - start)
    for name, label in (("batch", "batch engine (default)"), ("loop", "object engine, forced")):
        best, median = min(times[name]), statistics.median(times[name])
        engine = results[name].engines
        print(f"  {label:<28}{best:8.3f} s ({median:.3f}){runs / best:12,.0f} runs/s  [{engine}]")
    print(f"  speed-up of the batch engine: {min(times['loop']) / min(times['batch']):.1f}x")
    batch, loop = results["batch"], results["loop"]
    same = batch.runs_csv() == loop.runs_csv() and batch.to_csv() == loop.to_csv()
    print(f"  batch and object engine results identical byte for byte: {same}")
    if not same:
        raise SystemExit("the results differ")


if __name__ == "__main__":
    main()
