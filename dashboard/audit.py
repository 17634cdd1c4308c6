"""The audit trail (SPEC §9): an append-only JSON-lines file in the data directory recording
sign-ins, failures, lock-outs, sign-outs, uploads, rebuilds, account changes and every download or
report with personal data in it: time, user, role, what, the filters. Each entry is one write to a
file opened with O_APPEND, so entries from several server processes never interleave."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

EVENTS = (
    "sign_in",
    "sign_in_failed",
    "locked_out",
    "sign_out",
    "upload",
    "rebuild",
    "download",
    "report",
    "account_added",
    "password_changed",
    "account_disabled",
    "account_enabled",
)
COLUMNS = ("time", "event", "user", "role", "what", "filters", "detail")
# Keys a caller may not put in an entry: the trail never holds a credential.
FORBIDDEN = ("password", "hash", "secret", "cookie", "token")


def audit_path(data: Path) -> Path:
    return Path(data) / "audit.jsonl"


def _plain(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value, key=str) if isinstance(value, (set, frozenset)) else list(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def _role_text(role) -> str | None:
    if role is None or isinstance(role, str):
        return role
    return ",".join(sorted(role))


class AuditTrail:
    def __init__(self, path: Path, time_zone: str):
        self.path = Path(path)
        self.zone = ZoneInfo(time_zone)

    def record(
        self,
        event: str,
        user: str | None,
        role: str | Iterable[str] | None,
        what: str,
        filters=None,
        *,
        now: datetime | None = None,
        **detail,
    ) -> dict:
        """Append one entry; returns it. `role` may be several roles (stored comma-separated),
        `filters` a dict or a dataclass; further keyword arguments go into `detail`."""
        if event not in EVENTS:
            raise ValueError(f"unknown audit event {event!r} (events: {', '.join(EVENTS)})")
        bad = [k for k in detail if any(word in k.lower() for word in FORBIDDEN)]
        if bad:
            raise ValueError(f"audit detail {bad[0]!r} looks like a credential; the trail never holds one")
        stamp = (now or datetime.now(self.zone)).astimezone(self.zone)
        entry = {
            "time": stamp.isoformat(timespec="seconds"),
            "event": event,
            "user": user,
            "role": _role_text(role),
            "what": what,
            "filters": _plain(filters) if dataclasses.is_dataclass(filters) else filters,
            "detail": detail,
        }
        line = (json.dumps(entry, ensure_ascii=False, default=_plain, sort_keys=False) + "\n").encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            written = os.write(fd, line)
        finally:
            os.close(fd)
        if written != len(line):
            raise OSError(f"{self.path}: short write to the audit trail ({written} of {len(line)} bytes)")
        return entry

    def latest(self, n: int = 200) -> pd.DataFrame:
        """The latest `n` entries, newest first, as a table for the Data page (filters and detail
        as JSON text). Lines that are not JSON entries are skipped."""
        rows = []
        for line in _lines_backwards(self.path):
            if len(rows) >= n:
                break
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if not isinstance(entry, dict):
                continue
            row = {col: entry.get(col) for col in COLUMNS}
            for col in ("filters", "detail"):
                row[col] = json.dumps(row[col], ensure_ascii=False) if row[col] else ""
            rows.append(row)
        return pd.DataFrame(rows, columns=list(COLUMNS))


def _lines_backwards(path: Path, block: int = 64 * 1024) -> Iterator[str]:
    """The lines of a file, last first, read from the end in blocks (the trail only grows, and
    the Data page wants its end)."""
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        return
    with fh:
        end = fh.seek(0, os.SEEK_END)
        rest = b""
        while end > 0:
            start = max(0, end - block)
            fh.seek(start)
            pieces = (fh.read(end - start) + rest).split(b"\n")
            end = start
            rest = pieces.pop(0) if end > 0 else b""  # may be the tail of a line not yet read in full
            for piece in reversed(pieces):
                if piece.strip():
                    yield piece.decode("utf-8", errors="replace")
