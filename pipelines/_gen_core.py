"""Customers and service tickets of the synthetic organisation, generated column-wise with numpy.

Times are float seconds since the epoch of *local* (settings time zone) wall-clock time, NaN = empty;
pyarrow tables are built only at the end, so a million tickets take seconds.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import _gen_world as W

H, D = 3600.0, 86400.0
T_START, T_END, T_SLIP = (float(t.astype(np.int64)) for t in (W.START, W.END, W.SLIP_FROM))


# ---- numpy → pyarrow ------------------------------------------------------------------------------


def ts(x) -> pa.Array:
    x = np.asarray(x, float)
    m = np.isnan(x)
    return pa.array(np.where(m, 0, x).astype(np.int64).astype("datetime64[s]"), mask=m)


def dec(x) -> pa.Array:
    x = np.asarray(x, float)
    m = np.isnan(x)
    return pa.array(np.round(np.where(m, 0, x), 2), mask=m).cast(pa.decimal128(18, 2))


def integer(x) -> pa.Array:
    x = np.asarray(x, float)
    m = np.isnan(x)
    return pa.array(np.where(m, 0, x).astype(np.int64), mask=m)


def boolean(x) -> pa.Array:
    """x: -1 empty, 0 false, 1 true."""
    x = np.asarray(x)
    return pa.array(x == 1, mask=x < 0)


def cat(codes, labels) -> pa.Array:
    """Labels looked up by code; code -1 is empty."""
    codes = np.asarray(codes, np.int64)
    return pc.take(pa.array(list(labels), pa.string()), pa.array(codes, mask=codes < 0))


def ids(prefix: str, numbers, width: int) -> pa.Array:
    text = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, np.int64)), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, text, "")


def join(*parts) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def masked(arr: pa.Array, mask) -> pa.Array:
    """arr with nulls where mask."""
    return pc.if_else(pa.array(np.asarray(mask, bool)), pa.nulls(len(arr), arr.type), arr)


def office(t, lo, hi, u):
    """t moved to a random office-hours time (08:30-17:30) of its own day, where that stays in [lo, hi]."""
    cand = np.floor(t / D) * D + np.floor((8.5 + 9 * u) * H)
    return np.where((cand >= lo) & (cand <= hi), cand, t)


def blank(x, mask):
    """x with NaN where mask."""
    return np.where(mask, np.nan, x)


# ---- customers ------------------------------------------------------------------------------------


def customers(rng: np.random.Generator, n: int, threshold: float):
    shares = np.array([c[2] for c in W.CENTRES])
    centre = rng.choice(len(W.CENTRES), n, p=shares / shares.sum())
    revenue = np.round(rng.lognormal(np.log(1.8e6), 1.1, n), -3)
    is_key = revenue >= threshold
    tier = np.where(is_key, 0, 1)
    tier = np.where(rng.random(n) < 0.04, 0, tier)  # strategic accounts, key below the threshold
    tier_empty = rng.random(n) < 0.12  # the threshold rule applies (SPEC §3)
    rev_empty = ~tier_empty & (rng.random(n) < 0.10)
    key = np.where(tier_empty, is_key, tier == 0)
    cities = [c[9] for c in W.CENTRES]
    city_i = (rng.random(n) * np.array([len(c) for c in cities])[centre]).astype(int)
    city_flat = [city for cs in cities for city in cs]
    city_off = np.cumsum([0] + [len(c) for c in cities])[:-1]
    words = rng.integers(0, len(W.NAME_WORDS), (2, n))
    name = join(
        cat(city_off[centre] + city_i, city_flat),
        cat(words[0], W.NAME_WORDS),
        cat(words[1], W.NAME_WORDS),
        cat(rng.integers(0, len(W.NAME_SUFFIX), n), W.NAME_SUFFIX),
    )
    sur = rng.integers(0, len(W.SURNAMES), n)
    phone_tail = ids("", rng.integers(0, 10**8, n), 8)
    table = pa.table(
        {
            "customer_id": ids("C", np.arange(1, n + 1), max(5, len(str(n)))),
            "customer_name": name,
            "tier": cat(np.where(tier_empty, -1, tier), ["key", "general"]),
            "prior_year_revenue": dec(blank(revenue, rev_empty)),
            "region": cat(centre, [c[1] for c in W.CENTRES]),
            "industry": cat(rng.integers(0, len(W.INDUSTRIES), n), W.INDUSTRIES),
            "contact_name": join(cat(sur, [s[0] for s in W.SURNAMES]), cat(rng.integers(0, len(W.GIVEN), n), W.GIVEN)),
            "contact_phone": join(cat(rng.integers(0, len(W.PHONE_PREFIX), n), W.PHONE_PREFIX), phone_tail),
            "contact_email": join(
                cat(sur, [s[1] for s in W.SURNAMES]),
                ids("", rng.integers(1, 1000, n), 3),
                "@",
                cat(rng.integers(0, len(W.MAIL_DOMAINS), n), W.MAIL_DOMAINS),
            ),
        }
    )
    weight = np.sqrt(revenue) * np.where(key, 2.0, 1.0)
    quality = rng.normal(0, 0.6, n)  # how well the customer's installed machines run (periodic surveys)
    return table, SimpleNamespace(n=n, centre=centre, key=key, weight=weight / weight.sum(), quality=quality)


# ---- technicians and products ---------------------------------------------------------------------


def technicians(rng: np.random.Generator, tickets: int):
    """Technician names per centre, offsets into the flat list, and each one's skill modifier."""
    names, counts = [], []
    for c in W.CENTRES:
        k = int(np.clip(round(3 + c[2] * tickets / 120), 4, 60))
        seen: set[str] = set()
        while len(seen) < k:
            s, g = W.SURNAMES[rng.integers(len(W.SURNAMES))][0], W.GIVEN[rng.integers(len(W.GIVEN))]
            name = s + g
            if name in seen:
                name = f"{name}{len(seen)}"
            seen.add(name)
            names.append(name)
        counts.append(k)
    skill = rng.normal(0, 0.015, len(names))
    offsets = np.cumsum([0] + counts)[:-1]
    skill[offsets] = -0.05  # every centre has one weaker technician
    return names, offsets, np.array(counts), skill


MODELS = [(m, prefix, li) for li, p in enumerate(W.PRODUCTS) for m, prefix in p[2]]
FAULTS = [f for p in W.PRODUCTS for f in p[3]] + [W.OTHER_WORK[t] for t in W.TICKET_TYPES[1:]]
_N_MODELS = np.array([len(p[2]) for p in W.PRODUCTS])
_N_FAULTS = np.array([len(p[3]) for p in W.PRODUCTS])
_MODEL_OFF = np.cumsum(np.r_[0, _N_MODELS])[:-1]
_FAULT_OFF = np.cumsum(np.r_[0, _N_FAULTS])[:-1]
_C = {
    k: np.array([c[i] for c in W.CENTRES], float)
    for k, i in (("on_time", 3), ("ftf", 4), ("repeat", 5), ("response", 6), ("onsite", 7), ("rate", 8))
}


def centre_param(key: str, centre, reported):
    """A centre's quality parameter at the time of each ticket; the slipping centre changes at SLIP_FROM."""
    slip = (centre == W.SLIP_CENTRE) & (reported >= T_SLIP)
    return np.where(slip, W.SLIPPED.get(key, 0.0), _C[key][centre]) if key in W.SLIPPED else _C[key][centre]


# ---- tickets --------------------------------------------------------------------------------------


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
    resp = rep + np.maximum(60.0, np.round(g.resp * centre_param("response", centre, rep) * H))
    day0 = np.floor(rep / D) * D
    sched = day0 + np.floor(1 + g.sched * 10) * D + 9 * H + np.round(g.sched_h * 2 * H)
    arr = np.where(repair, rep + np.round(centre_param("onsite", centre, rep) * H * np.exp(0.45 * g.onsite)), sched)
    arr = np.maximum(arr, resp + 600)
    arr = blank(arr, inq | t.cancelled | (repair & (g.arr_missing < 0.03)))
    has_prom = ~inq & (g.prom_has < np.where(repair, 0.85, 0.80))
    prom_len = np.where(g.prom_len < 0.25, 24, np.where(g.prom_len < 0.80, 48, 72)) * H
    prom = np.where(repair, rep + prom_len, np.floor((np.nan_to_num(arr) + 8 * H) / H) * H)
    prom = blank(prom, ~has_prom | np.isnan(np.where(repair, 0, arr)))
    p_ftf = centre_param("ftf", centre, rep) + mod
    t.ftf = g.ftf < p_ftf
    visits = np.where(
        repair,
        np.where(t.ftf, 1, np.where(g.visits < 0.75, 2, 3)),
        np.where(inst & (g.visits < 0.1), 2, np.where(inq, 0, 1)),
    ).astype(float)
    due = np.where(np.isnan(prom), rep + repair_sla_h * H, prom)
    start = np.where(np.isnan(arr), resp, arr)
    window = due - start
    p_ot = centre_param("on_time", centre, rep) + mod + np.where(t.ftf, 0.012, -0.20)
    on_time = (g.ot < p_ot) & (window > 1800)
    res_repair = np.where(
        on_time,
        start + 900 + np.round(g.window * (window - 900)),
        due + np.maximum(600.0, np.round(16 * H * np.exp(0.9 * g.late))),
    )
    res_other = np.where(
        inq,
        resp + (0.2 + 24 * g.window) * H,
        start + np.where(inst, 2 + 30 * g.window, 1 + 6 * g.window) * H + (visits - 1) * 30 * H,
    )
    res = np.round(np.where(repair, res_repair, res_other))
    res = blank(res, t.cancelled | (g.stuck < 0.004))
    close = res + np.maximum(1800.0, np.round(20 * H * np.exp(1.1 * g.close)))
    close = office(close, res + 1800, np.inf, g.office)  # the customer signs off in office hours
    close = np.where(t.cancelled, rep + np.round((1 + 47 * g.window) * H), blank(close, g.never_close < 0.03))
    # the export is a snapshot at END: later events have not happened yet
    t.resp, t.arr, t.res, t.close = (blank(x, x >= T_END) for x in (resp, arr, res, close))
    t.prom, t.visits, t.due = prom, visits, due
    t.status = np.where(t.cancelled, 3, np.where(~np.isnan(t.close), 2, np.where(~np.isnan(t.res), 1, 0)))
    t.late = repair & ~t.cancelled & ~(t.res <= due)
    return t


def tickets(rng, n: int, cust, settings):
    """The ticket table and the state quotes, surveys and complaints are derived from."""
    days = int((W.END - W.START) / np.timedelta64(1, "D"))
    dates = W.START.astype("datetime64[D]") + np.arange(days)
    month = dates.astype("datetime64[M]").astype(np.int64) % 12
    weekday = (dates.astype(np.int64) + 3) % 7
    w = W.SEASON[month] * (1 + 0.08 * np.arange(days) / 365) * np.where(weekday >= 5, 0.35, 1.0)
    day = rng.choice(days, n, p=w / w.sum())
    tod = np.where(rng.random(n) < 0.85, rng.uniform(8 * H, 18 * H, n), rng.uniform(0, D, n))
    rep = T_START + day * D + np.floor(tod)
    ttype = rng.choice(4, n, p=W.TICKET_TYPE_P)
    channel = rng.choice(len(W.TICKET_CHANNELS), n, p=W.TICKET_CHANNEL_P)

    n_units = max(300, int(1.5 * n))
    unit_cust = rng.choice(cust.n, n_units, p=cust.weight)
    line_p = np.array([p[1] for p in W.PRODUCTS])
    unit_line = rng.choice(len(W.PRODUCTS), n_units, p=line_p / line_p.sum())
    unit_model = _MODEL_OFF[unit_line] + (rng.random(n_units) * _N_MODELS[unit_line]).astype(np.int64)
    years = 365 * D
    unit_wend = T_START + rng.uniform(-0.6, 3.2, n_units) * years  # warranty end of each unit
    unit = rng.integers(0, n_units, n)
    tech_names, tech_off, tech_n, skill = technicians(rng, n)
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
    new_rep = np.floor(t.res[parent] + (1 + 27 * g.gap[parent]) * D)
    ok = new_rep < T_END
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
    labor = pdays * _C["rate"][centre]
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
    serial = join(cat(unit_model[unit], [m[1] for m in MODELS]), ids("", unit + 1, 7))
    serial = masked(serial, inq & (g.sched < 0.5))
    table = pa.table(
        {
            "ticket_id": ids("WO", np.arange(1, n + 1), max(6, len(str(n)))),
            "customer_id": ids("C", customer + 1, max(5, len(str(cust.n)))),
            "ticket_type": cat(ttype, W.TICKET_TYPES),
            "reported_at": ts(rep),
            "status": cat(t.status, ["open", "resolved", "closed", "cancelled"]),
            "channel": cat(channel, W.TICKET_CHANNELS),
            "product_line": cat(line, [p[0] for p in W.PRODUCTS]),
            "product_model": cat(unit_model[unit], [m[0] for m in MODELS]),
            "serial_no": serial,
            "in_warranty": boolean(warranty),
            "service_center": cat(centre, [c[0] for c in W.CENTRES]),
            "region": cat(centre, [c[1] for c in W.CENTRES]),
            "technician": cat(t.tech, tech_names),
            "first_response_at": ts(t.resp),
            "arrived_at": ts(t.arr),
            "promised_at": ts(t.prom),
            "resolved_at": ts(t.res),
            "closed_at": ts(t.close),
            "visit_count": integer(visits),
            "fixed_first_visit": boolean(ffv),
            "person_days": dec(costs[0]),
            "labor_cost": dec(costs[1]),
            "travel_cost": dec(costs[2]),
            "material_cost": dec(costs[3]),
            "transport_cost": dec(costs[4]),
            "fault_description": cat(fault, [f[0] for f in FAULTS]),
            "fault_cause": cat(np.where(repair, fault_known, -1), [f[1] for f in FAULTS]),
            "solution": cat(fault_known, [f[2] for f in FAULTS]),
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
        t_start=T_START,
        n_customers=cust.n,
        cust_key=cust.key,
        cust_centre=cust.centre,
        cust_quality=cust.quality,
        **vars(t),
    )
    return table, state
