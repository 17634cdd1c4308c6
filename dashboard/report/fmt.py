"""Number and value formatting shared by the report documents (text cells of PDF / PPTX tables)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd

from dashboard import data, ui
from dashboard.i18n import lang, t
from dashboard.ui import p_phrase, p_value  # noqa: F401 — the documents' p-values, as the pages show them


def pct(x, digits: int = 1) -> str:
    """0.8632 -> '86.3%'; '—' when missing."""
    return "—" if ui.missing(x) else f"{float(x) * 100:.{digits}f}%"


def interval(low, high, digits: int = 1) -> str:
    return "—" if ui.missing(low) or ui.missing(high) else f"{pct(low, digits)}–{pct(high, digits)}"


def count(x) -> str:
    return "—" if ui.missing(x) else f"{int(x):,}"


def number(x, digits: int = 1) -> str:
    return "—" if ui.missing(x) else f"{float(x):,.{digits}f}"


def money(x) -> str:
    """¥ with thousands separators: 12345.6 -> '¥12,346'."""
    return "—" if ui.missing(x) else f"¥{float(x):,.0f}"


def pp(x) -> str:
    """A difference of rates in percentage points, signed: 0.012 -> '+1.2'."""
    return "—" if ui.missing(x) else f"{float(x) * 100:+.1f}".replace("-", "−")


def month(value) -> str:
    return "—" if ui.missing(value) else pd.Timestamp(value).strftime("%Y-%m")


def day(value) -> str:
    return "—" if ui.missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d")


def minute(value) -> str:
    return "—" if ui.missing(value) else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M")


def clip(text, width: int = 40) -> str:
    """User text shortened for a table cell (the report is a summary; the page shows it in full)."""
    if ui.missing(text):
        return ""
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def kpi_name(row) -> str:
    return row["name_zh"] if lang() == "zh" else row["name_en"]


def item_name(row) -> str:
    value = row.get("name_zh") if lang() == "zh" else row.get("name_en")
    return str(row["item"]) if ui.missing(value) else str(value)


def filters_text(f: data.Filters | None) -> str:
    """The dimension filters as one line ('区域：华北；渠道：电话'), and the departments of a scoped
    viewer, or 'none' (SPEC §9: stated on the cover)."""
    sep, join = ("；", "、") if lang() == "zh" else ("; ", ", ")
    colon = "：" if lang() == "zh" else ": "
    parts = [
        f"{t('owner_department_filter') if dim == data.OWNER else t(dim)}{colon}{join.join(ui.dim_value(dim, v) for v in f.dim(dim))}"
        for dim in data.KPI_DIMENSIONS
        if f is not None and f.dim(dim)
    ]
    if f is not None and f.scope is not None and f.scope.departments is not None:
        parts.append(f"{t('rpt_scope_departments')}{colon}{join.join(sorted(f.scope.departments)) or '—'}")
    return sep.join(parts) if parts else t("rpt_filters_none")


def now_text(time_zone: str) -> str:
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(time_zone)).strftime("%Y-%m-%d %H:%M")


def verdict(row) -> str:
    """The verdict of a rate or of the composite, worded as the pages word it (ui.verdict_text)."""
    return ui.verdict_text(row)


def change(row) -> str:
    if ui.missing(row["diff"]):
        return "—"
    return t(
        "rpt_change_value",
        d=pp(row["diff"]),
        lo=pp(row["diff_low"]),
        hi=pp(row["diff_high"]),
        sig=t("rpt_change_sig" if row["diff_sig"] else "rpt_change_notsig"),
    )


def rate_labels(**extra) -> dict:
    """Translated labels of the rate charts (charts.target_line / control_chart)."""
    keys = {
        "period": t("month"),
        "rate": t("rate"),
        "ci": t("ci"),
        "n": t("n"),
        "target": t("target"),
        "met": t("met"),
        "missed": t("missed"),
        "no_data": t("no_data"),
        "centre": t("trend_centre"),
        "limits": t("trend_limits"),
        "in_control": t("trend_in_control"),
        "out_of_control": t("trend_out_of_control"),
        "rules": t("trend_rules"),
    }
    keys.update({f"rule_{k}": t(f"rule_{k}") for k in range(1, 5)})
    keys.update(extra)
    return keys
