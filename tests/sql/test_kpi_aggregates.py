"""Composite, CSI, Pareto and the Wilson intervals (SPEC §4, §5) on the crafted landing built as
of 2026-03-01; key customers' survey responses weigh 2 there (tests/sql/conftest.py)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from scipy.stats import binomtest

from tests.helpers import query


def test_composite_rescales_when_a_weighted_kpi_has_no_events_and_is_incomplete(crafted):
    data, _ = crafted
    # 2025Q3: first_time_fix 3/4 and repair_timeliness 4/4 only; weights 0.25 + 0.25 → 0.5 + 0.5
    # rate = 0.5·0.75 + 0.5·1 = 0.875. MOVER from the Wilson intervals (z² = 3.841459):
    #   3/4 → centre (.75 + .480182)/1.960365 = .627530, half 1.959964·√(.046875 + .060023)/1.960365
    #         = .326886 → [.300644, .954416]; 4/4 → centre .755055, half .244947 → [.510108, 1]
    #   L = .875 − √(.25·(.75 − .300644)² + .25·(1 − .510108)²) = .875 − √(.050482 + .059998) = .542616
    #   U = .875 + √(.25·(.954416 − .75)² + .25·0²) = .875 + .102208 = .977208
    # (the delta method gave [.662828, 1]: no width at all from the 4/4 KPI)
    rows = query(
        data,
        "select rate, weight, numerator, denominator, complete, met, ci_low, ci_high, smallest_denominator "
        "from scorecard_quarterly where quarter = '2025Q3' and kpi = 'composite'",
    )
    assert len(rows) == 1
    rate, weight, num, den, complete, met, low, high, smallest = rows[0]
    assert rate == pytest.approx(0.875)
    assert (weight, num, den, complete, met) == (1.0, None, None, False, False)
    assert low == pytest.approx(0.542616, abs=5e-6)
    assert high == pytest.approx(0.977208, abs=5e-6)
    assert smallest == 0  # quotes and complaints had no events
    weights = query(
        data,
        "select kpi, composite_weight from scorecard_quarterly where quarter = '2025Q3' "
        "and composite_weight is not null order by kpi",
    )
    assert weights == [("first_time_fix", 0.5), ("repair_timeliness", 0.5)]


def test_the_warehouse_composite_equals_its_python_twin_on_every_quarter(crafted, demo_data):
    # the same successes, events and weights give the same composite and MOVER interval in the
    # warehouse (macro mover_composite) and in dashboard.stats (filtered composites)
    from dashboard.stats import composite_interval

    for data in (crafted[0], demo_data):
        composites = query(
            data,
            "select quarter, rate, ci_low, ci_high, complete, smallest_denominator from scorecard_quarterly "
            "where kpi = 'composite' order by quarter",
        )
        assert len(composites) >= 3
        for quarter, rate, low, high, complete, smallest in composites:
            parts = query(
                data,
                "select coalesce(q.numerator, 0), coalesce(q.denominator, 0), k.weight from settings_kpi k "
                "left join scorecard_quarterly q on q.kpi = k.kpi and q.quarter = ? where k.weight > 0",
                [quarter],
            )
            twin = composite_interval(*zip(*parts, strict=True))
            assert twin["rate"] == pytest.approx(rate, abs=1e-12), quarter
            assert twin["ci_low"] == pytest.approx(low, abs=1e-9), quarter
            assert twin["ci_high"] == pytest.approx(high, abs=1e-9), quarter
            assert (twin["complete"], twin["smallest_n"]) == (complete, smallest), quarter


def test_composite_over_all_weighted_kpis_is_complete(crafted):
    data, _ = crafted
    # 2026Q1: first_time_fix 4/7, quote 1/3, repair 9/14, complaint satisfaction 1/2;
    # 0.25·4/7 + 0.15·1/3 + 0.25·9/14 + 0.35·1/2 = 148/280
    rows = query(data, "select rate, complete from scorecard_quarterly where quarter = '2026Q1' and kpi = 'composite'")
    assert rows[0][0] == pytest.approx(148 / 280)
    assert rows[0][1] is True
    counts = query(
        data,
        "select kpi, numerator, denominator from scorecard_quarterly where quarter = '2026Q1' "
        "and kpi in ('first_time_fix', 'quote_timeliness', 'repair_timeliness', "
        "'complaint_satisfaction') order by kpi",
    )
    assert counts == [
        ("complaint_satisfaction", 1, 2),
        ("first_time_fix", 4, 7),
        ("quote_timeliness", 1, 3),
        ("repair_timeliness", 9, 14),
    ]


def test_quarter_without_weighted_events_has_a_composite_only_from_those_present(crafted):
    data, _ = crafted
    # 2025Q4: quote_timeliness (81/263) is the only weighted KPI with events
    rows = query(data, "select rate, complete from scorecard_quarterly where quarter = '2025Q4' and kpi = 'composite'")
    assert rows[0][0] == pytest.approx(81 / 263)
    assert rows[0][1] is False


def test_wilson_interval_matches_newcombe_1998_example(crafted):
    data, _ = crafted
    rows = query(
        data,
        "select numerator, denominator, ci_low, ci_high from kpi_monthly "
        "where kpi = 'quote_timeliness' and month = date '2025-11-01'",
    )
    assert rows[0][:2] == (81, 263)
    assert rows[0][2] == pytest.approx(0.2553, abs=5e-5)
    assert rows[0][3] == pytest.approx(0.3662, abs=5e-5)


def test_every_interval_matches_an_independent_wilson_computation(crafted):
    data, _ = crafted
    rows = query(
        data,
        "select numerator, denominator, ci_low, ci_high from kpi_monthly "
        "union all select numerator, denominator, ci_low, ci_high from scorecard_quarterly "
        "where kpi <> 'composite'",
    )
    assert len(rows) > 10
    for k, n, low, high in rows:
        ci = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert (low, high) == (pytest.approx(ci.low, abs=1e-9), pytest.approx(ci.high, abs=1e-9)), (k, n)


def test_csi_drops_unanswered_items_and_weights_responses_by_tier(crafted):
    data, _ = crafted
    # S1 (key): items 5, 4, 3 of five equal weights → mean 4 → 75; S2: all 2 → 25; S3: no item;
    # S4 (unknown customer, general): item 1 → 0. CSI = (2·75 + 25 + 0) / (2 + 1 + 1) = 43.75
    # S5 (periodic, key): design 5 (0.15), product_quality 3 (0.30); its on_time is not a periodic item
    #   → (0.75 + 0.90) / 0.45 = 3.6667 → 66.667
    scores = dict(query(data, "select response_id, csi from survey_responses"))
    assert scores["S1"] == pytest.approx(75)
    assert scores["S2"] == pytest.approx(25)
    assert scores["S3"] is None
    assert scores["S4"] == pytest.approx(0)
    assert scores["S5"] == pytest.approx(200 / 3)
    rows = query(
        data,
        "select survey_type, responses, csi, satisfaction_rate, ci_low, ci_high from csi_monthly "
        "where month = date '2026-01-01' order by survey_type",
    )
    periodic, post = rows
    assert periodic[:4] == ("periodic", 1, pytest.approx(200 / 3), 1.0)
    # satisfied: S1 (5), S3 (4) of those answering overall (S1, S2, S3)
    assert post[:4] == ("post_service", 4, pytest.approx(43.75), pytest.approx(2 / 3))
    ci = binomtest(2, 3).proportion_ci(method="wilson")
    assert post[4:] == (pytest.approx(ci.low), pytest.approx(ci.high))


def test_pareto_ranks_by_count_with_ties_broken_by_category_id(crafted):
    data, _ = crafted
    rows = query(
        data,
        "select root_cause_category, complaints, share, cumulative_share, rank "
        "from complaint_pareto where quarter = '2025Q4' order by rank",
    )
    assert rows == [
        ("design", 2, pytest.approx(0.4), pytest.approx(0.4), 1),
        ("material", 2, pytest.approx(0.4), pytest.approx(0.8), 2),
        ("assembly", 1, pytest.approx(0.2), pytest.approx(1.0), 3),
    ]


def test_meta_build_records_as_of_batches_and_version(crafted):
    data, result = crafted
    rows = query(data, "select as_of, landing_batches, app_version from meta_build")
    assert rows == [(datetime(2026, 3, 1), 1, "0.1.0")]
    assert result["as_of"] == datetime(2026, 3, 1)
    assert result["counts"]["kpi_events"] == query(data, "select count(*) from kpi_events")[0][0]


def test_kpi_monthly_has_no_rows_for_months_without_events(crafted):
    data, _ = crafted
    months = {m for (m,) in query(data, "select distinct month from kpi_monthly")}
    assert months == {date(2025, 8, 1), date(2025, 10, 1), date(2025, 11, 1), date(2026, 1, 1), date(2026, 2, 1)}
