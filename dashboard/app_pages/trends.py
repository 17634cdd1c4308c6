"""Trends (趋势, SPEC §7.3): per KPI the monthly series over the filtered range with its target,
a p-chart (Laney p′ when overdispersed) with Western Electric rules 1–4, the Mann–Kendall trend test,
and the monthly values with drill-down to a month's events (SPEC §8)."""

from dataclasses import replace

import pandas as pd
import streamlit as st

from dashboard import charts, data, stats, ui
from dashboard.i18n import t

EVENT_LIMIT = 1000
PCT = st.column_config.NumberColumn(format="percent")

ident, f = st.session_state.get("ident"), st.session_state.get("filters")
st.header(t("page_trends"))
if ident is None or f is None or f.start is None:
    ui.empty()
    st.stop()

settings = data.kpi_settings(ident, f)
if f.dim(data.OWNER):  # the owner-department filter selects the KPIs that department owns
    settings = settings[settings["owner_department"].isin(f.dim(data.OWNER))]
names = ui.kpi_names(settings)
all_kpis = list(settings["kpi"])
chosen = st.multiselect(
    t("trend_kpis"),
    all_kpis,
    default=list(settings[settings["weight"] > 0]["kpi"]),
    format_func=names.get,
    key="trend_kpis",
)
monthly = data.kpi_rates(ident, f, "month")
st.caption(ui.range_caption(f) + " · " + t("trend_range", lo=f"{f.start:%Y-%m}", hi=f"{f.end:%Y-%m}"))
if not chosen:
    st.info(t("trend_pick_kpi"))
    st.stop()
if monthly.empty:
    ui.empty()
    st.stop()


def rule_text(rules: set[int]) -> str:
    return "; ".join(t(f"rule_{r}") for r in sorted(rules))


def show_kpi(kpi: str) -> None:
    """Everything the Trends page says about one KPI."""
    rows = monthly[monthly["kpi"] == kpi].sort_values("period")
    if rows.empty:
        ui.empty()
        return
    rates = ui.with_rates(rows).reset_index(drop=True)
    rates["month_label"] = pd.to_datetime(rates["period"]).dt.strftime("%Y-%m")
    target, name = float(rates["target"].iloc[0]), names[kpi]

    total = ui.with_rates(
        pd.DataFrame({"successes": [rates["successes"].sum()], "n": [rates["n"].sum()], "target": [target]})
    ).iloc[0]
    st.caption(ui.rate_sentence("trend_range_summary", total))

    # p-chart (Laney p′ when overdispersed) with Western Electric rules on the standardized points
    chart = stats.p_chart(rates["successes"], rates["n"])
    points = chart["points"].copy()
    points["period"] = rates["month_label"]
    points["rules"] = stats.western_electric(points["z"])
    labels = {
        "title": t("trend_control_title", kpi=name),
        "x_title": t("month"),
        "y_title": t("rate"),
        "method_note": ui.control_note(chart),
        "period": t("month"),
        "rate": t("rate"),
        "ci": t("ci"),
        "n": t("n"),
        "centre": t("trend_centre"),
        "limits": t("trend_limits"),
        "target": t("target"),
        "in_control": t("trend_in_control"),
        "out_of_control": t("trend_out_of_control"),
        "rules": t("trend_rules"),
        "no_data": t("no_data"),
        **{f"rule_{k}": t(f"rule_{k}") for k in range(1, 5)},
    }
    st.plotly_chart(
        charts.control_chart(points, labels, target=target),
        key=f"trend_cc_{kpi}",
    )
    st.caption(ui.control_note(chart) + " · " + t("trend_we_note"))

    # out-of-control points
    flagged = points[[bool(r) for r in points["rules"]]]
    st.markdown("##### " + t("trend_ooc_header"))
    if flagged.empty:
        st.caption(t("trend_ooc_none"))
    else:
        ooc = pd.DataFrame(
            {
                t("month"): flagged["period"],
                t("rate"): flagged["p"],
                t("n"): flagged["n"].astype(int),
                t("trend_lcl"): flagged["lcl"],
                t("trend_ucl"): flagged["ucl"],
                t("trend_rules"): [rule_text(r) for r in flagged["rules"]],
            }
        )
        ui.table(
            ooc,
            f"out_of_control_{kpi}",
            f"trend_ooc_{kpi}",
            column_config={t("rate"): PCT, t("trend_lcl"): PCT, t("trend_ucl"): PCT},
        )

    # Mann–Kendall trend test over the shown months
    st.markdown("##### " + t("trend_test"))
    if len(rates) < 3:
        st.info(t("trend_need_3", n=len(rates)))
    else:
        mk = stats.mann_kendall(rates["rate"])
        tau = "—" if mk["tau"] is None else f"{mk['tau']:.2f}"
        st.write(
            t(
                "trend_result",
                tau=tau,
                p=ui.p_phrase(mk["p_value"]),
                months=mk["n"],
                direction=t(f"trend_{mk['direction']}"),
            )
        )

    # monthly rates with intervals against the target
    line = rates.assign(period=rates["month_label"])
    st.plotly_chart(
        charts.target_line(
            line,
            target,
            {
                "title": t("trend_target_title", kpi=name),
                "x_title": t("month"),
                "y_title": t("rate"),
                "period": t("month"),
                "rate": t("rate"),
                "ci": t("ci"),
                "n": t("n"),
                "target": t("target"),
                "met": t("met"),
                "missed": t("missed"),
                "no_data": t("no_data"),
            },
        ),
        key=f"trend_line_{kpi}",
    )

    # monthly values; selecting a month lists its events
    st.markdown("##### " + t("trend_monthly"))
    status = [t("trend_out_of_control") + " · " + rule_text(r) if r else t("trend_in_control") for r in points["rules"]]
    table = pd.DataFrame(
        {
            t("month"): rates["month_label"],
            t("rate"): rates["rate"],
            t("target"): rates["target"],
            t("ci"): [ui.interval(r) for _, r in rates.iterrows()],
            t("n"): rates["n"],
            t("rpt_verdict"): [ui.verdict_text(r) for _, r in rates.iterrows()],
            t("trend_status"): status,
        }
    )
    picked = ui.table(
        table, f"monthly_{kpi}", f"trend_month_{kpi}", select=True, column_config={t("rate"): PCT, t("target"): PCT}
    )
    if picked is None or picked >= len(rates):  # a selection left over from another range
        st.caption(t("drill_hint"))
    else:
        month = rates["month_label"].iloc[picked]
        st.markdown("##### " + t("trend_month_events", kpi=ui.plain(name), month=month))
        first = pd.Timestamp(rates["period"].iloc[picked]).date()
        in_month = replace(f, start=first, end=first)  # the month's bounds let the scan skip other months
        ui.events_table(
            data.events(ident, in_month, kpi, period=month, limit=EVENT_LIMIT),
            names,
            f"events_{kpi}_{month}",
            f"trend_events_{kpi}",
            EVENT_LIMIT,
        )


ordered = [k for k in all_kpis if k in chosen]
for tab, kpi in zip(st.tabs([ui.plain(names[k]) for k in ordered]), ordered, strict=True):
    with tab:
        show_kpi(kpi)
