"""Units compared with the overall rate (SPEC section 8): exact binomial funnel-plot limits, the
overdispersion allowance when the units' spread is beyond the binomial (Spiegelhalter 2005), and
the class of each unit against the limits: out of limits (outside 99.8%, act), watch (between 95%
and 99.8%) or within."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats


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


def funnel_limits(
    p0: float, n_values: Sequence[float], levels: Sequence[float] = (0.95, 0.998), phi: float = 1.0
) -> pd.DataFrame:
    """Funnel-plot control limits around the overall rate ``p0`` for unit sizes ``n_values``.

    Exact binomial limits with Spiegelhalter's (2005) interpolation (see ``_binom_lower``). A
    two-sided level L uses tail q = (1 - L) / 2 on each side. The lower limit applies the formula
    to the count of successes; the upper limit is its mirror image, 1 - the same formula applied
    to the count of failures (n - R ~ Binomial(n, 1 - p0)). So the limits do not depend on which
    outcome is called success, and a unit with x of n is strictly below the lower limit exactly
    when P(R <= x) < q and strictly above the upper limit exactly when P(R >= x) < q (the raw
    formula used for the upper quantile would flag e.g. 20/20 at p0 = 0.9, where P(R = 20) = 0.12).
    With an overdispersion factor ``phi`` > 1 each limit's distance from p0 is multiplied by
    sqrt(phi) (Spiegelhalter 2005, section 5), clipped to [0, 1].
    n is rounded to an integer; n < 1 or a nan p0 gives nan limits.

    Returns a DataFrame with columns ``n, p0`` and ``lower_<L>, upper_<L>`` per level, where <L> is
    the percentage without the dot ('95', '998').
    """
    ns = np.rint(np.asarray(n_values, dtype=float)).astype(int)
    out = pd.DataFrame({"n": ns, "p0": float(p0)})
    bad = math.isnan(p0)
    scale = math.sqrt(max(1.0, float(phi)))
    for level in levels:
        lab = _level_label(level)
        q = (1 - level) / 2
        lower = np.array([math.nan if bad or k < 1 else _binom_lower(q, k, p0) for k in ns], dtype=float)
        upper = np.array([math.nan if bad or k < 1 else 1.0 - _binom_lower(q, k, 1.0 - p0) for k in ns], dtype=float)
        out[f"lower_{lab}"] = np.clip(p0 - scale * (p0 - lower), 0.0, 1.0) if scale > 1 else lower
        out[f"upper_{lab}"] = np.clip(p0 + scale * (upper - p0), 0.0, 1.0) if scale > 1 else upper
    return out


def overdispersion(x: Sequence[float], n: Sequence[float], p0: float | None = None, alpha: float = 0.05) -> dict:
    """Are the units spread beyond the binomial? (Spiegelhalter 2005, section 5)

    Per unit the Pearson z_i = (x_i/n_i - p0) / sqrt(p0(1 - p0)/n_i); the z-scores are winsorised
    at their 10th and 90th percentiles (so that the units one looks for do not inflate the
    estimate), and phi = sum z_w^2 / I over the I units. The test: I·phi against chi-squared with
    I - 1 degrees of freedom. ``applied`` (phi is used to widen the limits) when p < alpha and phi
    > 1, with at least 3 units. Returns ``{'phi', 'statistic', 'df', 'p_value', 'applied', 'units'}``.
    """
    xs, ns = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    keep = ns > 0
    xs, ns = xs[keep], ns[keep]
    if p0 is None:
        p0 = float(xs.sum() / ns.sum()) if ns.sum() > 0 else math.nan
    units = int(ns.size)
    out = {"phi": 1.0, "statistic": math.nan, "df": max(units - 1, 0), "p_value": math.nan, "applied": False}
    out["units"] = units
    if units < 3 or math.isnan(p0) or p0 <= 0 or p0 >= 1:
        return out
    z = (xs / ns - p0) / np.sqrt(p0 * (1 - p0) / ns)
    lo, hi = np.percentile(z, [10, 90])
    zw = np.clip(z, lo, hi)
    phi = float(np.sum(zw**2) / units)
    statistic = units * phi
    p_value = float(stats.chi2.sf(statistic, units - 1))
    out.update(phi=phi, statistic=statistic, p_value=p_value, applied=bool(p_value < alpha and phi > 1))
    return out


def funnel_flags(x: Sequence[float], n: Sequence[float], p0: float | None = None, phi: float = 1.0) -> list[str | None]:
    """Classify each unit's rate x/n against the 95% and 99.8% funnel limits around ``p0``.

    ``p0`` defaults to sum(x) / sum(n). Returns per unit one of 'above_998', 'above_95', 'within',
    'below_95', 'below_998' (outside 99.8%: out of limits, act; between 95% and 99.8%: watch), or
    None when n = 0 (or p0 is undefined). Without overdispersion (phi = 1) decided on the exact
    tails (below_L when P(R <= x) < (1 - L)/2, above_L when P(R >= x) < (1 - L)/2, R ~ Binomial(n,
    p0)), which is the same as being strictly outside :func:`funnel_limits` but free of rounding at
    the limit; with phi > 1, against the widened limits at the unit's n. x is rounded to a count.
    """
    xs = np.rint(np.asarray(x, dtype=float))
    ns = np.rint(np.asarray(n, dtype=float))
    if p0 is None:
        p0 = float(xs.sum() / ns.sum()) if ns.sum() > 0 else math.nan
    widened = funnel_limits(p0, np.maximum(ns, 1), phi=phi) if phi > 1 else None
    out: list[str | None] = []
    for i, (xi, ni) in enumerate(zip(xs, ns, strict=True)):
        if ni <= 0 or math.isnan(p0):
            out.append(None)
            continue
        if widened is not None:
            rate, lim = xi / ni, widened.iloc[i]
            if rate > lim["upper_998"]:
                out.append("above_998")
            elif rate > lim["upper_95"]:
                out.append("above_95")
            elif rate < lim["lower_998"]:
                out.append("below_998")
            elif rate < lim["lower_95"]:
                out.append("below_95")
            else:
                out.append("within")
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


def standardized(x: Sequence[float], n: Sequence[float], p0: float, phi: float = 1.0) -> list[float]:
    """Each unit's distance from p0 in standard errors, sqrt(phi · p0(1 - p0)/n) (nan when n = 0):
    how far outside the limits it lies, for ordering the units."""
    xs, ns = np.asarray(x, dtype=float), np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        se = np.sqrt(max(1.0, phi) * p0 * (1 - p0) / ns)
        z = np.where((ns > 0) & (se > 0), (xs / np.where(ns > 0, ns, 1) - p0) / np.where(se > 0, se, 1), math.nan)
    return z.tolist()
