"""Router and shared frame of the dashboard: language, the sign-in gate, the pages of the viewer's
roles, filters in the viewer's scope, header with as-of and freshness."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # `streamlit run` puts only dashboard/ on the path

from dashboard import data, gate, sidebar  # noqa: E402
from dashboard.i18n import t  # noqa: E402
from pipelines.settings import load_settings  # noqa: E402

st.set_page_config(page_title="售后服务质量 · After-sales quality", layout="wide")

sidebar.language_picker()
settings = load_settings()
viewer = gate.viewer(settings)  # with sign-in on, draws the sign-in and stops until someone is signed in

SCRIPTS = {
    "overview": "app_pages/overview.py",
    "departments": "app_pages/departments.py",
    "trends": "app_pages/trends.py",
    "complaints": "app_pages/complaints/complaints.py",
    "satisfaction": "app_pages/satisfaction/satisfaction.py",
    "costs": "app_pages/costs.py",
    "data": "app_pages/data_admin.py",
}


def not_permitted() -> None:
    """What a page the viewer's roles may not open says to a URL that names it."""
    st.error(t("not_permitted"))


def default_by_name() -> None:
    """/<name> of the viewer's default page (/overview), which as the default is served at the root."""
    st.switch_page(PAGES[list(SCRIPTS).index(viewer.pages[0])])


# A page the viewer may not open is out of the navigation; its URL still resolves, to not_permitted.
PAGES = [
    st.Page(script, title=t(f"page_{name}"), url_path="home", default=True)
    if name == viewer.pages[0]
    else st.Page(script, title=t(f"page_{name}"), url_path=name)
    if name in viewer.pages
    else st.Page(not_permitted, title=t(f"page_{name}"), url_path=name, visibility="hidden")
    for name, script in SCRIPTS.items()
] + [st.Page(default_by_name, title=t(f"page_{viewer.pages[0]}"), url_path=viewer.pages[0], visibility="hidden")]
page = st.navigation(PAGES)

ident = data.identity()
missing = data.missing_relations(ident) if ident is not None else []
if missing:
    st.error(t("warehouse_outdated", missing=", ".join(missing)))
    st.stop()
st.session_state["ident"] = ident
try:
    st.session_state["filters"] = sidebar.filters(ident, data.Scope.of(viewer))

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
