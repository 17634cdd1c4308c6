"""The monthly tab of the Satisfaction page (SPEC §7.5): satisfaction rate against the reference
target and CSI by month and survey type, with their table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, ui
from dashboard.app_pages.satisfaction.rates import TARGET, rate_rows, rate_table, survey_label
from dashboard.i18n import t

PCT = st.column_config.NumberColumn(format="percent")
ONE = st.column_config.NumberColumn(format="%.1f")


def _every_month(frame: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """`frame` (period, survey_type, …) with a row for every month of the range and survey type, nan
    where a type has no data that month: the lines then break there instead of joining across."""
    grid = pd.MultiIndex.from_product(
        [months, list(dict.fromkeys(frame["survey_type"]))], names=["period", "survey_type"]
    )
    out = frame.set_index(["period", "survey_type"]).reindex(grid).reset_index()
    out["survey"] = ui.mapped(out["survey_type"], survey_label)
    return out


def draw(view: dict, f) -> None:
    """Satisfaction rate and CSI by month of `view` (data.satisfaction_view) over the range of `f`."""
    monthly = view["monthly"].copy()
    if monthly.empty:
        ui.empty()
    else:
        monthly["period"] = ui.month_text(monthly["month"])
        monthly["survey"] = ui.mapped(monthly["survey_type"], survey_label)
        months = list(ui.month_text(pd.date_range(f.start, f.end, freq="MS")))
        rates = rate_rows(monthly)
        rate_lines = _every_month(rates.drop(columns=["survey"]), months).assign(n=lambda d: d["n"].fillna(0))
        st.subheader(t("sat_rate_by_month"))
        st.plotly_chart(
            charts.target_line(
                rate_lines,
                TARGET,
                {
                    "title": t("sat_rate_by_month"),
                    "x_title": t("month"),
                    "y_title": t("sat_rate"),
                    "period": t("month"),
                    "rate": t("sat_rate"),
                    "ci": t("ci"),
                    "n": t("sat_rated"),
                    "target": t("sat_reference_target"),
                    "met": t("met"),
                    "missed": t("missed"),
                    "small_n": t("sat_small_n_point", n=ui.SETTINGS.small_n),
                    "no_data": t("no_data"),
                },
                series="survey",
                min_n=ui.SETTINGS.small_n,
            ),
            key="sat_rate_chart",
        )
        st.caption(t("sat_month_gaps", n=ui.SETTINGS.small_n))
        st.subheader(t("sat_csi_by_month"))
        st.plotly_chart(
            charts.lines(
                _every_month(monthly.drop(columns=["survey"]), months),
                "period",
                "csi",
                {
                    "title": t("sat_csi_by_month"),
                    "x_title": t("month"),
                    "y_title": t("sat_csi"),
                    "period": t("month"),
                    "csi": t("sat_csi"),
                    "n": t("sat_scored"),
                    "no_data": t("no_data"),
                },
                series="survey",
                n="scored_responses",
                y_range=(0, 100),
                min_n=ui.SETTINGS.small_n,
            ),
            key="sat_csi_chart",
        )
        table = monthly.merge(
            rates[["month", "survey_type", "rate", "ci_low", "ci_high", "verdict", "p_value"]],
            on=["month", "survey_type"],
            how="left",
        )
        ui.table(
            rate_table(table, {t("month"): table["period"]}, satisfied=True),
            "satisfaction_by_month",
            "sat_month_table",
            column_config={t("sat_csi"): ONE, t("sat_rate"): PCT},
        )
