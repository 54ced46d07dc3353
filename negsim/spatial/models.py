"""Forecasting models under one interface, and their registry.

Every model is a small frozen object holding its options only; ``model.run(data, rounds)``
returns a :class:`Forecast`: each actor's position on each dimension after every round,
``positions[t, i, k]`` (shape ``(rounds + 1, n, m)``, round 0 the data), the model's forecast
series (``forecasts[name][t, k]``: BDM the weighted median and mean, KTAB the expected and
the most probable position, Stokman the weighted mean) and the model's own per-round detail
(for BDM a :class:`~negsim.spatial.bdm.BDMRun` per dimension, with every intermediate
quantity). The first series named in ``forecasts`` is the model's headline forecast.

``MODELS`` maps names to model classes (``"bdm"``, ``"ktab"``, ``"stokman"``); the contract
suite in :mod:`negsim.testing` checks every registered model.
"""

from __future__ import annotations

import inspect
import os
from typing import Any, ClassVar, Protocol

import attrs
import numpy as np
import numpy.typing as npt

from ..display import html_table, png_bytes, short_repr
from ..io import csv_text
from ..registry import Registry
from ..rng import resolve_seed
from ..validators import one_of
from .bdm import BDMOptions, BDMRun, run_bdm
from .condorcet import PCE_MODELS, VICTORY_MODELS, VOTING_RULES, spelling
from .data import HTML_ROWS, ActorData, readonly, whole_number
from .ktab import RISK_RANGES
from .ktab_bargain import (
    BARGAIN_MODELS,
    INTERPOLATIONS,
    RISK_ADJUSTMENTS,
    THIRD_PARTY,
    TRANSITIONS,
    run_ktab,
)
from .records import ARRAY_EQ, Provenance, Recorded, as_tuple, negsim_version, series_eq
from .stokman import AT_FORECAST, RULES, run_exchanges

__all__ = ["BDM", "KTAB", "MODELS", "Forecast", "ForecastModel", "Stokman", "make_model"]

Array = npt.NDArray[np.float64]


def _frozen_series(value: dict[str, Any]) -> dict[str, Array]:
    return {str(name): readonly(series) for name, series in value.items()}


#: Most dimensions drawn in a notebook's picture of a result.
PICTURE_DIMENSIONS = 4


@attrs.frozen(repr=False)
class Forecast(Recorded):
    """What a model run gives: positions by round, forecast series, the model's detail.

    Provenance: ``model``, ``options``, ``seed`` (``None``: the model draws no random
    numbers), ``version`` (negsim's, not compared) and ``data.source``
    (:attr:`provenance`). ``ending`` says, in one line, how the model's run ended (for KTAB:
    the turns run and why it stopped; empty when the model runs a fixed number of rounds).
    Compared by value; exported with ``to_dict``/``to_json`` and read back with
    ``from_dict``/``from_json`` (:mod:`negsim.spatial.records`).
    """

    model: str
    data: ActorData
    options: dict[str, Any] = attrs.field(converter=dict)
    positions: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    forecasts: dict[str, Array] = attrs.field(
        converter=_frozen_series, eq=attrs.cmp_using(eq=series_eq)
    )
    detail: tuple[Any, ...] = attrs.field(default=(), converter=as_tuple)
    seed: int | None = None
    version: str = attrs.field(factory=negsim_version, eq=False)
    ending: str = ""

    @property
    def rounds(self) -> int:
        """How many rounds were run."""
        return int(self.positions.shape[0]) - 1

    @property
    def headline(self) -> str:
        """The name of the model's main forecast series."""
        return next(iter(self.forecasts))

    @property
    def forecast(self) -> Array:
        """The headline series, ``(rounds + 1, m)``."""
        return self.forecasts[self.headline]

    @property
    def provenance(self) -> Provenance:
        """Model, options, seed, negsim version and data source."""
        return Provenance(
            self.model, self.options, self.seed, self.version, self.data.source or self.data.title
        )

    def table(self) -> str:
        """Round-by-round forecasts on every dimension, as aligned text."""
        names = list(self.forecasts)
        widths = [max(12, len(n)) + 2 for n in names]
        header = f"{'round':>5}  {'dimension':<14}" + "".join(
            f"{n:>{w}}" for n, w in zip(names, widths, strict=True)
        )
        lines = [header]
        for t in range(self.rounds + 1):
            for k, dimension in enumerate(self.data.dimensions):
                values = "".join(
                    f"{self.forecasts[n][t, k]:{w}.4f}" for n, w in zip(names, widths, strict=True)
                )
                lines.append(f"{t:>5}  {dimension:<14}{values}")
        return "\n".join(lines)

    def positions_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """``round,dimension,actor,position`` rows (tidy: one position per row); also written
        atomically to ``path`` when given."""
        rows = (
            (t, dimension, actor, float(self.positions[t, i, k]))
            for t in range(self.rounds + 1)
            for k, dimension in enumerate(self.data.dimensions)
            for i, actor in enumerate(self.data.names)
        )
        return csv_text(("round", "dimension", "actor", "position"), rows, path)

    def forecasts_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """``round,dimension,<series>...`` rows (one per round and dimension)."""
        rows = (
            (t, dimension, *(float(s[t, k]) for s in self.forecasts.values()))
            for t in range(self.rounds + 1)
            for k, dimension in enumerate(self.data.dimensions)
        )
        return csv_text(("round", "dimension", *self.forecasts), rows, path)

    def to_csv(self, path: str | os.PathLike[str] | None = None) -> str:
        """The tidy forecast table, :meth:`forecasts_csv` (positions: :meth:`positions_csv`)."""
        return self.forecasts_csv(path)

    def __repr__(self) -> str:
        return short_repr(
            "Forecast",
            model=self.model,
            data=self.data.title or self.data.source,
            actors=self.data.n_actors,
            rounds=self.rounds,
            **{self.headline: tuple(float(v) for v in self.forecast[-1])},
        )

    def _repr_html_(self) -> str:
        rows = [
            [dimension, *(float(s[-1, k]) for s in self.forecasts.values())]
            for k, dimension in enumerate(self.data.dimensions[:HTML_ROWS])
        ]
        caption = (
            f"{self.model} on {self.data.title or 'actor data'} ({self.data.n_actors} actors):"
            f" forecasts after round {self.rounds}"
        )
        return html_table(["dimension", *self.forecasts], rows, caption)

    def _repr_png_(self) -> bytes | None:
        """Positions by round (models with rounds) or KTAB's winning probabilities."""
        from . import plots

        turn = next((d for d in self.detail if type(d).__name__ == "KTABTurn"), None)
        if self.rounds == 0 and turn is None:
            return None
        if self.rounds == 0 and turn is not None:
            return png_bytes(plots.win_probabilities(turn, self.data, self.data.title).figure)
        return _panels(lambda k, ax: plots.positions(self, k, self.data.title, ax), self.data)


def _panels(draw: Any, data: ActorData, size: tuple[float, float] = (9.5, 4.2)) -> bytes:
    """A figure with one panel per dimension (at most :data:`PICTURE_DIMENSIONS`) as PNG."""
    import matplotlib.pyplot as plt

    panels = min(data.n_dimensions, PICTURE_DIMENSIONS)
    figure, axes = plt.subplots(
        panels, 1, figsize=(size[0], size[1] * panels), layout="constrained", squeeze=False
    )
    for k, ax in enumerate(axes[:, 0]):
        draw(k, ax)
    return png_bytes(figure)


class ForecastModel(Protocol):
    """What a registered model provides (``dynamic``: whether it runs rounds at all)."""

    name: ClassVar[str]
    dynamic: ClassVar[bool]

    def run(self, data: ActorData, rounds: int = 10) -> Forecast:
        """Forecast ``rounds`` rounds ahead from ``data``."""
        ...


@attrs.frozen
class BDM:
    """Bueno de Mesquita's expected-utility model (Scholz et al. 2011), each dimension apart.

    Forecast series: the weighted median (BDM's forecast) and the weighted mean.
    """

    name: ClassVar[str] = "bdm"
    dynamic: ClassVar[bool] = True
    options: BDMOptions = attrs.field(factory=BDMOptions)

    def run(self, data: ActorData, rounds: int = 10) -> Forecast:
        """Run :func:`~negsim.spatial.bdm.run_bdm` on every dimension."""
        runs: list[BDMRun] = [
            run_bdm(data, whole_number("rounds", rounds), dimension=k, options=self.options)
            for k in range(data.n_dimensions)
        ]
        return Forecast(
            self.name,
            data,
            # what shaped the forecast: how much of each round is kept does not
            attrs.asdict(self.options, filter=lambda field, _: field.name != "keep"),
            np.stack([r.positions for r in runs], axis=2),
            {
                "median": np.stack([r.median for r in runs], axis=1),
                "mean": np.stack([r.mean for r in runs], axis=1),
            },
            tuple(runs),
        )


def _check_seed(seed: int | None) -> None:
    if seed is not None:
        resolve_seed(seed)


@attrs.frozen
class KTAB:
    """KTAB's spatial model of politics: turns of challenges and bargains until positions
    settle (at most ``rounds`` turns; fewer when the stopping rule holds, the later rows then
    repeat the last state).

    Forecast series: the expected position ``Σ_j P_j x_j`` over the probabilistic Condorcet
    election of each state and the most probable position; options as
    :func:`~negsim.spatial.ktab_bargain.run_ktab` (``seed`` for stochastic transitions). The
    detail is the :class:`~negsim.spatial.ktab_bargain.KTABRun`: turns run and why it stopped.
    """

    name: ClassVar[str] = "ktab"
    dynamic: ClassVar[bool] = True
    # KTAB's own spellings are accepted ("Conditional", "PROPORTIONAL") and normalised
    victory: str = attrs.field(
        default="linear", converter=spelling, validator=one_of(*VICTORY_MODELS)
    )
    pce: str = attrs.field(default="conditional", converter=spelling, validator=one_of(*PCE_MODELS))
    voting: str = attrs.field(
        default="proportional", converter=spelling, validator=one_of(*VOTING_RULES)
    )
    risk_range: str = attrs.field(default="mid", converter=spelling, validator=one_of(*RISK_RANGES))
    risk_adjust: str = attrs.field(
        default="one_third", converter=spelling, validator=one_of(*RISK_ADJUSTMENTS)
    )
    third_party: str = attrs.field(
        default="semi", converter=spelling, validator=one_of(*THIRD_PARTY)
    )
    interpolation: str = attrs.field(
        default="s2p2", converter=spelling, validator=one_of(*INTERPOLATIONS)
    )
    bargains: str = attrs.field(
        default="init_only", converter=spelling, validator=one_of(*BARGAIN_MODELS)
    )
    transitions: str = attrs.field(
        default="deterministic", converter=spelling, validator=one_of(*TRANSITIONS)
    )
    seed: int | None = attrs.field(default=None, validator=lambda _, __, v: _check_seed(v))

    def run(self, data: ActorData, rounds: int = 10) -> Forecast:
        """Run :func:`~negsim.spatial.ktab_bargain.run_ktab` (see the class docstring)."""
        options = attrs.asdict(self)
        seed = options.pop("seed")
        run = run_ktab(data, whole_number("rounds", rounds), rng=seed, **options)
        return Forecast(
            self.name,
            data,
            attrs.asdict(self),
            run.positions,
            {"expected": run.expected_position, "most probable": run.most_probable_position},
            (run,),
            seed=run.seed,
            ending=run.describe(),
        )


@attrs.frozen
class Stokman:
    """Stokman's exchange model: rounds of vote trades; the forecast is the weighted mean.

    Options as :func:`~negsim.spatial.stokman.run_exchanges`.
    """

    name: ClassVar[str] = "stokman"
    dynamic: ClassVar[bool] = True
    rule: str = attrs.field(default="equal_gain", validator=one_of(*RULES))
    at_forecast: str = attrs.field(default="exclude", validator=one_of(*AT_FORECAST))

    def run(self, data: ActorData, rounds: int = 10) -> Forecast:
        """Run :func:`~negsim.spatial.stokman.run_exchanges`."""
        run = run_exchanges(
            data,
            whole_number("rounds", rounds),
            rule=self.rule,  # type: ignore[arg-type]
            at_forecast=self.at_forecast,  # type: ignore[arg-type]
        )
        return Forecast(
            self.name, data, attrs.asdict(self), run.positions, {"mean": run.forecasts}, (run,)
        )


def _bdm(**options: Any) -> BDM:
    return BDM(BDMOptions(**options))


# the registry checks parameters against a factory's signature: _bdm takes BDMOptions' fields
_bdm.__signature__ = inspect.signature(BDMOptions)  # type: ignore[attr-defined]


MODELS: Registry[ForecastModel] = Registry("model", "negsim.models")
MODELS.register("bdm", _bdm, "Bueno de Mesquita's expected-utility model (Scholz et al. 2011)")
MODELS.register("ktab", KTAB, "KTAB's spatial model of politics: bargaining turns until settled")
MODELS.register("stokman", Stokman, "Stokman's exchange model; the weighted-mean forecast")


def make_model(name: str, **options: Any) -> ForecastModel:
    """A registered model by name; ``options`` are the model's options (for ``"bdm"`` the
    fields of :class:`~negsim.spatial.bdm.BDMOptions`), validated."""
    return MODELS.make(name, **options)
