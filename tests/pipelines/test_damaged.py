"""SPEC §3: a file that cannot be read at all is refused with a one-line reason (never a traceback),
one family of reader errors per test; width limits are checked before any row is parsed."""

import time
import zipfile
import zlib

import duckdb
import openpyxl
import pytest

from pipelines import cli, ingest, workbook
from pipelines.settings import load_settings

SETTINGS = load_settings()
HEADER = "ticket_id,customer_id,ticket_type,reported_at,visit_count\n"
ROW = "T1,C1,repair,2024-11-01 08:00,1\n"


def refused(tmp_path, path, **kw) -> str:
    """The one-line reason `path` is refused with; the landing store is left untouched."""
    result = ingest.run([path], SETTINGS, tmp_path / "data", **kw)
    (f,) = result.files
    assert (f.status, result.committed, result.exit_code) == ("refused", False, 1)
    assert "\n" not in f.message and "Traceback" not in f.message
    assert not (tmp_path / "data" / "landing" / "batches").exists()
    return f.message


def good_workbook(path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "tickets"
    ws.append(HEADER.strip().split(","))
    ws.append(ROW.strip().split(","))
    wb.save(path)
    return path


def test_a_truncated_workbook_is_refused_in_one_line(tmp_path):
    whole = good_workbook(tmp_path / "whole.xlsx").read_bytes()
    (tmp_path / "tickets.xlsx").write_bytes(whole[: len(whole) // 2])
    message = refused(tmp_path, tmp_path / "tickets.xlsx")
    assert message.startswith("not a readable workbook: ") and "Zip" in message


def test_a_workbook_with_damaged_sheet_xml_is_refused_in_one_line(tmp_path):
    good = zipfile.ZipFile(good_workbook(tmp_path / "whole.xlsx"))
    with zipfile.ZipFile(tmp_path / "tickets.xlsx", "w") as out:
        for info in good.infolist():
            body = good.read(info.filename)
            out.writestr(info, body[: len(body) // 2] if "sheet1" in info.filename else body)
    message = refused(tmp_path, tmp_path / "tickets.xlsx")
    assert message.startswith("not a readable workbook: sheet 'tickets': ") and "xml" in message.lower()


def test_a_workbook_with_a_cell_in_column_xfd_is_refused_for_its_width(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "tickets"
    ws.append(HEADER.strip().split(","))
    ws["XFD2"] = "x"
    wb.save(tmp_path / "tickets.xlsx")
    assert refused(tmp_path, tmp_path / "tickets.xlsx") == (
        "not a readable workbook: sheet 'tickets' has 16,384 columns: over 1,000 columns"
    )


def test_any_error_a_reader_raises_is_a_refusal_naming_it(tmp_path, monkeypatch):
    def broken(path):
        raise zlib.error("Error -3 while decompressing data: invalid distance too far back")

    monkeypatch.setattr(workbook, "sheets", broken)
    good_workbook(tmp_path / "tickets.xlsx")
    assert refused(tmp_path, tmp_path / "tickets.xlsx") == (
        "cannot read the file (error: Error -3 while decompressing data: invalid distance too far back)"
    )


def test_a_damaged_parquet_file_is_refused_in_one_line(tmp_path):
    (tmp_path / "tickets.parquet").write_bytes(b"PAR1" + b"\0" * 100 + b"PAR1")
    message = refused(tmp_path, tmp_path / "tickets.parquet")
    assert message.startswith("not a readable Parquet file: ") and "LINE 1" not in message


def test_a_parquet_file_over_1000_columns_is_refused_for_its_width(tmp_path):
    con = duckdb.connect()
    extra = ", ".join(f"1 as x{i}" for i in range(1000))
    con.execute(f"copy (select 'T1' as ticket_id, {extra}) to '{tmp_path / 'tickets.parquet'}'")
    assert refused(tmp_path, tmp_path / "tickets.parquet") == "1,001 columns: over 1,000 columns"


def test_nested_parquet_columns_are_ignored_like_any_unknown_column(tmp_path):
    con = duckdb.connect()
    con.execute(
        "copy (select 'T1' as ticket_id, 'C1' as customer_id, 'repair' as ticket_type, '2024-11-01 08:00' as "
        f"reported_at, {{'a': 1, 'b': [1, 2]}} as extra, [1, 2] as list, map([1], [2]) as m) to '{tmp_path / 'tickets.parquet'}'"
    )
    (f,) = ingest.run([tmp_path / "tickets.parquet"], SETTINGS, tmp_path / "data").files
    assert (f.status, f.rows_read, f.rows_accepted) == ("loaded", 1, 1)


def test_a_csv_line_over_1_mib_is_refused(tmp_path):
    f = tmp_path / "tickets.csv"
    f.write_text(HEADER + ROW + 'T2,C1,repair,2024-11-01 08:00,"' + "y" * (1 << 20) + '"\n', encoding="utf-8")
    assert refused(tmp_path, f) == "line 3 is longer than 1 MiB (1,048,608 bytes)"


def test_a_csv_line_of_20000_fields_is_refused_fast(tmp_path):
    f = tmp_path / "tickets.csv"
    f.write_text(HEADER + ROW + "T2,C1,repair,2024-11-01 08:00,1" + ",x" * 20000 + "\n", encoding="utf-8")
    started = time.monotonic()
    assert refused(tmp_path, f) == "line 3 has 20,005 fields: over 1,000 columns"
    assert time.monotonic() - started < 5  # DuckDB's parser alone took over a minute


def test_a_csv_header_longer_than_pythons_field_limit_is_read(tmp_path):
    f = tmp_path / "tickets.csv"
    f.write_text(HEADER.strip() + "," + "h" * 140_000 + "\n" + ROW.strip() + ",\n", encoding="utf-8")
    (r,) = ingest.run([f], SETTINGS, tmp_path / "data").files
    assert (r.status, r.rows_read, r.rows_accepted) == ("loaded", 1, 1)


def test_an_unknown_encoding_is_refused_naming_it(tmp_path):
    f = tmp_path / "tickets.csv"
    f.write_text(HEADER + ROW, encoding="utf-8")
    assert refused(tmp_path, f, encoding="klingon").startswith("cannot decode as klingon: ")


@pytest.mark.parametrize("command", ["check", "load"])
def test_the_cli_refuses_a_damaged_file_with_exit_1_and_one_line(tmp_path, capsys, command, monkeypatch):
    monkeypatch.setenv("AFTERSALES_DATA", str(tmp_path / "data"))
    (tmp_path / "tickets.xlsx").write_bytes(b"PK\x03\x04 not a zip")
    assert cli.main([command, str(tmp_path / "tickets.xlsx")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("tickets.xlsx [?]: REFUSED — not a readable workbook: ")
    assert out[1] == f"{command} refused: nothing of this load was written"


def test_mixed_line_ends_are_read_as_line_ends(tmp_path):
    f = tmp_path / "tickets.csv"
    f.write_bytes(
        HEADER.strip().encode() + b"\r\n" + b"T1,C1,repair,2024-11-01 08:00,1\nT2,C1,repair,2024-11-01 08:00,2\r"
    )
    (r,) = ingest.run([f], SETTINGS, tmp_path / "data").files
    assert (r.status, r.rows_read, r.rows_accepted) == ("loaded", 2, 2)


def test_a_malformed_line_keeps_its_raw_text_cut_at_1_kib(tmp_path):
    f = tmp_path / "tickets.csv"
    long = "T3,C1,repair,2024-11-01 08:00,1,工" + "x" * 2000
    f.write_text(HEADER + ROW + "T2,C1,repair\n" + long + "\n", encoding="utf-8")
    (r,) = ingest.run([f], SETTINGS, tmp_path / "data").files
    assert (r.rows_read, r.rows_accepted, r.rows_rejected) == (3, 1, 2)
    batch = next((tmp_path / "data" / "landing" / "batches").iterdir())
    got = duckdb.connect().execute(
        "select row_number, value, reason from read_parquet(?) order by 1", [str(batch / "rejects.parquet")]
    )
    cut = "T3,C1,repair,2024-11-01 08:00,1,工" + "x" * 989  # 32 + 3 + 989 = 1024 bytes
    assert got.fetchall() == [
        (2, "T2,C1,repair", "malformed CSV line: Expected Number of Columns: 5 Found: 3"),
        (3, cut, "malformed CSV line: Expected Number of Columns: 5 Found: 6"),
    ]
    assert len(cut.encode()) == 1024
