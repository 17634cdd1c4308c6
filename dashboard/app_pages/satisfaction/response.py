"""The response tab of the Satisfaction page (SPEC §7.5): post-service response rate by month with its
Wilson interval, and days from sending to reply per survey type."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import charts, stats, ui
from dashboard.app_pages.satisfaction.rates import survey_label
from dashboard.i18n import t

PCT = st.column_config.NumberColumn(format="percent")
TWO = st.column_config.NumberColumn(format="%.2f")


def draw(view: dict) -> None:
    """Response rate and times of `view` (data.satisfaction_view)."""
    st.subheader(t("sat_response_rate"))
    st.caption(t("sat_response_note"))
    cov = view["coverage"].copy()
    if cov.empty:
        ui.empty()
    else:
        cov["month"] = ui.month_text(cov["month"])
        cov["rate"] = [r / n if n else math.nan for r, n in zip(cov["responses"], cov["tickets"], strict=True)]
        b = [
            stats.wilson(r, n) if 0 < n and r <= n else (math.nan, math.nan)
            for r, n in zip(cov["responses"], cov["tickets"], strict=True)
        ]
        cov["ci_low"], cov["ci_high"] = [x[0] for x in b], [x[1] for x in b]
        st.plotly_chart(
            charts.bars(
                cov,
                "month",
                "rate",
                {
                    "title": t("sat_response_rate"),
                    "x_title": t("month"),
                    "y_title": t("sat_response_rate_axis"),
                    "month": t("month"),
                    "rate": t("sat_response_rate_axis"),
                    "n": t("sat_resolved"),
                    "ci": t("ci"),
                    "no_data": t("no_data"),
                },
                percent=True,
                n="tickets",
                low="ci_low",
                high="ci_high",
            ),
            key="sat_resp_chart",
        )
        ui.table(
            pd.DataFrame(
                {
                    t("month"): cov["month"],
                    t("sat_post_responses"): cov["responses"],
                    t("sat_resolved"): cov["tickets"],
                    t("sat_response_rate_axis"): cov["rate"],
                    t("ci"): [f"{ui.pct(a)} – {ui.pct(c)}" for a, c in zip(cov["ci_low"], cov["ci_high"], strict=True)],
                }
            ),
            "survey_response_rate",
            "sat_resp_table",
            column_config={t("sat_response_rate_axis"): PCT},
        )
    times = view["response_times"]
    if not times.empty:
        st.caption(t("sat_times_note"))
        ui.table(
            pd.DataFrame(
                {
                    t("sat_survey_type"): ui.mapped(times["survey_type"], survey_label),
                    t("sat_responses"): times["responses"],
                    t("sat_with_sent"): times["with_sent_at"],
                    t("sat_share_sent"): times["with_sent_at"] / times["responses"],
                    t("sat_median_days"): times["median_days"],
                    t("sat_p90_days"): times["p90_days"],
                }
            ),
            "survey_response_times",
            "sat_times_table",
            column_config={t("sat_share_sent"): PCT, t("sat_median_days"): TWO, t("sat_p90_days"): TWO},
        )
