"""Helpers of the Complaints page (and the other pages of that helper set): value labels, the KPI
cards of a range with their event drill-down (SPEC §7.4).
No SQL here: data comes from dashboard.data."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import components, data
from dashboard.i18n import TEXT, lang, t

EVENT_COLUMNS = (
    "event_id",
    "success",
    "settled_at",
    "happened_at",
    "due_at",
    "owner_department",
    "region",
    "service_center",
    "technician",
    "product_line",
    "customer_tier",
    "channel",
)


def missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def mapped(values, fn) -> pd.Series:
    """`fn` applied to each value, computed once per distinct value (labels of long tables)."""
    series = pd.Series(values)
    done = {}

    def one(v):
        key = "__missing__" if missing(v) else v
        if key not in done:
            done[key] = fn(v)
        return done[key]

    return series.map(one, na_action=None)


def label(prefix: str, value) -> str:
    """The translated name of an enum value (key `<prefix>_<value>`), else the value itself."""
    if missing(value) or value == "":
        return t("unknown")
    key = f"{prefix}_{value}"
    return t(key) if key in TEXT else str(value)


def root_cause_label(category, name_zh=None) -> str:
    """A root-cause category: its Chinese name from settings_root_causes, or the id in English."""
    if missing(category):
        return t("unknown")
    if lang() == "zh" and not missing(name_zh):
        return str(name_zh)
    return str(category).replace("_", " ")


def yes_no(value) -> str:
    if missing(value):
        return "—"
    return t("yes") if bool(value) else t("no")


def month_text(values) -> pd.Series:
    return pd.to_datetime(pd.Series(values)).dt.strftime("%Y-%m")


def kpi_section(ident: tuple, f: data.Filters, totals: pd.DataFrame, key: str) -> None:
    """Rate cards of KPIs over the range (`totals`: settings rows with successes and n, e.g.
    data.complaints_view(...)["kpis"]), their table, and the events behind a selected row."""
    cols = st.columns(max(1, len(totals)))
    rated = components.with_rates(totals[totals["n"] > 0])
    for col, (_, s) in zip(cols, totals.iterrows(), strict=False):
        with col:
            row = rated[rated["kpi"] == s["kpi"]]
            if row.empty:
                st.metric(components.kpi_title(s), "—", border=True)
                st.caption(t("no_events") + f" · {t('target')} {components.pct(s['target'], 0)}")
            else:
                components.kpi_card(components.kpi_title(s), row.iloc[0].to_dict())
    if rated.empty:
        return
    shown = pd.DataFrame(
        {
            t("kpi"): [components.kpi_title(r) for _, r in rated.iterrows()],
            t("owner_department"): rated["owner_department"].to_list(),
            t("rate"): rated["rate"].to_list(),
            t("target"): rated["target"].to_list(),
            t("ci"): [
                f"{components.pct(a)} – {components.pct(b)}"
                for a, b in zip(rated["ci_low"], rated["ci_high"], strict=True)
            ],
            t("successes"): rated["successes"].to_list(),
            t("n"): rated["n"].to_list(),
            t("met"): [components.verdict_text(r) for _, r in rated.iterrows()],
        }
    )
    st.caption(t("drill_hint"))
    picked = components.table(
        shown,
        f"{key}_kpis",
        f"{key}_kpis",
        select=True,
        column_config={
            t("rate"): st.column_config.NumberColumn(format="percent"),
            t("target"): st.column_config.NumberColumn(format="percent"),
        },
    )
    if picked is not None:
        row = rated.iloc[picked]
        st.text(t("events_of", kpi=components.kpi_title(row)))
        events_table(data.events(ident, f, row["kpi"]), f"{row['kpi']}_events", f"{key}_events")


def events_table(df: pd.DataFrame, name: str, key: str) -> None:
    """KPI events (failures first, as data.events orders them) with translated headers."""
    if df.empty:
        components.empty()
        return
    out = df[[c for c in EVENT_COLUMNS if c in df.columns]].copy()
    out["success"] = mapped(out["success"], yes_no)
    if "customer_tier" in out:
        out["customer_tier"] = mapped(out["customer_tier"], lambda v: label("tier", v))
    if len(df) >= 5000:
        st.caption(t("shown_limited", n=5000))
    components.table(out.rename(columns={c: t(c) for c in out.columns}), name, key)


def ratio_text(value) -> str:
    if missing(value):
        return "—"
    return "∞" if math.isinf(value) else f"{value:.2f}"
