"""Plotly figure builders, one per chart kind, shared by the pages and the reports (SPEC sections 7, 8):
rate charts (rates), what to act on first (priorities), plain values (values), all in the house
look of style.

Pure functions returning ``go.Figure``: no Streamlit, no I/O, the same input gives the same figure.
User-visible text comes from ``labels`` (the caller translates): the keys ``title``, ``subtitle``,
``x_title`` and ``y_title`` are left out when missing; any other key falls back to the key itself,
so an untranslated string shows up as its key rather than as silent English. ``no_data`` is the
message of the empty figure returned for an empty frame. Plotly renders a subset of HTML in text,
so every string from data or labels is HTML-escaped (plotly decodes &amp; &lt; &gt; back for display).
Rates are fractions in [0, 1] and shown as percentages. Callers use ``from dashboard import charts``
and ``charts.<name>``.
"""

from dashboard.charts.priorities import pareto, quadrant
from dashboard.charts.rates import control_chart, funnel, target_line
from dashboard.charts.style import FLAG_SYMBOL, MET_SYMBOL, MISSED_SYMBOL, PALETTE, apply_layout, empty_figure
from dashboard.charts.values import bars, heatmap, lines, sparkline

__all__ = [
    "FLAG_SYMBOL",
    "MET_SYMBOL",
    "MISSED_SYMBOL",
    "PALETTE",
    "apply_layout",
    "bars",
    "control_chart",
    "empty_figure",
    "funnel",
    "heatmap",
    "lines",
    "pareto",
    "quadrant",
    "sparkline",
    "target_line",
]
