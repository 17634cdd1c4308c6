"""The quarterly report (PDF and PPTX) on the demo warehouse: the figures it prints equal the
warehouse's (hand-written SQL on kpi_events), Chinese is real, embedded, extractable text, both
languages render, filters are applied and stated, and a missing weighted KPI marks the composite
incomplete."""

from __future__ import annotations

import io
import re

import pypdf
import pytest

from dashboard.data import Filters
from dashboard.report import ReportError, quarterly_report
from tests.report.conftest import QUARTER, pdf_text, pptx_tables, pptx_text, query

NAMES = {"zh": "name_zh", "en": "name_en"}
COMPOSITE = {"zh": "服务满意率", "en": "Service satisfaction (composite)"}


def pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def cells(*texts: str) -> str:
    """A pattern for adjacent table cells in extracted text: a cell may wrap onto several lines."""
    return r"\s+".join(re.escape(word) for text in texts for word in text.split())


def warehouse_rates(data_dir, region: str | None = None) -> tuple[dict, float]:
    """Per KPI of the quarter: (name_zh, name_en, weight, successes / events) from kpi_events, and the
    composite: sum of weight × rate over the weighted KPIs with events, weights rescaled (SPEC §4)."""
    rows = query(
        data_dir,
        """
        select k.kpi, k.name_zh, k.name_en, k.weight, count(e.kpi) as n, count_if(e.success) as s
        from settings_kpi k left join kpi_events e
          on e.kpi = k.kpi and e.quarter = ? and (? is null or e.region = ?)
        group by all order by min(k.sort_order)""",
        [QUARTER, region, region],
    )
    kpis = {
        kpi: {"zh": zh, "en": en, "weight": w, "n": n, "rate": s / n if n else None} for kpi, zh, en, w, n, s in rows
    }
    weighted = [k for k in kpis.values() if k["weight"] > 0 and k["n"]]
    composite = sum(k["weight"] * k["rate"] for k in weighted) / sum(k["weight"] for k in weighted)
    return kpis, composite


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_prints_the_composite_and_weighted_kpi_rates_of_the_warehouse(demo_data, report, lang):
    kpis, composite = warehouse_rates(demo_data)
    text = pdf_text(report("pdf", lang))
    assert re.search(cells(COMPOSITE[lang], pct(composite)), text), pct(composite)
    for kpi in (k for k in kpis.values() if k["weight"] > 0):
        assert re.search(cells(kpi[lang], pct(kpi["rate"])), text), (kpi[lang], kpi["rate"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pptx_prints_the_composite_and_weighted_kpi_rates_of_the_warehouse(demo_data, report, lang):
    kpis, composite = warehouse_rates(demo_data)
    summary = next(tb for tb in pptx_tables(report("pptx", lang)) if tb[1][0].startswith(COMPOSITE[lang]))
    shown = {row[0]: row[1] for row in summary[1:]}
    assert shown[COMPOSITE[lang]] == pct(composite)
    for kpi in (k for k in kpis.values() if k["weight"] > 0):
        assert shown[kpi[lang]] == pct(kpi["rate"])


def test_pdf_and_pptx_scorecards_list_every_kpi_with_its_rate(demo_data, report):
    kpis, _ = warehouse_rates(demo_data)
    scorecard = next(tb for tb in pptx_tables(report("pptx")) if tb[0][0] == "部门")
    rows = {row[1]: row for row in scorecard[1:]}
    text = pdf_text(report("pdf"))
    for kpi in kpis.values():
        assert kpi["n"], kpi  # every KPI has events in the demo's 2026Q3
        assert rows[kpi["zh"]][3] == pct(kpi["rate"])
        assert rows[kpi["zh"]][6] == f"{kpi['n']:,}"
        assert re.search(re.escape(kpi["zh"]) + r"\s+\d+%\s+" + re.escape(pct(kpi["rate"])), text), kpi["zh"]


def test_pdf_embeds_a_subset_cjk_font_and_chinese_text_is_extractable(report):
    body = report("pdf", "zh")
    reader = pypdf.PdfReader(io.BytesIO(body))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    cjk = []
    for name, font in fonts.items():
        descendant = font["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, f"{name} is not embedded"
        assert re.match(r"/[A-Z]{6}\+", name), f"{name} is not a subset"
        to_unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1")
        if re.search(r"<(4E|5[0-9A-F]|6[0-9A-F]|7[0-9A-F]|8[0-9A-F]|9[0-9A-F])[0-9A-F]{2}>", to_unicode, re.I):
            cjk.append(name)
    assert cjk, f"no embedded font maps CJK characters: {list(fonts)}"
    text = pdf_text(body)
    for phrase in ("服务满意率", "售后服务质量季度报告", "部门计分卡", "指标定义", "维修一次成功率"):
        assert phrase in text
    assert "\x00" not in text  # text extracted as characters, not as raw glyph codes


def test_both_languages_render_their_own_text(report):
    zh, en = pdf_text(report("pdf", "zh")), pdf_text(report("pdf", "en"))
    assert "季度考核" in zh and "总体结论" in zh and "Summary" not in zh
    assert "Quarterly review 2026Q3" in en and "Summary" in en and "Definitions" in en
    assert "总体结论" not in en
    assert "Scorecard by owner department" in pptx_text(report("pptx", "en"))
    assert "部门计分卡" in pptx_text(report("pptx", "zh"))


def test_pdf_and_pptx_carry_the_same_sections(report):
    zh_pdf, zh_pptx = pdf_text(report("pdf")), pptx_text(report("pptx"))
    for title in (
        "总体结论",
        "部门计分卡",
        "月度趋势与控制图",
        "客诉",
        "满意度",
        "服务成本",
        "指标定义",
        "原因分类帕累托图",
        "纠正预防措施状态",
        "关键驱动因素",
        "需回访的不满意问卷",
    ):
        assert title in zh_pdf and title in zh_pptx, title


def test_cover_states_as_of_freshness_and_no_filter(report):
    text = pdf_text(report("pdf"))
    assert "数据截至 2026-11-01 00:00" in text
    assert "筛选条件 无（全部数据）" in text
    assert "工单：2,995 条" in text  # freshness per source


def test_filters_are_applied_and_stated_on_the_cover(demo_data, report):
    f = Filters(dims=(("region", ("华东",)),))
    kpis, composite = warehouse_rates(demo_data, "华东")
    text = pdf_text(report("pdf", "zh", f))
    assert "筛选条件 区域：华东" in text
    assert re.search(cells("服务满意率", pct(composite)), text)
    for kpi in (k for k in kpis.values() if k["weight"] > 0 and k["n"]):
        assert re.search(cells(kpi["zh"], pct(kpi["rate"])), text), kpi["zh"]


def test_a_weighted_kpi_without_events_marks_the_composite_incomplete(demo_data, report):
    # a region in which one weighted KPI has no events in the quarter (in the demo: 华北 has no
    # complaint follow-ups in 2026Q3)
    found = query(
        demo_data,
        """
        select r.region, k.kpi from (select distinct region from kpi_events where region is not null) r
        cross join settings_kpi k
        where k.weight > 0 and not exists (select 1 from kpi_events e where e.region = r.region and e.kpi = k.kpi
                                           and e.quarter = ?)
        order by r.region, k.sort_order limit 1""",
        [QUARTER],
    )
    assert found, "the demo should have a region without events of some weighted KPI"
    region, missing = found[0]
    kpis, composite = warehouse_rates(demo_data, region)
    f = Filters(dims=(("region", (region,)),))
    for fmt, extract in (("pdf", pdf_text), ("pptx", pptx_text)):
        text = extract(report(fmt, "en", f))
        assert "Incomplete:" in text and kpis[missing]["en"] in text.split("Incomplete:")[1][:200]
        assert "(incomplete)" in text
        assert pct(composite) in text
        assert "— No events" in text
        # a weighted KPI without events has fewer than 30: the composite is not judged
        assert "Too few events to judge (a weighted KPI has n = 0 < 30)" in " ".join(text.split())


def test_unknown_and_malformed_quarters_are_report_errors(demo_data):
    with pytest.raises(ReportError, match="2031Q1"):
        quarterly_report("2031Q1", "pdf", "en", data=demo_data)
    with pytest.raises(ReportError, match="YYYYQn"):
        quarterly_report("2026-Q3", "pdf", "en", data=demo_data)
    with pytest.raises(ReportError, match="format"):
        quarterly_report(QUARTER, "docx", "en", data=demo_data)


def test_a_quarter_not_over_at_the_as_of_time_says_so(demo_data):
    # the demo is built as of 2026-11-01 00:00: 2026Q4 is under way, 2026Q3 is over
    under_way = pypdf.PdfReader(io.BytesIO(quarterly_report("2026Q4", "pdf", "en", data=demo_data)))
    assert "The quarter is not over: figures as of 2026-11-01 00:00" in under_way.pages[1].extract_text()
    over = pypdf.PdfReader(io.BytesIO(quarterly_report("2026Q3", "pdf", "en", data=demo_data)))
    assert "The quarter is not over" not in over.pages[1].extract_text()


def test_an_owner_department_filter_gives_that_departments_kpis_and_no_composite(demo_data, report):
    # the composite is the organisation's (SPEC §9): under the owner-department filter the report
    # shows the department's KPIs only, says why there is no composite, and draws no composite chart
    owned = query(demo_data, "select name_en from settings_kpi where owner_department = '技术部' order by sort_order")
    others = query(demo_data, "select name_en from settings_kpi where owner_department <> '技术部' order by sort_order")
    f = Filters(dims=(("owner_department", ("技术部",)),))
    for fmt, extract in (("pdf", pdf_text), ("pptx", pptx_text)):
        text = extract(report(fmt, "en", f))
        assert "Owner department (KPIs): 技术部" in text
        assert "it is not given when the KPIs in view are some departments'" in re.sub(r"\s+", " ", text)
        assert COMPOSITE["en"] not in text and "Composite service satisfaction by quarter" not in text
        assert all(re.search(cells(name), text) for (name,) in owned)
        assert not any(re.search(cells(name), text) for (name,) in others), fmt
