"""Plots: functions that take results and return matplotlib Axes.

Only this module imports pyplot, so ``import negsim`` stays light. No function here runs a
simulation or calls ``plt.show()``; each takes an ``ax`` (a new figure is made when it is
``None``) and returns it (:func:`why_no_deal`, two panels, takes and returns a figure).

* :func:`outcome_space` — every outcome in utility coordinates: the Pareto frontier, the
  zone of agreement, the Nash and Kalai–Smorodinsky points, the reservation lines, each
  party's offers as numbered paths and the agreement, undiscounted, zoomed onto the outcomes
  no red line excludes (the others counted in the legend);
* :func:`concessions` — each party's utility of every offer, round by round, with targets;
* :func:`funnel`, :func:`levers`, :func:`why_no_deal` — why the run ended as it did, and what
  one change at a time would have done;
* :func:`win_sets` — which outcomes each party could ratify at home, and their overlap;
* :func:`sweep` — agreement rate and utilities against a parameter, or a heatmap for two;
* :func:`ranking` — a tournament's agents in rank order, each mean with its interval.

Names and titles come from user files, so text is never read as mathtext: inside
:func:`plain_text` (which :func:`save_figure` and the command line use) a ``$`` is a dollar
sign, and a name such as ``$\\frac{$`` cannot make drawing fail.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import textwrap
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullFormatter
from matplotlib.transforms import offset_copy

from .. import analysis
from ..errors import ValidationError
from ..io import publish
from ..preferences import PreferenceModel
from ..results import NegotiationResult

if TYPE_CHECKING:
    from ..diagnosis import Diagnosis
    from ..levers import LeverOutcome, LeverReport
    from ..tournaments import Ranking

__all__ = [
    "concessions",
    "funnel",
    "levers",
    "outcome_space",
    "plain_text",
    "ranking",
    "save_figure",
    "sweep",
    "why_no_deal",
    "win_sets",
]

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
    ax.set_xlabel(f"Utility to {names[0]} (undiscounted)")
    ax.set_ylabel(f"Utility to {names[1]} (undiscounted)")
    ax.set_title(title or "The outcome space in utility coordinates")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.grid(alpha=0.2)
    return ax


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


def _ending_words(result: NegotiationResult) -> str:
    if not result.n_rounds:
        return f"{result.end.value} before any offer"
    last = int(result.offer_rounds[-1])
    if result.agreed:
        return f"agreement in round {last}"
    if result.end.value == "breakdown":
        return f"broke down after round {last}"
    return f"deadline reached after round {last}"


def concessions(
    result: NegotiationResult,
    title: str = "",
    ax: Axes | None = None,
    *,
    preferences: Sequence[PreferenceModel] | None = None,
    targets: Mapping[str, Any] | None = None,
) -> Axes:
    """The concession curves: each party's utility of every offer, round by round.

    ``preferences`` (one model per party, as ``scenario.preferences``) gives the utilities
    *undiscounted*, ``u_i(ω_t)``; without it the result's own utilities are drawn, discounted
    as the run discounts them, ``φ_i^t u_i(ω_t)``, and the axis says so. ``targets``
    (``{party name: τ(t) by round}``, from :func:`negsim.protocols.base.target_curves`) adds
    each scheduled agent's target.

    How to read it: each party has a colour. Its solid line with filled dots is the utility
    to it of its own offers (what it asks for), its dashed line with open dots the utility to
    it of the offers it received (what it is offered); the gap between them is what still
    separates the sides. A thick pale line is its target ``τ(t)``, the dotted line its
    reservation value (rising as ``r_i/φ_i^t`` when the run discounts and the utilities are
    undiscounted: an offer below it is worth less than no deal in that round). A black ring
    marks an offer that repeats the proposer's previous offer. Offers that cross a party's red
    line (utility ``-inf`` to it) are drawn as crosses on the band "crosses a red line" at
    the bottom, in the colour of the party whose red line they cross.
    """
    ax = _axes(ax, (9.0, 5.0))
    names = result.party_names
    rounds = np.asarray(result.offer_rounds)
    if preferences is not None:
        models = tuple(preferences)
        if len(models) != len(names):
            raise ValidationError(
                "preferences", f"{len(models)} models", f"one per party ({len(names)})"
            )
        values = np.column_stack([m.grid_utilities()[result.offers] for m in models])
        values = values.reshape(result.n_rounds, len(names))
        kind = "undiscounted, uᵢ"
    else:
        values = np.asarray(result.utilities, dtype=float)
        kind = "discounted, φᵢᵗ·uᵢ"
    crossed = np.isneginf(values)
    finite = values[np.isfinite(values)]
    floor = min(float(finite.min()) if finite.size else 0.0, 0.0, *result.reservations)
    band = floor - 0.1
    last = int(rounds[-1]) if rounds.size else 0
    span = np.arange(last + 1)
    mediator = (result.proposers < 0).any()
    for j, name in enumerate(names):
        colour = PARTY_COLOURS[j % len(PARTY_COLOURS)]
        own = result.proposers == j
        line = np.where(crossed[:, j], np.nan, values[:, j])
        if own.any():
            ax.plot(rounds[own], line[own], "-o", c=colour, ms=5, label=f"{name}: its own offers")
        if (~own).any():
            ax.plot(
                rounds[~own],
                line[~own],
                "--o",
                mfc="white",
                c=colour,
                ms=5,
                alpha=0.85,
                label=f"{name}: offers it received" + (" (and the mediator's)" if mediator else ""),
            )
        if targets is not None and name in targets:
            tau = np.asarray(targets[name], dtype=float)[: last + 1]
            ax.plot(
                span[: len(tau)],
                tau,
                "-",
                lw=4,
                c=colour,
                alpha=0.22,
                solid_capstyle="round",
                label=f"{name}'s target τ(t)",
            )
        r = float(result.reservations[j])
        phi = float(result.discounts[j])
        if preferences is not None and phi < 1.0:
            ax.plot(
                span,
                r / phi**span,
                ":",
                lw=1.4,
                c=colour,
                label=f"{name}'s reservation, rising as r/φᵗ\n(r = {r:.2f}, φ = {phi:.3g} a round)",
            )
        else:
            ax.axhline(r, ls=":", lw=1.4, c=colour, label=f"{name}'s reservation ({r:.2f})")
        if crossed[:, j].any():
            ax.scatter(
                rounds[crossed[:, j]],
                np.full(int(crossed[:, j].sum()), band),
                marker="X",
                s=60,
                c=colour,
                zorder=4,
                clip_on=False,
            )
    if result.agreed:
        ax.axvline(last, c="black", lw=0.9, alpha=0.6, label=f"agreement (round {last})")
    repeated = _repeats(result)
    if repeated.any():
        own = values[np.flatnonzero(repeated), result.proposers[repeated]]
        points = np.where(np.isneginf(own), band, own)
        ax.scatter(
            rounds[repeated],
            points,
            s=140,
            facecolors="none",
            edgecolors="black",
            linewidths=1.2,
            zorder=5,
            label=f"repeats the proposer's previous offer ({int(repeated.sum())})",
        )
    if crossed.any():
        count = int(crossed.any(axis=1).sum())
        ax.axhspan(band - 0.04, band + 0.04, color="#c44e52", alpha=0.07, lw=0)
        ax.scatter(
            [],
            [],
            marker="X",
            s=60,
            c="#888888",
            label=f"crosses a red line of the party in that colour ({count})",
        )
        top = max(1.05, float(finite.max()) + 0.05 if finite.size else 1.05)
        ax.set_ylim(band - 0.07, top)
        ticks = [t for t in MaxNLocator(6).tick_values(floor, top) if floor - 1e-9 <= t <= top]
        ax.set_yticks([*ticks, band], [f"{round(t, 6):g}" for t in ticks] + ["crosses a\nred line"])
        label = ax.get_yticklabels()[-1]
        label.set_color("#c44e52")
        label.set_fontsize(8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(-0.5, last + 0.5)
    ax.set_title(f"{title}\n" if title else "", loc="left", fontsize=11)
    ax.set_title(f"Concessions round by round ({_ending_words(result)})", fontsize=10, loc="right")
    ax.set_xlabel("Round")
    ax.set_ylabel(f"Utility of the offer ({kind})")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.grid(alpha=0.2)
    return ax


def _repeats(result: NegotiationResult) -> npt.NDArray[np.bool_]:
    """Whether each offer is the same as its proposer's previous offer."""
    previous: dict[int, int] = {}
    found = np.zeros(result.n_rounds, dtype=bool)
    for i, (offer, proposer) in enumerate(zip(result.offers, result.proposers, strict=True)):
        found[i] = proposer >= 0 and previous.get(int(proposer)) == int(offer)
        previous[int(proposer)] = int(offer)
    return found


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
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
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


# --- why no deal: the funnel and the levers ----------------------------------------------------
def _wrap(text: str, width: int, lines: int = 2) -> str:
    """``text`` wrapped at ``width`` characters, at most ``lines`` lines (then an ellipsis);
    ``"0.3 → 0.6"`` is kept on one line."""
    text = text.strip().replace(" → ", "\u00a0→\u00a0")
    parts = textwrap.wrap(text, width, break_on_hyphens=False) or [""]
    if len(parts) > lines:
        parts = parts[:lines]
        parts[-1] = parts[-1][: width - 1].rstrip() + "…"
    return "\n".join(parts)


def funnel(diagnosis: Diagnosis, title: str = "", ax: Axes | None = None) -> Axes:
    """The funnel of a :class:`~negsim.diagnosis.Diagnosis` as horizontal bars.

    How to read it: from the top, every outcome of the scenario, then what is left after
    each filter (no red line crossed, every precondition met, better than no deal for every
    party, ratifiable at home); the number at the end of each bar is the count. The first
    step that keeps nothing is named in red: that is where a deal became impossible. The
    axis is logarithmic when the counts span more than two orders of magnitude. Below, how
    the run ended and, when discounting closes the zone, after which round.
    """
    steps = diagnosis.funnel
    ax = _axes(ax, (7.0, 1.2 + 0.45 * len(steps)))
    counts = np.array([s.count for s in steps], dtype=float)
    positive = counts[counts > 0]
    log = positive.size > 0 and positive.max() / positive.min() > 100
    y = np.arange(len(steps))
    first_empty = next((i for i, c in enumerate(counts) if c == 0), None)
    colours = [
        "#c44e52" if first_empty is not None and i >= first_empty else "#4c72b0"
        for i in range(len(steps))
    ]
    sub = [s.label.startswith(" ") for s in steps]  # "of those, ...": each party on its own
    ax.barh(
        y,
        np.where(counts > 0, counts, np.nan),
        color=colours,
        height=[0.45 if x else 0.6 for x in sub],
        alpha=0.85,
    )
    base = 0.8 if log else 0.0
    for i, count in enumerate(counts):
        _note(
            ax,
            f"{int(count):,}",
            (max(count, base) if count else base, i),
            (4, 0),
            va="center",
            fontsize=9,
            color="#c44e52" if count == 0 else "black",
        )
    labels = [_wrap(s.label.strip(), 36) for s in steps]
    ax.set_yticks(y, labels, fontsize=9)
    for i, tick in enumerate(ax.get_yticklabels()):
        if i == first_empty:
            tick.set_color("#c44e52")
    ax.set_ylim(len(steps) - 0.5, -0.5)
    top = counts.max() if counts.size else 1.0
    if not log:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if log:
        ax.set_xscale("log")
        ax.set_xlim(base, top * 6)
        # plain numbers (1, 10, 1,000), not mathtext: figures are saved with mathtext off
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        ax.xaxis.set_minor_formatter(NullFormatter())
    else:
        ax.set_xlim(0, max(top, 1.0) * 1.18)
    caption = [f"How it ended: {diagnosis.ending.text}"]
    counts_t = diagnosis.zone_by_round
    if diagnosis.zone_closes_after is not None and counts_t.size and counts_t[0] > 0:
        caption.append(
            f"Discounted round by round, the zone holds {_count(int(counts_t[0]))} in "
            f"round 0 and is empty after round {diagnosis.zone_closes_after}."
        )
    scale = " (log scale)" if log else ""
    ax.set_xlabel(
        f"Outcomes left after each step{scale}\n\n"
        + "\n".join(textwrap.fill(line, 80) for line in caption),
        fontsize=9,
        loc="left",
    )
    # y=1.0: the title where matplotlib would put it (nothing sits above these axes) without
    # its search, which measures every tick label of the figure's row again
    ax.set_title(title or "The funnel: from every outcome to a ratified deal", fontsize=10, y=1.0)
    ax.grid(axis="x", alpha=0.2)
    return ax


def levers(report: LeverReport, title: str = "", ax: Axes | None = None) -> Axes:
    """What each counterfactual lever of a :class:`~negsim.levers.LeverReport` does.

    How to read it: one row per lever, the strongest at the top (as
    :meth:`~negsim.levers.LeverReport.strongest` orders them, then the rest). The dark bar
    is the share of the report's seeds ending in a ratified deal with the lever pulled, the
    pale bar the share ending in an agreement (ratified or not); the solid and dashed vertical
    lines are the baseline's two rates, so a bar reaching past its line is a lever that
    helps. Under each lever's name: the zone of agreement and its ratifiable part with the
    lever pulled and, for a continuous lever (a reservation or a ratification threshold
    lowered), the smallest change that makes a ratifiable deal possible.
    """
    rows = _lever_order(report)
    ax = _axes(ax, (8.5, _lever_height(len(rows))))
    b = report.baseline
    y = np.arange(len(rows))
    deal = np.array([o.deal_rate for o in rows])
    agree = np.array([o.agreement_rate for o in rows])
    ax.barh(y - 0.18, deal, height=0.34, color="#2a6f3f", label="ratified deal rate")
    ax.barh(y + 0.18, agree, height=0.34, color="#9ecae1", label="agreement rate")
    for i in range(len(rows)):
        for value, dy in ((deal[i], -0.18), (agree[i], 0.18)):
            _note(
                ax,
                f"{value:.0%}",
                (value, i + dy),
                (3, 0),
                va="center",
                fontsize=7,
                color="black" if value > 0 else "#888888",
            )
    ax.axvline(b.deal_rate, c="#2a6f3f", lw=1.6, label=f"baseline deal rate ({b.deal_rate:.0%})")
    ax.axvline(
        b.agreement_rate,
        c="#3b7dbf",
        lw=1.4,
        ls="--",
        label=f"baseline agreement rate ({b.agreement_rate:.0%})",
    )
    ax.set_yticks(y, [_lever_label(o) for o in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.09)
    ax.set_xticks(np.linspace(0, 1, 6), [f"{v:.0%}" for v in np.linspace(0, 1, 6)])
    ax.set_xlabel(f"Share of {report.seeds} seeded runs (from seed {report.seed})")
    ratifiable = "" if b.ratifiable is None else f", ratifiable {b.ratifiable:,}"
    what = (
        f"What would have changed it, one lever at a time\n(baseline: zone {b.zone:,}{ratifiable})"
    )
    ax.set_title(f"{title}\n{what}" if title else what, fontsize=10, y=1.0)  # as the funnel's
    root = ax.figure.figure if isinstance(ax.figure, SubFigure) else ax.figure
    below = offset_copy(ax.transAxes, root, y=-34, units="points")  # under the x label
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=below,
        ncol=2,
        fontsize=8,
        frameon=False,
    )
    ax.grid(axis="x", alpha=0.2)
    if not (deal.any() or agree.any() or b.deal_rate or b.agreement_rate):
        ax.text(
            0.55,
            0.5,
            "No single lever leads to an agreement here.\n"
            "What each changes at the table and at home\n"
            "is in its label: the zone and its ratifiable part.",
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=9,
            color="#555555",
            bbox={"boxstyle": "round", "fc": "white", "ec": "#cccccc"},
        )
    return ax


def _lever_order(report: LeverReport) -> list[LeverOutcome]:
    strongest = list(report.strongest(len(report.outcomes)))
    return strongest + [o for o in report.outcomes if o not in strongest]


def _lever_label(outcome: LeverOutcome) -> str:
    ratifiable = "" if outcome.ratifiable is None else f", ratifiable {outcome.ratifiable:,}"
    detail = f"zone {outcome.zone:,}{ratifiable}"
    if outcome.minimal_text:
        if outcome.minimal_change is None:
            detail += "; no value makes a deal ratifiable"
        elif outcome.minimal_change > 0:
            detail += f"; ratifiable from a change of {outcome.minimal_change:.3f}"
        else:
            detail += "; a ratifiable deal needs no change"

    return f"{_wrap(outcome.label, 48)}\n({detail})"


def _lever_height(n: int) -> float:
    return float(min(max(3.0, 1.4 + 0.62 * n), 18.0))


def why_no_deal(
    diagnosis: Diagnosis,
    report: LeverReport | None = None,
    title: str = "",
    fig: Figure | SubFigure | None = None,
) -> Figure | SubFigure:
    """Why the run ended as it did: the funnel (left, :func:`funnel`) and, given a lever
    report, what each lever would have changed (right, :func:`levers`).

    When discounting shrinks the zone of agreement over the rounds, a panel under the funnel
    shows it round by round (bars: the outcomes still better than no deal for every party
    once discounted; the dashed line: where the talks ended). Returns the figure (a new one
    when ``fig`` is ``None``); its ``axes`` are the funnel's, the zone's if drawn and, with
    ``report``, the levers'. Its height grows with the number of levers (capped).
    """
    n = 0 if report is None else len(report.outcomes)
    counts = diagnosis.zone_by_round
    shrinks = counts.size > 1 and counts.min() != counts.max()
    left = 1.6 + 0.5 * len(diagnosis.funnel) + (2.8 if shrinks else 0.0)
    height = max(left, _lever_height(n) if n else 0.0)
    if fig is None:
        fig = plt.figure(figsize=(16.0 if n else 7.5, height), layout="constrained")
    mosaic: Any = [["funnel"], ["zone"]] if shrinks else [["funnel"]]
    if report is not None:
        mosaic = [[*row, "levers"] for row in mosaic]
    axes = fig.subplot_mosaic(
        mosaic,
        width_ratios=[1.0, 1.15] if report is not None else None,
        height_ratios=[len(diagnosis.funnel) + 1.5, 4.0] if shrinks else None,
    )
    funnel(diagnosis, ax=axes["funnel"])
    if shrinks:
        _zone_panel(diagnosis, axes["zone"])
    if report is not None:
        levers(report, ax=axes["levers"])
    question = "What made the deal possible" if diagnosis.ending.kind == "deal" else "Why no deal"
    fig.suptitle(f"{title}: {question.lower()}" if title else question, fontsize=12)
    return fig


def _count(n: int) -> str:
    return f"{n:,} outcome" + ("" if n == 1 else "s")


def _zone_panel(diagnosis: Diagnosis, ax: Axes) -> Axes:
    """The zone of agreement round by round, discounted as the run discounts: ``|Z_t|``."""
    counts = diagnosis.zone_by_round
    end = diagnosis.ending.round
    closes = diagnosis.zone_closes_after
    shown = max(end or 0, closes or 0) + 3
    rounds = np.arange(min(len(counts), shown))
    ax.bar(rounds, counts[: len(rounds)], color="#2ca02c", alpha=0.6, width=0.8)
    if end is not None:
        ax.axvline(end + 0.5, c="black", lw=1, ls="--")
        _note(
            ax,
            f"the talks ended\nafter round {end}",
            (end + 0.5, 1.0),
            (4, -4),
            ("data", "axes fraction"),
            va="top",
            fontsize=8,
        )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Round", fontsize=9)
    ax.set_ylabel("Outcomes in the zone", fontsize=9)
    ax.set_title("The zone, discounted round by round (φᵢᵗ·uᵢ > rᵢ for every party)", fontsize=10)
    ax.grid(axis="y", alpha=0.2)
    return ax


def _extent(x: Sequence[float], y: Sequence[float]) -> tuple[float, float, float, float]:
    def edges(v: Sequence[float]) -> tuple[float, float]:
        step = (v[-1] - v[0]) / (len(v) - 1) if len(v) > 1 else 1.0
        return v[0] - step / 2, v[-1] + step / 2

    return (*edges(x), *edges(y))


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
    the figure is drawn once, to the same pixels.
    """
    engine = figure.get_layout_engine()
    if engine is None:
        yield
        return
    before = figure.dpi
    figure.dpi = dpi
    try:
        engine.execute(figure)
        figure.set_layout_engine("none")
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
