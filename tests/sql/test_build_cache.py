"""dbt's parsed project is kept per data directory (data/.dbt/target), reused by later builds and
handed to new data directories; what changes from build to build (the as-of time) must still reach
every model, and builds into different data directories must not disturb each other (SPEC §2)."""

from __future__ import annotations

import dataclasses
import threading
from datetime import datetime

from pipelines.build import DBT_STATE, build
from pipelines.settings import load_settings
from tests.helpers import query, write_batch
from tests.sql.landing_rows import AS_OF, PAST_AS_OF, crafted_rows

SNAPSHOT = (
    "select (select as_of from meta_build), (select count(*) from tickets), "
    "(select count(*) from kpi_events), (select count(*) from survey_responses)"
)


def test_a_later_build_reuses_the_parsed_project_but_not_the_as_of(crafted, crafted_past, tmp_path):
    settings = load_settings()
    write_batch(tmp_path, crafted_rows(), settings=settings)
    build(tmp_path, settings, as_of=datetime.fromisoformat(AS_OF))
    state = tmp_path / DBT_STATE / "target" / "partial_parse.msgpack"
    assert state.exists()
    parsed = state.stat().st_mtime_ns
    build(tmp_path, settings, as_of=datetime.fromisoformat(PAST_AS_OF))
    assert state.stat().st_mtime_ns == parsed, "the as-of time alone made dbt parse the project again"
    past = query(tmp_path, SNAPSHOT)
    assert past[0][0] == datetime.fromisoformat(PAST_AS_OF)
    assert past == query(crafted_past[0], SNAPSHOT)
    build(tmp_path, settings, as_of=datetime.fromisoformat(AS_OF))
    assert query(tmp_path, SNAPSHOT) == query(crafted[0], SNAPSHOT) != past


def test_changed_settings_reach_the_models_on_the_next_build(tmp_path):
    settings = load_settings()
    write_batch(tmp_path, crafted_rows(), settings=settings)
    sql = "select tier_weight from customers where customer_id = 'C1'"
    build(tmp_path, settings, as_of=datetime.fromisoformat(AS_OF))
    assert query(tmp_path, sql) == [(settings.tier_weights["key"],)]
    heavier = dataclasses.replace(settings, tier_weights={"key": 5.0, "general": 1.0})
    build(tmp_path, heavier, as_of=datetime.fromisoformat(AS_OF))
    assert query(tmp_path, sql) == [(5.0,)]


def test_concurrent_builds_into_different_data_directories(tmp_path):
    settings = load_settings()
    dirs = {AS_OF: tmp_path / "a", PAST_AS_OF: tmp_path / "b"}
    for data in dirs.values():
        write_batch(data, crafted_rows(), settings=settings)
    errors = []

    def run(as_of, data):
        try:
            build(data, settings, as_of=datetime.fromisoformat(as_of))
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=item) for item in dirs.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    for as_of, data in dirs.items():
        assert query(data, "select as_of from meta_build") == [(datetime.fromisoformat(as_of),)]


def test_a_new_data_directory_reuses_the_parsed_project_of_an_earlier_build(tmp_path):
    # nothing dbt parses names the data directory (the build runs in it, the batches come through
    # views), so the project parsed for one directory is handed to the next one (sql/target)
    settings = load_settings()
    first, second = tmp_path / "first", tmp_path / "second's data"  # a quote in the path, too
    for data in (first, second):
        write_batch(data, crafted_rows(), settings=settings)
    build(first, settings, as_of=datetime.fromisoformat(AS_OF))
    build(second, settings, as_of=datetime.fromisoformat(AS_OF))
    log = (second / "logs" / "dbt.log").read_text(encoding="utf-8")
    assert "Running with dbt" in log and "Unable to do partial parsing" not in log
    assert query(second, SNAPSHOT) == query(first, SNAPSHOT)
