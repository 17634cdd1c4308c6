"""Roles and personal data (SPEC §9). Without [auth] the local user has the role set by
`auth.default_role` (default admin: the embedded app on one's own machine); contact details are
masked for every role but customer_service and admin."""

from __future__ import annotations

import re

from pipelines.settings import load_settings

UNMASKED_ROLES = {"customer_service", "admin"}


def roles() -> set[str]:
    auth = load_settings().auth
    return {auth.get("default_role", "admin")}


def may_see_contacts() -> bool:
    return bool(roles() & UNMASKED_ROLES)


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


def contacts(df, name="contact_name", phone="contact_phone", email="contact_email"):
    """A copy of a table with contact columns masked unless the viewer may see them."""
    if may_see_contacts():
        return df
    out = df.copy()
    for col, fn in ((name, mask_name), (phone, mask_phone), (email, mask_email)):
        if col in out.columns:
            out[col] = out[col].map(fn)
    return out
