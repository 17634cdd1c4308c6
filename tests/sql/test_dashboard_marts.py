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
    row = con.execute("select records, newest_record = (select max(reported_at) from tickets), last_load "
                      "from freshness where source = 'tickets'").fetchone()
    assert row[0] == 2995 and row[1] and row[2] is not None  # 3001 rows read, 6 rejected
