"""The same landed data and as-of give the same warehouse, to the last bit, on every build (SPEC §2):
only the build's own time stamp may differ."""

from __future__ import annotations

import shutil

import duckdb

from pipelines.build import build, warehouse_path
from pipelines.settings import load_settings
from tests.helpers import query

STAMPS = {"built_at"}  # when the build ran: the one thing allowed to differ


def _contents(path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'main' order by 1"
            ).fetchall()
        ]
        out = {}
        for table in tables:
            cols = [
                c
                for (c,) in con.execute(
                    "select column_name from information_schema.columns where table_name = ? "
                    "and table_schema = 'main' order by ordinal_position",
                    [table],
                ).fetchall()
                if c not in STAMPS
            ]
            select = ", ".join(f'"{c}"' for c in cols)
            out[table] = con.execute(f'select {select} from "{table}" order by all').fetchall()
        return out
    finally:
        con.close()


def test_rebuilding_the_demo_gives_the_same_warehouse(demo_data, tmp_path):
    before = _contents(warehouse_path(demo_data))
    [(as_of,)] = query(demo_data, "select as_of from meta_build")
    shutil.copytree(demo_data / "landing", tmp_path / "landing")
    build(tmp_path, load_settings(), as_of=as_of)
    after = _contents(warehouse_path(tmp_path))
    assert sorted(after) == sorted(before)
    assert len(before["kpi_events"]) > 1000 and len(before["csi_monthly"]) > 20
    for table in before:
        assert after[table] == before[table], table
