"""Reject reasons (SPEC §5 rejected_rows): a stable code and its parameters beside the English text;
the load summary groups rejected rows by kind, with one example row each."""

import datetime as dt
import json

import duckdb

from pipelines import contract, ingest, landing
from pipelines.build import build
from pipelines.settings import load_settings
from tests.helpers import _copy_rows, query
from tests.pipelines.test_ingest import write

SETTINGS = load_settings()


def coded(data) -> list[tuple]:
    files = sorted(str(p) for p in (data / "landing" / "batches").glob("*/rejects.parquet"))
    return [
        (row, code, json.loads(params))
        for row, code, params in duckdb.connect()
        .execute("select row_number, reason_code, reason_params from read_parquet(?) order by row_number", [files])
        .fetchall()
    ]


def test_the_summary_groups_reasons_by_kind_not_by_their_text(tmp_path):
    lines = ["ticket_id,customer_id,ticket_type,reported_at,resolved_at"]
    lines += [f"T{i},C1,repair,2026-10-05 10:00," for i in range(1, 6)]  # rows 1-5
    lines += [f"T{i % 5 + 1},C1,repair,2026-10-05 10:00," for i in range(30)]  # rows 6-35: repeats
    lines += ["X1,C1,repair,05.10.2026,", "X2,C1,repair,2026-13-01,", "X3,C1,repair,yesterday,"]  # 36-38
    lines += ["X4,C1,repair,2026-10-05 10:00,2026-10-04 10:00"]  # 39
    f = write(tmp_path / "tickets.csv", "\n".join(lines) + "\n")
    r = ingest.run([f], SETTINGS, tmp_path / "data", commit=False).files[0]
    assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (39, 5, 34)
    assert r.top_reasons == [
        ("duplicate key, e.g. row 6 ticket_id 'T1'", 30),
        (
            "not a timestamp (expected YYYY-MM-DD[ HH:MM[:SS]], YYYY/MM/DD HH:MM[:SS] or ISO 8601), "
            "e.g. row 36 reported_at '05.10.2026'",
            3,
        ),
        ("resolved_at precedes reported_at, e.g. row 39 resolved_at '2026-10-04 10:00'", 1),
    ]


def test_rejected_rows_carry_a_code_and_its_parameters(tmp_path):
    t = write(
        tmp_path / "tickets.csv",
        "ticket_id,customer_id,ticket_type,reported_at,first_response_at,visit_count,labor_cost,channel\n"
        "T1,C1,repair,2026-10-05 10:00,,,,\n"
        "T1,C1,repair,2026-10-05 10:00,,,,\n"  # 2 duplicate key
        "T3,C1,repair,2026-10-05 10:00,2026-10-05 09:00,,,\n"  # 3 precedes
        "T4,C1,repair,2026-10-05 10:00,,-2,,\n"  # 4 negative count
        "T5,C1,repair,2026-10-05 10:00,,,abc,\n"  # 5 not a number
        "T6,C1,repair,2026-10-05 10:00,,,,pigeon\n"  # 6 unknown value
        "T7,C1,repair,2026-10-05 10:00,,,,,extra\n"  # 7 malformed line
        "合计,,,,,,,\n",  # 8 summary row
    )
    s = write(
        tmp_path / "surveys.csv",
        "response_id,survey_type,customer_id,responded_at,overall\nR1,periodic,C1,2026-10-05,9\n",
    )
    ingest.run([t, s], SETTINGS, tmp_path / "data")
    got = coded(tmp_path / "data")
    assert got[:6] == [
        (1, "out_of_scale", {"min": 1, "max": 5}),  # surveys.csv row 1
        (2, "duplicate_key", {"first_file": "tickets.csv", "first_row": 1}),
        (3, "precedes", {"column": "first_response_at", "other": "reported_at"}),
        (4, "negative_count", {}),
        (5, "not_a_number", {}),
        (
            6,
            "unknown_value",
            {"allowed": "phone/电话, email/邮件, web/网站, wechat/微信, visit/来人, letter/来函, fax/传真, other/其他"},
        ),
    ]
    assert got[6][:2] == (7, "malformed_line") and set(got[6][2]) == {"error"}
    assert got[7] == (8, "summary_row", {})
    build(tmp_path / "data", SETTINGS, dt.datetime(2026, 11, 1))
    assert query(
        tmp_path / "data",
        "select file_name, row_number, reason, reason_code from rejected_rows where row_number in (1, 8) order by 1",
    ) == [
        ("surveys.csv", 1, "outside the scale 1–5", "out_of_scale"),
        ("tickets.csv", 8, "summary row", "summary_row"),
    ]


def _old_batch(data, load_id: str, tickets: list[dict], rejects: list[dict]) -> None:
    """A batch as written before reason codes and versions: none of those columns."""
    later = {name for name, _ in contract.META_COLUMNS[3:]} | {"reason_code", "reason_params"}
    tmp = landing.begin_batch(data, load_id)
    con = duckdb.connect()
    for source in contract.SOURCES:
        schema = [(n, t) for n, t in contract.landing_schema(source, SETTINGS) if n not in later]
        rows = [{"_load_id": load_id, "_file_name": "tickets.csv"} | r for r in tickets] if source == "tickets" else []
        _copy_rows(con, source, schema, rows, tmp / f"{source}.parquet")
    schema = [(n, t) for n, t in landing.REJECTS_SCHEMA if n not in later]
    _copy_rows(con, "rejects", schema, [{"load_id": load_id} | r for r in rejects], tmp / "rejects.parquet")
    _copy_rows(con, "files", landing.FILES_SCHEMA, [], tmp / "files.parquet")
    con.close()
    landing.commit_batch(data, tmp)


def test_a_landing_store_written_before_codes_and_versions_still_builds(tmp_path):
    """Old rejects get a null code; old rows are picked as before: the latest batch, in it the later row."""
    data = tmp_path / "data"
    ticket = {"customer_id": "C1", "ticket_type": "repair", "reported_at": dt.datetime(2026, 10, 1, 8)}
    _old_batch(
        data,
        "20260101T000000000000Z-000000",
        [{"ticket_id": "A", "_row_number": 1, "solution": "a, batch 1"} | ticket],
        [{"row_number": 2, "record_key": "A", "reason": "duplicate key (first at row 1)"}],
    )
    _old_batch(
        data,
        "20260102T000000000000Z-000000",
        [
            {"ticket_id": "A", "_row_number": 1, "solution": "a, batch 2"} | ticket,
            {"ticket_id": "B", "_row_number": 2, "solution": "b, batch 2"} | ticket,
        ],
        [],
    )
    build(data, SETTINGS, dt.datetime(2026, 11, 1))
    assert query(data, "select ticket_id, solution from tickets order by 1") == [
        ("A", "a, batch 2"),
        ("B", "b, batch 2"),
    ]
    assert query(data, "select reason, reason_code, reason_params from rejected_rows") == [
        ("duplicate key (first at row 1)", None, None)
    ]
