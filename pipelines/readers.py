"""Read source files (CSV in UTF-8 / UTF-8 with BOM / GBK, workbooks, Parquet) into DuckDB as text.

Every reader gives a file (or a workbook sheet) as a relation of VARCHAR columns c0, c1, …, with
each row's 1-based data row number (counted from the header, which is row 0), and reports the
headers it found. The header of a CSV file or a sheet is the first of its first 30 rows that the
caller's `find_header` accepts (SPEC §3: it names every required column); rows above it (a title,
an export date) are counted and skipped, not read as data. Workbooks and Parquet are landed as a
table with a _row_number column. A CSV file is read by the statement that validates it
(`materialise`): its rows go straight from the parser into the checked table, whose row order is
the file's, so that row numbers are rowids. Lines the CSV parser cannot split (too many or too few
fields) are returned as rejected rows, never dropped, and so are the few lines that do not decode in
the file's encoding (`decoded`). Headers never enter SQL text: columns are renamed to positional names.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from . import workbook
from .contract import source_for_name
from .csv_bytes import (
    CHUNK,
    MAX_COLUMNS,
    MAX_LINE,
    check_width,
    cut,
    decoded,
    detect_encoding,
    encoding_name,
    lf_copy,
    long_lines,
    undecodable_rejects,
)
from .refusals import FileRefused, first_line, refusal_of  # noqa: F401 — refusal_of: the readers' API

HEAD_ROWS = 30  # the header is looked for in this many rows at the top of a file or sheet (SPEC §3)

# find_header(rows, source): the index of the header among the first rows of a file or sheet (cells
# as text, None when empty), or None when none names the source's required columns
HeaderFinder = Callable[[list[list[str | None]], str | None], int | None]


# A CSV file as text: named parameters, bound by the statement that reads it (materialise).
CSV_RELATION = (
    "read_csv($csv_path, header = false, skip = $csv_skip, all_varchar = true, delim = $csv_delim, quote = '\"', "
    "escape = '\"', columns = $csv_columns, auto_detect = false, store_rejects = true, strict_mode = true)"
)


@dataclass
class RawTable:
    """One file or XLSX sheet as text: a DuckDB table, or a CSV file read when it is checked."""

    file_name: str  # display name: file name, or "file.xlsx#sheet"
    path: Path
    sha256: str
    source: str | None
    table: str  # DuckDB relation with c0..cN VARCHAR (and _row_number unless a CSV file)
    headers: list[str]
    rows_read: int | None  # None for a CSV file until it is read (materialise)
    # rows rejected before they are checked: (row_number, column index or None, value, reason code,
    # its parameters): lines the CSV parser could not split, lines that do not decode (`csv_bytes`)
    parse_rejects: list[tuple[int, int | None, str | None, str, dict]] = field(default_factory=list)
    # data rows left out of the copy DuckDB reads (undecodable lines), in the file's numbering
    removed_rows: list[int] = field(default_factory=list)
    blank_rows: list[int] = field(default_factory=list)  # a CSV file's empty rows (not records, not read)
    data_lines: int | None = None  # a CSV copy's lines below the header
    scanned: bool = False  # the file was scanned line by line for its encoding (`decoded`)
    encoding: str = ""
    params: dict = field(default_factory=dict)  # parameters of `table`
    forced: bool = False  # the encoding was given (--encoding), not detected
    # a CSV file's 1-based data row number, as SQL over the rowid of the table its checked rows went
    # into (set by materialise); any other raw table carries it as its _row_number column
    row_number_sql: str | None = None
    header_row: int = 1  # the header's line in the file (row on the sheet), 1-based
    title_rows: int = 0  # non-blank rows above the header, skipped
    find_header: HeaderFinder | None = field(default=None, repr=False, compare=False)

    @property
    def is_csv(self) -> bool:
        return "csv_path" in self.params


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _head_lines(path: Path) -> list[str]:
    """The first HEAD_ROWS lines of a UTF-8 CSV file."""
    lines = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        while len(lines) < HEAD_ROWS and (line := fh.readline()):
            lines.append(line)
    return lines


csv.field_size_limit(MAX_LINE + 1)  # a header's field may be as long as a line


def _split(line: str, delim: str) -> list[str | None]:
    fields = next(csv.reader(io.StringIO(line), delimiter=delim), [])
    return [f.strip() or None for f in fields]


def _first_non_blank(rows: list[list[str | None]]) -> int | None:
    return next((i for i, row in enumerate(rows) if any(row)), None)


def _csv_header(lines: list[str], source: str | None, find_header: HeaderFinder | None):
    """(header index, header fields, delimiter) of a CSV head: the first delimiter (comma, semicolon,
    tab; the most frequent first) under which `find_header` accepts a row; else the first non-blank
    line, split by the delimiter it holds most of (then the file is refused for its columns)."""
    delims = sorted((",", ";", "\t"), key=lambda d: -sum(line.count(d) for line in lines))
    if find_header is not None:
        for delim in delims:
            rows = [_split(line, delim) for line in lines]
            at = find_header(rows, source)
            if at is not None:
                return at, rows[at], delim
    at = _first_non_blank([[line.strip() or None] for line in lines])
    if at is None:
        return None, [], ","
    counts = {d: lines[at].count(d) for d in (",", ";", "\t")}
    delim = max(counts, key=counts.get) if max(counts.values()) else ","
    return at, _split(lines[at], delim), delim


def open_csv(
    path: Path,
    encoding: str | None,
    tmpdir: Path,
    source: str | None = None,
    find_header: HeaderFinder | None = None,
    rescan: bool = False,
) -> RawTable:
    """A CSV file as a RawTable to be read by `materialise`: its encoding detected (or forced) and
    transcoded to UTF-8 if need be, its undecodable lines set aside as rejected rows (`decoded`),
    its header line and delimiter found."""
    forced = encoding is not None
    enc = (encoding or detect_encoding(path)).lower().replace("_", "-")
    enc = "utf-8" if enc in ("utf8", "utf-8") else enc
    src, enc, scan = decoded(path, enc, forced, rescan, tmpdir)
    scanned_lines = long_lines(src)
    if scanned_lines.mixed:  # read as line ends, every kind: the copy has the same lines, at other offsets
        src = lf_copy(src, tmpdir)
        scanned_lines = long_lines(src)
    try:
        lines = _head_lines(src)
    except UnicodeDecodeError:  # a forced UTF-8 whose head does not decode: its lines are scanned
        return open_csv(path, encoding, tmpdir, source, find_header, rescan=True)
    at, fields, delim = _csv_header(lines, source, find_header)
    # a line at or above the header that does not decode: the header cannot be told
    above = [line for line, _ in scan.bad if at is None or line <= at + 1] if scan else []
    if above:
        where = f"line {above[0]}, at or above the header,"
        raise FileRefused(f"{where} is not valid {encoding_name(scan.encoding)} ({scan.first().split(' at ')[0]})")
    if at is None:
        raise FileRefused("the file is empty or has no header row")
    check_width(src, scanned_lines.wide, delim)
    headers = [f or "" for f in fields]
    params = {
        "csv_path": str(src),
        "csv_delim": delim,
        "csv_skip": at + 1,
        "csv_columns": {f"c{i}": "VARCHAR" for i in range(len(headers))},
    }
    titles = sum(1 for line in lines[:at] if any(_split(line, delim)))
    undecodable = undecodable_rejects(scan, at + 1, delim, len(headers)) if scan else []
    removed = [r[0] for r in undecodable]
    # the empty lines below the header, as rows of the file (the parser skips them; later rows keep
    # their place in the file), and the data lines of the copy the parser reads
    blank = [_in_file(line - at - 1, removed) for line in scanned_lines.blank if line > at + 1]
    return RawTable(
        path.name,
        path,
        "",
        source,
        CSV_RELATION,
        headers,
        None,
        parse_rejects=undecodable,
        removed_rows=removed,
        blank_rows=blank,
        data_lines=scanned_lines.count - at - 1,
        scanned=rescan or scan is not None,
        encoding=enc,
        params=params,
        forced=forced,
        header_row=at + 1,
        title_rows=titles,
        find_header=find_header,
    )


def materialise(
    con, raw: RawTable, statement: Callable[[RawTable], tuple[str, dict]], out: str, tmpdir: Path
) -> RawTable:
    """Run `statement(raw)`, which creates table `out` from `raw.table`. For a CSV file that
    statement reads the file: this also keeps the file's row order in `out`, collects the lines
    the parser rejected, and returns the raw table with rows_read and row_number_sql (over `out`)
    set; a file whose head was UTF-8 but whose rest is not is scanned line by line and read again
    (as GBK, or without its undecodable lines: `decoded`)."""
    sql, params = statement(raw)
    if not raw.is_csv:
        con.execute(sql, params)
        return raw
    con.execute("drop table if exists reject_errors; drop table if exists reject_scans")
    # The rows' order in `out` is their order in the file (row numbers are rowid + 1): DuckDB
    # reads a large file on several threads and, without insertion order kept, stores them shuffled.
    kept = con.execute("select current_setting('preserve_insertion_order')").fetchone()[0]
    con.execute("set preserve_insertion_order = true")
    try:
        con.execute(sql, params)
    except duckdb.Error as exc:
        raise FileRefused(f"cannot parse as CSV: {first_line(exc)}") from None
    finally:
        con.execute(f"set preserve_insertion_order = {'true' if kept else 'false'}")
    rejects = con.execute(
        f"select line - {int(raw.params['csv_skip'])} as row_number, any_value(error_type order by column_idx) as error_type, "
        "any_value(error_message order by column_idx), any_value(csv_line order by column_idx) "
        "from reject_errors group by line order by line"
    ).fetchall()
    # DuckDB 2 names a line that is not UTF-8 INVALID ENCODING (earlier versions INVALID UNICODE)
    if (
        not raw.scanned
        and raw.encoding == "utf-8"
        and any(r[1] in ("INVALID ENCODING", "INVALID UNICODE") for r in rejects)
    ):
        # the head was UTF-8, a line further on is not: scan the file's lines (GBK, or a few bad lines)
        again = replace(
            open_csv(raw.path, raw.encoding if raw.forced else None, tmpdir, raw.source, raw.find_header, rescan=True),
            file_name=raw.file_name,
            sha256=raw.sha256,
        )
        return materialise(con, again, statement, out, tmpdir)
    parse_rejects = sorted(
        raw.parse_rejects
        + [
            (_in_file(r[0], raw.removed_rows), None, cut(r[3]), "malformed_line", {"error": r[2] or r[1]})
            for r in rejects
        ],
        key=lambda r: r[0],
    )
    n = con.execute(f"select count(*) from {out}").fetchone()[0]
    # Empty rows count in the numbering when every line of the copy is a record, a rejected line or
    # empty; a quoted value spanning lines makes records and lines differ, and records are counted.
    blank = raw.blank_rows if n + len(rejects) + len(raw.blank_rows) == raw.data_lines else []
    if not parse_rejects and not blank:
        return replace(raw, rows_read=n, parse_rejects=[], row_number_sql="rowid + 1")
    # The i-th parsed row is the i-th data row that was neither rejected nor empty.
    con.execute(
        f"create or replace table {out}_rej as select row_number - row_number() over "
        "(order by row_number) as shift from (select unnest(?::bigint[]) as row_number)",
        [sorted([r[0] for r in parse_rejects] + blank)],
    )
    return replace(
        raw,
        rows_read=n + len(parse_rejects),
        parse_rejects=parse_rejects,
        row_number_sql=f"{out}.rowid + 1 + (select count(*) from {out}_rej r where r.shift < {out}.rowid + 1)",
    )


def _in_file(row: int, removed: list[int]) -> int:
    """The file's row number of row `row` of a copy from which the (sorted) rows `removed` were left out."""
    for gone in removed:
        if gone <= row:
            row += 1
    return row


def _read_workbook(con, path: Path, source, find_header, prefix) -> list[RawTable]:
    try:
        sheets = list(workbook.sheets(path))
    except workbook.WorkbookError as exc:
        raise FileRefused(f"not a readable workbook: {first_line(exc)}") from None
    found = []
    for sheet, batch in sheets:
        src = source or source_for_name(sheet) or (source_for_name(path.stem) if len(sheets) == 1 else None)
        head = workbook.head(batch, HEAD_ROWS)
        at = find_header(head, src) if find_header and src else None
        at = _first_non_blank(head) if at is None else at
        if at is not None:
            found.append((sheet, batch, src, head, at))
    out = []
    for i, (sheet, batch, src, head, at) in enumerate(found):
        name = f"{prefix}_{i}"
        records = workbook.records(batch, at)
        # DuckDB 2 registers nothing while an earlier statement's result is unread to its end
        con.complete()
        con.register(name, records)  # read in place by the statement that checks it
        n = records.num_rows
        headers = [(h or "").strip() for h in head[at]]
        titles = sum(1 for row in head[:at] if any(row))
        out.append(
            RawTable(
                f"{path.name}#{sheet}",
                path,
                "",
                src,
                name,
                headers,
                n,
                encoding=path.suffix.lower().lstrip("."),
                header_row=at + 1,
                title_rows=titles,
            )
        )
    if not out:
        raise FileRefused("the workbook has no sheet with a header row")
    return out


def _nested(kind: str) -> bool:
    return kind.endswith("]") or kind.startswith(("STRUCT", "MAP", "UNION"))


def read_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    tmpdir: Path,
    *,
    source: str | None = None,
    encoding: str | None = None,
    prefix: str = "f",
    find_header: HeaderFinder | None = None,
) -> list[RawTable]:
    """Read one input file into DuckDB tables, or for a CSV file open it to be read by
    `materialise`; a workbook gives one table per sheet. The SHA-256 is left to the caller
    (sha256_of), which computes it while DuckDB reads."""
    path = Path(path)
    if not path.is_file():
        raise FileRefused("no such file")
    digest = ""
    suffix = path.suffix.lower()
    if suffix in workbook.SUFFIXES:
        return _read_workbook(con, path, source, find_header, prefix)
    src = source or source_for_name(path.stem)
    if suffix == ".parquet":
        try:
            schema = con.execute(
                "select column_name, column_type from (describe select * from read_parquet(?))", [str(path)]
            ).fetchall()
            if len(schema) > MAX_COLUMNS:
                raise FileRefused(f"{len(schema):,} columns: over {MAX_COLUMNS:,} columns")
            # nested columns (struct, list, map) are no contract column: left out, like any unknown one
            names = [name for name, kind in schema if not _nested(kind)]
            cols = ", ".join(
                f'cast("{h.replace(chr(34), chr(34) * 2)}" as varchar) as c{i}' for i, h in enumerate(names)
            )
            con.execute(
                f"create table {prefix} as select {cols}, file_row_number + 1 as _row_number "
                "from read_parquet(?, file_row_number = true)",
                [str(path)],
            )
        except duckdb.Error as exc:
            raise FileRefused(f"not a readable Parquet file: {first_line(exc)}") from None
        n = con.execute(f"select count(*) from {prefix}").fetchone()[0]
        return [RawTable(path.name, path, digest, src, prefix, names, n, encoding="parquet")]
    if suffix in (".csv", ".txt", ".tsv"):
        return [open_csv(path, encoding, tmpdir, src, find_header)]
    raise FileRefused(f"unsupported file type '{suffix}' (use .csv, .xlsx, .xls, .ods or .parquet)")


def safe_name(name: str, fallback: str) -> str:
    """A name any file system stores, for a file named `name` by a browser or a user: its last path
    part, without control characters or separators, at most 200 bytes in UTF-8 (the suffix kept), or
    `fallback` plus the suffix when nothing is left."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable() and ch not in "/\0").strip()
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = ("." + suffix)[:16] if dot and suffix else ""
    while len((stem + suffix).encode("utf-8")) > 200:
        stem = stem[:-1]
    if stem.strip(".") == "":
        stem = fallback
    return stem + suffix


def scratch_dir(data: Path) -> tempfile.TemporaryDirectory:
    """A scratch directory on the data volume (transcoded files, DuckDB spill), named after this
    process; those of processes no longer running (a killed load or check) are removed first."""
    Path(data).mkdir(parents=True, exist_ok=True)
    for old in Path(data).glob(".scratch-*"):
        pid = old.name.split("-")[1]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)) or not pid.isdigit():
            shutil.rmtree(old, ignore_errors=True)
    return tempfile.TemporaryDirectory(prefix=f".scratch-{os.getpid()}-", dir=os.fspath(data))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
