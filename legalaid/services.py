"""Writes for legal aid: slot materialisation, bookings, case notes, feedback, reminders.

Every write runs in ``transaction.atomic()``; people are told only after commit.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from legalaid import notify, selectors
from legalaid.attachments import MAX_ATTACHMENTS, check_attachments
from legalaid.lines import TOPICS_BY_SERVICE
from legalaid.models import (
    Attachment,
    Booking,
    BookingEvent,
    BookingStatus,
    CaseNote,
    Channel,
    Feedback,
    Notice,
    Outcome,
    Slot,
)
from legalaid.reminders import reminders_schedule
from unionhome.audit.models import AuditAction
from unionhome.audit.services import audit_record
from unionhome.core import roles
from unionhome.core.errors import Conflict, DomainError, NotAllowed
from unionhome.core.text import clean_text

# Error codes tests and clients can rely on.
ERR_SLOT_TAKEN = "slot_taken"
ERR_SLOT_PAST = "slot_in_past"
ERR_SLOT_UNAVAILABLE = selectors.ERR_SLOT_UNAVAILABLE
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


def member_change_cutoff() -> dt.timedelta:
    """How long before the start a member may still cancel or reschedule."""
    return dt.timedelta(hours=float(getattr(settings, "LEGALAID_MEMBER_CUTOFF_HOURS", 2)))


def booking_horizon_days() -> int:
    return int(getattr(settings, "LEGALAID_HORIZON_DAYS", 28))


def max_upcoming_per_member() -> int:
    return int(getattr(settings, "LEGALAID_MAX_UPCOMING_PER_MEMBER", 3))


# --- bookings ------------------------------------------------------------------------


def _clean_description(text: str) -> str:
    # Stored as plain text (templates escape it); control characters are dropped.
    text = clean_text(text).strip()
    if not text:
        raise DomainError(ERR_DESCRIPTION, _("Describe your problem briefly."), field="description")
    if len(text) > DESCRIPTION_MAX:
        raise DomainError(
            ERR_DESCRIPTION,
            _("The description is limited to %(n)d characters.") % {"n": DESCRIPTION_MAX},
            field="description",
        )
    return text


def _check_topic(topic: str, service: str) -> None:
    # Each line has its own topics (counselling: stress, family, ...); "other" is shared.
    if topic not in TOPICS_BY_SERVICE[service].values:
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


def _may_book_for(actor, member, slot: Slot, follow_up_of: Booking | None) -> bool:
    if actor.pk == member.pk:
        return True
    membership = roles.active_membership(member)
    if membership and roles.is_union_staff(actor, membership.union_id):
        return True
    # Otherwise only on a case the actor already holds with this member: a volunteer (or
    # legal-aid staff) books a follow-up. Booking anyone at all would reveal their name.
    return (
        follow_up_of is not None
        and follow_up_of.member_id == member.pk
        and _role_on(actor, follow_up_of) in ("volunteer", "staff")
        and (slot.volunteer.user_id == actor.pk or _role_on(actor, follow_up_of) == "staff")
    )


def _lock_member(member) -> None:
    """Serialise one member's bookings: the upcoming count and the insert must not interleave
    with another booking of the same member (different slots pass the slot constraint)."""
    list(get_user_model().objects.select_for_update().filter(pk=member.pk).values_list("pk"))


def _check_upcoming_limit(member, now: dt.datetime) -> None:
    upcoming = Booking.objects.filter(
        member=member, status=BookingStatus.BOOKED, slot__start__gt=now
    ).count()
    if upcoming >= max_upcoming_per_member():
        raise Conflict(
            ERR_TOO_MANY,
            _("You already have %(n)d upcoming consultations.") % {"n": upcoming},
        )


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
    service: str | None = None,
) -> Booking:
    """Book a slot for a member (by the member, union staff, or the slot's volunteer).

    ``service`` pins the line the caller books in: a slot of another line is not offered."""
    now = now or timezone.now()
    if service and slot.volunteer.service != service:
        raise DomainError(
            ERR_SLOT_UNAVAILABLE, _("This slot is no longer offered."), field="slot_id"
        )
    if roles.active_membership(member) is None:
        raise NotAllowed(_("Only union members can book a consultation."), code=ERR_NOT_MEMBER)
    if not _may_book_for(actor, member, slot, follow_up_of):
        raise NotAllowed(_("You may not book for this member."))
    _check_topic(topic, slot.volunteer.service)
    text = _clean_description(description)
    checked = check_attachments(list(attachments or []))
    _check_slot_bookable(slot, channel, now)
    _check_upcoming_limit(member, now)
    if selectors.slot_is_taken(slot):
        raise Conflict(ERR_SLOT_TAKEN, _("This slot has just been taken; choose another."))
    try:
        with transaction.atomic():
            _lock_member(member)
            _check_upcoming_limit(member, now)
            booking = Booking.objects.create(
                slot=slot,
                volunteer=slot.volunteer,
                service=slot.volunteer.service,
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
            transaction.on_commit(partial(reminders_schedule, booking.pk))
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
    reason = clean_text(reason).strip()[:1000]
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
    reason = clean_text(reason).strip()[:1000]
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
            transaction.on_commit(partial(reminders_schedule, booking.pk))
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
    text = clean_text(text).strip()
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
    comment = clean_text(comment).strip()[:1000]
    try:
        with transaction.atomic():
            return Feedback.objects.create(booking=booking, rating=rating, comment=comment)
    except IntegrityError as exc:
        raise Conflict(ERR_FEEDBACK_TWICE, _("You have already rated this consultation.")) from exc


def notices_mark_read(*, user, now: dt.datetime | None = None) -> int:

    with transaction.atomic():
        return Notice.objects.filter(user=user, read_at__isnull=True).update(
            read_at=now or timezone.now()
        )


def case_read_record(*, user, booking: Booking) -> bool:
    """Audit a volunteer or staff member opening a case file (the member reading their own
    booking is not audited). True if an entry was written."""
    if booking.member_id == getattr(user, "pk", None):
        return False
    if not selectors.can_read_case(user=user, booking=booking):
        return False
    with transaction.atomic():
        audit_record(
            action=AuditAction.CASE_READ,
            actor=user,
            obj=booking,
            union=booking.volunteer.union_id,
            detail=f"service {booking.service}",
        )
    return True
