"""Repair quotes derived from the synthetic tickets (SPEC §3 quotes)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from ..contract import ENUMS
from .arrays import DAY, HOUR, blank, decimals, ids, labels, office, timestamps
from .tickets import ticket_ids
from .world import EXPORT_END


def _month(t):
    """Calendar month index 0-11 of local-time seconds."""
    return np.nan_to_num(t).astype(np.int64).astype("datetime64[s]").astype("datetime64[M]").astype(np.int64) % 12


def quotes(rng, state, settings):
    """Repair quotes for about 30 % of out-of-warranty repairs (SPEC §3 quotes)."""
    u = rng.random((3, state.n))
    base = np.where(np.isnan(state.arr), state.resp, state.arr)
    req = office(np.floor(base + (0.5 + 5.5 * u[1]) * HOUR), base + 600, np.inf, u[2])
    idx = np.flatnonzero(
        (state.ttype == 0) & ~state.cancelled & (state.warranty == 0) & (u[0] < 0.30) & (req < EXPORT_END)
    )
    idx = idx[np.argsort(req[idx], kind="stable")]
    req, m = req[idx], len(idx)
    sla = settings.sla["quote_hours"]
    p_on = np.where(_month(req) == 1, 0.88, 0.975)  # Spring Festival: the sales office is short-staffed
    on = rng.random(m) < p_on
    sent = np.where(
        on,
        req + np.round((0.3 + (sla - 0.5) * rng.beta(1.2, 3.0, m)) * HOUR),
        req + sla * HOUR + np.maximum(600.0, np.round(15 * HOUR * np.exp(0.8 * rng.normal(0, 1, m)))),
    )
    due = req + sla * HOUR
    sent = office(sent, np.where(on, req + 600, due + 600), np.where(on, due, np.inf), rng.random(m))
    sent = blank(sent, (rng.random(m) < 0.01) | (sent >= EXPORT_END))
    r = rng.random(m)
    status = np.where(
        np.isnan(sent),
        np.where((req > EXPORT_END - 5 * DAY) | (r < 0.5), 0, 3),
        np.select([r < 0.72, r < 0.86, r < 0.96], [1, 2, 0], 3),
    )
    cost = np.nan_to_num(state.material[idx]) * 1.25 + np.nan_to_num(state.labor[idx]) * 1.1
    amount = np.where(cost > 0, np.round(cost + 300, -1), np.round(rng.lognormal(np.log(4000), 0.8, m), -1))
    table = pa.table(
        {
            "quote_id": ids("QT", np.arange(1, m + 1), max(6, len(str(m)))),
            "ticket_id": ticket_ids(state, idx),
            "requested_at": timestamps(req),
            "sent_at": timestamps(sent),
            "amount": decimals(amount),
            "status": labels(status, list(ENUMS["quote_status"])),
        }
    )
    return table
