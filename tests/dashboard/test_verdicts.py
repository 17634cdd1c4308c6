"""The one wording of a verdict (SPEC §8), for every rate and the composite, in both languages."""

import pytest

from dashboard.i18n import using
from dashboard.ui import p_phrase, verdict_text


def test_a_tiny_p_value_reads_below_one_in_a_thousand_not_zero():
    assert p_phrase(0.0000123) == "p < 0.001"
    assert p_phrase(0.001) == "p = 0.001"
    assert p_phrase(0.02849) == "p = 0.028"
    assert p_phrase(float("nan")) == "p = —"


@pytest.mark.parametrize(
    ("row", "zh", "en"),
    [
        ({"verdict": "met", "n": 285, "p_value": 0.7}, "✓ 达标", "✓ Met"),
        (
            {"verdict": "significant_miss", "p_value": 2.5e-9, "n": 1285},
            "× 低于目标，显著（p < 0.001，n = 1,285）",
            "× Below target, significant (p < 0.001, n = 1,285)",
        ),
        (
            {"verdict": "not_significant", "p_value": 0.3114, "n": 52},
            "低于目标，不显著（p = 0.311，n = 52）",
            "Below target, not significant (p = 0.311, n = 52)",
        ),
        (
            {"verdict": "small_n", "p_value": 0.01, "n": 10},
            "事件过少，不作判断（n = 10 < 30）",
            "Too few events to judge (n = 10 < 30)",
        ),
        ({"verdict": "no_events", "n": 0}, "— 无事件", "— No events"),
        (
            {"verdict": "significant_miss", "p_value": 0.012, "n": 300, "holm": True},
            "× 低于目标，显著（Holm 校正 p = 0.012，n = 300）",
            "× Below target, significant (Holm p = 0.012, n = 300)",
        ),
    ],
    ids=["met", "significant", "not significant", "small n", "no events", "holm"],
)
def test_one_verdict_text_for_every_rate(row, zh, en):
    with using("zh"):
        assert verdict_text(row) == zh
    with using("en"):
        assert verdict_text(row) == en


@pytest.mark.parametrize(
    ("verdict", "high", "en"),
    [
        ("significant_miss", 0.8821, "× Below target, significant (95% upper bound 88.2% < 90%)"),
        ("not_significant", 0.9314, "Below target, not significant (95% upper bound 93.1% ≥ 90%)"),
        ("small_n", 0.9314, "Too few events to judge (a weighted KPI has n = 10 < 30)"),
        ("met", 0.9612, "✓ Met"),
    ],
)
def test_the_composite_is_worded_by_its_interval(verdict, high, en):
    comp = {"kpi": "composite", "verdict": verdict, "n": 10, "ci_high": high, "target": 0.9, "rate": 0.85}
    with using("en"):
        assert verdict_text(comp) == en


def test_a_small_n_miss_never_reads_as_missed():
    # SPEC §8: fewer than 30 events is labelled, not judged — not "missed · small n"
    with using("en"):
        text = verdict_text({"verdict": "small_n", "n": 3, "p_value": 0.001})
    assert "Below" not in text and "Met" not in text and "×" not in text
