"""Streamlit's own st.login, in Chromium, against the test OpenID provider: the harness the
dashboard's OIDC mode is tested with (SPEC §9). A bare page is served, not the dashboard."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from tests.e2e.browser import ROOT, browser, free_port
from tests.e2e.oidc_provider import oidc_provider

APP = ROOT / "tests" / "e2e" / "st_login_app.py"


@contextmanager
def served_with_login(tmp_path):
    """The page served on localhost with .streamlit/secrets.toml's [auth] for the provider."""
    port = free_port()
    with oidc_provider(f"http://localhost:{port}/oauth2callback") as provider:
        secrets_file = tmp_path / "secrets.toml"
        secrets_file.write_text(provider.streamlit_secrets(secrets.token_urlsafe(32)), encoding="utf-8")
        secrets_file.chmod(0o600)
        log = open(tmp_path / "streamlit.log", "wb")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                str(APP),
                "--server.port",
                str(port),
                "--server.headless",
                "true",
                "--browser.gatherUsageStats",
                "false",
                "--secrets.files",
                str(secrets_file),
            ],
            cwd=ROOT,
            env=dict(os.environ, DO_NOT_TRACK="1"),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            url = f"http://localhost:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("the Streamlit server did not start")
                time.sleep(0.3)
            yield url, provider
        finally:
            proc.terminate()
            proc.wait(10)
            log.close()


def _sign_in(page, url, provider, login):
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("#login-form", timeout=30_000)
    page.fill("#login", login)
    page.fill("#password", provider.password)
    page.click("#submit")


def test_st_login_signs_in_through_the_provider_and_out_again(tmp_path):
    with served_with_login(tmp_path) as (url, provider), browser() as chromium:
        page = chromium.new_page()
        _sign_in(page, url, provider, "li.na@example.com")
        page.wait_for_selector("text=signed in:", timeout=30_000)
        assert "signed in: li.na@example.com verified=True roles=None" in page.inner_text("body")
        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
        assert "signed in:" not in page.inner_text("body")
        # Another account in the same browser: the provider asks again (prompt=select_account).
        _sign_in(page, url, provider, "zhao.lei@example.com")
        page.wait_for_selector("text=signed in:", timeout=30_000)
        assert "signed in: zhao.lei@example.com verified=False" in page.inner_text("body")
        log = (tmp_path / "streamlit.log").read_text(encoding="utf-8", errors="replace")
        assert provider.password not in log and provider.client_secret not in log
