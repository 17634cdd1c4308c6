"""Charts of what to act on first: the Pareto of complaint root causes (the vital few) and the
importance-performance quadrant of survey items (the items to fix), SPEC sections 7.4, 7.5, 8."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import stats
from dashboard.charts.style import (
    BLACK,
    BLUE,
    FLAG_SYMBOL,
    GREY,
    MET_SYMBOL,
    ORANGE,
    VERMILLION,
    apply_layout,
    escs,
    floats,
    label_text,
    no_data,
    optional_text,
)


def pareto(
    df: pd.DataFrame,
    labels: dict[str, str],
    *,
    category: str = "label",
    count: str = "complaints",
    cumulative: str = "cumulative_share",
) -> go.Figure:
    """Pareto chart (Complaints): bars in the order given, cumulative share on a right % axis, 80% line.

    ``df``: one row per category, already sorted (largest first): ``category`` text, ``count``, and
    ``cumulative`` share in [0, 1]. The 80% reference is a dashed shape named 'pareto_80'.
    Labels: title, subtitle, x_title, y_title, y2_title (optional); category, count, cumulative.
    """
    if df.empty:
        return no_data(labels)
    cats = escs(df[category].astype(str))
    fig = go.Figure()
    fig.add_bar(
        x=cats,
        y=floats(df[count]),
        name=label_text(labels, "count"),
        marker_color=BLUE,
        hovertemplate=f"{label_text(labels, 'category')}: %{{x}}<br>{label_text(labels, 'count')}: %{{y:,}}<extra></extra>",
    )
    fig.add_scatter(
        x=cats,
        y=floats(df[cumulative]),
        yaxis="y2",
        mode="lines+markers",
        name=label_text(labels, "cumulative"),
        line={"color": ORANGE, "width": 2},
        marker={"symbol": "diamond", "size": 8},
        hovertemplate=f"{label_text(labels, 'category')}: %{{x}}<br>{label_text(labels, 'cumulative')}: %{{y:.1%}}<extra></extra>",
    )
    fig.add_shape(
        type="line",
        name="pareto_80",
        xref="paper",
        x0=0,
        x1=1,
        yref="y2",
        y0=0.8,
        y1=0.8,
        line={"dash": "dash", "color": GREY, "width": 1.5},
    )
    fig.add_annotation(
        text="80%",
        name="pareto_80",
        xref="paper",
        x=1,
        xanchor="right",
        yref="y2",
        y=0.8,
        yanchor="bottom",
        showarrow=False,
        font={"color": GREY},
    )
    fig.update_layout(
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": cats},
        yaxis2={
            "overlaying": "y",
            "side": "right",
            "range": [0, 1.05],
            "tickformat": ".0%",
            "showgrid": False,
            "tickmode": "array",
            "tickvals": [0, 0.2, 0.4, 0.6, 0.8, 1.0],
            "title": optional_text(labels, "y2_title"),
        },
    )
    return apply_layout(fig, labels)


def quadrant(df: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    """Importance-performance view (Satisfaction): x = item mean, y = Spearman rho with overall.

    ``df``: ``stats.ipa_quadrants(stats.spearman_importance(...))`` plus an optional ``label``
    column (display name; else ``item``): columns item, importance, performance, n, p_value,
    quadrant ('quadrant' is computed when absent). Dotted median lines (shapes 'median_performance',
    'median_importance'), quadrant names in the corners, items to fix as bold red diamonds.
    Labels: title, subtitle, x_title, y_title (optional); item, importance, performance, n, p_value,
    quadrant_fix, quadrant_keep_up, quadrant_low_priority, quadrant_possible_overkill.
    """
    if "quadrant" not in df:
        df = stats.ipa_quadrants(df)
    df = df[df["importance"].notna() & df["performance"].notna()]
    if df.empty:
        return no_data(labels)
    fig = go.Figure()
    names = escs(df["label" if "label" in df else "item"].astype(str))
    n = floats(df["n"]) if "n" in df else [math.nan] * len(df)
    pv = floats(df["p_value"]) if "p_value" in df else [math.nan] * len(df)
    perf, imp = floats(df["performance"]), floats(df["importance"])
    fix = [q == "fix" for q in df["quadrant"]]
    hover = (
        f"{label_text(labels, 'item')}: %{{text}}<br>{label_text(labels, 'importance')}: %{{y:.2f}} "
        f"({label_text(labels, 'p_value')} %{{customdata[1]:.3f}}, {label_text(labels, 'n')} %{{customdata[0]:,.0f}})<br>"
        f"{label_text(labels, 'performance')}: %{{x:.2f}}<extra></extra>"
    )
    for want, style in (
        (False, {"symbol": MET_SYMBOL, "size": 10, "color": BLUE}),
        (True, {"symbol": FLAG_SYMBOL, "size": 14, "color": VERMILLION}),
    ):
        pick = [i for i, f in enumerate(fix) if f == want]
        fig.add_scatter(
            x=[perf[i] for i in pick],
            y=[imp[i] for i in pick],
            text=[names[i] for i in pick],
            customdata=[[n[i], pv[i]] for i in pick],
            mode="markers+text",
            textposition="top center",
            name=label_text(labels, "quadrant_fix" if want else "item"),
            marker=style,
            hovertemplate=hover,
            textfont={"color": VERMILLION, "weight": "bold"} if want else {"color": BLACK},
        )
    fig.add_vline(x=float(np.median(perf)), name="median_performance", line={"dash": "dot", "color": GREY})
    fig.add_hline(y=float(np.median(imp)), name="median_importance", line={"dash": "dot", "color": GREY})
    corners = (
        ("fix", 0, 1, "left", "top"),
        ("keep_up", 1, 1, "right", "top"),
        ("low_priority", 0, 0, "left", "bottom"),
        ("possible_overkill", 1, 0, "right", "bottom"),
    )
    for q, cx, cy, xa, ya in corners:
        fig.add_annotation(
            text=label_text(labels, f"quadrant_{q}"),
            name=f"quadrant_{q}",
            xref="x domain",
            yref="y domain",
            x=cx,
            y=cy,
            xanchor=xa,
            yanchor=ya,
            showarrow=False,
            font={"color": VERMILLION if q == "fix" else GREY},
        )
    return apply_layout(fig, labels)
