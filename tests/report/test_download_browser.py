"""The Overview's report buttons in the served app, clicked in Debian's Chromium: the files arrive,
made on click, in the page's language."""

from __future__ import annotations

import io

import pypdf
from pptx import Presentation

from tests.e2e.browser import browser, open_app, served


def test_overview_buttons_download_the_quarterly_pdf_and_pptx(demo_data):
    with served(demo_data) as (url, _), browser() as b:
        page = b.new_page(accept_downloads=True)
        open_app(page, url, "en")
        files = {}
        for label in ("Download PDF report", "Download PPTX report"):
            with page.expect_download(timeout=180_000) as info:
                page.get_by_role("button", name=label).click()
            files[info.value.suggested_filename] = open(info.value.path(), "rb").read()
    pdf, pptx = files["service_quality_2026Q3.pdf"], files["service_quality_2026Q3.pptx"]
    first = pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Quarterly review 2026Q3" in first and "None (all data)" in first
    assert "The quarter is not over" not in pypdf.PdfReader(io.BytesIO(pdf)).pages[1].extract_text()  # Q3 is
    assert len(Presentation(io.BytesIO(pptx)).slides) > 5
