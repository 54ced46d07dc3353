"""Small hand-made negotiation cases shared by the tests."""

from __future__ import annotations

import copy
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import negsim
from negsim.scenario import scenario_from_data


def pie(n: int = 11, reservations: tuple[float, float] = (0.0, 0.0)) -> negsim.OutcomeSpace:
    """Split-the-pie space: one integer issue, the first party's share 0..n-1."""
    return negsim.OutcomeSpace([negsim.integer("share", 0, n - 1)])


def pie_preferences(
    n: int = 11, reservations: tuple[float, float] = (0.0, 0.0)
) -> tuple[negsim.LinearAdditive, negsim.LinearAdditive]:
    """Opposed linear preferences over the pie: the first wants more, the second less."""
    space = pie(n)
    first = negsim.LinearAdditive.from_tables(
        space, {"share": 1}, {"share": "increasing"}, reservations[0]
    )
    second = negsim.LinearAdditive.from_tables(
        space, {"share": 1}, {"share": "decreasing"}, reservations[1]
    )
    return first, second


def pie_parties(
    first_agent: str = "boulware",
    second_agent: str = "conceder",
    n: int = 11,
    reservations: tuple[float, float] = (0.0, 0.0),
) -> list[negsim.Party]:
    """Two parties splitting the pie with registered agents."""
    a, b = pie_preferences(n, reservations)
    return [
        negsim.Party("first", a, negsim.make_agent(first_agent)),
        negsim.Party("second", b, negsim.make_agent(second_agent)),
    ]


_TWO_ISSUES: dict[str, Any] = {
    "scenario": {"title": "Two issues", "seed": 3},
    "issues": [
        {"name": "price", "kind": "ordered", "options": ["low", "mid", "high"]},
        {"name": "extra", "kind": "categorical", "options": ["no", "yes"]},
    ],
    "parties": {
        "seller": {
            "reservation": 0.4,
            "weights": {"price": 0.8, "extra": 0.2},
            "values": {"price": [0.0, 0.5, 1.0], "extra": [1.0, 0.0]},
            "red_lines": [{"issue": "price", "options": ["low"], "reason": "below cost"}],
        },
        "buyer": {
            "reservation": 0.3,
            "weights": {"price": 0.6, "extra": 0.4},
            "values": {"price": [1.0, 0.5, 0.0], "extra": [0.0, 1.0]},
            "ratification": {
                "threshold": 0.5,
                "constituencies": [
                    {"name": "board", "kind": "poll", "shares": {"extra": {"no": 0.2}}}
                ],
            },
        },
    },
    "protocol": {"kind": "alternating-offers", "n_rounds": 10, "opener": "seller"},
}


def random_parties(
    space: negsim.OutcomeSpace, seed: int, agents: tuple[str, ...] = ("boulware", "conceder")
) -> list[negsim.Party]:
    """W1's parties (benchmarks/bench_core.py) on ``space``: random linear-additive
    preferences spanning [0, 1] (seeds ``2 seed + j``), reservation 0.3, the named agents."""
    return [
        negsim.Party(
            name,
            negsim.LinearAdditive.random(space, rng=2 * seed + j, reservation=0.3),
            negsim.make_agent(name),
        )
        for j, name in enumerate(agents)
    ]


def two_issues(**changes: Any) -> negsim.Scenario:
    """A seller and a buyer over price (low, mid, high) and an extra (no, yes): 6 outcomes,
    the seller's red line excludes price=low, the buyer's board ratifies only extra=yes, and
    one outcome, (high, yes), is better than no deal for both (the report and diagnosis
    tests). ``changes`` are :meth:`~negsim.Scenario.with_overrides` keys and values."""
    built = scenario_from_data(copy.deepcopy(_TWO_ISSUES))
    return built.with_overrides(changes) if changes else built


def stored_runs(path: Path) -> int:
    """How many runs the SQLite run store at ``path`` holds (0 while it does not exist yet),
    read without taking a write lock."""
    try:
        with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT COUNT(*) FROM runs").fetchone()[0])
    except sqlite3.Error:
        return 0


def kill_once_stored(
    command: list[str], store: Path, at_least: int, env: dict[str, str] | None = None
) -> int:
    """Start ``command``, SIGKILL it as soon as ``store`` holds ``at_least`` runs, check that it
    was killed (not finished) and return how many runs the store kept."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while stored_runs(store) < at_least and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL, "the command finished before it could be killed"
    return stored_runs(store)


def negsim_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m negsim ARGS`` in a fresh process in ``cwd``, its output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "negsim", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        check=False,
    )
