"""The KPI card: value, target, met or missed, interval, n, significance and the change against
the previous period."""

from __future__ import annotations

import streamlit as st

from dashboard import stats
from dashboard.i18n import t
from dashboard.ui.text import pct
from dashboard.ui.verdicts import verdict_text


def kpi_card(title: str, row: dict, prev: dict | None = None) -> None:
    """A KPI card: value, target, met or missed, interval, n, significance and change vs the
    previous period with its Newcombe interval."""
    delta = None
    help_lines = [
        f"{t('target')} ≥ {pct(row['target'], 0)}",
        f"{t('ci')}: {pct(row['ci_low'])} – {pct(row['ci_high'])}",
    ]
    if "n" in row and row.get("n") is not None and row["n"] == row["n"]:
        help_lines.append(f"{t('n')} = {int(row['n'])}")
    if prev is not None and prev.get("n") and row.get("n"):
        d, lo, hi, sig = stats.newcombe_diff(
            int(row["successes"]), int(row["n"]), int(prev["successes"]), int(prev["n"])
        )
        delta = f"{d * 100:+.1f} pp"
        help_lines.append(
            f"{t('change_vs_prev')}: {d * 100:+.1f} pp [{lo * 100:+.1f}, {hi * 100:+.1f}] · "
            + t("change_significant" if sig else "change_not_significant")
        )
    st.metric(title, pct(row["rate"]), delta=delta, help="\n\n".join(help_lines), border=True)
    if "verdict" in row:
        st.caption(verdict_text(row))
    st.caption(
        f"{t('target')} {pct(row['target'], 0)} · {t('ci')} {pct(row['ci_low'])}–{pct(row['ci_high'])}"
        + (f" · n = {int(row['n'])}" if row.get("n") == row.get("n") and row.get("n") is not None else "")
    )
