"""Complaint queries (SPEC §7.4, §8). Complaints are in the period of the month they were
received (complaints.month); open / overdue are as of the warehouse's as-of time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data import connection
from dashboard.data.connection import CACHE
from dashboard.data.filters import KPI_DIMENSIONS, Filters, where
from dashboard.data.scope import masked, resolve

SEVERITY_ORDER = "case severity when 'serious' then 0 when 'general' then 1 else 2 end"


COMPLAINT_LIST_BY = ("root_cause_category", "category", "severity", "responsible_department")


COMPLAINT_KPIS = ("complaint_satisfaction", "complaint_closure_timeliness", "capa_timeliness")


def _complaint_summary(run, f: Filters) -> dict:
    clause, params = where(f, "complaints")
    row = run(
        f"""
        select count(*) as complaints, count(root_cause_category) as with_root_cause,
               count_if(justified) as justified, count_if(is_recurrence) as recurrences,
               count_if(is_open) as open, count_if(is_overdue) as overdue,
               count_if(is_open and severity = 'serious') as serious_open
        from complaints where {clause}""",
        params,
    ).iloc[0]
    return {k: 0 if pd.isna(v) else int(v) for k, v in row.items()}  # count_if over no rows is null


def _complaint_pareto(run, f: Filters) -> pd.DataFrame:
    clause, params = where(f, "complaints")
    return run(
        f"""
        with counts as (
            select root_cause_category, count(*) as complaints
            from complaints where {clause} and root_cause_category is not null group by all
        ), ranked as (
            select *, row_number() over (order by complaints desc, root_cause_category) as rank,
                   sum(complaints) over () as total
            from counts
        )
        select r.rank, r.root_cause_category, s.name_zh, r.complaints, r.complaints / r.total as share,
               sum(r.complaints) over (order by r.rank rows between unbounded preceding and current row)
                   / r.total as cumulative_share
        from ranked r left join settings_root_causes s on s.root_cause_category = r.root_cause_category
        order by r.rank""",
        params,
    )


def _complaint_matrix(run, f: Filters) -> pd.DataFrame:
    clause, params = where(f, "complaints")
    return run(
        f"""
        select category, coalesce(responsible_department, '') as department, count(*) as complaints
        from complaints where {clause} group by all order by complaints desc, category, department""",
        params,
    )


def _complaint_severity(run, f: Filters) -> pd.DataFrame:
    clause, params = where(f, "complaints")
    return run(
        f"""
        select month, severity, count(*) as complaints
        from complaints where {clause} group by month, severity order by month, {SEVERITY_ORDER}""",
        params,
    )


def _complaint_rate(run, f: Filters) -> pd.DataFrame:
    # the complaint_rate_monthly mart has the same definition; a rate over tickets, which belong to
    # no department, is nobody's: a viewer scoped to departments reads the mart and gets no rows
    if not f.has_dims or resolve(f.scope).departments is not None:
        clause, params = where(f, "complaint_rate_monthly", dims=())
        return run(
            f"""select month, complaints, tickets from complaint_rate_monthly where {clause}
                       order by month""",
            params,
        )
    clause, params = where(f, "complaints")
    ticket_clause, ticket_params = where(f, "tickets")
    return run(
        f"""
        with c as (select month, count(*) as complaints from complaints where {clause} group by all),
             k as (select month, count(*) as tickets from tickets where not is_cancelled and {ticket_clause}
                   group by all)
        select coalesce(k.month, c.month) as month, coalesce(c.complaints, 0) as complaints,
               coalesce(k.tickets, 0) as tickets
        from k full outer join c on c.month = k.month
        order by month""",
        params + ticket_params,
    )


def _open_complaints(run, f: Filters, limit: int) -> pd.DataFrame:
    clause, params = where(f, "complaints", month=None)
    return run(
        f"""
        select complaint_id, received_at, severity, category, is_overdue, due_at,
               epoch((select as_of from meta_build) - received_at) / 86400.0 as days_open,
               responsible_department, customer_name, region, service_center, product_model, description
        from complaints where {clause} and is_open
        order by {SEVERITY_ORDER}, is_overdue desc, due_at, complaint_id limit ?""",
        params + [limit],
    ).pipe(masked, f.scope)


def _capa_status_counts(run, f: Filters) -> pd.DataFrame:
    clause, params = where(f, "complaints")
    return run(
        f"""
        select capa_status, count(*) as complaints
        from complaints where {clause} and capa_status is not null group by all""",
        params,
    )


def _open_capas(run, f: Filters, limit: int) -> pd.DataFrame:
    clause, params = where(f, "complaints", month=None, alias="c")
    return run(
        f"""
        select c.complaint_id, c.capa_status, c.capa_owner, c.capa_due_at,
               greatest(0, epoch((select as_of from meta_build) - c.capa_due_at) / 86400.0) as days_overdue,
               c.capa_action, c.root_cause_category, s.name_zh, c.product_model, c.responsible_department,
               c.received_at
        from complaints c left join settings_root_causes s on s.root_cause_category = c.root_cause_category
        where {clause} and c.capa_status in ('open', 'overdue')
        order by c.capa_status = 'overdue' desc, c.capa_due_at nulls last, c.complaint_id limit ?""",
        params + [limit],
    ).pipe(masked, f.scope)


def _capa_effect(run, f: Filters) -> pd.DataFrame:
    period, p1 = where(f, "capa_effect", month="cast(date_trunc('month', e.capa_done_at) as date)", dims=(), alias="e")
    dims, p2 = where(f, "complaints", month=None, alias="c")
    join = "join complaints c on c.complaint_id = e.complaint_id" if f.has_dims else ""
    return run(
        f"""
        select e.complaint_id, e.root_cause_category, s.name_zh, e.product_model, e.responsible_department,
               e.capa_action, e.capa_owner, e.capa_due_at, e.capa_done_at, e.capa_effective, e.window_days,
               e.complaints_before, e.complaints_answered, e.complaints_after, e.after_until, e.is_pending,
               e.after_days_observed
        from capa_effect e {join}
        left join settings_root_causes s on s.root_cause_category = e.root_cause_category
        where {period} and {dims if f.has_dims else "true"}
        order by e.capa_done_at desc, e.complaint_id limit 5000""",
        p1 + (p2 if f.has_dims else []),
    ).pipe(masked, f.scope)


def _complaint_close_times(run, f: Filters, by: str) -> pd.DataFrame:
    assert by in ("month", "category")
    clause, params = where(f, "complaints")
    return run(
        f"""
        select {by} as grp, count(*) as n, avg(days_to_close) as mean,
               quantile_cont(days_to_close, 0.25) as p25, median(days_to_close) as median,
               quantile_cont(days_to_close, 0.75) as p75, quantile_cont(days_to_close, 0.9) as p90,
               max(days_to_close) as max
        from complaints where {clause} and days_to_close is not null group by all order by grp""",
        params,
    )


def _recurring_causes(run, f: Filters, limit: int) -> pd.DataFrame:
    clause, params = where(f, "complaints", alias="c")
    return run(
        f"""
        select c.root_cause_category, s.name_zh, c.product_model, count(*) as complaints,
               cast(count_if(c.is_recurrence) as bigint) as recurrences, max(c.received_at) as last_received_at
        from complaints c left join settings_root_causes s on s.root_cause_category = c.root_cause_category
        where {clause} and c.root_cause_category is not null
        group by all having count_if(c.is_recurrence) > 0
        order by recurrences desc, complaints desc, c.root_cause_category, c.product_model limit ?""",
        params + [limit],
    )


def _complaint_list(run, f: Filters, by: str | None, value, limit: int) -> pd.DataFrame:
    clause, params = where(f, "complaints")
    if by:
        assert by in COMPLAINT_LIST_BY
        clause += f" and {by} is not distinct from ?"
        params = params + [value]
    return run(
        f"""
        select complaint_id, received_at, category, severity, justified, responsible_department,
               root_cause_category, root_cause, product_line, product_model, description, due_at, finished_at,
               is_open, is_overdue, days_to_close, is_recurrence, capa_status, capa_action, followup_result,
               customer_name, region, service_center, channel
        from complaints where {clause}
        order by received_at desc, complaint_id limit ?""",
        params + [limit],
    ).pipe(masked, f.scope)


def _kpi_totals(run, f: Filters, kpis: tuple[str, ...]) -> pd.DataFrame:
    """Settings of `kpis` (settings order) with their successes and events summed over the filtered
    range from kpi_cube; successes / n are 0 for a KPI without events."""
    clause, params = where(f, "kpi_cube", dims=KPI_DIMENSIONS)
    owned, owned_params = where(f, "settings_kpi", month=None, dims=(), alias="k")
    return run(
        f"""
        with e as (select kpi, sum(successes)::bigint as successes, sum(events)::bigint as n
                   from kpi_cube where {clause} and kpi in (select unnest(?::varchar[])) group by all)
        select k.kpi, k.owner_department, k.target, k.weight, k.name_zh, k.name_en, k.sort_order,
               coalesce(e.successes, 0) as successes, coalesce(e.n, 0) as n
        from settings_kpi k left join e on e.kpi = k.kpi
        where k.kpi in (select unnest(?::varchar[])) and {owned} order by k.sort_order""",
        params + [list(kpis), list(kpis)] + owned_params,
    )


@st.cache_data(**CACHE)
def complaints_view(ident: tuple, f: Filters, list_limit: int = 1000) -> dict:
    """Everything the Complaints page shows by default (queries in parallel): summary, pareto, matrix,
    severity, rate, open, capa_status, capa_effect, open_capas, close_month, close_category, recurring, list
    (the latest `list_limit` complaints) and kpis (the complaint KPIs over the range)."""
    return connection.run_parallel(
        ident,
        {
            "list": lambda run: _complaint_list(run, f, None, None, list_limit),
            "open": lambda run: _open_complaints(run, f, 5000),
            "kpis": lambda run: _kpi_totals(run, f, COMPLAINT_KPIS),
            "summary": lambda run: _complaint_summary(run, f),
            "pareto": lambda run: _complaint_pareto(run, f),
            "matrix": lambda run: _complaint_matrix(run, f),
            "severity": lambda run: _complaint_severity(run, f),
            "rate": lambda run: _complaint_rate(run, f),
            "capa_status": lambda run: _capa_status_counts(run, f),
            "capa_effect": lambda run: _capa_effect(run, f),
            "open_capas": lambda run: _open_capas(run, f, 5000),
            "close_month": lambda run: _complaint_close_times(run, f, "month"),
            "close_category": lambda run: _complaint_close_times(run, f, "category"),
            "recurring": lambda run: _recurring_causes(run, f, 500),
        },
    )


@st.cache_data(**CACHE)
def complaint_summary(ident: tuple, f: Filters) -> dict:
    """Counts of the complaints received in the filtered period."""
    return _complaint_summary(connection.single(ident), f)


@st.cache_data(**CACHE)
def complaint_pareto(ident: tuple, f: Filters) -> pd.DataFrame:
    """Root causes of the filtered complaints, ranked as the complaint_pareto mart does (count
    descending, ties by category id), with share, cumulative share and the Chinese name."""
    return _complaint_pareto(connection.single(ident), f)


@st.cache_data(**CACHE)
def complaint_matrix(ident: tuple, f: Filters) -> pd.DataFrame:
    """Complaints per category × responsible department (null department: empty text)."""
    return _complaint_matrix(connection.single(ident), f)


@st.cache_data(**CACHE)
def complaint_severity(ident: tuple, f: Filters) -> pd.DataFrame:
    """Complaints per month of receipt × severity."""
    return _complaint_severity(connection.single(ident), f)


@st.cache_data(**CACHE)
def complaint_rate(ident: tuple, f: Filters) -> pd.DataFrame:
    """Complaint rate per month (SPEC §4): complaints received / non-cancelled tickets reported,
    both under the filters (the dimensions of each record)."""
    return _complaint_rate(connection.single(ident), f)


@st.cache_data(**CACHE)
def open_complaints(ident: tuple, f: Filters, limit: int = 5000) -> pd.DataFrame:
    """Complaints open at the as-of time under the dimension filters (any period): serious first,
    overdue first, then by due time."""
    return _open_complaints(connection.single(ident), f, limit)


@st.cache_data(**CACHE)
def capa_status_counts(ident: tuple, f: Filters) -> pd.DataFrame:
    """CAPA status (open, overdue, done, verified_effective) of the filtered complaints with a CAPA."""
    return _capa_status_counts(connection.single(ident), f)


@st.cache_data(**CACHE)
def capa_effect(ident: tuple, f: Filters) -> pd.DataFrame:
    """Completed CAPAs (capa_effect mart) done in the filtered period, under the dimension filters
    of their complaint: before / after counts, window and observed days, pending flag."""
    return _capa_effect(connection.single(ident), f)


@st.cache_data(**CACHE)
def open_capas(ident: tuple, f: Filters, limit: int = 5000) -> pd.DataFrame:
    """CAPAs not done at the as-of time under the dimension filters (any period), overdue first:
    owner, due date and days overdue."""
    return _open_capas(connection.single(ident), f, limit)


@st.cache_data(**CACHE)
def complaint_close_times(ident: tuple, f: Filters, by: str) -> pd.DataFrame:
    """Days from receipt to closing (closed_at, else resolved_at) of the filtered complaints that
    are finished, per month of receipt or per category: n, mean and quartiles."""
    return _complaint_close_times(connection.single(ident), f, by)


@st.cache_data(**CACHE)
def recurring_causes(ident: tuple, f: Filters, limit: int = 500) -> pd.DataFrame:
    """Root cause × product model of the filtered complaints with recurrences (complaints.is_recurrence)."""
    return _recurring_causes(connection.single(ident), f, limit)


@st.cache_data(**CACHE)
def complaint_list(
    ident: tuple, f: Filters, by: str | None = None, value: str | None = None, limit: int = 5000
) -> pd.DataFrame:
    """The filtered complaints (optionally those with `by` = `value`), newest first (drill-down)."""
    return _complaint_list(connection.single(ident), f, by, value, limit)
