"""Background work for ballots (django-tasks): notices to voters, and the periodic tick."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from unionhome.ballots import services
from unionhome.ballots.models import Ballot
from unionhome.core.sms import send_sms
from unionhome.membership.models import PhoneNumber


def _phones(user_ids) -> list[str]:
    return list(PhoneNumber.objects.filter(user_id__in=user_ids).values_list("phone", flat=True))


def _elector_phones(electors) -> list[str]:
    """Account holders' phones (covered workers without an account get ``_code_phones``)."""
    return _phones(electors.filter(user__isnull=False).values_list("user_id", flat=True))


def _code_phones(electors) -> list[str]:
    """Covered workers without an account: the roster number is the only way to reach them,
    and they vote on the one-time-code page."""
    roster = electors.filter(user__isnull=True, voter__isnull=False)
    return sorted(set(roster.values_list("voter__phone", flat=True)))


def _send_code_page_notice(ballot, phones) -> int:
    with translation.override(settings.LANGUAGE_CODE):
        message = _(
            "Union e-Home: vote on “%(title)s” until %(closes)s with a code sent to this "
            "phone: %(url)s"
        ) % {
            "title": ballot.title,
            "closes": _when(ballot.closes_at),
            "url": f"{settings.SITE_BASE_URL}/ballots/{ballot.pk}/code/",
        }
    for phone in phones:
        send_sms(phone, message)
    return len(phones)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


OPENED = "opened"
CLOSING = "closing"

MESSAGES = {
    OPENED: gettext_lazy(
        "Union e-Home: the ballot “%(title)s” is open until %(closes)s. Vote at %(url)s"
    ),
    CLOSING: gettext_lazy(
        "Union e-Home: the ballot “%(title)s” closes at %(closes)s. Vote at %(url)s"
    ),
}


def _recipients(ballot: Ballot, notice: str):
    """Every elector when it opens; before it closes, those who have not voted yet."""
    electors = ballot.electors.all()
    if notice == CLOSING:
        # NOT IN over a list holding NULL matches nothing: leave out the code voters' NULL users.
        voted = ballot.participations.filter(user__isnull=False).values_list("user_id", flat=True)
        voted_roster = ballot.participations.filter(voter__isnull=False).values_list("voter_id")
        electors = electors.exclude(user_id__in=voted).exclude(voter_id__in=voted_roster)
    return electors


@task()
def notify_ballot(ballot_id: int, notice: str) -> int:
    """Text a ballot's voters that it has opened or closes soon; returns the texts sent."""
    if notice == OPENED:
        # Claimed once, so a second open (or a retried task) never texts twice. The closing
        # reminder is claimed by the tick that enqueues it (services.ballots_tick).
        with transaction.atomic():
            claimed = Ballot.objects.filter(pk=ballot_id, opened_notice_sent=False).update(
                opened_notice_sent=True
            )
        if not claimed:
            return 0
    ballot = Ballot.objects.get(pk=ballot_id)
    recipients = _recipients(ballot, notice)
    phones = _elector_phones(recipients)
    with translation.override(settings.LANGUAGE_CODE):
        message = str(MESSAGES[notice]) % {
            "title": ballot.title,
            "closes": _when(ballot.closes_at),
            "url": f"{settings.SITE_BASE_URL}/ballots/{ballot.pk}/",
        }
    for phone in phones:
        send_sms(phone, message)
    return len(phones) + _send_code_page_notice(ballot, _code_phones(recipients))


@task()
def ballots_tick_task() -> dict:
    """Open due ballots and send reminders; schedule it every few minutes."""
    return services.ballots_tick()
