"""The default period ends at the latest period that had ended at the as-of time."""

from datetime import date, datetime

from dashboard.sidebar import _last_complete

QUARTERS = [date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1)]


def test_a_quarter_under_way_at_the_as_of_time_is_not_the_default():
    assert _last_complete(QUARTERS, "quarter", datetime(2026, 11, 1)) == 2  # 2026Q3
    assert _last_complete(QUARTERS, "quarter", datetime(2026, 12, 31, 23, 59)) == 2


def test_a_quarter_ends_at_the_first_instant_of_the_next():
    assert _last_complete(QUARTERS, "quarter", datetime(2027, 1, 1)) == 3
    assert _last_complete(QUARTERS, "quarter", datetime(2026, 9, 30, 23, 59, 59)) == 1


def test_a_quarter_whose_data_starts_in_its_second_month_ends_with_the_quarter():
    assert _last_complete([date(2026, 2, 1)], "quarter", datetime(2026, 3, 31)) == 0  # none ended: the latest
    assert _last_complete([date(2025, 11, 1), date(2026, 2, 1)], "quarter", datetime(2026, 3, 31)) == 0
    assert _last_complete([date(2025, 11, 1), date(2026, 2, 1)], "quarter", datetime(2026, 4, 1)) == 1


def test_months():
    months = [date(2026, 9, 1), date(2026, 10, 1)]
    assert _last_complete(months, "month", datetime(2026, 10, 31, 12)) == 0
    assert _last_complete(months, "month", datetime(2026, 11, 1)) == 1
