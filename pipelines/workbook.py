"""Read workbooks (.xlsx, .xlsm, .xls, .ods) with calamine, through fastexcel, as Arrow text columns.

Each cell comes as the text its value shows (SPEC §3): a number without a needless `.0` (`12345`,
never `12345.0`), text as written (`00123`), a date cell as `YYYY-MM-DD HH:MM:SS`, a boolean as
true / false; a blank cell, a whitespace-only cell and an error cell (`#N/A`, `#DIV/0!`) as null.
Formulas read as their cached values, a merged range as its top-left cell. Rows are kept in sheet
order from the sheet's first used row, blank rows included, so a row's index is its place on the
sheet (row numbers are counted from the header row by the caller).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

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
        yield name, pa.RecordBatch.from_arrays(batch.columns, names=[f"c{i}" for i in range(batch.num_columns)])


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
