"""Complaints API (/api/v1/complaints, see docs/api/complaints.md). Thin: read the input, call
one selector or service, shape the answer for the caller's role."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.http import FileResponse, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from legalaid.attachments import MAX_ATTACHMENT_BYTES
from legalaid.complaints import documents, selectors, services
from legalaid.complaints.deadlines import SHANGHAI
from legalaid.complaints.models import Complaint, Evidence
from legalaid.models import Slot
from unionhome.core import roles
from unionhome.core.api_types import StrictInt
from unionhome.core.errors import DomainError, NotFound

router = Router(tags=["complaints"])

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ComplaintIn(Schema):
    # Optional in the schema so a missing company or category gets the domain's own 422.
    category: str = ""
    company: str = ""
    description: str = ""
    happened_on: dt.date | None = None
    wants: str = ""
    disclose_identity: bool = False


class CreatedOut(Schema):
    id: int
    reference: str
    status: str


class ReferIn(Schema):
    to: str
    slot_id: StrictInt | None = None
    channel: str | None = None


class AssignIn(Schema):
    officer_id: StrictInt


class TextIn(Schema):
    text: str


class MeetingIn(Schema):
    held_on: dt.date
    notes: str


class HonouredIn(Schema):
    honoured: bool


class RatingIn(Schema):
    rating: StrictInt
    comment: str = ""


def _local(value):
    return value.astimezone(SHANGHAI) if value else None


def complaint_out(complaint: Complaint, role: str) -> dict:
    """One complaint as the caller may see it. The company side gets no identity unless the
    member allowed it, and never the evidence or the union's internal steps."""
    out = {
        "id": complaint.pk,
        "reference": complaint.reference,
        "status": complaint.status,
        "category": complaint.category,
        "company": complaint.company,
        "description": complaint.description,
        "happened_on": complaint.happened_on,
        "wants": complaint.wants,
        "disclose_identity": complaint.disclose_identity,
        "action": complaint.action,
        "submitted_at": _local(complaint.submitted_at),
        "settlement": complaint.settlement,
        "settlement_honoured": complaint.settlement_honoured,
        "notice": {
            "issued_at": _local(complaint.notice_issued_at),
            "reply_due": complaint.notice_reply_due,
            "reply": complaint.notice_reply,
            "docx_url": f"/api/v1/complaints/{complaint.pk}/notice.docx",
        }
        if complaint.notice_issued_at
        else None,
        "outcome": complaint.outcome,
        "member": selectors.member_identity(complaint=complaint, role=role),
    }
    if role == "company":
        return out
    out.update(
        triage_due=_local(complaint.triage_due),
        officer=(
            {"id": complaint.officer_id, "name": complaint.officer.get_full_name()}
            if complaint.officer
            else None
        ),
        advice=complaint.advice,
        booking_id=complaint.booking_id,
        rating=complaint.rating,
        evidence=[
            {
                "id": e.pk,
                "name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
                "url": f"/api/v1/complaints/{complaint.pk}/evidence/{e.pk}",
            }
            for e in complaint.evidence.all()
        ],
        steps=[
            {"kind": s.kind, "detail": s.detail, "created_at": _local(s.created_at)}
            for s in complaint.steps.all()
        ],
    )
    return out


def _get(request, complaint_id: int, *roles_allowed: str) -> tuple[Complaint, str]:
    complaint, role = selectors.complaint_get(user=request.user, complaint_id=complaint_id)
    if roles_allowed and role not in roles_allowed:
        # Not a role that may act here: do not reveal more than "not found" to outsiders.
        raise NotFound(_("Complaint not found."))
    return complaint, role


@router.post("", response={201: CreatedOut})
def file_complaint(request, payload: ComplaintIn):
    complaint = services.complaint_file(member=request.user, **payload.dict())
    return Status(
        201, {"id": complaint.pk, "reference": complaint.reference, "status": complaint.status}
    )


@router.post("/{int:complaint_id}/evidence", response={201: dict})
def add_evidence(request, complaint_id: int, file: File[UploadedFile]):
    complaint, _role = _get(request, complaint_id, "member")
    data = file.read(MAX_ATTACHMENT_BYTES + 1)
    item = services.complaint_add_evidence(
        member=request.user, complaint=complaint, files=[(file.name or "evidence", data)]
    )[0]
    return Status(201, {"id": item.pk, "name": item.original_name, "size": item.size})


@router.get("/mine")
def my_complaints(request):
    return [
        {
            "id": c.pk,
            "reference": c.reference,
            "status": c.status,
            "category": c.category,
            "company": c.company,
            "submitted_at": _local(c.submitted_at),
        }
        for c in selectors.complaints_of_member(request.user)
    ]


@router.get("/patterns")
def patterns(request, company: str | None = None):
    """Anonymised counts: union staff for their unions, federation staff for all."""
    user = request.user
    if roles.is_federation_staff(user):
        union_ids = None
    else:
        union_ids = selectors.handled_union_ids(user)
        if not union_ids:
            raise DomainError("forbidden", _("Only union staff see statistics."), status=403)
    return selectors.patterns(union_ids=union_ids, company=company)


@router.get("/{int:complaint_id}")
def complaint_detail(request, complaint_id: int):
    complaint, role = _get(request, complaint_id)
    return complaint_out(complaint, role)


@router.post("/{int:complaint_id}/assign")
def assign(request, complaint_id: int, payload: AssignIn):
    complaint, _role = _get(request, complaint_id, "handler")
    officer = get_user_model().objects.filter(pk=payload.officer_id).first()
    if officer is None:
        raise DomainError(services.ERR_OFFICER, _("Unknown officer."), field="officer_id")
    complaint = services.complaint_assign(actor=request.user, complaint=complaint, officer=officer)
    return complaint_out(complaint, "handler")


@router.post("/{int:complaint_id}/advise")
def advise(request, complaint_id: int, payload: TextIn):
    complaint, _role = _get(request, complaint_id, "handler")
    complaint = services.complaint_advise(
        actor=request.user, complaint=complaint, advice=payload.text
    )
    return complaint_out(complaint, "handler")


@router.post("/{int:complaint_id}/refer")
def refer(request, complaint_id: int, payload: ReferIn):
    complaint, _role = _get(request, complaint_id, "handler")
    slot = None
    if payload.slot_id is not None:
        slot = (
            Slot.objects.select_related("volunteer", "station").filter(pk=payload.slot_id).first()
        )
        if slot is None:
            raise DomainError(
                "slot_unavailable", _("This slot is no longer offered."), field="slot_id"
            )
    complaint = services.complaint_refer(
        actor=request.user, complaint=complaint, to=payload.to, slot=slot, channel=payload.channel
    )
    return complaint_out(complaint, "handler")


@router.post("/{int:complaint_id}/meetings", response={201: dict})
def meeting(request, complaint_id: int, payload: MeetingIn):
    complaint, _role = _get(request, complaint_id, "handler")
    step = services.mediation_meeting_record(
        actor=request.user, complaint=complaint, held_on=payload.held_on, notes=payload.notes
    )
    return Status(201, {"kind": step.kind, "detail": step.detail})


@router.post("/{int:complaint_id}/settlement")
def settlement(request, complaint_id: int, payload: TextIn):
    complaint, _role = _get(request, complaint_id, "handler")
    complaint = services.mediation_settle(
        actor=request.user, complaint=complaint, settlement=payload.text
    )
    return complaint_out(complaint, "handler")


@router.post("/{int:complaint_id}/honoured")
def honoured(request, complaint_id: int, payload: HonouredIn):
    complaint, _role = _get(request, complaint_id, "handler")
    complaint = services.settlement_honoured_record(
        actor=request.user, complaint=complaint, honoured=payload.honoured
    )
    return complaint_out(complaint, "handler")


@router.post("/{int:complaint_id}/notice")
def notice(request, complaint_id: int, payload: TextIn):
    complaint, _role = _get(request, complaint_id, "handler")
    complaint = services.notice_issue(actor=request.user, complaint=complaint, text=payload.text)
    return complaint_out(complaint, "handler")


@router.post("/{int:complaint_id}/notice/reply")
def notice_reply(request, complaint_id: int, payload: TextIn):
    complaint, role = _get(request, complaint_id, "handler", "company")
    complaint = services.notice_reply_record(
        actor=request.user, complaint=complaint, reply=payload.text
    )
    return complaint_out(complaint, role)


@router.post("/{int:complaint_id}/resolve")
def resolve(request, complaint_id: int, payload: TextIn):
    complaint, _role = _get(request, complaint_id, "handler")
    complaint = services.complaint_resolve(
        actor=request.user, complaint=complaint, outcome=payload.text
    )
    return complaint_out(complaint, "handler")


@router.post("/{int:complaint_id}/rating")
def rate(request, complaint_id: int, payload: RatingIn):
    complaint, _role = _get(request, complaint_id, "member")
    complaint = services.complaint_rate(
        member=request.user, complaint=complaint, rating=payload.rating, comment=payload.comment
    )
    return complaint_out(complaint, "member")


def _docx(body: bytes, name: str) -> HttpResponse:
    response = HttpResponse(body, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/{int:complaint_id}/referral.docx")
def referral_docx(request, complaint_id: int):
    complaint, _role = _get(request, complaint_id, "handler")
    return _docx(documents.referral_letter(complaint), f"referral-{complaint.reference}.docx")


@router.get("/{int:complaint_id}/notice.docx")
def notice_docx(request, complaint_id: int):
    complaint, _role = _get(request, complaint_id)
    if complaint.notice_issued_at is None:
        raise NotFound(_("No supervision notice has been issued."))
    return _docx(documents.supervision_notice(complaint), f"notice-{complaint.reference}.docx")


@router.get("/{int:complaint_id}/evidence/{int:evidence_id}")
def evidence_download(request, complaint_id: int, evidence_id: int):
    # The company side never gets the evidence: it may identify the member.
    complaint, _role = _get(request, complaint_id, "member", "handler")
    item = Evidence.objects.filter(pk=evidence_id, complaint=complaint).first()
    if item is None:
        raise NotFound(_("Not found."))
    response = FileResponse(
        item.file.open("rb"),
        content_type=item.content_type,
        as_attachment=True,
        filename=item.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
