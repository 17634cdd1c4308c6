"""Build the warehouse (SPEC §2): `dbt build` of sql/ into a new DuckDB file, then publish it.

Under the data directory's lock: a fresh `data/.build-warehouse.duckdb` gets the settings tables
(settings_build among them: as_of, built_at, app_version) and, in schema landing, a view over each
source's committed batch files; dbt builds every model and runs every data test in it, the file is
checkpointed and closed (no .wal beside it) and renamed over `data/warehouse.duckdb` in one atomic
step. Any failure removes the new file and leaves the published warehouse as it was. No KPI logic
lives here (SPEC §2).

Speed: dbt parses the project only when something it parses changed; it keeps the parsed project
in `data/.dbt/target` and, for the next data directory, in `sql/target` (seeded from there when a
data directory has none). Nothing dbt parses depends on the build or the data directory: dbt runs
in the data directory, where the build file has a fixed name; the per-build values (as_of,
built_at) reach the models through the settings_build table and the batch files through the landing
views, not through dbt vars or paths (a changed var or profile makes dbt re-parse everything). The
dbt unit tests test SQL logic, not data: they run in the test suite
(tests/sql/test_dbt_unit_tests.py), not in every build.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from . import __version__, landing
from .contract import META_COLUMNS, SOURCES
from .settings import Settings

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
WAREHOUSE = "warehouse.duckdb"
# The build file: a fixed name in dbt's working directory (sql/profiles.yml), as dbt's partial
# parsing re-parses everything when the database path changes; only written under the data
# directory's lock.
BUILD_FILE = ".build-warehouse.duckdb"
DBT_STATE = ".dbt"  # dbt's target directory (parsed project, compiled SQL) lives in data/.dbt/target
PARSED = "partial_parse.msgpack"  # dbt's parsed project, in its target directory
SHARED_TARGET = SQL_DIR / "target"  # the parsed project handed from one data directory to the next
# Every model and data test; the unit tests run in the test suite (run_unit_tests).
BUILD_COMMAND = ("build", "--exclude-resource-type", "unit_test")
APP_VERSION = __version__
# Marts whose row counts build() reports.
COUNTED = (
    "kpi_events",
    "kpi_monthly",
    "scorecard_quarterly",
    "csi_monthly",
    "complaint_pareto",
    "service_costs_monthly",
    "tickets",
    "complaints",
    "survey_responses",
    "customers",
    "load_files",
    "rejected_rows",
)

_DBT_LOCK = threading.Lock()  # dbt's in-process runner keeps global state: one invocation at a time


class BuildError(RuntimeError):
    """A build that could not publish a warehouse; the message says why (no traceback needed)."""


def warehouse_path(data: Path) -> Path:
    return Path(data) / WAREHOUSE


def resolve_as_of(as_of: datetime | None, time_zone: str) -> datetime:
    """The as-of time as naive local time in the configured zone, to the second (SPEC §2)."""
    tz = ZoneInfo(time_zone)
    if as_of is None:
        as_of = datetime.now(tz)
    if as_of.tzinfo is not None:
        as_of = as_of.astimezone(tz).replace(tzinfo=None)
    return as_of.replace(microsecond=0)


def build(
    data: Path,
    settings: Settings,
    as_of: datetime | None = None,
    app_version: str = APP_VERSION,
    *,
    lock_wait: float | None = None,
    notify=None,
) -> dict:
    """Rebuild the warehouse from the landing store as of `as_of`; returns as_of, seconds, path,
    counts (rows per mart) and warnings (dbt tests at severity warn that found rows). Waits for the
    data directory's lock as landing.lock says (`lock_wait`, `notify`; landing.LockBusy)."""
    data = Path(data).resolve()
    as_of = resolve_as_of(as_of, settings.time_zone)
    started = time.monotonic()
    with landing.lock(data, "build", lock_wait, notify):
        if not landing.batch_dirs(data):
            raise BuildError(f"no data loaded yet: {landing.landing_dir(data) / 'batches'} holds no batch")
        new = data / BUILD_FILE
        # left by a killed build (the lock says none runs): the file, its write-ahead log (a stale
        # one would be replayed into the new file) and DuckDB's spill directory
        leftovers = {data / p.name.removesuffix(".wal").removesuffix(".tmp") for p in data.glob(".build-*.duckdb*")}
        for stale in leftovers | {new}:
            _remove(stale)
        try:
            built_at = resolve_as_of(None, settings.time_zone)
            _write_settings_tables(new, settings, as_of=as_of, built_at=built_at, app_version=app_version)
            _write_landing_views(new, data)
            results = _run_dbt(new, _dbt_vars(settings), data / "logs", data / DBT_STATE / "target", BUILD_COMMAND)
            warnings = [f"{r.node.name}: {_one_line(r.message)}" for r in results if str(r.status) == "warn"]
            counts = _finalise(new)
            _publish(new, warehouse_path(data))
        except BaseException:
            _remove(new)
            raise
    return {
        "as_of": as_of,
        "seconds": round(time.monotonic() - started, 3),
        "path": str(warehouse_path(data)),
        "counts": counts,
        "warnings": warnings,
    }


def run_unit_tests(data: Path, settings: Settings, work: Path) -> list[str]:
    """Run the dbt unit tests of sql/ (model logic on fixed input rows) against a copy of the
    warehouse built in `data`, whose relations give the inputs their column types; `work` holds the
    copy, dbt's target directory and its log. Returns the names of the unit tests that passed,
    raises BuildError naming those that failed. The build itself leaves them out (module doc)."""
    work.mkdir(parents=True, exist_ok=True)
    copy = work / BUILD_FILE  # its landing views name the batch files of `data`
    shutil.copyfile(warehouse_path(data), copy)
    try:
        results = _run_dbt(
            copy, _dbt_vars(settings), work / "logs", work / "target", ("test", "--select", "test_type:unit")
        )
    finally:
        _remove(copy)
    return [r.node.name for r in results if str(r.status) == "pass"]


def read_meta(data: Path) -> dict:
    """The meta_build row of the live warehouse (read-only), as a dict."""
    path = warehouse_path(data)
    if not path.exists():
        raise BuildError(f"no warehouse built yet: {path} does not exist")
    con = duckdb.connect(str(path), read_only=True)
    try:
        cur = con.execute("select * from meta_build")
        names = [d[0] for d in cur.description]
        row = cur.fetchone()
    finally:
        con.close()
    return dict(zip(names, row, strict=True)) if row else {}


def _dbt_vars(settings: Settings) -> dict:
    """The dbt vars: the scalar settings, which change only when the settings do (as_of travels in
    settings_build, see the module doc)."""
    dbt_vars = settings.dbt_vars("")
    del dbt_vars["as_of"]
    return dbt_vars


def _parquet_scan(paths: list[Path]) -> str:
    """SQL reading the Parquet files `paths`; DDL takes no parameters, so they are literals, quotes
    doubled."""
    files = ", ".join("'" + p.as_posix().replace("'", "''") + "'" for p in paths)
    return f"select * from read_parquet([{files}], union_by_name = true)"


def _write_landing_views(path: Path, data: Path) -> None:
    """The sources of schema landing (sql/models/staging/_sources.yml) as views over the files of
    the batches committed now: each source's rows, load_files, rejected_rows, and load_log over the
    logs of loads that landed no batch (an empty relation of the same columns while there is none)."""
    batches = landing.batch_dirs(data)
    files = {
        **{source: f"{source}.parquet" for source in SOURCES},
        "load_files": "files.parquet",
        "rejected_rows": "rejects.parquet",
    }
    views = {view: _parquet_scan([b / name for b in batches]) for view, name in files.items()}
    logs = sorted((landing.landing_dir(data) / "log").glob("*.parquet"))
    views["load_log"] = (
        _parquet_scan(logs)
        if logs
        else "select " + ", ".join(f'null::{t} as "{c}"' for c, t in landing.FILES_SCHEMA) + " where false"
    )
    # columns the landing format gained later (file order and version of a row, a reason's code):
    # null in a store whose batches all predate them
    later = {**{source: META_COLUMNS for source in SOURCES}, "rejected_rows": landing.REJECTS_SCHEMA}
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema landing")
        for view, query in views.items():
            try:  # DuckDB reads the files' schemas here: a damaged file fails now, named
                con.execute(f"create view landing.{view} as {query}")
                present = {r[0] for r in con.execute(f"describe landing.{view}").fetchall()}
                missing = [f'null::{t} as "{c}"' for c, t in later.get(view, []) if c not in present]
                if missing:
                    con.execute(
                        f"create or replace view landing.{view} as select *, {', '.join(missing)} from ({query})"
                    )
            except duckdb.Error as exc:
                raise BuildError(f"cannot read the landing files of {view}: {_one_line(exc)}") from None
        con.execute("checkpoint")
    finally:
        con.close()


def _write_settings_tables(
    path: Path, settings: Settings, as_of: datetime, built_at: datetime, app_version: str
) -> None:
    """The tabular settings (SPEC §4) and this build's settings_build row (as_of, built_at,
    app_version) as the tables of source `settings` (sql/models/staging)."""
    con = duckdb.connect(str(path))
    try:
        con.execute("create table settings_build (as_of timestamp, built_at timestamp, app_version varchar)")
        con.execute("insert into settings_build values (?, ?, ?)", [as_of, built_at, app_version])
        con.execute(
            "create table settings_kpi (kpi varchar, name_zh varchar, name_en varchar, "
            "owner_department varchar, target double, weight double, sort_order integer)"
        )
        con.executemany(
            "insert into settings_kpi values (?, ?, ?, ?, ?, ?, ?)",
            [
                [k.id, k.name_zh, k.name_en, k.owner_department, k.target, k.weight, i]
                for i, k in enumerate(settings.kpis.values(), start=1)
            ],
        )
        con.execute(
            "create table settings_survey_items (survey_type varchar, item varchar, "
            "name_zh varchar, name_en varchar, weight double)"
        )
        con.executemany(
            "insert into settings_survey_items values (?, ?, ?, ?, ?)",
            [[i.survey_type, i.id, i.zh, i.en, i.weight] for i in settings.items],
        )
        con.execute(
            "create table settings_root_causes (root_cause_category varchar, name_zh varchar, sort_order integer)"
        )
        con.executemany(
            "insert into settings_root_causes values (?, ?, ?)",
            [[k, v, i] for i, (k, v) in enumerate(settings.root_causes.items(), start=1)],
        )
        con.execute("checkpoint")
    finally:
        con.close()


def _run_dbt(path: Path, dbt_vars: dict, log_dir: Path, target: Path, command: tuple[str, ...]) -> list:
    """One dbt command in-process against the DuckDB file `path` (named BUILD_FILE; dbt runs in its
    directory), with dbt's parsed project kept in `target`; returns dbt's node results, raises
    BuildError naming the failing nodes."""
    from dbt.cli.main import dbtRunner  # imported here: dbt takes a second to import

    if path.name != BUILD_FILE:
        raise ValueError(f"dbt builds {BUILD_FILE} in its working directory, not {path.name}")
    log_dir.mkdir(parents=True, exist_ok=True)
    target.mkdir(parents=True, exist_ok=True)
    saved = os.environ.get("DO_NOT_TRACK")
    with _DBT_LOCK:  # also guards the working directory, which is the process's
        os.environ["DO_NOT_TRACK"] = "1"
        cwd = os.getcwd()
        _seed_parsed_project(target)
        os.chdir(path.parent)
        try:
            res = dbtRunner().invoke(
                [
                    *command,
                    "--project-dir",
                    str(SQL_DIR),
                    "--profiles-dir",
                    str(SQL_DIR),
                    "--target-path",
                    str(target),
                    "--log-path",
                    str(log_dir),
                    "--vars",
                    json.dumps(dbt_vars),
                    "--log-level",
                    "none",
                    "--log-level-file",
                    "info",
                    "--no-use-colors",
                    "--partial-parse",
                    "--no-write-json",  # manifest.json, run_results.json: nothing reads them
                    "--no-send-anonymous-usage-stats",
                ]
            )
        finally:
            os.chdir(cwd)
            if saved is None:
                os.environ.pop("DO_NOT_TRACK", None)
            else:
                os.environ["DO_NOT_TRACK"] = saved
            _close_dbt_duckdb()
        if res.success:
            _share_parsed_project(target)
    results = list(getattr(res.result, "results", None) or [])
    failed = [r for r in results if str(r.status) in ("error", "fail", "runtime error")]
    what = f"dbt {command[0]} failed"
    if failed:
        details = "; ".join(f"{r.node.resource_type} {r.node.name}: {_one_line(r.message)}" for r in failed[:5])
        more = f" (and {len(failed) - 5} more)" if len(failed) > 5 else ""
        raise BuildError(f"{what}: {details}{more} (log: {log_dir / 'dbt.log'})")
    if res.exception is not None or not res.success:
        raise BuildError(f"{what}: {_one_line(str(res.exception or 'see log'))} (log: {log_dir / 'dbt.log'})")
    return results


def _seed_parsed_project(target: Path) -> None:
    """A target directory without a parsed project gets the one shared by earlier builds (dbt checks
    it against the project, vars and profile, and parses again if anything differs)."""
    shared = SHARED_TARGET / PARSED
    if not (target / PARSED).exists() and shared.exists():
        with contextlib.suppress(OSError):  # only a head start: dbt parses without it
            shutil.copyfile(shared, target / PARSED)


def _share_parsed_project(target: Path) -> None:
    """Hand the parsed project of a successful dbt run to the next data directory (replaced whole,
    never seen half-written)."""
    parsed, shared = target / PARSED, SHARED_TARGET / PARSED
    if not parsed.exists() or (shared.exists() and shared.read_bytes() == parsed.read_bytes()):
        return
    tmp = SHARED_TARGET / f".{PARSED}.{os.getpid()}.{threading.get_ident()}"
    try:  # a read-only installation keeps no shared copy; the build is done either way
        SHARED_TARGET.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(parsed, tmp)
        os.replace(tmp, shared)
    except OSError:
        tmp.unlink(missing_ok=True)


def _close_dbt_duckdb() -> None:
    """Make sure dbt-duckdb holds no handle on the build file (it caches one per process)."""
    try:
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager
    except ImportError:  # pragma: no cover - dbt-duckdb is a pinned dependency
        return
    env = DuckDBConnectionManager._ENV
    if env is not None:
        try:
            env.close()
        finally:
            DuckDBConnectionManager._ENV = None


def _one_line(text) -> str:
    return " ".join(str(text or "").split())[:500]


def _finalise(path: Path) -> dict:
    """Count the marts, checkpoint and close the new file; it must leave no .wal behind."""
    con = duckdb.connect(str(path))
    try:
        counts = {t: con.execute(f"select count(*) from main.{t}").fetchone()[0] for t in COUNTED}
        con.execute("checkpoint")
    finally:
        con.close()
    if Path(f"{path}.wal").exists():
        raise BuildError(f"build file {path.name} kept a write-ahead log after checkpoint")
    return counts


def _publish(new: Path, live: Path) -> None:
    """Rename the finished file over the live warehouse in one atomic step."""
    with open(new, "rb") as fh:
        os.fsync(fh.fileno())
    # A stale .wal beside the live file would be replayed against the new one: nothing writes the
    # live warehouse (readers are read-only), so one can only be left over from a crash.
    Path(f"{live}.wal").unlink(missing_ok=True)
    os.replace(new, live)
    fd = os.open(live.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove(path: Path) -> None:
    """Delete a failed build file, its write-ahead log and DuckDB's spill directory beside it."""
    for p in (path, Path(f"{path}.wal")):
        p.unlink(missing_ok=True)
    shutil.rmtree(f"{path}.tmp", ignore_errors=True)
