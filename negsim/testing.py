"""Contract checks for agents and protocols (like scikit-learn's ``check_estimator``).

:func:`check_agent` and :func:`check_protocol` run an agent or a protocol through the contract
every registered one must meet, on small built-in cases, and raise :class:`ContractError`
naming the broken rule. The project's test suite runs them over every registered agent and
protocol; run them on your own before registering it::

    from negsim.testing import check_agent
    check_agent(MyAgent())

Agent contract: on every case, seat and opponent, (1) the run ends within the protocol's
rounds and every proposal is a valid outcome index, (2) the same seed replays the same run,
(3) a non-stochastic agent gives the same run whatever the seed, (4) the agent never accepts
an offer worth less than its reservation value, (5) its description is plain data.

Protocol contract: (1) runs end within their limits with a stated reason, (2) the same seed
replays the same run, (3) the reported utilities are the preferences evaluated on the offers,
discounted as documented, (4) an agreement is the last offer, accepted by all, and gives the
final utilities; no agreement gives the reservation values, (5) the result survives a JSON
round trip.

Forecast-model contract (:func:`check_forecast_model`, every model in
``negsim.spatial.MODELS``): on small cases, (1) positions have shape ``(rounds + 1, n, m)``
(``(1, n, m)`` for a model without rounds) and start at the data, (2) every forecast series
is finite with one value per round and dimension, (3) positions and forecasts stay within the
range the data span on each dimension, (4) a unanimous dimension is forecast at its common
position, (5) the same data give the same forecast, (6) scaling every capability by the same
factor or renaming the actors changes nothing (to 1e-6: KTAB floors coalition strengths),
(7) a negative number of rounds is refused, (8) the result follows the results convention
(:mod:`negsim.spatial.records`): a frozen value whose arrays are read-only, equal to a rerun
and to its own JSON round trip (with and without detail), with a short ``repr`` and an HTML
table, and a provenance naming the model.

Scripted opponents (:class:`ScriptedAgent`, after Axelrod's ``MockPlayer``) make agent tests
exact without reaching into a run's private state: the opponent's offers and answers are fixed
in advance, so what the agent under test does in each round is known::

    >>> from negsim import AlternatingOffers, LinearAdditive, OutcomeSpace, Party, integer
    >>> from negsim.agents import TitForTat
    >>> pie = OutcomeSpace([integer("share", 0, 10)])
    >>> mine = LinearAdditive.from_tables(pie, {"share": 1}, {"share": "increasing"})
    >>> theirs = LinearAdditive.from_tables(pie, {"share": 1}, {"share": "decreasing"})
    >>> run = AlternatingOffers(n_rounds=5).run(
    ...     [Party("me", mine, TitForTat()), Party("script", theirs, ScriptedAgent([0, 3]))]
    ... )
    >>> run.offers.tolist()  # it concedes exactly what the script conceded (0.3)
    [10, 0, 10, 3, 7]
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar

import attrs
import numpy as np

from .agents import Agent, make_agent
from .conditions import IssueIs
from .errors import ValidationError
from .issues import categorical, integer
from .observation import Observation
from .outcomes import OutcomeSpace
from .position import Position, Precondition, RedLine
from .preferences import LinearAdditive, PreferenceModel, discounted
from .protocols import AlternatingOffers, Party, Protocol
from .results import EndReason, NegotiationResult
from .validators import whole_number

__all__ = [
    "ContractError",
    "ScriptedAgent",
    "check_agent",
    "check_forecast_model",
    "check_protocol",
    "contract_cases",
    "forecast_cases",
]

SEEDS = (0, 1, 2)


class ContractError(AssertionError):
    """An agent or protocol breaks the contract."""


def _script(values: Iterable[Any]) -> tuple[int, ...]:
    offers = tuple(whole_number(f"offers[{i}]", v) for i, v in enumerate(values))
    if not offers:
        raise ValidationError("offers", "an empty script", "at least one outcome index")
    return offers


def _acceptance(value: Any) -> bool | tuple[int, ...]:
    if isinstance(value, bool):
        return value
    return tuple(sorted({whole_number("accept[]", v) for v in value}))


@attrs.frozen
class ScriptedAgent(Agent):
    """An opponent that plays a fixed script, whatever happens (for tests).

    Its ``k``-th proposal in a run is ``offers[k]``, an outcome index; once the script runs
    out it repeats the last one. ``accept`` says which offers it accepts: ``False`` (none, the
    default), ``True`` (every offer) or a collection of outcome indices (exactly those). A
    script ignores its own preferences: with ``accept=True`` it accepts offers worth less than
    its reservation value, so the agent contract's individual-rationality rule does not apply
    to it. It is not registered (tests make it directly); its description is plain data.
    """

    name: ClassVar[str] = "scripted"
    offers: tuple[int, ...] = attrs.field(default=(0,), converter=_script)
    accept: bool | tuple[int, ...] = attrs.field(default=False, converter=_acceptance)

    def propose(self, obs: Observation) -> int:
        k: int = obs.memory.get("proposals", 0)
        obs.memory["proposals"] = k + 1
        return self.offers[min(k, len(self.offers) - 1)]

    def respond(self, obs: Observation, offer: int) -> bool:
        if isinstance(self.accept, bool):
            return self.accept
        return offer in self.accept


Case = tuple[str, PreferenceModel, PreferenceModel]
Case3 = tuple[str, PreferenceModel, PreferenceModel, PreferenceModel]


def contract_cases() -> list[Case]:
    """Small bilateral cases ``(name, preferences of party 0, of party 1)``.

    Split the pie (one issue, opposed), a two-issue trade (integrative potential), and a
    case with a red line and a precondition (some outcomes unacceptable to each side).
    """
    pie = OutcomeSpace([integer("share", 0, 10)])
    cases: list[Case] = [
        (
            "split-the-pie",
            LinearAdditive.from_tables(pie, {"share": 1}, {"share": "increasing"}, 0.2),
            LinearAdditive.from_tables(pie, {"share": 1}, {"share": "decreasing"}, 0.3),
        )
    ]
    trade = OutcomeSpace([integer("price", 0, 4), categorical("delivery", ["slow", "fast"])])
    seller = LinearAdditive.from_tables(
        trade, {"price": 0.8, "delivery": 0.2}, {"price": "increasing", "delivery": [1, 0]}, 0.3
    )
    buyer = LinearAdditive.from_tables(
        trade, {"price": 0.3, "delivery": 0.7}, {"price": "decreasing", "delivery": [0, 1]}, 0.3
    )
    cases.append(("two-issue-trade", seller, buyer))
    islands = OutcomeSpace(
        [
            categorical("islands", ["none", "two", "four"]),
            categorical("treaty", ["no", "yes"]),
        ]
    )
    claimant = Position(
        LinearAdditive.from_tables(
            islands,
            {"islands": 0.7, "treaty": 0.3},
            {"islands": [0, 0.6, 1], "treaty": [0, 1]},
            0.2,
        ),
        preconditions=[Precondition(IssueIs("treaty", "yes"), IssueIs("islands", ["two", "four"]))],
    )
    holder = Position(
        LinearAdditive.from_tables(
            islands,
            {"islands": 0.6, "treaty": 0.4},
            {"islands": [1, 0.5, 0], "treaty": [0, 1]},
            0.2,
        ),
        red_lines=[RedLine(IssueIs("islands", "four"))],
        discount=0.98,
    )
    cases.append(("red-lines", claimant, holder))
    return cases


def _fail(rule: str, detail: str) -> ContractError:
    return ContractError(f"{rule}: {detail}")


def _runs(
    agent: Agent, protocol: Protocol, opponents: tuple[str, ...]
) -> Iterator[tuple[str, int, Agent, Callable[[int], NegotiationResult]]]:
    for name, first, second in contract_cases():
        for opponent_name in opponents:
            opponent = make_agent(opponent_name)
            for seat in (0, 1):
                agents = (agent, opponent) if seat == 0 else (opponent, agent)
                parties = [Party("first", first, agents[0]), Party("second", second, agents[1])]

                def run(seed: int, parties: list[Party] = parties) -> NegotiationResult:
                    return protocol.run(parties, rng=seed)

                yield f"{name} vs {opponent_name}, seat {seat}", seat, opponent, run


def check_agent(
    agent: Agent,
    protocol: Protocol | None = None,
    opponents: tuple[str, ...] = ("linear", "hardliner", "random"),
) -> None:
    """Run ``agent`` through the agent contract (see the module docstring)."""
    protocol = protocol or AlternatingOffers(n_rounds=30)
    description = agent.describe()
    try:
        json.dumps(description)
    except TypeError as error:
        raise _fail("description", f"{description!r} is not plain data ({error})") from None
    for label, seat, opponent, run in _runs(agent, protocol, opponents):
        first = run(SEEDS[0])  # an invalid proposal raises NegsimError here
        if first.n_rounds > getattr(protocol, "n_rounds", first.n_rounds):
            raise _fail("termination", f"{label}: {first.n_rounds} rounds")
        if run(SEEDS[0]) != first:
            raise _fail("replay", f"{label}: the same seed gave a different run")
        for t in range(first.n_rounds):
            if first.proposers[t] != seat and first.accepted[t, seat]:
                worth = float(first.utilities[t, seat])  # discounted to round t
                if worth < first.reservations[seat] - 1e-12:
                    raise _fail(
                        "individual rationality",
                        f"{label}: accepted an offer worth {worth:.4g} in round {t}, "
                        f"below its reservation value {first.reservations[seat]:.4g}",
                    )
        if not agent.stochastic and not opponent.stochastic:
            for seed in SEEDS[1:]:
                other = run(seed)
                if not _same_play(other, first):
                    raise _fail("seed independence", f"{label}: seed {seed} changed the run")


def _same_play(a: NegotiationResult, b: NegotiationResult) -> bool:
    return (
        np.array_equal(a.offers, b.offers)
        and np.array_equal(a.accepted, b.accepted)
        and a.end is b.end
    )


def _multilateral_case() -> Case3:
    space = OutcomeSpace([integer("x", 0, 6), categorical("y", ["a", "b", "c"])])
    models = tuple(
        LinearAdditive.from_tables(space, {"x": w, "y": 1 - w}, {"x": t, "y": v}, 0.2)
        for w, t, v in (
            (0.7, "increasing", [0, 0.5, 1]),
            (0.5, "decreasing", [1, 0.5, 0]),
            (0.3, [0, 1, 1, 1, 1, 1, 0], [0.5, 1, 0]),
        )
    )
    return ("three-parties", *models)  # type: ignore[return-value]


def check_protocol(protocol: Protocol, agents: tuple[str, ...] = ("boulware", "conceder")) -> None:
    """Run ``protocol`` through the protocol contract (see the module docstring); protocols
    that take three or more parties are also checked on a three-party case."""
    limit = getattr(protocol, "n_rounds", None)
    cases: list[tuple[Any, ...]] = list(contract_cases())
    if protocol.max_parties is None or protocol.max_parties >= 3:
        cases.append(_multilateral_case())
    for name, *prefs in cases:
        parties = [
            Party(f"party{i}", model, make_agent(agents[i % len(agents)]))
            for i, model in enumerate(prefs)
        ]
        for seed in SEEDS:
            result = protocol.run(parties, rng=seed)
            label = f"{name}, seed {seed}"
            if result.seed != seed:
                raise _fail("provenance", f"{label}: result records seed {result.seed}")
            if limit is not None and result.n_rounds > limit:
                raise _fail("termination", f"{label}: {result.n_rounds} rounds > {limit}")
            if protocol.run(parties, rng=seed) != result:
                raise _fail("replay", f"{label}: the same seed gave a different run")
            _check_utilities(protocol, result, tuple(prefs), label)
            _check_end(result, label)
            if NegotiationResult.from_json(result.to_json()) != result:
                raise _fail("export", f"{label}: the JSON round trip changed the result")


def _check_utilities(
    protocol: Protocol, result: NegotiationResult, prefs: tuple[PreferenceModel, ...], label: str
) -> None:
    common = float(protocol.parameters().get("discount", 1.0))
    outcomes = result.space.outcome_at(result.offers)
    rounds = result.offer_rounds
    for i, model in enumerate(prefs):
        expected = discounted(model.utility(outcomes), (model.discount * common) ** rounds)
        if not np.allclose(result.utilities[:, i], expected, rtol=1e-12, atol=1e-12):
            raise _fail("utilities", f"{label}: party {i}'s reported utilities differ")


def _check_end(result: NegotiationResult, label: str) -> None:
    if result.end is EndReason.AGREEMENT:
        if result.agreement != int(result.offers[-1]) or not result.accepted[-1].all():
            raise _fail("agreement", f"{label}: the agreement is not the last, accepted offer")
        if not np.array_equal(result.final_utilities, result.utilities[-1]):
            raise _fail("agreement", f"{label}: final utilities are not the agreement's")
    else:
        if result.agreement is not None:
            raise _fail("agreement", f"{label}: {result.end.value} with an agreement")
        if not np.array_equal(result.final_utilities, result.reservations):
            raise _fail("reservation", f"{label}: no agreement but not the reservation values")


def forecast_cases() -> list[tuple[str, Any]]:
    """Small actor tables for the forecast-model contract: ``(label, ActorData)``."""
    from .spatial import ActorData

    return [
        (
            "one issue, ties",
            ActorData(
                ["a", "b", "c", "d", "e"],
                [0.08, 0.16, 0.16, 0.05, 0.08],
                [4, 4, 10, 7, 7],
                [80, 80, 60, 10, 70],
            ),
        ),
        (
            "two issues, one unanimous",
            ActorData(
                ["p", "q", "r", "s"],
                [3, 1, 2, 2],
                [[0, 50], [100, 50], [40, 50], [70, 50]],
                [[90, 20], [40, 60], [70, 50], [20, 90]],
            ),
        ),
        (
            "three issues, trades possible",
            ActorData(
                ["u", "v", "w", "x", "y", "z"],
                [1, 2, 1, 3, 1, 2],
                [
                    [10, 90, 30],
                    [80, 20, 60],
                    [50, 50, 90],
                    [20, 70, 10],
                    [90, 10, 50],
                    [60, 40, 70],
                ],
                [
                    [90, 10, 50],
                    [20, 80, 40],
                    [50, 50, 50],
                    [70, 30, 90],
                    [10, 90, 20],
                    [60, 60, 30],
                ],
            ),
        ),
    ]


def check_forecast_model(model: Any, rounds: int = 4) -> None:
    """Run a forecast model through the contract (module docstring); raise ContractError."""
    for label, data in forecast_cases():
        forecast = model.run(data, rounds)
        expected_rounds = rounds + 1 if model.dynamic else 1
        shape = (expected_rounds, data.n_actors, data.n_dimensions)
        if forecast.positions.shape != shape:
            raise _fail("positions shape", f"{label}: {forecast.positions.shape}, not {shape}")
        if not np.array_equal(forecast.positions[0], data.positions):
            raise _fail("positions start at the data", label)
        low, high = data.positions.min(axis=0) - 1e-9, data.positions.max(axis=0) + 1e-9
        if ((forecast.positions < low) | (forecast.positions > high)).any():
            raise _fail("positions stay in range", label)
        unanimous = np.ptp(data.positions, axis=0) == 0
        for name, series in forecast.forecasts.items():
            if series.shape != shape[::2] or not np.isfinite(series).all():
                raise _fail("forecasts finite, one per round and dimension", f"{label}: {name}")
            # rule (4) before rule (3): a unanimous dimension's range is its one position,
            # so checked after the range this rule could never fire
            if not np.allclose(series[:, unanimous], data.positions[0, unanimous]):
                raise _fail("a unanimous dimension is forecast at its position", f"{label}: {name}")
            if ((series < low) | (series > high)).any():
                raise _fail("forecasts stay in range", f"{label}: {name}")
        again = model.run(data, rounds)
        scaled = model.run(attrs.evolve(data, capability=data.capability * 7.5), rounds)
        renamed = model.run(attrs.evolve(data, names=[f"x{n}" for n in data.names]), rounds)
        for rule, other in (
            ("deterministic", again),
            ("capability scale", scaled),
            ("names", renamed),
        ):
            for name, series in forecast.forecasts.items():
                if not np.allclose(series, other.forecasts[name], rtol=1e-6, atol=1e-6):
                    raise _fail(f"invariant under {rule}", f"{label}: {name}")
        _check_convention(forecast, again, label)
    try:
        model.run(forecast_cases()[0][1], -1)
    except ValidationError:
        pass
    else:
        raise _fail("negative rounds refused", "no ValidationError for rounds=-1")


def _check_convention(forecast: Any, again: Any, label: str) -> None:
    """Rule (8) of the forecast-model contract (module docstring)."""
    from .display import MAX_REPR

    arrays = [forecast.positions, *forecast.forecasts.values()]
    if any(array.flags.writeable for array in arrays):
        raise _fail("read-only arrays", label)
    try:
        forecast.model = "x"  # frozen: assignment must fail
    except attrs.exceptions.FrozenInstanceError:
        pass
    else:
        raise _fail("frozen result", label)
    if forecast != again:
        raise _fail("equal to a rerun (by value)", label)
    cls = type(forecast)
    try:
        whole = cls.from_json(forecast.to_json())
        light = cls.from_json(forecast.to_json(detail=False))
    except (TypeError, ValueError) as error:
        raise _fail("JSON round trip", f"{label}: {error}") from None
    if whole != forecast:
        raise _fail("JSON round trip", label)
    if light != attrs.evolve(forecast, detail=()):
        raise _fail("JSON round trip without detail", label)
    if len(repr(forecast)) > MAX_REPR or "<table>" not in forecast._repr_html_():
        raise _fail("short repr and an HTML table", label)
    if forecast.provenance.model != forecast.model:
        raise _fail("provenance", label)
