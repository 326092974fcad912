"""Ballot writes. Every public function is keyword-only and takes models and values.

The service other parts call to put a draft collective contract to the workers::

    ballot_create_ratification(
        *,
        union: Union,
        title: str,
        description_html: str,
        opens_at: datetime,
        closes_at: datetime,
        source_label: str,
        electorate: str = Electorate.MEMBERS,
        created_by: User | None = None,
    ) -> Ballot

It creates a yes/no/abstain ballot judged by the collective-contract rule (at least two
thirds of the eligible take part, more than half of ALL eligible approve). Read the verdict
with ``unionhome.ballots.selectors.ballot_result_passed(ballot=...)``: ``None`` until the
ballot closes, then ``True`` or ``False``.

Other services: ``ballot_create``, ``ballot_set_options``, ``ballot_open`` (fixes the
electorate exactly once, under a row lock), ``ballot_open_if_due``, ``ballot_cast`` (returns
the receipt), ``ballots_tick`` (opens due ballots and sends reminders; run it from the
``ballots_tick`` command or the task of the same name), ``congress_representative_add``.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.apps import apps
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome import roles
from unionhome.ballots.models import (
    Ballot,
    BallotElector,
    BallotKind,
    BallotMark,
    BallotOption,
    BallotPaper,
    BallotParticipation,
    BallotRule,
    BallotStatus,
    CongressRepresentative,
    Electorate,
    OptionMeaning,
)
from unionhome.errors import Conflict, DomainError, NotAllowed

# Error codes (tests and clients assert on these).
BALLOT_NOT_OPEN = "ballot_not_open"
BALLOT_CLOSED = "ballot_closed"
NOT_ELIGIBLE = "not_eligible"
ALREADY_VOTED = "already_voted"
NO_OPTION = "no_option_chosen"
TOO_MANY_OPTIONS = "too_many_options"
UNKNOWN_OPTION = "option_not_in_ballot"
DUPLICATE_OPTION = "duplicate_option"
OPTIONS_LOCKED = "options_locked"
BAD_TIMES = "closes_before_opening"
TOO_FEW_OPTIONS = "too_few_options"

YES_NO_OPTIONS = (
    (OptionMeaning.YES, "Yes"),
    (OptionMeaning.NO, "No"),
    (OptionMeaning.ABSTAIN, "Abstain"),
)

# Crockford's base32 alphabet: no I, L, O, U, so a receipt read aloud or typed is unambiguous.
_RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_receipt() -> str:
    """A random receipt code (80 bits): derived from nothing, so it reveals neither voter nor
    choice."""
    chars = "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


def _check_times(opens_at: datetime, closes_at: datetime) -> None:
    if closes_at <= opens_at:
        raise DomainError(
            BAD_TIMES, _("The closing time must be after the opening time."), field="closes_at"
        )


def ballot_create(
    *,
    union,
    title: str,
    kind: str,
    opens_at: datetime,
    closes_at: datetime,
    rule: str = BallotRule.SIMPLE_MAJORITY,
    electorate: str = Electorate.MEMBERS,
    description_html: str = "",
    options: Sequence[str] = (),
    max_choices: int = 1,
    seats: int = 1,
    source_label: str = "",
    created_by=None,
) -> Ballot:
    """Create a ballot with its options (yes/no ballots get yes, no and abstain)."""
    _check_times(opens_at, closes_at)
    if kind not in BallotKind.values or rule not in BallotRule.values:
        raise DomainError("invalid", _("Unknown ballot kind or rule."))
    if electorate not in Electorate.values:
        raise DomainError("invalid", _("Unknown electorate."), field="electorate")
    with transaction.atomic():
        ballot = Ballot.objects.create(
            union=union,
            title=title,
            description=description_html,
            kind=kind,
            rule=rule,
            electorate=electorate,
            max_choices=max(1, max_choices),
            seats=max(1, seats),
            opens_at=opens_at,
            closes_at=closes_at,
            source_label=source_label,
            created_by=created_by,
        )
        _write_options(ballot, options)
    return ballot


def ballot_create_ratification(
    *,
    union,
    title: str,
    description_html: str,
    opens_at: datetime,
    closes_at: datetime,
    source_label: str,
    electorate: str = Electorate.MEMBERS,
    created_by=None,
) -> Ballot:
    """Put a draft collective contract to the vote under the collective-contract rule."""
    return ballot_create(
        union=union,
        title=title,
        kind=BallotKind.YES_NO,
        rule=BallotRule.COLLECTIVE_CONTRACT,
        electorate=electorate,
        description_html=description_html,
        opens_at=opens_at,
        closes_at=closes_at,
        source_label=source_label,
        created_by=created_by,
    )


def _write_options(ballot: Ballot, labels: Sequence[str]) -> None:
    if ballot.kind == BallotKind.YES_NO:
        BallotOption.objects.bulk_create(
            BallotOption(ballot=ballot, label=label, meaning=meaning, sort_order=index)
            for index, (meaning, label) in enumerate(YES_NO_OPTIONS)
        )
        return
    labels = [label.strip() for label in labels if label and label.strip()]
    if len(labels) < 2:
        raise DomainError(TOO_FEW_OPTIONS, _("Give at least two options."), field="options")
    BallotOption.objects.bulk_create(
        BallotOption(ballot=ballot, label=label[:200], sort_order=index)
        for index, label in enumerate(labels)
    )


def ballot_options_locked(*, ballot: Ballot, now: datetime | None = None) -> bool:
    """Options are fixed from the opening on (voters must all see the same paper)."""
    now = now or timezone.now()
    return ballot.frozen_at is not None or now >= ballot.opens_at


def ballot_set_options(*, ballot: Ballot, labels: Sequence[str], now: datetime | None = None):
    """Replace the options of a ballot that has not opened yet."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if ballot_options_locked(ballot=ballot, now=now):
            raise Conflict(OPTIONS_LOCKED, _("The options of an open ballot cannot be changed."))
        BallotOption.objects.filter(ballot=ballot).delete()
        _write_options(ballot, labels)
    return ballot


def electorate_user_ids(*, ballot: Ballot) -> list[int]:
    """Who would be eligible right now (the list ``ballot_open`` freezes)."""
    if ballot.electorate == Electorate.CONGRESS:
        query = CongressRepresentative.objects.filter(union_id=ballot.union_id)
        return sorted(set(query.values_list("user_id", flat=True)))
    Membership = apps.get_model("unionhome", "Membership")
    union_ids = (
        roles.union_subtree_ids({ballot.union_id})
        if ballot.electorate == Electorate.MEMBERS_AND_SUBUNIONS
        else {ballot.union_id}
    )
    query = Membership.objects.filter(union_id__in=union_ids, status="active")
    return sorted(set(query.values_list("user_id", flat=True)))


def ballot_open(*, ballot: Ballot, now: datetime | None = None) -> Ballot:
    """Fix the electorate and ``eligible_count``. Idempotent: only the first call freezes.

    The row lock makes concurrent first voters (or the scheduled tick and a voter) wait for
    one another; the second finds ``frozen_at`` set and returns.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.frozen_at is None:
            if now < locked.opens_at:
                raise Conflict(BALLOT_NOT_OPEN, _("This ballot is not open yet."))
            user_ids = electorate_user_ids(ballot=locked)
            BallotElector.objects.bulk_create(
                (BallotElector(ballot=locked, user_id=user_id) for user_id in user_ids),
                batch_size=1000,
            )
            locked.eligible_count = len(user_ids)
            locked.frozen_at = now
            locked.save(update_fields=["eligible_count", "frozen_at"])
            if now < locked.closes_at:
                ballot_id = locked.pk
                transaction.on_commit(lambda: _enqueue_opened_notice(ballot_id))
    ballot.eligible_count, ballot.frozen_at = locked.eligible_count, locked.frozen_at
    return ballot


def ballot_open_if_due(*, ballot: Ballot, now: datetime | None = None) -> Ballot:
    """Freeze the electorate at the first action after the opening time."""
    now = now or timezone.now()
    if ballot.frozen_at is None and now >= ballot.opens_at:
        return ballot_open(ballot=ballot, now=now)
    return ballot


def _validate_choice(ballot: Ballot, option_ids: Iterable) -> list[int]:
    try:
        chosen = [int(option_id) for option_id in option_ids]
    except (TypeError, ValueError):
        raise DomainError(UNKNOWN_OPTION, _("Unknown option."), field="option_ids") from None
    if not chosen:
        raise DomainError(NO_OPTION, _("Choose an option."), field="option_ids")
    if len(set(chosen)) != len(chosen):
        raise DomainError(DUPLICATE_OPTION, _("An option was chosen twice."), field="option_ids")
    if len(chosen) > ballot.choice_limit:
        raise DomainError(
            TOO_MANY_OPTIONS,
            _("Choose at most %(limit)d.") % {"limit": ballot.choice_limit},
            field="option_ids",
        )
    valid = set(BallotOption.objects.filter(ballot=ballot).values_list("id", flat=True))
    if not set(chosen) <= valid:
        raise DomainError(
            UNKNOWN_OPTION, _("That option is not on this ballot."), field="option_ids"
        )
    return chosen


def ballot_check_choice(*, ballot: Ballot, option_ids: Iterable) -> list[BallotOption]:
    """Validate a choice without casting it (the confirmation step shows it back)."""
    chosen = _validate_choice(ballot, option_ids)
    by_id = {option.pk: option for option in BallotOption.objects.filter(pk__in=chosen)}
    return [by_id[option_id] for option_id in chosen]


def ballot_cast(*, ballot: Ballot, user, option_ids: Iterable, now: datetime | None = None) -> str:
    """Record one member's vote and return the receipt. A vote cannot be changed."""
    now = now or timezone.now()
    status = ballot.status_at(now)
    if status == BallotStatus.SCHEDULED:
        raise Conflict(BALLOT_NOT_OPEN, _("This ballot is not open yet."))
    if status == BallotStatus.CLOSED:
        raise Conflict(BALLOT_CLOSED, _("This ballot has closed."))
    ballot = ballot_open_if_due(ballot=ballot, now=now)
    if not BallotElector.objects.filter(ballot=ballot, user=user).exists():
        raise NotAllowed(_("You are not eligible to vote in this ballot."), code=NOT_ELIGIBLE)
    if BallotParticipation.objects.filter(ballot=ballot, user=user).exists():
        raise Conflict(ALREADY_VOTED, _("You have already voted in this ballot."))
    chosen = _validate_choice(ballot, option_ids)
    receipt = new_receipt()
    try:
        with transaction.atomic():
            # The participation row goes first: its unique (ballot, user) constraint is what
            # stops a second, concurrent submission; the paper is only written if it held.
            BallotParticipation.objects.create(ballot=ballot, user=user, receipt=receipt)
            paper = BallotPaper.objects.create(ballot=ballot)
            BallotMark.objects.bulk_create(
                BallotMark(paper=paper, ballot=ballot, option_id=option_id) for option_id in chosen
            )
    except IntegrityError:
        if BallotParticipation.objects.filter(ballot=ballot, user=user).exists():
            raise Conflict(ALREADY_VOTED, _("You have already voted in this ballot.")) from None
        raise
    return receipt


def congress_representative_add(*, union, user, note: str = "") -> CongressRepresentative:
    """Add someone to a union's congress of worker representatives (idempotent)."""
    with transaction.atomic():
        rep, _created = CongressRepresentative.objects.get_or_create(
            union=union, user=user, defaults={"note": note}
        )
    return rep


# --- scheduling and notices ---------------------------------------------------------------

REMINDER_BEFORE_CLOSE = timedelta(days=1)


def _enqueue_opened_notice(ballot_id: int) -> None:
    from unionhome.ballots.tasks import notify_ballot_opened

    notify_ballot_opened.enqueue(ballot_id=ballot_id)


def ballots_tick(*, now: datetime | None = None) -> dict[str, int]:
    """Open ballots whose time has come and remind voters a day before a ballot closes."""
    now = now or timezone.now()
    opened = 0
    due = Ballot.objects.filter(frozen_at__isnull=True, opens_at__lte=now, closes_at__gt=now)
    for ballot in due:
        ballot_open(ballot=ballot, now=now)
        opened += 1
    reminded = 0
    closing = Ballot.objects.filter(
        frozen_at__isnull=False,
        closing_reminder_sent=False,
        closes_at__gt=now,
        closes_at__lte=now + REMINDER_BEFORE_CLOSE,
    )
    for ballot in closing:
        with transaction.atomic():
            # The conditional update claims the reminder, so two ticks never both send it.
            claimed = Ballot.objects.filter(pk=ballot.pk, closing_reminder_sent=False).update(
                closing_reminder_sent=True
            )
            if claimed:
                ballot_id = ballot.pk
                transaction.on_commit(lambda ballot_id=ballot_id: _enqueue_reminder(ballot_id))
                reminded += 1
    return {"opened": opened, "reminded": reminded}


def _enqueue_reminder(ballot_id: int) -> None:
    from unionhome.ballots.tasks import notify_ballot_closing

    notify_ballot_closing.enqueue(ballot_id=ballot_id)
