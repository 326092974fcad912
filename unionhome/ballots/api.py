"""Ballot endpoints (API.md, "Ballots"), mounted at /api/v1/ballots.

Thin: each endpoint calls one selector or service; DomainError becomes ``{detail, code}``.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.adapter import get_adapter as get_account_adapter
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from unionhome.ballots import roster, selectors, services
from unionhome.ballots.models import Ballot, Electorate
from unionhome.core.api_types import StrictInt
from unionhome.core.errors import DomainError
from unionhome.membership.models import Union

MAX_ROSTER_BYTES = 5 * 1024 * 1024

router = Router(tags=["ballots"])

# The stored value of the subtree electorate predates the client contract's name for it.
ELECTORATE_OUT = {Electorate.MEMBERS_AND_SUBUNIONS: "members_subtree"}


class OptionOut(Schema):
    id: int
    # In the request's language (yes/no/abstain), else as written; ``label_en`` as entered.
    label: str
    label_en: str


class BallotOut(Schema):
    id: int
    title: str
    # English forms as entered, "" when none (English clients then show the Chinese ones).
    title_en: str
    kind: str
    options: list[OptionOut]
    opens_at: dt.datetime
    closes_at: dt.datetime
    status: str
    eligible_count: int | None
    union_id: int
    rule: str
    # members | members_subtree | congress | covered_workers (API.md)
    electorate: str
    max_choices: int
    description_html: str
    description_en_html: str
    source_label: str
    eligible: bool
    voted: bool
    receipt: str | None


class VoteIn(Schema):
    option_ids: list[StrictInt]


class ReceiptOut(Schema):
    receipt: str


class OptionResultOut(Schema):
    id: int
    label: str
    votes: int
    chosen: bool


class ResultsOut(Schema):
    status: str
    rule: str
    eligible_count: int
    turnout: int
    counts: dict[str, int] | None
    passed: bool | None
    options: list[OptionResultOut] | None
    reasons: list[str]


class VoterOut(Schema):
    id: int
    username: str
    name: str


def _ballot_out(ballot: Ballot, user, now) -> dict:
    receipt = selectors.ballot_receipt_of(ballot=ballot, user=user)
    return {
        "id": ballot.pk,
        "title": ballot.title,
        "title_en": ballot.title_en,
        "kind": ballot.kind,
        "options": [
            {"id": o.pk, "label": str(selectors.option_label(o)), "label_en": o.label_en}
            for o in ballot.options.all()
        ],
        "opens_at": ballot.opens_at,
        "closes_at": ballot.closes_at,
        "status": ballot.status_at(now),
        "eligible_count": ballot.eligible_count,
        "union_id": ballot.union_id,
        "rule": ballot.rule,
        "electorate": ELECTORATE_OUT.get(ballot.electorate, ballot.electorate),
        "max_choices": ballot.choice_limit,
        "description_html": ballot.description,
        "description_en_html": ballot.description_en,
        "source_label": ballot.source_label,
        "eligible": selectors.ballot_is_eligible(ballot=ballot, user=user),
        "voted": receipt is not None,
        "receipt": receipt,
    }


def _visible(request, ballot_id: int) -> Ballot:
    ballot = selectors.ballot_get_for_user(user=request.user, ballot_id=ballot_id)
    # A read never opens the ballot (the tick or the first vote does): count in memory.
    return selectors.ballot_with_electorate(ballot=ballot)


class RosterOut(Schema):
    id: int
    title: str
    voters: int


# Registered before "/{ballot_id}", which would otherwise take "rosters" as an id.
@router.post("/rosters", response={201: RosterOut})
def roster_create(
    request, union_id: Form[int], title: Form[str], file: File[UploadedFile]
) -> Status:
    """Staff import the roster of all covered workers (CSV/XLSX, same columns and checks as
    the member import); all or nothing."""
    union = get_object_or_404(Union, pk=union_id)
    if file.size > MAX_ROSTER_BYTES:
        raise DomainError("invalid_roster", _("The file is too large."), field="file")
    created = roster.roster_import(
        union=union, title=title, data=file.read(), filename=file.name or "", by=request.user
    )
    return Status(201, {"id": created.pk, "title": created.title, "voters": created.voters.count()})


@router.get("", response=list[BallotOut])
def ballot_list(request):
    now = timezone.now()
    rows = selectors.member_ballots(user=request.user, now=now)
    return [_ballot_out(row.ballot, request.user, now) for row in rows]


@router.get("/{ballot_id}", response=BallotOut)
def ballot_detail(request, ballot_id: int):
    return _ballot_out(_visible(request, ballot_id), request.user, timezone.now())


@router.post("/{ballot_id}/vote", response={201: ReceiptOut})
def ballot_vote(request, ballot_id: int, payload: VoteIn):
    # Not visible is answered like not eligible (403), as API.md asks for the vote endpoint.
    ballot = get_object_or_404(Ballot, pk=ballot_id)
    receipt = services.ballot_cast(ballot=ballot, user=request.user, option_ids=payload.option_ids)
    return Status(201, {"receipt": receipt})


@router.get("/{ballot_id}/results", response=ResultsOut)
def ballot_results(request, ballot_id: int):
    ballot = selectors.ballot_get_for_user(user=request.user, ballot_id=ballot_id)
    results = selectors.ballot_results(ballot=ballot, user=request.user)
    return {
        "status": results.status,
        "rule": ballot.rule,
        "eligible_count": results.eligible_count,
        "turnout": results.turnout,
        "counts": results.counts,
        "passed": results.passed,
        "options": None
        if results.options is None
        else [
            {"id": o.option_id, "label": o.label, "votes": o.votes, "chosen": o.elected}
            for o in results.options
        ],
        "reasons": results.reasons,
    }


@router.get("/{ballot_id}/receipts", response=list[str])
def ballot_receipts(request, ballot_id: int):
    ballot = selectors.ballot_get_for_user(user=request.user, ballot_id=ballot_id)
    return selectors.ballot_receipts(ballot=ballot, user=request.user)


@router.get("/{ballot_id}/voters", response=list[VoterOut])
def ballot_voters(request, ballot_id: int):
    ballot = selectors.ballot_get_for_user(user=request.user, ballot_id=ballot_id)
    return [
        {"id": u.pk, "username": u.username, "name": u.get_full_name() or u.first_name}
        for u in selectors.ballot_voters(ballot=ballot, user=request.user)
    ]


# --- covered workers (Collective Contract Provisions art. 36) -----------------------------


class CodeIn(Schema):
    phone: str


class CodeVoteIn(Schema):
    phone: str
    code: str
    option_ids: list[StrictInt]


@router.post("/{ballot_id}/code", response={202: dict}, auth=None)
def ballot_code(request, ballot_id: int, payload: CodeIn):
    """A covered worker without an account asks for a one-time voting code by SMS. The answer
    is the same whether or not the number is on the roster."""
    ballot = get_object_or_404(Ballot, pk=ballot_id)
    address = get_account_adapter().get_client_ip(request)
    roster.ballot_send_code(ballot=ballot, phone=payload.phone, address=address)
    return Status(202, {"detail": _("If this number is on the roster, a code has been sent.")})


@router.post("/{ballot_id}/vote-with-code", response={201: ReceiptOut}, auth=None)
def ballot_vote_with_code(request, ballot_id: int, payload: CodeVoteIn):
    """Cast a covered worker's vote with the code texted to them."""
    ballot = get_object_or_404(Ballot, pk=ballot_id)
    receipt = roster.ballot_cast_with_code(
        ballot=ballot, phone=payload.phone, code=payload.code, option_ids=payload.option_ids
    )
    return Status(201, {"receipt": receipt})
