"""Values as the pages and the reports show them, in the current language: missing values, enum
labels, root causes, yes / no, months, percentages, p-values, ratios, KPI names, and names made
safe for markdown. No Streamlit here."""

from __future__ import annotations

import math
import re

import pandas as pd

from dashboard.i18n import TEXT, lang, t
from pipelines.settings import load_settings

ROOT_CAUSES = load_settings().root_causes  # id → configured Chinese label (the taxonomy of SPEC §3)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def missing(value) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def mapped(values, fn) -> pd.Series:
    """`fn` applied to each value, computed once per distinct value (labels of long tables)."""
    series = pd.Series(values)
    done = {}

    def one(v):
        key = "__missing__" if missing(v) else v
        if key not in done:
            done[key] = fn(v)
        return done[key]

    return series.map(one, na_action=None)


def label(prefix: str, value) -> str:
    """The translated name of an enum value (key `<prefix>_<value>`), else the value itself."""
    if missing(value) or value == "":
        return t("unknown")
    key = f"{prefix}_{value}"
    return t(key) if key in TEXT else str(value)


def root_cause_label(category, name_zh=None) -> str:
    """A root-cause category in the current language: in Chinese the configured label (the
    warehouse's settings_root_causes as `name_zh`, else config/settings.toml), in English the
    translation table's rc_<id>; a category neither knows shows as its id, spaced."""
    if missing(category):
        return t("unknown")
    key = f"rc_{category}"
    if lang() == "zh":
        configured = name_zh if not missing(name_zh) else ROOT_CAUSES.get(str(category))
        if configured:
            return str(configured)
    if key in TEXT:
        return t(key)
    return str(category).replace("_", " ")


def yes_no(value) -> str:
    if missing(value):
        return "—"
    return t("yes") if bool(value) else t("no")


def month_text(values) -> pd.Series:
    return pd.to_datetime(pd.Series(values)).dt.strftime("%Y-%m")


def ratio_text(value) -> str:
    if missing(value):
        return "—"
    return "∞" if math.isinf(value) else f"{value:.2f}"


def pct(x, digits: int = 1) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x * 100:.{digits}f}%"


def p_value(p) -> str:
    """0.0284 -> '0.028'; below 0.001 '< 0.001' (never '0.000'); '—' when missing."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "—"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def p_phrase(p) -> str:
    """'p = 0.028', or 'p < 0.001' (not 'p = < 0.001')."""
    text = p_value(p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def kpi_title(row) -> str:
    return row["name_zh"] if lang() == "zh" else row["name_en"]


def kpi_names(settings: pd.DataFrame) -> dict[str, str]:
    """kpi id → its name in the current language (from settings_kpi)."""
    return {r["kpi"]: kpi_title(r) for _, r in settings.iterrows()}


def plain(text) -> str:
    """A settings- or data-provided name made safe for a markdown-rendering element (headers, captions,
    tab labels): every markdown character escaped, so it shows as the literal text."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def dim_value(dim: str, value) -> str:
    """A filter value as shown: customer tiers and channels translated, other values as they are."""
    if missing(value):
        return t("unknown")
    if dim == "customer_tier":
        return label("tier", value)
    if dim == "channel":
        return label("ch", value)
    return str(value)
