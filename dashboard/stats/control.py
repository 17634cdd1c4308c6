"""Signals over time (SPEC section 8): the p-chart (Laney p' when the chi-squared dispersion test
finds the months overdispersed), the Western Electric rules on its standardized points, flagged
on the point that completes each pattern, and the Mann-Kendall trend test."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

D2 = 1.128  # bias constant d2 for moving ranges of two points


def p_chart(
    successes: Sequence[float],
    n: Sequence[float],
    laney_min_points: int = 6,
    alpha: float = 0.05,
) -> dict:
    """p-chart (or Laney p' chart) for a sequence of periods, e.g. months in the shown range.

    Centre line p_bar = sum(x) / sum(n) over all points given; sigma_i = sqrt(p_bar(1-p_bar)/n_i).
    **When Laney**: the monthly counts are tested for overdispersion about the centre line with
    the chi-squared dispersion test, X^2 = sum (x_i - n_i p_bar)^2 / (n_i p_bar (1 - p_bar)) =
    sum z_i^2 on k - 1 degrees of freedom (k periods with n > 0); the Laney p' chart is used when
    its p < ``alpha``, sigma_z > 1 and at least ``laney_min_points`` periods have n > 0 — a test,
    not sigma_z > 1 alone, which in-control series show about half the time. Laney: z_i = (p_i -
    p_bar) / sigma_i, sigma_z = mean |z_i - z_{i-1}| / 1.128 over consecutive points with n > 0,
    and the limits widen to sigma_i * sigma_z (never narrowed). Periods with n = 0 get nan limits
    and z and are skipped (neighbours treated as consecutive) in the moving range.

    Returns ``{'centre': p_bar, 'method': 'p' | 'laney', 'sigma_z': float (nan if < 2 points),
    'dispersion': {'statistic', 'df', 'p_value'}, 'points': DataFrame}``; ``points`` has one row
    per period with columns ``successes, n, p, centre, sigma, lcl, ucl, lcl_1, ucl_1, lcl_2,
    ucl_2, z``. ``sigma`` is the one-sigma width actually used (times sigma_z for Laney); limits
    are ``centre -/+ k*sigma`` clipped to [0, 1] (``lcl/ucl`` k=3, ``_1`` k=1, ``_2`` k=2); ``z =
    (p - centre) / sigma`` is standardized against the limits shown (feed it to
    :func:`western_electric`). When sigma = 0 (p_bar is 0 or 1) z = 0.
    """
    x = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    if x.shape != m.shape:
        raise ValueError("successes and n must have the same length")
    valid = m > 0
    total = m[valid].sum()
    p_bar = float(x[valid].sum() / total) if total > 0 else math.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(valid, x / np.where(valid, m, 1), np.nan)
        sigma = np.where(valid, np.sqrt(p_bar * (1 - p_bar) / np.where(valid, m, 1)), np.nan)
        z_p = np.where(sigma > 0, (p - p_bar) / sigma, np.where(valid, 0.0, np.nan))
    zv = z_p[valid & (sigma > 0)]
    sigma_z = float(np.mean(np.abs(np.diff(zv))) / D2) if zv.size >= 2 else math.nan
    dispersion = {"statistic": math.nan, "df": max(int(zv.size) - 1, 0), "p_value": math.nan}
    if zv.size >= 2:
        statistic = float(np.sum(zv**2))
        dispersion.update(statistic=statistic, p_value=float(stats.chi2.sf(statistic, zv.size - 1)))
    overdispersed = dispersion["p_value"] < alpha and sigma_z > 1
    method = "laney" if (valid.sum() >= laney_min_points and overdispersed) else "p"
    if method == "laney":
        sigma = sigma * sigma_z
        z = z_p / sigma_z
    else:
        z = z_p
    points = pd.DataFrame({"successes": x, "n": m, "p": p, "centre": p_bar, "sigma": sigma})
    for k, lo, hi in ((3, "lcl", "ucl"), (1, "lcl_1", "ucl_1"), (2, "lcl_2", "ucl_2")):
        points[lo] = np.clip(p_bar - k * sigma, 0.0, 1.0)
        points[hi] = np.clip(p_bar + k * sigma, 0.0, 1.0)
    points["z"] = z
    return {"centre": p_bar, "method": method, "sigma_z": sigma_z, "dispersion": dispersion, "points": points}


def western_electric(z: Sequence[float]) -> list[set[int]]:
    """Western Electric rules 1-4 on standardized values (z = (p - centre) / sigma).

    Returns one set per point with the rule numbers whose pattern that point completes:

    1. a point beyond 3 sigma (|z| > 3);
    2. 2 of 3 consecutive points beyond 2 sigma (z > 2, or z < -2) on the same side;
    3. 4 of 5 consecutive points beyond 1 sigma on the same side;
    4. 8 consecutive points on the same side of the centre (z = 0 breaks a run).

    Convention (Minitab, Nelson): the flag sits on the point that completes the pattern, not on
    every point of it: for rules 2 and 3 a point beyond the limit whose window of 3 (5) points
    ending there holds 2 (4) beyond it on its side; for rule 4 the 8th point of a run and each
    further point that extends it. "Beyond" is strict. Windows near the start may be shorter (two
    neighbouring points beyond 2 sigma always fire rule 2, on the second). nan values (periods
    without data) are skipped: the points either side of them are treated as consecutive.
    """
    arr = np.asarray(z, dtype=float)
    flags: list[set[int]] = [set() for _ in range(arr.size)]
    idx = np.flatnonzero(~np.isnan(arr))
    v = arr[idx]
    k = v.size
    for i in range(k):
        if abs(v[i]) > 3:
            flags[idx[i]].add(1)
    for rule, need, window, limit in ((2, 2, 3, 2.0), (3, 4, 5, 1.0)):
        for end in range(k):
            start = max(0, end - window + 1)
            for sign in (1, -1):
                if sign * v[end] > limit and sum(1 for j in range(start, end + 1) if sign * v[j] > limit) >= need:
                    flags[idx[end]].add(rule)
    run = 0
    for i in range(k):
        run = run + 1 if i > 0 and v[i] != 0 and np.sign(v[i]) == np.sign(v[i - 1]) else (1 if v[i] != 0 else 0)
        if run >= 8:
            flags[idx[i]].add(4)
    return flags


def mann_kendall(values: Sequence[float], alpha: float = 0.05) -> dict:
    """Mann-Kendall trend test of ``values`` in time order (nan values dropped).

    S = sum_{i<j} sign(x_j - x_i); var(S) = [n(n-1)(2n+5) - sum_t t(t-1)(2t+5)] / 18 over tie
    groups t; Z = (S - 1)/sqrt(var) if S > 0, (S + 1)/sqrt(var) if S < 0, else 0; two-sided
    normal p. ``tau`` is Kendall's tau-b of value against time (equals ``scipy.stats.kendalltau``).
    ``direction`` is 'up' / 'down' when p < alpha, else 'none'.

    Returns ``{'n', 's', 'var_s', 'z', 'p_value', 'tau', 'direction'}``. With n < 3 everything but
    n is None and direction is 'none'; when all values are tied, z = 0, p = 1 and tau is None.
    """
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = int(x.size)
    out: dict = {"n": n, "s": None, "var_s": None, "z": None, "p_value": None, "tau": None, "direction": "none"}
    if n < 3:
        return out
    diff = np.sign(x[None, :] - x[:, None])
    s = int(np.triu(diff, 1).sum())
    _, counts = np.unique(x, return_counts=True)
    ties = counts[counts > 1].astype(float)
    var_s = (n * (n - 1) * (2 * n + 5) - float(np.sum(ties * (ties - 1) * (2 * ties + 5)))) / 18.0
    if var_s <= 0 or s == 0:
        z = 0.0
    else:
        z = (s - 1) / math.sqrt(var_s) if s > 0 else (s + 1) / math.sqrt(var_s)
    p_value = float(2 * stats.norm.sf(abs(z)))
    n0 = n * (n - 1) / 2
    n1 = float(np.sum(ties * (ties - 1) / 2))
    tau = s / math.sqrt(n0 * (n0 - n1)) if n0 > n1 else None
    direction = "none"
    if p_value < alpha:
        direction = "up" if s > 0 else "down"
    out.update(s=s, var_s=var_s, z=z, p_value=p_value, tau=tau, direction=direction)
    return out
