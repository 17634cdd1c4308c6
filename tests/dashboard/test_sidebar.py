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


def test_the_filter_that_empties_a_selection_is_named(demo_data):
    from dashboard.data import Filters, emptying_filter, identity_at

    ident = identity_at(demo_data)
    year = dict(kind="month", start=date(2025, 10, 1), end=date(2026, 9, 1))
    assert emptying_filter(ident, Filters(**year)) is None
    # no KPI event before the demo's first month
    assert emptying_filter(ident, Filters(kind="month", start=date(2020, 1, 1), end=date(2020, 3, 1))) == "period"
    # 武汉服务站 lies in 华中: under 华东 the centre empties it, the region alone does not
    both = Filters(**year, dims=(("region", ("华东",)), ("service_center", ("武汉服务站",))))
    assert emptying_filter(ident, both) == "service_center"
    # complaints never come by fax in the demo, KPI events do
    fax = Filters(**year, dims=(("channel", ("fax",)),))
    assert emptying_filter(ident, fax) is None
    assert emptying_filter(ident, fax, "complaints") == "channel"
