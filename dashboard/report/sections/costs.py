"""The costs section of the quarterly report (SPEC §7.6): the monthly after-sales statistics."""

from __future__ import annotations

import pandas as pd

from dashboard import charts
from dashboard.i18n import t
from dashboard.report import fmt
from dashboard.report.model import Chart, Section, Table, Text
from dashboard.report.quarterly import Figures

COSTS = ("labor_cost", "travel_cost", "material_cost", "transport_cost")


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
