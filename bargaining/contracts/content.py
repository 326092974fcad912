"""Assemble the contract's chapters and pay table from agreed items. Pure (no ORM).

The services read the case, its agreed items and the staff's templates and clauses, and
hand plain values here; the result goes to ``docx_builder.build_contract`` and to the HTML
page, so the members' page and the document show the same articles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from bargaining.contracts.docx_builder import (
    CHAPTER_TITLES,
    EN,
    ZH,
    Chapter,
    ContractData,
    Party,
    PayRow,
    article_label,
    chapter_heading,
    clean_text,
    format_date,
    ordered_chapters,
)
from bargaining.contracts.wording import (
    DEFAULT_CLAUSES,
    AgreedItem,
    Wording,
    format_value,
    render_clause,
    render_item,
)

PAY_TABLE_TOPICS = {"pay"}
PAY_TABLE_KINDS = {"money"}

OPEN_TERM = {
    ZH: ("本合同生效之日", "期满之日"),
    EN: ("the day it takes effect", "the end of its term"),
}


@dataclass(frozen=True)
class Clause:
    language: str
    chapter: str
    text: str
    position: int = 0


def _clauses_by_chapter(clauses: Iterable[Clause], language: str) -> dict[str, list[str]]:
    rows = sorted((c for c in clauses if c.language == language), key=lambda c: c.position)
    if not rows:
        return {key: list(texts) for key, texts in DEFAULT_CLAUSES[language].items()}
    result: dict[str, list[str]] = {}
    for clause in rows:
        result.setdefault(clause.chapter, []).append(clause.text)
    return result


def contract_data(
    *,
    title: str,
    case_name: str,
    employer: Party,
    union: Party,
    items: Iterable[AgreedItem],
    wordings: Iterable[Wording] = (),
    clauses: Iterable[Clause] = (),
    term_years: Decimal | int = 3,
    start: dt.date | None = None,
    end: dt.date | None = None,
    language: str = ZH,
    draft: bool = False,
    ratification: str = "",
) -> ContractData:
    """Everything the builder needs, with each item as a sentence in its chapter."""
    language = language if language in (ZH, EN) else ZH
    wordings = list(wordings)
    items = list(items)
    open_start, open_end = OPEN_TERM[language]
    clause_values = {
        "employer": employer.name,
        "union": union.name,
        "start": format_date(start, language) if start else open_start,
        "end": format_date(end, language) if end else open_end,
        # The term as agreed (art. 38), never rounded: "2.5", not "2" or "2.50".
        "years": format(Decimal(str(term_years)).normalize(), "f"),
    }
    standing = _clauses_by_chapter(clauses, language)

    chapters: dict[str, Chapter] = {}

    def chapter(key: str) -> Chapter:
        return chapters.setdefault(key, Chapter(key=key))

    # Standing clauses open their chapter (general provisions first of all) except the
    # supplementary provisions, which close the contract after any agreed item.
    for key, texts in standing.items():
        if key != "supplementary":
            chapter(key).articles.extend(render_clause(t, **clause_values) for t in texts)
    for item in items:
        key, sentence = render_item(
            item, wordings, language=language, employer=employer.name, union=union.name
        )
        chapter(key).articles.append(sentence)
    if ratification:
        # Collective Contract Provisions art. 36: the body that adopted the draft, as counted.
        chapter("supplementary").articles.append(clean_text(ratification))
    for text in standing.get("supplementary", ()):
        chapter("supplementary").articles.append(render_clause(text, **clause_values))

    pay_rows = [
        PayRow(
            item=clean_text(item.title, limit=300),
            value=format_value(item.value, item.value_kind, language),
            unit=clean_text(item.unit, limit=50),
        )
        for item in items
        if item.topic in PAY_TABLE_TOPICS or item.value_kind in PAY_TABLE_KINDS
        if item.value_kind != "text"
    ]
    return ContractData(
        title=title,
        case_name=case_name,
        employer=employer,
        union=union,
        start=start,
        end=end,
        chapters=ordered_chapters(chapters.values()),
        pay_rows=pay_rows,
        language=language,
        draft=draft,
    )


@dataclass
class HtmlArticle:
    number: int
    label: str
    text: str


@dataclass
class HtmlChapter:
    number: int
    heading: str
    articles: list[HtmlArticle]


def numbered(data: ContractData) -> list[HtmlChapter]:
    """The chapters and articles with the same numbers the document prints."""
    result, number = [], 0
    for index, chapter in enumerate(ordered_chapters(data.chapters), start=1):
        articles = []
        for text in chapter.articles:
            number += 1
            label = article_label(number, data.language).strip()
            articles.append(HtmlArticle(number, label, clean_text(text)))
        title = chapter.title or CHAPTER_TITLES[data.language].get(chapter.key, chapter.key)
        result.append(HtmlChapter(index, chapter_heading(index, title, data.language), articles))
    return result


def data_to_json(data: ContractData) -> dict:
    """A snapshot of exactly what a version says (kept with the version, for the HTML page)."""
    return {
        "title": data.title,
        "case_name": data.case_name,
        "language": data.language,
        "draft": data.draft,
        "start": data.start.isoformat() if data.start else None,
        "end": data.end.isoformat() if data.end else None,
        "employer": {"name": data.employer.name, "chief": data.employer.chief},
        "union": {"name": data.union.name, "chief": data.union.chief},
        "chapters": [
            {"key": c.key, "title": c.title, "articles": list(c.articles)} for c in data.chapters
        ],
        "pay_rows": [
            {"item": r.item, "value": r.value, "unit": r.unit, "note": r.note}
            for r in data.pay_rows
        ],
    }


def data_from_json(raw: dict) -> ContractData:
    def day(value):
        return dt.date.fromisoformat(value) if value else None

    return ContractData(
        title=raw.get("title", ""),
        case_name=raw.get("case_name", ""),
        employer=Party(**raw.get("employer", {"name": ""})),
        union=Party(**raw.get("union", {"name": ""})),
        start=day(raw.get("start")),
        end=day(raw.get("end")),
        chapters=[Chapter(**c) for c in raw.get("chapters", [])],
        pay_rows=[PayRow(**r) for r in raw.get("pay_rows", [])],
        language=raw.get("language", ZH),
        draft=bool(raw.get("draft")),
    )
