"""Service tickets of the synthetic organisation, and the per-ticket state the other sources derive from."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pyarrow as pa

from . import world
from .arrays import DAY, HOUR, blank, booleans, decimals, ids, integers, join, labels, masked, office, timestamps
from .world import EXPORT_END, REPORTING_START, centre_param

# relative ticket volume by calendar month: Spring Festival dip, summer peak, National Day dip
SEASON = np.array([1.00, 0.60, 1.10, 1.05, 1.00, 1.10, 1.25, 1.25, 1.10, 0.85, 1.00, 1.05])

TICKET_TYPES = ["repair", "installation", "maintenance", "inquiry"]
TICKET_TYPE_P = [0.55, 0.18, 0.17, 0.10]
TICKET_CHANNELS = ["phone", "wechat", "web", "email", "visit", "letter", "fax", "other"]
TICKET_CHANNEL_P = [0.45, 0.25, 0.12, 0.10, 0.04, 0.01, 0.01, 0.02]

OTHER_WORK = {  # (description, cause, solution) by non-repair ticket type
    "installation": ("新设备安装调试", "", "安装调试完成，已培训操作人员"),
    "maintenance": ("年度预防性保养", "", "更换滤芯和润滑油，检查电气和安全装置"),
    "inquiry": ("咨询操作与参数设置", "", "电话远程指导解决"),
}

MODELS = [(m, prefix, li) for li, p in enumerate(world.PRODUCTS) for m, prefix in p[2]]
FAULTS = [f for p in world.PRODUCTS for f in p[3]] + [OTHER_WORK[t] for t in TICKET_TYPES[1:]]
_N_MODELS = np.array([len(p[2]) for p in world.PRODUCTS])
_N_FAULTS = np.array([len(p[3]) for p in world.PRODUCTS])
_MODEL_OFF = np.cumsum(np.r_[0, _N_MODELS])[:-1]
_FAULT_OFF = np.cumsum(np.r_[0, _N_FAULTS])[:-1]


def ticket_ids(state, idx) -> pa.Array:
    """The ticket_id of ticket rows idx (positions in the ticket table)."""
    return ids("WO", np.asarray(idx) + 1, max(6, len(str(state.n))))


def customer_ids(state, idx) -> pa.Array:
    """The customer_id of customer rows idx (positions in the customer table)."""
    return ids("C", np.asarray(idx) + 1, max(5, len(str(state.n_customers))))


# ---- tickets -------------------------------------------------------------------------------------


def _draws(rng: np.random.Generator, n: int) -> SimpleNamespace:
    """Every random number a ticket needs, drawn up front so recomputing a timeline is deterministic."""
    g = SimpleNamespace()
    for name in (
        "cancel",
        "tech",
        "prom_has",
        "prom_len",
        "ftf",
        "visits",
        "ot",
        "stuck",
        "never_close",
        "arr_missing",
        "sched",
        "warranty_empty",
        "pd",
        "local",
        "mat",
        "trans",
        "fault",
        "vc_empty",
        "rep",
        "gap",
        "sched_h",
        "office",
    ):
        setattr(g, name, rng.random(n))
    g.resp = rng.exponential(1.0, n)
    g.window = rng.beta(1.3, 2.5, n)
    for name in ("onsite", "late", "close", "travel", "material", "transport"):
        setattr(g, name, rng.normal(0, 1, n))
    return g


def _timeline(rep, centre, ttype, g, tech_off, tech_n, skill, repair_sla_h):
    t = SimpleNamespace()
    t.tech = tech_off[centre] + (g.tech * tech_n[centre]).astype(np.int64)
    mod = skill[t.tech]
    repair, inst, maint, inq = (ttype == i for i in range(4))
    t.cancelled = g.cancel < 0.02
    resp = rep + np.maximum(60.0, np.round(g.resp * centre_param("response", centre, rep) * HOUR))
    day0 = np.floor(rep / DAY) * DAY
    sched = day0 + np.floor(1 + g.sched * 10) * DAY + 9 * HOUR + np.round(g.sched_h * 2 * HOUR)
    arr = np.where(repair, rep + np.round(centre_param("onsite", centre, rep) * HOUR * np.exp(0.45 * g.onsite)), sched)
    arr = np.maximum(arr, resp + 600)
    arr = blank(arr, inq | t.cancelled | (repair & (g.arr_missing < 0.03)))
    has_prom = ~inq & (g.prom_has < np.where(repair, 0.85, 0.80))
    prom_len = np.where(g.prom_len < 0.25, 24, np.where(g.prom_len < 0.80, 48, 72)) * HOUR
    prom = np.where(repair, rep + prom_len, np.floor((np.nan_to_num(arr) + 8 * HOUR) / HOUR) * HOUR)
    prom = blank(prom, ~has_prom | np.isnan(np.where(repair, 0, arr)))
    p_ftf = centre_param("ftf", centre, rep) + mod
    t.ftf = g.ftf < p_ftf
    visits = np.where(
        repair,
        np.where(t.ftf, 1, np.where(g.visits < 0.75, 2, 3)),
        np.where(inst & (g.visits < 0.1), 2, np.where(inq, 0, 1)),
    ).astype(float)
    due = np.where(np.isnan(prom), rep + repair_sla_h * HOUR, prom)
    start = np.where(np.isnan(arr), resp, arr)
    window = due - start
    p_ot = centre_param("on_time", centre, rep) + mod + np.where(t.ftf, 0.012, -0.20)
    on_time = (g.ot < p_ot) & (window > 1800)
    res_repair = np.where(
        on_time,
        start + 900 + np.round(g.window * (window - 900)),
        due + np.maximum(600.0, np.round(16 * HOUR * np.exp(0.9 * g.late))),
    )
    res_other = np.where(
        inq,
        resp + (0.2 + 24 * g.window) * HOUR,
        start + np.where(inst, 2 + 30 * g.window, 1 + 6 * g.window) * HOUR + (visits - 1) * 30 * HOUR,
    )
    res = np.round(np.where(repair, res_repair, res_other))
    res = blank(res, t.cancelled | (g.stuck < 0.004))
    close = res + np.maximum(1800.0, np.round(20 * HOUR * np.exp(1.1 * g.close)))
    close = office(close, res + 1800, np.inf, g.office)  # the customer signs off in office hours
    close = np.where(t.cancelled, rep + np.round((1 + 47 * g.window) * HOUR), blank(close, g.never_close < 0.03))
    # the export is a snapshot at END: later events have not happened yet
    t.resp, t.arr, t.res, t.close = (blank(x, x >= EXPORT_END) for x in (resp, arr, res, close))
    t.prom, t.visits, t.due = prom, visits, due
    t.status = np.where(t.cancelled, 3, np.where(~np.isnan(t.close), 2, np.where(~np.isnan(t.res), 1, 0)))
    t.late = repair & ~t.cancelled & ~(t.res <= due)
    return t


def tickets(rng, n: int, cust, settings):
    """The ticket table and the state quotes, surveys and complaints are derived from."""
    days = int((EXPORT_END - REPORTING_START) / DAY)
    dates = np.datetime64(int(REPORTING_START), "s").astype("datetime64[D]") + np.arange(days)
    month = dates.astype("datetime64[M]").astype(np.int64) % 12
    weekday = (dates.astype(np.int64) + 3) % 7
    w = SEASON[month] * (1 + 0.08 * np.arange(days) / 365) * np.where(weekday >= 5, 0.35, 1.0)
    day = rng.choice(days, n, p=w / w.sum())
    tod = np.where(rng.random(n) < 0.85, rng.uniform(8 * HOUR, 18 * HOUR, n), rng.uniform(0, DAY, n))
    rep = REPORTING_START + day * DAY + np.floor(tod)
    ttype = rng.choice(4, n, p=TICKET_TYPE_P)
    channel = rng.choice(len(TICKET_CHANNELS), n, p=TICKET_CHANNEL_P)

    n_units = max(300, int(1.5 * n))
    unit_cust = rng.choice(cust.n, n_units, p=cust.weight)
    line_p = np.array([p[1] for p in world.PRODUCTS])
    unit_line = rng.choice(len(world.PRODUCTS), n_units, p=line_p / line_p.sum())
    unit_model = _MODEL_OFF[unit_line] + (rng.random(n_units) * _N_MODELS[unit_line]).astype(np.int64)
    years = 365 * DAY
    unit_wend = REPORTING_START + rng.uniform(-0.6, 3.2, n_units) * years  # warranty end of each unit
    unit = rng.integers(0, n_units, n)
    tech_names, tech_off, tech_n, skill = world.technicians(rng, n)
    g = _draws(rng, n)
    sla = settings.sla["repair_hours"]

    centre = cust.centre[unit_cust[unit]]
    t = _timeline(rep, centre, ttype, g, tech_off, tech_n, skill, sla)
    # explicit repeat repairs: the fix did not hold and the same unit comes back within four weeks
    parent = np.flatnonzero(
        (ttype == 0) & ~t.cancelled & ~np.isnan(t.res) & (g.rep < centre_param("repeat", centre, rep))
    )
    pool = np.flatnonzero((ttype == 0) & ~t.cancelled & (g.rep >= centre_param("repeat", centre, rep)))
    k = min(len(parent), len(pool) // 2)
    parent = parent[:k]
    child = rng.choice(pool, k, replace=False)
    new_rep = np.floor(t.res[parent] + (1 + 27 * g.gap[parent]) * DAY)
    ok = new_rep < EXPORT_END
    parent, child = parent[ok], child[ok]
    rep[child], unit[child], channel[child] = new_rep[ok], unit[parent], channel[parent]
    g.fault[child] = g.fault[parent]
    centre = cust.centre[unit_cust[unit]]
    t = _timeline(rep, centre, ttype, g, tech_off, tech_n, skill, sla)

    order = np.argsort(rep, kind="stable")
    rep, ttype, channel, unit, centre = (x[order] for x in (rep, ttype, channel, unit, centre))
    g = SimpleNamespace(**{k_: v[order] for k_, v in vars(g).items()})
    t = SimpleNamespace(**{k_: v[order] for k_, v in vars(t).items()})
    customer = unit_cust[unit]
    line = unit_line[unit]
    repair, inst, maint, inq = (ttype == i for i in range(4))
    done = (t.status == 1) | (t.status == 2)

    warranty = np.where(inst | inq, 1, (rep < unit_wend[unit]).astype(int))
    warranty = np.where(g.warranty_empty < 0.02, -1, warranty)
    pdays = np.select(
        [repair, inst, maint],
        [
            t.visits * 0.5 * (1 + (g.pd**1.8 * 3).astype(int)),
            0.5 * (2 + (g.pd**1.5 * 9).astype(int)),
            0.5 * (1 + (g.pd * 4).astype(int)),
        ],
        0.0,
    )
    labor = pdays * centre_param("rate", centre, rep)
    travel = np.where(inq | (g.local < 0.35), 0.0, t.visits * np.round(450 * np.exp(0.7 * g.travel)))
    has_mat = np.select([repair, maint, inst], [g.mat < 0.65, g.mat < 0.8, g.mat < 0.2], False)
    mat_scale = np.select(
        [repair, maint],
        [1200 * np.exp(1.1 * g.material), 350 * np.exp(0.6 * g.material)],
        200 * np.exp(0.5 * g.material),
    )
    material = np.where(has_mat, np.round(mat_scale, 2), 0.0)
    transport = np.where(has_mat & (g.trans < 0.6), np.round(120 * np.exp(0.6 * g.transport)), 0.0)
    costs = [blank(x, ~done) for x in (pdays, labor, travel, material, transport)]

    visits = blank(t.visits, ~done | (repair & (g.vc_empty < 0.06)) | (repair & (g.vc_empty > 0.995)))
    ffv = np.where(done & ~inq, (t.visits == 1).astype(int), -1)
    ffv = np.where(repair & (g.vc_empty >= 0.06) & (g.vc_empty < 0.14), -1, ffv)
    ffv = np.where(repair & (g.vc_empty > 0.995), -1, ffv)
    fault = np.where(repair, _FAULT_OFF[line] + (g.fault * _N_FAULTS[line]).astype(np.int64), len(FAULTS) - 4 + ttype)
    fault_known = np.where(done, fault, -1)
    serial = join(labels(unit_model[unit], [m[1] for m in MODELS]), ids("", unit + 1, 7))
    serial = masked(serial, inq & (g.sched < 0.5))
    table = pa.table(
        {
            "ticket_id": ids("WO", np.arange(1, n + 1), max(6, len(str(n)))),
            "customer_id": ids("C", customer + 1, max(5, len(str(cust.n)))),
            "ticket_type": labels(ttype, TICKET_TYPES),
            "reported_at": timestamps(rep),
            "status": labels(t.status, ["open", "resolved", "closed", "cancelled"]),
            "channel": labels(channel, TICKET_CHANNELS),
            "product_line": labels(line, [p[0] for p in world.PRODUCTS]),
            "product_model": labels(unit_model[unit], [m[0] for m in MODELS]),
            "serial_no": serial,
            "in_warranty": booleans(warranty),
            "service_center": labels(centre, [c[0] for c in world.CENTRES]),
            "region": labels(centre, [c[1] for c in world.CENTRES]),
            "technician": labels(t.tech, tech_names),
            "first_response_at": timestamps(t.resp),
            "arrived_at": timestamps(t.arr),
            "promised_at": timestamps(t.prom),
            "resolved_at": timestamps(t.res),
            "closed_at": timestamps(t.close),
            "visit_count": integers(visits),
            "fixed_first_visit": booleans(ffv),
            "person_days": decimals(costs[0]),
            "labor_cost": decimals(costs[1]),
            "travel_cost": decimals(costs[2]),
            "material_cost": decimals(costs[3]),
            "transport_cost": decimals(costs[4]),
            "fault_description": labels(fault, [f[0] for f in FAULTS]),
            "fault_cause": labels(np.where(repair, fault_known, -1), [f[1] for f in FAULTS]),
            "solution": labels(fault_known, [f[2] for f in FAULTS]),
        }
    )
    state = SimpleNamespace(
        n=n,
        rep=rep,
        ttype=ttype,
        customer=customer,
        centre=centre,
        line=line,
        model=unit_model[unit],
        warranty=warranty,
        done=done,
        labor=costs[1],
        material=costs[3],
        unit_cust=unit_cust,
        unit_line=unit_line,
        unit_model=unit_model,
        day_weight=w / w.sum(),
        t_start=REPORTING_START,
        n_customers=cust.n,
        cust_key=cust.key,
        cust_centre=cust.centre,
        cust_quality=cust.quality,
        **vars(t),
    )
    return table, state
