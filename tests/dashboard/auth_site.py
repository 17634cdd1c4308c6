"""What the sign-in and access tests share: a settings file with an [auth] mode, a data directory
of its own (the audit trail and lock-outs are written there), a clock the tests move, the app run
through AppTest, a page opened by its URL path, and everything a run drew as text."""

from __future__ import annotations

import json
import re
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from google.protobuf.json_format import MessageToDict
from streamlit.testing.v1 import AppTest

from dashboard import gate
from dashboard.audit import AuditTrail, audit_path
from pipelines.settings import ROOT

APP = str(ROOT / "dashboard" / "streamlit_app.py")
ZONE = "Asia/Shanghai"


def settings_file(directory: Path, mode: str, users: Path, **auth) -> Path:
    """config/settings.toml with [auth] mode, users_file and the `auth` keys set, written to `directory`."""
    text = (ROOT / "config" / "settings.toml").read_text(encoding="utf-8")
    values = {"mode": mode, "users_file": str(users), **auth}
    for key, value in values.items():
        text, n = re.subn(rf"(?m)^#? ?{key} = [^\n]*$", f"{key} = {json.dumps(value)}", text, count=1)
        assert n == 1, key
    path = Path(directory) / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def data_dir(directory: Path, demo_data: Path) -> Path:
    """A data directory holding a copy of the demo warehouse and nothing else yet."""
    path = Path(directory) / "data"
    path.mkdir()
    shutil.copy(demo_data / "warehouse.duckdb", path / "warehouse.duckdb")
    return path


class Clock:
    """gate.clock for the tests: a time that moves only when told to."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self, zone: str) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


def use_clock(monkeypatch, now: datetime) -> Clock:
    clock = Clock(now)
    monkeypatch.setattr(gate, "clock", clock)
    return clock


def trail(data: Path) -> list[dict]:
    """The audit trail's entries, oldest first."""
    path = audit_path(data)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def latest_events(data: Path, n: int = 10) -> list[str]:
    return list(AuditTrail(audit_path(data), ZONE).latest(n)["event"])


def app(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    if lang != "zh":
        at.query_params["lang"] = lang
    return at


def open_url(at: AppTest, url_path: str) -> AppTest:
    """Run the app on the page whose URL path is `url_path`, as a browser opening that URL does
    (AppTest.switch_page only finds pages by script file, and a page a role may not open has none)."""
    pages = at._registered_pages
    known = {info.get("url_pathname"): page_hash for page_hash, info in pages.items()}
    default = next(info for info in pages.values() if info.get("url_pathname") == "")
    if url_path not in known:  # the default page is registered under ""
        assert Path(str(default["script_path"])).stem in (url_path, "overview"), (url_path, list(known))
        url_path = ""
    at._page_hash = known[url_path]
    return at.run()


def texts(at: AppTest) -> list[str]:
    """Everything the last run drew, one text per element: a table as CSV, a chart as its JSON,
    any other element as its message (labels, values, options, help)."""
    out = []
    for node in at._tree:
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if node.type == "dataframe":
            value = node.value
            out.append(value.to_csv(index=False) if isinstance(value, pd.DataFrame) else str(value))
        elif node.type == "plotly_chart":
            out.append(json.dumps(json.loads(proto.spec), ensure_ascii=False))
        else:
            out.append(json.dumps(MessageToDict(proto), ensure_ascii=False))
    return out


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The one table drawn with a column headed `column`."""
    found = [d.value for d in at.dataframe if column in d.value.columns]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]
