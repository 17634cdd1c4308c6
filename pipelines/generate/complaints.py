"""Complaints: some after late or repeated repairs, others not tied to a ticket; root causes and CAPA."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..contract import CHANNELS, ENUMS
from . import world
from .arrays import DAY, HOUR, blank, booleans, decimals, ids, join, labels, masked, office, timestamps
from .tickets import customer_ids, ticket_ids
from .world import EXPORT_END, centre_param

COMPLAINT_CATEGORIES = ["product_quality", "service", "delivery", "suggestion", "other"]
COMPLAINT_TEXT = {
    "product_quality": [
        "设备频繁停机，质量不稳定",
        "新机到厂一个月即出现故障",
        "关键部件寿命明显偏短",
        "精度达不到合同要求",
    ],
    "service": ["维修人员迟迟未到现场", "同一故障多次维修未解决", "服务人员态度差", "报价时间太长"],
    "delivery": ["备件发错型号", "设备到货外包装破损", "交货延期两周", "随机资料缺失"],
    "suggestion": ["建议增加远程诊断功能", "建议提供操作培训视频", "建议缩短备件供货周期"],
    "other": ["发票开具错误", "合同条款有异议", "对收费标准有疑问"],
}
# root cause mix within a complaint category (weights; ids outside the configured taxonomy are dropped)
ROOT_CAUSE_MIX = {
    "product_quality": {
        "manufacturing": 45,
        "assembly": 20,
        "supplier": 12,
        "material": 8,
        "design": 8,
        "customer_misuse": 6,
        "other": 1,
    },
    "service": {"response_delay": 65, "service_attitude": 22, "customer_misuse": 8, "other": 5},
    "delivery": {"logistics": 80, "supplier": 12, "other": 8},
    "suggestion": {"design": 60, "other": 40},
    "other": {"other": 60, "customer_misuse": 40},
}
DEPARTMENT_OF_CAUSE = {
    "design": "技术部",
    "manufacturing": "生产部",
    "assembly": "生产部",
    "material": "品控中心",
    "supplier": "采购部",
    "logistics": "业务部",
    "service_attitude": "售后服务部",
    "response_delay": "售后服务部",
    "customer_misuse": "售后服务部",
    "other": "品控中心",
}
# follow-up satisfied probability by responsible department (complaint handling satisfaction, SPEC §4)
DEPARTMENT_SATISFIED = {
    "售后服务部": 0.86,
    "技术部": 0.93,
    "生产部": 0.90,
    "采购部": 0.94,
    "业务部": 0.95,
    "品控中心": 0.91,
}
CAUSE_TEXT = {
    "design": "结构设计余量不足",
    "manufacturing": "加工工序未按工艺执行",
    "assembly": "装配扭矩不足导致松动",
    "material": "原材料批次硬度不合格",
    "supplier": "外购件供应商来料不良",
    "logistics": "物流包装防护不足",
    "service_attitude": "服务人员沟通方式不当",
    "response_delay": "网点人员不足，派工延迟",
    "customer_misuse": "客户未按说明书操作",
    "other": "其他原因",
}
CAPA_TEXT = {
    "design": "修改设计图纸并验证",
    "manufacturing": "修订作业指导书并培训操作工",
    "assembly": "增加扭矩复检工序",
    "material": "加严来料检验",
    "supplier": "对供应商发出8D整改要求",
    "logistics": "改进包装方案",
    "service_attitude": "开展服务礼仪培训",
    "response_delay": "增补网点人员并优化派工规则",
    "customer_misuse": "向客户提供操作培训",
    "other": "跟踪改进",
}


def _choose(u, probs):
    """Vectorised categorical draw: row i takes the first code whose cumulative probability exceeds u[i]."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((u[:, None] > cum).sum(axis=1), probs.shape[1] - 1)


def complaints(rng, state, settings):
    """Complaints: ~1 % of tickets, more after late or repeated repairs, plus ones not tied to a ticket."""
    bad_service = state.late | ((state.ttype == 0) & ~state.ftf)
    received_l = office(
        np.floor(state.rep + (1 + 14 * rng.random(state.n)) * DAY), state.rep + HOUR, np.inf, rng.random(state.n)
    )
    p = 0.009 + 0.05 * state.late + 0.06 * ((state.ttype == 0) & ~state.ftf)
    linked = np.flatnonzero(~state.cancelled & (rng.random(state.n) < p) & (received_l < EXPORT_END))
    m_u = rng.binomial(state.n, 0.009)
    day = rng.choice(len(state.day_weight), m_u, p=state.day_weight)
    received_u = state.t_start + day * DAY + np.floor(rng.uniform(8 * HOUR, 18 * HOUR, m_u))
    unit = rng.integers(0, len(state.unit_cust), m_u)
    m = len(linked) + m_u
    received = np.r_[received_l[linked], received_u]
    is_linked = np.r_[np.ones(len(linked), bool), np.zeros(m_u, bool)]
    cust = np.r_[state.customer[linked], state.unit_cust[unit]]
    line = np.r_[state.line[linked], state.unit_line[unit]]
    model = np.r_[state.model[linked], state.unit_model[unit]]
    centre = state.cust_centre[cust]
    bad = np.r_[bad_service[linked], np.zeros(m_u, bool)]
    late_ticket = np.r_[state.late[linked], np.zeros(m_u, bool)]

    cats = COMPLAINT_CATEGORIES
    probs = np.select(
        [bad[:, None], is_linked[:, None]],
        [np.array([[0.40, 0.60, 0.0, 0.0, 0.0]]), np.array([[0.65, 0.20, 0.05, 0.0, 0.10]])],
        np.array([[0.45, 0.08, 0.27, 0.12, 0.08]]),
    )
    category = _choose(rng.random(m), probs)
    roots = list(settings.root_causes)
    mix = np.array([[ROOT_CAUSE_MIX[c].get(r, 0) for r in roots] for c in cats], float)
    pareto = 1.0 / np.arange(1, len(roots) + 1)
    mix[mix.sum(axis=1) == 0] = pareto
    root = _choose(rng.random(m), mix[category])
    recent = received > EXPORT_END - 10 * DAY
    root = np.where((rng.random(m) < 0.04) | (recent & (rng.random(m) < 0.6)), -1, root)
    root_name = np.array(roots + [""], dtype=object)[root]
    misuse, suggestion = root_name == "customer_misuse", category == cats.index("suggestion")
    justified = np.where(misuse | suggestion, 0, (rng.random(m) < 0.85).astype(int))
    justified = np.where(rng.random(m) < 0.03, -1, justified)
    severity = np.where(suggestion, 0, rng.choice(3, m, p=[0.33, 0.59, 0.08]))
    depts = sorted(set(DEPARTMENT_SATISFIED))
    dept = np.array([depts.index(DEPARTMENT_OF_CAUSE.get(r, "品控中心")) if r else -1 for r in roots + [""]])[root]
    channels = list(CHANNELS)
    channel = rng.choice(len(channels), m, p=[0.45, 0.20, 0.0, 0.15, 0.07, 0.08, 0.0, 0.05])

    ack = received + np.clip(np.floor(rng.exponential(3 * HOUR, m)), 300.0, 6 * HOUR)
    days = np.where(severity == 2, min(5.0, settings.sla["complaint_days"]), settings.sla["complaint_days"])
    due = blank(received + days * DAY, rng.random(m) < 0.05)
    slip = is_linked & (centre_param("on_time", centre, received) < 0.9)
    dept_label = np.array(depts + [""], dtype=object)[dept]
    on = rng.random(m) < np.where(slip, 0.70, np.where(dept_label == "售后服务部", 0.88, 0.93))
    res = np.where(
        on,
        received + (0.3 + (days - 1.8) * rng.beta(1.5, 2.5, m)) * DAY,
        received + (days + 0.2 + rng.exponential(4.0, m)) * DAY,
    )
    res = blank(np.floor(res), rng.random(m) < 0.02)
    res = office(res, ack + 600, np.where(res <= due, due, np.inf), rng.random(m))
    closed = np.floor(res + (0.05 + 0.95 * rng.random(m)) * DAY)
    closed = office(closed, res + 600, np.where(closed <= due, due, np.inf), rng.random(m))
    internal = (root >= 0) & ~misuse & (root_name != "other")
    has_capa = (justified == 1) & (severity > 0) & internal & (rng.random(m) < 0.85)
    capa_due = blank(np.floor(received / DAY) * DAY + np.where(severity == 2, 15, 30) * DAY + 18 * HOUR, ~has_capa)
    r = rng.random(m)
    capa_done = np.where(
        r < 0.82,
        received + (3 + (capa_due - received - 3 * DAY) / DAY * rng.random(m)) * DAY,
        capa_due + (0.5 + rng.exponential(12.0, m)) * DAY,
    )
    capa_done = blank(np.floor(capa_done), ~has_capa | (r > 0.92))
    capa_done = office(capa_done, received + DAY, np.where(capa_done <= capa_due, capa_due, np.inf), rng.random(m))
    r = rng.random(m)
    verified = capa_done + 90 * DAY <= EXPORT_END
    effective = np.where(verified, np.select([r < 0.75, r < 0.87], [1, 0], -1), np.where(r < 0.25, 1, -1))
    effective = np.where(np.isnan(capa_done) | (capa_done >= EXPORT_END), -1, effective)
    r = rng.random(m)
    big = (severity == 2) & (category == 0) & (justified == 1) & (r < 0.5)
    compensation = np.where(
        big,
        np.round(8000 * np.exp(0.8 * rng.normal(0, 1, m)), -2),
        np.where(r > 0.98, np.round(500 + 1500 * rng.random(m), -1), np.nan),
    )
    basis = np.where(np.isnan(closed), res, closed)
    follow = office(np.floor(basis + (1 + 6 * rng.random(m)) * DAY), basis + HOUR, np.inf, rng.random(m))
    p_sat = np.array([DEPARTMENT_SATISFIED[d] for d in depts] + [0.90])[dept]
    p_sat = p_sat + np.where(on, 0.035, -0.12) - np.where(slip | late_ticket, 0.10, 0.0)
    r = rng.random(m)
    result = np.where(r < 0.05, 2, np.where(rng.random(m) < p_sat, 0, 1))
    result = np.where(np.isnan(follow) | (follow >= EXPORT_END), -1, result)
    follow = blank(follow, rng.random(m) < 0.05)

    order = np.argsort(received, kind="stable")
    ticket = np.r_[linked, np.full(m_u, -1)][order]
    cut = [blank(x, x >= EXPORT_END)[order] for x in (ack, res, closed, capa_done, follow)]
    desc_n = np.array([len(COMPLAINT_TEXT[c]) for c in cats])
    desc_off = np.cumsum(np.r_[0, desc_n])[:-1]
    desc = desc_off[category] + (rng.random(m) * desc_n[category]).astype(int)
    sur = np.where(has_capa, rng.integers(0, len(world.SURNAMES), m), -1)[order]
    owner = join(labels(sur, [x[0] for x in world.SURNAMES]), labels(rng.integers(0, len(world.GIVEN), m), world.GIVEN))
    return pa.table(
        {
            "complaint_id": ids("KS", np.arange(1, m + 1), max(6, len(str(m)))),
            "customer_id": customer_ids(state, cust[order]),
            "received_at": timestamps(received[order]),
            "ticket_id": masked(ticket_ids(state, np.maximum(ticket, 0)), ticket < 0),
            "channel": labels(channel[order], channels),
            "category": labels(category[order], cats),
            "severity": labels(severity[order], list(ENUMS["severity"])),
            "justified": booleans(justified[order]),
            "responsible_department": labels(dept[order], depts),
            "root_cause_category": labels(root[order], roots),
            "root_cause": labels(root[order], [CAUSE_TEXT.get(r, "待分析") for r in roots]),
            "product_line": labels(line[order], [p[0] for p in world.PRODUCTS]),
            "product_model": labels(model[order], [mm for p in world.PRODUCTS for mm, _ in p[2]]),
            "description": labels(desc[order], [t for c in cats for t in COMPLAINT_TEXT[c]]),
            "acknowledged_at": timestamps(cut[0]),
            "due_at": timestamps(due[order]),
            "resolved_at": timestamps(cut[1]),
            "closed_at": timestamps(cut[2]),
            "capa_action": labels(np.where(has_capa, root, -1)[order], [CAPA_TEXT.get(r, "跟踪改进") for r in roots]),
            "capa_owner": owner,
            "capa_due_at": timestamps(capa_due[order]),
            "capa_done_at": timestamps(cut[3]),
            "capa_effective": booleans(effective[order]),
            "compensation": decimals(compensation[order]),
            "followup_at": timestamps(cut[4]),
            "followup_result": labels(result[order], list(ENUMS["followup_result"])),
        }
    )
