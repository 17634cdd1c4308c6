"""A report Document as PDF (fpdf2): A4 portrait, Chinese as real text in an embedded subset of a
CJK TrueType font, so it prints everywhere and its text can be searched and extracted.

Font choice: WenQuanYi Micro Hei (Debian fonts-wqy-microhei) is a TrueType collection; fpdf2 embeds
a subset of it as a CIDFontType2 with Identity-H encoding and a ToUnicode map, which every text
extractor reads. Noto Sans CJK (fonts-noto-cjk) is CFF-flavoured: fpdf2 embeds it too (CIDFontType0C
with an embedded CMap) and viewers show it, but pypdf cannot extract its text, so it is only the
fallback. DejaVu Sans fills in symbols missing from the CJK font.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import TableCellFillMode, WrapMode

from dashboard.i18n import t
from dashboard.report.model import Chart, Document, ReportError, Section, Table, Text

CJK_FONTS = (  # (file, index in the collection), first found wins
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # index 2: the SC face
)
SYMBOL_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
BLUE, GREY, DARK = (0, 114, 178), (110, 110, 110), (30, 30, 30)
RED, GREEN = (213, 94, 0), (0, 130, 90)
HEAD_FILL, ZEBRA, STRONG_FILL = (0, 90, 150), (242, 246, 250), (222, 235, 247)
STYLES = {"body": (10, DARK), "lead": (12, DARK), "note": (8.5, GREY), "alert": (10, RED), "good": (10, GREEN)}
MARGIN = 15  # mm
# Chinese line breaking (kinsoku): closing punctuation never begins a line, opening never ends one
NO_LINE_START = set("，。、；：！？）》」』】〕”’…%％,.;:!?)]}·")
NO_LINE_END = set("（《「『【〔“‘([{")
# breakable units: a run of Latin letters and digits with what sticks to it (numbers, 81.8%–89.8%)
# with a comparison or sign before it (≥ 90%), a p-value (p = 0.028), and its trailing spaces, a run of spaces, or any
# other single character
UNIT = re.compile(r"p [=<] [0-9.]+\s*|(?:[≥≤<>=−+-] ?)?[A-Za-z0-9][A-Za-z0-9.,:%+\-–/_'≥≤σρτ]*\s*|\s+|.")


def break_lines(text: str, width: float, measure) -> list[str]:
    """`text` broken into lines no wider than `width` (`measure(s)`: its width in the current font):
    between any two Chinese characters, at spaces between Latin words, never inside a number, with
    the kinsoku rules of NO_LINE_START / NO_LINE_END. Explicit newlines are kept."""
    out: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        for unit in UNIT.findall(paragraph):
            if not line and unit.isspace():
                continue
            if line and measure("".join(line) + unit.rstrip()) > width:
                carry: list[str] = []
                if unit[0] in NO_LINE_START and len(line) > 1:
                    carry = [line.pop()]  # the character before the punctuation goes down with it
                    while carry[0][0] in NO_LINE_START and len(line) > 1:  # "]，": back to a character
                        carry.insert(0, line.pop())
                while len(line) > 1 and line[-1][-1] in NO_LINE_END:
                    carry.insert(0, line.pop())
                out.append("".join(line).rstrip())
                line = carry
                if unit.isspace():
                    continue
            line.append(unit)
        out.append("".join(line).rstrip())
    return out


def cjk_font() -> tuple[str, int]:
    for path, index in CJK_FONTS:
        if Path(path).exists():
            return path, index
    raise ReportError("no CJK font for the PDF: install Debian's fonts-wqy-microhei (make system)")


class _PDF(FPDF):
    def __init__(self, doc: Document):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc
        path, index = cjk_font()
        # regular only: headings stand out by size and colour (fpdf2 has no synthetic bold)
        self.add_font("cjk", fname=path, collection_font_number=index)
        if Path(SYMBOL_FONT).exists():
            self.add_font("symbols", fname=SYMBOL_FONT)
            self.set_fallback_fonts(["symbols"], exact_match=False)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN + 2)
        self.set_title(f"{doc.title} · {doc.subtitle}")
        self.set_lang("zh-CN" if doc.lang == "zh" else "en")
        self.set_creator("aftersales-quality")

    def footer(self) -> None:
        if self.page_no() == 1:
            return
        self.set_y(-MARGIN + 3)
        self.set_font("cjk", size=7.5)
        self.set_text_color(*GREY)
        self.cell(0, 4, self.doc.footer, align="L")
        self.set_x(MARGIN)
        self.cell(0, 4, t("rpt_page", page=f"{self.page_no()} / {{nb}}"), align="R")

    @property
    def width(self) -> float:
        return self.w - 2 * MARGIN

    @property
    def wrap(self) -> WrapMode:
        """Chinese has no spaces between words: break it at any character; English at spaces."""
        return WrapMode.CHAR if self.doc.lang == "zh" else WrapMode.WORD

    def lines(self, text: str, width: float) -> str:
        """Text pre-broken by break_lines: fpdf2 breaks Chinese at any character (closing
        punctuation first on a line included) and an English report holds Chinese names too."""
        return "\n".join(break_lines(text, width, self.get_string_width))

    def para(self, w: float, h: float, text: str, **kwargs) -> None:
        kwargs.setdefault("new_x", "LMARGIN")
        width = (w or self.w - self.r_margin - self.get_x()) - 2 * self.c_margin - 0.01
        self.multi_cell(w, h, self.lines(text, width), align="L", wrapmode=self.wrap, **kwargs)


def _cover(pdf: _PDF, doc: Document) -> None:
    pdf.add_page()
    pdf.set_y(55)
    pdf.set_font("cjk", size=24)
    pdf.set_text_color(*BLUE)
    pdf.para(pdf.width, 12, doc.title)
    pdf.set_font("cjk", size=16)
    pdf.set_text_color(*DARK)
    pdf.para(pdf.width, 10, doc.subtitle)
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(0.8)
    pdf.line(MARGIN, pdf.get_y() + 3, MARGIN + 60, pdf.get_y() + 3)
    pdf.ln(12)
    for label, value in doc.cover:
        pdf.set_font("cjk", size=10)
        pdf.set_text_color(*GREY)
        top = pdf.get_y()
        pdf.para(38, 6, label, new_x="RIGHT", new_y="TOP")
        pdf.set_xy(MARGIN + 40, top)
        pdf.set_text_color(*DARK)
        pdf.para(pdf.width - 40, 6, value)
        pdf.set_y(max(pdf.get_y(), top + 6) + 1.5)
    pdf.ln(3)
    pdf.set_font("cjk", size=8.5)
    pdf.set_text_color(*GREY)
    pdf.para(pdf.width, 5, t("rpt_filters_note"))


def _heading(pdf: _PDF, text: str) -> None:
    pdf.set_font("cjk", size=16)
    pdf.set_text_color(*BLUE)
    pdf.para(pdf.width, 9, text)
    pdf.set_draw_color(*BLUE)
    pdf.set_line_width(0.5)
    pdf.line(MARGIN, pdf.get_y() + 1, MARGIN + pdf.width, pdf.get_y() + 1)
    pdf.ln(4)


def _text(pdf: _PDF, block: Text) -> None:
    size, colour = STYLES.get(block.style, STYLES["body"])
    pdf.set_font("cjk", size=size)
    pdf.set_text_color(*colour)
    pdf.para(pdf.width, size * 0.52, block.text)
    pdf.ln(1.8)


def _table(pdf: _PDF, block: Table) -> None:
    size = 8 if len(block.header) > 6 else 8.5
    if block.title:
        if pdf.get_y() > pdf.h - MARGIN - 30:  # keep a table title with its first rows
            pdf.add_page()
        pdf.set_font("cjk", size=10.5)
        pdf.set_text_color(*BLUE)
        pdf.para(pdf.width, 6, block.title)
        pdf.ln(0.5)
    pdf.set_font("cjk", size=size)
    pdf.set_text_color(*DARK)
    pdf.set_draw_color(200, 200, 200)
    pdf.set_line_width(0.2)
    heading = FontFace(emphasis="NONE", color=(255, 255, 255), fill_color=HEAD_FILL)
    strong = FontFace(emphasis="NONE", color=BLUE, fill_color=STRONG_FILL)
    align = tuple({"L": "LEFT", "R": "RIGHT", "C": "CENTER"}[a] for a in block.align)
    width = pdf.width * (0.6 if len(block.header) <= 3 else 1.0)  # a short list need not span the page
    inner = [width * w / sum(block.widths) - 2 * 1.2 - 2 * pdf.c_margin - 0.01 for w in block.widths]
    with pdf.table(
        width=width,
        align="LEFT",
        col_widths=tuple(block.widths),
        text_align=align,
        line_height=size * 0.5,
        wrapmode=WrapMode.WORD,  # cells: keep numbers whole
        headings_style=heading,
        cell_fill_color=ZEBRA,
        cell_fill_mode=TableCellFillMode.ROWS,
        padding=(0.9, 1.2),
        borders_layout="HORIZONTAL_LINES",
        v_align="MIDDLE",
    ) as table:
        head = table.row()
        for h, w in zip(block.header, inner, strict=True):
            head.cell(pdf.lines(h, w))
        for i, cells in enumerate(block.rows):
            row = table.row()
            for value, w in zip(cells, inner, strict=True):
                row.cell(pdf.lines(str(value), w), style=strong if i in block.strong else None)
    pdf.ln(3)


def _chart(pdf: _PDF, block: Chart) -> None:
    width = pdf.width
    height = width * block.height / block.width
    if pdf.get_y() + height > pdf.h - MARGIN - 2:
        pdf.add_page()
    pdf.image(io.BytesIO(block.png), x=MARGIN, w=width, h=height)
    pdf.ln(3)


def _section(pdf: _PDF, section: Section) -> None:
    pdf.add_page()
    _heading(pdf, section.title)
    for block in section.blocks:
        if isinstance(block, Text):
            _text(pdf, block)
        elif isinstance(block, Table):
            _table(pdf, block)
        elif isinstance(block, Chart):
            _chart(pdf, block)


def render(doc: Document) -> bytes:
    """The document as PDF bytes; its charts must have been rendered (model.render_charts)."""
    pdf = _PDF(doc)
    _cover(pdf, doc)
    for section in doc.sections:
        _section(pdf, section)
    return bytes(pdf.output())
