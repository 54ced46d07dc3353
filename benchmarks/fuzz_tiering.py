"""Fuzz the object API's two paths (negsim.protocols.tiering) against each other.

Each case draws an outcome space (1 to 4 issues of ``--widths`` options at most), 2 or 3
parties with random linear-additive preferences (some wrapped in a Position with their own
discount and reservation), an agent for each from those with a compiled form, every rule of
alternating offers (rounds, opener, common discount, breakdown risk, information) and a
seed, then runs it with ``run_in_python`` and with the compiled path (``tiering.use("always")``)
and compares the two results whole. Target: 0 differences.

    python benchmarks/fuzz_tiering.py                  # 3,000 cases, at most 8 options an issue
    python benchmarks/fuzz_tiering.py -n 300 --widths 25 --seed 1
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import negsim
from negsim.batch import compiled
from negsim.protocols import tiering

AGENTS = ("boulware", "conceder", "linear", "hardliner", "tit-for-tat", "opponent-model")


def case(rng: np.random.Generator, widths: int) -> tuple[negsim.AlternatingOffers, list, int]:
    """One random case: ``(protocol, parties, seed)``."""
    shape = rng.integers(1, widths + 1, size=int(rng.integers(1, 5)))
    space = negsim.OutcomeSpace(
        [negsim.integer(f"i{q}", 0, int(m) - 1) for q, m in enumerate(shape)]
    )
    n = int(rng.integers(2, 4))
    parties = []
    for j in range(n):
        reservation = float(rng.choice([0.0, 0.2, 0.5, 0.8]))
        model = negsim.LinearAdditive.random(
            space, rng=int(rng.integers(1 << 30)), reservation=reservation
        )
        if rng.random() < 0.3:  # a scenario's party: its own discount and reservation
            model = negsim.Position(
                model,
                discount=float(rng.choice([0.5, 0.9, 0.99])),
                reservation=float(rng.choice([0.1, 0.4])),
            )
        parties.append(negsim.Party(f"p{j}", model, negsim.make_agent(str(rng.choice(AGENTS)))))
    protocol = negsim.AlternatingOffers(
        n_rounds=int(rng.integers(1, 121)),
        opener=int(rng.integers(n)),
        discount=float(rng.choice([1.0, 1.0, 0.95, 0.7])),
        breakdown_probability=float(rng.choice([0.0, 0.0, 0.05])),
        information=str(rng.choice(["incomplete", "complete"])),
    )
    return protocol, parties, int(rng.integers(1 << 40))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=3000, help="cases (default 3,000)")
    parser.add_argument("--widths", type=int, default=8, help="options an issue at most")
    parser.add_argument("--seed", type=int, default=7, help="the cases' seed")
    args = parser.parse_args(argv)
    if not compiled.available():
        print("Numba is not installed: there is no compiled path to compare")
        return 0
    rng = np.random.default_rng(args.seed)
    differ = 0
    for k in range(args.n):
        protocol, parties, seed = case(rng, args.widths)
        expected = protocol.run_in_python(parties, rng=seed)
        with tiering.use("always"):
            got = protocol.run(parties, rng=seed)
        if got != expected:
            differ += 1
            print(f"case {k}: {protocol!r}, agents {[p.agent.describe() for p in parties]}")
    print(f"{args.n:,} cases, {differ} differ (target 0)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
