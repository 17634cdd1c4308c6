"""Tables with their CSV and XLSX downloads and an optional row selection (drill-down), the
empty-state message, and the list of KPI events behind a number."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import export
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


def events_table(df: pd.DataFrame, names: dict[str, str], name: str, key: str, limit: int) -> None:
    """The events behind a number (failures first, as the query returned them), translated headers,
    with downloads; says so when the list was cut at `limit`."""
    if df.empty:
        empty()
        return
    shown = df[[c for c in EVENT_COLUMNS if c in df.columns]].copy()
    shown["kpi"] = shown["kpi"].map(lambda k: names.get(k, k))
    shown["success"] = shown["success"].map(lambda ok: "✓ " + t("yes") if ok else "✗ " + t("no"))
    shown["month"] = pd.to_datetime(shown["month"]).dt.strftime("%Y-%m")
    if "customer_tier" in shown:
        shown["customer_tier"] = shown["customer_tier"].map(lambda v: t(f"tier_{v}") if isinstance(v, str) else v)
    shown.columns = [t(c) for c in shown.columns]
    table(shown, name, key)
    if len(df) >= limit:
        st.caption(t("shown_limited", n=f"{limit:,}"))
