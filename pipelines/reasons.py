"""Why a row is rejected: a stable code, its parameters and its English text (SPEC §5 rejected_rows).

The rejects store keeps all three for every row: the English reason with the row's own details
(where a repeated key was first seen), the code and its parameters as JSON text, from which a page
can word the reason in its own language. The load summary groups rejected rows by kind: the code
and its parameters, less those that belong to the row alone (ROW_PARAMS).
"""

from __future__ import annotations

import json

TEXT = {
    "required_missing": "required value missing",
    "not_a_yes_no": "not a yes/no value",
    "unknown_value": "unknown value; expected one of {allowed}",
    "not_a_number": "not a number",
    "negative_amount": "negative amount",
    "not_a_whole_number": "not a whole number",
    "negative_count": "negative count",
    "out_of_scale": "outside the scale {min}–{max}",
    "number_out_of_range": "number outside {min} … {max}",
    "too_many_places": "more than {places} decimal places",
    "invalid_offset": "invalid time-zone offset (valid: Z, ±hh, ±hhmm, ±hh:mm up to ±14:00)",
    "not_a_timestamp": "not a timestamp; expected {expected}",
    "timestamp_out_of_range": "timestamp outside {min} … {max}",
    "precedes": "{column} precedes {other}",
    "duplicate_key": "duplicate key (first at {first})",
    "malformed_line": "malformed CSV line: {error}",
    "undecodable_bytes": "bytes not valid in {encoding}: {bytes}",
    "summary_row": "summary row",
    "version_not_a_number": "version not a number",
    "version_not_a_timestamp": "version not a timestamp; expected {expected}",
}
# parameters that describe the one row, not the kind of problem: left out of the summary's groups
ROW_PARAMS = {
    "duplicate_key": ("first_file", "first_row"),
    "malformed_line": ("error",),
    "undecodable_bytes": ("bytes",),
}
# the summary's name of a kind, where it is not the English reason (which may name the row)
KIND = {
    "duplicate_key": "duplicate key",
    "malformed_line": "malformed CSV line",
    "undecodable_bytes": "bytes not valid in {encoding}",
    "unknown_value": "unknown value (expected one of {allowed})",
    "number_out_of_range": "number outside {min} … {max}",
    "too_many_places": "more than {places} decimal places",
    "invalid_offset": "invalid time-zone offset (valid: Z, ±hh, ±hhmm, ±hh:mm up to ±14:00)",
    "not_a_timestamp": "not a timestamp (expected {expected})",
    "version_not_a_timestamp": "version not a timestamp (expected {expected})",
}


def params(**values) -> str:
    """Parameters as the JSON text stored in reason_params."""
    return json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def kind_params_sql(code: str, params_sql: str) -> str:
    """SQL of the parameters that tell a kind apart: none for the codes whose parameters are the row's."""
    codes = ", ".join(f"'{c}'" for c in ROW_PARAMS)
    return f"case when {code} in ({codes}) then null else {params_sql} end"


def label(code: str | None, params_json: str | None, reason: str) -> str:
    """The summary's name of a kind of rejected row ("not a timestamp (expected %d-%m-%Y %H:%M)")."""
    if code not in KIND:
        return reason
    return KIND[code].format(**json.loads(params_json or "{}"))


def example(row_number: int, column: str | None, value: str | None) -> str:
    """One row of a kind, for the summary: 'row 7 reported_at '05.01.2026''."""
    text = f"row {row_number}"
    if column:
        text += f" {column}"
    if value is not None:
        shown = value if len(value) <= 40 else value[:39] + "…"
        text += f" '{shown}'"
    return text
