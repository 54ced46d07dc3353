"""What negsim costs beyond the negotiation itself (issue 11.5): figures, not tests.

Sections (each printed with its label):

M1  peak memory growth over 40 negotiations on 200,000 outcomes, fresh models each run
    (Boulware against Conceder, 100 rounds): a cache that keeps every model alive shows here.
W1  one W1 negotiation (see bench_core.py), warm and cold, in Python and compiled (the
    object API's two paths, negsim.protocols.tiering); target cold <= 100 µs.
I1  ``import negsim``, best of N fresh interpreters (timed inside them, their start-up left
    out; numpy + attrs alone beside it, the floor); target <= 150 ms.
R1  ``negsim run`` (the default scenario, plots included) wall time, best and median of N,
    as it runs and in one process (``NEGSIM_NO_FORK=1``), and the CPU time it uses.
P1  Pareto frontier + Nash point of two parties on 1,000,000 outcomes (``U`` ready); target
    <= 30 ms.
L1  one negotiation over 10,000,000 outcomes (the default enumeration limit) and over
    20,000,000 (a raised limit): wall time and peak memory of the process.
B1  ten BDM rounds of 1,000 and 2,000 random actors, keeping every round or the positions
    only: peak memory of the process; target 2,000 actors in 1 GB.

Memory figures come from fresh processes (``ru_maxrss``). To measure the code before a
change, point ``PYTHONPATH`` at that checkout: the subprocesses inherit it, and features it
lacks are reported as such::

    python benchmarks/bench_costs.py                    # the installed negsim
    PYTHONPATH=/path/to/old/checkout python benchmarks/bench_costs.py
    python benchmarks/bench_costs.py --quick            # smaller and fewer (noisy)
    python benchmarks/bench_costs.py --only I1 R1 --json costs.json
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
SECTIONS = ("M1", "W1", "I1", "R1", "P1", "L1", "B1")

MEMORY_40_RUNS = """
import gc, resource, negsim
space = negsim.OutcomeSpace(
    [negsim.integer(f"i{k}", 0, m - 1) for k, m in enumerate((10, 10, 10, 20, 10))]
)
protocol = negsim.AlternatingOffers(n_rounds=100)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for seed in range(RUNS):
    parties = [
        negsim.Party(name, negsim.LinearAdditive.random(space, rng=2 * seed + j, reservation=0.3),
                     negsim.make_agent(name))
        for j, name in enumerate(("boulware", "conceder"))
    ]
    protocol.run(parties, rng=seed)
    del parties
gc.collect()
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024)
"""

LARGE_SPACE = """
import resource, time, attrs, negsim
issues = [negsim.integer(f"i{k}", 0, m - 1) for k, m in enumerate(SHAPE)]
size = 1
for m in SHAPE:
    size *= m
if size <= 10_000_000:  # within the default limit
    space = negsim.OutcomeSpace(issues)
elif "enumeration_limit" not in attrs.fields_dict(negsim.OutcomeSpace):
    print("null")  # no way to raise the limit
    raise SystemExit
else:
    space = negsim.OutcomeSpace(issues, enumeration_limit=size)
parties = [
    negsim.Party(name, negsim.LinearAdditive.random(space, rng=j, reservation=0.3),
                 negsim.make_agent(name))
    for j, name in enumerate(("boulware", "conceder"))
]
start = time.perf_counter()
result = negsim.AlternatingOffers(n_rounds=100).run(parties, rng=1)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f'{{"outcomes": {size}, "seconds": {seconds}, "peak_mb": {peak}, '
      f'"end": "{result.end.value}", "rounds": {result.n_rounds}}}')
"""

BDM_MEMORY = """
import resource, attrs, numpy as np
from negsim.spatial import ActorData
from negsim.spatial.bdm import BDMOptions, run_bdm
n, keep = N, KEEP
if keep != "rounds" and "keep" not in attrs.fields_dict(BDMOptions):
    print("null")
    raise SystemExit
rng = np.random.default_rng(0)
data = ActorData([f"a{i}" for i in range(n)], rng.uniform(1, 100, n), rng.uniform(0, 100, n),
                 rng.uniform(10, 100, n))
options = BDMOptions() if keep == "rounds" else BDMOptions(keep=keep)
run = run_bdm(data, rounds=10, options=options)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


W1_COLD = """
import json, statistics, time, negsim
def space():
    return negsim.OutcomeSpace([negsim.categorical(f"i{k}", [f"o{j}" for j in range(m)])
                                for k, m in enumerate((5, 5, 4))])
def parties(seed, s):
    return [negsim.Party(name,
                         negsim.LinearAdditive.random(s, rng=2 * seed + j, reservation=0.3),
                         negsim.make_agent(name))
            for j, name in enumerate(("boulware", "conceder"))]
protocol = negsim.AlternatingOffers(n_rounds=100, opener=0)
protocol.run(parties(0, space()), rng=0)  # (loads compiled code where it is to run)
times = []
for rep in range(REPEATS):
    for seed in range(CASES):
        cold = parties(seed, space())
        start = time.perf_counter_ns()
        protocol.run(cold, rng=rep)
        times.append(time.perf_counter_ns() - start)
times.sort()
print(json.dumps({"median": statistics.median(times) * 1e-9,
                  "p10": times[len(times) // 10] * 1e-9}))
"""


def w1_against(rounds: int, against: str) -> dict[str, dict[str, float]]:
    """W1 cold (fresh space, preferences and agents every run) in fresh processes: this
    negsim's compiled path (``NEGSIM_COMPILED=always``) and Python path (``never``) and the
    checkout ``against``, in a shuffled order each round (20 cases x 10 repeats a process),
    with the median over the rounds of each one's ratio to the compiled path's median."""
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    variants = {
        "compiled": {**base, "NEGSIM_COMPILED": "always"},
        "python": {**base, "NEGSIM_COMPILED": "never"},
        against: {**base, "PYTHONPATH": str(Path(against).resolve())},
    }
    code = W1_COLD.replace("REPEATS", "10").replace("CASES", "20")
    found: dict[str, list[dict[str, float]]] = {label: [] for label in variants}
    order = list(variants)
    for _ in range(rounds):
        random.Random(len(found["compiled"])).shuffle(order)
        for label in order:
            done = subprocess.run(
                [sys.executable, "-c", code],
                capture_output=True,
                text=True,
                check=True,
                env=variants[label],
                cwd=tempfile.gettempdir(),
            )
            found[label].append(json.loads(done.stdout.strip().splitlines()[-1]))
    compiled = [r["median"] for r in found["compiled"]]
    return {
        label: {
            "median": statistics.median(r["median"] for r in runs),
            "p10": statistics.median(r["p10"] for r in runs),
            "compiled_over_this": statistics.median(
                c / r["median"] for c, r in zip(compiled, runs, strict=True)
            ),
        }
        for label, runs in found.items()
    }


def _python(code: str, **values: Any) -> str:
    for name, value in values.items():
        code = code.replace(name, repr(value))
    done = subprocess.run(  # not from a checkout's root: `-c` puts the folder on sys.path
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=os.environ,
        cwd=tempfile.gettempdir(),
    )
    return done.stdout.strip().splitlines()[-1]


def _best_wall(
    command: list[str], repeats: int, cwd: str | None = None, env: dict[str, str] | None = None
) -> dict[str, float]:
    """Best and median wall time of ``command`` over ``repeats`` runs, and the median CPU time
    (user + system) of the process and all its children."""
    times, cpu = [], []
    for _ in range(repeats):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(
            command,
            capture_output=True,
            check=True,
            cwd=cwd or tempfile.gettempdir(),
            env=os.environ if env is None else env,
        )
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return {"best": min(times), "median": statistics.median(times), "cpu": statistics.median(cpu)}


def memory_40_runs(runs: int) -> float:
    """M1: MB of peak memory added by ``runs`` negotiations on 200,000 outcomes."""
    return float(_python(MEMORY_40_RUNS, RUNS=runs))


def w1(quick: bool) -> dict[str, Any]:
    """W1 warm and cold, as bench_core.py measures them."""
    sys.path.insert(0, str(HERE))
    import bench_core

    cases, repeats = (4, 5) if quick else (20, 50)
    return {
        path: bench_core.bench_w1(cases, repeats, mode)
        for path, mode in bench_core.w1_paths().items()
    }


def import_time(repeats: int) -> dict[str, dict[str, float]]:
    """I1: ``import negsim`` timed inside fresh interpreters (their start-up left out), and
    numpy + attrs alone (what any negsim import pays)."""
    figures = {}
    for label, work in (
        ("negsim", "import negsim"),
        # what a first negotiation needs on top (agents and protocols load on first use)
        ("negsim + negotiation", "import negsim; negsim.AlternatingOffers; negsim.make_agent"),
        ("numpy+attrs", "import numpy, attrs"),
    ):
        code = f"import time; t = time.perf_counter(); {work}; print(time.perf_counter() - t)"
        times = [float(_python(code)) for _ in range(repeats)]
        figures[label] = {"best": min(times), "median": statistics.median(times)}
    return figures


def run_time(repeats: int, against: str | None = None) -> dict[str, dict[str, float]]:
    """R1: ``negsim run`` in a fresh folder (the default scenario, plots and levers), as it
    runs (on a second core where it can, ``negsim.background``) and in one process
    (``NEGSIM_NO_FORK=1``), and, given ``against`` (another checkout's root), that
    checkout's ``negsim run``: in a shuffled order each round, with the median over the
    rounds of each one's ratio to the as-run time of the same round (a shared machine's
    speed drifts: only times taken side by side compare)."""
    # bytecode written and read, as an installed package's is
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    variants = {"as run": base, "one process": {**base, "NEGSIM_NO_FORK": "1"}}
    if against is not None:
        variants[against] = {**base, "PYTHONPATH": str(Path(against).resolve())}
    figures: dict[str, list[dict[str, float]]] = {label: [] for label in variants}
    order = list(variants)
    shuffle = random.Random(0).shuffle
    with tempfile.TemporaryDirectory() as folder:
        command = [sys.executable, "-m", "negsim", "run", "--out", "out"]
        for env in variants.values():  # bytecode compiled, caches warm
            subprocess.run(command, capture_output=True, check=True, cwd=folder, env=env)
        for _ in range(repeats):
            shuffle(order)
            for label in order:
                figures[label].append(_best_wall(command, 1, cwd=folder, env=variants[label]))
    as_run = [r["best"] for r in figures["as run"]]
    return {
        label: {
            "best": min(r["best"] for r in runs),
            "median": statistics.median(r["best"] for r in runs),
            "cpu": statistics.median(r["cpu"] for r in runs),
            "as_run_over_this": statistics.median(
                a / r["best"] for a, r in zip(as_run, runs, strict=True)
            ),
        }
        for label, runs in figures.items()
    }


def pareto_nash(repeats: int) -> dict[str, Any]:
    """P1: frontier + Nash point on 10^6 outcomes (6 issues of 10 options), ``U`` ready."""
    import inspect

    import negsim
    from negsim import analysis

    space = negsim.OutcomeSpace(
        [negsim.categorical(f"i{k}", [f"o{j}" for j in range(10)]) for k in range(6)]
    )
    U = negsim.utility_matrix([negsim.LinearAdditive.random(space, rng=j) for j in (0, 1)])
    reuse = "frontier" in inspect.signature(analysis.nash_point).parameters
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        frontier = analysis.pareto_frontier(U)
        if reuse:
            analysis.nash_point(U, [0.3, 0.3], frontier=frontier)
        else:
            analysis.nash_point(U, [0.3, 0.3])
        times.append(time.perf_counter() - start)
    return {"best": min(times), "median": statistics.median(times), "frontier_reused": reuse}


def large_space(quick: bool) -> dict[str, Any]:
    """L1: one negotiation over 10^7 outcomes (the default limit) and over 2·10^7 (raised);
    10^6 and 2·10^6 with --quick. ``None`` where the code cannot run it."""
    shapes = (
        ((20, 20, 25, 50, 2), (20, 20, 20, 50, 5))
        if quick
        else ((20, 20, 25, 50, 20), (20, 20, 20, 50, 50))
    )
    return {str(np.prod(shape)): json.loads(_python(LARGE_SPACE, SHAPE=shape)) for shape in shapes}


def bdm_memory(sizes: tuple[int, ...]) -> dict[str, float | None]:
    """B1: peak MB of ten BDM rounds, every round kept or positions only."""
    figures: dict[str, float | None] = {}
    for n in sizes:
        for keep in ("rounds", "positions"):
            out = _python(BDM_MEMORY, N=n, KEEP=keep)
            figures[f"{n:,} actors, keep={keep}"] = None if out == "null" else float(out)
    return figures


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:8.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller and fewer (noisy)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="these sections only")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument(
        "--against",
        metavar="CHECKOUT",
        help="R1 and W1 also run the negsim of this checkout (say, a git worktree of b02413e)",
    )
    args = parser.parse_args(argv)
    chosen = args.only or SECTIONS
    repeats = 3 if args.quick else 10
    import negsim

    where = Path(negsim.__file__).resolve().parent.parent
    print(f"negsim {negsim.__version__} from {where}; Python {sys.version.split()[0]};")
    print(f"numpy {np.__version__}; {os.cpu_count()} cores; load {os.getloadavg()[0]:.1f}")
    figures: dict[str, Any] = {}
    if "M1" in chosen:
        runs = 10 if args.quick else 40
        grown = memory_40_runs(runs)
        figures["M1"] = {"runs": runs, "peak_growth_mb": grown}
        print(f"\nM1 memory, {runs} runs on 200,000 outcomes: peak grew by {grown:,.0f} MB")
    if "W1" in chosen:
        found = w1(args.quick)
        figures["W1"] = found
        print("\nW1 one negotiation through the object API (median; p10), by the path it takes")
        for path, figures_of_path in found.items():
            for kind in ("warm", "cold"):
                q = figures_of_path[kind]
                print(f"  {path:<8} {kind}: {q['median'] * 1e6:7.1f} µs; {q['p10'] * 1e6:7.1f} µs")
        print("  target: cold <= 100 µs (compiled: the path past the break-even, tiering.py)")
        if args.against is not None:
            rounds = 3 if args.quick else 10
            versus = w1_against(rounds, args.against)
            figures["W1 against"] = versus
            print(f"  cold in fresh processes, {rounds} rounds in a shuffled order (median of")
            print("  the rounds' medians; p10), and compiled / this, the median over the rounds")
            for label, q in versus.items():
                print(
                    f"  {label:<14} {q['median'] * 1e6:7.1f} µs; {q['p10'] * 1e6:7.1f} µs;"
                    f" {q['compiled_over_this']:.2f}"
                )
    if "I1" in chosen:
        found = import_time(repeats)
        figures["I1"] = found
        print(f"\nI1 import time, best (median) of {repeats} fresh interpreters")
        for label, q in found.items():
            print(f"  import {label:<22} {_ms(q['best'])} ({_ms(q['median']).strip()})")
        print("  target: import negsim <= 150 ms")
    if "R1" in chosen:
        found = run_time(max(3, repeats // 2) if args.against is None else repeats, args.against)
        figures["R1"] = found
        print("\nR1 negsim run, wall time best (median); CPU time of all its processes;")
        print("   as run / this, the median over the rounds")
        for label, q in found.items():
            print(
                f"  {label:<12} {_ms(q['best'])} ({_ms(q['median']).strip()});"
                f" CPU {_ms(q['cpu']).strip()}; {q['as_run_over_this']:.2f}"
            )
        if args.against is not None:
            print("  target: as run / the checkout before (b02413e) <= 0.5")
    if "P1" in chosen:
        found = pareto_nash(repeats)
        figures["P1"] = found
        reused = "frontier reused" if found["frontier_reused"] else "Nash over every candidate"
        print(
            f"\nP1 Pareto + Nash on 1,000,000 outcomes ({reused}): best {_ms(found['best'])},"
            f" median {_ms(found['median'])}; target <= 30 ms"
        )
    if "L1" in chosen:
        found = large_space(args.quick)
        figures["L1"] = found
        print("\nL1 one negotiation over a large space (Boulware against Conceder)")
        for size, run in found.items():
            if run is None:
                print(f"  {int(size):>12,} outcomes: not possible (no enumeration_limit to raise)")
            else:
                print(
                    f"  {int(size):>12,} outcomes: {run['seconds']:6.1f} s, peak"
                    f" {run['peak_mb']:,.0f} MB ({run['end']} after {run['rounds']} offers)"
                )
    if "B1" in chosen:
        found = bdm_memory((300, 600) if args.quick else (1000, 2000))
        figures["B1"] = found
        print("\nB1 BDM, ten rounds: peak memory of the process")
        for label, mb in found.items():
            text = "not available" if mb is None else f"{mb:,.0f} MB"
            print(f"  {label:<30} {text}")
        print("  target: 2,000 actors in 1 GB")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
