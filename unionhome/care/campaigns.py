"""Writes of warmth campaigns: claims by card scan, by the station's code, and by visitors.

Two guarantees hold whatever the concurrency, both in the database:
- a member gets at most the campaign's limit, across all its stations: each claim carries its
  ordinal (1..limit) and (campaign, member, ordinal) is unique; the member's user row is
  locked first so that concurrent claims of one member queue instead of colliding;
- stock never goes below zero: the decrement is a conditional UPDATE (remaining > 0) and a
  check constraint backs it.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from unionhome.care import selectors
from unionhome.care.models import CampaignStation, Claim, ClaimMethod, WarmthCampaign
from unionhome.core import roles
from unionhome.core.errors import Conflict, DomainError, NotFound
from unionhome.membership import selectors as membership_selectors
from unionhome.membership.models import Membership, MembershipStatus

ERR_LIMIT = "limit_reached"
ERR_NO_STOCK = "out_of_stock"
ERR_NOT_RUNNING = "campaign_not_running"
ERR_NOT_MEMBER = "not_a_member"
ERR_CARD = "card_invalid"

STATION_SALT = "unionhome.care.station"
User = get_user_model()


def card_token_from_scan(text: str) -> str:
    """The card QR holds the verify URL (.../membership/verify/<token>/); accept either the
    URL or the bare token, as a scanner app or the camera page may hand over either."""
    text = (text or "").strip()
    if "/verify/" in text:
        text = text.split("/verify/", 1)[1].split("?", 1)[0].strip("/")
    return text


def station_token(supply: CampaignStation) -> str:
    return signing.Signer(salt=STATION_SALT).sign(f"{supply.campaign_id}.{supply.station_id}")


def read_station_token(token: str) -> tuple[int, int]:
    try:
        value = signing.Signer(salt=STATION_SALT).unsign(token or "")
    except signing.BadSignature:
        raise NotFound(_("This station code is not valid.")) from None
    campaign_id, _sep, station_id = value.partition(".")
    return int(campaign_id), int(station_id)


def _require_running(campaign: WarmthCampaign) -> None:
    today = timezone.localdate()
    if not campaign.starts_on <= today <= campaign.ends_on:
        raise Conflict(ERR_NOT_RUNNING, _("This campaign is not running today."))


def _require_staff(actor, campaign: WarmthCampaign) -> None:
    if not roles.is_union_staff(actor, campaign.union_id):
        raise NotFound(_("Campaign not found."))


def _take_one(supply: CampaignStation) -> None:
    # A conditional decrement: two claims on the last item cannot both succeed.
    if not CampaignStation.objects.filter(pk=supply.pk, remaining__gt=0).update(
        remaining=F("remaining") - 1
    ):
        raise Conflict(ERR_NO_STOCK, _("Nothing is left at this station."))


def _claim_for_member(
    *, supply: CampaignStation, membership: Membership, method: str, actor
) -> Claim:
    campaign = supply.campaign
    _require_running(campaign)
    if membership.status != MembershipStatus.ACTIVE:
        raise DomainError(ERR_NOT_MEMBER, _("This card is not an active membership."), status=409)
    try:
        with transaction.atomic():
            # The lock queues one member's concurrent claims; the unique ordinal is the
            # guarantee should anything slip past it.
            User.objects.select_for_update().filter(pk=membership.user_id).first()
            taken = selectors.claims_of_member(campaign=campaign, member=membership.user)
            if taken >= campaign.limit_per_member:
                raise Conflict(
                    ERR_LIMIT,
                    _("This member has already received %(n)d (the limit).") % {"n": taken},
                )
            _take_one(supply)
            return Claim.objects.create(
                campaign=campaign,
                supply=supply,
                member=membership.user,
                membership=membership,
                ordinal=taken + 1,
                method=method,
                recorded_by=actor,
            )
    except IntegrityError:
        raise Conflict(
            ERR_LIMIT, _("This member has already received the limit for this campaign.")
        ) from None


def claim_by_card(*, actor, supply: CampaignStation, card_token: str) -> Claim:
    """Staff at a station scanned a member's card."""
    _require_staff(actor, supply.campaign)
    try:
        membership = membership_selectors.membership_from_card_token(
            token=card_token_from_scan(card_token)
        )
    except NotFound:
        raise DomainError(
            ERR_CARD, _("No membership matches this card."), field="card_token"
        ) from None
    return _claim_for_member(
        supply=supply, membership=membership, method=ClaimMethod.STAFF_SCAN, actor=actor
    )


def claim_by_station_code(*, member, supply: CampaignStation) -> Claim:
    """A member scanned the station's campaign code and shows the confirmation to staff."""
    membership = roles.active_membership(member)
    if membership is None:
        raise DomainError(ERR_NOT_MEMBER, _("Only active members can claim."), status=403)
    return _claim_for_member(
        supply=supply, membership=membership, method=ClaimMethod.MEMBER_SCAN, actor=member
    )


def claim_visitor(*, actor, supply: CampaignStation) -> Claim:
    """A non-member was given an item: counted, with nothing personal recorded."""
    _require_staff(actor, supply.campaign)
    _require_running(supply.campaign)
    with transaction.atomic():
        _take_one(supply)
        return Claim.objects.create(
            campaign=supply.campaign, supply=supply, method=ClaimMethod.VISITOR, recorded_by=actor
        )
