"""Why a run ended as it did: :func:`funnel` (the outcomes left after each filter),
:func:`levers` (what each counterfactual lever, pulled alone, would have done) and
:func:`why_no_deal` (the two side by side, with the zone of agreement round by round when
discounting shrinks it)."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, SubFigure
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator
from matplotlib.transforms import offset_copy

from ._common import _axes, _note

if TYPE_CHECKING:
    from ..diagnosis import Diagnosis
    from ..levers import LeverOutcome, LeverReport

__all__ = ["funnel", "levers", "why_no_deal"]


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
        # no minor ticks: every bar carries its count, and the 48 minor ticks of four
        # decades were a sixth of the figure's drawing
        ax.xaxis.set_minor_locator(NullLocator())
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
