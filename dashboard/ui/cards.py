"""The rate card: title (wrapped, never cut), value, verdict, target, interval, n and the change
against the previous period with its interval."""

from __future__ import annotations

import streamlit as st

from dashboard.i18n import t
from dashboard.ui.text import missing, pct, plain
from dashboard.ui.verdicts import change, change_text, verdict_text


def kpi_card(title: str, row: dict, prev: dict | None = None, note: str | None = None) -> None:
    """A card of a rate or of the composite (row: rate, ci_low, ci_high, target, n, verdict; prev:
    the previous period's row, for the change with its Newcombe / MOVER interval). The title is
    markdown above the value, so a long title wraps instead of being cut; `note` is one more caption."""
    with st.container(border=True):
        st.markdown(f"**{plain(title)}**")
        delta, ch = None, None
        if prev is not None:
            ch = change(row, prev)
            if not missing(ch["diff"]):
                delta = f"{ch['diff'] * 100:+.1f} pp"
        st.metric(
            title,
            pct(row["rate"]),
            delta=delta,
            delta_color="normal" if ch is not None and ch["diff_sig"] else "off",
            label_visibility="collapsed",
        )
        st.caption(verdict_text(row))
        n = row.get("n")
        n_text = "" if missing(n) or row.get("kpi") == "composite" else f" · n = {int(n):,}"
        st.caption(
            f"{t('target')} ≥ {pct(row['target'], 0)} · {t('ci')} {pct(row['ci_low'])}–{pct(row['ci_high'])}{n_text}"
        )
        if ch is not None:
            st.caption(t("change_line", change=change_text(ch)))
        if note:
            st.caption(note)
