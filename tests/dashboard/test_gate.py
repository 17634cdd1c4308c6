"""The sign-in gate of the app in auth mode local (SPEC §9), through AppTest: nothing with data
before sign-in, one message for every failure, the lock-out and its end, the idle expiry, a
disabled user, signing out, and no password or hash in anything drawn."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dashboard import accounts
from dashboard.accounts import User
from tests.dashboard import auth_site
from tests.dashboard.auth_site import app, latest_events, texts, trail

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
PASSWORD = "梅花 plum-blossom 7"
FAILED = "登录失败：用户名或密码不正确，或该账号暂时不能登录。"


@pytest.fixture(scope="module")
def password_hash():
    return accounts.hash_password(PASSWORD)


@pytest.fixture
def site(tmp_path, monkeypatch, demo_data, password_hash):
    users = tmp_path / "users.toml"
    accounts.add_user(users, User("li.na", ("department_manager",), ("技术部",), password_hash=password_hash))
    accounts.add_user(users, User("gone", ("quality",), password_hash=password_hash, disabled=True))
    data = auth_site.data_dir(tmp_path, demo_data)
    monkeypatch.setenv("AFTERSALES_DATA", str(data))
    monkeypatch.setenv("AFTERSALES_SETTINGS", str(auth_site.settings_file(tmp_path, "local", users)))
    site = type("Site", (), {})()
    site.users, site.data, site.hash = users, data, password_hash
    site.clock = auth_site.use_clock(monkeypatch, T0)
    return site


def sign_in(at, name: str, password: str):
    at.text_input(key="auth_form_user").input(name)
    at.text_input(key="auth_form_password").input(password)
    return at.button[0].click().run()


def signed_in(at) -> bool:
    return "总览" in [h.value for h in at.header]


def test_nothing_with_data_renders_before_sign_in(site):
    at = app().run()
    assert not at.exception
    assert [h.value for h in at.header] == ["登录"]
    assert [w.key for w in at.text_input] == ["auth_form_user", "auth_form_password"]
    # no title, as-of line, filter, table, chart, metric or download: only the language switch
    assert len(at.title) == len(at.caption) == len(at.multiselect) == len(at.dataframe) == len(at.metric) == 0
    assert len(at.get("plotly_chart")) == len(at.get("download_button")) == 0
    assert [r.label for r in at.sidebar.radio] == ["语言"] and len(at.sidebar) == 1
    assert not any("2026-11-01" in text or "技术部" in text for text in texts(at))


def test_the_right_password_signs_in_with_the_users_departments(site):
    at = sign_in(app().run(), "li.na", PASSWORD)
    assert not at.exception and signed_in(at)
    assert "数据截至 **2026-11-01 00:00**" in at.caption[0].value
    assert [t.value for t in at.sidebar.text] == ["已登录：li.na（部门经理）"]
    owners = set(at.dataframe[0].value["责任部门"])  # the Overview's scorecard: 技术部's KPIs only
    assert owners == {"技术部"}
    [entry] = trail(site.data)
    assert (entry["event"], entry["user"], entry["role"], entry["what"]) == (
        "sign_in",
        "li.na",
        "department_manager",
        "local sign-in",
    )


@pytest.mark.parametrize(
    ("name", "password", "reason"),
    [
        ("li.na", "plum blossom", "wrong_password"),
        ("nobody", PASSWORD, "unknown_user"),
        ("gone", PASSWORD, "disabled"),
    ],
)
def test_every_failure_shows_the_same_message(site, name, password, reason):
    at = sign_in(app().run(), name, password)
    assert not at.exception and not signed_in(at)
    assert [e.value for e in at.error] == [FAILED]
    assert [h.value for h in at.header] == ["登录"]
    [entry] = trail(site.data)
    assert (entry["event"], entry["user"], entry["detail"]["reason"]) == ("sign_in_failed", name, reason)


def test_five_failures_lock_the_account_for_fifteen_minutes(site):
    at = app().run()
    for _ in range(5):
        at = sign_in(at, "li.na", "wrong")
        site.clock.advance(minutes=1)
    assert latest_events(site.data, 2) == ["locked_out", "sign_in_failed"]
    at = sign_in(at, "li.na", PASSWORD)  # T0 + 5 min: locked, the right password fails alike
    assert not signed_in(at) and [e.value for e in at.error] == [FAILED]
    assert trail(site.data)[-1]["detail"]["reason"] == "locked"
    site.clock.advance(minutes=13, seconds=59)  # 14:59 after the fifth failure at T0 + 4 min
    assert not signed_in(sign_in(at, "li.na", PASSWORD))
    site.clock.advance(seconds=1)  # the lock has ended
    at = sign_in(at, "li.na", PASSWORD)
    assert signed_in(at) and latest_events(site.data, 1) == ["sign_in"]


def test_a_session_idle_for_the_configured_time_ends(site):
    at = sign_in(app().run(), "li.na", PASSWORD)
    site.clock.advance(minutes=29, seconds=59)
    assert signed_in(at.run())  # an interaction: the idle time starts again
    site.clock.advance(minutes=29, seconds=59)
    assert signed_in(at.run())
    site.clock.advance(minutes=30)
    at.run()
    assert not signed_in(at) and [h.value for h in at.header] == ["登录"]
    assert [i.value for i in at.info] == ["长时间未操作，已自动退出。请重新登录。"]
    entry = trail(site.data)[-1]
    assert (entry["event"], entry["user"], entry["detail"]["reason"]) == ("sign_out", "li.na", "idle")


def test_a_user_disabled_while_signed_in_is_signed_out_at_the_next_interaction(site):
    at = sign_in(app().run(), "li.na", PASSWORD)
    accounts.update_user(site.users, "li.na", disabled=True)
    at.run()
    assert not signed_in(at)
    assert [i.value for i in at.info] == ["该账号已停用或已删除，已退出登录。"]
    assert trail(site.data)[-1]["detail"]["reason"] == "account_disabled"


def test_signing_out_returns_to_the_form_and_is_audited(site):
    at = sign_in(app().run(), "li.na", PASSWORD)
    at.sidebar.button(key="auth_sign_out").click().run()
    assert not signed_in(at) and [h.value for h in at.header] == ["登录"]
    assert latest_events(site.data, 2) == ["sign_out", "sign_in"]
    at.run()  # and it stays signed out
    assert not signed_in(at)


def test_no_password_or_hash_is_ever_drawn(site):
    at = sign_in(app().run(), "li.na", "a wrong password 1")
    drawn = texts(at)
    at = sign_in(at, "li.na", PASSWORD)
    assert signed_in(at)
    drawn += texts(at)
    for page in ("departments", "trends", "complaints"):
        drawn += texts(auth_site.open_url(at, page))
    assert len(drawn) > 50
    for secret in (PASSWORD, "a wrong password 1", site.hash, site.hash.rsplit("$", 1)[1], "$argon2id$"):
        assert not any(secret in text for text in drawn), secret
    audit = site.data.joinpath("audit.jsonl").read_text(encoding="utf-8")
    assert PASSWORD not in audit and "a wrong password 1" not in audit and "$argon2" not in audit
