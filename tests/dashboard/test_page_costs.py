"""Costs page (SPEC §7.6) on the demo warehouse: monthly after-sales statistics from
service_costs_monthly (or from the tickets under a dimension filter), charts, tables and the
per-month ticket drill-down.

Each test runs the app once from a fresh AppTest with its widget state set up front. Expected
numbers come from hand-written SQL on the warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dashboard import pages as ui

PAGE = ui.SCRIPTS["costs"]


@pytest.fixture(scope="module")
def data_dir(demo_data) -> Path:
    return demo_data


def test_chinese_monthly_statistics_match_the_mart(data_dir):
    at = ui.run_page(PAGE)
    f = at.session_state["filters"]
    assert at.header[0].value == "服务成本"
    assert len(ui.charts(at)) == 3
    ((total, material, free, paid),) = ui.query(
        data_dir,
        """
        select sum(total_cost), sum(material_cost), sum(free_tickets), sum(paid_tickets) from service_costs_monthly
        where month between ? and ?""",
        [f.start, f.end],
    )
    assert ui.metric(at, "费用合计") == f"¥{total:,.0f}"
    assert ui.metric(at, "材料费") == f"¥{material:,.0f}"
    assert ui.metric(at, "免费（保修期内）") == f"{int(free):,}"
    assert ui.metric(at, "收费（保修期外）") == f"{int(paid):,}"
    rows = ui.query(
        data_dir,
        """
        select strftime(month, '%Y-%m'), sum(visits) filter (where ticket_type = 'installation'),
               sum(person_days) filter (where ticket_type = 'installation'),
               sum(visits) filter (where ticket_type <> 'installation'), sum(total_cost)
        from service_costs_monthly where month between ? and ? group by all order by 1""",
        [f.start, f.end],
    )
    monthly = ui.frame(at, "cost_monthly")
    assert list(monthly["月"]) == [r[0] for r in rows]
    assert [int(v) for v in monthly["安装调试人次"]] == [int(r[1] or 0) for r in rows]
    assert list(monthly["安装调试人天"]) == pytest.approx([float(r[2] or 0) for r in rows])
    assert [int(v) for v in monthly["派工人次"]] == [int(r[3] or 0) for r in rows]
    assert list(monthly["费用合计"]) == pytest.approx([float(r[4]) for r in rows])
    stacked = ui.charts(at)[0]
    assert [tr["name"] for tr in stacked["data"]] == ["人工费", "差旅费", "材料费", "运输费"]
    assert stacked["layout"]["barmode"] == "stack"


def test_english_with_a_region_sums_the_tickets(data_dir):
    at = ui.run_page(PAGE, lang="en", dim_region=["华南"])
    f = at.session_state["filters"]
    assert at.header[0].value == "Costs"
    ((total, visits, tickets),) = ui.query(
        data_dir,
        """
        select sum(coalesce(labor_cost, 0) + coalesce(travel_cost, 0) + coalesce(material_cost, 0)
                   + coalesce(transport_cost, 0)),
               sum(visit_count) filter (where ticket_type = 'installation'), count(*) filter (where ticket_type = 'installation')
        from tickets where not is_cancelled and region = '华南'
        and date_trunc('month', coalesce(resolved_at, reported_at)) between ? and ?""",
        [f.start, f.end],
    )
    assert ui.metric(at, "Total cost") == f"¥{total:,.0f}"
    assert ui.metric(at, "Installations") == f"{tickets:,}"
    assert any(c.value.startswith(f"{int(visits):,} person-times") for c in at.caption)
    assert any(c.value.startswith("Summed from the tickets under the selected dimensions") for c in at.caption)


def test_a_month_drills_down_into_its_tickets(data_dir):
    at = ui.run_page(PAGE, lang="en", dim_region=["华东"], cost_monthly={"selection": {"rows": [0], "columns": []}})
    month = ui.frame(at, "cost_monthly")["Month"].iloc[0]
    rows = ui.query(
        data_dir,
        """
        select ticket_id, total_cost from tickets where not is_cancelled and region = '华东'
        and strftime(coalesce(resolved_at, reported_at), '%Y-%m') = ? order by total_cost desc nulls last, ticket_id""",
        [month],
    )
    assert f"Tickets of {month} (highest cost first)" in [x.value for x in at.text]
    tickets = [d.value for d in at.dataframe if "Ticket" in d.value.columns]
    assert len(tickets) == 1
    assert list(tickets[0]["Ticket"]) == [r[0] for r in rows]
    assert tickets[0]["Total cost"].sum() == pytest.approx(float(sum(r[1] or 0 for r in rows)))


def test_page_source_has_no_sql_and_no_html():
    source = (ui.ROOT / "dashboard/app_pages/costs.py").read_text(encoding="utf-8")
    assert "unsafe_allow_html" not in source and "st.html" not in source and "st.markdown" not in source
    assert " from tickets" not in source.lower()
