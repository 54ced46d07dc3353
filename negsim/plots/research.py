"""Figures of many seeded runs: :func:`sweep` (a sweep's rates and payoffs against one
parameter, or its deal rate over two) and :func:`ranking` (a tournament's agents in rank
order, each mean with its interval)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.axes import Axes

from ._common import PARTY_COLOURS, _axes, _legend_outside, _note

if TYPE_CHECKING:
    from ..tournaments import Ranking

__all__ = ["ranking", "sweep"]


def sweep(table: Any, title: str = "", ax: Axes | None = None) -> Axes:
    """A sweep's results (:class:`negsim.sweep.SweepResult`): lines against one parameter
    (the ratified-deal rate with its confidence band), a heatmap of the deal rate over a grid
    of two, or the sampled points of two coloured by their deal rate. Three or more
    parameters have no single picture: ``ValueError`` (plot slices of ``point_records()``)."""
    params = table.params
    if len(params) > 2:
        raise ValueError(f"a sweep plot shows one or two parameters, not {len(params)}")
    ax = _axes(ax, (8.0, 5.0))
    if len(params) == 1:
        order = np.argsort(table.points[:, 0], kind="stable")
        x = table.points[order, 0]
        ax.fill_between(
            x,
            table.deal_ci[order, 0],
            table.deal_ci[order, 1],
            color="black",
            alpha=0.12,
            lw=0,
            label=f"deal rate {round(100 * table.confidence)}% interval (Wilson)",
        )
        ax.plot(x, table.deal_rate[order], "-o", c="black", label="ratified deal rate")
        ax.plot(x, table.agreement_rate[order], "--", c="grey", label="agreement rate")
        for j, name in enumerate(table.names):
            ax.plot(
                x,
                table.mean_payoffs[order, j],
                "-s",
                ms=4,
                c=PARTY_COLOURS[j % 5],
                label=f"{name}: mean payoff",
            )
        ax.set_xlabel(params[0])
        ax.set_ylabel("Rate / utility")
        ax.set_ylim(-0.05, 1.05)
        _legend_outside(ax)
        ax.grid(alpha=0.2)
    elif table.design != "grid":
        points = ax.scatter(
            table.points[:, 0],
            table.points[:, 1],
            c=table.deal_rate,
            cmap="viridis",
            vmin=0,
            vmax=1,
            s=30,
            edgecolors="black",
            linewidths=0.3,
        )
        ax.figure.colorbar(points, ax=ax, label="ratified deal rate")
        ax.set_xlabel(params[0])
        ax.set_ylabel(params[1])
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
    what = f"{table.n_points} {'sampled ' if table.design != 'grid' else ''}points"
    ax.set_title(title or f"Sweep over {' and '.join(params)} ({what}, {table.n_seeds} seeds each)")
    return ax


def ranking(table: Ranking, title: str = "", ax: Axes | None = None) -> Axes:
    """A tournament's :class:`~negsim.tournaments.Ranking`: one row per agent, best at the top,
    its mean score (the ranked metric) as a dot and its interval as a bar; at the right, the
    figures and each agent's agreement rate. The axis is zoomed onto the scores, so read the
    gaps against the intervals, not against zero."""
    from ..tournaments import METRICS

    n = len(table.agents)
    ax = _axes(ax, (8.5, max(2.5, 0.36 * n + 1.4)))
    y = np.arange(n)
    mean, low, high = table.means[table.by], table.low[table.by], table.high[table.by]
    label = table.by.replace("_", " ")
    if np.isfinite(low).any():
        ax.hlines(y, low, high, colors="#1f77b4", lw=3, alpha=0.5, label="interval")
    ax.plot(mean, y, "o", c="black", ms=5, label="mean", zorder=3)
    rate = table.means["agreement_rate"]
    for k in range(n):
        text = f"{mean[k]:.3f}"
        if np.isfinite(low[k]):
            text += f" [{low[k]:.3f}, {high[k]:.3f}]"
        text += f"   agreed {100 * rate[k]:.0f}%"
        _note(ax, text, (1.02, y[k]), coords=("axes fraction", "data"), va="center",
              fontsize=8, family="monospace")  # fmt: skip
    ax.set_yticks(y, [f"{r}. {a}" for r, a in zip(table.rank, table.agents, strict=True)])
    ax.set_ylim(n - 0.5, -0.5)
    lower = " (lower is better)" if METRICS.get(table.by) is False else ""
    ax.set_xlabel(f"mean {label} over the negotiations played{lower}")
    ax.grid(axis="x", alpha=0.25)
    ax.legend(loc="best", fontsize=8, frameon=False)
    ax.set_title(f"{title or 'Tournament ranking'}\n{table.caption}", fontsize=10)
    return ax


def _extent(x: Sequence[float], y: Sequence[float]) -> tuple[float, float, float, float]:
    def edges(v: Sequence[float]) -> tuple[float, float]:
        step = (v[-1] - v[0]) / (len(v) - 1) if len(v) > 1 else 1.0
        return v[0] - step / 2, v[-1] + step / 2

    return (*edges(x), *edges(y))
