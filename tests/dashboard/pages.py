"""What the page tests share: a page run through AppTest with its widget state set up front (AppTest
does not carry a date-range select_slider over a second run, so each test runs the app once), the
elements it drew, and hand-written SQL on the warehouse for the expected numbers."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from streamlit.testing.v1 import AppTest

from pipelines.build import warehouse_path
from tests.helpers import query  # noqa: F401 — the page tests' hand-written SQL, re-exported

ROOT = Path(__file__).resolve().parents[2]
# each page's script as dashboard/streamlit_app.py routes to it (relative to that file), in its order
SCRIPTS = {
    "overview": "app_pages/overview.py",
    "departments": "app_pages/departments.py",
    "trends": "app_pages/trends.py",
    "complaints": "app_pages/complaints/complaints.py",
    "satisfaction": "app_pages/satisfaction/satisfaction.py",
    "costs": "app_pages/costs.py",
    "data_admin": "app_pages/data_admin.py",
}


def query_df(data_dir: Path, sql: str, params: list | None = None):
    """query() as a DataFrame."""
    con = duckdb.connect(str(warehouse_path(data_dir)), read_only=True)
    try:
        return con.execute(sql, params or []).df()
    finally:
        con.close()


def run_page(page: str, **state) -> AppTest:
    """The app switched to `page` (a script of SCRIPTS) with session state `state`, run once, no exception."""
    at = AppTest.from_file(str(ROOT / "dashboard/streamlit_app.py"), default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page).run()
    assert not at.exception
    return at


def frame(at: AppTest, key: str):
    """The table with this widget key."""
    keys = [d.key for d in at.dataframe]
    assert key in keys, keys
    return at.dataframe[keys.index(key)].value


def table(at: AppTest, *columns: str):
    """The one table having these column headers (all of them when six or more are given); tables
    without a selection carry no key in AppTest."""
    found = [
        d.value
        for d in at.dataframe
        if set(columns) <= set(d.value.columns) and (len(columns) < 6 or len(columns) == len(d.value.columns))
    ]
    assert len(found) == 1, [list(d.value.columns) for d in at.dataframe]
    return found[0]


def metric(at: AppTest, label: str) -> str:
    found = [m.value for m in at.metric if m.label == label]
    assert found, [m.label for m in at.metric]
    return found[0]


def charts(at: AppTest) -> list[dict]:
    """The plotly figures drawn, as JSON."""
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
