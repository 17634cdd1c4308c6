"""Survey queries (SPEC §7.5, §8). Responses are in the period of the month they were returned
(survey_responses.month); survey responses carry no channel, so the channel filter does not apply
to them."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.data import connection
from dashboard.data.connection import CACHE
from dashboard.data.filters import DIMENSIONS, Filters, ts_range, where
from dashboard.data.scope import masked

SURVEY_DIMS = tuple(d for d in DIMENSIONS if d != "channel")


GROUP_COLUMNS = [
    "survey_type",
    "responses",
    "csi",
    "scored_responses",
    "rated_responses",
    "satisfied_responses",
    "satisfaction_rate",
]


def _survey_items(run) -> pd.DataFrame:
    items = run("select survey_type, item, name_zh, name_en, weight from settings_survey_items")  # settings order
    present = set(run("select * from survey_responses limit 0").columns)
    items = items[items["item"].isin(present)]
    return items.sort_values("survey_type", ascending=False, kind="stable", ignore_index=True)


def _survey_groups(run, f: Filters, bys: tuple[str, ...]) -> dict[str, pd.DataFrame]:
    """CSI and satisfaction counts per survey type and each of `bys` (month, customer_tier, all), one scan."""
    assert set(bys) <= {"month", "customer_tier", "all"}
    keys = [b for b in ("month", "customer_tier") if b in bys]
    clause, params = where(f, "survey_responses", dims=SURVEY_DIMS)
    sets = ", ".join("(survey_type)" if b == "all" else f"({b}, survey_type)" for b in bys)
    df = run(
        f"""
        select {"".join(f"grouping({k}) as g_{k}, {k}, " for k in keys)}survey_type, count(*) as responses,
               cast(sum(cast(tier_weight * csi as decimal(38, 10)))
                    / sum(cast(tier_weight as decimal(38, 10))) filter (where csi is not null) as double) as csi,
               count(csi) as scored_responses, count(overall) as rated_responses,
               cast(count_if(is_satisfied) as bigint) as satisfied_responses,
               count_if(is_satisfied) / nullif(count(overall), 0) as satisfaction_rate
        from survey_responses where {clause}
        group by grouping sets ({sets})""",
        params,
    )
    out = {}
    for b in bys:
        mine = pd.Series(True, index=df.index)
        for k in keys:
            mine &= df[f"g_{k}"] == (0 if k == b else 1)
        g = df[mine].assign(grp=df[b] if b != "all" else "all")
        g = g.sort_values(["grp", "survey_type"], ascending=[True, False], na_position="last")
        out[b] = g[["grp", *GROUP_COLUMNS]].rename(columns={"grp": b}).reset_index(drop=True)
    return out


def _survey_monthly(run, f: Filters) -> pd.DataFrame | None:
    """The csi_monthly mart rows of the period; None when a survey dimension filter is set."""
    if any(f.dim(d) for d in SURVEY_DIMS):
        return None
    clause, params = where(f, "csi_monthly", dims=())
    return run(
        f"""
        select month, survey_type, responses, csi, scored_responses, rated_responses,
               cast(satisfied_responses as bigint) as satisfied_responses, satisfaction_rate
        from csi_monthly where {clause} order by month, survey_type desc""",
        params,
    )


def _item_stats(tables: dict[str, pd.DataFrame], items: pd.DataFrame) -> pd.DataFrame:
    """Per survey type and item (settings order): answers n, mean and sample standard deviation,
    exactly, from the (score, overall) frequency tables of _survey_item_overall."""
    counts: dict[tuple[str, str], dict[float, int]] = {}
    for stype, table in tables.items():
        for item, score, n in zip(table["item"], table["score"], table["n"], strict=True):
            bucket = counts.setdefault((stype, item), {})
            bucket[float(score)] = bucket.get(float(score), 0) + int(n)
    rows = []
    for stype, item in zip(items["survey_type"], items["item"], strict=True):
        scores = counts.get((stype, item))
        n = sum(scores.values()) if scores else 0
        if not n:
            continue
        mean = sum(v * k for v, k in scores.items()) / n
        sd = (sum((v - mean) ** 2 * k for v, k in scores.items()) / (n - 1)) ** 0.5 if n > 1 else float("nan")
        rows.append({"survey_type": stype, "item": item, "n": n, "mean": mean, "sd": sd})
    return pd.DataFrame(rows, columns=["survey_type", "item", "n", "mean", "sd"])


def _survey_item_overall(run, f: Filters, items: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per survey type, the frequency table of (item score, overall) of each of its items over the
    filtered responses of that type that answered the item (overall null kept as its own value):
    the whole input of the Spearman importance and of the item means, exact, summed from the
    survey_item_cube mart."""
    if items.empty:
        return {}
    clause, params = where(f, "survey_item_cube", dims=SURVEY_DIMS)
    long = run(
        f"""
        select survey_type, item, score, overall, cast(sum(responses) as bigint) as n
        from survey_item_cube where {clause}
        group by all order by 1, 2, 3, 4""",
        params,
    )
    out = {}
    for stype, its in items.groupby("survey_type", sort=False):
        mine = long[(long["survey_type"] == stype) & long["item"].isin(set(its["item"]))]
        out[stype] = mine[["item", "score", "overall", "n"]].reset_index(drop=True)
    return out


def _survey_coverage(run, f: Filters) -> pd.DataFrame:
    rclause, rparams = where(f, "survey_responses", dims=SURVEY_DIMS)
    period, p1 = ts_range(f, "resolved_at")
    dims, p2 = where(f, "tickets", month=None)
    return run(
        f"""
        with r as (select month, count(*) as responses from survey_responses
                   where survey_type = 'post_service' and {rclause} group by all),
             k as (select cast(date_trunc('month', resolved_at) as date) as month, count(*) as tickets
                   from tickets where not is_cancelled and resolved_at is not null and {period} and {dims} group by all)
        select coalesce(k.month, r.month) as month, coalesce(r.responses, 0) as responses,
               coalesce(k.tickets, 0) as tickets
        from k full outer join r on r.month = k.month order by month""",
        rparams + p1 + p2,
    )


def _survey_response_times(run, f: Filters) -> pd.DataFrame:
    clause, params = where(f, "survey_responses", dims=SURVEY_DIMS)
    return run(
        f"""
        select survey_type, count(*) as responses, count(sent_at) as with_sent_at,
               median(epoch(responded_at - sent_at) / 86400.0) as median_days,
               quantile_cont(epoch(responded_at - sent_at) / 86400.0, 0.9) as p90_days
        from survey_responses where {clause} group by all order by survey_type desc""",
        params,
    )


def _dissatisfied_responses(run, f: Filters, limit: int) -> pd.DataFrame:
    # one row per customer: the latest `limit` customers by their latest dissatisfied response, each
    # shown with that one response whole (ties by response id; found by its id, then joined) and their
    # count and lowest overall. (arg_max per field would skip a field's nulls and mix responses.)
    fields = (
        "survey_type",
        "customer_name",
        "customer_tier",
        "contact_name",
        "contact_phone",
        "contact_email",
        "csi",
        "nps",
        "ticket_id",
        "region",
        "service_center",
        "comment",
        "response_id",
    )
    picked = ", ".join(f"latest.{c}" for c in fields)
    clause, params = where(f, "survey_responses", dims=SURVEY_DIMS)
    return run(
        f"""
        with customers as (
            select
                customer_id,
                max(responded_at) as responded_at,
                count(*) as responses,
                min(overall) as overall,
                arg_max(response_id, (responded_at, response_id)) as latest_id
            from survey_responses where {clause} and not is_satisfied
            group by customer_id
            order by responded_at desc, customer_id limit ?
        )

        select
            customers.responded_at, customers.customer_id, customers.responses, customers.overall,
            latest.overall as latest_overall, {picked}
        from customers inner join survey_responses as latest on customers.latest_id = latest.response_id
        order by customers.responded_at desc, customers.customer_id""",
        params + [limit],
    ).pipe(masked, f.scope)


def _survey_comments(run, f: Filters, limit: int) -> pd.DataFrame:
    clause, params = where(f, "survey_responses", dims=SURVEY_DIMS)
    return run(
        f"""
        select responded_at, survey_type, customer_name, customer_tier, overall, csi, comment, response_id
        from survey_responses where {clause} and comment is not null and trim(comment) <> ''
        order by responded_at desc, response_id limit ?""",
        params + [limit],
    ).pipe(masked, f.scope)


@st.cache_data(**CACHE)
def satisfaction_view(ident: tuple, f: Filters, list_limit: int = 1000) -> dict:
    """Everything the Satisfaction page shows by default (independent parts in parallel): items (settings),
    all / tiers / monthly (CSI and satisfaction counts; monthly from csi_monthly without a survey
    dimension filter), item_stats, item_overall (survey type → frequency table), coverage,
    response_times, dissatisfied and comments (the latest `list_limit` each)."""

    def item_part(run):
        items = _survey_items(run)
        tables = _survey_item_overall(run, f, items)
        return items, tables, _item_stats(tables, items)

    def group_part(run):
        monthly = _survey_monthly(run, f)
        groups = _survey_groups(
            run, f, ("all", "customer_tier") if monthly is not None else ("all", "customer_tier", "month")
        )
        return {
            "all": groups["all"],
            "tiers": groups["customer_tier"],
            "monthly": monthly if monthly is not None else groups["month"],
        }

    parts = connection.run_parallel(
        ident,
        {
            "item": item_part,
            "dissatisfied": lambda run: _dissatisfied_responses(run, f, list_limit),
            "comments": lambda run: _survey_comments(run, f, list_limit),
            "group": group_part,
            "coverage": lambda run: _survey_coverage(run, f),
            "response_times": lambda run: _survey_response_times(run, f),
        },
    )
    items, tables, item_stats = parts.pop("item")
    return {"items": items, **parts.pop("group"), "item_stats": item_stats, "item_overall": tables, **parts}


@st.cache_data(**CACHE)
def survey_items(ident: tuple) -> pd.DataFrame:
    """The configured items per survey type (settings_survey_items, in settings order; post-service
    first) that survey_responses has as columns."""
    return _survey_items(connection.single(ident))


@st.cache_data(**CACHE)
def survey_monthly(ident: tuple, f: Filters) -> pd.DataFrame:
    """CSI and satisfaction counts per month × survey type: the csi_monthly mart when no dimension
    filter applies, else the same measures computed from survey_responses."""
    monthly = _survey_monthly(connection.single(ident), f)
    return monthly if monthly is not None else survey_groups(ident, f, "month")


@st.cache_data(**CACHE)
def survey_groups(ident: tuple, f: Filters, by: str) -> pd.DataFrame:
    """CSI (tier-weighted mean index) and satisfaction counts per `by` (month, customer_tier, or
    all: the whole range) × survey type of the filtered responses, as csi_monthly computes them."""
    return _survey_groups(connection.single(ident), f, (by,))[by]


@st.cache_data(**CACHE)
def survey_item_stats(ident: tuple, f: Filters) -> pd.DataFrame:
    """Per survey type and configured item: answers n, mean and sample standard deviation."""
    items = survey_items(ident)
    return _item_stats(_survey_item_overall(connection.single(ident), f, items), items)


@st.cache_data(**CACHE)
def survey_item_overall(ident: tuple, f: Filters, survey_type: str) -> pd.DataFrame:
    """Frequency table of (item score, overall) per item of one survey type over the filtered
    responses that answered the item (overall null kept as its own value): the whole input of the
    Spearman importance, exact, at most (scale points + 1)² rows per item."""
    items = survey_items(ident)
    tables = _survey_item_overall(connection.single(ident), f, items[items["survey_type"] == survey_type])
    return tables.get(survey_type, pd.DataFrame(columns=["item", "score", "overall", "n"]))


@st.cache_data(**CACHE)
def survey_coverage(ident: tuple, f: Filters) -> pd.DataFrame:
    """Post-service response rate per month: post-service responses returned in the month (survey
    dimensions) / non-cancelled tickets resolved in the month (ticket dimensions). Two counts, no join."""
    return _survey_coverage(connection.single(ident), f)


@st.cache_data(**CACHE)
def survey_response_times(ident: tuple, f: Filters) -> pd.DataFrame:
    """Per survey type: responses, those with a known sent_at, and days from sending to reply."""
    return _survey_response_times(connection.single(ident), f)


@st.cache_data(**CACHE)
def dissatisfied_responses(ident: tuple, f: Filters, limit: int = 2000) -> pd.DataFrame:
    """The customers to call back: one row per customer with a filtered response whose overall score
    is below the satisfied threshold (is_satisfied false) — how many such responses, the lowest
    overall, and the latest one's survey, scores, comment and the customer's contact details (masked
    unless the scope may see them, SPEC §9) —, latest first."""
    return _dissatisfied_responses(connection.single(ident), f, limit)


@st.cache_data(**CACHE)
def survey_comments(ident: tuple, f: Filters, limit: int = 5000) -> pd.DataFrame:
    """Filtered responses with a comment, latest first (picked on a few columns, then read in full)."""
    return _survey_comments(connection.single(ident), f, limit)
