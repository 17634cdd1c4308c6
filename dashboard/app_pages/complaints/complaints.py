"""Complaints (客诉分析, SPEC §7.4): root-cause Pareto, category × department, severity mix, complaint
rate, open and overdue complaints, CAPA status and effect (§8), time to close, recurring causes,
the complaint KPIs with their events, and a drill-down list. User text is shown as text only.
Each tab is drawn by a module beside this script, the KPI section by kpis."""

import streamlit as st

from dashboard import data, ui
from dashboard.app_pages.complaints import capa, causes, complaint_list, kpis, matrix, open_complaints, rate
from dashboard.i18n import t

ident, f = st.session_state.get("ident"), st.session_state.get("filters")
st.header(t("page_complaints"))
if ident is None or f is None or f.start is None:
    ui.empty()
    st.stop()

st.caption(ui.range_caption(f) + (" · " + t("owner_not_applied") if f.dim(data.OWNER) else ""))
meta = data.meta(ident)
view = data.complaints_view(ident, f, complaint_list.LIST_LIMIT)  # every default query on one connection
summary, open_df = view["summary"], view["open"]
if not summary["complaints"]:  # name the filter that leaves no complaint in the period
    ui.empty_for(ident, f, "complaints")
serious_open = int((open_df["severity"] == "serious").sum())
overdue_open = int(open_df["is_overdue"].sum()) if not open_df.empty else 0

# alerts: open serious complaints first, then overdue ones (as of the warehouse as-of, any period)
if serious_open:
    st.error("⚠ " + t("cp_alert_serious", n=serious_open))
if overdue_open:
    st.warning(t("cp_alert_overdue", n=overdue_open))

c = st.columns(5)
c[0].metric(t("cp_received"), f"{summary['complaints']:,}", border=True)
c[1].metric(t("cp_with_root_cause"), f"{summary['with_root_cause']:,}", border=True)
c[2].metric(t("cp_justified"), f"{summary['justified']:,}", border=True)
c[3].metric(t("cp_recurrences"), f"{summary['recurrences']:,}", border=True)
c[4].metric(
    t("cp_open_now"), f"{len(open_df):,}", help=t("cp_open_help", as_of=f"{meta['as_of']:%Y-%m-%d %H:%M}"), border=True
)

st.subheader(t("cp_kpis", period=ui.range_text(f)))
st.caption(t("cp_kpis_note"))
kpis.draw(ident, f, view["kpis"], "cp")

tab_pareto, tab_matrix, tab_rate, tab_open, tab_capa, tab_list = st.tabs(
    [t("cp_tab_pareto"), t("cp_tab_matrix"), t("cp_tab_rate"), t("cp_tab_open"), t("cp_tab_capa"), t("cp_tab_list")]
)

with tab_pareto:
    causes.draw(ident, f, view)
with tab_matrix:
    matrix.draw(view)
with tab_rate:
    rate.draw(view)
with tab_open:
    open_complaints.draw(view, meta)
with tab_capa:
    capa.draw(view, meta)
with tab_list:
    complaint_list.draw(ident, f, view)
