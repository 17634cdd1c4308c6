"""Shared page parts: rate arithmetic with intervals and verdicts, KPI cards, tables with
downloads and drill-down, empty-state messages. Pages compose these; they run no SQL."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import export, stats
from dashboard.i18n import lang, t
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


def pct(x, digits: int = 1) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x * 100:.{digits}f}%"


def p_value(p) -> str:
    """0.0284 -> '0.028'; below 0.001 '< 0.001' (never '0.000'); '—' when missing."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "—"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def p_phrase(p) -> str:
    """'p = 0.028', or 'p < 0.001' (not 'p = < 0.001')."""
    text = p_value(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def verdict_text(row) -> str:
    """Met, or for a miss: significant / not significant / small n (SPEC §8)."""
    if row["verdict"] == "met":
        return "✓ " + t("met")
    if row["verdict"] == "small_n":
        return "✗ " + t("missed") + " · " + t("small_n", n=SETTINGS.small_n)
    key = "significant_miss" if row["verdict"] == "significant_miss" else "not_significant"
    return f"✗ {t('missed')} · {t(key)} ({p_phrase(row['p_value'])})"


def kpi_card(title: str, row: dict, prev: dict | None = None) -> None:
    """A KPI card: value, target, met or missed, interval, n, significance and change vs the
    previous period with its Newcombe interval."""
    delta = None
    help_lines = [
        f"{t('target')} ≥ {pct(row['target'], 0)}",
        f"{t('ci')}: {pct(row['ci_low'])} – {pct(row['ci_high'])}",
    ]
    if "n" in row and row.get("n") is not None and row["n"] == row["n"]:
        help_lines.append(f"{t('n')} = {int(row['n'])}")
    if prev is not None and prev.get("n") and row.get("n"):
        d, lo, hi, sig = stats.newcombe_diff(
            int(row["successes"]), int(row["n"]), int(prev["successes"]), int(prev["n"])
        )
        delta = f"{d * 100:+.1f} pp"
        help_lines.append(
            f"{t('change_vs_prev')}: {d * 100:+.1f} pp [{lo * 100:+.1f}, {hi * 100:+.1f}] · "
            + t("change_significant" if sig else "change_not_significant")
        )
    st.metric(title, pct(row["rate"]), delta=delta, help="\n\n".join(help_lines), border=True)
    if "verdict" in row:
        st.caption(verdict_text(row))
    st.caption(
        f"{t('target')} {pct(row['target'], 0)} · {t('ci')} {pct(row['ci_low'])}–{pct(row['ci_high'])}"
        + (f" · n = {int(row['n'])}" if row.get("n") == row.get("n") and row.get("n") is not None else "")
    )


def downloads(df: pd.DataFrame, name: str, key: str) -> None:
    """CSV and XLSX downloads of a table (cells neutralised, numbers kept)."""
    c1, c2, _ = st.columns([1, 1, 4])
    # the files are made on click, not on every rerun (an XLSX of a big table takes seconds)
    c1.download_button(t("download_csv"), lambda: export.to_csv(df), f"{name}.csv", "text/csv", key=f"{key}_csv")
    c2.download_button(
        t("download_xlsx"),
        lambda: export.to_xlsx(df, name),
        f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )


def table(df: pd.DataFrame, name: str, key: str, *, select: bool = False, column_config=None) -> int | None:
    """A table with its downloads; returns the selected row position when `select`."""
    if df.empty:
        empty()
        return None
    event = st.dataframe(
        df,
        hide_index=True,
        width="stretch",
        key=key,
        column_config=column_config,
        on_select="rerun" if select else "ignore",
        selection_mode="single-row",
    )
    downloads(df, name, key)
    if select and event and event.selection.rows:
        return event.selection.rows[0]
    return None


def empty(message: str | None = None) -> None:
    st.info(message or t("no_data"))


def kpi_title(row) -> str:
    return row["name_zh"] if lang() == "zh" else row["name_en"]
