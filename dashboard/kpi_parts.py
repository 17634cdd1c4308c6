"""Page parts shared by the Department targets and Trends pages: event lists behind a KPI number,
rate sentences and verdicts, markdown-safe labels. They draw through components; no SQL here."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import components, stats
from dashboard.i18n import t

EVENT_COLUMNS = (
    "event_id",
    "kpi",
    "success",
    "settled_at",
    "happened_at",
    "due_at",
    "month",
    "owner_department",
    "region",
    "service_center",
    "technician",
    "product_line",
    "customer_tier",
    "channel",
)
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text) -> str:
    """A settings- or data-provided name made safe for a markdown-rendering element (headers, captions,
    tab labels): every markdown character escaped, so it shows as the literal text."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def kpi_names(settings: pd.DataFrame) -> dict[str, str]:
    """kpi id → its name in the current language (from settings_kpi)."""
    return {r["kpi"]: components.kpi_title(r) for _, r in settings.iterrows()}


def verdict(row) -> str:
    """components.verdict_text, with small n labelled also when the target is met (SPEC §8)."""
    text = components.verdict_text(row)
    if row["verdict"] == "met" and int(row["n"]) < components.SETTINGS.small_n:
        text += " · " + t("small_n", n=components.SETTINGS.small_n)
    return text


def interval(row) -> str:
    return f"{components.pct(row['ci_low'])} – {components.pct(row['ci_high'])}"


def rate_sentence(key: str, row, **extra) -> str:
    """A one-line rate statement (value, target, interval, n, verdict) through translation `key`."""
    return t(
        key,
        rate=components.pct(row["rate"]),
        target=components.pct(row["target"], 0),
        low=components.pct(row["ci_low"]),
        high=components.pct(row["ci_high"]),
        n=f"{int(row['n']):,}",
        verdict=verdict(row),
        **extra,
    )


def unit_label(value) -> str:
    return t("dept_unknown_unit") if value is None or (isinstance(value, float) and value != value) else str(value)


def events_table(df: pd.DataFrame, names: dict[str, str], name: str, key: str, limit: int) -> None:
    """The events behind a number (failures first, as the query returned them), translated headers,
    with downloads; says so when the list was cut at `limit`."""
    if df.empty:
        components.empty()
        return
    shown = df[[c for c in EVENT_COLUMNS if c in df.columns]].copy()
    shown["kpi"] = shown["kpi"].map(lambda k: names.get(k, k))
    shown["success"] = shown["success"].map(lambda ok: "✓ " + t("yes") if ok else "✗ " + t("no"))
    shown["month"] = pd.to_datetime(shown["month"]).dt.strftime("%Y-%m")
    if "customer_tier" in shown:
        shown["customer_tier"] = shown["customer_tier"].map(lambda v: t(f"tier_{v}") if isinstance(v, str) else v)
    shown.columns = [t(c) for c in shown.columns]
    components.table(shown, name, key)
    if len(df) >= limit:
        st.caption(t("shown_limited", n=f"{limit:,}"))


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False)
def funnel_limits(p0: float, max_n: int) -> pd.DataFrame:
    """stats.funnel_limits around p0 over a log-spaced grid of n from 1 to max_n (about 200 points: smooth
    curves at a bounded cost however large the units are)."""
    grid = np.unique(np.rint(np.geomspace(1, max(int(max_n), 2), 200)))
    return stats.funnel_limits(p0, grid)
