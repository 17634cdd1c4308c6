"""The quarterly report as a Document: the cover and the sections (dashboard/report/sections/) in
order, in the current language (call under dashboard.i18n.using). Figures come from
quarterly.gather; both the PDF and the PPTX are drawn from this one document."""

from __future__ import annotations

from dashboard import ui
from dashboard.i18n import lang, t
from dashboard.report import fmt
from dashboard.report.model import Document
from dashboard.report.quarterly import Figures
from dashboard.report.sections.complaints import complaints_section
from dashboard.report.sections.costs import costs_section
from dashboard.report.sections.definitions import definitions_section
from dashboard.report.sections.kpis import scorecard_section, summary_section, trends_section
from dashboard.report.sections.satisfaction import satisfaction_section


def cover(fig: Figures) -> list[tuple[str, str]]:
    m = fig.meta
    lines = [
        (t("rpt_period"), t("rpt_period_value", lo=fmt.month(fig.start), hi=fmt.month(fig.end))),
        (t("as_of"), fmt.minute(m["as_of"])),
        (t("built_at"), fmt.minute(m["built_at"])),
        (t("rpt_generated"), fmt.now_text(fig.settings.time_zone)),
        (t("rpt_filters"), fmt.filters_text(fig.filters)),
    ]
    fresh = [
        t(
            "rpt_freshness_line",
            source=ui.label("rpt_src", r["source"]),
            records=fmt.count(r["records"]),
            newest=fmt.minute(r["newest_record"]),
            loaded=fmt.minute(r["last_load"]),
        )
        for _, r in fig.freshness.iterrows()
    ]
    lines.append((t("freshness"), "\n".join(fresh) or "—"))
    return lines


def compose(fig: Figures) -> Document:
    """The whole quarterly report of `fig` in the current language."""
    sections = [
        summary_section(fig),
        scorecard_section(fig),
        trends_section(fig),
        complaints_section(fig),
        satisfaction_section(fig),
        costs_section(fig),
        definitions_section(fig),
    ]
    return Document(
        title=t("rpt_quarterly_title"),
        subtitle=t("rpt_quarter_review", quarter=fig.quarter),
        cover=cover(fig),
        sections=sections,
        lang=lang(),
        footer=f"{t('rpt_quarterly_title')} · {fig.quarter}",
    )
