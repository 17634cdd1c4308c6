"""The sidebar's selection as the queries receive it (Filters, with the viewer's scope inside), and
as SQL: a WHERE clause of the scope, the period and the dimension filters with its parameters, never
formatted values (STYLE). The owner department filters KPIs only (the KPIs that department owns): KPI
queries pass KPI_DIMENSIONS."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from dashboard.data.scope import Scope, clause

DIMENSIONS = ("region", "service_center", "product_line", "customer_tier", "channel")
OWNER = "owner_department"
KPI_DIMENSIONS = (OWNER, *DIMENSIONS)


@dataclass(frozen=True)
class Filters:
    """The sidebar selection. start/end are first days of months; empty dimension tuples mean all.
    `scope` is the viewer's (the sidebar sets it from the signed-in user); without one a query
    answers only in auth mode none, for the local user."""

    kind: str = "quarter"  # month | quarter
    start: date | None = None
    end: date | None = None
    dims: tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=tuple)
    scope: Scope | None = None

    def dim(self, name: str) -> tuple[str, ...]:
        return dict(self.dims).get(name, ())

    @property
    def has_dims(self) -> bool:
        """A record dimension (not the owner department, which selects KPIs) is filtered."""
        return any(values for dim, values in self.dims if dim in DIMENSIONS)

    @property
    def organisation_wide(self) -> bool:
        """Every KPI is in view: neither the viewer's scope nor the owner-department filter narrows
        them to some departments. The composite is the organisation's and is shown only then."""
        return (self.scope is None or self.scope.departments is None) and not self.dim(OWNER)

    def without(self, name: str) -> Filters:
        """The same selection with dimension `name` not filtered."""
        return replace(self, dims=tuple((d, v) for d, v in self.dims if d != name))


def where(
    f: Filters, table: str, *, month: str | None = "month", dims: tuple[str, ...] = DIMENSIONS, alias: str = ""
) -> tuple[str, list]:
    """A WHERE clause (without the keyword) on `table` (aliased `alias`) for the viewer's scope and
    the period and dimension filters, with its params."""
    prefix = f"{alias}." if alias else ""
    clauses, params = clause(f.scope, table, alias)
    clauses = ["true", *clauses]
    if month and month.isidentifier():  # a column of the table, not an expression
        month = prefix + month
    if month and f.start:
        clauses.append(f"{month} >= ?")
        params.append(f.start)
    if month and f.end:
        clauses.append(f"{month} <= ?")
        params.append(f.end)
    for dim in dims:
        values = f.dim(dim)
        if values:
            clauses.append(f"{prefix}{dim} in (select unnest(?::varchar[]))")
            params.append(list(values))
    return " and ".join(clauses), params


def ts_range(f: Filters, column: str) -> tuple[str, list]:
    """The filtered period as a range on a timestamp column (prunable, unlike date_trunc(...) = ?)."""
    clauses, params = ["true"], []
    if f.start:
        clauses.append(f"{column} >= ?::date")
        params.append(f.start)
    if f.end:
        clauses.append(f"{column} < ?::date + interval 1 month")
        params.append(f.end)
    return " and ".join(clauses), params
