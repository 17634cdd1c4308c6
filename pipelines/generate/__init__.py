"""Deterministic synthetic exports of a manufacturer's after-sales service (SPEC §3 sources).

The organisation: five service centres in five regions of clearly different quality (上海 best,
成都 weakest, 武汉服务站 good until its first-time fix and timeliness drop sharply from 2026-07),
technicians per centre, five product lines with models and serial numbers, two years of tickets
reported 2024-11-01 … 2026-10-31 (Asia/Shanghai wall-clock time) with monthly seasonality. The export
is a snapshot at 2026-11-01 00:00: later events have not happened (open tickets, pending quotes).
At 100k tickets (seed 7) that gives, roughly: first-time fix ~90 % (87-91 % by quarter, 83-94 % by
centre), quote timeliness ~96 % (dipping at Spring Festival), repair timeliness 91-98 % by centre
(武汉 ~75 % from 2026-07), complaint follow-up satisfaction ~90 % (售后服务部 ~84 %, 业务部 ~96 %),
so some targets are met and some missed.

formats="csv": customers.csv, tickets.csv, quotes.csv, surveys.csv, complaints.csv — UTF-8, English
headers and values, `YYYY-MM-DD HH:MM:SS`; vectorised (a million tickets in seconds).

formats="demo" (sample_data/): customers.csv (English, UTF-8 with BOM), tickets.csv (Chinese headers,
UTF-8), quotes.csv (English, UTF-8), surveys.xlsx (sheet 满意度调查, Chinese headers, Excel date
cells), 客诉.csv (complaints, Chinese headers, GBK). Enum values are mostly the file's language,
sometimes the other; booleans 是/否 or true/false/yes/no; timestamps mostly `YYYY-MM-DD HH:MM:SS`,
some `YYYY/MM/DD HH:MM`, a few ISO 8601 with offset. Rows made bad on purpose in demo mode:

- tickets.csv: resolved_at 3 hours before reported_at
- tickets.csv: closed_at before resolved_at (but after reported_at)
- tickets.csv: 服务类型 = 退换货 (unknown enum value)
- tickets.csv: 材料费 = -280.00 (negative cost)
- tickets.csv: 首次响应时间 = 2025/02/30 09:15 (unparseable timestamp)
- tickets.csv: one ticket re-exported at the end of the file after closing (ticket_id repeated)
- tickets.csv: 客户编号 = C99999, an unknown customer (a warning, not a reject)
- quotes.csv: sent_at 2 hours before requested_at
- surveys.xlsx: an item score of scale_max + 2 (7 on the 1-5 scale)
- 客诉.csv: 严重程度 = 特急 (unknown enum value)
- 客诉.csv: 首次响应时间 (acknowledged_at) 2 hours before received_at
- customers.csv: customer_name empty (required), on a customer no other row refers to

Same arguments → byte-identical files (numpy.random.default_rng(seed), no clock reads).

Modules: world (centres, technicians, customers, products), tickets, quotes, surveys, complaints (one
source each, drawn in that order from one random stream), demo (the demo file formats), arrays (the
time axis and numpy → pyarrow helpers they share).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from ..contract import columns
from ..settings import Settings, load_settings
from . import complaints, quotes, surveys, tickets, world
from .demo import write_demo

SOURCES = ("customers", "tickets", "quotes", "surveys", "complaints")


def build(n_tickets: int, seed: int, settings: Settings) -> dict[str, pa.Table]:
    """The five sources as typed tables with the contract's English column names and values."""
    if n_tickets < 1:
        raise ValueError("tickets must be at least 1")
    rng = np.random.default_rng(seed)  # one stream, drawn from in this order: customers … complaints
    customer_table, customer_state = world.customers(rng, max(50, n_tickets // 15), settings.key_revenue_threshold)
    ticket_table, state = tickets.tickets(rng, n_tickets, customer_state, settings)
    tables = {
        "customers": customer_table,
        "tickets": ticket_table,
        "quotes": quotes.quotes(rng, state, settings),
        "surveys": surveys.surveys(rng, state, settings),
        "complaints": complaints.complaints(rng, state, settings),
    }
    for source, table in tables.items():
        expected = [c.name for c in columns(source, settings)]
        assert table.column_names == expected, (source, table.column_names, expected)
    return tables


def write_csv(tables: dict[str, pa.Table], out_dir: Path) -> dict[str, int]:
    """Plain UTF-8 CSV with English headers, one file per source (the benchmark format)."""
    for source, table in tables.items():
        pacsv.write_csv(table, out_dir / f"{source}.csv")
    return {source: table.num_rows for source, table in tables.items()}


def generate(
    out_dir: Path, tickets: int = 3000, seed: int = 7, settings: Settings | None = None, *, formats: str = "demo"
) -> dict[str, int]:
    """Write synthetic exports of all five sources into out_dir; returns data rows written per source."""
    if formats not in ("demo", "csv"):
        raise ValueError(f"formats must be 'demo' or 'csv', got {formats!r}")
    settings = settings or load_settings()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = build(tickets, seed, settings)
    if formats == "csv":
        return write_csv(tables, out_dir)
    return write_demo(tables, out_dir, seed, settings)
