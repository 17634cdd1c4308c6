"""Intervals and tests of rates (SPEC sections 4, 8): the Wilson interval, the exact test of a rate
below its target and the verdict it gives, the MOVER / Newcombe interval of a difference and the
composite's MOVER interval."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy import stats

Z95 = 1.959963984540054  # the two-sided 95% normal quantile, as the warehouse's macro z_95


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
    alternative='less'; nan when n = 0), ``significant`` and ``verdict`` (SPEC section 8):

    * ``'no_events'`` -- n = 0;
    * ``'small_n'`` -- fewer than ``small_n`` events: too few to judge, met or not;
    * ``'met'`` -- rate >= target;
    * ``'significant_miss'`` -- rate below target and p < alpha;
    * ``'not_significant'`` -- rate below target and p >= alpha.

    ``significant`` is True only for ``'significant_miss'``.
    """
    successes, n = int(successes), int(n)
    rate = successes / n if n > 0 else math.nan
    p_value = float(stats.binomtest(successes, n, target, alternative="less").pvalue) if n > 0 else math.nan
    verdict = miss_verdict(rate, n, p_value < alpha, target, small_n)
    return {
        "rate": rate,
        "n": n,
        "target": target,
        "p_value": p_value,
        "significant": verdict == "significant_miss",
        "verdict": verdict,
    }


def miss_verdict(rate: float, n: float, significant: bool, target: float, small_n: int = 30) -> str:
    """The verdict of a rate against its target, given whether its miss is significant: no_events
    (n = 0), small_n (n < small_n: not judged), met (rate >= target), significant_miss or
    not_significant. One rule for the KPIs and the composite (whose n is its smallest KPI's)."""
    if n is None or not n > 0 or math.isnan(rate):
        return "no_events"
    if n < small_n:
        return "small_n"
    if rate >= target:
        return "met"
    return "significant_miss" if significant else "not_significant"


def mover_difference(
    est1: float, low1: float, high1: float, est2: float, low2: float, high2: float
) -> tuple[float, float, float, bool]:
    """Difference est1 - est2 with the MOVER interval from each estimate's own 95% interval
    (Zou & Donner 2008; with Wilson intervals this is Newcombe's hybrid score method 10):
    low = d - sqrt((est1 - low1)^2 + (high2 - est2)^2), high = d + sqrt((high1 - est1)^2 + (est2 - low2)^2).
    Returns ``(diff, low, high, significant)``, significant when the interval excludes 0; nan and
    False when an input is missing."""
    values = (est1, low1, high1, est2, low2, high2)
    if any(v is None or math.isnan(v) for v in values):
        return (math.nan, math.nan, math.nan, False)
    d = est1 - est2
    low = d - math.sqrt((est1 - low1) ** 2 + (high2 - est2) ** 2)
    high = d + math.sqrt((high1 - est1) ** 2 + (est2 - low2) ** 2)
    return (d, low, high, bool(low > 0 or high < 0))


def newcombe_diff(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> tuple[float, float, float, bool]:
    """Difference p1 - p2 with Newcombe's hybrid score interval (method 10, Newcombe 1998): the
    MOVER difference (mover_difference) of the two Wilson intervals. Returns ``(diff, low, high,
    significant)`` where significant means the interval excludes 0; all nan and False when n1 or n2 is 0.
    """
    if n1 <= 0 or n2 <= 0:
        return (math.nan, math.nan, math.nan, False)
    return mover_difference(x1 / n1, *wilson(x1, n1, z), x2 / n2, *wilson(x2, n2, z))


def composite_interval(
    successes: Sequence[float],
    ns: Sequence[float],
    weights: Sequence[float],
    z: float = Z95,
    small_n: int = 30,
) -> dict:
    """Composite sum(w * p) with its 95% MOVER interval (SPEC section 4; Zou & Donner 2008), the
    twin of the warehouse's macro sql/macros/mover_composite.sql (tested equal).

    Components with weight > 0 and n > 0 are used, their weights rescaled to sum to 1. With each
    component's Wilson interval (l, u): low = C - sqrt(sum w^2 (p - l)^2), high = C + sqrt(sum
    w^2 (u - p)^2), clipped to [0, 1]; C is rounded to 12 decimals as the warehouse does.
    Returns ``{'rate', 'ci_low', 'ci_high', 'complete', 'smallest_n', 'small_n'}``: complete is
    False when a component with weight > 0 has no events; smallest_n is the fewest events of a
    weighted KPI (0 when one has none), and small_n is True when it is below ``small_n`` (the
    composite is then not judged). nan rate and bounds when no
    component is usable.
    """
    x = np.asarray(successes, dtype=float)
    m = np.asarray(ns, dtype=float)
    w = np.asarray(weights, dtype=float)
    weighted = w > 0
    use = weighted & (m > 0) & ~np.isnan(x)
    complete = bool(np.all(use[weighted])) and bool(weighted.any())
    if not use.any():
        return {
            "rate": math.nan,
            "ci_low": math.nan,
            "ci_high": math.nan,
            "complete": False,
            "smallest_n": 0,
            "small_n": True,
        }
    wu = w[use] / w[use].sum()
    pu = x[use] / m[use]
    bounds = np.array([wilson(xi, ni, z) for xi, ni in zip(x[use], m[use], strict=True)])
    value = round(float(np.sum(wu * pu)), 12)
    low = value - math.sqrt(float(np.sum(wu**2 * (pu - bounds[:, 0]) ** 2)))
    high = value + math.sqrt(float(np.sum(wu**2 * (bounds[:, 1] - pu) ** 2)))
    smallest = int(np.nan_to_num(m[weighted]).min())  # a weighted KPI without events counts as n = 0
    return {
        "rate": value,
        "ci_low": max(0.0, low),
        "ci_high": min(1.0, high),
        "complete": complete,
        "smallest_n": smallest,
        "small_n": smallest < small_n,
    }


def composite_test(comp: dict, target: float, small_n: int = 30) -> str:
    """The composite's verdict (SPEC section 4): no_events (no weighted KPI has events), small_n (a
    weighted KPI has fewer than small_n events, none included), met, significant_miss (the MOVER
    interval's upper bound below target) or not_significant."""
    if math.isnan(comp["rate"]):
        return "no_events"
    if comp["smallest_n"] < small_n:
        return "small_n"
    if comp["rate"] >= target:
        return "met"
    return "significant_miss" if comp["ci_high"] < target else "not_significant"


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's (1979) step-down adjustment of a family of p-values: sorted ascending p(1) ≤ … ≤ p(m),
    adjusted p(i) = max over j ≤ i of min(1, (m − j + 1)·p(j)), returned in the input order. A miss
    is significant across the family when its adjusted p < alpha (family-wise error ≤ alpha). nan
    p-values stay nan and do not count in m."""
    values = np.asarray(p_values, dtype=float)
    out = np.full(values.shape, math.nan)
    idx = np.flatnonzero(~np.isnan(values))
    m = idx.size
    running = 0.0
    for rank, i in enumerate(idx[np.argsort(values[idx], kind="stable")]):
        running = max(running, min(1.0, (m - rank) * values[i]))
        out[i] = running
    return out.tolist()
