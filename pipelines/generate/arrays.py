"""Array helpers shared by the generator modules: the time axis, numpy arrays to pyarrow columns, ids.

Times are float seconds since the epoch of *local* (settings time zone) wall-clock time, NaN = empty;
the generators compute column-wise in numpy and build pyarrow tables only at the end, so a million
tickets take seconds.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

HOUR, DAY = 3600.0, 86400.0


def seconds(text: str) -> float:
    """A local wall-clock time (`YYYY-MM-DDTHH:MM:SS`) on the generator's time axis."""
    return float(np.datetime64(text, "s").astype(np.int64))


def office(t, lo, hi, u):
    """t moved to a random office-hours time (08:30-17:30) of its own day, where that stays in [lo, hi]."""
    cand = np.floor(t / DAY) * DAY + np.floor((8.5 + 9 * u) * HOUR)
    return np.where((cand >= lo) & (cand <= hi), cand, t)


def blank(x, mask):
    """x with NaN where mask."""
    return np.where(mask, np.nan, x)


# ---- numpy → pyarrow -----------------------------------------------------------------------------


def timestamps(x) -> pa.Array:
    """Timestamp column of time-axis seconds; NaN is empty."""
    x = np.asarray(x, float)
    m = np.isnan(x)
    return pa.array(np.where(m, 0, x).astype(np.int64).astype("datetime64[s]"), mask=m)


def decimals(x) -> pa.Array:
    """decimal(18, 2) column; NaN is empty."""
    x = np.asarray(x, float)
    m = np.isnan(x)
    return pa.array(np.round(np.where(m, 0, x), 2), mask=m).cast(pa.decimal128(18, 2))


def integers(x) -> pa.Array:
    """Integer column; NaN is empty."""
    x = np.asarray(x, float)
    m = np.isnan(x)
    return pa.array(np.where(m, 0, x).astype(np.int64), mask=m)


def booleans(x) -> pa.Array:
    """x: -1 empty, 0 false, 1 true."""
    x = np.asarray(x)
    return pa.array(x == 1, mask=x < 0)


def labels(codes, names) -> pa.Array:
    """names looked up by code; code -1 is empty."""
    codes = np.asarray(codes, np.int64)
    return pc.take(pa.array(list(names), pa.string()), pa.array(codes, mask=codes < 0))


def ids(prefix: str, numbers, width: int) -> pa.Array:
    """prefix + number zero-padded to width, e.g. ids("WO", [7], 6) → WO000007."""
    text = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, np.int64)), pa.string()), width, "0")
    return pc.binary_join_element_wise(prefix, text, "")


def join(*parts) -> pa.Array:
    """Element-wise concatenation of string columns and scalars."""
    return pc.binary_join_element_wise(*parts, "")


def masked(arr: pa.Array, mask) -> pa.Array:
    """arr with nulls where mask."""
    return pc.if_else(pa.array(np.asarray(mask, bool)), pa.nulls(len(arr), arr.type), arr)
