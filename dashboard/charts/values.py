"""Charts of plain values by category or period: grouped or stacked bars (with optional 95%
intervals), lines, a heatmap and the sparkline of a card."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.charts.style import (
    BLACK,
    BLUE,
    FONT_FAMILY,
    PALETTE,
    SEQUENTIAL,
    TEMPLATE,
    apply_layout,
    esc,
    escs,
    floats,
    is_category,
    label_text,
    no_data,
)


def bars(
    df: pd.DataFrame,
    x: str,
    y: str,
    labels: dict[str, str],
    *,
    color: str | None = None,
    barmode: str = "group",
    percent: bool = False,
    orientation: str = "v",
    n: str | None = None,
    low: str | None = None,
    high: str | None = None,
) -> go.Figure:
    """Grouped or stacked bars (costs, severity mix, responses, item scores).

    ``df``: ``x`` category, ``y`` value; optional ``color`` column (one trace per value, in order
    of first appearance); for rates, optional ``n`` and ``low`` / ``high`` (95% interval, shown as
    error bars and in the hover). ``barmode`` 'group' | 'stack' | 'relative'; ``percent`` formats
    values as %; ``orientation`` 'h' puts categories on the y axis.
    Labels: title, subtitle, x_title, y_title (optional); keys ``x`` and ``y`` (the column names)
    for the hover, plus n and ci when given.
    """
    if df.empty:
        return no_data(labels)
    fmt = ".1%" if percent else ",.4~f"
    horizontal = orientation == "h"
    cat_ax, val_ax = ("y", "x") if horizontal else ("x", "y")
    groups = [(None, df)] if color is None else list(df.groupby(color, sort=False))
    fig = go.Figure()
    for i, (name, g) in enumerate(groups):
        cats, vals = escs(g[x].astype(str)), floats(g[y])
        hover = f"{label_text(labels, x)}: %{{{cat_ax}}}<br>{label_text(labels, y)}: %{{{val_ax}:{fmt}}}"
        trace = {
            cat_ax: cats,
            val_ax: vals,
            "orientation": orientation,
            "marker_color": PALETTE[i % len(PALETTE)],
            "name": label_text(labels, y) if name is None else esc(str(name)),
        }
        custom = [floats(g[n]) if n else [math.nan] * len(g)]
        if low and high:
            lo, hi = np.array(floats(g[low])), np.array(floats(g[high]))
            trace[f"error_{val_ax}"] = {
                "type": "data",
                "symmetric": False,
                "array": (hi - np.array(vals)).tolist(),
                "arrayminus": (np.array(vals) - lo).tolist(),
                "color": BLACK,
                "thickness": 1,
            }
            custom += [lo.tolist(), hi.tolist()]
            hover += f"<br>{label_text(labels, 'ci')}: %{{customdata[1]:{fmt}}} – %{{customdata[2]:{fmt}}}"
        if n:
            hover += f"<br>{label_text(labels, 'n')}: %{{customdata[0]:,.0f}}"
        trace["customdata"] = [list(row) for row in zip(*custom, strict=True)]
        fig.add_bar(**trace, hovertemplate=hover + "<extra>%{fullData.name}</extra>")
    order = list(dict.fromkeys(escs(df[x].astype(str))))
    fig.update_layout(
        barmode=barmode, **{f"{cat_ax}axis": {"type": "category", "categoryorder": "array", "categoryarray": order}}
    )
    return apply_layout(fig, labels, percent_x=percent and horizontal, percent_y=percent and not horizontal)


def lines(
    df: pd.DataFrame,
    x: str,
    y: str,
    labels: dict[str, str],
    *,
    series: str | None = None,
    n: str | None = None,
    y_range: tuple[float, float] | None = None,
    min_n: int | None = None,
) -> go.Figure:
    """Plain lines with markers (e.g. the CSI, 0-100, by month and survey type): one line per value
    of ``series`` in order of first appearance; ``n`` shown in the hover; optional fixed ``y_range``.
    With ``min_n`` (and ``n``), a point on fewer than min_n is hollow and the line does not pass
    through it. Labels: title, subtitle, x_title, y_title (optional); keys ``x`` and ``y`` (the column
    names), n."""
    if df.empty:
        return no_data(labels)
    fig = go.Figure()
    groups = [(None, df)] if series is None else list(df.groupby(series, sort=False))
    for i, (name, g) in enumerate(groups):
        hover = f"{label_text(labels, x)}: %{{x}}<br>{label_text(labels, y)}: %{{y:,.1f}}"
        if n:
            hover += f"<br>{label_text(labels, 'n')}: %{{customdata:,.0f}}"
        values, colour = floats(g[y]), PALETTE[i % len(PALETTE)]
        counts = floats(g[n]) if n else None
        small = [c < min_n for c in counts] if min_n and counts is not None else [False] * len(values)
        fig.add_scatter(
            x=escs(g[x]),
            y=[None if sm else v for v, sm in zip(values, small, strict=True)],
            mode="lines+markers",
            name=label_text(labels, y) if name is None else esc(str(name)),
            legendgroup=f"series_{i}",
            line={"color": colour, "width": 2},
            marker={"size": 8},
            customdata=counts,
            hovertemplate=hover + "<extra>%{fullData.name}</extra>",
        )
        if any(small):  # the points on few responses: hollow, on their own
            fig.add_scatter(
                x=[v for v, sm in zip(escs(g[x]), small, strict=True) if sm],
                y=[v for v, sm in zip(values, small, strict=True) if sm],
                mode="markers",
                name=label_text(labels, y) if name is None else esc(str(name)),
                legendgroup=f"series_{i}",
                showlegend=False,
                marker={"size": 8, "symbol": "circle-open", "color": colour},
                customdata=[c for c, sm in zip(counts, small, strict=True) if sm],
                hovertemplate=hover + "<extra>%{fullData.name}</extra>",
            )
    if is_category(df[x]):
        fig.update_xaxes(type="category")
    if y_range:
        fig.update_yaxes(range=list(y_range))
    return apply_layout(fig, labels)


def heatmap(df: pd.DataFrame, x: str, y: str, z: str, labels: dict[str, str], *, percent: bool = False) -> go.Figure:
    """Matrix of ``z`` by ``x`` (columns) and ``y`` (rows), values written in the cells.

    ``df``: long form, one row per (x, y) with value ``z`` (summed when repeated, 0 when absent),
    categories in order of first appearance, first row on top; e.g. complaint category x
    responsible department with counts. Labels: title, subtitle, x_title, y_title (optional);
    keys ``x``, ``y``, ``z`` (the column names) for the hover and colour bar.
    """
    if df.empty:
        return no_data(labels)
    data = pd.DataFrame({"x": escs(df[x].astype(str)), "y": escs(df[y].astype(str)), "z": floats(df[z])})
    cols, rows = list(dict.fromkeys(data["x"])), list(dict.fromkeys(data["y"]))
    grid = data.pivot_table(index="y", columns="x", values="z", aggfunc="sum", fill_value=0).reindex(
        index=rows, columns=cols, fill_value=0
    )
    fmt = ".1%" if percent else ",.0f"
    fig = go.Figure(
        go.Heatmap(
            x=cols,
            y=rows,
            z=grid.to_numpy().tolist(),
            colorscale=[list(s) for s in SEQUENTIAL],
            texttemplate=f"%{{z:{fmt}}}",
            colorbar={"title": {"text": label_text(labels, z)}},
            hovertemplate=f"{label_text(labels, x)}: %{{x}}<br>{label_text(labels, y)}: %{{y}}<br>{label_text(labels, z)}: %{{z:{fmt}}}<extra></extra>",
        )
    )
    fig.update_layout(xaxis={"type": "category", "side": "top"}, yaxis={"type": "category", "autorange": "reversed"})
    return apply_layout(fig, labels)


def sparkline(
    df: pd.DataFrame, x: str, y: str, *, percent: bool = False, color: str = BLUE, height: int = 60
) -> go.Figure:
    """A small line for KPI cards: no axes, no legend, the last point marked. No text of its own."""
    fig = go.Figure()
    if df.empty:
        return fig.update_layout(height=height, template=TEMPLATE, xaxis={"visible": False}, yaxis={"visible": False})
    xs, ys = escs(df[x]), floats(df[y])
    fmt = ".1%" if percent else ",.4~f"
    fig.add_scatter(
        x=xs,
        y=ys,
        mode="lines",
        line={"color": color, "width": 2},
        hovertemplate=f"%{{x}}: %{{y:{fmt}}}<extra></extra>",
    )
    fig.add_scatter(x=xs[-1:], y=ys[-1:], mode="markers", marker={"color": color, "size": 6}, hoverinfo="skip")
    fig.update_layout(
        template=TEMPLATE,
        height=height,
        showlegend=False,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        font={"family": FONT_FAMILY},
        xaxis={"visible": False},
        yaxis={"visible": False},
    )
    if is_category(xs):
        fig.update_xaxes(type="category")
    return fig
