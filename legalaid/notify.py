"""Telling members and volunteers about their bookings: SMS and in-site notices.

Called only from ``transaction.on_commit``: nobody hears of a booking that was not saved.
Messages go out in the site's default language (Chinese); a phone has no page language.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from legalaid.models import Booking, Notice
from unionhome.core.sms import send_sms
from unionhome.membership.models import PhoneNumber

logger = logging.getLogger("legalaid")


def _phone_of(user) -> str | None:
    record = PhoneNumber.objects.filter(user=user).first()
    return record.phone if record else None


def _when(booking: Booking) -> str:
    return timezone.localtime(booking.slot.start).strftime("%Y-%m-%d %H:%M")


def _place(booking: Booking) -> str:
    if booking.channel == "in_person" and booking.slot.station_id:
        return f"{booking.slot.station.name}（{booking.slot.station.address}）"
    return str(booking.get_channel_display())


def _tell(user, booking: Booking, text: str) -> None:
    Notice.objects.create(user=user, booking=booking, text=text[:500])
    phone = _phone_of(user)
    if phone:
        try:
            send_sms(phone, text)
        except Exception:
            # A failed SMS must not undo the committed booking; the in-site notice stands.
            logger.exception("SMS to user %s failed", user.pk)


def booking_confirmed(booking_id: int) -> None:
    booking = Booking.objects.select_related("slot__station", "volunteer__user", "member").get(
        pk=booking_id
    )
    with translation.override(settings.LANGUAGE_CODE):
        topic = booking.get_topic_display()
        _tell(
            booking.member,
            booking,
            _(
                "Legal aid: your consultation (%(topic)s) with %(volunteer)s is booked for %(when)s, %(place)s."
            )
            % {
                "topic": topic,
                "volunteer": booking.volunteer.display_name,
                "when": _when(booking),
                "place": _place(booking),
            },
        )
        _tell(
            booking.volunteer.user,
            booking,
            _("Legal aid: new consultation #%(id)s (%(topic)s) on %(when)s, %(place)s.")
            % {"id": booking.pk, "topic": topic, "when": _when(booking), "place": _place(booking)},
        )


def booking_cancelled(booking_id: int, by_member: bool) -> None:
    booking = Booking.objects.select_related("slot__station", "volunteer__user", "member").get(
        pk=booking_id
    )
    with translation.override(settings.LANGUAGE_CODE):
        if by_member:
            _tell(
                booking.volunteer.user,
                booking,
                _("Legal aid: consultation #%(id)s on %(when)s was cancelled by the member.")
                % {"id": booking.pk, "when": _when(booking)},
            )
        else:
            _tell(
                booking.member,
                booking,
                _("Legal aid: your consultation on %(when)s was cancelled. Reason: %(reason)s")
                % {"when": _when(booking), "reason": booking.cancel_reason},
            )


def booking_rescheduled(booking_id: int, old_when: str) -> None:
    booking = Booking.objects.select_related("slot__station", "volunteer__user", "member").get(
        pk=booking_id
    )
    with translation.override(settings.LANGUAGE_CODE):
        text = _("Legal aid: consultation #%(id)s moved from %(old)s to %(when)s, %(place)s.") % {
            "id": booking.pk,
            "old": old_when,
            "when": _when(booking),
            "place": _place(booking),
        }
        _tell(booking.member, booking, text)
        _tell(booking.volunteer.user, booking, text)


def booking_reminder(booking: Booking, kind: str) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        if kind == "day_before":
            text = _("Legal aid reminder: you have a consultation on %(when)s, %(place)s.")
        else:
            text = _("Legal aid reminder: your consultation starts at %(when)s, %(place)s.")
        text = text % {"when": _when(booking), "place": _place(booking)}
        _tell(booking.member, booking, text)
        volunteer_text = _("Legal aid reminder: consultation #%(id)s at %(when)s.") % {
            "id": booking.pk,
            "when": _when(booking),
        }
        _tell(booking.volunteer.user, booking, volunteer_text)
