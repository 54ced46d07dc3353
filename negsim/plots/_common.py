"""What the plots of :mod:`negsim.plots` share: the parties' colours, a new Axes when none is
given, a label placed a few points from its anchor, the legend outside the axes and the
finish of a utility plane (axis labels, title, legend, grid)."""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import SubFigure
from matplotlib.transforms import offset_copy

PARTY_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b")


def _axes(ax: Axes | None, size: tuple[float, float] = (7.5, 6.0)) -> Axes:
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _note(
    ax: Axes,
    text: str,
    xy: tuple[float, float],
    offset: tuple[float, float] = (0.0, 0.0),
    coords: tuple[str, str] = ("data", "data"),
    **style: Any,
) -> Any:
    """``text`` at ``xy`` moved by ``offset`` points: the pixels of ``ax.annotate(text, xy,
    xycoords=coords, xytext=offset, textcoords="offset points")``, as a plain Text.

    ``coords`` is ``"data"`` or ``"axes fraction"`` for x and for y. A plain Text costs about
    a third of an Annotation to lay out and draw (an Annotation checks its point and its
    arrow on every pass), which counts in figures with dozens of labels.
    """
    root = ax.figure.figure if isinstance(ax.figure, SubFigure) else ax.figure
    base = {
        ("data", "data"): ax.transData,
        ("axes fraction", "data"): ax.get_yaxis_transform(),
        ("data", "axes fraction"): ax.get_xaxis_transform(),
    }[coords]
    moved = offset_copy(base, root, x=offset[0], y=offset[1], units="points")
    return ax.text(xy[0], xy[1], text, transform=moved, **style)


def _legend_outside(ax: Axes) -> None:
    """The legend to the right of the axes, top-aligned, small and without a frame."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)


def _finish_plane(ax: Axes, names: Any, title: str, suffix: str = "") -> Axes:
    """A utility plane's axis labels (``Utility to`` each party, with ``suffix``), title,
    outside legend and light grid."""
    ax.set_xlabel(f"Utility to {names[0]}{suffix}")
    ax.set_ylabel(f"Utility to {names[1]}{suffix}")
    ax.set_title(title)
    _legend_outside(ax)
    ax.grid(alpha=0.2)
    return ax
