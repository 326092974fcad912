"""Background work for ballots (django-tasks): notices to voters, and the periodic tick."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from unionhome.sms import send_sms


def _phones(user_ids) -> list[str]:
    from unionhome.models import PhoneNumber

    return list(PhoneNumber.objects.filter(user_id__in=user_ids).values_list("phone", flat=True))


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


@task()
def notify_ballot_opened(ballot_id: int) -> int:
    """Tell every eligible voter that the ballot is open (once)."""
    from unionhome.ballots.models import Ballot

    with transaction.atomic():
        claimed = Ballot.objects.filter(pk=ballot_id, opened_notice_sent=False).update(
            opened_notice_sent=True
        )
    if not claimed:
        return 0
    ballot = Ballot.objects.get(pk=ballot_id)
    phones = _phones(ballot.electors.values_list("user_id", flat=True))
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "Union e-Home: the ballot “%(title)s” is open until %(closes)s. Vote at %(url)s"
        ) % {
            "title": ballot.title,
            "closes": _when(ballot.closes_at),
            "url": f"{settings.SITE_BASE_URL}/ballots/{ballot.pk}/",
        }
    for phone in phones:
        send_sms(phone, message)
    return len(phones)


@task()
def notify_ballot_closing(ballot_id: int) -> int:
    """Remind eligible voters who have not voted yet that the ballot closes soon."""
    from unionhome.ballots.models import Ballot

    ballot = Ballot.objects.get(pk=ballot_id)
    voted = ballot.participations.values_list("user_id", flat=True)
    waiting = ballot.electors.exclude(user_id__in=voted).values_list("user_id", flat=True)
    phones = _phones(waiting)
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "Union e-Home: the ballot “%(title)s” closes at %(closes)s. Vote at %(url)s"
        ) % {
            "title": ballot.title,
            "closes": _when(ballot.closes_at),
            "url": f"{settings.SITE_BASE_URL}/ballots/{ballot.pk}/",
        }
    for phone in phones:
        send_sms(phone, message)
    return len(phones)


@task()
def ballots_tick_task() -> dict:
    """Open due ballots and send reminders; schedule it every few minutes."""
    from unionhome.ballots.services import ballots_tick

    return ballots_tick()
