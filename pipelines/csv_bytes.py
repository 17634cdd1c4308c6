"""A CSV file as bytes, before DuckDB parses it: its encoding (UTF-8, UTF-8 with BOM, GBK), the few
lines that do not decode in it (rejected rows, read from a copy without them), and its line ends and
widths (mixed line ends read as line ends; over-long or over-wide lines refuse the file, found by a
linear scan). See docs/design.md, "Landing and loading"."""

from __future__ import annotations

import bisect
import codecs
import csv
import re
from dataclasses import dataclass
from pathlib import Path

from .refusals import FileRefused

CHUNK = 1 << 20
MAX_COLUMNS = 1000  # a file with more columns is refused (SPEC §3), before its rows are parsed
MAX_LINE = 1 << 20  # a CSV line longer than this (in bytes) refuses its file (SPEC §3)


def detect_encoding(path: Path, head: int = 1 << 16) -> str:
    """'utf-8-sig' when a BOM is present, 'utf-8' when the head of the file decodes as UTF-8, else
    'gbk'. Invalid UTF-8 further on is caught by DuckDB's reader, and the file is then scanned line
    by line (`_scan`). A UTF-16 file — Excel's "Unicode Text" export, tab-separated — is told by its
    byte-order mark ('utf-16'), or without one by a NUL byte in every other place ('utf-16-le' when
    the NULs follow the ASCII bytes, else 'utf-16-be'); it is read through a UTF-8 copy."""
    with open(path, "rb") as fh:
        start = fh.read(head)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    pairs = start[: len(start) // 2 * 2]
    even, odd = pairs[0::2].count(0), pairs[1::2].count(0)
    if len(pairs) >= 8 and max(even, odd) * 4 >= len(pairs):
        return "utf-16-le" if odd >= even else "utf-16-be"
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
    return ENCODING_NAMES.get(enc) or enc.upper()


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
    return cut(shown, limit)


def undecodable_rejects(scan: Scan, header_line: int, delim: str, width: int) -> list[tuple]:
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


@dataclass(frozen=True)
class Lines:
    """What one linear pass over a CSV file's lines found."""

    wide: list[tuple[int, int, int]]  # (line number, byte offset, length) of lines over MAX_COLUMNS bytes
    mixed: bool  # line ends of more than one kind (LF, CR LF, lone CR)
    blank: list[int]  # line numbers of empty lines (DuckDB's parser skips them)
    count: int  # lines in the file


def long_lines(path: Path) -> Lines:
    """The lines longer than MAX_COLUMNS bytes, the only ones that can hold more than MAX_COLUMNS
    fields; whether line ends are mixed (DuckDB's parser takes one kind per file); the empty lines
    (their place keeps later rows' numbers those of the file); a line over MAX_LINE refuses the file. The scan is linear: DuckDB's parser needs time and memory quadratic
    in the fields of an over-wide line (it keeps the whole line per surplus field)."""
    import numpy as np

    found: list[tuple[int, int, int]] = []
    blank: list[int] = []
    line, start, pos, pending_cr = 1, 0, 0, None  # pending_cr: a CR that ended the previous chunk
    kinds = [0, 0, 0]  # CR LF, LF alone, CR alone

    def lines_ending_at(ends: np.ndarray, arr: np.ndarray, at: int) -> None:
        nonlocal line, start
        if not len(ends):
            return
        starts = np.concatenate(([start], ends[:-1] + 1))
        lengths = ends - starts
        if lengths.max() > MAX_LINE:
            at = int(np.argmax(lengths > MAX_LINE))
            raise FileRefused(f"line {line + at} is longer than 1 MiB ({int(lengths[at]):,} bytes)")
        found.extend((line + int(i), int(starts[i]), int(lengths[i])) for i in np.flatnonzero(lengths > MAX_COLUMNS))
        # empty: nothing before the line end, or only the CR of a CR LF (a line starting in an
        # earlier chunk is longer than one byte unless it is that chunk's last byte, a lone CR: a line end)
        one = np.flatnonzero(lengths == 1)
        one = one[starts[one] >= at]
        cr = one[arr[starts[one] - at] == 13] if len(one) else one
        blank.extend(line + int(i) for i in np.sort(np.concatenate((np.flatnonzero(lengths == 0), cr))))
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
            lines_ending_at(ends, arr, pos)
            pos += len(arr)
            if pos - start > MAX_LINE:
                raise FileRefused(f"line {line} is longer than 1 MiB")
    if pos > start:  # an unterminated last line
        lines_ending_at(np.array([pos]), np.zeros(0, dtype=np.uint8), pos)
    return Lines(found, sum(k > 0 for k in kinds) > 1, blank, line - 1)


def lf_copy(path: Path, tmpdir: Path) -> Path:
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


def check_width(path: Path, long_lines: list[tuple[int, int, int]], delim: str) -> None:
    """Refuse a file with a line of more than MAX_COLUMNS fields (SPEC §3)."""
    with open(path, "rb") as fh:
        for line, offset, length in long_lines:
            fh.seek(offset)
            text = fh.read(length).decode("utf-8", errors="replace")
            fields = len(next(csv.reader([text], delimiter=delim), []))
            if fields > MAX_COLUMNS:
                raise FileRefused(f"line {line} has {fields:,} fields: over {MAX_COLUMNS:,} columns")


def decoded(path: Path, enc: str, forced: bool, rescan: bool, tmpdir: Path) -> tuple[Path, str, Scan | None]:
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


def cut(line: str | None, limit: int = 1024) -> str | None:
    """A malformed line as its reject keeps it in `value`: at most `limit` bytes of UTF-8."""
    if line is None:
        return None
    return line.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
