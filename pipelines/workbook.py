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
import pyarrow as pa

SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


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
        yield name, pa.RecordBatch.from_arrays(batch.columns, names=[f"c{i}" for i in range(batch.num_columns)])
