"""Overview (总览): the assessed quarter at a glance for management (SPEC §7.1): the composite and
the weighted KPIs as cards with their verdicts and change, the alerts, the composite by quarter,
the scorecard with drill-down to the events, and the quarterly report of the assessed quarter."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import charts, data, stats, ui
from dashboard.i18n import t
from dashboard.report.downloads import quarterly_downloads

EVENT_LIMIT = 1000
PCT = st.column_config.NumberColumn(format="percent")

ident, f = st.session_state.get("ident"), st.session_state.get("filters")
st.header(t("page_overview"))
if ident is None or f is None or f.start is None:
    ui.empty()
    st.stop()

as_of = data.meta(ident)["as_of"]
assessed = ui.assessed_quarter(f, as_of)
st.caption(ui.assessed_caption(assessed, f, as_of))
settings = data.kpi_settings(ident, f)
names = ui.kpi_names(settings)
both = data.kpi_rates(ident, assessed.filters(f, with_previous=True), "quarter")
this = ui.with_rates(both[both["period"] == assessed.quarter])
prev = ui.with_rates(both[both["period"] == assessed.previous])
if this.empty:
    ui.empty_for(ident, assessed.filters(f))
    st.stop()
st.subheader(assessed.quarter)

# ---- cards: the composite and the weighted KPIs, each with its verdict and the change vs the quarter before.
# The composite is the organisation's: a viewer scoped to departments, or an owner-department filter,
# sees only those departments' KPIs (SPEC §9).
whole = f.organisation_wide
comp = ui.composite(this)
prev_comp = ui.composite(prev) if not prev.empty else None
weighted = settings[settings["weight"] > 0].sort_values("sort_order")
cols = st.columns(int(whole) + len(weighted))
if whole:
    with cols[0]:
        ui.kpi_card(t("composite"), comp, prev_comp, None if comp["complete"] else "⚠ " + t("incomplete"))
else:
    st.caption(t("no_composite"))
for col, (_, s) in zip(cols[int(whole) :], weighted.iterrows(), strict=True):
    with col:
        row, before = this[this["kpi"] == s["kpi"]], prev[prev["kpi"] == s["kpi"]]
        if row.empty:
            with st.container(border=True):
                st.markdown(f"**{ui.plain(ui.kpi_title(s))}**")
                st.metric(ui.kpi_title(s), "—", label_visibility="collapsed")
                st.caption(t("verdict_no_events") + f" · {t('target')} ≥ {ui.pct(s['target'], 0)}")
        else:
            ui.kpi_card(ui.kpi_title(s), row.iloc[0].to_dict(), before.iloc[0].to_dict() if len(before) else None)
st.caption(t("ov_verdict_note", alpha=ui.SETTINGS.significance, small_n=ui.SETTINGS.small_n))

# ---- alerts: significant misses, serious and overdue complaints, out-of-control months
st.subheader(t("ov_alerts"))
alerts = 0
if whole and comp["verdict"] == "significant_miss":
    st.error(t("ov_alert_miss", kpi=t("composite"), rate=ui.pct(comp["rate"]), verdict=ui.verdict_text(comp)))
    alerts += 1
for _, r in this[this["verdict"] == "significant_miss"].sort_values("sort_order").iterrows():
    st.error(t("ov_alert_miss", kpi=ui.plain(names[r["kpi"]]), rate=ui.pct(r["rate"]), verdict=ui.verdict_text(r)))
    alerts += 1
open_now = data.open_complaints(ident, f)
serious = int((open_now["severity"] == "serious").sum()) if not open_now.empty else 0
overdue = int(open_now["is_overdue"].fillna(False).astype(bool).sum()) if not open_now.empty else 0
stamp = f"{pd.Timestamp(as_of):%Y-%m-%d %H:%M}"
if serious:
    st.error(t("ov_alert_serious", n=f"{serious:,}", as_of=stamp))
    alerts += 1
if overdue:
    st.warning(t("ov_alert_overdue", n=f"{overdue:,}", as_of=stamp))
    alerts += 1
monthly = data.kpi_rates(ident, replace(f, end=min(f.end, assessed.end)), "month")
for _, s in weighted.iterrows():
    rows = monthly[monthly["kpi"] == s["kpi"]].sort_values("period")
    if len(rows) < 2:
        continue
    chart = stats.p_chart(rows["successes"], rows["n"])
    rules = stats.western_electric(chart["points"]["z"])
    flagged = [
        f"{pd.Timestamp(m):%Y-%m} ({', '.join(t(f'rule_{k}') for k in sorted(r))})"
        for m, r in zip(rows["period"], rules, strict=True)
        if r
    ]
    if flagged:
        st.warning(t("ov_alert_ooc", kpi=ui.plain(names[s["kpi"]]), months=ui.plain("; ".join(flagged))))
        alerts += 1
if not alerts:
    st.success(t("ov_no_alerts"))

# ---- composite by quarter against the target line, up to the assessed quarter
quarters = data.kpi_rates(ident, replace(f, kind="quarter", start=ui.quarter_first(f.start), end=assessed.end))
series = []
for q in sorted(quarters["period"].unique()):
    c = ui.composite(quarters[quarters["period"] == q])
    series.append({"period": q, "rate": c["rate"], "ci_low": c["ci_low"], "ci_high": c["ci_high"], "n": c["n"]})
labels = {k: t(k) for k in ("rate", "target", "met", "missed", "no_data")} | {
    "title": t("ov_composite_by_quarter"),
    "period": t("quarter"),
    "ci": t("ci"),
    "n": t("ov_smallest_n"),
    "small_n": t("ov_small_n_quarter", n=ui.SETTINGS.small_n),
}
if whole:  # a quarter with a weighted KPI on fewer than small_n events is not judged: hollow, not joined
    chart = charts.target_line(pd.DataFrame(series), comp["target"], labels, min_n=ui.SETTINGS.small_n)
    st.plotly_chart(chart, key="composite_by_quarter")

# ---- the quarter's scorecard, every KPI, the composite first; a selected row lists its events
st.subheader(t("ov_scorecard", quarter=assessed.quarter))
table = this.sort_values("sort_order").reset_index(drop=True)
changes = [
    ui.change(r, prev[prev["kpi"] == r["kpi"]].iloc[0] if (prev["kpi"] == r["kpi"]).any() else None)
    for _, r in table.iterrows()
]
shown = pd.DataFrame(
    {
        t("kpi"): [t("composite")] + [names[k] for k in table["kpi"]],
        t("owner_department"): ["—", *table["owner_department"]],
        t("weight"): [1.0, *table["weight"]],
        t("rate"): [comp["rate"], *table["rate"]],
        t("target"): [comp["target"], *table["target"]],
        t("ci"): [ui.interval(comp)] + [ui.interval(r) for _, r in table.iterrows()],
        t("n"): ["—"] + [f"{int(n):,}" for n in table["n"]],
        t("rpt_verdict"): [ui.verdict_text(comp)] + [ui.verdict_text(r) for _, r in table.iterrows()],
        t("change_vs_prev"): [ui.change_text(ui.change(comp, prev_comp))] + [ui.change_text(c) for c in changes],
    }
)
if not whole:  # no composite row: row i is the KPI in row i of the table
    shown = shown.iloc[1:].reset_index(drop=True)
st.caption(t("ov_pick_row"))
picked = ui.table(
    shown,
    f"scorecard_{assessed.quarter}",
    "overview_scorecard",
    select=True,
    column_config={t("rate"): PCT, t("target"): PCT, t("weight"): PCT},
)
if picked is not None and not whole:
    picked += 1
if picked is not None and picked <= len(table):
    in_quarter = assessed.filters(f)
    if picked == 0:  # the composite: the events of its weighted KPIs
        kpis = tuple(weighted["kpi"])
        st.markdown("##### " + t("ov_composite_events", quarter=assessed.quarter))
        key = "composite"
    else:
        kpis = table["kpi"].iloc[picked - 1]
        st.markdown("##### " + t("dept_kpi_events", kpi=ui.plain(names[kpis])))
        key = kpis
    ui.events_table(
        data.events(ident, in_quarter, kpis, limit=EVENT_LIMIT),
        names,
        f"events_{key}_{assessed.quarter}",
        "overview_events",
        EVENT_LIMIT,
    )

# the quarterly report (PDF / PPTX) of the assessed quarter, with this page's filters
quarterly_downloads(assessed.quarter, f)
