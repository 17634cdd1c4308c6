"""Complaints (客诉分析, SPEC §7.4): root-cause Pareto, category × department, severity mix, complaint
rate, open and overdue complaints, CAPA status and effect (§8), time to close, recurring causes,
the complaint KPIs with their events, and a drill-down list. User text is shown as text only."""

import pandas as pd
import streamlit as st

from dashboard import charts, data, stats, ui
from dashboard.complaints_parts import kpi_section
from dashboard.i18n import t

LIST_LIMIT = 1000  # the latest complaints in the list; narrow it by a value to see older ones
SEVERITIES = ("serious", "general", "grievance")
CAPA_STATUSES = ("open", "overdue", "done", "verified_effective")
PCT = st.column_config.NumberColumn(format="percent")
DAYS = st.column_config.NumberColumn(format="%.1f")

ident, f = st.session_state.get("ident"), st.session_state.get("filters")
st.header(t("page_complaints"))
if ident is None or f is None or f.start is None:
    ui.empty()
    st.stop()

meta = data.meta(ident)
view = data.complaints_view(ident, f, LIST_LIMIT)  # every default query on one connection
summary, open_df = view["summary"], view["open"]
serious_open = int((open_df["severity"] == "serious").sum())
overdue_open = int(open_df["is_overdue"].sum()) if not open_df.empty else 0

# alerts: open serious complaints first, then overdue ones (as of the warehouse as-of, any period)
if serious_open:
    st.error("⚠ " + t("cp_alert_serious", n=serious_open))
if overdue_open:
    st.warning(t("cp_alert_overdue", n=overdue_open))

c = st.columns(5)
c[0].metric(t("cp_received"), f"{summary['complaints']:,}", border=True)
c[1].metric(t("cp_with_root_cause"), f"{summary['with_root_cause']:,}", border=True)
c[2].metric(t("cp_justified"), f"{summary['justified']:,}", border=True)
c[3].metric(t("cp_recurrences"), f"{summary['recurrences']:,}", border=True)
c[4].metric(
    t("cp_open_now"), f"{len(open_df):,}", help=t("cp_open_help", as_of=f"{meta['as_of']:%Y-%m-%d %H:%M}"), border=True
)

st.subheader(t("cp_kpis"))
kpi_section(ident, f, view["kpis"], "cp")

tab_pareto, tab_matrix, tab_rate, tab_open, tab_capa, tab_list = st.tabs(
    [t("cp_tab_pareto"), t("cp_tab_matrix"), t("cp_tab_rate"), t("cp_tab_open"), t("cp_tab_capa"), t("cp_tab_list")]
)

# ---- Pareto of root causes, recurring causes
with tab_pareto:
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

# ---- category × responsible department, severity mix
with tab_matrix:
    st.subheader(t("cp_matrix"))
    matrix = view["matrix"].copy()
    if matrix.empty:
        ui.empty()
    else:
        matrix["category"] = ui.mapped(matrix["category"], lambda v: ui.label("cat", v))
        matrix["department"] = ui.mapped(matrix["department"], lambda v: v or t("cp_unassigned"))
        st.plotly_chart(
            charts.heatmap(
                matrix,
                "department",
                "category",
                "complaints",
                {
                    "title": t("cp_matrix"),
                    "department": t("cp_department"),
                    "category": t("cp_category"),
                    "complaints": t("cp_complaints"),
                    "no_data": t("no_data"),
                },
            ),
            key="cp_matrix_chart",
        )
    st.subheader(t("cp_severity_mix"))
    sev = view["severity"].copy()
    if sev.empty:
        ui.empty()
    else:
        sev["month"] = ui.month_text(sev["month"])
        # every month × severity (zeros included) in the fixed order: the same colour per severity
        grid = pd.MultiIndex.from_product([sorted(sev["month"].unique()), SEVERITIES], names=["month", "severity"])
        sev = sev.set_index(["month", "severity"])["complaints"].reindex(grid, fill_value=0).reset_index()
        sev["severity"] = ui.mapped(sev["severity"], lambda v: ui.label("sev", v))
        st.plotly_chart(
            charts.bars(
                sev,
                "month",
                "complaints",
                {
                    "title": t("cp_severity_mix"),
                    "x_title": t("month"),
                    "y_title": t("cp_complaints"),
                    "month": t("month"),
                    "complaints": t("cp_complaints"),
                    "no_data": t("no_data"),
                },
                color="severity",
                barmode="stack",
            ),
            key="cp_severity_chart",
        )
        totals = sev.groupby("severity", sort=False)["complaints"].sum()
        st.caption(" · ".join(f"{k}: {int(v)}" for k, v in totals.items() if v))

# ---- complaint rate by month, time to close
with tab_rate:
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
                rate=ui.pct(tot_c / tot_n if tot_n else float("nan"), 2),
                low=ui.pct(low, 2),
                high=ui.pct(high, 2),
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
                        f"{ui.pct(a, 2)} – {ui.pct(b, 2)}" for a, b in zip(rate["ci_low"], rate["ci_high"], strict=True)
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

# ---- open and overdue complaints as of the as-of time
with tab_open:
    st.subheader(t("cp_open"))
    st.caption(t("cp_open_help", as_of=f"{meta['as_of']:%Y-%m-%d %H:%M}"))
    if open_df.empty:
        ui.empty(t("cp_none_open"))
    else:
        ui.table(
            pd.DataFrame(
                {
                    t("cp_col_complaint_id"): open_df["complaint_id"],
                    t("cp_col_severity"): ui.mapped(open_df["severity"], lambda v: ui.label("sev", v)),
                    t("cp_overdue"): ui.mapped(open_df["is_overdue"], ui.yes_no),
                    t("cp_col_received_at"): open_df["received_at"],
                    t("due_at"): open_df["due_at"],
                    t("cp_days_open"): open_df["days_open"],
                    t("cp_category"): ui.mapped(open_df["category"], lambda v: ui.label("cat", v)),
                    t("cp_department"): open_df["responsible_department"],
                    t("cp_col_customer_name"): open_df["customer_name"],
                    t("region"): open_df["region"],
                    t("service_center"): open_df["service_center"],
                    t("cp_col_product_model"): open_df["product_model"],
                    t("cp_col_description"): open_df["description"],
                }
            ),
            "open_complaints",
            "cp_open_table",
            column_config={t("cp_days_open"): DAYS},
        )

# ---- CAPA status and effect
with tab_capa:
    st.subheader(t("cp_capa_status"))
    status = view["capa_status"]
    counts = {s: int(status.loc[status["capa_status"] == s, "complaints"].sum()) for s in CAPA_STATUSES}
    cols = st.columns(len(CAPA_STATUSES))
    for col, s in zip(cols, CAPA_STATUSES, strict=True):
        col.metric(ui.label("capa", s), f"{counts[s]:,}", border=True)
    if status.empty:
        ui.empty(t("cp_no_capa"))
    else:
        bars = pd.DataFrame(
            {"status": [ui.label("capa", s) for s in CAPA_STATUSES], "complaints": list(counts.values())}
        )
        st.plotly_chart(
            charts.bars(
                bars,
                "status",
                "complaints",
                {
                    "title": t("cp_capa_status"),
                    "status": t("cp_capa_status"),
                    "complaints": t("cp_complaints"),
                    "no_data": t("no_data"),
                },
            ),
            key="cp_capa_chart",
        )

    st.subheader(t("cp_capa_effect"))
    days = ui.SETTINGS.windows["capa_effect_days"]
    st.caption(t("cp_capa_effect_note", days=days))
    effect = view["capa_effect"]
    if effect.empty:
        ui.empty()
    else:
        effect = stats.capa_verdicts(effect, ui.SETTINGS.significance)
        tally = effect["verdict"].value_counts()
        st.caption(
            " · ".join(
                f"{ui.label('capa_verdict', v)}: {int(tally.get(v, 0))}"
                for v in ("effective", "not_shown", "too_few", "pending", "no_root_cause")
                if tally.get(v)
            )
        )
        if len(effect) > LIST_LIMIT:
            st.caption(t("cp_capa_limited", n=LIST_LIMIT, total=len(effect)))
            effect = effect.head(LIST_LIMIT)
        ui.table(
            pd.DataFrame(
                {
                    t("cp_col_complaint_id"): effect["complaint_id"],
                    t("cp_root_cause"): ui.mapped(
                        list(zip(effect["root_cause_category"], effect["name_zh"], strict=True)),
                        lambda ab: ui.root_cause_label(*ab),
                    ),
                    t("cp_col_product_model"): effect["product_model"],
                    t("cp_department"): effect["responsible_department"],
                    t("cp_col_capa_action"): effect["capa_action"],
                    t("cp_capa_owner"): effect["capa_owner"],
                    t("cp_capa_done"): effect["capa_done_at"],
                    t("cp_before"): effect["complaints_before"],
                    t("cp_after"): effect["complaints_after"],
                    t("cp_after_days"): effect["after_days_observed"],
                    t("cp_rate_ratio"): ui.mapped(effect["rate_ratio"], ui.ratio_text),
                    t("ci"): [
                        f"{ui.ratio_text(a)} – {ui.ratio_text(b)}" if not ui.missing(a) else "—"
                        for a, b in zip(effect["ratio_low"], effect["ratio_high"], strict=True)
                    ],
                    t("p_value"): effect["p_value"],
                    t("cp_verdict"): ui.mapped(effect["verdict"], lambda v: ui.label("capa_verdict", v)),
                    t("cp_recorded_effective"): ui.mapped(effect["capa_effective"], ui.yes_no),
                }
            ),
            "capa_effect",
            "cp_capa_effect",
            column_config={t("cp_after_days"): DAYS, t("p_value"): st.column_config.NumberColumn(format="%.3f")},
        )

# ---- drill-down list
with tab_list:
    st.subheader(t("cp_list"))
    by_options = [None, "category", "severity", "root_cause_category", "responsible_department"]
    c1, c2 = st.columns(2)
    by = c1.selectbox(
        t("cp_list_by"), by_options, format_func=lambda v: t("all") if v is None else t(f"cp_by_{v}"), key="cp_list_by"
    )
    value = None
    if by:  # the values to pick from come from the aggregates above, not from another list query
        raw = view["matrix"]
        values = {
            "category": sorted(raw["category"].unique()),
            "severity": list(SEVERITIES),
            "root_cause_category": list(view["pareto"]["root_cause_category"]),
            "responsible_department": sorted(v for v in raw["department"].unique() if v),
        }[by]
        names = dict(zip(pareto["root_cause_category"], pareto["label"], strict=True)) if not pareto.empty else {}
        fmt = {
            "category": lambda v: ui.label("cat", v),
            "severity": lambda v: ui.label("sev", v),
            "root_cause_category": lambda v: names.get(v, v),
        }.get(by, str)
        value = c2.selectbox(t("cp_list_value"), values, format_func=fmt, key=f"cp_list_value_{by}")
    items = view["list"] if value is None else data.complaint_list(ident, f, by, value, LIST_LIMIT)
    if items.empty:
        ui.empty()
    else:
        if len(items) >= LIST_LIMIT:
            st.caption(t("cp_list_limited", n=LIST_LIMIT))
        shown = items.copy()
        for col, prefix in (
            ("category", "cat"),
            ("severity", "sev"),
            ("capa_status", "capa"),
            ("followup_result", "fu"),
        ):
            shown[col] = ui.mapped(shown[col], lambda v, p=prefix: ui.label(p, v) if not ui.missing(v) else "—")
        shown["root_cause_category"] = ui.mapped(shown["root_cause_category"], ui.root_cause_label)
        for col in ("justified", "is_open", "is_overdue", "is_recurrence"):
            shown[col] = ui.mapped(shown[col], ui.yes_no)
        shown["channel"] = ui.mapped(shown["channel"], lambda v: ui.label("ch", v))
        st.caption(t("cp_pick_complaint"))
        picked = ui.table(
            shown.rename(columns=lambda col: t(f"cp_col_{col}")),
            "complaints",
            "cp_list_table",
            select=True,
            column_config={t("cp_col_days_to_close"): DAYS},
        )
        if picked is not None:
            row = items.iloc[picked]
            for col in ("complaint_id", "description", "root_cause", "capa_action"):
                st.caption(t(f"cp_col_{col}"))
                st.text("—" if ui.missing(row[col]) else str(row[col]))
