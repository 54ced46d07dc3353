"""Check negsim's reading of real GENIUS / GeniusWeb folders against GENIUS's own definitions.

    python benchmarks/check_genius.py PATH [PATH ...]

Each PATH is a folder of GENIUS or GeniusWeb files, or a folder of such folders (for example
the shared copy of the ANAC domains). For every domain it prints the outcome count, the
parties, and three agreements with GENIUS:

* **utilities**: the largest difference between negsim's utility of every outcome (its
  LinearAdditive models, built from the scenario data) and the utility as GENIUS computes it
  from the files (``min(1, Σ w_i e_i)``, :meth:`negsim.formats.Profile.utilities`);
* **Pareto frontier**: negsim's frontier checked against GENIUS's definition
  (``ParetoFrontier``/``BidPoint.isStrictlyDominatedBy``): no frontier point is strictly
  dominated by any outcome, and every other outcome is strictly dominated by a frontier
  point; its size;
* **Nash point**: GENIUS's ``BidSpace.getNash`` (the frontier point of the largest product
  of ``u_i - r_i``, reservation values as given) beside negsim's Nash point, as utilities.

A folder with profiles in several variants (``X-A-prof1``, ``X-A-prof2``, ``X-B-prof1``,
...) is checked per variant. A folder negsim refuses prints the error instead.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import attrs
import numpy as np

import negsim
from negsim.formats import Folder, read_foreign
from negsim.scenario import ScenarioError, scenario_from_data


def _dominated(points: np.ndarray, by: np.ndarray, block: int = 1 << 21) -> np.ndarray:
    """For each row of ``points``: is it strictly dominated by some row of ``by``? (Blocks
    of at most ``block`` pairs, so memory stays small.)"""
    out = np.zeros(len(points), dtype=bool)
    rows = max(1, block // max(1, len(by)))
    cols = max(1, block // rows)
    for start in range(0, len(points), rows):
        p = points[start : start + rows, None, :]
        for first in range(0, len(by), cols):
            b = by[None, first : first + cols, :]
            hit = ((b >= p).all(axis=2) & (b > p).any(axis=2)).any(axis=1)
            out[start : start + rows] |= hit
    return out


def _dominated_two(points: np.ndarray, by: np.ndarray) -> np.ndarray:
    """:func:`_dominated` for two parties in ``O(n log m)``: ``p`` is strictly dominated iff
    some ``f`` has ``f0 > p0, f1 >= p1`` or ``f0 >= p0, f1 > p1`` (suffix maxima of ``f1``
    over ``by`` sorted by ``f0``)."""
    order = np.argsort(by[:, 0], kind="stable")
    f0, f1 = by[order, 0], by[order, 1]
    suffix = np.maximum.accumulate(f1[::-1])[::-1]
    suffix = np.append(suffix, -np.inf)
    strict = suffix[np.searchsorted(f0, points[:, 0], side="right")]  # f0 > p0
    weak = suffix[np.searchsorted(f0, points[:, 0], side="left")]  # f0 >= p0
    return (strict >= points[:, 1]) | (weak > points[:, 1])


def _groups(folder: Folder) -> list[tuple[str, Folder]]:
    groups: dict[str, list[negsim.formats.Profile]] = {}
    for profile in folder.profiles:
        groups.setdefault(re.sub(r"\d+$", "", profile.name), []).append(profile)
    if len(groups) > 1 and all(len(g) >= 2 for g in groups.values()):
        return [(key, attrs.evolve(folder, profiles=tuple(g))) for key, g in groups.items()]
    return [("", folder)]


def check(path: Path) -> None:
    try:
        folder = read_foreign(path)
    except (ScenarioError, ValueError) as error:
        first = str(error).splitlines()
        print(f"{path.name}: refused — {first[0]}")
        for line in first[1:4]:
            print(f"    {line}")
        return
    for variant, part in _groups(folder):
        started = time.perf_counter()
        scenario = scenario_from_data(part.scenario_data(), str(path))
        U = negsim.utility_matrix(scenario.preferences)
        G = np.column_stack([p.utilities(part.domain) for p in part.profiles])
        r = np.array([p.reservation for p in part.profiles])
        found = negsim.analysis.analyse(U, r)
        frontier = found.frontier
        on = np.zeros(len(G), dtype=bool)
        on[frontier] = True
        dominated = _dominated_two if G.shape[1] == 2 else _dominated
        sound = not dominated(G[frontier], G).any()
        complete = bool(dominated(G[~on], G[frontier]).all())
        products = np.prod(G[frontier] - r, axis=1)
        genius_nash = G[frontier[int(np.argmax(products))]] if products.max() > -1 else None
        ours = None if found.nash is None else U[found.nash]
        same = (
            genius_nash is not None
            and ours is not None
            and np.allclose(genius_nash, ours, atol=1e-9)
        )
        name = f"{path.name}{f' [{variant}]' if variant else ''}"
        print(f"{name}: {scenario.space.size:,} outcomes, {len(part.profiles)} parties")
        print(f"    parties: {', '.join(scenario.names)}")
        print(f"    weights sum: {', '.join(f'{sum(p.weights):.6g}' for p in part.profiles)}")
        print(
            f"    reservations: {', '.join(f'{x:g}' for x in r)}; discounts: "
            f"{', '.join(f'{p.discount:g}' for p in part.profiles)}"
        )
        print(f"    utilities: max |negsim - GENIUS| = {np.abs(U - G).max():.2e}")
        print(
            f"    Pareto frontier: {len(frontier)} outcomes; GENIUS's definition: "
            f"{'sound' if sound else 'NOT SOUND'}, {'complete' if complete else 'NOT COMPLETE'}"
        )
        shown = "none" if ours is None else ", ".join(f"{x:.4f}" for x in ours)
        genius_shown = "none" if genius_nash is None else ", ".join(f"{x:.4f}" for x in genius_nash)
        print(
            f"    Nash point: negsim ({shown}); GENIUS getNash ({genius_shown}): "
            f"{'same' if same else 'DIFFERENT'}"
        )
        notes = scenario.data["scenario"].get("notes", "")
        for line in notes.splitlines():
            print(f"    note: {line}")
        print(f"    ({time.perf_counter() - started:.1f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path, help="folders (or folders of folders)")
    args = parser.parse_args(argv)
    for root in args.paths:
        if not root.is_dir():
            print(f"{root}: not a folder", file=sys.stderr)
            return 2
        has_files = any(p.suffix.lower() in (".xml", ".json") for p in root.iterdir())
        folders = [root] if has_files else sorted(p for p in root.iterdir() if p.is_dir())
        for folder in folders:
            check(folder)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
