"""The rate tab of the Complaints page (SPEC §4, §7.4): the complaint rate by month with its Wilson
interval, and the days from receipt to closing by month and by category."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, stats, ui
from dashboard.i18n import t

PCT = st.column_config.NumberColumn(format="percent")
DAYS = st.column_config.NumberColumn(format="%.1f")


def draw(view: dict) -> None:
    """The complaint rate and the time to close of `view` (data.complaints_view)."""
    st.subheader(t("cp_rate"))
    rate = view["rate"].copy()
    if rate.empty:
        ui.empty()
    else:
        rate["month"] = ui.month_text(rate["month"])
        rate["rate"] = [
            c_ / n if n else float("nan") for c_, n in zip(rate["complaints"], rate["tickets"], strict=True)
        ]
        bounds = [
            stats.wilson(c_, n) if 0 < n and c_ <= n else (float("nan"), float("nan"))
            for c_, n in zip(rate["complaints"], rate["tickets"], strict=True)
        ]
        rate["ci_low"], rate["ci_high"] = [b[0] for b in bounds], [b[1] for b in bounds]
        st.plotly_chart(
            charts.bars(
                rate,
                "month",
                "rate",
                {
                    "title": t("cp_rate"),
                    "x_title": t("month"),
                    "y_title": t("cp_rate_axis"),
                    "month": t("month"),
                    "rate": t("cp_rate_axis"),
                    "n": t("cp_tickets"),
                    "ci": t("ci"),
                    "no_data": t("no_data"),
                },
                percent=True,
                n="tickets",
                low="ci_low",
                high="ci_high",
            ),
            key="cp_rate_chart",
        )
        tot_c, tot_n = int(rate["complaints"].sum()), int(rate["tickets"].sum())
        low, high = stats.wilson(tot_c, tot_n) if 0 < tot_n and tot_c <= tot_n else (float("nan"),) * 2
        st.caption(
            t(
                "cp_rate_note",
                rate=ui.pct(tot_c / tot_n if tot_n else float("nan")),
                low=ui.pct(low),
                high=ui.pct(high),
                c=tot_c,
                n=tot_n,
            )
        )
        ui.table(
            pd.DataFrame(
                {
                    t("month"): rate["month"],
                    t("cp_complaints"): rate["complaints"],
                    t("cp_tickets"): rate["tickets"],
                    t("cp_rate_axis"): rate["rate"],
                    t("ci"): [
                        f"{ui.pct(a)} – {ui.pct(b)}" for a, b in zip(rate["ci_low"], rate["ci_high"], strict=True)
                    ],
                }
            ),
            "complaint_rate",
            "cp_rate_table",
            column_config={t("cp_rate_axis"): PCT},
        )

    st.subheader(t("cp_close_time"))
    st.caption(t("cp_close_time_note"))
    by_month = view["close_month"].copy()
    if by_month.empty:
        ui.empty()
    else:
        by_month["month"] = ui.month_text(by_month["grp"])
        st.plotly_chart(
            charts.bars(
                by_month,
                "month",
                "median",
                {
                    "title": t("cp_close_time_median"),
                    "x_title": t("month"),
                    "y_title": t("cp_days"),
                    "month": t("month"),
                    "median": t("cp_median_days"),
                    "n": t("cp_closed"),
                    "ci": t("cp_iqr"),
                    "no_data": t("no_data"),
                },
                n="n",
                low="p25",
                high="p75",
            ),
            key="cp_close_chart",
        )
        by_cat = view["close_category"]
        ui.table(
            pd.DataFrame(
                {
                    t("cp_category"): ui.mapped(by_cat["grp"], lambda v: ui.label("cat", v)),
                    t("cp_closed"): by_cat["n"],
                    t("cp_median_days"): by_cat["median"],
                    t("cp_p25"): by_cat["p25"],
                    t("cp_p75"): by_cat["p75"],
                    t("cp_p90"): by_cat["p90"],
                    t("cp_mean_days"): by_cat["mean"],
                    t("cp_max_days"): by_cat["max"],
                }
            ),
            "complaint_close_times",
            "cp_close_table",
            column_config={
                t(k): DAYS for k in ("cp_median_days", "cp_p25", "cp_p75", "cp_p90", "cp_mean_days", "cp_max_days")
            },
        )
