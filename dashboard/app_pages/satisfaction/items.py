"""The items tab of the Satisfaction page (SPEC §7.5, §8): mean score of each survey item with its
95% t-interval."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from dashboard import charts, stats, ui
from dashboard.app_pages.satisfaction.rates import survey_label
from dashboard.i18n import t

SETTINGS = ui.SETTINGS
TWO = st.column_config.NumberColumn(format="%.2f")


def draw(view: dict, item_names: dict) -> None:
    """Item scores of `view` (data.satisfaction_view); `item_names`: (survey type, item) → shown name."""
    st.subheader(t("sat_items"))
    scores = view["item_stats"]
    scores = scores[scores["n"] > 0].copy()
    if scores.empty:
        ui.empty()
    else:
        bounds = [stats.t_interval(m, s, n) for m, s, n in zip(scores["mean"], scores["sd"], scores["n"], strict=True)]
        scores["low"], scores["high"] = [b[0] for b in bounds], [b[1] for b in bounds]
        scores["label"] = [
            item_names.get((a, b), b) for a, b in zip(scores["survey_type"], scores["item"], strict=True)
        ]
        scores["survey"] = ui.mapped(scores["survey_type"], survey_label)
        st.caption(t("sat_items_note", lo=SETTINGS.scale_min, hi=SETTINGS.scale_max))
        st.plotly_chart(
            charts.bars(
                scores,
                "label",
                "mean",
                {
                    "title": t("sat_items"),
                    "x_title": t("sat_item"),
                    "y_title": t("sat_mean"),
                    "label": t("sat_item"),
                    "mean": t("sat_mean"),
                    "n": t("n"),
                    "ci": t("ci"),
                    "no_data": t("no_data"),
                },
                color="survey",
                n="n",
                low="low",
                high="high",
            ),
            key="sat_items_chart",
        )
        ui.table(
            pd.DataFrame(
                {
                    t("sat_survey_type"): scores["survey"],
                    t("sat_item"): scores["label"],
                    t("n"): scores["n"],
                    t("sat_mean"): scores["mean"],
                    t("sat_sd"): scores["sd"],
                    t("ci"): [
                        f"{a:.2f} – {b:.2f}" if not math.isnan(a) else "—"
                        for a, b in zip(scores["low"], scores["high"], strict=True)
                    ],
                }
            ),
            "survey_items",
            "sat_items_table",
            column_config={t("sat_mean"): TWO, t("sat_sd"): TWO},
        )
