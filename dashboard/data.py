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
    row = _run(ident, "select m.*, (select max(loaded_at) from load_files where status = 'loaded') as last_load, "
                      "(select max(reported_at) from tickets) as newest_record from meta_build m").iloc[0]
    return row.to_dict()


@st.cache_data(**CACHE)
def periods(ident: tuple) -> pd.DataFrame:
    """Months with settled events (and their quarters), oldest first."""
    return _run(ident, "select distinct month, quarter from kpi_events order by month")


@st.cache_data(**CACHE)
def dimension_values(ident: tuple) -> dict[str, list[str]]:
    """The values each sidebar dimension can take."""
    out = {}
    for dim in DIMENSIONS:
        df = _run(ident, f"select distinct {dim} as v from kpi_events where {dim} is not null order by v")
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
               k.sort_order, count(*) filter (where e.success) as successes, count(*) as n
        from kpi_events e join settings_kpi k on k.kpi = e.kpi
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
