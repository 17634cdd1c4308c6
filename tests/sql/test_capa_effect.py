"""CAPA effect windows (SPEC §8): the complaints a CAPA answers are left out of its before-window."""

from __future__ import annotations

from datetime import datetime

from pipelines.build import build
from pipelines.settings import load_settings
from tests.helpers import query, write_batch


def complaint(complaint_id: str, received_at: str, **kw) -> dict:
    base = {
        "complaint_id": complaint_id,
        "customer_id": "C1",
        "received_at": received_at,
        "category": "product_quality",
    }
    return base | {"root_cause_category": "assembly", "product_model": "M1"} | kw


def test_the_complaints_a_capa_answers_are_not_in_its_before_window(tmp_path):
    action = "torque re-check added"
    rows = {
        "customers": [{"customer_id": "C1", "customer_name": "One"}],
        "complaints": [
            # the CAPA, done 2026-03-01, answers A1 and A2 (both record its action); A3 is another
            # assembly complaint on M1 in the 90 days before, A4 one after; B1 has another model,
            # A5 lies before the window (2025-11-30 < 2026-03-01 − 90 d = 2025-12-01)
            complaint(
                "A1",
                "2026-02-01 09:00:00",
                capa_action=action,
                capa_due_at="2026-03-05 00:00:00",
                capa_done_at="2026-03-01 00:00:00",
                capa_effective=True,
            ),
            complaint("A2", "2026-02-10 09:00:00", capa_action=action),
            complaint("A3", "2026-01-15 09:00:00"),
            complaint("A4", "2026-04-01 09:00:00"),
            complaint("B1", "2026-02-15 09:00:00", product_model="M2"),
            complaint("A5", "2025-11-30 09:00:00"),
        ],
    }
    write_batch(tmp_path, rows)
    build(tmp_path, load_settings(), as_of=datetime(2026, 7, 1))
    assert query(
        tmp_path,
        "select complaint_id, complaints_before, complaints_answered, complaints_after, is_pending "
        "from capa_effect order by complaint_id",
    ) == [("A1", 1, 2, 1, False)]
