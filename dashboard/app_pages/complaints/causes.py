"""The Pareto tab of the Complaints page (SPEC §7.4): root causes ranked with their cumulative share,
the complaints behind a selected cause, and the causes that recur."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard.i18n import t

PCT = st.column_config.NumberColumn(format="percent")


def draw(ident: tuple, f: data.Filters, view: dict) -> None:
    """The Pareto of root causes and the recurring causes of `view` (data.complaints_view)."""
    summary = view["summary"]
    st.subheader(t("cp_pareto"))
    pareto = view["pareto"].copy()
    if pareto.empty:
        ui.empty()
    else:
        pareto["label"] = [
            ui.root_cause_label(a, b) for a, b in zip(pareto["root_cause_category"], pareto["name_zh"], strict=True)
        ]
        st.plotly_chart(
            charts.pareto(
                pareto,
                {
                    "title": t("cp_pareto"),
                    "x_title": t("cp_root_cause"),
                    "y_title": t("cp_complaints"),
                    "y2_title": t("cp_cumulative"),
                    "category": t("cp_root_cause"),
                    "count": t("cp_complaints"),
                    "cumulative": t("cp_cumulative"),
                    "no_data": t("no_data"),
                },
            ),
            key="cp_pareto_chart",
        )
        vital = int((pareto["cumulative_share"].shift(fill_value=0) < 0.8).sum())
        st.caption(
            t("cp_pareto_note", k=vital, n=len(pareto), without=summary["complaints"] - summary["with_root_cause"])
        )
        shown = pd.DataFrame(
            {
                t("cp_rank"): pareto["rank"],
                t("cp_root_cause"): pareto["label"],
                t("cp_complaints"): pareto["complaints"],
                t("cp_share"): pareto["share"],
                t("cp_cumulative"): pareto["cumulative_share"],
            }
        )
        st.caption(t("cp_pick_cause"))
        picked = ui.table(
            shown,
            "complaint_pareto",
            "cp_pareto",
            select=True,
            column_config={t("cp_share"): PCT, t("cp_cumulative"): PCT},
        )
        if picked is not None:
            cause = pareto.iloc[picked]
            st.text(t("cp_complaints_of", cause=cause["label"]))
            drill = data.complaint_list(ident, f, "root_cause_category", cause["root_cause_category"])
            ui.table(
                drill[["complaint_id", "received_at", "category", "product_model", "root_cause", "description"]]
                .assign(category=lambda d: ui.mapped(d["category"], lambda v: ui.label("cat", v)))
                .rename(columns=lambda col: t(f"cp_col_{col}")),
                f"complaints_{cause['root_cause_category']}",
                "cp_pareto_drill",
            )

    st.subheader(t("cp_recurring"))
    st.caption(t("cp_recurring_note", days=ui.SETTINGS.windows["recurrence_days"]))
    rec = view["recurring"]
    if rec.empty:
        ui.empty()
    else:
        ui.table(
            pd.DataFrame(
                {
                    t("cp_root_cause"): [
                        ui.root_cause_label(a, b)
                        for a, b in zip(rec["root_cause_category"], rec["name_zh"], strict=True)
                    ],
                    t("cp_col_product_model"): rec["product_model"],
                    t("cp_complaints"): rec["complaints"],
                    t("cp_recurrences"): rec["recurrences"].astype(int),
                    t("cp_last_received"): rec["last_received_at"],
                }
            ),
            "recurring_causes",
            "cp_recurring",
        )
