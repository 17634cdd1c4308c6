"""The monthly after-sales statistics (售后服务月度统计表, SPEC §1 finance / 企管, §7.6) as XLSX:
installations and dispatches (person-times = visits, person-days), labour, travel, material,
transport and total cost, free vs paid, the complaint rate and complaints by responsible department.

One sheet per topic; each sheet has a title row, a line with the as-of time and the filters, then a
table whose header row is frozen. Numbers are stored as numbers with number formats; every text
cell goes through dashboard.export.xlsx_text (formula injection, SPEC §9)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard import data, stats, ui
from dashboard.export import xlsx_text
from dashboard.i18n import lang, t
from dashboard.report import fmt
from dashboard.report.model import ReportError
from dashboard.report.quarterly import open_warehouse, parse_month, scoped

COUNT, DAYS, MONEY, RATE = "#,##0", "#,##0.0", "#,##0.00", "0.00%"
TYPES = ("installation", "repair", "maintenance", "inquiry")
CATEGORIES = ("product_quality", "service", "delivery", "suggestion", "other")
COSTS = ("labor_cost", "travel_cost", "material_cost", "transport_cost", "total_cost")
HEADER_ROW = 4  # rows 1-2: title and as-of / filters; row 3 blank; the table's header on row 4
HEAD_FONT, HEAD_FILL = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="005A96")
TOTAL_FONT = Font(bold=True)


def _width(value) -> float:
    text = str(value)
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def _sheet(
    wb: Workbook,
    name: str,
    title: str,
    caption: str,
    header: list[str],
    rows: list[list],
    formats: list[str | None],
    total: bool = False,
):
    """A sheet `name` with a title, a caption, a frozen header and typed rows (the last one bold when `total`)."""
    ws = wb.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", name)[:31])  # a sheet name is never a formula
    ws.cell(1, 1, xlsx_text(title)).font = Font(bold=True, size=14)
    ws.cell(2, 1, xlsx_text(caption)).font = Font(color="6E6E6E")
    for j, name in enumerate(header, start=1):
        cell = ws.cell(HEADER_ROW, j, xlsx_text(name))
        cell.font, cell.fill = HEAD_FONT, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for i, values in enumerate(rows, start=HEADER_ROW + 1):
        for j, value in enumerate(values, start=1):
            cell = ws.cell(i, j, xlsx_text(value) if isinstance(value, str) else None if ui.missing(value) else value)
            if formats[j - 1] and not isinstance(value, str):
                cell.number_format = formats[j - 1]
            if total and i == HEADER_ROW + len(rows):
                cell.font = TOTAL_FONT
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2)  # header rows and the label column stay in view
    for j, name in enumerate(header, start=1):
        widest = max(
            [_width(name) * 0.9, *(_width(r[j - 1]) + 3 for r in rows if not isinstance(r[j - 1], float))], default=10
        )
        numeric = any(isinstance(r[j - 1], int | float) for r in rows)
        ws.column_dimensions[get_column_letter(j)].width = min(48, max(12 if numeric else 10, widest + 2))
    return ws


def _costs_row(frame: pd.DataFrame) -> list:
    """tickets, visits, person-days, the five costs, free and paid of the rows of `frame`, summed."""
    total = frame[["tickets", "visits", "person_days", *COSTS, "free_tickets", "paid_tickets"]].sum()
    return [
        int(total["tickets"]),
        int(total["visits"]),
        float(total["person_days"]),
        *(round(float(total[c]), 2) for c in COSTS),
        int(total["free_tickets"]),
        int(total["paid_tickets"]),
    ]


def _cost_header() -> list[str]:
    return [
        t("cost_tickets"),
        t("cost_visits"),
        t("cost_person_days"),
        *(t(f"cost_{c}") for c in COSTS[:-1]),
        t("cost_total"),
        t("cost_free"),
        t("cost_paid"),
    ]


COST_FORMATS = [COUNT, COUNT, DAYS, MONEY, MONEY, MONEY, MONEY, MONEY, COUNT, COUNT]


def build(month: str, filters: data.Filters | None = None, directory: str | Path | None = None) -> bytes:
    """The workbook of `month` ('2026-10') under the dimension filters of `filters`."""
    first = parse_month(month)
    ident = open_warehouse(directory)
    everything = data.Filters(kind="month", scope=filters.scope if filters else None)
    known = sorted({pd.Timestamp(m).date() for m in data.service_costs(ident, everything)["month"]})
    if first not in known:
        lo, hi = (fmt.month(known[0]), fmt.month(known[-1])) if known else ("—", "—")
        raise ReportError(t("rpt_err_unknown_month", value=month, lo=lo, hi=hi))
    f = scoped(filters, first, first)
    costs = data.service_costs(ident, f)
    rate = data.complaint_rate(ident, f)
    matrix = data.complaint_matrix(ident, f)
    meta = data.meta(ident)
    period = first.strftime("%Y-%m")
    colon = "：" if lang() == "zh" else ": "
    caption = f"{t('as_of')} {fmt.minute(meta['as_of'])} · {t('rpt_filters')}{colon}{fmt.filters_text(f)}"
    title = t("rpt_monthly_title", month=period)
    wb = Workbook()
    wb.remove(wb.active)

    inst, disp = costs[costs["ticket_type"] == "installation"], costs[costs["ticket_type"] != "installation"]
    both = _costs_row(costs)
    complaints = int(rate["complaints"].sum()) if len(rate) else 0
    tickets = int(rate["tickets"].sum()) if len(rate) else 0
    low, high = stats.wilson(complaints, tickets) if tickets else (None, None)
    i, d = _costs_row(inst), _costs_row(disp)
    summary = [
        (t("cost_inst_tickets"), i[0], COUNT),
        (t("cost_inst_visits"), i[1], COUNT),
        (t("cost_inst_days"), i[2], DAYS),
        (t("cost_disp_tickets"), d[0], COUNT),
        (t("cost_disp_visits"), d[1], COUNT),
        (t("cost_disp_days"), d[2], DAYS),
        *((t(f"cost_{c}") if c != "total_cost" else t("cost_total"), both[3 + k], MONEY) for k, c in enumerate(COSTS)),
        (t("cost_free"), both[8], COUNT),
        (t("cost_paid"), both[9], COUNT),
        (t("cp_complaints"), complaints, COUNT),
        (t("cp_tickets"), tickets, COUNT),
        (t("rpt_complaint_rate"), complaints / tickets if tickets else None, RATE),
        (t("rpt_ci_low"), low, RATE),
        (t("rpt_ci_high"), high, RATE),
    ]
    ws = _sheet(
        wb,
        t("rpt_sheet_summary"),
        title,
        caption,
        [t("rpt_item"), t("rpt_value")],
        [[k, v] for k, v, _ in summary],
        [None, None],
    )
    for r, (_, _, number_format) in enumerate(summary, start=HEADER_ROW + 1):
        ws.cell(r, 2).number_format = number_format

    rows = [
        [ui.label("ttype", k), *_costs_row(costs[costs["ticket_type"] == k])]
        for k in TYPES
        if (costs["ticket_type"] == k).any()
    ]
    rows += [
        [ui.label("ttype", k), *_costs_row(costs[costs["ticket_type"] == k])]
        for k in sorted(set(costs["ticket_type"]) - set(TYPES))
    ]
    rows.append([t("rpt_total"), *both])
    _sheet(
        wb,
        t("rpt_sheet_types"),
        f"{title} · {t('rpt_sheet_types')}",
        caption,
        [t("cost_ticket_type"), *_cost_header()],
        rows,
        [None, *COST_FORMATS],
        total=True,
    )

    rows = [[t("rpt_installation"), *i], [t("rpt_dispatch"), *d], [t("rpt_total"), *both]]
    _sheet(
        wb,
        t("rpt_sheet_dispatch"),
        f"{title} · {t('rpt_sheet_dispatch')}",
        caption,
        [t("rpt_kind"), *_cost_header()],
        rows,
        [None, *COST_FORMATS],
        total=True,
    )

    grid = (
        matrix.pivot_table(index="department", columns="category", values="complaints", aggfunc="sum", fill_value=0)
        if len(matrix)
        else pd.DataFrame()
    )
    cats = [*CATEGORIES, *sorted(set(grid.columns) - set(CATEGORIES))]  # every category: a stable layout
    grid = grid.reindex(columns=cats, fill_value=0) if len(grid) else grid
    total_all = int(grid.to_numpy().sum()) if len(grid) else 0
    order = grid.sum(axis=1).sort_values(ascending=False).index if len(grid) else []
    rows = [
        [
            dept if dept else t("cp_unassigned"),
            *(int(grid.loc[dept, c]) for c in cats),
            int(grid.loc[dept].sum()),
            grid.loc[dept].sum() / total_all,
        ]
        for dept in order
    ]
    rows.append(
        [t("rpt_total"), *(int(grid[c].sum()) if len(grid) else 0 for c in cats), total_all, 1.0 if total_all else None]
    )
    _sheet(
        wb,
        t("rpt_sheet_complaints"),
        f"{title} · {t('rpt_cp_by_department')}",
        caption,
        [t("cp_department"), *(ui.label("cat", c) for c in cats), t("cp_complaints"), t("cp_share")],
        rows,
        [None, *(COUNT for _ in cats), COUNT, RATE],
        total=True,
    )

    wb.properties.title = t("rpt_monthly_title", month=period)
    wb.properties.language = "zh-CN" if lang() == "zh" else "en"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
