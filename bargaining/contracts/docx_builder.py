"""Build the collective contract, the meeting minutes and the filing letters as DOCX.

A pure core: plain dataclasses in, bytes out. No ORM and no request; the services gather the
data, this module only lays it out. The fixed wording of the document frame (chapter titles,
"Party A", signature lines) is part of the legal document, so it lives here per document
language rather than in the UI catalog; the wording of each agreed item comes from the
staff-edited templates (see ``wording.py``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from bargaining.contracts import docx_fast

ZH = "zh-hans"
EN = "en"
LANGUAGES = (ZH, EN)

# The chapters of a collective contract in the order of the Collective Contract Provisions
# (2004), art. 8 and arts. 9-19: general provisions first, the supplementary provisions last.
# Labour-contract management, lay-offs and other matters appear only when items were agreed.
CHAPTER_ORDER = (
    "general",
    "pay",
    "hours",
    "rest",
    "safety",
    "insurance_welfare",
    "women_minors",
    "training",
    "contract_management",
    "rewards_penalties",
    "layoffs",
    "term",
    "amendment",
    "disputes",
    "liability",
    "other",
    "supplementary",
)

CHAPTER_TITLES = {
    ZH: {
        "general": "总则",
        "pay": "劳动报酬",
        "hours": "工作时间",
        "rest": "休息休假",
        "safety": "劳动安全与卫生",
        "insurance_welfare": "补充保险和福利",
        "women_minors": "女职工和未成年工特殊保护",
        "training": "职业技能培训",
        "contract_management": "劳动合同管理",
        "layoffs": "裁员",
        "other": "其他事项",
        "rewards_penalties": "奖惩",
        "term": "集体合同期限",
        "amendment": "变更、解除、终止和续订",
        "disputes": "争议处理",
        "liability": "违约责任",
        "supplementary": "附则",
    },
    EN: {
        "general": "General provisions",
        "pay": "Pay",
        "hours": "Working hours",
        "rest": "Rest and leave",
        "safety": "Labour safety and health",
        "insurance_welfare": "Supplementary insurance and welfare",
        "women_minors": "Special protection of women and minor workers",
        "training": "Vocational training",
        "contract_management": "Labour-contract management",
        "layoffs": "Lay-offs",
        "other": "Other matters",
        "rewards_penalties": "Rewards and penalties",
        "term": "Term of the contract",
        "amendment": "Amendment, termination and renewal",
        "disputes": "Dispute handling",
        "liability": "Liability for breach",
        "supplementary": "Supplementary provisions",
    },
}

LABELS = {
    ZH: {
        "party_a": "甲方",
        "party_b": "乙方",
        "term": "合同期限",
        "term_range": "自{start}起至{end}止",
        "draft": "（草案）",
        "pay_table": "附表：劳动报酬约定标准",
        "pay_item": "项目",
        "pay_value": "约定标准",
        "pay_unit": "单位",
        "pay_note": "说明",
        "sign_heading": "签字页",
        "seal": "（盖章）",
        "chief": "首席代表（签字）",
        "date": "日期",
        "blank_date": "____年__月__日",
        "page": "第 {page} 页",
        "minutes_title": "集体协商会议记录",
        "case": "协商事项",
        "time": "时间",
        "event": "事项",
        "content": "内容",
        "recorder": "记录人（签字）",
        "rounds": "协商轮次",
        "no_events": "（无记录）",
    },
    EN: {
        "party_a": "Party A",
        "party_b": "Party B",
        "term": "Term",
        "term_range": "from {start} to {end}",
        "draft": " (draft)",
        "pay_table": "Schedule: agreed pay figures",
        "pay_item": "Item",
        "pay_value": "Agreed figure",
        "pay_unit": "Unit",
        "pay_note": "Note",
        "sign_heading": "Signatures",
        "seal": " (seal)",
        "chief": "Chief representative (signature)",
        "date": "Date",
        "blank_date": "____-__-__",
        "page": "Page {page}",
        "minutes_title": "Minutes of the collective bargaining meetings",
        "case": "Case",
        "time": "Time",
        "event": "Event",
        "content": "Details",
        "recorder": "Recorder (signature)",
        "rounds": "Rounds",
        "no_events": "(no entries)",
    },
}

# Word and WPS ship these; LibreOffice falls back to the installed CJK font (Noto CJK SC).
BODY_EAST_ASIAN = "FangSong"
TITLE_EAST_ASIAN = "SimSun"
HEADING_EAST_ASIAN = "SimHei"
LATIN_FONT = "Times New Roman"

MAX_TEXT = 4000

# XML 1.0 forbids C0 controls except tab/newline/CR, lone surrogates and U+FFFE/U+FFFF;
# python-docx raises ValueError on them. C1 controls and DEL are legal XML but print as junk.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: object, *, limit: int = MAX_TEXT) -> str:
    """Make any value safe for the document: XML-legal characters, sane length."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    text = _BAD_CHARS.sub("", text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


# --- plain data --------------------------------------------------------------------------


@dataclass
class Party:
    name: str
    chief: str = ""
    signed_on: dt.date | None = None


@dataclass
class Chapter:
    key: str
    articles: list[str] = field(default_factory=list)
    title: str = ""


@dataclass
class PayRow:
    item: str
    value: str
    unit: str = ""
    note: str = ""


@dataclass
class ContractData:
    title: str
    case_name: str
    employer: Party
    union: Party
    start: dt.date | None = None
    end: dt.date | None = None
    chapters: list[Chapter] = field(default_factory=list)
    pay_rows: list[PayRow] = field(default_factory=list)
    language: str = ZH
    draft: bool = False
    preamble: str = ""


@dataclass
class MinutesEntry:
    at: dt.datetime
    event: str
    text: str = ""


@dataclass
class MinutesData:
    title: str
    case_name: str
    employer: Party
    union: Party
    entries: list[MinutesEntry] = field(default_factory=list)
    rounds: int = 0
    recorder: str = ""
    language: str = ZH


@dataclass
class LetterData:
    """A one-page letter: the cover letter to the labour administration or a notice."""

    title: str
    case_name: str
    paragraphs: list[str] = field(default_factory=list)
    addressee: str = ""
    sender: str = ""
    dated: dt.date | None = None
    language: str = ZH


# --- numbering and dates -------------------------------------------------------------------

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 21 -> 二十一, 105 -> 一百零五 (article numbers up to 999)."""
    if n <= 0:
        return _DIGITS[0]
    if n >= 1000:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


def chapter_heading(number: int, title: str, language: str) -> str:
    if language == ZH:
        return f"第{chinese_number(number)}章　{title}"
    return f"Chapter {number}. {title}"


def article_label(number: int, language: str) -> str:
    if language == ZH:
        return f"第{chinese_number(number)}条　"
    return f"Article {number}. "


def format_date(value: dt.date | None, language: str) -> str:
    if value is None:
        return LABELS[language]["blank_date"]
    if language == ZH:
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def _lang(language: str) -> str:
    return language if language in LANGUAGES else ZH


def ordered_chapters(chapters: Iterable[Chapter]) -> list[Chapter]:
    """Chapters in the statutory order, unknown keys before the supplementary provisions,
    chapters of the same key merged, empty ones dropped."""
    merged: dict[str, Chapter] = {}
    for chapter in chapters:
        target = merged.setdefault(chapter.key, Chapter(key=chapter.key, title=chapter.title))
        target.articles.extend(a for a in chapter.articles if clean_text(a).strip())
    position = {key: index for index, key in enumerate(CHAPTER_ORDER)}
    tail = position["supplementary"]
    return sorted(
        (c for c in merged.values() if c.articles),
        key=lambda c: position.get(c.key, tail - 0.5),
    )


# --- document set-up -------------------------------------------------------------------------


def _set_fonts(
    style,
    east_asian: str,
    size: float | None = None,
    bold: bool | None = None,
    language: str = ZH,
):
    style.font.name = LATIN_FONT
    if size is not None:
        style.font.size = Pt(size)
    if bold is not None:
        style.font.bold = bold
    # font.name sets only the Latin slots; Chinese text uses w:eastAsia.
    rfonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), east_asian)
    if language == ZH:
        # Only in Chinese: the hint makes Word draw quotes and apostrophes (’ “ ”) with the
        # CJK face, which prints them full-width ("union’ s") in English text.
        rfonts.set(qn("w:hint"), "eastAsia")
    # Tell renderers the East Asian text is Simplified Chinese (picks SC glyph forms).
    rpr = style.element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:val"), "zh-CN" if language == ZH else "en-GB")


def _new_document(header_text: str, language: str):
    document = Document()
    section = document.sections[0]
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(37)
    section.bottom_margin = Mm(35)
    section.left_margin = Mm(28)
    section.right_margin = Mm(26)

    styles = document.styles
    _set_fonts(
        styles["Normal"], BODY_EAST_ASIAN, size=14 if language == ZH else 12, language=language
    )
    _set_fonts(styles["Title"], TITLE_EAST_ASIAN, size=22, bold=True, language=language)
    for name in ("Heading 1", "Heading 2"):
        _set_fonts(
            styles[name],
            HEADING_EAST_ASIAN,
            size=16 if name == "Heading 1" else 14,
            language=language,
        )
        styles[name].font.color.rgb = None
    document.core_properties.title = clean_text(header_text, limit=200)
    document.core_properties.language = "zh-CN" if language == ZH else "en-GB"

    header = section.header.paragraphs[0]
    header.text = clean_text(header_text, limit=200)
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _add_page_number(section.footer.paragraphs[0], language)
    return document


def _add_page_number(paragraph, language: str) -> None:
    """A PAGE field, so Word, WPS and LibreOffice number the pages themselves."""
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, after = LABELS[language]["page"].split("{page}")
    if before:
        paragraph.add_run(before)
    field_el = OxmlElement("w:fldSimple")
    field_el.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field_el.append(run)
    paragraph._p.append(field_el)
    if after:
        paragraph.add_run(after)


def _heading(document, text: str, level: int = 1):
    paragraph = docx_fast.add_styled_paragraph(
        document, clean_text(text, limit=300), f"Heading {level}"
    )
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _title(document, text: str):
    paragraph = docx_fast.add_styled_paragraph(document, clean_text(text, limit=300), "Title")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


# Fixed timestamps make the same text give the same bytes, so a version's hash tells whether
# a regenerated draft really changed (python-docx stamps zip entries with the current time).
FIXED_TIMESTAMP = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def _to_bytes(document) -> bytes:
    document.core_properties.created = FIXED_TIMESTAMP
    document.core_properties.modified = FIXED_TIMESTAMP
    # The parts go straight into the fixed-time ZIP (not saved, read back and zipped again).
    return docx_fast.deterministic_zip(docx_fast.package_files(document))


# --- the contract ----------------------------------------------------------------------------


def build_contract(data: ContractData) -> bytes:
    """The collective contract as DOCX bytes."""
    language = _lang(data.language)
    labels = LABELS[language]
    document = _new_document(data.case_name or data.title, language)

    # Title page.
    for _ in range(4):
        document.add_paragraph()
    title = clean_text(data.title, limit=300)
    _title(document, title + (labels["draft"] if data.draft else ""))
    document.add_paragraph()
    for label, party in ((labels["party_a"], data.employer), (labels["party_b"], data.union)):
        line = document.add_paragraph()
        line.alignment = WD_ALIGN_PARAGRAPH.CENTER
        line.add_run(f"{label}{'：' if language == ZH else ': '}").bold = True
        line.add_run(clean_text(party.name, limit=300))
    if data.start or data.end:
        term = document.add_paragraph()
        term.alignment = WD_ALIGN_PARAGRAPH.CENTER
        term.add_run(f"{labels['term']}{'：' if language == ZH else ': '}").bold = True
        term.add_run(
            labels["term_range"].format(
                start=format_date(data.start, language), end=format_date(data.end, language)
            )
        )
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    if data.preamble:
        document.add_paragraph(clean_text(data.preamble))

    number = 0
    for chapter_number, chapter in enumerate(ordered_chapters(data.chapters), start=1):
        chapter_title = chapter.title or CHAPTER_TITLES[language].get(chapter.key, chapter.key)
        _heading(document, chapter_heading(chapter_number, clean_text(chapter_title), language))
        for article in chapter.articles:
            number += 1
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(28) if language == ZH else None
            paragraph.add_run(article_label(number, language)).bold = True
            paragraph.add_run(clean_text(article))

    if data.pay_rows:
        _heading(document, labels["pay_table"], level=2)
        _pay_table(document, data.pay_rows, labels)

    _signature_block(document, data, labels, language)
    return _to_bytes(document)


def _pay_table(document, rows: list[PayRow], labels: dict) -> None:
    with_notes = any(clean_text(row.note).strip() for row in rows)
    headers = [labels["pay_item"], labels["pay_value"], labels["pay_unit"]]
    if with_notes:
        headers.append(labels["pay_note"])
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        values = [row.item, row.value, row.unit] + ([row.note] if with_notes else [])
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = clean_text(text, limit=1000)


def _signature_block(document, data: ContractData, labels: dict, language: str) -> None:
    colon = "：" if language == ZH else ": "
    document.add_paragraph()
    _heading(document, labels["sign_heading"], level=2)
    table = document.add_table(rows=3, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    sides = ((labels["party_a"], data.employer), (labels["party_b"], data.union))
    for column, (label, party) in enumerate(sides):
        table.cell(
            0, column
        ).text = f"{label}{labels['seal']}{colon}{clean_text(party.name, limit=300)}"
        table.cell(1, column).text = f"{labels['chief']}{colon}{clean_text(party.chief, limit=100)}"
        table.cell(
            2, column
        ).text = f"{labels['date']}{colon}{format_date(party.signed_on, language)}"


# --- minutes ---------------------------------------------------------------------------------


def build_minutes(data: MinutesData) -> bytes:
    """The meeting minutes of a case, from its event log, as DOCX bytes."""
    language = _lang(data.language)
    labels = LABELS[language]
    colon = "：" if language == ZH else ": "
    document = _new_document(data.case_name or data.title, language)
    _title(document, data.title or labels["minutes_title"])
    for label, value in (
        (labels["case"], data.case_name),
        (labels["party_a"], data.employer.name),
        (labels["party_b"], data.union.name),
        (labels["rounds"], str(data.rounds)),
    ):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}{colon}").bold = True
        paragraph.add_run(clean_text(value, limit=300))

    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, (labels["time"], labels["event"], labels["content"]), strict=True
    ):
        cell.paragraphs[0].add_run(text).bold = True
    if not data.entries:
        table.add_row().cells[0].text = labels["no_events"]
    for entry in data.entries:
        cells = table.add_row().cells
        cells[0].text = entry.at.strftime("%Y-%m-%d %H:%M")
        cells[1].text = clean_text(entry.event, limit=200)
        cells[2].text = clean_text(entry.text, limit=2000)

    document.add_paragraph()
    for label, name in (
        (f"{labels['party_a']} {labels['chief']}", data.employer.chief),
        (f"{labels['party_b']} {labels['chief']}", data.union.chief),
        (labels["recorder"], data.recorder),
    ):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}{colon}").bold = True
        paragraph.add_run(clean_text(name, limit=100) + "　　" + labels["blank_date"])
    return _to_bytes(document)


# --- letters and the filing package ----------------------------------------------------------


def build_letter(data: LetterData) -> bytes:
    """A short formal letter (cover letter, result notice) as DOCX bytes."""
    language = _lang(data.language)
    document = _new_document(data.case_name or data.title, language)
    _title(document, data.title)
    if data.addressee:
        document.add_paragraph(
            clean_text(data.addressee, limit=300) + ("：" if language == ZH else ",")
        )
    for text in data.paragraphs:
        paragraph = document.add_paragraph(clean_text(text))
        if language == ZH:
            paragraph.paragraph_format.first_line_indent = Pt(28)
    document.add_paragraph()
    for text in (data.sender, format_date(data.dated, language)):
        if text:
            paragraph = document.add_paragraph(clean_text(text, limit=300))
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _to_bytes(document)


def build_zip(files: dict[str, bytes]) -> bytes:
    """A ZIP of the given files (names are kept, UTF-8 flagged for Chinese names)."""
    return docx_fast.deterministic_zip(files)


__all__ = [
    "CHAPTER_ORDER",
    "CHAPTER_TITLES",
    "Chapter",
    "ContractData",
    "LetterData",
    "MinutesData",
    "MinutesEntry",
    "Party",
    "PayRow",
    "build_contract",
    "build_letter",
    "build_minutes",
    "build_zip",
    "chinese_number",
    "clean_text",
    "ordered_chapters",
]
