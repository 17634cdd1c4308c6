"""python -m dashboard.report: files written, and wrong usage (unknown or malformed quarter or month,
bad filter, no warehouse) is a message on stderr with exit 2, never a traceback."""

from __future__ import annotations

import subprocess
import sys

import openpyxl
import pytest

from pipelines.settings import ROOT
from tests.helpers import old_version_warehouse
from tests.report.conftest import MONTH


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dashboard.report", *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_monthly_writes_the_xlsx_from_the_data_directory(demo_data, tmp_path):
    out = tmp_path / "m.xlsx"
    done = cli("monthly", "--month", MONTH, "--out", str(out), "--lang", "en", "--data", str(demo_data))
    assert done.returncode == 0, done.stderr
    assert openpyxl.load_workbook(out).sheetnames[0] == "Summary"
    assert done.stderr == ""  # streamlit's "no runtime" warnings are silenced


def test_quarterly_writes_a_pdf_named_by_its_suffix(demo_data, tmp_path):
    out = tmp_path / "q.pdf"
    done = cli(
        "quarterly", "--quarter", "2026Q3", "--out", str(out), "--data", str(demo_data), "--filter", "region=华东"
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    "args, message",
    [
        (["quarterly", "--quarter", "2031Q1", "--format", "pdf"], "2031Q1"),
        (["quarterly", "--quarter", "2026Q5", "--format", "pptx"], "YYYYQn"),
        (["monthly", "--month", "2031-01"], "2031-01"),
        (["monthly", "--month", "Oct 2026"], "YYYY-MM"),
        (["monthly", "--month", MONTH, "--filter", "colour=red"], "DIM=VALUE"),
    ],
)
def test_wrong_usage_exits_2_with_a_message(demo_data, tmp_path, args, message):
    out = tmp_path / "x.out"
    done = cli(*args, "--out", str(out), "--lang", "en", "--data", str(demo_data))
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_no_warehouse_exits_2(tmp_path):
    done = cli("monthly", "--month", MONTH, "--out", str(tmp_path / "x.xlsx"), "--data", str(tmp_path / "none"))
    assert done.returncode == 2 and "warehouse.duckdb" in done.stderr and "Traceback" not in done.stderr


def test_a_warehouse_of_an_older_version_is_named_out_of_date(demo_data, tmp_path):
    # built before survey_item_cube existed: the report names what is missing and how to rebuild
    old = old_version_warehouse(demo_data, tmp_path / "old")
    done = cli("quarterly", "--quarter", "2026Q3", "--out", str(tmp_path / "q.pdf"), "--lang", "en", "--data", str(old))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "older version and lacks survey_item_cube" in done.stderr
    assert "python -m pipelines build" in done.stderr


def test_a_warehouse_lacking_a_column_is_named_out_of_date(demo_data, tmp_path):
    # built before service_costs_monthly had transport_cost: DuckDB's reason names the column
    old = old_version_warehouse(
        demo_data, tmp_path / "old", "alter table service_costs_monthly drop column transport_cost"
    )
    out = tmp_path / "m.xlsx"
    done = cli("monthly", "--month", MONTH, "--out", str(out), "--lang", "en", "--data", str(old))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"the warehouse at {old / 'warehouse.duckdb'} does not match this version (" in done.stderr
    assert '"transport_cost"' in done.stderr
    assert "python -m pipelines build" in done.stderr
    assert not out.exists()
