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
        electorate: str,            # "congress" or "covered_workers", never members
        roster: VoterRoster | None = None,   # required for "covered_workers"
        created_by: User | None = None,
    ) -> Ballot

It creates a yes/no/abstain ballot judged by the collective-contract rule (Collective
Contract Provisions art. 36: at least two thirds of the congress delegates or covered
workers take part, at least half of ALL of them approve). Read the verdict
with ``unionhome.ballots.selectors.ballot_result_passed(ballot=...)``: ``None`` until the
ballot closes, then ``True`` or ``False``.

Other services: ``ballot_create``, ``ballot_set_options``, ``ballot_open`` (fixes the
electorate exactly once, under a row lock), ``ballot_open_if_due``, ``ballot_cast`` (returns
the receipt), ``ballots_tick`` (opens due ballots and sends reminders; run it from the
``ballots_tick`` command or the task of the same name), ``congress_representative_add``.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.audit.models import AuditAction
from unionhome.audit.services import audit_record
from unionhome.ballots.models import (
    RATIFYING_ELECTORATES,
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
from unionhome.ballots.selectors import (  # noqa: F401 (error codes re-exported)
    DUPLICATE_OPTION,
    NO_OPTION,
    TOO_MANY_OPTIONS,
    UNKNOWN_OPTION,
    ballot_choice_ids,
    ballot_options_locked,
    electorate_roster_voters,
    electorate_user_ids,
)
from unionhome.core.errors import Conflict, DomainError, NotAllowed

# Error codes (tests and clients assert on these).
BALLOT_NOT_OPEN = "ballot_not_open"
BALLOT_CLOSED = "ballot_closed"
NOT_ELIGIBLE = "not_eligible"
ALREADY_VOTED = "already_voted"
OPTIONS_LOCKED = "options_locked"
BAD_TIMES = "closes_before_opening"
TOO_FEW_OPTIONS = "too_few_options"
MEMBERS_ONLY_RATIFICATION = "members_only_ratification"
ROSTER_REQUIRED = "roster_required"

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


def _check_paper(*, union, kind: str, rule: str, electorate: str, roster) -> None:
    """Who votes under which rule: the same checks on creation and on every edit."""
    if kind not in BallotKind.values or rule not in BallotRule.values:
        raise DomainError("invalid", _("Unknown ballot kind or rule."))
    if electorate not in Electorate.values:
        raise DomainError("invalid", _("Unknown electorate."), field="electorate")
    if rule == BallotRule.COLLECTIVE_CONTRACT and electorate not in RATIFYING_ELECTORATES:
        # Collective Contract Provisions art. 36: the congress or all covered workers decide.
        raise DomainError(
            MEMBERS_ONLY_RATIFICATION,
            _(
                "A collective contract is ratified by the workers' congress or by all the "
                "workers it covers, never by the union's members alone (Collective Contract "
                "Provisions art. 36)."
            ),
            field="electorate",
        )
    if (electorate == Electorate.COVERED_WORKERS) != (roster is not None):
        raise DomainError(
            ROSTER_REQUIRED,
            _("A ballot of all covered workers needs their roster (and only such a ballot)."),
            field="roster",
        )
    if roster is not None and roster.union_id != union.pk:
        raise DomainError(ROSTER_REQUIRED, _("That roster belongs to another union."))


def ballot_create(
    *,
    union,
    title: str,
    kind: str,
    opens_at: datetime,
    closes_at: datetime,
    rule: str = BallotRule.SIMPLE_MAJORITY,
    electorate: str = Electorate.MEMBERS,
    roster=None,
    description_html: str = "",
    title_en: str = "",
    description_en_html: str = "",
    options: Sequence[str | tuple[str, str]] = (),
    max_choices: int = 1,
    seats: int = 1,
    source_label: str = "",
    created_by=None,
) -> Ballot:
    """Create a ballot with its options (yes/no ballots get yes, no and abstain)."""
    _check_times(opens_at, closes_at)
    _check_paper(union=union, kind=kind, rule=rule, electorate=electorate, roster=roster)
    with transaction.atomic():
        ballot = Ballot.objects.create(
            union=union,
            title=title,
            title_en=title_en,
            description=description_html,
            description_en=description_en_html,
            kind=kind,
            rule=rule,
            electorate=electorate,
            roster=roster,
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
    electorate: str,
    roster=None,
    created_by=None,
) -> Ballot:
    """Put a draft collective contract to the congress or to all covered workers
    (Collective Contract Provisions art. 36); a members-only electorate is refused."""
    return ballot_create(
        union=union,
        title=title,
        kind=BallotKind.YES_NO,
        rule=BallotRule.COLLECTIVE_CONTRACT,
        electorate=electorate,
        roster=roster,
        description_html=description_html,
        opens_at=opens_at,
        closes_at=closes_at,
        source_label=source_label,
        created_by=created_by,
    )


def _label_pair(option: str | tuple[str, str]) -> tuple[str, str]:
    """An option as given: its label, or (label, English label)."""
    label, label_en = (option, "") if isinstance(option, str) else option
    return (label or "").strip(), (label_en or "").strip()


def _write_options(ballot: Ballot, labels: Sequence[str | tuple[str, str]]) -> None:
    if ballot.kind == BallotKind.YES_NO:
        BallotOption.objects.bulk_create(
            BallotOption(ballot=ballot, label=label, meaning=meaning, sort_order=index)
            for index, (meaning, label) in enumerate(YES_NO_OPTIONS)
        )
        return
    pairs = [pair for pair in map(_label_pair, labels) if pair[0]]
    if len(pairs) < 2:
        raise DomainError(TOO_FEW_OPTIONS, _("Give at least two options."), field="options")
    BallotOption.objects.bulk_create(
        BallotOption(ballot=ballot, label=label[:200], label_en=label_en[:200], sort_order=index)
        for index, (label, label_en) in enumerate(pairs)
    )


def ballot_set_options(
    *, ballot: Ballot, labels: Sequence[str | tuple[str, str]], now: datetime | None = None
):
    """Replace the options of a ballot that has not opened yet."""
    with transaction.atomic():
        ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if ballot_options_locked(ballot=ballot, now=now):
            raise Conflict(OPTIONS_LOCKED, _("The options of an open ballot cannot be changed."))
        BallotOption.objects.filter(ballot=ballot).delete()
        _write_options(ballot, labels)
    return ballot


# What may still change once a ballot has opened (the paper itself may not).
EDITABLE_WHEN_OPEN = ("title", "title_en", "description", "description_en", "source_label")
# The paper: fixed from the opening on, with the options.
PAPER_FIELDS = (
    "union",
    "roster",
    "kind",
    "rule",
    "electorate",
    "max_choices",
    "seats",
    "opens_at",
    "closes_at",
)


def ballot_update(
    *,
    ballot: Ballot,
    data: dict,
    options: Sequence[str | tuple[str, str]] | None = None,
    now: datetime | None = None,
) -> Ballot:
    """Change a ballot. Once it has opened only its title, description and source may change.

    ``data`` holds the fields to set; ``options`` (labels, or (label, English label) pairs) replaces the options
    when given.
    """
    unknown = set(data) - set(EDITABLE_WHEN_OPEN) - set(PAPER_FIELDS)
    if unknown:
        raise DomainError(
            "not_editable",
            _("These fields cannot be changed: %(fields)s")
            % {"fields": ", ".join(sorted(unknown))},
        )
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        paper = {name: value for name, value in data.items() if name in PAPER_FIELDS}
        paper = {name: value for name, value in paper.items() if getattr(locked, name) != value}
        kind_changed = "kind" in paper
        if (paper or options is not None) and ballot_options_locked(ballot=locked, now=now):
            raise Conflict(
                OPTIONS_LOCKED,
                _(
                    "This ballot has opened: its options, times, rule and voters "
                    "can no longer be changed."
                ),
            )
        for name, value in data.items():
            setattr(locked, name, value)
        _check_times(locked.opens_at, locked.closes_at)
        _check_paper(
            union=locked.union,
            kind=locked.kind,
            rule=locked.rule,
            electorate=locked.electorate,
            roster=locked.roster,
        )
        locked.max_choices, locked.seats = max(1, locked.max_choices), max(1, locked.seats)
        locked.save()
        if kind_changed or (options is not None and locked.kind != BallotKind.YES_NO):
            BallotOption.objects.filter(ballot=locked).delete()
            _write_options(locked, options or ())
    return locked


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
            if locked.electorate == Electorate.COVERED_WORKERS:
                # Every covered worker, with or without an account (art. 36 "全体职工").
                electors = [
                    BallotElector(ballot=locked, voter_id=voter_id, user_id=user_id)
                    for voter_id, user_id in electorate_roster_voters(ballot=locked)
                ]
            else:
                electors = [
                    BallotElector(ballot=locked, user_id=user_id)
                    for user_id in electorate_user_ids(ballot=locked)
                ]
            BallotElector.objects.bulk_create(electors, batch_size=1000)
            locked.eligible_count = len(electors)
            locked.frozen_at = now
            locked.save(update_fields=["eligible_count", "frozen_at"])
            audit_record(
                action=AuditAction.BALLOT_OPEN,
                obj=locked,
                union=locked.union_id,
                detail=f"electors: {locked.eligible_count}",
            )
            if now < locked.closes_at:
                ballot_id = locked.pk
                transaction.on_commit(lambda: _enqueue_notice(ballot_id, "opened"))
    ballot.eligible_count, ballot.frozen_at = locked.eligible_count, locked.frozen_at
    return ballot


def ballot_open_if_due(*, ballot: Ballot, now: datetime | None = None) -> Ballot:
    """Freeze the electorate at the first action after the opening time."""
    now = now or timezone.now()
    if ballot.frozen_at is None and now >= ballot.opens_at:
        return ballot_open(ballot=ballot, now=now)
    return ballot


def ballot_cast(*, ballot: Ballot, user, option_ids: Iterable, now: datetime | None = None) -> str:
    """Record one member's vote and return the receipt. A vote cannot be changed."""
    now = now or timezone.now()
    status = ballot.status_at(now)
    if status == BallotStatus.SCHEDULED:
        raise Conflict(BALLOT_NOT_OPEN, _("This ballot is not open yet."))
    if status == BallotStatus.CLOSED:
        raise Conflict(BALLOT_CLOSED, _("This ballot has closed."))
    ballot = ballot_open_if_due(ballot=ballot, now=now)
    elector = BallotElector.objects.filter(ballot=ballot, user=user).first()
    if elector is None:
        raise NotAllowed(_("You are not eligible to vote in this ballot."), code=NOT_ELIGIBLE)
    return record_vote(ballot=ballot, elector=elector, option_ids=option_ids)


def record_vote(*, ballot: Ballot, elector: BallotElector, option_ids: Iterable) -> str:
    """Write one elector's paper (account or one-time code alike) and return the receipt."""
    voted = BallotParticipation.objects.filter(ballot=ballot)
    already = Q(user_id=elector.user_id) if elector.user_id else Q(pk__in=[])
    if elector.voter_id:
        already |= Q(voter_id=elector.voter_id)
    if voted.filter(already).exists():
        raise Conflict(ALREADY_VOTED, _("You have already voted in this ballot."))
    chosen = ballot_choice_ids(ballot=ballot, option_ids=option_ids)
    receipt = new_receipt()
    try:
        with transaction.atomic():
            # The participation row goes first: its unique (ballot, user) and (ballot, voter)
            # constraints are what stop a second, concurrent submission (also one by account
            # and one by code); the paper is only written if they held.
            BallotParticipation.objects.create(
                ballot=ballot, user_id=elector.user_id, voter_id=elector.voter_id, receipt=receipt
            )
            paper = BallotPaper.objects.create(ballot=ballot)
            BallotMark.objects.bulk_create(
                BallotMark(paper=paper, ballot=ballot, option_id=option_id) for option_id in chosen
            )
    except IntegrityError:
        if voted.filter(already).exists():
            raise Conflict(ALREADY_VOTED, _("You have already voted in this ballot.")) from None
        raise
    return receipt


def ballot_seal(*, ballot: Ballot, now: datetime | None = None) -> Ballot:
    """Rewrite a closed ballot's papers and marks in a random order, with fresh keys.

    Papers are written in the order votes arrive, as are the participation rows, so the
    storage order (SQLite's rowid, PostgreSQL's ctid) pairs each voter with a choice. Once
    nobody can vote any more, the papers are deleted and inserted again shuffled: their order
    then carries no time. Idempotent; the row lock makes a concurrent tick and results page
    seal once.
    """
    now = now or timezone.now()
    if ballot.sealed_at is not None or ballot.status_at(now) != BallotStatus.CLOSED:
        return ballot
    with transaction.atomic():
        locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
        if locked.sealed_at is None:
            marks: dict = {}
            for paper_id, option_id in BallotMark.objects.filter(ballot=locked).values_list(
                "paper_id", "option_id"
            ):
                marks.setdefault(paper_id, []).append(option_id)
            papers = [marks.get(pk, []) for pk in locked.papers.values_list("pk", flat=True)]
            _shuffle(papers)
            BallotMark.objects.filter(ballot=locked).delete()
            BallotPaper.objects.filter(ballot=locked).delete()
            new_papers = [BallotPaper(ballot=locked) for _paper in papers]
            BallotPaper.objects.bulk_create(new_papers, batch_size=1000)
            new_marks = [
                BallotMark(paper=paper, ballot=locked, option_id=option_id)
                for paper, options in zip(new_papers, papers, strict=True)
                for option_id in options
            ]
            # Marks of one paper would otherwise sit next to each other, in paper order.
            _shuffle(new_marks)
            BallotMark.objects.bulk_create(new_marks, batch_size=1000)
            locked.sealed_at = now
            locked.save(update_fields=["sealed_at"])
            audit_record(
                action=AuditAction.BALLOT_CLOSE,
                obj=locked,
                union=locked.union_id,
                detail=f"papers: {len(new_papers)}",
            )
    ballot.sealed_at = locked.sealed_at
    return ballot


def _shuffle(items: list) -> None:
    random.SystemRandom().shuffle(items)


def congress_representative_add(*, union, user, note: str = "") -> CongressRepresentative:
    """Add someone to a union's congress of worker representatives (idempotent)."""
    with transaction.atomic():
        rep, _created = CongressRepresentative.objects.get_or_create(
            union=union, user=user, defaults={"note": note}
        )
    return rep


# --- scheduling and notices ---------------------------------------------------------------

REMINDER_BEFORE_CLOSE = timedelta(days=1)


def _enqueue_notice(ballot_id: int, notice: str) -> None:
    # Imported here: tasks imports this module (its tick task runs ballots_tick).
    from unionhome.ballots import tasks

    tasks.notify_ballot.enqueue(ballot_id=ballot_id, notice=notice)


def ballots_tick(*, now: datetime | None = None) -> dict[str, int]:
    """Open ballots whose time has come, seal closed ones and remind voters a day before a
    ballot closes."""
    now = now or timezone.now()
    opened = 0
    due = Ballot.objects.filter(frozen_at__isnull=True, opens_at__lte=now, closes_at__gt=now)
    for ballot in due:
        ballot_open(ballot=ballot, now=now)
        opened += 1
    for ballot in Ballot.objects.filter(
        frozen_at__isnull=False, sealed_at__isnull=True, closes_at__lte=now
    ):
        ballot_seal(ballot=ballot, now=now)
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
                transaction.on_commit(
                    lambda ballot_id=ballot_id: _enqueue_notice(ballot_id, "closing")
                )
                reminded += 1
    return {"opened": opened, "reminded": reminded}
