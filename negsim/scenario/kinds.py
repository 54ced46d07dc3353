"""Registered kinds in a scenario: agents (and wrappers), protocols, constituencies.

A table ``{ kind = "...", key = value, ... }`` (or, for an agent, just its name) is built by
the registered factory of that kind. Its keys are the factory's parameters, read from the
class (:meth:`negsim.registry.Registry.parameters`), checked strictly against their types
(:func:`negsim.scenario.params.check_value`), and then passed to the class, whose own
converters and validators have the last word. A user's own registered class is configurable
in exactly the same way. Two conversions belong to the file format:

* a protocol's ``opener`` (any protocol with an ``opener`` field) is a **party key**, turned
  into the party's index;
* a parameter whose type is an :class:`~negsim.Agent` (a wrapper's ``agent``) is an agent
  spec itself, read the same way, at most :data:`~negsim.scenario.reader.MAX_AGENT_NESTING`
  deep.

When ``protocol.kind`` names a protocol that lacks some keys the table gives and another
protocol has (``opener`` under ``single-text``), those keys are dropped with a notice rather
than refused, so "what if there had been a mediator?" is one ``--set protocol.kind=...``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..agents import AGENTS, Agent
from ..errors import did_you_mean
from ..protocols import PROTOCOLS, Protocol
from ..registry import Registry
from ..twolevel import Constituency, IdealPointConstituency, PollConstituency
from .params import INT_BOUND, check_value, is_agent_type
from .reader import MAX_AGENT_NESTING, MAX_ROUNDS, Reader, kind_of

__all__ = ["CONSTITUENCIES", "build_agent", "build_constituency", "build_kind", "build_protocol"]

#: Constituency kinds a ratification table may use, by ``kind``.
CONSTITUENCIES: Registry[Constituency] = Registry("constituency")
CONSTITUENCIES.register("poll", PollConstituency)
CONSTITUENCIES.register("ideal-point", IdealPointConstituency)


def build_kind(
    reader: Reader,
    path: str,
    registry: Registry[Any],
    name: str,
    params: Mapping[str, Any],
    depth: int = 0,
    given: Mapping[str, Any] | None = None,
) -> Any:
    """Build ``registry``'s ``name`` from ``params`` (checked against its parameters);
    ``given`` are values already converted by the caller. ``None`` if there were problems."""
    declared = {p.name: p for p in registry.parameter_specs(name)}
    kwargs: dict[str, Any] = dict(given or {})
    ok = True
    for key, value in params.items():
        where = f"{path}.{key}"
        if key not in declared:
            reader.problem(
                where, f"unknown key (not a parameter of {name!r})", did_you_mean(key, declared)
            )
            ok = False
        elif is_agent_type(declared[key].annotation):
            inner = build_agent(reader, where, value, depth + 1)
            if inner is None:
                ok = False
            else:
                kwargs[key] = inner
        else:
            found = check_value(value, declared[key].annotation, where)
            for where_, message, expected in found:
                reader.problem(where_, message, expected)
            if found:
                ok = False  # left out: the default stands in, so the others are still checked
            else:
                kwargs[key] = value
    missing = [p.name for p in declared.values() if p.required and p.name not in params]
    for key in missing:
        reader.problem(f"{path}.{key}", "missing", f"for {registry.family} {name!r}")
    if missing or any(p.required and p.name not in kwargs for p in declared.values()):
        return None
    made = reader.attempt(path, registry.factory(name), **kwargs)
    return made if ok else None


def build_agent(reader: Reader, path: str, raw: Any, depth: int = 0) -> Agent | None:
    """An agent from its name or a table ``{ kind = "...", parameter = value, ... }``."""
    if depth > MAX_AGENT_NESTING:
        reader.problem(
            path,
            f"agents nested more than {MAX_AGENT_NESTING} deep",
            f"at most {MAX_AGENT_NESTING} wrappers around an agent",
        )
        return None
    if isinstance(raw, str):
        name, params = raw, {}
    elif isinstance(raw, dict) and isinstance(raw.get("kind"), str):
        name, params = raw["kind"], {k: v for k, v in raw.items() if k != "kind"}
    else:
        reader.problem(path, f"got {kind_of(raw)}", 'an agent name or a table {kind = "...", ...}')
        return None
    if name not in AGENTS:
        reader.problem(path, f"no agent {name!r}", did_you_mean(name, AGENTS.names()))
        return None
    return build_kind(reader, path, AGENTS, name, params, depth)  # type: ignore[no-any-return]


def build_constituency(reader: Reader, path: str, raw: Any) -> Constituency | None:
    """A constituency from its table (``kind`` defaults to ``"poll"``)."""
    if not isinstance(raw, dict):
        reader.problem(path, f"got {kind_of(raw)}", "a table")
        return None
    kind = raw.get("kind", "poll")
    if not isinstance(kind, str) or kind not in CONSTITUENCIES:
        names = CONSTITUENCIES.names()
        reader.problem(
            f"{path}.kind", f"no constituency kind {kind!r}", did_you_mean(str(kind), names)
        )
        return None
    params = {k: v for k, v in raw.items() if k != "kind"}
    return build_kind(reader, path, CONSTITUENCIES, kind, params)  # type: ignore[no-any-return]


#: Protocol parameters with one number per party: an array in party order, or a table by
#: party key (``bias = { japan = 2, russia = 1 }``); at least one must be positive.
PER_PARTY = ("bias",)


def _per_party(reader: Reader, path: str, raw: Any, party_keys: list[str]) -> list[float] | None:
    n = len(party_keys)
    if isinstance(raw, dict):
        unknown = [k for k in raw if k not in party_keys]
        for key in unknown:
            reader.problem(f"{path}.{key}", "no such party", did_you_mean(key, party_keys))
        missing = [k for k in party_keys if k not in raw]
        if missing:
            reader.problem(path, f"no value for {', '.join(missing)}", "one per party")
        if unknown or missing:
            return None
        raw = [raw[k] for k in party_keys]
    found = check_value(raw, list[float], path)
    for where, message, expected in found:
        reader.problem(where, message, expected)
    if found:
        return None
    if len(raw) != n or not any(v > 0 for v in raw) or any(v < 0 for v in raw):
        reader.problem(path, f"{raw!r}"[:120], f"{n} numbers >= 0 (one per party), not all 0")
        return None
    return [float(v) for v in raw]


def build_protocol(reader: Reader, entry: dict[str, Any], party_keys: list[str]) -> Protocol | None:
    """The protocol from the ``[protocol]`` table; drops (with a notice) keys that only
    other protocols take, **removing them from** ``entry``."""
    kind = entry.get("kind", "alternating-offers")
    if not isinstance(kind, str) or kind not in PROTOCOLS:
        found = f"no protocol {kind!r}" if isinstance(kind, str) else f"got {kind_of(kind)}"
        reader.problem("protocol.kind", found, did_you_mean(str(kind), PROTOCOLS.names()))
        return None
    declared = {p.name for p in PROTOCOLS.parameter_specs(kind)}
    elsewhere = {p.name for other in PROTOCOLS for p in PROTOCOLS.parameter_specs(other)}
    dropped = [k for k in entry if k != "kind" and k not in declared and k in elsewhere]
    for key in dropped:
        del entry[key]
    if dropped:
        reader.notices.append(
            f"protocol.kind is {kind!r}: dropped {', '.join(dropped)} (not parameters of {kind})"
        )
    params = {k: v for k, v in entry.items() if k != "kind"}
    given: dict[str, Any] = {}
    ok = True
    if "opener" in declared and "opener" in params:
        opener = params.pop("opener")
        if not isinstance(opener, str) or opener not in party_keys:
            shown = opener if isinstance(opener, str) else f"{kind_of(opener)} {opener!r}"
            reader.problem(
                "protocol.opener", f"no party {shown!r}", did_you_mean(str(opener), party_keys)
            )
            ok = False
        else:
            given["opener"] = party_keys.index(opener)
    for key in PER_PARTY:
        if key in declared and key in params:
            value = _per_party(reader, f"protocol.{key}", params.pop(key), party_keys)
            ok = ok and value is not None
            given[key] = value
    rounds = params.get("n_rounds")
    if isinstance(rounds, int) and not isinstance(rounds, bool) and MAX_ROUNDS < rounds < INT_BOUND:
        reader.problem(
            "protocol.n_rounds", f"{rounds:,} rounds", f"at most {MAX_ROUNDS:,} (the rounds limit)"
        )
        ok = False
    made = build_kind(reader, "protocol", PROTOCOLS, kind, params, given=given)
    return made if ok else None
