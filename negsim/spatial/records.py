"""One convention for every spatial result: equality, read-only arrays, JSON, provenance.

Every forecast, Monte Carlo and what-if result of :mod:`negsim.spatial` (and every record
inside one: a BDM round, a KTAB turn, a Stokman step, the actor data) is a frozen ``attrs``
object that

* compares by value, arrays element by element (:func:`array_eq`: same shape, same entries,
  NaN equal to NaN), as the core's results do — never by identity;
* holds read-only arrays (:func:`negsim.validators.readonly`: ``arr.flags.writeable`` is
  off);
* round-trips through plain data: ``to_dict()`` / ``from_dict()`` and ``to_json()`` /
  ``from_json()`` (:class:`Recorded`), with ``from_json(result.to_json()) == result``;
* records its provenance (:class:`Provenance`: model, options, seed, negsim version, data
  source);
* writes its tidy table (one observation per row) through :func:`negsim.io.csv_text`.

The JSON form is generic, so a field added to a result is exported and read back without a
hand-kept schema: a record is ``{"$type": class name, field: value, ...}``; arrays are nested
lists (NaN as ``null``, infinities as ``"inf"``/``"-inf"``, :func:`negsim.io.json_number`),
tuples are lists, nested records carry their own ``"$type"``; the outermost record also has
``"format"`` (:data:`FORMAT_VERSION`). A record is read back by calling its class with the
fields, so every converter and validator runs again: a malformed file raises
:class:`ResultFileError` naming the file and the key path (``forecast.json:
data.capability: ...``). The classes that can appear are the public ``attrs`` classes of
:mod:`negsim.spatial`.

>>> from negsim.spatial import ActorData, make_model
>>> data = ActorData(["a", "b", "c"], [1, 1, 2], [0, 40, 100], [90, 50, 60])
>>> forecast = make_model("bdm").run(data, 2)
>>> type(forecast).from_json(forecast.to_json()) == forecast
True
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import attrs
import numpy as np

from ..display import short_repr
from ..errors import NegsimError
from ..io import json_safe, json_text, read_json, write_text_atomic

__all__ = [
    "ARRAY_EQ",
    "FORMAT_VERSION",
    "TYPE_KEY",
    "Provenance",
    "Recorded",
    "ResultFileError",
    "array_eq",
    "as_tuple",
    "from_record",
    "negsim_version",
    "series_eq",
    "to_record",
]

#: The version of the JSON layout (written as ``"format"``).
FORMAT_VERSION = 1
#: The key naming a record's class.
TYPE_KEY = "$type"

T = TypeVar("T")


class ResultFileError(NegsimError):
    """A result file (or JSON text) cannot be read back: ``file: key.path: what is wrong``."""


def array_eq(a: Any, b: Any) -> bool:
    """Whether two arrays have the same shape and entries (NaN equals NaN)."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.array_equal(a, b))


#: ``eq=`` of every array field: :func:`array_eq`.
ARRAY_EQ = attrs.cmp_using(eq=array_eq)


def as_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """A tuple of ``value``'s items (the converter of tuple fields: JSON gives lists)."""
    return tuple(value)


def series_eq(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Named arrays equal: the same names in the same order (the first is the headline)."""
    return list(a) == list(b) and all(array_eq(a[k], b[k]) for k in a)


def negsim_version() -> str:
    """The running negsim's version (recorded in every result)."""
    from .. import __version__

    return __version__


@attrs.frozen(repr=False)
class Provenance:
    """Where a result comes from: the model and its options, the seed (``None`` for a
    deterministic run), the negsim version and the actor data's source (a file name, or the
    data's title when they were built in memory)."""

    model: str
    options: dict[str, Any]
    seed: int | None
    version: str
    source: str

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return dict(attrs.asdict(self))

    def __repr__(self) -> str:
        return short_repr("Provenance", **attrs.asdict(self))


def _encode(value: Any, detail: bool) -> Any:
    if attrs.has(type(value)):
        return to_record(value, detail=detail, top=False)
    if isinstance(value, dict):
        return {str(k): _encode(v, detail) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_encode(v, detail) for v in value]
    return json_safe(value)


def to_record(obj: Any, *, detail: bool = True, top: bool = True) -> dict[str, Any]:
    """``obj`` (an ``attrs`` instance) as plain JSON-ready data (module docstring).

    ``detail=False`` writes every ``detail`` field (a model's per-round internals, ``n²``
    numbers per round for BDM) as empty.
    """
    record: dict[str, Any] = {TYPE_KEY: type(obj).__name__}
    if top:
        record["format"] = FORMAT_VERSION
    for field in attrs.fields(type(obj)):
        if not field.init:
            continue
        value = getattr(obj, field.name)
        if field.name == "detail" and not detail:
            value = ()
        record[field.name] = _encode(value, detail)
    return record


def _classes() -> dict[str, type]:
    from .. import spatial

    return {
        name: obj
        for name in spatial.__all__
        if isinstance(obj := getattr(spatial, name), type) and attrs.has(obj)
    }


def _where(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _decode(value: Any, name: str, path: str) -> Any:
    if isinstance(value, dict):
        if TYPE_KEY in value:
            return _build(None, value, name, path)
        return {k: _decode(v, name, _where(path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(_decode(v, name, f"{path}[{i}]") for i, v in enumerate(value))
    return value


def _scalar(value: Any, annotation: Any) -> Any:
    """A ``float`` field written as ``null``/``"inf"`` (:func:`negsim.io.json_number`)."""
    if annotation in ("float", float):
        if value is None:
            return math.nan
        if value in ("inf", "-inf"):
            return float(value)
    return value


def _build(cls: type | None, record: Any, name: str, path: str) -> Any:
    where = path or "(top level)"
    if not isinstance(record, dict):
        raise ResultFileError(f"{name}: {where}: got {type(record).__name__}, expected a record")
    kind = record.get(TYPE_KEY)
    classes = _classes()
    if cls is None:
        if kind not in classes:
            raise ResultFileError(
                f"{name}: {_where(path, TYPE_KEY)}: unknown record type {kind!r}"
                f" (expected one of {', '.join(sorted(classes))})"
            )
        cls = classes[kind]
    elif kind != cls.__name__:
        raise ResultFileError(
            f"{name}: {_where(path, TYPE_KEY)}: {kind!r}, expected {cls.__name__!r}"
        )
    fields = {f.name: f for f in attrs.fields(cls) if f.init}
    extra = sorted(set(record) - set(fields) - {TYPE_KEY, "format"})
    if extra:
        raise ResultFileError(
            f"{name}: {_where(path, extra[0])}: unknown key (valid: {', '.join(fields)})"
        )
    missing = [
        f.name for f in fields.values() if f.name not in record and f.default is attrs.NOTHING
    ]
    if missing:
        raise ResultFileError(f"{name}: {_where(path, missing[0])}: missing")
    kwargs = {
        key: _scalar(_decode(record[key], name, _where(path, key)), field.type)
        for key, field in fields.items()
        if key in record
    }
    try:
        return cls(**kwargs)
    except (NegsimError, TypeError, ValueError, IndexError) as error:
        raise ResultFileError(f"{name}: {where}: {error}") from None


def from_record(cls: type[T], data: Any, name: str = "<data>") -> T:
    """Rebuild a ``cls`` from :func:`to_record` output (``name`` names the source in errors)."""
    if isinstance(data, dict):
        version = data.get("format", FORMAT_VERSION)
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise ResultFileError(
                f"{name}: format: {version!r} (expected {FORMAT_VERSION} or lower: a file"
                " written by a newer negsim)"
            )
    result: T = _build(cls, data, name, "")
    return result


class Recorded:
    """``to_dict``/``to_json``/``from_dict``/``from_json`` for a spatial result (module
    docstring); mixed into every result class."""

    __slots__ = ()

    def to_dict(self, *, detail: bool = True) -> dict[str, Any]:
        """Plain JSON-ready data; ``detail=False`` leaves the models' per-round internals out."""
        return to_record(self, detail=detail)

    def to_json(
        self, path: str | os.PathLike[str] | None = None, *, indent: int = 2, detail: bool = True
    ) -> str:
        """Valid JSON text of :meth:`to_dict`; also written atomically to ``path`` if given."""
        text = json_text(self.to_dict(detail=detail), indent=indent)
        if path is not None:
            write_text_atomic(path, text)
        return text

    @classmethod
    def from_dict(cls: type[T], data: Any) -> T:
        """Rebuild the result from :meth:`to_dict` output."""
        return from_record(cls, data)

    @classmethod
    def from_json(cls: type[T], source: str | os.PathLike[str]) -> T:
        """Read the result from JSON text or a ``.json`` file (errors name file and key)."""
        data, name = read_json(source)
        return from_record(cls, data, name)
