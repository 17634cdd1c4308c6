"""Every query the dashboard runs (SPEC §7, STYLE): read-only, values bound as parameters,
cached with bounds and keyed on the identity of the warehouse file.

Queries run on cursors of an in-memory DuckDB that ATTACHes the warehouse read-only, one per
identity of the file (_base). A top-level `duckdb.connect(path)` would go through DuckDB's
per-process instance cache and could hand back a database that a newer build has since replaced
(SPEC §2); an attached file is opened anew.
Cache keys include (inode, mtime, size) of the file, so a newly published warehouse is read at the
next interaction.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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


_BASES: dict[tuple, duckdb.DuckDBPyConnection] = {}
_BASES_LOCK = threading.Lock()


def _base(ident: tuple) -> duckdb.DuckDBPyConnection:
    """One in-memory DuckDB per warehouse identity with the file ATTACHed read-only. Queries run on
    cursors of it (thread-safe, ~1 ms) instead of attaching anew (~20 ms). A new identity gets a
    new base; the two latest are kept so that queries in flight on the previous one can finish."""
    with _BASES_LOCK:
        con = _BASES.get(ident)
        if con is None:
            # a long-running server: hand freed memory back to the system promptly instead of
            # keeping up to 128 MB of it per thread for reuse (DuckDB's default)
            con = duckdb.connect(config={"allocator_flush_threshold": "8MB", "allocator_background_threads": True})
            con.execute("attach ? as wh (read_only)", [ident[0]])
            con.execute("use wh")
            _BASES[ident] = con
            for old in list(_BASES)[:-2]:
                _BASES.pop(old).close()
        return con


class WarehouseMismatch(RuntimeError):
    """A query naming a table or column the warehouse lacks: a warehouse built by an older version
    of the app (missing_relations names missing tables up front; this catches missing columns too).
    The message is DuckDB's first line, which names what is missing."""


def _execute(cur: duckdb.DuckDBPyConnection, sql: str, params: list | None) -> pd.DataFrame:
    try:
        return cur.execute(sql, params or []).df()
    except (duckdb.BinderException, duckdb.CatalogException) as exc:
        raise WarehouseMismatch(str(exc).splitlines()[0]) from None


def _run(ident: tuple, sql: str, params: list | None = None) -> pd.DataFrame:
    cur = _base(ident).cursor()
    try:
        cur.execute("use wh")
        return _execute(cur, sql, params)
    finally:
        cur.close()


def where(
    f: Filters, *, month: str | None = "month", dims: tuple[str, ...] = DIMENSIONS, alias: str = ""
) -> tuple[str, list]:
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


# The relations the dashboard and the reports read. A warehouse built by an older version of the
# app may lack some: it is then named as out of date instead of failing on the first query.
REQUIRED = (
    "meta_build",
    "freshness",
    "kpi_cube",
    "kpi_events",
    "scorecard_quarterly",
    "csi_monthly",
    "survey_responses",
    "survey_item_cube",
    "complaints",
    "complaint_rate_monthly",
    "capa_effect",
    "tickets",
    "service_costs_monthly",
    "load_files",
    "rejected_rows",
    "settings_kpi",
    "settings_root_causes",
    "settings_survey_items",
)


@st.cache_data(**CACHE)
def missing_relations(ident: tuple) -> list[str]:
    """The REQUIRED relations the warehouse lacks (none for a warehouse built by this version)."""
    have = set(
        _run(
            ident,
            "select table_name from information_schema.tables where table_catalog = 'wh' and table_schema = 'main'",
        )["table_name"]
    )
    return [name for name in REQUIRED if name not in have]


@st.cache_data(**CACHE)
def meta(ident: tuple) -> dict:
    """As-of, build time and freshness (last load, newest record) of the warehouse."""
    row = _run(
        ident,
        "select m.*, (select max(last_load) from freshness) as last_load, "
        "(select max(newest_record) from freshness) as newest_record from meta_build m",
    ).iloc[0]
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
    return _run(
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
def scorecard(ident: tuple, quarter: str) -> pd.DataFrame:
    """The published quarterly scorecard (unfiltered), composite row included."""
    return _run(ident, "select * from scorecard_quarterly where quarter = ? order by sort_order nulls first", [quarter])


@st.cache_data(**CACHE)
def events(
    ident: tuple,
    f: Filters,
    kpi: str,
    group: str | None = None,
    value: str | None = None,
    period: str | None = None,
    limit: int = 5000,
) -> pd.DataFrame:
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
    return _run(
        ident,
        f"""
        select event_id, kpi, success, settled_at, happened_at, due_at, month, quarter, owner_department,
               region, service_center, technician, product_line, customer_tier, channel
        from kpi_events where {clause}
        order by success, settled_at desc limit ?""",
        params + [limit],
    )


# ---- departments and trends pages (SPEC §7.2, §7.3)

BREAKDOWNS = ("region", "service_center", "technician", "product_line")


@st.cache_data(**CACHE)
def kpi_breakdown(ident: tuple, f: Filters, kpi: str, group: str, limit: int = 2000) -> pd.DataFrame:
    """Successes and events of one KPI per unit of `group` (region, service centre, technician or
    product line) under the filters, largest units first; events without a value form the null unit."""
    assert group in BREAKDOWNS
    clause, params = where(f)
    return _run(
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
    clause, params = where(f)
    return _run(
        ident,
        f"""
        select event_id, kpi, success, settled_at, happened_at, due_at, month, quarter, owner_department,
               region, service_center, technician, product_line, customer_tier, channel
        from kpi_events
        where {clause} and not success and owner_department = ?
        order by settled_at desc, event_id limit ?""",
        params + [department, limit],
    )


# ---- complaints, satisfaction and costs pages (SPEC §7.4–§7.6)
# Every query below is written once as `_name(run, f, ...)`, where `run(sql, params)` returns a frame.
# The public cached function of the same name runs it alone through _run (drill-downs, reports);
# a page's default view runs all of its queries on one connection through _run_bundle
# (complaints_view, satisfaction_view), saving a connect + attach per query.


def _run_bundle(ident: tuple, build):
    """`build(run)` with `run(sql, params=None) -> DataFrame` bound to one cursor on the warehouse."""
    cur = _base(ident).cursor()
    try:
        cur.execute("use wh")
        return build(lambda sql, params=None: _execute(cur, sql, params))
    finally:
        cur.close()


POOL_THREADS = "dashboard-query"  # name prefix of the pool's threads
_POOL = ThreadPoolExecutor(max_workers=3, thread_name_prefix=POOL_THREADS)


def _run_parallel(ident: tuple, jobs: dict[str, Callable]) -> dict:
    """Each `job(run)` of `jobs` through _run_bundle on its own cursor, at most three at a time:
    a page's queries mostly read one row group each, so DuckDB runs each on one core and
    independent ones overlap. Returns {name: result}; the first error is raised."""
    futures = {name: _POOL.submit(_run_bundle, ident, job) for name, job in jobs.items()}
    return {name: future.result() for name, future in futures.items()}


def _single(ident: tuple):
    return lambda sql, params=None: _run(ident, sql, params)


def _ts_range(f: Filters, column: str) -> tuple[str, list]:
    """The filtered period as a range on a timestamp column (prunable, unlike date_trunc(...) = ?)."""
    clauses, params = ["true"], []
    if f.start:
        clauses.append(f"{column} >= ?::date")
        params.append(f.start)
    if f.end:
        clauses.append(f"{column} < ?::date + interval 1 month")
        params.append(f.end)
    return " and ".join(clauses), params


# complaints: in the period of the month they were received (complaints.month); open / overdue are
# as of the warehouse's as-of time.

SEVERITY_ORDER = "case severity when 'serious' then 0 when 'general' then 1 else 2 end"
COMPLAINT_LIST_BY = ("root_cause_category", "category", "severity", "responsible_department")
COMPLAINT_KPIS = ("complaint_satisfaction", "complaint_closure_timeliness", "capa_timeliness")


def _complaint_summary(run, f: Filters) -> dict:
    clause, params = where(f)
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
    clause, params = where(f)
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
    clause, params = where(f)
    return run(
        f"""
        select category, coalesce(responsible_department, '') as department, count(*) as complaints
        from complaints where {clause} group by all order by complaints desc, category, department""",
        params,
    )


def _complaint_severity(run, f: Filters) -> pd.DataFrame:
    clause, params = where(f)
    return run(
        f"""
        select month, severity, count(*) as complaints
        from complaints where {clause} group by month, severity order by month, {SEVERITY_ORDER}""",
        params,
    )


def _complaint_rate(run, f: Filters) -> pd.DataFrame:
    if not f.has_dims:  # the complaint_rate_monthly mart has the same definition
        clause, params = where(f, dims=())
        return run(
            f"""select month, complaints, tickets from complaint_rate_monthly where {clause}
                       order by month""",
            params,
        )
    clause, params = where(f)
    return run(
        f"""
        with c as (select month, count(*) as complaints from complaints where {clause} group by all),
             k as (select month, count(*) as tickets from tickets where not is_cancelled and {clause} group by all)
        select coalesce(k.month, c.month) as month, coalesce(c.complaints, 0) as complaints,
               coalesce(k.tickets, 0) as tickets
        from k full outer join c on c.month = k.month
        order by month""",
        params + params,
    )


def _open_complaints(run, f: Filters, limit: int) -> pd.DataFrame:
    clause, params = where(f, month=None)
    return run(
        f"""
        select complaint_id, received_at, severity, category, is_overdue, due_at,
               epoch((select as_of from meta_build) - received_at) / 86400.0 as days_open,
               responsible_department, customer_name, region, service_center, product_model, description
        from complaints where {clause} and is_open
        order by {SEVERITY_ORDER}, is_overdue desc, due_at, complaint_id limit ?""",
        params + [limit],
    )


def _capa_status_counts(run, f: Filters) -> pd.DataFrame:
    clause, params = where(f)
    return run(
        f"""
        select capa_status, count(*) as complaints
        from complaints where {clause} and capa_status is not null group by all""",
        params,
    )


def _capa_effect(run, f: Filters) -> pd.DataFrame:
    period, p1 = where(f, month="cast(date_trunc('month', e.capa_done_at) as date)", dims=())
    dims, p2 = where(f, month=None, alias="c")
    join = "join complaints c on c.complaint_id = e.complaint_id" if f.has_dims else ""
    return run(
        f"""
        select e.complaint_id, e.root_cause_category, s.name_zh, e.product_model, e.responsible_department,
               e.capa_action, e.capa_owner, e.capa_due_at, e.capa_done_at, e.capa_effective, e.window_days,
               e.complaints_before, e.complaints_after, e.after_until, e.is_pending, e.after_days_observed
        from capa_effect e {join}
        left join settings_root_causes s on s.root_cause_category = e.root_cause_category
        where {period} and {dims if f.has_dims else "true"}
        order by e.capa_done_at desc, e.complaint_id limit 5000""",
        p1 + (p2 if f.has_dims else []),
    )


def _complaint_close_times(run, f: Filters, by: str) -> pd.DataFrame:
    assert by in ("month", "category")
    clause, params = where(f)
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
    clause, params = where(f, alias="c")
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
    clause, params = where(f)
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
    )


def _kpi_totals(run, f: Filters, kpis: tuple[str, ...]) -> pd.DataFrame:
    """Settings of `kpis` (settings order) with their successes and events summed over the filtered
    range from kpi_cube; successes / n are 0 for a KPI without events."""
    clause, params = where(f)
    return run(
        f"""
        with e as (select kpi, sum(successes)::bigint as successes, sum(events)::bigint as n
                   from kpi_cube where {clause} and kpi in (select unnest(?::varchar[])) group by all)
        select k.kpi, k.owner_department, k.target, k.weight, k.name_zh, k.name_en, k.sort_order,
               coalesce(e.successes, 0) as successes, coalesce(e.n, 0) as n
        from settings_kpi k left join e on e.kpi = k.kpi
        where k.kpi in (select unnest(?::varchar[])) order by k.sort_order""",
        params + [list(kpis), list(kpis)],
    )


@st.cache_data(**CACHE)
def complaints_view(ident: tuple, f: Filters, list_limit: int = 1000) -> dict:
    """Everything the Complaints page shows by default (queries in parallel): summary, pareto, matrix,
    severity, rate, open, capa_status, capa_effect, close_month, close_category, recurring, list
    (the latest `list_limit` complaints) and kpis (the complaint KPIs over the range)."""
    return _run_parallel(
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
            "close_month": lambda run: _complaint_close_times(run, f, "month"),
            "close_category": lambda run: _complaint_close_times(run, f, "category"),
            "recurring": lambda run: _recurring_causes(run, f, 500),
        },
    )


@st.cache_data(**CACHE)
def complaint_summary(ident: tuple, f: Filters) -> dict:
    """Counts of the complaints received in the filtered period."""
    return _complaint_summary(_single(ident), f)


@st.cache_data(**CACHE)
def complaint_pareto(ident: tuple, f: Filters) -> pd.DataFrame:
    """Root causes of the filtered complaints, ranked as the complaint_pareto mart does (count
    descending, ties by category id), with share, cumulative share and the Chinese name."""
    return _complaint_pareto(_single(ident), f)


@st.cache_data(**CACHE)
def complaint_matrix(ident: tuple, f: Filters) -> pd.DataFrame:
    """Complaints per category × responsible department (null department: empty text)."""
    return _complaint_matrix(_single(ident), f)


@st.cache_data(**CACHE)
def complaint_severity(ident: tuple, f: Filters) -> pd.DataFrame:
    """Complaints per month of receipt × severity."""
    return _complaint_severity(_single(ident), f)


@st.cache_data(**CACHE)
def complaint_rate(ident: tuple, f: Filters) -> pd.DataFrame:
    """Complaint rate per month (SPEC §4): complaints received / non-cancelled tickets reported,
    both under the filters (the dimensions of each record)."""
    return _complaint_rate(_single(ident), f)


@st.cache_data(**CACHE)
def open_complaints(ident: tuple, f: Filters, limit: int = 5000) -> pd.DataFrame:
    """Complaints open at the as-of time under the dimension filters (any period): serious first,
    overdue first, then by due time."""
    return _open_complaints(_single(ident), f, limit)


@st.cache_data(**CACHE)
def capa_status_counts(ident: tuple, f: Filters) -> pd.DataFrame:
    """CAPA status (open, overdue, done, verified_effective) of the filtered complaints with a CAPA."""
    return _capa_status_counts(_single(ident), f)


@st.cache_data(**CACHE)
def capa_effect(ident: tuple, f: Filters) -> pd.DataFrame:
    """Completed CAPAs (capa_effect mart) done in the filtered period, under the dimension filters
    of their complaint: before / after counts, window and observed days, pending flag."""
    return _capa_effect(_single(ident), f)


@st.cache_data(**CACHE)
def complaint_close_times(ident: tuple, f: Filters, by: str) -> pd.DataFrame:
    """Days from receipt to closing (closed_at, else resolved_at) of the filtered complaints that
    are finished, per month of receipt or per category: n, mean and quartiles."""
    return _complaint_close_times(_single(ident), f, by)


@st.cache_data(**CACHE)
def recurring_causes(ident: tuple, f: Filters, limit: int = 500) -> pd.DataFrame:
    """Root cause × product model of the filtered complaints with recurrences (complaints.is_recurrence)."""
    return _recurring_causes(_single(ident), f, limit)


@st.cache_data(**CACHE)
def complaint_list(
    ident: tuple, f: Filters, by: str | None = None, value: str | None = None, limit: int = 5000
) -> pd.DataFrame:
    """The filtered complaints (optionally those with `by` = `value`), newest first (drill-down)."""
    return _complaint_list(_single(ident), f, by, value, limit)


# satisfaction: responses are in the period of the month they were returned (survey_responses.month);
# survey responses carry no channel, so the channel filter does not apply to them.

SURVEY_DIMS = tuple(d for d in DIMENSIONS if d != "channel")
GROUP_COLUMNS = [
    "survey_type",
    "responses",
    "csi",
    "scored_responses",
    "rated_responses",
    "satisfied_responses",
    "satisfaction_rate",
]


def _survey_items(run) -> pd.DataFrame:
    items = run("select survey_type, item, name_zh, name_en, weight from settings_survey_items")  # settings order
    present = set(run("select * from survey_responses limit 0").columns)
    items = items[items["item"].isin(present)]
    return items.sort_values("survey_type", ascending=False, kind="stable", ignore_index=True)


def _survey_groups(run, f: Filters, bys: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """CSI and satisfaction counts per survey type and each of `bys` (month, customer_tier, all), one scan."""
    assert set(bys) <= {"month", "customer_tier", "all"}
    keys = [b for b in ("month", "customer_tier") if b in bys]
    clause, params = where(f, dims=SURVEY_DIMS)
    sets = ", ".join("(survey_type)" if b == "all" else f"({b}, survey_type)" for b in bys)
    df = run(
        f"""
        select {"".join(f"grouping({k}) as g_{k}, {k}, " for k in keys)}survey_type, count(*) as responses,
               cast(sum(cast(tier_weight * csi as decimal(38, 10)))
                    / sum(cast(tier_weight as decimal(38, 10))) filter (where csi is not null) as double) as csi,
               count(csi) as scored_responses, count(overall) as rated_responses,
               cast(count_if(is_satisfied) as bigint) as satisfied_responses,
               count_if(is_satisfied) / nullif(count(overall), 0) as satisfaction_rate
        from survey_responses where {clause}
        group by grouping sets ({sets})""",
        params,
    )
    out = {}
    for b in bys:
        mine = pd.Series(True, index=df.index)
        for k in keys:
            mine &= df[f"g_{k}"] == (0 if k == b else 1)
        g = df[mine].assign(grp=df[b] if b != "all" else "all")
        g = g.sort_values(["grp", "survey_type"], ascending=[True, False], na_position="last")
        out[b] = g[["grp", *GROUP_COLUMNS]].rename(columns={"grp": b}).reset_index(drop=True)
    return out


def _survey_monthly(run, f: Filters) -> pd.DataFrame | None:
    """The csi_monthly mart rows of the period; None when a survey dimension filter is set."""
    if any(f.dim(d) for d in SURVEY_DIMS):
        return None
    clause, params = where(f, dims=())
    return run(
        f"""
        select month, survey_type, responses, csi, scored_responses, rated_responses,
               cast(satisfied_responses as bigint) as satisfied_responses, satisfaction_rate
        from csi_monthly where {clause} order by month, survey_type desc""",
        params,
    )


def _item_stats(tables: dict[str, pd.DataFrame], items: pd.DataFrame) -> pd.DataFrame:
    """Per survey type and item (settings order): answers n, mean and sample standard deviation,
    exactly, from the (score, overall) frequency tables of _survey_item_overall."""
    counts: dict[tuple[str, str], dict[float, int]] = {}
    for stype, table in tables.items():
        for item, score, n in zip(table["item"], table["score"], table["n"], strict=True):
            bucket = counts.setdefault((stype, item), {})
            bucket[float(score)] = bucket.get(float(score), 0) + int(n)
    rows = []
    for stype, item in zip(items["survey_type"], items["item"], strict=True):
        scores = counts.get((stype, item))
        n = sum(scores.values()) if scores else 0
        if not n:
            continue
        mean = sum(v * k for v, k in scores.items()) / n
        sd = (sum((v - mean) ** 2 * k for v, k in scores.items()) / (n - 1)) ** 0.5 if n > 1 else float("nan")
        rows.append({"survey_type": stype, "item": item, "n": n, "mean": mean, "sd": sd})
    return pd.DataFrame(rows, columns=["survey_type", "item", "n", "mean", "sd"])


def _survey_item_overall(run, f: Filters, items: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per survey type, the frequency table of (item score, overall) of each of its items over the
    filtered responses of that type that answered the item (overall null kept as its own value):
    the whole input of the Spearman importance and of the item means, exact, summed from the
    survey_item_cube mart."""
    if items.empty:
        return {}
    clause, params = where(f, dims=SURVEY_DIMS)
    long = run(
        f"""
        select survey_type, item, score, overall, cast(sum(responses) as bigint) as n
        from survey_item_cube where {clause}
        group by all order by 1, 2, 3, 4""",
        params,
    )
    out = {}
    for stype, its in items.groupby("survey_type", sort=False):
        mine = long[(long["survey_type"] == stype) & long["item"].isin(set(its["item"]))]
        out[stype] = mine[["item", "score", "overall", "n"]].reset_index(drop=True)
    return out


def _survey_coverage(run, f: Filters) -> pd.DataFrame:
    rclause, rparams = where(f, dims=SURVEY_DIMS)
    period, p1 = _ts_range(f, "resolved_at")
    dims, p2 = where(f, month=None)
    return run(
        f"""
        with r as (select month, count(*) as responses from survey_responses
                   where survey_type = 'post_service' and {rclause} group by all),
             k as (select cast(date_trunc('month', resolved_at) as date) as month, count(*) as tickets
                   from tickets where not is_cancelled and resolved_at is not null and {period} and {dims} group by all)
        select coalesce(k.month, r.month) as month, coalesce(r.responses, 0) as responses,
               coalesce(k.tickets, 0) as tickets
        from k full outer join r on r.month = k.month order by month""",
        rparams + p1 + p2,
    )


def _survey_response_times(run, f: Filters) -> pd.DataFrame:
    clause, params = where(f, dims=SURVEY_DIMS)
    return run(
        f"""
        select survey_type, count(*) as responses, count(sent_at) as with_sent_at,
               median(epoch(responded_at - sent_at) / 86400.0) as median_days,
               quantile_cont(epoch(responded_at - sent_at) / 86400.0, 0.9) as p90_days
        from survey_responses where {clause} group by all order by survey_type desc""",
        params,
    )


def _dissatisfied_responses(run, f: Filters, limit: int) -> pd.DataFrame:
    clause, params = where(f, dims=SURVEY_DIMS)
    return run(
        f"""
        select responded_at, survey_type, customer_id, customer_name, customer_tier, contact_name, contact_phone,
               contact_email, overall, csi, nps, ticket_id, region, service_center, comment, response_id
        from survey_responses where {clause} and not is_satisfied
        order by responded_at desc, response_id limit ?""",
        params + [limit],
    )


def _survey_comments(run, f: Filters, limit: int) -> pd.DataFrame:
    clause, params = where(f, dims=SURVEY_DIMS)
    return run(
        f"""
        select responded_at, survey_type, customer_name, customer_tier, overall, csi, comment, response_id
        from survey_responses where {clause} and comment is not null and trim(comment) <> ''
        order by responded_at desc, response_id limit ?""",
        params + [limit],
    )


@st.cache_data(**CACHE)
def satisfaction_view(ident: tuple, f: Filters, list_limit: int = 1000) -> dict:
    """Everything the Satisfaction page shows by default (independent parts in parallel): items (settings),
    all / tiers / monthly (CSI and satisfaction counts; monthly from csi_monthly without a survey
    dimension filter), item_stats, item_overall (survey type → frequency table), coverage,
    response_times, dissatisfied and comments (the latest `list_limit` each)."""

    def item_part(run):
        items = _survey_items(run)
        tables = _survey_item_overall(run, f, items)
        return items, tables, _item_stats(tables, items)

    def group_part(run):
        monthly = _survey_monthly(run, f)
        groups = _survey_groups(
            run, f, ("all", "customer_tier") if monthly is not None else ("all", "customer_tier", "month")
        )
        return {
            "all": groups["all"],
            "tiers": groups["customer_tier"],
            "monthly": monthly if monthly is not None else groups["month"],
        }

    parts = _run_parallel(
        ident,
        {
            "item": item_part,
            "dissatisfied": lambda run: _dissatisfied_responses(run, f, list_limit),
            "comments": lambda run: _survey_comments(run, f, list_limit),
            "group": group_part,
            "coverage": lambda run: _survey_coverage(run, f),
            "response_times": lambda run: _survey_response_times(run, f),
        },
    )
    items, tables, item_stats = parts.pop("item")
    return {"items": items, **parts.pop("group"), "item_stats": item_stats, "item_overall": tables, **parts}


@st.cache_data(**CACHE)
def survey_items(ident: tuple) -> pd.DataFrame:
    """The configured items per survey type (settings_survey_items, in settings order; post-service
    first) that survey_responses has as columns."""
    return _survey_items(_single(ident))


@st.cache_data(**CACHE)
def survey_monthly(ident: tuple, f: Filters) -> pd.DataFrame:
    """CSI and satisfaction counts per month × survey type: the csi_monthly mart when no dimension
    filter applies, else the same measures computed from survey_responses."""
    monthly = _survey_monthly(_single(ident), f)
    return monthly if monthly is not None else survey_groups(ident, f, "month")


@st.cache_data(**CACHE)
def survey_groups(ident: tuple, f: Filters, by: str) -> pd.DataFrame:
    """CSI (tier-weighted mean index) and satisfaction counts per `by` (month, customer_tier, or
    all: the whole range) × survey type of the filtered responses, as csi_monthly computes them."""
    return _survey_groups(_single(ident), f, (by,))[by]


@st.cache_data(**CACHE)
def survey_item_stats(ident: tuple, f: Filters) -> pd.DataFrame:
    """Per survey type and configured item: answers n, mean and sample standard deviation."""
    items = survey_items(ident)
    return _item_stats(_survey_item_overall(_single(ident), f, items), items)


@st.cache_data(**CACHE)
def survey_item_overall(ident: tuple, f: Filters, survey_type: str) -> pd.DataFrame:
    """Frequency table of (item score, overall) per item of one survey type over the filtered
    responses that answered the item (overall null kept as its own value): the whole input of the
    Spearman importance, exact, at most (scale points + 1)² rows per item."""
    items = survey_items(ident)
    tables = _survey_item_overall(_single(ident), f, items[items["survey_type"] == survey_type])
    return tables.get(survey_type, pd.DataFrame(columns=["item", "score", "overall", "n"]))


@st.cache_data(**CACHE)
def survey_coverage(ident: tuple, f: Filters) -> pd.DataFrame:
    """Post-service response rate per month: post-service responses returned in the month (survey
    dimensions) / non-cancelled tickets resolved in the month (ticket dimensions). Two counts, no join."""
    return _survey_coverage(_single(ident), f)


@st.cache_data(**CACHE)
def survey_response_times(ident: tuple, f: Filters) -> pd.DataFrame:
    """Per survey type: responses, those with a known sent_at, and days from sending to reply."""
    return _survey_response_times(_single(ident), f)


@st.cache_data(**CACHE)
def dissatisfied_responses(ident: tuple, f: Filters, limit: int = 2000) -> pd.DataFrame:
    """Filtered responses whose overall score is below the satisfied threshold (is_satisfied false),
    latest first, with the customer's contact details (to be masked by the page, SPEC §9). The
    latest rows are picked on a few columns first and only they are read in full."""
    return _dissatisfied_responses(_single(ident), f, limit)


@st.cache_data(**CACHE)
def survey_comments(ident: tuple, f: Filters, limit: int = 5000) -> pd.DataFrame:
    """Filtered responses with a comment, latest first (picked on a few columns, then read in full)."""
    return _survey_comments(_single(ident), f, limit)


# costs: the month of a ticket's costs is that of resolved_at, else reported_at.

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
        clause, params = where(f, dims=())
        return _run(
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
    period, p1 = _ts_range(f, "coalesce(resolved_at, reported_at)")
    dims, p2 = where(f, month=None)
    return _run(
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
    clause, params = where(f, month=None)
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
    return _run(
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


# ---- data page


@st.cache_data(**CACHE)
def load_history(ident: tuple, limit: int = 500) -> pd.DataFrame:
    """The load_files table, newest first."""
    return _run(ident, "select * from load_files order by loaded_at desc, load_id desc, file_name limit ?", [limit])


@st.cache_data(**CACHE)
def rejected_rows(
    ident: tuple, source: str | None = None, file_name: str | None = None, reason: str | None = None, limit: int = 5000
) -> pd.DataFrame:
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
    return _run(
        ident,
        f"""select load_id, file_name, source, row_number, record_key, "column", value, reason, sha256
        from rejected_rows where {" and ".join(clauses)} order by load_id desc, file_name, row_number limit ?""",
        params + [limit],
    )


@st.cache_data(**CACHE)
def rejected_summary(ident: tuple) -> pd.DataFrame:
    """Rejected rows counted by source, file and reason."""
    return _run(
        ident,
        "select source, file_name, reason, count(*) as rows from rejected_rows "
        "group by all order by rows desc, source, file_name",
    )


@st.cache_data(**CACHE)
def freshness(ident: tuple) -> pd.DataFrame:
    """Per source: records, newest record time and last load (the freshness mart)."""
    return _run(ident, "select * from freshness order by source")


# ---- reports (dashboard/report): the warehouse of a given data directory (the CLI's --data)


def identity_at(directory: Path) -> tuple | None:
    """identity() of the warehouse in `directory` rather than the configured data directory."""
    path = Path(directory) / "warehouse.duckdb"
    try:
        s = os.stat(path)
    except FileNotFoundError:
        return None
    return (str(path), s.st_ino, s.st_mtime_ns, s.st_size)
