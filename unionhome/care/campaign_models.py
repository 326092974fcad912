"""Care: warmth campaigns (夏送清凉 / 冬送温暖) — a campaign's stock at each station and the
claims members make against it. Stock never goes below zero and a member claims at most the
campaign's limit: both are database constraints. Imported by ``care.models``."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

# --- Warmth campaigns ------------------------------------------------------------------


class CampaignKind(models.TextChoices):
    SUMMER_COOL = "summer_cool", _("Summer cool")
    WINTER_WARMTH = "winter_warmth", _("Winter warmth")
    FESTIVAL = "festival", _("Festival visit")


class WarmthCampaign(models.Model):
    """A 夏送清凉 / 冬送温暖 / festival campaign: supplies at stations, a limit per member."""

    union = models.ForeignKey(
        "unionhome.Union",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="warmth_campaigns",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CampaignKind.choices)
    title = models.CharField(_("title"), max_length=200)
    item = models.CharField(_("what is given"), max_length=200, help_text=_("e.g. cooling pack"))
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    limit_per_member = models.PositiveSmallIntegerField(
        _("limit per member"), default=1, validators=[MinValueValidator(1)]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("warmth campaign")
        verbose_name_plural = _("warmth campaigns")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="care_campaign_dates"
            ),
            models.CheckConstraint(
                condition=Q(limit_per_member__gte=1), name="care_campaign_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CampaignStation(models.Model):
    """Supplies of one campaign at one station; ``remaining`` counts down with each claim."""

    campaign = models.ForeignKey(
        WarmthCampaign,
        on_delete=models.CASCADE,
        related_name="station_supplies",
        verbose_name=_("distribution campaign"),
    )
    station = models.ForeignKey(
        "legalaid.Station",
        verbose_name=_("station"),
        on_delete=models.PROTECT,
        related_name="campaign_supplies",
    )
    supplied = models.PositiveIntegerField(_("supplied"))
    remaining = models.PositiveIntegerField(_("remaining"))

    class Meta:
        verbose_name = _("station supplies")
        verbose_name_plural = _("station supplies")
        ordering = ["campaign", "station__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "station"], name="care_campaign_station"),
            # Stock never goes negative, whatever the concurrency.
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & Q(remaining__lte=F("supplied")),
                name="care_stock_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} @ {self.station}"


class ClaimMethod(models.TextChoices):
    STAFF_SCAN = "staff_scan", _("Staff scanned the member's card")
    MEMBER_SCAN = "member_scan", _("Member scanned the station code")
    VISITOR = "visitor", _("Visitor (not a member)")


class Claim(models.Model):
    """One item handed out. A member's claims are numbered 1..limit; the unique constraint on
    (campaign, member, ordinal) is what stops a second claim with the same number. It keys on
    the person, not the membership, so a transfer between unions does not reset the count."""

    campaign = models.ForeignKey(
        WarmthCampaign,
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("distribution campaign"),
    )
    supply = models.ForeignKey(
        CampaignStation,
        on_delete=models.PROTECT,
        related_name="claims",
        verbose_name=_("station supply"),
    )
    # Null for a visitor: nothing personal is recorded about non-members.
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="warmth_claims",
        verbose_name=_("member"),
    )
    membership = models.ForeignKey(
        "unionhome.Membership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("membership"),
    )
    ordinal = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("claim number")
    )
    method = models.CharField(
        max_length=20, choices=ClaimMethod.choices, verbose_name=_("how it was recorded")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member", "ordinal"],
                condition=Q(member__isnull=False),
                name="care_claim_ordinal_once",
            ),
            models.CheckConstraint(
                condition=(Q(member__isnull=True) & Q(ordinal__isnull=True))
                | (Q(member__isnull=False) & Q(ordinal__gte=1)),
                name="care_claim_member_has_ordinal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.method}"


# --- Talks and activities --------------------------------------------------------------
