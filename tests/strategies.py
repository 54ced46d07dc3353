"""Hypothesis builders shared by the property tests (one module, per STYLE.md).

Sections: negotiation cases (protocols and agents); utility arrays (analysis); issues, spaces,
preferences. Settings come from the profiles in ``conftest.py``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import strategies as st

import negsim

# --- negotiation cases (protocols, agents) ---


def agent_names(deterministic: bool = False) -> st.SearchStrategy[str]:
    """Names of registered agents (only non-stochastic ones if ``deterministic``)."""
    names = [
        n for n in negsim.AGENTS.names() if not (deterministic and negsim.make_agent(n).stochastic)
    ]
    return st.sampled_from(names)


@st.composite
def symmetric_cases(draw: Any) -> tuple[negsim.LinearAdditive, negsim.LinearAdditive, Any]:
    """Two preference models on one issue with ``u_b = u_a ∘ σ``, σ reversing the options.

    Values are distinct, so no agent meets a tie, and both parties share one reservation
    value. Returns ``(a, b, sigma)`` with ``sigma`` the outcome-index permutation.
    """
    m = draw(st.integers(2, 12))
    values = draw(st.permutations(list(np.linspace(0.0, 1.0, m))))
    reservation = draw(st.sampled_from([0.0, 0.2, 0.4]))
    space = negsim.OutcomeSpace([negsim.integer("x", 0, m - 1)])
    a = negsim.LinearAdditive.from_tables(space, {"x": 1.0}, {"x": values}, reservation)
    b = negsim.LinearAdditive.from_tables(space, {"x": 1.0}, {"x": values[::-1]}, reservation)
    return a, b, np.arange(m)[::-1]


# --- utility arrays (analysis) ---


@st.composite
def utility_arrays(draw: Any, min_parties: int = 1, max_parties: int = 4) -> Any:
    """``U`` of shape ``(n, k)`` with ties, duplicate rows and some ``-inf`` (red lines).

    Values come from a few levels, multiples of 1/8 in [-5, 5], so that ties and duplicate
    rows are common and rescaling a column is exact enough to keep distinct values distinct.
    """
    k = draw(st.integers(min_parties, max_parties))
    n = draw(st.integers(0, 40))
    levels = draw(st.lists(st.integers(-40, 40).map(lambda i: i / 8), min_size=1, max_size=6))
    levels.append(-np.inf)
    cells = draw(st.lists(st.sampled_from(levels), min_size=n * k, max_size=n * k))
    return np.array(cells, dtype=float).reshape(n, k)


def disagreement_points(k: int) -> st.SearchStrategy[list[float]]:
    """A disagreement point for ``k`` parties."""
    return st.lists(st.integers(-40, 40).map(lambda i: i / 8), min_size=k, max_size=k)
