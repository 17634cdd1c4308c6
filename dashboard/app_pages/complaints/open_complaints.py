"""The open tab of the Complaints page (SPEC §7.4): complaints open and overdue at the as-of time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.i18n import t

DAYS = st.column_config.NumberColumn(format="%.1f")


def draw(view: dict, meta: dict) -> None:
    """The open complaints of `view` (data.complaints_view) as of `meta`'s as-of time."""
    open_df = view["open"]
    st.subheader(t("cp_open"))
    st.caption(t("cp_open_help", as_of=f"{meta['as_of']:%Y-%m-%d %H:%M}"))
    if open_df.empty:
        ui.empty(t("cp_none_open"))
    else:
        ui.table(
            pd.DataFrame(
                {
                    t("cp_col_complaint_id"): open_df["complaint_id"],
                    t("cp_col_severity"): ui.mapped(open_df["severity"], lambda v: ui.label("sev", v)),
                    t("cp_overdue"): ui.mapped(open_df["is_overdue"], ui.yes_no),
                    t("cp_col_received_at"): open_df["received_at"],
                    t("due_at"): open_df["due_at"],
                    t("cp_days_open"): open_df["days_open"],
                    t("cp_category"): ui.mapped(open_df["category"], lambda v: ui.label("cat", v)),
                    t("cp_department"): open_df["responsible_department"],
                    t("cp_col_customer_name"): open_df["customer_name"],
                    t("region"): open_df["region"],
                    t("service_center"): open_df["service_center"],
                    t("cp_col_product_model"): open_df["product_model"],
                    t("cp_col_description"): open_df["description"],
                }
            ),
            "open_complaints",
            "cp_open_table",
            column_config={t("cp_days_open"): DAYS},
        )
