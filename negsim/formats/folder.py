"""Folders of GENIUS or GeniusWeb files as negsim scenarios, and back.

A **GENIUS folder** holds one domain file (root ``<negotiation_template>``) and its profiles
(root ``<utility_space>``); a **GeniusWeb folder** one domain file (``name`` and
``issuesValues``) and its ``LinearAdditiveUtilitySpace`` profiles. Every profile in the folder
becomes a party, in file-name order, keyed by its file name (:func:`~negsim.formats.model.
party_key`); other files (and hidden ones) are skipped, with a note for XML or JSON files
that are neither. The negotiation is alternating offers with
:data:`~negsim.formats.model.DEFAULT_ROUNDS` rounds (GENIUS's SAOP).

:func:`read_folder` is what :func:`negsim.load_scenario` does with a folder;
:func:`write_folder` writes a scenario as either format (atomically: a staging folder replaces
the output folder, :func:`negsim.outdir.staged_output`); :func:`convert` goes between TOML
files, GENIUS folders and GeniusWeb folders.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from ..errors import NegsimError, ValidationError, did_you_mean
from ..io import json_text, write_text_atomic
from ..outdir import staged_output
from ..scenario import Scenario, bundled_scenarios, load_scenario, scenario_from_data
from ..scenario.reader import MAX_ROUNDS, Problem, ScenarioError
from . import genius, geniusweb
from .model import (
    DEFAULT_ROUNDS,
    Domain,
    Profile,
    from_scenario,
    reading_notes,
    scenario_data,
)
from .safexml import parse_xml, read_bytes

__all__ = [
    "FORMATS",
    "MAX_FOLDER_FILES",
    "Folder",
    "convert",
    "folder_kind",
    "read_folder",
    "read_foreign",
    "write_folder",
]

Format = Literal["toml", "genius", "geniusweb"]
#: The formats :func:`convert` reads and writes.
FORMATS: tuple[str, ...] = ("toml", "genius", "geniusweb")
#: Files of a folder looked at (more is refused: not a GENIUS folder).
MAX_FOLDER_FILES = 512
_DOMAIN_SUFFIX = re.compile(r"[-_ ]?(domain|template)$", re.IGNORECASE)


@attrs.frozen
class Folder:
    """What a folder of foreign files holds: its ``kind`` (``"genius"`` or
    ``"geniusweb"``), the domain, the profiles (as the files say them, so
    :meth:`~negsim.formats.model.Profile.utilities` gives the format's own utilities), the
    domain file's name and the notes on what was read (and skipped)."""

    kind: str
    domain: Domain
    profiles: tuple[Profile, ...]
    domain_file: str
    notes: tuple[str, ...]

    def scenario_data(self, n_rounds: int = DEFAULT_ROUNDS) -> dict[str, Any]:
        """The scenario data (TOML tables) of the folder: alternating offers over
        ``n_rounds`` rounds, over which GENIUS's time discounts are spread."""
        names = ", ".join(p.name for p in self.profiles)
        label = "GENIUS" if self.kind == "genius" else "GeniusWeb"
        description = f"Read from {label} files: domain {self.domain_file}, profiles {names}."
        return scenario_data(
            self.domain, self.profiles, description=description, notes=self.notes, n_rounds=n_rounds
        )


def _files(folder: Path) -> list[Path]:
    try:
        entries = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
    except OSError as error:
        raise ScenarioError(
            str(folder), [Problem("", f"cannot read the folder: {error}")]
        ) from None
    foreign = [p for p in entries if p.suffix.lower() in (".xml", ".json")]
    if len(foreign) > MAX_FOLDER_FILES:
        problem = Problem("", f"{len(foreign):,} XML/JSON files", f"at most {MAX_FOLDER_FILES}")
        raise ScenarioError(str(folder), [problem])
    return foreign


def folder_kind(folder: str | os.PathLike[str]) -> str:
    """``"genius"`` (XML files) or ``"geniusweb"`` (JSON files); a folder holding both, or
    neither, is refused."""
    files = _files(Path(folder))
    suffixes = {p.suffix.lower() for p in files}
    if suffixes == {".xml"}:
        return "genius"
    if suffixes == {".json"}:
        return "geniusweb"
    found = (
        "a folder with both XML and JSON files"
        if suffixes
        else "not a file, and a folder with no .xml or .json files"
    )
    expected = "a .toml scenario file, or a folder of a GENIUS (XML) or GeniusWeb (JSON) domain"
    raise ScenarioError(str(folder), [Problem("", found, f"{expected} with its profiles")])


def read_foreign(folder: str | os.PathLike[str]) -> Folder:
    """Read a GENIUS or GeniusWeb folder (module docstring)."""
    path = Path(folder)
    kind = folder_kind(path)
    files = _files(path)
    contents = {p: read_bytes(p) for p in files}
    notes: list[str] = []
    domains: list[Path] = []
    profiles: list[Path] = []
    parsed: dict[Path, Any] = {}
    for p, data in contents.items():
        if kind == "genius":
            tag = parse_xml(data, str(p)).root.tag
            role = {"negotiation_template": domains, "utility_space": profiles}.get(tag)
        else:
            parsed[p] = value = geniusweb.parse_json(data, str(p))
            role = None
            if isinstance(value, dict) and "issuesValues" in value:
                role = domains
            elif isinstance(value, dict) and len(value) == 1:
                (top,) = value
                if top in geniusweb.OTHER_PROFILE_KINDS:
                    problem = Problem(
                        top,
                        f"a {top} profile (not additive)",
                        f"one of {', '.join(geniusweb.PROFILE_KINDS)}",
                    )
                    raise ScenarioError(str(p), [problem])
                role = profiles if top in geniusweb.PROFILE_KINDS else None
        if role is None:
            notes.append(f"skipped {p.name}: neither a domain nor a profile")
        else:
            role.append(p)
    skipped = [Problem("", note) for note in notes]  # said along with a shape problem
    if len(domains) != 1:
        names = ", ".join(p.name for p in domains) or "none"
        problem = Problem("", f"{len(domains)} domain files ({names})", "exactly one domain file")
        raise ScenarioError(str(path), [problem, *skipped])
    if len(profiles) < 2:
        problem = Problem("", f"{len(profiles)} profile(s)", "at least two profiles (parties)")
        raise ScenarioError(str(path), [problem, *skipped])
    domain_file = domains[0]
    stem = _DOMAIN_SUFFIX.sub("", domain_file.stem) or path.name
    read: list[Profile] = []
    if kind == "genius":
        domain, indices = genius.read_domain(contents[domain_file], str(domain_file))
        domain = attrs.evolve(domain, name=stem)
        for p in profiles:
            read.append(genius.read_profile(contents[p], str(p), domain, indices, p.stem))
    else:
        domain = geniusweb.read_domain(contents[domain_file], str(domain_file))
        for p in profiles:
            read.append(geniusweb.read_profile(contents[p], str(p), domain, p.stem))
        domain = attrs.evolve(domain, name=domain.name or stem)
    return Folder(kind, domain, tuple(read), domain_file.name, tuple(notes))


def read_folder(
    folder: str | os.PathLike[str],
    profiles: Sequence[str] | None = None,
    n_rounds: int = DEFAULT_ROUNDS,
) -> Scenario:
    """The scenario of a GENIUS or GeniusWeb folder (what :func:`negsim.load_scenario` does
    with a folder): every profile a party, or only ``profiles`` (file names without
    extension, in that order; at least two); alternating offers over ``n_rounds`` rounds
    (GENIUS's time discount ``d`` becomes ``d^{1/n_rounds}`` per round: to change the
    deadline, read the folder again with another ``n_rounds`` rather than overriding
    ``protocol.n_rounds``, which would keep the discount spread over the old deadline). The
    notes of the reading are in
    ``scenario.data["scenario"]["notes"]``."""
    if (
        isinstance(n_rounds, bool)
        or not isinstance(n_rounds, int)
        or not 1 <= n_rounds <= MAX_ROUNDS
    ):
        raise ValidationError(
            "n_rounds", f"{n_rounds!r}", f"a whole number from 1 to {MAX_ROUNDS:,}"
        )
    found = read_foreign(folder)
    if profiles is not None:
        by_name = {p.name: p for p in found.profiles}
        problems = [
            Problem("", f"no profile {name!r}", did_you_mean(name, by_name))
            for name in profiles
            if name not in by_name
        ]
        if len(profiles) < 2:
            problems.append(Problem("", f"{len(profiles)} profile(s) chosen", "at least two"))
        if problems:
            raise ScenarioError(str(folder), problems)
        found = attrs.evolve(found, profiles=tuple(by_name[name] for name in profiles))
    try:
        data = found.scenario_data(n_rounds)
    except ValueError as error:
        raise ScenarioError(str(folder), [Problem("", str(error))]) from None
    return scenario_from_data(data, str(folder))


def _slug(text: str) -> str:
    words = re.split(r"[^A-Za-z0-9]+", text)
    slug = "".join(w[:1].upper() + w[1:] for w in words) or "Domain"
    return slug if not slug[0].isdigit() else f"d{slug}"


def write_folder(scenario: Scenario, out: str | os.PathLike[str], kind: str) -> list[str]:
    """Write ``scenario`` as a ``"genius"`` or ``"geniusweb"`` folder at ``out`` (replacing
    a folder negsim wrote before, atomically); returns the notes on what was approximated.
    Raises :class:`~negsim.errors.NegsimError` for what the format cannot express (red
    lines, ratification, a protocol other than alternating offers, ...)."""
    if kind not in ("genius", "geniusweb"):
        raise NegsimError(f"kind {kind!r}: expected 'genius' or 'geniusweb'")
    domain, profiles, notes = from_scenario(scenario)
    slug = _slug(domain.name)
    files: dict[str, str] = {}
    if kind == "genius":
        kinds = genius.genius_kinds(domain, profiles)
        notes += _kind_notes(domain, kinds, "discrete")
        files[f"{slug}-domain.xml"] = genius.domain_xml(domain, kinds)
        for profile in profiles:
            files[f"{profile.name}.xml"] = genius.profile_xml(domain, profile, kinds)
    else:
        notes = [n for n in notes if "per unit of GENIUS time" not in n]
        notes += [
            f"parties.{p.name}: GeniusWeb profiles have no discount; its discount is left out"
            for p in profiles
            if p.discount < 1.0
        ]
        numeric = geniusweb.number_issues(domain, profiles)
        flags = ["number" if n else "discrete" for n in numeric]
        notes += _kind_notes(domain, flags, "discrete")
        files[f"{slug}.json"] = json_text(geniusweb.domain_json(domain, numeric, slug))
        for profile in profiles:
            name = re.sub(r"[^A-Za-z0-9]", "", profile.name) or "party"
            data, note = geniusweb.profile_json(domain, profile, numeric, slug, name)
            files[f"{profile.name}.json"] = json_text(data)
            notes += [note] if note else []
    with staged_output(out) as staging:
        for name, text in files.items():
            write_text_atomic(staging / name, text)
    return notes


def _kind_notes(domain: Domain, kinds: list[str], discrete: str) -> list[str]:
    return [
        f"issues.{issue.name}: a {issue.kind} issue written as {discrete} values (its value "
        "tables are not all linear in the value)"
        for issue, kind in zip(domain.issues, kinds, strict=True)
        if issue.kind in ("integer", "continuous") and kind == discrete
    ] + [
        f"issues.{issue.name}: an ordered issue written as discrete values (the formats have "
        "no order)"
        for issue in domain.issues
        if issue.kind == "ordered"
    ]


def target_format(target: str | os.PathLike[str], to: str | None = None) -> str:
    """The format to write: ``to`` if given, ``toml`` for a ``.toml`` path; otherwise an
    error asking for ``to``."""
    if to is not None:
        if to not in FORMATS:
            raise NegsimError(f"format {to!r}: expected one of {', '.join(FORMATS)}")
        return to
    if str(target).lower().endswith(".toml"):
        return "toml"
    raise NegsimError(
        f"{target}: say which format to write (--to genius or --to geniusweb for a folder, "
        "or a file name ending in .toml)"
    )


def convert(
    source: str | os.PathLike[str], target: str | os.PathLike[str], to: str | None = None
) -> list[str]:
    """Convert a scenario (a ``.toml`` file, a bundled name, a GENIUS or GeniusWeb folder)
    to ``target``: a TOML file, or a GENIUS or GeniusWeb folder (:func:`target_format`).
    Returns the notes of the reading and the writing."""
    kind = target_format(target, to)
    scenario = load_scenario(Path(source))
    from_folder = Path(source).is_dir() and str(source) not in bundled_scenarios()
    notes = reading_notes(scenario.data) if from_folder else []
    if kind == "toml":
        if Path(target).is_dir():
            raise NegsimError(f"{target}: a folder (expected a .toml file name)")
        scenario.to_toml(target)
        return notes
    return notes + write_folder(scenario, target, kind)
