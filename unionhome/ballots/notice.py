"""The DOCX result notice for the union's records: plain data in, bytes out (no ORM)."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

CJK_SERIF = "SimSun"
CJK_HEADING = "SimHei"
LATIN = "Times New Roman"

# Characters XML 1.0 cannot hold; python-docx raises ValueError on them.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _XML_BAD.sub("", str(text))


@dataclass
class NoticeData:
    heading: str
    union_name: str
    title: str
    facts: list[tuple[str, str]]  # (label, value) lines: rule, period, eligible, turnout...
    table_headers: tuple[str, str, str]
    rows: list[tuple[str, int, str]]  # option, votes, share
    reasons: list[str]
    verdict: str
    footer: list[str] = field(default_factory=list)


def _set_fonts(style, east_asia: str, size: int | None = None) -> None:
    style.font.name = LATIN
    if size:
        style.font.size = Pt(size)
    # font.name alone leaves Chinese text in the default font: set w:eastAsia as well.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)


def build_result_notice(data: NoticeData) -> bytes:
    document = Document()
    _set_fonts(document.styles["Normal"], CJK_SERIF, 12)
    for name in ("Title", "Heading 1", "Heading 2"):
        _set_fonts(document.styles[name], CJK_HEADING)

    heading = document.add_heading(clean(data.heading), level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    union = document.add_paragraph(clean(data.union_name))
    union.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading(clean(data.title), level=1)
    for label, value in data.facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(clean(label) + "：").bold = True
        paragraph.add_run(clean(value))

    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, data.table_headers, strict=True):
        cell.text = clean(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for label, votes, share in data.rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = clean(label), str(votes), clean(share)

    document.add_paragraph()
    for line in data.reasons:
        document.add_paragraph(clean(line), style="List Bullet")
    verdict = document.add_paragraph()
    verdict.add_run(clean(data.verdict)).bold = True
    for line in data.footer:
        document.add_paragraph(clean(line)).alignment = WD_ALIGN_PARAGRAPH.RIGHT

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
