"""A report Document as PPTX (python-pptx), 16:9: a cover slide, then each section's blocks flowed
onto slides under the section title (a table too long for one slide continues on the next, with
its header repeated). Text is real text; PowerPoint draws it in the named font (Microsoft YaHei for
Chinese and Latin, which Windows and Office have; other viewers substitute a CJK font)."""

from __future__ import annotations

import io
import math

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from dashboard.i18n import t
from dashboard.report.model import Chart, Document, Section, Table, Text

FONT = "Microsoft YaHei"
W, H = 13.333, 7.5  # inches
LEFT, TOP, BOTTOM = 0.5, 1.15, 7.0  # content area: from below the title to above the footer
BLUE, GREY, DARK = RGBColor(0, 114, 178), RGBColor(110, 110, 110), RGBColor(30, 30, 30)
RED, GREEN, WHITE = RGBColor(213, 94, 0), RGBColor(0, 130, 90), RGBColor(255, 255, 255)
HEAD_FILL, ZEBRA, STRONG_FILL = RGBColor(0, 90, 150), RGBColor(242, 246, 250), RGBColor(222, 235, 247)
STYLES = {"body": (14, DARK), "lead": (16, DARK), "note": (11, GREY), "alert": (14, RED), "good": (14, GREEN)}
TABLE_PT = 11
ROW_IN = 0.22  # height of one line of a table row at TABLE_PT


def _text_width(text: str, size: float) -> float:
    """Rough width in inches of `text` at `size` pt: CJK characters are square, Latin about half."""
    em = sum(1.0 if ord(c) >= 0x2E80 else 0.55 for c in text)
    return em * size / 72


def _lines(text: str, size: float, width: float) -> int:
    return sum(max(1, math.ceil(_text_width(part, size) / max(width, 0.1))) for part in text.split("\n"))


def _style_run(run, size: float, colour: RGBColor) -> None:
    run.font.size = Pt(size)
    run.font.color.rgb = colour
    run.font.name = FONT
    rpr = run._r.get_or_add_rPr()
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = rpr.makeelement(qn("a:ea"), {})
        rpr.append(ea)
    ea.set("typeface", FONT)


def _set_text(frame, text: str, size: float, colour: RGBColor, align=None) -> None:
    frame.word_wrap = True
    for i, line in enumerate(text.split("\n")):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if align is not None:
            para.alignment = align
        run = para.add_run()
        run.text = line
        _style_run(run, size, colour)


class _Deck:
    def __init__(self, doc: Document):
        self.doc = doc
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Inches(W), Inches(H)
        self.layout = self.prs.slide_layouts[6]  # blank
        self.slide = None
        self.y = TOP
        self.title = ""

    def textbox(self, slide, x: float, y: float, w: float, h: float, text: str, size: float, colour: RGBColor):
        box = slide.shapes.add_textbox(Inches(x), Inches(y), Inches(w), Inches(h))
        frame = box.text_frame
        frame.margin_left = frame.margin_right = Inches(0.02)
        frame.margin_top = frame.margin_bottom = Inches(0.02)
        _set_text(frame, text, size, colour)
        return box

    def new_slide(self, title: str | None = None) -> None:
        self.slide = self.prs.slides.add_slide(self.layout)
        number = len(self.prs.slides)
        shown = title or self.title
        self.textbox(self.slide, LEFT, 0.35, W - 2 * LEFT, 0.6, shown, 24, BLUE)
        line = self.slide.shapes.add_connector(
            MSO_CONNECTOR.STRAIGHT, Inches(LEFT), Inches(0.98), Inches(W - LEFT), Inches(0.98)
        )
        line.line.color.rgb = BLUE
        self.textbox(self.slide, LEFT, 7.1, 8, 0.3, self.doc.footer, 9, GREY)
        self.textbox(self.slide, W - LEFT - 2, 7.1, 2, 0.3, t("rpt_page", page=number), 9, GREY).text_frame.paragraphs[
            0
        ].alignment = PP_ALIGN.RIGHT
        self.y = TOP

    def ensure(self, height: float) -> None:
        """Start a continuation slide when `height` inches do not fit below the current position."""
        if self.y + height > BOTTOM and self.y > TOP + 0.01:
            self.new_slide(f"{self.title} {t('rpt_continued')}")

    def cover(self) -> None:
        doc = self.doc
        slide = self.prs.slides.add_slide(self.layout)
        self.textbox(slide, 0.8, 1.4, W - 1.6, 0.9, doc.title, 34, BLUE)
        self.textbox(slide, 0.8, 2.35, W - 1.6, 0.6, doc.subtitle, 22, DARK)
        y = 3.3
        for label, value in doc.cover:
            h = 0.32 * _lines(value, 13, W - 4.6)
            self.textbox(slide, 0.8, y, 2.3, h, label, 13, GREY)
            self.textbox(slide, 3.2, y, W - 4.0, h, value, 13, DARK)
            y += h + 0.05
        self.textbox(slide, 0.8, y + 0.1, W - 1.6, 0.3, t("rpt_filters_note"), 11, GREY)

    def text(self, block: Text) -> None:
        size, colour = STYLES.get(block.style, STYLES["body"])
        width = W - 2 * LEFT
        h = _lines(block.text, size, width - 0.1) * size * 1.35 / 72 + 0.08
        self.ensure(h)
        self.textbox(self.slide, LEFT, self.y, width, h, block.text, size, colour)
        self.y += h + 0.05

    def _row_height(self, cells: list[str], widths: list[float]) -> float:
        return ROW_IN * max(_lines(str(c), TABLE_PT, w - 0.12) for c, w in zip(cells, widths, strict=True)) + 0.04

    def table(self, block: Table) -> None:
        full = W - 2 * LEFT
        span = full * (0.55 if len(block.header) <= 3 else 1.0)
        widths = [span * w / sum(block.widths) for w in block.widths]
        head_h = self._row_height(block.header, widths)
        heights = [self._row_height(r, widths) for r in block.rows]
        start = 0
        while True:
            title_h = 0.4 if block.title else 0.0
            self.ensure(title_h + head_h + (heights[start] if start < len(heights) else 0))
            if block.title:
                self.textbox(
                    self.slide,
                    LEFT,
                    self.y,
                    full,
                    0.35,
                    block.title + (f" {t('rpt_continued')}" if start else ""),
                    14,
                    BLUE,
                )
                self.y += title_h
            room, end = BOTTOM - self.y - head_h, start
            while end < len(heights) and (room >= heights[end] or end == start):
                room -= heights[end]
                end += 1
            self._draw_table(block, widths, start, end, head_h, heights)
            if end >= len(block.rows):
                break
            start = end
            self.new_slide(f"{self.title} {t('rpt_continued')}")
        self.y += 0.15

    def _draw_table(
        self, block: Table, widths: list[float], start: int, end: int, head_h: float, heights: list[float]
    ) -> None:
        rows = block.rows[start:end]
        shape = self.slide.shapes.add_table(
            len(rows) + 1,
            len(block.header),
            Inches(LEFT),
            Inches(self.y),
            Emu(sum(Inches(w) for w in widths)),
            Inches(head_h + sum(heights[start:end])),
        )
        table = shape.table
        for j, w in enumerate(widths):
            table.columns[j].width = Inches(w)
        align = {"L": PP_ALIGN.LEFT, "R": PP_ALIGN.RIGHT, "C": PP_ALIGN.CENTER}
        for i, cells in enumerate([block.header, *rows]):
            table.rows[i].height = Inches(head_h if i == 0 else heights[start + i - 1])
            strong = i > 0 and (start + i - 1) in block.strong
            for j, value in enumerate(cells):
                cell = table.cell(i, j)
                cell.margin_left = cell.margin_right = Inches(0.05)
                cell.margin_top = cell.margin_bottom = Inches(0.02)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                cell.fill.solid()
                cell.fill.fore_color.rgb = (
                    HEAD_FILL if i == 0 else STRONG_FILL if strong else ZEBRA if i % 2 == 0 else WHITE
                )
                frame = cell.text_frame
                frame.text = ""
                _set_text(
                    frame, str(value), TABLE_PT, WHITE if i == 0 else BLUE if strong else DARK, align[block.align[j]]
                )
        self.y += head_h + sum(heights[start:end])

    def chart(self, block: Chart) -> None:
        width = W - 2 * LEFT
        height = width * block.height / block.width
        if self.y + height > BOTTOM:
            if BOTTOM - self.y >= 3.2:  # enough room: shrink the chart into it
                height = BOTTOM - self.y
                width = height * block.width / block.height
            else:
                self.new_slide(f"{self.title} {t('rpt_continued')}")
                height = min(height, BOTTOM - self.y)
                width = height * block.width / block.height
        self.slide.shapes.add_picture(
            io.BytesIO(block.png),
            Inches(LEFT + (W - 2 * LEFT - width) / 2),
            Inches(self.y),
            Inches(width),
            Inches(height),
        )
        self.y += height + 0.1

    def section(self, section: Section) -> None:
        self.title = section.title
        self.new_slide()
        for block in section.blocks:
            if isinstance(block, Text):
                self.text(block)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Chart):
                self.chart(block)


def render(doc: Document) -> bytes:
    """The document as PPTX bytes; its charts must have been rendered (png.Renderer)."""
    deck = _Deck(doc)
    deck.cover()
    for section in doc.sections:
        deck.section(section)
    deck.prs.core_properties.title = f"{doc.title} · {doc.subtitle}"
    deck.prs.core_properties.language = "zh-CN" if doc.lang == "zh" else "en"
    buf = io.BytesIO()
    deck.prs.save(buf)
    return buf.getvalue()
