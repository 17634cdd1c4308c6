"""Cost queries (SPEC §7.6): the monthly after-sales statistics and the tickets behind a month.
The month of a ticket's costs is that of resolved_at, else reported_at."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data import connection
from dashboard.data.connection import CACHE
from dashboard.data.filters import Filters, ts_range, where

COST_MONTH = "cast(date_trunc('month', coalesce(resolved_at, reported_at)) as date)"


COST_COLUMNS = (
    "tickets",
    "visits",
    "person_days",
    "labor_cost",
    "travel_cost",
    "material_cost",
    "transport_cost",
    "total_cost",
    "free_tickets",
    "paid_tickets",
)


@st.cache_data(**CACHE)
def service_costs(ident: tuple, f: Filters) -> pd.DataFrame:
    """Month × ticket type after-sales statistics: the service_costs_monthly mart when no dimension
    filter is set, else the same columns from the tickets mart grouped in SQL."""
    if not f.has_dims:
        clause, params = where(f, "service_costs_monthly", dims=())
        return connection.run(
            ident,
            f"""
            select month, ticket_type, tickets, cast(visits as bigint) as visits,
                   cast(person_days as double) as person_days, cast(labor_cost as double) as labor_cost,
                   cast(travel_cost as double) as travel_cost, cast(material_cost as double) as material_cost,
                   cast(transport_cost as double) as transport_cost, cast(total_cost as double) as total_cost,
                   cast(free_tickets as bigint) as free_tickets, cast(paid_tickets as bigint) as paid_tickets
            from service_costs_monthly where {clause} order by month, ticket_type""",
            params,
        )
    period, p1 = ts_range(f, "coalesce(resolved_at, reported_at)")
    dims, p2 = where(f, "tickets", month=None)
    return connection.run(
        ident,
        f"""
        select {COST_MONTH} as month, ticket_type, count(*) as tickets,
               cast(coalesce(sum(visit_count), 0) as bigint) as visits,
               cast(coalesce(sum(person_days), 0) as double) as person_days,
               cast(coalesce(sum(labor_cost), 0) as double) as labor_cost,
               cast(coalesce(sum(travel_cost), 0) as double) as travel_cost,
               cast(coalesce(sum(material_cost), 0) as double) as material_cost,
               cast(coalesce(sum(transport_cost), 0) as double) as transport_cost,
               cast(coalesce(sum(labor_cost), 0) + coalesce(sum(travel_cost), 0) + coalesce(sum(material_cost), 0)
                    + coalesce(sum(transport_cost), 0) as double) as total_cost,
               count_if(in_warranty) as free_tickets, count_if(not in_warranty) as paid_tickets
        from tickets where not is_cancelled and {period} and {dims}
        group by all order by month, ticket_type""",
        p1 + p2,
    )


@st.cache_data(**CACHE)
def cost_tickets(ident: tuple, f: Filters, month, ticket_type: str | None = None, limit: int = 5000) -> pd.DataFrame:
    """The non-cancelled tickets of one cost month (and ticket type) under the dimension filters,
    highest total cost first (picked on a few columns, then only those read in full)."""
    clause, params = where(f, "tickets", month=None)
    # the month as a range on the timestamps (prunable), and reported_at can never be later than it
    clause += (
        " and coalesce(resolved_at, reported_at) >= ?::date"
        " and coalesce(resolved_at, reported_at) < ?::date + interval 1 month"
        " and reported_at < ?::date + interval 1 month"
    )
    params = params + [month, month, month]
    if ticket_type:
        clause += " and ticket_type = ?"
        params.append(ticket_type)
    return connection.run(
        ident,
        f"""
        with top as (select ticket_id as key from tickets where not is_cancelled and {clause}
                     order by total_cost desc nulls last, ticket_id limit ?)
        select ticket_id, ticket_type, reported_at, resolved_at, status, in_warranty, customer_name, region,
               service_center, technician, product_line, product_model, visit_count, person_days,
               labor_cost, travel_cost, material_cost, transport_cost, total_cost
        from tickets where ticket_id in (select key from top)
        order by total_cost desc nulls last, ticket_id""",
        params + [limit],
    )
