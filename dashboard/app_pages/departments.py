"""Department targets (部门目标, SPEC §7.2): scorecard per owner department with the significance of
each miss (Holm-adjusted across the department's KPIs), a KPI broken down by region / service
centre / technician / product line as a funnel plot (SPEC §8: out of limits, watch, an
overdispersion allowance) with drill-down to events, and the department's failed events."""

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts, data, stats, ui
from dashboard.i18n import t

EVENT_LIMIT = 1000
PCT = st.column_config.NumberColumn(format="percent")


def unit_label(value) -> str:
    return t("dept_unknown_unit") if value is None or (isinstance(value, float) and value != value) else str(value)


@st.cache_data(ttl=3600, max_entries=128, show_spinner=False)
def funnel_limits(p0: float, max_n: int, phi: float = 1.0) -> pd.DataFrame:
    """stats.funnel_limits around p0 (widened by phi) over a log-spaced grid of n from 1 to max_n (about
    200 points: smooth curves at a bounded cost however large the units are)."""
    grid = np.unique(np.rint(np.geomspace(1, max(int(max_n), 2), 200)))
    return stats.funnel_limits(p0, grid, phi=phi)


ident, f = st.session_state.get("ident"), st.session_state.get("filters")
st.header(t("page_departments"))
if ident is None or f is None or f.start is None:
    ui.empty()
    st.stop()

# ---- the assessed period: the assessed quarter (the last complete one at the as-of time) or the whole range
as_of = data.meta(ident)["as_of"]
assessed = ui.assessed_quarter(f, as_of)
scope = st.radio(
    t("dept_scope"), ["end", "range"], horizontal=True, key="dept_scope", format_func=lambda s: t(f"dept_scope_{s}")
)
if scope == "end":
    fp = assessed.filters(f)
    st.caption(ui.assessed_caption(assessed, f, as_of))
    tag = assessed.quarter  # file names of the downloads
else:
    fp = f
    st.caption(ui.range_caption(f))
    tag = f"{fp.start:%Y%m}-{fp.end:%Y%m}"

settings = data.kpi_settings(ident, f)
names = ui.kpi_names(settings)
by_quarter = data.kpi_rates(ident, fp, "quarter")
totals = by_quarter.groupby("kpi", as_index=False)[["successes", "n"]].sum()
rates = ui.with_rates(settings.merge(totals, on="kpi", how="inner").sort_values("sort_order"))
if rates.empty:
    ui.empty_for(ident, fp)
    st.stop()
rates["label"] = [ui.kpi_title(r) for _, r in rates.iterrows()]
departments = list(dict.fromkeys(settings["owner_department"]))
# significance across the KPIs of each department (SPEC §8), for the scorecards and the breakdown alike
rates = pd.concat(
    [
        ui.holm_verdicts(rates[rates["owner_department"] == d])
        for d in departments
        if (rates["owner_department"] == d).any()
    ]
).sort_values("sort_order")

# ---- scorecard, one table per department; selecting a KPI row lists its events
st.subheader(t("dept_scorecard"))
st.caption(t("dept_holm_note"))
for dept in departments:
    rows = rates[rates["owner_department"] == dept]
    owned = settings[settings["owner_department"] == dept]
    st.markdown(f"#### {ui.plain(dept)}")
    missing = [names[k] for k in owned["kpi"] if k not in set(rows["kpi"])]
    if rows.empty:
        ui.empty()
        continue
    counts = rows["verdict"].value_counts()
    st.caption(
        t(
            "dept_summary",
            met=int(counts.get("met", 0)),
            total=len(rows),
            sig=int(counts.get("significant_miss", 0)),
            small=int(counts.get("small_n", 0)),
        )
    )
    shown = pd.DataFrame(
        {
            t("kpi"): rows["label"],
            t("weight"): rows["weight"],
            t("rate"): rows["rate"],
            t("target"): rows["target"],
            t("ci"): [ui.interval(r) for _, r in rows.iterrows()],
            t("n"): rows["n"],
            t("p_holm"): rows["p_value"].where(rows["holm"]),
            t("dept_verdict"): [ui.verdict_text(r) for _, r in rows.iterrows()],
        }
    )
    key = f"dept_card_{departments.index(dept)}"
    picked = ui.table(
        shown,
        f"scorecard_{tag}_{dept}",
        key,
        select=True,
        column_config={
            t("weight"): PCT,
            t("rate"): PCT,
            t("target"): PCT,
            t("p_holm"): st.column_config.NumberColumn(format="%.3f"),
        },
    )
    if missing:
        st.caption(t("dept_no_events", names=ui.plain("、".join(missing))))
    if picked is None or picked >= len(rows):  # a selection left over from other data
        st.caption(t("drill_hint"))
    else:
        row = rows.iloc[picked]
        st.markdown("##### " + t("dept_kpi_events", kpi=ui.plain(row["label"])))
        ui.events_table(
            data.events(ident, fp, row["kpi"], limit=EVENT_LIMIT),
            names,
            f"events_{row['kpi']}",
            f"{key}_events",
            EVENT_LIMIT,
        )

# ---- breakdown of one KPI by unit: funnel plot and table
st.subheader(t("dept_breakdown"))
c1, c2, c3 = st.columns([1, 1, 2])
dept = c1.selectbox(t("dept_department"), departments, key="dept_department")
dept_kpis = list(rates[rates["owner_department"] == dept]["kpi"])
if not dept_kpis:
    ui.empty()
else:
    kpi = c2.selectbox(t("kpi"), dept_kpis, format_func=names.get, key="dept_kpi")
    group = c3.radio(t("dept_group"), list(data.BREAKDOWNS), format_func=t, horizontal=True, key="dept_group")
    kpi_row = rates.set_index("kpi").loc[kpi]
    st.caption(ui.rate_sentence("dept_kpi_overall", kpi_row, kpi=ui.plain(kpi_row["label"])))
    units = data.kpi_breakdown(ident, fp, kpi, group)
    units = units[units["n"] > 0]
    if units.empty:
        ui.empty()
    else:
        p0 = float(kpi_row["successes"] / kpi_row["n"])  # the KPI's overall rate, whatever the unit list holds
        spread = stats.overdispersion(units["successes"], units["n"], p0)
        phi = spread["phi"] if spread["applied"] else 1.0
        limits = funnel_limits(p0, int(units["n"].max()), phi)
        units = units.assign(unit_label=[unit_label(u) for u in units["unit"]], target=kpi_row["target"])
        if spread["units"] < 3 or ui.missing(spread["p_value"]):
            note = t("dept_funnel_few")
        else:
            key_ = "dept_funnel_phi" if spread["applied"] else "dept_funnel_binomial"
            note = t(key_, phi=f"{spread['phi']:.2f}", p=ui.p_value(spread["p_value"]))
        labels = {
            "title": t("dept_funnel_title", kpi=kpi_row["label"], group=t(group)),
            "subtitle": note,  # the limits and any overdispersion allowance, said on the chart
            "x_title": t("n"),
            "y_title": t("rate"),
            "unit": t(group),
            "rate": t("rate"),
            "ci": t("ci"),
            "n": t("n"),
            "overall": t("funnel_overall"),
            "no_data": t("no_data"),
            **{
                k: t(f"funnel_{k}")
                for k in (
                    "limit_95",
                    "limit_998",
                    "within",
                    "outside_95",
                    "outside_998",
                    "above_95",
                    "below_95",
                    "above_998",
                    "below_998",
                )
            },
        }
        st.plotly_chart(charts.funnel(units, p0, limits, labels, unit="unit_label", phi=phi), key="dept_funnel")
        st.caption(t("dept_funnel_subtitle", p0=ui.pct(p0)))
        unit_rates = ui.with_rates(units)
        unit_rates["flag"] = stats.funnel_flags(unit_rates["successes"], unit_rates["n"], p0, phi)
        unit_rates["z"] = stats.standardized(unit_rates["successes"], unit_rates["n"], p0, phi)
        severity = {"below_998": 0, "above_998": 1, "below_95": 2, "above_95": 3, "within": 4}
        unit_rates = (
            unit_rates.assign(order=unit_rates["flag"].map(severity), distance=-unit_rates["z"].abs())
            .sort_values(["order", "distance", "unit_label"], kind="stable")
            .reset_index(drop=True)
        )
        st.caption(t("dept_funnel_order"))
        shown = pd.DataFrame(
            {
                t(group): unit_rates["unit_label"],
                t("dept_funnel_flag"): [t(f"funnel_{fl}") for fl in unit_rates["flag"]],
                t("rate"): unit_rates["rate"],
                t("ci"): [ui.interval(r) for _, r in unit_rates.iterrows()],
                t("n"): unit_rates["n"],
                t("dept_funnel_z"): unit_rates["z"],
            }
        )
        picked = ui.table(
            shown,
            f"{kpi}_{group}_{tag}",
            "dept_units",
            select=True,
            column_config={t("rate"): PCT, t("dept_funnel_z"): st.column_config.NumberColumn(format="%+.2f")},
        )
        if picked is None or picked >= len(unit_rates):
            st.caption(t("drill_hint"))
        else:
            unit = unit_rates.iloc[picked]["unit"]
            value = None if pd.isna(unit) else str(unit)
            st.markdown("##### " + t("drill_down"))
            st.text(t("dept_unit_events", unit=unit_label(value)))  # unit names are data: plain text only
            ui.events_table(
                data.events(ident, fp, kpi, group=group, value=value, limit=EVENT_LIMIT),
                names,
                f"events_{kpi}_{group}",
                "dept_unit_events",
                EVENT_LIMIT,
            )

# ---- the failed events of the department's KPIs in the period
st.subheader(t("dept_failures"))
dept_rows = rates[rates["owner_department"] == dept]
total_failed = int((dept_rows["n"] - dept_rows["successes"]).sum())
failed = data.department_failures(ident, fp, dept, EVENT_LIMIT)
st.caption(t("dept_failures_caption", dept=ui.plain(dept), total=f"{total_failed:,}", shown=f"{len(failed):,}"))
ui.events_table(failed, names, f"failed_events_{tag}_{dept}", "dept_failed", EVENT_LIMIT)
