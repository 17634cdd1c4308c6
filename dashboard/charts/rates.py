"""Rate charts (SPEC sections 7, 8): a rate by period against its target, the p-chart with its
control limits and flagged points, and the funnel plot of units against the overall rate."""

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
    GREEN,
    GREY,
    LIMIT_STYLE,
    MET_SYMBOL,
    MISSED_SYMBOL,
    ORANGE,
    OUTSIDE_95_SYMBOL,
    PALETTE,
    VERMILLION,
    add_target,
    apply_layout,
    esc,
    escs,
    floats,
    is_category,
    label_text,
    no_data,
    optional_text,
    rate_hover,
)


def target_line(
    df: pd.DataFrame,
    target: float,
    labels: dict[str, str],
    *,
    x: str = "period",
    y: str = "rate",
    n: str = "n",
    low: str = "ci_low",
    high: str = "ci_high",
    series: str | None = None,
    min_n: int | None = None,
) -> go.Figure:
    """Rate by period against its target, with 95% intervals as error bars (Overview, Trends).

    ``df``: one row per period (and series): ``x`` period (text, e.g. '2024-01' / '2024-Q1', or date),
    ``y`` rate in [0, 1], ``n`` events, ``low`` / ``high`` the 95% interval; optional ``series``
    column, one line per value in order of first appearance (e.g. survey types). A point with
    rate >= target is met (filled circle), else missed (x); the hover says which. A period without
    a rate (nan) breaks the line. With ``min_n``, a point on fewer events is drawn hollow, grey in
    the hover as small n, and the line does not pass through it (labels: small_n).
    Labels: title, subtitle, x_title, y_title (optional); period, rate, ci, n, target, met, missed.
    """
    if df.empty:
        return no_data(labels)
    fig = go.Figure()
    met, missed = label_text(labels, "met"), label_text(labels, "missed")
    groups = [(None, df)] if series is None else list(df.groupby(series, sort=False))
    any_small = False
    legend: list[tuple[str, str]] = []
    for i, (name, g) in enumerate(groups):
        legend.append((label_text(labels, "rate") if name is None else esc(str(name)), PALETTE[i % len(PALETTE)]))
        rate, lo, hi = np.array(floats(g[y])), np.array(floats(g[low])), np.array(floats(g[high]))
        counts = np.array(floats(g[n]))
        small = (counts < min_n) & ~np.isnan(rate) if min_n else np.zeros(len(rate), dtype=bool)
        any_small = any_small or bool(small.any())
        is_met = rate >= target
        status = [
            label_text(labels, "small_n") if sm else met if ok else missed if not math.isnan(r) else ""
            for ok, r, sm in zip(is_met, rate, small, strict=True)
        ]
        colour = PALETTE[i % len(PALETTE)]
        line_y = np.where(small, np.nan, rate)
        interval = {  # the 95% interval as error bars
            "type": "data",
            "symmetric": False,
            "array": (hi - rate).tolist(),
            "arrayminus": (rate - lo).tolist(),
            "thickness": 1.2,
            "width": 4,
            "color": colour,
        }
        customdata = list(zip(counts.tolist(), lo.tolist(), hi.tolist(), status, strict=True))
        fig.add_scatter(
            x=escs(g[x]),
            y=line_y.tolist(),
            mode="lines" if min_n else "lines+markers",
            name=label_text(labels, "rate") if name is None else esc(str(name)),
            legendgroup=f"series_{i}",
            showlegend=False,  # the legend's line is drawn below, without the first point's met/missed mark
            line={"color": colour, "width": 2},
            marker={
                "size": 10,
                "symbol": [MET_SYMBOL if ok else MISSED_SYMBOL for ok in is_met],
                "color": [colour if ok or series else VERMILLION for ok in is_met],
            },
            error_y=None if min_n else interval,
            customdata=customdata,
            hovertemplate=rate_hover(labels, "period"),
            hoverinfo="skip" if min_n else None,
        )
        if min_n:  # the points: reliable ones as met / missed, small-n ones hollow, all with their interval
            symbols = [
                ("circle-open" if sm else MET_SYMBOL if ok else MISSED_SYMBOL)
                for ok, sm in zip(is_met, small, strict=True)
            ]
            fig.add_scatter(
                x=escs(g[x]),
                y=rate.tolist(),
                mode="markers",
                name=label_text(labels, "rate") if name is None else esc(str(name)),
                legendgroup=f"series_{i}",
                showlegend=False,
                marker={
                    "size": 10,
                    "symbol": symbols,
                    "color": [
                        GREY if sm else colour if ok or series else VERMILLION
                        for ok, sm in zip(is_met, small, strict=True)
                    ],
                },
                error_y=interval,
                customdata=customdata,
                hovertemplate=rate_hover(labels, "period"),
            )
    for i, (name, colour) in enumerate(legend):  # each series as a plain line in the legend
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="lines",
            name=name,
            legendgroup=f"series_{i}",
            hoverinfo="skip",
            line={"color": colour, "width": 2},
        )
    keys = [("met", MET_SYMBOL), ("missed", MISSED_SYMBOL)] + ([("small_n", "circle-open")] if any_small else [])
    for key, symbol in keys:  # symbol key in the legend
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=label_text(labels, key),
            hoverinfo="skip",
            marker={"symbol": symbol, "size": 10, "color": GREY},
        )
    add_target(fig, target, labels)
    if is_category(df[x]):
        fig.update_xaxes(type="category")
    return apply_layout(fig, labels, percent_y=True)


def _rules(value) -> list[int]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return sorted(int(r) for r in value)


def control_chart(df: pd.DataFrame, labels: dict[str, str], *, target: float | None = None) -> go.Figure:
    """Monthly p-chart (SPEC section 8): rate, centre line, 3-sigma step limits, flagged points.

    ``df``: ``stats.p_chart(...)['points']`` plus ``period`` and ``rules`` (per point the set of
    Western Electric rule numbers from ``stats.western_electric``; empty or None when in control).
    Used columns: period, successes, n, p, centre, lcl, ucl, rules. The subtitle is
    ``labels['method_note']`` (which chart, p or Laney p′, and why: ui.control_note). Flagged points
    are red diamonds on the point that completes a pattern; the hover names its rules.
    Labels: title, x_title, y_title, method_note (optional); period, rate, ci, n, centre,
    limits, target, in_control, out_of_control, rules, rule_1 .. rule_4 (fallback: the number).
    """
    if df.empty:
        return no_data(labels)
    periods, p = escs(df["period"]), floats(df["p"])
    rules = [_rules(v) for v in df["rules"]]
    flagged = [bool(r) for r in rules]
    cis = [
        stats.wilson(s, m) if m > 0 else (math.nan, math.nan)
        for s, m in zip(floats(df["successes"]), floats(df["n"]), strict=True)
    ]
    rule_text = [
        "; ".join(label_text(labels, f"rule_{k}") if f"rule_{k}" in labels else str(k) for k in r) for r in rules
    ]
    status = [label_text(labels, "out_of_control") if f else label_text(labels, "in_control") for f in flagged]
    custom = [
        [m, lo, hi, st, lcl, ucl, rt]
        for m, (lo, hi), st, lcl, ucl, rt in zip(
            floats(df["n"]), cis, status, floats(df["lcl"]), floats(df["ucl"]), rule_text, strict=True
        )
    ]
    extra = (
        f"<br>{label_text(labels, 'limits')}: %{{customdata[4]:.1%}} – %{{customdata[5]:.1%}}"
        f"<br>{label_text(labels, 'rules')}: %{{customdata[6]}}"
    )
    fig = go.Figure()
    for col, show in (("ucl", True), ("lcl", False)):
        fig.add_scatter(
            x=periods,
            y=floats(df[col]),
            mode="lines",
            line={"shape": "hvh", "color": GREY, "dash": "dot"},
            name=label_text(labels, "limits"),
            legendgroup="limits",
            showlegend=show,
            hoverinfo="skip",
        )
    fig.add_scatter(
        x=periods,
        y=floats(df["centre"]),
        mode="lines",
        name=label_text(labels, "centre"),
        line={"color": GREEN, "width": 1.5},
        hoverinfo="skip",
    )
    fig.add_scatter(
        x=periods,
        y=p,
        mode="lines+markers",
        name=label_text(labels, "rate"),
        line={"color": BLUE, "width": 2},
        marker={"symbol": MET_SYMBOL, "size": 8, "color": BLUE},
        customdata=custom,
        hovertemplate=rate_hover(labels, "period", extra),
    )
    pick = [i for i, f in enumerate(flagged) if f]
    fig.add_scatter(
        x=[periods[i] for i in pick],
        y=[p[i] for i in pick],
        mode="markers",
        showlegend=bool(pick),
        name=label_text(labels, "out_of_control"),
        customdata=[custom[i] for i in pick],
        marker={"symbol": FLAG_SYMBOL, "size": 14, "color": VERMILLION, "line": {"color": BLACK, "width": 1}},
        hovertemplate=rate_hover(labels, "period", extra),
    )
    if target is not None:
        add_target(fig, target, labels)
    note = optional_text(labels, "method_note")
    if is_category(df["period"]):
        fig.update_xaxes(type="category")
    return apply_layout(fig, labels, subtitle=note, percent_y=True)


def funnel(
    df: pd.DataFrame,
    p0: float,
    limits: pd.DataFrame,
    labels: dict[str, str],
    *,
    unit: str = "unit",
    x: str = "successes",
    n: str = "n",
    phi: float = 1.0,
) -> go.Figure:
    """Funnel plot (Department targets): unit rate against n, 95% / 99.8% limits around ``p0``
    (``limits`` already widened by the overdispersion factor ``phi`` when it applies).

    ``df``: one row per unit: ``unit`` name, ``x`` successes, ``n`` events (n = 0 is left out).
    ``limits``: ``stats.funnel_limits(p0, grid)`` (columns n, lower_95, upper_95, lower_998,
    upper_998). Units are classed by ``stats.funnel_flags`` (with ``phi``): within (circles), watch
    — between 95% and 99.8% — (open diamonds) or out of limits — outside 99.8% — (filled diamonds),
    the last two labelled with the unit name; every point names its unit on hover.
    Labels: title, subtitle, x_title, y_title (optional); unit, rate, ci, n, overall, limit_95,
    limit_998, within, above_95, below_95, above_998, below_998.
    """
    df = df[pd.to_numeric(df[n], errors="coerce") > 0]  # a unit without events has no rate
    if df.empty:
        return no_data(labels)
    xs, ns = floats(df[x]), floats(df[n])
    flags = stats.funnel_flags(xs, ns, p0, phi)
    fig = go.Figure()
    grid = floats(limits["n"])
    for lab in ("95", "998"):
        for side, show in (("upper", True), ("lower", False)):
            col = f"{side}_{lab}"
            if col in limits:
                fig.add_scatter(
                    x=grid,
                    y=floats(limits[col]),
                    mode="lines",
                    name=label_text(labels, f"limit_{lab}"),
                    legendgroup=f"limit_{lab}",
                    showlegend=show,
                    hoverinfo="skip",
                    line={**LIMIT_STYLE[lab], "width": 1.5},
                )
    fig.add_scatter(
        x=[min(grid + ns), max(grid + ns)],
        y=[p0, p0],
        mode="lines",
        name=label_text(labels, "overall"),
        line={"color": GREEN, "width": 1.5},
        hovertemplate=f"{label_text(labels, 'overall')}: %{{y:.1%}}<extra></extra>",
    )
    names = escs(df[unit].astype(str))
    classes = (
        ("within", ("within",), MET_SYMBOL, BLUE),
        ("outside_95", ("above_95", "below_95"), OUTSIDE_95_SYMBOL, ORANGE),
        ("outside_998", ("above_998", "below_998"), FLAG_SYMBOL, VERMILLION),
    )
    for key, members, symbol, colour in classes:
        pick = [i for i, f in enumerate(flags) if f in members]
        custom = [[ns[i], *stats.wilson(xs[i], ns[i]), label_text(labels, flags[i]), names[i]] for i in pick]
        fig.add_scatter(
            x=[ns[i] for i in pick],
            y=[xs[i] / ns[i] for i in pick],
            name=label_text(labels, key),
            showlegend=bool(pick),
            mode="markers" if key == "within" else "markers+text",
            text=[names[i] for i in pick],
            textposition="top center",
            customdata=custom,
            marker={"symbol": symbol, "size": 10 if key == "within" else 13, "color": colour, "line": {"width": 2}},
            hovertemplate=(
                f"{label_text(labels, 'unit')}: %{{customdata[4]}}<br>{label_text(labels, 'rate')}: %{{y:.1%}}<br>"
                f"{label_text(labels, 'ci')}: %{{customdata[1]:.1%}} – %{{customdata[2]:.1%}}<br>"
                f"{label_text(labels, 'n')}: %{{x:,.0f}}<br>%{{customdata[3]}}<extra></extra>"
            ),
        )
    return apply_layout(fig, labels, percent_y=True)
