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
    composite_test,
    funnel_flags,
    funnel_limits,
    holm,
    ipa_quadrants,
    mann_kendall,
    mover_difference,
    newcombe_diff,
    overdispersion,
    p_chart,
    spearman_importance,
    standardized,
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
    x, n, z = 37, 90, 1.959963984540054  # the quantile wilson uses
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
    assert below_target_test(30, 30, 0.9)["verdict"] == "met"


def test_a_rate_on_fewer_than_30_events_is_not_judged_even_when_at_target():
    # 3 of 3 reads 100 % ≥ 90 %, but three events say nothing: "too few to judge", not "met"
    assert below_target_test(3, 3, 0.9)["verdict"] == "small_n"


def test_below_target_no_events_has_no_verdict_and_nan_p():
    res = below_target_test(0, 0, 0.9)
    assert res["verdict"] == "no_events" and math.isnan(res["p_value"])


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


def test_p_chart_in_control_series_keeps_p_limits_although_sigma_z_exceeds_one():
    # six months of 200 events, 20 24 18 22 16 20 successes: p̄ = 120/1200 = .1, n·p̄(1 − p̄) = 18
    # X² = (0 + 16 + 4 + 4 + 16 + 0)/18 = 2.2222 on 5 df; p = erfc(√(x/2)) + √(2x/π)·e^(−x/2)·(1 + x/3) = .8176
    # z = (x − 20)/√18 = 0, .9428, −.4714, .4714, −.9428, 0; σz = (.9428 + 1.4142 + .9428 + 1.4142
    #   + .9428)/5/1.128 = 1.0030 > 1 — the old rule would have switched to Laney on it
    res = p_chart([20, 24, 18, 22, 16, 20], [200] * 6)
    assert res["dispersion"]["statistic"] == pytest.approx(2.222222, abs=1e-6)
    assert res["dispersion"]["df"] == 5
    assert res["dispersion"]["p_value"] == pytest.approx(0.817620, abs=1e-6)
    assert res["sigma_z"] == pytest.approx(1.002988, abs=1e-6)
    assert res["method"] == "p"


def test_p_chart_overdispersed_series_switches_to_laney():
    # 10 30 12 28 8 32 of 200 each: p̄ = .1; X² = (100 + 100 + 64 + 64 + 144 + 144)/18 = 34.2222 on
    # 5 df, p = 2.15e-6 < .05; z = −2.357, 2.357, −1.886, 1.886, −2.828, 2.828;
    # σz = (4.714 + 4.243 + 3.771 + 4.714 + 5.657)/5/1.128 = 4.0955
    res = p_chart([10, 30, 12, 28, 8, 32], [200] * 6)
    assert res["dispersion"]["statistic"] == pytest.approx(34.222222, abs=1e-6)
    assert res["dispersion"]["p_value"] == pytest.approx(2.15035e-6, rel=1e-4)
    assert res["sigma_z"] == pytest.approx(4.0955, abs=1e-4)
    assert res["method"] == "laney"
    assert res["points"]["ucl"][0] == pytest.approx(0.1 + 3 * math.sqrt(0.1 * 0.9 / 200) * 4.095536, abs=1e-6)


def test_laney_switch_fires_on_about_five_percent_of_in_control_series():
    # binomial months at a constant rate are in control: the dispersion test at .05 switches on
    # about 5 % of them (σz > 1 did on 45–48 %); 2000 series of 12 months, n = 300, p = .9
    rng = np.random.default_rng(17)
    n = np.full(12, 300)
    switched = sum(p_chart(rng.binomial(300, 0.9, 12), n)["method"] == "laney" for _ in range(2000))
    assert 0.025 < switched / 2000 < 0.065


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


def test_we_rule2_flags_the_point_that_completes_two_of_three_beyond_two_sigma():
    # the window 2.1, 0, 2.1 is complete at its last point; the first 2.1 completed nothing yet
    assert western_electric([0.0, 2.1, 0.0, 2.1]) == [set(), set(), set(), {2}]
    assert western_electric([-2.5, -2.1]) == [set(), {2}]


def test_we_rule2_not_triggered_when_four_apart_or_opposite_sides():
    assert western_electric([2.1, 0.0, 0.0, 2.1]) == [set()] * 4
    assert western_electric([2.1, -2.1, 0.0]) == [set()] * 3
    assert western_electric([2.0, 2.0, 2.0]) == [set()] * 3  # "beyond" is strict


def test_we_rule3_flags_the_point_that_completes_four_of_five_beyond_one_sigma():
    assert western_electric([1.1, 1.1, 0.0, 1.1, 1.1]) == [set(), set(), set(), set(), {3}]
    # a sixth point beyond 1σ completes the window 1.1, 0, 1.1, 1.1, 1.1 too
    assert western_electric([1.1, 1.1, 0.0, 1.1, 1.1, 1.1])[4:] == [{3}, {3}]


def test_we_rule3_not_triggered_by_three_of_five():
    assert western_electric([1.1, 1.1, 0.0, 0.0, 1.1, 1.1]) == [set()] * 6
    assert western_electric([1.1, 1.1, -1.1, 1.1, 0.5]) == [set()] * 5


def test_we_rule4_flags_the_eighth_point_of_a_run_and_each_that_extends_it():
    assert western_electric([0.5] * 8 + [-1.0]) == [set()] * 7 + [{4}, set()]
    assert western_electric([-0.1] * 9) == [set()] * 7 + [{4}, {4}]


def test_we_rule4_not_triggered_by_seven_or_a_point_on_the_centre():
    assert western_electric([0.5] * 7 + [-0.5]) == [set()] * 8
    assert western_electric([0.5] * 4 + [0.0] + [0.5] * 4) == [set()] * 9


def test_we_nan_points_are_skipped_and_runs_continue_across_them():
    flags = western_electric([0.5] * 4 + [NAN] + [0.5] * 4)
    assert flags == [set()] * 8 + [{4}]  # the eighth month with data completes the run


def test_we_rules_combine_on_one_point():
    # 2.5, 0, 2.5 completes rule 2 at the third point; 0, 2.5, 3.5 again at the fourth, beyond 3σ too
    flags = western_electric([2.5, 0.0, 2.5, 3.5])
    assert flags == [set(), set(), {2}, {1, 2}]


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


def test_composite_mover_interval_on_a_worked_quarter_with_a_kpi_at_zero_of_one():
    # first-time fix 45/50, quotes 10/10, repairs 48/50, complaint handling 0/1; weights .25/.15/.25/.35
    # C = .25·.9 + .15·1 + .25·.96 + .35·0 = .615
    # Wilson (z = 1.959964, z² = 3.841459): 45/50 → [.786398, .956524]; 10/10 → [.722467, 1];
    #   48/50 → [.865399, .988961]; 0/1 → [0, (z²/2 + z·z/2)/(1 + z²) = 3.841459/4.841459 = .793451]
    # L = .615 − √(.0625·.113602² + .0225·.277533² + .0625·.094601² + .1225·0²)
    #   = .615 − √(.00080659 + .00173306 + .00055932) = .615 − .055669 = .559331
    # U = .615 + √(.0625·.056524² + .0225·0² + .0625·.028961² + .1225·.793451²)
    #   = .615 + √(.00019969 + .00005242 + .07712159) = .615 + .278161 = .893161
    # (the delta method gave .615 ± 1.96·√.0001605 = .590–.640: no width for the 0/1 KPI)
    comp = composite_interval([45, 10, 48, 0], [50, 10, 50, 1], [0.25, 0.15, 0.25, 0.35])
    assert comp["rate"] == pytest.approx(0.615, abs=1e-12)
    assert comp["ci_low"] == pytest.approx(0.559331, abs=2e-6)
    assert comp["ci_high"] == pytest.approx(0.893161, abs=2e-6)
    assert comp["complete"] is True
    assert (comp["smallest_n"], comp["small_n"]) == (1, True)
    # small n: no verdict, although U = 89.3 % < 90 % would call it significantly below target
    assert composite_test(comp, 0.9) == "small_n"


def test_composite_is_significantly_below_target_when_its_upper_bound_is():
    # two KPIs of weight .5: 70/100 and 80/100 → C = .75
    # Wilson (denominator 1 + z²/100 = 1.038415): 70/100 → centre .719207/1.038415 = .692601,
    #   half 1.959964·√(.0021 + .000096)/1.038415 = .088449 → [.604152, .781050];
    #   80/100 → centre .788896, half .077731 → [.711165, .866627]
    # U = .75 + √(.25·.081050² + .25·.066627²) = .75 + .5·√(.0065691 + .0044392) = .75 + .052462 = .802462 < .9
    comp = composite_interval([70, 80], [100, 100], [0.5, 0.5])
    assert comp["ci_high"] == pytest.approx(0.802462, abs=2e-6)
    assert composite_test(comp, 0.9) == "significant_miss"
    # against a target of .80 the upper bound .8025 reaches it: a miss within noise
    assert composite_test(comp, 0.80) == "not_significant"
    assert composite_test(comp, 0.75) == "met"


def test_composite_rescales_weights_when_a_kpi_has_no_events_and_is_then_small_n():
    comp = composite_interval([90, 0, 80], [100, 0, 100], [0.25, 0.15, 0.25])
    # weights .25/.25 → .5/.5: C = .5·.9 + .5·.8 = .85
    assert comp["rate"] == pytest.approx(0.85)
    assert comp["complete"] is False
    # a weighted KPI with no events has fewer than 30: not judged
    assert (comp["smallest_n"], comp["small_n"]) == (0, True)


def test_composite_ignores_zero_weight_kpis_for_completeness_and_small_n():
    comp = composite_interval([90, 1], [100, 2], [1.0, 0.0])
    assert comp["rate"] == pytest.approx(0.9) and comp["complete"] is True
    assert comp["smallest_n"] == 100 and comp["small_n"] is False


def test_composite_interval_clipped_to_one():
    # 5/5 and 5/5: C = 1, U = 1 + 0 = 1; L = 1 − √(.25·(1 − .565518)²·2) < 1
    comp = composite_interval([5, 5], [5, 5], [0.5, 0.5])
    assert comp["ci_high"] == 1.0 and comp["rate"] == 1.0
    assert comp["ci_low"] == pytest.approx(1 - math.sqrt(0.5) * (1 - 0.565518), abs=2e-6)


def test_composite_with_no_events_is_nan():
    comp = composite_interval([0], [0], [1.0])
    assert math.isnan(comp["rate"]) and comp["complete"] is False
    assert composite_test(comp, 0.9) == "no_events"


def test_mover_difference_of_two_composites():
    # 2026Q3 C = .80 [.70, .86] against 2026Q2 C = .90 [.85, .93]
    # d = −.10; low = −.10 − √(.10² + .03²) = −.10 − .104403 = −.204403
    # high = −.10 + √(.06² + .05²) = −.10 + .078102 = −.021898 → excludes 0
    d, lo, hi, sig = mover_difference(0.80, 0.70, 0.86, 0.90, 0.85, 0.93)
    assert d == pytest.approx(-0.10)
    assert lo == pytest.approx(-0.204403, abs=1e-6)
    assert hi == pytest.approx(-0.021898, abs=1e-6)
    assert sig is True


def test_funnel_overdispersion_is_the_winsorised_mean_square_z_and_widens_the_limits():
    # five units of 100 at 70 90 80 95 65 %: p0 = 400/500 = .8, se = √(.16/100) = .04
    # z = −2.5, 2.5, 0, 3.75, −3.75; the 10th / 90th percentiles (linear, of the sorted five) are
    # −3.75 + .4·1.25 = −3.25 and 2.5 + .6·1.25 = 3.25 → winsorised −2.5, 2.5, 0, 3.25, −3.25
    # φ = (6.25 + 6.25 + 0 + 10.5625 + 10.5625)/5 = 6.725; I·φ = 33.625 on 4 df:
    # p = e^(−x/2)(1 + x/2) = e^(−16.8125)·17.8125 = 8.895e-7 → the allowance applies
    x, n = [70, 90, 80, 95, 65], [100] * 5
    od = overdispersion(x, n)
    assert od["phi"] == pytest.approx(6.725)
    assert od["statistic"] == pytest.approx(33.625)
    assert od["df"] == 4
    assert od["p_value"] == pytest.approx(8.895e-7, rel=1e-3)
    assert od["applied"] is True
    # binomial limits at n = 100: 95 % [.713524, .880258]; widened by √6.725 = 2.593261:
    # lower .8 − 2.593261·.086476 = .575745, upper .8 + 2.593261·.080258 = 1.008 → 1
    limits = funnel_limits(0.8, [100], phi=od["phi"]).iloc[0]
    assert limits["lower_95"] == pytest.approx(0.575745, abs=1e-5)
    assert limits["upper_95"] == 1.0
    # on binomial limits two units are out of limits (act) and two on watch; with the allowance none
    assert funnel_flags(x, n) == ["below_95", "above_95", "within", "above_998", "below_998"]
    assert funnel_flags(x, n, phi=od["phi"]) == ["within"] * 5


def test_funnel_overdispersion_not_applied_to_a_binomial_spread():
    # 78 81 80 82 79 of 100: z = −.5, .25, 0, .5, −.25 → φ well below 1
    od = overdispersion([78, 81, 80, 82, 79], [100] * 5)
    assert od["phi"] < 1 and od["applied"] is False


def test_units_are_ordered_by_their_standardised_distance():
    # p0 = .8, se = .04 at n = 100: 70 % is 2.5 se below, 95 % 3.75 above
    z = standardized([70, 95], [100, 100], 0.8)
    assert z == pytest.approx([-2.5, 3.75])
    assert standardized([70], [100], 0.8, phi=6.25) == pytest.approx([-1.0])  # se·√6.25 = .1


def test_holm_adjusts_three_p_values_step_down():
    # sorted .01, .03, .04 → 3·.01 = .03, 2·.03 = .06, max(.06, 1·.04) = .06; back in input order
    assert holm([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    # at .05 only the first stays significant, though all three raw p-values are below .05
    assert [p < 0.05 for p in holm([0.01, 0.04, 0.03])] == [True, False, False]
    assert holm([0.2, NAN]) == pytest.approx([0.2, NAN], nan_ok=True)  # nan does not count in m


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
    assert res["rate_ratio"] < res["ratio_high"] < 1


def test_capa_effect_upper_bound_solves_the_one_sided_tail():
    # the one-sided 95 % bound π_U of the after-share solves P(X ≤ 2 | 14, π_U) = .05 (Clopper–Pearson)
    res = capa_effect(12, 2, 90, 90)
    pi_u = res["ratio_high"] / (1 + res["ratio_high"])
    assert _lower_tail(2, 14, pi_u) == pytest.approx(0.05, abs=1e-9)


def test_capa_effect_five_before_none_after_is_effective_and_four_is_too_few():
    # 5 vs 0: p = .5^5 = .03125; (1 − π_U)^5 = .05 → π_U = 1 − .05^(1/5) = .450720, bound .450720/.549280 = .820564
    five = capa_effect(5, 0, 90, 90)
    assert five["p_value"] == pytest.approx(0.03125)
    assert five["ratio_high"] == pytest.approx(0.820564, abs=1e-6)
    assert five["verdict"] == "effective"
    # 4 vs 0: even no complaint after gives p = .5^4 = .0625 ≥ .05; π_U = 1 − .05^(1/4) = .527129 → 1.114743
    four = capa_effect(4, 0, 90, 90)
    assert four["ratio_high"] == pytest.approx(1.114743, abs=1e-6)
    assert four["verdict"] == "too_few"


def test_effective_never_stands_beside_a_bound_at_or_above_one():
    # 9 vs 2: one-sided p = (1 + 11 + 55)/2^11 = 67/2048 = .0327 → effective; the two-sided 95 %
    # interval's upper end (the .975 quantile) lies above 1, the one-sided bound (the .95 quantile) below
    res = capa_effect(9, 2, 90, 90)
    assert res["p_value"] == pytest.approx(67 / 2048)
    two_sided = stats.binomtest(2, 11).proportion_ci(0.95, method="exact").high
    assert two_sided / (1 - two_sided) > 1 > res["ratio_high"]
    assert res["verdict"] == "effective"
    for before in range(0, 16):
        for after in range(0, 16):
            r = capa_effect(before, after, 90, 60)
            assert (r["verdict"] == "effective") == (r["p_value"] < 0.05) == (r["ratio_high"] < 1), (before, after)


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


def test_recorded_effective_with_a_recurrence_is_flagged():
    from dashboard.stats.capa import disagreement

    assert disagreement(True, "not_shown", 1) == "recurred"
    assert disagreement(True, "effective", 0) is None
    assert disagreement(False, "effective", 0) == "unrecorded"
    assert disagreement(None, "effective", 0) is None
    assert disagreement(True, "pending", 2) is None


def test_capa_effect_no_complaints_before_gives_infinite_ratio():
    res = capa_effect(0, 6, 90, 90)
    assert res["rate_ratio"] == math.inf and res["verdict"] == "not_shown"
