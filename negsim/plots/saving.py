"""Figures to files: :func:`save_figure` writes one atomically at :data:`DPI`, its text plain.

Names and titles come from user files, so text is never read as mathtext: inside
:func:`plain_text` (which :func:`save_figure` and the command line use) a ``$`` is a dollar
sign, and a name such as ``$\\frac{$`` cannot make drawing fail.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure, SubFigure

from ..io import publish

__all__ = ["DPI", "PNG_COMPRESSION", "plain_text", "save_figure"]


@contextmanager
def plain_text() -> Iterator[None]:
    """Text created or drawn inside is plain text, not mathtext (see the module docstring)."""
    with plt.rc_context({"text.parse_math": False}):
        yield


#: The resolution figures are saved at (dots per inch).
DPI = 130
#: zlib effort for saved PNGs: level 3 writes files ~1.5 % larger than the default 6 in about
#: two thirds of the time; the pixels are the same.
PNG_COMPRESSION = 3


@contextmanager
def _laid_out(figure: Figure, dpi: float) -> Iterator[None]:
    """``figure`` laid out once by its layout engine at ``dpi``, the engine then switched off
    (both restored on exit).

    ``savefig`` on a figure with a layout engine (``layout="constrained"``) draws it twice:
    once, to a renderer that paints nothing, to run the layout, then for real. Laid out here
    first, with the renderer the PNG is drawn by (the same ``dpi``, so the same text sizes),
    the figure is drawn once, to the same pixels. The engine is removed, not set to
    ``"none"``: that leaves a placeholder engine, and ``savefig`` makes its first draw for
    any engine at all.
    """
    engine = figure.get_layout_engine()
    if engine is None:
        yield
        return
    before = figure.dpi
    figure.dpi = dpi
    try:
        engine.execute(figure)
        # None removes the engine unless the rc asks for one by default: it does not here
        with plt.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            figure.set_layout_engine(None)
        yield
    finally:
        figure.set_layout_engine(engine)
        figure.dpi = before


def save_figure(figure: Figure | SubFigure, path: str | os.PathLike[str]) -> Path:
    """Save ``figure`` atomically (a temporary file in the same folder, then a rename), at
    :data:`DPI`; a PNG is laid out and drawn once (:func:`_laid_out`)."""
    target = Path(path)
    root = figure.figure if isinstance(figure, SubFigure) else figure
    fmt = target.suffix.lstrip(".") or "png"
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=target.suffix)
    os.close(fd)
    try:
        with plain_text():
            if fmt == "png":
                with _laid_out(root, DPI):
                    root.savefig(
                        tmp, dpi=DPI, format=fmt, pil_kwargs={"compress_level": PNG_COMPRESSION}
                    )
            else:  # laid out by the renderer of its own format, as savefig does
                root.savefig(tmp, dpi=DPI, format=fmt)
        publish(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        plt.close(root)
    return target
