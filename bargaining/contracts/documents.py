"""Gather a case's data for the documents and render them (read-only; bytes out).

Pretix-style steps: read the models into plain values here, lay them out in the pure
``docx_builder``; storing and delivering happens in ``services`` and the views.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bargaining.contracts import docx_builder as b
from bargaining.contracts.content import Clause, contract_data
from bargaining.contracts.deadlines import SHANGHAI, local_date
from bargaining.contracts.models import Contract, RatifyingBody, StandardClause, WordingTemplate
from bargaining.contracts.ratification import ratification_official_notice, ratification_summary
from bargaining.contracts.wording import AgreedItem, Wording
from bargaining.models import (
    Audience,
    Case,
    CaseStatus,
    Covers,
    Event,
    ItemStatus,
    Side,
    ValueKind,
)
from unionhome.core.bilingual import pick, unit_for

DRAFT_STATUSES = {CaseStatus.AGREED, CaseStatus.DRAFT, CaseStatus.RATIFICATION}


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.first_name or user.username


def language_of(value: str | None) -> str:
    return b.EN if (value or "").lower().startswith("en") else b.ZH


def wordings_for(language: str) -> list[Wording]:
    return [
        Wording(w.language, w.text, w.topic, w.value_kind, w.chapter)
        for w in WordingTemplate.objects.filter(language=language)
    ]


def clauses_for(language: str) -> list[Clause]:
    return [
        Clause(c.language, c.chapter, c.text, c.position)
        for c in StandardClause.objects.filter(language=language, active=True)
    ]


def _in_language(language: str, function, *args):
    with translation.override(language):
        return function(*args)


def _covers_note(item) -> str:
    """Which workers a clause covers, when not all (plan §1; Labour Law art. 44 binds only a
    labour relationship, so the contract must say whom each premium is for)."""
    if item.covers == Covers.ALL:
        return ""
    return _("Applies to: %(workers)s") % {"workers": Covers(item.covers).label}


def _agreed_value(item, language: str):
    # A text item's agreed wording is written in one language; the English contract prints
    # the English wording staff gave, if any.
    if language == b.EN and item.value_kind == ValueKind.TEXT and item.agreed_value_en.strip():
        return item.agreed_value_en
    return item.agreed_value


def agreed_items(case: Case, language: str = b.ZH) -> list[AgreedItem]:
    return [
        AgreedItem(
            topic=item.topic,
            title=pick(item.title, item.title_en, language),
            value=_agreed_value(item, language),
            unit=unit_for(item.unit, item.unit_en, language),
            value_kind=item.value_kind,
            note=_covers_note(item),
        )
        for item in case.items.filter(status=ItemStatus.AGREED).order_by("position", "id")
    ]


def union_name(case: Case, language: str) -> str:
    return pick(case.union.name, case.union.name_en, language)


def employer_name(case: Case, language: str) -> str:
    return pick(case.employer, case.employer_en, language)


def _signed_on(moment) -> dt.date | None:
    return local_date(moment) if moment else None


def contract_title(case: Case, language: str) -> str:
    if language == b.EN:
        return f"Collective contract: {pick(case.title, case.title_en, language)}"
    title = case.title.strip()
    if title.endswith("合同"):
        return title
    # "2026年度…集体协商" (the talks) -> "2026年度…集体合同" (their result).
    return (title.removesuffix("集体协商").removesuffix("协商") or title) + "集体合同"


def _contract_title(case: Case, contract: Contract | None, language: str) -> str:
    return contract.title if contract and language == b.ZH else contract_title(case, language)


def contract_content(
    case: Case, contract: Contract | None, language: str, *, draft: bool | None = None
) -> b.ContractData:
    """The plain data of the contract (for the DOCX and for the HTML page)."""
    if draft is None:
        draft = case.status in DRAFT_STATUSES
    employer = b.Party(
        employer_name(case, language),
        _name(case.chief(Side.EMPLOYER)),
        _signed_on(contract.employer_signed_at) if contract else None,
    )
    union = b.Party(
        union_name(case, language),
        _name(case.chief(Side.UNION)),
        _signed_on(contract.union_signed_at) if contract else None,
    )
    return contract_data(
        title=_contract_title(case, contract, language),
        case_name=pick(case.title, case.title_en, language),
        employer=employer,
        union=union,
        items=_in_language(language, agreed_items, case, language),
        wordings=wordings_for(language),
        clauses=clauses_for(language),
        term_years=contract.term_years if contract else 3,
        start=contract.effective_on if contract else None,
        end=contract.expires_on if contract else None,
        language=language,
        draft=draft,
        ratification=_ratification_article(contract, language),
    )


def _ratification_article(contract: Contract | None, language: str) -> str:
    """Once adopted, the contract itself says which body adopted it, with the counts."""
    if contract is None or contract.ratified_at is None or not contract.ratifying_body:
        return ""
    with translation.override(language):
        return body_sentence(contract, _summary(contract))


def contract_render(case: Case, contract: Contract | None, language: str) -> bytes:
    return b.build_contract(contract_content(case, contract, language))


# --- minutes ---------------------------------------------------------------------------------


def _minutes_entry(event: Event, items: dict[int, str], language: str) -> b.MinutesEntry | None:
    payload = event.payload or {}
    side = payload.get("side")
    side_label = str(Side(side).label) if side in Side.values else ""
    item = items.get(payload.get("item"), "")
    at = timezone.localtime(event.created_at, SHANGHAI).replace(tzinfo=None)
    kind = event.kind
    if kind == "round.opened":
        return b.MinutesEntry(at, _("Round %(n)s opened") % {"n": payload.get("number")})
    if kind == "round.closed":
        return b.MinutesEntry(at, _("Round %(n)s closed") % {"n": payload.get("number")})
    if kind == "offer":
        text = f"{side_label}：{item} {payload.get('display', '')}".strip()
        if payload.get("note"):
            text += f"（{payload['note']}）" if language == b.ZH else f" ({payload['note']})"
        return b.MinutesEntry(at, _("Offer"), text)
    if kind == "item.tentative":
        text = f"{item}：{payload.get('display', '')}"
        if payload.get("override"):
            # A chief's override of a legal-floor warning is part of the record of the talks.
            text += " " + _("Legal floor overridden: %(reason)s") % {"reason": payload["override"]}
        return b.MinutesEntry(at, _("Item agreed"), text)
    if kind == "item.reopened":
        return b.MinutesEntry(at, _("Item reopened"), item)
    if kind == "agreement.confirmed":
        return b.MinutesEntry(at, _("Agreement confirmed"), side_label)
    if kind == "case.agreed":
        return b.MinutesEntry(at, _("All items agreed"), "")
    if kind == "case.suspended":
        return b.MinutesEntry(at, _("Talks suspended"), str(payload.get("reason", "")))
    if kind == "case.resumed":
        return b.MinutesEntry(at, _("Talks resumed"), "")
    if kind == "chat":
        actor = _name(event.actor) if event.actor_id else ""
        return b.MinutesEntry(at, _("Statement"), f"{actor}：{payload.get('text', '')}")
    if kind.startswith("contract."):
        return b.MinutesEntry(at, _("Contract"), str(payload.get("summary", kind)))
    return None


def minutes_content(case: Case, language: str) -> b.MinutesData:
    with translation.override(language):
        items = {
            pk: pick(title, title_en, language)
            for pk, title, title_en in case.items.values_list("id", "title", "title_en")
        }
        events = (
            Event.objects.filter(case=case, audience=Audience.TABLE)
            .select_related("actor")
            .order_by("seq")
        )
        entries = [e for e in (_minutes_entry(ev, items, language) for ev in events) if e]
        return b.MinutesData(
            title=_("Minutes of the collective bargaining meetings"),
            case_name=pick(case.title, case.title_en, language),
            employer=b.Party(employer_name(case, language), _name(case.chief(Side.EMPLOYER))),
            union=b.Party(union_name(case, language), _name(case.chief(Side.UNION))),
            entries=entries,
            rounds=case.rounds.count(),
            recorder=_name(case.recorder),
            language=language,
        )


def minutes_render(case: Case, language: str) -> bytes:
    return b.build_minutes(minutes_content(case, language))


# --- the filing package ------------------------------------------------------------------------


def body_sentence(contract: Contract, summary) -> str:
    """Who voted, with the counts: the contract, the notice and the cover letter all say it
    (Collective Contract Provisions art. 36)."""
    body = RatifyingBody(contract.ratifying_body or RatifyingBody.CONGRESS)
    if summary is None:
        return _("The draft was put to the %(body)s (Collective Contract Provisions art. 36).") % {
            "body": body.label
        }
    return _(
        "The draft was put to the %(body)s (Collective Contract Provisions art. 36): "
        "%(eligible)s entitled to vote, %(turnout)s attended, %(yes)s in favour; "
        "result: %(result)s."
    ) % {
        "body": body.label,
        "eligible": summary.eligible,
        "turnout": summary.turnout,
        "yes": summary.yes,
        "result": _("adopted") if summary.passed else _("not adopted"),
    }


def ratification_notice_render(case: Case, contract: Contract, language: str) -> bytes:

    summary = ratification_summary(contract)
    with translation.override(language):
        paragraphs = [
            _(
                "The draft collective contract “%(title)s” of %(union)s was voted on under "
                "the collective-contract rule: at least two thirds of those entitled attend, "
                "and at least half of all of them approve (Collective Contract Provisions "
                "art. 36)."
            )
            % {
                "title": _contract_title(case, contract, language),
                "union": union_name(case, language),
            },
            body_sentence(contract, summary),
        ]
        data = b.LetterData(
            title=_("Notice of the result of the vote on the collective contract"),
            case_name=pick(case.title, case.title_en, language),
            paragraphs=paragraphs,
            sender=union_name(case, language),
            dated=_signed_on(contract.ratified_at),
            language=language,
        )
    return b.build_letter(data)


def _summary(contract: Contract):

    return ratification_summary(contract)


def cover_letter_render(case: Case, contract: Contract, language: str) -> bytes:
    with translation.override(language):
        region = pick(case.union.region, case.union.region_en, language)
        data = b.LetterData(
            title=_("Submission of a collective contract for review"),
            case_name=pick(case.title, case.title_en, language),
            addressee=_("%(region)s Human Resources and Social Security Bureau")
            % {"region": region},
            paragraphs=[
                _(
                    "Under articles 42 to 47 of the Collective Contract Provisions, %(employer)s "
                    "and %(union)s submit the collective contract “%(title)s”, signed by both "
                    "chief representatives on %(signed)s, for review."
                )
                % {
                    "employer": employer_name(case, language),
                    "union": union_name(case, language),
                    "title": _contract_title(case, contract, language),
                    "signed": b.format_date(_signed_on(contract.signed_at), language),
                },
                body_sentence(contract, _summary(contract)),
                _(
                    "Enclosed: the text of the collective contract in three copies (Collective "
                    "Contract Provisions art. 42), the notice of the result of the vote, and "
                    "the minutes of the bargaining meetings."
                ),
            ],
            sender=(
                f"{employer_name(case, language)}"
                f"{'　' if language == b.ZH else ', '}{union_name(case, language)}"
            ),
            dated=_signed_on(contract.filed_at) or local_date(timezone.now()),
            language=language,
        )
    return b.build_letter(data)


def filing_package(
    case: Case, contract: Contract, contract_bytes: bytes, language: str, user=None
) -> bytes:

    notice = ratification_official_notice(contract=contract, user=user, language=language)
    with translation.override(language):
        names = (
            _("1 collective contract.docx"),
            _("2 vote result notice.docx"),
            _("3 minutes.docx"),
            _("4 cover letter.docx"),
        )
    return b.build_zip(
        dict(
            zip(
                names,
                (
                    contract_bytes,
                    notice or ratification_notice_render(case, contract, language),
                    minutes_render(case, language),
                    cover_letter_render(case, contract, language),
                ),
                strict=True,
            )
        )
    )
