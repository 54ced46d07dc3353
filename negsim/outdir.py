"""Output folders: written whole or not at all, never mixing two runs.

:func:`staged_output` gives a staging folder beside the output folder ``out``; the command
writes everything there, and only when it has finished does the staging folder take the
place of ``out``:

* ``out`` does not exist: the staging folder is renamed to ``out`` (one atomic step);
* ``out`` is a folder negsim made (it holds the marker file :data:`MARKER`, which lists the
  files negsim wrote): the old folder is renamed aside, the staging folder renamed into
  place, then the old one deleted — so the folder never holds the previous run's plots beside
  the new result. If the old folder holds files negsim did not write, nothing is replaced and
  a :class:`~negsim.errors.NegsimError` lists them (they are the user's);
* ``out`` exists and is empty: the files are moved into it;
* anything else (a non-empty folder negsim did not make, a file): a NegsimError, nothing is
  touched.

On failure or Ctrl-C the staging folder is deleted and ``out`` is as it was. A process killed
outright (``kill -9``) cannot clean up, so staging folders are named
``.<out>.negsim-<pid>-<random>`` and the next run for the same ``out`` deletes those whose
process is gone, or which are older than :data:`STALE_AFTER` seconds. Errors about the folder
name the folder the user asked for, not the staging folder.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import NegsimError

__all__ = [
    "MARKER",
    "STALE_AFTER",
    "OutputFolderError",
    "check_output",
    "clean_stale",
    "staged_output",
]

#: The file that marks a folder as negsim's output and lists what negsim wrote there.
MARKER = ".negsim-output.json"
#: Staging folders older than this (seconds) are stale even if their process id is in use.
STALE_AFTER = 24 * 3600.0


class OutputFolderError(NegsimError):
    """An output folder cannot be written or replaced."""


def _prefix(out: Path) -> str:
    return f".{out.name}.negsim-"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, another user's
        return True
    return True


def clean_stale(out: str | os.PathLike[str], now: float | None = None) -> list[Path]:
    """Delete the staging folders of ``out`` left by processes that are gone (or older than
    :data:`STALE_AFTER`); returns the folders deleted."""
    out = Path(out).absolute()
    now = time.time() if now is None else now
    removed = []
    try:
        entries = list(out.parent.iterdir())
    except OSError:
        return []
    prefix = _prefix(out)
    for entry in entries:
        if not entry.name.startswith(prefix) or not entry.is_dir() or entry.is_symlink():
            continue
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        try:
            pid = int(pid_text)
            age = now - entry.stat().st_mtime
        except (ValueError, OSError):
            continue
        if not _alive(pid) or age > STALE_AFTER:
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def _manifest(folder: Path) -> list[str] | None:
    """The files negsim wrote into ``folder`` (from its marker), or ``None`` if not negsim's."""
    try:
        listed = json.loads((folder / MARKER).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return [str(name) for name in listed] if isinstance(listed, list) else None


def _check_replaceable(out: Path, asked: str) -> str:
    """How ``out`` will be replaced: ``"new"``, ``"empty"`` or ``"swap"`` (else an error)."""
    if not out.exists() and not out.is_symlink():
        return "new"
    if not out.is_dir():
        raise OutputFolderError(f"{asked}: exists and is not a folder (expected a folder)")
    present = {entry.name for entry in out.iterdir()}
    if not present:
        return "empty"
    listed = _manifest(out)
    if listed is None:
        raise OutputFolderError(
            f"{asked}: the folder is not empty and was not made by negsim, so negsim will not"
            " write into it (expected a new or empty folder, or one negsim made; choose"
            " another --out)"
        )
    foreign = sorted(present - set(listed) - {MARKER})
    if foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        raise OutputFolderError(
            f"{asked}: holds files negsim did not write ({shown}); negsim replaces its output"
            " folders whole, so move them or choose another --out"
        )
    return "swap"


def check_output(out: str | os.PathLike[str]) -> None:
    """Raise the :class:`OutputFolderError` :func:`staged_output` would raise for ``out``,
    before a long run rather than after it."""
    try:
        _check_replaceable(Path(out).absolute(), str(out))
    except OSError as error:
        raise OutputFolderError(f"{out}: cannot use the output folder: {_why(error)}") from None


def _mark(staging: Path) -> None:
    files = sorted(entry.name for entry in staging.iterdir())
    record = {"written by": "negsim", "pid": os.getpid(), "files": files}
    (staging / MARKER).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


@contextmanager
def staged_output(out: str | os.PathLike[str]) -> Iterator[Path]:
    """A staging folder that replaces the output folder ``out`` on success (module docstring).

    OSErrors while staging or replacing become an :class:`OutputFolderError` naming ``out``.
    """
    asked = str(out)
    target = Path(out).absolute()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(target)
        _check_replaceable(target, asked)
        staging = Path(
            tempfile.mkdtemp(prefix=f"{_prefix(target)}{os.getpid()}-", dir=target.parent)
        )
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(staging, 0o777 & ~umask)  # mkdtemp makes folders private (0700)
    except OSError as error:
        raise OutputFolderError(f"{asked}: cannot write the output folder: {_why(error)}") from None
    try:
        try:
            yield staging
        except OSError as error:
            raise OutputFolderError(f"{asked}: cannot write the output: {_why(error)}") from None
        try:
            _replace(target, staging, asked)
        except OSError as error:
            raise OutputFolderError(
                f"{asked}: cannot replace the output folder: {_why(error)}"
            ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _why(error: OSError) -> str:
    return error.strerror or str(error)


def _replace(out: Path, staging: Path, asked: str) -> None:
    _mark(staging)
    how = _check_replaceable(out, asked)  # again: it may have changed while the run ran
    if how == "new":
        os.rename(staging, out)
    elif how == "empty":
        for item in staging.iterdir():
            os.replace(item, out / item.name)
    else:
        aside = Path(tempfile.mkdtemp(prefix=f"{_prefix(out)}{os.getpid()}-old-", dir=out.parent))
        os.rmdir(aside)  # only the unique name is wanted
        os.rename(out, aside)
        try:
            os.rename(staging, out)
        except BaseException:
            os.rename(aside, out)  # put the old folder back
            raise
        shutil.rmtree(aside, ignore_errors=True)
