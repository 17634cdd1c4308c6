"""Tables with their CSV and XLSX downloads and an optional row selection (drill-down), the
empty-state messages, and the list of KPI events behind a number. A download of a table holding
personal data is written to the audit trail when the user clicks (SPEC §9).

Every table is shown in the house format (SPEC §7): rates with one decimal (a column configured
as percent), money with ¥ and thousands separators (MONEY), counts with separators, times to the
minute, and every empty value as "—" (never None or nan). The downloads keep the raw values."""

from __future__ import annotations

import functools

import pandas as pd
import streamlit as st

from dashboard import data, export, gate
from dashboard.data.scope import CONTACTS, FREE_TEXT
from dashboard.i18n import TEXT, lang, t
from dashboard.ui.periods import range_text
from dashboard.ui.text import dim_value, label, missing

EMPTY = "—"
MONEY = st.column_config.NumberColumn(format="yen")  # ¥1,234: the currency is CNY, whose sign is ¥ too

# The page labels of personal-data columns (contact details, free text), in every language.
PERSONAL_KEYS = (
    "sat_contact_name",
    "sat_contact_phone",
    "sat_contact_email",
    "sat_comment",
    "cp_col_description",
    "cp_col_root_cause",
    "cp_col_capa_action",
    "dh_value",  # a rejected row's value may be anyone's phone number
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
    "customer_name",
    "ticket_id",
    "serial_no",
    "repeat_ticket_id",
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


def _format_of(config) -> str | None:
    if not config:
        return None
    return ((config.get("type_config") or {}).get("format")) if isinstance(config, dict) else None


def _number_text(value, fmt: str | None, integral: bool) -> str:
    """One number as the column's format shows it, for a column that also holds empty values."""
    if missing(value):
        return EMPTY
    if fmt == "percent":
        return f"{value * 100:.1f}%"
    if fmt == "yen":
        return f"¥{value:,.0f}"
    if fmt and "%" in fmt:
        return fmt % value
    return f"{value:,.0f}" if integral else f"{value:,.2f}"


def displayed(df: pd.DataFrame, column_config: dict | None = None) -> tuple[pd.DataFrame, dict]:
    """The table as shown and its column configuration: rates ×100 with one decimal, counts with
    thousands separators, times as text to the minute, empty values as "—"."""
    out, config = df.copy(), dict(column_config or {})
    for col in out.columns:
        values, fmt = out[col], _format_of(config.get(col))
        if pd.api.types.is_bool_dtype(values):
            continue
        if pd.api.types.is_datetime64_any_dtype(values):
            out[col] = [EMPTY if missing(v) else f"{pd.Timestamp(v):%Y-%m-%d %H:%M}" for v in values]
            continue
        if pd.api.types.is_numeric_dtype(values):
            numbers = pd.to_numeric(values, errors="coerce").astype(float)
            integral = bool(((numbers.dropna() % 1) == 0).all()) and fmt is None
            if numbers.isna().any():  # a column with gaps becomes text, so that a gap reads "—"
                out[col] = [_number_text(v, fmt, integral) for v in numbers]
                config[col] = st.column_config.TextColumn()
            elif fmt == "percent":
                out[col] = numbers * 100
                config[col] = st.column_config.NumberColumn(format="%.1f%%")
            elif fmt is None and integral:
                config[col] = st.column_config.NumberColumn(format="localized")
            continue
        out[col] = [EMPTY if missing(v) or (isinstance(v, str) and v.strip() == "") else v for v in values]
        if all(isinstance(v, bool) or v == EMPTY for v in out[col]):  # yes / no with gaps
            out[col] = [v if v == EMPTY else (t("yes") if v else t("no")) for v in out[col]]
    return out, config


def table(df: pd.DataFrame, name: str, key: str, *, select: bool = False, column_config=None) -> int | None:
    """A table with its downloads; returns the selected row position when `select`."""
    if df.empty:
        empty()
        return None
    shown, config = displayed(df, column_config)
    event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        key=key,
        column_config=config,
        on_select="rerun" if select else "ignore",
        selection_mode="single-row",
    )
    downloads(df, name, key)
    if select and event and event.selection.rows:
        return event.selection.rows[0]
    return None


def empty(message: str | None = None) -> None:
    st.info(message or t("no_data"))


def empty_for(ident: tuple, f: data.Filters, subject: str = "kpi") -> None:
    """The message of a view without data that names what empties it: the period, or the first
    filter that leaves no records of `subject` (kpi, complaints, surveys) under those before it."""
    which = data.emptying_filter(ident, f, subject)
    if which == "period":
        empty(t("empty_period", period=range_text(f)))
    elif which is not None:
        sep = "、" if lang() == "zh" else ", "
        name = t("owner_department_filter") if which == data.OWNER else t(which)
        empty(t("empty_by_filter", filter=name, values=sep.join(dim_value(which, v) for v in f.dim(which))))
    else:
        empty()


def events_table(df: pd.DataFrame, names: dict[str, str], name: str, key: str, limit: int) -> None:
    """The events behind a number (failures first, as the query returned them), translated headers
    and values, with downloads; says so when the list was cut at `limit`. Columns without any value
    (e.g. the repeat repair outside first-time fix) are left out."""
    if df.empty:
        empty()
        return
    shown = df[[c for c in EVENT_COLUMNS if c in df.columns]].copy()
    shown["kpi"] = shown["kpi"].map(lambda k: names.get(k, k))
    shown["success"] = shown["success"].map(lambda ok: "✓ " + t("yes") if ok else "× " + t("no"))
    shown["month"] = pd.to_datetime(shown["month"]).dt.strftime("%Y-%m")
    if "customer_tier" in shown:
        shown["customer_tier"] = shown["customer_tier"].map(lambda v: EMPTY if missing(v) else label("tier", v))
    if "channel" in shown:
        shown["channel"] = shown["channel"].map(lambda v: EMPTY if missing(v) else label("ch", v))
    always = {"event_id", "kpi", "success", "settled_at", "month"}
    shown = shown[[c for c in shown.columns if c in always or shown[c].notna().any()]]
    shown.columns = [t(f"ev_{c}") for c in shown.columns]
    table(shown, name, key)
    if len(df) >= limit:
        st.caption(t("shown_limited", n=f"{limit:,}"))
