"""Legal-aid API (/api/v1/legalaid, see docs/api/legalaid.md). Thin: read the input, call
one selector or service, shape the answer; domain errors become ``{detail, code}``."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Annotated

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile

from legalaid import selectors, services
from legalaid.attachments import MAX_ATTACHMENT_BYTES, attachment_response
from legalaid.ics import booking_ics
from legalaid.maps import map_links
from legalaid.models import (
    Booking,
    ServiceLine,
    Station,
    Volunteer,
    allowed_channels,
)
from legalaid.slots import SHANGHAI
from unionhome.core.api_types import StrictInt
from unionhome.core.errors import DomainError

router = Router(tags=["legal aid"])


# --- schemas ---------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class SlotOut(Schema):
    id: int
    start: dt.datetime
    end: dt.datetime
    volunteer: Ref
    station: Ref | None
    channel: str
    channels: list[str]


class StationOut(Schema):
    id: int
    name: str
    address: str
    district: str
    latitude: Decimal | None
    longitude: Decimal | None
    opening_hours: str
    amenities: list[str]
    map_links: dict[str, str]


class VolunteerOut(Schema):
    id: int
    name: str
    title: str
    profile: str
    specialities: list[str]
    languages: list[str]
    stations: list[int]
    does_phone: bool
    does_video: bool


class BookingIn(Schema):
    slot_id: StrictInt
    topic: str
    description: str
    channel: str
    member_id: StrictInt | None = None
    follow_up_of: StrictInt | None = None


class IdOut(Schema):
    id: int


class RescheduleIn(Schema):
    slot_id: StrictInt
    channel: str | None = None
    reason: str = ""


class NoteIn(Schema):
    text: str = ""
    outcome: str = ""
    held: bool | None = None


class FeedbackIn(Schema):
    rating: StrictInt
    comment: str = ""


class AttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str


class NoteOut(Schema):
    id: int
    author: str
    text: str
    outcome: str
    created_at: dt.datetime


class EventOut(Schema):
    kind: str
    detail: str
    created_at: dt.datetime


class BookingOut(Schema):
    id: int
    status: str
    topic: str
    description: str
    channel: str
    start: dt.datetime
    end: dt.datetime
    slot_id: int
    volunteer: Ref
    station: Ref | None
    outcome: str
    cancel_reason: str
    follow_up_of: int | None
    can_change: bool
    ics_url: str
    attachments: list[AttachmentOut]
    member: Ref | None = None
    notes: list[NoteOut] | None = None
    history: list[EventOut] | None = None
    rating: int | None = None


# --- helpers ---------------------------------------------------------------------------


def local(value: dt.datetime) -> dt.datetime:
    # The contract shows times with the +08:00 offset, as members read them.
    return value.astimezone(SHANGHAI)


def _user(request):
    # Both authenticators (session token, browser session) set request.user.
    return request.user


def _member_name(user) -> str:
    return user.get_full_name() or user.username


def booking_out(booking: Booking, user, *, detail: bool = False) -> dict:

    is_worker = selectors.can_read_case(user=user, booking=booking)
    slot = booking.slot
    out = {
        "id": booking.pk,
        "status": booking.status,
        "topic": booking.topic,
        "description": booking.description,
        "channel": booking.channel,
        "start": local(slot.start),
        "end": local(slot.end),
        "slot_id": slot.pk,
        "volunteer": {"id": booking.volunteer_id, "name": booking.volunteer.display_name},
        "station": {"id": slot.station_id, "name": slot.station.name} if slot.station else None,
        "outcome": booking.outcome,
        "cancel_reason": booking.cancel_reason,
        "follow_up_of": booking.follow_up_of_id,
        "can_change": booking.status == "booked"
        and (is_worker or timezone.now() <= slot.start - services.member_change_cutoff()),
        "ics_url": f"/api/v1/legalaid/bookings/{booking.pk}.ics",
        "attachments": [
            {
                "id": a.pk,
                "name": a.original_name,
                "content_type": a.content_type,
                "size": a.size,
                "url": f"/api/v1/legalaid/attachments/{a.pk}",
            }
            for a in booking.attachments.all()
        ],
    }
    if is_worker:
        out["member"] = {"id": booking.member_id, "name": _member_name(booking.member)}
        if detail:
            out["notes"] = [
                {
                    "id": n.pk,
                    "author": _member_name(n.author),
                    "text": n.text,
                    "outcome": n.outcome,
                    "created_at": local(n.created_at),
                }
                for n in booking.notes.select_related("author")
            ]
            out["history"] = [
                {"kind": e.kind, "detail": e.detail, "created_at": local(e.created_at)}
                for e in booking.events.all()
            ]
    feedback = getattr(booking, "feedback", None) if detail else None
    out["rating"] = feedback.rating if feedback else None
    return out


def _optional_reason(request) -> str:
    # The contract allows a bare POST; a JSON body may carry the reason.
    if request.content_type != "application/json":
        return request.POST.get("reason", "")
    if not request.body.strip():
        return ""
    try:
        body = json.loads(request.body)
    except ValueError as exc:
        raise DomainError("malformed_json", _("The request body is not valid JSON.")) from exc
    reason = body.get("reason", "") if isinstance(body, dict) else ""
    return reason if isinstance(reason, str) else ""


# --- public reads ----------------------------------------------------------------------


@router.get("/slots", response=list[SlotOut], auth=None)
def list_slots(
    request,
    from_: Annotated[dt.date | None, Query(alias="from")] = None,
    to: dt.date | None = None,
    station: int | None = None,
    volunteer: int | None = None,
    channel: str | None = None,
    topic: str | None = None,
):
    """Open slots whose local (Asia/Shanghai) start day is within [from, to]."""

    today = timezone.now().astimezone(SHANGHAI).date()
    first = from_ or today
    last = to or first + dt.timedelta(days=13)
    slots = selectors.slots_open(
        first_day=first,
        last_day=last,
        station_id=station,
        volunteer_id=volunteer,
        channel=channel,
        topic=topic,
    )
    # Rows are built from trusted values and match SlotOut (documented in the schema);
    # encoding them directly skips re-validating thousands of rows (bench/bench_slots.py).
    return HttpResponse(
        json.dumps(slot_rows(slots), cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )


SLOT_FIELDS = (
    "id",
    "start",
    "end",
    "channel",
    "volunteer_id",
    "volunteer__display_name",
    "volunteer__does_phone",
    "volunteer__does_video",
    "station_id",
    "station__name",
)


def slot_rows(slots) -> list[dict]:
    """Shape slots from plain values: a month of slots for many volunteers is thousands of
    rows, and model instances would cost most of the time (see bench/bench_slots.py)."""
    return [
        {
            "id": row["id"],
            "start": local(row["start"]),
            "end": local(row["end"]),
            "volunteer": {"id": row["volunteer_id"], "name": row["volunteer__display_name"]},
            "station": {"id": row["station_id"], "name": row["station__name"]}
            if row["station_id"]
            else None,
            "channel": row["channel"],
            "channels": allowed_channels(
                row["channel"],
                does_phone=row["volunteer__does_phone"],
                does_video=row["volunteer__does_video"],
            ),
        }
        for row in slots.values(*SLOT_FIELDS)
    ]


@router.get("/stations", response=list[StationOut], auth=None)
def list_stations(request):
    return [
        {
            "id": s.pk,
            "name": s.name,
            "address": s.address,
            "district": s.district,
            "latitude": s.latitude,
            "longitude": s.longitude,
            "opening_hours": s.opening_hours,
            "amenities": s.amenity_list,
            "map_links": map_links(
                name=s.name, address=s.address, latitude=s.latitude, longitude=s.longitude
            ),
        }
        for s in Station.objects.filter(is_active=True)
    ]


@router.get("/volunteers", response=list[VolunteerOut], auth=None)
def list_volunteers(request):
    return [
        {
            "id": v.pk,
            "name": v.display_name,
            "title": v.title,
            "profile": v.profile,
            "specialities": list(v.specialities or []),
            "languages": v.language_list,
            "stations": [s.pk for s in v.stations.all()],
            "does_phone": v.does_phone,
            "does_video": v.does_video,
        }
        for v in Volunteer.objects.filter(
            is_active=True, service=ServiceLine.LEGAL_AID
        ).prefetch_related("stations")
    ]


# --- bookings --------------------------------------------------------------------------


@router.post("/bookings", response={201: IdOut})
def create_booking(request, payload: BookingIn):
    actor = _user(request)
    member = selectors.member_resolve(actor=actor, member=payload.member_id)
    follow_up = None
    if payload.follow_up_of:
        follow_up = selectors.booking_get(user=actor, booking_id=payload.follow_up_of)
    booking = services.booking_create(
        actor=actor,
        member=member,
        slot=selectors.slot_get(slot_id=payload.slot_id),
        topic=payload.topic,
        description=payload.description,
        channel=payload.channel,
        follow_up_of=follow_up,
        service=ServiceLine.LEGAL_AID,
    )
    return Status(201, {"id": booking.pk})


@router.get("/bookings", response=list[BookingOut])
def my_bookings(request):
    """The caller's own bookings as a member, newest first."""
    user = _user(request)
    return [
        booking_out(b, user)
        for b in selectors.bookings_of_member(user, service=ServiceLine.LEGAL_AID)
    ]


@router.get("/bookings/{int:booking_id}", response=BookingOut)
def get_booking(request, booking_id: int):
    user = _user(request)
    booking = selectors.booking_get(user=user, booking_id=booking_id)
    services.case_read_record(user=user, booking=booking)
    return booking_out(booking, user, detail=True)


@router.get("/bookings/{int:booking_id}.ics")
def booking_ics_download(request, booking_id: int):
    user = _user(request)
    booking = selectors.booking_get(user=user, booking_id=booking_id)
    body = booking_ics(
        booking,
        for_worker=selectors.can_read_case(user=user, booking=booking),
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="consultation-{booking.pk}.ics"'
    return response


@router.post("/bookings/{booking_id}/cancel", response=BookingOut)
def cancel_booking(request, booking_id: int):
    """Body optional: ``{reason}`` (required from the volunteer and staff)."""
    user = _user(request)
    booking = selectors.booking_get(user=user, booking_id=booking_id)
    booking = services.booking_cancel(actor=user, booking=booking, reason=_optional_reason(request))
    return booking_out(selectors.booking_get(user=user, booking_id=booking.pk), user)


@router.post("/bookings/{booking_id}/reschedule", response=BookingOut)
def reschedule_booking(request, booking_id: int, payload: RescheduleIn):
    user = _user(request)
    booking = selectors.booking_get(user=user, booking_id=booking_id)
    booking = services.booking_reschedule(
        actor=user,
        booking=booking,
        slot=selectors.slot_get(slot_id=payload.slot_id),
        channel=payload.channel,
        reason=payload.reason,
    )
    return booking_out(selectors.booking_get(user=user, booking_id=booking.pk), user)


@router.post("/bookings/{booking_id}/attachments", response={201: AttachmentOut})
def add_attachment(request, booking_id: int, file: Annotated[UploadedFile, File()]):
    """Attach an image or PDF to one's own upcoming booking (checked by content)."""
    user = _user(request)
    booking = selectors.booking_get(user=user, booking_id=booking_id)
    data = file.read(MAX_ATTACHMENT_BYTES + 1)
    attachment = services.booking_attach(actor=user, booking=booking, name=file.name, data=data)
    return Status(
        201,
        {
            "id": attachment.pk,
            "name": attachment.original_name,
            "content_type": attachment.content_type,
            "size": attachment.size,
            "url": f"/api/v1/legalaid/attachments/{attachment.pk}",
        },
    )


@router.get("/attachments/{attachment_id}")
def download_attachment(request, attachment_id: int):
    user = _user(request)
    return attachment_response(selectors.attachment_get(user=user, attachment_id=attachment_id))


# --- case work (volunteers and legal-aid staff) ----------------------------------------


@router.get("/cases", response=list[BookingOut])
def list_cases(request, scope: str = "upcoming"):
    """Cases the caller works on: ``today``, ``upcoming`` (default), ``open`` or ``all``."""
    user = _user(request)
    volunteer = selectors.volunteer_for_user(user)
    if volunteer is not None and scope in ("today", "upcoming", "open"):
        board = selectors.volunteer_dashboard(volunteer=volunteer)
        bookings = board[{"open": "open_cases"}.get(scope, scope)]
    else:
        qs = Booking.objects.filter(selectors.booking_case_filter(user)).select_related(
            "slot", "slot__station", "volunteer", "member"
        )
        bookings = list(qs.order_by("-slot__start")[:200])
    return [booking_out(b, user) for b in bookings]


@router.post("/bookings/{booking_id}/notes", response={201: IdOut})
def add_note(request, booking_id: int, payload: NoteIn):
    user = _user(request)
    booking = selectors.booking_get(user=user, booking_id=booking_id)
    note = services.case_add_note(
        actor=user, booking=booking, text=payload.text, outcome=payload.outcome, held=payload.held
    )
    return Status(201, {"id": note.pk})


@router.post("/bookings/{booking_id}/feedback", response={201: IdOut})
def add_feedback(request, booking_id: int, payload: FeedbackIn):
    user = _user(request)
    booking = selectors.booking_get(user=user, booking_id=booking_id)
    feedback = services.feedback_submit(
        actor=user, booking=booking, rating=payload.rating, comment=payload.comment
    )
    return Status(201, {"id": feedback.pk})
