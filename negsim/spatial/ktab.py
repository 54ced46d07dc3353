"""First-turn quantities of KTAB's spatial model of politics (KAPSARC Toolkit for Behavioral
Analysis, ``examples/smp``; Wise et al. 2015).

Positions and saliences are rescaled from 0–100 to 0–1. Actor ``i`` judges a position ``x``
by its salience-weighted distance from its own position ``p_i``,

.. math::  d_i(x) = \\frac{\\sqrt{\\sum_k s_{ik}^2 (p_{ik} - x_k)^2}}{\\sqrt{\\sum_k s_{ik}^2}}
           \\in [0, 1],

and its risk-neutral value of ``x`` is ``1 - d_i(x)``; with a risk attitude ``R_i ∈ [-1, 1]``
the utility is ``(1 - d)(1 + d R_i)``. :func:`value_matrix` gives ``V[i, j]``, actor ``i``'s
value of actor ``j``'s position — reproducing KTAB's published reference run for
``dummyData_3Dim`` to its printed precision.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .data import ActorData

__all__ = ["risk_utility", "value_matrix", "weighted_distance"]

Array = npt.NDArray[np.float64]


def weighted_distance(data: ActorData, scale: float = 100.0) -> Array:
    """``D[i, j] = d_i(p_j)``: each actor's salience-weighted distance to each position."""
    p = data.positions / scale
    s = data.saliences / scale
    diff = p[:, None, :] - p[None, :, :]  # (i, j, k)
    weighted = (s[:, None, :] * diff) ** 2
    norm = np.sqrt((s**2).sum(axis=1))[:, None]
    distance: Array = np.sqrt(weighted.sum(axis=2)) / np.where(norm > 0, norm, 1.0)
    return distance


def risk_utility(distance: Array, risk: Array | float = 0.0) -> Array:
    """``(1 - d)(1 + d R)``: risk-averse actors (``R > 0``) value near positions more."""
    r = np.asarray(risk, dtype=float)
    if r.ndim == 1:
        r = r[:, None]
    return (1 - distance) * (1 + distance * r)  # type: ignore[no-any-return]


def value_matrix(data: ActorData, risk: Array | float = 0.0, scale: float = 100.0) -> Array:
    """``V[i, j]``: actor ``i``'s utility of actor ``j``'s position (risk-neutral by default)."""
    return risk_utility(weighted_distance(data, scale), risk)
