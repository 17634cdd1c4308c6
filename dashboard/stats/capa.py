"""Did a corrective action (CAPA) reduce complaints? (SPEC section 8): the exact conditional test
of the before / after split and its one-sided 95% upper bound of the rate ratio — one test, one
side —, one at a time or vectorised, the verdict of every completed CAPA of a table, and where the
recorded capa_effective disagrees with what was measured."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats


def capa_effect(before: int, after: int, before_days: float, after_days: float, alpha: float = 0.05) -> dict:
    """Did a CAPA reduce complaints? Exact conditional test on the split, one-sided.

    Given total = before + after, under H0 (equal daily rates) after ~ Binomial(total, share),
    share = after_days / (before_days + after_days). ``p_value``: P(X ≤ after) (a reduction,
    ``binomtest`` alternative='less'). ``rate_ratio`` = (after/after_days)/(before/before_days)
    (inf when before = 0 < after, nan when both 0) with ``ratio_high``, its one-sided 95% upper
    bound from the one-sided Clopper-Pearson bound π_U of the split (π_U/(1 − π_U) · before_days /
    after_days). The two agree: ratio_high < 1 exactly when p < alpha. ``verdict``:
    'effective' when ratio_high < 1; 'too_few' when even no complaint after could not show an
    effect (share^total ≥ alpha: 4 before and none after over equal windows gives p = 1/16);
    else 'not_shown'. The caller leaves out the complaints the CAPA answers (capa_effect mart)
    and decides 'pending' (after-window not complete at the as-of time) itself.

    Returns ``{'before', 'after', 'before_days', 'after_days', 'total', 'rate_before',
    'rate_after', 'rate_ratio', 'ratio_high', 'p_value', 'verdict'}``.
    """
    res = capa_effect_many([before], [after], [before_days], [after_days], alpha).iloc[0].to_dict()
    for k in ("before", "after", "total"):
        res[k] = int(res[k])
    return res


def capa_effect_many(
    before: Sequence[int],
    after: Sequence[int],
    before_days: Sequence[float],
    after_days: Sequence[float],
    alpha: float = 0.05,
) -> pd.DataFrame:
    """:func:`capa_effect` for many CAPAs at once, vectorised (the Complaints page tests thousands):
    the same columns, one row per input. The one-sided p is Binomial(total, share).cdf(after) and
    the one-sided upper bound of the split is the Clopper-Pearson bound beta.ppf(1 − alpha, after + 1,
    total − after); every after_days must be > 0."""
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
        upper = np.where(a < total, stats.beta.ppf(1 - alpha, a + 1, np.where(a < total, total - a, 1)), 1.0)
        ratio_high = np.where(has, np.where(upper >= 1, np.inf, upper / (1 - np.where(upper >= 1, 0.5, upper))), np.nan)
        ratio_high = ratio_high * (bd / ad)
        best_case = np.where(has, share**total, 1.0)  # the p of no complaint at all after
    verdict = np.where(ratio_high < 1, "effective", np.where(best_case >= alpha, "too_few", "not_shown"))
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
            "ratio_high": ratio_high,
            "p_value": p_value,
            "verdict": verdict.astype(object),
        }
    )


def disagreement(recorded, verdict: str, after) -> str | None:
    """Where the recorded capa_effective disagrees with the measurement: 'recurred' (recorded
    effective, yet complaints of the same cause came after it), 'unrecorded' (measured effective,
    recorded not effective); None otherwise (pending, too few, or in agreement)."""
    if verdict in ("pending", "no_root_cause") or recorded is None or pd.isna(recorded):
        return None
    if bool(recorded):
        return "recurred" if after is not None and not pd.isna(after) and after > 0 else None
    return "unrecorded" if verdict == "effective" else None


def capa_verdicts(df: pd.DataFrame, alpha: float) -> pd.DataFrame:
    """The CAPA-effect test (capa_effect, vectorised as capa_effect_many) per completed CAPA whose
    after-window is complete: verdict effective / not_shown / too_few, with rate ratio, its
    one-sided 95% upper bound and the one-sided p. pending while the after-window is not complete
    at the as-of time (rate ratio over the days observed so far, no test); no_root_cause without
    counts. ``disagreement`` compares the recorded capa_effective (see :func:`disagreement`)."""
    out = df.copy()
    for k in ("rate_ratio", "ratio_high", "p_value"):
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
        for k in ("rate_ratio", "ratio_high", "p_value", "verdict"):
            out.loc[done, k] = res[k]
    seen = pending & (observed > 0)
    if seen.any():
        rate_after, rate_before = after[seen] / observed[seen], before[seen] / days[seen]
        ratio = rate_after / rate_before.where(rate_before > 0)
        ratio[(rate_before == 0) & (rate_after > 0)] = math.inf
        out.loc[seen, "rate_ratio"] = ratio
    recorded = df["capa_effective"] if "capa_effective" in df else pd.Series(None, index=df.index)
    out["disagreement"] = [disagreement(r, v, a) for r, v, a in zip(recorded, out["verdict"], after, strict=True)]
    return out
