"""Quotes, survey responses and complaints derived from the synthetic tickets (see _gen_core)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import _gen_world as W
from ._gen_core import T_END, D, H, blank, boolean, cat, centre_param, dec, ids, integer, join, masked, office, ts
from .contract import CHANNELS, ENUMS


def _month(t):
    """Calendar month index 0-11 of local-time seconds."""
    return np.nan_to_num(t).astype(np.int64).astype("datetime64[s]").astype("datetime64[M]").astype(np.int64) % 12


def _choose(u, probs):
    """Vectorised categorical draw: row i takes the first code whose cumulative probability exceeds u[i]."""
    cum = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    return np.minimum((u[:, None] > cum).sum(axis=1), probs.shape[1] - 1)


def _ticket_ids(s, idx):
    return ids("WO", np.asarray(idx) + 1, max(6, len(str(s.n))))


def _customer_ids(s, idx):
    return ids("C", np.asarray(idx) + 1, max(5, len(str(s.n_customers))))


def quotes(rng, s, settings):
    """Repair quotes for about 30 % of out-of-warranty repairs (SPEC §3 quotes)."""
    u = rng.random((3, s.n))
    base = np.where(np.isnan(s.arr), s.resp, s.arr)
    req = office(np.floor(base + (0.5 + 5.5 * u[1]) * H), base + 600, np.inf, u[2])
    idx = np.flatnonzero((s.ttype == 0) & ~s.cancelled & (s.warranty == 0) & (u[0] < 0.30) & (req < T_END))
    idx = idx[np.argsort(req[idx], kind="stable")]
    req, m = req[idx], len(idx)
    sla = settings.sla["quote_hours"]
    p_on = np.where(_month(req) == 1, 0.88, 0.975)  # Spring Festival: the sales office is short-staffed
    on = rng.random(m) < p_on
    sent = np.where(
        on,
        req + np.round((0.3 + (sla - 0.5) * rng.beta(1.2, 3.0, m)) * H),
        req + sla * H + np.maximum(600.0, np.round(15 * H * np.exp(0.8 * rng.normal(0, 1, m)))),
    )
    due = req + sla * H
    sent = office(sent, np.where(on, req + 600, due + 600), np.where(on, due, np.inf), rng.random(m))
    sent = blank(sent, (rng.random(m) < 0.01) | (sent >= T_END))
    r = rng.random(m)
    status = np.where(
        np.isnan(sent),
        np.where((req > T_END - 5 * D) | (r < 0.5), 0, 3),
        np.select([r < 0.72, r < 0.86, r < 0.96], [1, 2, 0], 3),
    )
    cost = np.nan_to_num(s.material[idx]) * 1.25 + np.nan_to_num(s.labor[idx]) * 1.1
    amount = np.where(cost > 0, np.round(cost + 300, -1), np.round(rng.lognormal(np.log(4000), 0.8, m), -1))
    table = pa.table(
        {
            "quote_id": ids("QT", np.arange(1, m + 1), max(6, len(str(m)))),
            "ticket_id": _ticket_ids(s, idx),
            "requested_at": ts(req),
            "sent_at": ts(sent),
            "amount": dec(amount),
            "status": cat(status, list(ENUMS["quote_status"])),
        }
    )
    return table


def _scale(x, settings):
    lo, hi = settings.scale_min, settings.scale_max
    return np.clip(np.round(lo + (x - 1) / 4 * (hi - lo)), lo, hi)


def _answers(rng, m, items, shift, settings):
    """Item scores and overall: a shared mood, item-specific experience, overall driven by weighted items."""
    mood = rng.normal(0, 1, m)
    cont, weight = {}, {}
    for it in items:
        mu, weight[it.id] = W.ITEM_MODEL.get(it.id, W.DEFAULT_ITEM)
        cont[it.id] = mu + 0.40 * mood + shift.get(it.id, 0.0) + rng.normal(0, 0.55, m)
    total = sum(weight.values())
    overall = sum(weight[k] / total * v for k, v in cont.items()) + rng.normal(0, 0.25, m)
    scores = {k: blank(_scale(v, settings), rng.random(m) < 0.06) for k, v in cont.items()}
    nps = np.clip(np.round(2.3 * overall - 1.5 + rng.normal(0, 1.0, m)), 0, 10)
    return scores, blank(_scale(overall, settings), rng.random(m) < 0.02), blank(nps, rng.random(m) < 0.25)


def surveys(rng, s, settings):
    """Post-service call-backs for ~40 % of resolved tickets, quarterly surveys of key customers."""
    # post_service
    u = rng.random(s.n)
    basis = np.where(np.isnan(s.close), s.res, s.close)
    sent = np.floor(np.floor(basis / D) * D + np.floor(1 + 3 * rng.random(s.n)) * D + (9 + 8 * rng.random(s.n)) * H)
    phone = rng.random(s.n) < 0.6
    later = sent + np.floor((0.1 + rng.exponential(2.0, s.n)) * D)
    resp = np.where(phone, sent + np.floor(rng.random(s.n) * 600), office(later, sent + 600, np.inf, rng.random(s.n)))
    post = np.flatnonzero(s.done & (u < 0.40) & (resp < T_END))
    # periodic: key customers each quarter, a quarter of the general customers at year end
    waves = (
        np.array(
            [
                "2024-12-15",
                "2025-03-15",
                "2025-06-15",
                "2025-09-15",
                "2025-12-15",
                "2026-03-15",
                "2026-06-15",
                "2026-09-15",
            ],
            dtype="datetime64[s]",
        )
        .astype(np.int64)
        .astype(float)
    )
    year_end = np.array([0, 4])
    cust = np.r_[np.repeat(np.flatnonzero(s.cust_key), len(waves)), np.repeat(np.flatnonzero(~s.cust_key), 2)]
    wave = np.r_[np.tile(np.arange(len(waves)), int(s.cust_key.sum())), np.tile(year_end, int((~s.cust_key).sum()))]
    take = rng.random(len(cust)) < np.where(s.cust_key[cust], 0.70, 0.25)
    cust, wave = cust[take], wave[take]
    p_sent = np.floor(waves[wave] + rng.uniform(0, 5, len(cust)) * D + (9 + 8 * rng.random(len(cust))) * H)
    p_resp = np.floor(p_sent + (0.2 + rng.exponential(6.0, len(cust))) * D)
    keep = p_resp < T_END
    cust, wave, p_sent, p_resp = cust[keep], wave[keep], p_sent[keep], p_resp[keep]

    m1, m2 = len(post), len(cust)
    post_items = [i for i in settings.items if i.survey_type == "post_service"]
    per_items = [i for i in settings.items if i.survey_type == "periodic"]
    s1, o1, n1 = _answers(
        rng,
        m1,
        post_items,
        {
            "on_time": np.where(s.late[post], -1.6, 0.0),
            "first_time_fixed": np.where(s.ftf[post] | (s.ttype[post] != 0), 0.0, -1.5),
            "professionalism": np.where(s.ftf[post], 0.0, -0.4),
        },
        settings,
    )
    centre = s.cust_centre[cust]
    service_shift = (np.array([c[3] for c in W.CENTRES])[centre] - 0.96) * 8
    service_shift = np.where(centre_param("on_time", centre, p_sent) < 0.9, -0.7, service_shift)
    s2, o2, n2 = _answers(
        rng, m2, per_items, {"product_quality": s.cust_quality[cust], "service": service_shift}, settings
    )
    item_ids = list(dict.fromkeys(i.id for i in settings.items))
    scores = {k: np.r_[s1.get(k, np.full(m1, np.nan)), s2.get(k, np.full(m2, np.nan))] for k in item_ids}
    overall, nps = np.r_[o1, o2], np.r_[n1, n2]
    m = m1 + m2
    responded = np.r_[resp[post], p_resp]
    order = np.argsort(responded, kind="stable")
    sent_all = blank(np.r_[sent[post], p_sent], rng.random(m) < 0.10)
    role = np.r_[rng.choice(5, m1, p=W.POST_ROLE_P), rng.choice(5, m2, p=W.PERIODIC_ROLE_P)]
    bad = overall <= settings.satisfied_threshold - 1
    with_comment = rng.random(m) < np.where(bad, 0.6, 0.15)
    good_i = rng.integers(0, len(W.COMMENTS_GOOD), m)
    bad_i = len(W.COMMENTS_GOOD) + rng.integers(0, len(W.COMMENTS_BAD), m)
    comment = np.where(with_comment, np.where(bad, bad_i, good_i), -1)
    ticket = np.r_[post, np.full(m2, -1)]
    cols = {
        "response_id": ids("SV", np.arange(1, m + 1), max(6, len(str(m)))),
        "survey_type": cat(np.r_[np.zeros(m1, int), np.ones(m2, int)][order], ["post_service", "periodic"]),
        "customer_id": _customer_ids(s, np.r_[s.customer[post], cust][order]),
        "ticket_id": masked(_ticket_ids(s, np.maximum(ticket[order], 0)), ticket[order] < 0),
        "sent_at": ts(sent_all[order]),
        "responded_at": ts(responded[order]),
        "respondent_role": cat(role[order], W.RESPONDENT_ROLES),
    }
    cols |= {k: integer(v[order]) for k, v in scores.items()}
    cols |= {
        "overall": integer(overall[order]),
        "nps": integer(nps[order]),
        "comment": cat(comment[order], W.COMMENTS_GOOD + W.COMMENTS_BAD),
    }
    return pa.table(cols)


def complaints(rng, s, settings):
    """Complaints: ~1 % of tickets, more after late or repeated repairs, plus ones not tied to a ticket."""
    bad_service = s.late | ((s.ttype == 0) & ~s.ftf)
    received_l = office(np.floor(s.rep + (1 + 14 * rng.random(s.n)) * D), s.rep + H, np.inf, rng.random(s.n))
    p = 0.009 + 0.05 * s.late + 0.06 * ((s.ttype == 0) & ~s.ftf)
    linked = np.flatnonzero(~s.cancelled & (rng.random(s.n) < p) & (received_l < T_END))
    m_u = rng.binomial(s.n, 0.009)
    day = rng.choice(len(s.day_weight), m_u, p=s.day_weight)
    received_u = s.t_start + day * D + np.floor(rng.uniform(8 * H, 18 * H, m_u))
    unit = rng.integers(0, len(s.unit_cust), m_u)
    m = len(linked) + m_u
    received = np.r_[received_l[linked], received_u]
    is_linked = np.r_[np.ones(len(linked), bool), np.zeros(m_u, bool)]
    cust = np.r_[s.customer[linked], s.unit_cust[unit]]
    line = np.r_[s.line[linked], s.unit_line[unit]]
    model = np.r_[s.model[linked], s.unit_model[unit]]
    centre = s.cust_centre[cust]
    bad = np.r_[bad_service[linked], np.zeros(m_u, bool)]
    late_ticket = np.r_[s.late[linked], np.zeros(m_u, bool)]

    cats = W.COMPLAINT_CATEGORIES
    probs = np.select(
        [bad[:, None], is_linked[:, None]],
        [np.array([[0.40, 0.60, 0.0, 0.0, 0.0]]), np.array([[0.65, 0.20, 0.05, 0.0, 0.10]])],
        np.array([[0.45, 0.08, 0.27, 0.12, 0.08]]),
    )
    category = _choose(rng.random(m), probs)
    roots = list(settings.root_causes)
    mix = np.array([[W.ROOT_CAUSE_MIX[c].get(r, 0) for r in roots] for c in cats], float)
    pareto = 1.0 / np.arange(1, len(roots) + 1)
    mix[mix.sum(axis=1) == 0] = pareto
    root = _choose(rng.random(m), mix[category])
    recent = received > T_END - 10 * D
    root = np.where((rng.random(m) < 0.04) | (recent & (rng.random(m) < 0.6)), -1, root)
    root_name = np.array(roots + [""], dtype=object)[root]
    misuse, suggestion = root_name == "customer_misuse", category == cats.index("suggestion")
    justified = np.where(misuse | suggestion, 0, (rng.random(m) < 0.85).astype(int))
    justified = np.where(rng.random(m) < 0.03, -1, justified)
    severity = np.where(suggestion, 0, rng.choice(3, m, p=[0.33, 0.59, 0.08]))
    depts = sorted(set(W.DEPARTMENT_SATISFIED))
    dept = np.array([depts.index(W.DEPARTMENT_OF_CAUSE.get(r, "品控中心")) if r else -1 for r in roots + [""]])[root]
    channels = list(CHANNELS)
    channel = rng.choice(len(channels), m, p=[0.45, 0.20, 0.0, 0.15, 0.07, 0.08, 0.0, 0.05])

    ack = received + np.clip(np.floor(rng.exponential(3 * H, m)), 300.0, 6 * H)
    days = np.where(severity == 2, min(5.0, settings.sla["complaint_days"]), settings.sla["complaint_days"])
    due = blank(received + days * D, rng.random(m) < 0.05)
    slip = is_linked & (centre_param("on_time", centre, received) < 0.9)
    dept_label = np.array(depts + [""], dtype=object)[dept]
    on = rng.random(m) < np.where(slip, 0.70, np.where(dept_label == "售后服务部", 0.88, 0.93))
    res = np.where(
        on,
        received + (0.3 + (days - 1.8) * rng.beta(1.5, 2.5, m)) * D,
        received + (days + 0.2 + rng.exponential(4.0, m)) * D,
    )
    res = blank(np.floor(res), rng.random(m) < 0.02)
    res = office(res, ack + 600, np.where(res <= due, due, np.inf), rng.random(m))
    closed = np.floor(res + (0.05 + 0.95 * rng.random(m)) * D)
    closed = office(closed, res + 600, np.where(closed <= due, due, np.inf), rng.random(m))
    internal = (root >= 0) & ~misuse & (root_name != "other")
    has_capa = (justified == 1) & (severity > 0) & internal & (rng.random(m) < 0.85)
    capa_due = blank(np.floor(received / D) * D + np.where(severity == 2, 15, 30) * D + 18 * H, ~has_capa)
    r = rng.random(m)
    capa_done = np.where(
        r < 0.82,
        received + (3 + (capa_due - received - 3 * D) / D * rng.random(m)) * D,
        capa_due + (0.5 + rng.exponential(12.0, m)) * D,
    )
    capa_done = blank(np.floor(capa_done), ~has_capa | (r > 0.92))
    capa_done = office(capa_done, received + D, np.where(capa_done <= capa_due, capa_due, np.inf), rng.random(m))
    r = rng.random(m)
    verified = capa_done + 90 * D <= T_END
    effective = np.where(verified, np.select([r < 0.75, r < 0.87], [1, 0], -1), np.where(r < 0.25, 1, -1))
    effective = np.where(np.isnan(capa_done) | (capa_done >= T_END), -1, effective)
    r = rng.random(m)
    big = (severity == 2) & (category == 0) & (justified == 1) & (r < 0.5)
    compensation = np.where(
        big,
        np.round(8000 * np.exp(0.8 * rng.normal(0, 1, m)), -2),
        np.where(r > 0.98, np.round(500 + 1500 * rng.random(m), -1), np.nan),
    )
    basis = np.where(np.isnan(closed), res, closed)
    follow = office(np.floor(basis + (1 + 6 * rng.random(m)) * D), basis + H, np.inf, rng.random(m))
    p_sat = np.array([W.DEPARTMENT_SATISFIED[d] for d in depts] + [0.90])[dept]
    p_sat = p_sat + np.where(on, 0.035, -0.12) - np.where(slip | late_ticket, 0.10, 0.0)
    r = rng.random(m)
    result = np.where(r < 0.05, 2, np.where(rng.random(m) < p_sat, 0, 1))
    result = np.where(np.isnan(follow) | (follow >= T_END), -1, result)
    follow = blank(follow, rng.random(m) < 0.05)

    order = np.argsort(received, kind="stable")
    ticket = np.r_[linked, np.full(m_u, -1)][order]
    cut = [blank(x, x >= T_END)[order] for x in (ack, res, closed, capa_done, follow)]
    desc_n = np.array([len(W.COMPLAINT_TEXT[c]) for c in cats])
    desc_off = np.cumsum(np.r_[0, desc_n])[:-1]
    desc = desc_off[category] + (rng.random(m) * desc_n[category]).astype(int)
    sur = np.where(has_capa, rng.integers(0, len(W.SURNAMES), m), -1)[order]
    owner = join(cat(sur, [x[0] for x in W.SURNAMES]), cat(rng.integers(0, len(W.GIVEN), m), W.GIVEN))
    return pa.table(
        {
            "complaint_id": ids("KS", np.arange(1, m + 1), max(6, len(str(m)))),
            "customer_id": _customer_ids(s, cust[order]),
            "received_at": ts(received[order]),
            "ticket_id": masked(_ticket_ids(s, np.maximum(ticket, 0)), ticket < 0),
            "channel": cat(channel[order], channels),
            "category": cat(category[order], cats),
            "severity": cat(severity[order], list(ENUMS["severity"])),
            "justified": boolean(justified[order]),
            "responsible_department": cat(dept[order], depts),
            "root_cause_category": cat(root[order], roots),
            "root_cause": cat(root[order], [W.CAUSE_TEXT.get(r, "待分析") for r in roots]),
            "product_line": cat(line[order], [p[0] for p in W.PRODUCTS]),
            "product_model": cat(model[order], [mm for p in W.PRODUCTS for mm, _ in p[2]]),
            "description": cat(desc[order], [t for c in cats for t in W.COMPLAINT_TEXT[c]]),
            "acknowledged_at": ts(cut[0]),
            "due_at": ts(due[order]),
            "resolved_at": ts(cut[1]),
            "closed_at": ts(cut[2]),
            "capa_action": cat(np.where(has_capa, root, -1)[order], [W.CAPA_TEXT.get(r, "跟踪改进") for r in roots]),
            "capa_owner": owner,
            "capa_due_at": ts(capa_due[order]),
            "capa_done_at": ts(cut[3]),
            "capa_effective": boolean(effective[order]),
            "compensation": dec(compensation[order]),
            "followup_at": ts(cut[4]),
            "followup_result": cat(result[order], list(ENUMS["followup_result"])),
        }
    )
