"""Work on the machine's other core: call a function in a forked child process now, collect
its result later.

``negsim run`` spends most of its time in three serial steps: the counterfactual levers, the
import of matplotlib and the drawing of the figures. :func:`start` lets it overlap them: the
child is a copy of this process (``os.fork``), so it needs nothing pickled to begin, only its
result is pickled back over a pipe, and :meth:`Pending.result` gives that value or raises
the exception the function raised, as if it had been called here.

Where forking is not safe or not possible (not Linux, another thread running, a single core,
``os.fork`` failing), or not wanted (the environment variable ``NEGSIM_NO_FORK`` set to
anything but an empty string, say for a profiler or a debugger, which do not follow a fork),
the function is called at once, here, and :meth:`Pending.result` returns what it returned:
the results are the same either way, only the wall time differs.

>>> with start(sum, [1, 2, 3]) as pending:
...     pending.result()
6

Leaving the ``with`` block without the result (an error, Ctrl-C) kills the child and reaps
it, so nothing runs on behind the caller's back. The child ignores Ctrl-C's ``SIGINT`` (its
parent decides what an interrupt stops) and ends with ``os._exit``: it runs no ``atexit``
handler and flushes no buffer inherited from the parent, so it never prints twice what the
parent printed.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from .errors import NegsimError

__all__ = ["BackgroundFailed", "Pending", "can_fork", "start"]

T = TypeVar("T")

_RAISED = b"E"
_RETURNED = b"R"


class BackgroundFailed(NegsimError):
    """The child process ended without a result (killed, or its result would not pickle)."""


def can_fork() -> bool:
    """Whether :func:`start` forks: on Linux, with more than one core to run on, no thread
    but this one (forking a threaded process can deadlock the child) and ``NEGSIM_NO_FORK``
    unset or empty."""
    if not sys.platform.startswith("linux") or os.environ.get("NEGSIM_NO_FORK"):
        return False
    if threading.active_count() > 1:
        return False
    return len(os.sched_getaffinity(0)) > 1


class Pending(Generic[T]):
    """The result of one :func:`start` call, running in a child (``pid``) or already here."""

    def __init__(self, pid: int | None, reader: int | None, done: tuple[bytes, Any] | None):
        self.pid = pid
        self._reader = reader
        self._done = done

    def result(self) -> T:
        """The function's return value (waits for the child); re-raises its exception."""
        if self._done is None:
            self._done = self._collect()
        kind, value = self._done
        if kind == _RAISED:
            raise value
        return value  # type: ignore[no-any-return]

    def _collect(self) -> tuple[bytes, Any]:
        assert self._reader is not None
        assert self.pid is not None
        with os.fdopen(self._reader, "rb") as pipe:
            self._reader = None
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if status != 0 or not data:
            failed = f"the background process ended without a result ({_how(status)})"
            return _RAISED, BackgroundFailed(failed)
        return data[:1], pickle.loads(data[1:])

    def cancel(self) -> None:
        """Kill the child, if it is still running, and reap it; the result is then lost."""
        if self._reader is not None:
            os.close(self._reader)
            self._reader = None
        if self.pid is not None:
            with contextlib.suppress(ProcessLookupError):  # gone, still to be reaped
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None

    def __enter__(self) -> Pending[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.cancel()


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        number = os.WTERMSIG(status)
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        return f"killed by {name}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def start(function: Callable[..., T], *args: Any, **kwargs: Any) -> Pending[T]:
    """``function(*args, **kwargs)``, in a forked child when :func:`can_fork`, else here and
    now."""
    if can_fork():
        reader, writer = os.pipe()
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # or the child would hold a copy of what is buffered
        # the child's collector leaves what it inherits alone (frozen): its collections
        # neither walk those objects nor write to their pages, each write copying a page
        # shared with this process; this process's collector is left as it was
        frozen = gc.get_freeze_count()
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:  # out of processes or memory: do the work here
            pid = -1
        if pid == 0:  # pragma: no cover - the child; coverage cannot follow it
            os.close(reader)
            _child(writer, function, args, kwargs)
        if not frozen:
            gc.unfreeze()
        os.close(writer)
        if pid > 0:
            return Pending(pid, reader, None)
        os.close(reader)
    try:
        return Pending(None, None, (_RETURNED, function(*args, **kwargs)))
    except Exception as error:
        return Pending(None, None, (_RAISED, error))


def _child(  # pragma: no cover - runs in the child, where coverage cannot follow
    writer: int, function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """Run in the child: call, pickle the outcome onto the pipe, and end without cleanup
    (exit code 0 once the whole outcome is written, else 1)."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            value = function(*args, **kwargs)
        except Exception as error:
            payload = _RAISED + _pickled_error(error)
        else:
            try:
                payload = _RETURNED + pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            except Exception as error:
                failed = BackgroundFailed(f"the background result would not pickle: {error}")
                payload = _RAISED + pickle.dumps(failed)
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(payload)
        code = 0
    finally:
        os._exit(code)


def _pickled_error(error: Exception) -> bytes:  # pragma: no cover - runs in the child
    """``error``, its traceback in the child added as a note, pickled; if it will not pickle
    (or not load again), a BackgroundFailed carrying that traceback instead."""
    where = "".join(traceback.format_exception(error)).rstrip()
    error.add_note(f"raised in negsim's background process:\n{where}")
    try:
        data = pickle.dumps(error, pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)
        return data
    except Exception:
        return pickle.dumps(BackgroundFailed(f"the background work failed:\n{where}"))
