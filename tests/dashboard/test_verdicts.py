"""Texts the pages build from a KPI row: the verdict of a miss with its p-value."""

from dashboard.i18n import using
from dashboard.ui import p_phrase, verdict_text


def test_a_tiny_p_value_reads_below_one_in_a_thousand_not_zero():
    assert p_phrase(0.0000123) == "p < 0.001"
    assert p_phrase(0.001) == "p = 0.001"
    assert p_phrase(0.02849) == "p = 0.028"
    assert p_phrase(float("nan")) == "p = —"


def test_verdict_of_a_significant_miss_carries_its_p_value():
    row = {"verdict": "significant_miss", "p_value": 2.5e-9}
    with using("en"):
        assert verdict_text(row) == "✗ Missed · Significantly below target (p < 0.001)"
    row = {"verdict": "not_significant", "p_value": 0.3114}
    with using("zh"):
        assert verdict_text(row) == "✗ 未达标 · 未显著低于目标（可能是波动） (p = 0.311)"
