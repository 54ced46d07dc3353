"""Results that survive interruption: an append-only SQLite store of runs, and a map that uses it.

A long sweep, Monte Carlo run or tournament writes each run to a :class:`RunStore` as soon as
it is done, so that ``kill -9``, a lost node or a full disk costs at most the runs in flight.
Rerunning the same command opens the same store, skips the runs it already holds and computes
only the rest; the finished result is built from the store, so it is the same, byte for byte,
as an uninterrupted run's.

The file is an ordinary SQLite database (the standard library's :mod:`sqlite3`), in WAL mode,
with two tables:

* ``meta(key TEXT PRIMARY KEY, value TEXT)``: what the runs are runs *of* — ``kind`` (e.g.
  ``"sweep"``), negsim's ``version``, the store ``format``, and the caller's *identity*
  entries (each a JSON value: a scenario's SHA-256, the parameter points, the base seed, the
  number of seeds…), plus *info* entries that are recorded but not compared (the scenario's
  TOML text, its title). Opening a store whose kind, version or identity differ from the
  caller's raises :class:`StoreMismatch` naming the first entry that differs, and leaves the
  file untouched: every check is made on a read-only connection before anything is written.
* ``runs(key TEXT PRIMARY KEY, <typed columns>, payload TEXT)``: one row per run, keyed by a
  run key the caller chooses (``"point:seed"``), with typed columns for querying in SQL and a
  JSON ``payload`` (:func:`negsim.io.json_text`: valid JSON, exact float round trip) holding
  the whole run.

Each :meth:`RunStore.add` is one transaction: a batch of runs is in the store entirely or not
at all, and the primary key makes a duplicate impossible. SQLite's journal means a process
killed at any moment leaves a consistent database; the last transactions may be lost only on
a power failure (``synchronous=NORMAL``), never half of one.

:func:`map_stored` is the machinery sweeps and Monte Carlo share (and tournaments can): it runs
tasks on any executor (:mod:`negsim.parallel`) and appends each finished chunk's rows.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "runs.sqlite"
>>> with RunStore.open(path, "demo", {"seed": 1}, columns={"x": "REAL"}) as store:
...     store.add([StoredRun("a", {"x": 0.5}, {"x": 0.5, "label": "first"})])
...     sorted(store.keys()), store.payloads()["a"].get("label")
1
(['a'], 'first')
>>> try:
...     RunStore.open(path, "demo", {"seed": 2}, columns={"x": "REAL"})
... except StoreMismatch as error:
...     print("holds runs with seed 1, not 2;" in str(error))
True
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import closing
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import attrs

from .errors import NegsimError
from .io import json_safe
from .parallel import imap_chunks

__all__ = [
    "COLUMN_TYPES",
    "STORE_FORMAT",
    "RunStore",
    "StoreError",
    "StoreMismatch",
    "StoredRun",
    "fingerprint",
    "map_resumable",
    "map_stored",
]

T = TypeVar("T")

#: The version of the table layout (kept in ``meta``).
STORE_FORMAT = 1
#: The SQL types a typed column may have.
COLUMN_TYPES = ("INTEGER", "REAL", "TEXT")
_RESERVED = {"key", "payload"}


class StoreError(NegsimError):
    """A run store cannot be opened, read or written."""


class StoreMismatch(StoreError):
    """A run store holds runs of something else (another scenario, seed or negsim version)."""


@attrs.frozen
class StoredRun:
    """One run as stored: its ``key``, its typed ``columns`` and its JSON ``payload``."""

    key: str
    columns: Mapping[str, Any]
    payload: Any


def fingerprint(data: Any) -> str:
    """The SHA-256 of ``data`` as canonical JSON (sorted keys, numpy values as Python's) —
    the same for equal data in every process and on every machine."""
    text = json.dumps(json_safe(data), sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _version() -> str:
    from . import __version__

    return __version__


def _dumps(value: Any) -> str:
    """Canonical JSON of ``value``; plain data goes straight to :mod:`json` (the common case,
    fast), anything else (numpy values, non-finite floats) through :func:`json_safe` first."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return json.dumps(json_safe(value), sort_keys=True, separators=(",", ":"), allow_nan=False)


def _cell(value: Any) -> Any:
    """A typed column's value as SQLite takes it (numpy scalars as Python's)."""
    return value if value is None or type(value) in (int, float, str, bool) else json_safe(value)


def _shown(value: str | None) -> str:
    """A stored JSON value as a message shows it: strings unquoted, long values cut."""
    if value is None:
        return "none"
    try:
        decoded = json.loads(value)
    except ValueError:
        decoded = value
    text = decoded if isinstance(decoded, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


class RunStore:
    """An append-only store of runs in one SQLite file (module docstring).

    Open it with :meth:`open`; use it as a context manager (or call :meth:`close`).
    """

    def __init__(self, path: Path, connection: sqlite3.Connection, columns: dict[str, str]):
        self.path = path
        self._connection = connection
        self.columns = columns

    # --- opening ---------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        kind: str,
        identity: Mapping[str, Any],
        *,
        columns: Mapping[str, str] | None = None,
        info: Mapping[str, Any] | None = None,
    ) -> RunStore:
        """Open the store at ``path`` for runs of ``kind`` with this ``identity``, creating it
        if the file does not exist (or is empty).

        ``columns`` maps typed column names to one of :data:`COLUMN_TYPES`. An existing store
        must have the same kind, negsim version, format, identity and columns, or
        :class:`StoreMismatch` is raised and the file is not touched; a file that is not a
        negsim store raises :class:`StoreError`.
        """
        path = Path(path)
        columns = dict(columns or {})
        for name, sql_type in columns.items():
            if not name.isidentifier() or name in _RESERVED or sql_type not in COLUMN_TYPES:
                raise ValueError(
                    f"column {name!r} {sql_type!r}: expected a name and {COLUMN_TYPES}"
                )
        expected = {
            "kind": _dumps(kind),
            "format": _dumps(STORE_FORMAT),
            "version": _dumps(_version()),
            "columns": _dumps(columns),
            **{f"identity.{k}": _dumps(v) for k, v in identity.items()},
        }
        exists = path.exists() and path.stat().st_size > 0
        if exists:
            cls._check(path, expected)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, isolation_level=None, timeout=30)
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"{path}: cannot open the run store: {error}") from None
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            if not exists:
                cls._create(connection, expected, columns, dict(info or {}))
        except sqlite3.Error as error:
            connection.close()
            raise StoreError(f"{path}: cannot write the run store: {error}") from None
        return cls(path, connection, columns)

    @staticmethod
    def _check(path: Path, expected: Mapping[str, str]) -> None:
        """Compare the store's meta with ``expected`` on a read-only connection."""
        try:
            with closing(sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)) as db:
                found = dict(db.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.Error as error:
            raise StoreError(
                f"{path}: not a negsim run store ({error}); choose another --store file"
            ) from None
        for key, want in expected.items():
            have = found.get(key)
            if have == want:
                continue
            name = key.removeprefix("identity.")
            if key == "kind":
                raise StoreMismatch(
                    f"{path}: this store holds {_shown(have)} runs, not {_shown(want)} runs; it is"
                    " left as it is (use another --store file)"
                )
            if key == "version":
                raise StoreMismatch(
                    f"{path}: this store was written by negsim {_shown(have)}, this is"
                    f" negsim {_shown(want)}; its runs may differ from this version's, so it is"
                    " left as it is (use another --store file, or the negsim version that wrote it)"
                )
            raise StoreMismatch(
                f"{path}: this store holds runs with {name} {_shown(have)}, not"
                f" {_shown(want)}; it is left as it is (rerun the command that made it, or use"
                " another --store file)"
            )
        extra = sorted(k for k in found if k.startswith("identity.") and k not in expected)
        if extra:
            raise StoreMismatch(
                f"{path}: this store holds runs with {extra[0].removeprefix('identity.')}"
                f" {_shown(found[extra[0]])}, which this command does not set; it is left as it is"
            )

    @staticmethod
    def _create(
        connection: sqlite3.Connection,
        expected: Mapping[str, str],
        columns: Mapping[str, str],
        info: Mapping[str, Any],
    ) -> None:
        typed = "".join(f", {name} {sql_type}" for name, sql_type in columns.items())
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            connection.execute(
                f"CREATE TABLE runs (key TEXT PRIMARY KEY{typed}, payload TEXT NOT NULL)"
            )
            rows = [*expected.items(), *((f"info.{k}", _dumps(v)) for k, v in info.items())]
            connection.executemany("INSERT INTO meta VALUES (?, ?)", rows)
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    # --- use -------------------------------------------------------------------------------
    def __enter__(self) -> RunStore:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the database connection."""
        self._connection.close()

    def __len__(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM runs")[0][0])

    def __repr__(self) -> str:
        return f"RunStore({str(self.path)!r}, runs={len(self)})"

    def _query(self, sql: str, parameters: Sequence[Any] = ()) -> list[Any]:
        try:
            return self._connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot read the run store: {error}") from None

    def meta(self) -> dict[str, Any]:
        """Every meta entry, decoded (``kind``, ``version``, ``identity.*``, ``info.*``)."""
        return {key: json.loads(value) for key, value in self._query("SELECT * FROM meta")}

    def keys(self) -> set[str]:
        """The keys of the runs the store holds."""
        return {key for (key,) in self._query("SELECT key FROM runs")}

    def payloads(self) -> dict[str, Any]:
        """``{key: payload}`` for every stored run (payloads decoded from JSON)."""
        return {key: json.loads(text) for key, text in self._query("SELECT key, payload FROM runs")}

    def add(self, runs: Iterable[StoredRun]) -> int:
        """Append ``runs`` in one transaction (all of them or, on any error, none); returns
        how many. A key already stored is an error (:class:`StoreError`), nothing added."""
        names = list(self.columns)
        sql = (
            f"INSERT INTO runs (key{''.join(', ' + n for n in names)}, payload)"
            f" VALUES ({', '.join('?' * (len(names) + 2))})"
        )
        rows = [
            (run.key, *(_cell(run.columns.get(n)) for n in names), _dumps(run.payload))
            for run in runs
        ]
        try:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                self._connection.executemany(sql, rows)
                self._connection.execute("COMMIT")
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot add runs to the store: {error}") from None
        return len(rows)


def map_stored(
    fn: Callable[[T], list[StoredRun]],
    tasks: Sequence[T],
    store: RunStore | None = None,
    executor: Executor | None = None,
    chunksize: int | None = None,
    progress: Callable[[int], Any] | None = None,
) -> list[StoredRun]:
    """``fn`` over ``tasks`` on ``executor`` (here when ``None``), each task returning the
    :class:`StoredRun` rows it made; each chunk's rows are added to ``store`` (in one
    transaction) as soon as the chunk finishes. Returns every row, in task order.

    Callers leave out the tasks whose runs ``store.keys()`` already holds. Without an
    executor and with a store, every task is its own chunk, so runs reach the store one task
    at a time. ``progress(n)`` is called with the number of rows each chunk added. A chunk that
    fails raises :class:`~negsim.parallel.ExecutorFailed`; the chunks stored before it stay.
    """
    if chunksize is None and executor is None and store is not None:
        chunksize = 1
    out: list[list[StoredRun]] = [[] for _ in tasks]
    for start, results in imap_chunks(fn, tasks, executor, chunksize):
        rows = [row for result in results for row in result]
        if store is not None:
            store.add(rows)
        out[start : start + len(results)] = results
        if progress is not None:
            progress(len(rows))
    return [row for result in out for row in result]


def map_resumable(
    fn: Callable[[T], Any],
    tasks: Sequence[T],
    *,
    store: str | os.PathLike[str] | RunStore | None,
    kind: str,
    identity: Mapping[str, Any],
    executor: Executor | None = None,
    info: Mapping[str, Any] | None = None,
    encode: Callable[[Any], Any] = json_safe,
    decode: Callable[[Any], Any] = lambda payload: payload,
) -> list[Any]:
    """``[fn(t) for t in tasks]`` on ``executor``, one stored run per task (key: the task's
    index; typed column ``task``): with a ``store`` (a path, opened for ``kind`` and
    ``identity``, or an open :class:`RunStore`), the tasks already stored are read back
    (``decode(payload)``) instead of run, and every new result is stored (``encode(result)``,
    JSON data) as its chunk finishes. ``encode`` and ``decode`` must round-trip exactly for
    the results to be the same, byte for byte, with and without a store."""
    if store is None:
        from .parallel import map_ordered

        return map_ordered(fn, tasks, executor)
    opened = None
    if not isinstance(store, RunStore):
        opened = store = RunStore.open(
            store, kind, identity, columns={"task": "INTEGER"}, info=info
        )
    try:
        done = store.keys()
        todo = [i for i in range(len(tasks)) if str(i) not in done]
        map_stored(_Keyed(fn, encode), [(i, tasks[i]) for i in todo], store, executor)
        payloads = store.payloads()
    finally:
        if opened is not None:
            opened.close()
    return [decode(payloads[str(i)]) for i in range(len(tasks))]


@attrs.frozen
class _Keyed:
    """``(i, task)`` → task ``i``'s result as one stored run (picklable, for executors)."""

    fn: Callable[[Any], Any]
    encode: Callable[[Any], Any]

    def __call__(self, item: tuple[int, Any]) -> list[StoredRun]:
        i, task = item
        return [StoredRun(str(i), {"task": i}, self.encode(self.fn(task)))]
