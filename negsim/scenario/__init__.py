"""Scenarios: a negotiation described in a TOML file, loaded, run and analysed.

>>> import negsim
>>> scenario = negsim.load_scenario("split-the-pie")   # a bundled scenario, by name
>>> scenario.title
'Split the pie'
>>> run = scenario.run()
>>> run.result.end.value, run.deal
('agreement', True)

:func:`load_scenario` takes a path or a bundled scenario's name (:func:`bundled_scenarios`
lists them); :meth:`Scenario.with_overrides` re-reads it with values changed by key path
(``{"parties.japan.reservation": 0.5}``), re-validating everything.
"""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from .. import analysis
from ..errors import ValidationError, did_you_mean
from ..io import bundled_files
from ..outcomes import OutcomeSpace
from ..preferences import PreferenceModel, utility_matrix
from ..protocols import Party, Protocol
from ..results import NegotiationResult
from ..rng import RNGLike, resolve_seed
from ..twolevel import Ratification, RatificationVote, win_set_overlap
from .schema import Problem, ScenarioError, build

__all__ = [
    "Problem",
    "Scenario",
    "ScenarioAnalysis",
    "ScenarioError",
    "ScenarioRun",
    "bundled_scenarios",
    "load_scenario",
    "parse_override",
    "scenario_from_data",
]


@attrs.frozen
class ScenarioRun:
    """A scenario's run: the negotiation, then each party's ratification vote."""

    title: str
    result: NegotiationResult
    votes: tuple[RatificationVote | None, ...]

    @property
    def ratified(self) -> bool:
        """Whether every party with a ratification stage ratified the agreement."""
        return all(v is None or v.ratified for v in self.votes)

    @property
    def deal(self) -> bool:
        """An agreement that every party ratified."""
        return self.result.agreed and self.ratified

    @property
    def payoffs(self) -> np.ndarray:
        """Final utilities: the agreement's if ratified, otherwise the reservation values."""
        return self.result.final_utilities if self.deal else self.result.reservations

    def to_dict(self, diagnosis: Any = None, levers: Any = None) -> dict[str, Any]:
        """The result's plain data (:meth:`NegotiationResult.to_dict`) with the votes, the
        verdict and, when given, the diagnosis and the lever report (their ``to_dict``)."""
        data = self.result.to_dict()
        data["ratification"] = [
            None if v is None else {"party": name, "support": v.support, "ratified": v.ratified}
            for name, v in zip(self.result.party_names, self.votes, strict=True)
        ]
        data["deal"] = self.deal
        if diagnosis is not None:
            data["diagnosis"] = diagnosis.to_dict()
        if levers is not None:
            data["levers"] = levers.to_dict()
        return data


@attrs.frozen(eq=False)
class ScenarioAnalysis:
    """The outcome space of a scenario analysed without running it."""

    U: np.ndarray
    reservations: np.ndarray
    bargaining: analysis.BargainingAnalysis
    win_sets: tuple[np.ndarray | None, ...]
    win_set_overlap: np.ndarray | None


@attrs.frozen(eq=False)
class Scenario:
    """A validated scenario (see ``docs/reference/scenario-schema.md``)."""

    title: str
    description: str
    period: str
    sources: tuple[str, ...]
    seed: int | None
    space: OutcomeSpace
    keys: tuple[str, ...]
    parties: tuple[Party, ...]
    ratifications: tuple[Ratification | None, ...]
    third_parties: tuple[str, ...]
    protocol: Protocol
    sweeps: tuple[dict[str, Any], ...]
    plots: dict[str, Any]
    source: str
    data: dict[str, Any]

    @property
    def names(self) -> tuple[str, ...]:
        """The parties' display names."""
        return tuple(p.name for p in self.parties)

    @property
    def preferences(self) -> tuple[PreferenceModel, ...]:
        """The parties' preference models."""
        return tuple(p.preferences for p in self.parties)

    def run(self, rng: RNGLike = None) -> ScenarioRun:
        """Negotiate under the scenario's protocol, then put an agreement to ratification.

        ``rng`` defaults to the scenario's seed. Ratification draws (``probability`` rule)
        come from child streams ``n + 1 + i`` of the run's seed, apart from the protocol's.
        """
        seed = resolve_seed(self.seed if rng is None else rng)
        result = self.protocol.run(self.parties, rng=seed)
        votes: list[RatificationVote | None] = []
        n = len(self.parties)
        for i, ratification in enumerate(self.ratifications):
            if ratification is None or result.agreement is None:
                votes.append(None)
                continue
            stream = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(n + 1 + i,)))
            votes.append(ratification.vote(self.space, result.agreement, stream))
        return ScenarioRun(self.title, result, tuple(votes))

    def analyse(self) -> ScenarioAnalysis:
        """Zone of agreement, frontier, solutions (reservations as disagreement), win-sets."""
        U = utility_matrix(self.preferences)
        reservations = np.array([p.reservation for p in self.preferences])
        win_sets = tuple(None if r is None else r.win_set(self.space) for r in self.ratifications)
        present = [r for r in self.ratifications if r is not None]
        overlap = win_set_overlap(self.space, present) if present else None
        return ScenarioAnalysis(
            U, reservations, analysis.analyse(U, reservations), win_sets, overlap
        )

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """The scenario re-read with values replaced by key path, e.g.
        ``{"parties.russia.reservation": 0.6}`` (every check runs again)."""
        data = copy.deepcopy(self.data)
        for path, value in overrides.items():
            _set_path(data, path, value)
        return scenario_from_data(data, f"{self.source} (with {', '.join(overrides)})")


def _set_path(data: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts[:-1]):
        if isinstance(node, list):
            node = _list_item(node, part, ".".join(parts[: depth + 1]))
            continue
        if not isinstance(node, dict) or part not in node:
            keys = list(node) if isinstance(node, dict) else []
            raise ValidationError(
                ".".join(parts[: depth + 1]), "no such key", did_you_mean(part, keys)
            )
        node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        index = int(last) if last.isdigit() else -1
        if not 0 <= index < len(node):
            raise ValidationError(path, "no such item", f"an index below {len(node)}")
        node[index] = value
    elif isinstance(node, dict):
        node[last] = value
    else:
        raise ValidationError(path, "not inside a table", "a key path into the scenario")


def _list_item(node: list[Any], part: str, path: str) -> Any:
    # [[issues]] and similar arrays are addressed by index or by their "name"
    if part.isdigit() and int(part) < len(node):
        return node[int(part)]
    for item in node:
        if isinstance(item, dict) and item.get("name") == part:
            return item
    names = [str(i.get("name")) for i in node if isinstance(i, dict)]
    raise ValidationError(path, "no such item", did_you_mean(part, names))


def parse_override(text: str) -> tuple[str, Any]:
    """``"key.path=value"`` → ``(key path, value)``; the value is read as TOML if it can be
    (``0.5``, ``true``, ``"text"``, ``[1, 2]``), otherwise kept as a string."""
    if "=" not in text:
        raise ValidationError("--set", f"{text!r}", "key.path=value")
    path, raw = (s.strip() for s in text.split("=", 1))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return path, value


def scenario_from_data(data: Mapping[str, Any], source: str = "<data>") -> Scenario:
    """Validate parsed TOML data and build the :class:`Scenario` (or raise
    :class:`ScenarioError` listing every problem)."""
    parts, problems = build(data)
    if problems:
        raise ScenarioError(source, problems)
    meta = parts["meta"]
    parties = parts["parties"]
    return Scenario(
        title=meta["title"],
        description=meta.get("description", ""),
        period=meta.get("period", ""),
        sources=tuple(meta.get("sources", ())),
        seed=meta.get("seed"),
        space=parts["space"],
        keys=tuple(k for k, _, _ in parties),
        parties=tuple(p for _, p, _ in parties),
        ratifications=tuple(r for _, _, r in parties),
        third_parties=tuple(parts["third_parties"]),
        protocol=parts["protocol"],
        sweeps=tuple(parts["sweeps"]),
        plots=dict(parts["plots"]),
        source=source,
        data=copy.deepcopy(dict(data)),
    )


def bundled_scenarios() -> dict[str, Path]:
    """The scenarios shipped with negsim: ``{name: path}``, sorted by name."""
    return bundled_files(".toml")


def load_scenario(source: str | Path) -> Scenario:
    """Load a scenario from a ``.toml`` path or a bundled scenario's name."""
    path = Path(source)
    if not path.is_file():  # a bundled name, unless a file of that name is here
        bundled = bundled_scenarios()
        if str(source) in bundled:
            path = bundled[str(source)]
        elif path.exists():
            raise ScenarioError(str(source), [Problem("", "not a file", "a .toml scenario file")])
        else:
            raise ScenarioError(
                str(source),
                [
                    Problem(
                        "", "no such file or bundled scenario", did_you_mean(str(source), bundled)
                    )
                ],
            )
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(str(path), [Problem("", f"cannot read it: {error}")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(str(path), [Problem("", f"not valid TOML: {error}")]) from None
    return scenario_from_data(data, str(path))
