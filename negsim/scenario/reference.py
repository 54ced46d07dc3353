"""The generated part of ``docs/reference/scenario-schema.md``: the keys of every registered
protocol, agent, constituency and forecast model, read from the classes themselves, the
limits, and an example ``[protocol]`` table per protocol.

Regenerate after registering or changing a class (a test fails while the page is stale)::

    python -m negsim.scenario.reference docs/reference/scenario-schema.md

Only the text between the ``<!-- generated: begin -->`` and ``<!-- generated: end -->``
markers is replaced.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import tomli_w

from ..agents import AGENTS
from ..io import write_text_atomic
from ..protocols import PROTOCOLS
from ..registry import Registry, parameters_of
from ..spatial.bdm import BDMOptions
from ..spatial.models import MODELS
from .kinds import CONSTITUENCIES, PER_PARTY
from .params import parameter_row
from .reader import MAX_AGENT_NESTING, MAX_DEPTH, MAX_OUTCOMES, MAX_ROUNDS, MAX_SWEEP_STEPS

__all__ = ["BEGIN", "END", "generated", "protocol_example", "update"]

BEGIN = "<!-- generated: begin (python -m negsim.scenario.reference FILE) -->"
END = "<!-- generated: end -->"


def _rows(registry: Registry[Any], name: str) -> list[str]:
    rows = []
    parameters = registry.parameter_specs(name)
    if registry is MODELS and name == "bdm":  # a function of **options: its options class
        parameters = parameters_of(BDMOptions)
    for parameter in parameters:
        key, kind, default = parameter_row(parameter)
        if registry is PROTOCOLS and key == "opener":
            kind, default = "a party key (turned into the party's index)", "the first party"
        if registry is PROTOCOLS and key in PER_PARTY:
            kind = "an array of numbers (one per party, in order) or a table by party key"
        rows.append(f"| `{name}` | `{key}` | {kind} | {default} |")
    return rows or [f"| `{name}` | — | no parameters | |"]


def _table(title: str, registry: Registry[Any], note: str) -> str:
    lines = [f"### {title}", "", note, "", "| kind | key | type | default |"]
    lines.append("| --- | --- | --- | --- |")
    for name in registry:
        lines += _rows(registry, name)
    return "\n".join(lines)


def protocol_example(name: str, party_keys: tuple[str, ...] = ("first", "second")) -> str:
    """A ``[protocol]`` table for ``name`` with every parameter at its default."""
    table: dict[str, Any] = {"kind": name}
    for parameter in PROTOCOLS.parameter_specs(name):
        if parameter.name == "opener":
            table["opener"] = party_keys[0]
        elif parameter.name in PER_PARTY:
            table[parameter.name] = dict.fromkeys(party_keys, 1.0)
        elif not parameter.required and parameter.default is not None:
            table[parameter.name] = parameter.default
    return tomli_w.dumps({"protocol": table}).strip()


def generated() -> str:
    """The generated section of the schema reference (Markdown)."""
    limits = [
        ("options of one issue; outcomes of the whole space", MAX_OUTCOMES),
        ("`n_rounds` of a protocol", MAX_ROUNDS),
        ("nesting of tables and arrays", MAX_DEPTH),
        ("wrappers around an agent", MAX_AGENT_NESTING),
        ("`steps` of a sweep", MAX_SWEEP_STEPS),
    ]
    parts = [
        "## Parameters of registered kinds",
        "",
        "Read from the registered classes (their attrs fields, types and defaults), so a",
        "class you register yourself appears here, and in scenario files, the same way.",
        "",
        _table(
            "Protocols: `[protocol]`",
            PROTOCOLS,
            "`kind` picks the protocol (default `alternating-offers`). Changing `kind` keeps the"
            " keys the new protocol shares and drops the others with a one-line notice.",
        ),
        "",
        _table(
            'Agents: `agent = "name"` or `agent = { kind = "name", ... }`',
            AGENTS,
            "A wrapper's `agent` is itself an agent (a name or a table).",
        ),
        "",
        _table(
            "Constituencies: `[[parties.KEY.ratification.constituencies]]`",
            CONSTITUENCIES,
            "`kind` picks the constituency (default `poll`).",
        ),
        "",
        _table(
            "Forecast models (`negsim forecast --model NAME --option KEY=VALUE`)",
            MODELS,
            "Not part of scenario files; listed for completeness (`bdm`'s are the fields of"
            " `BDMOptions`).",
        ),
        "",
        "## Limits",
        "",
        "Checked before anything is allocated; `negsim validate` reports them.",
        "",
        "| what | at most |",
        "| --- | --- |",
        *(f"| {what} | {value:,} |" for what, value in limits),
        "",
        "## An example per protocol",
        "",
    ]
    for name in PROTOCOLS:
        parts += [f"`{name}`:", "", "```toml", protocol_example(name), "```", ""]
    return "\n".join(parts).rstrip() + "\n"


def update(path: str | Path) -> bool:
    """Rewrite the generated section of ``path``; whether it changed."""
    text = Path(path).read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END)
    new = f"{head}{BEGIN}\n{generated()}{END}{tail}"
    if new == text:
        return False
    write_text_atomic(path, new)
    return True


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    for target in sys.argv[1:]:
        print(f"{target}: {'updated' if update(target) else 'up to date'}")
