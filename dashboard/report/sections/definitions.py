"""The definitions page of the quarterly report (SPEC §4, §8): each KPI's rule, target and weight,
and how the composite, timeliness, statistics, CSI, complaints and costs are counted."""

from __future__ import annotations

from dashboard.i18n import t
from dashboard.report import fmt
from dashboard.report.model import Section, Table, Text
from dashboard.report.quarterly import Figures


def definitions_section(fig: Figures) -> Section:
    cfg, s = fig.settings, Section(t("rpt_sec_definitions"))
    params = {"ftf_days": cfg.windows["first_time_fix_lookback_days"], **{k: _num(v) for k, v in cfg.sla.items()}}
    rows = [
        [
            fmt.kpi_name(r),
            str(r["owner_department"]),
            "≥ " + fmt.pct(r["target"], 0),
            fmt.pct(r["weight"], 0),
            t(f"rpt_def_{r['kpi']}", **params),
        ]
        for _, r in fig.kpis.iterrows()
    ]
    s.add(
        Table(
            [t("kpi"), t("owner_department"), t("target"), t("weight"), t("rpt_definition")],
            rows,
            [2.3, 1.5, 1.0, 0.8, 6.6],
            "LLRRL",
            title=t("rpt_def_kpis"),
        )
    )
    s.add(
        Text(t("rpt_def_composite", target=fmt.pct(cfg.composite_target, 0), small_n=cfg.small_n)),
        Text(t("rpt_def_timeliness")),
        Text(t("rpt_def_statistics", alpha=cfg.significance, small_n=cfg.small_n)),
        Text(t("rpt_def_csi", lo=cfg.scale_min, hi=cfg.scale_max, threshold=cfg.satisfied_threshold)),
        Text(
            t(
                "rpt_def_complaints",
                recurrence_days=cfg.windows["recurrence_days"],
                capa_days=cfg.windows["capa_effect_days"],
            )
        ),
        Text(t("cost_note")),
    )
    return s


def _num(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)
