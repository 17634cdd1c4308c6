"""Department targets page (SPEC §7.2) on the demo warehouse: scorecard, funnel breakdown, drill-downs.

Each test runs the app once from a fresh AppTest with its widget state set up front (AppTest does
not carry a date-range select_slider over a second run). Expected numbers come from hand-written SQL
on the warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from scipy.stats import binomtest
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
    quarter = f"{f.end.year}Q{(f.end.month - 1) // 3 + 1}"  # the default range ends at the last complete quarter
    assert any(c.value.startswith(f"考核季度：{quarter}") for c in at.caption)
    card = ui.frame(at, "dept_card_0")  # 售后服务部: first_time_fix, complaint_satisfaction, response_timeliness
    ((n, ok),) = ui.query(
        data_dir,
        "select count(*), count(*) filter (where success) from kpi_events "
        "where kpi = 'first_time_fix' and quarter = ? and month >= ?",
        [quarter, f.start],
    )
    first = card[card["指标"] == "维修一次成功率"].iloc[0]
    assert int(first["样本数"]) == n
    assert first["比率"] == pytest.approx(100 * ok / n)  # rates are shown in percent, one decimal
    assert first["目标"] == pytest.approx(90)
    assert first["权重"] == pytest.approx(25)
    assert "–" in first["95% 置信区间"]
    # breakdown of the first KPI of the first department by region: one funnel plot, unit table sums to n
    assert len(at.get("plotly_chart")) == 1
    units = ui.frame(at, "dept_units")
    assert int(units["样本数"].sum()) == n
    assert set(units["漏斗图位置"]) <= {
        "在控制限内",
        "关注：偏高",
        "关注：偏低",
        "超出控制限：偏高",
        "超出控制限：偏低（需行动）",
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
    assert any(c.value.startswith("Period: ") for c in at.caption)
    rows = ui.query(
        data_dir,
        "select technician, count(*), count(*) filter (where success) from kpi_events "
        "where kpi = 'repair_timeliness' and region = '华东' and month between ? and ? "
        "group by all",
        [f.start, f.end],
    )
    units = ui.frame(at, "dept_units")
    assert list(units.columns) == [
        "Technician",
        "Funnel position",
        "Rate",
        "95% interval",
        "n",
        "Distance (standard errors)",
    ]
    assert int(units["n"].sum()) == sum(r[1] for r in rows)
    biggest = max(rows, key=lambda r: (r[1], r[0] or ""))
    row = units[units["Technician"] == biggest[0]].iloc[0]  # every unit is labelled by name
    assert int(row["n"]) == biggest[1]
    assert row["Rate"] == pytest.approx(100 * biggest[2] / biggest[1])
    # ordered by how far outside the limits a unit lies: out of limits, then watch, then by |z|
    order = {"Out of limits: low (act)": 0, "Out of limits: high": 1, "Watch: low": 2, "Watch: high": 3}
    keys = [
        (order.get(p, 4), -abs(z))
        for p, z in zip(units["Funnel position"], units["Distance (standard errors)"], strict=True)
    ]
    assert keys == sorted(keys)
    chart = at.get("plotly_chart")[0].proto.spec
    assert "Repair timeliness by Technician: funnel plot" in chart
    card = ui.frame(at, "dept_card_2")  # 技术部
    assert set(card["KPI"]) == {"Repair timeliness", "On-site timeliness"}


def test_selecting_a_unit_lists_its_events_failures_first(data_dir):
    at = ui.run_page(PAGE, lang="en", dept_units=_select(0))
    f = at.session_state["filters"]
    quarter = f"{f.end.year}Q{(f.end.month - 1) // 3 + 1}"
    region = ui.frame(at, "dept_units")["Region"].iloc[0]
    n, failures = ui.query(
        data_dir,
        "select count(*), count(*) filter (where not success) from kpi_events "
        "where kpi = 'first_time_fix' and quarter = ? and month >= ? and region = ?",
        [quarter, f.start, region],
    )[0]
    assert any(t.value == f"Events of {region} (failures first)" for t in at.text)
    events = _after(at, "dept_units")
    assert len(events) == n
    assert list(events["Success"][:failures]) == ["× No"] * failures
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


def test_significance_is_holm_adjusted_across_the_departments_kpis(data_dir):
    at = ui.run_page(PAGE, lang="en")
    f = at.session_state["filters"]
    quarter = f"{f.end.year}Q{(f.end.month - 1) // 3 + 1}"
    counts = dict(
        (k, (ok, n))
        for k, ok, n in ui.query(
            data_dir,
            "select kpi, count(*) filter (where success), count(*) from kpi_events where quarter = ? "
            "and kpi in ('first_time_fix', 'response_timeliness', 'complaint_satisfaction') group by all",
            [quarter],
        )
    )
    # 售后服务部 owns first-time fix (≥ 90 %), response timeliness (≥ 95 %) and complaint handling;
    # the judged ones (n ≥ 30) form the family; Holm with m = 2: the smaller p doubled, the larger
    # p kept (or the doubled smaller, whichever is larger)
    assert (
        counts["complaint_satisfaction"][1] < 30 <= min(counts["first_time_fix"][1], counts["response_timeliness"][1])
    )
    p_ftf = binomtest(*counts["first_time_fix"], 0.90, alternative="less").pvalue
    p_resp = binomtest(*counts["response_timeliness"], 0.95, alternative="less").pvalue
    low, high = sorted((p_ftf, p_resp))
    holm = {p_ftf: None, p_resp: None}
    holm[low], holm[high] = min(1, 2 * low), max(min(1, 2 * low), high)
    card = ui.frame(at, "dept_card_0")
    shown = dict(zip(card["KPI"], card["Holm p"], strict=True))
    assert float(shown["First-time fix rate"]) == pytest.approx(holm[p_ftf], abs=5e-4)
    assert float(shown["Response timeliness"]) == pytest.approx(holm[p_resp], abs=5e-4)
    assert shown["Complaint-handling satisfaction"] == "—"  # too few events: not in the family
    verdict = dict(zip(card["KPI"], card["Verdict"], strict=True))["First-time fix rate"]
    assert verdict.startswith("× Below target, significant (Holm") == (holm[p_ftf] < 0.05)
    assert any(c.value.startswith("Significance is Holm-adjusted across this department's KPIs") for c in at.caption)
