"""The app as a whole: every page in both languages, the Data page's numbers, and a warehouse
published while a session is open."""

import json
import shutil
from datetime import datetime

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from pipelines.build import build
from pipelines.settings import ROOT, load_settings
from tests.dashboard import pages as ui
from tests.dashboard.pages import SCRIPTS
from tests.helpers import old_version_warehouse

APP = str(ROOT / "dashboard" / "streamlit_app.py")
PAGES = ["overview", "departments", "trends", "complaints", "satisfaction", "costs", "data_admin"]
TITLES = {
    "zh": ["总览", "部门目标", "趋势", "客诉分析", "满意度", "服务成本", "数据"],
    "en": ["Overview", "Department targets", "Trends", "Complaints", "Satisfaction", "Costs", "Data"],
}


def app(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if lang != "zh":
        at.query_params["lang"] = lang
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_renders_without_exception_in_both_languages(demo_data, lang):
    at = app(lang).run()
    for page, title in zip(PAGES, TITLES[lang], strict=True):
        at.switch_page(SCRIPTS[page]).run()
        assert not at.exception, (page, at.exception)
        assert title in [h.value for h in at.header], page


def test_header_shows_the_as_of_of_the_warehouse(demo_data):
    at = app().run()
    assert "数据截至 **2026-11-01 00:00**" in at.caption[0].value


def test_data_page_lists_the_loads_and_rejected_rows_of_the_warehouse(demo_data):
    con = duckdb.connect(str(demo_data / "warehouse.duckdb"), read_only=True)
    loads = con.execute("select count(*) from load_files").fetchone()[0]
    rejected = con.execute("select count(*) from rejected_rows").fetchone()[0]
    con.close()
    at = app("en").run()
    at.switch_page(SCRIPTS["data_admin"]).run()
    assert not at.exception
    frames = {len(df.value) for df in at.dataframe}
    assert loads == 5 and rejected == 11  # the demo load: five files, eleven planted bad rows
    assert loads in frames and rejected in frames


def test_rejected_rows_filter_by_reason_text(demo_data):
    at = app("en").run()
    at.switch_page(SCRIPTS["data_admin"]).run()
    at.text_input(key="rej_reason").input("precedes").run()
    assert not at.exception
    reasons = [set(df.value["Reason"]) for df in at.dataframe if "Reason" in df.value.columns][-1]
    assert reasons == {
        "resolved_at precedes reported_at",
        "closed_at precedes resolved_at",
        "sent_at precedes requested_at",
        "acknowledged_at precedes received_at",
    }


def test_a_warehouse_published_while_a_session_is_open_is_read_at_the_next_interaction(
    demo_data, tmp_path, monkeypatch
):
    data = tmp_path / "data"
    shutil.copytree(demo_data, data)
    monkeypatch.setenv("AFTERSALES_DATA", str(data))
    at = app().run()
    assert "2026-11-01 00:00" in at.caption[0].value
    build(data, load_settings(), datetime(2026, 9, 30, 12, 0))
    at.run()  # the next interaction, same session, no restart
    assert not at.exception
    assert "数据截至 **2026-09-30 12:00**" in at.caption[0].value


def test_a_warehouse_of_an_older_version_is_named_out_of_date_not_a_traceback(demo_data, tmp_path, monkeypatch):
    monkeypatch.setenv("AFTERSALES_DATA", str(old_version_warehouse(demo_data, tmp_path / "data")))
    at = app("en").run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The warehouse was built by an older version and lacks survey_item_cube. Rebuild it: "
        "`python -m pipelines build`."
    ]


def test_a_warehouse_lacking_a_column_is_named_out_of_date_not_a_traceback(demo_data, tmp_path, monkeypatch):
    # built before kpi_cube had channel, which the sidebar's choices read
    old = old_version_warehouse(demo_data, tmp_path / "data", "alter table kpi_cube drop column channel")
    monkeypatch.setenv("AFTERSALES_DATA", str(old))
    at = app("en").run()
    assert not at.exception
    [error] = [e.value for e in at.error]
    assert error.startswith("The warehouse does not match this version (")
    assert '"channel"' in error
    assert error.endswith("an older version probably built it. Rebuild it: `python -m pipelines build`.")


def test_the_composite_by_quarter_draws_quarters_not_judged_hollow_and_unjoined(demo_data):
    # a quarter whose weighted KPIs include one on fewer than 30 events has no composite verdict
    # (SPEC §4): its point is hollow, not a met or missed mark, and the line does not pass through it
    at = ui.run_page(ui.SCRIPTS["overview"], lang="en")
    (chart,) = [c for c in ui.charts(at) if c["layout"]["title"]["text"].startswith("Composite service satisfaction")]
    line, points = chart["data"][0], chart["data"][1]
    quarters = ui.query(
        demo_data,
        "select quarter, smallest_denominator from scorecard_quarterly where kpi = 'composite' "
        "and quarter between '2025Q4' and '2026Q3' order by quarter",
    )
    assert points["x"] == [q for q, _ in quarters]
    expected = ["circle-open" if n < 30 else None for _, n in quarters]
    assert [s if s == "circle-open" else None for s in points["marker"]["symbol"]] == expected
    assert [y is None for y in line["y"]] == [n < 30 for _, n in quarters]
    assert "not judged" in json.dumps(points["customdata"])


def test_the_owner_department_filter_shows_that_departments_kpis_without_the_composite(demo_data):
    at = ui.run_page(ui.SCRIPTS["overview"], lang="en", dim_owner_department=["技术部"])
    owned = ui.query(
        demo_data,
        "select name_en, weight from settings_kpi where owner_department = '技术部' order by 2 desc, sort_order",
    )
    # the cards: the department's weighted KPIs, no composite (it is the organisation's)
    assert [m.label for m in at.metric] == [name for name, weight in owned if weight > 0]
    assert any("it is not given when the KPIs in view are some departments'" in c.value for c in at.caption)
    table = ui.table(at, "KPI", "Owner department")
    assert sorted(table["KPI"]) == sorted(name for name, _ in owned)
    assert not [c for c in ui.charts(at) if c["layout"]["title"]["text"].startswith("Composite")]
