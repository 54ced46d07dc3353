"""negsim.intervals: Wilson intervals for rates, Student-t intervals for means."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from negsim.intervals import mean_interval, t_cdf, t_quantile, wilson_interval


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", Stat. Med.
    # 17:857-872, Table I, method 3 (Wilson score, no continuity correction).
    [
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombe(k: int, n: int, low: float, high: float) -> None:
    found = wilson_interval(k, n)
    assert found == pytest.approx((low, high), abs=5e-5)


@pytest.mark.parametrize(
    ("df", "t"),
    # Abramowitz & Stegun (1964), Table 26.10, the 0.975 quantile.
    [(1, 12.706), (2, 4.303), (4, 2.776), (10, 2.228), (30, 2.042), (120, 1.980)],
)
def test_t_quantile_matches_the_table(df: int, t: float) -> None:
    assert t_quantile(0.975, df) == pytest.approx(t, abs=5e-4)
    assert t_quantile(0.025, df) == pytest.approx(-t, abs=5e-4)


@given(st.integers(1, 60), st.floats(-30, 30))
def test_t_cdf_is_a_symmetric_distribution_function(df: int, t: float) -> None:
    p = t_cdf(t, df)
    assert 0 <= p <= 1
    assert p + t_cdf(-t, df) == pytest.approx(1.0, abs=1e-12)
    assert t_cdf(t + 0.5, df) >= p - 1e-15  # increasing (up to rounding)


@given(st.integers(1, 200), st.floats(0.01, 0.99))
def test_t_quantile_inverts_the_cdf(df: int, p: float) -> None:
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-10)


@given(st.integers(1, 500), st.data())
def test_wilson_holds_the_rate(n: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(0, n))
    low, high = wilson_interval(k, n)
    assert 0 <= low <= k / n <= high <= 1


def test_mean_interval() -> None:
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    low, high = mean_interval(x)
    half = t_quantile(0.975, 4) * x.std(ddof=1) / math.sqrt(5)
    assert (low, high) == pytest.approx((3 - half, 3 + half))
    assert mean_interval([2.0, 2.0]) == (2.0, 2.0)
    assert all(math.isnan(v) for v in mean_interval([1.0]))


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="successes"):
        wilson_interval(3, 2)
    with pytest.raises(ValueError, match="level"):
        wilson_interval(1, 2, level=1.5)
    with pytest.raises(ValueError, match="degrees"):
        t_cdf(1.0, 0)
    with pytest.raises(ValueError, match="p must"):
        t_quantile(1.0, 3)
