"""Fuzz the scenario reader: seeded mutations of the bundled scenarios through load + run.

Each case mutates a bundled scenario (:func:`negsim.scenario.fuzz.mutate`), writes it as a
TOML file (sometimes with a UTF-8 BOM), loads it with :func:`negsim.load_scenario` and, if
it loads, runs it. It ends in one of: ``ok`` (ran; utilities finite or -inf), ``clean
error`` (a :class:`negsim.NegsimError` naming file and key path), ``traceback`` (any other
exception), ``hang`` (over the per-case timeout) or ``nan`` (a NaN in the results). The
target is 0 tracebacks, 0 hangs, 0 NaN.

    python benchmarks/fuzz_scenarios.py --cases 10000 --seed 0 --workers 4 --timeout 20
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import resource
import signal
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

import negsim
from negsim.scenario.fuzz import CLASSES, mutate

#: Address space per worker: a case needing more is a MemoryError, not a dead worker.
MEMORY_GB = 6


class _Timeout(Exception):
    pass


def _limit_memory() -> None:
    limit = MEMORY_GB * 2**30
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _alarm(signum: int, frame: Any) -> None:
    raise _Timeout


def _bundled() -> list[dict[str, Any]]:
    return [negsim.load_scenario(name).data for name in negsim.bundled_scenarios()]


def _text(data: dict[str, Any]) -> str | None:
    try:
        return tomli_w.dumps(data)
    except (TypeError, ValueError, RecursionError):
        return None  # not writable as TOML (a NaN key, ...): fed as data instead


def run_case(args: tuple[int, int, float, str]) -> tuple[str, str]:
    """``(class, detail)`` of case ``index`` of the run seeded ``seed``."""
    seed, index, timeout, folder = args
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))
    bundled = _bundled()
    base = bundled[int(rng.integers(len(bundled)))]
    data = mutate(base, rng, n=int(rng.integers(1, 6)))
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        text = _text(data)
        if text is None:
            scenario = negsim.scenario.scenario_from_data(data, f"case {index}")
        else:
            path = Path(folder) / f"case-{index}.toml"
            bom = "\ufeff" if rng.random() < 0.05 else ""
            path.write_text(bom + text, encoding="utf-8")
            scenario = negsim.load_scenario(path)
        run = scenario.run()
        numbers = np.concatenate(
            [
                np.ravel(run.result.final_utilities),
                np.ravel(run.payoffs),
                np.ravel(run.result.utilities),
            ]
        )
        if np.isnan(numbers).any() or np.isposinf(numbers).any():
            return "nan", f"case {index}: {numbers[~np.isfinite(numbers)][:3]}"
        return "ok", ""
    except _Timeout:
        return "hang", f"case {index}: over {timeout}s"
    except MemoryError:
        return "traceback", f"case {index}: MemoryError (over the {MEMORY_GB} GB per worker)"
    except negsim.NegsimError as error:
        return "clean error", str(error).splitlines()[-1][:200]
    except Exception:  # what the fuzzer is looking for
        return "traceback", f"case {index}:\n{traceback.format_exc()[-1500:]}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=multiprocessing.cpu_count())
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per case")
    parser.add_argument("--show", type=int, default=3, help="examples to print per bad class")
    args = parser.parse_args()
    start = time.perf_counter()
    counts: collections.Counter[str] = collections.Counter()
    examples: dict[str, list[str]] = collections.defaultdict(list)
    with (
        tempfile.TemporaryDirectory() as folder,
        multiprocessing.Pool(args.workers, initializer=_limit_memory) as pool,
    ):
        jobs = [(args.seed, i, args.timeout, folder) for i in range(args.cases)]
        pending = [pool.apply_async(run_case, (job,)) for job in jobs]
        for i, job in enumerate(pending):
            try:  # a worker that died (killed) loses its case: count it as a hang
                kind, detail = job.get(timeout=args.timeout * 3 + 60)
            except multiprocessing.TimeoutError:
                kind, detail = "hang", f"case {i}: no answer (the worker died?)"
            counts[kind] += 1
            if (i + 1) % 1000 == 0:
                print(f"  {i + 1:,} cases: {dict(counts)}", flush=True)
            if kind not in ("ok", "clean error") and len(examples[kind]) < args.show:
                examples[kind].append(detail)
    elapsed = time.perf_counter() - start
    print(f"{args.cases:,} cases, seed {args.seed}, {elapsed:.0f} s")
    for kind in CLASSES:
        print(f"  {kind:<12} {counts[kind]:>6,}")
    for kind, shown in examples.items():
        for detail in shown:
            print(f"\n--- {kind}: {detail}")


if __name__ == "__main__":
    main()
