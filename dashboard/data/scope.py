"""The viewer's scope as the queries apply it (SPEC §9): which departments' rows a query may return,
whether contact details and free text come back unmasked, and whether the administrator's questions
answer. Every query receives it inside its Filters (or as its own argument), so no page can forget it.

Whose a row is depends on its table (DEPARTMENT): a KPI's rows belong to the KPI's owner department,
a complaint's to its responsible department. Tables whose rows carry no department (tickets, survey
responses, costs) are nobody's: a viewer scoped to departments gets none of their rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import access
from pipelines.settings import load_settings

# The column naming the department a row belongs to, per table the queries read; None: the
# table's rows belong to no department.
DEPARTMENT = {
    "kpi_cube": "owner_department",
    "kpi_events": "owner_department",
    "kpi_monthly": "owner_department",
    "scorecard_quarterly": "owner_department",
    "settings_kpi": "owner_department",
    "complaints": "responsible_department",
    "capa_effect": "responsible_department",
    "complaint_rate_monthly": None,
    "tickets": None,
    "service_costs_monthly": None,
    "survey_responses": None,
    "survey_item_cube": None,
    "csi_monthly": None,
}

# Columns holding personal data (SPEC §9), masked unless the scope may see contacts: contact
# details by their own rule, free text by masking every phone number and e-mail inside it.
CONTACTS = {"contact_name": access.mask_name, "contact_phone": access.mask_phone, "contact_email": access.mask_email}
FREE_TEXT = ("description", "comment", "root_cause", "capa_action", "fault_description", "solution")


class Unscoped(RuntimeError):
    """A query reached without the viewer's scope while sign-in is on: a programming error, never
    an answer with every department in it."""


@dataclass(frozen=True)
class Scope:
    """What one viewer may see. `departments` None: every department; an empty set: none."""

    departments: frozenset[str] | None
    contacts: bool
    admin: bool

    @classmethod
    def of(cls, viewer: access.Viewer) -> Scope:
        return cls(viewer.scope, viewer.may_see_contacts, viewer.has_role("admin"))


# The whole warehouse unmasked: the report command line, run by whoever holds the data directory.
EVERYTHING = Scope(None, True, True)


def resolve(scope: Scope | None) -> Scope:
    """`scope`, or when none was given the local user's (mode none only; Unscoped otherwise)."""
    if scope is not None:
        return scope
    auth = load_settings().auth
    if auth.mode != "none":
        raise Unscoped(f"a query without the viewer's scope in auth mode {auth.mode!r}")
    return Scope.of(access.Viewer.local(auth.default_role))


def clause(scope: Scope | None, table: str, alias: str = "") -> tuple[list[str], list]:
    """The WHERE conditions (and their parameters) that keep `table`'s rows to the scope."""
    scope = resolve(scope)
    column = DEPARTMENT[table]  # a KeyError names a table whose owner nobody has decided
    if scope.departments is None:
        return [], []
    if column is None:
        return ["false"], []
    prefix = f"{alias}." if alias else ""
    return [f"{prefix}{column} in (select unnest(?::varchar[]))"], [sorted(scope.departments)]


def require_admin(scope: Scope | None) -> None:
    """PermissionError unless the scope is an administrator's (uploads, loads, rejected rows)."""
    if not resolve(scope).admin:
        raise PermissionError("the load history and rejected rows are for administrators only")


def masked(df: pd.DataFrame, scope: Scope | None) -> pd.DataFrame:
    """`df` with its contact columns and the phone numbers and e-mails in its free text masked,
    unless the scope may see contacts."""
    if resolve(scope).contacts:
        return df
    out = df.copy()
    for col, mask in CONTACTS.items():
        if col in out.columns:
            out[col] = out[col].map(mask, na_action="ignore")
    for col in FREE_TEXT:
        if col in out.columns:
            out[col] = out[col].map(access.mask_text)
    return out
