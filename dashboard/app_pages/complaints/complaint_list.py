"""The list tab of the Complaints page (SPEC §7.4): the latest complaints, narrowed by one value,
with the full text of a selected complaint."""

from __future__ import annotations

import streamlit as st

from dashboard import data, ui
from dashboard.app_pages.complaints.matrix import SEVERITIES
from dashboard.i18n import t

LIST_LIMIT = 1000  # the latest complaints in the list; narrow it by a value to see older ones
DAYS = st.column_config.NumberColumn(format="%.1f")


def draw(ident: tuple, f: data.Filters, view: dict) -> None:
    """The drill-down list: `view["list"]` (data.complaints_view), or the complaints with one value."""
    st.subheader(t("cp_list"))
    by_options = [None, "category", "severity", "root_cause_category", "responsible_department"]
    c1, c2 = st.columns(2)
    by = c1.selectbox(
        t("cp_list_by"), by_options, format_func=lambda v: t("all") if v is None else t(f"cp_by_{v}"), key="cp_list_by"
    )
    value = None
    if by:  # the values to pick from come from the aggregates above, not from another list query
        raw = view["matrix"]
        values = {
            "category": sorted(raw["category"].unique()),
            "severity": list(SEVERITIES),
            "root_cause_category": list(view["pareto"]["root_cause_category"]),
            "responsible_department": sorted(v for v in raw["department"].unique() if v),
        }[by]
        pareto = view["pareto"]
        names = {
            a: ui.root_cause_label(a, b) for a, b in zip(pareto["root_cause_category"], pareto["name_zh"], strict=True)
        }
        fmt = {
            "category": lambda v: ui.label("cat", v),
            "severity": lambda v: ui.label("sev", v),
            "root_cause_category": lambda v: names.get(v, v),
        }.get(by, str)
        value = c2.selectbox(t("cp_list_value"), values, format_func=fmt, key=f"cp_list_value_{by}")
    items = view["list"] if value is None else data.complaint_list(ident, f, by, value, LIST_LIMIT)
    if items.empty:
        ui.empty()
    else:
        if len(items) >= LIST_LIMIT:
            st.caption(t("cp_list_limited", n=LIST_LIMIT))
        shown = items.copy()
        for col, prefix in (
            ("category", "cat"),
            ("severity", "sev"),
            ("capa_status", "capa"),
            ("followup_result", "fu"),
        ):
            shown[col] = ui.mapped(shown[col], lambda v, p=prefix: ui.label(p, v) if not ui.missing(v) else "—")
        shown["root_cause_category"] = ui.mapped(shown["root_cause_category"], ui.root_cause_label)
        for col in ("justified", "is_open", "is_overdue", "is_recurrence"):
            shown[col] = ui.mapped(shown[col], ui.yes_no)
        shown["channel"] = ui.mapped(shown["channel"], lambda v: ui.label("ch", v))
        st.caption(t("cp_pick_complaint"))
        picked = ui.table(
            shown.rename(columns=lambda col: t(f"cp_col_{col}")),
            "complaints",
            "cp_list_table",
            select=True,
            column_config={t("cp_col_days_to_close"): DAYS},
        )
        if picked is not None:
            row = items.iloc[picked]
            for col in ("complaint_id", "description", "root_cause", "capa_action"):
                st.caption(t(f"cp_col_{col}"))
                st.text("—" if ui.missing(row[col]) else str(row[col]))
