"""Units compared with the overall rate (SPEC section 8): exact binomial funnel-plot limits and
the class of each unit against them."""

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
