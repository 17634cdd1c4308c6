"""Test helpers: write committed landing batches directly, build the warehouse and query it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines import contract, landing
from pipelines.build import build, warehouse_path
from pipelines.settings import Settings, load_settings

SOURCES = tuple(contract.SOURCES)


def _copy_rows(con, table: str, schema: list[tuple[str, str]], rows: list[dict], out: Path) -> None:
    cols = ", ".join(f'"{name}" {typ}' for name, typ in schema)
    con.execute(f"create or replace temp table {table} ({cols})")
    names = [name for name, _ in schema]
    for row in rows:
        unknown = set(row) - set(names)
        if unknown:
            raise KeyError(f"{table}: no landing column {sorted(unknown)}")
    if rows:
        marks = ", ".join("?" for _ in names)
        con.executemany(f"insert into {table} values ({marks})", [[r.get(n) for n in names] for r in rows])
    con.execute(f"copy {table} to ? (format parquet)", [str(out)])


def write_batch(
    data_dir: Path,
    rows: dict[str, list[dict]],
    load_id: str | None = None,
    settings: Settings | None = None,
    rejects: list[dict] | None = None,
) -> Path:
    """Commit one landing batch holding `rows` per source (every source file written, empty ones
    too) plus its files.parquet and rejects.parquet (`rejects`: rejected_rows fields, load_id
    filled in). Rows give contract columns only; the metadata columns are filled in. Returns the
    batch directory."""
    settings = settings or load_settings()
    load_id = load_id or landing.new_load_id()
    unknown = set(rows) - set(SOURCES)
    if unknown:
        raise KeyError(f"unknown sources {sorted(unknown)}")
    tmp = landing.begin_batch(Path(data_dir), load_id)
    con = duckdb.connect()
    try:
        files = []
        for source in SOURCES:
            src_rows = [
                {"_load_id": load_id, "_file_name": f"{source}.csv", "_row_number": i} | r
                for i, r in enumerate(rows.get(source, []), start=1)
            ]
            _copy_rows(con, source, contract.landing_schema(source, settings), src_rows, tmp / f"{source}.parquet")
            if src_rows:
                files.append(
                    {
                        "load_id": load_id,
                        "loaded_at": datetime.now(UTC).replace(tzinfo=None),
                        "file_name": f"{source}.csv",
                        "sha256": f"{load_id}-{source}",
                        "source": source,
                        "status": "loaded",
                        "rows_read": len(src_rows),
                        "rows_accepted": len(src_rows),
                        "rows_rejected": 0,
                        "message": None,
                    }
                )
        _copy_rows(con, "files", landing.FILES_SCHEMA, files, tmp / "files.parquet")
        _copy_rows(
            con,
            "rejects",
            landing.REJECTS_SCHEMA,
            [{"load_id": load_id} | r for r in rejects or []],
            tmp / "rejects.parquet",
        )
    finally:
        con.close()
    return landing.commit_batch(Path(data_dir), tmp)


def query(data_dir: Path, sql: str, params: list | None = None) -> list[tuple]:
    """Rows of a query against the published warehouse, opened read-only and closed again."""
    con = duckdb.connect(str(warehouse_path(Path(data_dir))), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def old_version_warehouse(demo_data: Path, data_dir: Path, change: str = "drop table survey_item_cube") -> Path:
    """A data directory holding the demo warehouse as an older version built it: `change` (SQL
    written in the test) run on a copy; by default before survey_item_cube existed."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = warehouse_path(data_dir)
    path.write_bytes(warehouse_path(demo_data).read_bytes())
    con = duckdb.connect(str(path))
    try:
        con.execute(change)
    finally:
        con.close()
    return data_dir


def build_and_query(
    data_dir: Path, as_of: datetime | str, sql: str, params: list | None = None, settings: Settings | None = None
) -> list[tuple]:
    """Build the warehouse from the landing store as of `as_of`, then run one query against it."""
    if isinstance(as_of, str):
        as_of = datetime.fromisoformat(as_of)
    build(Path(data_dir), settings or load_settings(), as_of=as_of)
    return query(data_dir, sql, params)
