"""What the Word documents share: A4 pages, Chinese fonts (仿宋 body, 黑体 headings, as
offices set them), tables with a repeated header row, landscape sections for wide tables."""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

PORTRAIT_WIDTH = 15.6
LANDSCAPE_WIDTH = 25.7
"""Text widths in cm of an A4 page with the margins below."""
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
TITLE_FONT = "方正小标宋简体"
# Fallbacks a machine without the office fonts renders with (LibreOffice substitutes by name).
_LATIN = "Times New Roman"
RED = RGBColor(0xC0, 0x00, 0x00)


def new_document() -> DocumentObject:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    style = document.styles["Normal"]
    style.font.size = Pt(14)
    style.font.name = _LATIN
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    return document


def run_font(paragraph: Paragraph, text: str, *, font: str = BODY_FONT, size: float = 14, bold: bool = False,
             colour: RGBColor | None = None) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = _LATIN
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    if colour is not None:
        run.font.color.rgb = colour


def paragraph(document: DocumentObject, text: str = "", *, font: str = BODY_FONT, size: float = 14,
              bold: bool = False, align: WD_ALIGN_PARAGRAPH | None = None, indent: bool = True,
              colour: RGBColor | None = None) -> Paragraph:
    """A paragraph; body text is indented two characters, as 公文 are."""
    out = document.add_paragraph()
    if align is not None:
        out.alignment = align
    if indent and align is None:
        out.paragraph_format.first_line_indent = Pt(size * 2)
    out.paragraph_format.space_after = Pt(0)
    if text:
        run_font(out, text, font=font, size=size, bold=bold, colour=colour)
    return out


def title(document: DocumentObject, text: str) -> Paragraph:
    return paragraph(document, text, font=TITLE_FONT, size=22, align=WD_ALIGN_PARAGRAPH.CENTER)


def heading(document: DocumentObject, text: str) -> Paragraph:
    return paragraph(document, text, font=HEADING_FONT, size=16)


def _repeat_header(row_element: CT_Row) -> None:
    properties = row_element.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    properties.append(flag)


def table(document: DocumentObject, head: Sequence[str], rows: Sequence[Sequence[str]],
          numeric: Sequence[bool], widths_cm: Sequence[float], size: float = 9) -> DocxTable:
    """A bordered table whose header row repeats on every page; columns as wide as given."""
    out: DocxTable = document.add_table(rows=1, cols=len(head))
    out.style = "Table Grid"
    out.alignment = WD_TABLE_ALIGNMENT.CENTER
    out.autofit = False
    for cell, text in zip(out.rows[0].cells, head, strict=True):
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        run_font(cell.paragraphs[0], text, font=HEADING_FONT, size=size)
    _repeat_header(out.rows[0]._tr)
    for values in rows:
        cells = out.add_row().cells  # type: ignore[no-untyped-call]
        for cell, text, right in zip(cells, values, numeric, strict=True):
            if right:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run_font(cell.paragraphs[0], text, size=size)
    # Word reads the cells' widths, LibreOffice the grid's: set both.
    for column, width in zip(out.columns, widths_cm, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    return out


def widths(total_cm: float, fixed: Sequence[float | None]) -> list[float]:
    """Column widths: the given ones, and the rest of ``total_cm`` shared by the columns given as None."""
    free = [w for w in fixed if w is None]
    rest = max(total_cm - sum(w for w in fixed if w is not None), 2.0 * len(free)) / max(len(free), 1)
    return [rest if w is None else w for w in fixed]


def landscape_section(document: DocumentObject) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin = section.right_margin = Cm(2)


def portrait_section(document: DocumentObject) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def picture(document: DocumentObject, data: bytes, width_cm: float) -> None:
    document.add_picture(io.BytesIO(data), width=Cm(width_cm))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER


def page_break(document: DocumentObject) -> None:
    document.add_page_break()  # type: ignore[no-untyped-call]


def to_bytes(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
