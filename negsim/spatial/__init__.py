"""Spatial forecasting models of negotiation: many actors with positions, saliences and
capabilities on issue scales (Bueno de Mesquita's expected-utility model, KTAB's spatial model
of politics, Stokman's models).

* :mod:`.data` — actor tables (KTAB and BDM CSV formats);
* :mod:`.forecasts` — the weighted mean and median;
* :mod:`.bdm` — Bueno de Mesquita's expected-utility rounds (Scholz et al. 2011);
* :mod:`.ktab` — KTAB's first-turn quantities;
* :mod:`.models` — every model behind one interface (``model.run(data, rounds)`` →
  :class:`Forecast`) and the ``MODELS`` registry;
* :mod:`.sensitivity` — Monte Carlo perturbation of the inputs;
* :mod:`.plots` (imported on its own: it loads matplotlib) — position paths, forecast bands,
  the BDM quad chart, effective power.
"""

from __future__ import annotations

from .bdm import OFFER_KINDS, BDMOptions, BDMRound, BDMRun, run_bdm
from .data import ActorData, ActorDataError, bundled_actor_data, load_actor_data, read_actor_csv
from .forecasts import weighted_mean, weighted_median
from .ktab import risk_utility, value_matrix, weighted_distance
from .models import BDM, MODELS, Forecast, ForecastModel, make_model
from .sensitivity import MonteCarlo, Perturbation, monte_carlo, perturb

__all__ = [
    "BDM",
    "MODELS",
    "OFFER_KINDS",
    "ActorData",
    "ActorDataError",
    "BDMOptions",
    "BDMRound",
    "BDMRun",
    "Forecast",
    "ForecastModel",
    "MonteCarlo",
    "Perturbation",
    "bundled_actor_data",
    "load_actor_data",
    "make_model",
    "monte_carlo",
    "perturb",
    "read_actor_csv",
    "risk_utility",
    "run_bdm",
    "value_matrix",
    "weighted_distance",
    "weighted_mean",
    "weighted_median",
]
