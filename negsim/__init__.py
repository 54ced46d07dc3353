"""negsim: simulate negotiation positions.

Parties hold positions encoded as preference models over multi-issue outcomes; protocols run
bargaining rounds between agents; pure functions analyse the outcome space (Pareto frontier,
Nash, Kalai–Smorodinsky and egalitarian points, the zone of agreement).

>>> import negsim
>>> space = negsim.OutcomeSpace([negsim.integer("share", 0, 10)])
>>> seller = negsim.LinearAdditive.from_tables(space, {"share": 1}, {"share": "increasing"}, 0.2)
>>> buyer = negsim.LinearAdditive.from_tables(space, {"share": 1}, {"share": "decreasing"}, 0.2)
>>> result = negsim.AlternatingOffers(n_rounds=20).run(
...     [negsim.Party("seller", seller, negsim.make_agent("boulware")),
...      negsim.Party("buyer", buyer, negsim.make_agent("conceder"))], rng=1)
>>> result.end.value, result.agreement_labels
('agreement', {'share': '7'})
>>> U = negsim.utility_matrix([seller, buyer])
>>> space.labels(space.outcome_at(negsim.analysis.nash_point(U, disagreement=[0.2, 0.2])))
{'share': '5'}
"""

from __future__ import annotations

from . import analysis, diagnosis, levers, spatial, theory
from .agents import (
    AGENTS,
    Agent,
    Hardliner,
    RandomAgent,
    RubinsteinEquilibrium,
    TimeDependent,
    TitForTat,
    ZeuthenAgent,
    make_agent,
    register_agent,
)
from .conditions import AllOf, AnyOf, Condition, IssueAtLeast, IssueAtMost, IssueIs, Not
from .diagnosis import Diagnosis, diagnose
from .errors import NegsimError, OutcomeSpaceTooLarge, ValidationError
from .issues import Issue, categorical, continuous, integer, ordered
from .levers import LeverReport, evaluate_levers
from .observation import Observation, Offer
from .outcomes import OutcomeSpace
from .position import Position, Precondition, RedLine, ThirdPartyPressure
from .preferences import LinearAdditive, PreferenceModel, utility_matrix
from .protocols import (
    PROTOCOLS,
    AlternatingOffers,
    NashDemand,
    Party,
    Protocol,
    SingleText,
    ZeuthenConcession,
    make_protocol,
)
from .results import EndReason, NegotiationResult
from .scenario import Scenario, ScenarioError, bundled_scenarios, load_scenario
from .tournament import TournamentResult, tournament

__version__ = "0.1.0"

__all__ = [
    "AGENTS",
    "PROTOCOLS",
    "Agent",
    "AllOf",
    "AlternatingOffers",
    "AnyOf",
    "Condition",
    "Diagnosis",
    "EndReason",
    "Hardliner",
    "Issue",
    "IssueAtLeast",
    "IssueAtMost",
    "IssueIs",
    "LeverReport",
    "LinearAdditive",
    "NashDemand",
    "NegotiationResult",
    "NegsimError",
    "Not",
    "Observation",
    "Offer",
    "OutcomeSpace",
    "OutcomeSpaceTooLarge",
    "Party",
    "Position",
    "Precondition",
    "PreferenceModel",
    "Protocol",
    "RandomAgent",
    "RedLine",
    "RubinsteinEquilibrium",
    "Scenario",
    "ScenarioError",
    "SingleText",
    "ThirdPartyPressure",
    "TimeDependent",
    "TitForTat",
    "TournamentResult",
    "ValidationError",
    "ZeuthenAgent",
    "ZeuthenConcession",
    "analysis",
    "bundled_scenarios",
    "categorical",
    "continuous",
    "diagnose",
    "diagnosis",
    "evaluate_levers",
    "integer",
    "levers",
    "load_scenario",
    "make_agent",
    "make_protocol",
    "ordered",
    "register_agent",
    "spatial",
    "theory",
    "tournament",
    "utility_matrix",
]
