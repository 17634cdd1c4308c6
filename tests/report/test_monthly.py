"""The monthly after-sales statistics XLSX on the demo warehouse: its numbers equal
service_costs_monthly and the complaints of the month, cells are numbers with number formats,
headers are frozen, both languages render, text cells are neutralised."""

from __future__ import annotations

import io

import openpyxl
import pytest
from openpyxl import Workbook

from dashboard.data import Filters
from dashboard.report import ReportError, monthly_report
from dashboard.report.monthly_xlsx import HEADER_ROW, _sheet
from tests.report.conftest import MONTH, query

TYPES_ZH = {"installation": "安装调试", "repair": "维修", "maintenance": "保养", "inquiry": "咨询"}
COLUMNS = (
    "tickets",
    "visits",
    "person_days",
    "labor_cost",
    "travel_cost",
    "material_cost",
    "transport_cost",
    "total_cost",
    "free_tickets",
    "paid_tickets",
)


@pytest.fixture(scope="module")
def workbook(demo_data):
    return openpyxl.load_workbook(io.BytesIO(monthly_report(MONTH, "zh", data=demo_data)))


def table(ws) -> dict[str, list]:
    """The sheet's table below its header row: first cell -> the other cells."""
    return {row[0].value: [c for c in row[1:]] for row in ws.iter_rows(min_row=HEADER_ROW + 1) if row[0].value}


def test_one_sheet_per_topic_with_frozen_headers(workbook):
    assert workbook.sheetnames == ["汇总", "按服务类型", "安装与派工", "客诉"]
    for ws in workbook:
        assert ws.freeze_panes == f"B{HEADER_ROW + 1}", ws.title
        assert ws.cell(HEADER_ROW, 1).value and ws.cell(HEADER_ROW, 1).font.b
        assert all(ws.column_dimensions[c].width >= 10 for c in "AB")
    assert workbook["汇总"].cell(1, 1).value == "售后服务月度统计表 · 2026-10"


def test_ticket_type_rows_equal_service_costs_monthly(demo_data, workbook):
    mart = query(
        demo_data,
        f"select ticket_type, {', '.join(COLUMNS)} from service_costs_monthly where strftime(month, '%Y-%m') = ?",
        [MONTH],
    )
    assert mart
    rows = table(workbook["按服务类型"])
    header = [c.value for c in workbook["按服务类型"][HEADER_ROW]]
    assert header[:4] == ["服务类型", "工单数", "人次", "人天"]
    for ticket_type, *values in mart:
        cells = rows[TYPES_ZH[ticket_type]]
        for cell, expected in zip(cells, values, strict=True):
            assert isinstance(cell.value, int | float) and not isinstance(cell.value, bool), cell.coordinate
            assert cell.value == pytest.approx(float(expected), abs=0.005), (ticket_type, cell.coordinate)
            assert cell.number_format != "General"
    totals = [float(sum(r[i] for r in mart)) for i in range(1, len(COLUMNS) + 1)]
    assert [c.value for c in rows["合计"]] == pytest.approx(totals, abs=0.01)


def test_installations_and_dispatches_split_the_month(demo_data, workbook):
    inst, disp = query(
        demo_data,
        """
        select sum(tickets) filter (where ticket_type = 'installation'), sum(tickets) filter (where ticket_type <> 'installation'),
        from service_costs_monthly where strftime(month, '%Y-%m') = ?""",
        [MONTH],
    )[0]
    visits, days = query(
        demo_data,
        """
        select sum(visits), sum(person_days) from service_costs_monthly
        where strftime(month, '%Y-%m') = ? and ticket_type <> 'installation'""",
        [MONTH],
    )[0]
    rows = table(workbook["安装与派工"])
    assert rows["安装调试"][0].value == inst
    assert [c.value for c in rows["派工（维修、保养、咨询）"][:3]] == pytest.approx([disp, visits, float(days)])
    summary = {k: v[0].value for k, v in table(workbook["汇总"]).items()}
    assert summary["派工人次"] == visits and summary["安装调试工单"] == inst


def test_complaint_rate_and_departments_equal_the_warehouse(demo_data, workbook):
    complaints, tickets = query(
        demo_data,
        """
        select (select count(*) from complaints where strftime(month, '%Y-%m') = $1),
               (select count(*) from tickets where not is_cancelled and strftime(month, '%Y-%m') = $1)""",
        [MONTH],
    )[0]
    summary = {k: v[0] for k, v in table(workbook["汇总"]).items()}
    assert summary["客诉数"].value == complaints and summary["报修工单数"].value == tickets
    assert summary["投诉率"].value == pytest.approx(complaints / tickets)
    assert summary["投诉率"].number_format == "0.00%"
    by_dept = dict(
        query(
            demo_data,
            """
        select coalesce(responsible_department, ''), count(*) from complaints
        where strftime(month, '%Y-%m') = ? group by all""",
            [MONTH],
        )
    )
    rows = table(workbook["客诉"])
    header = [c.value for c in workbook["客诉"][HEADER_ROW]]
    total_col = header.index("客诉数") - 1
    shown = {("" if k == "（未指定）" else k): v[total_col].value for k, v in rows.items() if k != "合计"}
    assert shown == by_dept
    assert rows["合计"][total_col].value == complaints


def test_english_headers(demo_data):
    wb = openpyxl.load_workbook(io.BytesIO(monthly_report(MONTH, "en", data=demo_data)))
    assert wb.sheetnames == ["Summary", "By ticket type", "Installations and dispatches", "Complaints"]
    assert [c.value for c in wb["By ticket type"][HEADER_ROW]][:3] == ["Ticket type", "Tickets", "Person-times"]


def test_filters_are_applied_and_stated(demo_data):
    wb = openpyxl.load_workbook(
        io.BytesIO(monthly_report(MONTH, "zh", Filters(dims=(("region", ("华东",)),)), data=demo_data))
    )
    assert "筛选条件：区域：华东" in wb["汇总"].cell(2, 1).value
    expected = query(
        demo_data,
        """
        select count(*) from tickets where not is_cancelled and region = '华东'
        and strftime(coalesce(resolved_at, reported_at), '%Y-%m') = ?""",
        [MONTH],
    )[0][0]
    assert table(wb["按服务类型"])["合计"][0].value == expected


def test_text_cells_are_neutralised_against_formula_injection():
    wb = Workbook()
    ws = _sheet(wb, "=sheet", "=title", "@caption", ["=h"], [['=HYPERLINK("x")'], ["-1+2"], [-3]], [None])
    assert ws.title == "=sheet"  # a sheet name is not a cell
    assert ws.cell(1, 1).value == "'=title" and ws.cell(2, 1).value == "'@caption"
    assert ws.cell(HEADER_ROW, 1).value == "'=h"
    assert ws.cell(HEADER_ROW + 1, 1).value == '\'=HYPERLINK("x")'
    assert ws.cell(HEADER_ROW + 2, 1).value == "'-1+2"
    assert ws.cell(HEADER_ROW + 3, 1).value == -3  # numbers stay numbers


def test_unknown_and_malformed_months_are_report_errors(demo_data):
    with pytest.raises(ReportError, match="2031-01"):
        monthly_report("2031-01", "en", data=demo_data)
    with pytest.raises(ReportError, match="YYYY-MM"):
        monthly_report("2026-13", "en", data=demo_data)
