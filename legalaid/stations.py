"""The one station model: rest stations, legal-aid stations and workers' homes.

Members read a station's name, address, hours, amenities and offers; each has an English
twin. On English pages the English text is shown, and where staff entered none the Chinese
text is shown with an "(in Chinese)" marker, so a reader knows it is not a translation gap
of the page itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from legalaid.lines import StationKind
from legalaid.maps import map_links

# The fields members read, each with an ``<name>_en`` twin.
TRANSLATED_FIELDS = ("name", "address", "opening_hours", "amenities", "offers")


@dataclass(frozen=True)
class ShownText:
    """Text in the page's language; ``in_chinese`` marks the Chinese fallback on English pages."""

    text: str
    in_chinese: bool = False

    def __str__(self) -> str:
        return self.text

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]


def _english_page() -> bool:
    return (get_language() or "").lower().startswith("en")


class Station(models.Model):
    """A place where riders gather: a rest station, a legal-aid station or a workers' home.

    One model for every kind, used by the public site, legal aid and campaigns: the booking
    engine (availability windows, slots), warmth campaigns and activities all point at
    stations. ``kind`` tells the site how to show it."""

    union = models.ForeignKey(
        "unionhome.Union",
        verbose_name=_("union"),
        on_delete=models.PROTECT,
        related_name="legalaid_stations",
    )
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=StationKind.choices, default=StationKind.LEGAL_AID
    )
    company = models.CharField(
        _("company"), max_length=200, blank=True, help_text=_("For a workers' home: whose it is")
    )
    offers = models.TextField(
        _("what it offers"), blank=True, help_text=_("One per line, e.g. canteen, counselling")
    )
    offers_en = models.TextField(_("what it offers (English)"), blank=True)
    address = models.CharField(_("address"), max_length=300)
    address_en = models.CharField(_("English address"), max_length=300, blank=True)
    district = models.CharField(_("district"), max_length=100)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("GCJ-02 as shown by Chinese map apps"),
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    opening_hours_en = models.CharField(_("opening hours (English)"), max_length=200, blank=True)
    amenities = models.TextField(
        _("amenities"), blank=True, help_text=_("One per line, e.g. charging, water, toilet")
    )
    amenities_en = models.TextField(
        _("amenities (English)"), blank=True, help_text=_("One per line, in the same order")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["district", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="legalaid_station_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="legalaid_station_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def amenity_list(self) -> list[str]:
        return [line.strip() for line in self.amenities.splitlines() if line.strip()]

    @property
    def offer_list(self) -> list[str]:
        return [line.strip() for line in self.offers.splitlines() if line.strip()]

    @property
    def map_links(self) -> dict[str, str]:
        return map_links(
            name=self.name, address=self.address, latitude=self.latitude, longitude=self.longitude
        )

    def shown(self, field: str) -> ShownText:
        """``field`` in the active language: English where entered, else marked Chinese."""
        chinese = getattr(self, field)
        if not _english_page():
            return ShownText(chinese)
        english = getattr(self, f"{field}_en").strip()
        if english:
            return ShownText(english)
        return ShownText(chinese, in_chinese=bool(chinese.strip()))

    @property
    def shown_name(self) -> ShownText:
        return self.shown("name")

    @property
    def shown_address(self) -> ShownText:
        return self.shown("address")

    @property
    def shown_opening_hours(self) -> ShownText:
        return self.shown("opening_hours")

    @property
    def shown_amenities(self) -> ShownText:
        return self.shown("amenities")

    @property
    def shown_offers(self) -> ShownText:
        return self.shown("offers")
