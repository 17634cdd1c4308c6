"""The KPI section of the Complaints page (SPEC §7.4): rate cards of the complaint KPIs over the
range, their table, and the events behind a selected row."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import data, ui
from dashboard.i18n import t

EVENT_LIMIT = 5000


def draw(ident: tuple, f: data.Filters, totals: pd.DataFrame, key: str) -> None:
    """Rate cards of KPIs over the range (`totals`: settings rows with successes and n, e.g.
    data.complaints_view(...)["kpis"]), their table, and the events behind a selected row."""
    cols = st.columns(max(1, len(totals)))
    rated = ui.with_rates(totals[totals["n"] > 0])
    for col, (_, s) in zip(cols, totals.iterrows(), strict=False):
        with col:
            row = rated[rated["kpi"] == s["kpi"]]
            if row.empty:
                st.metric(ui.kpi_title(s), "—", border=True)
                st.caption(t("no_events") + f" · {t('target')} {ui.pct(s['target'], 0)}")
            else:
                ui.kpi_card(ui.kpi_title(s), row.iloc[0].to_dict())
    if rated.empty:
        return
    shown = pd.DataFrame(
        {
            t("kpi"): [ui.kpi_title(r) for _, r in rated.iterrows()],
            t("owner_department"): rated["owner_department"].to_list(),
            t("rate"): rated["rate"].to_list(),
            t("target"): rated["target"].to_list(),
            t("ci"): [f"{ui.pct(a)} – {ui.pct(b)}" for a, b in zip(rated["ci_low"], rated["ci_high"], strict=True)],
            t("successes"): rated["successes"].to_list(),
            t("n"): rated["n"].to_list(),
            t("rpt_verdict"): [ui.verdict_text(r) for _, r in rated.iterrows()],
        }
    )
    st.caption(t("drill_hint"))
    picked = ui.table(
        shown,
        f"{key}_kpis",
        f"{key}_kpis",
        select=True,
        column_config={
            t("rate"): st.column_config.NumberColumn(format="percent"),
            t("target"): st.column_config.NumberColumn(format="percent"),
        },
    )
    if picked is not None:
        row = rated.iloc[picked]
        st.text(t("events_of", kpi=ui.kpi_title(row)))
        names = {r["kpi"]: ui.kpi_title(r) for _, r in totals.iterrows()}
        ui.events_table(
            data.events(ident, f, row["kpi"], limit=EVENT_LIMIT),
            names,
            f"{row['kpi']}_events",
            f"{key}_events",
            EVENT_LIMIT,
        )
