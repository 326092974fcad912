"""A member's home as a to-do list: what is waiting for them across the platform (ballots to
vote in, their next legal-aid consultation, applications still pending, their card). Reads
only; each app's own selectors decide what the member may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from legalaid.models import BookingStatus
from legalaid.selectors import bookings_of_member
from unionhome.ballots.selectors import MemberBallot, member_ballots
from unionhome.membership.models import Membership, MembershipStatus, Transfer
from unionhome.membership.selectors import membership_current, transfer_pending_for_user


@dataclass
class MemberTodo:
    membership: Membership | None
    to_vote: list[MemberBallot] = field(default_factory=list)
    next_booking: object | None = None
    transfer: Transfer | None = None

    @property
    def is_member(self) -> bool:
        return self.membership is not None and self.membership.status == MembershipStatus.ACTIVE

    @property
    def application_pending(self) -> bool:
        return self.membership is not None and self.membership.status == MembershipStatus.PENDING

    @property
    def count(self) -> int:
        """Things that need the member (the card is always there, so it does not count)."""
        return (
            len(self.to_vote)
            + bool(self.next_booking)
            + bool(self.transfer)
            + self.application_pending
        )


def member_todo(*, user, now: dt.datetime | None = None) -> MemberTodo:
    """What is waiting for ``user``, most urgent first within each kind."""
    now = now or timezone.now()
    membership = membership_current(user=user)
    to_vote = [row for row in member_ballots(user=user, now=now) if row.can_vote]
    next_booking = (
        bookings_of_member(user)
        .filter(status=BookingStatus.BOOKED, slot__end__gte=now)
        .order_by("slot__start")
        .first()
    )
    return MemberTodo(
        membership=membership,
        to_vote=to_vote,
        next_booking=next_booking,
        transfer=transfer_pending_for_user(user=user),
    )
