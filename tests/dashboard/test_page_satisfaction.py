"""Satisfaction page (SPEC §7.5) on the demo warehouse: CSI and satisfaction rate by month and survey
type, item scores, key vs general customers, importance–performance, response rate, dissatisfied
customers (contacts masked) and comments.

Each test runs the app once from a fresh AppTest with its widget state set up front. Expected
numbers come from hand-written SQL on the warehouse."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from dashboard import stats
from dashboard.stats import spearman_from_counts, t_interval
from tests.dashboard import pages as ui

PAGE = ui.SCRIPTS["satisfaction"]


@pytest.fixture(scope="module")
def data_dir(demo_data) -> Path:
    return demo_data


def test_chinese_default_view_matches_the_warehouse(data_dir):
    at = ui.run_page(PAGE)
    f = at.session_state["filters"]
    assert at.header[0].value == "满意度"
    assert len(ui.charts(at)) == 6
    ((ok, n, csi),) = ui.query(
        data_dir,
        """
        select count_if(is_satisfied), count(overall), sum(tier_weight * csi) / sum(tier_weight) filter (where csi is not null)
        from survey_responses where survey_type = 'post_service' and month between ? and ?""",
        [f.start, f.end],
    )
    assert ui.metric(at, "满意率 · 服务回访") == f"{ok / n * 100:.1f}%"
    assert ui.metric(at, "CSI · 服务回访") == f"{csi:.1f}"
    low, high = stats.wilson(ok, n)
    assert any(c.value == f"目标 ≥ 90% · 95% 置信区间 {low * 100:.1f}%–{high * 100:.1f}% · n = {n}" for c in at.caption)
    # by month: the published csi_monthly mart
    rows = ui.query(
        data_dir,
        """select strftime(month, '%Y-%m'), survey_type, csi, rated_responses, satisfaction_rate
                               from csi_monthly where month between ? and ? order by month, survey_type desc""",
        [f.start, f.end],
    )
    monthly = ui.table(at, "月", "调查类型", "CSI")
    assert list(monthly["月"]) == [r[0] for r in rows]
    assert list(monthly["CSI"]) == pytest.approx([r[2] for r in rows])
    assert list(monthly["满意率"]) == pytest.approx([100 * r[4] for r in rows])
    target_line = ui.charts(at)[0]
    lines = [tr for tr in target_line["data"] if tr.get("mode") == "lines"]
    assert [tr["name"] for tr in lines[:2]] == ["服务回访", "定期调查"]
    # a month without periodic responses breaks its line: every month of the range is on the axis,
    # a missing one as a gap (null), not joined across
    periodic = dict(zip(lines[1]["x"], lines[1]["y"], strict=True))
    assert len(periodic) == len({r[0] for r in rows})
    rated = {r[0]: r[3] for r in rows if r[1] == "periodic"}
    for month, y in periodic.items():
        if rated.get(month, 0) < 30:  # no response, or too few: not on the line
            assert y is None, month


def test_english_with_a_region_items_and_importance(data_dir):
    at = ui.run_page(PAGE, lang="en", dim_region=["华东"])
    f = at.session_state["filters"]
    assert at.header[0].value == "Satisfaction"
    ((n, mean, sd),) = ui.query(
        data_dir,
        """select count(attitude), avg(attitude), stddev_samp(attitude) from survey_responses
                                         where region = '华东' and survey_type = 'post_service' and month between ? and ?""",
        [f.start, f.end],
    )
    items = ui.table(at, "Item", "Mean score", "Standard deviation")
    row = items[items["Item"] == "Attitude"].iloc[0]
    assert int(row["n"]) == n and row["Mean score"] == pytest.approx(mean)
    low, high = t_interval(mean, sd, n)
    assert row["95% interval"] == f"{low:.2f} – {high:.2f}"
    # importance: exactly stats.spearman_importance on the raw responses
    cols = ["on_time", "first_time_fixed", "professionalism", "attitude", "communication"]
    raw = ui.query_df(
        data_dir,
        f"select {', '.join(cols)}, overall from survey_responses where region = '华东' "
        "and survey_type = 'post_service' and month between ? and ?",
        [f.start, f.end],
    )
    expected = stats.spearman_importance(raw, cols, "overall")
    ipa = ui.table(at, "Importance (Spearman ρ)", "Quadrant")
    assert list(ipa["Importance (Spearman ρ)"]) == pytest.approx(list(expected["importance"]))
    assert list(ipa["n"]) == list(expected["n"])
    assert list(ipa["Performance (mean score)"]) == pytest.approx(list(expected["performance"]))
    quadrant = [c for c in ui.charts(at) if c["layout"]["title"]["text"].startswith("Importance–performance")]
    assert len(quadrant) == 1
    # key vs general
    tiers = ui.table(at, "Customer tier", "Survey type", "Satisfaction rate")
    ((ok, rated),) = ui.query(
        data_dir,
        """select count_if(is_satisfied), count(overall) from survey_responses
                                       where region = '华东' and customer_tier = 'key' and survey_type = 'post_service'
                                       and month between ? and ?""",
        [f.start, f.end],
    )
    key_row = tiers[(tiers["Customer tier"] == "Key customers") & (tiers["Survey type"] == "Post-service")].iloc[0]
    assert key_row["Satisfaction rate"] == pytest.approx(100 * ok / rated)  # shown in percent


def _settings_with_role(tmp_path: Path, role: str) -> Path:
    """A copy of the settings whose local user (auth off) has `role`."""
    text = (ui.ROOT / "config/settings.toml").read_text(encoding="utf-8")
    line = f'default_role = "{role}"'
    if re.search(r"^default_role\s*=", text, flags=re.M):
        text = re.sub(r"^default_role\s*=.*$", line, text, flags=re.M)
    else:
        text = text.replace("[auth]\n", f"[auth]\n{line}\n")
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_dissatisfied_customers_are_listed_with_masked_contacts(data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("AFTERSALES_SETTINGS", str(_settings_with_role(tmp_path, "management")))
    at = ui.run_page(PAGE, lang="en", sat_followup_table={"selection": {"rows": [0], "columns": []}})
    f = at.session_state["filters"]
    rows = ui.query(
        data_dir,
        """
        select r.response_id, c.contact_phone, c.contact_email, r.comment from survey_responses r
        left join customers c using (customer_id)
        where not r.is_satisfied and r.month between ? and ? order by r.responded_at desc, r.response_id""",
        [f.start, f.end],
    )
    customers = ui.query(
        data_dir,
        "select customer_id, count(*) from survey_responses where not is_satisfied and month between ? and ? "
        "group by all order by 2 desc, 1",
        [f.start, f.end],
    )
    table = ui.table(at, "Contact", "Phone", "E-mail", "Lowest overall")
    assert len(table) == len(customers) < len(rows)  # one row per customer, not per response
    assert table["Customer"].is_unique
    assert sorted(table["Dissatisfied"], reverse=True) == [n for _, n in customers]
    assert (table["Lowest overall"] < 4).all()
    phone, email = rows[0][1], rows[0][2]
    assert table["Phone"].iloc[0] == phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    assert table["E-mail"].iloc[0] == email[0] + "***@" + email.split("@")[1]
    assert phone not in table["Phone"].to_list()
    comment = rows[0][3]
    assert (comment if comment is not None else "—") in [x.value for x in at.text]


def test_response_rate_counts_post_service_responses_against_resolved_tickets(data_dir):
    at = ui.run_page(PAGE, lang="en")
    f = at.session_state["filters"]
    rows = ui.query(
        data_dir,
        """
        select strftime(k.month, '%Y-%m'), coalesce(r.n, 0), k.n from
        (select date_trunc('month', resolved_at) as month, count(*) n from tickets where not is_cancelled
         and resolved_at is not null and date_trunc('month', resolved_at) between ? and ? group by all) k
        left join (select month, count(*) n from survey_responses where survey_type = 'post_service' group by all) r
        on r.month = k.month order by 1""",
        [f.start, f.end],
    )
    table = ui.table(at, "Post-service responses", "Tickets resolved")
    assert list(table["Month"]) == [r[0] for r in rows]
    assert [int(v) for v in table["Post-service responses"]] == [r[1] for r in rows]
    assert [int(v) for v in table["Tickets resolved"]] == [r[2] for r in rows]


def test_comment_selection_is_shown_as_plain_text(data_dir):
    at = ui.run_page(PAGE, sat_comments_table={"selection": {"rows": [0], "columns": []}})
    f = at.session_state["filters"]
    ((comment,),) = ui.query(
        data_dir,
        """select comment from survey_responses where month between ? and ?
                                      and comment is not null and trim(comment) <> ''
                                      order by responded_at desc, response_id limit 1""",
        [f.start, f.end],
    )
    assert comment in [x.value for x in at.text]


def test_spearman_from_counts_equals_the_direct_computation():
    import pandas as pd

    raw = pd.DataFrame({"a": [1, 2, 2, 3, 5, 4, None, 5, 1], "overall": [2, 2, 3, 3, 5, 4, 4, None, 1]})
    counts = raw.dropna(subset=["a"]).groupby(["a", "overall"], dropna=False).size().reset_index(name="n")
    counts = counts.rename(columns={"a": "score"}).assign(item="a")
    got = spearman_from_counts(counts, ["a"]).iloc[0]
    want = stats.spearman_importance(raw, ["a"], "overall").iloc[0]
    assert got["importance"] == pytest.approx(want["importance"])
    assert got["p_value"] == pytest.approx(want["p_value"])
    assert got["n"] == want["n"] and got["performance"] == pytest.approx(want["performance"])


def test_page_source_shows_user_text_only_as_text():
    for path in [
        *sorted((ui.ROOT / "dashboard/app_pages/satisfaction").glob("*.py")),
        ui.ROOT / "dashboard/stats/drivers.py",
    ]:
        source = path.read_text(encoding="utf-8")
        assert "unsafe_allow_html" not in source and "st.html" not in source and "st.markdown" not in source


def test_customer_service_sees_the_contact_details(data_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("AFTERSALES_SETTINGS", str(_settings_with_role(tmp_path, "customer_service")))
    at = ui.run_page(PAGE, lang="en")
    f = at.session_state["filters"]
    ((phone,),) = ui.query(
        data_dir,
        """
        select c.contact_phone from survey_responses r left join customers c using (customer_id)
        where not r.is_satisfied and r.month between ? and ? order by r.responded_at desc, r.response_id limit 1""",
        [f.start, f.end],
    )
    assert ui.table(at, "Contact", "Phone", "E-mail", "Lowest overall")["Phone"].iloc[0] == phone


def test_each_customer_to_call_back_is_shown_with_their_latest_response_whole(data_dir):
    """Every field of a customer's row is from one response, the latest dissatisfied one (ties by
    response id), even where that response has no comment or no NPS and an earlier one has."""
    from dashboard import data
    from dashboard.data.scope import Scope

    f = data.Filters(kind="quarter", start=None, end=None, scope=Scope(None, contacts=True, admin=True))
    shown = data.dissatisfied_responses(data.identity_at(data_dir), f, 100_000)
    rows = ui.query(
        data_dir,
        """
        select customer_id, response_id, comment, nps, ticket_id, overall from survey_responses
        where not is_satisfied
        qualify row_number() over (partition by customer_id order by responded_at desc, response_id desc) = 1""",
    )
    latest = {r[0]: r[1:] for r in rows}
    assert len(shown) == len(latest)
    # the demo set has customers whose latest dissatisfied response has no comment and an earlier one has
    [(mixed,)] = ui.query(
        data_dir,
        """
        select count(*) from (select customer_id from survey_responses where not is_satisfied group by all
        having count(comment) > 0 and arg_max(comment is null, (responded_at, response_id)))""",
    )
    assert mixed > 0
    for row in shown.itertuples():
        values = [None if pd.isna(v) else v for v in (row.response_id, row.comment, row.nps, row.ticket_id)]
        assert (*values, row.latest_overall) == latest[row.customer_id]


def test_the_csi_of_a_month_with_few_scored_responses_is_a_hollow_point_off_the_line(data_dir):
    at = ui.run_page(PAGE, lang="en")
    f = at.session_state["filters"]
    (chart,) = [c for c in ui.charts(at) if c["layout"]["title"]["text"].startswith("CSI by month")]
    few = ui.query(
        data_dir,
        "select strftime(month, '%Y-%m'), csi from csi_monthly where survey_type = 'periodic' "
        "and scored_responses < 30 and month between ? and ? order by month",
        [f.start, f.end],
    )
    assert few, "the demo has months with few periodic responses"
    line, hollow = [tr for tr in chart["data"] if tr["name"] == "Periodic"]
    assert hollow["marker"]["symbol"] == "circle-open"
    assert list(zip(hollow["x"], hollow["y"], strict=True)) == [(m, pytest.approx(c)) for m, c in few]
    assert all(line["y"][line["x"].index(m)] is None for m, _ in few)
