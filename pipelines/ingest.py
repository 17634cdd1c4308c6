"""Load and check: read → map → validate → one atomic landing batch (SPEC §2, §3, §6).

Every row read ends up accepted or rejected (accepted + rejected = read, per file). A file that
cannot be loaded whole (missing required columns, unreadable, unknown source) refuses the whole
load: nothing of it becomes visible.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from . import landing
from .contract import SOURCES, landing_schema
from .mapping import NO_MAPPING, Mapping
from .readers import FileRefused, RawTable, materialise, read_file, scratch_dir, sha256_of
from .settings import Settings
from .validate import resolve_headers, validate_sql

SUPPORTED = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet"}


@dataclass
class FileResult:
    file_name: str
    sha256: str = ""
    source: str | None = None
    status: str = "loaded"  # loaded | skipped | refused | checked
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    top_reasons: list[tuple[str, int]] = field(default_factory=list)
    message: str = ""
    encoding: str = ""


@dataclass
class LoadResult:
    load_id: str
    files: list[FileResult]
    committed: bool = False
    unknown_customers: int = 0
    seconds: float = 0.0

    @property
    def refused(self) -> bool:
        return any(f.status == "refused" for f in self.files)

    @property
    def exit_code(self) -> int:
        """0 when the load went in (rejected rows allowed) or every file was already loaded;
        1 when a file was refused or rows were read but none could be accepted (SPEC §6)."""
        if self.refused:
            return 1
        active = [f for f in self.files if f.status in ("loaded", "checked")]
        if active and sum(f.rows_read for f in active) > 0 and sum(f.rows_accepted for f in active) == 0:
            return 1
        return 0


def expand_paths(paths: list[str | Path]) -> list[Path]:
    """Files as given; a directory stands for its supported files, in name order."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in SUPPORTED)
        else:
            out.append(p)
    return out


def _test_hook(name: str, data: Path) -> None:
    """Fault injection for the atomicity tests: AFTERSALES_TEST_FAIL=name raises here,
    AFTERSALES_TEST_PAUSE=name writes a marker and waits to be killed."""
    if os.environ.get("AFTERSALES_TEST_FAIL") == name:
        raise RuntimeError(f"injected failure at {name}")
    if os.environ.get("AFTERSALES_TEST_PAUSE") == name:
        (Path(data) / f".paused-{name}").touch()
        time.sleep(120)


def _connect(tmpdir: Path, settings: Settings) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("set memory_limit = '1GB'")
    con.execute("set temp_directory = ?", [str(tmpdir)])
    con.execute("set TimeZone = ?", [settings.time_zone])
    # row order is carried by _row_number (a CSV read keeps the file's order for it: readers.materialise)
    con.execute("set preserve_insertion_order = false")
    # DuckDB rewrites `x in (five or more constants)` (boolean words, summary words, null markers)
    # into a join, and a statement with a join stores a CSV file's rows out of file order, whatever
    # preserve_insertion_order says: their row numbers would be wrong
    con.execute("set disabled_optimizers = 'in_clause'")
    if sys.stderr.isatty():
        con.execute("set enable_progress_bar = true")
    return con


def _read_all(con, paths, tmpdir, known, source, mapping, encoding, settings, progress):
    """Read and validate every file; returns results and (result, raw, validated table) parts.
    A file's SHA-256 is computed on a second thread while DuckDB reads and checks it."""
    results, parts, seen = [], [], set()
    with ThreadPoolExecutor(max_workers=1) as pool:
        for n, path in enumerate(paths):
            if progress:
                progress(n, len(paths), path.name)
            path = Path(path)
            hashing = pool.submit(sha256_of, path) if path.is_file() else None
            try:
                raws = read_file(con, path, tmpdir, source=source or mapping.source, encoding=encoding, prefix=f"f{n}")
                checked = [_check(con, raw, f"v{n}_{k}", tmpdir, settings, mapping) for k, raw in enumerate(raws)]
            except FileRefused as exc:
                if hashing:
                    hashing.result()
                results.append(FileResult(path.name, status="refused", message=str(exc)))
                continue
            digest = hashing.result()
            if digest in known or digest in seen:
                for raw, _ in checked:
                    results.append(
                        FileResult(
                            raw.file_name, digest, raw.source, "skipped", message="already loaded (same SHA-256)"
                        )
                    )
                continue
            seen.add(digest)
            for k, (raw, refusal) in enumerate(checked):
                raw.sha256 = digest
                res = FileResult(raw.file_name, digest, raw.source, rows_read=raw.rows_read, encoding=raw.encoding)
                results.append(res)
                if refusal:
                    res.status, res.message = "refused", refusal
                else:
                    parts.append((res, raw, f"v{n}_{k}"))
    return results, parts


def _check(con, raw: RawTable, out: str, tmpdir: Path, settings: Settings, mapping: Mapping):
    """Validate one raw table into table `out` (a CSV file is read as it is checked); returns the
    raw table, read, and the reason the whole file is refused, or None."""
    refusal = None
    if raw.source is None:
        refusal = (
            "cannot tell the source: name the file or sheet after one of "
            f"{', '.join(SOURCES)} (or 客户/工单/报价/满意度调查/客诉), or pass --source"
        )
    else:
        try:
            resolved = resolve_headers(raw, raw.source, settings, mapping)
        except FileRefused as exc:
            refusal = str(exc)
    if refusal and raw.is_csv:  # not checked, but read, for its row count
        return materialise(
            con, raw, lambda r: (f"create or replace table {out} as select 1 from {r.table}", r.params), out, tmpdir
        ), refusal
    if refusal:
        return raw, refusal
    return materialise(con, raw, lambda r: validate_sql(r, resolved, settings, mapping, out), out, tmpdir), None


def _settle(con, parts: list[tuple[FileResult, RawTable, str]], settings: Settings) -> dict[str, str]:
    """Mark keys repeated within the load (the later occurrence is rejected), count outcomes and
    return, per source, the table of its rows with _file_name and final _reason."""
    by_source: dict[str, list] = {}
    for seq, (res, raw, table) in enumerate(parts):
        by_source.setdefault(res.source, []).append((seq, res, raw, table))
    con.execute("create or replace table load_files_seq (_file_seq int, _file_name varchar, _sha256 varchar)")
    for seq, (res, raw, _) in enumerate(parts):
        con.execute("insert into load_files_seq values (?, ?, ?)", [seq, res.file_name, raw.sha256])
    out = {}
    for source, items in by_source.items():
        key = SOURCES[source]["key"]
        # a CSV file's row number is its checked row's rowid (readers.materialise), any other's a column
        union = " union all ".join(
            f"select {seq} as _file_seq, {raw.row_number_sql + ' as _row_number, ' if raw.is_csv else ''}* from {table}"
            for seq, _, raw, table in items
        )
        parse = [
            (seq, res.file_name, raw.sha256, row_number, reason)
            for seq, res, raw, _ in items
            for row_number, reason in raw.parse_rejects
        ]
        # Keys seen more than once among valid rows, with their first occurrence: a small table, so
        # marking the later occurrences is a hash join rather than a window over every row. The
        # repeated keys are found first on the key alone; only their rows are read for the first.
        con.execute(f"create view rows_{source} as {union}")
        con.execute(
            f'create table dup_{source} as with repeated as (select "{key}" as _key from rows_{source} '
            "where _err_reason is null group by 1 having count(*) > 1) "
            f'select r."{key}" as _key, min({{"s": r._file_seq, "r": r._row_number}}) as _first '
            f'from rows_{source} r semi join repeated on r."{key}" = repeated._key '
            "where r._err_reason is null group by 1"
        )
        dup = "(d._key is not null and {'s': r._file_seq, 'r': r._row_number} <> d._first)"
        con.execute(
            f"create view all_{source} as select f._file_name, f._sha256, r.* replace ("
            f"coalesce(r._err_column, case when {dup} then '{key}' end) as _err_column, "
            f'coalesce(r._err_value, case when {dup} then r."{key}" end) as _err_value, '
            f"coalesce(r._err_reason, case when {dup} then 'duplicate key (first at ' || "
            "case when d._first.s = r._file_seq then '' else ff._file_name || ' ' end || 'row ' || d._first.r "
            "|| ')' end) as _err_reason) "
            f"from rows_{source} r join load_files_seq f on f._file_seq = r._file_seq "
            f'left join dup_{source} d on r._err_reason is null and d._key = r."{key}" '
            "left join load_files_seq ff on ff._file_seq = d._first.s"
        )
        con.execute(
            f"create table parse_{source} (_file_seq int, _file_name varchar, _sha256 varchar, "
            "_row_number bigint, _err_reason varchar)"
        )
        if parse:
            con.executemany(f"insert into parse_{source} values (?, ?, ?, ?, ?)", parse)
        out[source] = f"all_{source}"
        counts = con.execute(
            f"select _file_seq, count(*) filter (where _err_reason is null), "
            f"count(*) filter (where _err_reason is not null) from all_{source} group by all"
        ).fetchall()
        reasons = con.execute(
            f"select _file_seq, _err_reason, count(*) as n from (select _file_seq, _err_reason from all_{source} "
            f"where _err_reason is not null union all select _file_seq, _err_reason from parse_{source}) "
            "group by all order by n desc, _err_reason"
        ).fetchall()
        for seq, res, raw, _ in items:
            acc, rej = next(((a, r) for s, a, r in counts if s == seq), (0, 0))
            res.rows_accepted, res.rows_rejected = acc, rej + len(raw.parse_rejects)
            res.top_reasons = [(reason, n) for s, reason, n in reasons if s == seq][:3]
            assert res.rows_accepted + res.rows_rejected == res.rows_read, res
    return out


def _write_batch(
    con,
    tmp: Path,
    load_id: str,
    tables: dict[str, str],
    settings: Settings,
    results: list[FileResult],
    loaded_at: datetime,
    data: Path,
) -> None:
    for source in SOURCES:
        schema = landing_schema(source, settings)
        # load ids are generated here (digits, 'T', 'Z', hex), never user text
        cols = ", ".join(f'"{c}"' if c != "_load_id" else f"'{load_id}' as _load_id" for c, _ in schema)
        if source in tables:
            query = f"select {cols} from {tables[source]} where _err_reason is null"
        else:
            query = "select " + ", ".join(f'null::{t} as "{c}"' for c, t in schema) + " limit 0"
        con.execute(f"create or replace temp view out_{source} as {query}")
        con.execute(f"copy out_{source} to ? (format parquet)", [str(tmp / (source + ".parquet"))])
        _test_hook(f"wrote_{source}", data)
    rej_parts = []
    for source, table in tables.items():
        key = SOURCES[source]["key"]
        rej_parts.append(
            f"select _file_name, _sha256, '{source}', _row_number, \"{key}\"::varchar, _err_column, "
            f"_err_value, _err_reason from {table} where _err_reason is not null"
        )
        rej_parts.append(
            f"select _file_name, _sha256, '{source}', _row_number, null, null, null, _err_reason from parse_{source}"
        )
    rej_cols = ", ".join(f'"{c}" {t}' for c, t in landing.REJECTS_SCHEMA)
    con.execute(f"create or replace table rejects ({rej_cols})")
    if rej_parts:
        con.execute(
            "insert into rejects select $load_id, * from (" + " union all ".join(rej_parts) + ")", {"load_id": load_id}
        )
    con.execute(
        "copy (select * from rejects order by file_name, row_number) to ? (format parquet)",
        [str(tmp / "rejects.parquet")],
    )
    _files_table(con, load_id, results, loaded_at)
    con.execute("copy files to ? (format parquet)", [str(tmp / "files.parquet")])


def _files_table(con, load_id: str, results: list[FileResult], loaded_at: datetime) -> None:
    cols = ", ".join(f'"{c}" {t}' for c, t in landing.FILES_SCHEMA)
    con.execute(f"create or replace table files ({cols})")
    for r in results:
        con.execute(
            "insert into files values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                load_id,
                loaded_at,
                r.file_name,
                r.sha256,
                r.source,
                r.status,
                r.rows_read,
                r.rows_accepted,
                r.rows_rejected,
                r.message or None,
            ],
        )


def _unknown_customers(con, data: Path, tables: dict[str, str]) -> int:
    """Tickets of this load whose customer is in no committed or new customers file (a warning)."""
    if "tickets" not in tables:
        return 0
    known = [str(b / "customers.parquet") for b in landing.batch_dirs(data)]
    sources = (
        ["select customer_id from " + tables["customers"] + " where _err_reason is null"]
        if "customers" in tables
        else []
    )
    if known:
        sources.append("select customer_id from read_parquet($known)")
    if not sources:
        return con.execute(f"select count(*) from {tables['tickets']} where _err_reason is null").fetchone()[0]
    return con.execute(
        f"select count(*) from {tables['tickets']} t where t._err_reason is null and t.customer_id not in "
        f"({' union '.join(sources)})",
        {"known": known} if known else {},
    ).fetchone()[0]


def run(
    paths: list,
    settings: Settings,
    data: Path,
    *,
    source: str | None = None,
    mapping: Mapping = NO_MAPPING,
    encoding: str | None = None,
    commit: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
) -> LoadResult:
    """Load (commit=True) or only check (commit=False) files into the landing store.
    `progress(i, n, file_name)` is called before the i-th of n files is read."""
    started = time.monotonic()
    data = Path(data)
    load_id = landing.new_load_id()
    paths = expand_paths(paths)
    loaded_at = datetime.now(ZoneInfo(settings.time_zone)).replace(tzinfo=None, microsecond=0)
    with landing.lock(data), scratch_dir(data) as tmp:
        if commit:
            landing.clean_tmp(data)
        known = landing.loaded_hashes(data)
        con = _connect(Path(tmp), settings)
        try:
            results, parts = _read_all(con, paths, Path(tmp), known, source, mapping, encoding, settings, progress)
            result = LoadResult(load_id, results)
            if result.refused:
                for r in results:
                    if r.status != "refused" and r.status != "skipped":
                        r.status, r.message = "refused", "not loaded: another file of this load was refused"
                        r.rows_accepted, r.rows_rejected = 0, 0
                if commit:
                    _files_table(con, load_id, results, loaded_at)
                    landing.write_log(data, load_id, con, "files")
                return result
            tables = _settle(con, parts, settings)
            result.unknown_customers = _unknown_customers(con, data, tables)
            if not commit:
                for r in results:
                    if r.status == "loaded":
                        r.status = "checked"
            elif tables:
                batch = landing.begin_batch(data, load_id)
                try:
                    _write_batch(con, batch, load_id, tables, settings, results, loaded_at, data)
                    _test_hook("before_commit", data)
                    landing.commit_batch(data, batch)
                except BaseException:
                    shutil.rmtree(batch, ignore_errors=True)
                    raise
                result.committed = True
            else:  # every file skipped: record that, land nothing
                _files_table(con, load_id, results, loaded_at)
                landing.write_log(data, load_id, con, "files")
        finally:
            con.close()
    result.seconds = time.monotonic() - started
    return result
