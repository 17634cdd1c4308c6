"""Did a corrective action (CAPA) reduce complaints? (SPEC section 8): the exact conditional test
of the before / after split, one at a time or vectorised, and the verdict of every completed CAPA
of a table."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats


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


def capa_verdicts(df: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """The CAPA-effect test (capa_effect, vectorised as capa_effect_many) per completed
    CAPA whose after-window is complete: verdict effective / not_shown / too_few, with rate ratio,
    its exact 95% interval and p. pending while the after-window is not complete at the as-of time
    (rate ratio over the days observed so far, no test); no_root_cause without counts."""
    out = df.copy()
    for k in ("rate_ratio", "ratio_low", "ratio_high", "p_value"):
        out[k] = math.nan
    out["verdict"] = pd.Series("pending", index=out.index, dtype=object)
    before = pd.to_numeric(df["complaints_before"], errors="coerce")
    after = pd.to_numeric(df["complaints_after"], errors="coerce")
    observed = pd.to_numeric(df["after_days_observed"], errors="coerce")
    days = pd.to_numeric(df["window_days"], errors="coerce")
    no_cause = before.isna()
    pending = ~no_cause & (df["is_pending"].fillna(True).astype(bool) | observed.isna() | (observed <= 0))
    done = ~no_cause & ~pending
    out.loc[no_cause, "verdict"] = "no_root_cause"
    if done.any():
        res = capa_effect_many(before[done], after[done], days[done], observed[done], alpha=alpha)
        res.index = out.index[done]
        for k in ("rate_ratio", "ratio_low", "ratio_high", "p_value", "verdict"):
            out.loc[done, k] = res[k]
    seen = pending & (observed > 0)
    if seen.any():
        rate_after, rate_before = after[seen] / observed[seen], before[seen] / days[seen]
        ratio = rate_after / rate_before.where(rate_before > 0)
        ratio[(rate_before == 0) & (rate_after > 0)] = math.inf
        out.loc[seen, "rate_ratio"] = ratio
    return out
