"""Management reports (SPEC §1, §6): the quarterly report as PDF or PPTX and the monthly after-sales
statistics as XLSX, for a period, a language and the dashboard's dimension filters.

`quarterly_report` and `monthly_report` return the file's bytes (the dashboard offers them as
downloads); `python -m dashboard.report` is the command line on top of them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from dashboard.report.model import ReportError

if TYPE_CHECKING:  # imported lazily: `python -m dashboard.report` starts Chromium before loading them
    from dashboard.data import Filters

FORMATS = ("pdf", "pptx")
MIME = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

__all__ = ["FORMATS", "MIME", "ReportError", "monthly_report", "quarterly_report"]


def _check_lang(lang: str) -> None:
    from dashboard.i18n import LANGUAGES

    if lang not in LANGUAGES:
        raise ReportError(f"unknown language {lang!r}: one of {', '.join(LANGUAGES)}")


def quarterly_report(
    quarter: str,
    fmt: str,
    lang: str = "zh",
    filters: Filters | None = None,
    data: str | Path | None = None,
    renderer=None,
) -> bytes:
    """The quarterly report of `quarter` (e.g. '2026Q3') as 'pdf' or 'pptx' bytes, in `lang`, under the
    dimension filters of `filters` (stated on the cover), from the warehouse in `data` (default: the
    configured data directory). ReportError for an unknown quarter, format or missing warehouse.
    `renderer`: an open png.Renderer to draw the charts with (else one is started here)."""
    from dashboard.i18n import t, using
    from dashboard.report import png, quarterly, quarterly_doc, render_pdf, render_pptx

    _check_lang(lang)
    if fmt not in FORMATS:
        raise ReportError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    with using(lang):
        quarterly.quarter_months(quarter)  # a malformed quarter fails before a browser is started
        try:
            own = renderer or png.Renderer()  # the browser starts while the figures are gathered
        except png.BrowserMissing:
            raise ReportError(t("rpt_err_chrome")) from None
        try:
            doc = quarterly_doc.compose(quarterly.gather(quarter, filters, data))
            own.render(doc.charts())
        finally:
            if renderer is None:
                own.close()
        return render_pdf.render(doc) if fmt == "pdf" else render_pptx.render(doc)


def monthly_report(
    month: str, lang: str = "zh", filters: Filters | None = None, data: str | Path | None = None
) -> bytes:
    """The monthly after-sales statistics of `month` (e.g. '2026-10') as XLSX bytes, in `lang`, under
    the dimension filters of `filters`. ReportError for an unknown month or missing warehouse."""
    from dashboard.i18n import using
    from dashboard.report import monthly_xlsx

    _check_lang(lang)
    with using(lang):
        return monthly_xlsx.build(month, filters, data)
