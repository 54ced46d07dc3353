"""Parameters of registered classes, as a scenario file gives them.

The schema of a protocol, agent, wrapper or constituency table is not kept by hand: it is
read from the registered class (:meth:`negsim.registry.Registry.parameters` — its attrs
fields, their resolved types and defaults). This module checks a TOML value against such a
type, strictly (no strings or booleans where numbers belong, no NaN or infinity, integers
within 64 bits), and describes the type in words for messages and the generated reference
(:mod:`negsim.scenario.reference`). Converters and validators of the class then run as usual
when it is built, so the class stays the one place its rules are written.

================================  ==========================================================
annotation                        accepted in a scenario file
================================  ==========================================================
``bool``                          a boolean
``int``                           an integer (not a boolean), ``|n| < 2**63``
``float``                         an integer or a number, finite
``str``                           a string
``Literal["a", "b"]``             one of the listed values
``tuple[X, ...]``, ``list[X]``    an array of X
``dict[str, X]``, ``Mapping``     a table of X
``X | None``                      X (leave the key out for ``None``)
an :class:`~negsim.Agent`         an agent: a name or a table ``{ kind = "...", ... }``
anything else                     any value; the class's converter decides
================================  ==========================================================
"""

from __future__ import annotations

import collections.abc
import math
import types
import typing
from typing import Any, Literal

from ..agents.base import Agent
from ..registry import Parameter

__all__ = ["INT_BOUND", "check_value", "describe_type", "is_agent_type"]

#: Integers in a scenario file are below this in absolute value (numpy's int64).
INT_BOUND = 2**63

_SCALARS: dict[type, str] = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
}


def _members(annotation: Any) -> tuple[Any, ...]:
    """The non-None members of a union, or the annotation itself."""
    origin = typing.get_origin(annotation)
    if origin is typing.Union or origin is types.UnionType:
        return tuple(a for a in typing.get_args(annotation) if a is not type(None))
    return (annotation,)


def is_agent_type(annotation: Any) -> bool:
    """Whether the annotation asks for an agent (an :class:`Agent` or a union with one)."""
    return any(isinstance(a, type) and issubclass(a, Agent) for a in _members(annotation))


def describe_type(annotation: Any) -> str:
    """The annotation in words: ``"a number"``, ``"an array of numbers"``, ``"one of ..."``."""
    members = _members(annotation)
    if len(members) > 1:
        return " or ".join(describe_type(m) for m in members)
    annotation = members[0]
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    if is_agent_type(annotation):
        return 'an agent (a name or { kind = "...", ... })'
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in args)
    if origin in (tuple, list, collections.abc.Sequence):
        item = args[0] if args else Any
        return f"an array of {_plural(describe_type(item))}"
    if origin in (dict, collections.abc.Mapping):
        item = args[1] if len(args) == 2 else Any
        return f"a table of {_plural(describe_type(item))}"
    return "a value"


def _plural(phrase: str) -> str:
    for article in ("an ", "a "):
        if phrase.startswith(article):
            head, _, rest = phrase.removeprefix(article).partition(" ")
            return f"{head}s" + (f" {rest}" if rest else "")
    return phrase


def _kind(value: Any) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names |= {list: "an array", dict: "a table"}
    return names.get(type(value), f"a {type(value).__name__}")


def check_value(value: Any, annotation: Any, path: str) -> list[tuple[str, str, str]]:
    """Problems ``(key path, what was found, what was expected)`` of ``value`` as
    ``annotation``; empty when it fits. Agents are checked by the caller."""
    members = _members(annotation)
    if value is None and len(members) < len(typing.get_args(annotation) or (0,)):
        return []  # an optional value left out
    if len(members) > 1:
        for member in members:
            if not check_value(value, member, path):
                return []
        return [(path, f"got {_kind(value)} {value!r}"[:120], describe_type(annotation))]
    annotation = members[0]
    found = f"got {_kind(value)} {value!r}"[:120]
    if annotation is Any or annotation is object or is_agent_type(annotation):
        return []
    if annotation is bool:
        return [] if isinstance(value, bool) else [(path, found, "a boolean")]
    if annotation is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return [] if abs(value) < INT_BOUND else [(path, found, "an integer below 2**63")]
        return [(path, found, "an integer")]
    if annotation is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if isinstance(value, int) and abs(value) >= INT_BOUND:
                return [(path, found, "a number below 2**63")]
            return [] if math.isfinite(value) else [(path, found, "a finite number")]
        return [(path, found, "a number")]
    if annotation is str:
        return [] if isinstance(value, str) else [(path, found, "a string")]
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Literal:
        ok = isinstance(value, str | int | float) and value in args
        return [] if ok else [(path, found, describe_type(annotation))]
    if origin in (tuple, list, collections.abc.Sequence):
        if not isinstance(value, list):
            return [(path, found, describe_type(annotation))]
        item = args[0] if args else Any
        return [p for i, v in enumerate(value) for p in check_value(v, item, f"{path}[{i}]")]
    if origin in (dict, collections.abc.Mapping):
        if not isinstance(value, dict):
            return [(path, found, describe_type(annotation))]
        item = args[1] if len(args) == 2 else Any
        return [p for k, v in value.items() for p in check_value(v, item, f"{path}.{k}")]
    return []


def parameter_row(parameter: Parameter) -> tuple[str, str, str]:
    """``(name, type in words, default)`` for the reference tables."""
    default = "required" if parameter.required else repr(parameter.default)
    if parameter.default is None:
        default = "none"
    return parameter.name, describe_type(parameter.annotation), default
