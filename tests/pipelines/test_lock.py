"""The data directory's lock (SPEC §2): a check takes none; a load or build that finds it held names
the holder and waits a bounded time; scratch directories of dead processes are removed; uploads are
stored under safe names and recorded under their own."""

import os
import re
import subprocess
import sys

import duckdb
import pytest

from pipelines import cli, ingest, landing
from pipelines.readers import safe_name
from pipelines.settings import load_settings

SETTINGS = load_settings()
TICKETS = "ticket_id,customer_id,ticket_type,reported_at\nT1,C1,repair,2024-11-01 08:00\n"
HOLDER = r"build \(pid \d+\) since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d"


def test_a_check_runs_while_a_load_holds_the_lock(tmp_path):
    f = tmp_path / "tickets.csv"
    f.write_text(TICKETS, encoding="utf-8")
    with landing.lock(tmp_path / "data", "load"):
        (r,) = ingest.run([f], SETTINGS, tmp_path / "data", commit=False, lock_wait=0).files
    assert (r.status, r.rows_accepted) == ("checked", 1)


def test_a_load_that_finds_the_lock_held_names_the_holder_and_gives_up_after_the_wait(tmp_path):
    f = tmp_path / "tickets.csv"
    f.write_text(TICKETS, encoding="utf-8")
    told = []
    with landing.lock(tmp_path / "data", "build"):
        with pytest.raises(landing.LockBusy) as caught:
            ingest.run([f], SETTINGS, tmp_path / "data", lock_wait=0.3, notify=told.append)
    assert re.fullmatch(f"the data directory is locked by {HOLDER}; gave up after waiting 0.3 s", str(caught.value))
    assert len(told) == 1 and re.fullmatch(f"the data directory is locked by {HOLDER}; waiting up to 0.3 s …", told[0])
    assert not (tmp_path / "data" / "landing" / "batches").exists()
    (r,) = ingest.run([f], SETTINGS, tmp_path / "data", lock_wait=0).files  # released: the load goes in
    assert r.status == "loaded"


def test_the_cli_load_exits_1_naming_the_holder_when_the_wait_runs_out(tmp_path, monkeypatch, capsys):
    f = tmp_path / "tickets.csv"
    f.write_text(TICKETS, encoding="utf-8")
    monkeypatch.setenv("AFTERSALES_DATA", str(tmp_path / "data"))
    monkeypatch.setenv("AFTERSALES_LOCK_WAIT", "0.2")
    with landing.lock(tmp_path / "data", "build"):
        assert cli.main(["load", "--no-build", str(f)]) == 1
        assert cli.main(["build"]) == 1
        assert cli.main(["check", str(f)]) == 0
    err = capsys.readouterr().err
    assert re.search(f"load refused: the data directory is locked by {HOLDER}; gave up after waiting 0.2 s", err)
    assert re.search(
        f"build failed, the previous warehouse keeps serving: the data directory is locked by {HOLDER}", err
    )


def test_scratch_directories_of_dead_processes_are_removed_by_the_next_load(tmp_path):
    data = tmp_path / "data"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    for name in (f".scratch-{dead.stdout.strip()}-k1ll3d", ".scratch-a1b2c3", f".scratch-{os.getppid()}-live"):
        (data / name).mkdir(parents=True)
    f = tmp_path / "tickets.csv"
    f.write_text(TICKETS, encoding="utf-8")
    ingest.run([f], SETTINGS, data)
    assert sorted(p.name for p in data.glob(".scratch-*")) == [f".scratch-{os.getppid()}-live"]


@pytest.mark.parametrize(
    "name,stored",
    [
        ("工单.csv", "工单.csv"),
        ("../../etc/tickets.csv", "tickets.csv"),
        ("C:\\exports\\tickets.xlsx", "tickets.xlsx"),
        ("..", "upload_0"),
        ("\x00\x01.csv", "upload_0.csv"),
        ("工" * 100 + ".csv", "工" * 65 + ".csv"),  # 3 bytes each: 195 + 4 ≤ 200
    ],
)
def test_an_upload_is_stored_under_a_safe_name(name, stored):
    assert safe_name(name, "upload_0") == stored


def test_a_file_stored_under_a_safe_name_is_recorded_under_its_own(tmp_path):
    original = "tickets-" + "x" * 300 + ".csv"  # over 255 bytes: no file system stores it
    stored = tmp_path / safe_name(original, "upload_0")
    stored.write_text(TICKETS, encoding="utf-8")
    (r,) = ingest.run([stored], SETTINGS, tmp_path / "data", source="tickets", names={stored: original}).files
    assert (r.file_name, r.status) == (original, "loaded")
    batch = next((tmp_path / "data" / "landing" / "batches").iterdir())
    con = duckdb.connect()
    assert con.execute("select file_name from read_parquet(?)", [str(batch / "files.parquet")]).fetchall() == [
        (original,)
    ]
    assert con.execute("select _file_name from read_parquet(?)", [str(batch / "tickets.parquet")]).fetchall() == [
        (original,)
    ]
