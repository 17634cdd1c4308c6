"""Workbooks as users have them (SPEC §3): .xlsx, .xls and .ods read through calamine, every cell as
the text it shows; date cells, numeric IDs, error cells, formulas, blank rows, several sheets."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import xlsxwriter
import xlwt
from odf.opendocument import OpenDocumentSpreadsheet
from odf.table import Table, TableCell, TableRow
from odf.text import P

from pipelines import ingest
from pipelines.settings import load_settings
from tests.pipelines.test_ingest import landed, rejects

SETTINGS = load_settings()
CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
TICKET_HEADERS = ["工单号", "客户编号", "服务类型", "报修时间", "修复时间", "人工费", "服务网点"]


def test_xlsx_cells_read_as_shown_below_title_rows_with_a_totals_row(tmp_path):
    path = tmp_path / "export.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    ws = wb.add_worksheet("工单")
    ws.merge_range("A1:G1", "工单明细表")  # a merged title above the header
    ws.write_string("A2", "导出时间：2026-10-31")
    ws.write_row("A3", TICKET_HEADERS)
    ws.write_number("A4", 12345)  # an ID stored as a number
    ws.write_string("B4", "00123")  # an ID stored as text keeps its zeros
    ws.write_string("C4", "维修")
    ws.write_datetime("D4", dt.datetime(2026, 1, 5, 10, 30), when)
    ws.write_formula("E4", "=1/0", None, "#DIV/0!")  # an error cell is empty
    ws.write_formula("F4", "=100+20.5", None, 120.5)  # a formula reads as its cached value
    ws.merge_range("G4:G5", "上海")  # a merged range: its value in its first cell
    # sheet row 5 holds only the merged range's covered cell: wholly blank, not a record
    ws.write_string("A6", "T2")
    ws.write_string("B6", "C1")
    ws.write_string("C6", "installation")
    ws.write_datetime("D6", dt.datetime(2026, 1, 7, 8, 15), when)
    ws.write_datetime("E6", dt.datetime(2026, 1, 8), wb.add_format({"num_format": "yyyy-mm-dd"}))
    ws.write_number("F6", 0.1 + 0.2)
    ws.write_string("A7", "T3")
    ws.write_string("B7", "C1")
    ws.write_string("C7", "repair")
    ws.write_formula("D7", "=NA()", None, "#N/A")  # an error cell in a required column
    ws.write_string("A8", "合计")  # the totals row: no ticket number
    ws.write_formula("F8", "=SUM(F4:F6)", None, 120.8)
    cs = wb.add_worksheet("customers")
    cs.write_row("A1", ["customer_id", "customer_name", "prior_year_revenue"])
    cs.write_row("A2", [" C1 ", "华东机械", 6000000])
    wb.close()

    result = ingest.run([path], SETTINGS, tmp_path / "data")
    t, c = result.files
    assert (t.file_name, t.source, t.encoding) == ("export.xlsx#工单", "tickets", "xlsx")
    assert (t.rows_read, t.rows_accepted, t.rows_rejected) == (4, 2, 2)
    assert t.message == "skipped 2 title rows above the header at row 3"
    assert (c.file_name, c.source, c.rows_accepted) == ("export.xlsx#customers", "customers", 1)
    cols = "ticket_id, customer_id, reported_at, resolved_at, labor_cost, service_center, _row_number"
    assert landed(tmp_path / "data", "tickets", cols) == [
        ("12345", "00123", dt.datetime(2026, 1, 5, 10, 30), None, Decimal("120.50"), "上海", 1),
        ("T2", "C1", dt.datetime(2026, 1, 7, 8, 15), dt.datetime(2026, 1, 8), Decimal("0.30"), None, 3),
    ]
    assert [(g[0], g[1], g[2], g[4]) for g in rejects(tmp_path / "data")] == [
        (4, "T3", "reported_at", "required value missing"),
        (5, None, None, "summary row"),
    ]
    assert landed(tmp_path / "data", "customers", "customer_id, prior_year_revenue") == [("C1", 6000000)]


def test_xls_biff_workbook_with_date_cells_numeric_ids_error_cells_and_two_sheets(tmp_path):
    path = tmp_path / "erp.xls"
    wb = xlwt.Workbook()
    when = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
    ws = wb.add_sheet("tickets")
    for col, name in enumerate(["ticket_id", "customer_id", "ticket_type", "reported_at", "visit_count", "region"]):
        ws.write(0, col, name)
    ws.write(1, 0, 12345.0)
    ws.write(1, 1, "C1")
    ws.write(1, 2, "repair")
    ws.write(1, 3, dt.datetime(2026, 3, 1, 9, 5), when)
    ws.write(1, 4, 2.0)
    ws.row(1).set_cell_error(5, 0x2A)  # #N/A
    # row 3 (sheet) left blank
    ws.write(3, 0, "T2")
    ws.write(3, 1, 987.0)
    ws.write(3, 2, "维修")
    ws.write(3, 3, "2026/03/02 10:00")
    ws.write(3, 4, 1.5)  # not a whole number
    qs = wb.add_sheet("报价")
    for col, name in enumerate(["quote_id", "ticket_id", "requested_at", "amount"]):
        qs.write(0, col, name)
    qs.write(1, 0, "Q1")
    qs.write(1, 1, 12345.0)
    qs.write(1, 2, dt.datetime(2026, 3, 1, 12, 0), when)
    qs.write(1, 3, 880.0)
    wb.save(str(path))

    result = ingest.run([path], SETTINGS, tmp_path / "data")
    assert [(r.file_name, r.source, r.encoding, r.rows_read, r.rows_accepted) for r in result.files] == [
        ("erp.xls#tickets", "tickets", "xls", 2, 1),
        ("erp.xls#报价", "quotes", "xls", 1, 1),
    ]
    assert landed(tmp_path / "data", "tickets", "ticket_id, customer_id, reported_at, visit_count, region") == [
        ("12345", "C1", dt.datetime(2026, 3, 1, 9, 5), 2, None)
    ]
    assert [(g[0], g[1], g[2], g[3], g[4]) for g in rejects(tmp_path / "data")] == [
        (3, "T2", "visit_count", "1.5", "not a whole number")
    ]
    assert landed(tmp_path / "data", "quotes", "quote_id, ticket_id, requested_at, amount") == [
        ("Q1", "12345", dt.datetime(2026, 3, 1, 12), 880)
    ]


def _ods_row(table: Table, *cells) -> None:
    row = TableRow()
    for value in cells:
        if value is None:
            cell = TableCell()
        elif isinstance(value, float):
            cell = TableCell(valuetype="float", value=value)
            cell.addElement(P(text=f"{value:g}"))
        elif isinstance(value, dt.datetime):
            cell = TableCell(valuetype="date", datevalue=value.isoformat())
            cell.addElement(P(text=value.strftime("%d.%m.%Y %H:%M")))
        elif value == "#DIV/0!":  # how LibreOffice stores =1/0: the number 0 marked as an error
            cell = TableCell(formula="of:=1/0", valuetype="float", value="0")
            cell.setAttrNS(CALCEXT, "value-type", "error")
            cell.addElement(P(text="#DIV/0!"))
        elif value == "#N/A":  # how LibreOffice stores =NA(): a string formula cell with no value
            cell = TableCell(formula="of:=NA()", valuetype="string", stringvalue="")
            cell.addElement(P(text="#N/A"))
        else:
            cell = TableCell(valuetype="string")
            cell.addElement(P(text=value))
        row.addElement(cell)
    table.addElement(row)


def test_ods_workbook_with_date_cells_numeric_ids_error_cells_blank_rows_and_two_sheets(tmp_path):
    doc = OpenDocumentSpreadsheet()
    quotes = Table(name="quotes")
    _ods_row(quotes, "quote_id", "ticket_id", "requested_at", "sent_at", "amount")
    _ods_row(quotes, 501.0, "T1", dt.datetime(2026, 4, 1, 8, 0), "#N/A", 1200.0)
    _ods_row(quotes, None, None, None, None, None)
    _ods_row(quotes, "Q2", 7.0, dt.datetime(2026, 4, 2, 9, 30), dt.datetime(2026, 4, 2, 9, 0), None)
    doc.spreadsheet.addElement(quotes)
    customers = Table(name="客户")
    _ods_row(customers, "客户编号", "客户名称")
    _ods_row(customers, 42.0, "华南电子")
    doc.spreadsheet.addElement(customers)
    path = tmp_path / "export.ods"
    doc.save(str(path))

    result = ingest.run([path], SETTINGS, tmp_path / "data")
    assert [(r.file_name, r.source, r.encoding, r.rows_read, r.rows_accepted) for r in result.files] == [
        ("export.ods#quotes", "quotes", "ods", 2, 1),
        ("export.ods#客户", "customers", "ods", 1, 1),
    ]
    assert landed(tmp_path / "data", "quotes", "quote_id, ticket_id, requested_at, sent_at, amount, _row_number") == [
        ("501", "T1", dt.datetime(2026, 4, 1, 8), None, 1200, 1)
    ]
    assert [(g[0], g[1], g[2], g[4]) for g in rejects(tmp_path / "data")] == [
        (3, "Q2", "sent_at", "sent_at precedes requested_at")
    ]
    assert landed(tmp_path / "data", "customers", "customer_id, customer_name") == [("42", "华南电子")]


def test_ods_numeric_error_cells_are_empty_not_zero(tmp_path):
    doc = OpenDocumentSpreadsheet()
    quotes = Table(name="quotes")
    _ods_row(quotes, None, "quote_id", "ticket_id", "requested_at", "amount")  # column A left blank
    _ods_row(quotes, None, "Q1", "T1", dt.datetime(2026, 4, 1, 8, 0), "#DIV/0!")
    _ods_row(quotes, None, "Q2", "T2", dt.datetime(2026, 4, 1, 9, 0), 0.0)
    _ods_row(quotes, None, "Q3", "T3", "#DIV/0!", 300.0)
    doc.spreadsheet.addElement(quotes)
    path = tmp_path / "quotes.ods"
    doc.save(str(path))

    result = ingest.run([path], SETTINGS, tmp_path / "data")
    assert (result.files[0].rows_read, result.files[0].rows_accepted) == (3, 2)
    assert landed(tmp_path / "data", "quotes", "quote_id, amount") == [("Q1", None), ("Q2", 0)]
    assert [(g[0], g[1], g[2]) for g in rejects(tmp_path / "data")] == [(3, "Q3", "requested_at")]


def test_workbook_date_cells_are_timestamps_whatever_the_profile_format(tmp_path):
    path = tmp_path / "quotes.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("quotes")
    ws.write_row("A1", ["quote_id", "ticket_id", "requested_at"])
    ws.write_row("A2", ["Q1", "T1", "05.01.2026 10:00"])  # text in the profile's format
    ws.write_row("A3", ["Q2", "T1"])
    ws.write_datetime("C3", dt.datetime(2026, 1, 6, 11, 0), wb.add_format({"num_format": "dd.mm.yyyy hh:mm"}))
    wb.close()
    profile = tmp_path / "erp.toml"
    profile.write_text('[formats]\n"*" = "%d.%m.%Y %H:%M"\n', encoding="utf-8")
    from pipelines.mapping import load_mapping

    result = ingest.run([path], SETTINGS, tmp_path / "data", mapping=load_mapping(profile))
    assert result.files[0].rows_accepted == 2
    assert landed(tmp_path / "data", "quotes", "quote_id, requested_at") == [
        ("Q1", dt.datetime(2026, 1, 5, 10)),
        ("Q2", dt.datetime(2026, 1, 6, 11)),
    ]


def test_a_damaged_workbook_is_refused_with_one_line(tmp_path):
    path = tmp_path / "tickets.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    result = ingest.run([path], SETTINGS, tmp_path / "data")
    r = result.files[0]
    assert r.status == "refused" and r.message.startswith("not a readable workbook:")
    assert "\n" not in r.message and result.exit_code == 1


def test_workbook_suffixes_are_found_in_a_directory(tmp_path: Path):
    for name in ("a.xlsx", "b.xls", "c.ods", "d.xlsm", "notes.docx"):
        (tmp_path / name).write_bytes(b"")
    assert [p.name for p in ingest.expand_paths([tmp_path])] == ["a.xlsx", "b.xls", "c.ods", "d.xlsm"]


def test_a_workbook_after_a_csv_file_in_one_load(tmp_path):
    csv = tmp_path / "customers.csv"
    csv.write_text("customer_id,customer_name\nC1,甲\n", encoding="utf-8")
    book = tmp_path / "quotes.xlsx"
    wb = xlsxwriter.Workbook(str(book))
    ws = wb.add_worksheet("quotes")
    ws.write_row("A1", ["quote_id", "ticket_id", "requested_at"])
    ws.write_row("A2", ["Q1", "T1", "2026-10-05 10:00"])
    wb.close()
    result = ingest.run([tmp_path], SETTINGS, tmp_path / "data")
    assert [(r.file_name, r.rows_accepted) for r in result.files] == [
        ("customers.csv", 1),
        ("quotes.xlsx#quotes", 1),
    ]
