"""Complaints page (SPEC §7.4) on the demo warehouse: Pareto, matrix, severity, complaint rate, open
complaints, CAPA status and effect, time to close, KPI cards with their events, drill-down lists.

Each test runs the app once from a fresh AppTest with its widget state set up front. Expected
numbers come from hand-written SQL on the warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from dashboard import stats
from tests.dashboard import pages as ui

PAGE = ui.SCRIPTS["complaints"]


@pytest.fixture(scope="module")
def data_dir(demo_data) -> Path:
    return demo_data


def test_chinese_default_view_matches_the_warehouse(data_dir):
    at = ui.run_page(PAGE)
    f = at.session_state["filters"]
    assert at.header[0].value == "客诉分析"
    assert [tab.label for tab in at.tabs] == [
        "原因分析",
        "类别与严重程度",
        "投诉率与处理时长",
        "未关闭与逾期",
        "纠正预防措施",
        "客诉明细",
    ]
    assert len(ui.charts(at)) == 6
    ((received, open_now),) = ui.query(
        data_dir,
        "select count(*) filter (where month between ? and ?), count(*) filter (where is_open) from complaints",
        [f.start, f.end],
    )
    assert ui.metric(at, "受理客诉") == f"{received:,}"
    assert ui.metric(at, "当前未关闭") == f"{open_now:,}"
    # Pareto: ranked by count descending, ties by category id, Chinese names from the settings
    rows = ui.query(
        data_dir,
        """
        select s.name_zh, count(*) as n from complaints c join settings_root_causes s using (root_cause_category)
        where c.month between ? and ? group by all order by n desc, any_value(c.root_cause_category)""",
        [f.start, f.end],
    )
    pareto = ui.charts(at)[0]
    assert pareto["data"][0]["x"] == [r[0] for r in rows]
    assert pareto["data"][0]["y"] == [r[1] for r in rows]
    assert pareto["data"][1]["y"][-1] == pytest.approx(1.0)
    assert any(s["name"] == "pareto_80" for s in pareto["layout"]["shapes"])
    table = ui.frame(at, "cp_pareto")
    assert list(table["原因分类"]) == [r[0] for r in rows]
    assert list(table["客诉数"]) == [r[1] for r in rows]
    # open complaints: serious first, all of them listed
    assert len(ui.table(at, "已逾期", "已受理天数")) == open_now
    # CAPA status counts of the period's complaints
    for status, name in (("overdue", "已逾期"), ("done", "已完成"), ("verified_effective", "记录为有效")):
        ((n,),) = ui.query(
            data_dir,
            "select count(*) from complaints where capa_status = ? and month between ? and ?",
            [status, f.start, f.end],
        )
        assert ui.metric(at, name) == f"{n:,}"


def test_complaint_kpi_cards_and_event_drill_down(data_dir):
    at = ui.run_page(PAGE, cp_kpis={"selection": {"rows": [0], "columns": []}})
    f = at.session_state["filters"]
    ((ok, n),) = ui.query(
        data_dir,
        "select count(*) filter (where success), count(*) from kpi_events "
        "where kpi = 'complaint_satisfaction' and month between ? and ?",
        [f.start, f.end],
    )
    assert ui.metric(at, "客诉处理满意率") == f"{ok / n * 100:.1f}%"
    low, high = stats.wilson(ok, n)
    assert any(c.value == f"目标 ≥ 90% · 95% 置信区间 {low * 100:.1f}%–{high * 100:.1f}% · n = {n}" for c in at.caption)
    kpis = ui.frame(at, "cp_kpis")
    assert list(kpis["样本数"])[0] == n
    events = ui.table(at, "事件编号", "达成")
    assert len(events) == n
    failures = n - ok
    assert list(events["达成"][:failures]) == ["× 否"] * failures
    assert "客诉处理满意率 的事件（未达标的在前）" in [x.value for x in at.text]


def test_english_with_a_region_and_the_rate_by_month(data_dir):
    at = ui.run_page(PAGE, lang="en", dim_region=["华东"], cp_pareto={"selection": {"rows": [0], "columns": []}})
    f = at.session_state["filters"]
    assert at.header[0].value == "Complaints"
    ((received,),) = ui.query(
        data_dir, "select count(*) from complaints where region = '华东' and month between ? and ?", [f.start, f.end]
    )
    assert ui.metric(at, "Complaints received") == f"{received:,}"
    rows = ui.query(
        data_dir,
        """
        select strftime(k.month, '%Y-%m'), coalesce(c.n, 0), k.n
        from (select month, count(*) n from tickets where not is_cancelled and region = '华东'
              and month between ? and ? group by all) k
        left join (select month, count(*) n from complaints where region = '华东' group by all) c using (month)
        order by 1""",
        [f.start, f.end],
    )
    rate = ui.table(at, "Complaint rate", "Tickets reported")
    assert list(rate["Month"]) == [r[0] for r in rows]
    assert [int(v) for v in rate["Complaints"]] == [r[1] for r in rows]
    assert [int(v) for v in rate["Tickets reported"]] == [r[2] for r in rows]
    assert rate["Complaint rate"].iloc[-1] == pytest.approx(100 * rows[-1][1] / rows[-1][2])  # in percent
    # the top root cause in English (the translation table's name) and the complaints behind it
    ((cause, n),) = ui.query(
        data_dir,
        """
        select root_cause_category, count(*) from complaints where region = '华东' and month between ? and ?
        and root_cause_category is not null group by all order by 2 desc, 1 limit 1""",
        [f.start, f.end],
    )
    english = {
        "manufacturing": "Manufacturing",
        "assembly": "Assembly",
        "design": "Design",
        "supplier": "Supplier parts",
    }
    english |= {"response_delay": "Late response", "material": "Material", "logistics": "Logistics"}
    assert ui.frame(at, "cp_pareto")["Root cause"].iloc[0] == english[cause]
    drill = ui.table(at, "Complaint", "Received", "Category", "Product model", "Root-cause analysis", "Description")
    assert len(drill) == n
    assert "Description" in drill.columns


def test_capa_effect_verdicts_follow_the_exact_test(data_dir):
    at = ui.run_page(PAGE, lang="en")
    f = at.session_state["filters"]
    rows = ui.query(
        data_dir,
        """
        select complaint_id, complaints_before, complaints_after, window_days, after_days_observed, is_pending
        from capa_effect where date_trunc('month', capa_done_at) between ? and ?""",
        [f.start, f.end],
    )
    table = ui.table(at, "Complaint", "Statistical verdict").set_index("Complaint")
    assert len(table) == len(rows)
    names = {
        "effective": "Effective (complaints fell significantly)",
        "not_shown": "Not shown effective",
        "too_few": "Too few complaints to tell",
    }
    for cid, before, after, days, observed, pending in rows:
        shown = table.loc[cid, "Statistical verdict"]
        if before is None:
            assert shown == "No root cause"
        elif pending:
            assert shown == "After-window still open"
        else:
            assert shown == names[stats.capa_effect(int(before), int(after), days, observed)["verdict"]]
        assert int(table.loc[cid, "Complaints before"]) == int(before)


def test_complaint_list_selection_shows_the_description_as_text(data_dir):
    at = ui.run_page(PAGE, lang="en", cp_list_table={"selection": {"rows": [0], "columns": []}})
    f = at.session_state["filters"]
    ((cid, description, n),) = ui.query(
        data_dir,
        """
        select arg_max(complaint_id, (received_at, complaint_id)), arg_max(description, (received_at, complaint_id)),
               count(*) from complaints where month between ? and ?""",
        [f.start, f.end],
    )
    listed = ui.frame(at, "cp_list_table")
    assert len(listed) == n
    assert listed["Complaint"].iloc[0] == cid
    texts = [x.value for x in at.text]
    assert cid in texts and description in texts


def test_close_times_by_category_are_medians_of_days_to_close(data_dir):
    at = ui.run_page(PAGE, lang="en")
    f = at.session_state["filters"]
    rows = dict(
        ui.query(
            data_dir,
            """
        select category, median(epoch(coalesce(closed_at, resolved_at) - received_at) / 86400.0) from complaints
        where month between ? and ? and coalesce(closed_at, resolved_at) is not null group by all""",
            [f.start, f.end],
        )
    )
    table = ui.table(at, "Median (days)", "Category")
    names = {
        "Product quality": "product_quality",
        "Service": "service",
        "Delivery": "delivery",
        "Suggestion": "suggestion",
        "Other": "other",
    }
    assert len(table) == len(rows)
    for _, r in table.iterrows():
        assert r["Median (days)"] == pytest.approx(rows[names[r["Category"]]])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_selection_without_complaints_names_the_filter_that_empties_it(data_dir, lang):
    # in the demo, tickets come in by fax but no complaint does: the channel filter empties the page
    assert ui.query(data_dir, "select count(*) from complaints where channel = 'fax'") == [(0,)]
    at = ui.run_page(PAGE, lang=lang, dim_channel=["fax"])
    message = (
        "没有数据：渠道「传真」在期间和其余筛选条件下没有记录，请放宽这一筛选。"
        if lang == "zh"
        else "No data: Channel “Fax” has no records in the period under the filters before it; widen that filter."
    )
    assert message in [i.value for i in at.info]
    assert ui.metric(at, "受理客诉" if lang == "zh" else "Complaints received") == "0"


def test_page_source_shows_user_text_only_as_text():
    for path in sorted((ui.ROOT / "dashboard/app_pages/complaints").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in source and "st.html" not in source
        assert "select " not in source.lower().replace("selectbox", "").replace("select=", "")


def test_vectorised_capa_effect_equals_the_single_test():
    rows = [(b, a, 90.0, d) for b in range(0, 9) for a in range(0, 9) for d in (90.0, 41.5, 1.0)]
    rows += [(30, 2, 90.0, 90.0), (200, 150, 90.0, 90.0), (5, 0, 90.0, 12.3)]
    many = stats.capa_effect_many(*zip(*rows, strict=True))
    for i, r in enumerate(rows):
        one = stats.capa_effect(*r)
        assert many["verdict"].iloc[i] == one["verdict"]
        for k in ("rate_ratio", "ratio_high", "p_value"):
            assert many[k].iloc[i] == pytest.approx(one[k], rel=1e-9, nan_ok=True), (r, k)


def test_capa_verdicts_mark_pending_and_missing_root_causes():
    import pandas as pd

    from dashboard.stats import capa_verdicts

    df = pd.DataFrame(
        {
            "complaints_before": [6, 4, None, 3],
            "complaints_after": [0, 1, None, 0],
            "window_days": [90, 90, 90, 90],
            "after_days_observed": [90.0, 30.0, 90.0, 90.0],
            "is_pending": [False, True, False, False],
            "capa_effective": [True, True, None, True],
        }
    )
    out = capa_verdicts(df, 0.05)
    assert list(out["verdict"]) == ["effective", "pending", "no_root_cause", "too_few"]
    assert list(out["disagreement"]) == [None, None, None, None]  # recorded effective, no recurrence after
    df.loc[3, "complaints_after"] = 2  # a recurrence of the cause after a CAPA recorded effective
    assert capa_verdicts(df, 0.05)["disagreement"].iloc[3] == "recurred"
    assert out["p_value"].iloc[0] == pytest.approx(stats.capa_effect(6, 0, 90, 90)["p_value"])
    assert out["rate_ratio"].iloc[1] == pytest.approx((1 / 30) / (4 / 90))
