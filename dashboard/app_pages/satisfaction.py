"""Satisfaction (满意度, SPEC §7.5): CSI and satisfaction rate by month and survey type, item scores
with intervals, key vs general customers, importance–performance view (§8), response rate,
dissatisfied customers to follow up (contacts masked, §9), comments. User text shown as text only."""

import math

import pandas as pd
import streamlit as st

from dashboard import access, charts, data, stats, ui
from dashboard.i18n import lang, t

SETTINGS = ui.SETTINGS
TARGET = SETTINGS.composite_target  # no survey target is configured: the 服务满意率 target is the reference
PCT = st.column_config.NumberColumn(format="percent")
ONE = st.column_config.NumberColumn(format="%.1f")
TWO = st.column_config.NumberColumn(format="%.2f")
LIST_LIMIT = 1000  # the latest dissatisfied responses / comments: a call list, not an archive

ident, f = st.session_state.get("ident"), st.session_state.get("filters")
st.header(t("page_satisfaction"))
if ident is None or f is None or f.start is None:
    ui.empty()
    st.stop()
if f.dim("channel"):
    st.caption("ℹ " + t("sat_no_channel"))


def survey_label(v) -> str:
    return ui.label("survey", v)


def rate_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Satisfied of rated responses as rate rows (Wilson interval, verdict against the reference target)."""
    out = df.rename(columns={"satisfied_responses": "successes", "rated_responses": "n"}).copy()
    out = out[out["n"] > 0]
    out["successes"], out["n"], out["target"] = out["successes"].astype(int), out["n"].astype(int), TARGET
    return ui.with_rates(out)


# ---- the whole range, per survey type: satisfaction rate cards and CSI
view = data.satisfaction_view(ident, f, LIST_LIMIT)  # every default query on one connection
overall = view["all"]
if overall.empty:
    ui.empty()
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

# ---- by month and survey type
with tab_month:
    monthly = view["monthly"].copy()
    if monthly.empty:
        ui.empty()
    else:
        monthly["period"] = ui.month_text(monthly["month"])
        monthly["survey"] = ui.mapped(monthly["survey_type"], survey_label)
        rates = rate_rows(monthly)
        st.subheader(t("sat_rate_by_month"))
        st.plotly_chart(
            charts.target_line(
                rates,
                TARGET,
                {
                    "title": t("sat_rate_by_month"),
                    "x_title": t("month"),
                    "y_title": t("sat_rate"),
                    "period": t("month"),
                    "rate": t("sat_rate"),
                    "ci": t("ci"),
                    "n": t("sat_rated"),
                    "target": t("sat_reference_target"),
                    "met": t("met"),
                    "missed": t("missed"),
                    "no_data": t("no_data"),
                },
                series="survey",
            ),
            key="sat_rate_chart",
        )
        st.subheader(t("sat_csi_by_month"))
        st.plotly_chart(
            charts.lines(
                monthly[monthly["csi"].notna()],
                "period",
                "csi",
                {
                    "title": t("sat_csi_by_month"),
                    "x_title": t("month"),
                    "y_title": t("sat_csi"),
                    "period": t("month"),
                    "csi": t("sat_csi"),
                    "n": t("sat_scored"),
                    "no_data": t("no_data"),
                },
                series="survey",
                n="scored_responses",
                y_range=(0, 100),
            ),
            key="sat_csi_chart",
        )
        table = monthly.merge(
            rates[["month", "survey_type", "rate", "ci_low", "ci_high", "verdict", "p_value"]],
            on=["month", "survey_type"],
            how="left",
        )
        ui.table(
            pd.DataFrame(
                {
                    t("month"): table["period"],
                    t("sat_survey_type"): table["survey"],
                    t("sat_responses"): table["responses"],
                    t("sat_csi"): table["csi"],
                    t("sat_rated"): table["rated_responses"],
                    t("sat_satisfied"): table["satisfied_responses"],
                    t("sat_rate"): table["rate"],
                    t("ci"): [
                        f"{ui.pct(a)} – {ui.pct(b)}" for a, b in zip(table["ci_low"], table["ci_high"], strict=True)
                    ],
                    t("met"): [
                        ui.verdict_text(r) if isinstance(r["verdict"], str) else "—" for _, r in table.iterrows()
                    ],
                }
            ),
            "satisfaction_by_month",
            "sat_month_table",
            column_config={t("sat_csi"): ONE, t("sat_rate"): PCT},
        )

# ---- item scores with 95% t-intervals
items = view["items"]
item_names = {
    (r["survey_type"], r["item"]): (r["name_zh"] if lang() == "zh" else r["name_en"]) for _, r in items.iterrows()
}
with tab_items:
    st.subheader(t("sat_items"))
    scores = view["item_stats"]
    scores = scores[scores["n"] > 0].copy()
    if scores.empty:
        ui.empty()
    else:
        bounds = [stats.t_interval(m, s, n) for m, s, n in zip(scores["mean"], scores["sd"], scores["n"], strict=True)]
        scores["low"], scores["high"] = [b[0] for b in bounds], [b[1] for b in bounds]
        scores["label"] = [
            item_names.get((a, b), b) for a, b in zip(scores["survey_type"], scores["item"], strict=True)
        ]
        scores["survey"] = ui.mapped(scores["survey_type"], survey_label)
        st.caption(t("sat_items_note", lo=SETTINGS.scale_min, hi=SETTINGS.scale_max))
        st.plotly_chart(
            charts.bars(
                scores,
                "label",
                "mean",
                {
                    "title": t("sat_items"),
                    "x_title": t("sat_item"),
                    "y_title": t("sat_mean"),
                    "label": t("sat_item"),
                    "mean": t("sat_mean"),
                    "n": t("n"),
                    "ci": t("ci"),
                    "no_data": t("no_data"),
                },
                color="survey",
                n="n",
                low="low",
                high="high",
            ),
            key="sat_items_chart",
        )
        ui.table(
            pd.DataFrame(
                {
                    t("sat_survey_type"): scores["survey"],
                    t("sat_item"): scores["label"],
                    t("n"): scores["n"],
                    t("sat_mean"): scores["mean"],
                    t("sat_sd"): scores["sd"],
                    t("ci"): [
                        f"{a:.2f} – {b:.2f}" if not math.isnan(a) else "—"
                        for a, b in zip(scores["low"], scores["high"], strict=True)
                    ],
                }
            ),
            "survey_items",
            "sat_items_table",
            column_config={t("sat_mean"): TWO, t("sat_sd"): TWO},
        )

# ---- key vs general customers
with tab_tier:
    st.subheader(t("sat_tiers"))
    tiers = view["tiers"].copy()
    if tiers.empty:
        ui.empty()
    else:
        tiers["tier"] = ui.mapped(tiers["customer_tier"], lambda v: ui.label("tier", v))
        tiers["survey"] = ui.mapped(tiers["survey_type"], survey_label)
        tr = rate_rows(tiers)
        st.plotly_chart(
            charts.bars(
                tr,
                "tier",
                "rate",
                {
                    "title": t("sat_tiers"),
                    "x_title": t("customer_tier"),
                    "y_title": t("sat_rate"),
                    "tier": t("customer_tier"),
                    "rate": t("sat_rate"),
                    "n": t("sat_rated"),
                    "ci": t("ci"),
                    "no_data": t("no_data"),
                },
                color="survey",
                percent=True,
                n="n",
                low="ci_low",
                high="ci_high",
            ),
            key="sat_tier_chart",
        )
        for stype, g in tr.groupby("survey_type", sort=False):
            key_, gen = g[g["customer_tier"] == "key"], g[g["customer_tier"] == "general"]
            if len(key_) and len(gen):
                d, lo, hi, sig = stats.newcombe_diff(
                    int(key_["successes"].iloc[0]),
                    int(key_["n"].iloc[0]),
                    int(gen["successes"].iloc[0]),
                    int(gen["n"].iloc[0]),
                )
                st.caption(
                    t(
                        "sat_tier_diff",
                        survey=survey_label(stype),
                        d=f"{d * 100:+.1f}",
                        lo=f"{lo * 100:+.1f}",
                        hi=f"{hi * 100:+.1f}",
                        sig=t("change_significant" if sig else "change_not_significant"),
                    )
                )
        table = tiers.merge(
            tr[["customer_tier", "survey_type", "rate", "ci_low", "ci_high", "verdict", "p_value"]],
            on=["customer_tier", "survey_type"],
            how="left",
        )
        ui.table(
            pd.DataFrame(
                {
                    t("customer_tier"): table["tier"],
                    t("sat_survey_type"): table["survey"],
                    t("sat_responses"): table["responses"],
                    t("sat_csi"): table["csi"],
                    t("sat_rated"): table["rated_responses"],
                    t("sat_rate"): table["rate"],
                    t("ci"): [
                        f"{ui.pct(a)} – {ui.pct(b)}" for a, b in zip(table["ci_low"], table["ci_high"], strict=True)
                    ],
                    t("met"): [
                        ui.verdict_text(r) if isinstance(r["verdict"], str) else "—" for _, r in table.iterrows()
                    ],
                }
            ),
            "satisfaction_by_tier",
            "sat_tier_table",
            column_config={t("sat_csi"): ONE, t("sat_rate"): PCT},
        )

# ---- importance–performance (key drivers)
with tab_ipa:
    st.subheader(t("sat_ipa"))
    types = [s for s in overall["survey_type"] if s in set(items["survey_type"])]
    stype = st.radio(t("sat_survey_type"), types, format_func=survey_label, horizontal=True, key="sat_ipa_type")
    counts = view["item_overall"].get(stype, pd.DataFrame())
    names = list(items.loc[items["survey_type"] == stype, "item"])
    if counts.empty:
        ui.empty()
    else:
        ipa = stats.ipa_quadrants(stats.spearman_from_counts(counts, names))
        ipa["label"] = [item_names.get((stype, i), i) for i in ipa["item"]]
        responses = int(overall.loc[overall["survey_type"] == stype, "responses"].sum())
        st.caption(t("sat_ipa_note", n=responses))
        st.plotly_chart(
            charts.quadrant(
                ipa,
                {
                    "title": t("sat_ipa_of", survey=survey_label(stype)),
                    "x_title": t("sat_performance"),
                    "y_title": t("sat_importance"),
                    "item": t("sat_item"),
                    "importance": t("sat_importance"),
                    "performance": t("sat_performance"),
                    "n": t("n"),
                    "p_value": t("p_value"),
                    "no_data": t("no_data"),
                    **{
                        f"quadrant_{q}": t(f"sat_q_{q}")
                        for q in ("fix", "keep_up", "low_priority", "possible_overkill")
                    },
                },
            ),
            key="sat_ipa_chart",
        )
        ui.table(
            pd.DataFrame(
                {
                    t("sat_item"): ipa["label"],
                    t("sat_importance"): ipa["importance"],
                    t("p_value"): ipa["p_value"],
                    t("n"): ipa["n"],
                    t("sat_performance"): ipa["performance"],
                    t("sat_quadrant"): ui.mapped(
                        ipa["quadrant"], lambda q: t(f"sat_q_{q}") if isinstance(q, str) else "—"
                    ),
                }
            ),
            f"importance_{stype}",
            "sat_ipa_table",
            column_config={
                t("sat_importance"): TWO,
                t("sat_performance"): TWO,
                t("p_value"): st.column_config.NumberColumn(format="%.3f"),
            },
        )

# ---- response rate
with tab_resp:
    st.subheader(t("sat_response_rate"))
    st.caption(t("sat_response_note"))
    cov = view["coverage"].copy()
    if cov.empty:
        ui.empty()
    else:
        cov["month"] = ui.month_text(cov["month"])
        cov["rate"] = [r / n if n else math.nan for r, n in zip(cov["responses"], cov["tickets"], strict=True)]
        b = [
            stats.wilson(r, n) if 0 < n and r <= n else (math.nan, math.nan)
            for r, n in zip(cov["responses"], cov["tickets"], strict=True)
        ]
        cov["ci_low"], cov["ci_high"] = [x[0] for x in b], [x[1] for x in b]
        st.plotly_chart(
            charts.bars(
                cov,
                "month",
                "rate",
                {
                    "title": t("sat_response_rate"),
                    "x_title": t("month"),
                    "y_title": t("sat_response_rate_axis"),
                    "month": t("month"),
                    "rate": t("sat_response_rate_axis"),
                    "n": t("sat_resolved"),
                    "ci": t("ci"),
                    "no_data": t("no_data"),
                },
                percent=True,
                n="tickets",
                low="ci_low",
                high="ci_high",
            ),
            key="sat_resp_chart",
        )
        ui.table(
            pd.DataFrame(
                {
                    t("month"): cov["month"],
                    t("sat_post_responses"): cov["responses"],
                    t("sat_resolved"): cov["tickets"],
                    t("sat_response_rate_axis"): cov["rate"],
                    t("ci"): [f"{ui.pct(a)} – {ui.pct(c)}" for a, c in zip(cov["ci_low"], cov["ci_high"], strict=True)],
                }
            ),
            "survey_response_rate",
            "sat_resp_table",
            column_config={t("sat_response_rate_axis"): PCT},
        )
    times = view["response_times"]
    if not times.empty:
        st.caption(t("sat_times_note"))
        ui.table(
            pd.DataFrame(
                {
                    t("sat_survey_type"): ui.mapped(times["survey_type"], survey_label),
                    t("sat_responses"): times["responses"],
                    t("sat_with_sent"): times["with_sent_at"],
                    t("sat_share_sent"): times["with_sent_at"] / times["responses"],
                    t("sat_median_days"): times["median_days"],
                    t("sat_p90_days"): times["p90_days"],
                }
            ),
            "survey_response_times",
            "sat_times_table",
            column_config={t("sat_share_sent"): PCT, t("sat_median_days"): TWO, t("sat_p90_days"): TWO},
        )

# ---- dissatisfied customers needing a follow-up (contacts masked unless the role may see them)
with tab_follow:
    st.subheader(t("sat_followup"))
    st.caption(t("sat_followup_note", threshold=SETTINGS.satisfied_threshold))
    low = view["dissatisfied"]
    if low.empty:
        ui.empty()
    else:
        if len(low) >= LIST_LIMIT:
            st.caption(t("shown_limited", n=LIST_LIMIT))
        low = access.contacts(low)
        st.caption(t("sat_pick_comment"))
        picked = ui.table(
            pd.DataFrame(
                {
                    t("sat_responded_at"): low["responded_at"],
                    t("sat_survey_type"): ui.mapped(low["survey_type"], survey_label),
                    t("sat_customer"): low["customer_name"],
                    t("customer_tier"): ui.mapped(low["customer_tier"], lambda v: ui.label("tier", v)),
                    t("sat_contact_name"): low["contact_name"],
                    t("sat_contact_phone"): low["contact_phone"],
                    t("sat_contact_email"): low["contact_email"],
                    t("sat_overall"): low["overall"],
                    t("sat_csi"): low["csi"],
                    t("sat_nps"): low["nps"],
                    t("sat_ticket"): low["ticket_id"],
                    t("region"): low["region"],
                    t("service_center"): low["service_center"],
                    t("sat_comment"): low["comment"],
                }
            ),
            "dissatisfied_customers",
            "sat_followup_table",
            select=True,
            column_config={t("sat_csi"): ONE},
        )
        if picked is not None:
            st.text(str(low.iloc[picked]["customer_name"]))
            comment = low.iloc[picked]["comment"]
            st.text("—" if ui.missing(comment) else str(comment))

# ---- comments (plain text)
with tab_comments:
    st.subheader(t("sat_comments"))
    notes = view["comments"]
    if notes.empty:
        ui.empty()
    else:
        if len(notes) >= LIST_LIMIT:
            st.caption(t("shown_limited", n=LIST_LIMIT))
        st.caption(t("sat_pick_comment"))
        picked = ui.table(
            pd.DataFrame(
                {
                    t("sat_responded_at"): notes["responded_at"],
                    t("sat_survey_type"): ui.mapped(notes["survey_type"], survey_label),
                    t("sat_customer"): notes["customer_name"],
                    t("customer_tier"): ui.mapped(notes["customer_tier"], lambda v: ui.label("tier", v)),
                    t("sat_overall"): notes["overall"],
                    t("sat_csi"): notes["csi"],
                    t("sat_comment"): notes["comment"],
                }
            ),
            "survey_comments",
            "sat_comments_table",
            select=True,
            column_config={t("sat_csi"): ONE},
        )
        if picked is not None:
            st.text(str(notes.iloc[picked]["comment"]))
