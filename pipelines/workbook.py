"""Read workbooks (.xlsx, .xlsm, .xls, .ods) with calamine, through fastexcel, as Arrow text columns.

Each cell comes as the text its value shows (SPEC §3): a number without a needless `.0` (`12345`,
never `12345.0`), text as written (`00123`), a date cell as `YYYY-MM-DD HH:MM:SS`, a boolean as
true / false; a blank cell, a whitespace-only cell and an error cell (`#N/A`, `#DIV/0!`) as null.
Formulas read as their cached values, a merged range as its top-left cell. An OpenDocument error
cell is stored as the number 0 with an error mark beside it, which calamine does not read: those cells
are found in the sheet's XML and made null (`_ods_error_cells`). Rows are kept in sheet
order from the sheet's first used row, blank rows included, so a row's index is its place on the
sheet (row numbers are counted from the header row by the caller).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import defusedxml.ElementTree as SafeXML
import fastexcel
import numpy as np
import pyarrow as pa

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MAX_COLUMNS = 1000  # a sheet with more columns is refused (SPEC §3)


class WorkbookError(Exception):
    """The workbook cannot be read at all (damaged, encrypted, not a workbook)."""


def sheets(path: Path) -> Iterator[tuple[str, pa.RecordBatch]]:
    """(sheet name, its cells as string columns c0, c1, …) for every sheet with at least one row."""
    try:
        reader = fastexcel.read_excel(str(path))
        names = reader.sheet_names
    except (fastexcel.FastExcelError, OSError) as exc:
        raise WorkbookError(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from None
    errors = _ods_error_cells(path) if path.suffix.lower() == ".ods" else {}
    for index, name in enumerate(names):
        try:
            # skip_rows=0 keeps leading blank rows (fastexcel drops them by default without a header)
            batch = reader.load_sheet(
                index, header_row=None, skip_rows=0, dtypes="string", whitespace_as_null=True, eager=True
            )
        except fastexcel.FastExcelError as exc:
            raise WorkbookError(f"sheet {name!r}: {str(exc).splitlines()[0]}") from None
        if batch.num_rows == 0 or batch.num_columns == 0:
            continue
        if batch.num_columns > MAX_COLUMNS:
            raise WorkbookError(f"sheet {name!r} has {batch.num_columns:,} columns: over {MAX_COLUMNS:,} columns")
        columns = _null_cells(list(batch.columns), *errors[name]) if name in errors else batch.columns
        yield name, pa.RecordBatch.from_arrays(columns, names=[f"c{i}" for i in range(batch.num_columns)])


_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"


def _ods_error_cells(path: Path) -> dict[str, tuple[set[tuple[int, int]], int]]:
    """For each sheet of an OpenDocument file with error cells: their (row, column) places on the sheet
    and the sheet's first used column (calamine's columns start there, its rows at the sheet's top)."""
    try:
        with zipfile.ZipFile(path) as archive:
            content = archive.read("content.xml")
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError) as exc:
        raise WorkbookError(f"not a readable OpenDocument file: {exc}") from None
    if b'value-type="error"' not in content:  # the usual case: no error cell, no parse
        return {}
    found: dict[str, tuple[set[tuple[int, int]], int]] = {}
    sheet, cells, first_column, row, column = None, set(), None, 0, 0
    try:
        for event, element in SafeXML.iterparse(io.BytesIO(content), events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_TABLE}table":
                    sheet, cells, first_column, row = element.get(f"{_TABLE}name"), set(), None, 0
                elif tag == f"{_TABLE}table-row":
                    column = 0
                continue
            if tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                repeat = int(element.get(f"{_TABLE}number-columns-repeated", "1"))
                used = element.get(f"{_OFFICE}value-type") is not None or "".join(element.itertext()).strip()
                if used and (first_column is None or column < first_column):
                    first_column = column
                if element.get(f"{_CALCEXT}value-type") == "error":
                    cells.update((row, column + k) for k in range(min(repeat, MAX_COLUMNS + 1)))
                column += repeat
                element.clear()
            elif tag == f"{_TABLE}table-row":
                row += int(element.get(f"{_TABLE}number-rows-repeated", "1"))
                element.clear()
            elif tag == f"{_TABLE}table" and cells and sheet is not None:
                found[sheet] = (cells, first_column or 0)
    except (SafeXML.ParseError, ValueError) as exc:
        raise WorkbookError(f"not a readable OpenDocument file: {str(exc).splitlines()[0]}") from None
    return found


def _null_cells(columns: list[pa.Array], cells: set[tuple[int, int]], first_column: int) -> list[pa.Array]:
    """The columns with the given sheet cells made null."""
    by_column: dict[int, list[int]] = {}
    for row, column in cells:
        by_column.setdefault(column - first_column, []).append(row)
    for index, rows in by_column.items():
        if 0 <= index < len(columns):
            values = columns[index].to_pylist()
            for row in rows:
                if row < len(values):
                    values[row] = None
            columns[index] = pa.array(values, type=pa.string())
    return columns


def head(batch: pa.RecordBatch, n: int) -> list[list[str | None]]:
    """The first n rows of a sheet, as lists of cells."""
    top = batch.slice(0, n)
    return [list(row) for row in zip(*(col.to_pylist() for col in top.columns), strict=True)]


def records(batch: pa.RecordBatch, at: int) -> pa.RecordBatch:
    """The rows of a sheet below its header row `at` (0-based), wholly blank rows left out (they are
    not records), with _row_number: the row's place counted from the header."""
    filled = np.zeros(batch.num_rows, dtype=bool)
    for col in batch.columns:
        filled |= _filled(col)
    filled[: at + 1] = False
    rows = np.flatnonzero(filled)
    if len(rows) == batch.num_rows - at - 1:  # no blank row (the usual case): the sheet's own columns
        columns = batch.slice(at + 1).columns
    else:
        columns = [col.take(_int64(rows)) for col in batch.columns]
    return pa.RecordBatch.from_arrays([*columns, _int64(rows - at)], names=[*batch.schema.names, "_row_number"])


def _int64(values: np.ndarray) -> pa.Array:
    """A numpy integer array as Arrow, through its buffer (pa.array would import pandas: 0.4 s)."""
    values = np.ascontiguousarray(values, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(values), [None, pa.py_buffer(values)])


def _filled(col: pa.Array) -> np.ndarray:
    """Where a string column's cells are neither null nor empty, read off its Arrow buffers
    (pyarrow.compute would cost half a second to import)."""
    n = len(col)
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        validity, offsets = col.buffers()[:2]
        width = np.int32 if pa.types.is_string(col.type) else np.int64
        mask = np.diff(np.frombuffer(offsets, dtype=width)[col.offset : col.offset + n + 1]) > 0
        if validity is not None and col.null_count:
            bits = np.unpackbits(np.frombuffer(validity, dtype=np.uint8), bitorder="little")
            mask &= bits[col.offset : col.offset + n].astype(bool)
        return mask
    import pyarrow.compute as pc

    return pc.fill_null(pc.not_equal(col.cast(pa.string()), ""), False).to_numpy(zero_copy_only=False)
