"""The landing store (SPEC §2): append-only Parquet batches, one directory per load.

Layout under the data directory:

    landing/batches/<load_id>/<source>.parquet   accepted rows of every source (possibly empty)
    landing/batches/<load_id>/files.parquet      the load_files rows of that load
    landing/batches/<load_id>/rejects.parquet    the rejected_rows of that load
    landing/log/<load_id>.parquet                load_files rows of a load that landed no batch
                                                 (a refused file, or every file skipped)
    landing/.tmp/<load_id>/                      a batch being written; never read

A batch is written in full under .tmp and then renamed into batches/ in one atomic step, so all
files of a load become visible together or not at all, even after kill -9 (leftovers in .tmp are
removed by the next load). Load ids sort in time order; the latest batch wins per key.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

FILES_SCHEMA = [
    ("load_id", "VARCHAR"),
    ("loaded_at", "TIMESTAMP"),
    ("file_name", "VARCHAR"),
    ("sha256", "VARCHAR"),
    ("source", "VARCHAR"),
    ("status", "VARCHAR"),
    ("rows_read", "BIGINT"),
    ("rows_accepted", "BIGINT"),
    ("rows_rejected", "BIGINT"),
    ("message", "VARCHAR"),
]
REJECTS_SCHEMA = [
    ("load_id", "VARCHAR"),
    ("file_name", "VARCHAR"),
    ("sha256", "VARCHAR"),
    ("source", "VARCHAR"),
    ("row_number", "BIGINT"),
    ("record_key", "VARCHAR"),
    ("column", "VARCHAR"),
    ("value", "VARCHAR"),
    ("reason", "VARCHAR"),
    ("reason_code", "VARCHAR"),  # pipelines/reasons.py; null in batches written before codes existed
    ("reason_params", "VARCHAR"),  # the code's parameters, JSON text
]


def landing_dir(data: Path) -> Path:
    return Path(data) / "landing"


def new_load_id() -> str:
    """A load id that sorts in time order (UTC microseconds) and is unique across processes."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:6]


LOCK_WAIT = 600.0  # seconds a load or build waits for the lock before giving up (AFTERSALES_LOCK_WAIT)


class LockBusy(Exception):
    """Another load or build holds the data directory's lock, for longer than the wait allowed."""


def lock_holder(data: Path) -> str:
    """Who holds the data directory's lock, as its holder wrote it: 'load (pid 4242) since …'."""
    try:
        return (Path(data) / ".lock").read_text(encoding="utf-8").strip() or "another process"
    except OSError:
        return "another process"


@contextmanager
def lock(data: Path, command: str = "load", wait: float | None = None, notify=None):
    """Exclusive lock on the data directory: one load or build at a time (`check` takes none).
    When another process holds it, `notify(message naming the holder)` is called once and the lock
    is waited for at most `wait` seconds (default LOCK_WAIT, or $AFTERSALES_LOCK_WAIT), then
    LockBusy is raised with that message. The holder writes its command, pid and start time into
    the lock file, for the next one to name."""
    Path(data).mkdir(parents=True, exist_ok=True)
    wait = float(os.environ.get("AFTERSALES_LOCK_WAIT", LOCK_WAIT)) if wait is None else wait
    deadline = time.monotonic() + wait
    with open(Path(data) / ".lock", "a+", encoding="utf-8") as fh:
        told = False
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                message = f"the data directory is locked by {lock_holder(data)}"
                if time.monotonic() >= deadline:
                    raise LockBusy(f"{message}; gave up after waiting {wait:g} s") from None
                if notify and not told:
                    notify(f"{message}; waiting up to {wait:g} s …")
                    told = True
                time.sleep(min(0.2, max(deadline - time.monotonic(), 0)))
        try:
            fh.truncate(0)
            since = datetime.now().astimezone().isoformat(timespec="seconds")
            fh.write(f"{command} (pid {os.getpid()}) since {since}\n")
            fh.flush()
            yield
        finally:
            fh.truncate(0)
            fh.flush()
            fcntl.flock(fh, fcntl.LOCK_UN)


def clean_tmp(data: Path) -> None:
    """Remove batches a killed load left half-written (call under the lock)."""
    shutil.rmtree(landing_dir(data) / ".tmp", ignore_errors=True)


def batch_dirs(data: Path) -> list[Path]:
    """Committed batch directories, oldest first."""
    root = landing_dir(data) / "batches"
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.exists() else []


def loaded_hashes(data: Path) -> set[str]:
    """SHA-256 of every file that went into a committed batch (for skip-as-duplicate)."""
    files = [str(b / "files.parquet") for b in batch_dirs(data) if (b / "files.parquet").exists()]
    if not files:
        return set()
    con = duckdb.connect()
    try:
        rows = con.execute("select distinct sha256 from read_parquet(?) where status = 'loaded'", [files]).fetchall()
    finally:
        con.close()
    return {r[0] for r in rows}


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def begin_batch(data: Path, load_id: str) -> Path:
    """A fresh temporary directory for a batch; nothing in it is read until commit_batch."""
    tmp = landing_dir(data) / ".tmp" / load_id
    tmp.mkdir(parents=True, exist_ok=False)
    return tmp


def commit_batch(data: Path, tmp: Path) -> Path:
    """Make a fully written batch visible with one atomic rename."""
    for f in tmp.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    final = landing_dir(data) / "batches" / tmp.name
    final.parent.mkdir(parents=True, exist_ok=True)
    os.rename(tmp, final)
    _fsync_dir(final.parent)
    return final


def write_log(data: Path, load_id: str, con: duckdb.DuckDBPyConnection, files_table: str) -> None:
    """Record the load_files rows of a load that landed no batch (atomic: temp file, then rename)."""
    log = landing_dir(data) / "log"
    log.mkdir(parents=True, exist_ok=True)
    tmp = landing_dir(data) / ".tmp" / f"{load_id}.log.parquet"
    tmp.parent.mkdir(parents=True, exist_ok=True)
    con.execute(f"copy {files_table} to ? (format parquet)", [str(tmp)])
    os.rename(tmp, log / f"{load_id}.parquet")
