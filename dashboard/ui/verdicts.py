"""Rates against their targets (SPEC §8): rate rows with their Wilson interval, the below-target
test's verdict and the composite, and how a verdict is worded on a page. No Streamlit here."""

from __future__ import annotations

import pandas as pd

from dashboard import stats
from dashboard.i18n import t
from dashboard.ui.text import p_phrase, pct
from pipelines.settings import load_settings

SETTINGS = load_settings()


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Add rate, ci_low, ci_high, met, p_value and verdict (SPEC §8) to rows of successes / n / target."""
    out = df.copy()
    if out.empty:
        for col in ("rate", "ci_low", "ci_high", "met", "p_value", "verdict"):
            out[col] = []
        return out
    out["rate"] = out["successes"] / out["n"]
    bounds = [stats.wilson(int(s), int(n)) for s, n in zip(out["successes"], out["n"], strict=True)]
    out["ci_low"] = [b[0] for b in bounds]
    out["ci_high"] = [b[1] for b in bounds]
    out["met"] = out["rate"] >= out["target"]
    tests = [
        stats.below_target_test(int(s), int(n), float(tg), SETTINGS.significance, SETTINGS.small_n)
        for s, n, tg in zip(out["successes"], out["n"], out["target"], strict=True)
    ]
    out["p_value"] = [r["p_value"] for r in tests]
    out["verdict"] = [r["verdict"] for r in tests]
    return out


def composite(rates: pd.DataFrame) -> dict:
    """Composite service satisfaction of one period from its KPI rows (weights rescaled when a
    weighted KPI has no events; delta-method interval), via dashboard.stats."""
    weighted = rates[rates["weight"] > 0]
    value, low, high, complete = stats.composite_interval(
        list(weighted["rate"]), list(weighted["weight"]), list(weighted["n"])
    )
    present = set(weighted["kpi"])
    all_weighted = {k for k, v in SETTINGS.kpis.items() if v.weight > 0}
    return {
        "rate": value,
        "ci_low": low,
        "ci_high": high,
        "complete": complete and present >= all_weighted,
        "target": SETTINGS.composite_target,
        "met": value >= SETTINGS.composite_target if value == value else None,
    }


def verdict_text(row) -> str:
    """Met, or for a miss: significant / not significant / small n (SPEC §8)."""
    if row["verdict"] == "met":
        return "✓ " + t("met")
    if row["verdict"] == "small_n":
        return "✗ " + t("missed") + " · " + t("small_n", n=SETTINGS.small_n)
    key = "significant_miss" if row["verdict"] == "significant_miss" else "not_significant"
    return f"✗ {t('missed')} · {t(key)} ({p_phrase(row['p_value'])})"


def verdict(row) -> str:
    """verdict_text, with small n labelled also when the target is met (SPEC §8)."""
    text = verdict_text(row)
    if row["verdict"] == "met" and int(row["n"]) < SETTINGS.small_n:
        text += " · " + t("small_n", n=SETTINGS.small_n)
    return text


def interval(row) -> str:
    return f"{pct(row['ci_low'])} – {pct(row['ci_high'])}"


def rate_sentence(key: str, row, **extra) -> str:
    """A one-line rate statement (value, target, interval, n, verdict) through translation `key`."""
    return t(
        key,
        rate=pct(row["rate"]),
        target=pct(row["target"], 0),
        low=pct(row["ci_low"]),
        high=pct(row["ci_high"]),
        n=f"{int(row['n']):,}",
        verdict=verdict(row),
        **extra,
    )
