"""Sections of the quarterly report beyond the KPIs: complaints, satisfaction, costs and the
definitions page (SPEC §4, §7.4–7.6, §8), in the current language."""

from __future__ import annotations

import pandas as pd

from dashboard import charts, ui
from dashboard.i18n import lang, t
from dashboard.report import fmt
from dashboard.report.fmt import verdict
from dashboard.report.model import Chart, Section, Table, Text
from dashboard.report.quarterly import LIST_LIMIT, Figures

SEVERITIES = ("serious", "general", "grievance")
CAPA_STATUSES = ("open", "overdue", "done", "verified_effective")
CAPA_VERDICTS = ("effective", "not_shown", "too_few", "pending", "no_root_cause")
COSTS = ("labor_cost", "travel_cost", "material_cost", "transport_cost")


def _sep() -> str:
    return "；" if lang() == "zh" else "; "


def complaints_section(fig: Figures) -> Section:
    c, s = fig.complaints, Section(t("rpt_sec_complaints"))
    sm = c["summary"]
    counts = [
        ("cp_received", "complaints"),
        ("cp_with_root_cause", "with_root_cause"),
        ("cp_justified", "justified"),
        ("cp_recurrences", "recurrences"),
        ("cp_open_now", "open"),
        ("cp_overdue", "overdue"),
        ("rpt_cp_serious_open", "serious_open"),
    ]
    s.add(
        Table(
            [t("rpt_item"), t("rpt_count")],
            [[t(k), fmt.count(sm.get(v, 0))] for k, v in counts],
            [3, 1.2],
            "LR",
            title=t("rpt_cp_counts"),
        )
    )
    pareto = c["pareto"].copy()
    if not pareto.empty:
        pareto["label"] = [
            ui.root_cause_label(a, b) for a, b in zip(pareto["root_cause_category"], pareto["name_zh"], strict=True)
        ]
        s.add(
            Chart(
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
                    },
                ),
                height=380,
            )
        )
        s.add(
            Table(
                [t("cp_rank"), t("cp_root_cause"), t("cp_complaints"), t("cp_share"), t("cp_cumulative")],
                [
                    [
                        str(int(r["rank"])),
                        r["label"],
                        fmt.count(r["complaints"]),
                        fmt.pct(r["share"]),
                        fmt.pct(r["cumulative_share"]),
                    ]
                    for _, r in pareto.head(LIST_LIMIT).iterrows()
                ],
                [0.8, 3, 1.2, 1.2, 1.4],
                "RLRRR",
                title=t("cp_pareto"),
            )
        )
    sev = c["severity"].groupby("severity")["complaints"].sum() if not c["severity"].empty else pd.Series(dtype=int)
    total = int(sev.sum())
    s.add(
        Table(
            [t("cp_col_severity"), t("cp_complaints"), t("cp_share")],
            [
                [ui.label("sev", k), fmt.count(sev.get(k, 0)), fmt.pct(sev.get(k, 0) / total if total else None)]
                for k in SEVERITIES
            ],
            [2, 1.2, 1.2],
            "LRR",
            title=t("rpt_cp_severity"),
        )
    )
    overdue = c["overdue"]
    s.add(
        Text(
            t(
                "rpt_cp_overdue_now",
                as_of=fmt.minute(fig.meta["as_of"]),
                n=fmt.count(len(overdue)),
                serious=fmt.count(int((overdue["severity"] == "serious").sum())),
            ),
            "alert" if len(overdue) else "body",
        )
    )
    if len(overdue):
        s.add(
            Table(
                [
                    t("cp_col_complaint_id"),
                    t("cp_col_received_at"),
                    t("cp_col_severity"),
                    t("cp_col_category"),
                    t("cp_col_responsible_department"),
                    t("cp_days_open"),
                ],
                [
                    [
                        str(r["complaint_id"]),
                        fmt.day(r["received_at"]),
                        ui.label("sev", r["severity"]),
                        ui.label("cat", r["category"]),
                        "" if ui.missing(r["responsible_department"]) else str(r["responsible_department"]),
                        fmt.number(r["days_open"]),
                    ]
                    for _, r in overdue.head(LIST_LIMIT).iterrows()
                ],
                [1.6, 1.4, 1.3, 1.4, 1.8, 1.1],
                "LLLLLR",
                title=t("rpt_cp_overdue_list"),
            )
        )
    capa = c["capa_status"].set_index("capa_status")["complaints"] if not c["capa_status"].empty else {}
    s.add(
        Table(
            [t("cp_capa_status"), t("cp_complaints")],
            [[t(f"capa_{k}"), fmt.count(capa.get(k, 0) if len(capa) else 0)] for k in CAPA_STATUSES],
            [2.5, 1.2],
            "LR",
            title=t("rpt_cp_capa_status"),
        )
    )
    effect = c["capa_effect"]
    if effect.empty:
        s.add(Text(t("rpt_cp_capa_none")))
        return s
    tally = effect["verdict"].value_counts()
    colon = "：" if lang() == "zh" else ": "
    s.add(Text(_sep().join(f"{t('capa_verdict_' + v)}{colon}{int(tally[v])}" for v in CAPA_VERDICTS if v in tally)))
    s.add(
        Table(
            [
                t("cp_col_complaint_id"),
                t("cp_root_cause"),
                t("cp_col_product_model"),
                t("cp_capa_done"),
                t("cp_before"),
                t("cp_after"),
                t("cp_rate_ratio"),
                t("cp_verdict"),
                t("cp_recorded_effective"),
            ],
            [
                [
                    str(r["complaint_id"]),
                    ui.root_cause_label(r["root_cause_category"], r["name_zh"]),
                    "" if ui.missing(r["product_model"]) else str(r["product_model"]),
                    fmt.day(r["capa_done_at"]),
                    fmt.count(r["complaints_before"]),
                    fmt.count(r["complaints_after"]),
                    ui.ratio_text(r["rate_ratio"]),
                    t("capa_verdict_" + r["verdict"]),
                    "—" if ui.missing(r["capa_effective"]) else t("yes") if r["capa_effective"] else t("no"),
                ]
                for _, r in effect.head(LIST_LIMIT).iterrows()
            ],
            [1.2, 1.6, 1.1, 1.2, 1.15, 1.15, 1.0, 1.9, 1.0],
            "LLLLRRRLL",
            title=t("rpt_cp_capa_effect"),
        )
    )
    return s


def satisfaction_section(fig: Figures) -> Section:
    sat, s = fig.satisfaction, Section(t("rpt_sec_satisfaction"))
    cfg = fig.settings
    groups = sat["groups"]
    rated = groups.rename(columns={"satisfied_responses": "successes", "rated_responses": "n"})
    rated = rated[rated["n"] > 0].astype({"successes": int, "n": int})
    rated["target"] = cfg.composite_target
    rated = ui.with_rates(rated).set_index("survey_type")
    rows = []
    for _, g in groups.iterrows():
        r = rated.loc[g["survey_type"]] if g["survey_type"] in rated.index else None
        rows.append(
            [
                ui.label("survey", g["survey_type"]),
                fmt.count(g["responses"]),
                fmt.number(g["csi"]),
                fmt.pct(None if r is None else r["rate"]),
                "—" if r is None else fmt.interval(r["ci_low"], r["ci_high"]),
                fmt.count(g["rated_responses"]),
                "—" if r is None else verdict(r, cfg.small_n),
            ]
        )
    s.add(
        Table(
            [
                t("sat_survey_type"),
                t("sat_responses"),
                t("sat_csi"),
                t("sat_rate"),
                t("ci"),
                t("sat_rated"),
                t("rpt_verdict"),
            ],
            rows,
            [1.5, 1.1, 0.9, 1.2, 1.7, 1.3, 3.0],
            "LRRRRRL",
            title=t("rpt_sat_by_type"),
        )
    )
    s.add(
        Text(
            t(
                "sat_target_note",
                target=fmt.pct(cfg.composite_target, 0),
                threshold=cfg.satisfied_threshold,
                lo=cfg.scale_min,
                hi=cfg.scale_max,
            ),
            "note",
        )
    )
    items = sat["items"].copy()
    items = items[items["n"] > 0]
    if not items.empty:
        items["label"] = [fmt.item_name(r) for _, r in items.iterrows()]
        items["survey"] = items["survey_type"].map(lambda v: ui.label("survey", v))
        s.add(
            Chart(
                charts.bars(
                    items,
                    "label",
                    "mean",
                    {
                        "title": t("sat_items"),
                        "x_title": t("sat_mean"),
                        "label": t("sat_item"),
                        "mean": t("sat_mean"),
                        "n": t("n"),
                        "ci": t("rpt_t_interval"),
                    },
                    color="survey",
                    orientation="h",
                    n="n",
                    low="ci_low",
                    high="ci_high",
                ),
                height=120 + 28 * len(items),
            )
        )
        s.add(
            Table(
                [t("sat_survey_type"), t("sat_item"), t("n"), t("sat_mean"), t("rpt_t_interval")],
                [
                    [
                        r["survey"],
                        r["label"],
                        fmt.count(r["n"]),
                        fmt.number(r["mean"], 2),
                        "—" if ui.missing(r["ci_low"]) else f"{r['ci_low']:.2f}–{r['ci_high']:.2f}",
                    ]
                    for _, r in items.iterrows()
                ],
                [1.5, 2.4, 1, 1, 1.6],
                "LLRRR",
                title=t("rpt_sat_items"),
            )
        )
    for survey_type, d in sat["drivers"].items():
        name = ui.label("survey", survey_type)
        fix = [fmt.item_name(r) for _, r in d.iterrows() if r["quadrant"] == "fix"]
        s.add(
            Table(
                [t("sat_item"), t("sat_importance"), t("p_value"), t("n"), t("sat_performance"), t("sat_quadrant")],
                [
                    [
                        fmt.item_name(r),
                        fmt.number(r["importance"], 2),
                        fmt.p_value(r["p_value"]),
                        fmt.count(r["n"]),
                        fmt.number(r["performance"], 2),
                        t(f"sat_q_{r['quadrant']}") if r["quadrant"] else "—",
                    ]
                    for _, r in d.iterrows()
                ],
                [2.2, 1.6, 1, 1, 1.6, 1.8],
                "LRRRRL",
                title=t("rpt_sat_drivers", survey=name),
            )
        )
        s.add(Text(t("rpt_sat_fix", items=("、" if lang() == "zh" else ", ").join(fix) or t("rpt_none"))))
    unhappy = int((groups["rated_responses"] - groups["satisfied_responses"]).sum()) if len(groups) else 0
    s.add(
        Text(
            t("rpt_sat_followups", threshold=cfg.satisfied_threshold, n=fmt.count(unhappy)),
            "alert" if unhappy else "body",
        )
    )
    latest = sat["dissatisfied"]
    if len(latest):
        s.add(
            Table(
                [
                    t("sat_responded_at"),
                    t("sat_survey_type"),
                    t("sat_customer"),
                    t("sat_overall"),
                    t("sat_csi"),
                    t("sat_comment"),
                ],
                [
                    [
                        fmt.day(r["responded_at"]),
                        ui.label("survey", r["survey_type"]),
                        fmt.clip(r["customer_name"], 24),
                        fmt.count(r["overall"]),
                        fmt.number(r["csi"]),
                        fmt.clip(r["comment"], 36),
                    ]
                    for _, r in latest.iterrows()
                ],
                [1.3, 1.2, 2.7, 0.9, 0.8, 3.1],
                "LLLRRL",
                title=t("rpt_sat_latest"),
            )
        )
    return s


def monthly_costs(costs: pd.DataFrame) -> pd.DataFrame:
    """service_costs rows (month × ticket type) as one row per month: installations vs dispatches
    (the other types), costs, free vs paid; SPEC §7.6."""
    cols = ["tickets", "visits", "person_days", *COSTS, "total_cost", "free_tickets", "paid_tickets"]
    if costs.empty:
        return pd.DataFrame(
            columns=[
                "month",
                *cols,
                "inst_tickets",
                "inst_visits",
                "inst_days",
                "disp_tickets",
                "disp_visits",
                "disp_days",
            ]
        )
    costs = costs.assign(month=costs["month"].map(fmt.month))
    out = costs.groupby("month", sort=True)[cols].sum()
    inst = costs[costs["ticket_type"] == "installation"].groupby("month")[["tickets", "visits", "person_days"]].sum()
    disp = costs[costs["ticket_type"] != "installation"].groupby("month")[["tickets", "visits", "person_days"]].sum()
    for prefix, part in (("inst", inst), ("disp", disp)):
        part = part.reindex(out.index, fill_value=0)
        out[f"{prefix}_tickets"], out[f"{prefix}_visits"], out[f"{prefix}_days"] = (
            part["tickets"],
            part["visits"],
            part["person_days"],
        )
    return out.reset_index()


def costs_section(fig: Figures) -> Section:
    s = Section(t("rpt_sec_costs"))
    monthly = monthly_costs(fig.costs)
    if monthly.empty:
        return s.add(Text(t("no_data")))
    total = monthly.drop(columns="month").sum()
    vol = [
        "inst_tickets",
        "inst_visits",
        "inst_days",
        "disp_tickets",
        "disp_visits",
        "disp_days",
        "free_tickets",
        "paid_tickets",
    ]

    def volume(r) -> list[str]:
        return [fmt.number(r[c]) if c.endswith("_days") else fmt.count(r[c]) for c in vol]

    rows = [[r["month"], *volume(r)] for _, r in monthly.iterrows()] + [[t("rpt_total"), *volume(total)]]
    s.add(
        Table(
            [
                t("month"),
                t("cost_inst_tickets"),
                t("cost_inst_visits"),
                t("cost_inst_days"),
                t("cost_disp_tickets"),
                t("cost_disp_visits"),
                t("cost_disp_days"),
                t("cost_free"),
                t("cost_paid"),
            ],
            rows,
            [1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.1, 1.2, 1.2],
            "LRRRRRRRR",
            title=t("rpt_costs_volume"),
            strong={len(rows) - 1},
        )
    )
    money = [*COSTS, "total_cost"]
    rows = [[r["month"], *(fmt.money(r[c]) for c in money)] for _, r in monthly.iterrows()]
    rows.append([t("rpt_total"), *(fmt.money(total[c]) for c in money)])
    s.add(
        Table(
            [t("month"), *(t(f"cost_{c}") for c in COSTS), t("cost_total")],
            rows,
            [1.2, 1.3, 1.3, 1.3, 1.3, 1.5],
            "LRRRRR",
            title=t("rpt_costs_money"),
            strong={len(rows) - 1},
        )
    )
    long = monthly.melt(id_vars=["month"], value_vars=list(COSTS), var_name="kind", value_name="amount")
    long["kind"] = long["kind"].map(lambda v: t(f"cost_{v}"))
    s.add(
        Chart(
            charts.bars(
                long,
                "month",
                "amount",
                {
                    "title": t("cost_by_month"),
                    "x_title": t("month"),
                    "y_title": t("cost_amount"),
                    "month": t("month"),
                    "amount": t("cost_amount"),
                    "no_data": t("no_data"),
                },
                color="kind",
                barmode="stack",
            ),
            height=360,
        )
    )
    s.add(Text(t("cost_note"), "note"))
    return s


def definitions_section(fig: Figures) -> Section:
    cfg, s = fig.settings, Section(t("rpt_sec_definitions"))
    params = {"ftf_days": cfg.windows["first_time_fix_lookback_days"], **{k: _num(v) for k, v in cfg.sla.items()}}
    rows = [
        [
            fmt.kpi_name(r),
            str(r["owner_department"]),
            "≥ " + fmt.pct(r["target"], 0),
            fmt.pct(r["weight"], 0),
            t(f"rpt_def_{r['kpi']}", **params),
        ]
        for _, r in fig.kpis.iterrows()
    ]
    s.add(
        Table(
            [t("kpi"), t("owner_department"), t("target"), t("weight"), t("rpt_definition")],
            rows,
            [2.3, 1.5, 1.0, 0.8, 6.6],
            "LLRRL",
            title=t("rpt_def_kpis"),
        )
    )
    s.add(
        Text(t("rpt_def_composite", target=fmt.pct(cfg.composite_target, 0))),
        Text(t("rpt_def_timeliness")),
        Text(t("rpt_def_statistics", alpha=cfg.significance, small_n=cfg.small_n)),
        Text(t("rpt_def_csi", lo=cfg.scale_min, hi=cfg.scale_max, threshold=cfg.satisfied_threshold)),
        Text(
            t(
                "rpt_def_complaints",
                recurrence_days=cfg.windows["recurrence_days"],
                capa_days=cfg.windows["capa_effect_days"],
            )
        ),
        Text(t("cost_note")),
    )
    return s


def _num(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)
