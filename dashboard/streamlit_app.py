"""Router and shared frame of the dashboard: language, filters, header with as-of and freshness."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` puts only dashboard/ on the path

from dashboard import data, sidebar  # noqa: E402
from dashboard.i18n import t  # noqa: E402

st.set_page_config(page_title="售后服务质量 · After-sales quality", layout="wide")

sidebar.language_picker()


def _overview_by_name() -> None:
    """/overview: the Overview, which as the default page is served at the root."""
    st.switch_page(PAGES[0])


PAGES = [
    st.Page("app_pages/overview.py", title=t("page_overview"), url_path="home", default=True),
    st.Page("app_pages/departments.py", title=t("page_departments"), url_path="departments"),
    st.Page("app_pages/trends.py", title=t("page_trends"), url_path="trends"),
    st.Page("app_pages/complaints/complaints.py", title=t("page_complaints"), url_path="complaints"),
    st.Page("app_pages/satisfaction/satisfaction.py", title=t("page_satisfaction"), url_path="satisfaction"),
    st.Page("app_pages/costs.py", title=t("page_costs"), url_path="costs"),
    st.Page("app_pages/data_admin.py", title=t("page_data"), url_path="data"),
    st.Page(_overview_by_name, title=t("page_overview"), url_path="overview", visibility="hidden"),
]
page = st.navigation(PAGES)

ident = data.identity()
missing = data.missing_relations(ident) if ident is not None else []
if missing:
    st.error(t("warehouse_outdated", missing=", ".join(missing)))
    st.stop()
st.session_state["ident"] = ident
try:
    st.session_state["filters"] = sidebar.filters(ident)

    st.title(t("app_title"))
    if ident is None:
        st.warning(t("no_warehouse"))
    else:
        m = data.meta(ident)
        st.caption(
            f"{t('as_of')} **{m['as_of']:%Y-%m-%d %H:%M}** · {t('built_at')} {m['built_at']:%Y-%m-%d %H:%M} · "
            f"{t('last_load')} {m['last_load']:%Y-%m-%d %H:%M} · {t('newest_record')} {m['newest_record']:%Y-%m-%d %H:%M}"
        )
    page.run()
except data.WarehouseMismatch as exc:  # a column an older version's build did not make
    st.error(t("warehouse_mismatch", reason=str(exc)))
