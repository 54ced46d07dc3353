"""GeniusWeb JSON: domains (``name`` and ``issuesValues``) and ``LinearAdditiveUtilitySpace``
profiles, read as GeniusWeb reads them.

* a **discrete** value set ``{"values": [...]}`` becomes a categorical issue; a **number**
  value set ``{"range": {"low": a, "high": b, "step": s}}`` (also read from the list form
  ``[a, b, s]``) the values ``a, a + s, ...`` up to ``b``: an integer issue when they are the
  integers ``a..b``, a continuous one otherwise;
* ``discreteutils`` give each value its utility; ``numberutils`` interpolate linearly from
  ``lowUtility`` at ``lowValue`` to ``highUtility`` at ``highValue`` (0 outside), which must
  be the range's ends (GeniusWeb's ``isFitting``);
* the utility is ``Σ_i w_i u_i(x_i)``, without GENIUS's cap or normalisation; GeniusWeb
  refuses weights that do not sum to 1 (negsim reads them as :mod:`negsim.formats.model`
  describes, with a note); utilities must be in ``[0, 1]``;
* the **reservation** is a bid, ``reservationBid``; negsim's reservation value is its
  utility (an issue the bid leaves out counts 0, as in GeniusWeb); no bid means 0;
* the profile's embedded ``domain`` must be the domain file's (same name and values).

Errors name the file and the key path (``LinearAdditiveUtilitySpace.issueWeights.Food``),
each problem once: nothing is reported under a key already reported (missing, or not an
object).
Files are refused above :data:`MAX_JSON_BYTES`; a key given twice in one object is an error.
"""

from __future__ import annotations

import contextlib
import json
import math
from decimal import Decimal
from typing import Any

import numpy as np

from ..errors import ValidationError
from ..issues import Issue, categorical, continuous, integer
from ..scenario.reader import MAX_DEPTH, MAX_OUTCOMES, Problem, ScenarioError
from .model import Domain, Profile, affine

__all__ = [
    "MAX_JSON_BYTES",
    "OTHER_PROFILE_KINDS",
    "PROFILE_KINDS",
    "domain_json",
    "parse_json",
    "profile_json",
    "read_domain",
    "read_profile",
]

MAX_JSON_BYTES = 8 * 1024 * 1024
#: The GeniusWeb profile types negsim reads (the top-level key of a profile file).
PROFILE_KINDS = ("LinearAdditiveUtilitySpace",)
#: GeniusWeb profile types negsim recognises but cannot read (not additive).
OTHER_PROFILE_KINDS = (
    "DefaultPartialOrdering",
    "SumOfGroupsUtilitySpace",
    "DiscountedUtilitySpace",
)


class _Duplicate(Exception):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise _Duplicate(key)
        seen[key] = value
    return seen


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _depth(value: Any, depth: int = 0) -> int:
    if depth > MAX_DEPTH:
        return depth
    if isinstance(value, dict):
        return max((_depth(v, depth + 1) for v in value.values()), default=depth)
    if isinstance(value, list):
        return max((_depth(v, depth + 1) for v in value), default=depth)
    return depth


def parse_json(data: bytes, source: str) -> Any:
    """Parse JSON strictly: a size limit, no repeated keys, no ``NaN``/``Infinity``, at
    most :data:`~negsim.scenario.reader.MAX_DEPTH` levels."""
    if len(data) > MAX_JSON_BYTES:
        problem = Problem("", f"{len(data):,} bytes", f"at most {MAX_JSON_BYTES:,} bytes")
        raise ScenarioError(source, [problem])
    try:
        text = data.decode("utf-8-sig")
        value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant)
    except UnicodeDecodeError as error:
        raise ScenarioError(source, [Problem("", f"not UTF-8 text: {error}")]) from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise ScenarioError(source, [Problem(where, f"not valid JSON: {error.msg}")]) from None
    except _Duplicate as error:
        problem = Problem(str(error), "key given twice in one object", "each key once")
        raise ScenarioError(source, [problem]) from None
    except ValueError as error:
        raise ScenarioError(source, [Problem("", f"not valid JSON: {error}")]) from None
    except RecursionError:
        raise ScenarioError(source, [Problem("", "nested too deeply")]) from None
    if _depth(value) > MAX_DEPTH:
        problem = Problem("", f"nested more than {MAX_DEPTH} levels deep", f"at most {MAX_DEPTH}")
        raise ScenarioError(source, [problem])
    return value


class _Walker:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, path: str, message: str, expected: str = "") -> None:
        self.problems.append(Problem(path, message, expected))

    def table(self, value: Any, path: str, required: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """``value`` if it is an object, each ``required`` key it lacks reported missing;
        ``None`` if it is not an object, reported once: the caller reports nothing under it."""
        if not isinstance(value, dict):
            self.add(path, f"got {_kind(value)}", "an object")
            return None
        for key in required:
            if key not in value:
                self.add(f"{path}.{key}" if path else key, "missing")
        return value

    def number(self, value: Any, path: str, unit: bool = False) -> float | None:
        if isinstance(value, str):
            with contextlib.suppress(ArithmeticError):
                value = float(Decimal(value))
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.add(path, f"got {_kind(value)} {value!r}"[:120], "a number")
            return None
        if unit and not 0.0 <= value <= 1.0:
            self.add(path, f"{value}", "a utility in [0, 1]")
            return None
        return float(value)

    def numbers(
        self, body: dict[str, Any], path: str, keys: tuple[str, ...], unit: bool = False
    ) -> list[float | None]:
        """``body``'s numbers at ``keys``; a key that is absent is ``None`` without a
        problem of its own (``table``'s ``required`` reports it, once)."""
        return [self.number(body[k], f"{path}.{k}", unit) if k in body else None for k in keys]

    def check(self) -> None:
        if self.problems:
            raise ScenarioError(self.source, self.problems)


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "a number" if isinstance(value, int | float) else "null"
    )


def _domain(walk: _Walker, value: Any, path: str) -> Domain | None:
    body = walk.table(value, path, ("name", "issuesValues"))
    if body is None:
        return None
    name = body.get("name", "")
    if not isinstance(name, str):
        walk.add(f"{path}.name" if path else "name", f"got {_kind(name)}", "a string")
        name = ""
    if "issuesValues" not in body:
        return None
    where = f"{path}.issuesValues" if path else "issuesValues"
    issues_values = walk.table(body["issuesValues"], where)
    if issues_values is None:
        return None
    issues: list[Issue] = []
    for issue_name, spec in issues_values.items():
        issue = _issue(walk, f"{where}.{issue_name}", issue_name, spec)
        if issue is not None:
            issues.append(issue)
    if not issues_values:
        walk.add(where, "no issues", "at least one issue")
    size = math.prod(i.size for i in issues)
    if size > MAX_OUTCOMES:
        walk.add(where, f"{size:,} outcomes", f"at most {MAX_OUTCOMES:,}")
    if walk.problems:
        return None
    return Domain(name, issues)


def _issue(walk: _Walker, path: str, name: str, spec: Any) -> Issue | None:
    body = walk.table(spec, path)
    if body is None:
        return None
    if "values" in body:
        values = body["values"]
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) for v in values)
        ):
            walk.add(f"{path}.values", f"got {_kind(values)}", "a non-empty array of strings")
            return None
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            walk.add(f"{path}.values", f"repeated values {repeated}", "distinct values")
            return None
        if len(values) > MAX_OUTCOMES:
            walk.add(f"{path}.values", f"{len(values):,} values", f"at most {MAX_OUTCOMES:,}")
            return None
        return categorical(name, values)
    if "range" in body:
        raw = body["range"]
        if isinstance(raw, list) and len(raw) == 3:
            parts = dict(zip(("low", "high", "step"), raw, strict=True))
        else:
            parts = walk.table(raw, f"{path}.range", ("low", "high", "step")) or {}
        low, high, step = walk.numbers(parts, f"{path}.range", ("low", "high", "step"))
        if low is None or high is None or step is None:
            return None
        if step <= 0 or high < low:
            walk.add(
                f"{path}.range", f"low {low}, high {high}, step {step}", "low <= high, step > 0"
            )
            return None
        count = math.floor((high - low) / step + 1e-9) + 1
        if count > MAX_OUTCOMES:
            walk.add(f"{path}.range", f"{count:,} values", f"at most {MAX_OUTCOMES:,}")
            return None
        top = low + (count - 1) * step
        if low.is_integer() and step == 1.0:
            return integer(name, int(low), int(top))
        if count == 1:
            walk.add(f"{path}.range", "a single value", "low < high")
            return None
        return continuous(name, low, top, step)
    walk.add(path, "neither 'values' nor 'range'", "a discrete or a number value set")
    return None


def read_domain(data: bytes, source: str) -> Domain:
    """The domain of a GeniusWeb domain file."""
    walk = _Walker(source)
    domain = _domain(walk, parse_json(data, source), "")
    walk.check()
    assert domain is not None
    return domain


def _same_domain(a: Domain, b: Domain) -> str:
    if a.name != b.name:
        return f"domain {b.name!r} where the domain file is {a.name!r}"
    if [i.name for i in a.issues] != [i.name for i in b.issues]:
        theirs, ours = [i.name for i in b.issues], [i.name for i in a.issues]
        return f"issues {theirs}, the domain file's are {ours}"
    for x, y in zip(a.issues, b.issues, strict=True):
        if x != y:
            return f"issue {x.name!r} has other values than in the domain file"
    return ""


def read_profile(data: bytes, source: str, domain: Domain, name: str) -> Profile:
    """A GeniusWeb ``LinearAdditiveUtilitySpace`` profile of ``domain`` (module docstring)."""
    walk = _Walker(source)
    top = walk.table(parse_json(data, source), "")
    walk.check()
    assert top is not None
    kinds = [k for k in top if k in PROFILE_KINDS]
    if len(top) != 1 or not kinds:
        shown = ", ".join(map(repr, top)) or "nothing"
        walk.add("", f"top-level key(s) {shown}", f"one of {', '.join(PROFILE_KINDS)}")
        walk.check()
    path = kinds[0]
    body = walk.table(top[path], path, ("issueUtilities", "issueWeights"))
    if body is None:
        raise ScenarioError(source, walk.problems)
    notes: list[str] = [
        f"{name}: key {path}.{key} ignored (not part of a GeniusWeb LinearAdditiveUtilitySpace)"
        for key in body
        if key not in ("name", "issueUtilities", "issueWeights", "domain", "reservationBid")
    ]
    if "domain" in body:
        embedded = _domain(walk, body["domain"], f"{path}.domain")
        if embedded is not None:
            differs = _same_domain(domain, embedded)
            if differs:
                walk.add(f"{path}.domain", differs, "a profile of the folder's domain")
    walk.check()
    utilities = walk.table(body["issueUtilities"], f"{path}.issueUtilities")
    weights_given = walk.table(body["issueWeights"], f"{path}.issueWeights")
    names = [i.name for i in domain.issues]
    for field, given in (("issueUtilities", utilities), ("issueWeights", weights_given)):
        if given is None:
            continue
        for key in given:
            if key not in names:
                walk.add(f"{path}.{field}.{key}", "not an issue of the domain", f"one of {names}")
        for key in names:
            if key not in given:
                walk.add(f"{path}.{field}.{key}", "missing", "one entry per issue")
    walk.check()
    assert utilities is not None
    assert weights_given is not None
    weights: list[float] = []
    tables: list[list[float]] = []
    for issue in domain.issues:
        where = f"{path}.issueWeights.{issue.name}"
        weight = walk.number(weights_given[issue.name], where)
        if weight is not None and weight < 0:
            walk.add(where, f"{weight}", "a weight >= 0")
        table = _utilities(
            walk, f"{path}.issueUtilities.{issue.name}", issue, utilities[issue.name]
        )
        if weight is not None and table is not None:
            weights.append(weight)
            tables.append(table)
    walk.check()
    reservation = 0.0
    if "reservationBid" in body:
        reservation = _reservation(
            walk, f"{path}.reservationBid", body["reservationBid"], domain, weights, tables
        )
        walk.check()
    return Profile(name, weights, tables, reservation, 1.0, capped=False, notes=notes)


def _utilities(walk: _Walker, path: str, issue: Issue, spec: Any) -> list[float] | None:
    body = walk.table(spec, path)
    if body is None:
        return None
    if "discreteutils" in body:
        where = f"{path}.discreteutils.valueUtilities"
        if issue.kind != "categorical":
            walk.add(path, "discrete utilities for a number issue", "numberutils")
            return None
        inner = walk.table(body["discreteutils"], f"{path}.discreteutils", ("valueUtilities",))
        if inner is None or "valueUtilities" not in inner:
            return None
        given = walk.table(inner["valueUtilities"], where)
        if given is None:
            return None
        table = []
        for key in given:
            if key not in issue.options:
                walk.add(
                    f"{where}.{key}", "not a value of the issue", f"one of {list(issue.options)}"
                )
        for option in issue.options:
            if option not in given:
                walk.add(f"{where}.{option}", "missing", "a utility per value")
                continue
            value = walk.number(given[option], f"{where}.{option}", unit=True)
            table.append(0.0 if value is None else value)
        return table if len(table) == issue.size else None
    if "numberutils" in body:
        where = f"{path}.numberutils"
        if issue.values is None:
            walk.add(path, "number utilities for a discrete issue", "discreteutils")
            return None
        inner = walk.table(
            body["numberutils"], where, ("lowValue", "lowUtility", "highValue", "highUtility")
        )
        if inner is None:
            return None
        low_v, high_v = walk.numbers(inner, where, ("lowValue", "highValue"))
        low_u, high_u = walk.numbers(inner, where, ("lowUtility", "highUtility"), unit=True)
        if None in (low_v, high_v, low_u, high_u):
            return None
        assert low_v is not None
        assert high_v is not None
        assert low_u is not None
        assert high_u is not None
        x = issue.values.astype(float)
        if not (
            math.isclose(low_v, x[0], abs_tol=1e-9) and math.isclose(high_v, x[-1], abs_tol=1e-9)
        ):
            walk.add(
                where,
                f"values {low_v}..{high_v}, the range is {x[0]:g}..{x[-1]:g}",
                "the range's ends",
            )
            return None
        if high_v <= low_v:
            walk.add(where, f"highValue {high_v} <= lowValue {low_v}", "highValue > lowValue")
            return None
        e = low_u + (high_u - low_u) * (x - low_v) / (high_v - low_v)
        return np.where((x < low_v) | (x > high_v), 0.0, e).tolist()  # type: ignore[no-any-return]
    walk.add(path, "neither 'discreteutils' nor 'numberutils'", "discreteutils or numberutils")
    return None


def _reservation(
    walk: _Walker,
    path: str,
    value: Any,
    domain: Domain,
    weights: list[float],
    tables: list[list[float]],
) -> float:
    body = walk.table(value, path, ("issuevalues",))
    if body is None or "issuevalues" not in body:
        return 0.0
    bid = walk.table(body["issuevalues"], f"{path}.issuevalues")
    if bid is None:
        return 0.0
    total = 0.0
    names = [i.name for i in domain.issues]
    for key in bid:
        if key not in names:
            walk.add(f"{path}.issuevalues.{key}", "not an issue of the domain", f"one of {names}")
    for i, issue in enumerate(domain.issues):
        if issue.name not in bid:
            continue  # GeniusWeb: an issue the bid leaves out counts 0
        raw = bid[issue.name]
        try:
            j = issue.index(raw if isinstance(raw, str) else float(raw))
        except (ValidationError, TypeError, ValueError):
            walk.add(f"{path}.issuevalues.{issue.name}", f"{raw!r} is not a value of the issue")
            continue
        total += weights[i] * tables[i][j]
    return min(1.0, total)


# --- writing ---------------------------------------------------------------------------------


def _number(issue: Issue, j: int) -> int | float:
    """The ``j``-th value of a numeric issue as a GeniusWeb number value set writes it (an
    ``int`` for an integer issue). Only issues written as number value sets come here: a
    categorical issue, or a numeric one written as discrete values, writes ``options[j]``."""
    assert issue.values is not None
    v = float(issue.values[j])
    return int(v) if issue.kind == "integer" else v


def number_issues(domain: Domain, profiles: list[Profile]) -> list[bool]:
    """Whether each issue is written as a GeniusWeb number value set (a numeric issue whose
    tables are all affine); the others are written as discrete values."""
    return [
        affine(issue, [list(p.tables[i]) for p in profiles])
        for i, issue in enumerate(domain.issues)
    ]


def _issues_values(domain: Domain, numeric: list[bool]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for issue, is_number in zip(domain.issues, numeric, strict=True):
        if is_number:
            assert issue.values is not None
            step = (
                1
                if issue.kind == "integer"
                else (float(issue.values[-1]) - float(issue.values[0])) / (issue.size - 1)
            )
            out[issue.name] = {
                "range": {
                    "low": _number(issue, 0),
                    "high": _number(issue, issue.size - 1),
                    "step": step,
                }
            }
        else:
            out[issue.name] = {"values": list(issue.options)}
    return out


def domain_json(domain: Domain, numeric: list[bool], name: str) -> dict[str, Any]:
    """A GeniusWeb domain (plain JSON data)."""
    return {"name": name, "issuesValues": _issues_values(domain, numeric)}


def _exact_weights(weights: list[float]) -> list[float]:
    """Weights whose decimal texts sum to exactly 1 (GeniusWeb checks the decimal sum):
    12 decimal places each, the rounding put on the largest. Each has at most 13
    significant digits, so its float prints as that decimal again."""
    total = math.fsum(weights)
    step = Decimal("1e-12")
    decimals = [Decimal(w / total).quantize(step) for w in weights]
    largest = int(np.argmax(weights))
    decimals[largest] += Decimal(1) - sum(decimals, Decimal(0))
    return [float(d) for d in decimals]


def profile_json(
    domain: Domain, profile: Profile, numeric: list[bool], domain_name: str, name: str
) -> tuple[dict[str, Any], str]:
    """A GeniusWeb ``LinearAdditiveUtilitySpace`` (plain JSON data) and a note (``""`` if
    none): a reservation value becomes the reservation bid of the lowest utility at least
    as high, and the note says when that bid's utility differs from it."""
    utilities: dict[str, Any] = {}
    for issue, is_number, table in zip(domain.issues, numeric, profile.tables, strict=True):
        if is_number:
            utilities[issue.name] = {
                "numberutils": {
                    "lowValue": _number(issue, 0),
                    "lowUtility": table[0],
                    "highValue": _number(issue, issue.size - 1),
                    "highUtility": table[-1],
                }
            }
        else:
            values = dict(zip(issue.options, table, strict=True))
            utilities[issue.name] = {"discreteutils": {"valueUtilities": values}}
    weights = _exact_weights(list(profile.weights))
    body: dict[str, Any] = {
        "name": name,
        "issueUtilities": utilities,
        "issueWeights": dict(zip([i.name for i in domain.issues], weights, strict=True)),
        "domain": domain_json(domain, numeric, domain_name),
    }
    note = ""
    if profile.reservation > 0:
        u = Profile(name, weights, profile.tables, capped=False).utilities(domain)
        above = np.flatnonzero(u >= profile.reservation - 1e-12)
        if above.size == 0:
            above = np.array([int(np.argmax(u))])
        best = int(above[np.argmin(u[above])])
        outcome = domain.space.outcome_at(best)
        body["reservationBid"] = {
            "issuevalues": {
                issue.name: _number(issue, int(j)) if is_number else issue.options[int(j)]
                for issue, j, is_number in zip(domain.issues, outcome, numeric, strict=True)
            }
        }
        if not math.isclose(float(u[best]), profile.reservation, abs_tol=1e-9):
            note = (
                f"{name}: GeniusWeb reservations are bids: reservation {profile.reservation:.6g} "
                f"became the bid of utility {float(u[best]):.6g}"
            )
    return {"LinearAdditiveUtilitySpace": body}, note
