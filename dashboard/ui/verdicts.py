"""Rates against their targets (SPEC §4, §8): rate rows with their Wilson interval and the
below-target test's verdict, the composite with its MOVER interval and verdict, the change from a
previous period, and the one function that words a verdict for the cards, tables and reports.
No Streamlit here."""

from __future__ import annotations

import pandas as pd

from dashboard import stats
from dashboard.i18n import t
from dashboard.ui.text import missing, p_phrase, p_value, pct
from pipelines.settings import load_settings

SETTINGS = load_settings()
LANEY_MIN_MONTHS = 6  # stats.p_chart's laney_min_points


def with_rates(df: pd.DataFrame) -> pd.DataFrame:
    """Add rate, ci_low, ci_high, met, p_value and verdict (SPEC §8) to rows of successes / n / target."""
    out = df.copy()
    if out.empty:
        for col in ("rate", "ci_low", "ci_high", "met", "p_value", "verdict"):
            out[col] = []
        return out
    out["rate"] = out["successes"] / out["n"]
    bounds = [stats.wilson(int(s), int(n)) for s, n in zip(out["successes"], out["n"], strict=True)]
    out["ci_low"] = [b[0] for b in bounds]
    out["ci_high"] = [b[1] for b in bounds]
    out["met"] = out["rate"] >= out["target"]
    tests = [
        stats.below_target_test(int(s), int(n), float(tg), SETTINGS.significance, SETTINGS.small_n)
        for s, n, tg in zip(out["successes"], out["n"], out["target"], strict=True)
    ]
    out["p_value"] = [r["p_value"] for r in tests]
    out["verdict"] = [r["verdict"] for r in tests]
    return out


def holm_verdicts(rows: pd.DataFrame) -> pd.DataFrame:
    """The verdicts of a family of KPI rows (e.g. the KPIs of one department) with their p-values
    Holm-adjusted across the rows that are judged (n ≥ small n): p_value becomes the adjusted p,
    holm = True, and a miss is significant when the adjusted p < the significance level."""
    out = rows.copy()
    judged = out["verdict"].isin(("met", "significant_miss", "not_significant"))
    out["holm"] = judged
    if judged.any():
        adjusted = stats.holm(list(out.loc[judged, "p_value"]))
        out.loc[judged, "p_value"] = adjusted
        out.loc[judged, "verdict"] = [
            stats.miss_verdict(r, n, p < SETTINGS.significance, tg, SETTINGS.small_n)
            for r, n, p, tg in zip(
                out.loc[judged, "rate"], out.loc[judged, "n"], adjusted, out.loc[judged, "target"], strict=True
            )
        ]
    return out


def composite(rates: pd.DataFrame) -> dict:
    """Composite service satisfaction of one period from its KPI rows (successes, n, weight): the
    MOVER interval and the weights rescaled when a weighted KPI has no events (stats.composite_interval,
    the twin of the warehouse's macro), its verdict (stats.composite_test) and met."""
    present = rates[rates["weight"] > 0].set_index("kpi")
    # every configured weighted KPI; one without events in the period enters with n = 0 (the
    # composite is then incomplete and not judged)
    weights = {k: v.weight for k, v in SETTINGS.kpis.items() if v.weight > 0}
    weights.update(present["weight"].astype(float).to_dict())
    kpis = sorted(weights)
    comp = stats.composite_interval(
        [float(present.loc[k, "successes"]) if k in present.index else 0.0 for k in kpis],
        [float(present.loc[k, "n"]) if k in present.index else 0.0 for k in kpis],
        [weights[k] for k in kpis],
        small_n=SETTINGS.small_n,
    )
    target = SETTINGS.composite_target
    comp.update(
        kpi="composite",
        target=target,
        n=comp["smallest_n"],
        met=comp["rate"] >= target if comp["rate"] == comp["rate"] else None,
        verdict=stats.composite_test(comp, target, SETTINGS.small_n),
        p_value=float("nan"),
    )
    return comp


def change(row, prev) -> dict:
    """The change of a rate (or the composite) from the previous period's: difference with its 95%
    interval (Newcombe's for two rates, the same MOVER construction for two composites) and whether
    it is significant. All nan when either period has no rate."""
    if prev is None or missing(prev.get("rate")) or missing(row.get("rate")):
        return {"diff": float("nan"), "diff_low": float("nan"), "diff_high": float("nan"), "diff_sig": False}
    d, low, high, sig = stats.mover_difference(
        float(row["rate"]),
        float(row["ci_low"]),
        float(row["ci_high"]),
        float(prev["rate"]),
        float(prev["ci_low"]),
        float(prev["ci_high"]),
    )
    return {"diff": d, "diff_low": low, "diff_high": high, "diff_sig": sig}


def verdict_text(row) -> str:
    """The verdict of a rate or of the composite, worded (SPEC §8): met; below target and
    significant (p, n); below target, not significant (p, n); too few events to judge (n < 30); no
    events. The composite's significance is its MOVER interval's upper bound against the target.
    A row with holm = True carries a Holm-adjusted p. Cards, tables, the PDF and the PPTX use this."""
    verdict = row.get("verdict")
    n = row.get("n")
    n_text = "—" if missing(n) else f"{int(n):,}"
    if verdict in (None, "no_events") or (isinstance(verdict, float) and missing(verdict)):
        return t("verdict_no_events")
    if verdict == "met":
        return t("verdict_met")
    if row.get("kpi") == "composite":
        if verdict == "small_n":
            return t("verdict_comp_small_n", n=n_text, min=SETTINGS.small_n)
        return t(f"verdict_comp_{verdict}", high=pct(row["ci_high"]), target=pct(row["target"], 0))
    if verdict == "small_n":
        return t("verdict_small_n", n=n_text, min=SETTINGS.small_n)
    p = p_phrase(row.get("p_value"))
    holm = row.get("holm")
    if not missing(holm) and bool(holm):
        p = p.replace("p ", t("p_holm") + " ", 1)
    return t(f"verdict_{verdict}", p=p, n=n_text)


def control_note(chart: dict) -> str:
    """What a control chart says about its method (SPEC §8): p-chart or Laney p′, by the chi-squared
    dispersion test of the months about the centre line (stats.p_chart)."""
    test = chart["dispersion"]
    if missing(test["p_value"]):
        return t("trend_few_note")
    p, sigma_z = p_value(test["p_value"]), f"{chart['sigma_z']:.2f}"
    if chart["method"] == "laney":
        return t("trend_laney_note", p=p, sigma_z=sigma_z)
    if test["p_value"] < SETTINGS.significance:  # overdispersed, but Laney would not widen the limits
        return t("trend_p_kept_note", p=p, months=LANEY_MIN_MONTHS, sigma_z=sigma_z)
    return t("trend_p_note", p=p)


def interval(row) -> str:
    return f"{pct(row['ci_low'])} – {pct(row['ci_high'])}"


def change_text(ch: dict) -> str:
    """'+1.2 pp [−3.0, +5.1] · change not significant', or '—' without a previous rate."""
    if missing(ch["diff"]):
        return "—"
    return f"{ch['diff'] * 100:+.1f} pp [{ch['diff_low'] * 100:+.1f}, {ch['diff_high'] * 100:+.1f}] · " + t(
        "change_significant" if ch["diff_sig"] else "change_not_significant"
    )


def rate_sentence(key: str, row, **extra) -> str:
    """A one-line rate statement (value, target, interval, n, verdict) through translation `key`."""
    return t(
        key,
        rate=pct(row["rate"]),
        target=pct(row["target"], 0),
        low=pct(row["ci_low"]),
        high=pct(row["ci_high"]),
        n=f"{int(row['n']):,}",
        verdict=verdict_text(row),
        **extra,
    )
