"""Plotly figure builders, one per chart kind, shared by the pages and the reports (SPEC sections 7, 8).

Pure functions returning ``go.Figure``: no Streamlit, no I/O, the same input gives the same figure.
User-visible text comes from ``labels`` (the caller translates): the keys ``title``, ``subtitle``,
``x_title`` and ``y_title`` are left out when missing; any other key falls back to the key itself,
so an untranslated string shows up as its key rather than as silent English. ``no_data`` is the
message of the empty figure returned for an empty frame. Plotly renders a subset of HTML in text,
so every string from data or labels is HTML-escaped (plotly decodes &amp; &lt; &gt; back for display).
Rates are fractions in [0, 1] and shown as percentages.
"""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import stats

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
LIMIT_STYLE = {"95": {"color": ORANGE, "dash": "dash"}, "998": {"color": VERMILLION, "dash": "dot"}}


def _esc(value):
    """A data value as plotly text: strings escaped, periods as text, numbers and dates unchanged."""
    if isinstance(value, pd.Period):
        value = str(value)
    if isinstance(value, str):
        # '%{' inside a hovertemplate would start a placeholder; &#123; still displays as '{'.
        return html.escape(value, quote=False).replace("%{", "%&#123;")
    return value


def _escs(values) -> list:
    return [_esc(v) for v in values]


def _t(labels: dict[str, str], key: str) -> str:
    """Translated, escaped text for ``key`` (the key itself when missing)."""
    return _esc(str(labels.get(key, key)))


def _opt(labels: dict[str, str], key: str) -> str | None:
    return None if labels.get(key) is None else _esc(str(labels[key]))


def _floats(series) -> list[float]:
    return pd.to_numeric(pd.Series(series), errors="coerce").astype(float).tolist()


def _pct(value: float) -> str:
    """0.9 -> '90%', 0.925 -> '92.5%'."""
    return f"{value * 100:.1f}".rstrip("0").rstrip(".") + "%"


def _is_category(values) -> bool:
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
    """House layout: template, CJK-capable fonts, margins, legend on top, title / axis titles, % axes."""
    title, subtitle = _opt(labels, "title"), subtitle or _opt(labels, "subtitle")
    top = 90 if title and subtitle else 60 if title or subtitle else 40
    fig.update_layout(
        template=TEMPLATE,
        font={"family": FONT_FAMILY, "size": 13},
        hoverlabel={"font": {"family": FONT_FAMILY}},
        colorway=list(PALETTE),
        margin={**MARGIN, "t": top},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1},
    )
    if title or subtitle:
        head = {"text": title or subtitle, "x": 0, "xanchor": "left"}
        if title and subtitle:
            head["subtitle"] = {"text": subtitle}
        fig.update_layout(title=head)
    fig.update_layout(height=height or None)
    fig.layout.xaxis.title, fig.layout.yaxis.title = _opt(labels, "x_title"), _opt(labels, "y_title")
    if percent_x:
        fig.layout.xaxis.tickformat = ".0%"
    if percent_y:
        fig.layout.yaxis.tickformat = ".0%"
    return fig


def empty_figure(message: str) -> go.Figure:
    """A blank figure carrying only ``message`` (already translated) in its centre."""
    fig = go.Figure()
    fig.add_annotation(
        text=_esc(str(message)),
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


def _no_data(labels: dict[str, str]) -> go.Figure:
    return empty_figure(labels.get("no_data", "no_data"))


def _rate_hover(labels: dict[str, str], x_key: str, extra: str = "") -> str:
    """Hover of a rate point; customdata = [n, ci_low, ci_high, status, ...]."""
    return (
        f"{_t(labels, x_key)}: %{{x}}<br>{_t(labels, 'rate')}: %{{y:.1%}}<br>"
        f"{_t(labels, 'ci')}: %{{customdata[1]:.1%}} – %{{customdata[2]:.1%}}<br>"
        f"{_t(labels, 'n')}: %{{customdata[0]:,.0f}}<br>%{{customdata[3]}}{extra}<extra>%{{fullData.name}}</extra>"
    )


def _add_target(fig: go.Figure, target: float, labels: dict[str, str]) -> None:
    """Dashed horizontal target line (shape named 'target'), labelled in the legend: a label on
    the line itself covered the points that lie near the target."""
    line = {"dash": "dash", "color": BLACK, "width": 1.5}
    fig.add_hline(y=target, name="target", line=line)
    fig.add_scatter(
        x=[None], y=[None], mode="lines", name=f"{_t(labels, 'target')} {_pct(target)}", line=line, hoverinfo="skip"
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
) -> go.Figure:
    """Rate by period against its target, with 95% intervals as error bars (Overview, Trends).

    ``df``: one row per period (and series): ``x`` period (text, e.g. '2024-01' / '2024-Q1', or date),
    ``y`` rate in [0, 1], ``n`` events, ``low`` / ``high`` the 95% interval; optional ``series``
    column, one line per value in order of first appearance (e.g. survey types). A point with
    rate >= target is met (filled circle), else missed (x); the hover says which.
    Labels: title, subtitle, x_title, y_title (optional); period, rate, ci, n, target, met, missed.
    """
    if df.empty:
        return _no_data(labels)
    fig = go.Figure()
    met, missed = _t(labels, "met"), _t(labels, "missed")
    groups = [(None, df)] if series is None else list(df.groupby(series, sort=False))
    for i, (name, g) in enumerate(groups):
        rate, lo, hi = np.array(_floats(g[y])), np.array(_floats(g[low])), np.array(_floats(g[high]))
        is_met = rate >= target
        status = [met if ok else missed if not math.isnan(r) else "" for ok, r in zip(is_met, rate, strict=True)]
        colour = PALETTE[i % len(PALETTE)]
        fig.add_scatter(
            x=_escs(g[x]),
            y=rate.tolist(),
            mode="lines+markers",
            name=_t(labels, "rate") if name is None else _esc(str(name)),
            line={"color": colour, "width": 2},
            marker={
                "size": 10,
                "symbol": [MET_SYMBOL if ok else MISSED_SYMBOL for ok in is_met],
                "color": [colour if ok or series else VERMILLION for ok in is_met],
            },
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (hi - rate).tolist(),
                "arrayminus": (rate - lo).tolist(),
                "thickness": 1.2,
                "width": 4,
                "color": colour,
            },
            customdata=list(zip(_floats(g[n]), lo.tolist(), hi.tolist(), status, strict=True)),
            hovertemplate=_rate_hover(labels, "period"),
        )
    for key, symbol in (("met", MET_SYMBOL), ("missed", MISSED_SYMBOL)):  # symbol key in the legend
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=_t(labels, key),
            hoverinfo="skip",
            marker={"symbol": symbol, "size": 10, "color": GREY},
        )
    _add_target(fig, target, labels)
    if _is_category(df[x]):
        fig.update_xaxes(type="category")
    return apply_layout(fig, labels, percent_y=True)


def _rules(value) -> list[int]:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return []
    return sorted(int(r) for r in value)


def control_chart(
    df: pd.DataFrame,
    labels: dict[str, str],
    *,
    target: float | None = None,
    method: str = "p",
    sigma_z: float = math.nan,
) -> go.Figure:
    """Monthly p-chart (SPEC section 8): rate, centre line, 3-sigma step limits, flagged points.

    ``df``: ``stats.p_chart(...)['points']`` plus ``period`` and ``rules`` (per point the set of
    Western Electric rule numbers from ``stats.western_electric``; empty or None when in control).
    Used columns: period, successes, n, p, centre, lcl, ucl, rules. ``method`` and ``sigma_z`` are
    p_chart's: for 'laney' the subtitle is ``labels['laney_note'].format(sigma_z=sigma_z)``, for 'p'
    ``labels['p_note']`` when given. Flagged points are red diamonds; hover lists their rules.
    Labels: title, x_title, y_title, p_note (optional); laney_note, period, rate, ci, n, centre,
    limits, target, in_control, out_of_control, rules, rule_1 .. rule_4 (fallback: the number).
    """
    if df.empty:
        return _no_data(labels)
    periods, p = _escs(df["period"]), _floats(df["p"])
    rules = [_rules(v) for v in df["rules"]]
    flagged = [bool(r) for r in rules]
    cis = [
        stats.wilson(s, m) if m > 0 else (math.nan, math.nan)
        for s, m in zip(_floats(df["successes"]), _floats(df["n"]), strict=True)
    ]
    rule_text = ["; ".join(_t(labels, f"rule_{k}") if f"rule_{k}" in labels else str(k) for k in r) for r in rules]
    status = [_t(labels, "out_of_control") if f else _t(labels, "in_control") for f in flagged]
    custom = [
        [m, lo, hi, st, lcl, ucl, rt]
        for m, (lo, hi), st, lcl, ucl, rt in zip(
            _floats(df["n"]), cis, status, _floats(df["lcl"]), _floats(df["ucl"]), rule_text, strict=True
        )
    ]
    extra = (
        f"<br>{_t(labels, 'limits')}: %{{customdata[4]:.1%}} – %{{customdata[5]:.1%}}"
        f"<br>{_t(labels, 'rules')}: %{{customdata[6]}}"
    )
    fig = go.Figure()
    for col, show in (("ucl", True), ("lcl", False)):
        fig.add_scatter(
            x=periods,
            y=_floats(df[col]),
            mode="lines",
            line={"shape": "hvh", "color": GREY, "dash": "dot"},
            name=_t(labels, "limits"),
            legendgroup="limits",
            showlegend=show,
            hoverinfo="skip",
        )
    fig.add_scatter(
        x=periods,
        y=_floats(df["centre"]),
        mode="lines",
        name=_t(labels, "centre"),
        line={"color": GREEN, "width": 1.5},
        hoverinfo="skip",
    )
    fig.add_scatter(
        x=periods,
        y=p,
        mode="lines+markers",
        name=_t(labels, "rate"),
        line={"color": BLUE, "width": 2},
        marker={"symbol": MET_SYMBOL, "size": 8, "color": BLUE},
        customdata=custom,
        hovertemplate=_rate_hover(labels, "period", extra),
    )
    pick = [i for i, f in enumerate(flagged) if f]
    fig.add_scatter(
        x=[periods[i] for i in pick],
        y=[p[i] for i in pick],
        mode="markers",
        showlegend=bool(pick),
        name=_t(labels, "out_of_control"),
        customdata=[custom[i] for i in pick],
        marker={"symbol": FLAG_SYMBOL, "size": 14, "color": VERMILLION, "line": {"color": BLACK, "width": 1}},
        hovertemplate=_rate_hover(labels, "period", extra),
    )
    if target is not None:
        _add_target(fig, target, labels)
    laney = method == "laney"
    note = (
        _esc(str(labels.get("laney_note", "laney_note")).format(sigma_z=sigma_z)) if laney else _opt(labels, "p_note")
    )
    if _is_category(df["period"]):
        fig.update_xaxes(type="category")
    return apply_layout(fig, labels, subtitle=note, percent_y=True)


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
        return _no_data(labels)
    cats = _escs(df[category].astype(str))
    fig = go.Figure()
    fig.add_bar(
        x=cats,
        y=_floats(df[count]),
        name=_t(labels, "count"),
        marker_color=BLUE,
        hovertemplate=f"{_t(labels, 'category')}: %{{x}}<br>{_t(labels, 'count')}: %{{y:,}}<extra></extra>",
    )
    fig.add_scatter(
        x=cats,
        y=_floats(df[cumulative]),
        yaxis="y2",
        mode="lines+markers",
        name=_t(labels, "cumulative"),
        line={"color": ORANGE, "width": 2},
        marker={"symbol": "diamond", "size": 8},
        hovertemplate=f"{_t(labels, 'category')}: %{{x}}<br>{_t(labels, 'cumulative')}: %{{y:.1%}}<extra></extra>",
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
            "title": _opt(labels, "y2_title"),
        },
    )
    return apply_layout(fig, labels)


def funnel(
    df: pd.DataFrame,
    p0: float,
    limits: pd.DataFrame,
    labels: dict[str, str],
    *,
    unit: str = "unit",
    x: str = "successes",
    n: str = "n",
) -> go.Figure:
    """Funnel plot (Department targets): unit rate against n, 95% / 99.8% limits around ``p0``.

    ``df``: one row per unit: ``unit`` name, ``x`` successes, ``n`` events (n = 0 is left out).
    ``limits``: ``stats.funnel_limits(p0, grid)`` (columns n, lower_95, upper_95, lower_998,
    upper_998). Units are classed by ``stats.funnel_flags``: inside (circles), outside 95% (open
    diamonds) or outside 99.8% (filled diamonds), the last two labelled with the unit name.
    Labels: title, subtitle, x_title, y_title (optional); unit, rate, ci, n, overall, limit_95,
    limit_998, within, above_95, below_95, above_998, below_998.
    """
    df = df[pd.to_numeric(df[n], errors="coerce") > 0]  # a unit without events has no rate
    if df.empty:
        return _no_data(labels)
    xs, ns = _floats(df[x]), _floats(df[n])
    flags = stats.funnel_flags(xs, ns, p0)
    fig = go.Figure()
    grid = _floats(limits["n"])
    for lab in ("95", "998"):
        for side, show in (("upper", True), ("lower", False)):
            col = f"{side}_{lab}"
            if col in limits:
                fig.add_scatter(
                    x=grid,
                    y=_floats(limits[col]),
                    mode="lines",
                    name=_t(labels, f"limit_{lab}"),
                    legendgroup=f"limit_{lab}",
                    showlegend=show,
                    hoverinfo="skip",
                    line={**LIMIT_STYLE[lab], "width": 1.5},
                )
    fig.add_scatter(
        x=[min(grid + ns), max(grid + ns)],
        y=[p0, p0],
        mode="lines",
        name=_t(labels, "overall"),
        line={"color": GREEN, "width": 1.5},
        hovertemplate=f"{_t(labels, 'overall')}: %{{y:.1%}}<extra></extra>",
    )
    names = _escs(df[unit].astype(str))
    classes = (
        ("within", ("within",), MET_SYMBOL, BLUE),
        ("outside_95", ("above_95", "below_95"), OUTSIDE_95_SYMBOL, ORANGE),
        ("outside_998", ("above_998", "below_998"), FLAG_SYMBOL, VERMILLION),
    )
    for key, members, symbol, colour in classes:
        pick = [i for i, f in enumerate(flags) if f in members]
        custom = [[ns[i], *stats.wilson(xs[i], ns[i]), _t(labels, flags[i]), names[i]] for i in pick]
        fig.add_scatter(
            x=[ns[i] for i in pick],
            y=[xs[i] / ns[i] for i in pick],
            name=_t(labels, key),
            showlegend=bool(pick),
            mode="markers" if key == "within" else "markers+text",
            text=[names[i] for i in pick],
            textposition="top center",
            customdata=custom,
            marker={"symbol": symbol, "size": 10 if key == "within" else 13, "color": colour, "line": {"width": 2}},
            hovertemplate=(
                f"{_t(labels, 'unit')}: %{{customdata[4]}}<br>{_t(labels, 'rate')}: %{{y:.1%}}<br>"
                f"{_t(labels, 'ci')}: %{{customdata[1]:.1%}} – %{{customdata[2]:.1%}}<br>"
                f"{_t(labels, 'n')}: %{{x:,.0f}}<br>%{{customdata[3]}}<extra></extra>"
            ),
        )
    return apply_layout(fig, labels, percent_y=True)


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
        return _no_data(labels)
    fig = go.Figure()
    names = _escs(df["label" if "label" in df else "item"].astype(str))
    n = _floats(df["n"]) if "n" in df else [math.nan] * len(df)
    pv = _floats(df["p_value"]) if "p_value" in df else [math.nan] * len(df)
    perf, imp = _floats(df["performance"]), _floats(df["importance"])
    fix = [q == "fix" for q in df["quadrant"]]
    hover = (
        f"{_t(labels, 'item')}: %{{text}}<br>{_t(labels, 'importance')}: %{{y:.2f}} "
        f"({_t(labels, 'p_value')} %{{customdata[1]:.3f}}, {_t(labels, 'n')} %{{customdata[0]:,.0f}})<br>"
        f"{_t(labels, 'performance')}: %{{x:.2f}}<extra></extra>"
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
            name=_t(labels, "quadrant_fix" if want else "item"),
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
            text=_t(labels, f"quadrant_{q}"),
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
        return _no_data(labels)
    fmt = ".1%" if percent else ",.4~f"
    horizontal = orientation == "h"
    cat_ax, val_ax = ("y", "x") if horizontal else ("x", "y")
    groups = [(None, df)] if color is None else list(df.groupby(color, sort=False))
    fig = go.Figure()
    for i, (name, g) in enumerate(groups):
        cats, vals = _escs(g[x].astype(str)), _floats(g[y])
        hover = f"{_t(labels, x)}: %{{{cat_ax}}}<br>{_t(labels, y)}: %{{{val_ax}:{fmt}}}"
        trace = {
            cat_ax: cats,
            val_ax: vals,
            "orientation": orientation,
            "marker_color": PALETTE[i % len(PALETTE)],
            "name": _t(labels, y) if name is None else _esc(str(name)),
        }
        custom = [_floats(g[n]) if n else [math.nan] * len(g)]
        if low and high:
            lo, hi = np.array(_floats(g[low])), np.array(_floats(g[high]))
            trace[f"error_{val_ax}"] = {
                "type": "data",
                "symmetric": False,
                "array": (hi - np.array(vals)).tolist(),
                "arrayminus": (np.array(vals) - lo).tolist(),
                "color": BLACK,
                "thickness": 1,
            }
            custom += [lo.tolist(), hi.tolist()]
            hover += f"<br>{_t(labels, 'ci')}: %{{customdata[1]:{fmt}}} – %{{customdata[2]:{fmt}}}"
        if n:
            hover += f"<br>{_t(labels, 'n')}: %{{customdata[0]:,.0f}}"
        trace["customdata"] = [list(row) for row in zip(*custom, strict=True)]
        fig.add_bar(**trace, hovertemplate=hover + "<extra>%{fullData.name}</extra>")
    order = list(dict.fromkeys(_escs(df[x].astype(str))))
    fig.update_layout(
        barmode=barmode, **{f"{cat_ax}axis": {"type": "category", "categoryorder": "array", "categoryarray": order}}
    )
    return apply_layout(fig, labels, percent_x=percent and horizontal, percent_y=percent and not horizontal)


def heatmap(df: pd.DataFrame, x: str, y: str, z: str, labels: dict[str, str], *, percent: bool = False) -> go.Figure:
    """Matrix of ``z`` by ``x`` (columns) and ``y`` (rows), values written in the cells.

    ``df``: long form, one row per (x, y) with value ``z`` (summed when repeated, 0 when absent),
    categories in order of first appearance, first row on top; e.g. complaint category x
    responsible department with counts. Labels: title, subtitle, x_title, y_title (optional);
    keys ``x``, ``y``, ``z`` (the column names) for the hover and colour bar.
    """
    if df.empty:
        return _no_data(labels)
    data = pd.DataFrame({"x": _escs(df[x].astype(str)), "y": _escs(df[y].astype(str)), "z": _floats(df[z])})
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
            colorbar={"title": {"text": _t(labels, z)}},
            hovertemplate=f"{_t(labels, x)}: %{{x}}<br>{_t(labels, y)}: %{{y}}<br>{_t(labels, z)}: %{{z:{fmt}}}<extra></extra>",
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
    xs, ys = _escs(df[x]), _floats(df[y])
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
    if _is_category(xs):
        fig.update_xaxes(type="category")
    return fig


def lines(
    df: pd.DataFrame,
    x: str,
    y: str,
    labels: dict[str, str],
    *,
    series: str | None = None,
    n: str | None = None,
    y_range: tuple[float, float] | None = None,
) -> go.Figure:
    """Plain lines with markers (e.g. the CSI, 0-100, by month and survey type): one line per value
    of ``series`` in order of first appearance; ``n`` shown in the hover; optional fixed ``y_range``.
    Labels: title, subtitle, x_title, y_title (optional); keys ``x`` and ``y`` (the column names), n."""
    if df.empty:
        return _no_data(labels)
    fig = go.Figure()
    groups = [(None, df)] if series is None else list(df.groupby(series, sort=False))
    for i, (name, g) in enumerate(groups):
        hover = f"{_t(labels, x)}: %{{x}}<br>{_t(labels, y)}: %{{y:,.1f}}"
        if n:
            hover += f"<br>{_t(labels, 'n')}: %{{customdata:,.0f}}"
        fig.add_scatter(
            x=_escs(g[x]),
            y=_floats(g[y]),
            mode="lines+markers",
            name=_t(labels, y) if name is None else _esc(str(name)),
            line={"color": PALETTE[i % len(PALETTE)], "width": 2},
            marker={"size": 8},
            customdata=_floats(g[n]) if n else None,
            hovertemplate=hover + "<extra>%{fullData.name}</extra>",
        )
    if _is_category(df[x]):
        fig.update_xaxes(type="category")
    if y_range:
        fig.update_yaxes(range=list(y_range))
    return apply_layout(fig, labels)
