"""Planted bugs the test suite must catch: apply each mutant to a temporary copy of the tree,
run the tests that should notice, and print whether it was killed.

Each mutant is one textual change (a comparison flipped, a tolerance dropped, a set swapped)
that once survived the whole suite with every test passing; the tests named beside it were
written to kill it. A mutant whose text is no longer in the source (the code was rewritten)
is reported as ``gone``: check by hand that the new code is still covered, then update the
mutant here.

Run from a checkout with negsim installed (it is not collected by pytest)::

    python benchmarks/mutants.py            # each mutant against the tests that kill it
    python benchmarks/mutants.py --all      # each mutant against the whole suite (minutes)
    python benchmarks/mutants.py --list     # the mutants, not run
    python benchmarks/mutants.py --only joint-space   # some of them

The exit status is 1 if any mutant survived, 0 otherwise.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Mutant:
    """Replace ``before`` (which must occur exactly once) by ``after`` in ``path``."""

    name: str
    path: str
    before: str
    after: str
    tests: tuple[str, ...]


MUTANTS = (
    Mutant(
        "no tie tolerance",
        "negsim/analysis.py",
        "TIE_TOLERANCE = 1e-9",
        "TIE_TOLERANCE = 0",
        (
            "tests/test_solutions.py::test_mathematically_equal_objectives_tie_whatever_the_rounding",
        ),
    ),
    Mutant(
        "Kalai-Smorodinsky ideal over all outcomes",
        "negsim/analysis.py",
        "    ideal = gains.max(axis=0)\n",
        "    ideal = (np.asarray(U, dtype=float) - np.asarray(disagreement, dtype=float))"
        ".max(axis=0)\n",
        ("tests/test_solutions.py::test_kalai_smorodinsky_ideal_point_is_over_the_candidates",),
    ),
    Mutant(
        "win-set boundary exclusive",
        "negsim/twolevel.py",
        "mask = self.support(space, space.grid()) >= self.threshold - 1e-12",
        "mask = self.support(space, space.grid()) > self.threshold - 1e-12",
        ("tests/test_twolevel.py::test_the_win_set_includes_its_boundary",),
    ),
    Mutant(
        "win-set boundary exclusive, no tolerance",
        "negsim/twolevel.py",
        "mask = self.support(space, space.grid()) >= self.threshold - 1e-12",
        "mask = self.support(space, space.grid()) > self.threshold",
        ("tests/test_twolevel.py::test_the_win_set_includes_its_boundary",),
    ),
    Mutant(
        "ratification vote boundary exclusive, no tolerance",
        "negsim/twolevel.py",
        "RatificationVote(support, support >= self.threshold - 1e-12)",
        "RatificationVote(support, support > self.threshold)",
        ("tests/test_twolevel.py::test_the_win_set_includes_its_boundary",),
    ),
    Mutant(
        "legacy opponent-model tie-break: worse for itself first",
        "negsim/agents/opponent_model.py",
        "np.lexsort((eligible, -mine[eligible], -theirs))",
        "np.lexsort((eligible, mine[eligible], -theirs))",
        (
            "tests/test_opponent_model.py::test_legacy_ties_for_the_other_side_go_to_the_better_for_itself",
        ),
    ),
    Mutant(
        "legacy opponent-model tie-break: highest index first",
        "negsim/agents/opponent_model.py",
        "np.lexsort((eligible, -mine[eligible], -theirs))",
        "np.lexsort((-eligible, -mine[eligible], -theirs))",
        ("tests/test_opponent_model.py::test_legacy_full_ties_go_to_the_lowest_index",),
    ),
    Mutant(
        "joint-space tie-break in a small band: the last of the ties",
        "negsim/agents/time_dependent.py",
        """                at_top = 0
                while values[at_top] < top:
                    at_top += 1
""",
        """                at_top = len(values) - 1
                while values[at_top] < top:
                    at_top -= 1
""",
        ("tests/test_opponent_model.py::test_full_ties_go_to_the_lowest_index",),
    ),
    Mutant(
        "joint-space tie-break over every candidate: the last of the ties",
        "negsim/agents/time_dependent.py",
        "at_top = int(np.argmax(estimate >= estimate.max() - _TOL))",
        "at_top = len(estimate) - 1 - int(np.argmax((estimate >= estimate.max() - _TOL)[::-1]))",
        (
            "tests/test_opponent_model.py::"
            "test_with_complete_information_ties_go_to_the_better_for_itself_then_the_lowest_index",
        ),
    ),
)


def _copy_tree(destination: Path) -> None:
    ignore = shutil.ignore_patterns(
        ".git",
        "__pycache__",
        ".hypothesis",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        "*.egg-info",
    )
    shutil.copytree(ROOT, destination, ignore=ignore, dirs_exist_ok=True)


def run(mutant: Mutant, whole_suite: bool) -> str:
    """``killed``, ``survived``, ``gone`` (text not found) or ``error`` for one mutant."""
    source = (ROOT / mutant.path).read_text(encoding="utf-8")
    if source.count(mutant.before) != 1:
        return "gone"
    with tempfile.TemporaryDirectory(prefix="negsim-mutant-") as tmp:
        tree = Path(tmp)
        _copy_tree(tree)
        (tree / mutant.path).write_text(
            source.replace(mutant.before, mutant.after), encoding="utf-8"
        )
        env = {**os.environ, "PYTHONPATH": str(tree)}
        where = subprocess.run(
            [sys.executable, "-c", "import negsim; print(negsim.__file__)"],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if not where.startswith(str(tree)):
            return f"error (imported negsim from {where or 'nowhere'}, not the copy)"
        tests = [] if whole_suite else mutant.tests
        pytest = [sys.executable, "-m", "pytest", "-q", "-x", "--no-cov", "-p", "no:cacheprovider"]
        done = subprocess.run(
            [*pytest, *tests],
            cwd=tree,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode == 0:
        return "survived"
    if done.returncode == 1:
        return "killed"
    return f"error (pytest exit {done.returncode}): {done.stdout[-400:]}{done.stderr[-400:]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--all", action="store_true", help="run the whole suite per mutant")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--only", default="", help="only the mutants whose name contains this")
    args = parser.parse_args(argv)
    survived = False
    for mutant in MUTANTS:
        if args.only not in mutant.name:
            continue
        if args.list:
            print(f"{mutant.name}: {mutant.path}: {mutant.before!r} -> {mutant.after!r}")
            continue
        verdict = run(mutant, args.all)
        survived |= verdict == "survived"
        print(f"{verdict:>8}  {mutant.name}  ({mutant.path}; {', '.join(mutant.tests)})")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
