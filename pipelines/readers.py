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
the file's encoding (`_decoded`). Headers never enter SQL text: columns are renamed to positional names.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import hashlib
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import duckdb

from . import workbook
from .contract import source_for_name

CHUNK = 1 << 20
MAX_COLUMNS = 1000  # a file with more columns is refused (SPEC §3), before its rows are parsed
MAX_LINE = 1 << 20  # a CSV line longer than this (in bytes) refuses its file (SPEC §3)
HEAD_ROWS = 30  # the header is looked for in this many rows at the top of a file or sheet (SPEC §3)

# find_header(rows, source): the index of the header among the first rows of a file or sheet (cells
# as text, None when empty), or None when none names the source's required columns
HeaderFinder = Callable[[list[list[str | None]], str | None], int | None]


class FileRefused(Exception):
    """The whole file cannot be loaded (unreadable, unknown source, missing required columns)."""


def refusal_of(exc: BaseException) -> str:
    """The one-line reason a reader's error gives: a damaged workbook's zlib or XML error, a Parquet
    or CSV reader's error, an encoding error (SPEC §3: a file that cannot be read is refused)."""
    if isinstance(exc, FileRefused):
        return str(exc)
    text = first_line(exc)
    return f"cannot read the file ({type(exc).__name__}{': ' + text if text else ''})"


def first_line(exc: BaseException) -> str:
    """An error's first line, cut at 300 characters (DuckDB adds the statement below it)."""
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return text if len(text) <= 300 else text[:299] + "…"


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
    # its parameters): lines the CSV parser could not split, lines that do not decode (`_scan`)
    parse_rejects: list[tuple[int, int | None, str | None, str, dict]] = field(default_factory=list)
    # data rows left out of the copy DuckDB reads (undecodable lines), in the file's numbering
    removed_rows: list[int] = field(default_factory=list)
    scanned: bool = False  # the file was scanned line by line for its encoding (`_decoded`)
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


def detect_encoding(path: Path, head: int = 1 << 16) -> str:
    """'utf-8-sig' when a BOM is present, 'utf-8' when the head of the file decodes as UTF-8, else
    'gbk'. Invalid UTF-8 further on is caught by DuckDB's reader, and the file is then scanned line
    by line (`_scan`). A UTF-16 file (its byte-order mark, or a NUL byte in every other place) is
    refused: neither its lines nor its fields can be told in UTF-8 or GBK."""
    with open(path, "rb") as fh:
        start = fh.read(head)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRefused("looks like UTF-16 (byte-order mark): save it as UTF-8 or GBK")
    pairs = start[: len(start) // 2 * 2]
    if len(pairs) >= 8 and max(pairs[0::2].count(0), pairs[1::2].count(0)) * 4 >= len(pairs):
        raise FileRefused("looks like UTF-16 (a NUL byte in every other place): save it as UTF-8 or GBK")
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


ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gbk": "GBK"}
SCANNED = tuple(ENCODING_NAMES)  # the encodings whose files are scanned line by line (`_scan`)
REPAIR_ROWS = 100  # a file with at most this many undecodable lines, or 1 % of its lines, loads the rest
SCAN_KEEP = 100_000  # a scan stops after this many undecodable lines: the file is refused


def encoding_name(enc: str) -> str:
    return ENCODING_NAMES.get(enc, enc)


@dataclass
class Scan:
    """The lines of a file that do not decode in one encoding: (1-based line, its bytes), of `lines`."""

    encoding: str
    bad: list[tuple[int, bytes]]
    lines: int
    complete: bool  # False: stopped at SCAN_KEEP undecodable lines

    @property
    def repairable(self) -> bool:
        """Only a small share of lines fail (SPEC §3: a flaw in one row rejects that row)."""
        n = len(self.bad)
        return self.complete and 2 * n < self.lines and (n <= REPAIR_ROWS or 100 * n <= self.lines)

    def first(self) -> str:
        line, raw = self.bad[0]
        bad = _bad_bytes(raw.decode(self.encoding, errors="surrogateescape"))
        return f"byte 0x{bad[0]:02x} at line {line}"


def _line_chunks(path: Path):
    """(number of the chunk's first line, chunk) of a file cut after a line end (LF, CR LF, lone CR)."""
    line, carry = 1, b""
    with open(path, "rb") as fh:
        while True:
            chunk = fh.read(CHUNK)
            data = carry + chunk
            if not chunk:
                if data:
                    yield line, data
                return
            # a CR at the very end may be the first half of a CR LF: it is cut with the next chunk
            cut = max(data.rfind(b"\n"), data.rfind(b"\r", 0, len(data) - 1)) + 1
            if cut == 0:
                if len(data) > MAX_LINE:
                    raise FileRefused(f"line {line} is longer than 1 MiB")
                carry = data
                continue
            yield line, data[:cut]
            line += len(data[:cut].splitlines())
            carry = data[cut:]


def _scan(path: Path, enc: str) -> Scan:
    """The lines of `path` that do not decode in `enc`: chunks are decoded whole, the lines of a
    chunk that fails one by one."""
    bad: list[tuple[int, bytes]] = []
    total = 0
    sig = enc == "utf-8-sig"
    for first, chunk in _line_chunks(path):
        lines = None
        try:
            chunk.decode("utf-8" if sig else enc)
        except UnicodeDecodeError:
            lines = chunk.splitlines(keepends=True)
            for i, raw in enumerate(lines):
                body = (
                    raw[len(codecs.BOM_UTF8) :] if sig and first + i == 1 and raw.startswith(codecs.BOM_UTF8) else raw
                )
                try:
                    body.decode("utf-8" if sig else enc)
                except UnicodeDecodeError:
                    bad.append((first + i, raw))
                    if len(bad) >= SCAN_KEEP:
                        return Scan(enc, bad, total + i + 1, False)
        total += len(lines) if lines is not None else len(chunk.splitlines())
    return Scan(enc, bad, total, True)


def _repaired_copy(path: Path, scan: Scan, tmpdir: Path) -> Path:
    """A UTF-8 copy of `path` in `scan.encoding` without its undecodable lines."""
    out = tmpdir / (path.stem + ".repaired.csv")
    skip = {line for line, _ in scan.bad}
    lines = sorted(skip)
    enc = "utf-8" if scan.encoding == "utf-8-sig" else scan.encoding
    with open(out, "wb") as dst:
        for first, chunk in _line_chunks(path):
            if first == 1 and chunk.startswith(codecs.BOM_UTF8):
                chunk = chunk[len(codecs.BOM_UTF8) :]
            # a chunk holds fewer lines than bytes: none of its lines is left out
            if bisect.bisect_left(lines, first) == bisect.bisect_left(lines, first + len(chunk)):
                dst.write(chunk.decode(enc).encode("utf-8"))
                continue
            for i, raw in enumerate(chunk.splitlines(keepends=True)):
                if first + i not in skip:
                    dst.write(raw.decode(enc).encode("utf-8"))
    return out


def _bad_bytes(text: str) -> bytes:
    """The first run of undecoded bytes in text decoded with errors='surrogateescape'."""
    run = re.search("[\udc80-\udcff]+", text)
    return bytes(ord(ch) - 0xDC00 for ch in run.group()) if run else b""


def _shown(text: str, limit: int = 1024) -> str:
    """Text decoded with errors='surrogateescape', its undecoded bytes shown as \\xff, cut at `limit` bytes."""
    shown = re.sub("[\udc80-\udcff]", lambda m: f"\\x{ord(m.group()) - 0xDC00:02x}", text)
    return _cut(shown, limit)


def _undecodable_rejects(scan: Scan, header_line: int, delim: str, width: int) -> list[tuple]:
    """The undecodable lines below the header as rejected rows: (data row, column index or None,
    value, code, parameters); the field holding the bad bytes is told by splitting the line."""
    out = []
    enc = "utf-8" if scan.encoding == "utf-8-sig" else scan.encoding
    for line, raw in scan.bad:
        text = raw.decode(enc, errors="surrogateescape").rstrip("\r\n")
        column, value = None, text
        try:
            fields = next(csv.reader([text], delimiter=delim), [])
        except csv.Error:
            fields = []
        held = [i for i, f in enumerate(fields) if re.search("[\udc80-\udcff]", f)]
        if len(fields) == width and len(held) == 1:
            column, value = held[0], fields[held[0]]
        bad = _bad_bytes(value) or _bad_bytes(text)
        params = {"encoding": encoding_name(scan.encoding), "bytes": bad.hex(" ")}
        out.append((line - header_line, column, _shown(value), "undecodable_bytes", params))
    return out


def _refusal(scans: list[Scan]) -> FileRefused:
    """'not valid UTF-8 (byte 0xff at line 7) nor GBK (byte 0x80 at line 2)'."""
    parts = [f"{encoding_name(s.encoding)} ({s.first()})" for s in scans]
    best = min(scans, key=lambda s: len(s.bad))
    share = (
        f"{len(best.bad):,} of {best.lines:,} lines do not decode"
        if best.complete
        else f"over {SCAN_KEEP:,} lines do not decode"
    )
    return FileRefused(f"not valid {' nor '.join(parts)}: {share}")


def _long_lines(path: Path) -> tuple[list[tuple[int, int, int]], bool]:
    """(line number, byte offset, length) of the lines longer than MAX_COLUMNS bytes, the only ones
    that can hold more than MAX_COLUMNS fields, and whether line ends are mixed (LF, CR LF, lone CR:
    DuckDB's parser takes one kind per file); a line over MAX_LINE refuses the file. The scan is linear: DuckDB's parser needs time and memory quadratic
    in the fields of an over-wide line (it keeps the whole line per surplus field)."""
    import numpy as np

    found: list[tuple[int, int, int]] = []
    line, start, pos, pending_cr = 1, 0, 0, None  # pending_cr: a CR that ended the previous chunk
    kinds = [0, 0, 0]  # CR LF, LF alone, CR alone

    def lines_ending_at(ends: np.ndarray) -> None:
        nonlocal line, start
        if not len(ends):
            return
        starts = np.concatenate(([start], ends[:-1] + 1))
        lengths = ends - starts
        if lengths.max() > MAX_LINE:
            at = int(np.argmax(lengths > MAX_LINE))
            raise FileRefused(f"line {line + at} is longer than 1 MiB ({int(lengths[at]):,} bytes)")
        found.extend((line + int(i), int(starts[i]), int(lengths[i])) for i in np.flatnonzero(lengths > MAX_COLUMNS))
        line, start = line + len(ends), int(ends[-1]) + 1

    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            arr = np.frombuffer(chunk, dtype=np.uint8)
            crlf = chunk.count(b"\r\n")
            kinds = [kinds[0] + crlf, kinds[1] + chunk.count(b"\n") - crlf, kinds[2] + chunk.count(b"\r") - crlf]
            lf, lone_cr = arr == 10, arr == 13
            lone_cr[:-1] &= ~lf[1:]  # a CR LF ends at its LF
            ends = pos + np.flatnonzero(lf | lone_cr)
            if pending_cr is not None and arr[0] != 10:
                ends = np.concatenate(([pending_cr], ends))
            pending_cr = None
            if arr[-1] == 13:  # whether it is a CR LF shows in the next chunk
                pending_cr, ends = pos + len(arr) - 1, ends[:-1]
            lines_ending_at(ends)
            pos += len(arr)
            if pos - start > MAX_LINE:
                raise FileRefused(f"line {line} is longer than 1 MiB")
    lines_ending_at(np.array([pos]) if pos > start else np.array([], dtype=np.int64))  # an unterminated last line
    return found, sum(k > 0 for k in kinds) > 1


def _lf_copy(path: Path, tmpdir: Path) -> Path:
    """A copy whose line ends are all LF (a CR LF and a lone CR are each one line end)."""
    out = tmpdir / (path.stem + ".lf.csv")
    with open(path, "rb") as src, open(out, "wb") as dst:
        carry = b""
        while chunk := src.read(CHUNK):
            chunk = carry + chunk
            carry = b"\r" if chunk.endswith(b"\r") else b""
            chunk = chunk[:-1] if carry else chunk
            dst.write(chunk.replace(b"\r\n", b"\n").replace(b"\r", b"\n"))
        dst.write(b"\n" if carry else b"")
    return out


def _check_width(path: Path, long_lines: list[tuple[int, int, int]], delim: str) -> None:
    """Refuse a file with a line of more than MAX_COLUMNS fields (SPEC §3)."""
    with open(path, "rb") as fh:
        for line, offset, length in long_lines:
            fh.seek(offset)
            text = fh.read(length).decode("utf-8", errors="replace")
            fields = len(next(csv.reader([text], delimiter=delim), []))
            if fields > MAX_COLUMNS:
                raise FileRefused(f"line {line} has {fields:,} fields: over {MAX_COLUMNS:,} columns")


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


def _decoded(path: Path, enc: str, forced: bool, rescan: bool, tmpdir: Path) -> tuple[Path, str, Scan | None]:
    """(UTF-8 file to read, its encoding, the scan that found undecodable lines or None). A file that
    does not decode whole (or that DuckDB found not to be UTF-8: `rescan`) is scanned line by line in
    UTF-8 and GBK (only the given encoding when forced): one that decodes whole in either is read in
    it; else, when few lines fail in the encoding where fewest fail, a copy without them is read and
    they are rejected rows; else the file is refused naming each encoding tried."""
    if not rescan:
        if enc == "utf-8":
            return path, enc, None
        try:
            return _utf8_copy(path, enc, tmpdir), enc, None
        except LookupError as exc:
            raise FileRefused(f"cannot decode as {enc}: {exc}") from None
        except UnicodeDecodeError as exc:
            if enc not in SCANNED:
                raise FileRefused(f"not valid {enc}: {exc}") from None
    scans = []
    for candidate in [enc] if forced or enc == "utf-8-sig" else ["utf-8", "gbk"]:
        scan = _scan(path, candidate)
        if not scan.bad:
            return (path if candidate == "utf-8" else _utf8_copy(path, candidate, tmpdir)), candidate, None
        scans.append(scan)
    best = min(scans, key=lambda s: len(s.bad))  # the first on a tie: UTF-8
    if not best.repairable:
        raise _refusal(scans)
    return _repaired_copy(path, best, tmpdir), best.encoding, best


def open_csv(
    path: Path,
    encoding: str | None,
    tmpdir: Path,
    source: str | None = None,
    find_header: HeaderFinder | None = None,
    rescan: bool = False,
) -> RawTable:
    """A CSV file as a RawTable to be read by `materialise`: its encoding detected (or forced) and
    transcoded to UTF-8 if need be, its undecodable lines set aside as rejected rows (`_decoded`),
    its header line and delimiter found."""
    forced = encoding is not None
    enc = (encoding or detect_encoding(path)).lower().replace("_", "-")
    enc = "utf-8" if enc in ("utf8", "utf-8") else enc
    src, enc, scan = _decoded(path, enc, forced, rescan, tmpdir)
    long_lines, mixed = _long_lines(src)
    if mixed:  # read as line ends, every kind: the copy has the same lines, at other offsets
        src = _lf_copy(src, tmpdir)
        long_lines, _ = _long_lines(src)
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
    _check_width(src, long_lines, delim)
    headers = [f or "" for f in fields]
    params = {
        "csv_path": str(src),
        "csv_delim": delim,
        "csv_skip": at + 1,
        "csv_columns": {f"c{i}": "VARCHAR" for i in range(len(headers))},
    }
    titles = sum(1 for line in lines[:at] if any(_split(line, delim)))
    undecodable = _undecodable_rejects(scan, at + 1, delim, len(headers)) if scan else []
    return RawTable(
        path.name,
        path,
        "",
        source,
        CSV_RELATION,
        headers,
        None,
        parse_rejects=undecodable,
        removed_rows=[r[0] for r in undecodable],
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
    (as GBK, or without its undecodable lines: `_decoded`)."""
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
            (_in_file(r[0], raw.removed_rows), None, _cut(r[3]), "malformed_line", {"error": r[2] or r[1]})
            for r in rejects
        ],
        key=lambda r: r[0],
    )
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


def _in_file(row: int, removed: list[int]) -> int:
    """The file's row number of row `row` of a copy from which the (sorted) rows `removed` were left out."""
    for gone in removed:
        if gone <= row:
            row += 1
    return row


def _cut(line: str | None, limit: int = 1024) -> str | None:
    """A malformed line as its reject keeps it in `value`: at most `limit` bytes of UTF-8."""
    if line is None:
        return None
    return line.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


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
