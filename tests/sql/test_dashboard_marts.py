"""The marts the dashboard reads instead of scanning kpi_events agree with the SPEC §5 tables."""

import duckdb


def test_kpi_cube_sums_to_kpi_monthly(demo_data):
    con = duckdb.connect(str(demo_data / "warehouse.duckdb"), read_only=True)
    diff = con.execute("""
        select count(*) from (
            select month, kpi, sum(successes) as s, sum(events) as n from kpi_cube group by all
        ) c full join kpi_monthly m using (month, kpi)
        where c.s is distinct from m.numerator or c.n is distinct from m.denominator""").fetchone()[0]
    total = con.execute("select sum(events) = (select count(*) from kpi_events) from kpi_cube").fetchone()[0]
    assert diff == 0 and total


def test_freshness_names_the_newest_ticket_and_the_load(demo_data):
    con = duckdb.connect(str(demo_data / "warehouse.duckdb"), read_only=True)
    row = con.execute(
        "select records, newest_record = (select max(reported_at) from tickets), last_load "
        "from freshness where source = 'tickets'"
    ).fetchone()
    assert row[0] == 2995 and row[1] and row[2] is not None  # 3001 rows read, 6 rejected


def test_survey_item_cube_counts_every_answered_item_of_its_own_survey_type(demo_data):
    con = duckdb.connect(str(demo_data / "warehouse.duckdb"), read_only=True)
    items = con.execute("select survey_type, item from settings_survey_items").fetchall()
    assert len(items) == 11
    for survey_type, item in items:
        expected = con.execute(
            f'select count("{item}"), sum("{item}"), count("{item}") filter (where overall is null), '
            f"count(\"{item}\") filter (where region = '华东' and overall = 5) "
            "from survey_responses where survey_type = ?",
            [survey_type],
        ).fetchone()
        got = con.execute(
            "select sum(responses), sum(score * responses), sum(responses) filter (where overall is null), "
            "sum(responses) filter (where region = '华东' and overall = 5) "
            "from survey_item_cube where survey_type = ? and item = ?",
            [survey_type, item],
        ).fetchone()
        assert expected[0] > 0, (survey_type, item)
        assert tuple(x or 0 for x in got) == tuple(x or 0 for x in expected), (survey_type, item)
    other = con.execute(
        "select count(*) from survey_item_cube c where not exists (select 1 from "
        "settings_survey_items s where s.survey_type = c.survey_type and s.item = c.item)"
    ).fetchone()
    assert other == (0,)
