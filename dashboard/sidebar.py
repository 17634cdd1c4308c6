"""The shared sidebar: language, period and dimension filters, round-tripped through the URL
query string so that a view can be shared and reloaded (SPEC §7)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import data
from dashboard.i18n import LANGUAGES, t
from dashboard.ui import text as ui_text

PARAM = {
    "owner_department": "dept",
    "region": "region",
    "service_center": "center",
    "product_line": "line",
    "customer_tier": "tier",
    "channel": "channel",
}


def _param_list(name: str) -> list[str]:
    raw = st.query_params.get(name, "")
    return [v for v in raw.split(",") if v] if raw else []


def language_picker() -> str:
    """Language from ?lang=, kept in session state; Chinese by default."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = (
            st.query_params.get("lang", "zh") if st.query_params.get("lang") in LANGUAGES else "zh"
        )
    st.sidebar.radio(t("language"), list(LANGUAGES), format_func=LANGUAGES.get, key="lang", horizontal=True)
    return st.session_state["lang"]


def _period_label(value: date, kind: str, quarters: dict) -> str:
    return quarters[value] if kind == "quarter" else value.strftime("%Y-%m")


def _last_complete(options: list[date], kind: str, as_of) -> int:
    """Index of the latest option (first month of a quarter, or a month) whose calendar period had
    ended at the as-of time: a quarterly review looks at a whole quarter, not the one under way.
    The latest option when none has ended."""
    cut = pd.Timestamp(as_of)
    for i in range(len(options) - 1, -1, -1):
        first = pd.Timestamp(options[i])
        months = 3 - (first.month - 1) % 3 if kind == "quarter" else 1  # to the end of its quarter
        if first + pd.DateOffset(months=months) <= cut:
            return i
    return len(options) - 1


def filters(ident: tuple | None, scope: data.Scope) -> data.Filters:
    """Build the filter widgets (initialised from the URL once) and return the selection, in the
    viewer's `scope`: the choices offered are the scope's, and every query reads the scope from it."""
    if ident is None:
        return data.Filters(scope=scope)
    months = data.periods(ident, scope)
    if months.empty:
        return data.Filters(scope=scope)
    st.sidebar.subheader(t("filters"))
    months["month"] = pd.to_datetime(months["month"]).dt.date
    quarter_of = dict(zip(months["month"], months["quarter"], strict=True))
    if st.session_state.get("period_kind") not in ("quarter", "month"):
        st.session_state["period_kind"] = st.session_state.get("_period_kind") or (
            "month" if st.query_params.get("period") == "month" else "quarter"
        )
    kinds = {"quarter": t("quarter"), "month": t("month")}  # format_func must not read session state later
    kind = st.sidebar.radio(t("period_kind"), list(kinds), format_func=kinds.get, key="period_kind", horizontal=True)
    st.session_state["_period_kind"] = kind
    if kind == "quarter":  # one option per quarter: its first month with data
        options = list(months.groupby("quarter")["month"].min().sort_values())
    else:
        options = list(months["month"])
    labels = {o: _period_label(o, kind, quarter_of) for o in options}
    by_label = {v: k for k, v in labels.items()}
    names = list(by_label)  # the slider works on plain text labels, which survive page switches
    key, store = f"range_{kind}", f"_range_{kind}"
    current = st.session_state.get(key)
    if not (isinstance(current, (tuple, list)) and len(current) == 2 and all(c in by_label for c in current)):
        # seed from the copy kept outside widget state (Streamlit resets widget state on a page
        # switch), else from the URL, else the last four quarters / twelve months
        seed = st.session_state.get(store) or (st.query_params.get("from", ""), st.query_params.get("to", ""))
        last = _last_complete(options, kind, data.meta(ident)["as_of"])
        default_lo = names[max(0, last + 1 - (4 if kind == "quarter" else 12))]
        st.session_state[key] = (
            seed[0] if seed[0] in by_label else default_lo,
            seed[1] if seed[1] in by_label else names[last],
        )
    if len(names) > 1:
        lo_l, hi_l = st.sidebar.select_slider(t("period_range"), options=names, key=key)
    else:
        lo_l = hi_l = names[0]
    st.session_state[store] = (lo_l, hi_l)
    lo, hi = by_label[lo_l], by_label[hi_l]
    end = hi
    if kind == "quarter":  # the last month of the end quarter
        end = max(m for m in months["month"] if quarter_of[m] == quarter_of[hi])
    # every filter offers only the values present in the period under the others (SPEC §7). A
    # choice made impossible by the filters before it (in the sidebar's order) is dropped first,
    # so that a contradictory selection (e.g. from an old URL) keeps its earlier filters.
    for dim, short in PARAM.items():
        wkey = f"dim_{dim}"
        if wkey not in st.session_state:
            seed = st.session_state.get("_" + wkey)
            st.session_state[wkey] = list(seed if seed is not None else _param_list(short))
    kept: dict[str, tuple[str, ...]] = {}
    for dim in PARAM:
        chosen = tuple(st.session_state[f"dim_{dim}"])
        if chosen:
            before = data.Filters(kind=kind, start=lo, end=end, dims=tuple(kept.items()), scope=scope)
            present = set(data.dimension_options(ident, before, dim))
            chosen = tuple(v for v in chosen if v in present)
        kept[dim] = chosen
    current = data.Filters(kind=kind, start=lo, end=end, dims=tuple(kept.items()), scope=scope)
    values = data.dimension_values(ident, current)
    dims = []
    for dim in PARAM:
        wkey = f"dim_{dim}"
        st.session_state[wkey] = [v for v in kept[dim] if v in values[dim]]
        shown = {v: ui_text.dim_value(dim, v) for v in values[dim]}  # bound now: AppTest formats after the run
        label = t("owner_department_filter") if dim == data.OWNER else t(dim)
        chosen = st.sidebar.multiselect(
            label,
            values[dim],
            key=wkey,
            format_func=shown.get,
            placeholder=t("all"),
            help=t("owner_department_help") if dim == data.OWNER else None,
        )
        st.session_state["_" + wkey] = list(chosen)
        dims.append((dim, tuple(chosen)))
    f = data.Filters(kind=kind, start=lo, end=end, dims=tuple(dims), scope=scope)
    _write_url(f, labels[lo], labels[hi])
    return f


def _write_url(f: data.Filters, lo: str, hi: str) -> None:
    wanted = {"lang": st.session_state.get("lang", "zh"), "period": f.kind, "from": lo, "to": hi}
    for dim, short in PARAM.items():
        if f.dim(dim):
            wanted[short] = ",".join(f.dim(dim))
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != wanted:
        st.query_params.from_dict(wanted)


def period_label(f: data.Filters, period) -> str:
    """A period value from a query (date or quarter text) as shown to users."""
    if isinstance(period, str):
        return period
    return pd.Timestamp(period).strftime("%Y-%m")
