"""The sign-in gate (SPEC §9): who is looking, asked before anything else is drawn. In auth mode
none the local user; in mode local a sign-in form of Streamlit widgets checked by dashboard.signin;
in mode oidc Streamlit's st.login with the site's provider, mapped to a users-file entry. Until a
viewer is known the gate draws only the sign-in and stops the run, so nothing with data renders
before. It also writes the audit trail of what a viewer does (`recorder`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import streamlit as st

from dashboard import accounts, signin
from dashboard.access import Viewer
from dashboard.activity import Activity, activity_path
from dashboard.audit import AuditTrail, audit_path
from dashboard.i18n import t
from dashboard.lockouts import LockoutPolicy, Lockouts, lockouts_path
from pipelines.settings import Settings, data_dir, load_settings

# A signed-in OIDC user's last interaction is written at most this often (the idle rule's grain).
TOUCH_EVERY = timedelta(minutes=1)
# Session-state keys the gate owns; signing out clears them.
STATE = ("auth_user", "auth_last_seen", "auth_touched", "auth_refused", "viewer")


def clock(zone: str) -> datetime:
    """Now, in the settings' time zone (the tests move it)."""
    return datetime.now(ZoneInfo(zone))


def trail(settings: Settings) -> AuditTrail:
    return AuditTrail(audit_path(data_dir()), settings.time_zone)


def viewer(settings: Settings) -> Viewer:
    """The viewer of this browser session; draws the sign-in and stops the run while there is none."""
    auth = settings.auth
    st.session_state["audit_trail"] = trail(settings)
    if auth.mode == "none":
        found = Viewer.local(auth.default_role)
    elif auth.mode == "local":
        found = _local(settings)
    else:
        found = _oidc(settings)
    st.session_state["viewer"] = found
    return found


def recorder(event: str, what: str, filters=None) -> Callable[..., None]:
    """A function that records `event` for the current viewer when called, later and on any thread
    (a download's data is made on a worker thread when the user clicks)."""
    who: Viewer | None = st.session_state.get("viewer")
    book = st.session_state.get("audit_trail") or trail(load_settings())

    def record(**detail) -> None:
        book.record(event, who.name if who else None, who.roles if who else None, what, filters, **detail)

    return record


def _end(settings: Settings, name: str, roles, reason: str, notice: str | None) -> None:
    """Forget the signed-in user of this browser session and audit the sign-out."""
    trail(settings).record("sign_out", name, roles, f"{settings.auth.mode} sign-out", reason=reason)
    for key in STATE:
        st.session_state.pop(key, None)
    if notice:
        st.session_state["auth_notice"] = notice


def _notice() -> None:
    notice = st.session_state.pop("auth_notice", None)
    if notice:
        st.info(t(notice))


def _signed_in_as(found: Viewer, on_sign_out: Callable[[], None]) -> None:
    roles = "、".join(t(f"role_{r}") for r in sorted(found.roles))
    st.sidebar.text(t("auth_signed_in_as", name=found.name, roles=roles))  # a name is text, never markup
    st.sidebar.button(t("auth_sign_out"), key="auth_sign_out", on_click=on_sign_out)


def _unavailable() -> None:
    st.header(t("auth_title"))
    st.error(t("auth_unavailable"))
    st.stop()


# ---------------------------------------------------------------- mode local
def _local(settings: Settings) -> Viewer:
    auth = settings.auth
    now = clock(settings.time_zone)
    name = st.session_state.get("auth_user")
    if name is not None:
        try:
            entry = accounts.load_users(auth.users_file).get(name)
        except accounts.AccountsError:
            _unavailable()
        if entry is None:  # removed while signed in
            _end(settings, name, None, "account_removed", "auth_ended")
        elif entry.disabled:
            _end(settings, name, entry.roles, "account_disabled", "auth_ended")
        elif signin.session_expired(st.session_state.get("auth_last_seen"), now, auth.idle_minutes):
            _end(settings, name, entry.roles, "idle", "auth_expired")
        else:
            st.session_state["auth_last_seen"] = now
            found = signin.viewer_of(entry)  # roles and departments as the users file says now
            _signed_in_as(found, lambda: _end(settings, found.name, found.roles, "signed_out", None))
            return found
    _form(settings)
    st.stop()


def _form(settings: Settings) -> None:
    auth = settings.auth
    st.header(t("auth_title"))
    _notice()
    with st.form("auth_form", clear_on_submit=True):  # the password does not stay in the widget
        username = st.text_input(t("auth_user"), key="auth_form_user")
        password = st.text_input(t("auth_password"), type="password", key="auth_form_password")
        submitted = st.form_submit_button(t("auth_sign_in"), type="primary")
    if not submitted:
        return
    now = clock(settings.time_zone)
    lockouts = Lockouts(lockouts_path(data_dir()), LockoutPolicy(auth.lockout_failures, auth.lockout_minutes))
    try:
        result = signin.authenticate(
            username, password, now, users_file=auth.users_file, lockouts=lockouts, audit=trail(settings)
        )
    except accounts.AccountsError:
        _unavailable()
    if result.ok:
        st.session_state["auth_user"] = result.viewer.name
        st.session_state["auth_last_seen"] = now
        st.rerun()
    st.error(t(result.message))  # one message whatever the reason: no oracle for which accounts exist


# ---------------------------------------------------------------- mode oidc
def _issued_at(info: dict, zone: str) -> datetime | None:
    """When the provider issued the ID token (its `iat` claim): the time of the sign-in."""
    value = info.get("iat")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return datetime.fromtimestamp(value, ZoneInfo(zone))


def _oidc(settings: Settings) -> Viewer:
    auth = settings.auth
    if not st.user.is_logged_in:
        st.header(t("auth_title"))
        _notice()
        st.button(t("auth_sign_in_provider"), key="auth_login", type="primary", on_click=st.login)
        st.stop()
    info = st.user.to_dict()
    try:
        found = signin.viewer_from_oidc(info, accounts.load_users(auth.users_file), auth.roles_claim)
    except accounts.AccountsError:
        _unavailable()
    if found is None:  # signed in at the provider, but no access here
        email = str(info.get("email") or info.get("sub") or "")
        if not st.session_state.get("auth_refused"):
            reason = "no_entry" if info.get("email_verified") in (True, "true") else "email_not_verified"
            trail(settings).record("sign_in_failed", email or None, None, "oidc sign-in", reason=reason)
            st.session_state["auth_refused"] = True
        st.header(t("auth_title"))
        st.warning(t("auth_no_entry"))
        st.text(email)  # the account the provider named, as text
        st.button(t("auth_sign_out"), key="auth_sign_out", on_click=st.logout)
        st.stop()

    now = clock(settings.time_zone)
    activity = Activity(activity_path(data_dir()))
    last = st.session_state.get("auth_last_seen")
    if last is None:  # a new browser session on the provider's cookie: a sign-in, or a tab reopened
        issued, seen = _issued_at(info, settings.time_zone), activity.last_seen(found.name)
        if issued is not None and (seen is None or issued > seen):
            trail(settings).record("sign_in", found.name, found.roles, "oidc sign-in", now=now)
        last = max([x for x in (issued, seen) if x is not None], default=now)
    if signin.session_expired(last, now, auth.idle_minutes):
        _end(settings, found.name, found.roles, "idle", "auth_expired")
        activity.forget(found.name)
        st.logout()
        st.stop()
    st.session_state["auth_last_seen"] = now
    touched = st.session_state.get("auth_touched")
    if touched is None or now - touched >= TOUCH_EVERY:
        activity.touch(found.name, now)
        st.session_state["auth_touched"] = now

    def sign_out() -> None:
        _end(settings, found.name, found.roles, "signed_out", None)
        activity.forget(found.name)
        st.logout()

    _signed_in_as(found, sign_out)
    return found
