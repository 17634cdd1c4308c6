"""`make bench`: load and build at 100k and 1M tickets against the DuckDB floor (issue targets).

The 1M set loads its quotes as an XLSX workbook, as an ERP exports them, and its other sources as
CSV; the workbook is written here once with XlsxWriter (not measured).
Every figure is measured in this run, each step in its own process so that its peak RSS is its own:
- floor: DuckDB reading the same CSV files and writing them as Parquet, and fastexcel reading the
  workbook into Arrow and pyarrow writing it as Parquet;
- load: `python -m pipelines load DIR --no-build` into an empty data directory;
- build: `python -m pipelines build --as-of …`, the first build in that data directory, then a
  rebuild. dbt's parsed project is removed from the installation (sql/target) before the run: the
  100k build parses the project from scratch, as the first build after installing does; the 1M
  build, in a new data directory, reuses the project the 100k build parsed, as every later build does.
The targets are judged on the first build; the rebuild is printed beside it. Beside them, the dbt
floor: the least dbt build (bench/baseline/dbt_one) in a fresh process, which every build pays.
The workbook check: `python -m pipelines check` of a 240,000-row quotes workbook (a year of an
ERP's quotes: the 1M set's quotes, about 68,000, repeated under new quote ids) against fastexcel
reading the same workbook into Arrow, each in a fresh process, best of three (`python -m bench
workbook` runs this part alone).
Targets: (load + build) ≤ 5 × floor at 1M, peak RSS ≤ 2 GiB, 1M time ≤ 11 × the 100k time, the
workbook check ≤ 3 × fastexcel's read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from pipelines.build import PARSED, SHARED_TARGET

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
AS_OF = "2026-11-01 00:00:00"
FLOOR = """
import sys, duckdb, pathlib
src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
dst.mkdir(parents=True, exist_ok=True)
con = duckdb.connect()
for f in sorted(src.glob('*.csv')):
    con.execute("copy (select * from read_csv(?)) to ? (format parquet)", [str(f), str(dst / (f.stem + ".parquet"))])
books = sorted(src.glob('*.xlsx'))
if books:
    import fastexcel, pyarrow, pyarrow.parquet
    for f in books:
        table = pyarrow.Table.from_batches([fastexcel.read_excel(str(f)).load_sheet(0).to_arrow()])
        pyarrow.parquet.write_table(table, str(dst / (f.stem + ".parquet")))
"""
# fastexcel reading a workbook's first sheet into Arrow: the floor of the workbook check
READ_BOOK = """
import sys, fastexcel
fastexcel.read_excel(sys.argv[1]).load_sheet(0).to_arrow()
"""
BOOK_TICKETS = 1_000_000  # the set whose quotes load as a workbook
BOOK_SOURCE = "quotes"
CHECK_ROWS = 240_000  # rows of the workbook the check is timed on


DBT_FLOOR = """
import sys
from dbt.cli.main import dbtRunner
project, target = sys.argv[1], sys.argv[2]
res = dbtRunner().invoke(["build", "--project-dir", project, "--profiles-dir", project, "--target-path", target,
                          "--log-path", target, "--log-level", "none", "--partial-parse"])
sys.exit(0 if res.success else 1)
"""


def run_rss(cmd: list[str], env: dict | None = None) -> tuple[float, float, str]:
    """(seconds, peak RSS MiB, output) of one command, measured with wait4 on its pid."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        env={**os.environ, "DO_NOT_TRACK": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    out = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench: {' '.join(cmd)} failed:\n{out}")
    return seconds, usage.ru_maxrss / 1024, out


def dataset(tickets: int) -> Path:
    """Generated CSV exports for a ticket count (kept between runs: generation is deterministic)."""
    d = OUT / f"src_{tickets}"
    if not (d / ".done").exists():
        shutil.rmtree(d, ignore_errors=True)
        run_rss(
            [
                PY,
                "-m",
                "pipelines",
                "generate",
                "--out",
                str(d),
                "--tickets",
                str(tickets),
                "--seed",
                "11",
                "--format",
                "csv",
            ]
        )
        (d / ".done").touch()
    return d


def workbook_set(tickets: int) -> Path:
    """The generated exports with the quotes as an XLSX workbook (sheet quotes, date cells, amounts
    as numbers) beside the other CSV files (links to them); written once, kept between runs."""
    src = dataset(tickets)
    d = OUT / f"src_{tickets}_xlsx"
    if (d / ".done").exists():
        return d
    shutil.rmtree(d, ignore_errors=True)
    d.mkdir(parents=True)
    for f in src.glob("*.csv"):
        if f.stem != BOOK_SOURCE:
            (d / f.name).symlink_to(f)
    _write_workbook(src / f"{BOOK_SOURCE}.csv", d / f"{BOOK_SOURCE}.xlsx")
    (d / ".done").touch()
    return d


def _write_workbook(csv_path: Path, out: Path, rows: int | None = None) -> None:
    """Write a quotes CSV file as a workbook; with `rows`, its rows repeated up to that many, the
    repeats' quote ids suffixed -2, -3, … so that every row stays a quote of its own."""
    import datetime as dt

    import pyarrow.csv as pacsv
    import xlsxwriter

    table = pacsv.read_csv(csv_path)
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    sheet = book.add_worksheet(BOOK_SOURCE)
    when = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    sheet.write_row(0, 0, table.column_names)
    records = list(zip(*(table.column(i).to_pylist() for i in range(table.num_columns)), strict=True))
    key = table.column_names.index("quote_id")
    for r in range(rows or len(records)):
        row = list(records[r % len(records)])
        if r >= len(records):
            row[key] = f"{row[key]}-{r // len(records) + 1}"
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r + 1, c, value, when)
            elif isinstance(value, (int, float)):
                sheet.write_number(r + 1, c, value)
            else:
                sheet.write_string(r + 1, c, str(value))
    book.close()


def check_book() -> Path:
    """The workbook the check is timed on (module doc); written once, kept between runs."""
    out = OUT / f"{BOOK_SOURCE}_{CHECK_ROWS}.xlsx"
    if not out.exists():
        tmp = out.with_suffix(".tmp.xlsx")
        _write_workbook(dataset(BOOK_TICKETS) / f"{BOOK_SOURCE}.csv", tmp, CHECK_ROWS)
        tmp.rename(out)
    return out


def _input_rows(src: Path) -> int:
    """Data rows of a set's inputs: CSV lines less the header, workbook rows less the header."""
    rows = sum(max(0, sum(1 for _ in open(f, "rb")) - 1) for f in src.glob("*.csv"))
    if any(src.glob("*.xlsx")):
        import fastexcel

        rows += sum(fastexcel.read_excel(str(f)).load_sheet(0).height for f in src.glob("*.xlsx"))
    return rows


def workbook_check(runs: int = 3) -> dict:
    """Seconds of `check` on the quotes workbook and of fastexcel reading it into Arrow, each in a
    fresh process, best of `runs`."""
    book = check_book()
    check = min(run_rss([PY, "-m", "pipelines", "check", str(book)])[0] for _ in range(runs))
    floor = min(run_rss([PY, "-c", READ_BOOK, str(book)])[0] for _ in range(runs))
    out = run_rss([PY, "-m", "pipelines", "check", str(book)])[2]
    import fastexcel

    sheet = fastexcel.read_excel(str(book)).load_sheet(0)
    return {
        "rows": sheet.height,
        "columns": sheet.width,
        "mib": book.stat().st_size / 2**20,
        "check": check,
        "floor": floor,
        "output": out.strip().splitlines()[0],
    }


def print_workbook(w: dict) -> None:
    ratio = w["check"] / w["floor"]
    print(
        f"quotes workbook ({w['rows']:,} rows × {w['columns']} columns, {w['mib']:.1f} MiB): "
        f"check {w['check']:.2f} s, fastexcel → Arrow {w['floor']:.2f} s (best of 3, fresh processes)"
    )
    print(f"workbook check / fastexcel read = {ratio:.2f} (target ≤ 3): {'met' if ratio <= 3 else 'MISSED'}")
    print(f"  check printed: {w['output']}")


def measure(tickets: int) -> dict:
    src = workbook_set(tickets) if tickets == BOOK_TICKETS else dataset(tickets)
    rows = _input_rows(src)
    size = sum(f.stat().st_size for f in src.glob("*.csv")) / 2**20
    book = sum(f.stat().st_size for f in src.glob("*.xlsx")) / 2**20
    work = OUT / f"run_{tickets}"
    shutil.rmtree(work, ignore_errors=True)
    floor_s, floor_rss, _ = run_rss([PY, "-c", FLOOR, str(src), str(work / "floor")])
    data = work / "data"
    load_s, load_rss, _ = run_rss([PY, "-m", "pipelines", "load", str(src), "--no-build", "--data", str(data)])
    build_s, build_rss, _ = run_rss([PY, "-m", "pipelines", "build", "--as-of", AS_OF, "--data", str(data)])
    rebuild_s, rebuild_rss, _ = run_rss([PY, "-m", "pipelines", "build", "--as-of", AS_OF, "--data", str(data)])
    return {
        "tickets": tickets,
        "rows": rows,
        "mib": size,
        "xlsx_mib": book,
        "floor": floor_s,
        "load": load_s,
        "build": build_s,
        "rebuild": rebuild_s,
        "load_rss": load_rss,
        "build_rss": max(build_rss, rebuild_rss),
        "floor_rss": floor_rss,
        "data": data,
    }


def dbt_floor() -> tuple[float, float]:
    """Seconds of the least dbt build (bench/baseline/dbt_one: one model, one test) in a fresh
    process: the first (dbt parses the project) and the second (it reuses the parsed project)."""
    work = OUT / "dbt_floor"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    cmd = [PY, "-c", DBT_FLOOR, str(ROOT / "bench" / "baseline" / "dbt_one"), str(work / "target")]
    env = {"BENCH_DBT_DB": str(work / "one.duckdb")}
    first, _, _ = run_rss(cmd, env)
    again, _, _ = run_rss(cmd, env)
    return first, again


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    OUT.mkdir(parents=True, exist_ok=True)
    if argv == ["workbook"]:  # the workbook check alone
        print_workbook(workbook_check())
        return 0
    if argv:
        sys.exit("usage: python -m bench [workbook]")
    # the first build of the run parses the dbt project (module doc)
    (SHARED_TARGET / PARSED).unlink(missing_ok=True)
    results = [measure(n) for n in (100_000, 1_000_000)]
    dbt_first, dbt_again = dbt_floor()
    book = workbook_check()
    print(
        "| tickets | input rows | CSV MiB | XLSX MiB | floor s | load s | build s | (load+build)/floor | "
        "rebuild s | (load+rebuild)/floor | load peak RSS MiB | build peak RSS MiB |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        ratio = (r["load"] + r["build"]) / r["floor"]
        again = (r["load"] + r["rebuild"]) / r["floor"]
        print(
            f"| {r['tickets']:,} | {r['rows']:,} | {r['mib']:.0f} | {r['xlsx_mib']:.0f} | {r['floor']:.2f} | "
            f"{r['load']:.2f} | {r['build']:.2f} | {ratio:.2f} | {r['rebuild']:.2f} | {again:.2f} | "
            f"{r['load_rss']:.0f} | {r['build_rss']:.0f} |"
        )
    small, big = results
    growth = (big["load"] + big["build"]) / (small["load"] + small["build"])
    ratio = (big["load"] + big["build"]) / big["floor"]
    peak = max(big["load_rss"], big["build_rss"])
    print(f"\n1M (load+build)/floor = {ratio:.2f} (target ≤ 5): {'met' if ratio <= 5 else 'MISSED'}")
    print(f"1M peak RSS = {peak:.0f} MiB (target ≤ 2048): {'met' if peak <= 2048 else 'MISSED'}")
    print(f"1M time / 100k time = {growth:.2f} (target ≤ 11): {'met' if growth <= 11 else 'MISSED'}")
    print(
        "  build: the first in a new data directory; at 100k dbt parses the project, at 1M it reuses the "
        "project parsed at 100k (sql/target)"
    )
    print(
        f"  dbt floor, the least dbt build (one model, one test) in a fresh process: {dbt_first:.2f} s "
        f"(first, parsing), {dbt_again:.2f} s (again, parsed project reused)"
    )
    print(
        "  1M: quotes load as an XLSX workbook, the other sources as CSV; the floor reads the workbook "
        "with fastexcel into Arrow and writes Parquet beside DuckDB's COPY of the CSV files"
    )
    print_workbook(book)
    for hook in extra_benchmarks():
        hook(big["data"])
    return 0


def extra_benchmarks() -> list:
    """Later benchmarks (dashboard queries, reports) on the 1M warehouse, when present."""
    hooks = []
    for name in ("bench.dashboard", "bench.reports"):
        try:
            module = __import__(name, fromlist=["run"])
        except ModuleNotFoundError:
            continue
        hooks.append(module.run)
    return hooks


if __name__ == "__main__":
    sys.exit(main())
