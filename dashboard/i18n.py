"""Text a user sees, in Chinese (default) and English: lookup, formatting and the language switch.

The strings are data: dashboard/locales/<code>.toml, one file per language holding every key (a
translator edits those, not this module). They are read once, at import; a malformed file, a key
one language lacks or placeholders that differ between the languages fail the import, naming the
file and the key. `t(key, **values)` formats the string of the current language. KPI, survey item
and root-cause names come from the settings (name_zh / name_en) through `name`, not from here.
"""

from __future__ import annotations

import re
import string
import tomllib
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

LOCALES = Path(__file__).with_name("locales")
CODES = ("zh", "en")  # the switch's order, the default first; TEXT holds (zh, en) pairs, as t() reads them


class LocaleError(ValueError):
    """A locale file that cannot serve as its language's table."""


def read_locale(path: Path) -> tuple[str, dict[str, str]]:
    """(the language's own name from [locale], key → text) of one locale file; its other tables only group keys."""
    try:
        source = path.read_text(encoding="utf-8")
        data = tomllib.loads(source)
    except (OSError, UnicodeDecodeError) as err:
        raise LocaleError(f"{path}: {err}") from None
    except tomllib.TOMLDecodeError as err:
        at = re.search(r"at line (\d+)", str(err))
        lines = source.splitlines()
        line = lines[int(at[1]) - 1].strip() if at and int(at[1]) <= len(lines) else ""
        raise LocaleError(f"{path}: {err}" + (f": {line}" if line else "")) from None
    locale = data.pop("locale", None)
    if not isinstance(locale, dict) or list(locale) != ["name"] or not isinstance(locale["name"], str):
        raise LocaleError(f"{path}: [locale] must hold name, the language's own name, and nothing else")
    texts: dict[str, str] = {}
    table_of: dict[str, str] = {}
    for table, entries in data.items():
        if not isinstance(entries, dict):
            raise LocaleError(f"{path}: {table} is outside a table; every key belongs to one")
        for key, text in entries.items():
            if not isinstance(text, str):
                raise LocaleError(f"{path}: [{table}] {key} is not a string but {type(text).__name__}")
            if key in texts:
                raise LocaleError(f"{path}: {key} is in both [{table_of[key]}] and [{table}]")
            texts[key], table_of[key] = text, table
    return locale["name"], texts


def placeholders(text: str) -> set[tuple[str, str, str]]:
    """The (field name, conversion, format spec) of each placeholder; ValueError if malformed."""
    return {
        (field, conv or "", spec or "") for _, field, spec, conv in string.Formatter().parse(text) if field is not None
    }


def problems(tables: dict[str, dict[str, str]]) -> list[str]:
    """Why the tables (label, e.g. a file name → key → text) are not one table of languages: a key
    some of them lack, a text that is no format string, a key whose placeholders differ between them."""
    found = []
    for key in dict.fromkeys(k for texts in tables.values() for k in texts):
        lacking = [label for label, texts in tables.items() if key not in texts]
        if lacking:
            found.append(f"{key} is missing from {', '.join(lacking)}")
            continue
        fields = {}
        for label, texts in tables.items():
            try:
                fields[label] = placeholders(texts[key])
            except ValueError as err:  # e.g. a lone "{"
                found.append(f"{label}: {key} is not a format string ({err})")
        if len({frozenset(f) for f in fields.values()}) > 1:
            each = "; ".join(f"{label} {_shown(f)}" for label, f in fields.items())
            found.append(f"{key} has different placeholders: {each}")
    return found


def _shown(fields: set[tuple[str, str, str]]) -> str:
    braces = sorted(
        "{" + name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "") + "}" for name, conv, spec in fields
    )
    return ", ".join(braces) or "none"


def load(directory: Path = LOCALES) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    """(code → the language's own name, key → (zh text, en text)) from `directory`/zh.toml and en.toml;
    LocaleError, naming the file and the key, when a file is malformed or the two disagree."""
    paths = [directory / f"{code}.toml" for code in CODES]
    (zh_name, zh), (en_name, en) = (read_locale(path) for path in paths)
    found = problems({str(paths[0]): zh, str(paths[1]): en})
    if found:
        raise LocaleError("the locale files disagree:\n  " + "\n  ".join(found))
    return dict(zip(CODES, (zh_name, en_name), strict=True)), {key: (zh[key], en[key]) for key in zh}


LANGUAGES, TEXT = load()


_LAST = ["zh"]  # the language of the latest script run, for calls made outside one
# A language forced by `using` (reports): per thread / task, so that a report generated for one
# session (e.g. on download_button's worker thread) never changes another session's language.
_FORCED: ContextVar[str | None] = ContextVar("forced_language", default=None)


@contextmanager
def using(language: str):
    """Within the block, `lang()` (and so `t`) returns `language` (zh or en), in or outside a script run."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: one of {', '.join(LANGUAGES)}")
    token = _FORCED.set(language)
    try:
        yield
    finally:
        _FORCED.reset(token)


def lang() -> str:
    """The current language: the session's choice, else Chinese. Outside a script run (AppTest
    formats widget options after the run) the language of the latest run is used."""
    forced = _FORCED.get()
    if forced:
        return forced
    if get_script_run_ctx(suppress_warning=True) is None:
        return _LAST[0]
    value = st.session_state.get("lang", "zh")
    _LAST[0] = value if value in LANGUAGES else "zh"
    return _LAST[0]


def t(key: str, **values) -> str:
    """The text of `key` in the current language (the key itself when missing, so it shows)."""
    pair = TEXT.get(key)
    if pair is None:
        return key
    text = pair[0] if lang() == "zh" else pair[1]
    return text.format(**values) if values else text


def name(row, prefix: str = "name") -> str:
    """A settings-driven name (e.g. a KPI's name_zh / name_en) of a record or dict."""
    return row[f"{prefix}_zh"] if lang() == "zh" else row[f"{prefix}_en"]
