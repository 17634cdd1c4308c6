"""The content of a report, independent of its format: sections of text, tables and charts.

The quarterly report is composed once (dashboard/report/quarterly_doc.py) and drawn by both
render_pdf and render_pptx, so the two formats carry the same content. Charts are
dashboard.charts figures, turned into PNG by dashboard/report/png.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # kept light: the command line imports this before starting the browser
    import plotly.graph_objects as go


class ReportError(Exception):
    """A report that cannot be made for a reason the user can fix (unknown period, no warehouse,
    bad filter): the CLI prints the message and exits 2."""


@dataclass
class Text:
    """A paragraph. style: body | note (small, grey) | alert (red) | good (green) | lead (larger)."""

    text: str
    style: str = "body"


@dataclass
class Table:
    """A table of already formatted cells. widths are relative; align is one letter (L, R, C) per
    column; strong rows (indexes) are drawn bold-coloured (totals, the composite)."""

    header: list[str]
    rows: list[list[str]]
    widths: list[float]
    align: str
    title: str | None = None
    strong: set[int] = field(default_factory=set)


@dataclass
class Chart:
    """A plotly figure and its PNG (filled by png.Renderer); width / height in CSS pixels."""

    figure: go.Figure
    width: int = 1000
    height: int = 430
    png: bytes | None = None


@dataclass
class Section:
    title: str
    blocks: list = field(default_factory=list)

    def add(self, *blocks) -> Section:
        self.blocks.extend(b for b in blocks if b is not None)
        return self


@dataclass
class Document:
    """title / subtitle and the cover's label-value lines, then the sections in order."""

    title: str
    subtitle: str
    cover: list[tuple[str, str]]
    sections: list[Section]
    lang: str
    footer: str = ""

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]
