"""Overview (总览): the quarter at a glance for management (SPEC §7.1)."""

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard.i18n import t
from dashboard.report.downloads import quarterly_downloads

ident, f = st.session_state.get("ident"), st.session_state.get("filters")
st.header(t("page_overview"))
if ident is None or f is None or f.start is None:
    ui.empty()
    st.stop()

quarterly = ui.with_rates(data.kpi_rates(ident, f, "quarter"))
if quarterly.empty:
    ui.empty()
    st.stop()
quarters = sorted(quarterly["period"].unique())
quarter = quarters[-1]
prev_q = quarters[-2] if len(quarters) > 1 else None
st.subheader(f"{quarter}")

# cards: composite and the four weighted KPIs, with change vs the previous quarter
this = quarterly[quarterly["period"] == quarter]
prev = quarterly[quarterly["period"] == prev_q] if prev_q else quarterly.iloc[0:0]
comp = ui.composite(this)
weighted = this[this["weight"] > 0].sort_values("sort_order")
cols = st.columns(1 + len(weighted))
with cols[0]:
    comp_row = {**comp, "n": None}
    if comp["met"] is not None:
        comp_row["verdict"] = "met" if comp["met"] else "not_significant"
    st.metric(
        t("composite"),
        ui.pct(comp["rate"]),
        border=True,
        help=f"{t('target')} ≥ {ui.pct(comp['target'], 0)} · {t('ci')} "
        f"{ui.pct(comp['ci_low'])}–{ui.pct(comp['ci_high'])}",
    )
    st.caption(
        ("✓ " + t("met") if comp["met"] else "✗ " + t("missed"))
        + f" · {t('target')} {ui.pct(comp['target'], 0)} · {t('ci')} "
        f"{ui.pct(comp['ci_low'])}–{ui.pct(comp['ci_high'])}"
    )
    if not comp["complete"]:
        st.caption("⚠ " + t("incomplete"))
for col, (_, row) in zip(cols[1:], weighted.iterrows(), strict=True):
    with col:
        p = prev[prev["kpi"] == row["kpi"]]
        ui.kpi_card(ui.kpi_title(row), row.to_dict(), p.iloc[0].to_dict() if len(p) else None)

# composite by quarter against the target line
series = []
for q in quarters:
    c = ui.composite(quarterly[quarterly["period"] == q])
    series.append({"period": q, "rate": c["rate"], "ci_low": c["ci_low"], "ci_high": c["ci_high"], "n": None})
fig = charts.target_line(
    pd.DataFrame(series),
    comp["target"],
    {
        "title": t("composite"),
        "period": t("quarter"),
        "rate": t("rate"),
        "ci": t("ci"),
        "n": t("n"),
        "target": t("target"),
        "met": t("met"),
        "missed": t("missed"),
    },
)
st.plotly_chart(fig, key="composite_by_quarter")

# the quarter's scorecard, every KPI
table = this.sort_values("sort_order")
shown = pd.DataFrame(
    {
        t("kpi"): [ui.kpi_title(r) for _, r in table.iterrows()],
        t("owner_department"): table["owner_department"],
        t("weight"): table["weight"],
        t("rate"): table["rate"],
        t("target"): table["target"],
        t("ci"): [f"{ui.pct(a)} – {ui.pct(b)}" for a, b in zip(table["ci_low"], table["ci_high"], strict=True)],
        t("n"): table["n"],
        t("met"): [ui.verdict_text(r) for _, r in table.iterrows()],
    }
)
ui.table(
    shown,
    f"scorecard_{quarter}",
    "overview_scorecard",
    column_config={
        t("rate"): st.column_config.NumberColumn(format="percent"),
        t("target"): st.column_config.NumberColumn(format="percent"),
        t("weight"): st.column_config.NumberColumn(format="percent"),
    },
)

# the quarterly report (PDF / PPTX) of the end quarter, with this page's filters
quarterly_downloads(quarter, f)
