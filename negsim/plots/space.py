"""The outcome space of two parties in utility coordinates: :func:`outcome_space` (every
outcome, the Pareto frontier, the zone of agreement, the Nash and Kalai–Smorodinsky points, each
party's offers as numbered paths) and :func:`win_sets` (which outcomes each party could ratify
at home, and their overlap)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes

from .. import analysis
from ..results import NegotiationResult
from ._common import PARTY_COLOURS, _axes, _finish_plane, _note

__all__ = ["outcome_space", "win_sets"]


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
        _note(
            ax,
            f"crosses {names[1]}'s red line",
            (1.0, band),
            (-4, 4),
            ("axes fraction", "data"),
            ha="right",
            va="bottom",
            **style,
        )
    if np.isneginf(U[:, 0]).any():
        ax.axvline(band, c="#c44e52", lw=0.5, alpha=0.4)
        _note(
            ax,
            f"crosses {names[0]}'s red line",
            (band, 1.0),
            (4, -4),
            ("data", "axes fraction"),
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


def _ruled_out_note(U: np.ndarray, names: Sequence[str]) -> str:
    """``"not drawn: 1,404 outcomes ruled out by a red line or precondition (Japan's ...)"``."""
    out = np.isneginf(U).any(axis=1)
    per = ", ".join(
        f"{names[j]}'s: {int(np.isneginf(U[:, j]).sum()):,}"
        for j in range(U.shape[1])
        if np.isneginf(U[:, j]).any()
    )
    return (
        f"not drawn: {int(out.sum()):,} of {len(U):,} outcomes\n"
        f"cross a red line or precondition\n({per})"
    )


def _limits(points: np.ndarray, extra: Sequence[float]) -> tuple[float, float]:
    values = np.concatenate([points, np.asarray(extra, dtype=float)])
    values = values[np.isfinite(values)]
    if not values.size:
        return 0.0, 1.0
    low, high = float(values.min()), float(values.max())
    pad = max(0.05 * (high - low), 0.03)
    return low - pad, high + pad


def outcome_space(
    U: Any,
    names: Sequence[str],
    reservations: Any = None,
    result: NegotiationResult | None = None,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """The outcomes of a two-party negotiation as points, one axis per party's utility.

    ``U`` is ``(n_outcomes, 2)``, the *undiscounted* utilities (``negsim.utility_matrix``, or
    ``Scenario.analyse().U``); ``reservations`` the disagreement point (default none: no zone,
    reservation lines or solutions drawn); ``result`` adds the offers of a run.

    How to read it: each grey dot is a possible outcome; up and to the right is better for
    both. The view is zoomed onto the outcomes no party rules out: those crossing a red line
    or precondition (utility ``-inf`` to that party) are not drawn but counted in the legend.
    The orange line is the Pareto frontier; the dashed lines are the reservation values and
    the green box the zone of agreement (better than no deal for both); the star and the
    diamond are the Nash and Kalai–Smorodinsky solutions. Each proposer's offers form a path
    of arrows in its colour, each point labelled by the round(s) it was offered; an offer
    that crosses the other side's red line is drawn as a triangle on the edge of the chart
    (its own utility still read off the axis). Everything is undiscounted; when the run
    discounts, dotted lines show the reservations as the last round values them, ``r_i/φ_i^t``
    (an outcome must lie beyond them to be better than no deal in that round). A black ring
    marks the agreement.
    """
    U = np.asarray(U, dtype=float)[:, :2]
    ax = _axes(ax)
    drawn = np.isfinite(U).all(axis=1)
    inside = U[drawn]
    d = None if reservations is None else np.asarray(reservations, dtype=float)[:2]
    late = _late_reservations(d, result)
    extra_x = [] if d is None else [d[0]] + ([] if late is None else [late[0]])
    extra_y = [] if d is None else [d[1]] + ([] if late is None else [late[1]])
    if inside.size and result is not None:  # an offer's own utility stays on its axis
        offered = U[result.offers]
        extra_x += list(offered[:, 0])
        extra_y += list(offered[:, 1])
    xlim = _limits(inside[:, 0], extra_x if inside.size else [])
    ylim = _limits(inside[:, 1], extra_y if inside.size else [])
    ax.scatter(
        inside[:, 0],
        inside[:, 1],
        s=16,
        c="#9a9a9a",
        alpha=0.7,
        zorder=1,
        label=f"possible outcome ({len(inside):,})",
    )
    if not drawn.all():
        ax.plot([], [], ls="none", label=_ruled_out_note(U, names))
    if not inside.size:
        ax.text(
            0.5,
            0.5,
            "Every outcome crosses some party's red line or precondition:\nno outcome to draw.",
            transform=ax.transAxes,
            ha="center",
            va="center",
            color="#c44e52",
        )
    frontier = analysis.pareto_frontier(U)
    frontier = frontier[drawn[frontier]]
    if frontier.size:
        points = U[frontier][np.argsort(U[frontier, 0])]
        ax.plot(*points.T, "-o", c="#ff7f0e", ms=4, lw=1.5, label="Pareto frontier", zorder=2)
    if d is not None and inside.size:
        top = inside.max(axis=0)
        if (top > d).all():
            ax.fill_between(
                [d[0], xlim[1]],
                d[1],
                ylim[1],
                color="#2ca02c",
                alpha=0.08,
                zorder=0,
                label=f"better than no deal for both ({int((inside > d).all(axis=1).sum()):,})",
            )
        _reservation_lines(ax, d, names)
        if late is not None and result is not None:
            last = int(result.offer_rounds[-1])
            zone = int((inside > late).all(axis=1).sum())
            for j in range(2):
                line = ax.axvline if j == 0 else ax.axhline
                line(late[j], ls=":", lw=1.2, c=PARTY_COLOURS[j], zorder=1)
            ax.plot(
                [],
                [],
                ls=":",
                c="#555555",
                label=f"reservations as round {last} values them\n"
                f"(r/φᵗ; zone then: {zone:,} outcome{'' if zone == 1 else 's'})",
            )
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
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    if result is not None:
        _offer_paths(ax, U, result, names, (xlim[0], ylim[0]))
    title = title or "The outcome space in utility coordinates"
    return _finish_plane(ax, names, title, " (undiscounted)")


def _late_reservations(d: np.ndarray | None, result: NegotiationResult | None) -> Any:
    """``r_i / φ_i^t`` for the last round ``t`` of a discounting run, else ``None``."""
    if d is None or result is None or not result.n_rounds:
        return None
    phi = np.asarray(result.discounts, dtype=float)[:2]
    last = int(result.offer_rounds[-1])
    if last == 0 or (phi >= 1.0).all():
        return None
    return d / phi**last


def _round_list(rounds: Sequence[int]) -> str:
    """``[2, 4, 6, 8, 10]`` → ``"2, 4 … 10"`` (at most three numbers)."""
    if len(rounds) <= 3:
        return ", ".join(str(r) for r in rounds)
    return f"{rounds[0]}, {rounds[1]} … {rounds[-1]}"


def _offer_paths(
    ax: Axes,
    U: np.ndarray,
    result: NegotiationResult,
    names: Sequence[str],
    edges: tuple[float, float],
) -> None:
    """Each proposer's offers as a path of arrows, points labelled by round; an offer that
    crosses a red line sits on the edge of the chart (the axis of the party it rules out)."""
    where = np.where(np.isneginf(U), np.asarray(edges), U)
    crossing = np.isneginf(U[result.offers])
    offside: npt.NDArray[np.bool_] = np.asarray(crossing.any(axis=1))
    proposers = sorted({int(p) for p in result.proposers}, key=lambda p: (p < 0, p))
    for k, j in enumerate(proposers):
        colour = PARTY_COLOURS[j % len(PARTY_COLOURS)] if j >= 0 else "#555555"
        who = names[j] if 0 <= j < len(names) else "the mediator"
        mine = np.flatnonzero(result.proposers == j)
        points = where[result.offers[mine]]
        for a, b in itertools.pairwise(range(len(mine))):
            if not np.allclose(points[a], points[b]):
                ax.annotate(
                    "",
                    xy=points[b],
                    xytext=points[a],
                    zorder=3,
                    arrowprops={
                        "arrowstyle": "-|>",
                        "color": colour,
                        "lw": 1.3,
                        "alpha": 0.8,
                        "shrinkA": 4,
                        "shrinkB": 4,
                        "mutation_scale": 12,
                        "ls": "--" if offside[mine[a]] or offside[mine[b]] else "-",
                    },
                )
        on = ~offside[mine]
        ax.scatter(
            points[on, 0],
            points[on, 1],
            s=36,
            c=colour,
            edgecolors="white",
            linewidths=0.6,
            zorder=4,
            label=f"{who}'s offers (numbered by round)",
        )
        edge = crossing[mine]
        for marker, mask in (
            ("v", ~edge[:, 0] & edge[:, 1]),  # crosses the y party's line: bottom edge
            ("<", edge[:, 0] & ~edge[:, 1]),  # crosses the x party's line: left edge
            ("X", edge[:, 0] & edge[:, 1]),  # both: the corner
        ):
            if mask.any():
                ax.scatter(
                    points[mask, 0],
                    points[mask, 1],
                    s=70,
                    c=colour,
                    marker=marker,
                    clip_on=False,
                    zorder=4,
                    edgecolors="white",
                    linewidths=0.6,
                    label=f"{who}'s offers crossing a red line\n(drawn on the chart's edge)",
                )
        rounds: dict[int, list[int]] = {}
        for i in mine:
            rounds.setdefault(int(result.offers[i]), []).append(int(result.offer_rounds[i]))
        for outcome, seen in rounds.items():
            whose = [names[i] for i in range(2) if np.isneginf(U[outcome, i])]
            note = f" (crosses {' and '.join(whose)}'s red line)" if whose else ""
            bottom = bool(np.isneginf(U[outcome, 1]))  # on the bottom edge: label above, left
            gap = 12 if outcome == result.agreement else 6  # clear of the agreement's ring
            _note(
                ax,
                _round_list(seen) + note,
                where[outcome],
                (-6, 6) if bottom else (gap, gap if k % 2 else -gap - 5),
                ha="right" if bottom else "left",
                fontsize=7,
                color=colour,
                zorder=7,
            )
    if result.agreement is not None:
        ax.scatter(
            where[result.agreement, 0],
            where[result.agreement, 1],
            s=260,
            facecolors="none",
            edgecolors="black",
            linewidths=2,
            label="agreement",
            zorder=6,
        )


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
    return _finish_plane(ax, names, title or "Win-sets: which deals each side could ratify at home")
