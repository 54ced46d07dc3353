"""Point forecasts from actor data: weighted mean and weighted median per dimension.

With capability ``c_i`` and salience ``s_ik`` on dimension ``k``, an actor's weight there is
``w_ik = c_i s_ik`` (Bueno de Mesquita 1994; Stokman's "power × salience").

* **Weighted mean** ``x̄_k = Σ_i w_ik x_ik / Σ_i w_ik`` — the Stokman/compromise forecast.
* **Weighted median** — the position ``x_jk`` such that actors with positions at or below it
  hold at least half the weight, the smallest such; on one dimension with single-peaked
  preferences it is the Condorcet winner (it beats every other position in a weighted
  pairwise vote), the forecast Bueno de Mesquita's model starts from.

For the EU emission-standards data (Bueno de Mesquita 1994; Scholz, Calbert & Smith 2011,
Table 1) these are 7.389956 and 7.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .data import ActorData

__all__ = ["mean_of", "median_of", "weighted_mean", "weighted_median"]


def weighted_mean(data: ActorData) -> npt.NDArray[np.float64]:
    """``x̄_k`` for every dimension (capability × salience weights)."""
    w = data.capability[:, None] * data.saliences
    total = w.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, (w * data.positions).sum(axis=0) / total, np.nan)


def weighted_median(data: ActorData) -> npt.NDArray[np.float64]:
    """The weighted median position of every dimension (see the module docstring)."""
    w = data.capability[:, None] * data.saliences
    return np.array([median_of(data.positions[:, k], w[:, k]) for k in range(data.n_dimensions)])


def mean_of(x: npt.NDArray[np.float64], w: npt.NDArray[np.float64]) -> float:
    """``Σ w_i x_i / Σ w_i`` on one dimension (NaN when every weight is 0)."""
    total = float(w.sum())
    return float(w @ x) / total if total > 0 else float("nan")


def median_of(x: npt.NDArray[np.float64], w: npt.NDArray[np.float64]) -> float:
    """The smallest position ``x_j`` with at least half the weight at or below it."""
    order = np.argsort(x, kind="stable")
    cumulative = np.cumsum(w[order])
    j = int(np.searchsorted(cumulative, cumulative[-1] / 2.0 - 1e-12, side="left"))
    return float(x[order[min(j, len(x) - 1)]])
