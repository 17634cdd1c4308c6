"""Read source files (CSV in UTF-8 / UTF-8 with BOM / GBK, XLSX, Parquet) into DuckDB as text.

Every reader gives a file (or an XLSX sheet) as a relation of VARCHAR columns c0, c1, …, with
each row's 1-based data row number (header excluded), and reports the headers it found. XLSX and
Parquet are landed as a table with a _row_number column. A CSV file is read by the statement that
validates it (`materialise`): its rows go straight from the parser into the checked table, whose
row order is the file's, so that row numbers are rowids. Lines the CSV parser cannot split (too
many or too few fields) are returned as rejected rows, never dropped. Headers never enter SQL
text: columns are renamed to positional names.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from .contract import source_for_name

CHUNK = 1 << 20


class FileRefused(Exception):
    """The whole file cannot be loaded (unreadable, unknown source, missing required columns)."""


# A CSV file as text: named parameters, bound by the statement that reads it (materialise).
CSV_RELATION = (
    "read_csv($csv_path, header = false, skip = 1, all_varchar = true, delim = $csv_delim, quote = '\"', "
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
    parse_rejects: list[tuple[int, str]] = field(default_factory=list)  # (row_number, reason)
    encoding: str = ""
    params: dict = field(default_factory=dict)  # parameters of `table`
    forced: bool = False  # the encoding was given (--encoding), not detected
    # a CSV file's 1-based data row number, as SQL over the rowid of the table its checked rows went
    # into (set by materialise); any other raw table carries it as its _row_number column
    row_number_sql: str | None = None

    @property
    def is_csv(self) -> bool:
        return "csv_path" in self.params


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def detect_encoding(path: Path, head: int = 1 << 16) -> str:
    """'utf-8-sig' when a BOM is present, 'utf-8' when the head of the file decodes as UTF-8, else
    'gbk'. Invalid UTF-8 further on is caught by DuckDB's reader, and read_csv then retries as GBK."""
    with open(path, "rb") as fh:
        start = fh.read(head)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(start, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        return "gbk"


def _utf8_copy(path: Path, encoding: str, tmpdir: Path) -> Path:
    """Transcode to a temporary UTF-8 file without BOM (DuckDB reads UTF-8 only)."""
    out = tmpdir / (path.stem + ".utf8.csv")
    dec = codecs.getincrementaldecoder(encoding)(errors="strict")
    with open(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        while chunk := src.read(CHUNK):
            dst.write(dec.decode(chunk))
        dst.write(dec.decode(b"", final=True))
    return out


def _header_line(path: Path) -> tuple[list[str], str]:
    """The header fields and the delimiter (comma, semicolon or tab) of a UTF-8 CSV file."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        first = fh.readline()
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    delim = max(counts, key=counts.get) if max(counts.values()) else ","
    fields = next(csv.reader(io.StringIO(first), delimiter=delim), [])
    return [f.strip() for f in fields], delim


def open_csv(path: Path, encoding: str | None, tmpdir: Path) -> RawTable:
    """A CSV file as a RawTable to be read by `materialise`: its encoding detected (or forced) and
    transcoded to UTF-8 if need be, its header line and delimiter found."""
    forced = encoding is not None
    enc = (encoding or detect_encoding(path)).lower().replace("_", "-")
    enc = "utf-8" if enc in ("utf8", "utf-8") else enc
    try:
        src = path if enc == "utf-8" else _utf8_copy(path, enc, tmpdir)
    except (UnicodeDecodeError, LookupError) as exc:
        raise FileRefused(f"cannot decode as {enc}: {exc}") from None
    headers, delim = _header_line(src)
    if not any(headers):
        raise FileRefused("the file is empty or has no header row")
    params = {
        "csv_path": str(src),
        "csv_delim": delim,
        "csv_columns": {f"c{i}": "VARCHAR" for i in range(len(headers))},
    }
    return RawTable(path.name, path, "", None, CSV_RELATION, headers, None, encoding=enc, params=params, forced=forced)


def materialise(
    con, raw: RawTable, statement: Callable[[RawTable], tuple[str, dict]], out: str, tmpdir: Path
) -> RawTable:
    """Run `statement(raw)`, which creates table `out` from `raw.table`. For a CSV file that
    statement reads the file: this also keeps the file's row order in `out`, collects the lines
    the parser rejected, and returns the raw table with rows_read and row_number_sql (over `out`)
    set; a file whose head was UTF-8 but whose rest is not is read again as GBK."""
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
        raise FileRefused(f"cannot parse as CSV: {exc}") from None
    finally:
        con.execute(f"set preserve_insertion_order = {'true' if kept else 'false'}")
    rejects = con.execute(
        "select line - 1 as row_number, any_value(error_type order by column_idx) as error_type, "
        "any_value(error_message order by column_idx) from reject_errors group by line order by line"
    ).fetchall()
    # DuckDB 2 names a line that is not UTF-8 INVALID ENCODING (earlier versions INVALID UNICODE)
    if (
        not raw.forced
        and raw.encoding == "utf-8"
        and any(r[1] in ("INVALID ENCODING", "INVALID UNICODE") for r in rejects)
    ):
        # the head was ASCII, the rest is not UTF-8
        gbk = replace(
            open_csv(raw.path, "gbk", tmpdir),
            file_name=raw.file_name,
            sha256=raw.sha256,
            source=raw.source,
            forced=False,
        )
        return materialise(con, gbk, statement, out, tmpdir)
    parse_rejects = [(r[0], f"malformed CSV line: {r[2] or r[1]}") for r in rejects]
    n = con.execute(f"select count(*) from {out}").fetchone()[0]
    if not parse_rejects:
        return replace(raw, rows_read=n, parse_rejects=[], row_number_sql="rowid + 1")
    # The i-th parsed row is the i-th data row that was not rejected.
    con.execute(
        f"create or replace table {out}_rej as select row_number - row_number() over "
        "(order by row_number) as shift from (select unnest(?::bigint[]) as row_number)",
        [[r[0] for r in parse_rejects]],
    )
    return replace(
        raw,
        rows_read=n + len(parse_rejects),
        parse_rejects=parse_rejects,
        row_number_sql=f"{out}.rowid + 1 + (select count(*) from {out}_rej r where r.shift < {out}.rowid + 1)",
    )


def _cell_text(value) -> str | None:
    """An XLSX cell as contract text; date cells become ISO timestamps in local time."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def read_xlsx_sheets(path: Path):
    """Yield (sheet name, headers, rows as [row_number, cells…]) of every non-empty sheet."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise FileRefused(f"not a readable XLSX workbook: {exc}") from None
    try:
        for ws in wb.worksheets:
            it = ws.iter_rows(values_only=True)
            header = next(it, None)
            if header is None or not any(h is not None for h in header):
                continue
            headers = [str(h).strip() if h is not None else "" for h in header]
            rows = []
            for excel_row, values in enumerate(it, start=2):
                cells = [_cell_text(v) for v in values[: len(headers)]]
                if any(c is not None for c in cells):  # a wholly blank row is not a record
                    rows.append((excel_row - 1, cells + [None] * (len(headers) - len(cells))))
            yield ws.title, headers, rows
    finally:
        wb.close()


def _arrow_table(headers: list[str], rows: list):
    import pyarrow as pa  # only XLSX sheets need it: not imported for a CSV load

    arrays = {f"c{i}": pa.array([r[1][i] for r in rows], pa.string()) for i in range(len(headers))}
    arrays["_row_number"] = pa.array([r[0] for r in rows], pa.int64())
    return pa.table(arrays)


def read_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    tmpdir: Path,
    *,
    source: str | None = None,
    encoding: str | None = None,
    prefix: str = "f",
) -> list[RawTable]:
    """Read one input file into DuckDB tables, or for a CSV file open it to be read by
    `materialise`; an XLSX workbook gives one table per sheet. The SHA-256 is left to the caller
    (sha256_of), which computes it while DuckDB reads."""
    path = Path(path)
    if not path.is_file():
        raise FileRefused("no such file")
    digest = ""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        out = []
        sheets = list(read_xlsx_sheets(path))
        for i, (sheet, headers, rows) in enumerate(sheets):
            src = source or source_for_name(sheet) or (source_for_name(path.stem) if len(sheets) == 1 else None)
            name = f"{prefix}_{i}"
            tbl = _arrow_table(headers, rows)  # noqa: F841  (read by DuckDB's replacement scan)
            con.execute(f"create table {name} as select * from tbl")
            out.append(RawTable(f"{path.name}#{sheet}", path, digest, src, name, headers, len(rows), encoding="xlsx"))
        if not out:
            raise FileRefused("the workbook has no sheet with a header row")
        return out
    src = source or source_for_name(path.stem)
    if suffix == ".parquet":
        try:
            names = [
                r[0]
                for r in con.execute(
                    "select name from parquet_schema(?) where num_children is null or num_children = 0", [str(path)]
                ).fetchall()
            ]
            cols = ", ".join(
                f'cast("{h.replace(chr(34), chr(34) * 2)}" as varchar) as c{i}' for i, h in enumerate(names)
            )
            con.execute(
                f"create table {prefix} as select {cols}, file_row_number + 1 as _row_number "
                "from read_parquet(?, file_row_number = true)",
                [str(path)],
            )
        except duckdb.Error as exc:
            raise FileRefused(f"not a readable Parquet file: {exc}") from None
        n = con.execute(f"select count(*) from {prefix}").fetchone()[0]
        return [RawTable(path.name, path, digest, src, prefix, names, n, encoding="parquet")]
    if suffix in (".csv", ".txt", ".tsv"):
        return [replace(open_csv(path, encoding, tmpdir), source=src)]
    raise FileRefused(f"unsupported file type '{suffix}' (use .csv, .xlsx or .parquet)")


def scratch_dir(data: Path) -> tempfile.TemporaryDirectory:
    """A scratch directory on the data volume (transcoded files, DuckDB spill)."""
    Path(data).mkdir(parents=True, exist_ok=True)
    return tempfile.TemporaryDirectory(prefix=".scratch-", dir=os.fspath(data))
