"""Costs (服务成本, SPEC §7.6): the monthly after-sales statistics of the filtered period —
installations and dispatches (person-times = visits, person-days), labour, travel, material,
transport and total cost, free (in warranty) vs paid — by month and ticket type, with downloads and
a per-month drill-down into the tickets. A ticket's month is that of resolved_at, else reported_at."""

import pandas as pd
import streamlit as st

from dashboard import charts, data, ui
from dashboard.i18n import t
from dashboard.report.downloads import monthly_download

COSTS = ("labor_cost", "travel_cost", "material_cost", "transport_cost")
MONEY = ui.MONEY
DAYS = st.column_config.NumberColumn(format="%.1f")  # person-days, one decimal
DRILL_LIMIT = 5000

ident, f = st.session_state.get("ident"), st.session_state.get("filters")
st.header(t("page_costs"))
if ident is None or f is None or f.start is None:
    ui.empty()
    st.stop()

st.caption(ui.range_caption(f) + (" · " + t("owner_not_applied") if f.dim(data.OWNER) else ""))
costs = data.service_costs(ident, f)
if costs.empty:
    ui.empty_for(ident, f)
    st.stop()
st.caption(t("cost_note_filtered" if f.has_dims else "cost_note"))
monthly_download(f.end, f)  # the monthly statistics (XLSX) of the range's last month, these filters
costs["period"] = ui.month_text(costs["month"])
costs["type"] = ui.mapped(costs["ticket_type"], lambda v: ui.label("ttype", v))
install = costs["ticket_type"] == "installation"


# ---- monthly statistics: installations and dispatches, costs, free vs paid
def _sum(frame: pd.DataFrame, cols) -> pd.DataFrame:
    return frame.groupby("period", sort=True)[list(cols)].sum()


months = _sum(costs, ("tickets", "visits", "person_days", *COSTS, "total_cost", "free_tickets", "paid_tickets"))
inst = _sum(costs[install], ("tickets", "visits", "person_days")).reindex(months.index, fill_value=0)
disp = _sum(costs[~install], ("tickets", "visits", "person_days")).reindex(months.index, fill_value=0)
monthly = pd.DataFrame(
    {
        "period": months.index,
        "inst_tickets": inst["tickets"].to_numpy(),
        "inst_visits": inst["visits"].to_numpy(),
        "inst_days": inst["person_days"].to_numpy(),
        "disp_tickets": disp["tickets"].to_numpy(),
        "disp_visits": disp["visits"].to_numpy(),
        "disp_days": disp["person_days"].to_numpy(),
        **{c: months[c].to_numpy() for c in (*COSTS, "total_cost", "tickets", "free_tickets", "paid_tickets")},
    }
)
monthly["unknown_warranty"] = monthly["tickets"] - monthly["free_tickets"] - monthly["paid_tickets"]

total = monthly.drop(columns="period").sum()
st.subheader(t("cost_totals", period=ui.range_text(f)))
c = st.columns(3) + st.columns(3)
c[0].metric(
    t("cost_installations"),
    f"{int(total['inst_tickets']):,}",
    border=True,
    help=t("cost_visits_days", visits=f"{int(total['inst_visits']):,}", days=f"{total['inst_days']:,.1f}"),
)
c[0].caption(t("cost_visits_days", visits=f"{int(total['inst_visits']):,}", days=f"{total['inst_days']:,.1f}"))
c[1].metric(
    t("cost_dispatches"),
    f"{int(total['disp_tickets']):,}",
    border=True,
    help=t("cost_visits_days", visits=f"{int(total['disp_visits']):,}", days=f"{total['disp_days']:,.1f}"),
)
c[1].caption(t("cost_visits_days", visits=f"{int(total['disp_visits']):,}", days=f"{total['disp_days']:,.1f}"))
c[2].metric(t("cost_total"), t("cost_money", v=f"{total['total_cost']:,.0f}"), border=True)
c[3].metric(t("cost_material"), t("cost_money", v=f"{total['material_cost']:,.0f}"), border=True)
c[4].metric(t("cost_free"), f"{int(total['free_tickets']):,}", border=True)
c[5].metric(t("cost_paid"), f"{int(total['paid_tickets']):,}", border=True)
if total["unknown_warranty"]:
    st.caption(t("cost_unknown_warranty", n=int(total["unknown_warranty"])))

long = costs.melt(id_vars=["period"], value_vars=list(COSTS), var_name="kind", value_name="amount")
long = long.groupby(["kind", "period"], sort=False, as_index=False)["amount"].sum()
long["kind"] = ui.mapped(long["kind"], lambda v: t(f"cost_{v}"))
st.plotly_chart(
    charts.bars(
        long,
        "period",
        "amount",
        {
            "title": t("cost_by_month"),
            "x_title": t("month"),
            "y_title": t("cost_amount"),
            "period": t("month"),
            "amount": t("cost_amount"),
            "no_data": t("no_data"),
        },
        color="kind",
        barmode="stack",
    ),
    key="cost_stack_chart",
)

left, right = st.columns(2)
with left:
    wp = monthly.melt(
        id_vars=["period"], value_vars=["free_tickets", "paid_tickets"], var_name="kind", value_name="count"
    )
    wp["kind"] = ui.mapped(wp["kind"], lambda v: t("cost_free" if v == "free_tickets" else "cost_paid"))
    st.plotly_chart(
        charts.bars(
            wp,
            "period",
            "count",
            {
                "title": t("cost_free_vs_paid"),
                "x_title": t("month"),
                "y_title": t("cost_tickets"),
                "period": t("month"),
                "count": t("cost_tickets"),
                "no_data": t("no_data"),
            },
            color="kind",
            barmode="stack",
        ),
        key="cost_warranty_chart",
    )
with right:
    st.plotly_chart(
        charts.bars(
            costs,
            "period",
            "visits",
            {
                "title": t("cost_visits_by_type"),
                "x_title": t("month"),
                "y_title": t("cost_visits"),
                "period": t("month"),
                "visits": t("cost_visits"),
                "no_data": t("no_data"),
            },
            color="type",
            barmode="stack",
        ),
        key="cost_visits_chart",
    )

# ---- the monthly table (the report's rows), with a drill-down into one month's tickets
st.subheader(t("cost_monthly_table"))
st.caption(t("cost_pick_month"))
shown = pd.DataFrame(
    {
        t("month"): monthly["period"],
        t("cost_inst_tickets"): monthly["inst_tickets"],
        t("cost_inst_visits"): monthly["inst_visits"],
        t("cost_inst_days"): monthly["inst_days"],
        t("cost_disp_tickets"): monthly["disp_tickets"],
        t("cost_disp_visits"): monthly["disp_visits"],
        t("cost_disp_days"): monthly["disp_days"],
        **{t(f"cost_{c_}"): monthly[c_] for c_ in COSTS},
        t("cost_total"): monthly["total_cost"],
        t("cost_free"): monthly["free_tickets"],
        t("cost_paid"): monthly["paid_tickets"],
    }
)
money = {
    t(k): MONEY
    for k in ("cost_labor_cost", "cost_travel_cost", "cost_material_cost", "cost_transport_cost", "cost_total")
} | {t(k): DAYS for k in ("cost_inst_days", "cost_disp_days", "cost_person_days")}
picked = ui.table(shown, "costs_by_month", "cost_monthly", select=True, column_config=money)

if picked is not None:
    period = monthly["period"].iloc[picked]
    month = pd.Timestamp(f"{period}-01").date()
    types = [None, *sorted(costs.loc[costs["period"] == period, "ticket_type"].unique())]
    ttype = st.selectbox(
        t("cost_ticket_type"),
        types,
        format_func=lambda v: t("all") if v is None else ui.label("ttype", v),
        key="cost_drill_type",
    )
    st.text(t("cost_tickets_of", month=period))
    tickets = data.cost_tickets(ident, f, month, ttype, DRILL_LIMIT)
    n_all = int(
        costs.loc[(costs["period"] == period) & ((costs["ticket_type"] == ttype) if ttype else True), "tickets"].sum()
    )
    if len(tickets) >= DRILL_LIMIT:
        st.caption(t("cost_drill_limited", shown=DRILL_LIMIT, n=n_all))
    if tickets.empty:
        ui.empty()
    else:
        tickets["ticket_type"] = ui.mapped(tickets["ticket_type"], lambda v: ui.label("ttype", v))
        tickets["in_warranty"] = ui.mapped(tickets["in_warranty"], ui.yes_no)
        tickets["status"] = ui.mapped(tickets["status"], lambda v: ui.label("tstatus", v))
        ui.table(
            tickets.rename(columns=lambda col: t(f"cost_col_{col}")),
            f"tickets_{period}",
            "cost_drill",
            column_config={t(f"cost_col_{k}"): MONEY for k in (*COSTS, "total_cost")}
            | {t("cost_col_person_days"): DAYS},
        )

st.subheader(t("cost_by_type_table"))
detail = pd.DataFrame(
    {
        t("month"): costs["period"],
        t("cost_ticket_type"): costs["type"],
        t("cost_tickets"): costs["tickets"],
        t("cost_visits"): costs["visits"],
        t("cost_person_days"): costs["person_days"],
        **{t(f"cost_{c_}"): costs[c_] for c_ in COSTS},
        t("cost_total"): costs["total_cost"],
        t("cost_free"): costs["free_tickets"],
        t("cost_paid"): costs["paid_tickets"],
    }
)
ui.table(detail, "service_costs_by_type", "cost_by_type", column_config=money)
