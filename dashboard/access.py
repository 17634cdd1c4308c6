"""Roles, pages, scope and personal data (SPEC §9). In mode none the local user has the role set by
`auth.default_role` (default admin: the embedded app on one's own machine); contact details, and
phone numbers and e-mails inside free text, are masked for every role but customer_service and admin.
The queries apply a viewer's scope and masking (dashboard.data.scope); the router shows a viewer the
pages of their roles."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pipelines.settings import ROLES

UNMASKED_ROLES = {"customer_service", "admin"}
# Roles that see every department; department_manager alone is scoped to the user's departments.
ALL_DEPARTMENTS_ROLES = {"admin", "management", "quality", "customer_service"}
# The dashboard's pages (url paths, in navigation order) and those each role may open (SPEC §9).
# Satisfaction and costs hold no department's rows, so a department manager has nothing there.
PAGES = ("overview", "departments", "trends", "complaints", "satisfaction", "costs", "data")
ROLE_PAGES = {
    "admin": PAGES,
    "management": ("overview", "departments", "trends", "complaints", "satisfaction", "costs"),
    "department_manager": ("overview", "departments", "trends", "complaints"),
    "quality": ("complaints",),
    "customer_service": ("satisfaction",),
}


@dataclass(frozen=True)
class Viewer:
    """Who is looking: every query takes one, so its scope holds wherever the data goes."""

    name: str
    roles: frozenset[str]
    departments: frozenset[str] = frozenset()

    def __post_init__(self):
        unknown = sorted(set(self.roles) - set(ROLES))
        if unknown:
            raise ValueError(f"unknown role {unknown[0]!r} (roles: {', '.join(ROLES)})")
        object.__setattr__(self, "roles", frozenset(self.roles))
        object.__setattr__(self, "departments", frozenset(self.departments))

    @classmethod
    def local(cls, default_role: str) -> Viewer:
        """The local user of mode none."""
        return cls("local", frozenset({default_role}))

    @property
    def may_see_contacts(self) -> bool:
        return bool(self.roles & UNMASKED_ROLES)

    @property
    def scope(self) -> frozenset[str] | None:
        """The departments this viewer may see, or None for all of them. A department manager
        without assigned departments sees none (an empty set), never all."""
        if self.roles & ALL_DEPARTMENTS_ROLES:
            return None
        return self.departments

    def has_role(self, role: str) -> bool:
        return role in self.roles

    @property
    def pages(self) -> tuple[str, ...]:
        """The pages this viewer may open: those of each of their roles, in navigation order."""
        mine = {page for role in self.roles for page in ROLE_PAGES[role]}
        return tuple(page for page in PAGES if page in mine)


def mask_phone(value: str | None) -> str | None:
    """138****5678: keep the first 3 and last 4 digits."""
    if not value:
        return value
    digits = re.sub(r"\D", "", value)
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_email(value: str | None) -> str | None:
    """z***@example.com: keep the first character of the local part and the domain."""
    if not value or "@" not in value:
        return "***" if value else value
    local, domain = value.split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_name(value: str | None) -> str | None:
    """张** / J***: keep the first character."""
    if not value:
        return value
    return value[0] + "*" * max(2, len(value) - 1)


# Free text (SPEC §9): e-mails first (a QQ address is often a mobile number), then +86 / 0086 / 86
# numbers, Chinese mobiles and landlines with an area code, none of them part of a longer digit run.
_SEP = r"[ \-]?"
_MOBILE = rf"1[3-9]\d{_SEP}\d{{4}}{_SEP}\d{{4}}"
_LOCAL = rf"\d{{3,4}}{_SEP}\d{{4}}"
_TEXT_PATTERN = re.compile(
    r"(?P<email>[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})"
    rf"|(?<![\d+])(?P<intl>(?:\+|00)86{_SEP}(?:\(0\){_SEP}|0)?|86{_SEP}(?={_MOBILE}))"
    rf"(?P<intl_number>{_MOBILE}|[1-9]\d{{1,2}}{_SEP}{_LOCAL})(?!\d)"
    rf"|(?<!\d)(?P<mobile>{_MOBILE})(?!\d)"
    rf"|(?<!\d)(?P<landline>(?:[(（]0\d{{2,3}}[)）]|0\d{{2,3}}){_SEP}{_LOCAL})(?!\d)"
)


def _mask_match(match: re.Match) -> str:
    if match["email"]:
        return mask_email(match["email"])
    if match["intl"]:
        return "+86 " + mask_phone(match["intl_number"])
    return mask_phone(match["mobile"] or match["landline"])


def mask_text(value: str | None) -> str | None:
    """Free text with every phone number and e-mail in it masked: 138****5678, z***@example.com."""
    if not value or not isinstance(value, str):
        return value
    return _TEXT_PATTERN.sub(_mask_match, value)


def contacts(df, viewer: Viewer, name="contact_name", phone="contact_phone", email="contact_email"):
    """A copy of a table with contact columns masked unless the viewer may see them."""
    if viewer.may_see_contacts:
        return df
    out = df.copy()
    for col, fn in ((name, mask_name), (phone, mask_phone), (email, mask_email)):
        if col in out.columns:
            out[col] = out[col].map(fn)
    return out


def free_text(df, columns: Iterable[str], viewer: Viewer):
    """A copy of a table with phone numbers and e-mails inside the free-text `columns` masked
    unless the viewer may see contacts."""
    if viewer.may_see_contacts:
        return df
    out = df.copy()
    for col in columns:
        if col in out.columns:
            out[col] = out[col].map(mask_text)
    return out
