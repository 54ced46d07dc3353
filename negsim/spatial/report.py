"""What ``negsim forecast`` prints and writes, as functions a notebook can call too.

:func:`format_forecast` gives the round-by-round report (for BDM every move with the two
expected utilities behind it; for KTAB each position's chance of winning; for Stokman the
exchanges) and, with a Monte Carlo run, the spread of the final forecast.
:func:`write_forecast` writes ``forecast.json`` (:meth:`Forecast.to_json
<negsim.spatial.Forecast.to_json>` without the per-round detail: read it back with
``Forecast.from_json``), ``positions.csv``, ``forecasts.csv``, ``moves.csv`` (BDM),
``montecarlo.json`` and ``montecarlo.csv``, ``what-if.csv`` and the plots into a folder:
``power``, ``positions`` (models with rounds), ``forecast`` (with a Monte Carlo run),
``what-if`` (with what-if sweeps), ``quad`` (BDM) and ``win-probability`` (KTAB). A figure
has one panel per dimension, at most :data:`PLOT_DIMENSIONS`, so its size stays bounded (the
bar charts are bounded in actors by :data:`negsim.spatial.plots.TOP_ACTORS`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..io import csv_text, printable, write_text_atomic
from .bdm import OFFER_KINDS, BDMRun
from .ktab import KTABTurn
from .ktab_bargain import KTABRun
from .models import Forecast
from .sensitivity import WHAT_IF_HEADER, MonteCarlo, WhatIf
from .stokman import StokmanRun

__all__ = ["PLOT_DIMENSIONS", "format_forecast", "moves_csv", "what_if_csv", "write_forecast"]

#: Most dimensions drawn in one figure (one panel each); the CSV files have every dimension.
PLOT_DIMENSIONS = 8


def format_forecast(
    forecast: Forecast, montecarlo: MonteCarlo | None = None, what_ifs: tuple[WhatIf, ...] = ()
) -> str:
    """The text report of a forecast (and of its Monte Carlo run and what-if sweeps)."""
    data = forecast.data
    options = ", ".join(f"{k}={v}" for k, v in forecast.options.items()) or "defaults"
    lines = [
        f"{data.title or 'actor data'}: {data.n_actors} actors, "
        f"dimensions {', '.join(data.dimensions)}",
        f"model {forecast.model} ({options}), {forecast.rounds} rounds",
        "",
    ]
    for part in forecast.detail:
        if isinstance(part, BDMRun):
            lines += [f"BDM on '{part.dimension}':", part.table(), ""]
        elif isinstance(part, KTABRun):
            lines += _ktab_lines(part.states[0], forecast.data.positions, "first turn")
            lines += _ktab_turns(part)
            if part.turns:
                last = part.states[-1]
                lines += _ktab_lines(last, part.positions[part.turns], f"state {part.turns}")
        elif isinstance(part, StokmanRun):
            lines += _stokman_lines(part)
    lines += ["Forecasts by round:", forecast.table()]
    if montecarlo is not None:
        ties = ", tied actors kept together" if montecarlo.perturbation.keep_ties else ""
        lines += [
            "",
            f"Monte Carlo: {montecarlo.draws.shape[0]} perturbed draws, seed {montecarlo.seed}"
            f"{ties}; final {forecast.headline} forecast:",
            montecarlo.summary(),
        ]
    for sweep in what_ifs:
        lines += ["", "What if one actor had stood elsewhere?", sweep.table()]
    return printable("\n".join(lines))


def _ktab_lines(turn: KTABTurn, positions: np.ndarray, when: str) -> list[str]:
    lines = [
        f"KTAB, {when}:",
        f"{'actor':<32}{'risk R':>8}{'P(win)':>9}  position",
    ]
    for i, name in enumerate(turn.names):
        where = ", ".join(f"{v:g}" for v in positions[i])
        lines.append(f"{name:<32}{turn.risk[i]:8.3f}{turn.outcome_probability[i]:9.4f}  {where}")
    best = turn.position_class[turn.most_probable]
    holders = [n for n, c in zip(turn.names, turn.position_class, strict=True) if c == best]
    where = ", ".join(f"{v:g}" for v in turn.most_probable_position)
    lines.append(
        f"most probable position: {where}, held by {', '.join(holders)}"
        f" (P = {turn.win_probability[turn.most_probable]:.4f})"
    )
    return [*lines, ""]


def _ktab_turns(run: KTABRun) -> list[str]:
    """One line per turn: who challenged whom, who moved, the change against the first."""
    names = run.states[0].names
    lines = ["KTAB turns (challenger > target; movers; change / first turn's change):"]
    for t, step in enumerate(run.steps, start=1):
        pairs = [f"{names[i]} > {names[j]}" for i, j in enumerate(step.target) if j >= 0]
        moved = np.flatnonzero(np.abs(step.next_positions - step.positions).max(axis=1) > 0)
        lines.append(
            f"  turn {t}: {len(pairs)} challenges ({_few(pairs)}); {len(moved)} moved"
            f" ({_few([names[i] for i in moved])}); ratio {run.change_ratio[t - 1]:.4f}"
        )
    lines.append(f"  {run.describe()}")
    return [*lines, ""]


def _few(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f", +{len(items) - limit} more" if len(items) > limit else "") or "none"


def _stokman_lines(run: StokmanRun) -> list[str]:
    lines = ["Stokman exchanges:"]
    for t, step in enumerate(run.steps, start=1):
        for e in step.exchanges:
            lines.append(
                f"  round {t}: {e.actors[0]} gives way on {e.issues[1]} ({e.move_i:+.2f}),"
                f" {e.actors[1]} on {e.issues[0]} ({e.move_j:+.2f}); each gains {e.gain:.4f}"
            )
    if not run.steps:
        lines.append("  none: no pair of actors can trade (it takes two issues)")
    lines.append(f"  {'converged: no exchange left' if run.converged else 'rounds ran out'}")
    return [*lines, ""]


def moves_csv(forecast: Forecast) -> str:
    """BDM's moves: ``round,dimension,receiver,proposer,kind,eu_receiver,eu_proposer,from,to``."""
    header = (
        "round",
        "dimension",
        "receiver",
        "proposer",
        "kind",
        "eu_receiver",
        "eu_proposer",
        "from",
        "to",
    )
    rows = (
        (
            t,
            run.dimension,
            run.names[j],
            run.names[i],
            OFFER_KINDS[int(step.offer_kind[i, j])],
            float(step.eu_own[j, i]),
            float(step.eu_offer[i, j]),
            float(step.positions[j]),
            float(step.next_positions[j]),
        )
        for run in forecast.detail
        if isinstance(run, BDMRun)
        for t, step in enumerate(run.rounds, start=1)
        for j, i in enumerate(step.accepted)
        if i >= 0
    )
    return csv_text(header, rows)


def what_if_csv(what_ifs: tuple[WhatIf, ...]) -> str:
    """``dimension,actor,position,forecast`` rows of what-if sweeps."""
    return csv_text(WHAT_IF_HEADER, (row for sweep in what_ifs for row in sweep.rows()))


def write_forecast(
    folder: str | Path,
    forecast: Forecast,
    montecarlo: MonteCarlo | None = None,
    fmt: str = "png",
    plots: bool = True,
    what_ifs: tuple[WhatIf, ...] = (),
) -> list[str]:
    """Write the results (module docstring) into ``folder``; returns the file names."""
    folder = Path(folder)
    files = {
        "forecast.json": forecast.to_json(detail=False),
        "positions.csv": forecast.positions_csv(),
        "forecasts.csv": forecast.forecasts_csv(),
    }
    if forecast.model == "bdm":
        files["moves.csv"] = moves_csv(forecast)
    if montecarlo is not None:
        files["montecarlo.json"] = montecarlo.to_json(detail=False)
        files["montecarlo.csv"] = montecarlo.to_csv()
    if what_ifs:
        files["what-if.csv"] = what_if_csv(what_ifs)
    for name, text in files.items():
        write_text_atomic(folder / name, text)
    written = list(files)
    if plots:
        from ..plots import plain_text

        with plain_text():
            written += _plots(folder, forecast, montecarlo, fmt, what_ifs)
    return written


def _plots(
    folder: Path,
    forecast: Forecast,
    montecarlo: MonteCarlo | None,
    fmt: str,
    what_ifs: tuple[WhatIf, ...] = (),
) -> list[str]:
    import matplotlib.pyplot as plt

    from ..plots import save_figure
    from . import plots

    data = forecast.data
    m = data.n_dimensions
    title = data.title or "actor data"
    kinds: dict[str, Any] = {"power": lambda k, ax: plots.effective_power(data, k, title, ax)}
    if forecast.rounds > 0:
        kinds["positions"] = lambda k, ax: plots.positions(forecast, k, title, ax)
    if montecarlo is not None:
        kinds["forecast"] = lambda k, ax: plots.forecast_band(montecarlo, k, title, ax)
    if what_ifs:
        kinds["what-if"] = lambda k, ax: plots.what_if(what_ifs[k], title, ax)
    if forecast.model == "bdm":
        weight = data.capability[:, None] * data.saliences
        kinds["quad"] = lambda k, ax: plots.quad_chart(
            forecast.detail[k], int(np.argmax(weight[:, k])), 0, title, ax
        )
    written = []
    if forecast.model == "ktab":
        ax = plots.win_probabilities(forecast.detail[0], data, title)
        save_figure(ax.figure, folder / f"win-probability.{fmt}")
        written.append(f"win-probability.{fmt}")
    bars = min(data.n_actors, plots.TOP_ACTORS + 1)
    sizes = {"positions": (9.5, 5.0), "power": (8.0, 0.38 * bars + 1.6),
             "forecast": (10.0, 4.6), "quad": (8.0, 6.4), "what-if": (9.5, 5.0)}  # fmt: skip
    for kind, draw in kinds.items():
        width, height = sizes[kind]
        panels = min(m, PLOT_DIMENSIONS)
        figure, axes = plt.subplots(
            panels, 1, figsize=(width, height * panels), layout="constrained"
        )
        for k, ax in enumerate(np.atleast_1d(axes)):
            draw(k, ax)
        if m > panels:
            figure.suptitle(f"The first {panels} of {m} dimensions (the CSV files have them all)")
        name = f"{kind}.{fmt}"
        save_figure(figure, folder / name)
        written.append(name)
    return written
