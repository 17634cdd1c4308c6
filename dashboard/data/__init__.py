"""Every query the dashboard and the reports run (SPEC §7, STYLE): read-only, values bound as
parameters, cached with bounds and keyed on the identity of the warehouse file. The only SQL of
the dashboard lives in this package: connection (the warehouse, its connections and runners),
filters (the selection as a WHERE clause), scope (what the viewer may see, SPEC §9: every query
applies it) and one module per subject: kpis, complaints,
satisfaction, costs and admin (the warehouse's own state).

Callers use ``from dashboard import data`` and ``data.<question>(ident, ...)``; the names below
are the package's public questions.
"""

from dashboard.data.admin import (
    dimension_options,
    dimension_values,
    emptying_filter,
    freshness,
    load_history,
    meta,
    missing_relations,
    periods,
    rejected_rows,
    rejected_summary,
)
from dashboard.data.complaints import (
    capa_effect,
    capa_status_counts,
    complaint_close_times,
    complaint_list,
    complaint_matrix,
    complaint_pareto,
    complaint_rate,
    complaint_severity,
    complaint_summary,
    complaints_view,
    open_capas,
    open_complaints,
    recurring_causes,
)
from dashboard.data.connection import WarehouseMismatch, identity, identity_at
from dashboard.data.costs import cost_tickets, service_costs
from dashboard.data.filters import DIMENSIONS, KPI_DIMENSIONS, OWNER, Filters
from dashboard.data.kpis import (
    BREAKDOWNS,
    department_failures,
    events,
    kpi_breakdown,
    kpi_rates,
    kpi_settings,
    scorecard,
)
from dashboard.data.satisfaction import (
    dissatisfied_responses,
    satisfaction_view,
    survey_comments,
    survey_coverage,
    survey_groups,
    survey_item_overall,
    survey_item_stats,
    survey_items,
    survey_monthly,
    survey_response_times,
)
from dashboard.data.scope import EVERYTHING, Scope, Unscoped

__all__ = [
    "BREAKDOWNS",
    "DIMENSIONS",
    "EVERYTHING",
    "KPI_DIMENSIONS",
    "OWNER",
    "Filters",
    "Scope",
    "Unscoped",
    "WarehouseMismatch",
    "capa_effect",
    "capa_status_counts",
    "complaint_close_times",
    "complaint_list",
    "complaint_matrix",
    "complaint_pareto",
    "complaint_rate",
    "complaint_severity",
    "complaint_summary",
    "complaints_view",
    "cost_tickets",
    "department_failures",
    "dimension_options",
    "dimension_values",
    "dissatisfied_responses",
    "emptying_filter",
    "events",
    "freshness",
    "identity",
    "identity_at",
    "kpi_breakdown",
    "kpi_rates",
    "kpi_settings",
    "load_history",
    "meta",
    "missing_relations",
    "open_capas",
    "open_complaints",
    "periods",
    "recurring_causes",
    "rejected_rows",
    "rejected_summary",
    "satisfaction_view",
    "scorecard",
    "service_costs",
    "survey_comments",
    "survey_coverage",
    "survey_groups",
    "survey_item_overall",
    "survey_item_stats",
    "survey_items",
    "survey_monthly",
    "survey_response_times",
]
