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
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import tomli_w

from .. import analysis
from ..agents import Agent, agent_label
from ..display import html_table, short_repr
from ..errors import ValidationError, did_you_mean
from ..io import bundled_files, write_text_atomic
from ..outcomes import OutcomeSpace
from ..preferences import PreferenceModel, utility_matrix
from ..protocols import Party, Protocol
from ..results import NegotiationResult
from ..rng import RNGLike, resolve_seed
from ..twolevel import Ratification, RatificationVote, win_set_overlap
from .kinds import CONSTITUENCIES
from .paths import parse_override, set_path
from .schema import Problem, ScenarioError, build

__all__ = [
    "CONSTITUENCIES",
    "Problem",
    "Scenario",
    "ScenarioAnalysis",
    "ScenarioError",
    "ScenarioRun",
    "bundled_scenarios",
    "load_scenario",
    "parse_override",
    "scenario_from_data",
    "set_path",
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

    def __repr__(self) -> str:
        r = self.result
        return short_repr(
            "ScenarioRun",
            title=self.title,
            end=r.end.value,
            rounds=r.n_rounds,
            agreement=r.agreement_labels,
            deal=self.deal,
            seed=r.seed,
        )

    def _repr_html_(self) -> str:
        r = self.result
        rows = [
            [name, agent_label(agent), float(res), float(u), _vote(vote)]
            for name, agent, res, u, vote in zip(
                r.party_names, r.agents, r.reservations, r.final_utilities, self.votes, strict=True
            )
        ]
        labels = r.agreement_labels
        agreement = ", ".join(f"{k} = {v}" for k, v in labels.items()) if labels else "none"
        caption = (
            f"{self.title}: {r.end.value} after {r.n_rounds} rounds (seed {r.seed}), "
            f"{'a ratified deal' if self.deal else 'no ratified deal'}; agreement: {agreement}"
        )
        return html_table(
            ["party", "agent", "reservation", "utility", "ratification"], rows, caption
        )

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

    def __repr__(self) -> str:
        b = self.bargaining
        return short_repr(
            "ScenarioAnalysis",
            parties=self.U.shape[1],
            outcomes=self.U.shape[0],
            zone=int(b.zone.size),
            frontier=int(b.frontier.size),
            nash=b.nash,
            win_set_overlap=None if self.win_set_overlap is None else self.win_set_overlap.size,
        )

    def _repr_html_(self) -> str:
        b = self.bargaining
        points = {
            "Nash": b.nash,
            "Kalai-Smorodinsky": b.kalai_smorodinsky,
            "egalitarian": b.egalitarian,
            "utilitarian (max welfare)": b.max_welfare,
        }
        n = self.U.shape[1]
        rows = [
            [label, "none" if i is None else i, *(["-"] * n if i is None else self.U[i].tolist())]
            for label, i in points.items()
        ]
        rows.append(["reservation (disagreement)", "", *self.reservations.tolist()])
        overlap = (
            ""
            if self.win_set_overlap is None
            else f", win-sets overlap on {self.win_set_overlap.size:,}"
        )
        caption = (
            f"{self.U.shape[0]:,} outcomes: zone of agreement {b.zone.size:,}, Pareto frontier "
            f"{b.frontier.size:,}{overlap}"
        )
        headers = ["point", "outcome", *(f"utility {k + 1}" for k in range(n))]
        return html_table(headers, rows, caption)


@attrs.frozen(eq=False)
class Scenario:
    """A validated scenario (see ``docs/reference/scenario-schema.md``).

    One source of truth: a scenario **is** its validated ``data`` (plain TOML data) and
    ``source`` (the file, for messages); every other attribute — ``space``, ``parties``,
    ``protocol``, ``seed``, ... — is built from the data when the scenario is made.
    :meth:`with_overrides`, ``attrs.evolve(scenario, data=...)`` and :meth:`to_toml` all go
    through the data, so they agree: a change is never silently undone by the next one.
    (``attrs.evolve(scenario, seed=5)`` is refused: ``seed`` is derived; write
    ``scenario.with_overrides({"scenario.seed": 5})``.) ``notices`` lists what validation
    changed rather than refused (keys dropped when ``protocol.kind`` changed).
    """

    _data: dict[str, Any] = attrs.field(alias="data", repr=False)
    source: str = "<data>"
    notices: tuple[str, ...] = attrs.field(init=False, factory=tuple)
    title: str = attrs.field(init=False)
    description: str = attrs.field(init=False, repr=False)
    period: str = attrs.field(init=False, repr=False)
    sources: tuple[str, ...] = attrs.field(init=False, repr=False)
    seed: int | None = attrs.field(init=False)
    space: OutcomeSpace = attrs.field(init=False, repr=False)
    keys: tuple[str, ...] = attrs.field(init=False)
    parties: tuple[Party, ...] = attrs.field(init=False, repr=False)
    ratifications: tuple[Ratification | None, ...] = attrs.field(init=False, repr=False)
    third_parties: tuple[str, ...] = attrs.field(init=False, repr=False)
    protocol: Protocol = attrs.field(init=False, repr=False)
    sweeps: tuple[dict[str, Any], ...] = attrs.field(init=False, repr=False)
    plots: dict[str, Any] = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        built = build(self._data)
        if built.problems:
            raise ScenarioError(self.source, list(built.problems))
        parts = built.parts
        meta = parts["meta"]
        parties = parts["parties"]
        derived = {
            "_data": built.data,
            "notices": built.notices,
            "title": meta["title"],
            "description": meta.get("description", ""),
            "period": meta.get("period", ""),
            "sources": tuple(meta.get("sources", ())),
            "seed": meta.get("seed"),
            "space": parts["space"],
            "keys": tuple(k for k, _, _ in parties),
            "parties": tuple(
                p
                if r is None or not r.anticipated
                else attrs.evolve(p, ratifiable=r.win_mask(parts["space"]))
                for _, p, r in parties
            ),
            "ratifications": tuple(r for _, _, r in parties),
            "third_parties": tuple(parts["third_parties"]),
            "protocol": parts["protocol"],
            "sweeps": tuple(parts["sweeps"]),
            "plots": dict(parts["plots"]),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    @property
    def data(self) -> dict[str, Any]:
        """The validated scenario data (a copy: change a scenario with
        :meth:`with_overrides` or ``attrs.evolve(scenario, data=...)``)."""
        return copy.deepcopy(self._data)

    def __repr__(self) -> str:
        return short_repr(
            "Scenario",
            title=self.title,
            parties=self.names,
            issues=self.space.n_issues,
            outcomes=self.space.size,
            protocol=self.protocol.name,
            source=Path(self.source).name,
        )

    def _repr_html_(self) -> str:
        rows = [
            [key, p.name, agent_label(p.agent.describe()), float(p.preferences.reservation)]
            for key, p in zip(self.keys, self.parties, strict=True)
        ]
        caption = (
            f"{self.title} ({self.source}): {self.space.n_issues} issues, "
            f"{self.space.size:,} outcomes, protocol {self.protocol.name}"
        )
        return html_table(["key", "party", "agent", "reservation"], rows, caption)

    @property
    def names(self) -> tuple[str, ...]:
        """The parties' display names."""
        return tuple(p.name for p in self.parties)

    @property
    def preferences(self) -> tuple[PreferenceModel, ...]:
        """The parties' preference models."""
        return tuple(p.preferences for p in self.parties)

    def run(self, rng: RNGLike = None, agents: Mapping[str, Agent] | None = None) -> ScenarioRun:
        """Negotiate under the scenario's protocol, then put an agreement to ratification.

        ``rng`` defaults to the scenario's seed. Ratification draws (``probability`` rule)
        come from child streams ``n + 1 + i`` of the run's seed, apart from the protocol's.
        ``agents`` (party key → agent) replaces parties' agents for this run only — an
        agent a file cannot name, such as a person at the keyboard (``negsim play``).
        """
        seed = resolve_seed(self.seed if rng is None else rng)
        parties = list(self.parties)
        for key, agent in (agents or {}).items():
            if key not in self.keys:
                raise ValidationError("agents", f"no party {key!r}", did_you_mean(key, self.keys))
            i = self.keys.index(key)
            parties[i] = attrs.evolve(parties[i], agent=agent)
        result = self.protocol.run(parties, rng=seed)
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
        ``{"parties.russia.reservation": 0.6}`` (every check runs again; a value ``None``
        removes the key, so its default applies). Every bad key path is reported at once."""
        data = self.data
        problems = []
        for path, value in overrides.items():
            try:
                set_path(data, path, value)
            except ValidationError as error:
                problems.append(Problem(error.field, str(error).split(": ", 1)[-1]))
        source = (
            f"{self.source} (with {', '.join(map(str, overrides))})" if overrides else self.source
        )
        if problems:
            raise ScenarioError(source, problems)
        return Scenario(data, source)

    def to_toml(self, path: str | os.PathLike[str] | None = None) -> str:
        """The scenario as TOML text (written atomically to ``path`` when given); loading
        it gives a scenario with the same :attr:`data`. Comments of the original file are
        not kept."""
        text = tomli_w.dumps(self._data)
        if path is not None:
            write_text_atomic(path, text)
        return text


def scenario_from_data(data: Mapping[str, Any], source: str = "<data>") -> Scenario:
    """Validate parsed TOML data and build the :class:`Scenario` (or raise
    :class:`ScenarioError` listing every problem)."""
    if not isinstance(data, Mapping):
        raise ScenarioError(source, [Problem("", f"got {type(data).__name__}", "a table")])
    return Scenario(dict(data), source)


def bundled_scenarios() -> dict[str, Path]:
    """The scenarios shipped with negsim: ``{name: path}``, sorted by name."""
    return bundled_files(".toml")


def load_scenario(source: str | Path) -> Scenario:
    """Load a scenario from a ``.toml`` path, a bundled scenario's name, or a folder of
    GENIUS or GeniusWeb files (:func:`negsim.formats.read_folder`)."""
    path = Path(source)
    if path.is_dir() and str(source) not in bundled_scenarios():  # a bundled name wins
        from ..formats import read_folder  # the formats build on this module

        return read_folder(path)
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
        data = tomllib.loads(text.removeprefix("\ufeff"))  # a UTF-8 BOM, as the CSV reader
    except tomllib.TOMLDecodeError as error:
        raise ScenarioError(str(path), [Problem("", f"not valid TOML: {error}")]) from None
    except RecursionError:
        problem = Problem("", "not readable: tables or arrays nested too deeply", "a flatter file")
        raise ScenarioError(str(path), [problem]) from None
    return scenario_from_data(data, str(path))


def _vote(vote: RatificationVote | None) -> str:
    """A ratification vote in a table cell."""
    if vote is None:
        return "-"
    return f"{'passed' if vote.ratified else 'failed'} ({vote.support:.0%} support)"
