"""Sensitivity: how fragile is a point forecast, and what would have moved it?

:func:`monte_carlo` perturbs every input at once, at random; :func:`what_if` moves one actor
at a time along an issue's scale and records where the forecast ends (a deterministic sweep).

The spatial models give one number per issue from inputs that are expert judgments. Here every
input is perturbed in each of ``N`` seeded draws and the model rerun, so the spread of the
forecasts shows how much the point forecast owes to the exact numbers typed in. Draw ``d``:

* positions ``x'_ik = clip(x_ik + ε, lo_k, hi_k)``, ``ε ~ N(0, (σ_x (hi_k - lo_k))²)``, where
  ``[lo_k, hi_k]`` is the range the data span on dimension ``k``;
* saliences ``s'_ik = clip(s_ik + η, 0, 100)``, ``η ~ N(0, (100 σ_s)²)``, except that a
  positive salience stays at least :data:`MIN_SALIENCE` (noise does not make an actor stop
  caring altogether, so every dimension keeps an actor with weight and a forecast);
* capabilities ``c'_i = c_i exp(ζ)``, ``ζ ~ N(0, σ_c²)`` (relative, so any scale works).

Actors are perturbed independently, so actors that share a position no longer do: in KTAB,
where actors at one position pool their chance of winning, that changes the election in kind
(on the 2018–2019 Kurils data the unperturbed expected position sits at the edge of its own
Monte Carlo spread for this reason). Set ``position_sd=0`` to keep positions as they are.

Each draw has its own generator, seeded by ``SeedSequence(seed).spawn(N)[d]``: the result does
not depend on the order of the draws or on where they ran (``executor=``, any
:class:`concurrent.futures.Executor`, e.g. a Dask client's; or ``workers`` processes here), and
with ``store=`` each draw is kept as it finishes, so an interrupted run resumes
(:func:`negsim.store.map_resumable`).
"""

from __future__ import annotations

import functools
import os
from typing import TYPE_CHECKING

import attrs
import numpy as np
import numpy.typing as npt

from ..errors import ValidationError
from ..io import csv_text
from ..rng import RNGLike, resolve_seed, spawn_seeds
from ..validators import positive

if TYPE_CHECKING:  # concurrent.futures and sqlite3 load only when a run uses them
    from concurrent.futures import Executor

    from ..store import RunStore
from .data import ActorData, whole_number
from .models import Forecast, ForecastModel

__all__ = [
    "MIN_SALIENCE",
    "MonteCarlo",
    "Perturbation",
    "WhatIf",
    "monte_carlo",
    "perturb",
    "what_if",
]

_NON_NEGATIVE = positive(allow_zero=True)

Array = npt.NDArray[np.float64]

#: The least a positive salience becomes under perturbation (on the 0–100 scale).
MIN_SALIENCE = 1e-6


@attrs.frozen
class Perturbation:
    """Noise levels (module docstring): ``position_sd`` as a fraction of each dimension's range,
    ``salience_sd`` as a fraction of the 0–100 scale, ``capability_sd`` on the log scale."""

    position_sd: float = attrs.field(
        default=0.05, converter=float, validator=positive(allow_zero=True)
    )
    salience_sd: float = attrs.field(
        default=0.05, converter=float, validator=positive(allow_zero=True)
    )
    capability_sd: float = attrs.field(
        default=0.10, converter=float, validator=positive(allow_zero=True)
    )


def perturb(data: ActorData, perturbation: Perturbation, rng: np.random.Generator) -> ActorData:
    """One perturbed copy of ``data`` (draws positions, then saliences, then capabilities)."""
    lo, hi = data.positions.min(axis=0), data.positions.max(axis=0)
    shape = data.positions.shape
    positions = np.clip(
        data.positions + rng.normal(0, 1, shape) * perturbation.position_sd * (hi - lo), lo, hi
    )
    saliences = np.clip(
        data.saliences + rng.normal(0, 100 * perturbation.salience_sd, shape), 0, 100
    )
    saliences = np.where(data.saliences > 0, np.maximum(saliences, MIN_SALIENCE), saliences)
    capability = data.capability * np.exp(rng.normal(0, perturbation.capability_sd, data.n_actors))
    return attrs.evolve(data, positions=positions, saliences=saliences, capability=capability)


@attrs.frozen(eq=False)
class MonteCarlo:
    """The baseline forecast and the headline forecast of every draw.

    ``draws[d, t, k]``: draw ``d``'s headline forecast after round ``t`` on dimension ``k``.
    """

    model: str
    seed: int
    perturbation: Perturbation
    baseline: Forecast
    draws: Array

    def quantiles(self, q: npt.ArrayLike = (0.05, 0.25, 0.5, 0.75, 0.95)) -> Array:
        """``(len(q), rounds + 1, m)`` quantiles of the draws."""
        return np.quantile(self.draws, np.asarray(q, dtype=float), axis=0)  # type: ignore[no-any-return]

    def summary(self) -> str:
        """The final round's baseline and the draws' mean, sd and 5/50/95 % quantiles."""
        final = self.draws[:, -1, :]
        q05, q50, q95 = np.quantile(final, [0.05, 0.5, 0.95], axis=0)
        header = (
            f"{'dimension':<14}{'baseline':>10}{'mean':>10}{'sd':>8}{'5%':>9}{'50%':>9}{'95%':>9}"
        )
        lines = [header]
        for k, dimension in enumerate(self.baseline.data.dimensions):
            lines.append(
                f"{dimension:<14}{self.baseline.forecast[-1, k]:10.3f}{final[:, k].mean():10.3f}"
                f"{final[:, k].std():8.3f}{q05[k]:9.3f}{q50[k]:9.3f}{q95[k]:9.3f}"
            )
        return "\n".join(lines)

    def to_csv(self) -> str:
        """``draw,round,dimension,forecast`` rows."""
        dimensions = self.baseline.data.dimensions
        rows = (
            (d, t, dimension, float(self.draws[d, t, k]))
            for d in range(self.draws.shape[0])
            for t in range(self.draws.shape[1])
            for k, dimension in enumerate(dimensions)
        )
        return csv_text(("draw", "round", "dimension", "forecast"), rows)


def _draw(args: tuple[ForecastModel, ActorData, int, Perturbation, int]) -> Array:
    model, data, rounds, perturbation, seed = args
    noisy = perturb(data, perturbation, np.random.default_rng(seed))
    return model.run(noisy, rounds).forecast


def monte_carlo(
    data: ActorData,
    model: ForecastModel,
    rounds: int = 10,
    draws: int = 100,
    *,
    perturbation: Perturbation | None = None,
    rng: RNGLike = None,
    workers: int = 1,
    executor: Executor | None = None,
    store: str | os.PathLike[str] | RunStore | None = None,
) -> MonteCarlo:
    """Rerun ``model`` on ``draws`` perturbed copies of ``data`` (see the module docstring),
    on ``executor`` (or ``workers`` processes), keeping each draw in ``store`` when given.

    >>> from negsim.spatial import ActorData, make_model
    >>> data = ActorData(["a", "b", "c"], [1, 1, 2], [0, 40, 100], [90, 50, 60])
    >>> result = monte_carlo(data, make_model("bdm"), rounds=2, draws=20, rng=3)
    >>> result.draws.shape, result.seed
    ((20, 3, 1), 3)
    """
    rounds = whole_number("rounds", rounds)
    draws = whole_number("draws", draws, 1)
    workers = whole_number("workers", workers, 1)
    perturbation = perturbation or Perturbation()
    seed = resolve_seed(rng)
    from concurrent.futures import ProcessPoolExecutor

    from ..store import fingerprint, map_resumable  # sqlite3 and processes: only when used

    jobs = [(model, data, rounds, perturbation, s) for s in spawn_seeds(seed, draws)]
    identity = {
        "data": fingerprint(attrs.asdict(data)),
        "model": repr(model),
        "rounds": rounds,
        "perturbation": attrs.asdict(perturbation),
        "seed": seed,
        "draws": draws,
    }
    own = ProcessPoolExecutor(workers) if executor is None and workers > 1 else None
    try:
        results = map_resumable(
            _draw,
            jobs,
            store=store,
            kind="montecarlo",
            identity=identity,
            executor=executor or own,
            decode=functools.partial(np.array, dtype=float),
        )
    finally:
        if own is not None:
            own.shutdown()
    return MonteCarlo(model.name, seed, perturbation, model.run(data, rounds), np.stack(results))


@attrs.frozen(eq=False)
class WhatIf:
    """The headline forecast after the last round, with one actor at a time moved.

    ``forecasts[a, v]``: the forecast on ``dimension`` when ``actors[a]`` stands at
    ``values[v]`` (everything else as in the data); ``baseline`` is the unchanged forecast.
    """

    model: str
    dimension: str
    actors: tuple[str, ...]
    positions: Array  # each actor's own position on the dimension
    values: Array
    forecasts: Array
    baseline: float

    def table(self) -> str:
        """One row per actor: its position, then the forecast at every value."""
        header = f"{'actor moved to':<32}" + "".join(f"{v:>8.4g}" for v in self.values)
        lines = [f"forecast on '{self.dimension}' ({self.model}), now {self.baseline:.4g}", header]
        for name, row in zip(self.actors, self.forecasts, strict=True):
            lines.append(f"{name:<32}" + "".join(f"{f:8.2f}" for f in row))
        return "\n".join(lines)


def _moved(job: tuple[ForecastModel, ActorData, int, int, float, int]) -> float:
    """The forecast on dimension ``k`` with actor ``i`` moved to ``value``."""
    model, data, i, k, value, rounds = job
    moved = data.positions.copy()
    moved[i, k] = value
    return float(model.run(attrs.evolve(data, positions=moved), rounds).forecast[-1, k])


def what_if(
    data: ActorData,
    model: ForecastModel,
    actors: list[str] | None = None,
    dimension: int | str = 0,
    values: npt.ArrayLike | None = None,
    rounds: int = 10,
    executor: Executor | None = None,
) -> WhatIf:
    """Move each of ``actors`` alone to each of ``values`` on ``dimension`` and rerun ``model``
    (the reruns on ``executor`` when given, any :class:`concurrent.futures.Executor`).

    ``actors`` defaults to the three with the largest capability × salience there, ``values``
    to 11 points across the range the data span on that dimension.

    >>> from negsim.spatial import ActorData, make_model
    >>> data = ActorData(["a", "b", "c"], [1, 1, 2], [0, 40, 100], [90, 50, 60])
    >>> result = what_if(data, make_model("bdm"), ["a"], values=[0, 50, 100], rounds=2)
    >>> result.forecasts.shape, round(result.baseline, 2)
    ((1, 3), 81.72)
    """
    rounds = whole_number("rounds", rounds)
    k = data.dimension_index(dimension)
    if actors is None:
        weight = data.capability * data.saliences[:, k]
        actors = [data.names[i] for i in np.argsort(-weight, kind="stable")[:3]]
    for name in actors:
        if name not in data.names:
            raise ValidationError("actors", repr(name), "names of actors in the data")
    low, high = float(data.positions[:, k].min()), float(data.positions[:, k].max())
    grid = np.linspace(low, high, 11) if values is None else np.asarray(values, dtype=float)
    from ..parallel import map_ordered

    jobs = [
        (model, data, data.names.index(name), k, float(v), rounds) for name in actors for v in grid
    ]
    forecasts = np.array(map_ordered(_moved, jobs, executor)).reshape(len(actors), len(grid))
    return WhatIf(
        model.name,
        data.dimensions[k],
        tuple(actors),
        data.positions[[data.names.index(n) for n in actors], k],
        grid,
        forecasts,
        float(model.run(data, rounds).forecast[-1, k]),
    )
