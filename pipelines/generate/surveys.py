"""Survey responses: post-service call-backs on resolved tickets and periodic surveys of customers."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from . import world
from .arrays import DAY, HOUR, blank, ids, integers, labels, masked, office, timestamps
from .tickets import customer_ids, ticket_ids
from .world import EXPORT_END, centre_param

RESPONDENT_ROLES = ["purchasing", "technical", "quality", "production", "other"]
POST_ROLE_P = [0.05, 0.40, 0.10, 0.35, 0.10]
PERIODIC_ROLE_P = [0.35, 0.20, 0.25, 0.15, 0.05]

# survey item behaviour by item id: (mean on a 1-5 scale, weight in the customer's overall judgement);
# on_time and product_quality drive overall most, so their Spearman importance comes out highest.
ITEM_MODEL = {
    "on_time": (4.35, 0.40),
    "first_time_fixed": (4.35, 0.22),
    "professionalism": (4.30, 0.14),
    "attitude": (4.55, 0.12),
    "communication": (4.30, 0.12),
    "design": (4.00, 0.10),
    "product_quality": (4.05, 0.45),
    "delivery": (4.00, 0.12),
    "service": (4.20, 0.17),
    "price": (3.60, 0.08),
    "vs_competitors": (3.80, 0.08),
}
DEFAULT_ITEM = (4.10, 0.10)
COMMENTS_GOOD = [
    "服务及时，工程师很专业",
    "维修速度快，满意",
    "工程师耐心讲解了保养要点",
    "整体不错，继续保持",
    "响应快，态度好",
    "Engineer was professional and on time",
    "产品稳定，服务到位",
]
COMMENTS_BAD = [
    "等了两天才有人来，太慢了",
    "同一个问题修了两次还没好",
    "备件到货太慢，影响生产",
    "希望提高一次修复率",
    "电话一直打不通",
    "Spare parts took too long",
    "价格偏高，希望优惠",
]


def _scale(x, settings):
    lo, hi = settings.scale_min, settings.scale_max
    return np.clip(np.round(lo + (x - 1) / 4 * (hi - lo)), lo, hi)


def _answers(rng, m, items, shift, settings):
    """Item scores and overall: a shared mood, item-specific experience, overall driven by weighted items."""
    mood = rng.normal(0, 1, m)
    cont, weight = {}, {}
    for it in items:
        mu, weight[it.id] = ITEM_MODEL.get(it.id, DEFAULT_ITEM)
        cont[it.id] = mu + 0.40 * mood + shift.get(it.id, 0.0) + rng.normal(0, 0.55, m)
    total = sum(weight.values())
    overall = sum(weight[k] / total * v for k, v in cont.items()) + rng.normal(0, 0.25, m)
    scores = {k: blank(_scale(v, settings), rng.random(m) < 0.06) for k, v in cont.items()}
    nps = np.clip(np.round(2.3 * overall - 1.5 + rng.normal(0, 1.0, m)), 0, 10)
    return scores, blank(_scale(overall, settings), rng.random(m) < 0.02), blank(nps, rng.random(m) < 0.25)


def surveys(rng, state, settings):
    """Post-service call-backs for ~40 % of resolved tickets, quarterly surveys of key customers."""
    # post_service
    u = rng.random(state.n)
    basis = np.where(np.isnan(state.close), state.res, state.close)
    sent = np.floor(
        np.floor(basis / DAY) * DAY + np.floor(1 + 3 * rng.random(state.n)) * DAY + (9 + 8 * rng.random(state.n)) * HOUR
    )
    phone = rng.random(state.n) < 0.6
    later = sent + np.floor((0.1 + rng.exponential(2.0, state.n)) * DAY)
    resp = np.where(
        phone, sent + np.floor(rng.random(state.n) * 600), office(later, sent + 600, np.inf, rng.random(state.n))
    )
    post = np.flatnonzero(state.done & (u < 0.40) & (resp < EXPORT_END))
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
    cust = np.r_[np.repeat(np.flatnonzero(state.cust_key), len(waves)), np.repeat(np.flatnonzero(~state.cust_key), 2)]
    wave = np.r_[
        np.tile(np.arange(len(waves)), int(state.cust_key.sum())), np.tile(year_end, int((~state.cust_key).sum()))
    ]
    take = rng.random(len(cust)) < np.where(state.cust_key[cust], 0.70, 0.25)
    cust, wave = cust[take], wave[take]
    p_sent = np.floor(waves[wave] + rng.uniform(0, 5, len(cust)) * DAY + (9 + 8 * rng.random(len(cust))) * HOUR)
    p_resp = np.floor(p_sent + (0.2 + rng.exponential(6.0, len(cust))) * DAY)
    keep = p_resp < EXPORT_END
    cust, wave, p_sent, p_resp = cust[keep], wave[keep], p_sent[keep], p_resp[keep]

    m1, m2 = len(post), len(cust)
    post_items = [i for i in settings.items if i.survey_type == "post_service"]
    per_items = [i for i in settings.items if i.survey_type == "periodic"]
    s1, o1, n1 = _answers(
        rng,
        m1,
        post_items,
        {
            "on_time": np.where(state.late[post], -1.6, 0.0),
            "first_time_fixed": np.where(state.ftf[post] | (state.ttype[post] != 0), 0.0, -1.5),
            "professionalism": np.where(state.ftf[post], 0.0, -0.4),
        },
        settings,
    )
    centre = state.cust_centre[cust]
    service_shift = (np.array([c[3] for c in world.CENTRES])[centre] - 0.96) * 8
    service_shift = np.where(centre_param("on_time", centre, p_sent) < 0.9, -0.7, service_shift)
    s2, o2, n2 = _answers(
        rng, m2, per_items, {"product_quality": state.cust_quality[cust], "service": service_shift}, settings
    )
    item_ids = list(dict.fromkeys(i.id for i in settings.items))
    scores = {k: np.r_[s1.get(k, np.full(m1, np.nan)), s2.get(k, np.full(m2, np.nan))] for k in item_ids}
    overall, nps = np.r_[o1, o2], np.r_[n1, n2]
    m = m1 + m2
    responded = np.r_[resp[post], p_resp]
    order = np.argsort(responded, kind="stable")
    sent_all = blank(np.r_[sent[post], p_sent], rng.random(m) < 0.10)
    role = np.r_[rng.choice(5, m1, p=POST_ROLE_P), rng.choice(5, m2, p=PERIODIC_ROLE_P)]
    bad = overall <= settings.satisfied_threshold - 1
    with_comment = rng.random(m) < np.where(bad, 0.6, 0.15)
    good_i = rng.integers(0, len(COMMENTS_GOOD), m)
    bad_i = len(COMMENTS_GOOD) + rng.integers(0, len(COMMENTS_BAD), m)
    comment = np.where(with_comment, np.where(bad, bad_i, good_i), -1)
    ticket = np.r_[post, np.full(m2, -1)]
    cols = {
        "response_id": ids("SV", np.arange(1, m + 1), max(6, len(str(m)))),
        "survey_type": labels(np.r_[np.zeros(m1, int), np.ones(m2, int)][order], ["post_service", "periodic"]),
        "customer_id": customer_ids(state, np.r_[state.customer[post], cust][order]),
        "ticket_id": masked(ticket_ids(state, np.maximum(ticket[order], 0)), ticket[order] < 0),
        "sent_at": timestamps(sent_all[order]),
        "responded_at": timestamps(responded[order]),
        "respondent_role": labels(role[order], RESPONDENT_ROLES),
    }
    cols |= {k: integers(v[order]) for k, v in scores.items()}
    cols |= {
        "overall": integers(overall[order]),
        "nps": integers(nps[order]),
        "comment": labels(comment[order], COMMENTS_GOOD + COMMENTS_BAD),
    }
    return pa.table(cols)
