"""Why an input row was rejected, in the reader's language (SPEC §5 rejected_rows, §7.7).

The rejects store keeps the English reason and, beside it, a stable reason_code with its
parameters (JSON). A reason is worded from its code through the translation table (reason_<code>);
a row stored without a code (a batch loaded before codes existed) is matched against the English
wording of each code, and a reason that matches none is shown as stored. Column names in a reason
are shown by their contract names in Chinese (SPEC §3). No Streamlit here.
"""

from __future__ import annotations

import json
import re

from dashboard.i18n import TEXT, lang, t
from pipelines.contract import SOURCES
from pipelines.reasons import TEXT as REASONS
from pipelines.settings import load_settings

# The English wording of each code as the loader writes it; placeholders are the code's parameters.
ENGLISH = REASONS
_DUPLICATE_AT = re.compile(r"^(?:(?P<first_file>.+) )?row (?P<first_row>\d+)$")
_ZH_COLUMNS = {(name, c.name): c.zh for name, source in SOURCES.items() for c in source["columns"]} | {
    ("surveys", item.id): item.zh
    for item in load_settings().items  # the survey item columns (config/settings.toml)
}


def _pattern(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(f"^{regex}$", re.S)


_PATTERNS = {code: _pattern(text) for code, text in ENGLISH.items()}


def parse(reason: str | None) -> tuple[str | None, dict]:
    """(code, parameters) of an English reason as the loader words it; (None, {}) when none fits."""
    if not reason:
        return None, {}
    for code, pattern in _PATTERNS.items():
        m = pattern.match(reason)
        if m:
            params = m.groupdict()
            if code == "duplicate_key":
                at = _DUPLICATE_AT.match(params.pop("first"))
                if not at:
                    return None, {}
                params.update(at.groupdict())
            return code, params
    return None, {}


def column_label(name, source: str | None = None) -> str:
    """A column of `source` as a reader knows it: its contract name in Chinese (SPEC §3), its name
    in English; a column the contract does not know shows as its name."""
    if name is None or (isinstance(name, float) and name != name):
        return "—"
    if lang() != "zh":
        return str(name)
    zh = _ZH_COLUMNS.get((source, str(name)))
    if zh is None:  # the source unknown: the name when every source calls the column alike
        names = {v for (_, col), v in _ZH_COLUMNS.items() if col == str(name)}
        zh = names.pop() if len(names) == 1 else None
    return zh or str(name)


def reason_text(code, params, reason, source: str | None = None, file_name: str | None = None) -> str:
    """The reason of a rejected row of `source` (in file `file_name`) in the current language: from
    reason_code and its parameters (a dict or its JSON text) when given, else from the English
    `reason`; the stored text when neither is known. A key first seen in the row's own file is worded
    without the file, as the English reason is."""
    values: dict = {}
    if isinstance(code, str) and code:
        if isinstance(params, str) and params:
            try:
                values = json.loads(params)
            except ValueError:
                values = {}
        elif isinstance(params, dict):
            values = params
    else:
        code, values = parse(reason if isinstance(reason, str) else None)
    key = f"reason_{code}"
    if code is None or key not in TEXT:
        return "—" if not isinstance(reason, str) or not reason else reason
    values = {k: ("" if v is None else v) for k, v in values.items()}
    if code == "precedes":
        values = {
            "column": column_label(values.get("column"), source),
            "other": column_label(values.get("other"), source),
        }
    if code == "duplicate_key" and values.get("first_file") and values.get("first_file") != file_name:
        key = "reason_duplicate_key_in_file"
    try:
        return t(key, **values)
    except (KeyError, IndexError):  # parameters that do not fit the text: the stored reason
        return reason if isinstance(reason, str) and reason else t(key)
