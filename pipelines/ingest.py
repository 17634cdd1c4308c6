"""Load and check: read → map → validate → one atomic landing batch (SPEC §2, §3, §6).

Every row read ends up accepted or rejected (accepted + rejected = read, per file). A file that
cannot be loaded whole (missing required columns, unreadable, unknown source) refuses the whole
load: nothing of it becomes visible.
"""

from __future__ import annotations

import contextlib
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

from . import landing, workbook
from .contract import SOURCES, landing_schema
from .mapping import NO_MAPPING, Mapping
from .readers import FileRefused, RawTable, materialise, read_file, refusal_of, scratch_dir, sha256_of
from .settings import Settings
from .settle import settle
from .validate import header_finder, resolve_headers, validate_sql

SUPPORTED = {".csv", ".txt", ".tsv", ".parquet", *workbook.SUFFIXES}


@dataclass
class FileResult:
    file_name: str
    sha256: str = ""
    source: str | None = None
    status: str = "loaded"  # loaded | skipped | refused | checked
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    records: int | None = None  # with a version column: distinct keys among the accepted rows
    top_reasons: list[tuple[str, int]] = field(default_factory=list)  # (kind of reason with an example, rows)
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


def _read_all(con, paths, tmpdir, known, source, mapping, encoding, settings, progress, names):
    """Read and validate every file; returns results and (result, raw, validated table) parts.
    A file's SHA-256 is computed on a second thread while DuckDB reads and checks it. `names`:
    the name to report for a file stored under another (an upload's safe name)."""
    results, parts, seen = [], [], set()
    find_header = header_finder(settings, mapping)
    with ThreadPoolExecutor(max_workers=1) as pool:
        for n, path in enumerate(paths):
            path = Path(path)
            shown = names.get(path, path.name)
            if progress:
                progress(n, len(paths), shown)
            hashing = pool.submit(sha256_of, path) if path.is_file() else None
            try:
                raws = read_file(
                    con,
                    path,
                    tmpdir,
                    source=source or mapping.source,
                    encoding=encoding,
                    prefix=f"f{n}",
                    find_header=find_header,
                )
                for raw in raws:
                    raw.file_name = shown + raw.file_name[len(path.name) :]  # "file.xlsx#sheet"
                checked = [_check(con, raw, f"v{n}_{k}", tmpdir, settings, mapping) for k, raw in enumerate(raws)]
            except Exception as exc:  # noqa: BLE001 - the one place a reader's error becomes a refusal
                if hashing:
                    hashing.result()
                results.append(FileResult(shown, status="refused", message=refusal_of(exc)))
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
                if raw.title_rows:  # SPEC §3: rows above the header are reported, not read as data
                    s = "s" if raw.title_rows > 1 else ""
                    res.message = f"skipped {raw.title_rows} title row{s} above the header at row {raw.header_row}"
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
    raw = materialise(con, raw, lambda r: validate_sql(r, resolved, settings, mapping, out), out, tmpdir)
    # a row rejected before it was checked names the contract column its field provides, else its header
    names = {i: name for name, i in resolved.by_column.items()}
    raw.parse_rejects = [
        (row, None if c is None else names.get(c, raw.headers[c] if c < len(raw.headers) else None), *rest)
        for row, c, *rest in raw.parse_rejects
    ]
    return raw, None


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
            # a summary row has no key, whatever its key column holds (合计 often sits there)
            f"select _file_name, _sha256, '{source}', _row_number, "
            f"case when _err_code <> 'summary_row' then \"{key}\"::varchar end, _err_column, "
            f"_err_value, _err_reason, _err_code, _err_params from {table} where _err_reason is not null"
        )
        rej_parts.append(
            f"select _file_name, _sha256, '{source}', _row_number, null, _err_column, _err_value, _err_reason, _err_code, "
            f"_err_params from parse_{source}"
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


def _unknown_customers(con, data: Path, tables: dict[str, str], versioned: bool) -> int:
    """Tickets of this load whose customer is in no committed or new customers file (a warning);
    with a version column, tickets rather than their versions."""
    if "tickets" not in tables:
        return 0
    counted = "count(distinct t.ticket_id)" if versioned else "count(*)"
    known = [str(b / "customers.parquet") for b in landing.batch_dirs(data)]
    sources = (
        ["select customer_id from " + tables["customers"] + " where _err_reason is null"]
        if "customers" in tables
        else []
    )
    if known:
        sources.append("select customer_id from read_parquet($known)")
    if not sources:
        return con.execute(f"select {counted} from {tables['tickets']} t where _err_reason is null").fetchone()[0]
    return con.execute(
        f"select {counted} from {tables['tickets']} t where t._err_reason is null and t.customer_id not in "
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
    lock_wait: float | None = None,
    notify: Callable[[str], None] | None = None,
    names: dict[Path, str] | None = None,
) -> LoadResult:
    """Load (commit=True) or only check (commit=False) files into the landing store.
    `progress(i, n, file_name)` is called before the i-th of n files is read. A load takes the data
    directory's lock (landing.lock: `lock_wait`, `notify`); a check changes nothing and takes none.
    `names`: the name to report and record for a file stored under another (uploads)."""
    started = time.monotonic()
    data = Path(data)
    load_id = landing.new_load_id()
    paths = expand_paths(paths)
    loaded_at = datetime.now(ZoneInfo(settings.time_zone)).replace(tzinfo=None, microsecond=0)
    held = landing.lock(data, "load", lock_wait, notify) if commit else contextlib.nullcontext()
    with held, scratch_dir(data) as tmp:
        if commit:
            landing.clean_tmp(data)
        known = landing.loaded_hashes(data)
        con = _connect(Path(tmp), settings)
        try:
            results, parts = _read_all(
                con, paths, Path(tmp), known, source, mapping, encoding, settings, progress, names or {}
            )
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
            tables = settle(con, parts, mapping)
            result.unknown_customers = _unknown_customers(con, data, tables, mapping.version is not None)
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
