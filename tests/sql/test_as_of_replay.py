"""A past as-of replays what was known then; the latest batch wins per key (SPEC §2, §4)."""

from __future__ import annotations

from datetime import datetime

from pipelines.build import build
from pipelines.settings import load_settings
from tests.helpers import query, write_batch


def outcome(data, kpi: str, event_id: str):
    rows = query(data, "select settled_at, success from kpi_events where kpi = ? and event_id = ?", [kpi, event_id])
    return rows[0] if rows else None


def test_past_as_of_leaves_out_records_reported_later(crafted_past):
    data, _ = crafted_past
    assert query(data, "select as_of from meta_build") == [(datetime(2026, 1, 15),)]
    assert query(data, "select count(*) from tickets where ticket_id in ('RT3', 'FT2', 'FT10')") == [(0,)]
    assert query(data, "select count(*) from survey_responses") == [(0,)]  # all responded 01-20


def test_past_as_of_does_not_see_repeats_reported_later(crafted, crafted_past):
    past, _ = crafted_past
    now, _ = crafted
    # FT9's repeat FT10 (01-20) and FT1's repeat FT2 (02-04) were not yet reported on 01-15
    assert outcome(past, "first_time_fix", "FT9") == (datetime(2026, 1, 6, 8, 0), True)
    assert outcome(past, "first_time_fix", "FT1") == (datetime(2026, 1, 5, 10, 0), True)
    assert outcome(now, "first_time_fix", "FT9") == (datetime(2026, 1, 6, 8, 0), False)


def test_past_as_of_treats_later_event_times_as_not_happened(crafted_past):
    data, _ = crafted_past
    # K1 followed up 01-15 10:00: no result yet on 01-15 00:00
    assert outcome(data, "complaint_satisfaction", "K1") is None
    # K2 resolved 01-20: not yet happened, but its due time 01-13 09:00 has passed
    assert outcome(data, "complaint_closure_timeliness", "K2") == (datetime(2026, 1, 13, 9, 0), False)
    assert query(
        data, "select happened_at from kpi_events where event_id = 'K2' and kpi = 'complaint_closure_timeliness'"
    ) == [(None,)]
    # K4 closed 01-14 09:00 (in time), followed up at closing: dissatisfied
    assert outcome(data, "complaint_satisfaction", "K4") == (datetime(2026, 1, 14, 9, 0), False)


def test_event_time_exactly_at_as_of_has_happened(crafted_past):
    data, _ = crafted_past
    assert outcome(data, "repair_timeliness", "RT9") == (datetime(2026, 1, 15, 0, 0), True)


def test_latest_batch_wins_per_key(tmp_path):
    settings = load_settings()
    first = {
        "customers": [{"customer_id": "C1", "customer_name": "Old", "region": "East", "tier": "general"}],
        "tickets": [
            {
                "ticket_id": "LB1",
                "customer_id": "C1",
                "ticket_type": "repair",
                "reported_at": "2026-01-10 08:00:00",
                "resolved_at": "2026-01-10 12:00:00",
                "visit_count": 1,
            },
            {"ticket_id": "LB2", "customer_id": "C1", "ticket_type": "repair", "reported_at": "2026-01-05 08:00:00"},
        ],
    }
    second = {
        "customers": [{"customer_id": "C1", "customer_name": "New", "region": "West", "tier": "key"}],
        "tickets": [
            {
                "ticket_id": "LB1",
                "customer_id": "C1",
                "ticket_type": "repair",
                "reported_at": "2026-01-10 08:00:00",
                "resolved_at": "2026-01-10 12:00:00",
                "visit_count": 2,
            },
            # a corrected reported_at after the as-of drops the record altogether
            {"ticket_id": "LB2", "customer_id": "C1", "ticket_type": "repair", "reported_at": "2026-03-05 08:00:00"},
            # the same key twice in one batch: the later row wins
            {
                "ticket_id": "LB3",
                "customer_id": "C1",
                "ticket_type": "repair",
                "reported_at": "2026-01-11 08:00:00",
                "resolved_at": "2026-01-11 09:00:00",
                "visit_count": 1,
            },
            {
                "ticket_id": "LB3",
                "customer_id": "C1",
                "ticket_type": "repair",
                "reported_at": "2026-01-11 08:00:00",
                "resolved_at": "2026-01-11 09:00:00",
                "visit_count": 3,
            },
        ],
    }
    write_batch(tmp_path, first, load_id="20260101T000000000000Z-aaaaaa", settings=settings)
    write_batch(tmp_path, second, load_id="20260102T000000000000Z-bbbbbb", settings=settings)
    build(tmp_path, settings, as_of=datetime(2026, 3, 1))
    assert query(tmp_path, "select ticket_id, visit_count, region, customer_tier from tickets order by ticket_id") == [
        ("LB1", 2, "West", "key"),
        ("LB3", 3, "West", "key"),
    ]
    assert query(tmp_path, "select customer_name from customers") == [("New",)]
    assert outcome(tmp_path, "first_time_fix", "LB1") == (datetime(2026, 1, 10, 12, 0), False)
    assert query(tmp_path, "select landing_batches from meta_build") == [(2,)]
    assert query(tmp_path, "select count(distinct load_id) from load_files") == [(2,)]
