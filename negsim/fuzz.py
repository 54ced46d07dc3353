"""Mutated actor CSVs, for robustness tests of the reader and the forecast models.

:func:`mutate_actor_csv` damages a valid actor table the way files get damaged — cells
replaced by bad numbers, huge or tiny ones, formulas, control characters, very long text;
whole columns zeroed; rows dropped, repeated or cut short; declared counts changed; byte-order
marks, stray quotes, other line endings, truncation. All choices come from the ``rng`` given,
so a seed replays a case.

:func:`classify` reads a (mutated) file and runs every model on it, and says what happened:

* ``"ok"`` — every forecast series and position is finite and the JSON export is valid;
* ``"clean error"`` — a :class:`~negsim.errors.NegsimError`; one raised while reading names
  the file;
* ``"unnamed error"`` — a NegsimError from reading that does not name the file;
* ``"NaN"`` — a model returned a non-finite forecast or position;
* ``"traceback"`` — any other exception (a bug).

The test suite runs this under hypothesis; ``benchmarks/fuzz_actor_csv.py`` runs a thousand
seeded cases and counts the classes (with ``"hang"`` for a case over its time limit).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

import numpy as np

from .errors import NegsimError

__all__ = ["BAD_CELLS", "CLASSES", "classify", "mutate_actor_csv"]

#: What a mutated cell may become.
BAD_CELLS = (
    "",
    " ",
    "0",
    "-0",
    "-1",
    "101",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "1e12",
    "-1e12",
    "1e-320",
    "5e-324",
    "1e-12",
    "abc",
    "²",
    "٣",
    "9" * 5000,
    '=HYPERLINK("http://x")',
    "+1",
    "@SUM(A1)",
    "\x1b[2J",
    "a\x00b",
    "1,2",
    '"',
    '"quoted, text"',
    "#comment",
    "\ufeff1",
    "x" * 200_000,
)
CLASSES = ("ok", "clean error", "unnamed error", "NaN", "traceback", "hang")

Mutation = Callable[[list[list[str]], np.random.Generator], list[list[str]]]


def _pick(options: tuple[str, ...], rng: np.random.Generator) -> str:
    return options[int(rng.integers(len(options)))]


def _split(text: str) -> list[list[str]]:
    return [line.split(",") for line in text.split("\n")]


def _join(rows: list[list[str]]) -> str:
    return "\n".join(",".join(row) for row in rows)


def _data_rows(rows: list[list[str]]) -> list[int]:
    body = [i for i, row in enumerate(rows) if row and row[0] and not row[0].startswith("#")]
    return body[1:] or list(range(len(rows)))  # skip the first (header or KTAB row 1)


def _cell(rows: list[list[str]], rng: np.random.Generator) -> list[list[str]]:
    body = _data_rows(rows)
    if not body:
        return rows
    i = int(rng.choice(body))
    if rows[i]:
        rows[i][int(rng.integers(len(rows[i])))] = _pick(BAD_CELLS, rng)
    return rows


def _column(rows: list[list[str]], rng: np.random.Generator) -> list[list[str]]:
    body = _data_rows(rows)
    if not body:
        return rows
    width = max(len(rows[i]) for i in body)
    c = int(rng.integers(width))
    value = _pick(("0", "0.0", "50", "-1", "1e-320", ""), rng)
    for i in body:
        if c < len(rows[i]):
            rows[i][c] = value
    return rows


def _rows(rows: list[list[str]], rng: np.random.Generator) -> list[list[str]]:
    body = _data_rows(rows)
    if not body:
        return rows
    i = int(rng.choice(body))
    kind = int(rng.integers(4))
    if kind == 0:
        del rows[i]
    elif kind == 1:
        rows.insert(i, list(rows[i]))  # a repeated actor
    elif kind == 2:
        rows[i] = rows[i][: int(rng.integers(len(rows[i]) + 1))]  # cut short
    else:
        rows[i] = [*rows[i], _pick(("", "1", "extra"), rng)]
    return rows


def _counts(rows: list[list[str]], rng: np.random.Generator) -> list[list[str]]:
    first = next((r for r in rows if r and r[0] and not r[0].startswith("#")), None)
    if first is not None and len(first) >= 4:
        values = ("0", "1", "2", "3", "99", "10000", "1000000000", "-2", "2.5", "x")
        first[int(rng.integers(2, 4))] = _pick(values, rng)
    return rows


def _only(rows: list[list[str]], rng: np.random.Generator) -> list[list[str]]:
    keep = int(rng.integers(3))
    head = [r for r in rows if r and r[0] and not r[0].startswith("#")]
    return head[:keep]


def _names(rows: list[list[str]], rng: np.random.Generator) -> list[list[str]]:
    body = _data_rows(rows)
    if not body:
        return rows
    i = int(rng.choice(body))
    if rows[i]:
        names = ("=cmd|' /C calc'!A0", "\x1b[31mred\x1b[0m", '"Japan, PM office"', "")
        rows[i][0] = _pick(names, rng)
    return rows


_MUTATIONS: tuple[Mutation, ...] = (_cell, _cell, _cell, _column, _rows, _counts, _only, _names)


def _text(text: str, rng: np.random.Generator) -> str:
    kind = int(rng.integers(5))
    if kind == 0:
        return "\ufeff" + text
    if kind == 1:
        return text.replace("\n", "\r\n" if rng.random() < 0.5 else "\r")
    if kind == 2:
        return text[: int(rng.integers(len(text) + 1))]  # truncated
    if kind == 3:
        at = int(rng.integers(len(text) + 1))
        return text[:at] + _pick(('"', "\x00", ",", "\n", "\x1b"), rng) + text[at:]
    return re.sub(r"\n\s*\n", "\n", text)


def mutate_actor_csv(text: str, rng: np.random.Generator, mutations: int | None = None) -> str:
    """``text`` with ``mutations`` (default 1–3, drawn) damages applied (module docstring)."""
    count = int(rng.integers(1, 4)) if mutations is None else mutations
    for _ in range(count):
        if rng.random() < 0.2:
            text = _text(text, rng)
        else:
            mutation = _MUTATIONS[int(rng.integers(len(_MUTATIONS)))]
            text = _join(mutation(_split(text), rng))
    return text


def classify(name: str, text: str, models: Iterable[str] | None = None, rounds: int = 3) -> str:
    """What reading ``text`` (as file ``name``) and running ``models`` (default: every
    registered model) gives: one of :data:`CLASSES` but ``"hang"`` (module docstring)."""
    from .spatial import MODELS, make_model, read_actor_csv

    try:
        data = read_actor_csv(name, text=text)
    except NegsimError as error:
        return "clean error" if name in str(error) else "unnamed error"
    except Exception:
        return "traceback"
    outcome = "ok"
    for model_name in MODELS.names() if models is None else models:
        try:
            forecast = make_model(model_name).run(data, rounds)
        except NegsimError:
            outcome = "clean error"
            continue
        except Exception:
            return "traceback"
        finite = np.isfinite(forecast.positions).all() and all(
            np.isfinite(series).all() for series in forecast.forecasts.values()
        )
        if not finite:
            return "NaN"
        try:
            forecast.to_json(detail=False)
        except ValueError:
            return "NaN"
    return outcome
