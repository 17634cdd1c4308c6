"""Trends page (SPEC §7.3) on the demo warehouse: control charts, trend test, monthly values, drill-down.

Each test runs the app once from a fresh AppTest with its widget state set up front (AppTest does
not carry a date-range select_slider over a second run). Expected numbers come from hand-written SQL
on the warehouse."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.dashboard import pages as ui

PAGE = ui.SCRIPTS["trends"]
WEIGHTED_ZH = ["维修一次成功率", "服务维修报价及时率", "服务维修及时率", "客诉处理满意率"]


@pytest.fixture(scope="module")
def data_dir(demo_data) -> Path:
    return demo_data


def test_weighted_kpis_by_month_match_warehouse_in_chinese(data_dir):
    at = ui.run_page(PAGE)
    f = at.session_state["filters"]
    assert at.header[0].value == "趋势"
    assert [tab.label for tab in at.tabs] == WEIGHTED_ZH
    charts = ui.charts(at)
    assert len(charts) == 8  # a control chart and a target line per KPI
    assert charts[0]["layout"]["title"]["text"] == "维修一次成功率 · 控制图"
    notes = [c["layout"]["title"]["subtitle"]["text"] for c in charts[::2]]
    assert all(n.startswith(("p 控制图：", "Laney p′ 控制图：")) and "χ² 离散检验 p" in n for n in notes)
    rows = ui.query(
        data_dir,
        "select strftime(month, '%Y-%m'), count(*), count(*) filter (where success) "
        "from kpi_events where kpi = 'first_time_fix' and month between ? and ? "
        "group by all order by 1",
        [f.start, f.end],
    )
    monthly = ui.frame(at, "trend_month_first_time_fix")
    assert list(monthly["月"]) == [r[0] for r in rows]
    assert [int(v) for v in monthly["样本数"]] == [r[1] for r in rows]
    assert monthly["比率"].iloc[-1] == pytest.approx(100 * rows[-1][2] / rows[-1][1])  # shown in percent
    assert any(m.value.startswith("Kendall τ = ") and f"{len(rows)} 个月" in m.value for m in at.markdown)
    total_n, total_ok = sum(r[1] for r in rows), sum(r[2] for r in rows)
    assert any(
        c.value.startswith(f"整个范围：{total_ok / total_n * 100:.1f}%") and f"n = {total_n:,}" in c.value
        for c in at.caption
    )


def test_english_with_a_region_and_a_month_drill_down(data_dir):
    at = ui.run_page(
        PAGE, lang="en", dim_region=["华南"], trend_month_repair_timeliness={"selection": {"rows": [0], "columns": []}}
    )
    f = at.session_state["filters"]
    assert at.header[0].value == "Trends"
    assert [tab.label for tab in at.tabs][2] == "Repair timeliness"
    month, n, failures = ui.query(
        data_dir,
        "select strftime(month, '%Y-%m'), count(*), count(*) filter (where not success) from kpi_events "
        "where kpi = 'repair_timeliness' and region = '华南' and month between ? and ? "
        "group by all order by 1 limit 1",
        [f.start, f.end],
    )[0]
    monthly = ui.frame(at, "trend_month_repair_timeliness")
    assert monthly["Month"].iloc[0] == month
    assert int(monthly["n"].iloc[0]) == n
    assert f"##### Events of Repair timeliness in {month} (failures first)" in [m.value for m in at.markdown]
    keys = [d.key for d in at.dataframe]
    events = at.dataframe[keys.index("trend_month_repair_timeliness") + 1].value
    assert len(events) == n
    assert list(events["Success"][:failures]) == ["× No"] * failures
    assert set(events["Region"]) == {"华南"}
    assert ui.charts(at)[4]["layout"]["title"]["text"] == "Repair timeliness: control chart"


def test_chosen_kpi_only_and_single_month_asks_for_three_months(data_dir):
    at = ui.run_page(PAGE, period_kind="month", range_month=("2026-10", "2026-10"), trend_kpis=["capa_timeliness"])
    assert [tab.label for tab in at.tabs] == ["纠正措施按期完成率"]
    assert [i.value for i in at.info] == ["趋势检验至少需要 3 个月的数据（当前 1 个月）。"]
    ((n,),) = ui.query(
        data_dir, "select count(*) from kpi_events where kpi = 'capa_timeliness' and month = ?", [date(2026, 10, 1)]
    )
    assert int(ui.frame(at, "trend_month_capa_timeliness")["样本数"].iloc[0]) == n
    assert len(ui.charts(at)) == 2


OOC_COLUMNS = ["Month", "Rate", "n", "Lower limit", "Upper limit", "Rules"]


def test_out_of_control_points_are_listed_with_their_rules(data_dir):
    # demo data, 2024-11 .. 2026-10: first-time fix runs above its centre line for 8 months from
    # 2024-12 — the eighth, 2025-07, completes rule 4 — and sits beyond 1 sigma below it in
    # 2026-04 .. 2026-08: the window 2026-03 .. 2026-07 holds four such months, so 2026-07 completes
    # rule 3, and 2026-08 again (2026-04 .. 2026-08). The flag sits on the completing point only.
    at = ui.run_page(PAGE, lang="en", range_quarter=("2024Q4", "2026Q4"), trend_kpis=["first_time_fix"])
    tables = [d.value for d in at.dataframe if list(d.value.columns) == OOC_COLUMNS]
    assert len(tables) == 1
    ooc = tables[0]
    rule_4 = ["2025-07"]
    rule_3 = ["2026-07", "2026-08"]
    assert list(ooc["Month"]) == rule_4 + rule_3
    assert set(ooc[ooc["Month"].isin(rule_4)]["Rules"]) == {"8 in a row on one side"}
    assert set(ooc[ooc["Month"].isin(rule_3)]["Rules"]) == {"4 of 5 beyond 1σ, same side"}
    flagged = [tr for tr in ui.charts(at)[0]["data"] if tr.get("name") == "Out of control"]
    assert flagged[0]["x"] == rule_4 + rule_3
    ((n,),) = ui.query(
        data_dir, "select count(*) from kpi_events where kpi = 'first_time_fix' and month = '2026-05-01'"
    )
    monthly = ui.frame(at, "trend_month_first_time_fix")
    assert int(monthly[monthly["Month"] == "2026-05"]["n"].iloc[0]) == n
    assert len(monthly) == 24
    assert monthly[monthly["Month"] == "2026-05"]["Control status"].iloc[0] == "In control"  # part of it only
    assert (
        monthly[monthly["Month"] == "2026-08"]["Control status"].iloc[0]
        == "Out of control · 4 of 5 beyond 1σ, same side"
    )


def test_laney_chart_says_so_and_a_beyond_3_sigma_point_is_listed(data_dir):
    at = ui.run_page(
        PAGE, trend_kpis=["repair_timeliness", "complaint_closure_timeliness"], range_quarter=("2026Q1", "2026Q4")
    )
    charts = ui.charts(at)
    # the months of repair timeliness are overdispersed by the χ² dispersion test: Laney, and the chart says why
    laney = "Laney p′ 控制图：各月过度离散（χ² 离散检验 p = "
    assert charts[0]["layout"]["title"]["subtitle"]["text"].startswith(laney)
    assert any(c.value.startswith(laney) for c in at.caption)
    assert charts[2]["layout"]["title"]["subtitle"]["text"].startswith("p 控制图")
    tables = [
        d.value
        for d in at.dataframe
        if list(d.value.columns) == ["月", "比率", "样本数", "下控制限", "上控制限", "判异规则"]
    ]
    assert len(tables) == 1
    assert list(tables[0]["月"]) == ["2026-01"]
    assert list(tables[0]["判异规则"]) == ["1 点超出 3σ"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_centre_outside_the_chosen_region_is_neither_offered_nor_kept(data_dir, lang):
    # 武汉服务站 serves 华中: under 华东 it is not offered, and a choice of it left from before is dropped
    at = ui.run_page(PAGE, lang=lang, dim_region=["华东"], dim_service_center=["武汉服务站"])
    centres = ui.query(
        data_dir,
        "select distinct service_center from kpi_cube where region = '华东' and service_center is not null "
        "and month between ? and ?",
        [at.session_state["filters"].start, at.session_state["filters"].end],
    )
    (widget,) = [m for m in at.multiselect if m.key == "dim_service_center"]
    assert sorted(widget.options) == sorted(c for (c,) in centres) and "武汉服务站" not in widget.options
    assert widget.value == []
    assert at.session_state["filters"].dim("service_center") == ()
    assert at.get("plotly_chart")


def test_the_kpi_picker_offers_the_kpis_of_the_chosen_owner_department(data_dir):
    at = ui.run_page(PAGE, lang="en", dim_owner_department=["技术部"])
    (picker,) = [m for m in at.multiselect if m.key == "trend_kpis"]
    assert sorted(picker.options) == ["On-site timeliness", "Repair timeliness"]
    assert [tab.label for tab in at.tabs] == ["Repair timeliness"]  # the weighted ones by default
