"""Benchmark of the management reports on a warehouse (the 1M-ticket one in `make bench`).

Each report is made by the command line in a process of its own, as a user would run it, and timed
wall-clock: imports, queries, Chromium for the charts, rendering and writing the file. The periods
are the latest quarter and month that are complete at the warehouse's as-of time.
Target: the quarterly PDF in ≤ 10 s.

    python -m bench.reports [DATA_DIR]      (default: bench/out/run_1000000/data)
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "reports"
TARGET_PDF_SECONDS = 10.0


def latest_complete(as_of) -> tuple[str, str]:
    """The latest quarter ('2026Q3') and month ('2026-10') that ended by `as_of`."""
    month = date(as_of.year, as_of.month, 1)  # the as-of month has not ended (unless as_of is its very end)
    last = date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)
    q_last_month = ((last.month - 1) // 3) * 3 + 3  # last month of the quarter holding `last`
    year, quarter = last.year, (last.month - 1) // 3 + 1
    if q_last_month != last.month:  # that quarter is not over: the one before it
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    return f"{year}Q{quarter}", last.strftime("%Y-%m")


def as_of(data: Path):
    con = duckdb.connect()
    try:
        con.execute("attach ? as wh (read_only)", [str(data / "warehouse.duckdb")])
        return con.execute("select as_of from wh.meta_build").fetchone()[0]
    finally:
        con.close()


def _time(args: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "dashboard.report", *args], cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"bench.reports: {' '.join(args)} failed:\n{done.stderr}")
    out = Path(args[args.index("--out") + 1])
    return seconds, out.stat().st_size


def run(data: Path) -> dict:
    """Time the quarterly PDF, the quarterly PPTX and the monthly XLSX on the warehouse in `data`."""
    data = Path(data)
    quarter, month = latest_complete(as_of(data))
    OUT.mkdir(parents=True, exist_ok=True)
    jobs = [
        (
            "quarterly PDF",
            quarter,
            ["quarterly", "--quarter", quarter, "--format", "pdf", "--out", str(OUT / f"quarterly_{quarter}.pdf")],
        ),
        (
            "quarterly PPTX",
            quarter,
            ["quarterly", "--quarter", quarter, "--format", "pptx", "--out", str(OUT / f"quarterly_{quarter}.pptx")],
        ),
        ("monthly XLSX", month, ["monthly", "--month", month, "--out", str(OUT / f"monthly_{month}.xlsx")]),
    ]
    results = {}
    print(f"\nReports on {data} (as of {as_of(data):%Y-%m-%d %H:%M}), each a fresh `python -m dashboard.report`:")
    print("| report | period | seconds | file KiB |")
    print("| --- | --- | ---: | ---: |")
    for name, period, args in jobs:
        seconds, size = _time([*args, "--data", str(data)])
        results[name] = seconds
        print(f"| {name} | {period} | {seconds:.2f} | {size / 1024:,.0f} |")
    pdf = results["quarterly PDF"]
    print(
        f"\nquarterly PDF = {pdf:.2f} s (target ≤ {TARGET_PDF_SECONDS:g}): "
        f"{'met' if pdf <= TARGET_PDF_SECONDS else 'MISSED'}"
    )
    return results


if __name__ == "__main__":
    run(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "bench" / "out" / "run_1000000" / "data")
