"""Plots of spatial forecasts: functions that take results and return matplotlib Axes.

Like :mod:`negsim.plots` (whose ``save_figure`` saves them atomically), nothing here runs a
model or calls ``plt.show()``; each function takes an ``ax`` (a new figure when ``None``).

* :func:`positions` — each actor's position round by round, with the model's forecast;
* :func:`forecast_band` — the forecast with its Monte Carlo band (5–95 % and 25–75 %);
* :func:`quad_chart` — Bueno de Mesquita's quad chart: one actor's expected utility of
  challenging each other actor against that actor's expected utility of challenging it;
* :func:`effective_power` — each actor's share of capability × salience on an issue;
* :func:`win_probabilities` — KTAB: each position's chance of winning, in any state;
* :func:`what_if` — the forecast as one actor at a time moves along the scale.

Figures stay readable and small whatever the number of actors: bar charts show the
:data:`TOP_ACTORS` largest bars and one bar for all the others (and say so in the subtitle),
the position plot draws the :data:`TOP_ACTORS` weightiest actors' paths, and a label naming
actors at one point names at most three and counts the rest.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.ticker import MaxNLocator

from ..errors import ValidationError
from ..plots._common import _axes
from .bdm import OFFER_KINDS, BDMRun
from .data import ActorData
from .ktab import KTABTurn
from .ktab_bargain import KTABRun
from .models import Forecast
from .sensitivity import MonteCarlo, WhatIf

__all__ = [
    "TOP_ACTORS",
    "effective_power",
    "forecast_band",
    "positions",
    "quad_chart",
    "what_if",
    "win_probabilities",
]


#: Most actors (or positions) drawn one by one in a plot; the rest are summed or left out.
TOP_ACTORS = 30


def _listed(names: list[str], sep: str = ", ") -> str:
    """At most three names, then how many more."""
    shown = sep.join(names[:3])
    return shown if len(names) <= 3 else f"{shown}{sep}+{len(names) - 3:,} more"


def _colours(n: int) -> list[tuple[float, float, float, float]]:
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20")
    return [cmap(i % cmap.N) for i in range(n)]


def _title(ax: Axes, title: str, subtitle: str) -> None:
    ax.set_title(f"{title}\n{subtitle}" if title else subtitle, loc="left", fontsize=10)


def positions(
    forecast: Forecast, dimension: int | str = 0, title: str = "", ax: Axes | None = None
) -> Axes:
    """Every actor's position on ``dimension`` after each round, and the forecast series.

    Actors with the largest weight (capability × salience) are drawn first and named in the
    legend; with more than 12 actors only the 12 heaviest are named.
    """
    data = forecast.data
    k = data.dimension_index(dimension)
    ax = _axes(ax, (8.5, 5.0))
    rounds = np.arange(forecast.rounds + 1)
    weight = data.capability * data.saliences[:, k]
    order = np.argsort(-weight, kind="stable")[:TOP_ACTORS]
    colours = _colours(min(len(order), 20))
    for rank, i in enumerate(order):
        named = rank < 12
        ax.plot(
            rounds,
            forecast.positions[:, i, k],
            "-o",
            ms=3.5,
            lw=1.4,
            c=colours[rank % len(colours)],
            alpha=0.9 if named else 0.35,
            label=data.names[i] if named else None,
        )
    styles = ("--", ":")
    for (name, series), style in zip(forecast.forecasts.items(), styles, strict=False):
        ax.plot(rounds, series[:, k], style, c="black", lw=2.2, label=f"forecast: {name}")
    # Actors often share a position: name them at the end of their lines, grouped.
    final = forecast.positions[-1, order, k]
    drawn = [data.names[i] for i in order]
    for (_, py), names in _coincident(np.zeros_like(final), final, drawn).items():
        ax.annotate(
            _listed(names),
            (rounds[-1], py),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            color="#333333",
        )
    for part in forecast.detail:
        if isinstance(part, KTABRun) and part.stopped == "settled" and part.turns < rounds[-1]:
            ax.axvline(
                part.turns, c="grey", ls=":", lw=1.2, label=f"settled after turn {part.turns}"
            )
    ax.set_xlim(-0.3, rounds[-1] * 1.5 + 1.5)  # room for the names at the right
    ticks = MaxNLocator(integer=True).tick_values(0, max(rounds[-1], 1))
    ax.set_xticks([t for t in ticks if 0 <= t <= rounds[-1]])
    ax.set_xlabel("Turn" if forecast.model == "ktab" else "Round")  # KTAB's own word
    ax.set_ylabel(f"Position on {data.dimensions[k]}")
    ax.grid(alpha=0.2)
    shown = (
        ""
        if data.n_actors <= TOP_ACTORS
        else (f" (the {TOP_ACTORS} weightiest of {data.n_actors:,} actors)")
    )
    _title(ax, title, f"{forecast.model}: positions by round on '{data.dimensions[k]}'{shown}")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax


def forecast_band(
    result: MonteCarlo, dimension: int | str = 0, title: str = "", ax: Axes | None = None
) -> Axes:
    """The baseline forecast by round with the draws' 5–95 % and 25–75 % bands.

    A run of 0 rounds (a forecast of round 0 only) gets a histogram of the draws instead.
    """
    data = result.baseline.data
    k = data.dimension_index(dimension)
    ax = _axes(ax, (8.0, 4.8))
    draws = result.draws[:, :, k]
    baseline = result.baseline.forecast[:, k]
    n = draws.shape[0]
    what = f"{result.model} forecast ({result.baseline.headline})"
    if draws.shape[1] == 1:
        ax.hist(draws[:, 0], bins=min(30, max(5, n // 5)), color="#9ecae1", edgecolor="white")
        ax.axvline(baseline[0], c="black", lw=2, label=f"{what}, unperturbed")
        for q, style in ((0.05, ":"), (0.5, "--"), (0.95, ":")):
            ax.axvline(
                np.quantile(draws[:, 0], q),
                c="#08519c",
                ls=style,
                lw=1.2,
                label=f"{int(q * 100)}th percentile of draws",
            )
        ax.set_xlabel(f"Forecast position on {data.dimensions[k]}")
        ax.set_ylabel("Draws")
    else:
        rounds = np.arange(draws.shape[1])
        q05, q25, q50, q75, q95 = np.quantile(draws, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
        ax.fill_between(rounds, q05, q95, color="#c6dbef", label="5–95 % of draws")
        ax.fill_between(rounds, q25, q75, color="#6baed6", label="25–75 % of draws")
        ax.plot(rounds, q50, c="#08519c", lw=1.4, label="median of draws")
        ax.plot(rounds, baseline, "-o", c="black", lw=2, ms=4, label=f"{what}, unperturbed")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("Round")
        ax.set_ylabel(f"Forecast position on {data.dimensions[k]}")
    ax.grid(alpha=0.2)
    _title(
        ax,
        title,
        f"How fragile is the forecast? {n} perturbed draws, seed {result.seed}\n"
        f"noise sd: positions {result.perturbation.position_sd:.0%} of the range, saliences"
        f" {result.perturbation.salience_sd:.0%} of the scale, log-capabilities"
        f" {result.perturbation.capability_sd:g}"
        + (
            "\ntied actors move together (one draw per group)"
            if result.perturbation.keep_ties
            else ""
        )
        + (
            "\nthe unperturbed forecast lies outside the 5–95 % band (see the warnings)"
            if result.check is not None and result.check.outside[k]
            else ""
        ),
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax


def quad_chart(
    run: BDMRun,
    actor: int | str,
    round_: int = 0,
    title: str = "",
    ax: Axes | None = None,
) -> Axes:
    """Bueno de Mesquita's quad chart for ``actor`` in round ``round_`` (0 = the first).

    For every other actor ``j``: x = ``EU(actor→j)``, the focal actor's expected utility of
    challenging ``j``; y = ``EU(j→actor)`` as the focal actor sees it (its own exponent).
    Above the diagonal ``y = -x`` in the lower right the focal actor can demand a compromise;
    below it, ``j`` would capitulate; both positive: confrontation; both negative: status quo.
    The markers show the offers actually made that round between the two.
    """
    a = run.names.index(actor) if isinstance(actor, str) else int(actor)
    if not run.rounds:
        raise ValidationError(
            "options.keep", "the run kept positions only", 'keep="rounds" for a quad chart'
        )
    step = run.rounds[round_]
    ax = _axes(ax, (7.0, 6.2))
    others = [j for j in range(len(run.names)) if j != a]
    x = step.eu_own[a, others]
    y = step.eu_seen_by_target[others, a]
    limit = 1.08 * max(float(np.abs(np.r_[x, y]).max()), 1e-9)
    ax.axhline(0, c="grey", lw=0.8)
    ax.axvline(0, c="grey", lw=0.8)
    ax.plot([0, limit], [0, -limit], c="grey", lw=0.6, ls="--")
    ax.plot([-limit, 0], [limit, 0], c="grey", lw=0.6, ls="--")
    corner = 0.97 * limit
    for text, (px, py), ha, va in (
        ("confrontation", (corner, corner), "right", "top"),
        ("status quo", (-corner, -corner), "left", "bottom"),
        (f"{run.names[a]} gets a compromise", (corner, -0.02 * corner), "right", "top"),
        ("they\ncapitulate", (0.3 * corner, -corner), "left", "bottom"),
        (f"{run.names[a]}\ncompromises", (-0.25 * corner, corner), "right", "top"),
        (f"{run.names[a]}\ncapitulates", (-corner, 0.3 * corner), "left", "bottom"),
    ):
        ax.text(px, py, text, ha=ha, va=va, fontsize=8, color="#555555", style="italic")
    markers = {"none": "o", "confrontation": "X", "compromise": "s", "capitulation": "v"}
    kinds = [
        OFFER_KINDS[max(int(step.offer_kind[a, j]), int(step.offer_kind[j, a]))] for j in others
    ]
    for kind, marker in markers.items():
        chosen = [n for n, k in enumerate(kinds) if k == kind]
        if chosen:
            label = "no offer between them" if kind == "none" else f"offer made: {kind}"
            ax.scatter(
                x[chosen],
                y[chosen],
                marker=marker,
                s=55,
                c="#3182bd",
                label=label,
                edgecolors="black",
                linewidths=0.5,
                zorder=3,
            )
    for (px, py), names in _coincident(x, y, [run.names[j] for j in others]).items():
        ax.annotate(
            _listed(names, "\n"), (px, py), xytext=(4, 3), textcoords="offset points", fontsize=8
        )
    ax.set_xlim(-limit, limit)
    ax.set_ylim(-limit, limit)
    ax.set_xlabel(f"EU({run.names[a]} → other): {run.names[a]}'s expected utility of challenging")
    ax.set_ylabel(f"EU(other → {run.names[a]}), as {run.names[a]} sees it")
    ax.grid(alpha=0.2)
    _title(ax, title, f"BDM quad chart of {run.names[a]}, round {round_ + 1} ('{run.dimension}')")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax


def _coincident(
    x: np.ndarray, y: np.ndarray, names: list[str]
) -> dict[tuple[float, float], list[str]]:
    """Names grouped by point (rounded to the plot's resolution), so labels do not overprint."""
    span = float(np.ptp(np.r_[x, y])) or 1.0
    groups: dict[tuple[float, float], list[str]] = {}
    for px, py, name in zip(x, y, names, strict=True):
        key = (round(float(px) / span, 2) * span, round(float(py) / span, 2) * span)
        groups.setdefault(key, []).append(name)
    return groups


def effective_power(
    data: ActorData, dimension: int | str = 0, title: str = "", ax: Axes | None = None
) -> Axes:
    """Each actor's share of ``c_i s_ik`` on a dimension, coloured by its position.

    With more than :data:`TOP_ACTORS` actors, the others share one grey bar.
    """
    k = data.dimension_index(dimension)
    weight = data.capability * data.saliences[:, k]
    share = 100 * weight / weight.sum() if weight.sum() > 0 else weight
    order = np.argsort(share, kind="stable")
    rest, order = order[:-TOP_ACTORS], order[-TOP_ACTORS:]
    ax = _axes(ax, (7.5, max(3.0, 0.38 * (len(order) + bool(rest.size)) + 1.4)))
    position = data.positions[order, k]
    low, high = float(data.positions[:, k].min()), float(data.positions[:, k].max())
    norm = Normalize(low, high if high > low else low + 1)
    cmap = plt.get_cmap("coolwarm")
    labels = [data.names[i] for i in order]
    values = list(share[order])
    colours = list(cmap(norm(position)))
    notes = [f"{v:.1f} %  (at {x:g})" for v, x in zip(values, position, strict=True)]
    if rest.size:
        labels.insert(0, f"the other {rest.size:,} actors")
        values.insert(0, float(share[rest].sum()))
        colours.insert(0, (0.75, 0.75, 0.75, 1.0))
        notes.insert(0, f"{values[0]:.1f} %  (together)")
    bars = ax.barh(range(len(labels)), values, color=colours, edgecolor="black", linewidth=0.4)
    ax.set_yticks(range(len(labels)), labels)
    for bar, note in zip(bars, notes, strict=True):
        ax.annotate(
            note,
            (bar.get_width(), bar.get_y() + 0.4),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
    ax.set_xlim(0, max(values) * 1.35 if max(values) > 0 else 1)
    colourbar = ax.figure.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, pad=0.01)
    colourbar.set_label(f"Position on {data.dimensions[k]}")
    ax.set_xlabel("Share of capability × salience (%)")
    ax.set_ylabel("Actor")
    shown = f" (the {TOP_ACTORS} largest of {data.n_actors:,} actors)" if rest.size else ""
    _title(ax, title, f"Effective power on '{data.dimensions[k]}'{shown}")
    return ax


def win_probabilities(
    turn: KTABTurn | KTABRun,
    data: ActorData,
    title: str = "",
    ax: Axes | None = None,
    state: int = 0,
) -> Axes:
    """Each distinct position's probability of winning KTAB's election, as bars.

    ``turn`` is a first turn, or a whole run and the ``state`` to draw (0 the data, ``-1``
    the last state it reached). A bar per position (actors holding the same position share
    it), labelled with its holders and coordinates; the subtitle gives the expected position
    ``Σ P_j x_j``. With more than :data:`TOP_ACTORS` positions, the less probable ones share
    one bar.
    """
    where_now = data.positions
    when = "KTAB first turn"
    if isinstance(turn, KTABRun):
        state = range(turn.turns + 1)[state]
        where_now = turn.positions[state]
        when = f"KTAB state {state} of {turn.turns}" if state else when
        turn = turn.states[state]
    classes = sorted(set(turn.position_class), key=lambda c: turn.win_probability[turn.unique[c]])
    rest, classes = classes[:-TOP_ACTORS], classes[-TOP_ACTORS:]
    ax = _axes(ax, (8.5, max(3.0, 0.42 * (len(classes) + bool(rest)) + 1.6)))
    holders: dict[int, list[str]] = {}
    for name, c in zip(turn.names, turn.position_class, strict=True):
        holders.setdefault(int(c), []).append(name)
    labels, values = [], []
    if rest:
        labels.append(f"the other {len(rest):,} positions")
        values.append(float(sum(turn.win_probability[turn.unique[c]] for c in rest)))
    for c in classes:
        where = ", ".join(f"{v:g}" for v in where_now[turn.unique[c]])
        labels.append(f"{_listed(holders[int(c)])}  ({where})")
        values.append(float(turn.win_probability[turn.unique[c]]))
    colours = ["#3182bd" if v < max(values) else "#e6550d" for v in values]
    bars = ax.barh(labels, values, color=colours, edgecolor="black", linewidth=0.4)
    for bar, value in zip(bars, values, strict=True):
        ax.annotate(f"{value:.3f}", (bar.get_width(), bar.get_y() + 0.4), xytext=(3, 0),
                    textcoords="offset points", va="center", fontsize=8)  # fmt: skip
    ax.set_xlim(0, max(values) * 1.2)
    ax.set_xlabel(f"Probability that the position wins ({when[5:]}, risk-aware)")
    ax.set_ylabel(f"Position ({', '.join(data.dimensions)})")
    expected = ", ".join(
        f"{d} {v:.1f}" for d, v in zip(data.dimensions, turn.expected_position, strict=True)
    )
    _title(ax, title, f"{when}: {turn.pce_model} election, {turn.victory_model}"
           f" victory model\nexpected position: {expected}")  # fmt: skip
    return ax


def what_if(result: WhatIf, title: str = "", ax: Axes | None = None) -> Axes:
    """One line per actor: the forecast after the last round against where that actor stands.

    A flat line: that actor cannot move the outcome; a diagonal: the outcome follows it. The
    dot on each line is the actor's actual position, the dashed line the forecast as it is.
    """
    ax = _axes(ax, (8.5, 5.2))
    colours = _colours(len(result.actors))
    ax.axhline(result.baseline, c="black", ls="--", lw=1.0, label="forecast as the data have it")
    styles = ("-", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1)))
    for a, name in enumerate(result.actors):
        ax.plot(result.values, result.forecasts[a], ls=styles[a % len(styles)], marker="s",
                ms=3.5, c=colours[a], lw=2.0, label=f"{name} moved")  # fmt: skip
        ax.plot([result.positions[a]], [result.baseline], "o", c=colours[a], ms=8,
                markeredgecolor="black")  # fmt: skip
    ax.set_xlabel(f"Position of the actor moved, on {result.dimension}")
    ax.set_ylabel(f"Forecast on {result.dimension} ({result.model})")
    ax.grid(alpha=0.2)
    _title(ax, title, "What would have changed the forecast? One actor moved at a time"
           " (dots: where each actually stands)")  # fmt: skip
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return ax
