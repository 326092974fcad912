"""Covered workers: the roster staff import, and voting with a one-time SMS code.

Collective Contract Provisions art. 36: a draft collective contract goes to the workers'
congress or to ALL the workers it covers ("全体职工"), members or not. Many covered workers
have no account here: staff import them from the same CSV/XLSX layout as members (same
GB 11643 ID check, ID numbers encrypted at rest), and each votes with a six-digit code sent
to the phone on the roster. The code proves control of that phone, nothing more: the paper
is written exactly as an account's (``services.record_vote``), so secrecy is the same.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.apps import apps
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.ballots.models import (
    Ballot,
    BallotElector,
    BallotStatus,
    BallotVoteCode,
    Electorate,
    RosterVoter,
    VoterRoster,
)
from unionhome.ballots.services import (
    BALLOT_CLOSED,
    BALLOT_NOT_OPEN,
    ballot_open_if_due,
    record_vote,
)
from unionhome.core import roles
from unionhome.core.crypto import digest
from unionhome.core.errors import Conflict, DomainError, NotAllowed
from unionhome.core.sms import send_sms, sms_quota_take

# The member importer's reader, row check (GB 11643 ID, mainland mobile) and phone normaliser:
# a roster is checked exactly as a member list is.
from unionhome.membership.imports import FileProblem, RowProblem, check_row, read_table
from unionhome.membership.imports import _phone as normalize_phone

CODE_VALID = dt.timedelta(minutes=15)
CODE_RESEND_AFTER = dt.timedelta(minutes=1)
MAX_CODE_ATTEMPTS = 5
INVALID_ROSTER = "invalid_roster"
BAD_CODE = "invalid_code"


def roster_import(*, union, title: str, data: bytes, filename: str, by) -> VoterRoster:
    """Import a roster of covered workers. All or nothing: one bad row refuses the file (a
    roster with holes would silently shrink the electorate of art. 36)."""
    if not roles.is_union_staff(by, union):
        raise NotAllowed(_("Only staff of this union may do this."))
    title = (title or "").strip()[:200]
    if not title:
        raise DomainError("invalid", _("A title is required."), field="title")
    today = timezone.localdate()
    rows, problems = [], []
    try:
        for number, values in read_table(data, filename):
            checked = check_row(number, values, today=today)
            if isinstance(checked, RowProblem):
                problems.append(f"{checked.row}: {checked.detail}")
            else:
                rows.append(checked)
    except FileProblem as err:
        raise DomainError(INVALID_ROSTER, str(err), field="file") from None
    seen_ids, seen_phones = set(), set()
    for row in rows:
        key = digest(row.id_number)
        if key in seen_ids or row.phone in seen_phones:
            problems.append(_("%(row)s: the same person twice") % {"row": row.row})
        seen_ids.add(key)
        seen_phones.add(row.phone)
    if problems:
        raise DomainError(
            INVALID_ROSTER,
            _("The roster was not imported. Rows refused: %(rows)s")
            % {"rows": "; ".join(problems[:20])},
            field="file",
        )
    if not rows:
        raise DomainError(INVALID_ROSTER, _("The file holds no workers."), field="file")
    PhoneNumber = apps.get_model("unionhome", "PhoneNumber")
    accounts = dict(
        PhoneNumber.objects.filter(phone__in=[r.phone for r in rows]).values_list(
            "phone", "user_id"
        )
    )
    with transaction.atomic():
        roster = VoterRoster.objects.create(union=union, title=title, created_by=by)
        RosterVoter.objects.bulk_create(
            RosterVoter(
                roster=roster,
                full_name=row.full_name,
                phone=row.phone,
                id_number=row.id_number,
                id_number_digest=digest(row.id_number),
                worker_type=row.worker_type,
                user_id=accounts.get(row.phone),
            )
            for row in rows
        )
    return roster


def _open_covered_ballot(ballot: Ballot, now: dt.datetime) -> Ballot:
    if ballot.electorate != Electorate.COVERED_WORKERS:
        raise NotAllowed(_("This ballot has no roster of covered workers."), code="not_eligible")
    status = ballot.status_at(now)
    if status == BallotStatus.SCHEDULED:
        raise Conflict(BALLOT_NOT_OPEN, _("This ballot is not open yet."))
    if status == BallotStatus.CLOSED:
        raise Conflict(BALLOT_CLOSED, _("This ballot has closed."))
    return ballot_open_if_due(ballot=ballot, now=now)


def _elector_by_phone(ballot: Ballot, phone: str) -> BallotElector | None:
    normal = normalize_phone(phone)
    if normal is None:
        return None
    return (
        BallotElector.objects.filter(ballot=ballot, voter__phone=normal)
        .select_related("voter")
        .first()
    )


def ballot_send_code(
    *, ballot: Ballot, phone: str, address: str | None = None, now: dt.datetime | None = None
) -> None:
    """Text a one-time voting code to a covered worker. Says nothing about whether the number
    is on the roster (the answer is the same), so the roster cannot be probed. Only numbers
    the union put on the roster are ever texted; every request counts against the per-number
    and per-address SMS limits (429), on the roster or not."""
    now = now or timezone.now()
    ballot = _open_covered_ballot(ballot, now)
    sms_quota_take(phone=normalize_phone(phone) or phone, address=address)
    elector = _elector_by_phone(ballot, phone)
    if elector is None:
        return
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        existing = (
            BallotVoteCode.objects.select_for_update()
            .filter(ballot=ballot, voter=elector.voter)
            .first()
        )
        if existing is not None and now - existing.created_at < CODE_RESEND_AFTER:
            return
        BallotVoteCode.objects.filter(ballot=ballot, voter=elector.voter).delete()
        BallotVoteCode.objects.create(
            ballot=ballot,
            voter=elector.voter,
            code_digest=digest(f"{ballot.pk}:{code}"),
            expires_at=now + CODE_VALID,
        )
        message = _("Your code to vote on “%(title)s”: %(code)s (valid for 15 minutes).") % {
            "title": ballot.title[:40],
            "code": code,
        }
        target = elector.voter.phone
        transaction.on_commit(lambda: send_sms(target, message))


def ballot_cast_with_code(
    *, ballot: Ballot, phone: str, code: str, option_ids: Iterable, now: dt.datetime | None = None
) -> str:
    """Cast a covered worker's vote with the code texted to them; returns the receipt."""
    now = now or timezone.now()
    ballot = _open_covered_ballot(ballot, now)
    wrong = DomainError(BAD_CODE, _("The code is wrong or has expired."), field="code", status=403)
    elector = _elector_by_phone(ballot, phone)
    if elector is None:
        raise wrong
    with transaction.atomic():
        sent = (
            BallotVoteCode.objects.select_for_update()
            .filter(ballot=ballot, voter=elector.voter)
            .first()
        )
        if sent is None or sent.expires_at <= now or sent.attempts >= MAX_CODE_ATTEMPTS:
            raise wrong
        failed = digest(f"{ballot.pk}:{str(code or '').strip()}") != sent.code_digest
        if failed:
            # Committed (the error is raised after the block), so guessing uses the code up.
            BallotVoteCode.objects.filter(pk=sent.pk).update(attempts=F("attempts") + 1)
        else:
            # Used up with the vote; a refused vote (bad option, already voted) rolls back
            # and leaves the code usable.
            sent.delete()
            receipt = record_vote(ballot=ballot, elector=elector, option_ids=option_ids)
    if failed:
        raise wrong
    return receipt
