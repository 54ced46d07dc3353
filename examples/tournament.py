"""A tournament of every built-in agent on every bundled scenario, and how stable its ranking is.

Every registered agent meets every other in both role orders on each bundled scenario, once
per seed. The script prints the ranking by mean individual utility (with 95% bootstrap
intervals over the seeds), then asks two questions of it:

* across seeds: Kendall's tau between the rankings from two disjoint halves of the seeds,
  over many random splits — would a rerun with fresh seeds reorder the agents?
* across scenarios: Kendall's tau between each scenario's ranking and the ranking from all
  the others — does the order depend on which scenarios are in the tournament?

It saves ``tournament_ranking.png`` and ``tournament.csv`` (one row per negotiation). Change
``SEEDS``, ``AGENTS`` or ``SCENARIOS`` and run it again.
"""

from __future__ import annotations

import numpy as np

import negsim
from negsim import plots
from negsim.tournaments import kendall_tau, ranking_stability

AGENTS = negsim.AGENTS.names()
SCENARIOS = list(negsim.bundled_scenarios())
SEEDS = 20

result = negsim.tournament(AGENTS, SCENARIOS, n_seeds=SEEDS, rng=2026)
print(result)
table = result.ranking()
print("\n".join(table.lines()))

stability = ranking_stability(result, n_splits=200)
print(
    f"\nAcross seeds: tau between halves of {stability.halves} seeds, {len(stability.taus)} "
    f"splits: mean {stability.mean:.3f}, min {stability.min:.3f}, "
    f"identical order in {100 * stability.identical:.0f}% of splits"
)
alone = negsim.tournament(
    [a for a in AGENTS if not negsim.make_agent(a).stochastic], SCENARIOS, n_seeds=4, rng=2026
)
print(
    "Without the stochastic agents: tau between halves "
    f"{ranking_stability(alone, n_splits=20).mean:.3f}"
)

print("\nAcross scenarios: tau between one scenario's ranking and the others' (by utility)")
for name in result.scenarios:
    others = [s for s in result.scenarios if s != name]
    here = result.means(scenarios=[name])
    tau = kendall_tau(here, result.means(scenarios=others))
    if np.ptp(here) < 1e-9:
        print(f"  {name:<18} every agent scores {here[0]:.3f}: no deal is possible there")
        continue
    print(f"  {name:<18} tau {tau:+.3f}   best there: {result.agents[int(np.argmax(here))]}")

result.to_csv("tournament.csv")
ax = plots.ranking(table, f"{len(AGENTS)} built-in agents, {len(SCENARIOS)} bundled scenarios")
plots.save_figure(ax.figure, "tournament_ranking.png")
print("\nSaved tournament.csv and tournament_ranking.png")
