"""Map headers and validate rows of one raw table against the source contract (SPEC §3).

Also finds a file's header row (header_finder). All type and row rules run as one set-based DuckDB
statement: each row comes out typed, with the first problem found (column, raw value, reason, its
code and parameters: pipelines/reasons.py) or none. A profile's null markers are empty values
before any rule. Values from files and mapping profiles are bound as named parameters; only
positional column names and code constants appear in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import reasons
from .contract import SOURCES, Column, columns, enum_values, normalise_header
from .mapping import Mapping
from .readers import FileRefused, RawTable
from .settings import Settings

TRUE_WORDS = ("true", "t", "yes", "y", "1", "是")
FALSE_WORDS = ("false", "f", "no", "n", "0", "否")
# the shapes a timestamp without a profile format may take (SPEC §3), after YYYY/MM/DD is rewritten
# as YYYY-MM-DD: a date, a time of day 00:00 … 23:59:59 and an ISO offset (Z, ±hh, ±hhmm, ±hh:mm; real
# offsets lie within ±14:00). Special words (infinity, epoch), 24:00 and other offsets fit none of them.
TS_LOCAL = r"\d{4,6}-\d{1,2}-\d{1,2}([ T]([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?)?"
TS_OFFSET = TS_LOCAL + r"(Z|[+-](0\d|1[0-3])(:?[0-5]\d)?|[+-]14(:?00)?)"
TS_ANY_OFFSET = TS_LOCAL + r"[+-]\d\d(:?\d\d)?"  # an offset, valid or not: "invalid offset" when not
INT_TEXT = r"[+-]?\d+"  # a whole number as text, read exactly (a double holds 53 bits)
INT_RANGE = (-(2**63), 2**63 - 1)  # BIGINT, the landing type of a count
EXACT_DOUBLE = 2**53  # the whole numbers a double holds exactly: beyond, "1e20" is out of range
# a decimal as text: digits, optionally grouped by thousands with commas, optionally a fraction
DECIMAL_TEXT = r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?|[+-]?\.\d+"
DECIMAL_PLACES = 2  # DECIMAL(18,2), the landing type of an amount (contract.py)
DECIMAL_LIMIT = 10**16  # DECIMAL(18,2) holds magnitudes below this
EXTRA_PLACES = rf"\.\d{{{DECIMAL_PLACES}}}0*[1-9]"  # a non-zero digit beyond the kept places
DATE_CELL = r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?"  # how a workbook's date cell reads
TS_RANGE = ("1900-01-01", "2100-12-31")  # the timestamps a value may hold (SPEC §3)
WORKBOOK_ENCODINGS = ("xlsx", "xlsm", "xls", "ods")  # RawTable.encoding of a workbook sheet
# the first non-empty cell of a totals row (SPEC §3), lower-cased, without a trailing colon
SUMMARY_WORDS = ("合计", "总计", "小计", "total", "sum")


@dataclass
class Resolved:
    """Which contract column comes from where in one raw table."""

    source: str
    by_column: dict[str, int]  # contract column → raw column index
    unmatched: list[str]  # headers that map to no contract column
    version_index: int | None = None  # raw column of the profile's version column, if it has one


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _match(headers: list[str], source: str, settings: Settings, mapping: Mapping) -> tuple[dict[str, int], list]:
    """(contract column → index of the header that provides it, headers that provide none)."""
    cols = {c.name for c in columns(source, settings)}
    lookup = {}
    for c in columns(source, settings):
        lookup.setdefault(normalise_header(c.name), c.name)
        lookup.setdefault(normalise_header(c.zh), c.name)
    by_column: dict[str, int] = {}
    unmatched = []
    for i, header in enumerate(headers):
        key = normalise_header(header)
        target = mapping.columns.get(key) or lookup.get(key)
        if target and target not in by_column and target in cols:
            by_column[target] = i
        else:
            unmatched.append(header)
    return by_column, unmatched


def _missing(headers: list[str], by_column: dict[str, int], source: str, settings: Settings, mapping: Mapping):
    """The required columns that neither a header, a constant nor a derived column (whose
    placeholders name headers present) provides."""
    present = {normalise_header(h) for h in headers}
    derived = {
        col
        for col, parts in mapping.derived.items()
        if all(normalise_header(text) in present for kind, text in parts if kind == "col")
    }
    provided = set(by_column) | set(mapping.constants) | derived
    return [c for c in columns(source, settings) if c.required and c.name not in provided]


def header_finder(settings: Settings, mapping: Mapping):
    """`find_header` for the readers (SPEC §3): the index of the first row whose cells name every
    required column of the source (the profile's renames, constants and derived columns counted)
    and at least one contract column, or None."""

    def find(rows: list[list[str | None]], source: str | None) -> int | None:
        if source is None:
            return None
        for i, row in enumerate(rows):
            headers = [c or "" for c in row]
            by_column, _ = _match(headers, source, settings, mapping)
            if by_column and not _missing(headers, by_column, source, settings, mapping):
                return i
        return None

    return find


def resolve_headers(raw: RawTable, source: str, settings: Settings, mapping: Mapping) -> Resolved:
    """Match headers (mapping first, then English names and Chinese aliases); refuse a file
    missing a required column, naming the missing columns and the headers found."""
    by_column, unmatched = _match(raw.headers, source, settings, mapping)
    provided = set(by_column) | set(mapping.constants) | set(mapping.derived)
    missing = [c for c in columns(source, settings) if c.required and c.name not in provided]
    if missing:
        names = ", ".join(f"{c.name} ({c.zh})" for c in missing)
        found = ", ".join(h for h in raw.headers if h) or "none"
        raise FileRefused(f"missing required column(s) {names}; headers found: {found}")
    present = [normalise_header(h) for h in raw.headers]
    for col, parts in mapping.derived.items():
        for kind, text in parts:
            if kind == "col" and normalise_header(text) not in present:
                raise FileRefused(
                    f"mapping derives '{col}' from column '{text}', which the file lacks; "
                    f"headers found: {', '.join(raw.headers)}"
                )
    version_index = None
    if mapping.version is not None:
        if normalise_header(mapping.version) not in present:
            raise FileRefused(
                f"mapping orders versions by column '{mapping.version}', which the file lacks; "
                f"headers found: {', '.join(raw.headers)}"
            )
        version_index = present.index(normalise_header(mapping.version))
    return Resolved(source, by_column, unmatched, version_index)


class _Sql:
    """Collects named parameters while SQL text is generated."""

    def __init__(self):
        self.params: dict[str, object] = {}

    def param(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return "$" + name


def _cell(index: int, mapping: Mapping, q: _Sql) -> str:
    """The trimmed text of raw column `index`, null when empty or one of the profile's null markers."""
    text = f"nullif(trim(c{index}), '')"
    if not mapping.null_values:
        return text
    return f"(case when list_contains({q.param(list(mapping.null_values))}, lower({text})) then null else {text} end)"


def _text_expr(col: Column, raw: RawTable, res: Resolved, mapping: Mapping, q: _Sql) -> str:
    """The trimmed text of a contract column, after null markers, constants, templates and value maps."""
    if col.name in res.by_column:
        expr = _cell(res.by_column[col.name], mapping, q)
    elif col.name in mapping.derived:
        index = {normalise_header(h): i for i, h in enumerate(raw.headers)}
        parts = [
            q.param(text) if kind == "lit" else _cell(index[normalise_header(text)], mapping, q)
            for kind, text in mapping.derived[col.name]
        ]
        # || yields null when any placeholder is empty: the value is then missing, not half-made
        expr = f"nullif({' || '.join(parts)}, '')"
    elif col.name in mapping.constants:
        expr = f"nullif(trim({q.param(mapping.constants[col.name])}), '')"
    else:
        return "null::varchar"
    vmap = mapping.values.get(col.name)
    if vmap:
        whens = " ".join(f"when {q.param(k)} then {q.param(v)}" for k, v in vmap.items() if k != "*")
        default = q.param(vmap["*"]) if "*" in vmap else expr
        expr = f"(case when {expr} is null then null else case lower({expr}) {whens} else {default} end end)"
    return expr


# (SQL condition, reason code, English reason, parameters) of one way a value can be invalid
Problem = tuple[str, str, str, str]


def _problem(cond: str, code: str, **values) -> Problem:
    return cond, code, reasons.TEXT[code].format(**values), reasons.params(**values)


def timestamp_sql(t: str, fmt: str | None, workbook: bool, settings: Settings, mapping: Mapping, q: _Sql) -> str:
    """SQL parsing text t as a timestamp in the configured zone (SPEC §3): by the profile's format,
    else ISO 8601 (with or without offset) or YYYY/MM/DD. A workbook's date cells read as
    YYYY-MM-DD HH:MM:SS[.fff] whatever the format (workbook.py), and are taken as such."""
    same_zone = (mapping.time_zone or settings.time_zone) == settings.time_zone

    def local(expr: str) -> str:  # a naive timestamp in the export's zone, to the configured one
        if same_zone:
            return expr
        return f"timezone({q.param(settings.time_zone)}, timezone({q.param(mapping.time_zone)}, {expr}))"

    if fmt:
        parsed = f"try_strptime({t}, {q.param(fmt)})"
        typed = f"timezone({q.param(settings.time_zone)}, {parsed})" if "%z" in fmt else local(parsed)
        if workbook:
            cell = f"(case when regexp_full_match({t}, {_lit(DATE_CELL)}) then try_cast({t} as timestamp) end)"
            typed = f"coalesce({typed}, {local(cell)})"
        return typed
    iso = (
        f"(case when contains({t}, '/') then regexp_replace({t}, "
        r"'^(\d{4})/(\d{1,2})/(\d{1,2})', '\1-\2-\3') else " + t + " end)"
    )
    # the shape is checked first: DuckDB itself reads 'epoch', 'infinity' and 24:00, and drops an
    # offset when asked for a timestamp without time zone
    return (
        f"(case when regexp_full_match({iso}, {_lit(TS_LOCAL)}) then {local(f'try_cast({iso} as timestamp)')} "
        f"when regexp_full_match({iso}, {_lit(TS_OFFSET)}) "
        f"then timezone({q.param(settings.time_zone)}, try_cast({iso} as timestamptz)) end)"
    )


def expected_timestamp(fmt: str | None) -> str:
    return fmt or "YYYY-MM-DD[ HH:MM[:SS]], YYYY/MM/DD HH:MM[:SS] or ISO 8601"


def _decimal(t: str, v: str, binary: bool) -> tuple[str, list[Problem]]:
    """An amount (SPEC §3), as written and never rounded: text with more places than the landing type
    keeps ('-0.004'; '1.000,5' is no number) is rejected. A workbook's or Parquet file's number is a
    binary float, as is text in exponent form: it is taken to the cent when within float noise of one."""
    places = DECIMAL_PLACES
    plain = f"regexp_full_match({t}, {_lit(DECIMAL_TEXT)})"
    text = f"replace({t}, ',', '')"
    num = f"try_cast(case when {plain} then {text} else {t} end as double)"
    in_range = f"abs({num}) < {DECIMAL_LIMIT}"
    exact = (
        f"(case when {plain} and not regexp_matches({t}, {_lit(EXTRA_PLACES)}) "
        f"then try_cast({text} as decimal(18,{places})) end)"
    )
    cents = f"({num} * {10**places})"
    near = (
        f"(case when {'true' if binary else f'not {plain}'} and isfinite({num}) and {in_range} "
        f"and abs({cents} - round({cents})) < 1e-6 then cast(round({num}, {places}) as decimal(18,{places})) end)"
    )
    given = f"{t} is not null and {v} is null"
    lo, hi = -DECIMAL_LIMIT, DECIMAL_LIMIT
    return f"coalesce({exact}, {near})", [
        _problem(
            f"{given} and not isnan({num}) and (isinf({num}) or abs({num}) >= {DECIMAL_LIMIT})",
            "number_out_of_range",
            min=lo,
            max=hi,
        ),
        _problem(f"{given} and isfinite({num})", "too_many_places", places=places),
        _problem(given, "not_a_number"),
        _problem(f"{v} < 0", "negative_amount"),
    ]


def _typed(
    col: Column, t: str, v: str, workbook: bool, settings: Settings, mapping: Mapping, q: _Sql, binary: bool = False
) -> tuple[str, list[Problem]]:
    """(typed SQL expression of text column t, the problems an invalid value has, in terms of t
    and the typed column v; the first that holds is the row's). `binary`: numbers come from binary
    floats (workbook cells, Parquet doubles)."""
    kind = col.type
    given = f"{t} is not null and {v} is null"
    if kind == "str":
        return t, []
    if kind == "bool":
        typed = (
            f"(case when lower({t}) in ({', '.join(map(_lit, TRUE_WORDS))}) then true "
            f"when lower({t}) in ({', '.join(map(_lit, FALSE_WORDS))}) then false end)"
        )
        return typed, [_problem(given, "not_a_yes_no")]
    if kind == "enum":
        values = enum_values(col.enum, settings)
        whens = " ".join(
            f"when {_lit(val.lower())} then {_lit(val)} when {_lit(zh.lower())} then {_lit(val)}"
            for val, zh in values.items()
        )
        allowed = ", ".join(f"{val}/{zh}" for val, zh in values.items())
        return f"(case lower({t}) {whens} end)", [_problem(given, "unknown_value", allowed=allowed)]
    if kind == "decimal":
        return _decimal(t, v, binary)
    if kind in ("int", "score", "nps"):
        num = f"try_cast({t} as double)"
        exact = f"(case when regexp_full_match({t}, {_lit(INT_TEXT)}) then try_cast({t} as bigint) end)"
        near = f"(case when isfinite({num}) and abs({num}) <= {EXACT_DOUBLE} and {num} = round({num}) then cast({num} as bigint) end)"
        typed = f"coalesce({exact}, {near})"
        lo, hi = INT_RANGE
        whole_text = f"regexp_full_match({t}, {_lit(INT_TEXT)})"
        huge = f"{given} and ({whole_text} or not isnan({num}) and abs({num}) > {EXACT_DOUBLE})"
        if kind == "int":
            return typed, [
                _problem(huge, "number_out_of_range", min=lo, max=hi),
                _problem(given, "not_a_whole_number"),
                _problem(f"{v} < 0", "negative_count"),
            ]
        lo, hi = {"score": (settings.scale_min, settings.scale_max), "nps": (0, 10)}[kind]
        off = f"{v} < {int(lo)} or {v} > {int(hi)}"
        return typed, [
            _problem(huge, "out_of_scale", min=lo, max=hi),
            _problem(given, "not_a_whole_number"),
            _problem(off, "out_of_scale", min=lo, max=hi),
        ]
    if kind == "timestamp":
        fmt = mapping.format_for(col.name)
        typed = timestamp_sql(t, fmt, workbook, settings, mapping, q)
        # SPEC §3: a timestamp a service record cannot hold (DuckDB reads 5/10/26 as the year 5)
        off = f"{v} < timestamp '{TS_RANGE[0]}' or {v} >= timestamp '{TS_RANGE[1]}' + interval 1 day"
        shape = f"(case when contains({t}, '/') then regexp_replace({t}, '/', '-', 'g') else {t} end)"
        bad_offset = f"{given} and regexp_full_match({shape}, {_lit(TS_ANY_OFFSET)})"
        return typed, [
            *([] if fmt else [_problem(bad_offset, "invalid_offset")]),
            _problem(given, "not_a_timestamp", expected=expected_timestamp(fmt)),
            _problem(off, "timestamp_out_of_range", min=TS_RANGE[0], max=TS_RANGE[1]),
        ]
    raise AssertionError(kind)


def _error_struct(column: str | None, value: str, problem: Problem) -> str:
    _, code, text, params = problem
    col = _lit(column) if column is not None else "null::varchar"
    return (
        f"{{'column': {col}, 'value': {value}, 'reason': {_lit(text)}, 'code': {_lit(code)}, 'params': {_lit(params)}}}"
    )


def _first_cell_sql(raw: RawTable) -> str:
    return "coalesce(" + ", ".join(f"nullif(trim(c{i}), '')" for i in range(len(raw.headers))) + ")"


def _summary_sql(key_text: str) -> str:
    """The first non-empty cell (_first_cell) of a row when it is a summary word (合计, Total, …) and
    the row has no key, or only that word in the key column (SPEC §3; ERP exports put 合计 in
    their first column, often the key's); else null. Whether the row trails its file is settled
    with the other rows (pipelines/settle.py)."""
    words = ", ".join(map(_lit, SUMMARY_WORDS))
    return (
        f"case when ({key_text} is null or {key_text} = _first_cell) "
        f"and regexp_replace(lower(_first_cell), '[:：]$', '') in ({words}) then _first_cell end"
    )


def validate_sql(raw: RawTable, res: Resolved, settings: Settings, mapping: Mapping, out: str) -> tuple[str, dict]:
    """SQL creating table `out`: typed contract columns, _row_number (not for a CSV file, whose
    rows keep the file's order), the first problem of each row (_err_column, _err_value,
    _err_reason, _err_code, _err_params; nulls for a valid row), _summary (the summary word of a
    possible totals row) and, with a versioned profile, the version as text, number and timestamp."""
    q = _Sql()
    cols = columns(res.source, settings)
    key = SOURCES[res.source]["key"]
    workbook = raw.encoding in WORKBOOK_ENCODINGS
    binary = workbook or raw.encoding == "parquet"
    texts, typed, checks = [], [], []
    for c in cols:
        t, v = f'"_t_{c.name}"', f'"{c.name}"'
        texts.append(f"{_text_expr(c, raw, res, mapping, q)} as {t}")
        expr, problems = _typed(c, t, v, workbook, settings, mapping, q, binary)
        typed.append(f"{expr} as {v}")
        if c.required:
            problems = [_problem(f"{t} is null", "required_missing"), *problems]
        checks.append((c.name, t, problems))
    # Row rules (SPEC §3): event times must not precede the record's start; closed_at not before resolved_at.
    rules = [(c.name, c.not_before) for c in cols if c.not_before]
    rules += {"tickets": [("closed_at", "resolved_at")]}.get(res.source, [])
    for a, b in rules:
        checks.append((a, f'"_t_{a}"', [_problem(f'"{a}" < "{b}"', "precedes", column=a, other=b)]))
    structs = ", ".join(
        "case " + " ".join(f"when {p[0]} then {_error_struct(name, t, p)}" for p in problems) + " end"
        for name, t, problems in checks
        if problems
    )
    texts.append(f"{_first_cell_sql(raw)} as _first_cell")
    key_text = f'"_t_{key}"'
    extra = [f"{_summary_sql(key_text)} as _summary"]
    if res.version_index is not None:
        vt = "_version_text"
        texts.append(f"{_cell(res.version_index, mapping, q)} as {vt}")
        number = f"try_cast(replace({vt}, ',', '') as double)"
        stamp = timestamp_sql(vt, mapping.version_format(), workbook, settings, mapping, q)
        extra += [vt, f"case when isfinite({number}) then {number} end as _version_num", f"{stamp} as _version_ts"]
    else:
        extra += ["null::varchar as _version_text", "null::double as _version_num", "null::timestamp as _version_ts"]
    names = ", ".join(f'"{c.name}"' for c in cols)
    # a CSV file's rows carry no row number: its rowid in `out` gives it (readers.materialise)
    row_number = "" if raw.is_csv else "_row_number, "
    sql = (
        f"create or replace table {out} as with texts as (select {row_number}"
        f"{', '.join(texts)} from {raw.table}), "
        f"typed as (select *, {', '.join(typed)} from texts), "
        f"checked as (select *, coalesce({structs}) as err from typed) "
        f"select {row_number}{names}, err.column as _err_column, err.value as _err_value, "
        f"err.reason as _err_reason, err.code as _err_code, err.params as _err_params, {', '.join(extra)} "
        "from checked"
    )
    return sql, q.params | raw.params
