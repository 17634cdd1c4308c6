"""The demo export (sample_data/): bilingual, mixed encodings and formats, a few bad rows.

Each source is written the way a different system would export it (SPEC §3): English or Chinese
headers, enum values as the English value or the Chinese alias, three timestamp styles, one GBK file,
one UTF-8 file with BOM and one XLSX workbook with real date cells.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
from openpyxl import Workbook

from ..contract import columns, enum_values

# source → (file name, header language, encoding); "xlsx" writes a workbook with one sheet per source
FILES = {
    "customers": ("customers.csv", "en", "utf-8-sig"),
    "tickets": ("tickets.csv", "zh", "utf-8"),
    "quotes": ("quotes.csv", "en", "utf-8"),
    "surveys": ("surveys.xlsx", "zh", "xlsx"),
    "complaints": ("客诉.csv", "zh", "gbk"),
}
SHEETS = {"surveys": "满意度调查"}
FIXED_TIME = (2026, 11, 1, 0, 0, 0)  # zip entry time and document properties: byte-identical output

# The rows made bad on purpose (file, column, what) — kept in step with _inject below.
INJECTED = [
    ("tickets.csv", "修复时间", "resolved_at 3 hours before reported_at"),
    ("tickets.csv", "关闭时间", "closed_at before resolved_at (halfway between reported_at and resolved_at)"),
    ("tickets.csv", "服务类型", "unknown enum value 退换货"),
    ("tickets.csv", "材料费", "negative cost -280.00"),
    ("tickets.csv", "首次响应时间", "unparseable timestamp 2025/02/30 09:15"),
    ("tickets.csv", "工单号", "a ticket re-exported at the end of the file after closing (repeated ticket_id)"),
    ("tickets.csv", "客户编号", "unknown customer C99999 (kept with a warning, not rejected)"),
    ("quotes.csv", "sent_at", "quote sent 2 hours before it was requested"),
    ("surveys.xlsx", "是否及时到位", "score scale_max + 2 (7 on the 1-5 scale)"),
    ("客诉.csv", "严重程度", "unknown enum value 特急"),
    ("客诉.csv", "首次响应时间", "acknowledged_at 2 hours before received_at"),
    ("customers.csv", "customer_name", "required customer_name empty (a customer nothing refers to)"),
]


class _Formatter:
    """Turns typed values into the cells one export would contain."""

    def __init__(self, rng: np.random.Generator, lang: str, tz: str, settings, xlsx: bool):
        self.rng, self.lang, self.tz, self.settings, self.xlsx = rng, lang, ZoneInfo(tz), settings, xlsx

    def row_style(self) -> tuple[str, tuple[str, str]]:
        r = self.rng.random()
        ts_style = "std" if r < 0.85 else "slash" if r < 0.97 else "iso_utc" if r < 0.985 else "iso_local"
        bools = ("是", "否") if self.lang == "zh" else [("true", "false"), ("yes", "no")][int(self.rng.random() < 0.3)]
        return ts_style, bools

    def cell(self, col, value, style):
        if value is None:
            return None if self.xlsx else ""
        ts_style, bools = style
        if col.type == "timestamp":
            return value if self.xlsx else self.timestamp(value, ts_style)
        if col.type == "bool":
            return bools[0] if value else bools[1]
        if col.type == "enum":
            alias = enum_values(col.enum, self.settings)[value]
            native = self.rng.random() < 0.92
            if self.lang == "zh":
                return alias if native else value
            return value if native else alias
        if col.type == "decimal":
            return float(value) if self.xlsx else f"{value:.2f}"
        if col.type in ("int", "score", "nps"):
            return int(value) if self.xlsx else str(int(value))
        return str(value)

    def timestamp(self, value: datetime, style: str) -> str:
        if style == "slash":
            return value.strftime("%Y/%m/%d %H:%M")
        if style == "iso_utc":
            return value.replace(tzinfo=self.tz).astimezone(UTC).isoformat()
        if style == "iso_local":
            return value.replace(tzinfo=self.tz).isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")


def _rows(table: pa.Table, cols, fmt: _Formatter) -> list[list]:
    records = table.to_pylist()
    out = []
    for rec in records:
        style = fmt.row_style()
        out.append([fmt.cell(c, rec[c.name], style) for c in cols])
    return out


def _inject(
    rng, source: str, rows: list[list], records: list[dict], cols, fmt: _Formatter, referenced: set[str]
) -> None:
    """Make the INJECTED rows bad (in place). Rows are chosen by the seed among rows that fit."""
    at = {c.name: i for i, c in enumerate(cols)}

    def ts_text(value: datetime) -> object:
        return value if fmt.xlsx else value.strftime("%Y-%m-%d %H:%M:%S")

    def pick(pred, k=1):
        """Up to k distinct rows satisfying pred (fewer when a tiny file has fewer)."""
        candidates = [i for i, r in enumerate(records) if pred(r)]
        return [int(i) for i in rng.choice(candidates, min(k, len(candidates)), replace=False)]

    def put(i, column, value):
        rows[i][at[column]] = value

    if source == "tickets":
        edits = [
            ("resolved_at", lambda r: ts_text(r["reported_at"] - timedelta(hours=3))),
            ("closed_at", lambda r: ts_text(r["reported_at"] + (r["resolved_at"] - r["reported_at"]) / 2)),
            ("ticket_type", lambda r: "退换货"),
            ("material_cost", lambda r: "-280.00"),
            ("first_response_at", lambda r: "2025/02/30 09:15"),
            ("customer_id", lambda r: "C99999"),
        ]
        targets = pick(
            lambda r: (
                r["status"] == "closed"
                and r["ticket_type"] == "repair"
                and r["first_response_at"] is not None
                and r["resolved_at"] - r["reported_at"] > timedelta(hours=4)
            ),
            len(edits),
        )
        for i, (column, value) in zip(targets, edits, strict=False):
            put(i, column, value(records[i]))
        end = datetime(*FIXED_TIME) - timedelta(days=2)
        for i in pick(lambda r: r["status"] == "resolved" and r["resolved_at"] < end):
            again = list(rows[i])
            again[at["status"]] = fmt.cell(cols[at["status"]], "closed", fmt.row_style())
            again[at["closed_at"]] = ts_text(records[i]["resolved_at"] + timedelta(days=1))
            rows.append(again)
    elif source == "quotes":
        for i in pick(lambda r: r["sent_at"] is not None):
            put(i, "sent_at", ts_text(records[i]["requested_at"] - timedelta(hours=2)))
    elif source == "surveys":
        item = next(i.id for i in fmt.settings.items if i.survey_type == "post_service")
        for i in pick(lambda r: r[item] is not None):
            put(i, item, fmt.settings.scale_max + 2)
    elif source == "complaints":
        targets = pick(lambda r: r["acknowledged_at"] is not None, 2)
        for i, column in zip(targets, ("severity", "acknowledged_at"), strict=False):
            put(i, column, "特急" if column == "severity" else ts_text(records[i]["received_at"] - timedelta(hours=2)))
    elif source == "customers":
        # a customer nothing refers to, so rejecting it does not orphan tickets (when there is one)
        quiet = pick(lambda r: r["customer_id"] not in referenced)
        for i in quiet or pick(lambda r: True):
            put(i, "customer_name", "")


def _write_csv(path: Path, header: list[str], rows: list[list], encoding: str) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))  # strict: a character GBK lacks is an error


def _write_xlsx(path: Path, sheets: dict[str, tuple[list[str], list[list]]]) -> None:
    wb = Workbook(write_only=True)
    for name, (header, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(header)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    # openpyxl stamps the save time into docProps/core.xml and every zip entry; pin both
    stamp = datetime(*FIXED_TIME).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    path.write_bytes(out.getvalue())


def write_demo(tables: dict[str, pa.Table], out_dir: Path, seed: int, settings) -> dict[str, int]:
    """Write the demo files; returns data rows written per source."""
    rng = np.random.default_rng([seed, 1])
    counts, workbooks = {}, {}
    referenced = {c for src in ("tickets", "surveys", "complaints") for c in tables[src]["customer_id"].to_pylist()}
    for source, (name, lang, encoding) in FILES.items():
        cols = columns(source, settings)
        xlsx = encoding == "xlsx"
        fmt = _Formatter(rng, lang, settings.time_zone, settings, xlsx)
        rows = _rows(tables[source], cols, fmt)
        _inject(rng, source, rows, tables[source].to_pylist(), cols, fmt, referenced)
        header = [c.zh if lang == "zh" else c.name for c in cols]
        counts[source] = len(rows)
        if xlsx:
            workbooks.setdefault(name, {})[SHEETS.get(source, source)] = (header, rows)
        else:
            _write_csv(out_dir / name, header, rows, encoding)
    for name, sheets in workbooks.items():
        _write_xlsx(out_dir / name, sheets)
    return counts
