"""Files: atomic output (a failure never leaves half a result behind); the bundled data."""

from __future__ import annotations

import json
import os
import tempfile
from importlib import resources
from pathlib import Path

__all__ = ["bundled_files", "publish", "write_json_atomic", "write_text_atomic"]


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
    """Write ``data`` as JSON (never ``NaN`` or ``Infinity``: those raise) atomically."""
    text = json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return write_text_atomic(path, text)


def bundled_files(suffix: str) -> dict[str, Path]:
    """The files shipped in ``negsim.scenarios`` ending in ``suffix``: ``{stem: path}``, sorted."""
    folder = resources.files("negsim.scenarios")
    found = {
        entry.name.removesuffix(suffix): Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(suffix)
    }
    return dict(sorted(found.items()))
