"""The reports in the dashboard: the Overview offers the quarterly PDF / PPTX with the page's
filters, `monthly_download` offers the XLSX, and reports can force their language."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboard import i18n
from pipelines.settings import ROOT
from tests.dashboard.pages import SCRIPTS

APP = str(ROOT / "dashboard" / "streamlit_app.py")


def _labels(at: AppTest) -> list[str]:
    return [b.proto.label for b in at.get("download_button")]


def test_using_forces_the_language_and_restores_it():
    before = i18n.lang()
    with i18n.using("en"):
        assert i18n.t("rpt_sec_summary") == "Summary"
        with i18n.using("zh"):
            assert i18n.t("rpt_sec_summary") == "总体结论"
        assert i18n.lang() == "en"
    assert i18n.lang() == before


def test_overview_offers_the_quarterly_report_of_its_end_quarter(demo_data):
    at = AppTest.from_file(APP, default_timeout=90)
    at.switch_page(SCRIPTS["overview"]).run()
    assert not at.exception
    assert {"下载 PDF 报告", "下载 PPTX 报告"} <= set(_labels(at))
    # the range ends at the last quarter ended at the as-of time (2026-11-01): 2026Q3, not 2026Q4
    assert any("2026Q3 季度报告" in c.value for c in at.caption)


def test_overview_offers_the_report_in_english(demo_data):
    at = AppTest.from_file(APP, default_timeout=90)
    at.query_params["lang"] = "en"
    at.switch_page(SCRIPTS["overview"]).run()
    assert not at.exception
    assert {"Download PDF report", "Download PPTX report"} <= set(_labels(at))


def test_monthly_download_offers_the_xlsx_of_a_month(demo_data):
    def page():
        from datetime import date

        from dashboard.report.downloads import monthly_download

        monthly_download(date(2026, 10, 1), None)

    at = AppTest.from_function(page, default_timeout=60).run()
    assert not at.exception
    assert _labels(at) == ["下载 2026-10 月度统计表（XLSX）"]
