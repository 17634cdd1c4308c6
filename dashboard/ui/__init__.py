"""What several pages draw with, and the words the reports share with them: values as text
(text), rates against targets and their verdicts (verdicts), tables with downloads (tables) and
the KPI card (cards). Pages compose these; they run no SQL. Callers use ``from dashboard import ui``
and ``ui.<name>``.
"""

from dashboard.ui.cards import kpi_card
from dashboard.ui.tables import downloads, empty, events_table, table
from dashboard.ui.text import (
    kpi_names,
    kpi_title,
    label,
    mapped,
    missing,
    month_text,
    p_phrase,
    p_value,
    pct,
    plain,
    ratio_text,
    root_cause_label,
    yes_no,
)
from dashboard.ui.verdicts import SETTINGS, composite, interval, rate_sentence, verdict, verdict_text, with_rates

__all__ = [
    "SETTINGS",
    "composite",
    "downloads",
    "empty",
    "events_table",
    "interval",
    "kpi_card",
    "kpi_names",
    "kpi_title",
    "label",
    "mapped",
    "missing",
    "month_text",
    "p_phrase",
    "p_value",
    "pct",
    "plain",
    "rate_sentence",
    "ratio_text",
    "root_cause_label",
    "table",
    "verdict",
    "verdict_text",
    "with_rates",
    "yes_no",
]
