"""The figures of the quarterly report (SPEC §1 management review, §4, §8): gathered from
dashboard.data (the only SQL), rates and statistics by dashboard.ui / dashboard.stats,
so the report shows the same numbers as the dashboard under the same filters."""

from __future__ import annotations

import math
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard import data, stats, ui
from dashboard.i18n import t
from dashboard.report.model import ReportError
from pipelines.build import warehouse_path
from pipelines.settings import Settings, data_dir, load_settings

QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
TREND_MONTHS = 12  # the control charts show the year up to the end of the quarter
HISTORY_QUARTERS = 8  # composite by quarter
LIST_LIMIT = 10  # rows of the overdue / dissatisfied lists in the report


def add_months(month: date, k: int) -> date:
    i = month.year * 12 + month.month - 1 + k
    return date(i // 12, i % 12 + 1, 1)


def quarter_months(quarter: str) -> tuple[date, date]:
    """First and last month (first days) of a quarter written 2026Q3; ReportError when malformed."""
    m = QUARTER.match(quarter or "")
    if not m:
        raise ReportError(t("rpt_err_quarter_format", value=quarter))
    first = date(int(m[1]), 3 * int(m[2]) - 2, 1)
    return first, add_months(first, 2)


def quarter_of(month: date) -> str:
    return f"{month.year}Q{(month.month - 1) // 3 + 1}"


def parse_month(text: str) -> date:
    m = MONTH.match(text or "")
    if not m or not 1 <= int(m[2]) <= 12:
        raise ReportError(t("rpt_err_month_format", value=text))
    return date(int(m[1]), int(m[2]), 1)


def open_warehouse(directory: str | Path | None) -> tuple:
    """The identity of the warehouse in the data directory (--data, else AFTERSALES_DATA, else data/)."""
    path = data_dir(str(directory) if directory else None)
    ident = data.identity_at(path)
    if ident is None:
        raise ReportError(t("rpt_err_no_warehouse", path=warehouse_path(path)))
    missing = data.missing_relations(ident)
    if missing:
        raise ReportError(t("rpt_err_outdated", path=warehouse_path(path), missing=", ".join(missing)))
    return ident


def scoped(filters: data.Filters | None, start: date, end: date, kind: str = "month") -> data.Filters:
    """The page's dimension filters and the viewer's scope over the report's own period (the report
    decides the period)."""
    if filters is None:
        return data.Filters(kind=kind, start=start, end=end)
    return data.Filters(kind=kind, start=start, end=end, dims=filters.dims, scope=filters.scope)


@dataclass
class Figures:
    quarter: str
    prev_quarter: str | None
    start: date
    end: date
    meta: dict
    freshness: pd.DataFrame
    filters: data.Filters
    settings: Settings
    kpis: pd.DataFrame  # every configured KPI, with rates, verdicts and the change vs the previous quarter
    composite: dict
    composite_series: pd.DataFrame
    trends: list[dict]
    complaints: dict
    satisfaction: dict
    costs: pd.DataFrame


def _kpi_table(ident: tuple, f: data.Filters, quarter: str, prev: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All configured KPIs with this quarter's rates (none when no events) and the change vs the
    previous quarter (Newcombe); also the raw quarterly rows of both quarters."""
    settings = data.kpi_settings(ident, f)
    rates = data.kpi_rates(ident, f, "quarter")
    this = ui.with_rates(rates[rates["period"] == quarter])
    out = settings.merge(
        this[["kpi", "successes", "n", "rate", "ci_low", "ci_high", "met", "p_value", "verdict"]], on="kpi", how="left"
    )
    before = rates[rates["period"] == prev].set_index("kpi") if prev else pd.DataFrame()
    changes = []
    for _, r in out.iterrows():
        change = {
            "prev_rate": math.nan,
            "diff": math.nan,
            "diff_low": math.nan,
            "diff_high": math.nan,
            "diff_sig": False,
        }
        if r["kpi"] in before.index and not pd.isna(r["n"]) and r["n"] > 0:
            p = before.loc[r["kpi"]]
            d, lo, hi, sig = stats.newcombe_diff(int(r["successes"]), int(r["n"]), int(p["successes"]), int(p["n"]))
            change = {"prev_rate": p["successes"] / p["n"], "diff": d, "diff_low": lo, "diff_high": hi, "diff_sig": sig}
        changes.append(change)
    out = pd.concat([out.reset_index(drop=True), pd.DataFrame(changes)], axis=1)
    return out.sort_values("sort_order", ignore_index=True), rates


def _composite(rates: pd.DataFrame, quarter: str, settings: pd.DataFrame) -> dict:
    this = ui.with_rates(rates[rates["period"] == quarter])
    comp = ui.composite(this)
    weighted = settings[settings["weight"] > 0]
    comp["missing"] = [r for _, r in weighted.iterrows() if r["kpi"] not in set(this["kpi"])]
    return comp


def _composite_series(
    ident: tuple, filters: data.Filters | None, quarter: str, start: date, end: date, settings: pd.DataFrame
) -> pd.DataFrame:
    first = add_months(start, -3 * (HISTORY_QUARTERS - 1))
    rates = data.kpi_rates(ident, scoped(filters, first, end, "quarter"), "quarter")
    rows = []
    for q in sorted(rates["period"].unique()):
        c = _composite(rates, q, settings)
        rows.append(
            {
                "period": q,
                "rate": c["rate"],
                "ci_low": c["ci_low"],
                "ci_high": c["ci_high"],
                "n": c["smallest_n"],
                "complete": c["complete"],
            }
        )
    return pd.DataFrame(rows, columns=["period", "rate", "ci_low", "ci_high", "n", "complete"])


def _trends(ident: tuple, filters: data.Filters | None, end: date, kpis: pd.DataFrame) -> list[dict]:
    """Per KPI: monthly p-chart points (Laney when overdispersed) with Western Electric flags and
    the Mann-Kendall trend, over the months with data in the TREND_MONTHS up to `end`."""
    start = add_months(end, -(TREND_MONTHS - 1))
    months = [pd.Timestamp(m).date() for m in data.periods(ident, filters.scope if filters else None)["month"]]
    months = [m for m in months if start <= m <= end]
    rates = data.kpi_rates(ident, scoped(filters, start, end), "month")
    rates["period"] = pd.to_datetime(rates["period"]).dt.date
    out = []
    for _, k in kpis.iterrows():
        series = rates[rates["kpi"] == k["kpi"]].set_index("period").reindex(months)
        x, n = series["successes"].fillna(0).astype(float), series["n"].fillna(0).astype(float)
        chart = stats.p_chart(list(x), list(n))
        points = chart["points"]
        points["period"] = [m.strftime("%Y-%m") for m in months]
        points["rules"] = stats.western_electric(points["z"])
        out.append(
            {
                "kpi": k["kpi"],
                "row": k,
                "points": points,
                "method": chart["method"],
                "sigma_z": chart["sigma_z"],
                "dispersion": chart["dispersion"],
                "trend": stats.mann_kendall(list(points["p"])),
                "flagged": [(p, sorted(r)) for p, r in zip(points["period"], points["rules"], strict=True) if r],
            }
        )
    return out


def _complaints(ident: tuple, f: data.Filters, settings: Settings) -> dict:
    open_now = data.open_complaints(ident, f)  # at the as-of time, any period received, as the page shows them
    overdue = open_now[open_now["is_overdue"].fillna(False).astype(bool)]
    return {
        "open": open_now,
        "open_capas": data.open_capas(ident, f),
        "summary": data.complaint_summary(ident, f),
        "pareto": data.complaint_pareto(ident, f),
        "severity": data.complaint_severity(ident, f),
        "capa_status": data.capa_status_counts(ident, f),
        "capa_effect": stats.capa_verdicts(data.capa_effect(ident, f), settings.significance),
        "overdue": overdue.sort_values(["days_open", "complaint_id"], ascending=[False, True]),
    }


def _satisfaction(ident: tuple, f: data.Filters) -> dict:
    items = data.survey_items(ident)
    item_stats = data.survey_item_stats(ident, f).merge(items, on=["survey_type", "item"], how="left")
    bounds = [
        stats.t_interval(m, s, int(n))
        for m, s, n in zip(item_stats["mean"], item_stats["sd"], item_stats["n"], strict=True)
    ]
    item_stats["ci_low"] = [b[0] for b in bounds]
    item_stats["ci_high"] = [b[1] for b in bounds]
    drivers = {}
    for survey_type in items["survey_type"].unique():
        names = list(items.loc[items["survey_type"] == survey_type, "item"])
        counts = data.survey_item_overall(ident, f, survey_type)
        if counts.empty:
            continue
        imp = stats.ipa_quadrants(stats.spearman_from_counts(counts, names))
        drivers[survey_type] = imp.merge(items[items["survey_type"] == survey_type], on="item", how="left")
    return {
        "groups": data.survey_groups(ident, f, "all"),
        "items": item_stats,
        "drivers": drivers,
        "dissatisfied": data.dissatisfied_responses(ident, f, LIST_LIMIT),
    }


def check_quarter(ident: tuple, quarter: str, scope: data.Scope | None = None) -> None:
    """ReportError unless the warehouse has settled events in `quarter` (in the scope, before any
    dimension filter)."""
    quarter_months(quarter)
    known = sorted(data.periods(ident, scope)["quarter"].unique())
    if quarter not in known:
        lo, hi = (known[0], known[-1]) if known else ("—", "—")
        raise ReportError(t("rpt_err_unknown_quarter", value=quarter, lo=lo, hi=hi))


def gather(quarter: str, filters: data.Filters | None = None, directory: str | Path | None = None) -> Figures:
    """Every figure of the quarterly report of `quarter` under the dimension filters of `filters`.
    The independent groups of queries run on a few threads: each opens its own read-only connection
    and DuckDB works outside the GIL, so the report waits for the slowest group, not for their sum."""
    start, end = quarter_months(quarter)
    ident = open_warehouse(directory)
    f = scoped(filters, start, end, "quarter")
    check_quarter(ident, quarter, f.scope)
    known = sorted(data.periods(ident, f.scope)["quarter"].unique())
    prev = quarter_of(add_months(start, -3))
    prev = prev if prev in known else None
    settings = load_settings()
    kpi_settings = data.kpi_settings(ident, f)
    both = scoped(filters, add_months(start, -3) if prev else start, end, "quarter")
    with ThreadPoolExecutor(max_workers=4) as pool:
        kpi_job = pool.submit(_kpi_table, ident, both, quarter, prev)
        jobs = {
            "composite_series": pool.submit(_composite_series, ident, filters, quarter, start, end, kpi_settings),
            "complaints": pool.submit(_complaints, ident, f, settings),
            "satisfaction": pool.submit(_satisfaction, ident, f),
            "costs": pool.submit(data.service_costs, ident, scoped(filters, start, end)),
            "meta": pool.submit(data.meta, ident),
            "freshness": pool.submit(data.freshness, ident),
        }
        kpis, rates = kpi_job.result()
        trends = pool.submit(_trends, ident, filters, end, kpis)
        done = {k: job.result() for k, job in jobs.items()}
    composite = _composite(rates, quarter, kpi_settings)
    composite["prev"] = _composite(rates, prev, kpi_settings) if prev else None
    return Figures(
        quarter=quarter,
        prev_quarter=prev,
        start=start,
        end=end,
        filters=f,
        settings=settings,
        kpis=kpis,
        composite=composite,
        trends=trends.result(),
        **done,
    )
