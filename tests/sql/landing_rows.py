"""Hand-crafted landing records for the KPI tests; the expected numbers live in the tests.

Built at AS_OF (2026-03-01 00:00) and, for replays, at PAST_AS_OF (2026-01-15 00:00).
Default settings: SLAs repair 48 h, response 1 h, on-site 4 h, quote 24 h, complaint 7 days;
first-time-fix window 30 days. Record ids name the rule they exercise.
"""

from __future__ import annotations

AS_OF = "2026-03-01 00:00:00"
PAST_AS_OF = "2026-01-15 00:00:00"


def ticket(ticket_id: str, reported_at: str, **kw) -> dict:
    return {"ticket_id": ticket_id, "customer_id": "C1", "ticket_type": "repair", "reported_at": reported_at} | kw


def quote(quote_id: str, requested_at: str, **kw) -> dict:
    return {"quote_id": quote_id, "ticket_id": "RT1", "requested_at": requested_at, "status": "accepted"} | kw


def complaint(complaint_id: str, received_at: str, **kw) -> dict:
    return {"complaint_id": complaint_id, "customer_id": "C1", "received_at": received_at, "category": "service"} | kw


def survey(
    response_id: str,
    customer_id: str,
    survey_type: str = "post_service",
    responded_at: str = "2026-01-20 10:00:00",
    **kw,
) -> dict:
    return {
        "response_id": response_id,
        "survey_type": survey_type,
        "customer_id": customer_id,
        "responded_at": responded_at,
    } | kw


CUSTOMERS = [
    {"customer_id": "C1", "customer_name": "Key explicit", "tier": "key", "region": "East"},
    {"customer_id": "C2", "customer_name": "Key by revenue", "prior_year_revenue": 6_000_000, "region": "West"},
    {"customer_id": "C3", "customer_name": "General by revenue", "prior_year_revenue": 100, "region": "South"},
    {"customer_id": "C4", "customer_name": "No revenue", "region": "North"},
]

TICKETS = [
    # repair / response / on-site timeliness
    ticket(
        "RT1",
        "2026-01-10 08:00:00",
        promised_at="2026-01-12 08:00:00",
        resolved_at="2026-01-12 08:00:00",
        first_response_at="2026-01-10 09:00:00",
        arrived_at="2026-01-10 12:00:00",
        service_center="SC-A",
        channel="phone",
        product_line="PL-T",
        product_model="M1",
        labor_cost="100.50",
        in_warranty=True,
    ),
    ticket(
        "RT2",
        "2026-01-10 08:00:00",
        resolved_at="2026-01-13 09:00:00",
        first_response_at="2026-01-10 09:30:00",
        arrived_at="2026-01-10 12:01:00",
        region="North",
    ),
    ticket("RT3", "2026-01-30 08:00:00"),
    ticket("RT4", "2026-02-28 08:00:00"),
    ticket(
        "RT5",
        "2026-02-20 08:00:00",
        promised_at="2026-03-10 00:00:00",
        resolved_at="2026-03-05 00:00:00",
        first_response_at="2026-02-20 08:30:00",
        labor_cost="10",
        in_warranty=False,
    ),
    ticket("RT6", "2026-02-10 08:00:00", resolved_at="2026-03-05 00:00:00", arrived_at="2026-03-04 00:00:00"),
    ticket("RT7", "2026-01-10 08:00:00", status="cancelled", labor_cost="999"),
    ticket("RT8", "2026-03-02 08:00:00", resolved_at="2026-03-02 09:00:00", visit_count=1),
    ticket("RT9", "2026-01-14 00:00:00", resolved_at="2026-01-15 00:00:00"),
    # first-time fix
    ticket("FT1", "2026-01-02 08:00:00", serial_no="U1", resolved_at="2026-01-05 10:00:00", visit_count=1),
    ticket("FT2", "2026-02-04 10:00:00", serial_no="U1", resolved_at="2026-02-05 10:00:00", visit_count=1),
    ticket("FT4", "2026-01-01 08:00:00", serial_no="U2", resolved_at="2026-01-01 12:00:00", visit_count=1),
    ticket("FT5", "2026-01-31 12:01:00", serial_no="U2", resolved_at="2026-02-01 12:00:00", fixed_first_visit=True),
    ticket("FT6", "2026-01-03 08:00:00", serial_no="U3", resolved_at="2026-01-04 08:00:00"),
    ticket("FT7", "2026-01-05 08:00:00", serial_no="U4", resolved_at="2026-01-06 08:00:00", visit_count=1),
    ticket(
        "FT8",
        "2026-01-10 08:00:00",
        serial_no="U4",
        status="cancelled",
        resolved_at="2026-01-11 08:00:00",
        visit_count=1,
    ),
    ticket("FT9", "2026-01-05 08:00:00", serial_no="U5", resolved_at="2026-01-06 08:00:00", visit_count=1),
    ticket("FT10", "2026-01-20 08:00:00", serial_no="U5", resolved_at="2026-03-05 08:00:00", visit_count=1),
    ticket(
        "FT11",
        "2026-01-07 08:00:00",
        serial_no="U6",
        resolved_at="2026-01-08 08:00:00",
        visit_count=2,
        fixed_first_visit=True,
    ),
    # composite quarter 2025Q3: repair 4/4 on time, first-time fix 3/4; no quotes or complaints
    *[
        ticket(
            f"CQ{i}",
            f"2025-08-0{i} 08:00:00",
            customer_id="C3",
            serial_no=f"Q3-{i}",
            resolved_at=f"2025-08-0{i} 20:00:00",
            first_response_at=f"2025-08-0{i} 08:10:00",
            visit_count=2 if i == 4 else 1,
        )
        for i in range(1, 5)
    ],
]

QUOTES = [
    quote("Q1", "2026-01-11 08:00:00", sent_at="2026-01-12 08:00:00"),
    quote("Q2", "2026-01-11 08:00:00", sent_at="2026-01-12 08:01:00"),
    quote("Q3", "2026-02-28 08:00:00"),
    quote("Q4", "2026-02-27 08:00:00", sent_at="2026-03-02 00:00:00"),
    quote("Q5", "2026-01-11 08:00:00", status="cancelled"),
    quote("Q6", "2026-03-02 08:00:00", sent_at="2026-03-02 09:00:00"),
    # Newcombe (1998) example: 81 of 263 on time in 2025-11 → Wilson 0.2553–0.3662
    *[
        quote(
            f"NW{i:03d}",
            "2025-11-05 08:00:00",
            ticket_id="NOPE",
            sent_at="2025-11-05 09:00:00" if i < 81 else "2025-11-06 14:00:00",
        )
        for i in range(263)
    ],
]

COMPLAINTS = [
    complaint(
        "K1",
        "2026-01-05 09:00:00",
        closed_at="2026-01-12 09:00:00",
        followup_at="2026-01-15 10:00:00",
        followup_result="satisfied",
        ticket_id="RT1",
        channel="wechat",
        product_line="PL-C",
        root_cause_category="design",
        capa_due_at="2026-02-01 00:00:00",
        capa_done_at="2026-02-01 00:00:00",
        capa_effective=True,
    ),
    complaint("K2", "2026-01-06 09:00:00", resolved_at="2026-01-20 09:00:00", capa_due_at="2026-02-10 00:00:00"),
    complaint("K3", "2026-02-25 09:00:00", followup_at="2026-03-03 00:00:00", followup_result="satisfied"),
    complaint(
        "K4",
        "2026-01-10 09:00:00",
        closed_at="2026-01-14 09:00:00",
        followup_result="dissatisfied",
        capa_due_at="2026-03-10 00:00:00",
        severity="serious",
    ),
    complaint(
        "K5",
        "2026-01-10 09:00:00",
        followup_at="2026-01-20 09:00:00",
        followup_result="unreachable",
        capa_due_at="2026-02-15 00:00:00",
        capa_done_at="2026-03-05 00:00:00",
        capa_effective=True,
    ),
    complaint("K6", "2026-03-02 09:00:00"),
    # Pareto quarter 2025Q4: material 2, design 2, assembly 1, no root cause 1
    *[
        complaint(
            f"P{i}",
            f"2025-10-1{i} 09:00:00",
            closed_at=f"2025-10-1{i} 10:00:00",
            root_cause_category=rc,
            product_model="M9" if rc == "design" else None,
        )
        for i, rc in enumerate(["material", "material", "design", "design", "assembly", None])
    ],
]

SURVEYS = [
    survey("S1", "C1", on_time=5, first_time_fixed=4, attitude=3, overall=5),
    survey("S2", "C3", on_time=2, first_time_fixed=2, professionalism=2, attitude=2, communication=2, overall=3),
    survey("S3", "C4", overall=4),
    survey("S4", "CX", on_time=1),
    survey("S5", "C1", "periodic", design=5, product_quality=3, on_time=5, overall=4),
    survey("S6", "C1", responded_at="2026-03-05 10:00:00", on_time=5, overall=5),
]


def crafted_rows() -> dict[str, list[dict]]:
    return {"customers": CUSTOMERS, "tickets": TICKETS, "quotes": QUOTES, "complaints": COMPLAINTS, "surveys": SURVEYS}
