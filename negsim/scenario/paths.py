"""Key paths into scenario data: ``parties.japan.reservation``, ``issues.treaty.options``
(array items by ``name`` or index), and ``--set`` overrides (``key.path=value``)."""

from __future__ import annotations

import tomllib
from typing import Any

from ..errors import ValidationError, did_you_mean

__all__ = ["parse_override", "set_path"]

#: Top-level tables a key path may create when the file has none (``protocol.kind=...``).
_OPTIONAL_TABLES = ("protocol", "plots", "third_parties", "scenario")


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Put ``value`` at ``path`` in ``data`` (in place); ``None`` removes the key (its
    default then applies). A missing optional top-level table (``protocol``) is created."""
    if not isinstance(path, str) or not path or any(not p for p in path.split(".")):
        raise ValidationError(str(path), "not a key path", "dotted keys, e.g. protocol.kind")
    parts = path.split(".")
    node: Any = data
    for depth, part in enumerate(parts[:-1]):
        where = ".".join(parts[: depth + 1])
        if isinstance(node, list):
            node = _list_item(node, part, where)
            continue
        if isinstance(node, dict) and part not in node and depth == 0 and part in _OPTIONAL_TABLES:
            node[part] = {}
        if not isinstance(node, dict) or part not in node:
            keys = list(node) if isinstance(node, dict) else []
            raise ValidationError(where, "no such key", did_you_mean(part, keys))
        node = node[part]
    last = parts[-1]
    if isinstance(node, list):
        index = int(last) if last.isdigit() else -1
        if not 0 <= index < len(node):
            raise ValidationError(path, "no such item", f"an index below {len(node)}")
        if value is None:
            del node[index]
        else:
            node[index] = value
    elif isinstance(node, dict):
        if value is None:
            node.pop(last, None)
        else:
            node[last] = value
    else:
        raise ValidationError(path, "not inside a table", "a key path into the scenario")


def _list_item(node: list[Any], part: str, path: str) -> Any:
    # [[issues]] and similar arrays are addressed by index or by their "name"
    if part.isdigit() and int(part) < len(node):
        return node[int(part)]
    for item in node:
        if isinstance(item, dict) and item.get("name") == part:
            return item
    names = [str(i.get("name")) for i in node if isinstance(i, dict)]
    raise ValidationError(path, "no such item", did_you_mean(part, names))


def parse_override(text: str) -> tuple[str, Any]:
    """``"key.path=value"`` → ``(key path, value)``; the value is read as TOML if it can be
    (``0.5``, ``true``, ``"text"``, ``[1, 2]``), otherwise kept as a string."""
    if "=" not in text:
        raise ValidationError("--set", f"{text!r}", "key.path=value")
    path, raw = (s.strip() for s in text.split("=", 1))
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except (tomllib.TOMLDecodeError, RecursionError):
        value = raw
    return path, value
