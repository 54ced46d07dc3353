"""GENIUS XML: domains (``<negotiation_template>``) and additive profiles (``<utility_space>``).

Read as GENIUS 10.4 reads them (``DomainImpl``, ``AdditiveUtilitySpace``, the evaluators):

* issues are found at any depth under the root ``<objective>``, sub-objectives first, in
  GENIUS's pre-order; a profile's ``<issue>`` and ``<weight>`` are matched to the domain's by
  their ``index`` attribute, and only **direct** children count (the nested
  ``<similarity_function>/<criteria_function>/<item>`` of some files are ignored, as GENIUS
  ignores them);
* **discrete** issue: ``e(x) = evaluation(x) / max evaluation`` (0 if the largest is below
  1e-5); a value listed twice keeps its last evaluation (GENIUS's map does the same);
* **integer** issue ``[lowerbound, upperbound]``: ``e(x) = clamp(offset + slope (x - low))``;
* **real** issue ``[lowerbound, upperbound]`` (in ``<range>``): discretised at 21 evenly
  spaced points as GENIUS's analysis does (``IssueReal``'s 21 discretisation steps), or at the
  ``resolution`` attribute of ``<range>`` when present (negsim writes it; GENIUS ignores it);
  evaluators ``linear`` (``clamp(parameter1 · x + parameter0)``), ``constant``
  (``parameter0``) and ``triangular`` (``parameter0`` low, ``parameter1`` high, ``parameter2``
  top);
* ``<discount_factor value>`` outside ``(0, 1]`` is discarded (factor 1), as GENIUS does;
  ``<reservation value>`` defaults to 0;
* ``type="UNCERTAIN"`` profiles (ANAC 2018 preference uncertainty) are read as their additive
  utility space — the true preferences — and the elicitation settings (``comparisons``,
  ``errors``, ...) are left out, with a note.

Refused with the element named: an issue without evaluator or weight, a value without a
numeric evaluation, a negative evaluation or one of the non-standard GeniusBI elements
(``<optout>``, ``<timeeffect>``, ``<weightmultiplyer>``), a profile whose issues or values are
not the domain's, non-additive utility spaces (``NONLINEAR``, ``CONSTRAINT``), evaluator
functions GENIUS cannot evaluate (``faratin``), and an issue type GENIUS has that negsim does
not (``objective`` issues).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

import numpy as np

from ..issues import Issue, categorical, continuous, integer
from ..scenario.reader import MAX_OUTCOMES, Problem, ScenarioError
from .model import Domain, Profile, affine
from .safexml import XmlDocument, parse_xml

__all__ = [
    "GENIUS_REAL_STEPS",
    "domain_xml",
    "profile_xml",
    "read_domain",
    "read_profile",
]

#: Points GENIUS's analysis discretises a real issue into (``IssueReal``).
GENIUS_REAL_STEPS = 21
_BI_EXTENSIONS = ("optout", "timeeffect", "weightmultiplyer")
_UNCERTAIN = ("comparisons", "errors", "elicitation_cost", "fixed_seed", "experimental")


class _Collector:
    def __init__(self, document: XmlDocument) -> None:
        self.document = document
        self.problems: list[Problem] = []

    def add(self, element: ET.Element, message: str, expected: str = "") -> None:
        self.problems.append(Problem(self.document.path(element), message, expected))

    def number(
        self, element: ET.Element, attribute: str, kind: Callable[[str], Any] = float
    ) -> Any:
        raw = element.get(attribute)
        if raw is None:
            self.add(element, f"no {attribute!r} attribute", "a number")
            return None
        try:
            value = kind(raw.strip())
        except ValueError:
            self.add(element, f"{attribute}={raw!r}", "an integer" if kind is int else "a number")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self.add(element, f"{attribute}={raw!r}", "a finite number")
            return None
        return value

    def check(self) -> None:
        if self.problems:
            raise ScenarioError(self.document.source, self.problems)


def _issue_elements(element: ET.Element) -> list[ET.Element]:
    """Issues under ``element`` in GENIUS's pre-order: sub-objectives first, then issues."""
    found: list[ET.Element] = []
    for child in element.findall("objective"):
        found += _issue_elements(child)
    return found + element.findall("issue")


def _issue_type(element: ET.Element) -> str:
    return (element.get("type") or "discrete").lower()


def _root_objective(doc: XmlDocument, space: ET.Element, what: str) -> ET.Element:
    objectives = space.findall("objective")
    if not objectives:
        problem = Problem(doc.path(space), "no <objective>", f"the root <objective> of the {what}")
        raise ScenarioError(doc.source, [problem])
    return objectives[0]


def read_domain(data: bytes, source: str) -> tuple[Domain, dict[str, int]]:
    """The domain of a GENIUS ``<negotiation_template>`` file, and each issue's ``index``."""
    doc = parse_xml(data, source)
    if doc.root.tag != "negotiation_template":
        raise ScenarioError(
            source,
            [Problem(doc.path(doc.root), f"root <{doc.root.tag}>", "<negotiation_template>")],
        )
    spaces = doc.root.findall("utility_space")
    if not spaces:
        problem = Problem(doc.path(doc.root), "no <utility_space>", "the domain's <utility_space>")
        raise ScenarioError(source, [problem])
    root = _root_objective(doc, spaces[0], "domain")
    out = _Collector(doc)
    issues: list[Issue] = []
    indices: dict[str, int] = {}
    size = 1
    for element in _issue_elements(root):
        name = (element.get("name") or "").strip()
        index = out.number(element, "index", int)
        if not name:
            out.add(element, "no name", "a name attribute")
            continue
        if name in indices:
            out.add(element, f"repeated issue name {name!r}", "unique issue names")
            continue
        issue = _domain_issue(out, element, name)
        if issue is None or index is None:
            continue
        if index in indices.values():
            out.add(element, f"repeated index {index}", "unique issue indices")
            continue
        indices[name] = index
        issues.append(issue)
        size *= issue.size
    if not issues and not out.problems:
        out.add(root, "no issues", "at least one <issue>")
    if size > MAX_OUTCOMES:
        shape = " x ".join(str(i.size) for i in issues)
        out.add(root, f"{size:,} outcomes ({shape})", f"at most {MAX_OUTCOMES:,}")
    out.check()
    name = root.get("name") or ""
    return Domain(name, issues), indices


def _domain_issue(out: _Collector, element: ET.Element, name: str) -> Issue | None:
    kind = _issue_type(element)
    if kind == "discrete":
        items = element.findall("item")
        values = []
        for item in items:
            value = item.get("value")
            if value is None:
                out.add(item, "no value attribute", "the value's label")
                return None
            values.append(value)
        if not values:
            out.add(element, "no <item> values", "at least one <item value=...>")
            return None
        repeated = sorted({v for v in values if values.count(v) > 1})
        if repeated:
            out.add(element, f"value(s) {repeated} listed more than once", "distinct values")
            return None
        if len(values) > MAX_OUTCOMES:
            out.add(element, f"{len(values):,} values", f"at most {MAX_OUTCOMES:,}")
            return None
        return categorical(name, values)
    if kind == "integer":
        low = out.number(element, "lowerbound", int)
        high = out.number(element, "upperbound", int)
        if low is None or high is None:
            return None
        if high < low:
            out.add(element, f"upperbound {high} < lowerbound {low}", "lowerbound <= upperbound")
            return None
        if high - low + 1 > MAX_OUTCOMES:
            out.add(element, f"{high - low + 1:,} values", f"at most {MAX_OUTCOMES:,}")
            return None
        return integer(name, low, high)
    if kind == "real":
        ranges = element.findall("range")
        if not ranges:
            out.add(element, "no <range>", "<range lowerbound=... upperbound=...>")
            return None
        low = out.number(ranges[0], "lowerbound")
        high = out.number(ranges[0], "upperbound")
        if low is None or high is None:
            return None
        if high <= low:
            out.add(ranges[0], f"upperbound {high} <= lowerbound {low}", "lowerbound < upperbound")
            return None
        resolution = (high - low) / (GENIUS_REAL_STEPS - 1)
        if ranges[0].get("resolution") is not None:
            given = out.number(ranges[0], "resolution")
            if given is None:
                return None
            steps = (high - low) / given if given > 0 else math.inf
            if not (given > 0 and math.isclose(steps, round(steps), abs_tol=1e-9)):
                out.add(ranges[0], f"resolution={given}", "a positive step dividing the range")
                return None
            if steps + 1 > MAX_OUTCOMES:
                out.add(ranges[0], f"{steps + 1:,.0f} values", f"at most {MAX_OUTCOMES:,}")
                return None
            resolution = given
        return continuous(name, low, high, resolution)
    if kind == "objective":
        out.add(
            element,
            "an issue of type 'objective' (GENIUS leaves objective evaluators out of utilities)",
            "discrete, integer or real issues",
        )
        return None
    out.add(
        element,
        f"issue type {kind!r} (GENIUS warns 'Type specified incorrectly' and guesses discrete)",
        "type discrete, integer or real",
    )
    return None


def read_profile(
    data: bytes, source: str, domain: Domain, indices: dict[str, int], name: str
) -> Profile:
    """A GENIUS additive ``<utility_space>`` profile of ``domain`` (module docstring)."""
    doc = parse_xml(data, source)
    space = doc.root
    if space.tag != "utility_space":
        raise ScenarioError(
            source, [Problem(doc.path(space), f"root <{space.tag}>", "<utility_space>")]
        )
    out = _Collector(doc)
    notes: list[str] = []
    kind = (space.get("type") or "LINEAR").upper()
    if kind == "UNCERTAIN":
        notes.append(
            f"{name}: an UNCERTAIN profile, read as its additive utility space (the true "
            "preferences); its elicitation settings are left out"
        )
    elif kind != "LINEAR":
        problem = Problem(
            doc.path(space),
            f'type="{space.get("type")}" (a non-additive utility space)',
            "an additive profile (no type, or LINEAR / UNCERTAIN)",
        )
        raise ScenarioError(source, [problem])
    for child in space:
        if child.tag in _BI_EXTENSIONS:
            out.add(
                child,
                f"<{child.tag}> is a GeniusBI extension (opt-out, time effects), not GENIUS",
                "a standard GENIUS profile",
            )
    reservation = 0.0
    found = space.findall("reservation")
    if found:
        value = out.number(found[0], "value")
        if value is not None:
            if not 0.0 <= value <= 1.0:
                out.add(found[0], f"value={value}", "a reservation value in [0, 1]")
            reservation = value
    discount = 1.0
    found = space.findall("discount_factor")
    if found:
        value = out.number(found[0], "value")
        if value is not None and 0.0 < value <= 1.0:
            discount = value
        elif value is not None:
            notes.append(f"{name}: discount_factor {value:g} discarded (factor 1), as GENIUS does")
    root = _root_objective(doc, space, "profile")
    weights: dict[int, tuple[float, ET.Element]] = {}
    evaluators: dict[int, ET.Element] = {}
    _collect(out, root, weights, evaluators)
    by_index = {index: issue for issue, index in zip(domain.issues, indices.values(), strict=True)}
    for index, element in evaluators.items():
        if index not in by_index:
            out.add(
                element, f"issue index {index} is not in the domain", "a profile of this domain"
            )
        elif (element.get("name") or "").strip() != by_index[index].name:
            out.add(
                element,
                f"issue {element.get('name')!r} where the domain has {by_index[index].name!r}",
                "a profile of this domain",
            )
    for index, (_, weight_at) in weights.items():
        if index not in by_index:
            out.add(
                weight_at, f"weight for issue index {index}, not in the domain", "a domain issue"
            )
    tables: list[list[float]] = []
    weight_list: list[float] = []
    for issue, index in zip(domain.issues, indices.values(), strict=True):
        found_element = evaluators.get(index)
        if found_element is None:
            out.add(
                root, f'no evaluator (<issue index="{index}">) for {issue.name!r}', "one per issue"
            )
            continue
        element = found_element
        if index not in weights:
            out.add(
                element, f'no <weight index="{index}"> for {issue.name!r}', "a weight per issue"
            )
            continue
        weight, weight_element = weights[index]
        if weight < 0:
            out.add(weight_element, f"value={weight}", "a weight >= 0")
        table = _evaluations(out, element, issue, name, notes)
        if table is not None:
            tables.append(table)
            weight_list.append(weight)
    out.check()
    return Profile(name, weight_list, tables, reservation, discount, capped=True, notes=notes)


def _collect(
    out: _Collector,
    element: ET.Element,
    weights: dict[int, tuple[float, ET.Element]],
    evaluators: dict[int, ET.Element],
) -> None:
    objectives = {child.get("index") for child in element.findall("objective")}
    for weight in element.findall("weight"):
        if weight.get("index") in objectives:
            continue  # a sub-objective's weight: GENIUS's utility sums over issues only
        index = out.number(weight, "index", int)
        value = out.number(weight, "value")
        if index is not None and value is not None:
            weights[index] = (value, weight)
    for issue in element.findall("issue"):
        index = out.number(issue, "index", int)
        if index is not None:
            evaluators[index] = issue
    for child in element.findall("objective"):
        _collect(out, child, weights, evaluators)


def _evaluations(
    out: _Collector, element: ET.Element, issue: Issue, name: str, notes: list[str]
) -> list[float] | None:
    kind = _issue_type(element)
    expected = {"categorical": "discrete", "integer": "integer", "continuous": "real"}[issue.kind]
    if kind != expected:
        out.add(element, f"type {kind!r} where the domain's issue is {expected!r}", expected)
        return None
    if kind == "discrete":
        return _discrete(out, element, issue, name, notes)
    evaluator = element.findall("evaluator")
    if not evaluator:
        out.add(element, "no <evaluator>", f"the {kind} issue's evaluator function")
        return None
    assert issue.values is not None
    x = issue.values.astype(float)
    if kind == "integer":
        low = out.number(element, "lowerbound", int)
        slope = out.number(evaluator[0], "slope")
        offset = out.number(evaluator[0], "offset")
        if low is None or slope is None or offset is None:
            return None
        return np.clip(offset + slope * (x - low), 0.0, 1.0).tolist()  # type: ignore[no-any-return]
    ftype = (evaluator[0].get("ftype") or "").lower()
    if ftype == "linear":
        p0, p1 = out.number(evaluator[0], "parameter0"), out.number(evaluator[0], "parameter1")
        if p0 is None or p1 is None:
            return None
        return np.clip(p1 * x + p0, 0.0, 1.0).tolist()  # type: ignore[no-any-return]
    if ftype == "constant":
        p0 = out.number(evaluator[0], "parameter0")
        if p0 is None:
            return None
        if not 0.0 <= p0 <= 1.0:
            out.add(evaluator[0], f"parameter0={p0}", "a constant evaluation in [0, 1]")
            return None
        return [p0] * issue.size
    if ftype == "triangular":
        low, high, top = (out.number(evaluator[0], f"parameter{k}") for k in range(3))
        if low is None or high is None or top is None:
            return None
        if not low <= top <= high or low == high:
            out.add(evaluator[0], f"low {low}, high {high}, top {top}", "low <= top <= high")
            return None
        rising = (x - low) / (top - low) if top > low else np.ones_like(x)
        falling = 1 - (x - top) / (high - top) if high > top else np.zeros_like(x)
        e = np.where(x < low, 0.0, np.where(x < top, rising, np.where(x < high, falling, 0.0)))
        return e.tolist()  # type: ignore[no-any-return]
    out.add(
        evaluator[0],
        f"evaluator ftype={evaluator[0].get('ftype')!r}",
        "linear, constant or triangular (GENIUS evaluates no other)",
    )
    return None


def _discrete(
    out: _Collector, element: ET.Element, issue: Issue, name: str, notes: list[str]
) -> list[float] | None:
    given: dict[str, float] = {}
    ok = True
    for item in element.findall("item"):
        value = item.get("value")
        if value is None:
            out.add(item, "no value attribute", "the value's label")
            ok = False
            continue
        evaluation = out.number(item, "evaluation")
        if evaluation is None:
            ok = False
            continue
        if evaluation < 0:
            out.add(
                item,
                f"evaluation={evaluation}",
                "an evaluation >= 0 (negative evaluations are a GeniusBI extension)",
            )
            ok = False
            continue
        if value not in issue.options:
            out.add(
                item,
                f"value {value!r} is not in the domain's issue {issue.name!r}",
                "a value of the domain",
            )
            ok = False
            continue
        if value in given and given[value] != evaluation:
            notes.append(
                f"{name}: {issue.name}: value {value!r} is listed twice; its last evaluation "
                f"({evaluation:g}) counts, as in GENIUS"
            )
        given[value] = evaluation
    missing = [o for o in issue.options if o not in given]
    if ok and missing:
        out.add(element, f"no evaluation for value(s) {missing}", "an <item> per value")
        return None
    if not ok:
        return None
    top = max(given.values())
    if top < 1e-5:
        return [0.0] * issue.size
    return [given[o] / top for o in issue.options]


# --- writing ---------------------------------------------------------------------------------


def _number(x: float) -> str:
    return repr(float(x))  # shortest text that reads back as the same float


def genius_kinds(domain: Domain, profiles: list[Profile]) -> list[str]:
    """How each issue is written: ``discrete``, ``integer`` or ``real`` (a numeric issue
    whose tables are not all affine is written as discrete, with its values as labels)."""
    kinds = []
    for i, issue in enumerate(domain.issues):
        tables = [list(p.tables[i]) for p in profiles]
        if issue.kind == "integer" and affine(issue, tables):
            kinds.append("integer")
        elif issue.kind == "continuous" and affine(issue, tables):
            kinds.append("real")
        else:
            kinds.append("discrete")
    return kinds


def _objective(parent: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(
        parent,
        "objective",
        {"index": "0", "etype": "objective", "type": "objective", "description": "", "name": name},
    )


def _issue(parent: ET.Element, index: int, issue: Issue, kind: str) -> ET.Element:
    attributes = {
        "index": str(index),
        "etype": kind,
        "type": kind,
        "vtype": kind,
        "name": issue.name,
    }
    element = ET.SubElement(parent, "issue", attributes)
    if kind == "integer":
        assert issue.values is not None
        element.set("lowerbound", str(int(issue.values[0])))
        element.set("upperbound", str(int(issue.values[-1])))
    return element


def _text(root: ET.Element) -> str:
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def domain_xml(domain: Domain, kinds: list[str]) -> str:
    """GENIUS domain XML (``<negotiation_template>``)."""
    root = ET.Element("negotiation_template")
    space = ET.SubElement(root, "utility_space", {"number_of_issues": str(len(domain.issues))})
    objective = _objective(space, domain.name)
    for i, (issue, kind) in enumerate(zip(domain.issues, kinds, strict=True), start=1):
        element = _issue(objective, i, issue, kind)
        if kind == "discrete":
            for j, option in enumerate(issue.options, start=1):
                ET.SubElement(
                    element, "item", {"index": str(j), "value": option, "description": option}
                )
        elif kind == "real":
            assert issue.values is not None
            low, high = float(issue.values[0]), float(issue.values[-1])
            ET.SubElement(
                element,
                "range",
                {
                    "lowerbound": _number(low),
                    "upperbound": _number(high),
                    "resolution": _number((high - low) / (issue.size - 1)),
                },
            )
    return _text(root)


def profile_xml(domain: Domain, profile: Profile, kinds: list[str]) -> str:
    """A GENIUS additive profile (``<utility_space>``) whose GENIUS utilities are the
    profile's additive utilities: a discrete issue's evaluations are written divided by
    their largest ``m_i`` and its weight multiplied by ``m_i`` (GENIUS divides by the
    largest again), so ``Σ w_i e_i`` is unchanged and the weights sum to at most 1."""
    root = ET.Element("utility_space")
    objective = _objective(root, domain.name)
    weights = []
    for i, (issue, kind, table) in enumerate(
        zip(domain.issues, kinds, profile.tables, strict=True), start=1
    ):
        element = _issue(objective, i, issue, kind)
        weight = profile.weights[i - 1]
        t = np.asarray(table, dtype=float)
        if kind == "discrete":
            top = float(t.max())
            for j, (option, value) in enumerate(zip(issue.options, t, strict=True), start=1):
                evaluation = value / top if top > 0 else 0.0
                ET.SubElement(
                    element,
                    "item",
                    {"index": str(j), "value": option, "evaluation": _number(evaluation)},
                )
            weight *= top if top > 0 else 1.0  # all zeros: any weight gives 0
        else:
            assert issue.values is not None
            x = issue.values.astype(float)
            slope = (t[-1] - t[0]) / (x[-1] - x[0])
            if kind == "integer":
                attributes = {"ftype": "linear", "slope": _number(slope), "offset": _number(t[0])}
            else:
                intercept = t[0] - slope * x[0]
                ET.SubElement(
                    element, "range", {"lowerbound": _number(x[0]), "upperbound": _number(x[-1])}
                )
                attributes = {
                    "ftype": "linear",
                    "parameter0": _number(intercept),
                    "parameter1": _number(slope),
                }
            ET.SubElement(element, "evaluator", attributes)
        weights.append(weight)
    for i, weight in enumerate(weights, start=1):
        ET.SubElement(objective, "weight", {"index": str(i), "value": _number(weight)})
    ET.SubElement(root, "discount_factor", {"value": _number(profile.discount)})
    ET.SubElement(root, "reservation", {"value": _number(profile.reservation)})
    return _text(root)
