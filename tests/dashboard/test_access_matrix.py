"""The role × page × action matrix (SPEC §9), through AppTest on a copy of the demo warehouse whose
complaint descriptions, CAPA actions and survey comments have phone numbers and e-mails planted in
them: every role opens every page (by URL, as a shared link does), with the first row of every
table selected (the drill-downs), and makes every download the page offers, quarterly and monthly
reports included. Counted: renders of a page a role may not open, rows outside a department
manager's departments (against the warehouse), and unmasked phone numbers or e-mails for the roles
that must not see them. The counts are printed (pytest -s) and must be 0."""

from __future__ import annotations

import io
import re
import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pytest
import streamlit as st
from openpyxl import load_workbook
from streamlit.runtime.media_file_manager import MediaFileManager

from dashboard import accounts
from dashboard.accounts import User
from tests.dashboard import auth_site
from tests.dashboard.pages import query, query_df
from tests.report.conftest import pdf_text, pptx_text

ZONE = ZoneInfo("Asia/Shanghai")
SCOPE = ("品控中心", "技术部")  # li.na's departments
USERS = {
    "admin": User("an.admin", ("admin",)),
    "management": User("mo.management", ("management",)),
    "department_manager": User("li.na", ("department_manager",), SCOPE),
    "quality": User("qi.quality", ("quality",)),
    "customer_service": User("cs.service", ("customer_service",)),
}
PAGES = ("overview", "departments", "trends", "complaints", "satisfaction", "costs", "data")
# SPEC §9, written out: the pages each role may open
ALLOWED = {
    "admin": set(PAGES),
    "management": {"overview", "departments", "trends", "complaints", "satisfaction", "costs"},
    "department_manager": {"overview", "departments", "trends", "complaints"},
    "quality": {"complaints"},
    "customer_service": {"satisfaction"},
}
MASKING = {"management", "department_manager", "quality"}
TITLES = {
    "overview": "总览",
    "departments": "部门目标",
    "trends": "趋势",
    "complaints": "客诉分析",
    "satisfaction": "满意度",
    "costs": "服务成本",
    "data": "数据",
}
NOT_PERMITTED = "无权访问：您的角色不能查看此页面。"
DEPARTMENT_COLUMN = "责任部门"  # the owner / responsible department, as every zh table heads it
PLANTED = ("13812345678", "wang.fang@example.com", "0755-12345678", "13912345678", "li.si@example.org")
IN_SCOPE = "list_contains(?::varchar[], responsible_department)"
OWNED = "list_contains(?::varchar[], owner_department)"
# an unmasked phone number (Chinese mobile, landline with area code) or e-mail address; digits
# after a decimal point are a number's (92255.18999999999), digits inside a run of letters and
# digits an identifier's (a download's hex id), not a phone's
UNMASKED = re.compile(
    r"(?<![0-9A-Za-z.])1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![0-9A-Za-z])|(?<![0-9A-Za-z.])0\d{2,3}-\d{7,8}(?![0-9A-Za-z])"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)


@pytest.fixture(scope="module")
def matrix(tmp_path_factory, demo_data):
    """A data directory with the planted warehouse, a users file with one user per role, the
    settings in mode local."""
    root = tmp_path_factory.mktemp("matrix")
    data = root / "data"
    data.mkdir()
    shutil.copy(demo_data / "warehouse.duckdb", data / "warehouse.duckdb")
    con = duckdb.connect(str(data / "warehouse.duckdb"))
    con.execute(
        "update complaints set description = coalesce(description, '') || ' 客户手机13812345678，wang.fang@example.com'"
    )
    con.execute(
        "update complaints set capa_action = capa_action || '，联系0755-12345678' where capa_action is not null"
    )
    con.execute(
        "update capa_effect set capa_action = capa_action || '，联系0755-12345678' where capa_action is not null"
    )
    con.execute(
        "update survey_responses set comment = coalesce(comment, '') || ' 请回电13912345678或li.si@example.org'"
    )
    con.close()
    users = root / "users.toml"
    for user in USERS.values():
        accounts.add_user(users, user)
    return {"data": data, "settings": auth_site.settings_file(root, "local", users)}


@pytest.fixture
def site(matrix, monkeypatch):
    monkeypatch.setenv("AFTERSALES_DATA", str(matrix["data"]))
    monkeypatch.setenv("AFTERSALES_SETTINGS", str(matrix["settings"]))
    made: list[tuple[str, object]] = []  # (file name, callable) of every download button drawn
    add_deferred = MediaFileManager.add_deferred

    def record(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        made.append((file_name, data_callable))
        return add_deferred(self, data_callable, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", record)
    shown: dict[str, list[str]] = {}
    navigation = st.navigation

    def navigate(pages, *args, **kwargs):
        shown["pages"] = [p.title for p in pages if p.visibility == "visible"]
        return navigation(pages, *args, **kwargs)

    monkeypatch.setattr(st, "navigation", navigate)
    return {"data": matrix["data"], "made": made, "shown": shown}


def signed_in(role: str):
    at = auth_site.app()
    at.session_state["auth_user"] = USERS[role].name
    at.session_state["auth_last_seen"] = datetime.now(ZONE)
    return at.run()


def file_text(name: str, body: bytes) -> str:
    if name.endswith(".csv"):
        return body.decode("utf-8-sig")
    if name.endswith(".pdf"):
        return pdf_text(body)
    if name.endswith(".pptx"):
        return pptx_text(body)
    wb = load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)


def file_tables(name: str, body: bytes) -> list[pd.DataFrame]:
    if name.endswith(".csv"):
        return [pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype=str)]
    if name.endswith(".xlsx") and not name.startswith("after_sales_monthly"):  # a table's download
        return [pd.read_excel(io.BytesIO(body), dtype=str)]
    return []


class Tally:
    def __init__(self, data):
        self.data = data
        self.forbidden = self.out_of_scope = self.unmasked = 0
        self.scoped_rows = self.found_unmasked = self.renders = self.downloads = self.reports = 0
        self.leaks: list[tuple[str, str, str]] = []  # what was found unmasked, for the failure message
        self.planted_seen: set[str] = set()  # planted values admin and customer service were shown
        self.complaints = {
            r[0] for r in query(data, f"select complaint_id from complaints where {IN_SCOPE}", [list(SCOPE)])
        }
        self.events = {r[0] for r in query(data, f"select event_id from kpi_events where {OWNED}", [list(SCOPE)])}
        # every department the warehouse names, for a table with one column per department
        self.foreign = {
            r[0]
            for r in query(
                data,
                "select owner_department from kpi_events union select responsible_department from complaints",
            )
            if r[0] and r[0] not in SCOPE
        }

    def rows(self, role: str, tables: list[pd.DataFrame]) -> None:
        """Rows of a department manager's tables outside SCOPE: a department, complaint or event not theirs."""
        if role != "department_manager":
            return
        for df in tables:
            df = df.astype(str)
            bad = pd.Series(False, index=df.index)
            for col, allowed in (
                (DEPARTMENT_COLUMN, set(SCOPE)),
                ("投诉编号", self.complaints),
                ("事件编号", self.events),
            ):
                if col in df.columns:
                    bad |= ~df[col].isin(allowed)
            if self.foreign & set(df.columns):
                bad |= True
            if {DEPARTMENT_COLUMN, "投诉编号", "事件编号"} & set(df.columns):
                self.scoped_rows += len(df)
            self.out_of_scope += int(bad.sum())

    def masking(self, role: str, page: str, texts: list[str]) -> None:
        found = [m for text in texts for m in UNMASKED.findall(text)]
        if role in MASKING:
            self.unmasked += len(found)
            self.leaks += [
                (role, page, text[max(0, m.start() - 40) : m.end() + 20])
                for text in texts
                for m in UNMASKED.finditer(text)
            ]
        else:
            self.found_unmasked += len(found)
            self.planted_seen |= {value for value in PLANTED if any(value in text for text in texts)}


def test_role_page_action_matrix(site):
    tally = Tally(site["data"])
    audited_by_admin: set[str] = set()
    for role in USERS:
        at = signed_in(role)
        assert not at.exception, role
        assert site["shown"]["pages"] == [TITLES[p] for p in PAGES if p in ALLOWED[role]], role
        done: set[str] = set()
        for page in PAGES:
            site["made"].clear()
            auth_site.open_url(at, page)
            assert not at.exception, (role, page, at.exception)
            runs = [auth_site.texts(at)]
            tables = [d.value for d in at.dataframe]
            headers = [h.value for h in at.header]
            if page not in ALLOWED[role]:
                drew = len(at.dataframe) + len(at.metric) + len(at.get("plotly_chart")) + len(site["made"])
                said = [e.value for e in at.error] == [NOT_PERMITTED]
                tally.forbidden += int(drew > 0 or TITLES[page] in headers or not said)
                continue
            assert TITLES[page] in headers, (role, page)
            keys = [d.key for d in at.dataframe if d.key]
            for key in keys:  # the first row of every table selected: every drill-down drawn
                at.session_state[key] = {"selection": {"rows": [0], "columns": []}}
            at.run()
            assert not at.exception, (role, page, at.exception)
            runs.append(auth_site.texts(at))
            tables += [d.value for d in at.dataframe]
            tally.renders += 2
            if role == "department_manager" and page == "departments":
                assert set(at.selectbox(key="dept_department").options) <= set(SCOPE)
            if role == "department_manager" and page == "complaints":
                f = at.session_state["filters"]
                [(expected,)] = query(
                    site["data"],
                    f"select count(*) from complaints where {IN_SCOPE} and month between ? and ?",
                    [list(SCOPE), f.start, f.end],
                )
                assert [m.value for m in at.metric if m.label == "受理客诉"] == [f"{expected:,}"]
            for name, make in site["made"]:
                if name in done:
                    continue
                done.add(name)
                body = make()
                body = body if isinstance(body, bytes) else body.encode("utf-8")
                tally.downloads += 1
                tally.reports += name.endswith((".pdf", ".pptx")) or name.startswith("after_sales_monthly")
                runs.append([file_text(name, body)])
                tables += file_tables(name, body)
            tally.masking(role, page, [text for run in runs for text in run])
            tally.rows(role, tables)
        if role == "admin":
            audited_by_admin = {e["what"] for e in auth_site.trail(site["data"]) if e["user"] == "an.admin"}

    # the sidebar offers a department manager the dimension values of their departments' events only
    at = signed_in("department_manager")
    regions = query_df(
        site["data"],
        f"select distinct region from kpi_cube where {OWNED} and region is not null order by 1",
        [list(SCOPE)],
    )["region"].tolist()
    assert at.multiselect(key="dim_region").options == regions

    print(
        f"\nmatrix: {len(USERS)} roles × {len(PAGES)} pages, {tally.renders} renders of permitted pages, "
        f"{tally.downloads} downloads ({tally.reports} reports): {tally.forbidden} forbidden renders, "
        f"{tally.out_of_scope} rows out of scope (of {tally.scoped_rows} department-manager rows checked), "
        f"{tally.unmasked} unmasked phone numbers or e-mails ({tally.found_unmasked} shown to admin and customer_service)"
    )
    assert (tally.forbidden, tally.out_of_scope, tally.unmasked) == (0, 0, 0), tally.leaks[:20]
    assert tally.scoped_rows > 100 and tally.found_unmasked > 100  # the checks did look at something
    assert tally.planted_seen == set(PLANTED)
    assert tally.reports == 8  # PDF and PPTX of three roles' Overview, XLSX of two roles' Costs
    # every download holding personal data and every quarterly report is in the audit trail
    assert {
        "complaints.csv",
        "open_complaints.xlsx",
        "capa_effect.csv",
        "dissatisfied_customers.xlsx",
        "survey_comments.csv",
        "rejected_rows.csv",
        "service_quality_2026Q3.pdf",
        "service_quality_2026Q3.pptx",
    } <= audited_by_admin
    assert not {n for n in audited_by_admin if n.startswith(("load_files", "events_", "scorecard_", "after_sales"))}
