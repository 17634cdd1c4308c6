"""Publishing (SPEC §2): a build writes a new file and swaps it in; a failed build publishes nothing."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from pipelines import landing
from pipelines.build import BuildError, build, read_meta, resolve_as_of, warehouse_path
from pipelines.settings import SurveyItem, load_settings
from tests.helpers import query, write_batch

ROWS = {
    "customers": [{"customer_id": "C1", "customer_name": "A", "region": "East"}],
    "tickets": [
        {
            "ticket_id": "T1",
            "customer_id": "C1",
            "ticket_type": "repair",
            "reported_at": "2026-01-10 08:00:00",
            "resolved_at": "2026-01-10 12:00:00",
            "visit_count": 1,
        }
    ],
}
REJECT = {
    "file_name": "tickets.csv",
    "sha256": "abc",
    "source": "tickets",
    "row_number": 7,
    "record_key": "T9",
    "column": "reported_at",
    "value": "yesterday",
    "reason": "not a timestamp",
}


def _log_only_load(data: Path) -> None:
    """A landing/log entry: a load whose only file was refused, so it landed no batch."""
    log = landing.landing_dir(data) / "log"
    log.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    try:
        con.execute(
            "create table files as select 'L-refused' as load_id, timestamp '2026-01-11 00:00' as loaded_at, "
            "'bad.xlsx' as file_name, 'ff' as sha256, 'tickets' as source, 'refused' as status, "
            "3::bigint as rows_read, 0::bigint as rows_accepted, 0::bigint as rows_rejected, "
            "'missing required columns: reported_at' as message"
        )
        con.execute("copy files to ? (format parquet)", [str(log / "L-refused.parquet")])
    finally:
        con.close()


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    data = tmp_path_factory.mktemp("published")
    write_batch(data, ROWS, rejects=[REJECT])
    _log_only_load(data)
    result = build(data, load_settings(), as_of=datetime(2026, 3, 1, 8, 30))
    return data, result


def _leftovers(data: Path) -> list[str]:
    return sorted(p.name for p in data.iterdir() if p.name.startswith(".build-") or p.name.endswith(".wal"))


def test_published_warehouse_has_no_wal_and_no_build_leftovers(published):
    data, result = published
    assert Path(result["path"]) == warehouse_path(data)
    assert warehouse_path(data).exists()
    assert _leftovers(data) == []


def test_read_meta_reads_the_live_warehouse(published):
    data, _ = published
    meta = read_meta(data)
    assert meta["as_of"] == datetime(2026, 3, 1, 8, 30)
    assert meta["landing_batches"] == 1
    assert meta["app_version"] == "0.1.0"


def test_log_only_loads_and_rejected_rows_reach_the_warehouse(published):
    data, _ = published
    assert query(data, "select status, message from load_files where load_id = 'L-refused'") == [
        ("refused", "missing required columns: reported_at")
    ]
    assert query(data, 'select row_number, "column", value, reason from rejected_rows') == [
        (7, "reported_at", "yesterday", "not a timestamp")
    ]


def test_failing_data_test_publishes_nothing_and_names_the_test(published, tmp_path):
    data, _ = published
    before = warehouse_path(data).read_bytes()
    settings = load_settings()
    kpis = dict(settings.kpis)
    kpis["first_time_fix"] = dataclasses.replace(kpis["first_time_fix"], weight=0.5)  # weights sum to 1.25
    with pytest.raises(BuildError, match="weights_sum_to_one"):
        build(data, dataclasses.replace(settings, kpis=kpis), as_of=datetime(2026, 3, 2))
    assert warehouse_path(data).read_bytes() == before
    assert _leftovers(data) == []
    assert read_meta(data)["as_of"] == datetime(2026, 3, 1, 8, 30)


def test_files_left_by_a_killed_build_are_removed_by_the_next(published, tmp_path):
    data, _ = published
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    (copy / ".build-killed.duckdb").write_bytes(b"half a database")
    (copy / ".build-killed.duckdb.wal").write_bytes(b"half a log")
    build(copy, load_settings(), as_of=datetime(2026, 3, 1, 8, 30))
    assert _leftovers(copy) == []


def test_corrupted_landing_file_publishes_nothing(published, tmp_path):
    data, _ = published
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    before = warehouse_path(copy).read_bytes()
    batch = landing.batch_dirs(copy)[0]
    (batch / "tickets.parquet").write_bytes(b"PAR1 this is not parquet")
    # the landing views are made before dbt runs: DuckDB reads each file's schema then
    with pytest.raises(BuildError, match=r"cannot read the landing files of tickets: .*/tickets\.parquet"):
        build(copy, load_settings(), as_of=datetime(2026, 3, 2))
    assert warehouse_path(copy).read_bytes() == before
    assert _leftovers(copy) == []


def test_no_data_loaded_yet_is_a_build_error(tmp_path):
    with pytest.raises(BuildError, match="no data loaded yet"):
        build(tmp_path, load_settings())
    assert not warehouse_path(tmp_path).exists()
    with pytest.raises(BuildError, match="no warehouse built yet"):
        read_meta(tmp_path)


def test_as_of_defaults_to_now_in_the_configured_zone_to_the_second():
    now = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    as_of = resolve_as_of(None, "Asia/Shanghai")
    assert as_of.tzinfo is None and as_of.microsecond == 0
    assert abs((as_of - now).total_seconds()) < 5
    utc = datetime(2026, 3, 1, 0, 0, 0, 123456, tzinfo=UTC)
    assert resolve_as_of(utc, "Asia/Shanghai") == datetime(2026, 3, 1, 8, 0, 0)


def test_configured_survey_item_missing_from_every_batch_is_an_unanswered_column(tmp_path):
    write_batch(
        tmp_path,
        ROWS
        | {
            "surveys": [
                {
                    "response_id": "R1",
                    "survey_type": "post_service",
                    "customer_id": "C1",
                    "responded_at": "2026-01-20 10:00:00",
                    "on_time": 4,
                    "attitude": 1,
                    "overall": 4,
                }
            ]
        },
    )
    items = (
        SurveyItem("post_service", "on_time", "是否及时到位", "On time", 0.5),
        SurveyItem("post_service", "speed", "速度", "Speed", 0.5),
        SurveyItem("periodic", "design", "设计", "Design", 1.0),
    )
    settings = dataclasses.replace(load_settings(), items=items)
    build(tmp_path, settings, as_of=datetime(2026, 3, 1))
    # attitude is no longer configured; speed is in no batch: on_time alone scores 4 → 75
    assert query(tmp_path, "select on_time, speed, csi, answered_items from survey_responses") == [(4, None, 75.0, 1)]
