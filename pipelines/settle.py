"""Settle the rows of one load across its files (SPEC §2, §3), before its batch is written.

Per source, the checked rows of every file are viewed together (rows_<source>, files numbered
1, 2, … in load order) and each row gets its outcome (all_<source>): its own first problem
(pipelines/validate.py), else
- a summary row (合计 / Total … and no key) after the file's last other row is rejected as such;
- with a profile's version column, a row whose version is empty, or does not read as the load's
  kind of version, is rejected; every other version of a key is accepted. The kind is numbers
  when at least as many of the load's valid rows read as a number as read as a timestamp;
- without one, a key repeated among valid rows is a duplicate: its first occurrence in load order
  stays, the later ones are rejected.
Which version is a key's record is left to the staging models (sql/macros/latest_version.sql), with
"latest batch wins": the batch keeps every version with its file, row number and version value.
"""

from __future__ import annotations

from . import reasons
from .contract import SOURCES
from .mapping import Mapping
from .validate import expected_timestamp

TOP_REASONS = 3  # kinds of rejected rows the load summary names per file


def settle(con, parts: list, mapping: Mapping) -> dict[str, str]:
    """Give every row of the load its outcome; fill in each file result's counts, records and top
    reason kinds; return, per source, the view of its rows (_file_name, _sha256 and the outcome)."""
    by_source: dict[str, list] = {}
    for seq, (res, raw, table) in enumerate(parts, start=1):
        by_source.setdefault(res.source, []).append((seq, res, raw, table))
    con.execute("create or replace table load_files_seq (_file_seq int, _file_name varchar, _sha256 varchar)")
    for seq, (res, raw, _) in enumerate(parts, start=1):
        con.execute("insert into load_files_seq values (?, ?, ?)", [seq, res.file_name, raw.sha256])
    con.execute("create or replace table load_version (name varchar)")
    con.execute("insert into load_version values (?)", [mapping.version])
    out = {}
    for source, items in by_source.items():
        # a CSV file's row number is its checked row's rowid (readers.materialise), any other's a column
        union = " union all ".join(
            f"select {seq} as _file_seq, {raw.row_number_sql + ' as _row_number, ' if raw.is_csv else ''}* from {table}"
            for seq, _, raw, table in items
        )
        con.execute(f"create view rows_{source} as {union}")
        _outcomes(con, source, mapping)
        _parse_rejects(con, source, items)
        out[source] = f"all_{source}"
        _count(con, source, items, versioned=mapping.version is not None)
    return out


def _outcomes(con, source: str, mapping: Mapping) -> None:
    """Create view all_<source>: rows_<source> with each row's final problem, file and version."""
    key = SOURCES[source]["key"]
    joins, marks = [], []
    # trailing summary rows: a summary candidate after the last other row of its file
    last = con.execute(
        f"select _file_seq, max(_row_number) filter (where _summary is null), count(_summary) "
        f"from rows_{source} group by 1"
    ).fetchall()
    if any(n for _, _, n in last):
        con.execute(f"create table last_{source} (_file_seq int, _last bigint)")
        con.executemany(f"insert into last_{source} values (?, ?)", [(s, m or 0) for s, m, _ in last])
        joins.append(f"left join last_{source} l on l._file_seq = r._file_seq")
        marks.append("when r._summary is not null and r._row_number > l._last then 'summary'")
    marks.append("when r._err_reason is not null then 'own'")
    version_number = version_at = "null"
    if mapping.version is not None:
        numbers, stamps = con.execute(
            f"select count(_version_num), count(_version_ts) from rows_{source} where _err_reason is null"
        ).fetchone()
        chosen = "_version_num" if numbers >= stamps else "_version_ts"
        if chosen == "_version_num":
            version_number = "_version_num"
            code, values = "version_not_a_number", {}
        else:
            version_at = "_version_ts"
            code, values = "version_not_a_timestamp", {"expected": expected_timestamp(mapping.version_format())}
        bad = (reasons.TEXT[code].format(**values), code, reasons.params(**values))
        marks.append("when r._version_text is null then 'version_missing'")
        marks.append(f"when r.{chosen} is null then 'version_bad'")
    else:
        bad = ("", "", "")
        # Keys seen more than once among valid rows, with their first occurrence: a small table, so
        # marking the later occurrences is a hash join rather than a window over every row. The
        # repeated keys are found first on the key alone; only their rows are read for the first.
        con.execute(
            f'create table dup_{source} as with repeated as (select "{key}" as _key from rows_{source} '
            "where _err_reason is null group by 1 having count(*) > 1) "
            f'select r."{key}" as _key, min({{"s": r._file_seq, "r": r._row_number}}) as _first '
            f'from rows_{source} r semi join repeated on r."{key}" = repeated._key '
            "where r._err_reason is null group by 1"
        )
        if con.execute(f"select count(*) from dup_{source}").fetchone()[0]:
            joins.append(
                f'left join dup_{source} d on r._err_reason is null and d._key = r."{key}" '
                "left join load_files_seq ff on ff._file_seq = d._first.s"
            )
            marks.append("when d._key is not null and {'s': r._file_seq, 'r': r._row_number} <> d._first then 'dup'")
    first = (
        "d._first, ff._file_name as _first_file"
        if any(j.startswith(f"left join dup_{source}") for j in joins)
        else "null::struct(s integer, r bigint) as _first, null::varchar as _first_file"
    )
    dup_reason = (
        "'duplicate key (first at ' || case when _first.s = _file_seq then '' else _first_file || ' ' end "
        "|| 'row ' || _first.r || ')'"
    )
    dup_params = "json_object('first_file', _first_file, 'first_row', _first.r)::varchar"
    version = "(select name from load_version)"

    def field(summary: str, missing: str, bad_value: str, dup: str, own: str) -> str:
        return (
            f"case _extra when 'summary' then {summary} when 'version_missing' then {missing} "
            f"when 'version_bad' then {bad_value} when 'dup' then {dup} else {own} end"
        )

    lit, quoted = _lit, f'"{key}"'
    con.execute(
        f"create view all_{source} as with marked as (select f._file_name, f._sha256, r.*, {first}, "
        # 'own' rather than null: DuckDB 2.0 fails to bind the fields below when _extra folds to a null
        f"case {' '.join(marks)} else 'own' end as _extra "
        f"from rows_{source} r join load_files_seq f on f._file_seq = r._file_seq {' '.join(joins)}) "
        "select * exclude (_extra, _first, _first_file, _summary, _version_text, _version_num, _version_ts) replace ("
        f"{field('null', version, version, lit(key), '_err_column')} as _err_column, "
        f"{field('_summary', 'null', '_version_text', quoted, '_err_value')} as _err_value, "
        f"{field(lit(reasons.TEXT['summary_row']), lit(reasons.TEXT['required_missing']), lit(bad[0]), dup_reason, '_err_reason')} "
        "as _err_reason, "
        f"{field(lit('summary_row'), lit('required_missing'), lit(bad[1]), lit('duplicate_key'), '_err_code')} "
        "as _err_code, "
        f"{field(lit(reasons.params()), lit(reasons.params()), lit(bad[2]), dup_params, '_err_params')} "
        "as _err_params), "
        f"{version_number}::double as _version_number, {version_at}::timestamp as _version_at from marked"
    )


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _parse_rejects(con, source: str, items: list) -> None:
    """Table parse_<source>: the lines the CSV parser could not split or that do not decode, as
    rejected rows (their column, when told, already named: ingest._check)."""
    con.execute(
        f"create table parse_{source} (_file_seq int, _file_name varchar, _sha256 varchar, _row_number bigint, "
        "_err_column varchar, _err_value varchar, _err_reason varchar, _err_code varchar, _err_params varchar)"
    )
    rows = [
        (
            seq,
            res.file_name,
            raw.sha256,
            row_number,
            column,
            value,
            reasons.TEXT[code].format(**values),
            code,
            reasons.params(**values),
        )
        for seq, res, raw, _ in items
        for row_number, column, value, code, values in raw.parse_rejects
    ]
    if rows:
        con.executemany(f"insert into parse_{source} values (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _count(con, source: str, items: list, versioned: bool) -> None:
    """Fill in each file's accepted and rejected rows, records (versioned profiles: its distinct
    keys among the accepted rows) and its top kinds of rejected rows, each with its first row."""
    key = SOURCES[source]["key"]
    records = f'count(distinct "{key}") filter (where _err_reason is null)' if versioned else "null"
    counts = con.execute(
        f"select _file_seq, count(*) filter (where _err_reason is null), "
        f"count(*) filter (where _err_reason is not null), {records} from all_{source} group by 1"
    ).fetchall()
    kinds = con.execute(
        "select _file_seq, _err_code, count(*) as n, "
        "min({'r': _row_number, 'column': _err_column, 'value': _err_value, 'reason': _err_reason, "
        "'params': _err_params}) as example "
        f"from (select _file_seq, _row_number, _err_column, _err_value, _err_reason, _err_code, _err_params "
        f"from all_{source} where _err_reason is not null union all select _file_seq, _row_number, _err_column, "
        "case when _err_code = 'undecodable_bytes' then _err_value end, "
        f"_err_reason, _err_code, _err_params from parse_{source}) "
        f"group by _file_seq, _err_code, {reasons.kind_params_sql('_err_code', '_err_params')} "
        "order by n desc, example"
    ).fetchall()
    for seq, res, raw, _ in items:
        acc, rej, recs = next(((a, r, k) for s, a, r, k in counts if s == seq), (0, 0, 0 if versioned else None))
        res.rows_accepted, res.rows_rejected = acc, rej + len(raw.parse_rejects)
        res.records = recs
        res.top_reasons = [
            (
                f"{reasons.label(code, ex['params'], ex['reason'])}, "
                f"e.g. {reasons.example(ex['r'], ex['column'], ex['value'])}",
                n,
            )
            for s, code, n, ex in kinds
            if s == seq
        ][:TOP_REASONS]
        assert res.rows_accepted + res.rows_rejected == res.rows_read, res
