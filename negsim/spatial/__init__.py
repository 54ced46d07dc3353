"""Spatial forecasting models of negotiation: many actors with positions, saliences and
capabilities on issue scales (Bueno de Mesquita's expected-utility model, KTAB's spatial model
of politics, Stokman's models).

* :mod:`.data` — actor tables (KTAB and BDM CSV formats);
* :mod:`.forecasts` — the weighted mean and median;
* :mod:`.bdm` — Bueno de Mesquita's expected-utility rounds (Scholz et al. 2011);
* :mod:`.ktab`, :mod:`.condorcet` — KTAB's first turn: values, risk attitudes, coalition
  strengths, victory probabilities, the probabilistic Condorcet election;
* :mod:`.ktab_bargain` — KTAB's later turns: challenges, bargains, the election among them,
  new positions, the stopping rule;
* :mod:`.stokman` — Stokman's weighted-mean forecast and exchange model;
* :mod:`.models` — every model behind one interface (``model.run(data, rounds)`` →
  :class:`Forecast`) and the ``MODELS`` registry;
* :mod:`.sensitivity` — Monte Carlo perturbation of the inputs; what-if sweeps;
* :mod:`.spread` — whether a Monte Carlo band is honest (ties, discontinuous models);
* :mod:`.records` — the one convention of every result: value equality, read-only arrays,
  ``to_dict``/``to_json``/``from_json``, provenance;
* :mod:`.plots` (imported on its own: it loads matplotlib) — position paths, forecast bands,
  the BDM quad chart, effective power.
"""

from __future__ import annotations

from .bdm import OFFER_KINDS, BDMOptions, BDMRound, BDMRun, run_bdm
from .condorcet import (
    PCE_MODELS,
    VICTORY_MODELS,
    VOTING_RULES,
    coalition_strengths,
    probabilistic_condorcet,
    victory_probabilities,
)
from .data import (
    ActorData,
    ActorDataError,
    RowProblem,
    bundled_actor_data,
    load_actor_data,
    read_actor_csv,
)
from .forecasts import weighted_mean, weighted_median
from .ktab import (
    KTABTurn,
    first_turn,
    risk_attitudes,
    risk_utility,
    value_matrix,
    weighted_distance,
)
from .ktab_bargain import KTABBargain, KTABRun, KTABStep, run_ktab
from .models import BDM, KTAB, MODELS, Forecast, ForecastModel, Stokman, make_model
from .records import Provenance, ResultFileError
from .sensitivity import MonteCarlo, Perturbation, WhatIf, monte_carlo, perturb, what_if
from .spread import SpreadCheck, tied_groups
from .stokman import (
    Exchange,
    ExchangeOptions,
    ExchangeStep,
    StokmanRun,
    exchange_candidates,
    exchange_step,
    run_exchanges,
    stokman_forecast,
)

__all__ = [
    "BDM",
    "KTAB",
    "MODELS",
    "OFFER_KINDS",
    "PCE_MODELS",
    "VICTORY_MODELS",
    "VOTING_RULES",
    "ActorData",
    "ActorDataError",
    "BDMOptions",
    "BDMRound",
    "BDMRun",
    "Exchange",
    "ExchangeOptions",
    "ExchangeStep",
    "Forecast",
    "ForecastModel",
    "KTABBargain",
    "KTABRun",
    "KTABStep",
    "KTABTurn",
    "MonteCarlo",
    "Perturbation",
    "Provenance",
    "ResultFileError",
    "RowProblem",
    "SpreadCheck",
    "Stokman",
    "StokmanRun",
    "WhatIf",
    "bundled_actor_data",
    "coalition_strengths",
    "exchange_candidates",
    "exchange_step",
    "first_turn",
    "load_actor_data",
    "make_model",
    "monte_carlo",
    "perturb",
    "probabilistic_condorcet",
    "read_actor_csv",
    "risk_attitudes",
    "risk_utility",
    "run_bdm",
    "run_exchanges",
    "run_ktab",
    "stokman_forecast",
    "tied_groups",
    "value_matrix",
    "victory_probabilities",
    "weighted_distance",
    "weighted_mean",
    "weighted_median",
    "what_if",
]
