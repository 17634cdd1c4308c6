"""KPI queries (SPEC §4, §7.1–§7.3): the settings, successes and events per period, the published
scorecard, the events behind a number, a KPI per unit and a department's failed events."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data import connection
from dashboard.data.connection import CACHE
from dashboard.data.filters import DIMENSIONS, KPI_DIMENSIONS, OWNER, Filters, where


@st.cache_data(**CACHE)
def kpi_settings(ident: tuple, f: Filters) -> pd.DataFrame:
    """The configured KPIs the viewer's scope holds (a department manager: those their departments
    own) and the owner-department filter selects."""
    clause, params = where(f, "settings_kpi", month=None, dims=(OWNER,))
    return connection.run(ident, f"select * from settings_kpi where {clause} order by sort_order", params)


@st.cache_data(**CACHE)
def kpi_rates(ident: tuple, f: Filters, grain: str = "quarter") -> pd.DataFrame:
    """Successes and events per period (month or quarter) and KPI under the filters.
    Rates and intervals are computed by the caller with dashboard.stats (SPEC §8)."""
    assert grain in ("month", "quarter")
    clause, params = where(f, "kpi_cube", dims=KPI_DIMENSIONS, alias="e")
    return connection.run(
        ident,
        f"""
        select e.{grain} as period, e.kpi, k.owner_department, k.target, k.weight, k.name_zh, k.name_en,
               k.sort_order, sum(e.successes)::bigint as successes, sum(e.events)::bigint as n
        from kpi_cube e join settings_kpi k on k.kpi = e.kpi
        where {clause}
        group by all order by period, k.sort_order""",
        params,
    )


@st.cache_data(**CACHE)
def scorecard(ident: tuple, f: Filters, quarter: str) -> pd.DataFrame:
    """The published quarterly scorecard (no dimension filter), composite row included, of the KPIs
    in the viewer's scope (the composite row belongs to no department)."""
    clause, params = where(f, "scorecard_quarterly", month=None, dims=())
    return connection.run(
        ident,
        f"select * from scorecard_quarterly where quarter = ? and {clause} order by sort_order nulls first",
        [quarter, *params],
    )


EVENT_SELECT = """
        select e.event_id, e.kpi, e.success, e.settled_at, e.happened_at, e.due_at, e.month, e.quarter,
               e.owner_department, e.customer_id, c.customer_name, e.ticket_id, e.serial_no, e.repeat_ticket_id,
               e.region, e.service_center, e.technician, e.product_line, e.customer_tier, e.channel
        from kpi_events e left join customers c on c.customer_id = e.customer_id"""


@st.cache_data(**CACHE)
def events(
    ident: tuple,
    f: Filters,
    kpi: str | tuple[str, ...],
    group: str | None = None,
    value: str | None = None,
    period: str | None = None,
    limit: int = 5000,
) -> pd.DataFrame:
    """The events behind a KPI number (or behind the composite: a tuple of KPIs), failures first,
    with the customer, and for first-time fix the unit and the repeat repair that failed it (drill-down)."""
    clause, params = where(f, "kpi_events", dims=KPI_DIMENSIONS, alias="e")
    if isinstance(kpi, tuple):
        clause += " and e.kpi in (select unnest(?::varchar[]))"
        params.append(list(kpi))
    else:
        clause += " and e.kpi = ?"
        params.append(kpi)
    if group:
        assert group in DIMENSIONS + ("technician", "owner_department")
        clause += f" and e.{group} is not distinct from ?"
        params.append(value)
    if period:
        clause += " and (e.quarter = ? or strftime(e.month, '%Y-%m') = ?)"
        params += [period, period]
    return connection.run(
        ident,
        f"""{EVENT_SELECT}
        where {clause}
        order by e.success, e.settled_at desc, e.kpi, e.event_id limit ?""",
        params + [limit],
    )


BREAKDOWNS = ("region", "service_center", "technician", "product_line")


@st.cache_data(**CACHE)
def kpi_breakdown(ident: tuple, f: Filters, kpi: str, group: str, limit: int = 2000) -> pd.DataFrame:
    """Successes and events of one KPI per unit of `group` (region, service centre, technician or
    product line) under the filters, largest units first; events without a value form the null unit."""
    assert group in BREAKDOWNS
    clause, params = where(f, "kpi_events", dims=KPI_DIMENSIONS)
    return connection.run(
        ident,
        f"""
        select {group} as unit, count(*) filter (where success) as successes, count(*) as n
        from kpi_events where {clause} and kpi = ?
        group by all order by n desc, unit nulls last limit ?""",
        params + [kpi, limit],
    )


@st.cache_data(**CACHE)
def department_failures(ident: tuple, f: Filters, department: str, limit: int = 5000) -> pd.DataFrame:
    """The failed events of the KPIs a department owns (kpi_events.owner_department), newest first."""
    clause, params = where(f, "kpi_events", dims=KPI_DIMENSIONS, alias="e")
    return connection.run(
        ident,
        f"""{EVENT_SELECT}
        where {clause} and not e.success and e.owner_department = ?
        order by e.settled_at desc, e.event_id limit ?""",
        params + [department, limit],
    )
