"""The CAPA tab of the Complaints page (SPEC §7.4, §8): CAPA status counts, and the effect of each
completed CAPA on its root cause's complaints with its verdict."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, stats, ui
from dashboard.app_pages.complaints.complaint_list import LIST_LIMIT
from dashboard.i18n import t

CAPA_STATUSES = ("open", "overdue", "done", "verified_effective")
DAYS = st.column_config.NumberColumn(format="%.1f")


def draw(view: dict) -> None:
    """CAPA status and effect of `view` (data.complaints_view)."""
    st.subheader(t("cp_capa_status"))
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
        st.plotly_chart(
            charts.bars(
                bars,
                "status",
                "complaints",
                {
                    "title": t("cp_capa_status"),
                    "status": t("cp_capa_status"),
                    "complaints": t("cp_complaints"),
                    "no_data": t("no_data"),
                },
            ),
            key="cp_capa_chart",
        )

    st.subheader(t("cp_capa_effect"))
    days = ui.SETTINGS.windows["capa_effect_days"]
    st.caption(t("cp_capa_effect_note", days=days))
    effect = view["capa_effect"]
    if effect.empty:
        ui.empty()
    else:
        effect = stats.capa_verdicts(effect, ui.SETTINGS.significance)
        tally = effect["verdict"].value_counts()
        st.caption(
            " · ".join(
                f"{ui.label('capa_verdict', v)}: {int(tally.get(v, 0))}"
                for v in ("effective", "not_shown", "too_few", "pending", "no_root_cause")
                if tally.get(v)
            )
        )
        if len(effect) > LIST_LIMIT:
            st.caption(t("cp_capa_limited", n=LIST_LIMIT, total=len(effect)))
            effect = effect.head(LIST_LIMIT)
        ui.table(
            pd.DataFrame(
                {
                    t("cp_col_complaint_id"): effect["complaint_id"],
                    t("cp_root_cause"): ui.mapped(
                        list(zip(effect["root_cause_category"], effect["name_zh"], strict=True)),
                        lambda ab: ui.root_cause_label(*ab),
                    ),
                    t("cp_col_product_model"): effect["product_model"],
                    t("cp_department"): effect["responsible_department"],
                    t("cp_col_capa_action"): effect["capa_action"],
                    t("cp_capa_owner"): effect["capa_owner"],
                    t("cp_capa_done"): effect["capa_done_at"],
                    t("cp_before"): effect["complaints_before"],
                    t("cp_after"): effect["complaints_after"],
                    t("cp_after_days"): effect["after_days_observed"],
                    t("cp_rate_ratio"): ui.mapped(effect["rate_ratio"], ui.ratio_text),
                    t("ci"): [
                        f"{ui.ratio_text(a)} – {ui.ratio_text(b)}" if not ui.missing(a) else "—"
                        for a, b in zip(effect["ratio_low"], effect["ratio_high"], strict=True)
                    ],
                    t("p_value"): effect["p_value"],
                    t("cp_verdict"): ui.mapped(effect["verdict"], lambda v: ui.label("capa_verdict", v)),
                    t("cp_recorded_effective"): ui.mapped(effect["capa_effective"], ui.yes_no),
                }
            ),
            "capa_effect",
            "cp_capa_effect",
            column_config={t("cp_after_days"): DAYS, t("p_value"): st.column_config.NumberColumn(format="%.3f")},
        )
