"""Plots: functions that take results and return matplotlib Axes.

Only this module imports pyplot, so ``import negsim`` stays light. No function here runs a
simulation or calls ``plt.show()``; each takes an ``ax`` (a new figure is made when it is
``None``) and returns it.

* :func:`outcome_space` — every outcome in utility coordinates: the Pareto frontier, the
  zone of agreement, the Nash and Kalai–Smorodinsky points, the reservation lines, each
  party's offers and the agreement; outcomes that cross a party's red line sit in a band
  below (or left of) the axes;
* :func:`concessions` — each party's utility of every offer, round by round;
* :func:`win_sets` — which outcomes each party could ratify at home, and their overlap;
* :func:`sweep` — agreement rate and utilities against a parameter, or a heatmap for two.

Names and titles come from user files, so text is never read as mathtext: inside
:func:`plain_text` (which :func:`save_figure` and the command line use) a ``$`` is a dollar
sign, and a name such as ``$\\frac{$`` cannot make drawing fail.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.ticker import MaxNLocator

from . import analysis
from .io import publish
from .results import NegotiationResult

__all__ = ["concessions", "outcome_space", "plain_text", "save_figure", "sweep", "win_sets"]

PARTY_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b")


@contextmanager
def plain_text() -> Iterator[None]:
    """Text created or drawn inside is plain text, not mathtext (see the module docstring)."""
    with plt.rc_context({"text.parse_math": False}):
        yield


def _axes(ax: Axes | None, size: tuple[float, float] = (7.5, 6.0)) -> Axes:
    if ax is not None:
        return ax
    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _with_red_line_band(U: np.ndarray) -> tuple[np.ndarray, float]:
    """Replace -inf by a position in a band below the finite values; return the band's y."""
    finite = U[np.isfinite(U)]
    low = float(finite.min()) if finite.size else 0.0
    band = min(low, 0.0) - 0.12
    return np.where(np.isneginf(U), band, U), band


def _label_bands(ax: Axes, U: np.ndarray, band: float, names: Sequence[str]) -> None:
    """Name the bands where outcomes crossing a party's red line are drawn."""
    style: dict[str, Any] = {"color": "#c44e52", "fontsize": 8, "alpha": 0.9}
    if np.isneginf(U[:, 1]).any():
        ax.axhline(band, c="#c44e52", lw=0.5, alpha=0.4)
        ax.annotate(
            f"crosses {names[1]}'s red line",
            (1.0, band),
            xycoords=("axes fraction", "data"),
            xytext=(-4, 4),
            textcoords="offset points",
            ha="right",
            va="bottom",
            **style,
        )
    if np.isneginf(U[:, 0]).any():
        ax.axvline(band, c="#c44e52", lw=0.5, alpha=0.4)
        ax.annotate(
            f"crosses {names[0]}'s red line",
            (band, 1.0),
            xycoords=("data", "axes fraction"),
            xytext=(4, -4),
            textcoords="offset points",
            rotation=90,
            ha="left",
            va="top",
            **style,
        )


def _reservation_lines(ax: Axes, d: np.ndarray, names: Sequence[str]) -> None:
    for j, value in enumerate(d[:2]):
        line = ax.axvline if j == 0 else ax.axhline
        line(
            value,
            ls="--",
            lw=1,
            c=PARTY_COLOURS[j],
            label=f"{names[j]}'s reservation ({value:.2f})",
        )


def outcome_space(
    U: Any,
    names: Sequence[str],
    reservations: Any = None,
    result: NegotiationResult | None = None,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Every outcome of a two-party negotiation in utility coordinates (see the module doc).

    ``U`` is ``(n_outcomes, 2)`` (``negsim.utility_matrix``); ``reservations`` the
    disagreement point (default none: no zone, lines or solutions drawn).
    """
    U = np.asarray(U, dtype=float)[:, :2]
    ax = _axes(ax)
    shown, band = _with_red_line_band(U)
    crossed = np.isneginf(U).any(axis=1)
    ax.scatter(
        shown[~crossed][:, 0],
        shown[~crossed][:, 1],
        s=14,
        c="#9a9a9a",
        alpha=0.6,
        label="possible outcome",
        zorder=1,
    )
    if crossed.any():
        ax.scatter(
            shown[crossed][:, 0],
            shown[crossed][:, 1],
            s=16,
            marker="x",
            c="#c44e52",
            alpha=0.6,
            label="crosses a party's red line",
            zorder=1,
        )
    frontier = analysis.pareto_frontier(U)
    frontier = frontier[np.isfinite(U[frontier]).all(axis=1)]
    if frontier.size:
        points = U[frontier][np.argsort(U[frontier, 0])]
        ax.plot(*points.T, "-o", c="#ff7f0e", ms=4, lw=1.5, label="Pareto frontier", zorder=2)
    if reservations is not None:
        d = np.asarray(reservations, dtype=float)[:2]
        top = np.nanmax(np.where(np.isfinite(U), U, np.nan), axis=0)
        if (top > d).all():
            ax.fill_between(
                [d[0], top[0] + 0.02],
                d[1],
                top[1] + 0.02,
                color="#2ca02c",
                alpha=0.08,
                label="better than no deal for both",
                zorder=0,
            )
        _reservation_lines(ax, d, names)
        for finder, marker, label in (
            (analysis.nash_point, "*", "Nash solution"),
            (analysis.kalai_smorodinsky_point, "D", "Kalai–Smorodinsky solution"),
        ):
            index = finder(U, d)
            if index is not None:
                ax.scatter(
                    U[index, 0],
                    U[index, 1],
                    s=180 if marker == "*" else 70,
                    marker=marker,
                    c="#ffbf00",
                    edgecolors="black",
                    linewidths=0.8,
                    label=label,
                    zorder=5,
                )
    if result is not None:
        _offer_paths(ax, U, band, result, names)
    ax.set_xlabel(f"Utility to {names[0]}")
    ax.set_ylabel(f"Utility to {names[1]}")
    _label_bands(ax, U, band, names)
    ax.set_title(title or "The outcome space in utility coordinates")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.grid(alpha=0.2)
    return ax


def _offer_paths(
    ax: Axes, U: np.ndarray, band: float, result: NegotiationResult, names: Sequence[str]
) -> None:
    shown = np.where(np.isneginf(U), band, U)
    for j in range(min(2, len(result.party_names))):
        mine = result.offers[result.proposers == j]
        if mine.size:
            ax.plot(
                *shown[mine].T,
                "-",
                marker=".",
                ms=7,
                lw=1.2,
                alpha=0.85,
                c=PARTY_COLOURS[j],
                label=f"{names[j]}'s offers",
                zorder=3,
            )
            ax.annotate(
                "",
                xy=shown[mine[-1]],
                xytext=shown[mine[0]],
                arrowprops={"arrowstyle": "->", "color": PARTY_COLOURS[j], "alpha": 0.5},
            )
    if result.agreement is not None:
        ax.scatter(
            U[result.agreement, 0],
            U[result.agreement, 1],
            s=260,
            facecolors="none",
            edgecolors="black",
            linewidths=2,
            label="agreement",
            zorder=6,
        )


def concessions(result: NegotiationResult, title: str = "", ax: Axes | None = None) -> Axes:
    """Each party's (discounted) utility of every offer, by round: the concession curves.

    For each party a solid line joins its own offers and a dashed line the offers it
    received; dotted lines are the reservation values. Offers that cross a party's red line
    are drawn on the band at the bottom.
    """
    ax = _axes(ax, (8.5, 5.0))
    shown, band = _with_red_line_band(result.utilities)
    rounds = np.arange(result.n_rounds)
    for j, name in enumerate(result.party_names):
        colour = PARTY_COLOURS[j % len(PARTY_COLOURS)]
        own = result.proposers == j
        ax.plot(rounds[own], shown[own, j], "-o", c=colour, ms=5, label=f"{name}: its own offers")
        ax.plot(
            rounds[~own],
            shown[~own, j],
            "--o",
            mfc="white",
            c=colour,
            ms=5,
            alpha=0.8,
            label=f"{name}: offers it received",
        )
        ax.axhline(
            result.reservations[j],
            ls=":",
            lw=1.2,
            c=colour,
            label=f"{name}'s reservation ({result.reservations[j]:.2f})",
        )
    if np.isneginf(result.utilities).any():
        ax.axhline(band, c="#c44e52", lw=0.5, alpha=0.4)
        ax.set_ylim(bottom=band - 0.09)
        ax.annotate(
            "offers on this line cross the receiver's red line",
            (1.0, band),
            xycoords=("axes fraction", "data"),
            xytext=(-4, -8),
            textcoords="offset points",
            ha="right",
            va="top",
            color="#c44e52",
            fontsize=8,
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ending = f"{result.end.value} after {result.n_rounds} rounds"
    ax.set_title(f"{title}\n" if title else "", loc="left", fontsize=11)
    ax.set_title(f"Concessions round by round ({ending})", fontsize=10, loc="right")
    ax.set_xlabel("Round")
    ax.set_ylabel("Utility of the offer (discounted)")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.grid(alpha=0.2)
    return ax


def win_sets(
    U: Any,
    names: Sequence[str],
    members: Sequence[Any | None],
    title: str = "",
    ax: Axes | None = None,
    reservations: Any = None,
) -> Axes:
    """Outcomes by which parties could ratify them (Putnam's win-sets) and their overlap.

    ``members[j]`` holds the indices of party ``j``'s win-set, or ``None`` when the party has
    no ratification stage (everything counts as ratifiable for it).
    """
    U = np.asarray(U, dtype=float)[:, :2]
    ax = _axes(ax)
    shown, band = _with_red_line_band(U)
    inside = []
    for j in range(2):
        mask = np.ones(len(U), dtype=bool)
        if members[j] is not None:
            mask[:] = False
            mask[np.asarray(members[j], dtype=int)] = True
        inside.append(mask)
    groups = (
        (~inside[0] & ~inside[1], "#bdbdbd", "ratifiable by neither", "o"),
        (inside[0] & ~inside[1], PARTY_COLOURS[0], f"only in {names[0]}'s win-set", "o"),
        (~inside[0] & inside[1], PARTY_COLOURS[1], f"only in {names[1]}'s win-set", "o"),
        (inside[0] & inside[1], "#2ca02c", "in both win-sets (ratifiable deal)", "*"),
    )
    for mask, colour, label, marker in groups:
        count = int(mask.sum())
        ax.scatter(
            shown[mask][:, 0],
            shown[mask][:, 1],
            s=60 if marker == "*" else 18,
            c=colour,
            marker=marker,
            alpha=0.8,
            label=f"{label}: {count}",
        )
    if reservations is not None:
        _reservation_lines(ax, np.asarray(reservations, dtype=float), names)
    _label_bands(ax, U, band, names)
    ax.set_xlabel(f"Utility to {names[0]}")
    ax.set_ylabel(f"Utility to {names[1]}")
    ax.set_title(title or "Win-sets: which deals each side could ratify at home")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.grid(alpha=0.2)
    return ax


def sweep(table: Any, title: str = "", ax: Axes | None = None) -> Axes:
    """A sweep's results (:class:`negsim.sweep.SweepResult`): lines against one parameter,
    or a heatmap of the agreement rate over two."""
    ax = _axes(ax, (8.0, 5.0))
    params = table.params
    if len(params) == 1:
        x = table.values[0]
        ax.plot(x, table.deal_rate, "-o", c="black", label="ratified deal rate")
        ax.plot(x, table.agreement_rate, "--", c="grey", label="agreement rate")
        for j, name in enumerate(table.names):
            ax.plot(
                x,
                table.mean_payoffs[:, j],
                "-s",
                ms=4,
                c=PARTY_COLOURS[j % 5],
                label=f"{name}: mean payoff",
            )
        ax.set_xlabel(params[0])
        ax.set_ylabel("Rate / utility")
        ax.set_ylim(-0.05, 1.05)
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        ax.grid(alpha=0.2)
    else:
        grid = table.deal_rate.reshape(len(table.values[0]), len(table.values[1]))
        image = ax.imshow(
            grid.T,
            origin="lower",
            aspect="auto",
            cmap="viridis",
            vmin=0,
            vmax=1,
            extent=_extent(table.values[0], table.values[1]),
        )
        ax.figure.colorbar(image, ax=ax, label="ratified deal rate")
        if grid.size <= 144:  # small grids: print each cell's rate
            for (i, j), rate in np.ndenumerate(grid):
                ax.text(
                    table.values[0][i],
                    table.values[1][j],
                    f"{rate:.2f}",
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if rate < 0.6 else "black",
                )
        ax.set_xlabel(params[0])
        ax.set_ylabel(params[1])
    ax.set_title(title or f"Sweep over {' and '.join(params)} ({table.n_seeds} seeds each)")
    return ax


def _extent(x: Sequence[float], y: Sequence[float]) -> tuple[float, float, float, float]:
    def edges(v: Sequence[float]) -> tuple[float, float]:
        step = (v[-1] - v[0]) / (len(v) - 1) if len(v) > 1 else 1.0
        return v[0] - step / 2, v[-1] + step / 2

    return (*edges(x), *edges(y))


def save_figure(figure: Figure | SubFigure, path: str | os.PathLike[str]) -> Path:
    """Save ``figure`` atomically (a temporary file in the same folder, then a rename)."""
    target = Path(path)
    root = figure.figure if isinstance(figure, SubFigure) else figure
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}.", suffix=target.suffix)
    os.close(fd)
    try:
        with plain_text():
            root.savefig(tmp, dpi=130, format=target.suffix.lstrip(".") or "png")
        publish(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        plt.close(root)
    return target
