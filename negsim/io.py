"""Files and text negsim writes: atomic files, CSV, JSON, printable text; the bundled data.

One helper per concept, used everywhere negsim writes:

* :func:`write_text_atomic` — a temporary file in the same folder, then a rename, so a failure
  never leaves half a file behind;
* :func:`csv_text` — every CSV negsim writes goes through :mod:`csv` (quoting commas, quotes
  and newlines in names) with **formula neutralisation**: a *text* cell that begins with
  ``=``, ``+``, ``-``, ``@``, a tab or a carriage return, and is not a plain number, gets a
  leading ``'`` so that a spreadsheet shows it as text instead of running it (an actor named
  ``=HYPERLINK(...)``). Numbers, and text that is a plain number such as ``-3.5``, are
  written as they are;
* :func:`json_text` — JSON that is always valid (``allow_nan=False``). Non-finite numbers
  follow one convention (:func:`json_number`): ``-inf`` (a red line's utility) is the string
  ``"-inf"``, ``+inf`` the string ``"inf"``, and NaN (no value) is ``null``;
  :func:`number_from_json` reads them back;
* :func:`printable` — text from user files (titles, names, labels) with the C0 and C1
  control characters removed (except newline and tab), so a name cannot send escape
  sequences to the terminal.

Output *folders* (staged, replaced wholesale) are in :mod:`negsim.outdir`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "bundled_files",
    "csv_text",
    "json_number",
    "json_safe",
    "json_text",
    "number_from_json",
    "printable",
    "publish",
    "read_json",
    "spreadsheet_safe",
    "write_json_atomic",
    "write_text_atomic",
]


def publish(tmp: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Give a finished temporary file the usual permissions and rename it onto ``target``."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes files private (0600)
    os.replace(tmp, target)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        publish(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_json_atomic(path: str | os.PathLike[str], data: object) -> Path:
    """Write ``data`` as valid JSON (:func:`json_text`: never ``NaN`` or ``Infinity``)
    atomically."""
    return write_text_atomic(path, json_text(data))


# --- CSV -------------------------------------------------------------------------------------
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?inf|nan")


def spreadsheet_safe(cell: Any) -> Any:
    """``cell`` as a CSV cell: a text cell a spreadsheet would run as a formula gets a ``'``.

    Numbers (``int``, ``float``, numpy numbers) pass as numbers; ``bool`` as ``true``/``false``.

    >>> spreadsheet_safe("=HYPERLINK(1)"), spreadsheet_safe("-3.5"), spreadsheet_safe(-3.5)
    ("'=HYPERLINK(1)", '-3.5', -3.5)
    """
    if isinstance(cell, bool | np.bool_):
        return "true" if cell else "false"
    if isinstance(cell, np.integer):
        return int(cell)
    if isinstance(cell, np.floating):
        return float(cell)
    text = isinstance(cell, str) and cell.startswith(_FORMULA_START)
    if text and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def csv_text(
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    path: str | os.PathLike[str] | None = None,
) -> str:
    """CSV text of ``header`` and ``rows`` (cells through :func:`spreadsheet_safe`); also
    written atomically to ``path`` when given. Floats are written in full (``repr``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([spreadsheet_safe(cell) for cell in header])
    for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
    text = buffer.getvalue()
    if path is not None:
        write_text_atomic(path, text)
    return text


# --- JSON ------------------------------------------------------------------------------------
def json_number(x: float) -> float | str | None:
    """The JSON form of a number (module docstring): finite as is, ``"-inf"``, ``"inf"``, or
    ``None`` (``null``) for NaN."""
    x = float(x)
    if math.isfinite(x):
        return x
    if math.isnan(x):
        return None
    return "-inf" if x < 0 else "inf"


def number_from_json(value: float | str | None) -> float:
    """The inverse of :func:`json_number`: ``"-inf"`` → ``-inf``, ``None`` → NaN."""
    return math.nan if value is None else float(value)


def json_safe(value: Any) -> Any:
    """``value`` as plain JSON data: numpy scalars and arrays become Python numbers and lists,
    tuples become lists, non-finite floats follow :func:`json_number`."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return json_number(float(value))
    return value


def json_text(data: Any, indent: int | None = 2) -> str:
    """Valid JSON text of ``data`` (through :func:`json_safe`), ending in a newline."""
    return json.dumps(json_safe(data), indent=indent, ensure_ascii=False, allow_nan=False) + "\n"


def read_json(source: str | os.PathLike[str]) -> tuple[Any, str]:
    """``(data, name)`` from JSON text or a ``.json`` file path; ``name`` is the path (or
    ``"<json text>"``) for error messages. An unreadable file or invalid JSON raises a
    :class:`~negsim.errors.NegsimError` naming the file, the line and the column."""
    from .errors import NegsimError

    text = str(source)
    name = "<json text>"
    if not isinstance(source, str) or not text.lstrip().startswith(("{", "[")):
        name = text
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise NegsimError(f"{name}: cannot read it: {error}") from None
    try:
        return json.loads(text), name
    except json.JSONDecodeError as error:
        raise NegsimError(
            f"{name}:{error.lineno}:{error.colno}: not valid JSON: {error.msg}"
        ) from None


# --- printable text --------------------------------------------------------------------------
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without C0/C1 control characters (newline and tab are kept).

    >>> printable("Japan\\x1b[2J PM\\roffice\\n")
    'Japan[2J PMoffice\\n'
    """
    return _CONTROL.sub("", str(text))


def bundled_folder() -> Path:
    """The folder of the files bundled with negsim (the package ``negsim.scenarios``)."""
    return Path(str(resources.files("negsim.scenarios")))


def bundled_files(suffix: str) -> dict[str, Path]:
    """The files shipped in ``negsim.scenarios`` ending in ``suffix``: ``{stem: path}``, sorted."""
    folder = resources.files("negsim.scenarios")
    found = {
        entry.name.removesuffix(suffix): Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(suffix)
    }
    return dict(sorted(found.items()))
