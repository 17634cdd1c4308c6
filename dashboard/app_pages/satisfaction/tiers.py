"""The customer-tier tab of the Satisfaction page (SPEC §7.5, §8): key vs general customers, with the
Newcombe interval of their difference."""

from __future__ import annotations

import streamlit as st

from dashboard import charts, stats, ui
from dashboard.app_pages.satisfaction.rates import rate_rows, rate_table, survey_label
from dashboard.i18n import t

PCT = st.column_config.NumberColumn(format="percent")
ONE = st.column_config.NumberColumn(format="%.1f")


def draw(view: dict) -> None:
    """Satisfaction by customer tier of `view` (data.satisfaction_view)."""
    st.subheader(t("sat_tiers"))
    tiers = view["tiers"].copy()
    if tiers.empty:
        ui.empty()
    else:
        tiers["tier"] = ui.mapped(tiers["customer_tier"], lambda v: ui.label("tier", v))
        tiers["survey"] = ui.mapped(tiers["survey_type"], survey_label)
        tr = rate_rows(tiers)
        st.plotly_chart(
            charts.bars(
                tr,
                "tier",
                "rate",
                {
                    "title": t("sat_tiers"),
                    "x_title": t("customer_tier"),
                    "y_title": t("sat_rate"),
                    "tier": t("customer_tier"),
                    "rate": t("sat_rate"),
                    "n": t("sat_rated"),
                    "ci": t("ci"),
                    "no_data": t("no_data"),
                },
                color="survey",
                percent=True,
                n="n",
                low="ci_low",
                high="ci_high",
            ),
            key="sat_tier_chart",
        )
        for stype, g in tr.groupby("survey_type", sort=False):
            key_, gen = g[g["customer_tier"] == "key"], g[g["customer_tier"] == "general"]
            if len(key_) and len(gen):
                d, lo, hi, sig = stats.newcombe_diff(
                    int(key_["successes"].iloc[0]),
                    int(key_["n"].iloc[0]),
                    int(gen["successes"].iloc[0]),
                    int(gen["n"].iloc[0]),
                )
                st.caption(
                    t(
                        "sat_tier_diff",
                        survey=survey_label(stype),
                        d=f"{d * 100:+.1f}",
                        lo=f"{lo * 100:+.1f}",
                        hi=f"{hi * 100:+.1f}",
                        sig=t("change_significant" if sig else "change_not_significant"),
                    )
                )
        table = tiers.merge(
            tr[["customer_tier", "survey_type", "rate", "ci_low", "ci_high", "verdict", "p_value"]],
            on=["customer_tier", "survey_type"],
            how="left",
        )
        ui.table(
            rate_table(table, {t("customer_tier"): table["tier"]}),
            "satisfaction_by_tier",
            "sat_tier_table",
            column_config={t("sat_csi"): ONE, t("sat_rate"): PCT},
        )
