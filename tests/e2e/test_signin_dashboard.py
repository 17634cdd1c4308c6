"""The dashboard itself served with sign-in on, driven in Chromium (SPEC §9): mode oidc against the
real test OpenID provider (li.na sees her departments only, chen.jie is told to ask an
administrator and sees no data), and mode local's form; neither the server's output nor any page
holds a password, a hash or a secret."""

from __future__ import annotations

import json
import secrets
import shutil

import pytest

from dashboard import accounts
from dashboard.accounts import User
from tests.dashboard.auth_site import settings_file
from tests.e2e.browser import browser, free_port, served, settle
from tests.e2e.oidc_provider import installed, oidc_provider

DEPARTMENTS = ("售后服务部", "业务部", "技术部", "品控中心")  # the owner departments of config/settings.toml
NAV = ["Overview", "Department targets", "Trends", "Complaints"]  # a department manager's pages


@pytest.fixture
def data(tmp_path, demo_data):
    path = tmp_path / "data"
    path.mkdir()
    shutil.copy(demo_data / "warehouse.duckdb", path / "warehouse.duckdb")
    return path


def nav_links(page) -> list[str]:
    return page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()


def department_headings(page) -> list[str]:
    return [h for h in page.locator("h4").all_inner_texts() if h in DEPARTMENTS]


def provider_sign_in(page, url, provider, login):
    page.goto(f"{url}/?lang=en")
    page.get_by_role("button", name="Sign in with your organisation's account").click()
    page.wait_for_selector("#login-form", timeout=30_000)
    page.fill("#login", login)
    page.fill("#password", provider.password)
    page.click("#submit")


@pytest.mark.skipif(not installed(), reason="the test OpenID provider is not installed (make oidc)")
def test_oidc_sign_in_to_the_dashboard_scopes_li_na_and_turns_chen_jie_away(tmp_path, data):
    users = tmp_path / "users.toml"
    accounts.add_user(users, User("li.na", ("department_manager",), ("技术部",), email="li.na@example.com"))
    settings = settings_file(tmp_path, "oidc", users)
    port = free_port()
    cookie_secret = secrets.token_urlsafe(32)
    log = tmp_path / "server.log"
    with oidc_provider(f"http://localhost:{port}/oauth2callback") as provider:
        secrets_file = tmp_path / "secrets.toml"
        secrets_file.write_text(provider.streamlit_secrets(cookie_secret), encoding="utf-8")
        secrets_file.chmod(0o600)
        env = {"AFTERSALES_SETTINGS": str(settings)}
        args = ("--secrets.files", str(secrets_file))
        with served(data, port, env=env, args=args, log=log, host="localhost") as (url, _), browser() as chromium:
            page = chromium.new_page(viewport={"width": 1440, "height": 2000})
            page.goto(f"{url}/?lang=en")
            page.get_by_role("button", name="Sign in with your organisation's account").wait_for(timeout=60_000)
            settle(page)
            assert page.locator('[data-testid="stDataFrame"]').count() == 0
            assert "Data as of" not in page.inner_text("body")

            provider_sign_in(page, url, provider, "li.na@example.com")
            # back from the provider on the app's root URL, in the default language
            page.get_by_role("heading", name="总览", exact=True).first.wait_for(timeout=60_000)
            page.goto(f"{url}/?lang=en")
            page.get_by_role("heading", name="Overview", exact=True).first.wait_for(timeout=60_000)
            settle(page)
            assert nav_links(page) == NAV
            assert "Signed in: li.na (department manager)" in page.inner_text("body")
            page.locator('[data-testid="stSidebarNavLink"]').nth(1).click()
            page.get_by_role("heading", name="Department targets", exact=True).first.wait_for(timeout=60_000)
            settle(page)
            assert department_headings(page) == ["技术部"]
            page.goto(f"{url}/data?lang=en")  # a page her role may not open, by its URL
            page.get_by_text("Not permitted: your role may not open this page.").wait_for(timeout=60_000)
            assert page.locator('[data-testid="stDataFrame"]').count() == 0
            body = page.content()
            page.get_by_role("button", name="Sign out").click()  # through the provider's end of session, back on /
            page.get_by_role("button", name="使用单位账号登录").wait_for(timeout=60_000)

            provider_sign_in(page, url, provider, "chen.jie@example.com")
            page.get_by_text("请联系管理员为以下账号开通").wait_for(timeout=60_000)
            page.goto(f"{url}/?lang=en")
            page.get_by_text("Ask an administrator to give this account access").wait_for(timeout=60_000)
            settle(page)
            assert "chen.jie@example.com" in page.inner_text("body")
            assert page.locator('[data-testid="stDataFrame"]').count() == 0
            assert nav_links(page) == []
            assert "Data as of" not in page.inner_text("body")
            body += page.content()
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "You can now view your Streamlit app" in text  # the server's output was captured
    for secret in (provider.password, provider.client_secret, cookie_secret):
        assert secret not in text and secret not in body
    entries = [json.loads(line) for line in (data / "audit.jsonl").read_text(encoding="utf-8").splitlines()]
    # chen.jie is turned away once per browser session: on the way back from the provider, then in English
    assert [(e["event"], e["user"]) for e in entries] == [
        ("sign_in", "li.na"),
        ("sign_out", "li.na"),
        ("sign_in_failed", "chen.jie@example.com"),
        ("sign_in_failed", "chen.jie@example.com"),
    ]


def test_local_sign_in_in_chromium_logs_and_shows_no_password_or_hash(tmp_path, data):
    password = "梅花 plum-" + secrets.token_urlsafe(8)
    wrong = "wrong-" + secrets.token_urlsafe(8)
    users = tmp_path / "users.toml"
    hashed = accounts.hash_password(password)
    accounts.add_user(users, User("li.na", ("department_manager",), ("技术部",), password_hash=hashed))
    env = {"AFTERSALES_SETTINGS": str(settings_file(tmp_path, "local", users))}
    log = tmp_path / "server.log"
    with served(data, env=env, log=log) as (url, _), browser() as chromium:
        page = chromium.new_page(viewport={"width": 1440, "height": 2000})
        page.goto(f"{url}/?lang=en")
        page.get_by_label("User name").wait_for(timeout=60_000)
        body = page.content()
        for attempt in (wrong, password):
            page.get_by_label("User name").fill("li.na")
            page.get_by_role("textbox", name="Password").fill(attempt)
            page.get_by_role("button", name="Sign in", exact=True).click()
            if attempt == wrong:
                page.get_by_text("Sign-in failed: the user name or password is wrong").wait_for(timeout=60_000)
                assert page.get_by_role("textbox", name="Password").input_value() == ""  # cleared on submit
            body += page.content()
        page.get_by_role("heading", name="Overview", exact=True).first.wait_for(timeout=60_000)
        settle(page)
        body += page.content()
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "You can now view your Streamlit app" in text  # the server's output was captured
    for secret in (password, wrong, hashed, hashed.rsplit("$", 1)[1], "$argon2id$"):
        assert secret not in text and secret not in body, secret
