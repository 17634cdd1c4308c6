"""Every query the dashboard runs (SPEC §7, STYLE): read-only, values bound as parameters,
cached with bounds and keyed on the identity of the warehouse file.

Each query opens a fresh in-memory DuckDB and ATTACHes the warehouse read-only. A top-level
`duckdb.connect(path)` would go through DuckDB's per-process instance cache and could hand back a
database that a newer build has since replaced (SPEC §2); an attached file is opened anew.
Cache keys include (inode, mtime, size) of the file, so a newly published warehouse is read at the
next interaction.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from pipelines.settings import data_dir

DIMENSIONS = ("region", "service_center", "product_line", "customer_tier", "channel")
CACHE = {"ttl": 3600, "max_entries": 256, "show_spinner": False}


@dataclass(frozen=True)
class Filters:
    """The sidebar selection. start/end are first days of months; empty dimension tuples mean all."""

    kind: str = "quarter"  # month | quarter
    start: date | None = None
    end: date | None = None
    dims: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)

    def dim(self, name: str) -> tuple[str, ...]:
        return dict(self.dims).get(name, ())

    @property
    def has_dims(self) -> bool:
        return any(values for _, values in self.dims)


def warehouse_path() -> Path:
    return data_dir() / "warehouse.duckdb"


def identity() -> tuple | None:
    """Identity of the published warehouse on disk; changes when a build publishes a new file."""
    path = warehouse_path()
    try:
        s = os.stat(path)
    except FileNotFoundError:
        return None
    return (str(path), s.st_ino, s.st_mtime_ns, s.st_size)


def _run(ident: tuple, sql: str, params: list | None = None) -> pd.DataFrame:
    con = duckdb.connect()
    try:
        path = ident[0].replace("'", "''")  # ATTACH takes no parameters; the path is ours, not user text
        con.execute(f"attach '{path}' as wh (read_only)")
        con.execute("use wh")
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def where(f: Filters, *, month: str | None = "month", dims: tuple[str, ...] = DIMENSIONS,
          alias: str = "") -> tuple[str, list]:
    """A WHERE clause (without the keyword) for the period and dimension filters, with its params."""
    prefix = f"{alias}." if alias else ""
    clauses, params = ["true"], []
    if month and f.start:
        clauses.append(f"{prefix}{month} >= ?")
        params.append(f.start)
    if month and f.end:
        clauses.append(f"{prefix}{month} <= ?")
        params.append(f.end)
    for dim in dims:
        values = f.dim(dim)
        if values:
            clauses.append(f"{prefix}{dim} in (select unnest(?::varchar[]))")
            params.append(list(values))
    return " and ".join(clauses), params


# ---------------------------------------------------------------- build, freshness, choices


@st.cache_data(**CACHE)
def meta(ident: tuple) -> dict:
    """As-of, build time and freshness (last load, newest record) of the warehouse."""
    row = _run(ident, "select m.*, (select max(last_load) from freshness) as last_load, "
                      "(select max(newest_record) from freshness) as newest_record from meta_build m").iloc[0]
    return row.to_dict()


@st.cache_data(**CACHE)
def periods(ident: tuple) -> pd.DataFrame:
    """Months with settled events (and their quarters), oldest first."""
    return _run(ident, "select distinct month, quarter from kpi_cube order by month")


@st.cache_data(**CACHE)
def dimension_values(ident: tuple) -> dict[str, list[str]]:
    """The values each sidebar dimension can take."""
    out = {}
    for dim in DIMENSIONS:
        df = _run(ident, f"select distinct {dim} as v from kpi_cube where {dim} is not null order by v")
        out[dim] = df["v"].tolist()
    return out


@st.cache_data(**CACHE)
def kpi_settings(ident: tuple) -> pd.DataFrame:
    return _run(ident, "select * from settings_kpi order by sort_order")


# ---------------------------------------------------------------- KPI rates


@st.cache_data(**CACHE)
def kpi_rates(ident: tuple, f: Filters, grain: str = "quarter") -> pd.DataFrame:
    """Successes and events per period (month or quarter) and KPI under the filters.
    Rates and intervals are computed by the caller with dashboard.stats (SPEC §8)."""
    assert grain in ("month", "quarter")
    clause, params = where(f)
    return _run(ident, f"""
        select e.{grain} as period, e.kpi, k.owner_department, k.target, k.weight, k.name_zh, k.name_en,
               k.sort_order, sum(e.successes)::bigint as successes, sum(e.events)::bigint as n
        from kpi_cube e join settings_kpi k on k.kpi = e.kpi
        where {clause}
        group by all order by period, k.sort_order""", params)


@st.cache_data(**CACHE)
def scorecard(ident: tuple, quarter: str) -> pd.DataFrame:
    """The published quarterly scorecard (unfiltered), composite row included."""
    return _run(ident, "select * from scorecard_quarterly where quarter = ? order by sort_order nulls first",
                [quarter])


@st.cache_data(**CACHE)
def events(ident: tuple, f: Filters, kpi: str, group: str | None = None, value: str | None = None,
           period: str | None = None, limit: int = 5000) -> pd.DataFrame:
    """The events behind a KPI number, failures first (drill-down)."""
    clause, params = where(f)
    clause += " and kpi = ?"
    params.append(kpi)
    if group:
        assert group in DIMENSIONS + ("technician", "owner_department")
        clause += f" and {group} is not distinct from ?"
        params.append(value)
    if period:
        clause += " and (quarter = ? or strftime(month, '%Y-%m') = ?)"
        params += [period, period]
    return _run(ident, f"""
        select event_id, kpi, success, settled_at, happened_at, due_at, month, quarter, owner_department,
               region, service_center, technician, product_line, customer_tier, channel
        from kpi_events where {clause}
        order by success, settled_at desc limit ?""", params + [limit])


# ---- departments and trends pages (SPEC §7.2, §7.3)

BREAKDOWNS = ("region", "service_center", "technician", "product_line")


@st.cache_data(**CACHE)
def kpi_breakdown(ident: tuple, f: Filters, kpi: str, group: str, limit: int = 2000) -> pd.DataFrame:
    """Successes and events of one KPI per unit of `group` (region, service centre, technician or
    product line) under the filters, largest units first; events without a value form the null unit."""
    assert group in BREAKDOWNS
    clause, params = where(f)
    return _run(ident, f"""
        select {group} as unit, count(*) filter (where success) as successes, count(*) as n
        from kpi_events where {clause} and kpi = ?
        group by all order by n desc, unit nulls last limit ?""", params + [kpi, limit])


@st.cache_data(**CACHE)
def department_failures(ident: tuple, f: Filters, department: str, limit: int = 5000) -> pd.DataFrame:
    """The failed events of the KPIs a department owns (kpi_events.owner_department), newest first."""
    clause, params = where(f)
    return _run(ident, f"""
        select event_id, kpi, success, settled_at, happened_at, due_at, month, quarter, owner_department,
               region, service_center, technician, product_line, customer_tier, channel
        from kpi_events
        where {clause} and not success and owner_department = ?
        order by settled_at desc, event_id limit ?""", params + [department, limit])


# ---- complaints page (SPEC §7.4, §8 CAPA effect). Complaints are in the period of the month they
# were received (complaints.month); open / overdue are as of the warehouse's as-of time.

SEVERITY_ORDER = "case severity when 'serious' then 0 when 'general' then 1 else 2 end"
COMPLAINT_LIST_BY = ("root_cause_category", "category", "severity", "responsible_department")


@st.cache_data(**CACHE)
def complaint_summary(ident: tuple, f: Filters) -> dict:
    """Counts of the complaints received in the filtered period."""
    clause, params = where(f)
    row = _run(ident, f"""
        select count(*) as complaints, count(root_cause_category) as with_root_cause,
               count_if(justified) as justified, count_if(is_recurrence) as recurrences,
               count_if(is_open) as open, count_if(is_overdue) as overdue,
               count_if(is_open and severity = 'serious') as serious_open
        from complaints where {clause}""", params).iloc[0]
    return {k: 0 if pd.isna(v) else int(v) for k, v in row.items()}  # count_if over no rows is null


@st.cache_data(**CACHE)
def complaint_pareto(ident: tuple, f: Filters) -> pd.DataFrame:
    """Root causes of the filtered complaints, ranked as the complaint_pareto mart does (count
    descending, ties by category id), with share, cumulative share and the Chinese name."""
    clause, params = where(f)
    return _run(ident, f"""
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
        order by r.rank""", params)


@st.cache_data(**CACHE)
def complaint_matrix(ident: tuple, f: Filters) -> pd.DataFrame:
    """Complaints per category × responsible department (null department: empty text)."""
    clause, params = where(f)
    return _run(ident, f"""
        select category, coalesce(responsible_department, '') as department, count(*) as complaints
        from complaints where {clause} group by all order by complaints desc, category, department""", params)


@st.cache_data(**CACHE)
def complaint_severity(ident: tuple, f: Filters) -> pd.DataFrame:
    """Complaints per month of receipt × severity."""
    clause, params = where(f)
    return _run(ident, f"""
        select month, severity, count(*) as complaints
        from complaints where {clause} group by month, severity order by month, {SEVERITY_ORDER}""", params)


@st.cache_data(**CACHE)
def complaint_rate(ident: tuple, f: Filters) -> pd.DataFrame:
    """Complaint rate per month (SPEC §4): complaints received / non-cancelled tickets reported,
    both under the filters (the dimensions of each record)."""
    clause, params = where(f)
    return _run(ident, f"""
        with c as (select month, count(*) as complaints from complaints where {clause} group by all),
             k as (select month, count(*) as tickets from tickets where not is_cancelled and {clause} group by all)
        select coalesce(k.month, c.month) as month, coalesce(c.complaints, 0) as complaints,
               coalesce(k.tickets, 0) as tickets
        from k full outer join c on c.month = k.month
        order by month""", params + params)


@st.cache_data(**CACHE)
def open_complaints(ident: tuple, f: Filters, limit: int = 5000) -> pd.DataFrame:
    """Complaints open at the as-of time under the dimension filters (any period): serious first,
    overdue first, then by due time."""
    clause, params = where(f, month=None)
    return _run(ident, f"""
        select complaint_id, received_at, severity, category, is_overdue, due_at,
               epoch((select as_of from meta_build) - received_at) / 86400.0 as days_open,
               responsible_department, customer_name, region, service_center, product_model, description
        from complaints where {clause} and is_open
        order by {SEVERITY_ORDER}, is_overdue desc, due_at, complaint_id limit ?""", params + [limit])


@st.cache_data(**CACHE)
def capa_status_counts(ident: tuple, f: Filters) -> pd.DataFrame:
    """CAPA status (open, overdue, done, verified_effective) of the filtered complaints with a CAPA."""
    clause, params = where(f)
    return _run(ident, f"""
        select capa_status, count(*) as complaints
        from complaints where {clause} and capa_status is not null group by all""", params)


@st.cache_data(**CACHE)
def capa_effect(ident: tuple, f: Filters) -> pd.DataFrame:
    """Completed CAPAs (capa_effect mart) done in the filtered period, under the dimension filters
    of their complaint: before / after counts, window and observed days, pending flag."""
    period, p1 = where(f, month="cast(date_trunc('month', e.capa_done_at) as date)", dims=())
    dims, p2 = where(f, month=None, alias="c")
    return _run(ident, f"""
        select e.complaint_id, e.root_cause_category, s.name_zh, e.product_model, e.responsible_department,
               e.capa_action, e.capa_owner, e.capa_due_at, e.capa_done_at, e.capa_effective, e.window_days,
               e.complaints_before, e.complaints_after, e.after_until, e.is_pending, e.after_days_observed
        from capa_effect e join complaints c on c.complaint_id = e.complaint_id
        left join settings_root_causes s on s.root_cause_category = e.root_cause_category
        where {period} and {dims}
        order by e.capa_done_at desc, e.complaint_id limit 5000""", p1 + p2)


@st.cache_data(**CACHE)
def complaint_close_times(ident: tuple, f: Filters, by: str) -> pd.DataFrame:
    """Days from receipt to closing (closed_at, else resolved_at) of the filtered complaints that
    are finished, per month of receipt or per category: n, mean and quartiles."""
    assert by in ("month", "category")
    clause, params = where(f)
    return _run(ident, f"""
        select {by} as grp, count(*) as n, avg(days_to_close) as mean,
               quantile_cont(days_to_close, 0.25) as p25, median(days_to_close) as median,
               quantile_cont(days_to_close, 0.75) as p75, quantile_cont(days_to_close, 0.9) as p90,
               max(days_to_close) as max
        from complaints where {clause} and days_to_close is not null group by all order by grp""", params)


@st.cache_data(**CACHE)
def recurring_causes(ident: tuple, f: Filters, limit: int = 500) -> pd.DataFrame:
    """Root cause × product model of the filtered complaints with recurrences (complaints.is_recurrence)."""
    clause, params = where(f, alias="c")
    return _run(ident, f"""
        select c.root_cause_category, s.name_zh, c.product_model, count(*) as complaints,
               count_if(c.is_recurrence) as recurrences, max(c.received_at) as last_received_at
        from complaints c left join settings_root_causes s on s.root_cause_category = c.root_cause_category
        where {clause} and c.root_cause_category is not null
        group by all having count_if(c.is_recurrence) > 0
        order by recurrences desc, complaints desc, c.root_cause_category, c.product_model limit ?""",
                params + [limit])


@st.cache_data(**CACHE)
def complaint_list(ident: tuple, f: Filters, by: str | None = None, value: str | None = None,
                   limit: int = 5000) -> pd.DataFrame:
    """The filtered complaints (optionally those with `by` = `value`), newest first (drill-down)."""
    clause, params = where(f)
    if by:
        assert by in COMPLAINT_LIST_BY
        clause += f" and {by} is not distinct from ?"
        params = params + [value]
    return _run(ident, f"""
        select complaint_id, received_at, category, severity, justified, responsible_department,
               root_cause_category, root_cause, product_line, product_model, description, due_at, finished_at,
               is_open, is_overdue, days_to_close, is_recurrence, capa_status, capa_action, followup_result,
               customer_name, region, service_center, channel
        from complaints where {clause}
        order by received_at desc, complaint_id limit ?""", params + [limit])


# ---- satisfaction page (SPEC §7.5). Responses are in the period of the month they were returned
# (survey_responses.month); survey responses carry no channel, so the channel filter does not apply.

SURVEY_DIMS = tuple(d for d in DIMENSIONS if d != "channel")


def _ident_sql(name: str) -> str:
    """A column name from the settings as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@st.cache_data(**CACHE)
def survey_items(ident: tuple) -> pd.DataFrame:
    """The configured items per survey type (settings_survey_items) that survey_responses has as columns."""
    return _run(ident, """
        select s.survey_type, s.item, s.name_zh, s.name_en, s.weight
        from settings_survey_items s
        where s.item in (select column_name from duckdb_columns()
                         where database_name = 'wh' and table_name = 'survey_responses')
        order by s.survey_type desc, s.rowid""")


@st.cache_data(**CACHE)
def survey_monthly(ident: tuple, f: Filters) -> pd.DataFrame:
    """CSI and satisfaction counts per month × survey type: the csi_monthly mart when no dimension
    filter applies, else the same measures computed from survey_responses."""
    if not any(f.dim(d) for d in SURVEY_DIMS):
        clause, params = where(f, dims=())
        return _run(ident, f"""
            select month, survey_type, responses, csi, scored_responses, rated_responses,
                   cast(satisfied_responses as bigint) as satisfied_responses, satisfaction_rate
            from csi_monthly where {clause} order by month, survey_type desc""", params)
    return survey_groups(ident, f, "month")


@st.cache_data(**CACHE)
def survey_groups(ident: tuple, f: Filters, by: str) -> pd.DataFrame:
    """CSI (tier-weighted mean index) and satisfaction counts per `by` (month, customer_tier, or
    all: the whole range) × survey type of the filtered responses, as csi_monthly computes them."""
    assert by in ("month", "customer_tier", "all")
    clause, params = where(f, dims=SURVEY_DIMS)
    return _run(ident, f"""
        select {"'all'" if by == "all" else by} as grp, survey_type, count(*) as responses,
               sum(tier_weight * csi) / sum(tier_weight) filter (where csi is not null) as csi,
               count(csi) as scored_responses, count(overall) as rated_responses,
               cast(count_if(is_satisfied) as bigint) as satisfied_responses,
               count_if(is_satisfied) / nullif(count(overall), 0) as satisfaction_rate
        from survey_responses where {clause} group by all order by grp, survey_type desc""", params).rename(
        columns={"grp": by})


@st.cache_data(**CACHE)
def survey_item_stats(ident: tuple, f: Filters) -> pd.DataFrame:
    """Per survey type and configured item: answers n, mean and sample standard deviation (one scan)."""
    items = survey_items(ident)
    if items.empty:
        return pd.DataFrame(columns=["survey_type", "item", "n", "mean", "sd"])
    names = list(dict.fromkeys(items["item"]))
    aggs = ", ".join(f"count({_ident_sql(c)}) as n{i}, avg({_ident_sql(c)}) as m{i}, stddev_samp({_ident_sql(c)}) as s{i}"
                     for i, c in enumerate(names))
    clause, params = where(f, dims=SURVEY_DIMS)
    wide = _run(ident, f"select survey_type, {aggs} from survey_responses where {clause} group by all", params)
    rows = []
    for _, r in items.iterrows():
        i = names.index(r["item"])
        for _, w in wide[wide["survey_type"] == r["survey_type"]].iterrows():
            rows.append({"survey_type": r["survey_type"], "item": r["item"], "n": int(w[f"n{i}"]),
                         "mean": w[f"m{i}"], "sd": w[f"s{i}"]})
    return pd.DataFrame(rows, columns=["survey_type", "item", "n", "mean", "sd"])


@st.cache_data(**CACHE)
def survey_item_overall(ident: tuple, f: Filters, survey_type: str) -> pd.DataFrame:
    """Frequency table of (item score, overall) per item of one survey type over the filtered
    responses that answered the item (overall null kept as its own value): the whole input of the
    Spearman importance, exact, at most (scale points)² rows per item."""
    items = survey_items(ident)
    names = list(items.loc[items["survey_type"] == survey_type, "item"])
    if not names:
        return pd.DataFrame(columns=["item", "score", "overall", "n"])
    clause, params = where(f, dims=SURVEY_DIMS)
    parts, all_params = [], []
    for c in names:
        parts.append(f"""select ? as item, {_ident_sql(c)} as score, overall, count(*) as n
                         from r where {_ident_sql(c)} is not null group by all""")
        all_params.append(c)
    cols = ", ".join(_ident_sql(c) for c in names)
    return _run(ident, f"""
        with r as materialized (select {cols}, overall from survey_responses where {clause} and survey_type = ?)
        {' union all '.join(parts)} order by item, score, overall""", params + [survey_type] + all_params)


@st.cache_data(**CACHE)
def survey_coverage(ident: tuple, f: Filters) -> pd.DataFrame:
    """Post-service response rate per month: post-service responses returned in the month (survey
    dimensions) / non-cancelled tickets resolved in the month (ticket dimensions). Two counts, no join."""
    rclause, rparams = where(f, dims=SURVEY_DIMS)
    tclause, tparams = where(f, month="cast(date_trunc('month', resolved_at) as date)")
    return _run(ident, f"""
        with r as (select month, count(*) as responses from survey_responses
                   where survey_type = 'post_service' and {rclause} group by all),
             k as (select cast(date_trunc('month', resolved_at) as date) as month, count(*) as tickets
                   from tickets where not is_cancelled and resolved_at is not null and {tclause} group by all)
        select coalesce(k.month, r.month) as month, coalesce(r.responses, 0) as responses,
               coalesce(k.tickets, 0) as tickets
        from k full outer join r on r.month = k.month order by month""", rparams + tparams)


@st.cache_data(**CACHE)
def survey_response_times(ident: tuple, f: Filters) -> pd.DataFrame:
    """Per survey type: responses, those with a known sent_at, and days from sending to reply."""
    clause, params = where(f, dims=SURVEY_DIMS)
    return _run(ident, f"""
        select survey_type, count(*) as responses, count(sent_at) as with_sent_at,
               median(epoch(responded_at - sent_at) / 86400.0) as median_days,
               quantile_cont(epoch(responded_at - sent_at) / 86400.0, 0.9) as p90_days
        from survey_responses where {clause} group by all order by survey_type desc""", params)


@st.cache_data(**CACHE)
def dissatisfied_responses(ident: tuple, f: Filters, limit: int = 5000) -> pd.DataFrame:
    """Filtered responses whose overall score is below the satisfied threshold (is_satisfied false),
    latest first, with the customer's contact details (to be masked by the page, SPEC §9)."""
    clause, params = where(f, dims=SURVEY_DIMS, alias="r")
    return _run(ident, f"""
        select r.responded_at, r.survey_type, r.customer_id, coalesce(c.customer_name, r.customer_name) as customer_name,
               r.customer_tier, c.contact_name, c.contact_phone, c.contact_email, r.overall, r.csi, r.nps,
               r.ticket_id, r.region, r.service_center, r.comment, r.response_id
        from survey_responses r left join customers c on c.customer_id = r.customer_id
        where {clause} and not r.is_satisfied
        order by r.responded_at desc, r.response_id limit ?""", params + [limit])


@st.cache_data(**CACHE)
def survey_comments(ident: tuple, f: Filters, limit: int = 5000) -> pd.DataFrame:
    """Filtered responses with a comment, latest first."""
    clause, params = where(f, dims=SURVEY_DIMS)
    return _run(ident, f"""
        select responded_at, survey_type, customer_name, customer_tier, overall, csi, comment, response_id
        from survey_responses where {clause} and comment is not null and trim(comment) <> ''
        order by responded_at desc, response_id limit ?""", params + [limit])


# ---- costs page (SPEC §7.6): the month of a ticket's costs is that of resolved_at, else reported_at.

COST_MONTH = "cast(date_trunc('month', coalesce(resolved_at, reported_at)) as date)"
COST_COLUMNS = ("tickets", "visits", "person_days", "labor_cost", "travel_cost", "material_cost",
                "transport_cost", "total_cost", "free_tickets", "paid_tickets")


@st.cache_data(**CACHE)
def service_costs(ident: tuple, f: Filters) -> pd.DataFrame:
    """Month × ticket type after-sales statistics: the service_costs_monthly mart when no dimension
    filter is set, else the same columns from the tickets mart grouped in SQL."""
    if not f.has_dims:
        clause, params = where(f, dims=())
        return _run(ident, f"""
            select month, ticket_type, tickets, cast(visits as bigint) as visits,
                   cast(person_days as double) as person_days, cast(labor_cost as double) as labor_cost,
                   cast(travel_cost as double) as travel_cost, cast(material_cost as double) as material_cost,
                   cast(transport_cost as double) as transport_cost, cast(total_cost as double) as total_cost,
                   cast(free_tickets as bigint) as free_tickets, cast(paid_tickets as bigint) as paid_tickets
            from service_costs_monthly where {clause} order by month, ticket_type""", params)
    clause, params = where(f, month=COST_MONTH)
    return _run(ident, f"""
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
        from tickets where not is_cancelled and {clause}
        group by all order by month, ticket_type""", params)


@st.cache_data(**CACHE)
def cost_tickets(ident: tuple, f: Filters, month, ticket_type: str | None = None, limit: int = 5000) -> pd.DataFrame:
    """The non-cancelled tickets of one cost month (and ticket type) under the dimension filters."""
    clause, params = where(f, month=None)
    # the month as a range on the timestamps (prunable), and reported_at can never be later than it
    clause += (" and coalesce(resolved_at, reported_at) >= ?::date"
               " and coalesce(resolved_at, reported_at) < ?::date + interval 1 month"
               " and reported_at < ?::date + interval 1 month")
    params = params + [month, month, month]
    if ticket_type:
        clause += " and ticket_type = ?"
        params.append(ticket_type)
    return _run(ident, f"""
        select ticket_id, ticket_type, reported_at, resolved_at, status, in_warranty, customer_name, region,
               service_center, technician, product_line, product_model, visit_count, person_days,
               labor_cost, travel_cost, material_cost, transport_cost, total_cost
        from tickets where not is_cancelled and {clause}
        order by total_cost desc nulls last, ticket_id limit ?""", params + [limit])


# ---- data page


@st.cache_data(**CACHE)
def load_history(ident: tuple, limit: int = 500) -> pd.DataFrame:
    """The load_files table, newest first."""
    return _run(ident, "select * from load_files order by loaded_at desc, load_id desc, file_name limit ?", [limit])


@st.cache_data(**CACHE)
def rejected_rows(ident: tuple, source: str | None = None, file_name: str | None = None,
                  reason: str | None = None, limit: int = 5000) -> pd.DataFrame:
    """Rejected input rows with their reasons, filtered by source, file and reason text."""
    clauses, params = ["true"], []
    if source:
        clauses.append("source = ?")
        params.append(source)
    if file_name:
        clauses.append("file_name = ?")
        params.append(file_name)
    if reason:
        clauses.append("reason ilike '%' || ? || '%'")
        params.append(reason)
    return _run(ident, f"""select load_id, file_name, source, row_number, record_key, "column", value, reason, sha256
        from rejected_rows where {' and '.join(clauses)} order by load_id desc, file_name, row_number limit ?""",
                params + [limit])


@st.cache_data(**CACHE)
def rejected_summary(ident: tuple) -> pd.DataFrame:
    """Rejected rows counted by source, file and reason."""
    return _run(ident, "select source, file_name, reason, count(*) as rows from rejected_rows "
                       "group by all order by rows desc, source, file_name")


@st.cache_data(**CACHE)
def freshness(ident: tuple) -> pd.DataFrame:
    """Per source: records, newest record time and last load (the freshness mart)."""
    return _run(ident, "select * from freshness order by source")
