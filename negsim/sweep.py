"""Parameter sweeps: run a scenario over a grid of one or two parameters, several seeds each.

Every grid point re-reads the scenario with the parameter values put in by key path
(:meth:`negsim.Scenario.with_overrides`), so every check applies to every point. Each point
runs the same ``n_seeds`` child seeds of the base seed (common random numbers), so
differences between points come from the parameters, not from luck; the result records the
base seed and replays exactly.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np

from .display import figure_bundle, html_image, html_table, png_bytes, short_repr
from .errors import ValidationError
from .io import csv_text
from .rng import RNGLike, resolve_seed, spawn_seeds
from .scenario import Scenario

__all__ = ["SweepResult", "parse_range", "run_sweep", "scenario_sweeps"]


def parse_range(text: str) -> tuple[str, tuple[float, ...]]:
    """``"key.path=start:stop:steps"`` → ``(key path, values)`` (``steps`` evenly spaced
    values from ``start`` to ``stop`` inclusive)."""
    if "=" not in text:
        raise ValidationError("--param", f"{text!r}", "key.path=start:stop:steps")
    path, spec = (s.strip() for s in text.split("=", 1))
    parts = spec.split(":")
    try:
        start, stop, steps = float(parts[0]), float(parts[1]), int(parts[2])
    except (ValueError, IndexError):
        raise ValidationError(
            f"--param {path}", f"{spec!r}", "start:stop:steps, e.g. 0:1:11"
        ) from None
    if len(parts) != 3 or steps < 1:
        raise ValidationError(f"--param {path}", f"{spec!r}", "start:stop:steps with steps >= 1")
    return path, tuple(np.linspace(start, stop, steps).round(12).tolist())


def scenario_sweeps(scenario: Scenario) -> list[tuple[str, tuple[float, ...]]]:
    """The parameters of the scenario's ``[[sweeps]]`` tables, as :func:`run_sweep` takes
    them (``steps`` values from ``start`` to ``stop``; one or two sweeps, validated when the
    scenario was read)."""
    if not scenario.sweeps:
        raise ValidationError(
            "sweeps", f"{scenario.title!r} suggests no [[sweeps]]", "--param KEY=START:STOP:STEPS"
        )
    return [
        (
            s["param"],
            tuple(np.linspace(s["start"], s["stop"], s["steps"]).round(12).tolist()),
        )
        for s in scenario.sweeps
    ]


@attrs.frozen(eq=False)
class SweepResult:
    """Per grid point: agreement and ratified-deal rates, mean payoffs and rounds."""

    scenario: str
    params: tuple[str, ...]
    values: tuple[tuple[float, ...], ...]
    names: tuple[str, ...]
    seed: int
    n_seeds: int
    points: np.ndarray
    agreement_rate: np.ndarray
    deal_rate: np.ndarray
    mean_payoffs: np.ndarray
    mean_rounds: np.ndarray

    def __repr__(self) -> str:
        best = int(np.argmax(self.deal_rate)) if len(self.points) else None
        return short_repr(
            "SweepResult",
            scenario=self.scenario,
            params=self.params,
            points=len(self.points),
            n_seeds=self.n_seeds,
            seed=self.seed,
            best_deal_rate=None if best is None else float(self.deal_rate[best]),
            at=None if best is None else tuple(float(v) for v in self.points[best]),
        )

    def _repr_html_(self) -> str:
        return self._table_html() + "\n" + html_image(self._repr_png_(), "the sweep")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return figure_bundle(repr(self), self._table_html(), self._repr_png_(), "the sweep")

    def _table_html(self) -> str:
        rows = [
            [
                *(float(v) for v in point),
                f"{self.agreement_rate[k]:.0%}",
                f"{self.deal_rate[k]:.0%}",
                float(self.mean_rounds[k]),
                *(float(u) for u in self.mean_payoffs[k]),
            ]
            for k, point in enumerate(self.points)
        ]
        headers = [*self.params, "agreement rate", "deal rate", "mean rounds"]
        headers += [f"mean payoff {n}" for n in self.names]
        caption = (
            f"{self.scenario}: {len(self.points)} points x {self.n_seeds} seeds, seed {self.seed}"
        )
        return html_table(headers, rows, caption)

    def _repr_png_(self) -> bytes:
        """The sweep plot (:func:`negsim.plots.sweep`), for notebooks."""
        from . import plots

        with plots.plain_text():
            return png_bytes(plots.sweep(self, self.scenario).figure)

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """One row per grid point; written atomically to ``path`` when given."""
        header = [*self.params, "agreement_rate", "deal_rate", "mean_rounds"] + [
            f"mean_payoff_{n}" for n in self.names
        ]
        rows = (
            [float(v) for v in point]
            + [f"{self.agreement_rate[k]:.6g}", f"{self.deal_rate[k]:.6g}"]
            + [f"{self.mean_rounds[k]:.6g}"]
            + [f"{u:.6g}" for u in self.mean_payoffs[k]]
            for k, point in enumerate(self.points)
        )
        return csv_text(header, rows, path)


def run_sweep(
    scenario: Scenario,
    params: Sequence[tuple[str, Sequence[float]]],
    n_seeds: int = 5,
    rng: RNGLike = None,
    progress: Callable[[int, int], Any] | None = None,
) -> SweepResult:
    """Run ``scenario`` at every combination of the parameter values (one or two params)."""
    if not 1 <= len(params) <= 2:
        raise ValidationError("params", f"{len(params)} parameters", "one or two")
    if n_seeds < 1:
        raise ValidationError("seeds", f"{n_seeds}", "at least 1")
    base = resolve_seed(scenario.seed if rng is None else rng)
    seeds = spawn_seeds(base, n_seeds)
    grid = list(itertools.product(*(values for _, values in params)))
    n = len(scenario.parties)
    agreed, deals = np.zeros(len(grid)), np.zeros(len(grid))
    payoffs, rounds = np.zeros((len(grid), n)), np.zeros(len(grid))
    for k, point in enumerate(grid):
        variant = scenario.with_overrides(dict(zip((p for p, _ in params), point, strict=True)))
        for seed in seeds:
            run = variant.run(seed)
            agreed[k] += run.result.agreed / n_seeds
            deals[k] += run.deal / n_seeds
            payoffs[k] += run.payoffs / n_seeds
            rounds[k] += run.result.n_rounds / n_seeds
        if progress is not None:
            progress(k + 1, len(grid))
    return SweepResult(
        scenario=scenario.title,
        params=tuple(p for p, _ in params),
        values=tuple(tuple(v) for _, v in params),
        names=scenario.names,
        seed=base,
        n_seeds=n_seeds,
        points=np.array(grid, dtype=float),
        agreement_rate=agreed,
        deal_rate=deals,
        mean_payoffs=payoffs,
        mean_rounds=rounds,
    )
