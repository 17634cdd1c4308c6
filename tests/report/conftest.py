"""Fixtures of the report tests: the demo warehouse (tests/conftest.py), one Chromium session for
every chart drawn in this package's tests, the reports made once each, and hand-written SQL."""

from __future__ import annotations

import io

import pypdf
import pytest
from pptx import Presentation

from dashboard.report import quarterly_report
from dashboard.report.png import Renderer
from tests.helpers import query  # noqa: F401 — the report tests' hand-written SQL, re-exported

QUARTER = "2026Q3"  # the demo is built as of 2026-11-01: 2026Q3 is its latest complete quarter
MONTH = "2026-10"


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)


def pptx_tables(body: bytes) -> list[list[list[str]]]:
    """Every table of the deck as rows of cell texts."""
    out = []
    for slide in Presentation(io.BytesIO(body)).slides:
        for shape in slide.shapes:
            if shape.has_table:
                out.append([[cell.text for cell in row.cells] for row in shape.table.rows])
    return out


def pptx_text(body: bytes) -> str:
    parts = []
    for slide in Presentation(io.BytesIO(body)).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts.extend(cell.text for row in shape.table.rows for cell in row.cells)
    return "\n".join(parts)


@pytest.fixture(scope="session")
def renderer():
    with Renderer() as r:
        yield r


@pytest.fixture(scope="session")
def report(demo_data, renderer):
    """report(fmt, lang, filters=None) -> bytes of the 2026Q3 report, made once per argument set."""
    made: dict = {}

    def make(fmt: str, lang: str = "zh", filters=None, quarter: str = QUARTER) -> bytes:
        key = (fmt, lang, filters, quarter)
        if key not in made:
            made[key] = quarterly_report(quarter, fmt, lang, filters, demo_data, renderer=renderer)
        return made[key]

    return make
