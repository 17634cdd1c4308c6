"""What several pages draw with, and the words the reports share with them: values as text
(text), the periods a page shows and the quarter it assesses (periods), rates against targets and
their verdicts (verdicts), tables with downloads (tables) and the rate card (cards). Pages compose
these; they run no SQL. Callers use ``from dashboard import ui`` and ``ui.<name>``.
"""

from dashboard.ui.cards import kpi_card
from dashboard.ui.periods import (
    Assessed,
    assessed_caption,
    assessed_quarter,
    quarter_first,
    range_caption,
    range_text,
)
from dashboard.ui.tables import MONEY, downloads, empty, empty_for, events_table, table
from dashboard.ui.text import (
    dim_value,
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
from dashboard.ui.verdicts import (
    SETTINGS,
    change,
    change_text,
    composite,
    control_note,
    holm_verdicts,
    interval,
    rate_sentence,
    verdict_text,
    with_rates,
)

__all__ = [
    "MONEY",
    "SETTINGS",
    "Assessed",
    "assessed_caption",
    "assessed_quarter",
    "change",
    "change_text",
    "composite",
    "control_note",
    "dim_value",
    "downloads",
    "empty",
    "empty_for",
    "events_table",
    "holm_verdicts",
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
    "quarter_first",
    "range_caption",
    "range_text",
    "rate_sentence",
    "ratio_text",
    "root_cause_label",
    "table",
    "verdict_text",
    "with_rates",
    "yes_no",
]
