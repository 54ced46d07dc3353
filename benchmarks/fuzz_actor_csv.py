"""Fuzz the actor-CSV reader and every forecast model with seeded mutated files.

Each case takes one of the valid actor tables (the bundled data sets and the test data),
damages it with :func:`negsim.fuzz.mutate_actor_csv` (seed = case number + ``--seed``), reads
it and runs every registered model (``negsim.spatial.MODELS``) on it, and is classed by
:func:`negsim.fuzz.classify`: ok / clean error / unnamed error / NaN / traceback, or hang
when it runs over ``--timeout`` seconds. Targets: 0 tracebacks, 0 hangs, 0 NaN, 0 unnamed.

    python benchmarks/fuzz_actor_csv.py              # 1,000 cases
    python benchmarks/fuzz_actor_csv.py -n 200 --seed 7 --show 3
"""

from __future__ import annotations

import argparse
import collections
import signal
import sys
import time
import traceback
from pathlib import Path
from types import FrameType

import numpy as np

from negsim.fuzz import CLASSES, classify, mutate_actor_csv
from negsim.spatial import bundled_actor_data

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ["bdm_eu_emission_standards.csv", "ktab_SOE-Pol-Comp.csv", "ktab_dummyData_3Dim.csv"]


class Hang(Exception):
    """A case ran over its time limit."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise Hang


def seeds() -> list[tuple[str, str]]:
    """The valid tables mutated: ``(name, text)``."""
    paths = [*bundled_actor_data().values(), *(ROOT / "tests" / "data" / n for n in TEST_DATA)]
    return [(p.name, p.read_text(encoding="utf-8-sig")) for p in paths if p.is_file()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="cases (default 1,000)")
    parser.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    parser.add_argument("--rounds", type=int, default=3, help="model rounds (default 3)")
    parser.add_argument("--timeout", type=int, default=30, help="seconds per case (default 30)")
    parser.add_argument("--show", type=int, default=5, help="failures shown per class")
    args = parser.parse_args(argv)
    tables = seeds()
    counts: collections.Counter[str] = collections.Counter()
    shown: dict[str, list[str]] = collections.defaultdict(list)
    signal.signal(signal.SIGALRM, _alarm)
    start = time.perf_counter()
    for case in range(args.n):
        seed = args.seed + case
        rng = np.random.default_rng(seed)
        name, text = tables[int(rng.integers(len(tables)))]
        mutated = mutate_actor_csv(text, rng)
        signal.alarm(args.timeout)
        try:
            outcome = classify(f"fuzz-{seed}-{name}", mutated, rounds=args.rounds)
        except Hang:
            outcome = "hang"
        finally:
            signal.alarm(0)
        counts[outcome] += 1
        failed = outcome in ("unnamed error", "NaN", "traceback", "hang")
        if failed and len(shown[outcome]) < args.show:
            detail = _traceback(name, mutated, args.rounds) if outcome == "traceback" else ""
            shown[outcome].append(f"seed {seed} ({name}){detail}")
    elapsed = time.perf_counter() - start
    print(f"{args.n:,} mutated actor CSVs, seeds {args.seed}..{args.seed + args.n - 1},"
          f" {elapsed:.0f} s")  # fmt: skip
    for outcome in CLASSES:
        print(f"  {outcome:<14}{counts[outcome]:>6}")
    for outcome, cases in shown.items():
        print(f"\n{outcome}:")
        for line in cases:
            print(f"  {line}")
    bad = sum(counts[c] for c in ("unnamed error", "NaN", "traceback", "hang"))
    return 1 if bad else 0


def _traceback(name: str, text: str, rounds: int) -> str:
    from negsim.spatial import MODELS, make_model, read_actor_csv

    try:
        data = read_actor_csv(name, text=text)
        for model in MODELS.names():
            make_model(model).run(data, rounds)
    except Exception:
        return "\n    " + traceback.format_exc().strip().replace("\n", "\n    ")
    return ""


if __name__ == "__main__":
    sys.exit(main())
