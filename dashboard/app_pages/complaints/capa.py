"""The CAPA tab of the Complaints page (SPEC §7.4, §8): CAPA status counts, the open and overdue
CAPAs with owner, due date and days overdue, and the measured effect of each completed CAPA beside
what its record says, disagreements flagged."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, stats, ui
from dashboard.app_pages.complaints.complaint_list import LIST_LIMIT
from dashboard.i18n import lang, t

CAPA_STATUSES = ("open", "overdue", "done", "verified_effective")
VERDICTS = ("effective", "not_shown", "too_few", "pending", "no_root_cause")
DAYS = st.column_config.NumberColumn(format="%.1f")
P = st.column_config.NumberColumn(format="%.3f")


def _cause(frame: pd.DataFrame) -> pd.Series:
    return ui.mapped(
        list(zip(frame["root_cause_category"], frame["name_zh"], strict=True)), lambda ab: ui.root_cause_label(*ab)
    )


def draw(view: dict, meta: dict) -> None:
    """CAPA status, open CAPAs and CAPA effect of `view` (data.complaints_view), as of `meta`'s as-of."""
    st.subheader(t("cp_capa_status"))
    st.caption(t("cp_capa_status_note"))
    status = view["capa_status"]
    counts = {s: int(status.loc[status["capa_status"] == s, "complaints"].sum()) for s in CAPA_STATUSES}
    cols = st.columns(len(CAPA_STATUSES))
    for col, s in zip(cols, CAPA_STATUSES, strict=True):
        col.metric(ui.label("capa", s), f"{counts[s]:,}", border=True)
    if status.empty:
        ui.empty(t("cp_no_capa"))
    else:
        bars = pd.DataFrame(
            {"status": [ui.label("capa", s) for s in CAPA_STATUSES], "complaints": list(counts.values())}
        )
        labels = {"title": t("cp_capa_status"), "status": t("cp_capa_status"), "complaints": t("cp_complaints")}
        st.plotly_chart(
            charts.bars(bars, "status", "complaints", labels | {"no_data": t("no_data")}), key="cp_capa_chart"
        )

    # ---- open and overdue CAPAs, overdue first
    st.subheader(t("cp_capa_open"))
    st.caption(t("cp_capa_open_note", as_of=f"{meta['as_of']:%Y-%m-%d %H:%M}"))
    open_capas = view["open_capas"]
    if open_capas.empty:
        ui.empty(t("cp_no_open_capa"))
    else:
        ui.table(
            pd.DataFrame(
                {
                    t("cp_col_complaint_id"): open_capas["complaint_id"],
                    t("cp_col_capa_status"): ui.mapped(open_capas["capa_status"], lambda v: ui.label("capa", v)),
                    t("cp_capa_owner"): open_capas["capa_owner"],
                    t("due_at"): open_capas["capa_due_at"],
                    t("cp_capa_days_overdue"): open_capas["days_overdue"].where(open_capas["capa_status"] == "overdue"),
                    t("cp_col_capa_action"): open_capas["capa_action"],
                    t("cp_root_cause"): _cause(open_capas),
                    t("cp_col_product_model"): open_capas["product_model"],
                    t("cp_department"): open_capas["responsible_department"],
                }
            ),
            "open_capas",
            "cp_open_capas",
            column_config={t("cp_capa_days_overdue"): DAYS},
        )

    # ---- measured effect of each completed CAPA beside its record
    st.subheader(t("cp_capa_effect"))
    st.caption(t("cp_capa_effect_note", days=ui.SETTINGS.windows["capa_effect_days"]))
    effect = view["capa_effect"]
    if effect.empty:
        ui.empty()
        return
    effect = stats.capa_verdicts(effect, ui.SETTINGS.significance)
    tally = effect["verdict"].value_counts()
    sep = "；" if lang() == "zh" else " · "
    parts = [f"{ui.label('capa_verdict', v)}: {int(tally.get(v, 0))}" for v in VERDICTS if tally.get(v)]
    st.caption(t("cp_capa_tally_measured", tally=sep.join(parts)))
    recorded = effect["capa_effective"].fillna(False).astype(bool)
    st.caption(
        t(
            "cp_capa_tally_recorded",
            recorded=int(recorded.sum()),
            recurred=int((effect["disagreement"] == "recurred").sum()),
        )
    )
    if len(effect) > LIST_LIMIT:
        st.caption(t("cp_capa_limited", n=LIST_LIMIT, total=len(effect)))
        effect = effect.head(LIST_LIMIT)
    ui.table(
        pd.DataFrame(
            {
                t("cp_col_complaint_id"): effect["complaint_id"],
                t("cp_root_cause"): _cause(effect),
                t("cp_col_product_model"): effect["product_model"],
                t("cp_department"): effect["responsible_department"],
                t("cp_col_capa_action"): effect["capa_action"],
                t("cp_capa_owner"): effect["capa_owner"],
                t("cp_capa_done"): effect["capa_done_at"],
                t("cp_before"): effect["complaints_before"],
                t("cp_answered"): effect["complaints_answered"],
                t("cp_after"): effect["complaints_after"],
                t("cp_after_days"): effect["after_days_observed"],
                t("cp_rate_ratio"): ui.mapped(effect["rate_ratio"], ui.ratio_text),
                t("cp_ratio_upper"): ui.mapped(effect["ratio_high"], ui.ratio_text),
                t("cp_p_one_sided"): effect["p_value"],
                t("cp_verdict"): ui.mapped(effect["verdict"], lambda v: ui.label("capa_verdict", v)),
                t("cp_recorded_effective"): ui.mapped(effect["capa_effective"], ui.yes_no),
                t("cp_disagreement"): ui.mapped(
                    effect["disagreement"], lambda v: "—" if ui.missing(v) else "⚠ " + t(f"capa_dis_{v}")
                ),
            }
        ),
        "capa_effect",
        "cp_capa_effect",
        column_config={t("cp_after_days"): DAYS, t("cp_p_one_sided"): P},
    )
