"""Scenario-file mutations, for fuzzing the reader (``benchmarks/fuzz_scenarios.py`` and the
property tests).

:func:`mutate` changes a copy of scenario data a few times, each a random choice of: delete
a key or item; swap a value for one of another type (a string, a boolean, a date, a table,
an array); a huge, tiny, negative, NaN or infinite number; deep nesting; a duplicate (an
issue, a party with the same label, an option); unicode in names. Every scenario file, so
mutated, must either load and run (with finite or ``-inf`` utilities) or raise a clean
:class:`~negsim.scenario.ScenarioError`.
"""

from __future__ import annotations

import copy
import datetime
import math
from typing import Any

import numpy as np

__all__ = ["CLASSES", "mutate", "replacements"]

#: The ways a fuzz case can end.
CLASSES = ("ok", "clean error", "traceback", "hang", "nan")


def replacements() -> list[Any]:
    """Values swapped in for others."""
    deep: Any = 0
    for _ in range(40):
        deep = [deep]
    return [
        "x",
        "",
        "fast",
        "0.5",
        "ü\u202eé✓",
        True,
        False,
        0,
        1,
        -1,
        2,
        10**9,
        2**63,
        2**64,
        -(2**63),
        1e-300,
        1e308,
        -1e308,
        math.nan,
        math.inf,
        -math.inf,
        0.5,
        1.0000001,
        [],
        {},
        [1, "a", True],
        {"a": 1},
        datetime.date(2020, 1, 1),
        deep,
    ]


def _slots(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in ``data`` (dict keys and list indices)."""
    found = []
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return []
    for key, value in items:
        found.append((*path, key))
        found += _slots(value, (*path, key))
    return found


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


def mutate(data: dict[str, Any], rng: np.random.Generator, n: int = 3) -> dict[str, Any]:
    """A copy of ``data`` with ``n`` random mutations (see the module docstring)."""
    data = copy.deepcopy(data)
    values = replacements()
    for _ in range(n):
        slots = _slots(data)
        if not slots:
            break
        path = slots[int(rng.integers(len(slots)))]
        parent = _parent(data, path)
        key = path[-1]
        action = int(rng.integers(6))
        if action == 0:  # delete
            del parent[key]
        elif action in (1, 2):  # swap the value for another kind
            parent[key] = copy.deepcopy(values[int(rng.integers(len(values)))])
        elif action == 3:  # scale a number
            value = parent[key]
            if isinstance(value, int | float) and not isinstance(value, bool):
                factor = [0, -1, 1e-12, 1e6, 1e12, 2**40][int(rng.integers(6))]
                parent[key] = value * factor
            else:
                parent[key] = values[int(rng.integers(len(values)))]
        elif action == 4:  # duplicate
            value = copy.deepcopy(parent[key])
            if isinstance(parent, list):
                parent.append(value)
            else:
                parent[f"{key}_copy"] = value
        else:  # nest deeper, or rename with unicode
            if isinstance(parent, dict) and rng.random() < 0.5:
                parent[f"{key}\u00e9\u202e"] = parent.pop(key)
            else:
                depth = int(rng.integers(1, 60))
                value = parent[key]
                for _ in range(depth):
                    value = [value] if rng.random() < 0.5 else {"kind": value}
                parent[key] = value
    return data
