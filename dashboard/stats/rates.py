"""Intervals and tests of rates (SPEC section 8): the Wilson interval, the exact test of a rate
below its target, the Newcombe interval of a difference and the composite's delta-method interval."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

Z95 = 1.959964


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float, float]:
    """95% Wilson score interval (no continuity correction) for ``successes`` of ``n``.

    Returns ``(low, high)``; ``(nan, nan)`` when n = 0.
    """
    if n <= 0:
        return (math.nan, math.nan)
    p = successes / n
    denom = 1.0 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= n else min(1.0, centre + half)
    return (low, high)


def below_target_test(successes: int, n: int, target: float, alpha: float = 0.05, small_n: int = 30) -> dict:
    """Is a rate below ``target`` really below it? One-sided exact binomial test of H0: rate >= target.

    Returns a dict with ``rate``, ``n``, ``p_value`` (``scipy.stats.binomtest``,
    alternative='less'; nan when n = 0), ``significant`` and ``verdict``:

    * ``'met'`` -- rate >= target (p_value is still reported);
    * ``'small_n'`` -- rate below target but n < ``small_n`` (also n = 0): labelled, not judged;
    * ``'significant_miss'`` -- rate below target and p < alpha;
    * ``'not_significant'`` -- rate below target and p >= alpha.

    ``significant`` is True only for ``'significant_miss'``.
    """
    successes, n = int(successes), int(n)
    rate = successes / n if n > 0 else math.nan
    p_value = float(stats.binomtest(successes, n, target, alternative="less").pvalue) if n > 0 else math.nan
    if n > 0 and rate >= target:
        verdict = "met"
    elif n < small_n:
        verdict = "small_n"
    elif p_value < alpha:
        verdict = "significant_miss"
    else:
        verdict = "not_significant"
    return {
        "rate": rate,
        "n": n,
        "target": target,
        "p_value": p_value,
        "significant": verdict == "significant_miss",
        "verdict": verdict,
    }


def newcombe_diff(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> tuple[float, float, float, bool]:
    """Difference p1 - p2 with Newcombe's hybrid score interval (method 10, Newcombe 1998).

    With Wilson intervals (l1, u1), (l2, u2): low = d - sqrt((p1-l1)^2 + (u2-p2)^2),
    high = d + sqrt((u1-p1)^2 + (p2-l2)^2). Returns ``(diff, low, high, significant)`` where
    significant means the interval excludes 0; all nan and False when n1 or n2 is 0.
    """
    if n1 <= 0 or n2 <= 0:
        return (math.nan, math.nan, math.nan, False)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson(x1, n1, z)
    l2, u2 = wilson(x2, n2, z)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return (d, low, high, bool(low > 0 or high < 0))


def composite_interval(
    rates: Sequence[float], weights: Sequence[float], ns: Sequence[float], z: float = Z95
) -> tuple[float, float, float, bool]:
    """Composite sum(w * p) with a delta-method normal 95% interval (SPEC section 4).

    Components with weight > 0 and n > 0 (and a non-nan rate) are used, their weights rescaled
    to sum to 1; var = sum(w^2 * p(1-p) / n); interval clipped to [0, 1]. ``complete`` is False
    when some component with weight > 0 has no events. Returns ``(value, low, high, complete)``;
    value/low/high are nan when no component is usable.
    """
    p = np.asarray(rates, dtype=float)
    w = np.asarray(weights, dtype=float)
    m = np.asarray(ns, dtype=float)
    weighted = w > 0
    use = weighted & (m > 0) & ~np.isnan(p)
    complete = bool(np.all(use[weighted]))
    if not use.any():
        return (math.nan, math.nan, math.nan, False)
    wu = w[use] / w[use].sum()
    pu, mu = p[use], m[use]
    value = float(np.sum(wu * pu))
    se = math.sqrt(float(np.sum(wu**2 * pu * (1 - pu) / mu)))
    return (value, max(0.0, value - z * se), min(1.0, value + z * se), complete)
