"""The comments tab of the Satisfaction page (SPEC §7.5): the latest comments, shown as plain text."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.app_pages.satisfaction.followup import LIST_LIMIT
from dashboard.app_pages.satisfaction.rates import survey_label
from dashboard.i18n import t

ONE = st.column_config.NumberColumn(format="%.1f")


def draw(view: dict) -> None:
    """The comments of `view` (data.satisfaction_view), latest first."""
    st.subheader(t("sat_comments"))
    notes = view["comments"]
    if notes.empty:
        ui.empty()
    else:
        if len(notes) >= LIST_LIMIT:
            st.caption(t("shown_limited", n=LIST_LIMIT))
        st.caption(t("sat_pick_comment"))
        picked = ui.table(
            pd.DataFrame(
                {
                    t("sat_responded_at"): notes["responded_at"],
                    t("sat_survey_type"): ui.mapped(notes["survey_type"], survey_label),
                    t("sat_customer"): notes["customer_name"],
                    t("customer_tier"): ui.mapped(notes["customer_tier"], lambda v: ui.label("tier", v)),
                    t("sat_overall"): notes["overall"],
                    t("sat_csi"): notes["csi"],
                    t("sat_comment"): notes["comment"],
                }
            ),
            "survey_comments",
            "sat_comments_table",
            select=True,
            column_config={t("sat_csi"): ONE},
        )
        if picked is not None:
            st.text(str(notes.iloc[picked]["comment"]))
