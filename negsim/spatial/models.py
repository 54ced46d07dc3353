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
from typing import Any, ClassVar, Protocol

import attrs
import numpy as np
import numpy.typing as npt

from ..io import csv_text
from ..registry import Registry
from ..rng import resolve_seed
from .bdm import BDMOptions, BDMRun, run_bdm
from .condorcet import PCE_MODELS, VICTORY_MODELS, VOTING_RULES, choose
from .data import ActorData, readonly, whole_number
from .ktab import RISK_RANGES
from .ktab_bargain import (
    BARGAIN_MODELS,
    INTERPOLATIONS,
    RISK_ADJUSTMENTS,
    THIRD_PARTY,
    TRANSITIONS,
    run_ktab,
)
from .stokman import check_options, run_exchanges

__all__ = ["BDM", "KTAB", "MODELS", "Forecast", "ForecastModel", "Stokman", "make_model"]

Array = npt.NDArray[np.float64]


def _frozen_series(value: dict[str, Any]) -> dict[str, Array]:
    return {name: readonly(series) for name, series in value.items()}


@attrs.frozen(eq=False)
class Forecast:
    """What a model run gives: positions by round, forecast series, the model's detail."""

    model: str
    data: ActorData
    options: dict[str, Any]
    positions: Array = attrs.field(converter=readonly)
    forecasts: dict[str, Array] = attrs.field(converter=_frozen_series)
    detail: tuple[Any, ...] = ()

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

    def positions_csv(self) -> str:
        """``round,dimension,actor,position`` rows (long format)."""
        rows = (
            (t, dimension, actor, float(self.positions[t, i, k]))
            for t in range(self.rounds + 1)
            for k, dimension in enumerate(self.data.dimensions)
            for i, actor in enumerate(self.data.names)
        )
        return csv_text(("round", "dimension", "actor", "position"), rows)

    def forecasts_csv(self) -> str:
        """``round,dimension,<series>...`` rows."""
        rows = (
            (t, dimension, *(float(s[t, k]) for s in self.forecasts.values()))
            for t in range(self.rounds + 1)
            for k, dimension in enumerate(self.data.dimensions)
        )
        return csv_text(("round", "dimension", *self.forecasts), rows)


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
            attrs.asdict(self.options),
            np.stack([r.positions for r in runs], axis=2),
            {
                "median": np.stack([r.median for r in runs], axis=1),
                "mean": np.stack([r.mean for r in runs], axis=1),
            },
            tuple(runs),
        )


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
    victory: str = "linear"
    pce: str = "conditional"
    voting: str = "proportional"
    risk_range: str = "mid"
    risk_adjust: str = "one_third"
    third_party: str = "semi"
    interpolation: str = "s2p2"
    bargains: str = "init_only"
    transitions: str = "deterministic"
    seed: int | None = None

    def __attrs_post_init__(self) -> None:

        for field, valid in (
            ("victory", VICTORY_MODELS),
            ("pce", PCE_MODELS),
            ("voting", VOTING_RULES),
            ("risk_range", RISK_RANGES),
            ("risk_adjust", tuple(RISK_ADJUSTMENTS)),
            ("third_party", THIRD_PARTY),
            ("interpolation", INTERPOLATIONS),
            ("bargains", BARGAIN_MODELS),
            ("transitions", TRANSITIONS),
        ):
            object.__setattr__(self, field, choose(field, getattr(self, field), valid))
        if self.seed is not None:
            resolve_seed(self.seed)

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
        )


@attrs.frozen
class Stokman:
    """Stokman's exchange model: rounds of vote trades; the forecast is the weighted mean.

    Options as :func:`~negsim.spatial.stokman.run_exchanges`.
    """

    name: ClassVar[str] = "stokman"
    dynamic: ClassVar[bool] = True
    rule: str = "equal_gain"
    at_forecast: str = "exclude"

    def __attrs_post_init__(self) -> None:
        check_options(self.rule, self.at_forecast, 100.0)

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


MODELS: Registry[ForecastModel] = Registry("model")
MODELS.register("bdm", _bdm, "Bueno de Mesquita's expected-utility model (Scholz et al. 2011)")
MODELS.register("ktab", KTAB, "KTAB's spatial model of politics: bargaining turns until settled")
MODELS.register("stokman", Stokman, "Stokman's exchange model; the weighted-mean forecast")


def make_model(name: str, **options: Any) -> ForecastModel:
    """A registered model by name; ``options`` are the model's options (for ``"bdm"`` the
    fields of :class:`~negsim.spatial.bdm.BDMOptions`), validated."""
    return MODELS.make(name, **options)
