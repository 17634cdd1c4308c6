"""Statistics that tell signal from noise (SPEC section 8).

Plain functions on numpy / scipy / pandas, no Streamlit. Rates are fractions in [0, 1].
Undefined results are ``float('nan')`` unless a docstring says ``None``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

Z95 = 1.959964
D2 = 1.128  # bias constant d2 for moving ranges of two points


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


def p_chart(
    successes: Sequence[float],
    n: Sequence[float],
    laney_min_points: int = 6,
) -> dict:
    """p-chart (or Laney p' chart) for a sequence of periods, e.g. months in the shown range.

    Centre line p_bar = sum(x) / sum(n) over all points given; sigma_i = sqrt(p_bar(1-p_bar)/n_i).
    Laney: z_i = (p_i - p_bar) / sigma_i, sigma_z = mean |z_i - z_{i-1}| / 1.128 over consecutive
    points with n > 0. **Rule**: the Laney p' chart (sigma_i * sigma_z) is used when sigma_z > 1 and
    at least ``laney_min_points`` periods have n > 0; otherwise the plain p chart (limits are never
    narrowed for underdispersion). Periods with n = 0 get nan limits and z and are skipped (neighbours
    treated as consecutive) in the moving range.

    Returns ``{'centre': p_bar, 'method': 'p' | 'laney', 'sigma_z': float (nan if < 2 points),
    'points': DataFrame}``; ``points`` has one row per period with columns ``successes, n, p,
    centre, sigma, lcl, ucl, lcl_1, ucl_1, lcl_2, ucl_2, z``. ``sigma`` is the one-sigma width
    actually used (times sigma_z for Laney); limits are ``centre -/+ k*sigma`` clipped to [0, 1]
    (``lcl/ucl`` k=3, ``_1`` k=1, ``_2`` k=2); ``z = (p - centre) / sigma`` is standardized against
    the limits shown (feed it to :func:`western_electric`). When sigma = 0 (p_bar is 0 or 1) z = 0.
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
    method = "laney" if (valid.sum() >= laney_min_points and sigma_z > 1) else "p"
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
    return {"centre": p_bar, "method": method, "sigma_z": sigma_z, "points": points}


def western_electric(z: Sequence[float]) -> list[set[int]]:
    """Western Electric rules 1-4 on standardized values (z = (p - centre) / sigma).

    Returns one set per point with the rule numbers that flag it:

    1. a point beyond 3 sigma (|z| > 3);
    2. 2 of 3 consecutive points beyond 2 sigma (z > 2, or z < -2) on the same side;
    3. 4 of 5 consecutive points beyond 1 sigma on the same side;
    4. 8 consecutive points on the same side of the centre (z = 0 breaks a run).

    Convention: "beyond" is strict. A rule flags the points *that make up the pattern*: for
    rules 2 and 3 the qualifying points inside a triggering window (not the one in-between point
    that is not beyond the limit), for rule 4 every point of the run. Windows near the start may be
    shorter (two points beyond 2 sigma that are neighbours always fire rule 2). nan values (periods
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
                hits = [j for j in range(start, end + 1) if sign * v[j] > limit]
                if len(hits) >= need:
                    for j in hits:
                        flags[idx[j]].add(rule)
    signs = np.sign(v)
    run_start = 0
    for i in range(1, k + 1):
        if i == k or signs[i] != signs[run_start]:
            if signs[run_start] != 0 and i - run_start >= 8:
                for j in range(run_start, i):
                    flags[idx[j]].add(4)
            run_start = i
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


def _level_label(level: float) -> str:
    """0.95 -> '95', 0.998 -> '998'."""
    return format(round(level * 100, 6), "g").replace(".", "")


def _binom_lower(q: float, n: int, p0: float) -> float:
    """Spiegelhalter (2005, appendix A.1.1) interpolated exact binomial quantile, as a proportion.

    r_q = binom.ppf(q, n, p0); a = (P(R <= r_q) - q) / P(R = r_q); limit = (r_q - a) / n, clipped.
    A count x lies strictly below it exactly when P(R <= x) < q.
    """
    r = float(stats.binom.ppf(q, n, p0))
    pmf_r = float(stats.binom.pmf(r, n, p0))
    a = (float(stats.binom.cdf(r, n, p0)) - q) / pmf_r if pmf_r > 0 else 0.0
    return min(1.0, max(0.0, (r - a) / n))


def funnel_limits(p0: float, n_values: Sequence[float], levels: Sequence[float] = (0.95, 0.998)) -> pd.DataFrame:
    """Funnel-plot control limits around the overall rate ``p0`` for unit sizes ``n_values``.

    Exact binomial limits with Spiegelhalter's (2005) interpolation (see ``_binom_lower``). A
    two-sided level L uses tail q = (1 - L) / 2 on each side. The lower limit applies the formula
    to the count of successes; the upper limit is its mirror image, 1 - the same formula applied
    to the count of failures (n - R ~ Binomial(n, 1 - p0)). So the limits do not depend on which
    outcome is called success, and a unit with x of n is strictly below the lower limit exactly
    when P(R <= x) < q and strictly above the upper limit exactly when P(R >= x) < q (the raw
    formula used for the upper quantile would flag e.g. 20/20 at p0 = 0.9, where P(R = 20) = 0.12).
    n is rounded to an integer; n < 1 or a nan p0 gives nan limits.

    Returns a DataFrame with columns ``n, p0`` and ``lower_<L>, upper_<L>`` per level, where <L> is
    the percentage without the dot ('95', '998').
    """
    ns = np.rint(np.asarray(n_values, dtype=float)).astype(int)
    out = pd.DataFrame({"n": ns, "p0": float(p0)})
    bad = math.isnan(p0)
    for level in levels:
        lab = _level_label(level)
        q = (1 - level) / 2
        out[f"lower_{lab}"] = [math.nan if bad or k < 1 else _binom_lower(q, k, p0) for k in ns]
        out[f"upper_{lab}"] = [math.nan if bad or k < 1 else 1.0 - _binom_lower(q, k, 1.0 - p0) for k in ns]
    return out


def funnel_flags(x: Sequence[float], n: Sequence[float], p0: float | None = None) -> list[str | None]:
    """Classify each unit's rate x/n against the 95% and 99.8% funnel limits around ``p0``.

    ``p0`` defaults to sum(x) / sum(n). Returns per unit one of 'above_998', 'above_95', 'within',
    'below_95', 'below_998', or None when n = 0 (or p0 is undefined). Decided on the exact tails
    (below_L when P(R <= x) < (1 - L)/2, above_L when P(R >= x) < (1 - L)/2, R ~ Binomial(n, p0)),
    which is the same as being strictly outside :func:`funnel_limits` but free of rounding at the
    limit. x is rounded to an integer count.
    """
    xs = np.rint(np.asarray(x, dtype=float))
    ns = np.rint(np.asarray(n, dtype=float))
    if p0 is None:
        p0 = float(xs.sum() / ns.sum()) if ns.sum() > 0 else math.nan
    out: list[str | None] = []
    for xi, ni in zip(xs, ns, strict=True):
        if ni <= 0 or math.isnan(p0):
            out.append(None)
            continue
        low_tail = float(stats.binom.cdf(xi, ni, p0))
        high_tail = float(stats.binom.sf(xi - 1, ni, p0))
        if high_tail < 0.001:
            out.append("above_998")
        elif high_tail < 0.025:
            out.append("above_95")
        elif low_tail < 0.001:
            out.append("below_998")
        elif low_tail < 0.025:
            out.append("below_95")
        else:
            out.append("within")
    return out


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


def spearman_importance(df: pd.DataFrame, items: Sequence[str], overall: str) -> pd.DataFrame:
    """Key-driver importance of each survey item: Spearman rho of item with ``overall``.

    Per item, over responses answering both (pairwise complete): ``importance`` (rho),
    ``p_value`` (scipy.stats.spearmanr), ``n``; ``performance`` is the item mean over all its
    answers. rho / p are nan when n < 3 or either column is constant. Returns a DataFrame with
    columns ``item, importance, p_value, n, performance``, one row per item in the given order.
    """
    rows = []
    for item in items:
        pair = df[[item, overall]].apply(pd.to_numeric, errors="coerce").dropna()
        k = len(pair)
        rho = pval = math.nan
        if k >= 3 and pair[item].nunique() > 1 and pair[overall].nunique() > 1:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = stats.spearmanr(pair[item], pair[overall])
            rho, pval = float(res.statistic), float(res.pvalue)
        perf = pd.to_numeric(df[item], errors="coerce").mean()
        rows.append(
            {
                "item": item,
                "importance": rho,
                "p_value": pval,
                "n": k,
                "performance": float(perf) if pd.notna(perf) else math.nan,
            }
        )
    return pd.DataFrame(rows, columns=["item", "importance", "p_value", "n", "performance"])


def ipa_quadrants(df: pd.DataFrame) -> pd.DataFrame:
    """Importance-performance quadrants for the output of :func:`spearman_importance`.

    Medians are taken over items with both importance and performance. High importance means
    strictly above the median importance, low performance strictly below the median performance:

    * 'fix' (concentrate here): high importance, low performance;
    * 'keep_up': high importance, performance >= median;
    * 'low_priority': importance <= median, low performance;
    * 'possible_overkill': importance <= median, performance >= median.

    Returns a copy of ``df`` with columns ``high_importance``, ``low_performance`` and
    ``quadrant`` (None for items with nan importance or performance).
    """
    out = df.copy()
    ok = out["importance"].notna() & out["performance"].notna()
    imp_med = out.loc[ok, "importance"].median()
    perf_med = out.loc[ok, "performance"].median()
    high = out["importance"] > imp_med
    low = out["performance"] < perf_med
    names = {
        (True, True): "fix",
        (True, False): "keep_up",
        (False, True): "low_priority",
        (False, False): "possible_overkill",
    }
    out["high_importance"] = high & ok
    out["low_performance"] = low & ok
    out["quadrant"] = pd.Series(
        [names[(bool(h), bool(lo))] if good else None for h, lo, good in zip(high, low, ok, strict=True)],
        index=out.index,
        dtype=object,
    )
    return out


def capa_effect(
    before: int,
    after: int,
    before_days: float,
    after_days: float,
    alpha: float = 0.05,
    min_total: int = 5,
) -> dict:
    """Did a corrective action (CAPA) reduce complaints? Exact conditional test on the split.

    Given total = before + after, under H0 (equal daily rates) after ~ Binomial(total,
    after_days / (before_days + after_days)); p_value is the one-sided test for a reduction
    (``binomtest`` alternative='less'). ``rate_ratio`` = (after/after_days)/(before/before_days)
    (inf when before = 0 < after, nan when both 0) with an exact 95% interval from the
    Clopper-Pearson interval of the split. ``verdict``: 'too_few' when total < min_total,
    else 'effective' when p < alpha, else 'not_shown'.

    The 'pending' verdict (after-window not yet complete at the as-of time) is decided by the
    caller, which should not call this function (or ignore its verdict) in that case.

    Returns ``{'before', 'after', 'before_days', 'after_days', 'total', 'rate_before',
    'rate_after', 'rate_ratio', 'ratio_low', 'ratio_high', 'p_value', 'verdict'}``.
    """
    before, after = int(before), int(after)
    total = before + after
    share = after_days / (before_days + after_days)
    rate_before, rate_after = before / before_days, after / after_days
    if before > 0:
        ratio = rate_after / rate_before
    else:
        ratio = math.inf if after > 0 else math.nan
    p_value = ratio_low = ratio_high = math.nan
    if total > 0:
        res = stats.binomtest(after, total, share, alternative="less")
        p_value = float(res.pvalue)
        ci = stats.binomtest(after, total, share).proportion_ci(0.95, method="exact")
        scale = before_days / after_days

        def to_ratio(pi: float) -> float:
            return math.inf if pi >= 1 else pi / (1 - pi) * scale

        ratio_low, ratio_high = to_ratio(ci.low), to_ratio(ci.high)
    if total < min_total:
        verdict = "too_few"
    elif p_value < alpha:
        verdict = "effective"
    else:
        verdict = "not_shown"
    return {
        "before": before,
        "after": after,
        "before_days": before_days,
        "after_days": after_days,
        "total": total,
        "rate_before": rate_before,
        "rate_after": rate_after,
        "rate_ratio": ratio,
        "ratio_low": ratio_low,
        "ratio_high": ratio_high,
        "p_value": p_value,
        "verdict": verdict,
    }


def capa_effect_many(
    before: Sequence[int],
    after: Sequence[int],
    before_days: Sequence[float],
    after_days: Sequence[float],
    alpha: float = 0.05,
    min_total: int = 5,
) -> pd.DataFrame:
    """:func:`capa_effect` for many CAPAs at once, vectorised (the Complaints page tests thousands):
    the same columns, one row per input. The one-sided p is Binomial(total, share).cdf(after) and
    the exact interval of the split is Clopper-Pearson from beta quantiles, as binomtest computes
    them; every after_days must be > 0."""
    b = np.asarray(before, dtype=float)
    a = np.asarray(after, dtype=float)
    bd = np.asarray(before_days, dtype=float)
    ad = np.asarray(after_days, dtype=float)
    total = a + b
    share = ad / (bd + ad)
    rate_before, rate_after = b / bd, a / ad
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(b > 0, rate_after / np.where(b > 0, rate_before, 1.0), np.where(a > 0, np.inf, np.nan))
        has = total > 0
        p_value = np.where(has, stats.binom.cdf(a, np.where(has, total, 1), share), np.nan)
        q = (1 - 0.95) / 2
        low = np.where(a > 0, stats.beta.ppf(q, np.where(a > 0, a, 1), total - a + 1), 0.0)
        high = np.where(a < total, stats.beta.ppf(1 - q, a + 1, np.where(a < total, total - a, 1)), 1.0)
        scale = bd / ad

        def to_ratio(pi):
            return np.where(pi >= 1, np.inf, pi / (1 - np.where(pi >= 1, 0.5, pi)) * scale)

        ratio_low = np.where(has, to_ratio(low), np.nan)
        ratio_high = np.where(has, to_ratio(high), np.nan)
    verdict = np.where(total < min_total, "too_few", np.where(p_value < alpha, "effective", "not_shown"))
    return pd.DataFrame(
        {
            "before": b.astype(int),
            "after": a.astype(int),
            "before_days": bd,
            "after_days": ad,
            "total": total.astype(int),
            "rate_before": rate_before,
            "rate_after": rate_after,
            "rate_ratio": ratio,
            "ratio_low": ratio_low,
            "ratio_high": ratio_high,
            "p_value": p_value,
            "verdict": verdict.astype(object),
        }
    )
