"""Every value a user reads is in the reader's language (SPEC §7, issue: mixed languages): no English
enum value on a Chinese page, no "None" or "nan" on any page, reject reasons worded from their code."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.i18n import using
from dashboard.ui.reasons import parse, reason_text
from pipelines.contract import ENUMS
from pipelines.settings import load_settings
from tests.dashboard.pages import ROOT, SCRIPTS

# English values of every enum and of the statuses and verdicts the warehouse stores
ENUM_WORDS = {v for values in ENUMS.values() for v in values} | set(load_settings().root_causes)
ENUM_WORDS |= {"verified_effective", "overdue", "done", "effective", "not_shown", "too_few", "no_root_cause"}
ENUM_WORDS |= {"loaded", "skipped", "refused", "tickets", "customers", "quotes", "surveys", "complaints"}
EMPTY_WORDS = {"None", "nan", "NaN", "NaT", "<NA>"}
# text from the data itself: file names, and the accepted values a reject reason lists in both forms
DATA_TEXT = re.compile(r"\.(csv|xlsx|xls|parquet)(#|$)|应为以下之一|expected one of")
CHART_KEYS = {"name", "text", "x", "customdata", "title", "subtitle"}
# a selected row in some tables, so that their drill-down lists are drawn too
SELECTIONS = {
    "overview": {"overview_scorecard": 1},
    "departments": {"dept_units": 0},
    "complaints": {"cp_list_table": 0, "cp_kpis": 0},
    "costs": {"cost_monthly": 0},
}


def _chart_text(obj, key=None) -> list[str]:
    if isinstance(obj, dict):
        return [s for k, v in obj.items() for s in _chart_text(v, k if k in CHART_KEYS else key)]
    if isinstance(obj, list):
        return [s for v in obj for s in _chart_text(v, key)]
    return [obj] if isinstance(obj, str) and key in CHART_KEYS else []


def shown(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) of everything the page shows: text elements, metrics, tabs, widget options,
    table headers and cells, and the text of the charts."""
    found = []
    for kind in ("caption", "markdown", "text", "info", "warning", "error", "success", "header", "subheader"):
        found += [(kind, str(el.value)) for el in getattr(at, kind)]
    for m in at.metric:
        found += [("metric", str(m.label)), ("metric", str(m.value)), ("metric", str(m.delta or ""))]
    found += [("tab", t.label) for t in at.tabs]
    for w in [*at.selectbox, *at.multiselect, *at.radio]:
        found += [("option", str(o)) for o in w.options or []]
    for d in at.dataframe:
        found += [("header", str(c)) for c in d.value.columns]
        for col in d.value.columns:
            for v in d.value[col]:
                found.append(("missing cell", str(col)) if pd.isna(v) else ("cell", str(v)))
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        layout = {k: v for k, v in spec.get("layout", {}).items() if k != "shapes"}  # shapes' names are ids
        for annotation in layout.get("annotations", []):
            annotation.pop("name", None)
        found += [("chart", s) for s in _chart_text(spec.get("data", [])) + _chart_text(layout)]
    return found


def run(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard/streamlit_app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    for key, row in SELECTIONS.get(page, {}).items():
        at.session_state[key] = {"selection": {"rows": [row], "columns": []}}
    at.run()
    at.switch_page(SCRIPTS[page]).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_page_shows_an_english_enum_value_in_chinese_or_none_anywhere(demo_data, lang):
    problems = []
    for page in SCRIPTS:
        for where, text in shown(run(page, lang)):
            if where == "missing cell":
                problems.append((page, "an empty cell not shown as —", text))
                continue
            words = set(re.findall(r"[A-Za-z_<>]+", text))
            if words & EMPTY_WORDS:
                problems.append((page, where, text[:120]))
            if lang == "zh" and not DATA_TEXT.search(text) and words & ENUM_WORDS:
                problems.append((page, where, sorted(words & ENUM_WORDS), text[:120]))
            if lang == "zh" and where in ("header", "option", "tab", "metric") and re.fullmatch(r"[a-z_]+", text):
                problems.append((page, "an English name in Chinese", text))
            if lang == "zh" and not DATA_TEXT.search(text) and re.search(r"\b[a-z]+_[a-z_]+\b", text):
                problems.append((page, "a column or table name in Chinese", text[:120]))
    assert problems == []


@pytest.mark.parametrize(
    ("code", "params", "zh", "en"),
    [
        (
            "precedes",
            {"column": "resolved_at", "other": "reported_at"},
            "修复时间早于报修时间",
            "resolved_at precedes reported_at",
        ),
        (
            "duplicate_key",
            {"first_file": None, "first_row": 1289},
            "键重复（首次出现在第 1289 行）",
            "duplicate key (first at row 1289)",
        ),
        (
            "duplicate_key",
            '{"first_file":"tickets_a.csv","first_row":7}',
            "键重复（首次出现在 tickets_a.csv 第 7 行）",
            "duplicate key (first at tickets_a.csv row 7)",
        ),
        ("out_of_scale", '{"max":5,"min":1}', "超出评分范围 1–5", "outside the scale 1–5"),
        ("negative_amount", "{}", "金额为负", "negative amount"),
    ],
)
def test_a_reject_reason_is_worded_from_its_code_and_parameters(code, params, zh, en):
    stored = "the English reason as stored"
    with using("zh"):
        assert reason_text(code, params, stored, "tickets") == zh
    with using("en"):
        assert reason_text(code, params, stored, "tickets") == en


def test_a_key_first_seen_in_the_rows_own_file_is_worded_without_the_file():
    params = '{"first_file":"tickets.csv","first_row":1289}'
    with using("zh"):
        assert reason_text("duplicate_key", params, "x", "tickets", "tickets.csv") == "键重复（首次出现在第 1289 行）"
        assert (
            reason_text("duplicate_key", params, "x", "tickets", "b.csv")
            == "键重复（首次出现在 tickets.csv 第 1289 行）"
        )
    with using("en"):
        assert (
            reason_text("duplicate_key", params, "x", "tickets", "tickets.csv") == "duplicate key (first at row 1289)"
        )


def test_a_reason_stored_without_a_code_is_read_from_its_english_wording():
    assert parse("closed_at precedes resolved_at") == ("precedes", {"column": "closed_at", "other": "resolved_at"})
    assert parse("duplicate key (first at row 1289)") == ("duplicate_key", {"first_file": None, "first_row": "1289"})
    assert parse("duplicate key (first at b.csv row 3)") == ("duplicate_key", {"first_file": "b.csv", "first_row": "3"})
    assert parse("outside the scale 1–5") == ("out_of_scale", {"min": "1", "max": "5"})
    with using("zh"):
        assert reason_text(None, None, "closed_at precedes resolved_at", "tickets") == "关闭时间早于修复时间"
        assert reason_text(None, None, "closed_at precedes resolved_at", "complaints") == "关闭时间早于解决时间"
        assert reason_text(None, None, "a reason no code knows") == "a reason no code knows"  # shown as stored
        assert reason_text(None, None, None) == "—"
