"""The warehouse's own state (SPEC §2, §7.7): the relations this version reads, build time and
as-of, freshness, load history and rejected rows (administrators only), the periods and filter
values that the sidebar offers (those of the viewer's scope), and which filter empties a selection."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data import connection
from dashboard.data.connection import CACHE
from dashboard.data.filters import DIMENSIONS, KPI_DIMENSIONS, Filters, where
from dashboard.data.scope import Scope, require_admin

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
        connection.run(
            ident,
            "select table_name from information_schema.tables where table_catalog = 'wh' and table_schema = 'main'",
        )["table_name"]
    )
    return [name for name in REQUIRED if name not in have]


@st.cache_data(**CACHE)
def meta(ident: tuple) -> dict:
    """As-of, build time and freshness (last load, newest record) of the warehouse."""
    row = connection.run(
        ident,
        "select m.*, (select max(last_load) from freshness) as last_load, "
        "(select max(newest_record) from freshness) as newest_record from meta_build m",
    ).iloc[0]
    return row.to_dict()


def _scoped(scope: Scope | None) -> tuple[str, list]:
    return where(Filters(scope=scope), "kpi_cube", month=None, dims=())


@st.cache_data(**CACHE)
def periods(ident: tuple, scope: Scope | None) -> pd.DataFrame:
    """Months with settled events in the scope (and their quarters), oldest first."""
    where, params = _scoped(scope)
    return connection.run(ident, f"select distinct month, quarter from kpi_cube where {where} order by month", params)


def _options(f: Filters, dims: tuple[str, ...]) -> tuple[str, list]:
    """One statement answering (d, v): the values v each filter dims[d] can take under `f`, its own
    filter left out, among the KPI events of the period; a branch per filter."""
    branches, params = [], []
    for i, dim in enumerate(dims):
        assert dim in KPI_DIMENSIONS
        clause, p = where(f.without(dim), "kpi_cube", dims=KPI_DIMENSIONS)
        branches.append(f"select distinct {i} as d, {dim} as v from kpi_cube where {clause} and {dim} is not null")
        params += p
    return " union all ".join(branches) + " order by d, v", params


@st.cache_data(**CACHE)
def dimension_options(ident: tuple, f: Filters, dim: str) -> list[str]:
    """The values sidebar filter `dim` (the owner department or a record dimension) can take under
    the selection `f`, its own filter left out: those present among the KPI events of the period."""
    return connection.run(ident, *_options(f, (dim,)))["v"].tolist()


@st.cache_data(**CACHE)
def dimension_values(ident: tuple, f: Filters) -> dict[str, list[str]]:
    """dimension_options of every sidebar filter under the others (SPEC §7), within the viewer's scope
    (a department manager is not offered another department's values): no filter offers a value that
    would empty the selection. One statement for all."""
    df = connection.run(ident, *_options(f, KPI_DIMENSIONS))
    return {dim: df.loc[df["d"] == i, "v"].tolist() for i, dim in enumerate(KPI_DIMENSIONS)}


# the table and the dimensions of each page's subject, for naming the filter that empties a view
SUBJECTS = {
    "kpi": ("kpi_cube", "events", KPI_DIMENSIONS),
    "complaints": ("complaints", "1", DIMENSIONS),
    "surveys": ("survey_responses", "1", tuple(d for d in DIMENSIONS if d != "channel")),
}


@st.cache_data(**CACHE)
def emptying_filter(ident: tuple, f: Filters, subject: str = "kpi") -> str | None:
    """Which filter empties a selection that has no records of `subject` (kpi, complaints, surveys):
    'period' when the period alone holds none, else the first filter (in the sidebar's order) that,
    added to the period and the filters before it, leaves none; None when the selection is not empty."""
    table, weight, dims = SUBJECTS[subject]
    steps: list[tuple[str, str, list]] = [("period", *where(f, table, dims=()))]
    active = [d for d in dims if f.dim(d)]
    for i, dim in enumerate(active):
        kept = Filters(
            kind=f.kind, start=f.start, end=f.end, dims=tuple((d, f.dim(d)) for d in active[: i + 1]), scope=f.scope
        )
        steps.append((dim, *where(kept, table, dims=dims)))
    sums = ", ".join(
        f"coalesce(sum({weight}) filter (where {clause}), 0) as s{i}" for i, (_, clause, _) in enumerate(steps)
    )
    row = connection.run(ident, f"select {sums} from {table}", [p for _, _, params in steps for p in params]).iloc[0]
    for i, (name, _, _) in enumerate(steps):
        if not row[f"s{i}"]:
            return name
    return None


@st.cache_data(**CACHE)
def load_history(ident: tuple, scope: Scope | None, limit: int = 500) -> pd.DataFrame:
    """The load_files table, newest first (administrators only)."""
    require_admin(scope)
    return connection.run(
        ident, "select * from load_files order by loaded_at desc, load_id desc, file_name limit ?", [limit]
    )


@st.cache_data(**CACHE)
def _reason_codes(ident: tuple) -> str:
    """The select list of a rejected row's reason code and parameters: the warehouse's columns
    reason_code and reason_params where it has them, else nulls (a warehouse built before codes
    existed), so that the Data page words every reason in the reader's language either way."""
    columns = set(connection.run(ident, "select * from rejected_rows limit 0").columns)
    code = "reason_code" if "reason_code" in columns else "cast(null as varchar) as reason_code"
    params = (
        "cast(reason_params as varchar) as reason_params"
        if "reason_params" in columns
        else ("cast(null as varchar) as reason_params")
    )
    return f"{code}, {params}"


@st.cache_data(**CACHE)
def rejected_rows(
    ident: tuple,
    scope: Scope | None,
    source: str | None = None,
    file_name: str | None = None,
    reason: str | None = None,
    limit: int = 5000,
) -> pd.DataFrame:
    """Rejected input rows with their reasons (English, and the code with its parameters when the
    warehouse has them), filtered by source, file and reason text (administrators only: a rejected
    value may be anyone's phone number)."""
    require_admin(scope)
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
    return connection.run(
        ident,
        f"""select load_id, file_name, source, row_number, record_key, "column", value, reason,
                   {_reason_codes(ident)}, sha256
        from rejected_rows where {" and ".join(clauses)} order by load_id desc, file_name, row_number limit ?""",
        params + [limit],
    )


@st.cache_data(**CACHE)
def rejected_summary(ident: tuple, scope: Scope | None) -> pd.DataFrame:
    """Rejected rows counted by source, file and reason, with its code and parameters when known
    (administrators only)."""
    require_admin(scope)
    return connection.run(
        ident,
        f"select source, file_name, reason, {_reason_codes(ident)}, count(*) as rows from rejected_rows "
        "group by all order by rows desc, source, file_name",
    )


@st.cache_data(**CACHE)
def freshness(ident: tuple) -> pd.DataFrame:
    """Per source: records, newest record time and last load (the freshness mart)."""
    return connection.run(ident, "select * from freshness order by source")
