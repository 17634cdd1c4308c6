"""Table downloads as CSV and XLSX, safe against formula injection (OWASP, SPEC §9).

Text cells that begin with '=', '+', '-', '@' or any control character (C0 and DEL: tab, CR and NUL
among them) get a leading apostrophe so that a spreadsheet shows them as text; numbers, dates and
booleans stay what they are. The XLSX writer drops control characters a workbook cannot hold, so a
control character is dangerous too: without it, the rest of the text would be a formula.
"""

from __future__ import annotations

import io

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

DANGEROUS = ("=", "+", "-", "@", *map(chr, range(0x20)), "\x7f")


def neutralise(value):
    """A text value made inert for spreadsheets; any other value unchanged."""
    if isinstance(value, str) and value.startswith(DANGEROUS):
        return "'" + value
    return value


def xlsx_text(value):
    """A value as a workbook cell takes it: neutralised, then without the control characters XLSX
    cannot store (openpyxl refuses them)."""
    value = neutralise(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def neutralised(df: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text columns are neutralised (numeric columns untouched)."""
    out = df.copy()
    for col in out.columns:
        if isinstance(out[col].dtype, pd.CategoricalDtype):
            out[col] = out[col].astype(object)
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(neutralise)
    out.columns = [neutralise(str(c)) for c in out.columns]
    return out


def to_csv(df: pd.DataFrame) -> bytes:
    """UTF-8 with BOM, so that Excel opens Chinese text correctly."""
    return neutralised(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")  # CR/LF in cells get quoted


def to_xlsx(df: pd.DataFrame, sheet: str = "data") -> bytes:
    """One sheet, header frozen, numbers as numbers, widths fitted to the content."""
    buf = io.BytesIO()
    safe = neutralised(df)
    for col in safe.columns:  # XLSX cannot store control characters such as NUL: drop them
        if safe[col].dtype == object or pd.api.types.is_string_dtype(safe[col]):
            safe[col] = safe[col].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
    safe.columns = [xlsx_text(c) for c in safe.columns]
    for col in safe.columns:  # Excel has no time zones
        if isinstance(safe[col].dtype, pd.DatetimeTZDtype):
            safe[col] = safe[col].dt.tz_localize(None)
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        safe.to_excel(writer, index=False, sheet_name=sheet[:31] or "data")
        ws = writer.sheets[sheet[:31] or "data"]
        ws.freeze_panes = "A2"
        for i, col in enumerate(safe.columns, start=1):
            width = max([len(str(col))] + [len(str(v)) for v in safe[col].head(200)]) + 2
            ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = min(60, width * 1.2)
            if pd.api.types.is_float_dtype(safe[col]):
                for cell in ws.iter_cols(min_col=i, max_col=i, min_row=2):
                    for c in cell:
                        c.number_format = "0.0000" if safe[col].abs().max() <= 1 else "#,##0.00"
    return buf.getvalue()
