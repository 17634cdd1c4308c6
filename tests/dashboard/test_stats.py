"""Tests for dashboard.stats against published worked examples and independent hand computations."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from dashboard.stats import (
    below_target_test,
    capa_effect,
    composite_interval,
    funnel_flags,
    funnel_limits,
    ipa_quadrants,
    mann_kendall,
    newcombe_diff,
    p_chart,
    spearman_importance,
    western_electric,
    wilson,
)

NAN = float("nan")


# --- Wilson ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "n", "low", "high"),
    [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
)
def test_wilson_matches_newcombe_1998_table_i(x, n, low, high):
    lo, hi = wilson(x, n)
    assert lo == pytest.approx(low, abs=5e-5)
    assert hi == pytest.approx(high, abs=5e-5)


def test_wilson_endpoints_solve_the_score_equation():
    # Independent check: each bound pi solves |p - pi| = z * sqrt(pi(1-pi)/n).
    x, n, z = 37, 90, 1.959964
    p = x / n
    for pi in wilson(x, n):
        assert abs(p - pi) == pytest.approx(z * math.sqrt(pi * (1 - pi) / n), rel=1e-9)


def test_wilson_with_no_events_is_nan():
    lo, hi = wilson(0, 0)
    assert math.isnan(lo) and math.isnan(hi)


def test_wilson_all_successes_reaches_one():
    assert wilson(29, 29)[1] == 1.0


# --- below-target test ----------------------------------------------------------------------


def _lower_tail(k: int, n: int, p: float) -> float:
    return sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k + 1))


def test_below_target_p_value_is_hand_sum_of_binomial_pmf():
    res = below_target_test(80, 100, 0.9)
    assert res["p_value"] == pytest.approx(_lower_tail(80, 100, 0.9), rel=1e-9)
    assert res["verdict"] == "significant_miss"
    assert res["significant"] is True
    assert res["rate"] == 0.8 and res["n"] == 100


def test_below_target_miss_within_noise_is_not_significant():
    res = below_target_test(26, 30, 0.9)
    assert res["p_value"] == pytest.approx(_lower_tail(26, 30, 0.9), rel=1e-9)
    assert res["p_value"] > 0.05
    assert res["verdict"] == "not_significant"
    assert res["significant"] is False


def test_below_target_small_n_is_labelled_not_judged():
    res = below_target_test(5, 10, 0.9)
    assert res["p_value"] < 0.05  # would be significant ...
    assert res["verdict"] == "small_n"  # ... but fewer than 30 events is not judged
    assert res["significant"] is False


def test_below_target_exactly_small_n_events_is_judged():
    assert below_target_test(20, 30, 0.9)["verdict"] == "significant_miss"
    assert below_target_test(20, 29, 0.9)["verdict"] == "small_n"


def test_below_target_rate_at_or_above_target_is_met():
    assert below_target_test(90, 100, 0.9)["verdict"] == "met"
    assert below_target_test(3, 3, 0.9)["verdict"] == "met"


def test_below_target_no_events_is_small_n_with_nan_p():
    res = below_target_test(0, 0, 0.9)
    assert res["verdict"] == "small_n" and math.isnan(res["p_value"])


# --- p chart / Laney ------------------------------------------------------------------------


def test_p_chart_limits_match_hand_computation():
    res = p_chart([10, 20, 30], [100, 200, 100])
    pts = res["points"]
    pbar = 60 / 400
    assert res["centre"] == pytest.approx(0.15)
    s100 = math.sqrt(0.15 * 0.85 / 100)  # 0.0357071
    s200 = math.sqrt(0.15 * 0.85 / 200)  # 0.0252488
    assert pts["sigma"].tolist() == pytest.approx([s100, s200, s100])
    assert pts["ucl"].tolist() == pytest.approx([pbar + 3 * s100, pbar + 3 * s200, pbar + 3 * s100])
    assert pts["lcl"][0] == pytest.approx(0.15 - 0.1071214, abs=1e-7)
    assert pts["ucl_2"][1] == pytest.approx(0.15 + 2 * 0.0252488, abs=1e-7)
    assert pts["lcl_1"][2] == pytest.approx(0.15 - 0.0357071, abs=1e-7)
    assert pts["z"].tolist() == pytest.approx([-1.400280, -1.980295, 4.200840], abs=1e-6)
    # too few points for Laney even though sigma_z = (0.580015 + 6.181135) / 2 / 1.128 > 1
    assert res["sigma_z"] == pytest.approx((0.580015 + 6.181135) / 2 / 1.128, abs=1e-5)
    assert res["method"] == "p"


def test_p_chart_limits_are_clipped_to_unit_interval():
    pts = p_chart([1, 0, 1], [10, 10, 10])["points"]
    assert (pts["lcl"] == 0.0).all()
    assert (pts["ucl"] <= 1.0).all()


def test_p_chart_uses_laney_when_overdispersed():
    x = [100, 150] * 4
    n = [1000] * 8
    res = p_chart(x, n)
    pbar = 0.125
    s = math.sqrt(pbar * (1 - pbar) / 1000)
    z = 0.025 / s
    sigma_z = 2 * z / 1.128  # every moving range is 2z
    assert res["method"] == "laney"
    assert res["sigma_z"] == pytest.approx(sigma_z)
    pts = res["points"]
    assert pts["ucl"][0] == pytest.approx(pbar + 3 * s * sigma_z)
    assert pts["lcl_1"][0] == pytest.approx(pbar - s * sigma_z)
    assert pts["lcl"][0] == 0.0  # pbar - 3 * s * sigma_z < 0, clipped
    assert pts["z"].tolist() == pytest.approx([-z / sigma_z, z / sigma_z] * 4)


def test_p_chart_keeps_p_limits_when_not_overdispersed():
    n = [1000] * 8
    x = [125, 126, 125, 124, 125, 126, 125, 124]
    res = p_chart(x, n)
    assert res["sigma_z"] < 1
    assert res["method"] == "p"
    assert res["points"]["ucl"][0] == pytest.approx(0.125 + 3 * math.sqrt(0.125 * 0.875 / 1000))


def test_p_chart_month_without_events_has_nan_limits_and_is_skipped_in_moving_range():
    with_gap = p_chart([10, 20, 0, 30], [100, 200, 0, 100])
    without = p_chart([10, 20, 30], [100, 200, 100])
    assert with_gap["sigma_z"] == pytest.approx(without["sigma_z"])
    row = with_gap["points"].iloc[2]
    assert math.isnan(row["ucl"]) and math.isnan(row["z"]) and math.isnan(row["p"])


def test_p_chart_with_centre_zero_has_zero_z():
    res = p_chart([0, 0, 0], [10, 20, 30])
    assert res["centre"] == 0.0
    assert res["points"]["z"].tolist() == [0.0, 0.0, 0.0]
    assert (res["points"]["ucl"] == 0.0).all()


# --- Western Electric -----------------------------------------------------------------------


def test_we_rule1_point_beyond_three_sigma():
    flags = western_electric([0.0, 3.01, 0.0, 0.0, 3.0, 0.0, 0.0, -3.5])
    assert flags == [set(), {1}, set(), set(), set(), set(), set(), {1}]


def test_we_rule2_two_of_three_beyond_two_sigma_same_side():
    assert western_electric([0.0, 2.1, 0.0, 2.1]) == [set(), {2}, set(), {2}]
    assert western_electric([-2.5, -2.1]) == [{2}, {2}]


def test_we_rule2_not_triggered_when_four_apart_or_opposite_sides():
    assert western_electric([2.1, 0.0, 0.0, 2.1]) == [set()] * 4
    assert western_electric([2.1, -2.1, 0.0]) == [set()] * 3
    assert western_electric([2.0, 2.0, 2.0]) == [set()] * 3  # "beyond" is strict


def test_we_rule3_four_of_five_beyond_one_sigma_same_side():
    assert western_electric([1.1, 1.1, 0.0, 1.1, 1.1]) == [{3}, {3}, set(), {3}, {3}]


def test_we_rule3_not_triggered_by_three_of_five():
    assert western_electric([1.1, 1.1, 0.0, 0.0, 1.1, 1.1]) == [set()] * 6
    assert western_electric([1.1, 1.1, -1.1, 1.1, 0.5]) == [set()] * 5


def test_we_rule4_eight_in_a_row_on_one_side():
    assert western_electric([0.5] * 8 + [-1.0]) == [{4}] * 8 + [set()]
    assert western_electric([-0.1] * 9) == [{4}] * 9


def test_we_rule4_not_triggered_by_seven_or_a_point_on_the_centre():
    assert western_electric([0.5] * 7 + [-0.5]) == [set()] * 8
    assert western_electric([0.5] * 4 + [0.0] + [0.5] * 4) == [set()] * 9


def test_we_nan_points_are_skipped_and_runs_continue_across_them():
    flags = western_electric([0.5] * 4 + [NAN] + [0.5] * 4)
    assert flags == [{4}] * 4 + [set()] + [{4}] * 4


def test_we_rules_combine_on_one_point():
    flags = western_electric([2.5, 0.0, 2.5, 3.5])
    assert flags[3] == {1, 2}
    assert flags[0] == {2} and flags[1] == set()


def test_we_empty_input():
    assert western_electric([]) == []


# --- Mann-Kendall ---------------------------------------------------------------------------


def test_mann_kendall_matches_hand_computation_with_ties():
    # x = 3 1 4 1 5: pair signs by i: (-1 +1 -1 +1) (+1 0 +1) (-1 +1) (+1) -> S = 3
    # ties: one group of two 1s -> var = (5*4*15 - 2*1*9) / 18 = 282/18
    res = mann_kendall([3, 1, 4, 1, 5])
    assert res["n"] == 5
    assert res["s"] == 3
    assert res["var_s"] == pytest.approx(282 / 18)
    z = (3 - 1) / math.sqrt(282 / 18)
    assert res["z"] == pytest.approx(z)
    assert res["p_value"] == pytest.approx(2 * (1 - stats.norm.cdf(z)))
    assert res["tau"] == pytest.approx(3 / math.sqrt(10 * 9))
    assert res["direction"] == "none"


def test_mann_kendall_tau_equals_scipy_kendalltau():
    rng = np.random.default_rng(7)
    x = rng.integers(0, 6, size=15).astype(float)
    res = mann_kendall(x)
    assert res["tau"] == pytest.approx(stats.kendalltau(np.arange(15), x).statistic)


def test_mann_kendall_monotone_series_gives_direction():
    up = mann_kendall(list(range(10)))
    assert up["s"] == 45 and up["var_s"] == pytest.approx(125.0)
    assert up["z"] == pytest.approx(44 / math.sqrt(125))
    assert up["direction"] == "up" and up["tau"] == pytest.approx(1.0)
    assert mann_kendall(list(range(10, 0, -1)))["direction"] == "down"


def test_mann_kendall_negative_s_uses_plus_one_correction():
    res = mann_kendall([5, 4, 6, 3])  # S = -1 +1 -1 +1 -1 -1 = -2
    assert res["s"] == -2
    assert res["z"] == pytest.approx((-2 + 1) / math.sqrt(4 * 3 * 13 / 18))


def test_mann_kendall_fewer_than_three_values_not_computed():
    res = mann_kendall([0.9, NAN, 0.8])
    assert res["n"] == 2
    assert res["s"] is None and res["p_value"] is None and res["tau"] is None
    assert res["direction"] == "none"


def test_mann_kendall_all_tied():
    res = mann_kendall([0.5, 0.5, 0.5, 0.5])
    assert res["s"] == 0 and res["z"] == 0.0 and res["p_value"] == 1.0 and res["tau"] is None


# --- Funnel plot ----------------------------------------------------------------------------


def _spiegelhalter(q: float, n: int, p0: float) -> float:
    r = stats.binom.ppf(q, n, p0)
    a = (stats.binom.cdf(r, n, p0) - q) / (stats.binom.cdf(r, n, p0) - stats.binom.cdf(r - 1, n, p0))
    return min(1.0, max(0.0, (r - a) / n))


def test_funnel_limits_hand_example_n10_p_half():
    # F(1) = 11/1024, F(2) = 56/1024, pmf(2) = 45/1024: r = 2, a = (56/1024 - 0.025) / (45/1024)
    lim = funnel_limits(0.5, [10]).iloc[0]
    lower = (2 - (56 / 1024 - 0.025) / (45 / 1024)) / 10
    assert lower == pytest.approx(0.1324444, abs=1e-7)
    assert lim["lower_95"] == pytest.approx(lower)
    assert lim["upper_95"] == pytest.approx(1 - lower)  # mirror image: same formula on failures


def test_funnel_limits_match_interpolated_binom_ppf():
    ns = [5, 20, 57, 300, 2000]
    lim = funnel_limits(0.9, ns)
    assert list(lim.columns) == ["n", "p0", "lower_95", "upper_95", "lower_998", "upper_998"]
    for row in lim.itertuples(index=False):
        assert row.lower_95 == pytest.approx(_spiegelhalter(0.025, row.n, 0.9))
        assert row.upper_95 == pytest.approx(1 - _spiegelhalter(0.025, row.n, 0.1))
        assert row.lower_998 == pytest.approx(_spiegelhalter(0.001, row.n, 0.9))
        assert row.upper_998 == pytest.approx(1 - _spiegelhalter(0.001, row.n, 0.1))


def test_funnel_limits_do_not_depend_on_which_outcome_is_success():
    a = funnel_limits(0.83, [7, 40, 333])
    b = funnel_limits(0.17, [7, 40, 333])
    assert a["lower_95"].tolist() == pytest.approx((1 - b["upper_95"]).tolist())
    assert a["upper_998"].tolist() == pytest.approx((1 - b["lower_998"]).tolist())


def test_funnel_limits_approach_normal_for_large_n():
    lim = funnel_limits(0.3, [20000]).iloc[0]
    se = math.sqrt(0.3 * 0.7 / 20000)
    assert lim["upper_95"] == pytest.approx(0.3 + 1.959964 * se, abs=2e-4)
    assert lim["lower_998"] == pytest.approx(0.3 - 3.090232 * se, abs=2e-4)


def test_funnel_limits_are_clipped_and_nan_for_empty_units_or_unknown_p0():
    lim = funnel_limits(0.5, [1, 0])
    assert lim["lower_95"][0] == 0.0  # (0 - 0.95) / 1 clipped
    assert lim["upper_95"][0] == 1.0
    assert math.isnan(lim["upper_998"][1])
    assert funnel_limits(NAN, [10])[["lower_95", "upper_95"]].isna().all(axis=None)


def test_funnel_flags_agree_with_limits_for_every_count():
    p0 = 0.9
    for n in (1, 8, 20, 57, 200):
        lim = funnel_limits(p0, [n]).iloc[0]
        xs = list(range(n + 1))
        expected = []
        for x in xs:
            r = x / n
            expected.append(
                "above_998"
                if r > lim["upper_998"]
                else "above_95"
                if r > lim["upper_95"]
                else "below_998"
                if r < lim["lower_998"]
                else "below_95"
                if r < lim["lower_95"]
                else "within"
            )
        assert funnel_flags(xs, [n] * len(xs), p0) == expected


def test_funnel_flags_use_exact_binomial_tails():
    # n = 20, p0 = 0.9: P(R = 20) = 0.9**20 = 0.1216 -> 20/20 is within, not above
    # P(R <= 14) = 0.0113 < 0.025 -> below_95; P(R <= 15) = 0.0432 -> within
    assert 0.9**20 == pytest.approx(0.121577, abs=1e-6)
    assert _lower_tail(14, 20, 0.9) < 0.025 < _lower_tail(15, 20, 0.9)
    assert funnel_flags([20, 15, 14], [20, 20, 20], 0.9) == ["within", "within", "below_95"]
    # n = 200: 200/200 has P = 0.9**200 ~ 7e-10 -> above_998; 150/200 far below
    assert funnel_flags([200, 190, 180, 150, 0], [200, 200, 200, 200, 0], 0.9) == [
        "above_998",
        "above_95",
        "within",
        "below_998",
        None,
    ]


def test_funnel_flags_default_p0_is_pooled_rate():
    xs, ns = [45, 50, 5], [50, 100, 50]
    assert funnel_flags(xs, ns) == funnel_flags(xs, ns, 100 / 200)


# --- Newcombe difference --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "low", "high"),
    [
        (56, 70, 48, 80, 0.0524, 0.3339),
        (9, 10, 3, 10, 0.1705, 0.8090),
        (6, 7, 2, 7, 0.0582, 0.8062),
        (5, 56, 0, 29, -0.0381, 0.1926),
        (0, 10, 0, 20, -0.1611, 0.2775),
        (0, 10, 0, 10, -0.2775, 0.2775),
        (10, 10, 0, 20, 0.6791, 1.0000),
        (10, 10, 0, 10, 0.6075, 1.0000),
    ],
)
def test_newcombe_method10_matches_newcombe_1998_table_ii(x1, n1, x2, n2, low, high):
    d, lo, hi, sig = newcombe_diff(x1, n1, x2, n2)
    assert d == pytest.approx(x1 / n1 - x2 / n2)
    assert lo == pytest.approx(low, abs=5e-5)
    assert hi == pytest.approx(high, abs=5e-5)
    assert sig == (low > 0 or high < 0)


def test_newcombe_significance_means_interval_excludes_zero():
    assert newcombe_diff(56, 70, 48, 80)[3] is True
    assert newcombe_diff(5, 56, 0, 29)[3] is False


def test_newcombe_with_empty_period_is_nan():
    d, lo, hi, sig = newcombe_diff(3, 10, 0, 0)
    assert math.isnan(d) and math.isnan(lo) and math.isnan(hi) and sig is False


# --- Composite ------------------------------------------------------------------------------


def test_composite_interval_hand_arithmetic():
    rates, weights, ns = [0.9, 0.95, 0.8, 0.85], [0.25, 0.15, 0.25, 0.35], [100, 50, 200, 40]
    value, lo, hi, complete = composite_interval(rates, weights, ns)
    # 0.225 + 0.1425 + 0.2 + 0.2975
    assert value == pytest.approx(0.865)
    var = (
        0.0625 * 0.09 / 100 + 0.0225 * 0.0475 / 50 + 0.0625 * 0.16 / 200 + 0.1225 * 0.1275 / 40
    )  # = 0.000056250 + 0.000021375 + 0.00005 + 0.000390469
    assert var == pytest.approx(0.000518094, abs=1e-9)
    assert lo == pytest.approx(0.865 - 1.959964 * math.sqrt(var))
    assert hi == pytest.approx(0.865 + 1.959964 * math.sqrt(var))
    assert complete is True


def test_composite_rescales_weights_when_a_kpi_has_no_events():
    value, lo, hi, complete = composite_interval([0.9, NAN, 0.8], [0.25, 0.15, 0.25], [100, 0, 100])
    assert value == pytest.approx(0.5 * 0.9 + 0.5 * 0.8)
    se = math.sqrt(0.25 * 0.09 / 100 + 0.25 * 0.16 / 100)
    assert hi == pytest.approx(0.85 + 1.959964 * se)
    assert complete is False


def test_composite_ignores_zero_weight_kpis_for_completeness():
    value, _, _, complete = composite_interval([0.9, 0.1], [1.0, 0.0], [100, 0])
    assert value == pytest.approx(0.9) and complete is True


def test_composite_interval_clipped_to_one():
    _, _, hi, _ = composite_interval([1.0, 0.99], [0.5, 0.5], [5, 5])
    assert hi == 1.0


def test_composite_with_no_events_is_nan():
    value, lo, hi, complete = composite_interval([NAN], [1.0], [0])
    assert math.isnan(value) and complete is False


# --- Key drivers ----------------------------------------------------------------------------


def _survey() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "overall": [5, 4, 3, 2, 1, 5, 4, None],
            "speed": [5, 4, 3, 2, 1, 4, None, 3],  # tracks overall closely
            "price": [1, 2, 3, 4, 5, 2, 3, 3],  # against overall
            "manner": [4, 4, 4, 4, 4, 4, 4, 4],  # constant -> no correlation
        }
    )


def test_spearman_importance_pairwise_complete_and_matches_scipy():
    df = _survey()
    out = spearman_importance(df, ["speed", "price", "manner"], "overall")
    assert out["item"].tolist() == ["speed", "price", "manner"]
    speed = out.iloc[0]
    pair = df[["speed", "overall"]].dropna()
    ref = stats.spearmanr(pair["speed"], pair["overall"])
    assert speed["n"] == 6
    assert speed["importance"] == pytest.approx(ref.statistic)
    assert speed["p_value"] == pytest.approx(ref.pvalue)
    assert speed["performance"] == pytest.approx(np.mean([5, 4, 3, 2, 1, 4, 3]))
    assert out.iloc[1]["n"] == 7 and out.iloc[1]["importance"] < 0
    manner = out.iloc[2]
    assert math.isnan(manner["importance"]) and manner["performance"] == 4.0


def test_ipa_quadrants_mark_high_importance_low_performance_as_fix():
    df = pd.DataFrame(
        {
            "item": ["a", "b", "c", "d", "e"],
            "importance": [0.8, 0.7, 0.2, 0.1, NAN],
            "p_value": [0.01] * 5,
            "n": [50] * 5,
            "performance": [3.0, 4.5, 3.2, 4.4, 4.0],
        }
    )
    # medians over a-d: importance 0.45, performance 3.8
    out = ipa_quadrants(df)
    assert out["quadrant"].tolist() == ["fix", "keep_up", "low_priority", "possible_overkill", None]
    assert out["high_importance"].tolist() == [True, True, False, False, False]


# --- CAPA effect ----------------------------------------------------------------------------


def test_capa_effect_p_value_is_hand_binomial_tail():
    # 12 before, 2 after, equal 90-day windows: P(X <= 2 | 14, 0.5) = (1 + 14 + 91) / 2**14
    res = capa_effect(12, 2, 90, 90)
    assert res["p_value"] == pytest.approx(106 / 16384)
    assert res["rate_ratio"] == pytest.approx(2 / 12)
    assert res["verdict"] == "effective"
    assert res["ratio_low"] < res["rate_ratio"] < res["ratio_high"]


def test_capa_effect_unequal_windows_use_time_share():
    # after window 60 days of 150: share 0.4; P(X <= 3 | 10, 0.4)
    res = capa_effect(7, 3, 90, 60)
    assert res["p_value"] == pytest.approx(_lower_tail(3, 10, 0.4))
    assert res["rate_ratio"] == pytest.approx((3 / 60) / (7 / 90))
    assert res["verdict"] == "not_shown"


def test_capa_effect_too_few_complaints():
    res = capa_effect(3, 0, 90, 90)
    assert res["verdict"] == "too_few"
    assert res["p_value"] == pytest.approx(0.125)
    assert capa_effect(0, 0, 90, 90)["verdict"] == "too_few"


def test_capa_effect_ratio_interval_from_clopper_pearson_split():
    res = capa_effect(12, 2, 90, 90)
    ci = stats.binomtest(2, 14, 0.5).proportion_ci(0.95, method="exact")
    assert res["ratio_low"] == pytest.approx(ci.low / (1 - ci.low))
    assert res["ratio_high"] == pytest.approx(ci.high / (1 - ci.high))


def test_capa_effect_no_complaints_before_gives_infinite_ratio():
    res = capa_effect(0, 6, 90, 90)
    assert res["rate_ratio"] == math.inf and res["verdict"] == "not_shown"
