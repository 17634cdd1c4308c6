"""The house look of every figure: the Okabe-Ito palette and marker symbols, fonts and layout,
the empty figure, the hover of a rate point and the target line, and the escaping of text.

Plotly renders a subset of HTML in text, so every string from data or labels goes through esc
(plotly decodes &amp; &lt; &gt; back for display). User-visible text comes from ``labels`` (the
caller translates): label_text falls back to the key itself, so an untranslated string shows up
as its key rather than as silent English.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.graph_objects as go

# Okabe & Ito (2008) colour-blind-safe palette.
BLACK, ORANGE, SKY_BLUE, GREEN = "#000000", "#E69F00", "#56B4E9", "#009E73"
YELLOW, BLUE, VERMILLION, PURPLE, GREY = "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"
PALETTE = (BLUE, ORANGE, GREEN, VERMILLION, SKY_BLUE, PURPLE, BLACK, YELLOW)
SEQUENTIAL = ((0.0, "#FFFFFF"), (1.0, BLUE))  # one hue, luminance only: safe for every colour vision

# Met and missed differ by symbol (and hover text), not by colour alone.
MET_SYMBOL, MISSED_SYMBOL, FLAG_SYMBOL, OUTSIDE_95_SYMBOL = "circle", "x", "diamond", "diamond-open"
FONT_FAMILY = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, Arial, sans-serif"
TEMPLATE = "plotly_white"
MARGIN = {"l": 60, "r": 30, "t": 60, "b": 50}
LEGEND = {"orientation": "h", "yanchor": "top", "y": -0.22, "xanchor": "left", "x": 0}  # below the plot
LIMIT_STYLE = {"95": {"color": ORANGE, "dash": "dash"}, "998": {"color": VERMILLION, "dash": "dot"}}


def esc(value):
    """A data value as plotly text: strings escaped, periods as text, numbers and dates unchanged."""
    if isinstance(value, pd.Period):
        value = str(value)
    if isinstance(value, str):
        # '%{' inside a hovertemplate would start a placeholder; &#123; still displays as '{'.
        return html.escape(value, quote=False).replace("%{", "%&#123;")
    return value


def escs(values) -> list:
    return [esc(v) for v in values]


def label_text(labels: dict[str, str], key: str) -> str:
    """Translated, escaped text for ``key`` (the key itself when missing)."""
    return esc(str(labels.get(key, key)))


def optional_text(labels: dict[str, str], key: str) -> str | None:
    return None if labels.get(key) is None else esc(str(labels[key]))


def floats(series) -> list[float]:
    return pd.to_numeric(pd.Series(series), errors="coerce").astype(float).tolist()


def pct_text(value: float) -> str:
    """0.9 -> '90%', 0.925 -> '92.5%'."""
    return f"{value * 100:.1f}".rstrip("0").rstrip(".") + "%"


def is_category(values) -> bool:
    return any(isinstance(v, str | pd.Period) for v in values)


def apply_layout(
    fig: go.Figure,
    labels: dict[str, str],
    *,
    subtitle: str | None = None,
    percent_x: bool = False,
    percent_y: bool = False,
    height: int | None = None,
) -> go.Figure:
    """House layout: template, CJK-capable fonts, margins, legend below the plot, title / axis titles, % axes."""
    title, subtitle = optional_text(labels, "title"), subtitle or optional_text(labels, "subtitle")
    top = 90 if title and subtitle else 60 if title or subtitle else 40
    fig.update_layout(
        template=TEMPLATE,
        font={"family": FONT_FAMILY, "size": 13},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        colorway=list(PALETTE),
        margin={**MARGIN, "t": top, "b": 100},
        # below the plot, where a long legend cannot run into the title or the subtitle
        legend=LEGEND,
    )
    if title or subtitle:
        head = {"text": title or subtitle, "x": 0, "xanchor": "left"}
        if title and subtitle:
            head["subtitle"] = {"text": subtitle}
        fig.update_layout(title=head)
    fig.update_layout(height=height or None)
    fig.layout.xaxis.title, fig.layout.yaxis.title = optional_text(labels, "x_title"), optional_text(labels, "y_title")
    if percent_x:
        fig.layout.xaxis.tickformat = ".0%"
    # a value axis with thousands separators (400,000, not 400k); ignored by a category or date axis
    fig.layout.yaxis.tickformat = ".0%" if percent_y else ","
    return fig


def empty_figure(message: str) -> go.Figure:
    """A blank figure carrying only ``message`` (already translated) in its centre."""
    fig = go.Figure()
    fig.add_annotation(
        text=esc(str(message)),
        x=0.5,
        y=0.5,
        xref="paper",
        yref="paper",
        showarrow=False,
        font={"size": 16, "color": GREY},
    )
    fig.update_layout(
        template=TEMPLATE,
        font={"family": FONT_FAMILY},
        margin=MARGIN,
        xaxis={"visible": False},
        yaxis={"visible": False},
    )
    return fig


def no_data(labels: dict[str, str]) -> go.Figure:
    return empty_figure(labels.get("no_data", "no_data"))


def rate_hover(labels: dict[str, str], x_key: str, extra: str = "") -> str:
    """Hover of a rate point; customdata = [n, ci_low, ci_high, status, ...]."""
    return (
        f"{label_text(labels, x_key)}: %{{x}}<br>{label_text(labels, 'rate')}: %{{y:.1%}}<br>"
        f"{label_text(labels, 'ci')}: %{{customdata[1]:.1%}} – %{{customdata[2]:.1%}}<br>"
        f"{label_text(labels, 'n')}: %{{customdata[0]:,.0f}}<br>%{{customdata[3]}}{extra}<extra>%{{fullData.name}}</extra>"
    )


def add_target(fig: go.Figure, target: float, labels: dict[str, str]) -> None:
    """Dashed horizontal target line (shape named 'target'), labelled in the legend: a label on
    the line itself covered the points that lie near the target."""
    line = {"dash": "dash", "color": BLACK, "width": 1.5}
    fig.add_hline(y=target, name="target", line=line)
    fig.add_scatter(
        x=[None],
        y=[None],
        mode="lines",
        name=f"{label_text(labels, 'target')} {pct_text(target)}",
        line=line,
        hoverinfo="skip",
    )
