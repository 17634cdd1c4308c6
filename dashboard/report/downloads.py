"""Report downloads for the dashboard pages: the file is generated when the user clicks (Streamlit
runs a callable `data` on a worker thread), in the page's language, with the page's filters and the
viewer's scope. The quarterly report lists dissatisfied customers and their comments, so each one
made is written to the audit trail (SPEC §9); the monthly statistics hold no personal data."""

from __future__ import annotations

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from dashboard import gate
from dashboard.data import Filters
from dashboard.i18n import lang, t
from dashboard.report import FORMATS, MIME, monthly_report, quarterly_report
from dashboard.ui.tables import audited


def _slug(f: Filters | None) -> str:
    """'' without filters, else '_filtered', so that a filtered file is not mistaken for the full one."""
    return "_filtered" if f is not None and f.has_dims else ""


def quarterly_downloads(quarter: str, filters: Filters | None, key: str = "quarterly_report") -> None:
    """Buttons offering the quarterly report of `quarter` as PDF and PPTX under the dimension filters
    of `filters` (stated on its cover)."""
    st.subheader(t("rpt_download_header"))
    st.caption(t("rpt_download_caption", quarter=quarter))
    cols = st.columns([1, 1, 3])
    for col, fmt in zip(cols, FORMATS, strict=False):
        name = f"service_quality_{quarter}{_slug(filters)}.{fmt}"
        col.download_button(
            t(f"rpt_download_{fmt}"),
            data=audited(
                partial(quarterly_report, quarter, fmt, lang(), filters), gate.recorder("report", name, filters)
            ),
            file_name=name,
            mime=MIME[fmt],
            key=f"{key}_{fmt}",
            on_click="ignore",
            icon=":material/download:",
        )


def monthly_download(month: date | str, filters: Filters | None, key: str = "monthly_report") -> None:
    """A button offering the monthly after-sales statistics of `month` (a date in the month, or
    'YYYY-MM') as XLSX under the dimension filters of `filters`."""
    text = month if isinstance(month, str) else pd.Timestamp(month).strftime("%Y-%m")
    st.download_button(
        t("rpt_download_xlsx", month=text),
        data=partial(monthly_report, text, lang(), filters),
        file_name=f"after_sales_monthly_{text}{_slug(filters)}.xlsx",
        mime=MIME["xlsx"],
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )
