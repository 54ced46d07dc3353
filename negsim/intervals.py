"""Confidence intervals for what sweeps report: Wilson intervals for rates, Student-t for means.

A rate ``k/n`` (agreements out of runs) gets the **Wilson score interval** (Wilson 1927; the
interval Brown, Cai & DasGupta 2001 recommend over the textbook Wald interval, which collapses
to a point at 0 and 1): with ``p̂ = k/n`` and ``z`` the standard normal quantile of
``1 - (1 - level)/2``,

.. math::

    \\frac{\\hat p + z^2/2n}{1 + z^2/n} \\pm
    \\frac{z}{1 + z^2/n}\\sqrt{\\frac{\\hat p(1-\\hat p)}{n} + \\frac{z^2}{4n^2}}.

A mean of ``n`` values gets the **Student-t interval** ``x̄ ± t_{n-1} s/√n`` (``s`` the sample
standard deviation, ``ddof=1``); with ``n = 1`` there is no spread to estimate and the interval
is ``(nan, nan)``. The t quantile is computed exactly (no scipy): the t distribution function
for integer degrees of freedom is a finite trigonometric sum (Abramowitz & Stegun 1964,
26.7.3–26.7.4), inverted by bisection to machine precision.

>>> tuple(round(x, 4) for x in wilson_interval(93, 200))
(0.3972, 0.5341)
>>> round(t_quantile(0.975, 4), 3)   # A&S table 26.10: 2.776
2.776
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

__all__ = ["mean_interval", "t_cdf", "t_quantile", "wilson_interval"]


def _check_level(level: float) -> float:
    level = float(level)
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1, not {level}")
    return level


def wilson_interval(successes: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of the rate ``successes / n`` (module docstring)."""
    z = NormalDist().inv_cdf(1 - (1 - _check_level(level)) / 2)
    if n < 1 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n and n >= 1, not {successes}/{n}")
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    low = 0.0 if successes == 0 else max(0.0, centre - half)  # exactly, not by rounding
    high = 1.0 if successes == n else min(1.0, centre + half)
    return low, high


def t_cdf(t: float, df: int) -> float:
    """The Student-t distribution function ``P(T <= t)`` for ``df >= 1`` whole degrees of
    freedom (A&S 26.7.3 for odd ``df``, 26.7.4 for even): with ``θ = atan(t/√df)``,
    ``A = P(|T| <= |t|)`` is ``(2/π)(θ + sin θ (cos θ + 2/3 cos³θ + …))`` for odd ``df`` and
    ``sin θ (1 + 1/2 cos²θ + 1·3/(2·4) cos⁴θ + …)`` for even ``df``."""
    if df < 1:
        raise ValueError(f"degrees of freedom must be >= 1, not {df}")
    theta = math.atan(abs(t) / math.sqrt(df))
    s, c = math.sin(theta), math.cos(theta)
    if df % 2:
        term, total = c, c if df > 1 else 0.0
        for k in range(3, df - 1, 2):  # cos θ (1 + 2/3 cos²θ + 2·4/(3·5) cos⁴θ + ...)
            term *= (k - 1) / k * c * c
            total += term
        a = 2 / math.pi * (theta + s * total)
    else:
        term, total = 1.0, 1.0
        for k in range(2, df - 1, 2):
            term *= (k - 1) / k * c * c
            total += term
        a = s * total
    return min(1.0, max(0.0, 0.5 + math.copysign(a / 2, t)))


def t_quantile(p: float, df: int) -> float:
    """The ``p`` quantile of Student's t with ``df`` degrees of freedom (bisection on
    :func:`t_cdf`, to within a few ulps)."""
    if not 0 < p < 1:
        raise ValueError(f"p must be between 0 and 1, not {p}")
    if p < 0.5:
        return -t_quantile(1 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        low, high = high, 2 * high
    for _ in range(200):
        middle = (low + high) / 2
        if middle in (low, high):
            break
        low, high = (middle, high) if t_cdf(middle, df) < p else (low, middle)
    return (low + high) / 2


def mean_interval(values: npt.ArrayLike, level: float = 0.95) -> tuple[float, float]:
    """The Student-t interval of the mean of the 1-D ``values`` (module
    docstring); ``(nan, nan)`` for fewer than two values."""
    x = np.asarray(values, dtype=float)
    n = x.shape[0]
    if n < 2:
        return math.nan, math.nan
    mean = float(x.mean())
    if not math.isfinite(mean):
        return mean, mean
    half = t_quantile(1 - (1 - _check_level(level)) / 2, n - 1) * float(x.std(ddof=1)) / n**0.5
    return mean - half, mean + half
