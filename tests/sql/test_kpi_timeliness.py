"""The timeliness rule and the as-of cut of SPEC §4 on the crafted landing built as of 2026-03-01.

Expected settle times and outcomes are worked out by hand from tests/sql/landing_rows.py
(SLAs: repair 48 h, response 1 h, on-site 4 h, quote 24 h, complaint 7 days).
"""

from __future__ import annotations

from datetime import date, datetime

from tests.helpers import query


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def event(data, kpi: str, event_id: str):
    """(settled_at, success, month) of one KPI event, or None when it is not an event."""
    rows = query(
        data, "select settled_at, success, month from kpi_events where kpi = ? and event_id = ?", [kpi, event_id]
    )
    assert len(rows) <= 1
    return rows[0] if rows else None


def test_resolved_exactly_at_the_promised_time_is_on_time(crafted):
    data, _ = crafted
    assert event(data, "repair_timeliness", "RT1") == (ts("2026-01-12 08:00"), True, date(2026, 1, 1))


def test_first_response_exactly_at_the_sla_is_on_time_and_late_settles_at_due(crafted):
    data, _ = crafted
    assert event(data, "response_timeliness", "RT1") == (ts("2026-01-10 09:00"), True, date(2026, 1, 1))
    assert event(data, "response_timeliness", "RT2") == (ts("2026-01-10 09:00"), False, date(2026, 1, 1))


def test_resolved_late_settles_at_the_due_time_and_fails(crafted):
    data, _ = crafted
    # no promised_at: due = reported_at + 48 h = 01-12 08:00; resolved 01-13 09:00
    assert event(data, "repair_timeliness", "RT2") == (ts("2026-01-12 08:00"), False, date(2026, 1, 1))


def test_not_happened_and_past_due_fails_at_the_due_time_in_the_month_of_due(crafted):
    data, _ = crafted
    # reported 01-30 08:00, never resolved: fails at 02-01 08:00, a February event
    assert event(data, "repair_timeliness", "RT3") == (ts("2026-02-01 08:00"), False, date(2026, 2, 1))


def test_not_happened_and_not_yet_due_is_pending_in_no_period(crafted):
    data, _ = crafted
    assert event(data, "repair_timeliness", "RT4") is None  # due 03-02 08:00
    assert event(data, "quote_timeliness", "Q3") is None  # due 03-01 08:00
    assert event(data, "complaint_closure_timeliness", "K3") is None  # due 03-04 09:00
    assert event(data, "capa_timeliness", "K4") is None  # capa due 03-10
    months = query(data, "select count(*) from kpi_monthly where month >= date '2026-03-01'")
    assert months == [(0,)]


def test_event_times_after_as_of_count_as_not_happened(crafted):
    data, _ = crafted
    # resolved 03-05 (after as-of), promised 03-10: not happened, not yet due → pending
    assert event(data, "repair_timeliness", "RT5") is None
    # resolved 03-05, due 02-12 08:00 passed → fails at the due time, nothing happened as of 03-01
    assert event(data, "repair_timeliness", "RT6") == (ts("2026-02-12 08:00"), False, date(2026, 2, 1))
    assert query(data, "select happened_at from kpi_events where kpi = 'repair_timeliness' and event_id = 'RT6'") == [
        (None,)
    ]
    assert event(data, "onsite_timeliness", "RT6") is None  # arrived 03-04: not yet arrived
    assert event(data, "quote_timeliness", "Q4") == (ts("2026-02-28 08:00"), False, date(2026, 2, 1))
    assert event(data, "capa_timeliness", "K5") == (ts("2026-02-15 00:00"), False, date(2026, 2, 1))
    rows = query(data, "select resolved_at, status, is_open from tickets where ticket_id = 'RT5'")
    assert rows == [(None, "open", True)]


def test_records_reported_after_as_of_are_left_out(crafted):
    data, _ = crafted
    assert query(data, "select count(*) from tickets where ticket_id = 'RT8'") == [(0,)]
    assert query(data, "select count(*) from kpi_events where event_id in ('RT8', 'Q6', 'K6')") == [(0,)]
    assert query(data, "select count(*) from complaints where complaint_id = 'K6'") == [(0,)]
    assert query(data, "select count(*) from survey_responses where response_id = 'S6'") == [(0,)]


def test_cancelled_tickets_and_quotes_are_left_out_of_every_measure(crafted):
    data, _ = crafted
    assert query(data, "select count(*) from kpi_events where event_id in ('RT7', 'FT8', 'Q5')") == [(0,)]
    # RT7 carries labor_cost 999: not in the January costs (RT1's 100.50 only)
    assert query(
        data,
        "select labor_cost, free_tickets from service_costs_monthly "
        "where month = date '2026-01-01' and ticket_type = 'repair'",
    ) == [(100.5, 1)]
    assert query(data, "select is_cancelled from tickets where ticket_id = 'RT7'") == [(True,)]


def test_costs_fall_in_the_month_of_resolved_at_else_reported_at(crafted):
    data, _ = crafted
    # RT5 resolved only after as-of: counted in February, when it was reported; paid (not in warranty)
    assert query(
        data,
        "select labor_cost, paid_tickets from service_costs_monthly "
        "where month = date '2026-02-01' and ticket_type = 'repair'",
    ) == [(10, 1)]


def test_onsite_arrival_exactly_at_the_sla_is_on_time(crafted):
    data, _ = crafted
    assert event(data, "onsite_timeliness", "RT1") == (ts("2026-01-10 12:00"), True, date(2026, 1, 1))
    assert event(data, "onsite_timeliness", "RT2") == (ts("2026-01-10 12:01"), False, date(2026, 1, 1))


def test_quote_sent_exactly_at_due_is_on_time_one_minute_later_is_not(crafted):
    data, _ = crafted
    assert event(data, "quote_timeliness", "Q1") == (ts("2026-01-12 08:00"), True, date(2026, 1, 1))
    assert event(data, "quote_timeliness", "Q2") == (ts("2026-01-12 08:00"), False, date(2026, 1, 1))


def test_complaint_closure_uses_closed_at_else_resolved_at_against_default_due(crafted):
    data, _ = crafted
    # due_at default = received_at + 7 days
    assert event(data, "complaint_closure_timeliness", "K1") == (ts("2026-01-12 09:00"), True, date(2026, 1, 1))
    assert event(data, "complaint_closure_timeliness", "K2") == (ts("2026-01-13 09:00"), False, date(2026, 1, 1))
    assert event(data, "complaint_closure_timeliness", "K4") == (ts("2026-01-14 09:00"), True, date(2026, 1, 1))
    assert event(data, "complaint_closure_timeliness", "K5") == (ts("2026-01-17 09:00"), False, date(2026, 1, 1))


def test_complaint_satisfaction_needs_a_result_and_a_follow_up_time(crafted):
    data, _ = crafted
    assert event(data, "complaint_satisfaction", "K1") == (ts("2026-01-15 10:00"), True, date(2026, 1, 1))
    # no followup_at: settles at closed_at
    assert event(data, "complaint_satisfaction", "K4") == (ts("2026-01-14 09:00"), False, date(2026, 1, 1))
    assert event(data, "complaint_satisfaction", "K3") is None  # follow-up after as-of: no result yet
    assert event(data, "complaint_satisfaction", "K5") is None  # unreachable
    assert event(data, "complaint_satisfaction", "K2") is None  # no follow-up


def test_capa_done_exactly_at_due_is_on_time_and_not_done_past_due_fails(crafted):
    data, _ = crafted
    assert event(data, "capa_timeliness", "K1") == (ts("2026-02-01 00:00"), True, date(2026, 2, 1))
    assert event(data, "capa_timeliness", "K2") == (ts("2026-02-10 00:00"), False, date(2026, 2, 1))


def test_event_dimensions_come_from_the_record_then_its_ticket_then_its_customer(crafted):
    data, _ = crafted
    sql = (
        "select region, service_center, product_line, customer_tier, channel from kpi_events "
        "where kpi = ? and event_id = ?"
    )
    assert query(data, sql, ["quote_timeliness", "Q1"]) == [("East", "SC-A", "PL-T", "key", "phone")]
    assert query(data, sql, ["complaint_satisfaction", "K1"]) == [("East", "SC-A", "PL-C", "key", "wechat")]
    assert query(data, sql, ["repair_timeliness", "RT2"]) == [("North", None, None, "key", None)]
    assert query(data, sql, ["quote_timeliness", "NW000"]) == [(None, None, None, None, None)]


def test_source_defaults_tier_severity_due_and_status(crafted):
    data, _ = crafted
    assert query(data, "select customer_id, tier from customers order by customer_id") == [
        ("C1", "key"),
        ("C2", "key"),
        ("C3", "general"),
        ("C4", "general"),
    ]
    assert query(data, "select severity, due_at from complaints where complaint_id = 'K2'") == [
        ("general", ts("2026-01-13 09:00"))
    ]
    assert query(data, "select status from tickets where ticket_id in ('RT2', 'RT3') order by ticket_id") == [
        ("resolved",),
        ("open",),
    ]


def test_complaints_mart_flags_capa_status_overdue_and_recurrence(crafted):
    data, _ = crafted
    rows = query(
        data,
        "select complaint_id, is_open, is_overdue, capa_status from complaints "
        "where complaint_id like 'K%' order by complaint_id",
    )
    assert rows == [
        ("K1", False, False, "verified_effective"),
        ("K2", False, False, "overdue"),
        ("K3", True, False, None),
        ("K4", False, False, "open"),
        ("K5", True, True, "overdue"),
    ]
    # P2, P3: design on model M9 one day apart; the material pair has no product model
    rows = query(
        data, "select complaint_id, is_recurrence from complaints where complaint_id like 'P%' order by complaint_id"
    )
    assert [r[0] for r in rows if r[1]] == ["P3"]
    assert query(
        data, "select complaints_before, complaints_after, is_pending from capa_effect where complaint_id = 'K1'"
    ) == [(0, 0, True)]  # K1 itself is the complaint its CAPA answers: left out


def test_complaint_rate_is_complaints_over_non_cancelled_tickets_of_the_month(crafted):
    data, _ = crafted
    assert query(data, "select complaints, tickets from complaint_rate_monthly where month = date '2026-01-01'") == [
        (4, 12)
    ]


def test_capa_effect_leaves_the_complaints_it_answers_out_of_its_before_window(crafted):
    data, _ = crafted
    # K1 (design, no model) is the only design complaint in the 90 days before its CAPA was done
    # (2026-02-01); it is the one the CAPA answers: 0 before, 1 answered. P3 and P4 (design, model M9,
    # 2025-10) lie more than 90 days before: outside the window.
    assert query(
        data,
        "select complaints_before, complaints_answered, complaints_after from capa_effect where complaint_id = 'K1'",
    ) == [(0, 1, 0)]
