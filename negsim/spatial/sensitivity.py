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
(on the 2016 Kurils data the unperturbed expected position lies outside its own 5–95 % band
for this reason). With ``keep_ties=True`` the actors tied on a dimension share one position
draw there (``ε_ik = ε_jk`` when ``x_ik = x_jk``: the draw of the first of them), so ties
survive; everything else is drawn as before, from the same stream. Set ``position_sd=0`` to
keep positions as they are. Every run checks its own band (:mod:`.spread`): the result's
``check`` says whether the baseline lies outside the 5–95 % band, which ties the data hold
and whether noise a hundred times smaller already moves the forecast.

Each draw has its own generator, seeded by ``SeedSequence(seed).spawn(N)[d]``: the result does
not depend on the order of the draws or on where they ran (``executor=``, any
:class:`concurrent.futures.Executor`, e.g. a Dask client's; or ``workers`` processes here), and
with ``store=`` each draw is kept as it finishes, so an interrupted run resumes
(:func:`negsim.store.map_resumable`).
"""

from __future__ import annotations

import functools
import html
import os
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
import numpy.typing as npt

from ..display import html_table, short_repr
from ..errors import ValidationError
from ..io import csv_text
from ..rng import RNGLike, resolve_rng, resolve_seed, spawn_seeds
from ..validators import boolean, positive, readonly
from .data import ActorData, whole_number
from .models import Forecast, ForecastModel, _panels
from .records import ARRAY_EQ, Provenance, Recorded, as_tuple, negsim_version
from .spread import CHECK_DRAWS, TINY, SpreadCheck, check_spread, tie_groups

if TYPE_CHECKING:  # concurrent.futures and sqlite3 load only when a run uses them
    from concurrent.futures import Executor

    from ..store import RunStore

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
class Perturbation(Recorded):
    """Noise levels (module docstring): ``position_sd`` as a fraction of each dimension's range,
    ``salience_sd`` as a fraction of the 0–100 scale, ``capability_sd`` on the log scale;
    ``keep_ties``: actors tied on a dimension move together there."""

    position_sd: float = attrs.field(
        default=0.05, converter=float, validator=positive(allow_zero=True)
    )
    salience_sd: float = attrs.field(
        default=0.05, converter=float, validator=positive(allow_zero=True)
    )
    capability_sd: float = attrs.field(
        default=0.10, converter=float, validator=positive(allow_zero=True)
    )
    keep_ties: bool = attrs.field(default=False, validator=boolean())

    def scaled(self, factor: float) -> Perturbation:
        """The same perturbation with every noise level times ``factor``."""
        return attrs.evolve(
            self,
            position_sd=self.position_sd * factor,
            salience_sd=self.salience_sd * factor,
            capability_sd=self.capability_sd * factor,
        )


def perturb(
    data: ActorData, perturbation: Perturbation | None = None, rng: RNGLike = None
) -> ActorData:
    """One perturbed copy of ``data`` (draws positions, then saliences, then capabilities).

    ``rng`` is a seed, a Generator or ``None`` (:func:`negsim.rng.resolve_rng`).

    >>> data = ActorData(["a", "b", "c"], [1, 1, 2], [0, 0, 100], [90, 50, 60])
    >>> tied = perturb(data, Perturbation(0.1, keep_ties=True), rng=7)
    >>> bool(tied.positions[0, 0] == tied.positions[1, 0])
    True
    """
    perturbation = perturbation or Perturbation()
    generator, _ = resolve_rng(rng)
    lo, hi = data.positions.min(axis=0), data.positions.max(axis=0)
    shape = data.positions.shape
    noise = generator.normal(0, 1, shape)
    if perturbation.keep_ties:  # each tied group takes the draw of its first actor
        noise = np.take_along_axis(noise, tie_groups(data.positions), axis=0)
    positions = np.clip(data.positions + noise * perturbation.position_sd * (hi - lo), lo, hi)
    saliences = np.clip(
        data.saliences + generator.normal(0, 100 * perturbation.salience_sd, shape), 0, 100
    )
    saliences = np.where(data.saliences > 0, np.maximum(saliences, MIN_SALIENCE), saliences)
    capability = data.capability * np.exp(
        generator.normal(0, perturbation.capability_sd, data.n_actors)
    )
    return attrs.evolve(data, positions=positions, saliences=saliences, capability=capability)


@attrs.frozen(repr=False)
class MonteCarlo(Recorded):
    """The baseline forecast and the headline forecast of every draw.

    ``draws[d, t, k]``: draw ``d``'s headline forecast after round ``t`` on dimension ``k``;
    ``check``: whether the band is honest (:class:`~negsim.spatial.spread.SpreadCheck`:
    the baseline outside the band, ties, a discontinuous model; ``None`` if not run).
    """

    model: str
    seed: int
    perturbation: Perturbation
    baseline: Forecast
    draws: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    check: SpreadCheck | None = None
    version: str = attrs.field(factory=negsim_version, eq=False)

    @property
    def provenance(self) -> Provenance:
        """Model, options, seed, negsim version and data source."""
        data = self.baseline.data
        options = self.baseline.options
        return Provenance(self.model, options, self.seed, self.version, data.source or data.title)

    def warnings(self) -> tuple[str, ...]:
        """The check's findings, one sentence each (empty when the band is honest)."""
        return () if self.check is None else self.check.warnings()

    def quantiles(self, q: npt.ArrayLike = (0.05, 0.25, 0.5, 0.75, 0.95)) -> Array:
        """``(len(q), rounds + 1, m)`` quantiles of the draws."""
        return np.quantile(self.draws, np.asarray(q, dtype=float), axis=0)  # type: ignore[no-any-return]

    def summary(self) -> str:
        """The final round's baseline and the draws' mean, sd and 5/50/95 % quantiles, then
        a warning per problem the check found."""
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
        lines += [f"Warning: {warning}" for warning in self.warnings()]
        return "\n".join(lines)

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """``draw,round,dimension,forecast`` rows (tidy); also written to ``path`` if given."""
        dimensions = self.baseline.data.dimensions
        rows = (
            (d, t, dimension, float(self.draws[d, t, k]))
            for d in range(self.draws.shape[0])
            for t in range(self.draws.shape[1])
            for k, dimension in enumerate(dimensions)
        )
        return csv_text(("draw", "round", "dimension", "forecast"), rows, path)

    def __repr__(self) -> str:
        final = self.draws[:, -1, :]
        low, high = np.quantile(final, [0.05, 0.95], axis=0)
        return short_repr(
            "MonteCarlo",
            model=self.model,
            draws=final.shape[0],
            seed=self.seed,
            baseline=tuple(float(v) for v in self.baseline.forecast[-1]),
            band=tuple(f"{a:.4g}–{b:.4g}" for a, b in zip(low, high, strict=True)),
            warnings=len(self.warnings()),
        )

    def _repr_html_(self) -> str:
        final = self.draws[:, -1, :]
        q05, q50, q95 = np.quantile(final, [0.05, 0.5, 0.95], axis=0)
        rows = [
            [d, float(self.baseline.forecast[-1, k]), float(final[:, k].mean()),
             float(final[:, k].std()), float(q05[k]), float(q50[k]), float(q95[k])]
            for k, d in enumerate(self.baseline.data.dimensions)
        ]  # fmt: skip
        caption = f"Monte Carlo of {self.model}: {final.shape[0]} draws, seed {self.seed}"
        table = html_table(
            ["dimension", "baseline", "mean", "sd", "5%", "50%", "95%"], rows, caption
        )
        notes = "".join(f"<p>Warning: {html.escape(w)}</p>" for w in self.warnings())
        return table + notes

    def _repr_png_(self) -> bytes:
        """The forecast band (a histogram for a model without rounds)."""
        from . import plots

        title = self.baseline.data.title
        return _panels(
            lambda k, ax: plots.forecast_band(self, k, title, ax), self.baseline.data, (10, 4.6)
        )


def _draw(args: tuple[ForecastModel, ActorData, int, Perturbation, int]) -> Array:
    model, data, rounds, perturbation, seed = args
    return model.run(perturb(data, perturbation, seed), rounds).forecast


def monte_carlo(
    data: ActorData,
    model: ForecastModel,
    rounds: int = 10,
    draws: int = 100,
    *,
    perturbation: Perturbation | None = None,
    rng: RNGLike = None,
    workers: int = 1,
    check: bool = True,
    executor: Executor | None = None,
    store: str | os.PathLike[str] | RunStore | None = None,
) -> MonteCarlo:
    """Rerun ``model`` on ``draws`` perturbed copies of ``data`` (see the module docstring),
    on ``executor`` (or ``workers`` processes), keeping each draw in ``store`` when given.

    With ``check`` (the default) :data:`~negsim.spatial.spread.CHECK_DRAWS` more draws with
    noise :data:`~negsim.spatial.spread.TINY` times smaller test the band
    (:class:`~negsim.spatial.spread.SpreadCheck`); their seeds follow the draws' own, so the
    draws are the same with or without the check.

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

    extra = CHECK_DRAWS if check else 0
    seeds = spawn_seeds(seed, draws + extra)
    tiny = perturbation.scaled(TINY)
    jobs = [
        (model, data, rounds, perturbation if d < draws else tiny, s) for d, s in enumerate(seeds)
    ]
    identity = {
        "data": fingerprint(attrs.asdict(data)),
        "model": repr(model),
        "rounds": rounds,
        "perturbation": attrs.asdict(perturbation),
        "seed": seed,
        "draws": draws,
        "check": check,
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
    baseline = model.run(data, rounds)
    found = np.stack(results[:draws])
    spread = None
    if check:
        tiny_final = np.stack(results[draws:])[:, -1, :]
        spread = check_spread(
            data, baseline.forecast[-1], found[:, -1, :], tiny_final, perturbation.keep_ties
        )
    return MonteCarlo(model.name, seed, perturbation, baseline, found, spread)


@attrs.frozen(repr=False)
class WhatIf(Recorded):
    """The headline forecast after the last round, with one actor at a time moved.

    ``forecasts[a, v]``: the forecast on ``dimension`` when ``actors[a]`` stands at
    ``values[v]`` (everything else as in the data); ``baseline`` is the unchanged forecast.
    Provenance: ``model``, ``options``, ``rounds``, ``source`` (the data's) and ``version``.
    """

    model: str
    dimension: str
    actors: tuple[str, ...] = attrs.field(converter=as_tuple)
    positions: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)  # each actor's own position
    values: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    forecasts: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    baseline: float
    options: dict[str, Any] = attrs.field(factory=dict, converter=dict)
    rounds: int = 0
    source: str = ""
    version: str = attrs.field(factory=negsim_version, eq=False)

    @property
    def provenance(self) -> Provenance:
        """Model, options, seed (none: a deterministic sweep), negsim version, data source."""
        return Provenance(self.model, self.options, None, self.version, self.source)

    def table(self) -> str:
        """One row per actor: its position, then the forecast at every value."""
        header = f"{'actor moved to':<32}" + "".join(f"{v:>8.4g}" for v in self.values)
        lines = [f"forecast on '{self.dimension}' ({self.model}), now {self.baseline:.4g}", header]
        for name, row in zip(self.actors, self.forecasts, strict=True):
            lines.append(f"{name:<32}" + "".join(f"{f:8.2f}" for f in row))
        return "\n".join(lines)

    def rows(self) -> list[tuple[str, str, float, float]]:
        """The tidy rows ``(dimension, actor, position, forecast)``."""
        return [
            (self.dimension, name, float(value), float(result))
            for name, row in zip(self.actors, self.forecasts, strict=True)
            for value, result in zip(self.values, row, strict=True)
        ]

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """``dimension,actor,position,forecast`` rows (tidy); also written to ``path``."""
        return csv_text(WHAT_IF_HEADER, self.rows(), path)

    def __repr__(self) -> str:
        return short_repr(
            "WhatIf",
            model=self.model,
            dimension=self.dimension,
            actors=self.actors,
            values=len(self.values),
            baseline=self.baseline,
            range=(float(self.forecasts.min()), float(self.forecasts.max()))
            if self.forecasts.size
            else (),
        )

    def _repr_html_(self) -> str:
        headers = ["actor moved to", *(f"{v:.4g}" for v in self.values)]
        rows = [
            [name, *map(float, row)] for name, row in zip(self.actors, self.forecasts, strict=True)
        ]
        caption = f"forecast on '{self.dimension}' ({self.model}), now {self.baseline:.4g}"
        return html_table(headers, rows, caption)

    def _repr_png_(self) -> bytes:
        """The forecast against each moved actor's position."""
        from ..display import png_bytes
        from . import plots

        return png_bytes(plots.what_if(self).figure)


#: The columns of a what-if table.
WHAT_IF_HEADER = ("dimension", "actor", "position", "forecast")


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
    baseline = model.run(data, rounds)
    return WhatIf(
        model.name,
        data.dimensions[k],
        tuple(actors),
        data.positions[[data.names.index(n) for n in actors], k],
        grid,
        forecasts,
        float(baseline.forecast[-1, k]),
        baseline.options,
        rounds,
        data.source or data.title,
    )
