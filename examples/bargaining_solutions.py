"""Nash and Kalai–Smorodinsky on a curved frontier: the textbook known answer, computed.

Two parties share a good: party 1 gets u1 = x, party 2 gets u2 = sqrt(1 - x), and without
agreement both get 0. The Nash solution (Nash 1950) maximises u1 * u2 = x sqrt(1 - x), at
x = 2/3: (2/3, 1/sqrt 3) ≈ (0.667, 0.577). The Kalai–Smorodinsky solution (Kalai and
Smorodinsky 1975) gives each party the same share of its ideal (1 for both): u1 = u2, so
x = sqrt(1 - x), x = (sqrt 5 - 1) / 2 ≈ 0.618 for both. Change the curve or the disagreement
point and see how the two solutions move apart.
"""

from __future__ import annotations

import math

import numpy as np

from negsim import analysis

x = np.linspace(0.0, 1.0, 100_001)  # a fine grid of outcomes
U = np.column_stack([x, np.sqrt(1.0 - x)])  # U[outcome, party]
d = [0.0, 0.0]  # the disagreement point

found = analysis.analyse(U, d)
nash, ks = U[found.nash], U[found.kalai_smorodinsky]  # indices (None if no outcome beats d)
print(f"Pareto-optimal outcomes: {found.frontier.size:,} of {len(U):,}")
print(f"Nash point:              u = ({nash[0]:.4f}, {nash[1]:.4f})   theory (0.6667, 0.5774)")
golden = (math.sqrt(5) - 1) / 2
print(
    f"Kalai–Smorodinsky point: u = ({ks[0]:.4f}, {ks[1]:.4f})   theory ({golden:.4f}, {golden:.4f})"
)
egalitarian, welfare = U[found.egalitarian], U[found.max_welfare]
print(f"Egalitarian point:       u = ({egalitarian[0]:.4f}, {egalitarian[1]:.4f})")
print(
    f"Max welfare point:       u = ({welfare[0]:.4f}, {welfare[1]:.4f})   theory (0.7500, 0.5000)"
)

from negsim import plots  # noqa: E402

ax = plots.outcome_space(U[::1000], ["party 1", "party 2"], d, title="u1 = x, u2 = sqrt(1 - x)")
plots.save_figure(ax.figure, "bargaining_solutions.png")
print("Saved bargaining_solutions.png (every 1,000th outcome)")
