"""Tables with their CSV and XLSX downloads and an optional row selection (drill-down), the
empty-state message, and the list of KPI events behind a number. A download of a table holding
personal data is written to the audit trail when the user clicks (SPEC §9)."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from dashboard import export, gate
from dashboard.data.scope import CONTACTS, FREE_TEXT
from dashboard.i18n import TEXT, t

# The page labels of personal-data columns (contact details, free text), in every language.
PERSONAL_KEYS = (
    "sat_contact_name",
    "sat_contact_phone",
    "sat_contact_email",
    "sat_comment",
    "cp_col_description",
    "cp_col_root_cause",
    "cp_col_capa_action",
)

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


@functools.cache
def personal_labels() -> frozenset[str]:
    """Column names and page labels that mark a table as holding personal data."""
    return frozenset([*CONTACTS, *FREE_TEXT, "value"] + [text for key in PERSONAL_KEYS for text in TEXT[key]])


def holds_personal(df: pd.DataFrame) -> bool:
    return bool(personal_labels() & {str(c) for c in df.columns})


def audited(make, record, **detail):
    """`make` (a download's data, made on click), recording the download first when `record` is given."""
    if record is None:
        return make

    def made():
        record(**detail)
        return make()

    return made


def downloads(df: pd.DataFrame, name: str, key: str) -> None:
    """CSV and XLSX downloads of a table (cells neutralised, numbers kept); audited when it holds
    personal data."""
    c1, c2, _ = st.columns([1, 1, 4])
    filters = st.session_state.get("filters")
    csv = xlsx = None
    if holds_personal(df):
        csv = gate.recorder("download", f"{name}.csv", filters)
        xlsx = gate.recorder("download", f"{name}.xlsx", filters)
    to_csv = audited(lambda: export.to_csv(df), csv, rows=len(df))
    to_xlsx = audited(lambda: export.to_xlsx(df, name), xlsx, rows=len(df))
    # the files are made on click, not on every rerun (an XLSX of a big table takes seconds)
    c1.download_button(t("download_csv"), to_csv, f"{name}.csv", "text/csv", key=f"{key}_csv")
    c2.download_button(
        t("download_xlsx"),
        to_xlsx,
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
