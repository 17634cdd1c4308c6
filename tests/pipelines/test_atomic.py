"""A load that fails midway or is killed leaves the landing store and the warehouse as they were."""

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipelines import ingest
from pipelines.build import build
from pipelines.settings import ROOT, load_settings

SETTINGS = load_settings()
FIRST = "customer_id,customer_name\nC1,甲\n"
SECOND_CUSTOMERS = "customer_id,customer_name\nC1,甲改\nC2,乙\n"
SECOND_TICKETS = "ticket_id,customer_id,ticket_type,reported_at\nT1,C1,repair,2026-01-05 10:00\n"


def snapshot(data: Path) -> dict[str, str]:
    """Content hash of every file a reader could see (the lock file and scratch space aside)."""
    out = {}
    for p in sorted(data.rglob("*")):
        rel = p.relative_to(data).as_posix()
        if p.is_file() and rel != ".lock" and not rel.startswith((".scratch-", "landing/.tmp")):
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture()
def loaded(tmp_path):
    """A data directory with one committed batch and a published warehouse, plus a second load's files."""
    data = tmp_path / "data"
    (tmp_path / "customers.csv").write_text(FIRST, encoding="utf-8")
    assert ingest.run([tmp_path / "customers.csv"], SETTINGS, data).committed
    build(data, SETTINGS)
    new = tmp_path / "second"
    new.mkdir()
    (new / "customers.csv").write_text(SECOND_CUSTOMERS, encoding="utf-8")
    (new / "tickets.csv").write_text(SECOND_TICKETS, encoding="utf-8")
    return data, new


@pytest.mark.parametrize("point", ["wrote_customers", "wrote_complaints", "before_commit"])
def test_load_failing_midway_changes_nothing(loaded, monkeypatch, point):
    data, new = loaded
    before = snapshot(data)
    monkeypatch.setenv("AFTERSALES_TEST_FAIL", point)
    with pytest.raises(RuntimeError, match="injected failure"):
        ingest.run([new], SETTINGS, data)
    assert snapshot(data) == before
    assert not list((data / "landing" / ".tmp").glob("*"))


def test_load_killed_with_sigkill_changes_nothing(loaded):
    data, new = loaded
    before = snapshot(data)
    env = dict(os.environ, AFTERSALES_TEST_PAUSE="wrote_quotes", AFTERSALES_DATA=str(data))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines", "load", str(new)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    marker = data / ".paused-wrote_quotes"
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the load never reached the pause point"
    assert list((data / "landing" / ".tmp").glob("*/customers.parquet")), "a half-written batch exists"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    marker.unlink()
    assert snapshot(data) == before  # the half-written batch is invisible
    # the next load clears the debris and lands the files in full
    result = ingest.run([new], SETTINGS, data)
    assert result.committed and not list((data / "landing" / ".tmp").glob("*"))
    assert len(list((data / "landing" / "batches").iterdir())) == 2
