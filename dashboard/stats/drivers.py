"""Key drivers of satisfaction (SPEC sections 7.5, 8): item-score t-intervals, the Spearman
importance of each item (from responses, or exactly from a (score, overall) frequency table, so
that half a million responses never leave the database) and the importance-performance quadrants."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

COLUMNS = ["item", "importance", "p_value", "n", "performance"]


def t_interval(mean: float, sd: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Student-t interval of a mean from its sample standard deviation; nan when n < 2."""
    if n is None or n < 2 or mean is None or sd is None or math.isnan(mean) or math.isnan(sd):
        return (math.nan, math.nan)
    half = float(stats.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return (mean - half, mean + half)


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


def _average_ranks(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Average (mid) rank of each distinct value of a weighted sample (ties share their mean rank)."""
    order = np.argsort(values, kind="stable")
    ranks = np.empty(len(values))
    below = 0.0
    for i in order:
        ranks[i] = below + (weights[i] + 1) / 2
        below += weights[i]
    return ranks


def _collapse(values: pd.Series, weights: pd.Series) -> tuple[np.ndarray, np.ndarray, dict]:
    totals = weights.groupby(values).sum()
    keys, w = totals.index.to_numpy(dtype=float), totals.to_numpy(dtype=float)
    return keys, w, dict(zip(keys, _average_ranks(keys, w), strict=True))


def spearman_from_counts(counts: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Per item, Spearman rho of item score with overall and its p-value, from a frequency table
    with columns item, score, overall (null when not answered), n. Identical to
    spearman_importance on the expanded responses (pairwise complete, mid-ranks
    for ties, scipy's t-distribution p-value; nan when n < 3 or a column is constant);
    performance = mean item score over all its answers."""
    rows = []
    for item in items:
        g = counts[counts["item"] == item]
        scores = pd.to_numeric(g["score"], errors="coerce").astype(float)
        w_all = pd.to_numeric(g["n"], errors="coerce").astype(float)
        perf = float((scores * w_all).sum() / w_all.sum()) if w_all.sum() > 0 else math.nan
        pair = g[g["overall"].notna()]
        x = pd.to_numeric(pair["score"], errors="coerce").astype(float)
        y = pd.to_numeric(pair["overall"], errors="coerce").astype(float)
        w = pd.to_numeric(pair["n"], errors="coerce").astype(float)
        k = int(w.sum())
        rho = pval = math.nan
        if k >= 3 and x.nunique() > 1 and y.nunique() > 1:
            _, _, rx = _collapse(x, w)
            _, _, ry = _collapse(y, w)
            a, b = x.map(rx).to_numpy(), y.map(ry).to_numpy()
            ww = w.to_numpy()
            ma, mb = np.average(a, weights=ww), np.average(b, weights=ww)
            cov = np.sum(ww * (a - ma) * (b - mb))
            rho = float(cov / math.sqrt(np.sum(ww * (a - ma) ** 2) * np.sum(ww * (b - mb) ** 2)))
            rho = max(-1.0, min(1.0, rho))
            dof = k - 2
            if abs(rho) >= 1.0:
                pval = 0.0
            else:
                tstat = rho * math.sqrt(dof / ((rho + 1.0) * (1.0 - rho)))
                pval = float(2 * stats.t.sf(abs(tstat), dof))
        rows.append({"item": item, "importance": rho, "p_value": pval, "n": k, "performance": perf})
    return pd.DataFrame(rows, columns=COLUMNS)


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
