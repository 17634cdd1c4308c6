"""The periods a page shows (SPEC §7): the sidebar's range as text, and the assessed quarter — always
a quarter complete at the as-of time, in month mode too: the latest quarter that has ended by the
as-of time and whose last month lies within the range's end. No Streamlit here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from dashboard.data import Filters
from dashboard.i18n import t


def quarter_label(month: date) -> str:
    """2026-08-01 → '2026Q3'."""
    return f"{month.year}Q{(month.month - 1) // 3 + 1}"


def quarter_first(month: date) -> date:
    """The first month of the quarter of `month`."""
    return date(month.year, 3 * ((month.month - 1) // 3) + 1, 1)


def add_months(month: date, k: int) -> date:
    i = month.year * 12 + month.month - 1 + k
    return date(i // 12, i % 12 + 1, 1)


@dataclass(frozen=True)
class Assessed:
    """The assessed quarter: its label, first and last month, and why it is not the quarter the
    range ends in (reason: None, 'inside' — the range ends inside a quarter —, or 'incomplete' — the
    range's end quarter has not ended at the as-of time)."""

    quarter: str
    start: date
    end: date
    end_quarter: str
    end_month: date
    reason: str | None

    @property
    def previous(self) -> str:
        return quarter_label(add_months(self.start, -3))

    def filters(self, f: Filters, with_previous: bool = False) -> Filters:
        """`f` over this quarter (and the one before it) instead of its own range."""
        return replace(
            f, kind="quarter", start=add_months(self.start, -3) if with_previous else self.start, end=self.end
        )


def assessed_quarter(f: Filters, as_of) -> Assessed:
    """The quarter a page assesses for the range `f` at the as-of time: the latest quarter whose
    last month is at or before the range's end (in quarter mode, the end quarter's last month) and
    which had ended by `as_of`."""
    cut = pd.Timestamp(as_of)
    end = add_months(quarter_first(f.end), 2) if f.kind == "quarter" else f.end
    first = quarter_first(end)
    reason = None
    if pd.Timestamp(add_months(first, 3)) > cut:
        reason = "incomplete"
    elif add_months(first, 2) > end:
        reason = "inside"
    if reason:
        first = add_months(first, -3)
    while pd.Timestamp(add_months(first, 3)) > cut:  # an as-of time further back
        first = add_months(first, -3)
    return Assessed(quarter_label(first), first, add_months(first, 2), quarter_label(end), end, reason)


def month_text(month: date) -> str:
    return f"{month:%Y-%m}"


def range_text(f: Filters) -> str:
    """The sidebar's range as text: '2025Q4 – 2026Q3' or '2025-10 – 2026-09'."""
    if f.kind == "quarter":
        lo, hi = quarter_label(f.start), quarter_label(f.end)
        return f"{lo} – {hi}" if lo != hi else lo
    return f"{month_text(f.start)} – {month_text(f.end)}" if f.start != f.end else month_text(f.start)


def range_caption(f: Filters) -> str:
    """What a page that follows the sidebar's range says in its header."""
    return t("period_shown", period=range_text(f))


def assessed_caption(a: Assessed, f: Filters, as_of) -> str:
    """What an assessing page (Overview, Department targets) says in its header: the assessed
    quarter, the sidebar's range and, when they differ, why."""
    text = t("period_assessed", quarter=a.quarter, lo=month_text(a.start), hi=month_text(a.end))
    text += " · " + range_caption(f)
    if a.reason == "inside":
        text += " · " + t(
            "period_note_inside", end_month=month_text(a.end_month), end_quarter=a.end_quarter, quarter=a.quarter
        )
    elif a.reason == "incomplete":
        stamp = pd.Timestamp(as_of).strftime("%Y-%m-%d %H:%M")
        text += " · " + t("period_note_incomplete", end_quarter=a.end_quarter, as_of=stamp, quarter=a.quarter)
    return text
