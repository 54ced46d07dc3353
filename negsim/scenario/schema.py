"""Reading scenario files: TOML data → validated data and the objects built from it.

Scenario files are data: nothing in them is executed or imported. Validation reports **all**
problems at once, each with the file, the key path (``parties.japan.weights``), what was
found, what was expected and, for a misspelt key or name, the closest valid ones. Unknown
keys are errors. Sizes are checked before anything is allocated
(:mod:`negsim.scenario.reader` lists the limits). The keys of protocol, agent and
constituency tables are the parameters of the registered classes
(:mod:`negsim.scenario.kinds`); the rest of the schema is below. The schema is documented
in ``docs/reference/scenario-schema.md``, whose tables are generated
(:mod:`negsim.scenario.reference`).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import ValidationError, did_you_mean
from ..issues import Issue, categorical, continuous, integer, ordered
from ..outcomes import OutcomeSpace
from ..protocols import Party, check_parties
from ..twolevel import Ratification
from .kinds import build_protocol
from .parties import party, third_parties
from .paths import set_path
from .reader import MAX_OUTCOMES, MAX_SWEEP_STEPS, Problem, Reader, ScenarioError, plain

__all__ = ["ISSUE_KINDS", "Built", "Problem", "ScenarioError", "build"]

TOP = {
    "scenario": "table",
    "issues": "array of table",
    "third_parties": "table",
    "parties": "table",
    "protocol": "table",
    "sweeps": "array of table",
    "plots": "table",
}
META = {
    "title": "string",
    "description": "string",
    "period": "string",
    "sources": "array of string",
    "seed": "integer",
    "notes": "string",
}
ISSUE = {
    "name": "string",
    "kind": "string",
    "options": "array of label",
    "low": "number",
    "high": "number",
    "resolution": "number",
    "description": "string",
    "source": "string",
}
ISSUE_KINDS = ("categorical", "ordered", "integer", "continuous")
SWEEP = {"param": "string", "start": "number", "stop": "number", "steps": "integer"}
PLOTS = {"kinds": "array of string", "format": "string"}
PLOT_KINDS = ("outcome-space", "concessions", "win-sets")


@attrs.frozen
class Built:
    """What :func:`build` made: the normalised ``data``, the built ``parts`` (``None`` where
    a part could not be built), every problem and the notices (things changed, not wrong)."""

    data: dict[str, Any]
    parts: dict[str, Any]
    problems: tuple[Problem, ...]
    notices: tuple[str, ...]


def build(data: Mapping[str, Any]) -> Built:
    """Validate ``data`` and build the scenario's parts (or report every problem)."""
    reader = Reader()
    normal = plain(reader, data)
    if reader.problems or not isinstance(normal, dict):
        return Built({}, {}, tuple(reader.problems), ())
    top = reader.table(normal, "", TOP, required=("scenario", "issues", "parties"))
    meta = reader.table(top.get("scenario", {}), "scenario", META, required=("title",))
    if meta.get("title") == "":
        reader.problem("scenario.title", "empty", "a title")
    if meta.get("seed", 0) < 0:
        reader.problem("scenario.seed", f"{meta['seed']} is negative", "an integer >= 0")
    space = _space(reader, top.get("issues", []))
    third = third_parties(reader, top.get("third_parties", {}), space)
    parties_data = top.get("parties", {})
    if "parties" in top and len(parties_data) < 2:
        reader.problem("parties", f"{len(parties_data)} parties", "at least two parties")
    parties: list[tuple[str, Party | None, Ratification | None]] = []
    for key, raw in parties_data.items():
        parties.append((key, *party(reader, f"parties.{key}", key, raw, space, third)))
    labels = [p.name for _, p, _ in parties if p is not None]
    repeated = sorted({n for n in labels if labels.count(n) > 1})
    for label in repeated:
        keys = [k for k, p, _ in parties if p is not None and p.name == label]
        reader.problem(
            f"parties.{keys[-1]}.label", f"{label!r} is also {keys[0]}'s label", "unique labels"
        )
    protocol_entry = top.get("protocol", {})
    protocol = build_protocol(reader, protocol_entry, [k for k, _, _ in parties])
    built_parties = [p for _, p, _ in parties]
    if protocol is not None and all(p is not None for p in built_parties) and not repeated:
        reader.attempt("parties", check_parties, protocol, built_parties)
    sweeps = _sweeps(reader, top.get("sweeps", []), normal)
    plots = reader.table(top.get("plots", {}), "plots", PLOTS)
    for i, kind in enumerate(plots.get("kinds", [])):
        if kind not in PLOT_KINDS:
            reader.problem(f"plots.kinds[{i}]", f"no plot {kind!r}", did_you_mean(kind, PLOT_KINDS))
    if plots.get("format", "png") not in ("png", "svg"):
        reader.problem("plots.format", f"{plots['format']!r}", "'png' or 'svg'")
    parts = {
        "meta": meta,
        "space": space,
        "third_parties": third,
        "parties": parties,
        "protocol": protocol,
        "sweeps": sweeps,
        "plots": plots,
    }
    return Built(normal, parts, tuple(reader.problems), tuple(reader.notices))


def _size(reader: Reader, path: str, kind: str, entry: Mapping[str, Any]) -> bool:
    """Whether a numeric issue's option count is within :data:`MAX_OUTCOMES` (checked
    before its options are made)."""
    low, high = entry["low"], entry["high"]
    if kind == "integer":
        if low != int(low) or high != int(high):
            reader.problem(path, f"bounds {low}, {high}", "integers")
            return False
        count = int(high) - int(low) + 1
    else:
        resolution = entry["resolution"]
        if resolution <= 0:
            return True  # the issue's own check reports it
        count = math.floor((high - low) / resolution) + 1
    if count > MAX_OUTCOMES:
        reader.problem(
            path,
            f"{count:,} options",
            f"at most {MAX_OUTCOMES:,} (the enumeration limit, negsim.DEFAULT_ENUMERATION_LIMIT)",
        )
        return False
    return True


def _issue(reader: Reader, path: str, entry: Mapping[str, Any]) -> Issue | None:
    kind = entry.get("kind", "categorical")
    if kind in ("categorical", "ordered"):
        if "options" not in entry:
            reader.problem(f"{path}.options", "missing", "an array of option labels")
            return None
        if len(entry["options"]) > MAX_OUTCOMES:
            reader.problem(f"{path}.options", f"{len(entry['options']):,} options", "fewer")
            return None
        make = categorical if kind == "categorical" else ordered
        return reader.attempt(path, make, entry["name"], entry["options"])  # type: ignore[no-any-return]
    if kind in ("integer", "continuous"):
        needed = ("low", "high") + (("resolution",) if kind == "continuous" else ())
        missing = [k for k in needed if k not in entry]
        for key in missing:
            reader.problem(f"{path}.{key}", "missing", "a number")
        if missing or not _size(reader, path, kind, entry):
            return None
        if kind == "integer":
            return reader.attempt(path, integer, entry["name"], entry["low"], entry["high"])  # type: ignore[no-any-return]
        bounds = (entry["low"], entry["high"], entry["resolution"])
        return reader.attempt(path, continuous, entry["name"], *bounds)  # type: ignore[no-any-return]
    reader.problem(f"{path}.kind", f"no issue kind {kind!r}", did_you_mean(kind, ISSUE_KINDS))
    return None


def _space(reader: Reader, issues: list[Any]) -> OutcomeSpace | None:
    built: list[Issue] = []
    names: list[str] = []
    for i, raw in enumerate(issues):
        entry = reader.table(raw, f"issues[{i}]", ISSUE, required=("name",))
        if "name" not in entry:
            continue
        name = entry["name"]
        path = f"issues.{name}"
        if not name:
            reader.problem(f"issues[{i}].name", "empty", "a name")
            continue
        if name in names:
            reader.problem(f"issues[{i}].name", f"repeated issue name {name!r}", "unique names")
            continue
        names.append(name)
        issue = _issue(reader, path, entry)
        if issue is not None:
            built.append(issue)
    if not issues:
        reader.problem("issues", "no issues", "at least one [[issues]] table")
    reader.broken_issues = set(names) - {issue.name for issue in built}
    reader.broken_issues |= {
        str(raw.get("name")) for raw in issues if isinstance(raw, dict) and "name" in raw
    } - {issue.name for issue in built}
    if not built:
        return None
    size = math.prod(issue.size for issue in built)
    if size > MAX_OUTCOMES:
        shape = " x ".join(str(issue.size) for issue in built)
        reader.problem(
            "issues",
            f"the outcome space has {size:,} outcomes ({shape})",
            f"at most {MAX_OUTCOMES:,} (the enumeration limit, negsim.DEFAULT_ENUMERATION_LIMIT)",
        )
    # With some issues broken, the parties are still checked against the sound ones (and
    # references to the broken ones are not reported twice).
    return reader.attempt("issues", OutcomeSpace, built)  # type: ignore[no-any-return]


#: The most ``[[sweeps]]`` tables in a file (the grid of all of them is what runs).
MAX_SWEEPS = 8


def _sweeps(reader: Reader, raw: list[Any], data: dict[str, Any]) -> list[dict[str, Any]]:
    sweeps = []
    for i, item in enumerate(raw):
        path = f"sweeps[{i}]"
        entry = reader.table(item, path, SWEEP, required=("param", "start", "stop", "steps"))
        steps = entry.get("steps", 1)
        if not 1 <= steps <= MAX_SWEEP_STEPS:
            reader.problem(f"{path}.steps", f"{steps}", f"1 to {MAX_SWEEP_STEPS:,} steps")
        if "param" in entry:
            try:
                set_path(copy.deepcopy(data), entry["param"], entry.get("start", 0.0))
            except ValidationError as error:
                reader.problem(f"{path}.param", str(error))
        sweeps.append(entry)
    if len(sweeps) > MAX_SWEEPS:
        reader.problem("sweeps", f"{len(sweeps)} sweeps", f"at most {MAX_SWEEPS} (a grid of each)")
    return sweeps
