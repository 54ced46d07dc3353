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

from ..errors import NegsimError, ValidationError, did_you_mean
from ..io import bundled_files
from ..validators import readonly, whole_number

__all__ = [
    "MAX_ACTORS",
    "MAX_CELL",
    "MAX_DIMENSIONS",
    "MAX_FILE_BYTES",
    "MAX_MAGNITUDE",
    "ActorData",
    "ActorDataError",
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


class ActorDataError(NegsimError):
    """A problem in an actor-data file: ``file:row:column: message``."""


def _matrix(value: Any) -> Array:
    array = np.array(value, dtype=float)
    return readonly(array[:, None] if array.ndim == 1 else array, copy=False)


def _strings(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


@attrs.frozen(eq=False)
class ActorData:
    """Actors with capabilities ``(n,)``, positions and saliences ``(n, m)``."""

    names: tuple[str, ...] = attrs.field(converter=_strings)
    capability: Array = attrs.field(converter=readonly)
    positions: Array = attrs.field(converter=_matrix)
    saliences: Array = attrs.field(converter=_matrix)
    dimensions: tuple[str, ...] = attrs.field(default=(), converter=_strings)
    title: str = ""
    descriptions: tuple[str, ...] = attrs.field(default=(), converter=_strings)

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


def _number(text: str, source: str, row: int, column: str) -> float:
    try:
        value = float(text) if len(text) <= 400 else math.nan  # a 400-digit number is not data
    except ValueError:
        value = math.nan
    if math.isnan(value) and text.strip().lower().lstrip("+-") != "nan":
        raise ActorDataError(f"{source}:{row}:{column}: '{_shown(text)}' is not a number")
    if not math.isfinite(value):
        raise ActorDataError(f"{source}:{row}:{column}: {_shown(text)} is not finite")
    if abs(value) > MAX_MAGNITUDE:
        raise ActorDataError(
            f"{source}:{row}:{column}: {_shown(text)} is too large"
            f" (expected at most {MAX_MAGNITUDE:g} in absolute value)"
        )
    return value


def read_actor_csv(source: str | os.PathLike[str], text: str | None = None) -> ActorData:
    """Read a KTAB or BDM actor table (the format is recognised from its first row).

    ``text`` gives the file's contents directly (``source`` then only names it in errors).
    """
    name = str(source)
    if text is None:
        text = _read(Path(source), name)
    if len(text) > MAX_FILE_BYTES:
        raise ActorDataError(f"{name}: {len(text):,} characters (expected at most {_limit()})")
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
        raise ActorDataError(
            f"{name}:{last + 1}: cannot read the row: {error}"
            f" (expected cells of at most {MAX_CELL:,} characters)"
        ) from None
    if not rows:
        raise ActorDataError(f"{name}: the file is empty (no rows but comments)")
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
            raise ActorDataError(f"{name}: {size:,} bytes (expected at most {_limit()})")
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ActorDataError(f"{name}: cannot read it: {error}") from None


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
        if str(source) in bundled:
            return read_actor_csv(bundled[str(source)])
        if not path.exists():
            hint = did_you_mean(str(source), bundled)
            raise ActorDataError(f"{source}: no such file or bundled actor data set; {hint}")
    return read_actor_csv(path)


_BDM_HEADER = ("Actor", "Capability", "Position", "Salience")


def _bdm(name: str, rows: list[tuple[int, list[str]]]) -> ActorData:
    line, header = rows[0]
    for k, expected in enumerate(_BDM_HEADER):
        found = header[k] if k < len(header) else ""
        if found.lower() != expected.lower():
            raise ActorDataError(
                f"{name}:{line}:{k + 1}: header '{_shown(found)}', expected '{expected}'"
                f" (a BDM table starts 'Actor,Capability,Position,Salience')"
            )
    if len(rows) == 1:
        raise ActorDataError(f"{name}: a header but no actor rows (expected at least two actors)")
    if len(rows) - 1 > MAX_ACTORS:
        raise ActorDataError(
            f"{name}: {len(rows) - 1:,} actor rows"
            f" (expected at most {MAX_ACTORS:,}, negsim's limit)"
        )
    names: list[str] = []
    capability, positions, saliences = [], [], []
    for r, row in rows[1:]:
        if len(row) != 4:
            raise ActorDataError(
                f"{name}:{r}: {len(row)} columns, expected 4 (Actor,Capability,Position,Salience)"
            )
        names.append(_name(row[0], names, name, r))
        capability.append(_weight(row[1], name, r, "Capability"))
        positions.append(_number(row[2], name, r, "Position"))
        saliences.append(_salience(row[3], name, r, "Salience"))
    return _checked(name, names, capability, positions, saliences, (), "", ())


def _ktab(name: str, rows: list[tuple[int, list[str]]]) -> ActorData:
    line, first = rows[0]
    if len(first) < 4:
        raise ActorDataError(
            f"{name}:{line}: expected 'scenario, description, actors, dimensions' (KTAB) or the"
            " header 'Actor,Capability,Position,Salience' (BDM)"
        )
    n = _count(first[2], name, line, "number of actors", MAX_ACTORS)
    m = _count(first[3], name, line, "number of dimensions", MAX_DIMENSIONS)
    if len(rows) < 2:
        raise ActorDataError(f"{name}: no header row after row {line}")
    headers = rows[1][1]
    body = rows[2:]
    if len(body) != n:
        raise ActorDataError(f"{name}: {len(body)} actor rows, but row {line} says {n}")
    dimensions = tuple(headers[3 + 2 * k] for k in range(m)) if len(headers) >= 3 + 2 * m else ()
    columns = [header or f"column {c + 1}" for c, header in enumerate(headers)]
    columns += [f"column {c + 1}" for c in range(len(columns), 3 + 2 * m)]
    names: list[str] = []
    descriptions, capability, positions, saliences = [], [], [], []
    for r, row in body:
        cells = list(row)
        while cells and cells[-1] == "":
            cells.pop()
        if len(cells) != 3 + 2 * m:
            raise ActorDataError(
                f"{name}:{r}: {len(cells)} columns, expected {3 + 2 * m}"
                f" (Actor, Description, Power, then position and salience for {m} dimensions)"
            )
        names.append(_name(cells[0], names, name, r))
        descriptions.append(cells[1])
        capability.append(_weight(cells[2], name, r, columns[2]))
        positions.append([_number(cells[3 + 2 * k], name, r, columns[3 + 2 * k]) for k in range(m)])
        saliences.append(
            [_salience(cells[4 + 2 * k], name, r, columns[4 + 2 * k]) for k in range(m)]
        )
    return _checked(
        name, names, capability, positions, saliences, dimensions, first[0], descriptions
    )


def _name(text: str, seen: list[str], source: str, row: int) -> str:
    if not text:
        raise ActorDataError(f"{source}:{row}:Actor: the actor has no name")
    if text in seen:
        raise ActorDataError(
            f"{source}:{row}:Actor: '{_shown(text)}' appears twice (names are unique)"
        )
    return text


def _weight(text: str, source: str, row: int, column: str) -> float:
    value = _number(text, source, row, column)
    if value < 0:
        raise ActorDataError(f"{source}:{row}:{column}: {_shown(text)} is negative (expected >= 0)")
    return value


def _salience(text: str, source: str, row: int, column: str) -> float:
    value = _weight(text, source, row, column)
    if value > 100:
        raise ActorDataError(
            f"{source}:{row}:{column}: {_shown(text)} is above 100 (saliences are 0–100)"
        )
    return value


def _count(text: str, source: str, row: int, column: str, limit: int) -> int:
    value = _number(text, source, row, column)
    if value != int(value) or not 1 <= value <= limit:
        raise ActorDataError(
            f"{source}:{row}:{column}: {_shown(text)} is not a whole number from 1 to {limit:,}"
            f" (negsim's limit)"
        )
    return int(value)


def _checked(name: str, *parts: Any) -> ActorData:
    try:
        return ActorData(*parts)
    except ValidationError as error:
        raise ActorDataError(f"{name}: {error}") from None
