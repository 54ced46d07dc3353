"""What GENIUS and GeniusWeb files say, and how it maps onto a negsim scenario.

Both formats describe a **domain** (the issues and their values) and, per party, an
additive **profile**: a weight ``w_i`` per issue and an evaluation ``e_i(x) ∈ [0, 1]`` of
each value, computed as the format itself computes it (GENIUS divides a discrete issue's
evaluations by their largest, clamps linear evaluators to ``[0, 1]``; GeniusWeb uses the
utilities as written). The format's utility of an outcome ``ω`` is

.. math::  u(ω) = \\min\\Big(1, \\sum_i w_i\\, e_i(ω_i)\\Big)   \\quad\\text{(GENIUS)}, \\qquad
           u(ω) = \\sum_i w_i\\, e_i(ω_i)   \\quad\\text{(GeniusWeb)},

(:meth:`Profile.utilities`). GENIUS does not normalise the weights of a profile it reads from
a file; GeniusWeb refuses weights that do not sum to 1. negsim's
:class:`~negsim.LinearAdditive` needs ``Σ w = 1``, so with ``s = Σ_i w_i``:

* ``s ≤ 1`` (within :data:`WEIGHT_TOLERANCE` of 1, or below): the utilities are kept
  **exactly** — weights ``w_i / s`` and tables ``s · e_i``, whose weighted sum is the same;
* ``s > 1``: GENIUS caps the sum at 1, which no additive model can express, so the weights
  are **normalised** to ``w_i / s`` and the tables kept; the scenario's notes say so (the
  utilities are GENIUS's divided by ``s`` wherever GENIUS does not cap them).

**Discounting.** GENIUS discounts by normalised time ``t ∈ [0, 1]``: ``u · d^t``. negsim
discounts per round, ``δ^r``; with a deadline of ``R`` rounds, round ``r`` is at time
``r / R``, so ``δ = d^{1/R}`` (:func:`per_round_discount`), with ``R`` the protocol's
``n_rounds`` (:data:`DEFAULT_ROUNDS` for a folder read). Writing back, ``d = (δ D)^R`` with
``D`` the protocol's common discount. This is an approximation of GENIUS's clocks (a rounds
deadline in GENIUS counts ``t = round / (R + 1)``, a round being one move of every party; a
time deadline counts seconds). GENIUS also discounts the reservation value; negsim does not
(a party gets its reservation value whenever the talks end without a deal).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ..errors import NegsimError
from ..issues import Issue
from ..outcomes import OutcomeSpace
from ..position import Position
from ..preferences import LinearAdditive
from ..protocols import AlternatingOffers

__all__ = [
    "DEFAULT_ROUNDS",
    "WEIGHT_TOLERANCE",
    "Domain",
    "Profile",
    "affine",
    "from_scenario",
    "party_key",
    "per_round_discount",
    "reading_notes",
    "scenario_data",
]

#: ``n_rounds`` of the alternating-offers protocol a folder is read with (negsim's default).
DEFAULT_ROUNDS = 100
#: Weights summing to within this of 1 count as summing to 1 (rounding in the files).
WEIGHT_TOLERANCE = 1e-6


def _issue_tuple(issues: Iterable[Issue]) -> tuple[Issue, ...]:
    return tuple(issues)


def _floats(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


def _strings(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


@attrs.frozen
class Domain:
    """A domain: its name and its issues (negsim :class:`~negsim.Issue` objects: GENIUS
    discrete issues are categorical, integer issues integer, real issues continuous)."""

    name: str
    issues: tuple[Issue, ...] = attrs.field(converter=_issue_tuple)

    @property
    def space(self) -> OutcomeSpace:
        """The outcome space of the issues."""
        return OutcomeSpace(self.issues)


def _tables(tables: Sequence[Sequence[float]]) -> tuple[tuple[float, ...], ...]:
    return tuple(tuple(float(v) for v in t) for t in tables)


@attrs.frozen
class Profile:
    """One party's additive profile as its file gives it (see the module docstring).

    ``weights[i]`` and ``tables[i][j]`` (the evaluation ``e_i`` of option ``j`` of issue
    ``i``, in ``[0, 1]``) follow the domain's issue order; ``discount`` is GENIUS's factor
    per unit of normalised time (1: none); ``capped`` says whether the format caps the
    weighted sum at 1 (GENIUS does). ``notes`` say what the reader did that the file did
    not say (a repeated value, a discount GENIUS discards, ...).
    """

    name: str
    weights: tuple[float, ...] = attrs.field(converter=_floats)
    tables: tuple[tuple[float, ...], ...] = attrs.field(converter=_tables)
    reservation: float = 0.0
    discount: float = 1.0
    capped: bool = True
    notes: tuple[str, ...] = attrs.field(default=(), converter=_strings)

    def utilities(self, domain: Domain) -> npt.NDArray[np.float64]:
        """The format's utility of every outcome of ``domain``, in negsim's index order
        (the formula of the module docstring, computed here independently of negsim's
        preference models, so that the two can be compared)."""
        total: npt.NDArray[np.float64] = np.zeros(())
        for weight, table in zip(self.weights, self.tables, strict=True):
            total = np.add.outer(total, weight * np.asarray(table, dtype=float))
        flat = total.ravel()
        return np.minimum(flat, 1.0) if self.capped else flat


def per_round_discount(discount: float, n_rounds: int = DEFAULT_ROUNDS) -> float:
    """negsim's per-round factor ``δ = d^{1/R}`` for GENIUS's time discount ``d``."""
    return float(discount ** (1.0 / n_rounds)) if discount < 1.0 else 1.0


_KEY = re.compile(r"[^A-Za-z0-9_-]+")


def party_key(name: str, taken: Sequence[str] = ()) -> str:
    """A party key (letters, digits, ``_``, ``-``) from a profile's name, unique among
    ``taken``."""
    key = _KEY.sub("_", name).strip("_-") or "party"
    if key[0].isdigit():
        key = f"p{key}"
    unique, n = key, 2
    while unique in taken:
        unique, n = f"{key}_{n}", n + 1
    return unique


def _issue_entry(issue: Issue) -> dict[str, Any]:
    if issue.kind == "integer":
        assert issue.values is not None
        return {
            "name": issue.name,
            "kind": "integer",
            "low": int(issue.values[0]),
            "high": int(issue.values[-1]),
        }
    if issue.kind == "continuous":
        assert issue.values is not None
        low, high = float(issue.values[0]), float(issue.values[-1])
        resolution = (high - low) / (issue.size - 1) if issue.size > 1 else 1.0
        return {
            "name": issue.name,
            "kind": "continuous",
            "low": low,
            "high": high,
            "resolution": resolution,
        }
    return {"name": issue.name, "kind": issue.kind, "options": list(issue.options)}


def _party_entry(domain: Domain, profile: Profile, n_rounds: int) -> tuple[dict[str, Any], str]:
    """A party's table and a note (``""`` if none) on what the weights needed."""
    total = math.fsum(profile.weights)
    if total <= 0:
        raise NegsimError(f"{profile.name}: every weight is 0 (expected a positive weight)")
    note = ""
    scale = 1.0
    if total > 1.0 + WEIGHT_TOLERANCE:
        note = (
            f"{profile.name}: the weights sum to {total:.6g}; normalised to 1 (GENIUS would "
            f"cap the weighted sum at 1: utilities here are GENIUS's divided by {total:.6g})"
        )
    elif total < 1.0 - WEIGHT_TOLERANCE:
        scale = total  # exact: weights w / s, tables s · e
    values: dict[str, Any] = {}
    for issue, table in zip(domain.issues, profile.tables, strict=True):
        scaled = [min(1.0, max(0.0, scale * v)) for v in table]
        if issue.kind in ("categorical", "ordered"):
            values[issue.name] = dict(zip(issue.options, scaled, strict=True))
        else:
            values[issue.name] = scaled
    weights = {i.name: w / total for i, w in zip(domain.issues, profile.weights, strict=True)}
    entry: dict[str, Any] = {
        "label": profile.name,
        "reservation": profile.reservation,
        "weights": weights,
        "values": values,
    }
    if profile.discount < 1.0:
        entry["discount"] = per_round_discount(profile.discount, n_rounds)
    return entry, note


def scenario_data(
    domain: Domain,
    profiles: Sequence[Profile],
    *,
    description: str,
    notes: Sequence[str] = (),
    n_rounds: int = DEFAULT_ROUNDS,
) -> dict[str, Any]:
    """negsim scenario data (the TOML tables) for ``domain`` and ``profiles``: one party per
    profile, alternating offers with ``n_rounds`` rounds, every note in ``scenario.notes``."""
    parties: dict[str, Any] = {}
    all_notes = list(notes)
    for profile in profiles:
        key = party_key(profile.name, list(parties))
        entry, note = _party_entry(domain, profile, n_rounds)
        parties[key] = entry
        all_notes += list(profile.notes) + ([note] if note else [])
        if profile.discount < 1.0:
            all_notes.append(
                f"{profile.name}: GENIUS discount {profile.discount:g} per unit of time is "
                f"{entry['discount']:.6g} per round over {n_rounds} rounds"
            )
    meta: dict[str, Any] = {"title": domain.name, "description": description}
    if all_notes:
        meta["notes"] = "\n".join(all_notes)
    return {
        "scenario": meta,
        "issues": [_issue_entry(issue) for issue in domain.issues],
        "parties": parties,
        "protocol": {"kind": "alternating-offers", "n_rounds": n_rounds},
    }


def reading_notes(data: Mapping[str, Any]) -> list[str]:
    """The notes :func:`scenario_data` recorded (one per line of ``scenario.notes``)."""
    text = data.get("scenario", {}).get("notes", "")
    return [line for line in str(text).splitlines() if line.strip()]


# --- writing ---------------------------------------------------------------------------------


def _unsupported(scenario: Any) -> list[str]:
    """What a scenario has that GENIUS and GeniusWeb profiles cannot say."""
    found = []
    protocol = scenario.protocol
    if not isinstance(protocol, AlternatingOffers):
        found.append(
            f"protocol.kind: {type(protocol).name!r} (GENIUS and GeniusWeb files hold no "
            "protocol; only alternating offers, GENIUS's SAOP, converts faithfully)"
        )
    elif protocol.breakdown_probability > 0:
        found.append("protocol.breakdown_probability: GENIUS has no chance breakdown")
    for key, party, ratification in zip(
        scenario.keys, scenario.parties, scenario.ratifications, strict=True
    ):
        position = party.preferences
        base = position.base if isinstance(position, Position) else position
        if not isinstance(base, LinearAdditive):
            found.append(f"parties.{key}: a {type(base).__name__}, not a linear additive model")
        if isinstance(position, Position):
            for field in ("red_lines", "preconditions", "pressures"):
                if getattr(position, field):
                    found.append(f"parties.{key}.{field}: GENIUS profiles have none")
        if ratification is not None:
            found.append(f"parties.{key}.ratification: GENIUS has no ratification stage")
    return found


def from_scenario(scenario: Any) -> tuple[Domain, list[Profile], list[str]]:
    """A scenario's domain and one profile per party (with ``capped=False``: the exact
    additive utilities), and the notes on what the conversion approximated. Raises
    :class:`~negsim.errors.NegsimError` listing everything the formats cannot express."""
    problems = _unsupported(scenario)
    if problems:
        raise NegsimError(
            f"{scenario.source}: cannot be written as GENIUS/GeniusWeb files:\n  "
            + "\n  ".join(problems)
        )
    protocol = scenario.protocol
    rounds = int(protocol.n_rounds)
    common = float(protocol.discount)
    notes = []
    agents = [k for k in scenario.keys if "agent" in scenario.data["parties"][k]]
    if agents or rounds != DEFAULT_ROUNDS:
        notes.append(
            "the files hold preferences only: read back, every party has negsim's default "
            f"agent and the talks {DEFAULT_ROUNDS} rounds of alternating offers (this scenario: "
            f"{rounds} rounds{', agents for ' + ', '.join(agents) if agents else ''})"
        )
    profiles = []
    for key, party in zip(scenario.keys, scenario.parties, strict=True):
        position = party.preferences
        base = position.base if isinstance(position, Position) else position
        assert isinstance(base, LinearAdditive)  # checked by _unsupported
        factor = float(position.discount) * common
        discount = factor**rounds if factor < 1.0 else 1.0
        if factor < 1.0:
            notes.append(
                f"parties.{key}: discount {factor:.6g} per round over {rounds} rounds is "
                f"{discount:.6g} per unit of GENIUS time"
            )
        profiles.append(
            Profile(
                key,
                [float(w) for w in base.weights],
                [t.tolist() for t in base.tables],
                reservation=float(position.reservation),
                discount=discount,
                capped=False,
            )
        )
    return Domain(scenario.title, scenario.space.issues), profiles, notes


def affine(issue: Issue, tables: list[list[float]]) -> bool:
    """Whether every table is affine in the issue's values, ``t(x) = t(x₀) + s (x - x₀)`` to
    within 10⁻¹² (so a GENIUS linear evaluator or a GeniusWeb number value set holds it
    exactly)."""
    if issue.values is None or issue.size < 2:
        return False
    x = issue.values.astype(float)
    for table in tables:
        t = np.asarray(table)
        slope = (t[-1] - t[0]) / (x[-1] - x[0])
        if not np.allclose(t[0] + slope * (x - x[0]), t, rtol=0, atol=1e-12):
            return False
    return True
