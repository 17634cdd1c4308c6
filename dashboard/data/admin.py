"""The warehouse's own state (SPEC §2, §7.7): the relations this version reads, build time and
as-of, freshness, load history and rejected rows (administrators only), and the periods and
dimension values that the sidebar offers (those of the viewer's scope)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data import connection
from dashboard.data.connection import CACHE
from dashboard.data.filters import DIMENSIONS, Filters, where
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


@st.cache_data(**CACHE)
def dimension_values(ident: tuple, scope: Scope | None) -> dict[str, list[str]]:
    """The values each sidebar dimension takes on the scope's events (a department manager is not
    offered another department's)."""
    where, params = _scoped(scope)
    out = {}
    for dim in DIMENSIONS:
        df = connection.run(
            ident, f"select distinct {dim} as v from kpi_cube where {where} and {dim} is not null order by v", params
        )
        out[dim] = df["v"].tolist()
    return out


@st.cache_data(**CACHE)
def load_history(ident: tuple, scope: Scope | None, limit: int = 500) -> pd.DataFrame:
    """The load_files table, newest first (administrators only)."""
    require_admin(scope)
    return connection.run(
        ident, "select * from load_files order by loaded_at desc, load_id desc, file_name limit ?", [limit]
    )


@st.cache_data(**CACHE)
def rejected_rows(
    ident: tuple,
    scope: Scope | None,
    source: str | None = None,
    file_name: str | None = None,
    reason: str | None = None,
    limit: int = 5000,
) -> pd.DataFrame:
    """Rejected input rows with their reasons, filtered by source, file and reason text
    (administrators only: a rejected value may be anyone's phone number)."""
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
        f"""select load_id, file_name, source, row_number, record_key, "column", value, reason, sha256
        from rejected_rows where {" and ".join(clauses)} order by load_id desc, file_name, row_number limit ?""",
        params + [limit],
    )


@st.cache_data(**CACHE)
def rejected_summary(ident: tuple, scope: Scope | None) -> pd.DataFrame:
    """Rejected rows counted by source, file and reason (administrators only)."""
    require_admin(scope)
    return connection.run(
        ident,
        "select source, file_name, reason, count(*) as rows from rejected_rows "
        "group by all order by rows desc, source, file_name",
    )


@st.cache_data(**CACHE)
def freshness(ident: tuple) -> pd.DataFrame:
    """Per source: records, newest record time and last load (the freshness mart)."""
    return connection.run(ident, "select * from freshness order by source")
