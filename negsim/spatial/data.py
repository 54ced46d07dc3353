"""Actor-position data for spatial forecasting models (Bueno de Mesquita, KTAB, Stokman).

Each actor has a **capability** (influence, power) and, on each of ``m`` issue dimensions
(scales such as 0–100), a **position** and a **salience** (how much the issue matters to it).
Two common CSV formats are read:

* KTAB's: row 1 ``scenario, description, number of actors, number of dimensions``; row 2 the
  headers; then ``Actor, Description, Power, Pos_1, Sal_1, ..., Pos_m, Sal_m`` (KAPSARC
  Toolkit for Behavioral Analysis, spatial model of politics);
* the 4-column BDM table ``Actor, Capability, Position, Salience`` (one dimension; Bueno de
  Mesquita 1994).

Lines whose first cell starts with ``#`` are comments (negsim's extension, used by the bundled
data sets to cite the source of every number); blank lines are skipped. Row numbers in errors
count every line of the file, comments included. Errors name the file, the row and the column.

**Limits**, checked before anything is allocated (a file declaring 10⁹ dimensions gets an
error, not 9 GB): at most :data:`MAX_ACTORS` actors, :data:`MAX_DIMENSIONS` dimensions,
:data:`MAX_FILE_BYTES` bytes, :data:`MAX_CELL` characters per cell; numbers finite and at
most :data:`MAX_MAGNITUDE` in absolute value (so that products of them cannot overflow).
Every model weighs actor ``i`` on dimension ``k`` by ``c_i s_ik``: on every dimension at least
one actor must have a positive capability and a positive salience, or no forecast exists.
"""

from __future__ import annotations

import csv
import io
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ..display import html_table, short_repr
from ..errors import NegsimError, ValidationError, did_you_mean
from ..io import bundled_files
from ..validators import readonly, whole_number
from .records import ARRAY_EQ, Recorded

__all__ = [
    "HTML_ROWS",
    "MAX_ACTORS",
    "MAX_CELL",
    "MAX_DIMENSIONS",
    "MAX_FILE_BYTES",
    "MAX_MAGNITUDE",
    "ActorData",
    "ActorDataError",
    "RowProblem",
    "bundled_actor_data",
    "load_actor_data",
    "read_actor_csv",
    "readonly",
    "whole_number",
]

Array = npt.NDArray[np.float64]

#: Most actors a table may have (BDM's and KTAB's work grows with the square of it).
MAX_ACTORS = 10_000
#: Most issue dimensions a table may have.
MAX_DIMENSIONS = 100
#: Largest actor file read, in bytes (64 MiB).
MAX_FILE_BYTES = 64 * 2**20
#: Longest cell, in characters (the csv module's default field limit).
MAX_CELL = 131_072
#: Largest absolute value of a capability or a position.
MAX_MAGNITUDE = 1e12
#: Most rows a notebook's HTML table of a result shows.
HTML_ROWS = 30


@attrs.frozen
class RowProblem:
    """One thing wrong in an actor file: its row (``None``: the file as a whole), column
    (``""``: the whole row) and what is wrong."""

    row: int | None
    column: str
    message: str

    def format(self, source: str) -> str:
        """``file:row:column: message``."""
        where = [source, *([str(self.row)] if self.row is not None else [])]
        where += [self.column] if self.column else []
        return ":".join(where) + ": " + self.message


class ActorDataError(NegsimError):
    """Problems in an actor-data file, every one of them: ``file:row:column: message`` lines.

    ``problems`` lists them (:class:`RowProblem`); ``source`` names the file.
    """

    def __init__(self, source: str, problems: str | list[RowProblem] | tuple[RowProblem, ...]):
        if isinstance(problems, str):
            problems = [RowProblem(None, "", problems)]
        self.source = source
        self.problems = tuple(problems)
        lines = [p.format(source) for p in self.problems]
        text = lines[0] if len(lines) == 1 else f"{len(lines)} problems\n" + "\n".join(lines)
        super().__init__(text)


def _matrix(value: Any) -> Array:
    array = np.array(value, dtype=float)
    return readonly(array[:, None] if array.ndim == 1 else array, copy=False)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


@attrs.frozen(repr=False)
class ActorData(Recorded):
    """Actors with capabilities ``(n,)``, positions and saliences ``(n, m)``.

    ``source`` names where the data came from (the file :func:`read_actor_csv` read; empty
    for data built in memory): results record it as their provenance.
    """

    names: tuple[str, ...] = attrs.field(converter=_strings)
    capability: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    positions: Array = attrs.field(converter=_matrix, eq=ARRAY_EQ)
    saliences: Array = attrs.field(converter=_matrix, eq=ARRAY_EQ)
    dimensions: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    title: str = ""
    descriptions: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    source: str = attrs.field(default="", converter=str)

    def __repr__(self) -> str:
        return short_repr(
            "ActorData",
            title=self.title,
            actors=self.n_actors,
            dimensions=self.dimensions,
            source=self.source,
        )

    def _repr_html_(self) -> str:
        headers = ["actor", "capability"]
        for dimension in self.dimensions:
            headers += [dimension, f"salience {dimension}"]
        rows = [
            [name, float(self.capability[i])]
            + [float(v) for k in range(self.n_dimensions) for v in
               (self.positions[i, k], self.saliences[i, k])]
            for i, name in enumerate(self.names[:HTML_ROWS])
        ]  # fmt: skip
        more = f" (the first {HTML_ROWS})" if self.n_actors > HTML_ROWS else ""
        caption = f"{self.title or 'actor data'}: {self.n_actors} actors{more}"
        return html_table(headers, rows, caption)

    def __attrs_post_init__(self) -> None:
        n = len(self.names)
        if n < 2:
            raise ValidationError("actors", f"{n} actors", "at least two")
        if self.capability.shape != (n,):
            raise ValidationError("capability", f"shape {self.capability.shape}", f"({n},)")
        if self.positions.shape[0] != n or self.saliences.shape != self.positions.shape:
            raise ValidationError("positions", "shapes differ", f"({n}, m) positions and saliences")
        if n > MAX_ACTORS or self.positions.shape[1] > MAX_DIMENSIONS:
            raise ValidationError(
                "actors",
                f"{n:,} actors on {self.positions.shape[1]:,} dimensions",
                f"at most {MAX_ACTORS:,} actors and {MAX_DIMENSIONS:,} dimensions",
            )
        for field, values in (("capability", self.capability), ("saliences", self.saliences)):
            if not np.isfinite(values).all() or (values < 0).any():
                raise ValidationError(field, "negative or not finite", "values >= 0")
        if not np.isfinite(self.positions).all():
            raise ValidationError("positions", "not finite", "finite positions")
        for field, values in (("capability", self.capability), ("positions", self.positions)):
            if (np.abs(values) > MAX_MAGNITUDE).any():
                raise ValidationError(field, "too large", f"|values| <= {MAX_MAGNITUDE:g}")
        m = self.positions.shape[1]
        if not self.dimensions:
            object.__setattr__(self, "dimensions", tuple(f"dim{k + 1}" for k in range(m)))
        if len(self.dimensions) != m:
            raise ValidationError("dimensions", f"{len(self.dimensions)} names", f"{m} names")
        self._check_weights()
        if self.descriptions and len(self.descriptions) != n:
            raise ValidationError("descriptions", f"{len(self.descriptions)}", f"{n} or none")

    def _check_weights(self) -> None:
        """Every dimension needs an actor with ``c_i s_ik > 0`` (else no model has a forecast)."""
        if not (self.capability > 0).any():
            raise ValidationError(
                "capability", "every actor has 0", "at least one actor with capability > 0"
            )
        with np.errstate(under="ignore"):
            weight = (self.capability[:, None] * self.saliences).sum(axis=0)
        for k in np.flatnonzero(~(weight > 0)):
            dimension = self.dimensions[k]
            if not (self.saliences[:, k] > 0).any():
                raise ValidationError(
                    f"saliences.{dimension}",
                    "every actor has 0",
                    "at least one actor with salience > 0; leave out an issue nobody cares about",
                )
            raise ValidationError(
                f"dimension {dimension}",
                "no actor has both a positive capability and a positive salience there",
                "at least one such actor: capability × salience is every model's weight",
            )

    @property
    def n_actors(self) -> int:
        """Number of actors."""
        return len(self.names)

    @property
    def n_dimensions(self) -> int:
        """Number of issue dimensions."""
        return int(self.positions.shape[1])

    def dimension_index(self, dimension: int | str) -> int:
        """The column of ``dimension``, given by name or index (a ValidationError if neither)."""
        if isinstance(dimension, str):
            if dimension not in self.dimensions:
                raise ValidationError(
                    "dimension", repr(dimension), "one of " + ", ".join(self.dimensions)
                )
            return self.dimensions.index(dimension)
        if not 0 <= dimension < self.n_dimensions:
            raise ValidationError("dimension", f"{dimension}", f"0 to {self.n_dimensions - 1}")
        return int(dimension)


def _shown(text: str, limit: int = 40) -> str:
    """``text`` shortened for an error message."""
    text = text.strip()
    if not text.isprintable():
        text = repr(text)[1:-1]  # control characters as escapes: '\\x00'
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def read_actor_csv(source: str | os.PathLike[str], text: str | None = None) -> ActorData:
    """Read a KTAB or BDM actor table (the format is recognised from its first row).

    ``text`` gives the file's contents directly (``source`` then only names it in errors).
    """
    name = str(source)
    if text is None:
        text = _read(Path(source), name)
    if len(text) > MAX_FILE_BYTES:
        raise ActorDataError(name, f"{len(text):,} characters (expected at most {_limit()})")
    text = text.removeprefix("\ufeff")  # a byte-order mark
    reader = csv.reader(io.StringIO(text), strict=False)
    rows: list[tuple[int, list[str]]] = []
    last = 0  # the line the last record read ended on
    try:
        for cells in reader:
            cells = [cell.strip() for cell in cells]
            if any(cells) and not cells[0].startswith("#"):
                rows.append((last + 1, cells))
            last = reader.line_num
    except csv.Error as error:  # a cell over the csv module's field limit (MAX_CELL)
        message = (
            f"cannot read the row: {error} (expected cells of at most {MAX_CELL:,} characters)"
        )
        raise ActorDataError(name, [RowProblem(last + 1, "", message)]) from None
    if not rows:
        raise ActorDataError(name, "the file is empty (no rows but comments)")
    header = [cell.lower() for cell in rows[0][1]]
    if header[:1] == ["actor"]:  # a BDM header (a KTAB file starts with its scenario's name)
        return _bdm(name, rows)
    return _ktab(name, rows)


def _limit() -> str:
    return f"{MAX_FILE_BYTES // 2**20} MiB"


def _read(path: Path, name: str) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ActorDataError(name, f"{size:,} bytes (expected at most {_limit()})")
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ActorDataError(name, f"cannot read it: {error}") from None


def bundled_actor_data() -> dict[str, Path]:
    """The actor data sets shipped with negsim (``negsim/scenarios/*.csv``): ``{name: path}``."""
    return bundled_files(".csv")


def load_actor_data(source: str | os.PathLike[str]) -> ActorData:
    """Read a CSV file, or a bundled data set by name (``"kurils-actors-2018-2019"``).

    A file of that name in the current folder wins over a bundled data set.
    """
    path = Path(source)
    if not path.is_file():
        bundled = bundled_actor_data()
        if str(source) in bundled:  # its provenance is the data set's name, not a path
            return attrs.evolve(read_actor_csv(bundled[str(source)]), source=str(source))
        if not path.exists():
            hint = did_you_mean(str(source), bundled)
            raise ActorDataError(str(source), f"no such file or bundled actor data set; {hint}")
    return read_actor_csv(path)


_BDM_HEADER = ("Actor", "Capability", "Position", "Salience")


class _Rows:
    """Reads cells, collecting every problem (row, column, message) instead of stopping."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[RowProblem] = []

    def problem(self, row: int | None, column: str, message: str) -> None:
        self.problems.append(RowProblem(row, column, message))

    def fail(self) -> ActorDataError:
        return ActorDataError(self.source, self.problems)

    def number(self, text: str, row: int, column: str) -> float:
        """The cell as a finite number of moderate size (NaN, and a problem, if not)."""
        try:
            value = float(text) if len(text) <= 400 else math.nan  # 400 digits is not data
        except ValueError:
            value = math.nan
        if math.isnan(value) and text.strip().lower().lstrip("+-") != "nan":
            self.problem(row, column, f"'{_shown(text)}' is not a number")
        elif not math.isfinite(value):
            self.problem(row, column, f"{_shown(text)} is not finite")
        elif abs(value) > MAX_MAGNITUDE:
            self.problem(
                row,
                column,
                f"{_shown(text)} is too large (expected at most {MAX_MAGNITUDE:g} in absolute"
                " value)",
            )
        else:
            return value
        return math.nan

    def weight(self, text: str, row: int, column: str) -> float:
        value = self.number(text, row, column)
        if value < 0:
            self.problem(row, column, f"{_shown(text)} is negative (expected >= 0)")
        return value

    def salience(self, text: str, row: int, column: str) -> float:
        value = self.weight(text, row, column)
        if value > 100:
            self.problem(row, column, f"{_shown(text)} is above 100 (saliences are 0–100)")
        return value

    def name(self, text: str, seen: list[str], row: int) -> str:
        if not text:
            self.problem(row, "Actor", "the actor has no name")
        elif text in seen:
            self.problem(row, "Actor", f"'{_shown(text)}' appears twice (names are unique)")
        return text

    def count(self, text: str, row: int, column: str, limit: int) -> int | None:
        before = len(self.problems)
        value = self.number(text, row, column)
        if len(self.problems) == before and (value != int(value) or not 1 <= value <= limit):
            self.problem(
                row,
                column,
                f"{_shown(text)} is not a whole number from 1 to {limit:,} (negsim's limit)",
            )
        return int(value) if len(self.problems) == before else None


def _bdm(name: str, rows: list[tuple[int, list[str]]]) -> ActorData:
    cells = _Rows(name)
    line, header = rows[0]
    for k, expected in enumerate(_BDM_HEADER):
        found = header[k] if k < len(header) else ""
        if found.lower() != expected.lower():
            cells.problem(
                line,
                str(k + 1),
                f"header '{_shown(found)}', expected '{expected}'"
                " (a BDM table starts 'Actor,Capability,Position,Salience')",
            )
    if len(rows) == 1:
        cells.problem(None, "", "a header but no actor rows (expected at least two actors)")
    if len(rows) - 1 > MAX_ACTORS:
        raise ActorDataError(
            name, f"{len(rows) - 1:,} actor rows (expected at most {MAX_ACTORS:,}, negsim's limit)"
        )
    names: list[str] = []
    capability, positions, saliences = [], [], []
    for r, row in rows[1:]:
        if len(row) != 4:
            cells.problem(
                r, "", f"{len(row)} columns, expected 4 (Actor,Capability,Position,Salience)"
            )
            continue
        names.append(cells.name(row[0], names, r))
        capability.append(cells.weight(row[1], r, "Capability"))
        positions.append(cells.number(row[2], r, "Position"))
        saliences.append(cells.salience(row[3], r, "Salience"))
    if cells.problems:
        raise cells.fail()
    return _checked(name, names, capability, positions, saliences, (), "", ())


def _ktab(name: str, rows: list[tuple[int, list[str]]]) -> ActorData:
    cells = _Rows(name)
    line, first = rows[0]
    if len(first) < 4:
        cells.problem(
            line,
            "",
            "expected 'scenario, description, actors, dimensions' (KTAB) or the"
            " header 'Actor,Capability,Position,Salience' (BDM)",
        )
        raise cells.fail()
    n = cells.count(first[2], line, "number of actors", MAX_ACTORS)
    m = cells.count(first[3], line, "number of dimensions", MAX_DIMENSIONS)
    if len(rows) < 2:
        cells.problem(None, "", f"no header row after row {line}")
    if m is None or len(rows) < 2:
        raise cells.fail()
    headers = rows[1][1]
    body = rows[2:]
    if n is not None and len(body) != n:
        cells.problem(None, "", f"{len(body)} actor rows, but row {line} says {n}")
    if len(body) > MAX_ACTORS:
        raise cells.fail()
    dimensions = tuple(headers[3 + 2 * k] for k in range(m)) if len(headers) >= 3 + 2 * m else ()
    columns = [header or f"column {c + 1}" for c, header in enumerate(headers)]
    columns += [f"column {c + 1}" for c in range(len(columns), 3 + 2 * m)]
    names: list[str] = []
    descriptions, capability, positions, saliences = [], [], [], []
    for r, row in body:
        row = list(row)
        while row and row[-1] == "":
            row.pop()
        if len(row) != 3 + 2 * m:
            cells.problem(
                r,
                "",
                f"{len(row)} columns, expected {3 + 2 * m}"
                f" (Actor, Description, Power, then position and salience for {m} dimensions)",
            )
            continue
        names.append(cells.name(row[0], names, r))
        descriptions.append(row[1])
        capability.append(cells.weight(row[2], r, columns[2]))
        positions.append([cells.number(row[3 + 2 * k], r, columns[3 + 2 * k]) for k in range(m)])
        saliences.append([cells.salience(row[4 + 2 * k], r, columns[4 + 2 * k]) for k in range(m)])
    if cells.problems:
        raise cells.fail()
    return _checked(
        name, names, capability, positions, saliences, dimensions, first[0], descriptions
    )


def _checked(name: str, *parts: Any) -> ActorData:
    fields = dict(zip(("names", "capability", "positions", "saliences"), parts, strict=False))
    fields.update(zip(("dimensions", "title", "descriptions"), parts[4:], strict=False))
    try:
        return ActorData(**fields, source=name)
    except ValidationError as error:
        raise ActorDataError(name, str(error)) from None
