"""The audit trail (SPEC §9): one JSON line per entry with time, user, role, what and filters,
appended from several processes without interleaving, never holding a credential."""

from __future__ import annotations

import json
import multiprocessing
import stat
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from dashboard.audit import EVENTS, AuditTrail, audit_path


@dataclass(frozen=True)
class Filters:
    start: date
    end: date
    region: tuple[str, ...]


def test_entry_is_one_json_line_with_the_fields(tmp_path):
    trail = AuditTrail(audit_path(tmp_path), "Asia/Shanghai")
    trail.record(
        "download",
        "li.na",
        {"management", "department_manager"},
        "follow-up list (CSV)",
        Filters(date(2026, 7, 1), date(2026, 9, 30), ("华东",)),
        now=datetime(2026, 11, 2, 1, 30, tzinfo=UTC),
        rows=12,
    )
    lines = (tmp_path / "audit.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0]) == {
        "time": "2026-11-02T09:30:00+08:00",
        "event": "download",
        "user": "li.na",
        "role": "department_manager,management",
        "what": "follow-up list (CSV)",
        "filters": {"start": "2026-07-01", "end": "2026-09-30", "region": ["华东"]},
        "detail": {"rows": 12},
    }


def test_trail_is_private_and_only_grows(tmp_path):
    trail = AuditTrail(tmp_path / "audit.jsonl", "Asia/Shanghai")
    trail.record("sign_in", "a", "admin", "local sign-in")
    first = trail.path.read_bytes()
    trail.record("sign_out", "a", "admin", "sign-out")
    assert trail.path.read_bytes().startswith(first)
    assert stat.S_IMODE(trail.path.stat().st_mode) == 0o600


def test_time_is_in_the_configured_zone_when_not_given(tmp_path):
    entry = AuditTrail(tmp_path / "a.jsonl", "Asia/Shanghai").record("rebuild", "a", "admin", "warehouse")
    assert entry["time"].endswith("+08:00")


def test_unknown_event_is_refused(tmp_path):
    with pytest.raises(ValueError, match="unknown audit event 'login'"):
        AuditTrail(tmp_path / "a.jsonl", "Asia/Shanghai").record("login", "a", "admin", "x")


@pytest.mark.parametrize("key", ["password", "password_hash", "cookie_secret", "id_token"])
def test_credential_detail_is_refused_and_nothing_is_written(tmp_path, key):
    trail = AuditTrail(tmp_path / "a.jsonl", "Asia/Shanghai")
    with pytest.raises(ValueError, match="looks like a credential"):
        trail.record("sign_in_failed", "a", None, "local sign-in", **{key: "hunter2"})
    assert not trail.path.exists()


def test_every_event_of_the_spec_is_known():
    for event in ("sign_in", "sign_in_failed", "locked_out", "sign_out", "upload", "rebuild", "download", "report"):
        assert event in EVENTS


def test_latest_entries_newest_first_as_a_table(tmp_path):
    trail = AuditTrail(tmp_path / "a.jsonl", "Asia/Shanghai")
    for i in range(5):
        trail.record("report", f"user{i}", "management", "quarterly report (PDF)", {"quarter": "2026Q3"})
    table = trail.latest(3)
    assert list(table.columns) == ["time", "event", "user", "role", "what", "filters", "detail"]
    assert table["user"].tolist() == ["user4", "user3", "user2"]
    assert table["filters"].iloc[0] == '{"quarter": "2026Q3"}'
    assert table["detail"].iloc[0] == ""


def test_latest_reads_the_tail_of_a_long_trail_and_skips_a_bad_line(tmp_path):
    trail = AuditTrail(tmp_path / "a.jsonl", "Asia/Shanghai")
    for i in range(3000):
        trail.record("download", "u", "admin", f"list {i}")
    with open(trail.path, "a", encoding="utf-8") as fh:
        fh.write("not json\n")
    trail.record("download", "u", "admin", "list last")
    assert trail.latest(4)["what"].tolist() == ["list last", "list 2999", "list 2998", "list 2997"]
    assert trail.latest(2500)["what"].iloc[-1] == "list 501"
    assert len(trail.latest(5000)) == 3001


def test_latest_of_a_missing_trail_is_empty(tmp_path):
    table = AuditTrail(tmp_path / "none.jsonl", "Asia/Shanghai").latest()
    assert table.empty and list(table.columns)[:3] == ["time", "event", "user"]


def _append_many(path, worker):
    trail = AuditTrail(path, "Asia/Shanghai")
    for i in range(200):
        trail.record("download", f"w{worker}", "admin", "x" * 5000, {"i": i})


def test_processes_appending_at_once_never_interleave_lines(tmp_path):
    path = tmp_path / "a.jsonl"
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_append_many, args=(path, w)) for w in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(entries) == 600
    assert sorted({(e["user"], e["filters"]["i"]) for e in entries}) == sorted(
        (f"w{w}", i) for w in range(3) for i in range(200)
    )
