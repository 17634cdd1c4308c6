"""Files as exports come (SPEC §3): title rows above the header, totals rows at the end, null markers."""

import datetime as dt
from decimal import Decimal

import pytest

from pipelines import ingest
from pipelines.mapping import MappingError, load_mapping
from pipelines.settings import load_settings
from tests.pipelines.test_ingest import landed, rejects, write

SETTINGS = load_settings()


def test_csv_title_rows_are_skipped_and_reported_and_a_trailing_totals_row_is_rejected(tmp_path):
    f = write(
        tmp_path / "工单.csv",
        "工单明细表,,,,\n"
        "导出时间：2026-10-31,,,,\n"
        "工单号,客户编号,服务类型,报修时间,人工费\n"
        "T1,C1,维修,2026-10-05 10:00,100\n"
        "T2,C1,维修,2026-10-06 11:00,50.5\n"
        "合计,,,,150.5\n",
        "gbk",
    )
    r = ingest.run([f], SETTINGS, tmp_path / "data").files[0]
    assert (r.encoding, r.rows_read, r.rows_accepted, r.rows_rejected) == ("gbk", 3, 2, 1)
    assert r.message == "skipped 2 title rows above the header at row 3"
    assert landed(tmp_path / "data", "tickets", "ticket_id, labor_cost, _row_number") == [
        ("T1", Decimal("100.00"), 1),
        ("T2", Decimal("50.50"), 2),
    ]
    assert rejects(tmp_path / "data") == [(3, None, None, "合计", "summary row")]


def test_a_title_line_of_one_field_above_a_semicolon_header(tmp_path):
    f = write(
        tmp_path / "quotes.csv",
        "Quotes export\n\nquote_id;ticket_id;requested_at\nQ1;T1;2026-10-05 10:00\nTotal:;;\n",
    )
    r = ingest.run([f], SETTINGS, tmp_path / "data").files[0]
    assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (2, 1, 1)
    assert r.message == "skipped 1 title row above the header at row 3"
    assert rejects(tmp_path / "data") == [(2, None, None, "Total:", "summary row")]


def test_a_totals_row_before_the_last_record_is_an_ordinary_bad_row(tmp_path):
    f = write(
        tmp_path / "tickets.csv",
        "ticket_id,customer_id,ticket_type,reported_at\n"
        "T1,C1,repair,2026-10-05\n"
        ",小计,,\n"
        "T2,C1,repair,2026-10-06\n"
        ",总计,,\n"
        ",SUM,,\n",
    )
    r = ingest.run([f], SETTINGS, tmp_path / "data").files[0]
    assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (5, 2, 3)
    assert rejects(tmp_path / "data") == [
        (2, None, "ticket_id", None, "required value missing"),
        (4, None, None, "总计", "summary row"),
        (5, None, None, "SUM", "summary row"),
    ]


def test_a_header_further_down_than_30_rows_is_not_found(tmp_path):
    f = write(tmp_path / "customers.csv", "note\n" * 30 + "customer_id,customer_name\nC1,甲\n")
    r = ingest.run([f], SETTINGS, tmp_path / "data").files[0]
    assert r.status == "refused"
    assert r.message.startswith("missing required column(s) customer_id (客户编号), customer_name (客户名称)")
    assert r.message.endswith("headers found: note")


def test_the_header_is_the_first_row_naming_every_required_column_after_the_profile_renames(tmp_path):
    profile = write(tmp_path / "erp.toml", '[columns]\n"Order" = "ticket_id"\n"Account" = "customer_id"\n')
    f = write(
        tmp_path / "tickets.csv",
        "Order,Account\n"  # names two contract columns but not every required one: a title here
        "Order,Account,ticket_type,reported_at\n"
        "X1,A1,repair,2026-10-05\n",
    )
    r = ingest.run([f], SETTINGS, tmp_path / "data", mapping=load_mapping(profile)).files[0]
    assert (r.rows_read, r.rows_accepted, r.message) == (1, 1, "skipped 1 title row above the header at row 2")
    assert landed(tmp_path / "data", "tickets", "ticket_id, customer_id") == [("X1", "A1")]


NULLS = 'null_values = ["?", "NULL", "N/A", "-", "无", "#N/A"]\n'


def test_null_markers_mean_empty_in_every_type(tmp_path):
    profile = write(tmp_path / "p.toml", NULLS, "utf-8")
    f = write(
        tmp_path / "tickets.csv",
        "ticket_id,customer_id,ticket_type,reported_at,status,in_warranty,visit_count,labor_cost,resolved_at,region\n"
        "T1,C1,repair,2026-10-05 10:00,?,NULL,n/a, - ,无,#N/A\n"
        "T2,C1,repair,2026-10-05 10:00,open,yes,1,10,2026-10-06 09:00,华东\n"
        "T3,null,repair,2026-10-05 10:00,,,,,,\n",
    )
    r = ingest.run([f], SETTINGS, tmp_path / "data", mapping=load_mapping(profile)).files[0]
    assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (3, 2, 1)
    cols = "ticket_id, status, in_warranty, visit_count, labor_cost, resolved_at, region"
    assert landed(tmp_path / "data", "tickets", cols) == [
        ("T1", None, None, None, None, None, None),
        ("T2", "open", True, 1, Decimal("10.00"), dt.datetime(2026, 10, 6, 9), "华东"),
    ]
    assert rejects(tmp_path / "data") == [(3, "T3", "customer_id", None, "required value missing")]


def test_without_null_markers_such_values_are_rejected_as_before(tmp_path):
    f = write(
        tmp_path / "tickets.csv",
        "ticket_id,customer_id,ticket_type,reported_at,resolved_at,visit_count\n"
        "T1,C1,repair,2026-10-05 10:00,NULL,1\nT2,C1,repair,2026-10-05 10:00,,-\n",
    )
    ingest.run([f], SETTINGS, tmp_path / "data")
    assert [(g[0], g[2], g[3], g[4].split(";")[0]) for g in rejects(tmp_path / "data")] == [
        (1, "resolved_at", "NULL", "not a timestamp"),
        (2, "visit_count", "-", "not a whole number"),
    ]


def test_a_null_marker_in_a_placeholder_leaves_the_derived_column_empty(tmp_path):
    profile = write(tmp_path / "p.toml", NULLS + '[derived]\ncustomer_id = "ZIP-{Zip}"\n', "utf-8")
    f = write(
        tmp_path / "tickets.csv",
        "ticket_id,Zip,ticket_type,reported_at\nT1,10001,repair,2026-10-05\nT2,N/A,repair,2026-10-05\n",
    )
    r = ingest.run([f], SETTINGS, tmp_path / "data", mapping=load_mapping(profile)).files[0]
    assert (r.rows_accepted, r.rows_rejected) == (1, 1)
    assert landed(tmp_path / "data", "tickets", "customer_id") == [("ZIP-10001",)]


@pytest.mark.parametrize(
    "text,message",
    [
        ('null_values = "NULL"\n', "key 'null_values' must be a list of strings"),
        ("null_values = [1]\n", "key 'null_values' must be a list of strings"),
        ('[key]\nid = "x"\n', "unknown key 'key.id' (expected version)"),
        ('[key]\nversion = " "\n', "key 'key.version' must name an export column"),
    ],
)
def test_profile_null_values_and_key_are_checked(tmp_path, text, message):
    with pytest.raises(MappingError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_mapping(write(tmp_path / "p.toml", text))


def test_timestamps_outside_1900_to_2100_are_rejected(tmp_path):
    f = write(
        tmp_path / "quotes.csv",
        "quote_id,ticket_id,requested_at\n"
        "Q1,T1,1900-01-01 00:00\n"
        "Q2,T1,2100-12-31 23:59:59\n"
        "Q3,T1,5/10/26\n"  # DuckDB alone would read the year 5; no form the contract names
        "Q4,T1,1899-12-31 08:30:00\n"  # how a workbook's time-only cell reads
        "Q5,T1,2101-01-01\n",
    )
    r = ingest.run([f], SETTINGS, tmp_path / "data").files[0]
    assert (r.rows_accepted, r.rows_rejected) == (2, 3)
    assert [(g[0], g[4]) for g in rejects(tmp_path / "data")] == [
        (3, "not a timestamp; expected YYYY-MM-DD[ HH:MM[:SS]], YYYY/MM/DD HH:MM[:SS] or ISO 8601"),
        (4, "timestamp outside 1900-01-01 … 2100-12-31"),
        (5, "timestamp outside 1900-01-01 … 2100-12-31"),
    ]
