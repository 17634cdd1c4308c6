"""Sign-in rules (SPEC §9) as plain functions; the app only draws the form. A local sign-in fails
with one message whatever the reason (unknown user, wrong password, disabled, locked), so the form
is no oracle for which accounts exist; the audit trail records the true reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from dashboard import accounts
from dashboard.access import Viewer
from dashboard.audit import AuditTrail
from dashboard.lockouts import Lockouts
from pipelines.settings import ROLES

# The translation key of the one message shown for every failed sign-in, whatever the reason.
GENERIC_FAILURE = "auth_failed"


@dataclass(frozen=True)
class Result:
    """The outcome of a sign-in. `message` is the translation key of what the user is shown (empty
    on success); `reason` is for the audit trail and the tests only, never shown (ok, unknown_user, wrong_password, no_password, disabled, locked)."""

    viewer: Viewer | None
    message: str
    reason: str
    locked_until: datetime | None = None

    @property
    def ok(self) -> bool:
        return self.viewer is not None


def viewer_of(user: accounts.User) -> Viewer:
    return Viewer(user.name, frozenset(user.roles), frozenset(user.departments))


def authenticate(
    username: str,
    password: str,
    now: datetime,
    *,
    users_file: Path,
    lockouts: Lockouts,
    audit: AuditTrail | None = None,
) -> Result:
    """Check a local sign-in at `now` (an aware datetime). The password is verified in every case,
    against a dummy hash when there is no account, so the time taken tells nothing either."""
    username = (username or "").strip()
    user = accounts.load_users(users_file).get(username)
    matches = accounts.verify_password(user, password or "")
    locked = lockouts.locked_until(username, now)
    if locked:
        reason = "locked"
    elif user is None:
        reason = "unknown_user"
    elif user.password_hash is None:
        reason = "no_password"
    elif not matches:
        reason = "wrong_password"
    elif user.disabled:
        reason = "disabled"
    else:
        reason = "ok"

    if reason == "ok":
        lockouts.clear(username, now)
        if accounts.needs_rehash(user):
            user = accounts.update_user(users_file, user.name, password_hash=accounts.hash_password(password))
        viewer = viewer_of(user)
        if audit:
            audit.record("sign_in", viewer.name, viewer.roles, "local sign-in", now=now)
        return Result(viewer, "", reason)

    started = None if reason == "locked" else lockouts.record_failure(username, now)
    if audit:
        role = user.roles if user else None
        audit.record("sign_in_failed", username, role, "local sign-in", now=now, reason=reason)
        if started:
            audit.record(
                "locked_out", username, role, "local sign-in", now=now, locked_until=started.isoformat(), reason=reason
            )
    return Result(None, GENERIC_FAILURE, reason, locked_until=started or locked)


def session_expired(last_seen: datetime | None, now: datetime, idle_minutes: int) -> bool:
    """Whether a signed-in session last active at `last_seen` has been idle too long at `now`
    (exactly `idle_minutes` idle ends it). No recorded activity counts as expired."""
    if last_seen is None:
        return True
    return now - last_seen >= timedelta(minutes=idle_minutes)


def _is_true(value) -> bool:
    return value is True or isinstance(value, str) and value.strip().lower() == "true"


def _claim_roles(value) -> frozenset[str]:
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    if not isinstance(value, (list, tuple, set, frozenset)):
        return frozenset()
    return frozenset(r for r in value if isinstance(r, str) and r in ROLES)


def viewer_from_oidc(
    user_info: Mapping, users: Mapping[str, accounts.User], roles_claim: str | None = None
) -> Viewer | None:
    """The viewer for an OIDC-signed-in user (st.user), or None: no access. The users-file entry
    is the one whose e-mail equals the ID token's e-mail, and only when the provider says the
    e-mail is verified. With `roles_claim` the roles come from that claim (names that are not roles
    are ignored) and the departments from the entry, if there is one; a disabled entry has no access
    either way."""
    email = user_info.get("email")
    verified = isinstance(email, str) and "@" in email and _is_true(user_info.get("email_verified"))
    entry = None
    if verified:
        key = email.strip().casefold()
        entry = next((u for u in users.values() if u.email and u.email.casefold() == key), None)
    if entry is not None and entry.disabled:
        return None
    if roles_claim:
        roles = _claim_roles(user_info.get(roles_claim))
        if not roles:
            return None
        name = entry.name if entry else str(user_info.get("email") or user_info.get("sub") or "")
        if not name:
            return None
        return Viewer(name, roles, frozenset(entry.departments) if entry else frozenset())
    if entry is None:
        return None
    return viewer_of(entry)
