"""negsim's KTAB dynamics against KTAB's own reference run, state by state.

Runs :func:`negsim.spatial.ktab_bargain.run_ktab` (default options, which are KTAB's) on
KTAB's example ``dummyData_3Dim`` and compares every state with KTAB's reference log
(``examples/smp/doc/20170530_ref-dummyData_3Dim.txt``, as extracted into
``tests/data/ktab_ref_dummyData_3Dim_turns.csv``): positions (printed by KTAB to 4 decimals on
the 0-100 scale), winning probabilities (4 decimals) and the stopping rule's change ratio (4
decimals). A deviation below 0.00005 is within KTAB's printing.

    python benchmarks/ktab_reference.py
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

from negsim.spatial import read_actor_csv
from negsim.spatial.ktab_bargain import run_ktab

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def reference() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(positions[t, i, k], win[t, i], ratio[t])`` of KTAB's run (ratio NaN at state 0)."""
    rows = []
    with open(DATA / "ktab_ref_dummyData_3Dim_turns.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    states = 1 + max(int(r["state"]) for r in rows)
    actors = sorted({r["actor"] for r in rows})
    positions = np.zeros((states, len(actors), 3))
    win, ratio = np.zeros((states, len(actors))), np.full(states, np.nan)
    for r in rows:
        t, i = int(r["state"]), actors.index(r["actor"])
        positions[t, i] = [float(r[f"pos{k}"]) for k in (1, 2, 3)]
        win[t, i] = float(r["win_probability"])
        if r["change_ratio"]:
            ratio[t] = float(r["change_ratio"])
    return positions, win, ratio


def main() -> int:
    data = read_actor_csv(DATA / "ktab_dummyData_3Dim.csv")
    run = run_ktab(data)
    positions, win, ratio = reference()
    print(f"negsim vs KTAB's reference run, dummyData_3Dim: {run.describe()}")
    print("KTAB: 11 states, 10 steps (stopped: change ratio 0.0045 < 0.02)\n")
    header = (
        f"{'state':>5} {'max |Δ position|':>17} {'mean |Δ position|':>18} "
        f"{'max |Δ P(win)|':>15} {'ratio negsim':>13} {'ratio KTAB':>11}"
    )
    print(header)
    worst = 0.0
    for t in range(positions.shape[0]):
        dx = np.abs(run.positions[t] - positions[t])
        dp = np.abs(run.win_probability[t] - win[t])
        ours = f"{run.change_ratio[t - 1]:.4f}" if t else "-"
        theirs = f"{ratio[t]:.4f}" if t else "-"
        worst = max(worst, float(dx.max()), float(dp.max()))
        print(
            f"{t:>5} {dx.max():>17.2e} {dx.mean():>18.2e} {dp.max():>15.2e} {ours:>13} {theirs:>11}"
        )
    print(f"\nlargest deviation {worst:.2e} (KTAB prints 4 decimals: within 5.0e-05 is exact)")
    return 0 if worst <= 5e-5 + 1e-9 and run.turns == 10 else 1


if __name__ == "__main__":
    sys.exit(main())
