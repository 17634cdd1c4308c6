"""The key-driver tab of the Satisfaction page (SPEC §7.5, §8): the importance-performance view of
one survey type's items, Spearman importance computed exactly from the frequency tables."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, stats, ui
from dashboard.app_pages.satisfaction.rates import survey_label
from dashboard.i18n import t

TWO = st.column_config.NumberColumn(format="%.2f")


def draw(view: dict, item_names: dict) -> None:
    """Importance against performance of `view` (data.satisfaction_view); `item_names` as items.draw's."""
    overall, items = view["all"], view["items"]
    st.subheader(t("sat_ipa"))
    types = [s for s in overall["survey_type"] if s in set(items["survey_type"])]
    stype = st.radio(t("sat_survey_type"), types, format_func=survey_label, horizontal=True, key="sat_ipa_type")
    counts = view["item_overall"].get(stype, pd.DataFrame())
    names = list(items.loc[items["survey_type"] == stype, "item"])
    if counts.empty:
        ui.empty()
    else:
        ipa = stats.ipa_quadrants(stats.spearman_from_counts(counts, names))
        ipa["label"] = [item_names.get((stype, i), i) for i in ipa["item"]]
        responses = int(overall.loc[overall["survey_type"] == stype, "responses"].sum())
        st.caption(t("sat_ipa_note", n=responses))
        st.plotly_chart(
            charts.quadrant(
                ipa,
                {
                    "title": t("sat_ipa_of", survey=survey_label(stype)),
                    "x_title": t("sat_performance"),
                    "y_title": t("sat_importance"),
                    "item": t("sat_item"),
                    "importance": t("sat_importance"),
                    "performance": t("sat_performance"),
                    "n": t("n"),
                    "p_value": t("p_value"),
                    "no_data": t("no_data"),
                    **{
                        f"quadrant_{q}": t(f"sat_q_{q}")
                        for q in ("fix", "keep_up", "low_priority", "possible_overkill")
                    },
                },
            ),
            key="sat_ipa_chart",
        )
        ui.table(
            pd.DataFrame(
                {
                    t("sat_item"): ipa["label"],
                    t("sat_importance"): ipa["importance"],
                    t("p_value"): ipa["p_value"],
                    t("n"): ipa["n"],
                    t("sat_performance"): ipa["performance"],
                    t("sat_quadrant"): ui.mapped(
                        ipa["quadrant"], lambda q: t(f"sat_q_{q}") if isinstance(q, str) else "—"
                    ),
                }
            ),
            f"importance_{stype}",
            "sat_ipa_table",
            column_config={
                t("sat_importance"): TWO,
                t("sat_performance"): TWO,
                t("p_value"): st.column_config.NumberColumn(format="%.3f"),
            },
        )
