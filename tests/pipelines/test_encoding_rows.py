"""SPEC §3: an undecodable byte sequence rejects the row that holds it, naming its field and showing the
bad bytes as hex; the other rows load with their own row numbers. A file most of whose lines do not
decode is refused whole with one line naming the encodings tried; a UTF-16 file is read."""

import pytest

from pipelines import ingest
from pipelines.settings import load_settings
from tests.pipelines.test_damaged import refused
from tests.pipelines.test_ingest import landed, rejects

SETTINGS = load_settings()
HEADER = b"ticket_id,customer_id,ticket_type,reported_at,visit_count\n"


def row(n: int, customer: bytes = b"C1", reported: bytes = b"2026-10-05 10:00") -> bytes:
    return b"T%d,%s,repair,%s,1\n" % (n, customer, reported)


def summary(result) -> tuple:
    (f,) = result.files
    return f.status, f.encoding, f.rows_read, f.rows_accepted, f.rows_rejected, f.top_reasons


def test_an_invalid_utf8_sequence_rejects_its_row_and_names_its_field(tmp_path):
    f = tmp_path / "tickets.csv"
    f.write_bytes(HEADER + row(1) + row(2) + row(3, b"C\xff\xfe1") + row(4) + row(5))
    checked = ingest.run([f], SETTINGS, tmp_path / "checked", commit=False)
    result = ingest.run([f], SETTINGS, tmp_path / "data")
    assert summary(result) == (
        "loaded",
        "utf-8",
        5,
        4,
        1,
        [("bytes not valid in UTF-8, e.g. row 3 customer_id 'C\\xff\\xfe1'", 1)],
    )
    assert summary(checked)[1:] == summary(result)[1:]  # check and load agree
    assert rejects(tmp_path / "data") == [(3, None, "customer_id", "C\\xff\\xfe1", "bytes not valid in UTF-8: ff fe")]
    assert landed(tmp_path / "data", "tickets", "ticket_id, _row_number") == [
        ("T1", 1),
        ("T2", 2),
        ("T4", 4),
        ("T5", 5),
    ]


def test_rows_after_an_undecodable_one_keep_their_numbers_for_every_later_flaw(tmp_path):
    f = tmp_path / "tickets.csv"
    f.write_bytes(
        HEADER
        + row(1)
        + row(2, b"C\x80")
        + row(3)
        + b"T4,C1,repair\n"  # too few fields
        + row(5, reported=b"yesterday")
        + row(6)
    )
    result = ingest.run([f], SETTINGS, tmp_path / "data")
    assert summary(result)[:5] == ("loaded", "utf-8", 6, 3, 3)
    assert [r[:3] + r[4:] for r in rejects(tmp_path / "data")] == [
        (2, None, "customer_id", "bytes not valid in UTF-8: 80"),
        (4, None, None, "malformed CSV line: Expected Number of Columns: 5 Found: 3"),
        (
            5,
            "T5",
            "reported_at",
            "not a timestamp; expected YYYY-MM-DD[ HH:MM[:SS]], YYYY/MM/DD HH:MM[:SS] or ISO 8601",
        ),
    ]
    assert landed(tmp_path / "data", "tickets", "ticket_id, _row_number") == [("T1", 1), ("T3", 3), ("T6", 6)]


def test_an_invalid_utf8_sequence_beyond_the_detected_head_rejects_its_row(tmp_path):
    # the first 64 KiB decode as UTF-8: DuckDB's reader finds the bad line, which is then told by a scan
    f = tmp_path / "tickets.csv"
    f.write_bytes(HEADER + b"".join(row(n) for n in range(1, 3001)) + row(3001, b"C\xc3(") + row(3002))
    assert f.stat().st_size > 1 << 16
    result = ingest.run([f], SETTINGS, tmp_path / "data")
    assert summary(result)[:5] == ("loaded", "utf-8", 3002, 3001, 1)
    assert rejects(tmp_path / "data") == [(3001, None, "customer_id", "C\\xc3(", "bytes not valid in UTF-8: c3")]
    assert landed(tmp_path / "data", "tickets", "ticket_id, _row_number", "_row_number > 2999") == [
        ("T3000", 3000),
        ("T3002", 3002),
    ]


def test_a_gbk_file_with_one_sequence_invalid_in_gbk_rejects_that_row(tmp_path):
    names = ["华东机械", "华南重工", "西北电力", "东北钢铁", "西南化工"]
    lines = [f"C{i},{name}\n".encode("gbk") for i, name in enumerate(names, 1)]
    lines[3] = "C4,东北".encode("gbk") + b"\x80\xff" + "钢铁\n".encode("gbk")
    f = tmp_path / "customers.csv"
    f.write_bytes("客户编号,客户名称\n".encode("gbk") + b"".join(lines))
    checked = ingest.run([f], SETTINGS, tmp_path / "checked", commit=False)
    result = ingest.run([f], SETTINGS, tmp_path / "data")
    assert summary(result) == (
        "loaded",
        "gbk",
        5,
        4,
        1,
        [("bytes not valid in GBK, e.g. row 4 customer_name '东北\\x80\\xff钢铁'", 1)],
    )
    assert summary(checked)[1:] == summary(result)[1:]
    assert rejects(tmp_path / "data") == [
        (4, None, "customer_name", "东北\\x80\\xff钢铁", "bytes not valid in GBK: 80 ff")
    ]
    assert landed(tmp_path / "data", "customers", "customer_name, _row_number") == [
        ("华东机械", 1),
        ("华南重工", 2),
        ("西北电力", 3),
        ("西南化工", 5),
    ]


def test_excels_unicode_text_export_utf16_with_tabs_is_read(tmp_path):
    # Excel's "Unicode Text (*.txt)": UTF-16 LE with a byte-order mark, tab-separated, CR LF
    f = tmp_path / "工单.txt"
    text = "工单号\t客户编号\t服务类型\t报修时间\t上门次数\r\nT1\t华东机械\trepair\t2026-10-05 10:00\t1\r\nT2\tC2\trepair\t2026-10-06 11:30\tx\r\n"
    f.write_bytes(text.encode("utf-16"))
    result = ingest.run([f], SETTINGS, tmp_path / "data")
    assert summary(result)[:5] == ("loaded", "utf-16", 2, 1, 1)
    assert landed(tmp_path / "data", "tickets", "ticket_id, customer_id, visit_count") == [("T1", "华东机械", 1)]
    assert [(r[0], r[1], r[2]) for r in rejects(tmp_path / "data")] == [(2, "T2", "visit_count")]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_utf16_file_without_a_byte_order_mark_is_told_by_its_nul_bytes(tmp_path, codec):
    f = tmp_path / "tickets.csv"
    f.write_bytes((HEADER + row(1) + row(2)).decode().encode(codec))
    result = ingest.run([f], SETTINGS, tmp_path / "data")
    assert summary(result)[:5] == ("loaded", codec, 2, 2, 0)
    assert landed(tmp_path / "data", "tickets", "ticket_id") == [("T1",), ("T2",)]


def test_a_file_most_of_whose_lines_do_not_decode_is_refused_naming_both_encodings(tmp_path):
    f = tmp_path / "tickets.csv"
    f.write_bytes(HEADER + row(1) + b"\xff\xfe\xfd,x\n" * 10)
    assert refused(tmp_path, f) == (
        "not valid UTF-8 (byte 0xff at line 3) nor GBK (byte 0xff at line 3): 10 of 12 lines do not decode"
    )


def test_a_forced_encoding_is_the_only_one_named(tmp_path):
    f = tmp_path / "tickets.csv"
    f.write_bytes(HEADER + b"\xff\xfe\xfd,x\n" * 10)
    assert (
        refused(tmp_path, f, encoding="utf-8") == "not valid UTF-8 (byte 0xff at line 2): 10 of 11 lines do not decode"
    )


def test_an_undecodable_header_refuses_the_file(tmp_path):
    f = tmp_path / "tickets.csv"
    f.write_bytes(b"ticket_id,customer_\xffid,ticket_type,reported_at,visit_count\n" + row(1) + row(2))
    assert refused(tmp_path, f) == "line 1, at or above the header, is not valid UTF-8 (byte 0xff)"
