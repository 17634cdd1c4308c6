"""The satisfaction section of the quarterly report (SPEC §7.5, §8)."""

from __future__ import annotations

from dashboard import charts, ui
from dashboard.i18n import lang, t
from dashboard.report import fmt
from dashboard.report.fmt import verdict
from dashboard.report.model import Chart, Section, Table, Text
from dashboard.report.quarterly import Figures


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
                "—" if r is None else verdict(r),
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
                    t("sat_dissatisfied_responses"),
                    t("sat_lowest_overall"),
                    t("sat_comment"),
                ],
                [
                    [
                        fmt.day(r["responded_at"]),
                        ui.label("survey", r["survey_type"]),
                        fmt.clip(r["customer_name"], 24),
                        fmt.count(r["responses"]),
                        fmt.count(r["overall"]),
                        fmt.clip(r["comment"], 36),
                    ]
                    for _, r in latest.iterrows()
                ],
                [1.3, 1.2, 2.7, 0.9, 0.9, 3.0],
                "LLLRRL",
                title=t("rpt_sat_latest"),
            )
        )
    return s
