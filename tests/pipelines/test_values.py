"""SPEC §3: one rule for every value. A value its contract type cannot hold is a rejected row with
its reason (never an exception, never a refused file); every ISO offset is honoured; and whatever the
validator accepts passes the build's data tests."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines import ingest
from pipelines.build import build
from pipelines.settings import load_settings

SETTINGS = load_settings()
TS_WORDS = "not a timestamp; expected YYYY-MM-DD[ HH:MM[:SS]], YYYY/MM/DD HH:MM[:SS] or ISO 8601"
TS_RANGE = "timestamp outside 1900-01-01 … 2100-12-31"
INT_RANGE = "number outside -9223372036854775808 … 9223372036854775807"
DEC_RANGE = "number outside -10000000000000000 … 10000000000000000"
OFFSET = "invalid time-zone offset (valid: Z, ±hh, ±hhmm, ±hh:mm up to ±14:00)"


def load_one(tmp_path: Path, column: str, value: str) -> tuple[list, list]:
    """Load one ticket whose `column` holds `value`: (landed values of it, (column, value, reason) rejects)."""
    f = tmp_path / "tickets.csv"
    row = {"ticket_id": "T1", "customer_id": "C1", "ticket_type": "repair", "reported_at": "2024-11-01 08:00"}
    row[column] = value
    f.write_text(",".join(row) + "\n" + ",".join(f'"{v}"' for v in row.values()) + "\n", encoding="utf-8")
    data = tmp_path / "data"
    result = ingest.run([f], SETTINGS, data).files[0]
    assert result.rows_read == result.rows_accepted + result.rows_rejected == 1
    con = duckdb.connect()
    batch = next((data / "landing" / "batches").iterdir())
    landed = [
        r[0]
        for r in con.execute(f'select "{column}" from read_parquet(?)', [str(batch / "tickets.parquet")]).fetchall()
    ]
    rejected = con.execute('select "column", value, reason from read_parquet(?)', [str(batch / "rejects.parquet")])
    return landed, rejected.fetchall()


@pytest.mark.parametrize(
    "value,landed",
    [
        ("2024-11-01T08:00Z", dt.datetime(2024, 11, 1, 16, 0)),  # ISO with offset, no seconds
        ("2024-11-01T08:00+08", dt.datetime(2024, 11, 1, 8, 0)),
        ("2024-11-01T08:00+0000", dt.datetime(2024, 11, 1, 16, 0)),
        ("2024-11-01T08:00:30-05:30", dt.datetime(2024, 11, 1, 21, 30, 30)),
        ("2024-11-01 08:00:00.250+01:00", dt.datetime(2024, 11, 1, 15, 0, 0, 250000)),
        ("2024-11-01T08:00-14:00", dt.datetime(2024, 11, 2, 6, 0)),
        ("2024-11-01T08:00", dt.datetime(2024, 11, 1, 8, 0)),
        ("2024/11/01 08:00", dt.datetime(2024, 11, 1, 8, 0)),
        ("1900-01-01", dt.datetime(1900, 1, 1)),
        ("2100-12-31 23:59:59", dt.datetime(2100, 12, 31, 23, 59, 59)),
    ],
)
def test_every_iso_form_of_a_timestamp_keeps_its_offset(tmp_path, value, landed):
    assert load_one(tmp_path, "reported_at", value) == ([landed], [])


@pytest.mark.parametrize(
    "value,reason",
    [
        ("-infinity", TS_WORDS),
        ("infinity", TS_WORDS),
        ("epoch", TS_WORDS),
        ("allballs", TS_WORDS),
        ("2024-11-01 24:00:00", TS_WORDS),
        ("2024-11-01T24:00", TS_WORDS),
        ("2024-11-01T08:00+99:99", OFFSET),
        ("2024-11-01T08:00+15", OFFSET),
        ("2024-11-01T08:00+14:30", OFFSET),
        ("10000-01-01", TS_RANGE),
        ("1899-12-31 23:59:59", TS_RANGE),
        ("2101-01-01", TS_RANGE),
    ],
)
def test_a_timestamp_the_type_cannot_hold_is_a_rejected_row(tmp_path, value, reason):
    assert load_one(tmp_path, "reported_at", value) == ([], [("reported_at", value, reason)])


@pytest.mark.parametrize(
    "column,value,landed",
    [
        ("visit_count", "9223372036854775807", 9223372036854775807),
        ("visit_count", "3.0", 3),
        ("visit_count", "1e3", 1000),
        ("labor_cost", "9999999999999999.99", Decimal("9999999999999999.99")),
        ("labor_cost", "1,234.50", Decimal("1234.50")),
        ("labor_cost", "1.500", Decimal("1.50")),  # more places, but only zeros: exact
        ("labor_cost", "1.5e2", Decimal("150.00")),
    ],
)
def test_numbers_the_type_holds_are_landed_exactly(tmp_path, column, value, landed):
    assert load_one(tmp_path, column, value) == ([landed], [])


@pytest.mark.parametrize(
    "column,value,reason",
    [
        ("visit_count", "1e20", INT_RANGE),
        ("visit_count", "9223372036854775808", INT_RANGE),
        ("visit_count", "-9223372036854775809", INT_RANGE),
        ("visit_count", "inf", INT_RANGE),
        ("visit_count", "-Infinity", INT_RANGE),
        ("visit_count", "NaN", "not a whole number"),
        ("visit_count", "1.5", "not a whole number"),
        ("labor_cost", "1.000,5", "not a number"),
        ("labor_cost", "-0.004", "more than 2 decimal places"),
        ("labor_cost", "0.125", "more than 2 decimal places"),
        ("labor_cost", "10000000000000000", DEC_RANGE),
        ("labor_cost", "1e20", DEC_RANGE),
        ("labor_cost", "inf", DEC_RANGE),
        ("labor_cost", "nan", "not a number"),
    ],
)
def test_a_number_the_type_cannot_hold_is_a_rejected_row(tmp_path, column, value, reason):
    assert load_one(tmp_path, column, value) == ([], [(column, value, reason)])


def test_scores_off_the_scale_are_rejected_rows_whatever_their_size(tmp_path):
    f = tmp_path / "surveys.csv"
    lines = ["response_id,survey_type,customer_id,responded_at,overall,nps"]
    values = [("1e20", "5"), ("NaN", "5"), ("9223372036854775807", "5"), ("5", "inf"), ("5", "-1e300"), ("5", "10")]
    lines += [f"R{i},post_service,C1,2024-11-01 08:00,{o},{n}" for i, (o, n) in enumerate(values)]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = ingest.run([f], SETTINGS, tmp_path / "data").files[0]
    assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (6, 1, 5)
    con = duckdb.connect()
    batch = next((tmp_path / "data" / "landing" / "batches").iterdir())
    got = con.execute(
        'select row_number, "column", reason from read_parquet(?) order by 1', [str(batch / "rejects.parquet")]
    )
    scale = f"outside the scale {SETTINGS.scale_min}–{SETTINGS.scale_max}"
    assert got.fetchall() == [
        (1, "overall", scale),
        (2, "overall", "not a whole number"),
        (3, "overall", scale),
        (4, "nps", "outside the scale 0–10"),
        (5, "nps", "outside the scale 0–10"),
    ]


def test_the_values_at_every_boundary_the_validator_accepts_pass_the_build(tmp_path):
    """The validator's boundaries and the build's data tests agree: the most extreme accepted values
    of every type land and build, the next value beyond each is rejected."""
    d = tmp_path / "in"
    d.mkdir()
    (d / "customers.csv").write_text(
        "customer_id,customer_name,prior_year_revenue\nC1,A,9999999999999999.99\nC2,B,0\n", encoding="utf-8"
    )
    (d / "tickets.csv").write_text(
        "ticket_id,customer_id,ticket_type,reported_at,resolved_at,closed_at,visit_count,labor_cost,person_days\n"
        "T1,C1,repair,1900-01-01 00:00,2100-12-31 23:59:59,2100-12-31 23:59:59,9223372036854775807,"
        "9999999999999999.99,9999999999999999.99\n"
        "T2,C2,repair,2100-12-31 23:59:59,,,0,0,0\n"
        "T3,C1,repair,1899-12-31 23:59:59,,,1,1,1\n"
        "T4,C1,repair,2024-01-01 00:00,,,9223372036854775808,1,1\n"
        "T5,C1,repair,2024-01-01 00:00,,,1,10000000000000000,1\n",
        encoding="utf-8",
    )
    (d / "quotes.csv").write_text(
        "quote_id,ticket_id,requested_at,sent_at,amount\nQ1,T1,1900-01-01 00:00,2100-12-31 23:59:59,9999999999999999.99\n",
        encoding="utf-8",
    )
    items = ",".join(i.id for i in SETTINGS.items)
    lo, hi = SETTINGS.scale_min, SETTINGS.scale_max
    (d / "surveys.csv").write_text(
        f"response_id,survey_type,customer_id,ticket_id,responded_at,overall,nps,{items}\n"
        f"R1,post_service,C1,T1,1900-01-01 00:00,{lo},0,{','.join([str(lo)] * len(SETTINGS.items))}\n"
        f"R2,periodic,C2,,2100-12-31 23:59:59,{hi},10,{','.join([str(hi)] * len(SETTINGS.items))}\n"
        f"R3,periodic,C2,,2024-01-01 00:00,{hi + 1},10,{','.join([str(hi)] * len(SETTINGS.items))}\n",
        encoding="utf-8",
    )
    (d / "complaints.csv").write_text(
        "complaint_id,customer_id,received_at,category,compensation\n"
        f"K1,C1,1900-01-01 00:00,{next(iter(_categories()))},9999999999999999.99\n",
        encoding="utf-8",
    )
    data = tmp_path / "data"
    result = ingest.run([d], SETTINGS, data)
    got = {f.file_name: (f.rows_accepted, f.rows_rejected) for f in result.files}
    assert got == {
        "complaints.csv": (1, 0),
        "customers.csv": (2, 0),
        "quotes.csv": (1, 0),
        "surveys.csv": (2, 1),
        "tickets.csv": (2, 3),
    }
    info = build(data, SETTINGS, dt.datetime(2101, 1, 1))  # raises BuildError when a data test fails
    assert info["counts"]["tickets"] == 2


def _categories():
    from pipelines.contract import enum_values

    return enum_values("complaint_category", SETTINGS)
