"""The matrix tab of the Complaints page (SPEC §7.4): complaints per category × responsible
department, and the severity mix by month."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, ui
from dashboard.i18n import t

SEVERITIES = ("serious", "general", "grievance")


def draw(view: dict) -> None:
    """Category × department and the severity mix of `view` (data.complaints_view)."""
    st.subheader(t("cp_matrix"))
    matrix = view["matrix"].copy()
    if matrix.empty:
        ui.empty()
    else:
        matrix["category"] = ui.mapped(matrix["category"], lambda v: ui.label("cat", v))
        matrix["department"] = ui.mapped(matrix["department"], lambda v: v or t("cp_unassigned"))
        st.plotly_chart(
            charts.heatmap(
                matrix,
                "department",
                "category",
                "complaints",
                {
                    "title": t("cp_matrix"),
                    "department": t("cp_department"),
                    "category": t("cp_category"),
                    "complaints": t("cp_complaints"),
                    "no_data": t("no_data"),
                },
            ),
            key="cp_matrix_chart",
        )
    st.subheader(t("cp_severity_mix"))
    sev = view["severity"].copy()
    if sev.empty:
        ui.empty()
    else:
        sev["month"] = ui.month_text(sev["month"])
        # every month × severity (zeros included) in the fixed order: the same colour per severity
        grid = pd.MultiIndex.from_product([sorted(sev["month"].unique()), SEVERITIES], names=["month", "severity"])
        sev = sev.set_index(["month", "severity"])["complaints"].reindex(grid, fill_value=0).reset_index()
        sev["severity"] = ui.mapped(sev["severity"], lambda v: ui.label("sev", v))
        st.plotly_chart(
            charts.bars(
                sev,
                "month",
                "complaints",
                {
                    "title": t("cp_severity_mix"),
                    "x_title": t("month"),
                    "y_title": t("cp_complaints"),
                    "month": t("month"),
                    "complaints": t("cp_complaints"),
                    "no_data": t("no_data"),
                },
                color="severity",
                barmode="stack",
            ),
            key="cp_severity_chart",
        )
        totals = sev.groupby("severity", sort=False)["complaints"].sum()
        st.caption(" · ".join(f"{k}: {int(v)}" for k, v in totals.items() if v))
