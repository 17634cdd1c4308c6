"""The audit trail as the app writes it (SPEC §9): an upload and a rebuild on the Data page, with
who and when, shown newest first to an administrator on that page."""

from __future__ import annotations

import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from dashboard import accounts
from dashboard.accounts import User
from pipelines.settings import ROOT
from tests.dashboard import auth_site
from tests.dashboard.auth_site import trail

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def site(tmp_path, monkeypatch, demo_data):
    users = tmp_path / "users.toml"
    accounts.add_user(users, User("an.admin", ("admin",)))
    data = tmp_path / "data"
    shutil.copytree(demo_data, data)  # the landing store too: the rebuild reads it
    monkeypatch.setenv("AFTERSALES_DATA", str(data))
    monkeypatch.setenv("AFTERSALES_SETTINGS", str(auth_site.settings_file(tmp_path, "local", users)))
    auth_site.use_clock(monkeypatch, T0)
    at = auth_site.app()
    at.session_state["auth_user"] = "an.admin"
    at.session_state["auth_last_seen"] = T0
    at.run()
    return data, auth_site.open_url(at, "data")


def test_an_upload_and_a_rebuild_are_audited_and_shown_on_the_data_page(site):
    data, at = site
    assert not at.exception
    body = (ROOT / "sample_data" / "tickets.csv").read_bytes()  # loaded by the demo already: skipped
    at.file_uploader(key="upload_files").set_value(("tickets.csv", body, "text/csv")).run()
    at.button(key="upload_go").click().run()
    assert not at.exception
    upload = trail(data)[-1]
    assert (upload["event"], upload["user"], upload["role"], upload["what"]) == (
        "upload",
        "an.admin",
        "admin",
        "tickets.csv",
    )
    assert upload["detail"]["committed"] is False
    assert upload["detail"]["files"] == [{"file": "tickets.csv", "status": "skipped", "rows_accepted": 0}]
    at.button(key="rebuild_go").click().run()
    assert not at.exception
    rebuild = trail(data)[-1]
    assert (rebuild["event"], rebuild["user"]) == ("rebuild", "an.admin")
    at.run()
    shown = auth_site.frame_with(at, "事件")
    assert list(shown["事件"])[:2] == ["rebuild", "upload"]  # newest first
    assert list(shown["用户"])[:2] == ["an.admin", "an.admin"]
