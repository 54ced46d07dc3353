"""Run many independent tasks on any :class:`concurrent.futures.Executor`, in order.

Sweeps, Monte Carlo draws and tournaments are embarrassingly parallel. They hand a module-level
function (so that a process pool or a Dask cluster can pickle it) and a list of tasks to
:func:`map_ordered`; with ``executor=None`` the tasks run here, one after another. Tasks are
sent in chunks (:func:`default_chunksize`: about four chunks per worker, at most
:data:`MAX_CHUNK` tasks each), so scheduling costs stay small beside the work, and results come
back in task order whatever order the chunks finish in. Because every task carries its own seed
(:func:`negsim.rng.spawn_seeds`), the results are the same, byte for byte, serial or parallel.

>>> map_ordered(abs, [-3, 1, -2])
[3, 1, 2]
>>> from concurrent.futures import ThreadPoolExecutor
>>> with ThreadPoolExecutor(2) as pool:
...     map_ordered(abs, range(-5, 5), executor=pool, chunksize=3)
[5, 4, 3, 2, 1, 0, 1, 2, 3, 4]
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from contextlib import contextmanager
from typing import Any, TypeVar

from .errors import NegsimError

__all__ = [
    "MAX_CHUNK",
    "ExecutorFailed",
    "default_chunksize",
    "imap_chunks",
    "map_ordered",
    "open_executor",
]

T = TypeVar("T")
R = TypeVar("R")

MAX_CHUNK = 1_000
"""The most tasks sent to a worker at once (so progress and stores see results often)."""


class ExecutorFailed(NegsimError):
    """A chunk of tasks failed on the executor; no later chunk's result is used."""


def _run_chunk(fn: Callable[[T], R], chunk: Sequence[T]) -> list[R]:
    return [fn(task) for task in chunk]


def _workers(executor: Executor) -> int:
    client = getattr(executor, "_client", None)  # a Dask client's executor: its threads
    if client is not None:
        try:
            return max(1, int(sum(client.nthreads().values())))
        except Exception:  # a client that cannot answer: fall back to this machine
            return os.cpu_count() or 1
    for attribute in ("_max_workers", "n_workers"):  # concurrent.futures pools; Dask's executor
        value = getattr(executor, attribute, None)
        if isinstance(value, int) and value > 0:
            return value
    return os.cpu_count() or 1


def default_chunksize(n_tasks: int, executor: Executor | None) -> int:
    """About four chunks per worker, between 1 and :data:`MAX_CHUNK` tasks each."""
    if executor is None:
        return max(1, min(n_tasks, MAX_CHUNK))
    return max(1, min(MAX_CHUNK, math.ceil(n_tasks / (4 * _workers(executor)))))


def imap_chunks(
    fn: Callable[[T], R],
    tasks: Sequence[T],
    executor: Executor | None = None,
    chunksize: int | None = None,
) -> Iterator[tuple[int, list[R]]]:
    """Yield ``(start, results)`` for each chunk of ``tasks`` as it finishes, where
    ``results[k]`` is ``fn(tasks[start + k])``. Chunks finish in any order; a failing chunk
    cancels the rest and raises :class:`ExecutorFailed` naming the tasks it held."""
    size = chunksize or default_chunksize(len(tasks), executor)
    if size < 1:
        raise ValueError(f"chunksize must be >= 1, not {size}")
    starts = range(0, len(tasks), size)
    if executor is None:
        for start in starts:
            yield start, _run_chunk(fn, tasks[start : start + size])
        return
    pending: dict[Future[list[R]], int] = {
        executor.submit(_run_chunk, fn, list(tasks[start : start + size])): start
        for start in starts
    }
    try:
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                start = pending.pop(future)
                try:
                    results = future.result()
                except Exception as error:
                    stop = min(start + size, len(tasks))
                    raise ExecutorFailed(
                        f"tasks {start}..{stop - 1} failed on the executor: "
                        f"{type(error).__name__}: {error}"
                    ) from error
                yield start, results
    finally:
        for future in pending:
            future.cancel()


def map_ordered(
    fn: Callable[[T], R],
    tasks: Sequence[T] | Iterator[T],
    executor: Executor | None = None,
    chunksize: int | None = None,
) -> list[R]:
    """``[fn(t) for t in tasks]``, computed on ``executor`` (here if ``None``), in task order."""
    tasks = list(tasks)
    out: list[Any] = [None] * len(tasks)
    for start, results in imap_chunks(fn, tasks, executor, chunksize):
        out[start : start + len(results)] = results
    return out


@contextmanager
def open_executor(workers: int = 1, dask: str | None = None) -> Iterator[Executor | None]:
    """The executor the command line's ``--workers N`` and ``--dask ADDRESS`` ask for, shut
    down on exit: ``None`` (run here) for one worker, a :class:`ProcessPoolExecutor` of
    ``workers`` processes, or the executor of a Dask client connected to the scheduler at
    ``dask`` (``Client(address).get_executor()``; needs ``pip install "negsim[dask]"``)."""
    if not isinstance(workers, int) or workers < 1:
        raise NegsimError(f"--workers {workers!r}: expected a whole number >= 1")
    if dask is not None and workers > 1:
        raise NegsimError("--workers and --dask: choose one (Dask's workers are its own)")
    if dask is not None:
        try:
            from distributed import Client
        except ImportError:
            raise NegsimError(
                f'--dask {dask}: Dask is not installed (pip install "negsim[dask]")'
            ) from None
        try:
            client = Client(dask, timeout="10s")  # type: ignore[no-untyped-call,unused-ignore]
        except (OSError, TimeoutError, ValueError) as error:
            raise NegsimError(
                f"--dask {dask}: cannot reach the Dask scheduler ({type(error).__name__}:"
                f" {error}); expected an address such as tcp://head-node:8786"
            ) from None
        with client:
            yield client.get_executor()  # type: ignore[no-untyped-call,unused-ignore]
    elif workers > 1:
        from concurrent.futures import ProcessPoolExecutor  # loads multiprocessing: only now

        with ProcessPoolExecutor(workers) as pool:
            yield pool
    else:
        yield None
