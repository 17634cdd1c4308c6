"""Mapping profiles (SPEC §3): translate other systems' exports into the source contract.

A profile is a TOML file (format documented in the README):

    source = "tickets"                 # optional: the source of every file loaded with it
    time_zone = "America/New_York"     # optional: zone of timestamps written without offset
    null_values = ["?", "NULL", "N/A"] # optional: export values (trimmed, any case) meaning empty
    [key]                              # optional: the file is a sequence of versions of records
    version = "sys_mod_count"          # export column ordering them (a number, else a timestamp)
    [columns]                          # export header = contract column
    "Unique Key" = "ticket_id"
    [values.status]                    # contract column → export value = contract value
    "In Progress" = "open"
    "*" = "other"                      # optional default for any other non-empty value
    [formats]                          # contract column (or "*") = strptime format
    "*" = "%m/%d/%Y %I:%M:%S %p"
    [constants]                        # a column the export lacks, set to one value
    ticket_type = "repair"
    [derived]                          # a column built from export columns: {Header} placeholders
    customer_id = "NYC-{Borough}"
"""

from __future__ import annotations

import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path

from .contract import SOURCES, normalise_header


class MappingError(ValueError):
    """A mapping profile that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Mapping:
    path: Path | None = None
    source: str | None = None
    time_zone: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # normalised export header → contract column
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # column → lower(export) → value
    formats: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    derived: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # column → [(kind, text)]
    # export values meaning empty in every column, trimmed and lower-cased; the empty string always
    # does, and so do a workbook's error cells (SPEC §3)
    null_values: tuple[str, ...] = ()
    version: str | None = None  # the export column whose value orders the versions of a key (SPEC §3)

    def format_for(self, column: str) -> str | None:
        return self.formats.get(column) or self.formats.get("*")

    def version_format(self) -> str | None:
        """The timestamp format of the version column: given for it by its export header, or "*"."""
        wanted = normalise_header(self.version or "")
        given = next((f for col, f in self.formats.items() if normalise_header(col) == wanted), None)
        return given or self.formats.get("*")


NO_MAPPING = Mapping()
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


def _parse_template(template: str) -> list[tuple[str, str]]:
    """'NYC-{Borough}' → [('lit', 'NYC-'), ('col', 'Borough')]."""
    parts, pos = [], 0
    for m in _PLACEHOLDER.finditer(template):
        if m.start() > pos:
            parts.append(("lit", template[pos : m.start()]))
        parts.append(("col", m.group(1)))
        pos = m.end()
    if pos < len(template):
        parts.append(("lit", template[pos:]))
    return parts


def load_mapping(path: str | Path | None) -> Mapping:
    """Read and check a mapping profile; None gives the identity mapping."""
    if path is None:
        return NO_MAPPING
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MappingError(f"{path}: mapping file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{path}: not valid TOML: {exc}") from None
    known = {"source", "time_zone", "null_values", "key", "columns", "values", "formats", "constants", "derived"}
    for key in raw:
        if key not in known:
            raise MappingError(f"{path}: unknown key '{key}' (expected one of {', '.join(sorted(known))})")
    source = raw.get("source")
    if source is not None and source not in SOURCES:
        raise MappingError(f"{path}: key 'source' must be one of {', '.join(SOURCES)}, got {source!r}")
    tz = raw.get("time_zone")
    if tz is not None:
        try:
            zoneinfo.ZoneInfo(tz)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise MappingError(f"{path}: key 'time_zone' is not a known time zone: {tz!r}") from None

    def table(key: str) -> dict:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            raise MappingError(f"{path}: key '{key}' must be a table")
        for k, v in value.items():
            if key != "values" and not isinstance(v, str):
                raise MappingError(f"{path}: key '{key}.{k}' must be a string")
        return value

    nulls = raw.get("null_values", [])
    if not isinstance(nulls, list) or not all(isinstance(v, str) for v in nulls):
        raise MappingError(f"{path}: key 'null_values' must be a list of strings")
    key = table("key")
    for k in key:
        if k != "version":
            raise MappingError(f"{path}: unknown key 'key.{k}' (expected version)")
    if "version" in key and not key["version"].strip():
        raise MappingError(f"{path}: key 'key.version' must name an export column")
    values = {}
    for col, vmap in table("values").items():
        if not isinstance(vmap, dict) or not all(isinstance(v, str) for v in vmap.values()):
            raise MappingError(f"{path}: key 'values.{col}' must be a table of strings")
        values[col] = {k.strip().lower() if k != "*" else "*": v for k, v in vmap.items()}
    return Mapping(
        path=path,
        source=source,
        time_zone=tz,
        columns={normalise_header(k): v for k, v in table("columns").items()},
        values=values,
        formats=dict(table("formats")),
        constants=dict(table("constants")),
        derived={k: _parse_template(v) for k, v in table("derived").items()},
        null_values=tuple(dict.fromkeys(v.strip().lower() for v in nulls if v.strip())),
        version=key.get("version"),
    )
