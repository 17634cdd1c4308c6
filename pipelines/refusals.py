"""A file that cannot be loaded at all, and the one-line reason a reader's error gives (SPEC §3)."""

from __future__ import annotations


class FileRefused(Exception):
    """The whole file cannot be loaded (unreadable, unknown source, missing required columns)."""


def refusal_of(exc: BaseException) -> str:
    """The one-line reason a reader's error gives: a damaged workbook's zlib or XML error, a Parquet
    or CSV reader's error, an encoding error (SPEC §3: a file that cannot be read is refused)."""
    if isinstance(exc, FileRefused):
        return str(exc)
    text = first_line(exc)
    return f"cannot read the file ({type(exc).__name__}{': ' + text if text else ''})"


def first_line(exc: BaseException) -> str:
    """An error's first line, cut at 300 characters (DuckDB adds the statement below it)."""
    text = next((line.strip() for line in str(exc).splitlines() if line.strip()), "")
    return text if len(text) <= 300 else text[:299] + "…"
