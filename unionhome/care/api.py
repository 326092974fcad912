"""Care API (/api/v1/care, see docs/api/care.md). Thin: read the input, call one selector or
service, shape the answer; domain errors become ``{detail, code}``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from django.contrib.auth import get_user_model
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from legalaid.attachments import MAX_ATTACHMENT_BYTES
from unionhome.care import campaigns, selectors, services, talks
from unionhome.care.models import Activity, HardshipDocument, HardshipFile, Registration
from unionhome.core.api_types import StrictInt
from unionhome.core.errors import DomainError, NotFound

router = Router(tags=["care"])


class ApplyIn(Schema):
    cause: str
    household_size: StrictInt
    income_per_head: Decimal
    description: str
    district: str = ""
    member_id: StrictInt | None = None


class FiledOut(Schema):
    id: int
    status: str


class IdOut(Schema):
    id: int


class VisitIn(Schema):
    visited_on: dt.date
    notes: str


class DecideIn(Schema):
    decision: str
    level: str = ""
    reason: str = ""


class AidIn(Schema):
    kind: str
    amount: Decimal
    given_on: dt.date
    fund: str


class RecheckIn(Schema):
    level: str = ""


class CloseIn(Schema):
    reason: str


class AidOut(Schema):
    id: int
    kind: str
    amount: Decimal
    given_on: dt.date
    fund: str


class VisitOut(Schema):
    id: int
    visited_on: dt.date
    notes: str
    visited_by: str


class DocumentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class CareEventOut(Schema):
    kind: str
    actor: str | None
    detail: str
    at: dt.datetime


class FileOut(Schema):
    id: int
    status: str
    cause: str
    household_size: int
    income_per_head: Decimal
    subsistence_line: Decimal | None
    description: str
    district: str
    level: str | None
    level_name: str | None
    decline_reason: str
    recheck_due: dt.date | None
    created_at: dt.datetime
    aid: list[AidOut]
    documents: list[DocumentOut]
    member: dict | None = None
    visits: list[VisitOut] | None = None
    history: list[CareEventOut] | None = None


def _name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def file_out(file: HardshipFile, user) -> dict:
    out = {
        "id": file.pk,
        "status": file.status,
        "cause": file.cause,
        "household_size": file.household_size,
        "income_per_head": file.income_per_head,
        "subsistence_line": file.subsistence_line,
        "description": file.description,
        "district": file.district,
        "level": file.level.code if file.level else None,
        "level_name": file.level.name if file.level else None,
        "decline_reason": file.decline_reason,
        "recheck_due": file.recheck_due,
        "created_at": file.created_at,
        "aid": list(file.aid.values("id", "kind", "amount", "given_on", "fund")),
        "documents": [
            {
                "id": d.pk,
                "name": d.original_name,
                "content_type": d.content_type,
                "size": d.size,
                "url": f"/api/v1/care/hardship/documents/{d.pk}",
            }
            for d in file.documents.all()
        ],
    }
    if selectors.is_file_staff(user=user, file=file):
        membership = file.membership
        out["member"] = {
            "id": file.member_id,
            "name": membership.full_name,
            "member_no": membership.member_no,
            "id_number": membership.id_number_masked,
        }
        out["visits"] = [
            {
                "id": v.pk,
                "visited_on": v.visited_on,
                "notes": v.notes,
                "visited_by": _name(v.visited_by),
            }
            for v in file.visits.select_related("visited_by")
        ]
        out["history"] = [
            {"kind": e.kind, "actor": _name(e.actor) or None, "detail": e.detail, "at": e.at}
            for e in file.events.select_related("actor")
        ]
    return out


@router.post("/hardship", response={201: FiledOut})
def apply(request, payload: ApplyIn):
    """A member applies; staff of the member's union may apply on their behalf (member_id)."""
    member = request.user
    if payload.member_id and payload.member_id != request.user.pk:
        member = get_user_model().objects.filter(pk=payload.member_id).first()
        if member is None:
            raise NotFound(_("Member not found."))
    file = services.hardship_apply(
        actor=request.user,
        member=member,
        cause=payload.cause,
        household_size=payload.household_size,
        income_per_head=payload.income_per_head,
        description=payload.description,
        district=payload.district,
    )
    return Status(201, {"id": file.pk, "status": file.status})


@router.get("/hardship", response=list[FileOut])
def staff_files(request, status: str | None = None):
    """Files of the unions the caller runs (empty for everyone else)."""
    files = selectors.files_visible_to_staff(user=request.user)
    if status:
        files = files.filter(status=status)
    return [file_out(f, request.user) for f in files[:200]]


@router.get("/hardship/mine", response=list[FileOut])
def my_files(request):
    return [file_out(f, request.user) for f in selectors.files_of_member(user=request.user)]


@router.get("/hardship/export.csv")
def export(request):
    """The federation report with ID numbers masked (staff only; others get an empty sheet
    header, since they run no union)."""
    body = services.hardship_export(actor=request.user)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hardship-files.csv"'
    return response


@router.get("/hardship/{int:file_id}", response=FileOut)
def get_file(request, file_id: int):
    file = services.hardship_read(actor=request.user, file_id=file_id)
    return file_out(file, request.user)


@router.post("/hardship/{int:file_id}/documents", response={201: DocumentOut})
def add_document(request, file_id: int, file: Annotated[UploadedFile, File()]):
    hardship = selectors.file_get(user=request.user, file_id=file_id)
    data = file.read(MAX_ATTACHMENT_BYTES + 1)
    document = services.hardship_add_document(
        actor=request.user, file=hardship, name=file.name or "document", data=data
    )
    return Status(
        201,
        {
            "id": document.pk,
            "name": document.original_name,
            "content_type": document.content_type,
            "size": document.size,
            "url": f"/api/v1/care/hardship/documents/{document.pk}",
        },
    )


@router.get("/hardship/documents/{int:document_id}")
def download_document(request, document_id: int):
    document = HardshipDocument.objects.filter(pk=document_id).first()
    if document is None:
        raise NotFound(_("Document not found."))
    services.hardship_read(actor=request.user, file_id=document.file_id)
    response = FileResponse(
        document.content.open("rb"),
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _file_for_staff(request, file_id: int) -> HardshipFile:
    file = selectors.file_get(user=request.user, file_id=file_id)
    if not selectors.is_file_staff(user=request.user, file=file):
        # The member may read their file but not act on it as staff: still "not found".
        raise NotFound(_("Hardship file not found."))
    return file


@router.post("/hardship/{int:file_id}/visit", response={201: IdOut})
def visit(request, file_id: int, payload: VisitIn):
    visit = services.hardship_visit(
        actor=request.user,
        file=_file_for_staff(request, file_id),
        visited_on=payload.visited_on,
        notes=payload.notes,
    )
    return Status(201, {"id": visit.pk})


@router.post("/hardship/{int:file_id}/decide", response=FiledOut)
def decide(request, file_id: int, payload: DecideIn):
    file = services.hardship_decide(
        actor=request.user,
        file=_file_for_staff(request, file_id),
        decision=payload.decision,
        level=payload.level,
        reason=payload.reason,
    )
    return {"id": file.pk, "status": file.status}


@router.post("/hardship/{int:file_id}/aid", response={201: IdOut})
def aid(request, file_id: int, payload: AidIn):
    aid = services.hardship_aid(
        actor=request.user,
        file=_file_for_staff(request, file_id),
        kind=payload.kind,
        amount=payload.amount,
        given_on=payload.given_on,
        fund=payload.fund,
    )
    return Status(201, {"id": aid.pk})


@router.post("/hardship/{int:file_id}/recheck", response=FiledOut)
def recheck(request, file_id: int, payload: RecheckIn):
    file = services.hardship_recheck(
        actor=request.user, file=_file_for_staff(request, file_id), level=payload.level
    )
    return {"id": file.pk, "status": file.status}


@router.post("/hardship/{int:file_id}/close", response=FiledOut)
def close(request, file_id: int, payload: CloseIn):
    file = services.hardship_close(
        actor=request.user, file=_file_for_staff(request, file_id), reason=payload.reason
    )
    return {"id": file.pk, "status": file.status}


# --- campaigns -------------------------------------------------------------------------


class StationStock(Schema):
    id: int
    name: str
    remaining: int


class CampaignOut(Schema):
    id: int
    title: str
    kind: str
    item: str
    starts_on: dt.date
    ends_on: dt.date
    stations: list[StationStock]
    limit_per_member: int


class ClaimIn(Schema):
    station_id: StrictInt
    card_token: str = ""
    visitor: bool = False


class ClaimOut(Schema):
    id: int
    ordinal: int | None
    remaining: int


def campaign_out(campaign) -> dict:
    return {
        "id": campaign.pk,
        "title": campaign.title,
        "kind": campaign.kind,
        "item": campaign.item,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "stations": [
            {"id": s.station_id, "name": s.station.name, "remaining": s.remaining}
            for s in campaign.station_supplies.all()
        ],
        "limit_per_member": campaign.limit_per_member,
    }


@router.get("/campaigns", response=list[CampaignOut], auth=None)
def list_campaigns(request):
    """Campaigns running today, with the stock left at each station (public)."""
    return [campaign_out(c) for c in selectors.campaigns_running(today=timezone.localdate())]


@router.post("/campaigns/{int:campaign_id}/claims", response={201: ClaimOut})
def claim(request, campaign_id: int, payload: ClaimIn):
    """Staff at a station: the token read from a member's card QR, or ``visitor: true``."""
    supply = selectors.supply_get(campaign_id=campaign_id, station_id=payload.station_id)
    if payload.visitor:
        made = campaigns.claim_visitor(actor=request.user, supply=supply)
    elif payload.card_token:
        made = campaigns.claim_by_card(
            actor=request.user, supply=supply, card_token=payload.card_token
        )
    else:
        raise DomainError("required", _("Scan a membership card."), field="card_token")
    supply.refresh_from_db(fields=["remaining"])
    return Status(201, {"id": made.pk, "ordinal": made.ordinal, "remaining": supply.remaining})


# --- talks and activities --------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    kind: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    station: dict | None
    online: bool
    capacity: int


class RegistrationOut(Schema):
    id: int
    activity_id: int
    status: str


@router.get("/activities", response=list[ActivityOut], auth=None)
def list_activities(request):
    return [
        {
            "id": a.pk,
            "kind": a.kind,
            "title": a.title,
            "starts_at": a.starts_at,
            "ends_at": a.ends_at,
            "station": {"id": a.station_id, "name": a.station.name} if a.station else None,
            "online": not a.station_id,
            "capacity": a.capacity,
        }
        for a in Activity.objects.filter(ends_at__gte=timezone.now()).select_related("station")
    ]


@router.post("/activities/{int:activity_id}/registrations", response={201: RegistrationOut})
def register(request, activity_id: int):
    """A place, or the waiting list when full (``status``: registered | waiting)."""
    activity = Activity.objects.filter(pk=activity_id).first()
    if activity is None:
        raise NotFound(_("Activity not found."))
    made = talks.activity_register(member=request.user, activity=activity)
    return Status(201, {"id": made.pk, "activity_id": activity.pk, "status": made.status})


@router.post("/registrations/{int:registration_id}/cancel", response=RegistrationOut)
def cancel_registration(request, registration_id: int):
    registration = Registration.objects.filter(pk=registration_id, member=request.user).first()
    if registration is None:
        raise NotFound(_("Registration not found."))
    done = talks.activity_cancel(member=request.user, registration=registration)
    return {"id": done.pk, "activity_id": done.activity_id, "status": done.status}
