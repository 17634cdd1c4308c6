"""The complaints section of the quarterly report (SPEC §7.4, §8): counts, root-cause Pareto,
severity mix, overdue complaints, CAPA status and effect."""

from __future__ import annotations

import pandas as pd

from dashboard import charts, ui
from dashboard.i18n import lang, t
from dashboard.report import fmt
from dashboard.report.model import Chart, Section, Table, Text
from dashboard.report.quarterly import LIST_LIMIT, Figures

SEVERITIES = ("serious", "general", "grievance")


CAPA_STATUSES = ("open", "overdue", "done", "verified_effective")


CAPA_VERDICTS = ("effective", "not_shown", "too_few", "pending", "no_root_cause")


def _sep() -> str:
    return "；" if lang() == "zh" else "; "


def complaints_section(fig: Figures) -> Section:
    c, s = fig.complaints, Section(t("rpt_sec_complaints"))
    sm, open_now, as_of = c["summary"], c["open"], fmt.minute(fig.meta["as_of"])
    received = [
        ("cp_received", "complaints"),
        ("cp_with_root_cause", "with_root_cause"),
        ("cp_justified", "justified"),
        ("cp_recurrences", "recurrences"),
    ]
    rows = [[t(k), fmt.count(sm.get(v, 0))] for k, v in received]
    # open, overdue and serious open at the as-of time, any period received: the Complaints page's figures
    rows += [
        [t("rpt_cp_open_at", as_of=as_of), fmt.count(len(open_now))],
        [t("rpt_cp_overdue_at", as_of=as_of), fmt.count(len(c["overdue"]))],
        [t("rpt_cp_serious_open_at", as_of=as_of), fmt.count(int((open_now["severity"] == "serious").sum()))],
    ]
    s.add(Table([t("rpt_item"), t("rpt_count")], rows, [3, 1.2], "LR", title=t("rpt_cp_counts")))
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
    open_capas = c["open_capas"]
    if len(open_capas):
        s.add(
            Table(
                [
                    t("cp_col_complaint_id"),
                    t("cp_col_capa_status"),
                    t("cp_capa_owner"),
                    t("due_at"),
                    t("cp_capa_days_overdue"),
                    t("cp_root_cause"),
                ],
                [
                    [
                        str(r["complaint_id"]),
                        ui.label("capa", r["capa_status"]),
                        "—" if ui.missing(r["capa_owner"]) else str(r["capa_owner"]),
                        fmt.day(r["capa_due_at"]),
                        fmt.number(r["days_overdue"]) if r["capa_status"] == "overdue" else "—",
                        ui.root_cause_label(r["root_cause_category"], r["name_zh"]),
                    ]
                    for _, r in open_capas.head(LIST_LIMIT).iterrows()
                ],
                [1.4, 1.2, 1.3, 1.3, 1.2, 1.6],
                "LLLLRL",
                title=t("rpt_cp_open_capas", as_of=as_of, n=fmt.count(len(open_capas))),
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
                t("rpt_capa_before"),
                t("rpt_capa_after"),
                t("rpt_capa_ratio"),
                t("rpt_capa_upper"),
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
                    ui.ratio_text(r["ratio_high"]),
                    t("capa_verdict_" + r["verdict"]),
                    ui.yes_no(r["capa_effective"])
                    + ("" if ui.missing(r["disagreement"]) else " · " + t(f"capa_dis_{r['disagreement']}")),
                ]
                for _, r in effect.head(LIST_LIMIT).iterrows()
            ],
            [1.0, 1.4, 0.9, 1.0, 0.8, 0.8, 0.7, 1.0, 1.8, 1.4],
            "LLLLRRRRLL",
            title=t("rpt_cp_capa_effect"),
        )
    )
    return s
