"""What the Satisfaction page's parts share (SPEC §7.5, §8): satisfied of rated responses as rate
rows against the reference target, and a survey type's label."""

from __future__ import annotations

import pandas as pd

from dashboard import ui

TARGET = ui.SETTINGS.composite_target  # no survey target is configured: the 服务满意率 target is the reference


def survey_label(v) -> str:
    return ui.label("survey", v)


def rate_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Satisfied of rated responses as rate rows (Wilson interval, verdict against the reference target)."""
    out = df.rename(columns={"satisfied_responses": "successes", "rated_responses": "n"}).copy()
    out = out[out["n"] > 0]
    out["successes"], out["n"], out["target"] = out["successes"].astype(int), out["n"].astype(int), TARGET
    return ui.with_rates(out)
