"""The assessed quarter (SPEC §7): always a quarter complete at the as-of time, in month mode too."""

from datetime import date, datetime

import pytest

from dashboard.data import Filters
from dashboard.i18n import using
from dashboard.ui.periods import assessed_caption, assessed_quarter


def months(start: date, end: date) -> Filters:
    return Filters(kind="month", start=start, end=end)


@pytest.mark.parametrize(
    ("end", "as_of", "quarter", "reason"),
    [
        # a range ending with September, as of 1 November: 2026Q3 ended on 1 October
        (date(2026, 9, 1), datetime(2026, 11, 1), "2026Q3", None),
        # ending in October: 2026Q4 has one month behind it and has not ended — 2026Q3 is assessed
        (date(2026, 10, 1), datetime(2026, 11, 1), "2026Q3", "incomplete"),
        # ending in August, inside 2026Q3 (which has ended): the last complete quarter in the range
        (date(2026, 8, 1), datetime(2026, 11, 1), "2026Q2", "inside"),
        # ending in September, but as of 30 September noon: 2026Q3 is still under way
        (date(2026, 9, 1), datetime(2026, 9, 30, 12, 0), "2026Q2", "incomplete"),
        # a quarter ends at the first instant of the next: as of 1 October 00:00, 2026Q3 is complete
        (date(2026, 9, 1), datetime(2026, 10, 1, 0, 0), "2026Q3", None),
        # as of mid-May with a range to December: back to 2026Q1, the last quarter ended by then
        (date(2026, 12, 1), datetime(2026, 5, 15), "2026Q1", "incomplete"),
        # across a year: a range ending in January 2027 as of 1 February 2027 → 2026Q4
        (date(2027, 1, 1), datetime(2027, 2, 1), "2026Q4", "incomplete"),
    ],
)
def test_month_mode_assesses_the_last_complete_quarter(end, as_of, quarter, reason):
    a = assessed_quarter(months(date(2025, 10, 1), end), as_of)
    assert (a.quarter, a.reason) == (quarter, reason)


def test_quarter_mode_uses_the_end_quarter_when_it_has_ended():
    # in quarter mode the sidebar's end is the last month with data (2026-08 here); the quarter is 2026Q3
    a = assessed_quarter(Filters(kind="quarter", start=date(2025, 10, 1), end=date(2026, 8, 1)), datetime(2026, 11, 1))
    assert (a.quarter, a.start, a.end, a.reason) == ("2026Q3", date(2026, 7, 1), date(2026, 9, 1), None)
    assert a.previous == "2026Q2"


def test_the_assessed_quarter_and_its_reason_are_stated():
    f = months(date(2025, 10, 1), date(2026, 10, 1))
    a = assessed_quarter(f, datetime(2026, 11, 1))
    with using("zh"):
        assert assessed_caption(a, f, datetime(2026, 11, 1)) == (
            "考核季度：2026Q3（2026-07 – 2026-09） · 期间：2025-10 – 2026-10 · "
            "2026Q4 在数据截至时间 2026-11-01 00:00 尚未结束，考核最近一个完整季度 2026Q3"
        )
    f = months(date(2025, 10, 1), date(2026, 8, 1))
    with using("en"):
        text = assessed_caption(assessed_quarter(f, datetime(2026, 11, 1)), f, datetime(2026, 11, 1))
    assert text.endswith("the range ends at 2026-08, inside 2026Q3, so the last complete quarter, 2026Q2, is assessed")


def test_a_month_range_on_the_overview_assesses_a_complete_quarter(demo_data):
    from tests.dashboard import pages as ui

    # month mode, range to 2026-10 (the demo is built as of 2026-11-01): not "2026Q4 from October alone"
    at = ui.run_page(ui.SCRIPTS["overview"], lang="en", period_kind="month", range_month=("2025-11", "2026-10"))
    assert [s.value for s in at.subheader][0] == "2026Q3"
    assert any(c.value.startswith("Assessed quarter: 2026Q3 (2026-07 – 2026-09)") for c in at.caption)
    assert any("2026Q4 has not ended at the as-of time 2026-11-01 00:00" in c.value for c in at.caption)
    assert any(c.value.startswith("The 2026Q3 report") for c in at.caption)  # the report offered is 2026Q3's
