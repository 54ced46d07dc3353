"""How often the mediated single text (negsim.SingleText) finds a deal that exists (figures,
not tests).

M1  random bilateral cases (``tests/strategies.random_bilateral_case``: 2 to 4 categorical
    issues of 2 to 5 options, random linear-additive preferences, reservations in
    [0.1, 0.7], perhaps a red line each, a discount of 1 or near 1), each under three pairs
    of time-dependent agents (Boulware against Conceder, Linear against Linear, Conceder
    against Boulware) and 20 or 50 drafts. Each run is counted once: agreed; no deal though
    some outcome was better than no deal for both in the last round, discounted (a *miss*:
    the mediator never tabled one when both would sign); no deal because discounting closed
    the zone; no deal with no zone at all. Also the no-deal runs whose last six drafts are
    two texts in turn.

Run ``python benchmarks/bench_mediator.py`` (``--seeds N`` cases, 6 runs each; 300 by
default, about a minute).
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path

import numpy as np

import negsim

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from strategies import random_bilateral_case

PAIRS = (("boulware", "conceder"), ("linear", "linear"), ("conceder", "boulware"))


def tally(seeds: int) -> collections.Counter[str]:
    """The counts of M1 over ``seeds`` cases."""
    counts: collections.Counter[str] = collections.Counter()
    for seed in range(seeds):
        a, b = random_bilateral_case(np.random.default_rng(seed))
        U = negsim.utility_matrix([a, b])
        d = np.array([a.reservation, b.reservation])
        factors = np.array([a.discount, b.discount])
        for first, second in PAIRS:
            for n in (20, 50):
                parties = [
                    negsim.Party("A", a, negsim.make_agent(first)),
                    negsim.Party("B", b, negsim.make_agent(second)),
                ]
                result = negsim.SingleText(n_rounds=n).run(parties, rng=seed)
                counts["runs"] += 1
                if result.agreed:
                    counts["agreed"] += 1
                    continue
                if len(result.offers) >= 6 and len(set(result.offers[-6:].tolist())) <= 2:
                    counts["no deal, two drafts in turn at the end"] += 1
                with np.errstate(invalid="ignore"):  # -inf (a red line) times a factor
                    last = np.all(U * factors ** (n - 1) > d, axis=1)
                if last.any():
                    counts["no deal, a zone open in the last round (a miss)"] += 1
                elif np.all(d < U, axis=1).any():
                    counts["no deal, the zone closed by discounting"] += 1
                else:
                    counts["no deal, no zone"] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=300)
    args = parser.parse_args()
    counts = tally(args.seeds)
    runs = counts.pop("runs")
    print(f"M1  the mediated single text on {runs:,} random bilateral runs")
    for label, k in sorted(counts.items(), key=lambda item: -item[1]):
        print(f"    {label:<52} {k:6,}  ({k / runs:6.1%})")


if __name__ == "__main__":
    main()
