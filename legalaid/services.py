"""Writes for legal aid: slot materialisation, bookings, case notes, feedback, reminders.

Every write runs in ``transaction.atomic()``; people are told only after commit.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legalaid import notify, selectors
from legalaid.attachments import MAX_ATTACHMENTS, check_attachments
from legalaid.holidays import holiday_dates
from legalaid.models import (
    ACTIVE_STATUSES,
    Attachment,
    Booking,
    BookingEvent,
    BookingStatus,
    Campaign,
    CaseNote,
    Channel,
    Feedback,
    Outcome,
    ReminderKind,
    ReminderSent,
    Slot,
    SlotSource,
    Topic,
    Volunteer,
)
from legalaid.slots import SHANGHAI, Absence, SlotSpec, Window, drop_clashes, generate_slots
from unionhome import roles
from unionhome.errors import Conflict, DomainError, NotAllowed

# Error codes tests and clients can rely on.
ERR_SLOT_TAKEN = "slot_taken"
ERR_SLOT_PAST = "slot_in_past"
ERR_SLOT_UNAVAILABLE = "slot_unavailable"
ERR_VOLUNTEER_ABSENT = "volunteer_absent"
ERR_TOPIC = "invalid_topic"
ERR_CHANNEL = "invalid_channel"
ERR_DESCRIPTION = "invalid_description"
ERR_NOT_MEMBER = "not_member"
ERR_CUTOFF = "cutoff_passed"
ERR_NOT_ACTIVE = "booking_not_active"
ERR_REASON = "reason_required"
ERR_TOO_MANY = "too_many_bookings"
ERR_OTHER_VOLUNTEER = "other_volunteer"
ERR_NOT_YET = "consultation_not_held"
ERR_FEEDBACK_TWICE = "feedback_exists"
ERR_RATING = "invalid_rating"
ERR_OUTCOME = "invalid_outcome"

DESCRIPTION_MAX = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def member_change_cutoff() -> dt.timedelta:
    """How long before the start a member may still cancel or reschedule."""
    return dt.timedelta(hours=float(getattr(settings, "LEGALAID_MEMBER_CUTOFF_HOURS", 2)))


def booking_horizon_days() -> int:
    return int(getattr(settings, "LEGALAID_HORIZON_DAYS", 28))


def max_upcoming_per_member() -> int:
    return int(getattr(settings, "LEGALAID_MAX_UPCOMING_PER_MEMBER", 3))


# --- slots ---------------------------------------------------------------------------


def _windows_of(volunteer: Volunteer) -> list[Window]:
    return [
        Window(
            weekday=w.weekday,
            start=w.start_time,
            end=w.end_time,
            channel=w.channel,
            station_id=w.station_id,
            valid_from=w.valid_from,
            valid_until=w.valid_until,
        )
        for w in volunteer.windows.all()
    ]


def _absences_of(volunteer: Volunteer, start: dt.datetime, end: dt.datetime) -> list[Absence]:
    return [
        Absence(a.starts_at, a.ends_at)
        for a in volunteer.exceptions.filter(starts_at__lt=end, ends_at__gt=start)
    ]


def slots_materialise(
    *,
    volunteer: Volunteer,
    first_day: dt.date,
    last_day: dt.date,
    now: dt.datetime | None = None,
) -> int:
    """Bring a volunteer's weekly slots in [first_day, last_day] in line with the windows.

    New slots are inserted; future weekly slots that no longer fit (window removed, leave
    added) are deleted unless booked. Returns the number of slots created.
    """
    now = now or timezone.now()
    range_start = dt.datetime.combine(first_day, dt.time.min, tzinfo=SHANGHAI)
    range_end = dt.datetime.combine(last_day + dt.timedelta(days=2), dt.time.min, tzinfo=SHANGHAI)
    wanted: list[SlotSpec] = []
    if volunteer.is_active:
        wanted = generate_slots(
            windows=_windows_of(volunteer),
            first_day=first_day,
            last_day=last_day,
            slot_minutes=volunteer.slot_minutes,
            buffer_minutes=volunteer.buffer_minutes,
            absences=_absences_of(volunteer, range_start, range_end),
            holidays=holiday_dates(first_day, last_day),
            not_before=now,
        )
    wanted_keys = {(s.start, s.end, s.channel, s.station_id) for s in wanted}
    with transaction.atomic():
        existing = list(
            Slot.objects.filter(
                volunteer=volunteer, start__gte=max(range_start, now), start__lt=range_end
            )
        )
        booked_ids = set(
            Booking.objects.filter(slot__in=existing, status__in=ACTIVE_STATUSES).values_list(
                "slot_id", flat=True
            )
        )
        stale = [
            s.pk
            for s in existing
            if s.source == SlotSource.WEEKLY
            and (s.start, s.end, s.channel, s.station_id) not in wanted_keys
            and s.pk not in booked_ids
            and not s.bookings.exists()
        ]
        Slot.objects.filter(pk__in=stale).delete()
        keep = [(s.start, s.end) for s in existing if s.pk not in stale]
        have = {(s.start, s.end, s.channel, s.station_id) for s in existing}
        fresh = drop_clashes(
            [s for s in wanted if (s.start, s.end, s.channel, s.station_id) not in have],
            keep,
            buffer_minutes=volunteer.buffer_minutes,
        )
        created = Slot.objects.bulk_create(
            [
                Slot(
                    volunteer=volunteer,
                    station_id=s.station_id,
                    channel=s.channel,
                    start=s.start,
                    end=s.end,
                    source=SlotSource.WEEKLY,
                )
                for s in fresh
            ],
            ignore_conflicts=True,
        )
    return len(created)


def slots_materialise_all(*, now: dt.datetime | None = None, days: int | None = None) -> int:
    """Materialise every active volunteer's slots over the booking horizon."""
    now = now or timezone.now()
    first = now.astimezone(SHANGHAI).date()
    last = first + dt.timedelta(days=days or booking_horizon_days())
    total = 0
    for volunteer in Volunteer.objects.all():
        total += slots_materialise(volunteer=volunteer, first_day=first, last_day=last, now=now)
    return total


def campaign_generate_slots(*, campaign: Campaign, now: dt.datetime | None = None) -> int:
    """Add a campaign's extra in-person slots at its stations, clear of existing slots."""
    from legalaid.slots import extra_slots

    now = now or timezone.now()
    stations = list(campaign.stations.all())
    chosen = list(campaign.volunteers.filter(is_active=True))
    holidays = holiday_dates(campaign.starts_on, campaign.ends_on) if campaign.skip_holidays else ()
    range_start = dt.datetime.combine(campaign.starts_on, dt.time.min, tzinfo=SHANGHAI)
    range_end = dt.datetime.combine(
        campaign.ends_on + dt.timedelta(days=2), dt.time.min, tzinfo=SHANGHAI
    )
    created = 0
    with transaction.atomic():
        for station in stations:
            volunteers = chosen or list(station.volunteers.filter(is_active=True))
            for volunteer in volunteers:
                if chosen and not volunteer.stations.filter(pk=station.pk).exists():
                    continue
                existing = list(
                    volunteer.slots.filter(start__lt=range_end, end__gt=range_start).values_list(
                        "start", "end"
                    )
                )
                specs = extra_slots(
                    first_day=campaign.starts_on,
                    last_day=campaign.ends_on,
                    daily_start=campaign.daily_start,
                    daily_end=campaign.daily_end,
                    weekdays=campaign.weekdays or None,
                    channel=Channel.IN_PERSON,
                    station_id=station.pk,
                    slot_minutes=volunteer.slot_minutes,
                    buffer_minutes=volunteer.buffer_minutes,
                    existing=existing,
                    absences=_absences_of(volunteer, range_start, range_end),
                    holidays=holidays,
                    not_before=now,
                )
                rows = Slot.objects.bulk_create(
                    [
                        Slot(
                            volunteer=volunteer,
                            station=station,
                            channel=Channel.IN_PERSON,
                            start=s.start,
                            end=s.end,
                            source=SlotSource.CAMPAIGN,
                            campaign=campaign,
                        )
                        for s in specs
                    ],
                    ignore_conflicts=True,
                )
                created += len(rows)
        Campaign.objects.filter(pk=campaign.pk).update(slots_created=campaign.slots.count())
    return created


# --- bookings ------------------------------------------------------------------------


def _clean_description(text: str) -> str:
    # Stored as plain text (templates escape it); control characters are dropped.
    text = _CONTROL.sub("", (text or "").replace("\r\n", "\n")).strip()
    if not text:
        raise DomainError(ERR_DESCRIPTION, _("Describe your problem briefly."), field="description")
    if len(text) > DESCRIPTION_MAX:
        raise DomainError(
            ERR_DESCRIPTION,
            _("The description is limited to %(n)d characters.") % {"n": DESCRIPTION_MAX},
            field="description",
        )
    return text


def _check_topic(topic: str) -> None:
    if topic not in Topic.values:
        raise DomainError(ERR_TOPIC, _("Unknown topic."), field="topic")


def _check_slot_bookable(slot: Slot, channel: str, now: dt.datetime) -> None:
    if channel not in Channel.values or channel not in slot.allowed_channels():
        raise DomainError(
            ERR_CHANNEL, _("This slot is not offered on that channel."), field="channel"
        )
    if slot.start <= now:
        raise DomainError(ERR_SLOT_PAST, _("This slot is in the past."), field="slot_id")
    if not slot.volunteer.is_active:
        raise DomainError(
            ERR_SLOT_UNAVAILABLE, _("This slot is no longer offered."), field="slot_id"
        )
    if selectors.volunteer_is_absent(slot.volunteer, slot.start, slot.end):
        raise DomainError(
            ERR_VOLUNTEER_ABSENT,
            _("The volunteer is away at that time; choose another slot."),
            field="slot_id",
        )


def _may_book_for(actor, member, slot: Slot) -> bool:
    if actor.pk == member.pk:
        return True
    membership = roles.active_membership(member)
    if membership and roles.is_union_staff(actor, membership.union_id):
        return True
    # A volunteer books follow-ups with a member on their own slots.
    return slot.volunteer.user_id == actor.pk


def booking_create(
    *,
    actor,
    member,
    slot: Slot,
    topic: str,
    description: str,
    channel: str,
    attachments: list[tuple[str, bytes]] | None = None,
    follow_up_of: Booking | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Book a slot for a member (by the member, union staff, or the slot's volunteer)."""
    now = now or timezone.now()
    if roles.active_membership(member) is None:
        raise NotAllowed(_("Only union members can book a consultation."), code=ERR_NOT_MEMBER)
    if not _may_book_for(actor, member, slot):
        raise NotAllowed(_("You may not book for this member."))
    _check_topic(topic)
    text = _clean_description(description)
    checked = check_attachments(list(attachments or []))
    _check_slot_bookable(slot, channel, now)
    upcoming = Booking.objects.filter(
        member=member, status=BookingStatus.BOOKED, slot__start__gt=now
    ).count()
    if upcoming >= max_upcoming_per_member():
        raise Conflict(
            ERR_TOO_MANY,
            _("You already have %(n)d upcoming consultations.") % {"n": upcoming},
        )
    if selectors.slot_is_taken(slot):
        raise Conflict(ERR_SLOT_TAKEN, _("This slot has just been taken; choose another."))
    try:
        with transaction.atomic():
            booking = Booking.objects.create(
                slot=slot,
                volunteer=slot.volunteer,
                member=member,
                booked_by=actor,
                topic=topic,
                description=text,
                channel=channel,
                follow_up_of=follow_up_of,
                scheduled_at=now,
            )
            for name, data, content_type in checked:
                attachment = Attachment(
                    booking=booking, original_name=name, content_type=content_type, size=len(data)
                )
                attachment.file.save(name, ContentFile(data), save=False)
                attachment.save()
            BookingEvent.objects.create(
                booking=booking,
                kind=BookingEvent.Kind.BOOKED,
                actor=actor,
                detail=_when(slot),
            )
            transaction.on_commit(partial(notify.booking_confirmed, booking.pk))
            transaction.on_commit(partial(_schedule_reminders, booking.pk))
    except IntegrityError as exc:
        # The partial unique constraint caught a concurrent booking of the same slot.
        raise Conflict(ERR_SLOT_TAKEN, _("This slot has just been taken; choose another.")) from exc
    return booking


def booking_attach(*, actor, booking: Booking, name: str, data: bytes) -> Attachment:
    """The member adds an image or PDF to their booking before it takes place."""
    if booking.member_id != actor.pk and _role_on(actor, booking) == "none":
        raise NotAllowed(_("You may not add files to this booking."))
    if booking.status != BookingStatus.BOOKED:
        raise Conflict(ERR_NOT_ACTIVE, _("This booking is no longer active."))
    with transaction.atomic():
        booking = Booking.objects.select_for_update().get(pk=booking.pk)
        present = booking.attachments.count()
        checked = check_attachments([(name, data)])
        if present + 1 > MAX_ATTACHMENTS:
            raise DomainError(
                "too_many_attachments",
                _("At most %(n)d attachments.") % {"n": MAX_ATTACHMENTS},
                field="attachments",
            )
        clean, content, content_type = checked[0]
        attachment = Attachment(
            booking=booking, original_name=clean, content_type=content_type, size=len(content)
        )
        attachment.file.save(clean, ContentFile(content), save=False)
        attachment.save()
    return attachment


def _when(slot: Slot) -> str:
    return timezone.localtime(slot.start).strftime("%Y-%m-%d %H:%M")


def _role_on(actor, booking: Booking) -> str:
    if booking.volunteer.user_id == actor.pk:
        return "volunteer"
    if booking.volunteer.union_id in selectors.legalaid_staff_union_ids(actor):
        return "staff"
    if booking.member_id == actor.pk:
        return "member"
    return "none"


def booking_cancel(
    *, actor, booking: Booking, reason: str = "", now: dt.datetime | None = None
) -> Booking:
    """Members cancel up to the cut-off; the volunteer or staff any time, with a reason."""
    now = now or timezone.now()
    role = _role_on(actor, booking)
    if role == "none":
        raise NotAllowed(_("You may not cancel this booking."))
    reason = _CONTROL.sub("", reason or "").strip()[:1000]
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
        if booking.status != BookingStatus.BOOKED:
            raise Conflict(ERR_NOT_ACTIVE, _("This booking is no longer active."))
        if role == "member":
            if now > booking.slot.start - member_change_cutoff():
                raise Conflict(
                    ERR_CUTOFF,
                    _("It is too late to change this booking online; please call the union."),
                )
            booking.status = BookingStatus.CANCELLED_BY_MEMBER
        else:
            if not reason:
                raise DomainError(ERR_REASON, _("Give a reason for cancelling."), field="reason")
            booking.status = BookingStatus.CANCELLED_BY_VOLUNTEER
        booking.cancel_reason = reason
        booking.cancelled_at = now
        booking.sequence += 1
        booking.save(update_fields=["status", "cancel_reason", "cancelled_at", "sequence"])
        BookingEvent.objects.create(
            booking=booking, kind=BookingEvent.Kind.CANCELLED, actor=actor, detail=reason
        )
        transaction.on_commit(partial(notify.booking_cancelled, booking.pk, role == "member"))
    return booking


def booking_reschedule(
    *,
    actor,
    booking: Booking,
    slot: Slot,
    channel: str | None = None,
    reason: str = "",
    now: dt.datetime | None = None,
) -> Booking:
    """Move a booking to another slot of the same volunteer (the case stays with them)."""
    now = now or timezone.now()
    role = _role_on(actor, booking)
    if role == "none":
        raise NotAllowed(_("You may not change this booking."))
    reason = _CONTROL.sub("", reason or "").strip()[:1000]
    if slot.volunteer_id != booking.volunteer_id:
        raise DomainError(
            ERR_OTHER_VOLUNTEER,
            _("Choose another time with the same volunteer, or cancel and book anew."),
            field="slot_id",
        )
    channel = channel or booking.channel
    if channel not in slot.allowed_channels() and booking.channel == channel:
        channel = slot.channel
    try:
        with transaction.atomic():
            booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
            if booking.status != BookingStatus.BOOKED:
                raise Conflict(ERR_NOT_ACTIVE, _("This booking is no longer active."))
            if role == "member" and now > booking.slot.start - member_change_cutoff():
                raise Conflict(
                    ERR_CUTOFF,
                    _("It is too late to change this booking online; please call the union."),
                )
            if role != "member" and not reason:
                raise DomainError(ERR_REASON, _("Give a reason for the change."), field="reason")
            _check_slot_bookable(slot, channel, now)
            if slot.pk == booking.slot_id:
                return booking
            if selectors.slot_is_taken(slot):
                raise Conflict(ERR_SLOT_TAKEN, _("This slot has just been taken; choose another."))
            old_when = _when(booking.slot)
            booking.slot = slot
            booking.channel = channel
            booking.scheduled_at = now
            booking.sequence += 1
            booking.save(update_fields=["slot", "channel", "scheduled_at", "sequence"])
            BookingEvent.objects.create(
                booking=booking,
                kind=BookingEvent.Kind.RESCHEDULED,
                actor=actor,
                detail=f"{old_when} → {_when(slot)} {reason}".strip(),
            )
            transaction.on_commit(partial(notify.booking_rescheduled, booking.pk, old_when))
            transaction.on_commit(partial(_schedule_reminders, booking.pk))
    except IntegrityError as exc:
        raise Conflict(ERR_SLOT_TAKEN, _("This slot has just been taken; choose another.")) from exc
    return booking


def case_add_note(
    *,
    actor,
    booking: Booking,
    text: str = "",
    outcome: str = "",
    held: bool | None = None,
    now: dt.datetime | None = None,
) -> CaseNote:
    """Append a note (and optionally an outcome) to a case; earlier notes are never changed.

    ``held`` records whether the consultation took place (done / no show)."""
    now = now or timezone.now()
    if not selectors.can_read_case(user=actor, booking=booking):
        raise NotAllowed(_("Only the assigned volunteer and legal-aid staff work on a case."))
    text = _CONTROL.sub("", text or "").strip()
    if outcome and outcome not in Outcome.values:
        raise DomainError(ERR_OUTCOME, _("Unknown outcome."), field="outcome")
    if not text and not outcome and held is None:
        raise DomainError("empty_note", _("Write a note or choose an outcome."), field="text")
    if len(text) > 5000:
        raise DomainError("note_too_long", _("The note is too long."), field="text")
    with transaction.atomic():
        booking = Booking.objects.select_for_update().select_related("slot").get(pk=booking.pk)
        if booking.is_cancelled:
            raise Conflict(ERR_NOT_ACTIVE, _("This booking was cancelled."))
        fields = []
        if held is not None:
            if booking.slot.start > now:
                raise DomainError(ERR_NOT_YET, _("The consultation has not started yet."))
            booking.status = BookingStatus.DONE if held else BookingStatus.NO_SHOW
            fields.append("status")
        if outcome:
            if booking.slot.start > now:
                raise DomainError(ERR_NOT_YET, _("The consultation has not started yet."))
            booking.outcome = outcome
            fields.append("outcome")
            if booking.status == BookingStatus.BOOKED:
                booking.status = BookingStatus.DONE
                fields.append("status")
        if fields:
            booking.save(update_fields=sorted(set(fields)))
        note = CaseNote.objects.create(booking=booking, author=actor, text=text, outcome=outcome)
    return note


def feedback_submit(
    *,
    actor,
    booking: Booking,
    rating: int,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Feedback:
    """The member rates a consultation once it has taken place."""
    now = now or timezone.now()
    if booking.member_id != actor.pk:
        raise NotAllowed(_("Only the member who booked can rate the consultation."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise DomainError(ERR_RATING, _("Rate from 1 to 5."), field="rating")
    if booking.is_cancelled or booking.status == BookingStatus.NO_SHOW or booking.slot.end > now:
        raise DomainError(ERR_NOT_YET, _("You can rate a consultation after it took place."))
    comment = _CONTROL.sub("", comment or "").strip()[:1000]
    try:
        with transaction.atomic():
            return Feedback.objects.create(booking=booking, rating=rating, comment=comment)
    except IntegrityError as exc:
        raise Conflict(ERR_FEEDBACK_TWICE, _("You have already rated this consultation.")) from exc


def notices_mark_read(*, user, now: dt.datetime | None = None) -> int:
    from legalaid.models import Notice

    with transaction.atomic():
        return Notice.objects.filter(user=user, read_at__isnull=True).update(
            read_at=now or timezone.now()
        )


# --- reminders -----------------------------------------------------------------------

REMINDER_OFFSETS = {
    ReminderKind.DAY_BEFORE: dt.timedelta(days=1),
    ReminderKind.HOUR_BEFORE: dt.timedelta(hours=1),
}


def reminder_due_kind(
    *, start: dt.datetime, scheduled_at: dt.datetime, now: dt.datetime
) -> str | None:
    """Which reminder is due now (pure): the day-before one until an hour before, then the
    hour-before one; none for a reminder time that passed before the booking was made."""
    if now >= start:
        return None
    hour_mark = start - REMINDER_OFFSETS[ReminderKind.HOUR_BEFORE]
    day_mark = start - REMINDER_OFFSETS[ReminderKind.DAY_BEFORE]
    if now >= hour_mark:
        return ReminderKind.HOUR_BEFORE if scheduled_at < hour_mark else None
    if now >= day_mark:
        return ReminderKind.DAY_BEFORE if scheduled_at < day_mark else None
    return None


def reminders_send_due(*, now: dt.datetime | None = None) -> int:
    """Send every reminder that is due now; a reminder is recorded before it is sent, under a
    unique constraint, so two workers (or cron and the task) never send it twice."""
    now = now or timezone.now()
    sent = 0
    candidates = Booking.objects.filter(
        status=BookingStatus.BOOKED,
        slot__start__gt=now,
        slot__start__lte=now + dt.timedelta(days=1),
    ).select_related("slot", "slot__station", "volunteer__user", "member")
    for booking in candidates:
        kind = reminder_due_kind(
            start=booking.slot.start, scheduled_at=booking.scheduled_at, now=now
        )
        if kind is None:
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.create(
                    booking=booking, kind=kind, slot_start=booking.slot.start
                )
                transaction.on_commit(partial(notify.booking_reminder, booking, kind))
        except IntegrityError:
            continue
        sent += 1
    return sent


def _schedule_reminders(booking_id: int) -> None:
    """Ask the task backend to sweep reminders at the two reminder times (when it can defer
    tasks; the cron command covers backends that cannot)."""
    from django_tasks import default_task_backend

    from legalaid.tasks import send_legalaid_reminders

    if not getattr(default_task_backend, "supports_defer", False):
        return
    booking = Booking.objects.select_related("slot").filter(pk=booking_id).first()
    if booking is None:
        return
    now = timezone.now()
    for offset in REMINDER_OFFSETS.values():
        at = booking.slot.start - offset
        if at > now:
            send_legalaid_reminders.using(run_after=at).enqueue()
