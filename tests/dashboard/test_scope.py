"""The viewer's scope where the queries are (SPEC §9): a department manager's questions answer with
their departments' rows only (a KPI's owner department, a complaint's responsible department) and
none of the tables that belong to no department; contact details and free text come back masked
for the masking roles; the load history is an administrator's; and a query without a scope fails
once sign-in is on."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
import streamlit as st

from dashboard import data
from dashboard.data.scope import Scope, Unscoped, masked
from tests.dashboard import auth_site
from tests.dashboard.pages import query

TECH = Scope(frozenset({"技术部"}), contacts=False, admin=False)
NONE = Scope(frozenset(), contacts=False, admin=False)
MANAGEMENT = Scope(None, contacts=False, admin=False)
PERIOD = {"kind": "quarter", "start": date(2025, 10, 1), "end": date(2026, 9, 1)}  # 2025Q4–2026Q3


def f(scope: Scope | None, **dims) -> data.Filters:
    return data.Filters(**PERIOD, dims=tuple((k, tuple(v)) for k, v in dims.items()), scope=scope)


@pytest.fixture
def ident(demo_data):
    return data.identity_at(demo_data)


def test_a_department_manager_gets_the_kpis_their_departments_own(ident, demo_data):
    assert list(data.kpi_settings(ident, f(TECH))["kpi"]) == ["repair_timeliness", "onsite_timeliness"]
    rates = data.kpi_rates(ident, f(TECH), "quarter")
    assert set(rates["kpi"]) == {"repair_timeliness", "onsite_timeliness"}
    [(events,)] = query(
        demo_data,
        "select sum(events) from kpi_cube where owner_department = '技术部' and month between ? and ?",
        [PERIOD["start"], PERIOD["end"]],
    )
    assert rates["n"].sum() == events == 1568
    assert set(data.scorecard(ident, f(TECH), "2026Q3")["owner_department"]) == {"技术部"}  # no composite row


def test_a_department_manager_gets_no_event_of_another_department(ident):
    assert data.events(ident, f(TECH), "first_time_fix").empty  # 售后服务部's
    assert data.kpi_breakdown(ident, f(TECH), "quote_timeliness", "region").empty  # 业务部's
    assert data.department_failures(ident, f(TECH), "售后服务部").empty
    own = data.events(ident, f(TECH), "repair_timeliness")
    assert len(own) > 0 and set(own["owner_department"]) == {"技术部"}


def test_a_department_manager_gets_the_complaints_their_departments_are_responsible_for(ident, demo_data):
    [(received,)] = query(
        demo_data,
        "select count(*) from complaints where responsible_department = '技术部' and month between ? and ?",
        [PERIOD["start"], PERIOD["end"]],
    )
    assert data.complaint_summary(ident, f(TECH))["complaints"] == received == 4
    listed = data.complaint_list(ident, f(TECH))
    assert len(listed) == 4 and set(listed["responsible_department"]) == {"技术部"}
    assert set(data.complaint_matrix(ident, f(TECH))["department"]) == {"技术部"}
    assert set(data.capa_effect(ident, f(TECH))["responsible_department"]) <= {"技术部"}
    open_ids = set(data.open_complaints(ident, f(TECH))["complaint_id"])
    assert open_ids == set()  # 技术部 has no open complaint at the as-of time
    assert not data.open_complaints(ident, f(MANAGEMENT)).empty


@pytest.mark.parametrize("dims", [{}, {"region": ["华东"]}])
def test_tables_of_no_department_answer_a_department_manager_with_no_rows(ident, dims):
    scoped = f(TECH, **dims)
    assert data.complaint_rate(ident, scoped).empty  # a rate over tickets, which are nobody's
    assert data.service_costs(ident, scoped).empty
    assert data.cost_tickets(ident, scoped, date(2026, 9, 1)).empty
    assert data.survey_groups(ident, scoped, "all").empty
    assert data.dissatisfied_responses(ident, scoped).empty
    assert data.survey_comments(ident, scoped).empty
    assert data.survey_coverage(ident, scoped).empty
    assert not data.service_costs(ident, f(MANAGEMENT, **dims)).empty


def test_a_department_manager_without_departments_sees_nothing(ident):
    assert data.kpi_rates(ident, f(NONE), "quarter").empty
    assert data.complaint_summary(ident, f(NONE))["complaints"] == 0
    assert data.periods(ident, NONE).empty


def test_the_sidebar_offers_the_scopes_values(ident, demo_data):
    regions = [r for (r,) in query(demo_data, "select distinct region from kpi_cube order by 1") if r]
    tech = [
        r
        for (r,) in query(
            demo_data, "select distinct region from kpi_cube where owner_department = '技术部' order by 1"
        )
        if r
    ]
    assert data.dimension_values(ident, data.Filters(scope=MANAGEMENT))["region"] == regions
    assert data.dimension_values(ident, data.Filters(scope=TECH))["region"] == tech
    assert len(data.periods(ident, TECH)) > 0


def test_the_load_history_and_rejected_rows_are_an_administrators(ident):
    for scope in (TECH, MANAGEMENT, Scope(None, contacts=True, admin=False)):
        with pytest.raises(PermissionError):
            data.load_history(ident, scope)
        with pytest.raises(PermissionError):
            data.rejected_rows(ident, scope)
        with pytest.raises(PermissionError):
            data.rejected_summary(ident, scope)
    assert len(data.load_history(ident, data.EVERYTHING)) == 5


def test_contacts_and_free_text_come_back_masked_for_a_masking_scope():
    df = pd.DataFrame(
        {
            "contact_name": ["张三丰", None],
            "contact_phone": ["13812345678", None],
            "contact_email": ["zhang@example.com", None],
            "comment": ["请回电 139-1234-5678", None],
            "description": ["mail li.na@example.cn", "no contact"],
            "customer_name": ["天津信华五金制品厂", "x"],
        }
    )
    shown = masked(df, MANAGEMENT)
    assert shown.iloc[0].tolist() == [
        "张**",
        "138****5678",
        "z***@example.com",
        "请回电 139****5678",
        "mail l***@example.cn",
        "天津信华五金制品厂",
    ]
    assert shown.iloc[1].isna().tolist() == [True, True, True, True, False, False]  # missing stays missing
    assert shown.iloc[1].tolist()[4:] == ["no contact", "x"]
    assert masked(df, Scope(None, contacts=True, admin=False)).equals(df)


def test_the_querys_own_rows_are_masked_for_a_masking_scope(ident):
    low = data.dissatisfied_responses(ident, f(MANAGEMENT), 1)
    assert low["contact_phone"].str.fullmatch(r"1\d\d\*{4}\d{4}").all()
    assert low["contact_email"].str.fullmatch(r".\*\*\*@.+").all()
    full = data.dissatisfied_responses(ident, f(Scope(None, contacts=True, admin=False)), 1)
    assert full["contact_phone"].str.fullmatch(r"1\d{10}").all()


def test_a_query_without_a_scope_fails_once_sign_in_is_on(ident, tmp_path, monkeypatch):
    unscoped = data.Filters(**PERIOD)
    assert not data.kpi_rates(ident, unscoped, "quarter").empty  # mode none: the local user's scope
    settings = auth_site.settings_file(tmp_path, "local", tmp_path / "users.toml")
    monkeypatch.setenv("AFTERSALES_SETTINGS", str(settings))
    other = data.Filters(kind="month", **{k: v for k, v in PERIOD.items() if k != "kind"})
    st.cache_data.clear()  # an answer cached by an earlier test (a report's trends) would not ask again
    with pytest.raises(Unscoped):
        data.kpi_rates(ident, other, "month")
    with pytest.raises(Unscoped):
        data.complaint_list(ident, other)
    with pytest.raises(Unscoped):
        data.dimension_values(ident, other)
