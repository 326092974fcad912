"""Ballot endpoints (API.md, "Ballots"), mounted at /api/v1/ballots.

Thin: each endpoint calls one selector or service; DomainError becomes ``{detail, code}``.
"""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from unionhome.ballots import selectors, services
from unionhome.ballots.models import Ballot

router = Router(tags=["ballots"])


class OptionOut(Schema):
    id: int
    label: str


class BallotOut(Schema):
    id: int
    title: str
    kind: str
    options: list[OptionOut]
    opens_at: dt.datetime
    closes_at: dt.datetime
    status: str
    eligible_count: int | None
    union_id: int
    rule: str
    max_choices: int
    description_html: str
    source_label: str
    eligible: bool
    voted: bool
    receipt: str | None


class VoteIn(Schema):
    option_ids: list[int]


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
        "kind": ballot.kind,
        "options": [{"id": o.pk, "label": selectors.option_label(o)} for o in ballot.options.all()],
        "opens_at": ballot.opens_at,
        "closes_at": ballot.closes_at,
        "status": ballot.status_at(now),
        "eligible_count": ballot.eligible_count,
        "union_id": ballot.union_id,
        "rule": ballot.rule,
        "max_choices": ballot.choice_limit,
        "description_html": ballot.description,
        "source_label": ballot.source_label,
        "eligible": selectors.ballot_is_eligible(ballot=ballot, user=user),
        "voted": receipt is not None,
        "receipt": receipt,
    }


def _visible(request, ballot_id: int) -> Ballot:
    ballot = selectors.ballot_get_for_user(user=request.user, ballot_id=ballot_id)
    # The electorate is fixed at the first action after the opening time.
    return services.ballot_open_if_due(ballot=ballot)


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
