"""Spatial forecasting models of negotiation: many actors with positions, saliences and
capabilities on issue scales (Bueno de Mesquita's expected-utility model, KTAB's spatial model
of politics, Stokman's models).

This package so far provides the actor data (:mod:`.data`: KTAB and BDM CSV readers), the
weighted mean and median forecasts (:mod:`.forecasts`) and KTAB's first-turn value matrix
(:mod:`.ktab`).
"""

from __future__ import annotations

from .data import ActorData, ActorDataError, read_actor_csv
from .forecasts import weighted_mean, weighted_median
from .ktab import risk_utility, value_matrix, weighted_distance

__all__ = [
    "ActorData",
    "ActorDataError",
    "read_actor_csv",
    "risk_utility",
    "value_matrix",
    "weighted_distance",
    "weighted_mean",
    "weighted_median",
]
