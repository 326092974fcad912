"""The members' vote on a draft contract, through the ballots app's services.

The only module that talks to ``unionhome.ballots``: if that app's API changes, this is
the one place to follow it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.html import escape

from bargaining.contracts.models import Contract

VOTING_DAYS = 7


@dataclass(frozen=True)
class RatificationSummary:
    eligible: int
    turnout: int
    yes: int
    passed: bool


def ratification_ballot_create(
    *, contract: Contract, title: str, summary_html: str, opens_at: dt.datetime, by=None
):
    """A yes/no ballot of the union's members under the collective-contract rule
    (Collective Contract Provisions 2004, art. 36: two thirds take part, more than half of
    all eligible approve)."""
    from unionhome.ballots.services import ballot_create_ratification

    case = contract.case
    return ballot_create_ratification(
        union=case.union,
        title=title,
        description_html=summary_html,
        opens_at=opens_at,
        closes_at=opens_at + dt.timedelta(days=VOTING_DAYS),
        source_label=f"bargaining case {case.pk}: {escape(case.title)}"[:200],
        created_by=by,
    )


def ratification_passed(*, contract: Contract, now: dt.datetime) -> bool | None:
    """True or False once the ballot has closed, None while it runs (or without a ballot)."""
    from unionhome.ballots.selectors import ballot_result_passed

    if contract.ballot_id is None:
        return None
    return ballot_result_passed(ballot=contract.ballot, now=now)


def ratification_summary(contract: Contract) -> RatificationSummary | None:
    """The figures for the result notice; None before the ballot has been counted."""
    from unionhome.ballots.models import OptionMeaning
    from unionhome.ballots.selectors import ballot_outcome, ballot_turnout

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
    )


def ratification_official_notice(*, contract: Contract, user, language: str) -> bytes | None:
    """The ballots app's own result notice, which it gives to the union's staff only; None
    for anybody else (the caller then writes the notice from ``ratification_summary``)."""
    from django.utils import translation

    from unionhome.ballots.selectors import ballot_is_staff, ballot_notice_docx
    from unionhome.errors import DomainError

    ballot = contract.ballot
    if ballot is None or user is None or not ballot_is_staff(ballot=ballot, user=user):
        return None
    try:
        with translation.override(language):
            return ballot_notice_docx(ballot=ballot, user=user)
    except DomainError:
        return None
