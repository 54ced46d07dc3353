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

from typing import TYPE_CHECKING, Any

from .errors import NegsimError, OutcomeSpaceTooLarge, ValidationError
from .issues import Issue, categorical, continuous, integer, ordered
from .outcomes import OutcomeSpace
from .preferences import LinearAdditive, PreferenceModel, utility_matrix

if TYPE_CHECKING:  # loaded on first use (see __getattr__), so `import negsim` stays light
    from . import agents as agents
    from . import analysis as analysis
    from . import conditions as conditions
    from . import diagnosis as diagnosis
    from . import levers as levers
    from . import observation as observation
    from . import position as position
    from . import protocols as protocols
    from . import results as results
    from . import scenario as scenario
    from . import spatial as spatial
    from . import theory as theory
    from . import twolevel as twolevel
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
    from .levers import LeverReport, evaluate_levers
    from .observation import Observation, Offer
    from .position import Position, Precondition, RedLine, ThirdPartyPressure
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
    from .tournaments import TournamentResult, tournament

#: Where the public names not imported above live: each module loads on first access to one
#: of its names (PEP 562). ``import negsim`` itself loads the outcome space and the
#: preference models only; the agents and protocols, the analysis, the diagnosis, the levers,
#: the spatial models, the theory and the scenario reader (with the standard library's TOML,
#: JSON and process machinery) load when first used.
_HOMES: dict[str, tuple[str, ...]] = {
    "negsim.agents": (
        "AGENTS",
        "Agent",
        "Hardliner",
        "RandomAgent",
        "RubinsteinEquilibrium",
        "TimeDependent",
        "TitForTat",
        "ZeuthenAgent",
        "make_agent",
        "register_agent",
    ),
    "negsim.conditions": (
        "AllOf",
        "AnyOf",
        "Condition",
        "IssueAtLeast",
        "IssueAtMost",
        "IssueIs",
        "Not",
    ),
    "negsim.diagnosis": ("Diagnosis", "diagnose"),
    "negsim.levers": ("LeverReport", "evaluate_levers"),
    "negsim.observation": ("Observation", "Offer"),
    "negsim.position": ("Position", "Precondition", "RedLine", "ThirdPartyPressure"),
    "negsim.protocols": (
        "PROTOCOLS",
        "AlternatingOffers",
        "NashDemand",
        "Party",
        "Protocol",
        "SingleText",
        "ZeuthenConcession",
        "make_protocol",
    ),
    "negsim.results": ("EndReason", "NegotiationResult"),
    "negsim.scenario": ("Scenario", "ScenarioError", "bundled_scenarios", "load_scenario"),
    "negsim.tournaments": ("TournamentResult", "tournament"),
}
#: Public name -> (module, attribute, or ``None`` for the module itself).
_LAZY: dict[str, tuple[str, str | None]] = {
    **{name: (module, name) for module, names in _HOMES.items() for name in names},
    **{
        module: (f"negsim.{module}", None)
        for module in (
            "agents",
            "analysis",
            "conditions",
            "diagnosis",
            "display",
            "io",
            "levers",
            "observation",
            "position",
            "protocols",
            "registry",
            "results",
            "rng",
            "scenario",
            "spatial",
            "theory",
            "tournaments",
            "twolevel",
            "validators",
        )
    },
}


def __getattr__(name: str) -> Any:
    """Load a public name of :data:`_LAZY` on first access (PEP 562) and keep it."""
    try:
        module_name, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'negsim' has no attribute {name!r}") from None
    import importlib

    module = importlib.import_module(module_name)
    value = module if attribute is None else getattr(module, attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


#: The version (the one source: pyproject.toml reads it from here).
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
