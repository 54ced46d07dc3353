"""Reading scenario files: TOML data → a validated :class:`~negsim.scenario.Scenario`.

Scenario files are data: nothing in them is executed or imported. Validation reports **all**
problems at once, each with the file, the key path (``parties.japan.weights``), what was
found, what was expected and, for a misspelt key or name, the closest valid ones. Unknown
keys are errors. The schema is documented in ``docs/reference/scenario-schema.md``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..agents import AGENTS, Agent
from ..conditions import AllOf, AnyOf, Condition, IssueAtLeast, IssueAtMost, IssueIs, Not
from ..errors import NegsimError, ValidationError, did_you_mean, with_expected
from ..issues import Issue, categorical, continuous, integer, ordered
from ..outcomes import OutcomeSpace
from ..position import Position, Precondition, RedLine, ThirdPartyPressure
from ..preferences import LinearAdditive
from ..protocols import PROTOCOLS, Party, Protocol
from ..twolevel import Constituency, IdealPointConstituency, PollConstituency, Ratification

__all__ = ["Problem", "ScenarioError", "build"]


@attrs.frozen
class Problem:
    """One thing wrong in a scenario file."""

    path: str
    message: str
    expected: str = ""

    def format(self, source: str) -> str:
        """``file: key.path: message (expected ...)``."""
        return (
            f"{source}: {self.path or '(top level)'}: {with_expected(self.message, self.expected)}"
        )


class ScenarioError(NegsimError):
    """A scenario file has problems; ``problems`` lists every one of them."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        lines = [p.format(source) for p in problems]
        super().__init__(f"{len(problems)} problem(s)\n" + "\n".join(lines))


_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "table": (dict,),
    "array": (list,),
}


class _Reader:
    """Walks the TOML data, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.broken_issues: set[str] = set()

    def problem(self, path: str, message: str, expected: str = "") -> None:
        self.problems.append(Problem(path, message, expected))

    def table(
        self, data: Any, path: str, keys: Mapping[str, str], required: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """Check a table's keys and value types; return the well-typed entries."""
        if not isinstance(data, dict):
            self.problem(path, f"got {_kind(data)}", "a table")
            return {}
        good: dict[str, Any] = {}
        for key, value in data.items():
            where = f"{path}.{key}" if path else key
            if key not in keys:
                self.problem(where, "unknown key", did_you_mean(key, keys))
                continue
            if not self.typed(value, where, keys[key]):
                continue
            good[key] = value
        for key in required:
            if key not in data:
                self.problem(f"{path}.{key}" if path else key, "missing", _article(keys[key]))
        return good

    def typed(self, value: Any, path: str, kind: str) -> bool:
        """Whether ``value`` is of ``kind`` (``"number"``, ``"array of string"``, ...)."""
        base = kind.split(" ")[0]
        if base == "any":
            return True
        ok = isinstance(value, _TYPES[base]) and not (
            base in ("integer", "number") and isinstance(value, bool)
        )
        if ok and base == "number" and not math.isfinite(value):
            ok = False
        if ok and kind.startswith("array of "):
            item = kind.removeprefix("array of ")
            return all(self.typed(v, f"{path}[{i}]", item) for i, v in enumerate(value))
        if not ok:
            self.problem(path, f"got {_kind(value)} {value!r}"[:120], _article(kind))
        return ok

    def attempt(self, path: str, build: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call ``build(*args, **kwargs)``; turn a ValidationError into a problem under ``path``."""
        try:
            return build(*args, **kwargs)
        except ValidationError as error:
            field = error.field.lstrip(".")
            where = f"{path}.{field}" if path and field else (path or field)
            message = str(error).split(": ", 1)[1] if ": " in str(error) else str(error)
            self.problem(where, message)
        except NegsimError as error:
            self.problem(path, str(error))
        return None


def _article(kind: str) -> str:
    if kind.startswith("array of "):
        return f"an array of {kind.removeprefix('array of ')}s"
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _kind(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__)


# --- schema --------------------------------------------------------------------------------
TOP = {
    "scenario": "table",
    "issues": "array of table",
    "parties": "table",
    "third_parties": "table",
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
    "options": "array of any",
    "low": "number",
    "high": "number",
    "resolution": "number",
    "description": "string",
    "source": "string",
}
PARTY = {
    "label": "string",
    "agent": "any",
    "reservation": "number",
    "discount": "number",
    "weights": "table",
    "values": "table",
    "red_lines": "array of table",
    "preconditions": "array of table",
    "pressures": "table",
    "ratification": "table",
    "source": "string",
    "notes": "string",
}
THIRD_PARTY = {
    "label": "string",
    "weights": "table",
    "values": "table",
    "source": "string",
    "notes": "string",
}
CONDITION = {
    "issue": "string",
    "options": "array of any",
    "option": "any",
    "at_least": "any",
    "at_most": "any",
    "all": "array of table",
    "any": "array of table",
    "not": "table",
    "reason": "string",
}
PRECONDITION = {"when": "table", "requires": "table", "reason": "string"}
RATIFICATION = {
    "rule": "string",
    "threshold": "number",
    "vetoes": "array of table",
    "constituencies": "array of table",
    "source": "string",
}
CONSTITUENCY = {
    "name": "string",
    "kind": "string",
    "weight": "number",
    "shares": "table",
    "combine": "string",
    "ideal": "table",
    "weights": "table",
    "tolerance": "number",
    "source": "string",
}
PROTOCOL = {
    "kind": "string",
    "n_rounds": "integer",
    "opener": "string",
    "discount": "number",
    "breakdown_probability": "number",
    "information": "string",
}
SWEEP = {"param": "string", "start": "number", "stop": "number", "steps": "integer"}
PLOTS = {"kinds": "array of string", "format": "string"}
PLOT_KINDS = ("outcome-space", "concessions", "win-sets")


# --- builders ------------------------------------------------------------------------------
def build(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Validate ``data`` and build the scenario's parts (or report every problem)."""
    reader = _Reader()
    top = reader.table(data, "", TOP, required=("scenario", "issues", "parties"))
    meta = reader.table(top.get("scenario", {}), "scenario", META, required=("title",))
    space = _space(reader, top.get("issues", []))
    third = _third_parties(reader, top.get("third_parties", {}), space)
    parties_data = top.get("parties", {})
    if "parties" in top and len(parties_data) < 2:
        reader.problem("parties", f"{len(parties_data)} parties", "at least two parties")
    parties: list[tuple[str, Party | None, Ratification | None]] = []
    for key, raw in parties_data.items():
        parties.append((key, *_party(reader, f"parties.{key}", key, raw, space, third)))
    protocol = _protocol(reader, top.get("protocol", {}), [k for k, _, _ in parties])
    sweeps = [
        reader.table(s, f"sweeps[{i}]", SWEEP, required=("param", "start", "stop", "steps"))
        for i, s in enumerate(top.get("sweeps", []))
    ]
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
    return parts, reader.problems


def _space(reader: _Reader, issues: list[Any]) -> OutcomeSpace | None:
    built: list[Issue] = []
    for i, raw in enumerate(issues):
        path = f"issues[{i}]"
        entry = reader.table(raw, path, ISSUE, required=("name",))
        if "name" not in entry:
            continue
        path = f"issues.{entry['name']}"
        kind = entry.get("kind", "categorical")
        if kind in ("categorical", "ordered"):
            if "options" not in entry:
                reader.problem(f"{path}.options", "missing", "an array of option labels")
                continue
            make = categorical if kind == "categorical" else ordered
            issue = reader.attempt(path, make, entry["name"], entry["options"])
        elif kind in ("integer", "continuous"):
            needed = ("low", "high") + (("resolution",) if kind == "continuous" else ())
            missing = [k for k in needed if k not in entry]
            for key in missing:
                reader.problem(f"{path}.{key}", "missing", "a number")
            if missing:
                continue
            if kind == "integer":
                issue = reader.attempt(path, integer, entry["name"], entry["low"], entry["high"])
            else:
                bounds = (entry["low"], entry["high"], entry["resolution"])
                issue = reader.attempt(path, continuous, entry["name"], *bounds)
        else:
            kinds = ("categorical", "ordered", "integer", "continuous")
            reader.problem(f"{path}.kind", f"no issue kind {kind!r}", did_you_mean(kind, kinds))
            continue
        if issue is not None:
            built.append(issue)
    if not issues:
        reader.problem("issues", "no issues", "at least one [[issues]] table")
    reader.broken_issues = {str(raw.get("name")) for raw in issues if isinstance(raw, dict)} - {
        issue.name for issue in built
    }
    if not built:
        return None
    # With some issues broken, the parties are still checked against the sound ones (and
    # references to the broken ones are not reported twice).
    return reader.attempt("issues", lambda: OutcomeSpace(built))  # type: ignore[no-any-return]


def _additive(
    reader: _Reader, path: str, entry: Mapping[str, Any], space: OutcomeSpace, reservation: float
) -> LinearAdditive | None:
    """A linear additive model from ``weights`` and ``values``; omitted issues weigh 0."""
    weights = dict(entry.get("weights", {}))
    values = dict(entry.get("values", {}))
    ok = True
    for field, given in (("weights", weights), ("values", values)):
        for name in list(given):
            if name not in space.issue_names:
                if name not in reader.broken_issues:  # those are reported under issues
                    reader.problem(
                        f"{path}.{field}.{name}",
                        "no such issue",
                        did_you_mean(name, space.issue_names),
                    )
                    ok = False
                del given[name]
    for name, weight in weights.items():
        ok = reader.typed(weight, f"{path}.weights.{name}", "number") and ok
    if not all(isinstance(w, int | float) for w in weights.values()):
        return None
    for issue in space.issues:
        weights.setdefault(issue.name, 0.0)
        if issue.name not in values:
            if weights[issue.name] > 0:
                reader.problem(f"{path}.values.{issue.name}", "missing", "a value for every option")
                ok = False
            values[issue.name] = [0.0] * issue.size
    model = reader.attempt(
        path, lambda: LinearAdditive.from_tables(space, weights, values, reservation)
    )
    return model if ok else None


def _condition(reader: _Reader, raw: Any, path: str, space: OutcomeSpace) -> Condition | None:
    entry = reader.table(raw, path, CONDITION)
    forms = [k for k in ("issue", "all", "any", "not") if k in entry]
    if len(forms) != 1:
        reader.problem(path, f"{len(forms)} forms given", "exactly one of issue / all / any / not")
        return None
    condition: Condition | None
    if "all" in entry or "any" in entry:
        key = "all" if "all" in entry else "any"
        inner = [
            _condition(reader, c, f"{path}.{key}[{i}]", space) for i, c in enumerate(entry[key])
        ]
        if any(c is None for c in inner):
            return None
        condition = AllOf(inner) if key == "all" else AnyOf(inner)  # type: ignore[arg-type]
    elif "not" in entry:
        inner_one = _condition(reader, entry["not"], f"{path}.not", space)
        condition = None if inner_one is None else Not(inner_one)
    else:
        tests = [k for k in ("options", "option", "at_least", "at_most") if k in entry]
        if len(tests) != 1:
            reader.problem(
                path,
                f"{len(tests)} tests on {entry['issue']!r}",
                "one of options / option / at_least / at_most",
            )
            return None
        test, value = tests[0], entry[tests[0]]
        if test == "options":
            condition = IssueIs(entry["issue"], value)
        elif test == "option":
            condition = IssueIs(entry["issue"], [value])
        elif test == "at_least":
            condition = IssueAtLeast(entry["issue"], value)
        else:
            condition = IssueAtMost(entry["issue"], value)
    if condition is not None and _mentions(condition) & reader.broken_issues:
        return None  # refers to an issue already reported as broken
    if condition is not None:
        before = len(reader.problems)
        reader.attempt(path, lambda: condition.validate(space, ""))
        if len(reader.problems) > before:
            return None
    return condition


def _mentions(condition: Condition) -> set[str]:
    if isinstance(condition, IssueIs | IssueAtLeast | IssueAtMost):
        return {condition.issue}
    if isinstance(condition, AllOf | AnyOf):
        return set().union(*(_mentions(c) for c in condition.conditions))
    if isinstance(condition, Not):
        return _mentions(condition.condition)
    return set()


def _third_parties(
    reader: _Reader, data: Mapping[str, Any], space: OutcomeSpace | None
) -> dict[str, tuple[str, LinearAdditive | None]]:
    third: dict[str, tuple[str, LinearAdditive | None]] = {}
    for key, raw in data.items():
        path = f"third_parties.{key}"
        entry = reader.table(raw, path, THIRD_PARTY, required=("weights", "values"))
        model = None if space is None else _additive(reader, path, entry, space, 0.0)
        third[key] = (entry.get("label", key), model)
    return third


def _agent(reader: _Reader, path: str, raw: Any) -> Agent | None:
    if isinstance(raw, str):
        name, params = raw, {}
    elif isinstance(raw, dict) and isinstance(raw.get("kind"), str):
        name, params = raw["kind"], {k: v for k, v in raw.items() if k != "kind"}
    else:
        reader.problem(path, f"got {_kind(raw)}", 'an agent name or a table {kind = "...", ...}')
        return None
    if name not in AGENTS:
        reader.problem(path, f"no agent {name!r}", did_you_mean(name, AGENTS.names()))
        return None
    return reader.attempt(path, lambda: AGENTS.make(name, **params))  # type: ignore[no-any-return]


def _party(
    reader: _Reader,
    path: str,
    key: str,
    raw: Any,
    space: OutcomeSpace | None,
    third: Mapping[str, tuple[str, LinearAdditive | None]],
) -> tuple[Party | None, Ratification | None]:
    entry = reader.table(raw, path, PARTY, required=("weights", "values", "reservation"))
    agent = _agent(reader, f"{path}.agent", entry.get("agent", "boulware"))
    if space is None:
        return None, None
    base = _additive(reader, path, entry, space, entry.get("reservation", 0.0))
    red_lines = []
    for i, line in enumerate(entry.get("red_lines", [])):
        condition = _condition(reader, line, f"{path}.red_lines[{i}]", space)
        if condition is not None:
            red_lines.append(RedLine(condition, line.get("reason", "")))
    preconditions = []
    for i, pre in enumerate(entry.get("preconditions", [])):
        where = f"{path}.preconditions[{i}]"
        body = reader.table(pre, where, PRECONDITION, required=("when", "requires"))
        if "when" in body and "requires" in body:
            when = _condition(reader, body["when"], f"{where}.when", space)
            requires = _condition(reader, body["requires"], f"{where}.requires", space)
            if when is not None and requires is not None:
                preconditions.append(Precondition(when, requires, body.get("reason", "")))
    pressures = []
    for source, intensity in entry.get("pressures", {}).items():
        where = f"{path}.pressures.{source}"
        if source not in third:
            reader.problem(where, "no such third party", did_you_mean(source, third))
            continue
        label, displeasure = third[source]
        if displeasure is not None and reader.typed(intensity, where, "number"):
            made = reader.attempt(where, ThirdPartyPressure, label, displeasure, intensity)
            if made is not None:
                pressures.append(made)
    ratification = None
    if "ratification" in entry:
        ratification = _ratification(reader, f"{path}.ratification", entry["ratification"], space)
    if base is None or agent is None:
        return None, ratification
    position = reader.attempt(
        path,
        lambda: Position(base, red_lines, preconditions, pressures, entry.get("discount", 1.0)),
    )
    if position is None:
        return None, ratification
    return Party(entry.get("label", key), position, agent), ratification


def _ratification(reader: _Reader, path: str, raw: Any, space: OutcomeSpace) -> Ratification | None:
    entry = reader.table(raw, path, RATIFICATION, required=("constituencies",))
    constituencies: list[Constituency] = []
    ok = True
    for i, c in enumerate(entry.get("constituencies", [])):
        where = f"{path}.constituencies[{i}]"
        body = reader.table(c, where, CONSTITUENCY, required=("name",))
        kind = body.get("kind", "poll")
        common = {
            "name": body.get("name", f"constituency {i}"),
            "weight": body.get("weight", 1.0),
            "source": body.get("source", ""),
        }
        made: Constituency | None = None
        if kind == "poll":
            if "shares" not in body:
                reader.problem(f"{where}.shares", "missing", "a table {issue = {option = share}}")
            else:
                made = reader.attempt(
                    where,
                    PollConstituency,
                    shares=body["shares"],
                    combine=body.get("combine", "min"),
                    **common,
                )
        elif kind == "ideal-point":
            missing = [k for k in ("ideal", "weights", "tolerance") if k not in body]
            for key in missing:
                reader.problem(f"{where}.{key}", "missing", "for an ideal-point constituency")
            if not missing:
                made = reader.attempt(
                    where,
                    IdealPointConstituency,
                    ideal=body["ideal"],
                    weights=body["weights"],
                    tolerance=body["tolerance"],
                    **common,
                )
        else:
            reader.problem(
                f"{where}.kind",
                f"no constituency kind {kind!r}",
                did_you_mean(kind, ("poll", "ideal-point")),
            )
        if made is None:
            ok = False
            continue
        before = len(reader.problems)
        reader.attempt(where, made.validate, space, "")
        if len(reader.problems) > before:
            ok = False
            continue
        constituencies.append(made)
    vetoes = []
    for i, veto in enumerate(entry.get("vetoes", [])):
        condition = _condition(reader, veto, f"{path}.vetoes[{i}]", space)
        if condition is None:
            ok = False
        else:
            vetoes.append(condition)
    if not ok:
        return None
    return reader.attempt(  # type: ignore[no-any-return]
        path,
        lambda: Ratification(
            constituencies, entry.get("rule", "threshold"), entry.get("threshold", 0.5), vetoes
        ),
    )


def _protocol(reader: _Reader, raw: Any, party_keys: list[str]) -> Protocol | None:
    entry = reader.table(raw, "protocol", PROTOCOL)
    kind = entry.get("kind", "alternating-offers")
    if kind not in PROTOCOLS:
        reader.problem(
            "protocol.kind", f"no protocol {kind!r}", did_you_mean(kind, PROTOCOLS.names())
        )
        return None
    params = {k: v for k, v in entry.items() if k != "kind"}
    if "opener" in params:
        opener = params["opener"]
        if opener not in party_keys:
            reader.problem(
                "protocol.opener", f"no party {opener!r}", did_you_mean(opener, party_keys)
            )
            return None
        params["opener"] = party_keys.index(opener)
    return reader.attempt("protocol", lambda: PROTOCOLS.make(kind, **params))  # type: ignore[no-any-return]
