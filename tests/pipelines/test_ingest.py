"""Ingest rules of SPEC §3 and the issue: formats, encodings, header languages, reject reasons."""

import datetime as dt
from pathlib import Path

import duckdb
import openpyxl
import pytest

from pipelines import ingest
from pipelines.mapping import load_mapping
from pipelines.settings import ROOT, load_settings

SETTINGS = load_settings()
REAL = ROOT / "tests" / "fixtures" / "real"  # verbatim copies of ../shared/real (public data)


def landed(data: Path, source: str, columns: str = "*", where: str = "true") -> list[tuple]:
    con = duckdb.connect()
    files = sorted(str(p) for p in (data / "landing" / "batches").glob(f"*/{source}.parquet"))
    return con.execute(f"select {columns} from read_parquet(?) where {where} order by all", [files]).fetchall()


def rejects(data: Path) -> list[tuple]:
    con = duckdb.connect()
    files = sorted(str(p) for p in (data / "landing" / "batches").glob("*/rejects.parquet"))
    return con.execute(
        'select row_number, record_key, "column", value, reason from read_parquet(?) order by row_number', [files]
    ).fetchall()


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


EN_TICKETS = (
    "Ticket ID,customer_id,TICKET-TYPE,reported_at,resolved_at,in_warranty,labor_cost\n"
    "T1,C1,repair,2026-01-05 10:00:00,2026-01-06 09:30,yes,120.50\n"
    "T2,C1,installation,2026/01/07 08:15,,no,0\n"
)
ZH_TICKETS = (
    "工单号,客户编号,服务类型,报修时间,修复时间,保修期内,人工费\n"
    "T1,C1,维修,2026-01-05 10:00:00,2026-01-06 09:30,是,120.50\n"
    "T2,C1,安装调试,2026/01/07 08:15,,否,0\n"
)
EXPECTED = [
    ("T1", "repair", dt.datetime(2026, 1, 5, 10), dt.datetime(2026, 1, 6, 9, 30), True),
    ("T2", "installation", dt.datetime(2026, 1, 7, 8, 15), None, False),
]
COLS = "ticket_id, ticket_type, reported_at, resolved_at, in_warranty"


@pytest.mark.parametrize(
    "text,encoding",
    [
        (EN_TICKETS, "utf-8"),
        (ZH_TICKETS, "utf-8"),
        (ZH_TICKETS, "utf-8-sig"),
        (ZH_TICKETS, "gbk"),
    ],
)
def test_csv_in_each_encoding_and_header_language_lands_the_same_rows(tmp_path, text, encoding):
    f = write(tmp_path / "tickets.csv", text, encoding)
    result = ingest.run([f], SETTINGS, tmp_path / "data")
    assert [(r.rows_read, r.rows_accepted, r.rows_rejected) for r in result.files] == [(2, 2, 0)]
    assert result.files[0].encoding == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "gbk": "gbk"}[encoding]
    assert landed(tmp_path / "data", "tickets", COLS) == EXPECTED


def test_a_gbk_file_whose_head_reads_as_utf8_is_read_again_as_gbk(tmp_path):
    # the first 64 KiB (all the encoding detection looks at) are ASCII; a GBK name comes after them
    rows = "".join(f"C{i:06d},name {i}\n" for i in range(1, 6001))
    f = write(tmp_path / "customers.csv", "customer_id,customer_name\n" + rows + "C999999,华东机械\n", "gbk")
    assert f.stat().st_size > 1 << 16
    r = ingest.run([f], SETTINGS, tmp_path / "data").files[0]
    assert (r.encoding, r.rows_read, r.rows_accepted, r.rows_rejected) == ("gbk", 6001, 6001, 0)
    assert landed(tmp_path / "data", "customers", "customer_name, _row_number", "customer_id = 'C999999'") == [
        ("华东机械", 6001)
    ]


def test_source_is_taken_from_the_chinese_file_stem(tmp_path):
    f = write(tmp_path / "工单.csv", ZH_TICKETS, "gbk")
    result = ingest.run([f], SETTINGS, tmp_path / "data")
    assert result.files[0].source == "tickets"


def test_forced_encoding_overrides_detection(tmp_path):
    f = write(tmp_path / "tickets.csv", ZH_TICKETS, "gbk")
    result = ingest.run([f], SETTINGS, tmp_path / "data", encoding="gbk")
    assert result.files[0].rows_accepted == 2


def test_xlsx_sheets_name_their_source_and_date_cells_are_timestamps(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "工单"
    ws.append(["工单号", "客户编号", "服务类型", "报修时间", "修复时间", "保修期内"])
    ws.append(["T1", "C1", "维修", dt.datetime(2026, 1, 5, 10), dt.datetime(2026, 1, 6, 9, 30), "是"])
    ws.append([None, None, None, None, None, None])  # a blank row is not a record
    ws.append(["T2", "C1", "installation", dt.datetime(2026, 1, 7, 8, 15), None, False])
    cs = wb.create_sheet("customers")
    cs.append(["customer_id", "customer_name", "prior_year_revenue"])
    cs.append(["C1", "华东机械", 6000000])
    wb.save(tmp_path / "export.xlsx")
    result = ingest.run([tmp_path / "export.xlsx"], SETTINGS, tmp_path / "data")
    assert [(r.file_name, r.source, r.rows_accepted) for r in result.files] == [
        ("export.xlsx#工单", "tickets", 2),
        ("export.xlsx#customers", "customers", 1),
    ]
    assert landed(tmp_path / "data", "tickets", COLS) == EXPECTED
    assert landed(tmp_path / "data", "customers", "customer_id, prior_year_revenue") == [("C1", 6000000)]
    # data rows are numbered as on the sheet (header excluded): T2 sits on sheet row 4
    assert landed(tmp_path / "data", "tickets", "_row_number") == [(1,), (3,)]


def test_parquet_input_is_read(tmp_path):
    csv = write(tmp_path / "x.csv", EN_TICKETS)
    duckdb.connect().execute(
        f"copy (select * from read_csv('{csv}', all_varchar=true)) to '{tmp_path / 'tickets.parquet'}' (format parquet)"
    )
    result = ingest.run([tmp_path / "tickets.parquet"], SETTINGS, tmp_path / "data")
    assert result.files[0].rows_accepted == 2
    assert landed(tmp_path / "data", "tickets", COLS) == EXPECTED


def test_offsets_are_converted_to_the_configured_zone(tmp_path):
    f = write(
        tmp_path / "quotes.csv",
        "quote_id,ticket_id,requested_at,sent_at\n"
        "Q1,T1,2026-01-05T01:00:00+00:00,2026-01-05T12:00:00Z\n"
        "Q2,T1,2026-01-05 09:00:00+08:00,2026-01-05T10:30-05:00\n",
    )
    ingest.run([f], SETTINGS, tmp_path / "data")
    assert landed(tmp_path / "data", "quotes", "quote_id, requested_at, sent_at") == [
        ("Q1", dt.datetime(2026, 1, 5, 9), dt.datetime(2026, 1, 5, 20)),
        ("Q2", dt.datetime(2026, 1, 5, 9), dt.datetime(2026, 1, 5, 23, 30)),
    ]


def test_each_row_rule_rejects_with_file_row_column_value_and_reason(tmp_path):
    f = write(
        tmp_path / "tickets.csv",
        (
            "ticket_id,customer_id,ticket_type,reported_at,first_response_at,resolved_at,closed_at,"
            "visit_count,labor_cost,channel,in_warranty\n"
            "A1,C1,repair,2026-01-05 10:00,,,,1,10,phone,yes\n"  # 1 good
            "A2,C1,repair,2026-01-05 10:00,2026-01-05 09:59,,,,,,\n"  # 2 response before reported
            "A3,C1,repair,2026-01-05 10:00,,2026-01-06,2026-01-05 23:00,,,,\n"  # 3 closed before resolved
            "A4,C1,repair,2026-01-05 10:00,,,,,-1,,\n"  # 4 negative money
            "A5,C1,repair,2026-01-05 10:00,,,,,,pigeon,\n"  # 5 unknown enum
            "A1,C1,repair,2026-01-05 10:00,,,,,,,\n"  # 6 repeated key
            "A7,C1,repair,05.01.2026,,,,,,,\n"  # 7 unparseable timestamp
            "A8,C1,repair,2026-01-05 10:00,,,,,,,maybe\n"  # 8 not a boolean
            ",C1,repair,2026-01-05 10:00,,,,,,,\n"  # 9 key missing
            "A10,C1,repair,2026-01-05 10:00,,,,two,,,\n"  # 10 not a number
        ),
    )
    result = ingest.run([f], SETTINGS, tmp_path / "data")
    r = result.files[0]
    assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (10, 1, 9)
    got = rejects(tmp_path / "data")
    assert [g[:4] for g in got] == [
        (2, "A2", "first_response_at", "2026-01-05 09:59"),
        (3, "A3", "closed_at", "2026-01-05 23:00"),
        (4, "A4", "labor_cost", "-1"),
        (5, "A5", "channel", "pigeon"),
        (6, "A1", "ticket_id", "A1"),
        (7, "A7", "reported_at", "05.01.2026"),
        (8, "A8", "in_warranty", "maybe"),
        (9, None, "ticket_id", None),
        (10, "A10", "visit_count", "two"),
    ]
    reasons = [g[4] for g in got]
    assert reasons[0] == "first_response_at precedes reported_at"
    assert reasons[1] == "closed_at precedes resolved_at"
    assert reasons[2] == "negative amount"
    assert reasons[3].startswith("unknown value; expected one of phone/电话")
    assert reasons[4] == "duplicate key (first at row 1)"
    assert reasons[5].startswith("not a timestamp")
    assert reasons[6] == "not a yes/no value"
    assert reasons[7] == "required value missing"
    assert reasons[8] == "not a whole number"


def test_quote_sent_before_requested_and_scores_off_the_scale_are_rejected(tmp_path):
    q = write(
        tmp_path / "quotes.csv",
        "quote_id,ticket_id,requested_at,sent_at,status\n"
        "Q1,T1,2026-01-05 10:00,2026-01-05 09:00,pending\nQ2,T1,2026-01-05 10:00,,已取消\n",
    )
    s = write(
        tmp_path / "surveys.csv",
        "response_id,survey_type,customer_id,responded_at,overall,attitude,nps\n"
        "R1,服务回访,C1,2026-01-05,7,4,9\nR2,post_service,C1,2026-01-05,5,0,9\n"
        "R3,post_service,C1,2026-01-05,5,,11\nR4,periodic,C1,2026-01-05,4,,\n",
    )
    result = ingest.run([q, s], SETTINGS, tmp_path / "data")
    assert [(r.rows_accepted, r.rows_rejected) for r in result.files] == [(1, 1), (1, 3)]
    assert [(g[2], g[4]) for g in rejects(tmp_path / "data")] == [
        ("sent_at", "sent_at precedes requested_at"),
        ("overall", "outside the scale 1–5"),
        ("attitude", "outside the scale 1–5"),
        ("nps", "outside the scale 0–10"),
    ]
    assert landed(tmp_path / "data", "quotes", "quote_id, status") == [("Q2", "cancelled")]


def test_malformed_csv_lines_are_rejected_not_dropped(tmp_path):
    f = write(tmp_path / "customers.csv", "customer_id,customer_name\nC1,甲\nC2,乙,extra\nC3\nC4,丁\n")
    r = ingest.run([f], SETTINGS, tmp_path / "data").files[0]
    assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (4, 2, 2)
    assert landed(tmp_path / "data", "customers", "customer_id, _row_number") == [("C1", 1), ("C4", 4)]
    assert [g[0] for g in rejects(tmp_path / "data")] == [2, 3]


def test_file_missing_a_required_column_refuses_the_whole_load(tmp_path):
    good = write(tmp_path / "customers.csv", "customer_id,customer_name\nC1,甲\n")
    bad = write(tmp_path / "tickets.csv", "工单号,客户编号,状态\nT1,C1,open\n")
    result = ingest.run([good, bad], SETTINGS, tmp_path / "data")
    assert result.exit_code == 1 and not result.committed
    msg = result.files[1].message
    assert "ticket_type (服务类型)" in msg and "reported_at (报修时间)" in msg
    assert "headers found: 工单号, 客户编号, 状态" in msg
    assert [r.rows_read for r in result.files] == [1, 1]  # the refused file is still counted
    assert not (tmp_path / "data" / "landing" / "batches").exists()
    assert len(list((tmp_path / "data" / "landing" / "log").glob("*.parquet"))) == 1


def test_same_file_twice_is_skipped_by_content_hash(tmp_path):
    f = write(tmp_path / "tickets.csv", EN_TICKETS)
    ingest.run([f], SETTINGS, tmp_path / "data")
    copy = write(tmp_path / "renamed_tickets.csv", EN_TICKETS)
    second = ingest.run([copy], SETTINGS, tmp_path / "data", source="tickets")
    assert [r.status for r in second.files] == ["skipped"] and second.exit_code == 0
    assert len(list((tmp_path / "data" / "landing" / "batches").iterdir())) == 1


def test_key_repeated_across_files_of_one_load_keeps_the_first(tmp_path):
    a = write(tmp_path / "a.csv", "customer_id,customer_name\nC1,甲\n")
    b = write(tmp_path / "b.csv", "customer_id,customer_name\nC1,乙\n")
    result = ingest.run([a, b], SETTINGS, tmp_path / "data", source="customers")
    assert [(r.rows_accepted, r.rows_rejected) for r in result.files] == [(1, 0), (0, 1)]
    assert rejects(tmp_path / "data")[0][4] == "duplicate key (first at a.csv row 1)"


def test_check_validates_and_writes_nothing(tmp_path):
    f = write(tmp_path / "tickets.csv", EN_TICKETS)
    result = ingest.run([f], SETTINGS, tmp_path / "data", commit=False)
    assert result.files[0].status == "checked" and result.files[0].rows_accepted == 2
    assert not (tmp_path / "data" / "landing").exists()


def test_unknown_customers_are_kept_and_counted(tmp_path):
    c = write(tmp_path / "customers.csv", "customer_id,customer_name\nC1,甲\n")
    t = write(tmp_path / "tickets.csv", EN_TICKETS.replace("T2,C1", "T2,C404"))
    result = ingest.run([c, t], SETTINGS, tmp_path / "data")
    assert result.unknown_customers == 1
    assert len(landed(tmp_path / "data", "tickets")) == 2


def test_mapping_profile_renames_translates_parses_and_sets_constants(tmp_path):
    m = write(
        tmp_path / "erp.toml",
        (
            'source = "tickets"\ntime_zone = "UTC"\n[columns]\n"Order No" = "ticket_id"\n"Opened" = "reported_at"\n'
            '"State" = "status"\n[values.status]\n"Done" = "closed"\n"*" = "open"\n'
            '[formats]\nreported_at = "%d.%m.%Y %H:%M"\n[constants]\nticket_type = "repair"\n'
            '[derived]\ncustomer_id = "ERP-{Account}"\n'
        ),
    )
    f = write(
        tmp_path / "export.csv",
        "Order No,Opened,State,Account\nX1,05.01.2026 02:00,Done,77\nX2,05.01.2026 03:00,Waiting,\n",
    )
    result = ingest.run([f], SETTINGS, tmp_path / "data", mapping=load_mapping(m))
    assert [(r.rows_accepted, r.rows_rejected) for r in result.files] == [(1, 1)]
    assert landed(tmp_path / "data", "tickets", "ticket_id, customer_id, ticket_type, status, reported_at") == [
        ("X1", "ERP-77", "repair", "closed", dt.datetime(2026, 1, 5, 10))
    ]
    assert rejects(tmp_path / "data")[0][2:] == ("customer_id", None, "required value missing")


@pytest.mark.parametrize(
    "profile,export,source",
    [
        ("nyc311.toml", "nyc311/311_Service_Requests_from_2010_to_Present.csv", "tickets"),
        ("cfpb.toml", "cfpb/Consumer_Complaints.csv", "complaints"),
    ],
)
def test_shipped_profiles_load_real_exports_with_95_percent_accepted(tmp_path, profile, export, source):
    mapping = load_mapping(ROOT / "config" / "mappings" / profile)
    result = ingest.run([REAL / export], SETTINGS, tmp_path / "data", mapping=mapping)
    r = result.files[0]
    assert r.source == source and r.rows_read == {"tickets": 924, "complaints": 1000}[source]
    assert r.rows_accepted + r.rows_rejected == r.rows_read
    assert r.rows_accepted >= 0.95 * r.rows_read
    assert len(rejects(tmp_path / "data")) == r.rows_rejected


def test_cfpb_dispute_is_a_dissatisfied_followup(tmp_path):
    mapping = load_mapping(ROOT / "config" / "mappings" / "cfpb.toml")
    ingest.run([REAL / "cfpb/Consumer_Complaints.csv"], SETTINGS, tmp_path / "data", mapping=mapping)
    row = landed(tmp_path / "data", "complaints", "followup_result, channel, received_at", "complaint_id = '511074'")
    assert row == [("dissatisfied", "other", dt.datetime(2013, 8, 30, 12))]


def test_row_numbers_follow_the_file_when_duckdb_reads_a_large_csv_in_parallel(tmp_path):
    # ~40 MiB: DuckDB splits a file this size between threads, and without insertion order kept the
    # rows come back out of file order (a rejected row would name the wrong row, and the "later"
    # occurrence of a repeated key could be the earlier one).
    n = 800_000
    pad = "x" * 40
    lines = ["customer_id,customer_name\n"]
    for i in range(1, n + 1):
        if i == 600_000:
            lines.append(f"C{i:07d},{pad},extra field\n")  # malformed: one field too many
        elif i == 790_000:
            lines.append(f"C{3:07d},{pad}\n")  # repeats the key of row 3
        else:
            lines.append(f"C{i:07d},{pad}\n")
    f = tmp_path / "customers.csv"
    f.write_text("".join(lines), encoding="utf-8")
    r = ingest.run([f], SETTINGS, tmp_path / "data").files[0]
    assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (n, n - 2, 2)
    got = rejects(tmp_path / "data")
    assert [(g[0], g[1], g[4]) for g in got[1:]] == [(790_000, "C0000003", "duplicate key (first at row 3)")]
    assert got[0][0] == 600_000 and got[0][4].startswith("malformed CSV line")
    # every landed row carries the number of its line in the file
    assert landed(
        tmp_path / "data", "customers", "count(*)", "_row_number <> cast(substr(customer_id, 2) as bigint)"
    ) == [(0,)]


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_an_empty_line_keeps_the_place_of_the_rows_below_it(tmp_path, end):
    # data rows counted from the header: T1 row 1, empty rows 2 and 3, T2 row 4 (too few fields),
    # T3 row 5 (a bad visit_count): as a spreadsheet shows the file, and as a workbook's rows count
    lines = [
        "ticket_id,customer_id,ticket_type,reported_at,visit_count",
        "T1,C1,repair,2024-11-01 08:00,1",
        "",
        "",
        "T2,C1,repair",
        "T3,C1,repair,2024-11-01 08:00,x",
        "T4,C1,repair,2024-11-01 08:00,1",
    ]
    path = write(tmp_path / "tickets.csv", end.join(lines) + end)
    (r,) = ingest.run([path], SETTINGS, tmp_path / "data").files
    assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (4, 2, 2)
    assert [(row, key, col) for row, key, col, _, _ in rejects(tmp_path / "data")] == [
        (4, None, None),
        (5, "T3", "visit_count"),
    ]
    assert landed(tmp_path / "data", "tickets", "ticket_id, _row_number") == [("T1", 1), ("T4", 6)]


def test_rows_are_counted_as_records_when_a_quoted_value_spans_lines(tmp_path):
    # a quoted value with an empty line inside: lines and records differ, and rows count records
    text = (
        "ticket_id,customer_id,ticket_type,reported_at,visit_count,fault_description\n"
        'T1,C1,repair,2024-11-01 08:00,1,"noise\n\nat start"\n'
        "T2,C1,repair,2024-11-01 08:00,x,\n"
    )
    path = write(tmp_path / "tickets.csv", text)
    (r,) = ingest.run([path], SETTINGS, tmp_path / "data").files
    assert (r.rows_read, r.rows_accepted) == (2, 1)
    assert [(row, key) for row, key, *_ in rejects(tmp_path / "data")] == [(2, "T2")]
