"""Reads for legal aid: who may see which booking, open slots, dashboards and statistics."""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from legalaid.models import (
    ACTIVE_STATUSES,
    Attachment,
    AvailabilityException,
    Booking,
    BookingStatus,
    Feedback,
    ServiceLine,
    Slot,
    Station,
    Volunteer,
)
from legalaid.slots import SHANGHAI, local_day_bounds
from unionhome.accounts.phones import normalize_mainland_mobile
from unionhome.core import roles
from unionhome.core.errors import DomainError, NotFound
from unionhome.membership.models import PhoneNumber

# The code a vanished slot answers with (the booking service raises it too).
ERR_SLOT_UNAVAILABLE = "slot_unavailable"

MAX_RANGE_DAYS = 62


def volunteer_for_user(user) -> Volunteer | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Volunteer.objects.filter(user=user).first()


def legalaid_staff_union_ids(user) -> set[int]:
    """Unions whose legal-aid work the user runs (federation staff: all)."""
    return roles.staffed_union_ids(user)


def is_legalaid_staff(user) -> bool:
    return bool(legalaid_staff_union_ids(user))


def booking_case_filter(user) -> Q:
    """Bookings whose case (notes, description, member) the user may read as a worker.

    Counselling sessions are the counsellor's alone: union staff see legal-aid cases of their
    unions, never a counselling session (what is said there is more private still)."""
    q = Q(volunteer__user=user)
    union_ids = legalaid_staff_union_ids(user)
    if union_ids:
        q |= Q(volunteer__union_id__in=union_ids, service=ServiceLine.LEGAL_AID)
    return q


def booking_visible_qs(user, *, service: str | None = None) -> QuerySet[Booking]:
    """Members see their own bookings; volunteers their cases; staff their unions' cases."""
    if not getattr(user, "is_authenticated", False):
        return Booking.objects.none()
    qs = Booking.objects.filter(Q(member=user) | booking_case_filter(user))
    if service:
        qs = qs.filter(service=service)
    return qs.select_related(
        "slot", "slot__station", "volunteer", "volunteer__user", "member"
    ).distinct()


def booking_get(*, user, booking_id: int, service: str | None = None) -> Booking:
    """A booking the user may see, or NotFound (never reveal that others' bookings exist)."""
    booking = booking_visible_qs(user, service=service).filter(pk=booking_id).first()
    if booking is None:
        raise NotFound(_("Booking not found."))
    return booking


def member_resolve(*, actor, member: int | str | None = None, field: str = "member_id"):
    """Whom a booking is for: the actor, or the member named by id (API) or by username or
    mainland mobile number (the booking form). Permission to book for someone else is the
    service's check (``booking_create``)."""
    if member is None or member == "" or member == actor.pk:
        return actor
    User = get_user_model()
    if isinstance(member, int):
        user = User.objects.filter(pk=member).first()
    else:
        identifier = member.strip()
        user = User.objects.filter(username=identifier).first()
        if user is None:
            try:
                phone = normalize_mainland_mobile(identifier)
            except DomainError:
                phone = None
            record = PhoneNumber.objects.filter(phone=phone).select_related("user").first()
            user = record.user if record else None
    if user is None:
        raise DomainError(
            "unknown_member", _("No member with that username or number."), field=field
        )
    return user


def slot_get(*, slot_id, field: str = "slot_id") -> Slot:
    """An offered slot (whether it is still free is the booking service's check, under its
    lock), or the same 422 the booking would give."""
    slot = Slot.objects.select_related("volunteer", "station").filter(pk=slot_id).first()
    if slot is None:
        raise DomainError(ERR_SLOT_UNAVAILABLE, _("This slot is no longer offered."), field=field)
    return slot


def attachment_get(*, user, attachment_id: int) -> Attachment:
    """An attachment of a booking the user may see, or NotFound (as for the booking)."""
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(_("Attachment not found."))
    booking_get(user=user, booking_id=attachment.booking_id)
    return attachment


def can_read_case(*, user, booking: Booking) -> bool:
    """The assigned volunteer and the union's legal-aid staff read notes; members do not.
    Counselling notes: the counsellor only."""
    if not getattr(user, "is_authenticated", False):
        return False
    if booking.volunteer.user_id == user.pk:
        return True
    if booking.service != ServiceLine.LEGAL_AID:
        return False
    return booking.volunteer.union_id in legalaid_staff_union_ids(user)


def parse_day_range(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if last < first:
        raise DomainError("invalid_range", _("The end date is before the start date."))
    if (last - first).days > MAX_RANGE_DAYS:
        raise DomainError(
            "range_too_long", _("Ask for at most %(n)d days.") % {"n": MAX_RANGE_DAYS}
        )
    return local_day_bounds(first)[0], local_day_bounds(last)[1]


def _absent_subquery():
    return AvailabilityException.objects.filter(
        volunteer_id=OuterRef("volunteer_id"),
        starts_at__lt=OuterRef("end"),
        ends_at__gt=OuterRef("start"),
    )


def slots_open(
    *,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime | None = None,
    station_id: int | None = None,
    volunteer_id: int | None = None,
    channel: str | None = None,
    topic: str | None = None,
    service: str = ServiceLine.LEGAL_AID,
) -> QuerySet[Slot]:
    """Bookable slots of one service line whose local start day is in [first_day, last_day]."""
    now = now or timezone.now()
    start, end = parse_day_range(first_day, last_day)
    taken = Booking.objects.filter(slot_id=OuterRef("pk"), status__in=ACTIVE_STATUSES)
    qs = Slot.objects.filter(
        start__gte=max(start, now),
        start__lt=end,
        volunteer__is_active=True,
        volunteer__service=service,
    ).filter(~Exists(taken), ~Exists(_absent_subquery()))
    if station_id:
        qs = qs.filter(station_id=station_id)
    if volunteer_id:
        qs = qs.filter(volunteer_id=volunteer_id)
    if channel:
        # In person only at the slot's station; remote wherever the volunteer offers it.
        if channel == "in_person":
            qs = qs.filter(channel="in_person")
        elif channel == "phone":
            qs = qs.filter(Q(channel="phone") | Q(volunteer__does_phone=True))
        elif channel == "video":
            qs = qs.filter(Q(channel="video") | Q(volunteer__does_video=True))
    if topic and topic != "other":
        qs = qs.filter(volunteer_id__in=volunteer_ids_for_topic(topic))
    return qs.select_related("volunteer", "station").order_by("start", "volunteer_id")


def volunteer_ids_for_topic(topic: str) -> list[int]:
    # Specialities are a JSON list and SQLite has no JSON containment lookup; volunteers are
    # few, so the match is made in Python.
    return [
        pk
        for pk, specialities in Volunteer.objects.filter(is_active=True).values_list(
            "pk", "specialities"
        )
        if topic in (specialities or [])
    ]


def slot_is_taken(slot: Slot) -> bool:
    return Booking.objects.filter(slot=slot, status__in=ACTIVE_STATUSES).exists()


def volunteer_is_absent(volunteer: Volunteer, start: dt.datetime, end: dt.datetime) -> bool:
    return AvailabilityException.objects.filter(
        volunteer=volunteer, starts_at__lt=end, ends_at__gt=start
    ).exists()


def stations_by_district(*, kinds=None, district: str = "") -> list[tuple[str, list[Station]]]:
    """Active stations grouped by district (one query), optionally of some kinds or of one
    district only. The public site, legal aid and campaigns all list stations through this."""
    grouped: OrderedDict[str, list[Station]] = OrderedDict()
    stations = Station.objects.filter(is_active=True)
    if kinds:
        stations = stations.filter(kind__in=kinds)
    if district:
        stations = stations.filter(district=district)
    for station in stations.order_by("district", "name"):
        grouped.setdefault(station.district, []).append(station)
    return list(grouped.items())


def bookings_of_member(user, *, service: str | None = None) -> QuerySet[Booking]:
    qs = Booking.objects.filter(member=user)
    if service:
        qs = qs.filter(service=service)
    return (
        qs.select_related("slot", "slot__station", "volunteer")
        .prefetch_related("attachments")
        .order_by("-slot__start")
    )


def volunteer_dashboard(*, volunteer: Volunteer, now: dt.datetime | None = None) -> dict:
    """Today's consultations, the upcoming ones and past ones still without an outcome."""
    now = now or timezone.now()
    today = now.astimezone(SHANGHAI).date()
    day_start, day_end = local_day_bounds(today)
    base = Booking.objects.filter(volunteer=volunteer).select_related(
        "slot", "slot__station", "member"
    )
    active = base.filter(status__in=ACTIVE_STATUSES)
    return {
        "today": list(
            active.filter(slot__start__gte=day_start, slot__start__lt=day_end).order_by(
                "slot__start"
            )
        ),
        "upcoming": list(
            base.filter(status=BookingStatus.BOOKED, slot__start__gte=day_end).order_by(
                "slot__start"
            )[:50]
        ),
        "open_cases": list(
            active.filter(slot__start__lt=day_start)
            .exclude(outcome="closed")
            .order_by("-slot__start")[:50]
        ),
    }


def staff_cases(user) -> QuerySet[Booking]:
    union_ids = legalaid_staff_union_ids(user)
    return (
        Booking.objects.filter(volunteer__union_id__in=union_ids)
        .select_related("slot", "slot__station", "volunteer", "member")
        .order_by("-slot__start")
    )


def satisfaction_stats(*, union_ids: set[int] | None) -> dict:
    """Average rating and count per volunteer and per station; bookings per topic per month."""
    feedback = Feedback.objects.all()
    bookings = Booking.objects.all()
    if union_ids is not None:
        feedback = feedback.filter(booking__volunteer__union_id__in=union_ids)
        bookings = bookings.filter(volunteer__union_id__in=union_ids)
    per_volunteer = list(
        feedback.values("booking__volunteer__display_name")
        .annotate(avg=Avg("rating"), n=Count("id"))
        .order_by("booking__volunteer__display_name")
    )
    per_station = list(
        feedback.filter(booking__slot__station__isnull=False)
        .values("booking__slot__station__name")
        .annotate(avg=Avg("rating"), n=Count("id"))
        .order_by("booking__slot__station__name")
    )
    per_topic_month = list(
        bookings.annotate(month=TruncMonth("slot__start", tzinfo=SHANGHAI))
        .values("month", "topic")
        .annotate(n=Count("id"))
        .order_by("month", "topic")
    )
    return {
        "per_volunteer": [
            {"name": row["booking__volunteer__display_name"], "avg": row["avg"], "n": row["n"]}
            for row in per_volunteer
        ],
        "per_station": [
            {"name": row["booking__slot__station__name"], "avg": row["avg"], "n": row["n"]}
            for row in per_station
        ],
        "per_topic_month": [
            {
                "month": row["month"].date() if row["month"] else None,
                "topic": row["topic"],
                "n": row["n"],
            }
            for row in per_topic_month
        ],
    }


def member_bookings_by_day(user, *, first_day: dt.date, last_day: dt.date) -> dict:
    """The member's own booked consultations between two local days, by local day (the
    booking page warns before a second booking on a day that already has one)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    start, end = local_day_bounds(first_day)[0], local_day_bounds(last_day)[1]
    held: dict[dt.date, list[Booking]] = {}
    for booking in (
        Booking.objects.filter(
            member=user,
            status=BookingStatus.BOOKED,
            slot__start__gte=start,
            slot__start__lt=end,
        )
        .select_related("slot", "volunteer")
        .order_by("slot__start")
    ):
        held.setdefault(booking.slot.start.astimezone(SHANGHAI).date(), []).append(booking)
    return held
