"""pipelines.generate: deterministic synthetic exports in the SPEC §3 source formats."""

from __future__ import annotations

import csv
import hashlib
import io
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook

from pipelines.contract import columns
from pipelines.generate import generate
from pipelines.settings import DEFAULT_SETTINGS, load_settings

ROOT = Path(__file__).resolve().parents[2]
CSV_FILES = ["customers.csv", "tickets.csv", "quotes.csv", "surveys.csv", "complaints.csv"]
DEMO_FILES = ["customers.csv", "tickets.csv", "quotes.csv", "surveys.xlsx", "客诉.csv"]
# SHA-256 of the generator's output for 2,000 tickets, seed 13, the default settings, csv then demo
# (see test_output_for_a_seed_matches_the_pinned_digest): computed by running that test's hashing on
# the generator and pasting the hex digest here. The XLSX bytes depend on openpyxl writing with lxml,
# which requirements.txt pins.
PINNED_DIGEST = "d524dd42a3d0ae098428b1f1ed87f3d4d9298e6a975cf719d14c94ca604ed921"


@pytest.fixture(scope="module")
def settings():
    return load_settings()


@pytest.fixture(scope="module")
def demo(tmp_path_factory, settings) -> Path:
    out = tmp_path_factory.mktemp("demo")
    generate(out, tickets=600, seed=3, settings=settings)
    return out


def _csv_rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode(encoding))))


def test_same_seed_gives_byte_identical_files(tmp_path, demo, settings):
    generate(tmp_path / "again", tickets=600, seed=3, settings=settings)
    for name in DEMO_FILES:
        assert (tmp_path / "again" / name).read_bytes() == (demo / name).read_bytes(), name
    generate(tmp_path / "a", tickets=500, seed=5, settings=settings, formats="csv")
    generate(tmp_path / "b", tickets=500, seed=5, settings=settings, formats="csv")
    for name in CSV_FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_output_for_a_seed_matches_the_pinned_digest(tmp_path):
    """Any change to what the generator writes for a seed, in either format, changes this digest."""
    digest = hashlib.sha256()
    for formats in ("csv", "demo"):
        out = tmp_path / formats
        generate(out, tickets=2000, seed=13, settings=load_settings(DEFAULT_SETTINGS), formats=formats)
        for path in sorted(out.iterdir(), key=lambda p: p.name):
            digest.update(f"{formats}/{path.name}".encode())
            digest.update(path.read_bytes())
    assert digest.hexdigest() == PINNED_DIGEST


def test_other_seed_gives_other_data(tmp_path, settings):
    generate(tmp_path / "a", tickets=300, seed=1, settings=settings, formats="csv")
    generate(tmp_path / "b", tickets=300, seed=2, settings=settings, formats="csv")
    assert (tmp_path / "a" / "tickets.csv").read_bytes() != (tmp_path / "b" / "tickets.csv").read_bytes()


def test_demo_writes_the_five_sources_in_their_formats(demo):
    assert sorted(p.name for p in demo.iterdir()) == sorted(DEMO_FILES)
    assert (demo / "customers.csv").read_bytes().startswith(b"\xef\xbb\xbfcustomer_id,")
    assert not (demo / "tickets.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert _csv_rows(demo / "tickets.csv")[0][0] == "工单号"
    assert _csv_rows(demo / "quotes.csv")[0][0] == "quote_id"


def test_gbk_file_really_is_gbk(demo):
    raw = (demo / "客诉.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    header = raw.decode("gbk").splitlines()[0].split(",")
    assert header[:3] == ["投诉编号", "客户编号", "受理时间"]


def test_xlsx_sheet_is_named_by_source_and_holds_date_cells(demo):
    wb = load_workbook(demo / "surveys.xlsx")
    assert wb.sheetnames == ["满意度调查"]
    rows = list(wb["满意度调查"].iter_rows())
    header = [c.value for c in rows[0]]
    responded = [r[header.index("回复时间")] for r in rows[1:]]
    assert responded and all(c.is_date and isinstance(c.value, datetime) for c in responded)


def test_csv_mode_writes_exactly_the_requested_tickets_with_contract_headers(tmp_path, settings):
    counts = generate(tmp_path, tickets=1234, seed=9, settings=settings, formats="csv")
    assert counts["tickets"] == 1234
    con = duckdb.connect()
    assert con.execute(f"select count(*) from read_csv('{tmp_path / 'tickets.csv'}')").fetchall() == [(1234,)]
    for source in counts:
        header = _csv_rows(tmp_path / f"{source}.csv")[0]
        assert header == [c.name for c in columns(source, settings)], source
        assert len(_csv_rows(tmp_path / f"{source}.csv")) - 1 == counts[source], source
    assert counts["customers"] >= 50 and counts["complaints"] > 0 and counts["quotes"] > 0


def test_demo_holds_the_documented_bad_rows(demo, settings):
    tickets = _csv_rows(demo / "tickets.csv")
    text = (demo / "tickets.csv").read_text(encoding="utf-8")
    assert "退换货" in text and "-280.00" in text and "2025/02/30 09:15" in text and "C99999" in text
    ids = [r[0] for r in tickets[1:]]
    assert len(ids) - len(set(ids)) == 1  # one ticket re-exported
    assert "特急" in (demo / "客诉.csv").read_bytes().decode("gbk")
    customers = _csv_rows(demo / "customers.csv", "utf-8-sig")
    assert sum(1 for r in customers[1:] if r[1] == "") == 1
    ws = load_workbook(demo / "surveys.xlsx")["满意度调查"]
    scores = [c.value for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, int)]
    assert settings.scale_max + 2 in scores


def test_slipping_centre_repairs_on_time_drop_in_2026q3(tmp_path, settings):
    generate(tmp_path, tickets=30_000, seed=7, settings=settings, formats="csv")
    on_time = """
        select avg(case when resolved_at <= coalesce(promised_at, reported_at + interval 48 hour)
                        then 1 else 0 end)
        from read_csv(?)
        where service_center = '武汉服务站' and ticket_type = 'repair' and status <> 'cancelled'
          and reported_at >= ? and reported_at < ?
    """
    con = duckdb.connect()
    path = str(tmp_path / "tickets.csv")
    share_2025 = con.execute(on_time, [path, "2025-01-01", "2026-01-01"]).fetchall()[0][0]
    share_q3 = con.execute(on_time, [path, "2026-07-01", "2026-10-01"]).fetchall()[0][0]
    assert share_2025 > 0.92
    assert share_q3 < share_2025 - 0.10


def test_committed_sample_data_is_what_the_generator_writes(tmp_path, settings):
    sample = ROOT / "sample_data"
    if not (sample / "tickets.csv").exists():
        pytest.skip("sample_data/ not generated")
    generate(tmp_path, tickets=3000, seed=7, settings=settings)
    for name in DEMO_FILES:
        if name.endswith(".xlsx"):  # the XML bytes depend on whether openpyxl writes with lxml
            assert _cells(tmp_path / name) == _cells(sample / name), name
        else:
            assert (tmp_path / name).read_bytes() == (sample / name).read_bytes(), name


def _cells(path):
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
