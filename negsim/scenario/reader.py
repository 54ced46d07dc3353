"""The scenario reader's plumbing: problems, the error listing them, limits, and a
:class:`Reader` that checks tables and types while collecting problems instead of stopping at
the first.

Limits are checked **before** anything is allocated, so a file asking for a billion options
or rounds gets a message naming the limit rather than a ``MemoryError``:

==========================  =================================================================
limit                       value
==========================  =================================================================
:data:`MAX_OUTCOMES`        options of one issue, and outcomes of the whole space
                            (:data:`negsim.outcomes.DEFAULT_ENUMERATION_LIMIT`)
:data:`MAX_ROUNDS`          a protocol's ``n_rounds``
:data:`MAX_DEPTH`           nesting of tables and arrays in the file
:data:`MAX_AGENT_NESTING`   wrappers around wrappers (``{ kind = "noisy", agent = {...} }``)
:data:`MAX_SWEEP_STEPS`     ``steps`` of one ``[[sweeps]]`` entry
==========================  =================================================================
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np

from ..errors import NegsimError, ValidationError, did_you_mean, with_expected
from ..outcomes import DEFAULT_ENUMERATION_LIMIT
from .params import INT_BOUND

__all__ = [
    "MAX_AGENT_NESTING",
    "MAX_DEPTH",
    "MAX_OUTCOMES",
    "MAX_ROUNDS",
    "MAX_SWEEP_STEPS",
    "Problem",
    "Reader",
    "ScenarioError",
    "join_path",
    "kind_of",
    "plain",
]

MAX_OUTCOMES = DEFAULT_ENUMERATION_LIMIT
MAX_ROUNDS = 10_000
MAX_DEPTH = 32
MAX_AGENT_NESTING = 8
MAX_SWEEP_STEPS = 1_000


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
    "label": (str, int, float),
}


def join_path(path: str, field: str) -> str:
    """``path`` and an error's ``field`` as one key path, without doubling a prefix the
    field already has (``issues.x`` + ``issues.x.low`` is ``issues.x.low``)."""
    field = field.strip(".")
    if not field or field == path:
        return path
    if not path or field.startswith((f"{path}.", f"{path}[")):
        return field
    last = path.rsplit(".", 1)[-1]
    if field == last or field.startswith(f"{last}."):  # "issues.x" + "x.low"
        return f"{path.rsplit('.', 1)[0]}.{field}" if "." in path else field
    return f"{path}.{field}"


class Reader:
    """Walks the TOML data, collecting problems instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.notices: list[str] = []
        self.broken_issues: set[str] = set()

    def problem(self, path: str, message: str, expected: str = "") -> None:
        problem = Problem(path, message, expected)
        if problem not in self.problems:
            self.problems.append(problem)

    def table(
        self, data: Any, path: str, keys: Mapping[str, str], required: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        """Check a table's keys and value types; return the well-typed entries."""
        if not isinstance(data, dict):
            self.problem(path, f"got {kind_of(data)}", "a table")
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
            base in ("integer", "number", "label") and isinstance(value, bool)
        )
        expected = _article(kind)
        if ok and base in ("number", "label") and isinstance(value, float):
            ok = math.isfinite(value)
            if base == "number":
                expected = "a finite number"
        if ok and isinstance(value, int) and not isinstance(value, bool):
            ok = abs(value) < INT_BOUND
        if ok and kind.startswith("array of "):
            item = kind.removeprefix("array of ")
            each = [self.typed(v, f"{path}[{i}]", item) for i, v in enumerate(value)]
            return all(each)  # every item checked (and reported), not just up to the first
        if not ok:
            self.problem(path, f"got {kind_of(value)} {value!r}"[:120], expected)
        return ok

    def attempt(self, path: str, build: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call ``build(*args, **kwargs)``; turn an error into a problem under ``path``."""
        try:
            return build(*args, **kwargs)
        except ValidationError as error:
            text = str(error)
            message = text[len(error.field) + 2 :] if text.startswith(f"{error.field}: ") else text
            self.problem(join_path(path, error.field), message)
        except NegsimError as error:
            self.problem(path, str(error))
        except (TypeError, ValueError, ArithmeticError, LookupError, AttributeError) as error:
            # a converter's own complaint (a user's class may not raise ValidationError)
            self.problem(path, f"cannot build it: {type(error).__name__}: {error}"[:200])
        return None


def _article(kind: str) -> str:
    if kind == "label":
        return "an option label (a string)"
    if kind.startswith("array of "):
        item = kind.removeprefix("array of ")
        return f"an array of {'option label' if item == 'label' else item}s"
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def kind_of(value: Any) -> str:
    """``"a number"``, ``"a table"``, ... for messages."""
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "a table",
        datetime.date: "a date",
        datetime.datetime: "a date-time",
        datetime.time: "a time",
    }.get(
        type(value),
        f"{'an' if type(value).__name__[:1] in 'aeiou' else 'a'} {type(value).__name__}",
    )


_TOML_SCALARS = (str, bool, int, float, datetime.date, datetime.datetime, datetime.time)


def plain(reader: Reader, value: Any, path: str = "", depth: int = 0) -> Any:
    """``value`` as plain TOML data (tuples → lists, numpy scalars → Python numbers), with
    problems for non-TOML values and for nesting deeper than :data:`MAX_DEPTH`; ``None``
    marks a value that could not be kept."""
    if depth > MAX_DEPTH:
        if not any(p.message.startswith("nested more than") for p in reader.problems):
            shown = path if len(path) <= 80 else f"{path[:40]}...{path[-30:]}"
            message = f"nested more than {MAX_DEPTH} levels deep"
            reader.problem(shown, message, f"at most {MAX_DEPTH} levels")
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, _TOML_SCALARS):
        return value
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if not isinstance(key, str):
                reader.problem(where, f"key {key!r} is not a string", "string keys")
                continue
            kept = plain(reader, item, where, depth + 1)
            if kept is not None:
                out[key] = kept
        return out
    if isinstance(value, list | tuple):
        items = [plain(reader, v, f"{path}[{i}]", depth + 1) for i, v in enumerate(value)]
        return [v for v in items if v is not None]
    reader.problem(path, f"got {kind_of(value)}", "a TOML value (string, number, table, ...)")
    return None
