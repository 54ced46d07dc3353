"""Reading parties: value tables, conditions (red lines, preconditions, vetoes), pressures
and ratification. Every builder reports its problems to the :class:`Reader` and returns
``None`` for a part it could not build, so one broken part does not hide the others, and a
reference to an issue already reported broken is not reported again."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..conditions import AllOf, AnyOf, Condition, IssueAtLeast, IssueAtMost, IssueIs, Not
from ..errors import did_you_mean
from ..outcomes import OutcomeSpace
from ..position import Position, Precondition, RedLine, ThirdPartyPressure
from ..preferences import LinearAdditive, _table
from ..protocols import Party
from ..twolevel import Constituency, Ratification
from .kinds import build_agent, build_constituency
from .reader import Reader

__all__ = ["CONDITION", "PARTY", "PRECONDITION", "RATIFICATION", "RED_LINE", "THIRD_PARTY"]

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
    "options": "array of label",
    "option": "label",
    "at_least": "label",
    "at_most": "label",
    "all": "array of table",
    "any": "array of table",
    "not": "table",
    "reason": "string",
}
RED_LINE = {**CONDITION, "public": "boolean"}
PRECONDITION = {"when": "table", "requires": "table", "reason": "string", "public": "boolean"}
RATIFICATION = {
    "rule": "string",
    "threshold": "number",
    "vetoes": "array of table",
    "constituencies": "array of table",
    "anticipated": "boolean",
    "source": "string",
}


def additive(
    reader: Reader, path: str, entry: Mapping[str, Any], space: OutcomeSpace, reservation: Any
) -> LinearAdditive | None:
    """A linear additive model from ``weights`` and ``values``; omitted issues weigh 0.
    Each issue's table is checked on its own, so every bad table is reported."""
    ok = True
    weights: dict[str, float] = {}
    tables: dict[str, Any] = {}
    for field in ("weights", "values"):
        for name, given in dict(entry.get(field, {})).items():
            where = f"{path}.{field}.{name}"
            if name not in space.issue_names:
                if name not in reader.broken_issues:  # those are reported under issues
                    reader.problem(where, "no such issue", did_you_mean(name, space.issue_names))
                    ok = False
                continue
            if field == "weights":
                if reader.typed(given, where, "number"):
                    weights[name] = float(given)
                else:
                    ok = False
                continue
            issue = space.issue(name)
            table = reader.attempt(path, _table, name, issue.options, given)
            if table is None:
                ok = False
            else:
                tables[name] = table
    broken_tables = False
    for issue in space.issues:
        if issue.name not in tables and issue.name in dict(entry.get("values", {})):
            broken_tables = True  # reported above
        elif issue.name not in tables and weights.get(issue.name, 0.0) > 0:
            reader.problem(f"{path}.values.{issue.name}", "missing", "a value for every option")
            ok = False
        tables.setdefault(issue.name, [0.0] * issue.size)
    if reader.broken_issues:
        return None  # weights of the broken issues are missing: no false "sum" problems
    names = space.issue_names
    weights_ok = len(weights) == len([n for n in dict(entry.get("weights", {})) if n in names])
    if not weights_ok:  # a weight was reported: stand-ins, so the other checks still run
        weights = {n: 1.0 / len(names) for n in names}
    if not isinstance(reservation, int | float):
        reservation = 0.0
    # Broken tables stand in as zeros, so the weights and the reservation are still checked.
    model = reader.attempt(
        path,
        LinearAdditive,
        space,
        [weights.get(n, 0.0) for n in names],
        [tables[n] for n in names],
        reservation=reservation,
    )
    return model if ok and weights_ok and not broken_tables else None


def condition(
    reader: Reader,
    raw: Any,
    path: str,
    space: OutcomeSpace,
    keys: Mapping[str, str] = CONDITION,
) -> Condition | None:
    """A condition from its table (see the schema reference's Conditions section)."""
    entry = reader.table(raw, path, keys)
    if not isinstance(raw, dict):
        return None
    forms = [k for k in ("issue", "all", "any", "not") if k in raw]
    if len(forms) != 1:
        reader.problem(path, f"{len(forms)} forms given", "exactly one of issue / all / any / not")
        return None
    if forms[0] not in entry:
        return None  # badly typed, reported
    made: Condition | None
    if forms[0] in ("all", "any"):
        key = forms[0]
        if not entry[key]:
            reader.problem(
                f"{path}.{key}",
                f"an empty {key!r}",
                "at least one condition (an empty list would match every or no outcome)",
            )
            return None
        inner = [
            condition(reader, c, f"{path}.{key}[{i}]", space) for i, c in enumerate(entry[key])
        ]
        if any(c is None for c in inner):
            return None
        made = AllOf(inner) if key == "all" else AnyOf(inner)  # type: ignore[arg-type]
    elif forms[0] == "not":
        inner_one = condition(reader, entry["not"], f"{path}.not", space)
        made = None if inner_one is None else Not(inner_one)
    else:
        made = _issue_test(reader, raw, entry, path, space)
    if made is None:
        return None
    before = len(reader.problems)
    reader.attempt(path, made.validate, space, "")
    return made if len(reader.problems) == before else None


def _issue_test(
    reader: Reader, raw: Mapping[str, Any], entry: Mapping[str, Any], path: str, space: OutcomeSpace
) -> Condition | None:
    name = entry["issue"]
    tests = [k for k in ("options", "option", "at_least", "at_most") if k in raw]
    if len(tests) != 1:
        reader.problem(
            path, f"{len(tests)} tests on {name!r}", "one of options / option / at_least / at_most"
        )
        return None
    test = tests[0]
    if test not in entry or name in reader.broken_issues:
        return None  # badly typed (reported), or about an issue already reported broken
    if name not in space.issue_names:
        reader.problem(f"{path}.issue", f"no issue {name!r}", did_you_mean(name, space.issue_names))
        return None
    value = entry[test]
    issue = space.issue(name)
    for label in value if isinstance(value, list) else [value]:
        if str(label) not in issue.options:
            where = f"{path}.{test}"
            reader.problem(where, f"no option {label!r}", did_you_mean(str(label), issue.options))
    if any(str(v) not in issue.options for v in (value if isinstance(value, list) else [value])):
        return None
    if test in ("at_least", "at_most") and issue.kind == "categorical":
        reader.problem(
            f"{path}.{test}",
            f"{name!r} is categorical (its options have no order)",
            "an ordered or numeric issue, or options = [...]",
        )
        return None
    if test == "options":
        return IssueIs(name, value)
    if test == "option":
        return IssueIs(name, [value])
    return IssueAtLeast(name, value) if test == "at_least" else IssueAtMost(name, value)


def third_parties(
    reader: Reader, data: Mapping[str, Any], space: OutcomeSpace | None
) -> dict[str, tuple[str, LinearAdditive | None]]:
    """Third parties by key: their label and displeasure model."""
    third: dict[str, tuple[str, LinearAdditive | None]] = {}
    for key, raw in data.items():
        path = f"third_parties.{key}"
        entry = reader.table(raw, path, THIRD_PARTY, required=("weights", "values"))
        model = None if space is None else additive(reader, path, entry, space, 0.0)
        third[key] = (entry.get("label", key), model)
    return third


def party(
    reader: Reader,
    path: str,
    key: str,
    raw: Any,
    space: OutcomeSpace | None,
    third: Mapping[str, tuple[str, LinearAdditive | None]],
) -> tuple[Party | None, Ratification | None]:
    """A party (label, position, agent) and its ratification stage, if any."""
    entry = reader.table(raw, path, PARTY, required=("weights", "values", "reservation"))
    if entry.get("label") == "":
        reader.problem(f"{path}.label", "empty", "a non-empty label (or leave it out)")
    agent = build_agent(reader, f"{path}.agent", entry.get("agent", "boulware"))
    if space is None:
        return None, None
    base = additive(reader, path, entry, space, entry.get("reservation", 0.0))
    red_lines = []
    for i, line in enumerate(entry.get("red_lines", [])):
        made = condition(reader, line, f"{path}.red_lines[{i}]", space, RED_LINE)
        if made is not None:
            red_lines.append(RedLine(made, line.get("reason", ""), public=line.get("public", True)))
    preconditions = []
    for i, pre in enumerate(entry.get("preconditions", [])):
        where = f"{path}.preconditions[{i}]"
        body = reader.table(pre, where, PRECONDITION, required=("when", "requires"))
        if "when" in body and "requires" in body:
            when = condition(reader, body["when"], f"{where}.when", space)
            requires = condition(reader, body["requires"], f"{where}.requires", space)
            if when is not None and requires is not None:
                preconditions.append(
                    Precondition(
                        when, requires, body.get("reason", ""), public=body.get("public", True)
                    )
                )
    pressures = []
    for source, intensity in entry.get("pressures", {}).items():
        where = f"{path}.pressures.{source}"
        if source not in third:
            reader.problem(where, "no such third party", did_you_mean(source, third))
            continue
        label, displeasure = third[source]
        if reader.typed(intensity, where, "number") and displeasure is not None:
            made_pressure = reader.attempt(where, ThirdPartyPressure, label, displeasure, intensity)
            if made_pressure is not None:
                pressures.append(made_pressure)
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
    return Party(entry.get("label") or key, position, agent), ratification


def _ratification(reader: Reader, path: str, raw: Any, space: OutcomeSpace) -> Ratification | None:
    entry = reader.table(raw, path, RATIFICATION, required=("constituencies",))
    constituencies: list[Constituency] = []
    ok = True
    for i, raw_constituency in enumerate(entry.get("constituencies", [])):
        where = f"{path}.constituencies[{i}]"
        made = build_constituency(reader, where, raw_constituency)
        if made is None:
            ok = False
            continue
        before = len(reader.problems)
        reader.attempt(where, made.validate, space, "")
        if len(reader.problems) > before:
            ok = False
            continue
        constituencies.append(made)
    names = [c.name for c in constituencies]
    for name in sorted({n for n in names if names.count(n) > 1}):
        reader.problem(f"{path}.constituencies", f"repeated name {name!r}", "unique names")
        ok = False
    vetoes = []
    for i, veto in enumerate(entry.get("vetoes", [])):
        made_veto = condition(reader, veto, f"{path}.vetoes[{i}]", space)
        if made_veto is None:
            ok = False
        else:
            vetoes.append(made_veto)
    if not ok or "constituencies" not in entry:
        return None
    return reader.attempt(  # type: ignore[no-any-return]
        path,
        lambda: Ratification(
            constituencies,
            entry.get("rule", "threshold"),
            entry.get("threshold", 0.5),
            vetoes,
            anticipated=entry.get("anticipated", True),
        ),
    )
