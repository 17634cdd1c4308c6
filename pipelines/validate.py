"""Map headers and validate rows of one raw table against the source contract (SPEC §3).

All type and row rules run as one set-based DuckDB statement: each row comes out typed, with the
first problem found (column, raw value, reason) or none. Values from files and mapping profiles
are bound as named parameters; only positional column names and code constants appear in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from .contract import Column, columns, enum_values, normalise_header
from .mapping import Mapping
from .readers import FileRefused, RawTable
from .settings import Settings

TRUE_WORDS = ("true", "t", "yes", "y", "1", "是")
FALSE_WORDS = ("false", "f", "no", "n", "0", "否")
TS_WITH_OFFSET = r"\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|z|[+-]\d\d(:?\d\d)?)$"


@dataclass
class Resolved:
    """Which contract column comes from where in one raw table."""

    source: str
    by_column: dict[str, int]  # contract column → raw column index
    unmatched: list[str]  # headers that map to no contract column


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def resolve_headers(raw: RawTable, source: str, settings: Settings, mapping: Mapping) -> Resolved:
    """Match headers (mapping first, then English names and Chinese aliases); refuse a file
    missing a required column, naming the missing columns and the headers found."""
    cols = columns(source, settings)
    lookup = {}
    for c in cols:
        lookup.setdefault(normalise_header(c.name), c.name)
        lookup.setdefault(normalise_header(c.zh), c.name)
    by_column: dict[str, int] = {}
    unmatched = []
    for i, header in enumerate(raw.headers):
        key = normalise_header(header)
        target = mapping.columns.get(key) or lookup.get(key)
        if target and target not in by_column and target in {c.name for c in cols}:
            by_column[target] = i
        else:
            unmatched.append(header)
    provided = set(by_column) | set(mapping.constants) | set(mapping.derived)
    missing = [c for c in cols if c.required and c.name not in provided]
    if missing:
        names = ", ".join(f"{c.name} ({c.zh})" for c in missing)
        found = ", ".join(h for h in raw.headers if h) or "none"
        raise FileRefused(f"missing required column(s) {names}; headers found: {found}")
    for col, parts in mapping.derived.items():
        for kind, text in parts:
            if kind == "col" and normalise_header(text) not in {normalise_header(h) for h in raw.headers}:
                raise FileRefused(
                    f"mapping derives '{col}' from column '{text}', which the file lacks; "
                    f"headers found: {', '.join(raw.headers)}"
                )
    return Resolved(source, by_column, unmatched)


class _Sql:
    """Collects named parameters while SQL text is generated."""

    def __init__(self):
        self.params: dict[str, object] = {}

    def param(self, value) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return "$" + name


def _text_expr(col: Column, raw: RawTable, res: Resolved, mapping: Mapping, q: _Sql) -> str:
    """The trimmed text of a contract column, after constants, templates and value maps."""
    if col.name in res.by_column:
        expr = f"nullif(trim(c{res.by_column[col.name]}), '')"
    elif col.name in mapping.derived:
        index = {normalise_header(h): i for i, h in enumerate(raw.headers)}
        parts = [
            q.param(text) if kind == "lit" else f"nullif(trim(c{index[normalise_header(text)]}), '')"
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


def _typed(col: Column, t: str, v: str, settings: Settings, mapping: Mapping, q: _Sql) -> tuple[str, str]:
    """(typed SQL expression of text column t, SQL giving the reason text when the value is invalid,
    in terms of t and the typed column v)."""
    kind = col.type
    if kind == "str":
        return t, "null"
    if kind == "bool":
        typed = (
            f"(case when lower({t}) in ({', '.join(map(_lit, TRUE_WORDS))}) then true "
            f"when lower({t}) in ({', '.join(map(_lit, FALSE_WORDS))}) then false end)"
        )
        return typed, f"case when {t} is not null and {v} is null then 'not a yes/no value' end"
    if kind == "enum":
        values = enum_values(col.enum, settings)
        whens = " ".join(
            f"when {_lit(val.lower())} then {_lit(val)} when {_lit(zh.lower())} then {_lit(val)}"
            for val, zh in values.items()
        )
        allowed = ", ".join(f"{val}/{zh}" for val, zh in values.items())
        reason = _lit("unknown value; expected one of " + allowed)
        return f"(case lower({t}) {whens} end)", f"case when {t} is not null and {v} is null then {reason} end"
    if kind == "decimal":
        typed = f"try_cast(replace({t}, ',', '') as decimal(18,2))"
        return typed, (
            f"case when {t} is not null and {v} is null then 'not a number' when {v} < 0 then 'negative amount' end"
        )
    if kind in ("int", "score", "nps"):
        num = f"try_cast({t} as double)"
        lo, hi = {"int": (0, None), "score": (settings.scale_min, settings.scale_max), "nps": (0, 10)}[kind]
        typed = f"(case when {num} = round({num}) then cast({num} as bigint) end)"
        if kind == "int":
            return typed, (
                f"case when {t} is not null and {v} is null then 'not a whole number' "
                f"when {v} < 0 then 'negative count' end"
            )
        out_of_scale = _lit(f"outside the scale {lo}–{hi}")
        return typed, (
            f"case when {t} is not null and {v} is null then 'not a whole number' "
            f"when {v} < {lo} or {v} > {hi} then {out_of_scale} end"
        )
    if kind == "timestamp":
        fmt = mapping.format_for(col.name)
        same_zone = (mapping.time_zone or settings.time_zone) == settings.time_zone
        target = q.param(settings.time_zone)
        zone = target if same_zone else q.param(mapping.time_zone)
        if fmt and "%z" in fmt:
            typed = f"timezone({target}, try_strptime({t}, {q.param(fmt)}))"
        elif fmt:
            typed = f"timezone({target}, timezone({zone}, try_strptime({t}, {q.param(fmt)})))"
        else:
            iso = (
                f"(case when contains({t}, '/') then regexp_replace({t}, "
                r"'^(\d{4})/(\d{1,2})/(\d{1,2})', '\1-\2-\3') else " + t + " end)"
            )
            # no offset fits in 19 characters (YYYY-MM-DD HH:MM:SS): the common case skips the regex,
            # and the zone conversion when the values are already in the configured zone
            local = (
                f"try_cast({iso} as timestamp)"
                if same_zone
                else f"timezone({target}, timezone({zone}, try_cast({iso} as timestamp)))"
            )
            typed = (
                f"(case when length({t}) <= 19 or not regexp_matches({t}, {_lit(TS_WITH_OFFSET)}) "
                f"then {local} else timezone({target}, try_cast({iso} as timestamptz)) end)"
            )
        expected = f"expected {fmt}" if fmt else "expected YYYY-MM-DD[ HH:MM[:SS]], YYYY/MM/DD HH:MM[:SS] or ISO 8601"
        return typed, f"case when {t} is not null and {v} is null then {_lit('not a timestamp; ' + expected)} end"
    raise AssertionError(kind)


def validate_sql(raw: RawTable, res: Resolved, settings: Settings, mapping: Mapping, out: str) -> tuple[str, dict]:
    """SQL creating table `out`: typed contract columns, _row_number (not for a CSV file, whose
    rows keep the file's order) and the first problem (_err_column, _err_value, _err_reason) of
    each row, or nulls for a valid row."""
    q = _Sql()
    cols = columns(res.source, settings)
    texts, typed, checks = [], [], []
    for c in cols:
        t, v = f'"_t_{c.name}"', f'"{c.name}"'
        texts.append(f"{_text_expr(c, raw, res, mapping, q)} as {t}")
        expr, reason = _typed(c, t, v, settings, mapping, q)
        typed.append(f"{expr} as {v}")
        if c.required:
            reason = f"case when {t} is null then 'required value missing' else ({reason}) end"
        checks.append((c.name, t, reason))
    # Row rules (SPEC §3): event times must not precede the record's start; closed_at not before resolved_at.
    rules = [(c.name, c.not_before) for c in cols if c.not_before]
    rules += {"tickets": [("closed_at", "resolved_at")]}.get(res.source, [])
    for a, b in rules:
        checks.append((a, f'"_t_{a}"', f'case when "{a}" < "{b}" then {_lit(f"{a} precedes {b}")} end'))
    structs = ", ".join(
        f"case when ({reason}) is not null then {{'column': {_lit(name)}, 'value': {t}, 'reason': ({reason})}} end"
        for name, t, reason in checks
    )
    names = ", ".join(f'"{c.name}"' for c in cols)
    # a CSV file's rows carry no row number: its rowid in `out` gives it (readers.materialise)
    row_number = "" if raw.is_csv else "_row_number, "
    sql = (
        f"create or replace table {out} as with texts as (select {row_number}"
        f"{', '.join(texts)} from {raw.table}), "
        f"typed as (select *, {', '.join(typed)} from texts), "
        f"checked as (select *, coalesce({structs}) as err from typed) "
        f"select {row_number}{names}, err.column as _err_column, err.value as _err_value, "
        f"err.reason as _err_reason from checked"
    )
    return sql, q.params | raw.params
