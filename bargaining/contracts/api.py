"""The contract endpoints, mounted under /api/v1/bargaining/ next to the bargaining router.

Thin: each endpoint finds the case the caller may see and calls one service or selector;
DomainError becomes ``{detail, code}`` with its status in ``unionhome.config.api``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from ninja import Router, Schema, Status

from bargaining.contracts import documents, selectors, services
from unionhome.core.api_types import StrictInt

router = Router(tags=["contracts"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _download(content: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _language(request, lang: str | None) -> str:
    return documents.language_of(lang or getattr(request, "LANGUAGE_CODE", "zh-hans"))


class VersionOut(Schema):
    number: int
    language: str
    sha256: str
    size: int
    case_status: str
    created_at: dt.datetime


class DeadlineOut(Schema):
    label: str
    due: dt.date
    days_left: int
    overdue: bool
    source: str = ""
    source_url: str = ""


class ContractOut(Schema):
    case_id: int
    status: str
    title: str | None = None
    term_years: float | None = None
    term_note: str = ""
    ratifying_body: str = ""
    ballot_id: int | None = None
    union_signed_at: dt.datetime | None = None
    employer_signed_at: dt.datetime | None = None
    signed_at: dt.datetime | None = None
    filing_due: dt.date | None = None
    filed_at: dt.datetime | None = None
    filing_received_on: dt.date | None = None
    objection_due: dt.date | None = None
    objection: str = ""
    objected_items: list[int] = []
    effective_on: dt.date | None = None
    expires_on: dt.date | None = None
    renewal_opens_on: dt.date | None = None
    renewal_case_id: int | None = None
    versions: list[VersionOut] = []
    deadlines: list[DeadlineOut] = []
    actions: list[str] = []


def _contract_out(case, viewer) -> dict:
    contract = selectors.contract_of(case)
    actions = selectors.contract_actions(case=case, viewer=viewer, contract=contract)
    body: dict = {
        "case_id": case.pk,
        "status": case.status,
        "actions": [name for name, allowed in vars(actions).items() if allowed],
        "deadlines": [
            {
                "label": d.label,
                "due": d.due,
                "days_left": d.days_left,
                "overdue": d.overdue,
                "source": d.source,
                "source_url": d.source_url,
            }
            for d in selectors.contract_deadlines(case=case, contract=contract)
        ],
    }
    if contract is None:
        return body
    for name in (
        "title",
        "term_years",
        "term_note",
        "ratifying_body",
        "ballot_id",
        "union_signed_at",
        "employer_signed_at",
        "signed_at",
        "filing_due",
        "filed_at",
        "filing_received_on",
        "objection_due",
        "objection",
        "objected_items",
        "effective_on",
        "expires_on",
        "renewal_opens_on",
        "renewal_case_id",
    ):
        body[name] = getattr(contract, name)
    if viewer.can_see:
        body["versions"] = list(contract.versions.all())
    return body


@router.get("/cases/{case_id}/contract", response=ContractOut)
def contract_detail(request, case_id: int):
    """The contract's lifecycle state, deadlines, versions and the actions open to you."""
    case, viewer = selectors.case_for_contract(user=request.user, case_id=case_id)
    return _contract_out(case, viewer)


@router.get("/cases/{case_id}/contract.docx")
def contract_docx(request, case_id: int, lang: str | None = None):
    """The latest contract document (draft or signed); ``lang=en`` for the English text."""
    case, _viewer = selectors.case_for_contract(user=request.user, case_id=case_id)
    language = _language(request, lang)
    version = selectors.contract_version_for_download(case=case, language=language)
    with version.file.open("rb") as handle:
        content = handle.read()
    name = f"contract-{case.pk}-v{version.number}-{language}.docx"
    response = _download(content, name, DOCX)
    response["ETag"] = f'"{version.sha256}"'
    return response


@router.get("/cases/{case_id}/minutes.docx")
def minutes_docx(request, case_id: int, lang: str | None = None):
    """The meeting minutes from the case's event log, for the chiefs and recorder to sign."""
    case, _viewer = selectors.case_for_records(user=request.user, case_id=case_id)
    language = _language(request, lang)
    return _download(documents.minutes_render(case, language), f"minutes-{case.pk}.docx", DOCX)


@router.get("/cases/{case_id}/filing.zip")
def filing_zip(request, case_id: int, lang: str | None = None):
    """The filing package: signed contract, vote result notice, minutes, cover letter."""
    case, _viewer = selectors.case_for_records(user=request.user, case_id=case_id)
    content = services.contract_filing_package(
        case=case, language=_language(request, lang), user=request.user
    )
    return _download(content, f"filing-{case.pk}.zip", "application/zip")


class DraftIn(Schema):
    term_years: Decimal | None = None
    # Collective Contract Provisions art. 38: the reason confirming a term outside 1-3 years.
    confirm_term: str = ""


class RatificationIn(Schema):
    # Collective Contract Provisions art. 36: "congress" or "covered_workers" (with roster_id).
    body: str
    roster_id: StrictInt | None = None


class FileIn(Schema):
    reference: str = ""
    received_on: dt.date | None = None


class ReceivedIn(Schema):
    received_on: dt.date
    reason: str


class ObjectionIn(Schema):
    text: str
    item_ids: list[StrictInt] = []


def _after(request, case_id: int):
    case, viewer = selectors.case_for_records(user=request.user, case_id=case_id)
    return _contract_out(case, viewer)


@router.post("/cases/{case_id}/contract/draft", response={201: ContractOut})
def contract_draft(request, case_id: int, payload: DraftIn | None = None):
    case, _v = selectors.case_for_records(user=request.user, case_id=case_id)
    services.contract_draft(
        case=case,
        by=request.user,
        term_years=payload.term_years if payload else None,
        confirm_term=payload.confirm_term if payload else "",
    )
    return Status(201, _after(request, case_id))


@router.post("/cases/{case_id}/contract/ratification", response={201: ContractOut})
def contract_ratification(request, case_id: int, payload: RatificationIn):
    """Put the draft to the congress or to all covered workers (never members alone)."""
    case, _v = selectors.case_for_records(user=request.user, case_id=case_id)
    services.contract_submit_for_ratification(
        case=case, by=request.user, body=payload.body, roster=payload.roster_id
    )
    return Status(201, _after(request, case_id))


@router.post("/cases/{case_id}/contract/ratification/result", response=ContractOut)
def contract_ratification_result(request, case_id: int):
    case, _v = selectors.case_for_records(user=request.user, case_id=case_id)
    services.contract_record_ratification(case=case, by=request.user)
    return _after(request, case_id)


@router.post("/cases/{case_id}/contract/sign", response=ContractOut)
def contract_sign(request, case_id: int):
    case, _v = selectors.case_for_records(user=request.user, case_id=case_id)
    services.contract_sign(case=case, by=request.user)
    return _after(request, case_id)


@router.post("/cases/{case_id}/contract/file", response=ContractOut)
def contract_file(request, case_id: int, payload: FileIn):
    case, _v = selectors.case_for_records(user=request.user, case_id=case_id)
    services.contract_file(
        case=case, by=request.user, reference=payload.reference, received_on=payload.received_on
    )
    return _after(request, case_id)


@router.post("/cases/{case_id}/contract/filing-received", response=ContractOut)
def contract_filing_received(request, case_id: int, payload: ReceivedIn):
    """Staff correct the day the labour administration received the text (art. 47)."""
    case, _v = selectors.case_for_records(user=request.user, case_id=case_id)
    services.contract_set_filing_received(
        case=case, by=request.user, received_on=payload.received_on, reason=payload.reason
    )
    return _after(request, case_id)


@router.post("/cases/{case_id}/contract/objection", response=ContractOut)
def contract_objection(request, case_id: int, payload: ObjectionIn):
    case, _v = selectors.case_for_records(user=request.user, case_id=case_id)
    services.contract_record_objection(
        case=case, by=request.user, text=payload.text, item_ids=payload.item_ids
    )
    return _after(request, case_id)


@router.post("/cases/{case_id}/contract/resume", response=ContractOut)
def contract_resume(request, case_id: int):
    case, _v = selectors.case_for_records(user=request.user, case_id=case_id)
    services.contract_resume_bargaining(case=case, by=request.user)
    return _after(request, case_id)


class RenewalOut(Schema):
    case_id: int
    renewal_case_id: int


@router.post("/cases/{case_id}/contract/renewal", response={201: RenewalOut})
def contract_renewal(request, case_id: int):
    case, _v = selectors.case_for_records(user=request.user, case_id=case_id)
    new_case = services.contract_request_renewal(case=case, by=request.user)
    return Status(201, {"case_id": case.pk, "renewal_case_id": new_case.pk})
