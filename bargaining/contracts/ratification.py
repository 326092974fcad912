"""The vote on a draft contract, through the ballots app's services.

Collective Contract Provisions art. 36: the draft goes to the workers' congress (职工代表大会,
the union's congress delegates) or to ALL the workers it covers (全体职工, a roster staff
import, members or not); it passes when at least two thirds of them attend and at least half
of ALL of them approve. The union's members alone never ratify.

The only module that talks to ``unionhome.ballots``: if that app's API changes, this is
the one place to follow it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from bargaining.contracts.models import Contract, RatifyingBody
from bargaining.models import Case
from unionhome.ballots.models import CongressRepresentative, OptionMeaning, VoterRoster
from unionhome.ballots.selectors import (
    ballot_is_staff,
    ballot_notice_docx,
    ballot_outcome,
    ballot_result_passed,
    ballot_turnout,
)
from unionhome.ballots.services import ballot_create_ratification
from unionhome.core.errors import Conflict, DomainError

VOTING_DAYS = 7
MEMBERS_ONLY = "members_only_ratification"
NO_CONGRESS = "no_congress"
ROSTER_REQUIRED = "roster_required"


@dataclass(frozen=True)
class RatificationSummary:
    eligible: int
    turnout: int
    yes: int
    passed: bool
    body: str = RatifyingBody.CONGRESS


def ratification_electorate(*, case: Case, body: str, roster=None) -> VoterRoster | None:
    """Check the chosen ratifying body before the vote starts; returns the roster to use."""
    if body not in RatifyingBody.values:
        raise DomainError(
            MEMBERS_ONLY,
            _(
                "Choose who ratifies: the workers' congress or all the workers the contract "
                "covers. The union's members alone may not (Collective Contract Provisions "
                "art. 36)."
            ),
            field="body",
        )
    if body == RatifyingBody.CONGRESS:
        if not CongressRepresentative.objects.filter(union_id=case.union_id).exists():
            raise Conflict(
                NO_CONGRESS,
                _("The union has no congress delegates on record: add them first."),
            )
        return None
    if isinstance(roster, int | str):
        roster = VoterRoster.objects.filter(pk=roster).first()
    if roster is None or roster.union_id != case.union_id:
        raise DomainError(
            ROSTER_REQUIRED,
            _("Import the roster of all covered workers first, then choose it."),
            field="roster",
        )
    if not roster.voters.exists():
        raise DomainError(ROSTER_REQUIRED, _("That roster is empty."), field="roster")
    return roster


def ratification_ballot_create(
    *,
    contract: Contract,
    title: str,
    summary_html: str,
    opens_at: dt.datetime,
    body: str,
    roster=None,
    by=None,
):
    """A yes/no ballot of the congress or of all covered workers under the collective-contract
    rule (Collective Contract Provisions art. 36)."""

    case = contract.case
    return ballot_create_ratification(
        union=case.union,
        title=title,
        description_html=summary_html,
        opens_at=opens_at,
        closes_at=opens_at + dt.timedelta(days=VOTING_DAYS),
        source_label=f"bargaining case {case.pk}: {escape(case.title)}"[:200],
        electorate=body,
        roster=roster,
        created_by=by,
    )


def ratification_passed(*, contract: Contract, now: dt.datetime) -> bool | None:
    """True or False once the ballot has closed, None while it runs (or without a ballot)."""

    if contract.ballot_id is None:
        return None
    return ballot_result_passed(ballot=contract.ballot, now=now)


def ratification_summary(contract: Contract) -> RatificationSummary | None:
    """The figures for the result notice; None before the ballot has been counted."""

    ballot = contract.ballot
    # Never before the close: partial counts must not leak into a document.
    if ballot is None or ballot.frozen_at is None or ballot.status_at(timezone.now()) != "closed":
        return None
    outcome, options = ballot_outcome(ballot=ballot)
    yes = next((o.pk for o in options if o.meaning == OptionMeaning.YES), None)
    return RatificationSummary(
        eligible=ballot.eligible_count or 0,
        turnout=ballot_turnout(ballot=ballot),
        yes=outcome.counts.get(yes, 0) if yes else 0,
        passed=bool(outcome.passed),
        body=contract.ratifying_body or ballot.electorate,
    )


def ratification_official_notice(*, contract: Contract, user, language: str) -> bytes | None:
    """The ballots app's own result notice, which it gives to the union's staff only; None
    for anybody else (the caller then writes the notice from ``ratification_summary``)."""

    ballot = contract.ballot
    if ballot is None or user is None or not ballot_is_staff(ballot=ballot, user=user):
        return None
    try:
        with translation.override(language):
            return ballot_notice_docx(ballot=ballot, user=user)
    except DomainError:
        return None
