"""The KPI sections of the quarterly report (SPEC §4, §8): the summary (composite, KPI rates
against targets, the quarter's changes), the scorecard and the control charts with their trend tests."""

from __future__ import annotations

import pandas as pd

from dashboard import charts, ui
from dashboard.i18n import lang, t
from dashboard.report import fmt
from dashboard.report.fmt import change, rate_labels, verdict
from dashboard.report.model import Chart, Section, Table, Text
from dashboard.report.quarterly import TREND_MONTHS, Figures, add_months


def _tally(verdicts: pd.Series) -> dict:
    """How many rates have each verdict: met, sig(nificantly below), notsig, small (too few events)."""
    counts = verdicts.value_counts()
    return {
        "met": int(counts.get("met", 0)),
        "sig": int(counts.get("significant_miss", 0)),
        "notsig": int(counts.get("not_significant", 0)),
        "small": int(counts.get("small_n", 0)),
    }


def summary_section(fig: Figures) -> Section:
    """The composite (when every KPI is in view: it is the organisation's) and the weighted KPIs of the
    quarter, with their verdicts and changes."""
    comp, whole = fig.composite, fig.filters.organisation_wide
    s = Section(t("rpt_sec_summary"))
    as_of = pd.Timestamp(fig.meta["as_of"])
    if as_of < pd.Timestamp(add_months(fig.end, 1)):  # the quarter ends after the as-of time
        s.add(Text(t("rpt_partial_quarter", as_of=fmt.minute(as_of)), "alert"))
    if whole:
        s.add(
            Text(
                t(
                    "rpt_composite_line",
                    rate=fmt.pct(comp["rate"]),
                    target=fmt.pct(comp["target"], 0),
                    low=fmt.pct(comp["ci_low"]),
                    high=fmt.pct(comp["ci_high"]),
                    verdict=verdict(comp),
                ),
                {"met": "good", "significant_miss": "alert"}.get(comp["verdict"], "body"),
            )
        )
        if not comp["complete"]:
            names = ("、" if lang() == "zh" else ", ").join(fmt.kpi_name(r) for r in comp["missing"]) or "—"
            s.add(Text("! " + t("rpt_incomplete", names=names), "alert"))
        comp_change = ui.change(comp, comp.get("prev"))
        if not ui.missing(comp_change["diff"]):
            s.add(Text(t("rpt_composite_change", prev=fig.prev_quarter, change=change(comp_change))))
    else:
        s.add(Text(t("no_composite"), "note"))
    weighted = fig.kpis[fig.kpis["weight"] > 0]
    s.add(Text(t("rpt_summary_counts", total=len(weighted), **_tally(weighted["verdict"]))))
    rows = []
    if whole:
        rows.append(
            [
                t("composite") + ("" if comp["complete"] else " " + t("rpt_incomplete_mark")),
                fmt.pct(comp["rate"]),
                "≥ " + fmt.pct(comp["target"], 0),
                fmt.interval(comp["ci_low"], comp["ci_high"]),
                "—",
                "100%",
                verdict(comp),
                change(comp_change),
            ]
        )
    for _, r in weighted.iterrows():
        rows.append(
            [
                fmt.kpi_name(r),
                fmt.pct(r["rate"]),
                "≥ " + fmt.pct(r["target"], 0),
                fmt.interval(r["ci_low"], r["ci_high"]),
                fmt.count(r["n"]),
                fmt.pct(r["weight"], 0),
                verdict(r),
                change(r),
            ]
        )
    if rows:
        s.add(
            Table(
                [t("kpi"), t("rate"), t("target"), t("ci"), t("n"), t("weight"), t("rpt_verdict"), t("rpt_change")],
                rows,
                [2.5, 1.0, 0.9, 1.9, 1.1, 0.9, 2.9, 2.9],
                "LRRRRRLL",
                title=t("rpt_weighted_kpis" if whole else "rpt_weighted_kpis_in_view"),
                strong={0} if whole else set(),
            )
        )
    s.add(Text(t("rpt_stat_note", alpha=fig.settings.significance, small_n=fig.settings.small_n), "note"))
    if whole:
        s.add(
            Chart(
                charts.target_line(
                    fig.composite_series,
                    comp["target"],
                    rate_labels(
                        title=t("rpt_composite_by_quarter"),
                        period=t("quarter"),
                        x_title=t("quarter"),
                        y_title=t("rate"),
                        n=t("ov_smallest_n"),
                        small_n=t("ov_small_n_quarter", n=fig.settings.small_n),
                    ),
                    min_n=fig.settings.small_n,
                ),
                height=380,
            )
        )
    return s


def scorecard_section(fig: Figures) -> Section:
    s = Section(t("rpt_sec_scorecard"))
    kpis = fig.kpis
    departments = list(dict.fromkeys(kpis["owner_department"]))
    rows, strong = [], set()
    for dept in departments:
        own = kpis[kpis["owner_department"] == dept]
        own = ui.holm_verdicts(own) if own["n"].fillna(0).gt(0).any() else own
        s.add(Text(t("rpt_dept_line", dept=dept, total=len(own), **_tally(own["verdict"]))))
        for i, (_, r) in enumerate(own.iterrows()):
            rows.append(
                [
                    dept if i == 0 else "",
                    fmt.kpi_name(r),
                    fmt.pct(r["weight"], 0),
                    fmt.pct(r["rate"]),
                    "≥ " + fmt.pct(r["target"], 0),
                    fmt.interval(r["ci_low"], r["ci_high"]),
                    fmt.count(r["n"]),
                    verdict(r),
                ]
            )
            if i == 0:
                strong.add(len(rows) - 1)
    s.add(
        Table(
            [t("dept_department"), t("kpi"), t("weight"), t("rate"), t("target"), t("ci"), t("n"), t("rpt_verdict")],
            rows,
            [1.4, 2.5, 0.9, 1.0, 0.9, 1.7, 1.0, 3.7],
            "LLRRRRRL",
            strong=strong,
        )
    )
    return s


def _method(tr: dict) -> str:
    p = fmt.p_value(tr["dispersion"]["p_value"])
    if tr["method"] == "laney":
        return t("rpt_method_laney", p=p, sigma_z=f"{tr['sigma_z']:.2f}")
    return t("rpt_method_p", p=p)


def _trend(tr: dict) -> str:
    mk = tr["trend"]
    if mk["p_value"] is None:
        return t("rpt_trend_few")
    tau = "—" if mk["tau"] is None else f"{mk['tau']:+.2f}"
    return t("rpt_trend_value", tau=tau, p=fmt.p_phrase(mk["p_value"]), direction=t(f"trend_{mk['direction']}"))


def trends_section(fig: Figures) -> Section:
    s = Section(t("rpt_sec_trends"))
    months = [tr["points"]["period"] for tr in fig.trends if len(tr["points"])]
    lo = min((m.iloc[0] for m in months), default="—")
    hi = max((m.iloc[-1] for m in months), default="—")
    s.add(Text(t("rpt_trends_note", months=TREND_MONTHS, lo=lo, hi=hi), "note"))
    rows = []
    for tr in fig.trends:
        flagged = ", ".join(f"{p} ({','.join(str(r) for r in rules)})" for p, rules in tr["flagged"]) or t("rpt_none")
        rows.append([fmt.kpi_name(tr["row"]), _method(tr), flagged, _trend(tr)])
    s.add(
        Table(
            [t("kpi"), t("rpt_chart_method"), t("rpt_ooc_points"), t("rpt_trend")],
            rows,
            [2.4, 2.6, 2.8, 3.4],
            "LLLL",
            title=t("rpt_trend_summary"),
        )
    )
    for tr in fig.trends:
        row = tr["row"]
        if row["weight"] <= 0:
            continue
        title = t("trend_control_title", kpi=fmt.kpi_name(row))
        if not tr["points"]["n"].sum():
            s.add(Text(f"{title}: {t('no_data')}", "note"))
            continue
        fig_ = charts.control_chart(
            tr["points"],
            rate_labels(title=title, x_title=t("month"), y_title=t("rate"), method_note=ui.control_note(tr)),
            target=float(row["target"]),
        )
        s.add(Chart(fig_, height=360))
    return s
