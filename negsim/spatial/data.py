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
    "ActorData",
    "ActorDataError",
    "bundled_actor_data",
    "load_actor_data",
    "read_actor_csv",
    "readonly",
    "whole_number",
]

Array = npt.NDArray[np.float64]


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
        for field, values in (("capability", self.capability), ("saliences", self.saliences)):
            if not np.isfinite(values).all() or (values < 0).any():
                raise ValidationError(field, "negative or not finite", "values >= 0")
        if not np.isfinite(self.positions).all():
            raise ValidationError("positions", "not finite", "finite positions")
        m = self.positions.shape[1]
        if not self.dimensions:
            object.__setattr__(self, "dimensions", tuple(f"dim{k + 1}" for k in range(m)))
        if len(self.dimensions) != m:
            raise ValidationError("dimensions", f"{len(self.dimensions)} names", f"{m} names")
        if self.descriptions and len(self.descriptions) != n:
            raise ValidationError("descriptions", f"{len(self.descriptions)}", f"{n} or none")

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


def _number(text: str, source: str, row: int, column: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ActorDataError(f"{source}:{row}:{column}: '{text.strip()}' is not a number") from None
    if not math.isfinite(value):
        raise ActorDataError(f"{source}:{row}:{column}: {text.strip()} is not finite")
    return value


def read_actor_csv(source: str | os.PathLike[str], text: str | None = None) -> ActorData:
    """Read a KTAB or BDM actor table (the format is recognised from its first row).

    ``text`` gives the file's contents directly (``source`` then only names it in errors).
    """
    name = str(source)
    if text is None:
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise ActorDataError(f"{name}: cannot read it: {error}") from None
    reader = csv.reader(io.StringIO(text))
    rows: list[tuple[int, list[str]]] = []
    for cells in reader:
        cells = [cell.strip() for cell in cells]
        if any(cells) and not cells[0].startswith("#"):
            rows.append((reader.line_num, cells))
    if not rows:
        raise ActorDataError(f"{name}: the file is empty")
    header = [cell.lower() for cell in rows[0][1]]
    if header[:1] == ["actor"]:  # a BDM header (a KTAB file starts with its scenario's name)
        return _bdm(name, rows)
    return _ktab(name, rows)


def bundled_actor_data() -> dict[str, Path]:
    """The actor data sets shipped with negsim (``scenarios/*.csv``): ``{name: path}``."""
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
                f"{name}:{line}:{k + 1}: header '{found}', expected '{expected}'"
                f" (a BDM table starts 'Actor,Capability,Position,Salience')"
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
    n = _count(first[2], name, line, "number of actors")
    m = _count(first[3], name, line, "number of dimensions")
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
        raise ActorDataError(f"{source}:{row}:Actor: '{text}' appears twice (names are unique)")
    return text


def _weight(text: str, source: str, row: int, column: str) -> float:
    value = _number(text, source, row, column)
    if value < 0:
        raise ActorDataError(f"{source}:{row}:{column}: {text} is negative (expected >= 0)")
    return value


def _salience(text: str, source: str, row: int, column: str) -> float:
    value = _weight(text, source, row, column)
    if value > 100:
        raise ActorDataError(f"{source}:{row}:{column}: {text} is above 100 (saliences are 0–100)")
    return value


def _count(text: str, source: str, row: int, column: str) -> int:
    value = _number(text, source, row, column)
    if value != int(value) or value < 1:
        raise ActorDataError(f"{source}:{row}:{column}: {text} is not a whole number >= 1")
    return int(value)


def _checked(name: str, *parts: Any) -> ActorData:
    try:
        return ActorData(*parts)
    except ValidationError as error:
        raise ActorDataError(f"{name}: {error}") from None
