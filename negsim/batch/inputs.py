"""The arrays of a batch: checked once, at the boundary, and turned into utilities.

A batch of ``N`` negotiations among ``n`` parties over one outcome space of ``k`` issues is
given as linear-additive preferences (:class:`~negsim.LinearAdditive`, row by row):

* ``weights``: ``(N, n, k)``, each ``weights[i, j]`` non-negative, finite, summing to 1;
* ``tables``: one array per issue, ``tables[q]`` of shape ``(N, n, m_q)``, values in
  ``[0, 1]``;
* ``reservations``: ``(N, n)``, in ``[0, 1]``.

Party ``j``'s utility of outcome ``ω`` in run ``i`` is
``u_ij(ω) = Σ_q w_ijq v_ijq(ω_q)``, summed issue by issue in the order
:class:`~negsim.LinearAdditive` sums it, so the values are bit for bit the object API's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ..agents import AGENTS, Agent, make_agent
from ..errors import ValidationError, did_you_mean
from ..outcomes import OutcomeSpace
from ..preferences import LinearAdditive
from ..protocols import Party, Protocol

__all__ = ["BatchInput", "build_parties", "check_arrays", "resolve_agents", "utilities"]

Floats = npt.NDArray[np.float64]
_SUM_TOL = 1e-6  # LinearAdditive's tolerance on the sum of the weights


def _array(name: str, value: Any, ndim: int, shape: tuple[int | None, ...]) -> Floats:
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as error:
        raise ValidationError(name, f"not numbers ({error})", "an array of numbers") from None
    symbols = ("N", "n_parties")
    wanted = ", ".join(symbols[j] if s is None else str(s) for j, s in enumerate(shape))
    wanted = f"({wanted})"
    if array.ndim != ndim or any(
        s is not None and s != a for s, a in zip(shape, array.shape, strict=True)
    ):
        raise ValidationError(name, f"shape {array.shape}", f"shape {wanted}")
    return array


def _first_bad(name: str, array: Floats, bad: npt.NDArray[np.bool_], expected: str) -> None:
    if bad.any():
        at = np.unravel_index(int(np.argmax(bad)), bad.shape)
        where = ", ".join(str(int(i)) for i in at)
        raise ValidationError(f"{name}[{where}]", f"{array[at]}", expected)


def check_arrays(
    space: OutcomeSpace, weights: Any, tables: Any, reservations: Any
) -> tuple[Floats, tuple[Floats, ...], Floats]:
    """``(weights, tables, reservations)`` as read-only float arrays, or a
    :class:`~negsim.errors.ValidationError` naming the array, the first bad entry's index
    and what was expected (shapes first, then non-finite values, then ranges)."""
    k = space.n_issues
    w = _array("weights", weights, 3, (None, None, k))
    n, n_parties = w.shape[:2]
    if isinstance(tables, np.ndarray) or not isinstance(tables, Sequence):
        raise ValidationError(
            "tables", f"got {type(tables).__name__}", "a list of one array per issue"
        )
    if len(tables) != k:
        raise ValidationError("tables", f"{len(tables)} arrays", f"one per issue ({k})")
    t = tuple(
        _array(f"tables[{q}]", table, 3, (n, n_parties, issue.size))
        for q, (table, issue) in enumerate(zip(tables, space.issues, strict=True))
    )
    r = _array("reservations", reservations, 2, (n, n_parties))
    _first_bad("weights", w, ~np.isfinite(w), "a finite weight")
    for q, table in enumerate(t):
        _first_bad(f"tables[{q}]", table, ~np.isfinite(table), "a finite value in [0, 1]")
    _first_bad("reservations", r, ~np.isfinite(r), "a finite utility in [0, 1]")
    _first_bad("weights", w, w < 0, "a finite weight >= 0")
    sums = w.sum(axis=2)
    off = np.abs(sums - 1.0) > _SUM_TOL
    if off.any():
        i, j = np.unravel_index(int(np.argmax(off)), off.shape)
        raise ValidationError(
            f"weights[{int(i)}, {int(j)}]", f"they sum to {sums[i, j]:.6g}", "a sum of 1"
        )
    for q, table in enumerate(t):
        _first_bad(f"tables[{q}]", table, (table < 0) | (table > 1), "a value in [0, 1]")
    _first_bad("reservations", r, (r < 0) | (r > 1), "a utility in [0, 1]")
    for array in (w, *t, r):
        array.flags.writeable = False
    return w, t, r


def utilities(weights: Floats, tables: Sequence[Floats], party: int, rows: slice) -> Floats:
    """``u[i, ω]`` of ``party`` for the runs ``rows``, in outcome-index order: the outer sum
    of the weighted tables, issue by issue (``LinearAdditive``'s order of additions)."""
    total: Floats | None = None
    for q, table in enumerate(tables):
        term = weights[rows, party, q, None] * table[rows, party, :]
        total = (
            term if total is None else (total[:, :, None] + term[:, None, :]).reshape(len(term), -1)
        )
    assert total is not None
    return total


def resolve_agents(agents: Sequence[Any], n_parties: int) -> tuple[Agent, ...]:
    """Each spec as an :class:`~negsim.Agent`: an agent, a registered name (``"boulware"``)
    or a table as in scenario files (``{"kind": "time-dependent", "exponent": 2}``)."""
    if isinstance(agents, str | dict) or not isinstance(agents, Sequence):
        raise ValidationError("agents", f"got {type(agents).__name__}", "one agent spec per party")
    if len(agents) != n_parties:
        raise ValidationError("agents", f"{len(agents)} specs", f"one per party ({n_parties})")
    made = []
    for j, spec in enumerate(agents):
        if isinstance(spec, Agent):
            made.append(spec)
            continue
        if isinstance(spec, str):
            name, params = spec, {}
        elif isinstance(spec, dict) and isinstance(spec.get("kind"), str):
            name, params = spec["kind"], {k: v for k, v in spec.items() if k != "kind"}
        else:
            raise ValidationError(
                f"agents[{j}]", f"got {type(spec).__name__}", 'an agent, its name or {"kind": ...}'
            )
        if name not in AGENTS:
            raise ValidationError(
                f"agents[{j}]", f"no agent {name!r}", did_you_mean(name, AGENTS.names())
            )
        try:
            made.append(make_agent(name, **params))
        except ValidationError as error:
            message = str(error).removeprefix(f"{error.field}: ")
            raise ValidationError(f"agents[{j}].{error.field}", message, None) from None
        except TypeError as error:
            raise ValidationError(f"agents[{j}]", str(error), None) from None
    return tuple(made)


def build_parties(
    space: OutcomeSpace,
    weights: Floats,
    tables: Sequence[Floats],
    reservations: Floats,
    agents: Sequence[Agent],
    names: Sequence[str],
    i: int,
) -> list[Party]:
    """The parties of run ``i`` for the object API."""
    return [
        Party(
            name,
            LinearAdditive(
                space,
                weights[i, j],
                [table[i, j] for table in tables],
                reservation=float(reservations[i, j]),
            ),
            agent,
        )
        for j, (name, agent) in enumerate(zip(names, agents, strict=True))
    ]


@attrs.frozen(eq=False)
class BatchInput:
    """The arguments of :func:`negsim.batch.run` gathered from scenarios
    (:func:`negsim.batch.from_scenarios`); :meth:`run` runs them."""

    protocol: Protocol
    space: OutcomeSpace
    weights: Floats = attrs.field(repr=False)
    tables: tuple[Floats, ...] = attrs.field(repr=False)
    reservations: Floats = attrs.field(repr=False)
    agents: tuple[Agent, ...]
    names: tuple[str, ...]

    @property
    def n(self) -> int:
        """How many negotiations."""
        return int(self.weights.shape[0])

    def run(self, rng: Any = None, **options: Any) -> Any:
        """:func:`negsim.batch.run` on these arrays."""
        from .engine import run

        return run(
            self.protocol,
            self.space,
            self.weights,
            self.tables,
            self.reservations,
            self.agents,
            rng,
            names=self.names,
            **options,
        )


def _linear_base(preferences: Any) -> LinearAdditive | str:
    """The linear-additive model a party's preferences amount to, or why there is none."""
    from ..position import Position

    if isinstance(preferences, LinearAdditive):
        return preferences
    if isinstance(preferences, Position):
        if preferences.red_lines or preferences.preconditions:
            return "red lines or preconditions"
        if preferences.pressures:
            return "third-party pressure"
        if preferences.own_discount != 1.0:
            return "its own discount factor"
        base = _linear_base(preferences.base)
        if isinstance(base, str):
            return base
        if preferences.reservation_override is not None:
            return attrs.evolve(base, reservation=preferences.reservation)
        return base
    return f"preferences of kind {type(preferences).__name__}"


def scenario_obstacle(scenario: Any) -> str | None:
    """Why a scenario's negotiation cannot be run as arrays (``None`` if it can)."""
    for party in scenario.parties:
        if party.ratifiable is not None:
            return f"party {party.name!r} anticipates its ratification (a win-set at home)"
        base = _linear_base(party.preferences)
        if isinstance(base, str):
            return f"party {party.name!r} has {base}"
    return None


def from_scenarios(scenarios: Sequence[Any]) -> BatchInput:
    """The arrays of one batch from scenarios that share their outcome space, protocol,
    parties' names and agents (a sweep's variants of one scenario), each party's
    preferences linear additive (a :class:`~negsim.Position` without red lines,
    preconditions, pressure or own discount counts). Raises a
    :class:`~negsim.errors.ValidationError` naming the first scenario that does not fit."""
    scenarios = list(scenarios)
    if not scenarios:
        raise ValidationError("scenarios", "none given", "at least one scenario")
    first = scenarios[0]
    names = tuple(p.name for p in first.parties)
    agents = tuple(p.agent for p in first.parties)
    n_parties = len(names)
    bases: list[list[LinearAdditive]] = []
    for s, scenario in enumerate(scenarios):
        where = f"scenarios[{s}] ({scenario.source})"
        for label, same in (
            ("outcome space", scenario.space == first.space),
            ("protocol", scenario.protocol == first.protocol),
            ("party names", tuple(p.name for p in scenario.parties) == names),
            ("agents", tuple(p.agent for p in scenario.parties) == agents),
        ):
            if not same:
                raise ValidationError(
                    where, f"another {label} than scenarios[0]", f"the same {label}"
                )
        obstacle = scenario_obstacle(scenario)
        if obstacle is not None:
            raise ValidationError(where, obstacle, "linear-additive preferences only")
        bases.append([_linear_base(p.preferences) for p in scenario.parties])  # type: ignore[misc]
    weights = np.array([[b.weights for b in row] for row in bases])
    tables = tuple(
        np.array([[b.tables[q] for b in row] for row in bases]) for q in range(first.space.n_issues)
    )
    reservations = np.array([[b.reservation for b in row] for row in bases])
    for array in (weights, *tables, reservations):
        array.flags.writeable = False
    if math.prod(weights.shape[:2]) == 0 or n_parties == 0:
        raise ValidationError("scenarios", "no parties", "parties in every scenario")
    return BatchInput(first.protocol, first.space, weights, tables, reservations, agents, names)
