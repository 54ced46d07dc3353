"""Is a Monte Carlo band honest? Ties in the data, discontinuous models, a baseline outside.

A Monte Carlo band (:func:`~negsim.spatial.monte_carlo`) reads as "the forecast, give or take
the uncertainty of the inputs". Two things break that reading, and :class:`SpreadCheck` tests
for both:

* **Tied positions.** Actors who hold the same position are one option in KTAB's election
  (positions closer than ``10⁻³`` of the scale share their chance of winning) and one point
  of BDM's weighted median. Independent noise splits every tie, so every draw forecasts a
  different election: on the Kurils 2016 data KTAB's expected territory position is 30.4
  unperturbed and 32.2–47.8 over the draws. :func:`tied_groups` lists the ties; with
  ``Perturbation(keep_ties=True)`` each group of tied actors moves by one shared draw.
* **A discontinuous model.** If the forecast jumps as soon as the inputs move at all, the
  band measures the jump, not the sensitivity to errors of the size assumed. The check reruns
  the model on :data:`CHECK_DRAWS` draws with noise :data:`TINY` times the Monte Carlo's and
  flags a dimension ``k`` whose forecast then moves by more than :data:`JUMP` of the range
  the data span there: ``max_d |f_dk - f_k| > JUMP (max_i x_ik - min_i x_ik)``. A continuous
  model moves by about the noise, ``TINY`` times the Monte Carlo's (0.05 % of the range for
  positions by default), far below ``JUMP`` (1 %).

A dimension whose unperturbed forecast lies outside the draws' 5–95 % band is reported with
the causes found (:meth:`SpreadCheck.warnings`).
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from ..display import html_table, short_repr
from .data import ActorData, readonly
from .records import ARRAY_EQ, Recorded, as_tuple

__all__ = ["CHECK_DRAWS", "JUMP", "TINY", "SpreadCheck", "tie_groups", "tied_groups"]

Array = npt.NDArray[np.float64]

#: How much smaller the noise of the discontinuity test is than the Monte Carlo's.
TINY = 0.01
#: Draws of the discontinuity test.
CHECK_DRAWS = 20
#: A forecast that moves by more than this share of a dimension's range under tiny noise jumps.
JUMP = 0.01


def tie_groups(positions: Array) -> npt.NDArray[np.int64]:
    """``group[i, k]``: the index of the first actor at actor ``i``'s position on dimension
    ``k`` (equal positions, exactly; each actor is its own group if it shares none)."""
    x = np.asarray(positions, dtype=float)
    first = np.empty(x.shape, dtype=np.int64)
    for k in range(x.shape[1]):
        _, index, inverse = np.unique(x[:, k], return_index=True, return_inverse=True)
        first[:, k] = index[inverse]
    return first


def tied_groups(data: ActorData) -> tuple[tuple[str, ...], ...]:
    """The groups of two or more actors holding the same position on every dimension.

    >>> data = ActorData(["a", "b", "c"], [1, 1, 1], [[5, 1], [5, 1], [0, 1]],
    ...                  [[50, 50]] * 3)
    >>> tied_groups(data)
    (('a', 'b'),)
    """
    _, inverse = np.unique(data.positions, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    groups = [np.flatnonzero(inverse == g) for g in np.unique(inverse)]
    found = [tuple(data.names[i] for i in g) for g in groups if len(g) > 1]
    return tuple(sorted(found, key=lambda names: data.names.index(names[0])))


def _groups(value: Any) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(name) for name in group) for group in value)


@attrs.frozen(repr=False)
class SpreadCheck(Recorded):
    """The honesty check of one Monte Carlo run (module docstring), final round only.

    ``baseline``, ``low`` and ``high`` are the unperturbed forecast and the draws' 5 % and
    95 % quantiles, per dimension; ``tiny_shift`` and ``tiny_sd`` the largest move and the
    standard deviation of the forecast under noise ``tiny_scale`` times smaller; ``span`` the
    range the data span on each dimension; ``ties`` the groups of actors sharing a position;
    ``keep_ties`` whether the draws kept them together.
    """

    dimensions: tuple[str, ...] = attrs.field(converter=as_tuple)
    baseline: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    low: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    high: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    tiny_shift: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    tiny_sd: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    span: Array = attrs.field(converter=readonly, eq=ARRAY_EQ)
    ties: tuple[tuple[str, ...], ...] = attrs.field(converter=_groups)
    keep_ties: bool = False
    tiny_scale: float = TINY

    @property
    def outside(self) -> npt.NDArray[np.bool_]:
        """Per dimension: the unperturbed forecast lies outside the 5–95 % band."""
        return (self.baseline < self.low) | (self.baseline > self.high)

    @property
    def jumps(self) -> npt.NDArray[np.bool_]:
        """Per dimension: tiny noise already moves the forecast by more than :data:`JUMP`
        of the range (the model is discontinuous at these data)."""
        return self.tiny_shift > JUMP * np.where(self.span > 0, self.span, 1.0)

    @property
    def honest(self) -> bool:
        """No dimension outside its band and no jump."""
        return not (self.outside.any() or self.jumps.any())

    def warnings(self) -> tuple[str, ...]:
        """One sentence per dimension with a problem, then the likely cause and the remedy."""
        lines = []
        for k, dimension in enumerate(self.dimensions):
            parts = []
            if self.outside[k]:
                parts.append(
                    f"the unperturbed forecast {self.baseline[k]:.4g} lies outside the draws'"
                    f" 5–95 % band ({self.low[k]:.4g} to {self.high[k]:.4g})"
                )
            if self.jumps[k]:
                parts.append(
                    f"noise {1 / self.tiny_scale:.0f} times smaller already moves it (up to"
                    f" {self.tiny_shift[k]:.3g}, sd {self.tiny_sd[k]:.3g}): the model is"
                    " discontinuous at these data, so the band shows where perturbed inputs"
                    " lead, not an error bar around the forecast"
                )
            if parts:
                lines.append(f"{dimension}: " + "; ".join(parts) + ".")
        if lines and self.ties and not self.keep_ties:
            ties = "; ".join(" = ".join(group) for group in self.ties)
            lines.append(
                f"{len(self.ties)} group(s) of actors share a position ({ties}); independent"
                " noise splits them, which changes any model that pools tied actors (KTAB's"
                " election over distinct positions, BDM's median); perturb them together with"
                " keep_ties=True (--keep-ties)."
            )
        return tuple(lines)

    def __repr__(self) -> str:
        return short_repr(
            "SpreadCheck",
            outside=tuple(d for d, o in zip(self.dimensions, self.outside, strict=True) if o),
            jumps=tuple(d for d, j in zip(self.dimensions, self.jumps, strict=True) if j),
            ties=len(self.ties),
            keep_ties=self.keep_ties,
        )

    def _repr_html_(self) -> str:
        rows = [
            [d, float(self.baseline[k]), float(self.low[k]), float(self.high[k]),
             bool(self.outside[k]), float(self.tiny_sd[k]), bool(self.jumps[k])]
            for k, d in enumerate(self.dimensions)
        ]  # fmt: skip
        headers = ["dimension", "baseline", "5%", "95%", "outside", "sd, tiny noise", "jumps"]
        return html_table(headers, rows, f"Monte Carlo check; tied groups: {len(self.ties)}")


def check_spread(
    data: ActorData,
    baseline: Array,
    draws: Array,
    tiny: Array,
    keep_ties: bool,
) -> SpreadCheck:
    """The check from the final-round forecasts: ``baseline`` ``(m,)``, the Monte Carlo's
    ``draws`` ``(N, m)`` and the tiny-noise draws ``tiny`` ``(CHECK_DRAWS, m)``."""
    low, high = np.quantile(draws, [0.05, 0.95], axis=0)
    return SpreadCheck(
        dimensions=data.dimensions,
        baseline=baseline,
        low=low,
        high=high,
        tiny_shift=np.abs(tiny - baseline[None, :]).max(axis=0),
        tiny_sd=tiny.std(axis=0),
        span=np.ptp(data.positions, axis=0),
        ties=tied_groups(data),
        keep_ties=keep_ties,
        tiny_scale=TINY,
    )
