"""The sign-in gate in auth mode oidc (SPEC §9), through AppTest with st.user set as Streamlit sets
it after st.login: a user is matched on the verified e-mail, one without an entry sees no data and
is told to ask an administrator, and the idle rule holds for a tab opened on an old cookie.
The browser flow against a real provider is tests/e2e/test_oidc_dashboard.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dashboard import accounts
from dashboard.accounts import User
from dashboard.activity import Activity, activity_path
from tests.dashboard import auth_site
from tests.dashboard.auth_site import app, texts, trail

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
NO_ENTRY = "您已通过身份提供方登录，但尚未获得本看板的访问权限。请联系管理员为以下账号开通："


@pytest.fixture
def site(tmp_path, monkeypatch, demo_data):
    users = tmp_path / "users.toml"
    accounts.add_user(users, User("li.na", ("department_manager",), ("技术部",), email="li.na@example.com"))
    accounts.add_user(users, User("zhao.lei", ("quality",), email="zhao.lei@example.com"))
    data = auth_site.data_dir(tmp_path, demo_data)
    monkeypatch.setenv("AFTERSALES_DATA", str(data))
    monkeypatch.setenv("AFTERSALES_SETTINGS", str(auth_site.settings_file(tmp_path, "oidc", users)))
    site = type("Site", (), {})()
    site.data = data
    site.clock = auth_site.use_clock(monkeypatch, T0)
    return site


def provider_user(email: str, verified: bool = True, issued: datetime = T0) -> dict:
    """st.user as Streamlit holds it after st.login: the ID token's claims."""
    return {
        "is_logged_in": True,
        "email": email,
        "email_verified": verified,
        "iat": int(issued.timestamp()),
        "sub": email.split("@")[0],
    }


def run_as(user: dict):
    at = app()
    at.user = user
    return at.run()


def test_nothing_renders_before_the_provider_sign_in(site):
    at = run_as({"is_logged_in": False})
    assert not at.exception
    assert [h.value for h in at.header] == ["登录"]
    assert [b.label for b in at.button] == ["使用单位账号登录"]
    assert len(at.title) == len(at.caption) == len(at.dataframe) == len(at.multiselect) == 0
    assert not any("2026-11-01" in text for text in texts(at))


def test_a_verified_email_with_an_entry_signs_in_with_its_departments(site):
    at = run_as(provider_user("li.na@example.com"))
    assert not at.exception
    assert "总览" in [h.value for h in at.header]
    assert set(at.dataframe[0].value["责任部门"]) == {"技术部"}
    assert [t.value for t in at.sidebar.text] == ["已登录：li.na（部门经理）"]
    [entry] = trail(site.data)
    assert (entry["event"], entry["user"], entry["what"]) == ("sign_in", "li.na", "oidc sign-in")


@pytest.mark.parametrize(
    ("email", "verified", "reason"),
    [("chen.jie@example.com", True, "no_entry"), ("zhao.lei@example.com", False, "email_not_verified")],
)
def test_no_entry_or_an_unverified_email_gets_no_data_and_is_told_to_ask(site, email, verified, reason):
    at = run_as(provider_user(email, verified))
    assert not at.exception
    assert [w.value for w in at.warning] == [NO_ENTRY]
    assert [t.value for t in at.text] == [email]
    assert len(at.title) == len(at.caption) == len(at.dataframe) == len(at.multiselect) == len(at.metric) == 0
    assert [b.label for b in at.button] == ["退出登录"]
    [entry] = trail(site.data)
    assert (entry["event"], entry["user"], entry["detail"]["reason"]) == ("sign_in_failed", email, reason)


def test_a_tab_opened_on_a_cookie_older_than_the_idle_time_is_signed_out(site):
    at = run_as(provider_user("li.na@example.com", issued=T0 - timedelta(minutes=30)))
    assert not at.exception
    assert "总览" not in [h.value for h in at.header]
    assert at.user["is_logged_in"] is False  # st.logout ran
    entry = trail(site.data)[-1]
    assert (entry["event"], entry["user"], entry["detail"]["reason"]) == ("sign_out", "li.na", "idle")


def test_a_tab_opened_while_the_user_is_active_elsewhere_stays_signed_in(site):
    Activity(activity_path(site.data)).touch("li.na", T0 - timedelta(minutes=29))
    at = run_as(provider_user("li.na@example.com", issued=T0 - timedelta(hours=3)))
    assert not at.exception and "总览" in [h.value for h in at.header]
    assert trail(site.data) == []  # no new sign-in: the cookie is the old one
    site.clock.advance(minutes=30)  # then idle in this tab too
    at.run()
    assert "总览" not in [h.value for h in at.header]
    assert trail(site.data)[-1]["detail"]["reason"] == "idle"
