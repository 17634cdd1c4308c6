"""The follow-up tab of the Satisfaction page (SPEC §7.5, §9): dissatisfied customers to call back,
contact details as the query returns them (masked unless the viewer's role may see them)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import ui
from dashboard.app_pages.satisfaction.rates import survey_label
from dashboard.i18n import t

SETTINGS = ui.SETTINGS
LIST_LIMIT = 1000  # the latest dissatisfied responses / comments: a call list, not an archive
ONE = st.column_config.NumberColumn(format="%.1f")


def draw(view: dict) -> None:
    """The dissatisfied responses of `view` (data.satisfaction_view), latest first."""
    st.subheader(t("sat_followup"))
    st.caption(t("sat_followup_note", threshold=SETTINGS.satisfied_threshold) + " " + t("sat_followup_one_row"))
    low = view["dissatisfied"]
    if low.empty:
        ui.empty()
    else:
        if len(low) >= LIST_LIMIT:
            st.caption(t("shown_limited", n=LIST_LIMIT))
        st.caption(t("sat_pick_comment"))
        picked = ui.table(
            pd.DataFrame(
                {
                    t("sat_responded_at"): low["responded_at"],
                    t("sat_survey_type"): ui.mapped(low["survey_type"], survey_label),
                    t("sat_customer"): low["customer_name"],
                    t("sat_dissatisfied_responses"): low["responses"],
                    t("customer_tier"): ui.mapped(low["customer_tier"], lambda v: ui.label("tier", v)),
                    t("sat_contact_name"): low["contact_name"],
                    t("sat_contact_phone"): low["contact_phone"],
                    t("sat_contact_email"): low["contact_email"],
                    t("sat_lowest_overall"): low["overall"],
                    t("sat_csi"): low["csi"],
                    t("sat_nps"): low["nps"],
                    t("sat_ticket"): low["ticket_id"],
                    t("region"): low["region"],
                    t("service_center"): low["service_center"],
                    t("sat_comment"): low["comment"],
                }
            ),
            "dissatisfied_customers",
            "sat_followup_table",
            select=True,
            column_config={t("sat_csi"): ONE},
        )
        if picked is not None:
            st.text(str(low.iloc[picked]["customer_name"]))
            comment = low.iloc[picked]["comment"]
            st.text("—" if ui.missing(comment) else str(comment))
