"""Department targets page (SPEC §7.2) on the demo warehouse: scorecard, funnel breakdown, drill-downs.

Each test runs the app once from a fresh AppTest with its widget state set up front (AppTest does
not carry a date-range select_slider over a second run). Expected numbers come from hand-written SQL
on the warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard import pages as ui

PAGE = ui.SCRIPTS["departments"]


def _after(at: AppTest, key: str):
    """The table drawn right after the keyed one (tables without selection carry no key in AppTest)."""
    keys = [d.key for d in at.dataframe]
    assert key in keys, keys
    return at.dataframe[keys.index(key) + 1].value


def _select(row: int) -> dict:
    return {"selection": {"rows": [row], "columns": []}}


@pytest.fixture(scope="module")
def data_dir(demo_data) -> Path:
    return demo_data


def test_scorecard_of_end_quarter_matches_warehouse_in_chinese(data_dir):
    at = ui.run_page(PAGE)
    f = at.session_state["filters"]
    assert at.header[0].value == "部门目标"
    assert [m.value for m in at.markdown if m.value.startswith("#### ")] == [
        "#### 售后服务部",
        "#### 业务部",
        "#### 技术部",
        "#### 品控中心",
    ]
    quarter = f"{f.end.year}Q{(f.end.month - 1) // 3 + 1}"
    assert any(c.value.startswith(f"考核期间：{quarter}") for c in at.caption)
    card = ui.frame(at, "dept_card_0")  # 售后服务部: first_time_fix, complaint_satisfaction, response_timeliness
    ((n, ok),) = ui.query(
        data_dir,
        "select count(*), count(*) filter (where success) from kpi_events "
        "where kpi = 'first_time_fix' and quarter = ? and month >= ?",
        [quarter, f.start],
    )
    first = card[card["指标"] == "维修一次成功率"].iloc[0]
    assert int(first["样本数"]) == n
    assert first["比率"] == pytest.approx(ok / n)
    assert first["目标"] == pytest.approx(0.90)
    assert first["权重"] == pytest.approx(0.25)
    assert "–" in first["95% 置信区间"]
    # breakdown of the first KPI of the first department by region: one funnel plot, unit table sums to n
    assert len(at.get("plotly_chart")) == 1
    units = ui.frame(at, "dept_units")
    assert int(units["样本数"].sum()) == n
    assert set(units["漏斗图位置"]) <= {
        "限内",
        "超出 95% 限",
        "超出 99.8% 限",
        "高于 95% 上限",
        "低于 95% 下限",
        "高于 99.8% 上限",
        "低于 99.8% 下限",
    }
    # failed events of the department's KPIs
    ((failed,),) = ui.query(
        data_dir,
        "select count(*) from kpi_events e join settings_kpi k using (kpi) "
        "where k.owner_department = '售后服务部' and not e.success "
        "and e.quarter = ? and e.month >= ?",
        [quarter, f.start],
    )
    assert len(at.dataframe[-1].value) == failed
    assert any(f"共 {failed:,} 条" in c.value for c in at.caption)


def test_whole_range_by_technician_in_english_with_a_region(data_dir):
    at = ui.run_page(
        PAGE, lang="en", dept_scope="range", dept_group="technician", dim_region=["华东"], dept_department="技术部"
    )
    f = at.session_state["filters"]
    assert at.header[0].value == "Department targets"
    assert any(c.value.startswith("Assessed period: The whole selected range") for c in at.caption)
    rows = ui.query(
        data_dir,
        "select technician, count(*), count(*) filter (where success) from kpi_events "
        "where kpi = 'repair_timeliness' and region = '华东' and month between ? and ? "
        "group by all",
        [f.start, f.end],
    )
    units = ui.frame(at, "dept_units")
    assert list(units.columns[:4]) == ["Technician", "Rate", "95% interval", "n"]
    assert int(units["n"].sum()) == sum(r[1] for r in rows)
    biggest = max(rows, key=lambda r: (r[1], r[0] or ""))
    top = units.iloc[0]
    assert int(top["n"]) == biggest[1]
    assert top["Rate"] == pytest.approx(biggest[2] / biggest[1])
    chart = at.get("plotly_chart")[0].proto.spec
    assert "Repair timeliness by Technician: funnel plot" in chart
    card = ui.frame(at, "dept_card_2")  # 技术部
    assert set(card["KPI"]) == {"Repair timeliness", "On-site timeliness"}


def test_selecting_a_unit_lists_its_events_failures_first(data_dir):
    at = ui.run_page(PAGE, lang="en", dept_units=_select(0))
    f = at.session_state["filters"]
    quarter = f"{f.end.year}Q{(f.end.month - 1) // 3 + 1}"
    region, n, failures = ui.query(
        data_dir,
        "select region, count(*), count(*) filter (where not success) from kpi_events "
        "where kpi = 'first_time_fix' and quarter = ? and month >= ? "
        "group by all order by 2 desc, 1 limit 1",
        [quarter, f.start],
    )[0]
    assert any(t.value == f"Events of {region} (failures first)" for t in at.text)
    events = _after(at, "dept_units")
    assert len(events) == n
    assert list(events["Success"][:failures]) == ["✗ No"] * failures
    assert set(events["Region"]) == {region}


def test_selecting_a_scorecard_row_lists_that_kpis_events(data_dir):
    at = ui.run_page(PAGE, dept_card_1=_select(0))  # 业务部: quote_timeliness
    f = at.session_state["filters"]
    quarter = f"{f.end.year}Q{(f.end.month - 1) // 3 + 1}"
    ((n,),) = ui.query(
        data_dir,
        "select count(*) from kpi_events where kpi = 'quote_timeliness' and quarter = ? and month >= ?",
        [quarter, f.start],
    )
    events = _after(at, "dept_card_1")
    assert len(events) == n
    assert set(events["指标"]) == {"服务维修报价及时率"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_selection_without_events_shows_the_empty_message(data_dir, lang):
    at = ui.run_page(PAGE, lang=lang, dim_region=["华东"], dim_service_center=["武汉服务站"])
    message = "所选范围内没有数据。" if lang == "zh" else "No data for this selection."
    assert [i.value for i in at.info] == [message]
    assert not at.get("plotly_chart")
    assert not at.dataframe
