"""first_time_fix (SPEC §4) on the crafted landing built as of 2026-03-01, window 30 days."""

from __future__ import annotations

from datetime import date, datetime

from tests.helpers import query


def ftf(data, ticket_id: str):
    rows = query(
        data, "select settled_at, success from kpi_events where kpi = 'first_time_fix' and event_id = ?", [ticket_id]
    )
    return rows[0] if rows else None


def test_repeat_repair_exactly_30_days_after_resolution_fails_first_time_fix(crafted):
    data, _ = crafted
    # FT1 resolved 01-05 10:00; FT2, same customer and unit, reported 02-04 10:00
    assert ftf(data, "FT1") == (datetime(2026, 1, 5, 10, 0), False)
    assert ftf(data, "FT2") == (datetime(2026, 2, 5, 10, 0), True)


def test_repeat_30_days_and_1_minute_after_resolution_does_not_fail(crafted):
    data, _ = crafted
    # FT4 resolved 01-01 12:00; FT5 reported 01-31 12:01
    assert ftf(data, "FT4") == (datetime(2026, 1, 1, 12, 0), True)


def test_fixed_first_visit_is_used_only_when_visit_count_is_empty(crafted):
    data, _ = crafted
    assert ftf(data, "FT5") == (datetime(2026, 2, 1, 12, 0), True)  # visit_count empty, fixed_first_visit
    assert ftf(data, "FT11") == (datetime(2026, 1, 8, 8, 0), False)  # visit_count 2 wins over true


def test_unknown_first_visit_outcome_is_no_event(crafted):
    data, _ = crafted
    assert ftf(data, "FT6") is None


def test_cancelled_repair_is_neither_an_event_nor_a_repeat(crafted):
    data, _ = crafted
    assert ftf(data, "FT8") is None
    assert ftf(data, "FT7") == (datetime(2026, 1, 6, 8, 0), True)


def test_repair_unresolved_at_as_of_is_no_event_but_is_a_repeat(crafted):
    data, _ = crafted
    assert ftf(data, "FT10") is None  # resolved 03-05, after as-of
    assert ftf(data, "FT9") == (datetime(2026, 1, 6, 8, 0), False)  # FT10 reported 14 days after


def test_first_time_fix_monthly_counts_by_resolution_month(crafted):
    data, _ = crafted
    # January: FT1 ✗, FT4 ✓, FT7 ✓, FT9 ✗, FT11 ✗; February: FT2 ✓, FT5 ✓
    rows = query(
        data,
        "select month, numerator, denominator, rate, met from kpi_monthly "
        "where kpi = 'first_time_fix' and month >= date '2026-01-01' order by month",
    )
    assert rows == [(date(2026, 1, 1), 2, 5, 0.4, False), (date(2026, 2, 1), 2, 2, 1.0, True)]


def test_a_failed_first_time_fix_names_the_repeat_repair_that_failed_it(crafted):
    data, _ = crafted
    # FT1 (unit U1) failed by FT2, reported 30 days after FT1's resolution; FT4 (U2) is followed
    # by FT5 a minute past the window: no repeat; FT11 failed on its visit count: no repeat either
    rows = query(
        data,
        "select event_id, customer_id, serial_no, repeat_ticket_id from kpi_events "
        "where kpi = 'first_time_fix' and event_id in ('FT1', 'FT4', 'FT11') order by event_id",
    )
    assert rows == [("FT1", "C1", "U1", "FT2"), ("FT11", "C1", "U6", None), ("FT4", "C1", "U2", None)]
