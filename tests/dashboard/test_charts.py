"""Tests for dashboard.charts: each figure carries exactly the data it was given, safely escaped."""

from __future__ import annotations

import json

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import charts, stats

LABELS = {
    "title": "维修一次成功率",
    "target": "目标",
    "rate": "比率",
    "n": "样本数",
    "ci": "95% 区间",
    "met": "达标",
    "missed": "未达标",
    "out_of_control": "失控点",
    "rule_1": "超出 3σ",
}


def shape(fig: go.Figure, name: str):
    (found,) = [s for s in fig.layout.shapes if s.name == name]
    return found


def trace(fig: go.Figure, name: str):
    (found,) = [t for t in fig.data if t.name == name]
    return found


def rates() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["2024-01", "2024-02", "2024-03"],
            "rate": [0.95, 0.85, 0.92],
            "n": [100, 40, 50],
            "ci_low": [0.89, 0.71, 0.81],
            "ci_high": [0.98, 0.93, 0.97],
        }
    )


# --- target line ----------------------------------------------------------------------------


def test_target_line_plots_rates_with_interval_error_bars():
    fig = charts.target_line(rates(), 0.9, LABELS)
    line = fig.data[0]
    assert list(line.x) == ["2024-01", "2024-02", "2024-03"]
    assert list(line.y) == [0.95, 0.85, 0.92]
    assert list(line.error_y.array) == pytest.approx([0.03, 0.08, 0.05])
    assert list(line.error_y.arrayminus) == pytest.approx([0.06, 0.14, 0.11])
    assert [row[0] for row in line.customdata] == [100, 40, 50]
    assert "样本数" in line.hovertemplate and "95% 区间" in line.hovertemplate
    assert fig.layout.yaxis.tickformat == ".0%"
    assert fig.layout.xaxis.type == "category"
    assert fig.layout.title.text == "维修一次成功率"


def test_target_line_is_dashed_at_the_target_and_labelled():
    fig = charts.target_line(rates(), 0.9, LABELS)
    target = shape(fig, "target")
    assert target.y0 == target.y1 == 0.9
    assert target.line.dash == "dash"
    assert trace(fig, "目标 90%").line.dash == "dash"  # labelled in the legend, not over the points
    assert not any(a.text == "目标 90%" for a in fig.layout.annotations)


def test_target_line_met_and_missed_differ_by_symbol_and_hover_text():
    fig = charts.target_line(rates(), 0.9, LABELS)
    line = fig.data[0]
    assert list(line.marker.symbol) == [charts.MET_SYMBOL, charts.MISSED_SYMBOL, charts.MET_SYMBOL]
    assert charts.MET_SYMBOL != charts.MISSED_SYMBOL
    assert [row[3] for row in line.customdata] == ["达标", "未达标", "达标"]
    assert trace(fig, "达标").marker.symbol == charts.MET_SYMBOL  # legend explains the symbols
    assert trace(fig, "未达标").marker.symbol == charts.MISSED_SYMBOL


def test_target_line_at_exactly_the_target_is_met():
    df = rates().assign(rate=[0.9, 0.9, 0.9])
    assert set(charts.target_line(df, 0.9, LABELS).data[0].marker.symbol) == {charts.MET_SYMBOL}


def test_target_line_draws_one_line_per_series_in_order_of_appearance():
    df = pd.concat([rates().assign(kind="<b>x</b>"), rates().assign(kind="安装", rate=[0.5, 0.6, 0.7])])
    fig = charts.target_line(df, 0.9, LABELS, series="kind")
    lines = [t for t in fig.data if t.mode == "lines+markers"]
    assert [t.name for t in lines] == ["&lt;b&gt;x&lt;/b&gt;", "安装"]
    assert list(lines[1].y) == [0.5, 0.6, 0.7]
    assert list(lines[1].marker.symbol) == [charts.MISSED_SYMBOL] * 3


# --- control chart --------------------------------------------------------------------------


def control_points() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "period": ["2024-01", "2024-02", "2024-03", "2024-04"],
            "successes": [90, 60, 109, 89],
            "n": [100, 100, 120, 100],
            "p": [0.90, 0.60, 109 / 120, 0.89],
            "centre": [0.85] * 4,
            "lcl": [0.74, 0.74, 0.75, 0.74],
            "ucl": [0.96, 0.96, 0.95, 0.96],
            "rules": [set(), {1}, set(), {2, 4}],
        }
    )


def test_control_chart_marks_exactly_the_flagged_points_with_their_rules():
    fig = charts.control_chart(control_points(), LABELS)
    flagged = trace(fig, "失控点")
    assert list(flagged.x) == ["2024-02", "2024-04"]
    assert list(flagged.y) == [0.60, 0.89]
    assert flagged.marker.symbol == charts.FLAG_SYMBOL
    assert flagged.marker.symbol != fig.data[3].marker.symbol
    assert [row[6] for row in flagged.customdata] == ["超出 3σ", "2; 4"]


def test_control_chart_limits_are_step_lines_and_centre_and_target_drawn():
    fig = charts.control_chart(control_points(), LABELS, target=0.9)
    ucl, lcl, centre = fig.data[0], fig.data[1], fig.data[2]
    assert list(ucl.y) == [0.96, 0.96, 0.95, 0.96]
    assert list(lcl.y) == [0.74, 0.74, 0.75, 0.74]
    assert ucl.line.shape == lcl.line.shape == "hvh"
    assert list(centre.y) == [0.85] * 4
    assert shape(fig, "target").y0 == 0.9
    rate = fig.data[3]
    assert [row[0] for row in rate.customdata] == [100, 100, 120, 100]
    low, high = stats.wilson(60, 100)
    assert rate.customdata[1][1:3] == pytest.approx((low, high))


def test_control_chart_states_its_method_note_escaped():
    note = "Laney p′ 控制图：各月过度离散（χ² 离散检验 p < 0.001），控制限放宽 σz = 1.80 倍"
    fig = charts.control_chart(control_points(), {**LABELS, "method_note": note})
    assert fig.layout.title.subtitle.text == note.replace("<", "&lt;")


def test_control_chart_takes_p_chart_and_western_electric_output():
    chart = stats.p_chart([90] * 7 + [40], [100] * 8)
    points = chart["points"].assign(period=[f"2024-{m:02d}" for m in range(1, 9)])
    points["rules"] = stats.western_electric(points["z"])
    fig = charts.control_chart(points, LABELS)
    expected = [p for p, r in zip(points["period"], points["rules"], strict=True) if r]
    assert list(trace(fig, "失控点").x) == expected
    fig.to_json()


# --- Pareto ---------------------------------------------------------------------------------


def causes() -> pd.DataFrame:
    return pd.DataFrame(
        {"label": ["安装不当", "部件缺陷", "<b>x</b>"], "complaints": [50, 30, 20], "cumulative_share": [0.5, 0.8, 1.0]}
    )


def test_pareto_bars_in_given_order_with_cumulative_line_on_second_axis():
    fig = charts.pareto(causes(), {"count": "投诉数", "cumulative": "累计占比"})
    bar, line = fig.data
    assert bar.type == "bar" and list(bar.y) == [50, 30, 20]
    assert list(bar.x) == ["安装不当", "部件缺陷", "&lt;b&gt;x&lt;/b&gt;"]
    assert list(fig.layout.xaxis.categoryarray) == list(bar.x)
    assert line.yaxis == "y2" and list(line.y) == [0.5, 0.8, 1.0]
    assert fig.layout.yaxis2.tickformat == ".0%" and fig.layout.yaxis2.overlaying == "y"


def test_pareto_has_the_80_percent_reference_line():
    line = shape(charts.pareto(causes(), {}), "pareto_80")
    assert (line.y0, line.y1, line.yref) == (0.8, 0.8, "y2")


# --- funnel ---------------------------------------------------------------------------------


def units() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit": ["北京", "上海", "广州", "深圳", "<b>x</b>"],
            "successes": [90, 70, 18, 96, 200],
            "n": [100, 100, 20, 100, 220],
        }
    )


def test_funnel_limit_curves_match_funnel_limits():
    limits = stats.funnel_limits(0.9, [20, 100, 220])
    fig = charts.funnel(units(), 0.9, limits, {"limit_95": "95% 控制限", "limit_998": "99.8% 控制限"})
    curves = [t for t in fig.data if t.legendgroup in ("limit_95", "limit_998")]
    by_key = {(t.legendgroup, t.showlegend): t for t in curves}
    for lab in ("95", "998"):
        assert list(by_key[(f"limit_{lab}", True)].y) == limits[f"upper_{lab}"].tolist()
        assert list(by_key[(f"limit_{lab}", False)].y) == limits[f"lower_{lab}"].tolist()
        assert list(by_key[(f"limit_{lab}", True)].x) == [20, 100, 220]
    assert list(trace(fig, "overall").y) == [0.9, 0.9]


def test_funnel_highlights_and_names_units_outside_the_limits():
    # Hand-checked with the exact binomial tails at p0 = 0.9: 70/100 below 99.8%, 96/100 above 95%.
    fig = charts.funnel(units(), 0.9, stats.funnel_limits(0.9, [20, 100, 220]), {})
    within, out95, out998 = trace(fig, "within"), trace(fig, "outside_95"), trace(fig, "outside_998")
    assert list(within.x) == [100, 20, 220] and within.text == ("北京", "广州", "&lt;b&gt;x&lt;/b&gt;")
    assert list(out95.text) == ["深圳"] and list(out95.y) == [0.96]
    assert list(out998.text) == ["上海"] and list(out998.y) == [0.7]
    assert len({within.marker.symbol, out95.marker.symbol, out998.marker.symbol}) == 3
    assert "markers+text" in (out95.mode, out998.mode) and within.mode == "markers"
    assert out998.customdata[0][1:3] == pytest.approx(stats.wilson(70, 100))


# --- quadrant -------------------------------------------------------------------------------


def ipa() -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "item": ["speed", "attitude", "price", "parts"],
            "label": ["响应速度", "服务态度", "<b>价格</b>", "备件"],
            "importance": [0.8, 0.6, 0.3, 0.2],
            "p_value": [0.001, 0.01, 0.2, 0.3],
            "n": [120, 118, 119, 120],
            "performance": [3.0, 4.5, 3.2, 4.4],
        }
    )
    return stats.ipa_quadrants(df)


def test_quadrant_emphasises_the_items_to_fix_and_draws_median_lines():
    labels = {"quadrant_fix": "重点改进", "quadrant_keep_up": "保持"}
    fig = charts.quadrant(ipa(), labels)
    fix = trace(fig, "重点改进")
    assert list(fix.text) == ["响应速度"] and list(fix.x) == [3.0] and list(fix.y) == [0.8]
    other = trace(fig, "item")
    assert list(other.text) == ["服务态度", "&lt;b&gt;价格&lt;/b&gt;", "备件"]
    assert fix.marker.symbol != other.marker.symbol
    assert shape(fig, "median_performance").x0 == pytest.approx(3.8)
    assert shape(fig, "median_importance").y0 == pytest.approx(0.45)
    texts = {a.name: a.text for a in fig.layout.annotations}
    assert texts["quadrant_fix"] == "重点改进" and texts["quadrant_low_priority"] == "quadrant_low_priority"


def test_quadrant_computes_quadrants_when_missing():
    fig = charts.quadrant(ipa().drop(columns="quadrant"), {})
    assert list(trace(fig, "quadrant_fix").text) == ["响应速度"]


# --- bars, heatmap, sparkline, empty --------------------------------------------------------


def costs() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "month": ["2024-01", "2024-01", "2024-02", "2024-02"],
            "kind": ["人工", "差旅", "人工", "差旅"],
            "cost": [1000.0, 200.0, 1100.0, 250.0],
        }
    )


def test_bars_one_trace_per_colour_value():
    fig = charts.bars(costs(), "month", "cost", {"cost": "费用"}, color="kind", barmode="stack")
    assert [t.name for t in fig.data] == ["人工", "差旅"]
    assert list(fig.data[1].y) == [200.0, 250.0] and list(fig.data[1].x) == ["2024-01", "2024-02"]
    assert fig.layout.barmode == "stack"
    assert "费用" in fig.data[0].hovertemplate


def test_bars_horizontal_percent_with_intervals():
    df = pd.DataFrame(
        {"item": ["速度", "态度"], "rate": [0.8, 0.6], "n": [50, 40], "lo": [0.7, 0.45], "hi": [0.88, 0.73]}
    )
    fig = charts.bars(df, "item", "rate", {}, percent=True, orientation="h", n="n", low="lo", high="hi")
    bar = fig.data[0]
    assert bar.orientation == "h" and list(bar.y) == ["速度", "态度"] and list(bar.x) == [0.8, 0.6]
    assert list(bar.error_x.array) == pytest.approx([0.08, 0.13])
    assert list(bar.error_x.arrayminus) == pytest.approx([0.1, 0.15])
    assert [row[0] for row in bar.customdata] == [50, 40]
    assert fig.layout.xaxis.tickformat == ".0%"


def test_heatmap_fills_missing_cells_and_sums_repeats_in_order_of_appearance():
    df = pd.DataFrame(
        {
            "category": ["质量", "服务", "质量", "质量"],
            "department": ["技术部", "售后服务部", "售后服务部", "技术部"],
            "complaints": [3, 2, 1, 4],
        }
    )
    fig = charts.heatmap(df, "department", "category", "complaints", {})
    hm = fig.data[0]
    assert list(hm.x) == ["技术部", "售后服务部"] and list(hm.y) == ["质量", "服务"]
    assert [list(row) for row in hm.z] == [[7, 1], [0, 2]]
    assert hm.texttemplate == "%{z:,.0f}"


def test_sparkline_and_empty_figure():
    fig = charts.sparkline(rates(), "period", "rate", percent=True)
    assert list(fig.data[0].y) == [0.95, 0.85, 0.92] and list(fig.data[1].y) == [0.92]
    assert fig.layout.showlegend is False
    empty = charts.empty_figure("<i>暂无数据</i>")
    assert empty.layout.annotations[0].text == "&lt;i&gt;暂无数据&lt;/i&gt;"


@pytest.mark.parametrize(
    "build",
    [
        lambda d: charts.target_line(d.iloc[0:0], 0.9, {"no_data": "暂无数据"}),
        lambda d: charts.pareto(
            pd.DataFrame(columns=["label", "complaints", "cumulative_share"]), {"no_data": "暂无数据"}
        ),
    ],
)
def test_empty_frames_give_the_no_data_figure(build):
    fig = build(rates())
    assert not fig.data and fig.layout.annotations[0].text == "暂无数据"


# --- escaping and serialisation -------------------------------------------------------------


def strings(fig: go.Figure) -> list[str]:
    """Every text in the serialised figure (to_json escapes '<' as \\u003c, so decode it first)."""

    def walk(node):
        if isinstance(node, str):
            yield node
        elif isinstance(node, dict):
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    return list(walk(json.loads(fig.to_json())))


def all_figures() -> list[go.Figure]:
    limits = stats.funnel_limits(0.9, [20, 100, 220])
    return [
        charts.target_line(rates().assign(kind="<b>x</b>"), 0.9, LABELS, series="kind"),
        charts.control_chart(control_points().assign(period=["<b>x</b>", "b", "c", "d"]), LABELS, target=0.9),
        charts.pareto(causes(), LABELS),
        charts.funnel(units(), 0.9, limits, LABELS),
        charts.quadrant(ipa(), LABELS),
        charts.bars(costs().assign(kind="<b>x</b>"), "month", "cost", LABELS, color="kind"),
        charts.heatmap(costs().assign(kind="<b>x</b>"), "kind", "month", "cost", LABELS),
        charts.sparkline(rates().assign(period="<b>x</b>"), "period", "rate"),
        charts.empty_figure("<b>x</b>"),
    ]


def test_every_figure_serialises_and_escapes_html_looking_data():
    for fig in all_figures():
        texts = strings(fig)
        assert not [t for t in texts if "<b>" in t]
        assert any("&lt;b&gt;x&lt;/b&gt;" in t or "&lt;b&gt;价格&lt;/b&gt;" in t for t in texts)


def test_labels_are_escaped_and_cannot_inject_hover_placeholders():
    fig = charts.target_line(rates(), 0.9, {"rate": "<script>%{x}</script>", "title": "A & B"})
    assert not [t for t in strings(fig) if "<script>" in t]
    assert "&lt;script&gt;%&#123;x}" in fig.data[0].hovertemplate
    assert fig.layout.title.text == "A &amp; B"


def test_figures_are_deterministic_and_use_the_house_layout():
    first, second = all_figures(), all_figures()
    for a, b in zip(first, second, strict=True):
        assert a.to_json() == b.to_json()
    fig = first[0]
    assert "Noto Sans CJK SC" in fig.layout.font.family and fig.layout.font.family.endswith("sans-serif")
    assert fig.layout.template.layout.paper_bgcolor == "white"  # plotly_white
    assert set(charts.PALETTE) <= {
        "#000000",
        "#E69F00",
        "#56B4E9",
        "#009E73",
        "#F0E442",
        "#0072B2",
        "#D55E00",
        "#CC79A7",
    }
