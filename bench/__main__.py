"""`make bench`: load and build at 100k and 1M tickets against the DuckDB floor (issue targets).

Every figure is measured in this run, each step in its own process so that its peak RSS is its own:
- floor: DuckDB reading the same CSV files and writing them as Parquet;
- load: `python -m pipelines load DIR --no-build` into an empty data directory;
- build: `python -m pipelines build --as-of …`, the first build in that data directory, then a
  rebuild. dbt's parsed project is removed from the installation (sql/target) before the run: the
  100k build parses the project from scratch, as the first build after installing does; the 1M
  build, in a new data directory, reuses the project the 100k build parsed, as every later build does.
The targets are judged on the first build; the rebuild is printed beside it. Beside them, the dbt
floor: the least dbt build (bench/baseline/dbt_one) in a fresh process, which every build pays.
Targets: (load + build) ≤ 5 × floor at 1M, peak RSS ≤ 2 GiB, 1M time ≤ 11 × the 100k time.
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
"""


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


def measure(tickets: int) -> dict:
    src = dataset(tickets)
    rows = sum(max(0, sum(1 for _ in open(f, "rb")) - 1) for f in src.glob("*.csv"))
    size = sum(f.stat().st_size for f in src.glob("*.csv")) / 2**20
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


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    # the first build of the run parses the dbt project (module doc)
    (SHARED_TARGET / PARSED).unlink(missing_ok=True)
    results = [measure(n) for n in (100_000, 1_000_000)]
    dbt_first, dbt_again = dbt_floor()
    print(
        "| tickets | input rows | CSV MiB | floor s | load s | build s | (load+build)/floor | rebuild s | "
        "(load+rebuild)/floor | load peak RSS MiB | build peak RSS MiB |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        ratio = (r["load"] + r["build"]) / r["floor"]
        again = (r["load"] + r["rebuild"]) / r["floor"]
        print(
            f"| {r['tickets']:,} | {r['rows']:,} | {r['mib']:.0f} | {r['floor']:.2f} | {r['load']:.2f} | "
            f"{r['build']:.2f} | {ratio:.2f} | {r['rebuild']:.2f} | {again:.2f} | {r['load_rss']:.0f} | "
            f"{r['build_rss']:.0f} |"
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
