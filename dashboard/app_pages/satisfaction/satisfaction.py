"""Satisfaction (满意度, SPEC §7.5): CSI and satisfaction rate by month and survey type, item scores
with intervals, key vs general customers, importance–performance view (§8), response rate,
dissatisfied customers to follow up (contacts masked, §9), comments. User text shown as text only.
Each tab is drawn by a module beside this script; rates holds what they share."""

import streamlit as st

from dashboard import data, ui
from dashboard.app_pages.satisfaction import by_month, comments, drivers, followup, items, response, tiers
from dashboard.app_pages.satisfaction.rates import TARGET, rate_rows, survey_label
from dashboard.i18n import lang, t

SETTINGS = ui.SETTINGS

ident, f = st.session_state.get("ident"), st.session_state.get("filters")
st.header(t("page_satisfaction"))
if ident is None or f is None or f.start is None:
    ui.empty()
    st.stop()
st.caption(ui.range_caption(f) + (" · " + t("owner_not_applied") if f.dim(data.OWNER) else ""))
if f.dim("channel"):
    st.caption("ℹ " + t("sat_no_channel"))

# ---- the whole range, per survey type: satisfaction rate cards and CSI
view = data.satisfaction_view(ident, f, followup.LIST_LIMIT)  # every default query on one connection
overall = view["all"]
if overall.empty:
    ui.empty_for(ident, f, "surveys")
    st.stop()
st.caption(
    t(
        "sat_target_note",
        target=ui.pct(TARGET, 0),
        threshold=SETTINGS.satisfied_threshold,
        lo=SETTINGS.scale_min,
        hi=SETTINGS.scale_max,
    )
)
rated = rate_rows(overall)
cols = st.columns(2 * len(overall))
for i, (_, r) in enumerate(overall.iterrows()):
    name = survey_label(r["survey_type"])
    row = rated[rated["survey_type"] == r["survey_type"]]
    with cols[2 * i]:
        if row.empty:
            st.metric(t("sat_rate_of", survey=name), "—", border=True)
        else:
            ui.kpi_card(t("sat_rate_of", survey=name), row.iloc[0].to_dict())
    cols[2 * i + 1].metric(
        t("sat_csi_of", survey=name),
        "—" if ui.missing(r["csi"]) else f"{r['csi']:.1f}",
        border=True,
        help=t("sat_csi_help"),
    )
    cols[2 * i + 1].caption(t("sat_responses_n", n=int(r["responses"]), scored=int(r["scored_responses"])))

tab_month, tab_items, tab_tier, tab_ipa, tab_resp, tab_follow, tab_comments = st.tabs(
    [
        t("sat_tab_month"),
        t("sat_tab_items"),
        t("sat_tab_tier"),
        t("sat_tab_ipa"),
        t("sat_tab_response"),
        t("sat_tab_followup"),
        t("sat_tab_comments"),
    ]
)

# (survey type, item) → the item's name in the current language, for the items and key-driver tabs
item_names = {
    (r["survey_type"], r["item"]): (r["name_zh"] if lang() == "zh" else r["name_en"])
    for _, r in view["items"].iterrows()
}
with tab_month:
    by_month.draw(view, f)
with tab_items:
    items.draw(view, item_names)
with tab_tier:
    tiers.draw(view)
with tab_ipa:
    drivers.draw(view, item_names)
with tab_resp:
    response.draw(view)
with tab_follow:
    followup.draw(view)
with tab_comments:
    comments.draw(view)
