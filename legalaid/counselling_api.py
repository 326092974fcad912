"""Counselling API (/api/v1/counselling, see docs/api/care.md): the legal-aid booking engine
serving a second line. Same shapes, same services and selectors, same row and booking
encoders; only the line (and so the topics, the volunteers and who reads notes) differs."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from legalaid import selectors, services
from legalaid.api import (
    BookingIn,
    BookingOut,
    IdOut,
    NoteIn,
    SlotOut,
    _optional_reason,
    booking_out,
    slot_rows,
)
from legalaid.ics import booking_ics
from legalaid.lines import ServiceLine
from legalaid.slots import SHANGHAI

router = Router(tags=["counselling"])
LINE = ServiceLine.COUNSELLING


@router.get("/slots", response=list[SlotOut], auth=None)
def list_slots(
    request,
    from_: Annotated[dt.date | None, Query(alias="from")] = None,
    to: dt.date | None = None,
    station: int | None = None,
    channel: str | None = None,
):
    """Open counselling slots whose local (Asia/Shanghai) start day is within [from, to]."""
    first = from_ or timezone.now().astimezone(SHANGHAI).date()
    slots = selectors.slots_open(
        first_day=first,
        last_day=to or first + dt.timedelta(days=13),
        station_id=station,
        channel=channel,
        service=LINE,
    )
    return HttpResponse(
        json.dumps(slot_rows(slots), cls=DjangoJSONEncoder, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )


@router.post("/bookings", response={201: IdOut})
def create_booking(request, payload: BookingIn):
    """``topic``: stress | family | work_conflict | sleep | other. Members book for themselves."""
    booking = services.booking_create(
        actor=request.user,
        member=request.user,
        slot=selectors.slot_get(slot_id=payload.slot_id),
        topic=payload.topic,
        description=payload.description,
        channel=payload.channel,
        service=LINE,
    )
    return Status(201, {"id": booking.pk})


@router.get("/bookings", response=list[BookingOut])
def my_bookings(request):
    user = request.user
    return [booking_out(b, user) for b in selectors.bookings_of_member(user, service=LINE)]


@router.get("/bookings/{int:booking_id}", response=BookingOut)
def get_booking(request, booking_id: int):
    booking = selectors.booking_get(user=request.user, booking_id=booking_id, service=LINE)
    services.case_read_record(user=request.user, booking=booking)
    return booking_out(booking, request.user, detail=True)


@router.get("/bookings/{int:booking_id}.ics")
def booking_ics_download(request, booking_id: int):
    user = request.user
    booking = selectors.booking_get(user=user, booking_id=booking_id, service=LINE)
    body = booking_ics(
        booking,
        for_worker=selectors.can_read_case(user=user, booking=booking),
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="counselling-{booking.pk}.ics"'
    return response


@router.post("/bookings/{booking_id}/cancel", response=BookingOut)
def cancel_booking(request, booking_id: int):
    user = request.user
    booking = selectors.booking_get(user=user, booking_id=booking_id, service=LINE)
    booking = services.booking_cancel(actor=user, booking=booking, reason=_optional_reason(request))
    return booking_out(selectors.booking_get(user=user, booking_id=booking.pk), user)


@router.post("/bookings/{booking_id}/notes", response={201: IdOut})
def add_note(request, booking_id: int, payload: NoteIn):
    """The counsellor's own notes: nobody else, not even union staff, reads them."""
    booking = selectors.booking_get(user=request.user, booking_id=booking_id, service=LINE)
    note = services.case_add_note(
        actor=request.user,
        booking=booking,
        text=payload.text,
        outcome=payload.outcome,
        held=payload.held,
    )
    return Status(201, {"id": note.pk})
