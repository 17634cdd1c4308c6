"""What the Satisfaction page's parts share (SPEC §7.5, §8): satisfied of rated responses as rate
rows against the reference target, and a survey type's label."""

from __future__ import annotations

import pandas as pd

from dashboard import ui
from dashboard.i18n import t

TARGET = ui.SETTINGS.composite_target  # no survey target is configured: the 服务满意率 target is the reference


def survey_label(v) -> str:
    return ui.label("survey", v)


def rate_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Satisfied of rated responses as rate rows (Wilson interval, verdict against the reference target)."""
    out = df.rename(columns={"satisfied_responses": "successes", "rated_responses": "n"}).copy()
    out = out[out["n"] > 0]
    out["successes"], out["n"], out["target"] = out["successes"].astype(int), out["n"].astype(int), TARGET
    return ui.with_rates(out)


def rate_table(table: pd.DataFrame, leading: dict, satisfied: bool = False) -> pd.DataFrame:
    """The satisfaction-rate table shown by month or by tier: the `leading` columns (heading → values),
    then survey type, responses, CSI, rated (and satisfied) responses, rate, interval and verdict."""
    columns = {
        **leading,
        t("sat_survey_type"): table["survey"],
        t("sat_responses"): table["responses"],
        t("sat_csi"): table["csi"],
        t("sat_rated"): table["rated_responses"],
    }
    if satisfied:
        columns[t("sat_satisfied")] = table["satisfied_responses"]
    columns |= {
        t("sat_rate"): table["rate"],
        t("ci"): [f"{ui.pct(a)} – {ui.pct(b)}" for a, b in zip(table["ci_low"], table["ci_high"], strict=True)],
        t("rpt_verdict"): [
            ui.verdict_text({**r, "n": r["rated_responses"]}) if isinstance(r["verdict"], str) else "—"
            for _, r in table.iterrows()
        ],
    }
    return pd.DataFrame(columns)
