"""Writes of talks and activities: register (or join the waiting list), cancel (the first on
the waiting list moves up), check in by the activity's QR code, remind the day before.

Places are counted under a lock on the activity row, so two registrations for the last place
cannot both get it; a member holds one live registration per activity (unique constraint).
"""

from __future__ import annotations

import datetime as dt

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.care.models import Activity, Registration, RegistrationStatus
from unionhome.core import roles
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.membership.services import notify

ERR_ALREADY = "already_registered"
ERR_PAST = "activity_started"
ERR_NOT_MEMBER = "not_a_member"
ERR_CHECKIN_WINDOW = "check_in_closed"
ERR_NOT_REGISTERED = "not_registered"
CHECKIN_SALT = "unionhome.care.checkin"
# Check-in opens an hour before the start (people arrive early) and closes at the end.
CHECKIN_OPENS_BEFORE = dt.timedelta(hours=1)


def _phone(user) -> str:
    return getattr(getattr(user, "phone_number", None), "phone", "")


def activity_register(*, member, activity: Activity, now: dt.datetime | None = None):
    """A place if one is free, else the waiting list."""
    now = now or timezone.now()
    if roles.active_membership(member) is None:
        raise DomainError(ERR_NOT_MEMBER, _("Only active members can register."), status=403)
    if activity.starts_at <= now:
        raise Conflict(ERR_PAST, _("This activity has already started."))
    try:
        with transaction.atomic():
            activity = Activity.objects.select_for_update().get(pk=activity.pk)
            if (
                Registration.objects.filter(activity=activity, member=member)
                .exclude(status=RegistrationStatus.CANCELLED)
                .exists()
            ):
                raise Conflict(ERR_ALREADY, _("You are already registered."))
            taken = Registration.objects.filter(
                activity=activity, status=RegistrationStatus.REGISTERED
            ).count()
            status = (
                RegistrationStatus.REGISTERED
                if taken < activity.capacity
                else RegistrationStatus.WAITING
            )
            return Registration.objects.create(activity=activity, member=member, status=status)
    except IntegrityError:
        raise Conflict(ERR_ALREADY, _("You are already registered.")) from None


def activity_cancel(*, member, registration: Registration) -> Registration:
    """Give up a place or leave the waiting list; a freed place goes to the first waiting."""
    if registration.member_id != member.pk:
        raise NotFound(_("Registration not found."))
    with transaction.atomic():
        activity = Activity.objects.select_for_update().get(pk=registration.activity_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == RegistrationStatus.CANCELLED:
            return registration
        freed = registration.status == RegistrationStatus.REGISTERED
        registration.status = RegistrationStatus.CANCELLED
        registration.save(update_fields=["status"])
        if freed:
            first = (
                Registration.objects.filter(activity=activity, status=RegistrationStatus.WAITING)
                .select_related("member", "member__phone_number")
                .order_by("created_at", "id")
                .first()
            )
            if first is not None:
                first.status = RegistrationStatus.REGISTERED
                first.save(update_fields=["status"])
                notify(
                    user=first.member,
                    message=_("A place came free: you are now registered for %(title)s.")
                    % {"title": activity.title},
                    url="/care/activities/",
                    phone=_phone(first.member),
                )
    return registration


def checkin_token(activity: Activity) -> str:
    return signing.Signer(salt=CHECKIN_SALT).sign(str(activity.pk))


def activity_from_checkin_token(token: str) -> Activity:
    try:
        activity_id = signing.Signer(salt=CHECKIN_SALT).unsign(token or "")
    except signing.BadSignature:
        raise NotFound(_("This check-in code is not valid.")) from None
    activity = Activity.objects.filter(pk=int(activity_id)).first()
    if activity is None:
        raise NotFound(_("This check-in code is not valid."))
    return activity


def activity_check_in(
    *, member, activity: Activity, now: dt.datetime | None = None
) -> Registration:
    """The member scanned the code shown at the activity."""
    now = now or timezone.now()
    if not activity.starts_at - CHECKIN_OPENS_BEFORE <= now <= activity.ends_at:
        raise Conflict(ERR_CHECKIN_WINDOW, _("Check-in is open from an hour before the start."))
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update()
            .filter(activity=activity, member=member, status=RegistrationStatus.REGISTERED)
            .first()
        )
        if registration is None:
            raise Conflict(ERR_NOT_REGISTERED, _("You have no place at this activity."))
        if registration.checked_in_at is None:
            registration.checked_in_at = now
            registration.save(update_fields=["checked_in_at"])
    return registration


def activities_remind(*, now: dt.datetime | None = None) -> int:
    """Periodic job: remind registered members the day before (local date), once each."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    sent = 0
    due = Registration.objects.filter(
        status=RegistrationStatus.REGISTERED,
        reminded_at__isnull=True,
        activity__starts_at__date=tomorrow,
    ).select_related("activity", "activity__station", "member", "member__phone_number")
    for registration in due:
        with transaction.atomic():
            # The conditional update is the "once" guarantee under two schedulers.
            if not Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True).update(
                reminded_at=now
            ):
                continue
            activity = registration.activity
            where = activity.station.name if activity.station else activity.online_url
            notify(
                user=registration.member,
                message=_("Tomorrow %(time)s: %(title)s, %(where)s.")
                % {
                    "time": timezone.localtime(activity.starts_at).strftime("%H:%M"),
                    "title": activity.title,
                    "where": where,
                },
                url="/care/activities/",
                phone=_phone(registration.member),
            )
        sent += 1
    return sent
