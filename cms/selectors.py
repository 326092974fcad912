"""Reads for the site's pages: each returns everything a listing needs in a fixed number of
queries, so index pages do not grow a query per item."""

from __future__ import annotations

import datetime as dt
import functools
import importlib
from dataclasses import dataclass, field
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model
from wagtail.models import Locale, Page

from cms import search as cms_search
from cms.choices import GuideTopic, LegalAidTopic
from cms.models import (
    CampaignPage,
    LegalGuidePage,
    NewsPage,
    StationIndexPage,
    UnionDirectoryPage,
)
from legalaid.selectors import stations_by_district  # noqa: F401  (StationIndexPage lists it)
from unionhome.core.bilingual import localized
from unionhome.membership.models import Union

CONTENT_VERSION_KEY = "cms:content-version"
# Paths of the member pages other apps serve (Chinese unprefixed, English under /en/).
BALLOTS_PATH = "/ballots/"
LEGALAID_PATH = "/legal-aid/"
# The booking form of the legal-aid app; its URL name is tried first.
LEGALAID_BOOKING_URL_NAMES = ("legalaid:book", "legalaid:booking_create", "legalaid:booking_new")
LEGALAID_BOOKING_PATH = "/legal-aid/book/"


# --- Cache versioning -----------------------------------------------------------------------


def content_version() -> int:
    """A number that changes whenever published content changes (part of fragment cache keys)."""
    version = cache.get(CONTENT_VERSION_KEY)
    if version is None:
        version = 1
        cache.add(CONTENT_VERSION_KEY, version, timeout=None)
    return version


def content_version_bump() -> None:
    try:
        cache.incr(CONTENT_VERSION_KEY)
    except ValueError:
        cache.set(CONTENT_VERSION_KEY, 2, timeout=None)


# --- Links into the other apps --------------------------------------------------------------


def localized_path(path: str, *, language: str | None = None) -> str:
    """``path`` in the active language: Chinese unprefixed, other languages under /<code>/."""
    language = language or get_language() or settings.LANGUAGE_CODE
    if language == settings.LANGUAGE_CODE:
        return path
    return f"/{language}{path}"


def reverse_or_path(name: str, path: str, *, args=()) -> str:
    """The URL of another app's page by name, or its known path when that app has none."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return localized_path(path)


def legalaid_booking_url(*, topic: str) -> str:
    """The legal-aid booking page, with ``topic`` pre-selected when it is a known topic."""
    url = None
    for name in LEGALAID_BOOKING_URL_NAMES:
        try:
            url = reverse(name)
            break
        except NoReverseMatch:
            continue
    if url is None:
        url = localized_path(LEGALAID_BOOKING_PATH)
    if topic in LegalAidTopic.values:
        url = f"{url}?{urlencode({'topic': topic})}"
    return url


@dataclass
class EntryPoint:
    key: str
    label: str
    description: str
    url: str


def home_entry_points(*, home, member: bool = False) -> list[EntryPoint]:
    """The four big buttons of the home page (a member gets their card instead of "join")."""

    directory = UnionDirectoryPage.objects.live().descendant_of(home).first()
    stations = StationIndexPage.objects.live().descendant_of(home).first()
    first = EntryPoint(
        "join",
        str(_("Join the union")),
        str(_("Scan your union's QR code and join in two minutes.")),
        directory.url if directory else localized_path("/"),
    )
    if member:
        first = EntryPoint(
            "card",
            str(_("My membership card")),
            str(_("Show it at stations and events; staff scan its code.")),
            reverse_or_path("unionhome:my_membership", "/membership/") + "#card",
        )
    return [
        first,
        EntryPoint(
            "ballots",
            str(_("My ballots")),
            str(_("Vote on contracts and motions, and check your receipt.")),
            reverse_or_path("ballots:my_ballots", BALLOTS_PATH),
        ),
        EntryPoint(
            "legal",
            str(_("Legal aid")),
            str(_("Free advice from union lawyers, online or at a station.")),
            reverse_or_path("legalaid:index", LEGALAID_PATH),
        ),
        EntryPoint(
            "stations",
            str(_("Rest stations")),
            str(_("Water, charging and a place to rest near you.")),
            stations.url if stations else localized_path("/"),
        ),
    ]


# --- News and campaigns ---------------------------------------------------------------------


def _with_listing_image(queryset):
    # Renditions ride along with their image, so `{% image %}` costs no query per item.
    return queryset.select_related("listing_image").prefetch_related(
        Prefetch(
            "listing_image__renditions",
            queryset=get_image_model().get_rendition_model().objects.all(),
        )
    )


def news_latest(*, locale: Locale, limit: int = 3):

    queryset = NewsPage.objects.live().public().filter(locale=locale).order_by("-date", "-pk")
    return list(_with_listing_image(queryset).prefetch_related("tags")[:limit])


def news_for_index(*, index_page, tag: str = ""):

    queryset = NewsPage.objects.live().public().child_of(index_page).order_by("-date", "-pk")
    if tag:
        queryset = queryset.filter(tags__name=tag).distinct()
    return _with_listing_image(queryset).prefetch_related("tags")


def campaigns_current(*, locale: Locale, limit: int = 2, today: dt.date | None = None):
    """Campaigns that have not ended, soonest first."""

    today = today or timezone.localdate()
    queryset = (
        CampaignPage.objects.live()
        .public()
        .filter(locale=locale, end_date__gte=today)
        .order_by("start_date", "pk")
    )
    return list(_with_listing_image(queryset)[:limit])


# --- Legal guides ---------------------------------------------------------------------------


@dataclass
class TopicGroup:
    code: str
    label: str
    guides: list = field(default_factory=list)


def guides_by_topic(*, index_page) -> list[TopicGroup]:

    groups = {code: TopicGroup(code, str(label)) for code, label in GuideTopic.choices}
    guides = LegalGuidePage.objects.live().public().child_of(index_page).order_by("path")
    for guide in guides:
        groups[guide.topic].guides.append(guide)
    return [group for group in groups.values() if group.guides]


def guides_related(*, guide, limit: int = 3):

    return list(
        LegalGuidePage.objects.live()
        .public()
        .sibling_of(guide, inclusive=False)
        .filter(topic=guide.topic)
        .order_by("path")[:limit]
    )


# --- Stations -------------------------------------------------------------------------------


@functools.cache
def _legalaid_tables_exist() -> bool:
    # Checked once per process: the app may be installed before its tables are migrated.
    from django.apps import apps

    try:
        station = apps.get_model("legalaid", "Station")
    except LookupError:
        return False
    return station._meta.db_table in connection.introspection.table_names()


def _legalaid_module(name: str) -> ModuleType | None:
    """The legal-aid app's module, when that app is installed (it is optional for the site)."""

    if not apps.is_installed("legalaid") or not _legalaid_tables_exist():
        return None
    try:
        return importlib.import_module(f"legalaid.{name}")
    except ImportError:
        return None


# --- Unions ---------------------------------------------------------------------------------

DIRECTORY_UNION_KINDS = ("industry", "regional", "enterprise")


@dataclass
class UnionCard:
    id: int
    name: str
    kind: str
    region: str
    industry: str
    address: str
    contact_phone: str
    qr_svg_url: str
    detail_url: str


def unions_for_directory() -> list[UnionCard]:
    """The unions a worker can join, with the URL of their join QR code (one query)."""

    kinds = dict(Union._meta.get_field("kind").choices)
    order = {kind: index for index, kind in enumerate(DIRECTORY_UNION_KINDS)}
    unions = sorted(
        Union.objects.filter(kind__in=DIRECTORY_UNION_KINDS).order_by("name"),
        key=lambda union: (order[union.kind], union.name),
    )
    return [
        UnionCard(
            id=union.pk,
            name=localized(union, "name"),
            kind=str(kinds.get(union.kind, union.kind)),
            region=localized(union, "region"),
            industry=localized(union, "industry"),
            address=localized(union, "address"),
            contact_phone=union.contact_phone,
            qr_svg_url=f"/api/v1/unions/{union.pk}/join-qr?format=svg",
            detail_url=reverse_or_path(
                "unionhome:union_detail", f"/unions/{union.pk}/", args=(union.pk,)
            ),
        )
        for union in unions
    ]


# --- Campaign slots -------------------------------------------------------------------------


@dataclass
class SlotView:
    start: dt.datetime
    end: dt.datetime
    volunteer: str
    station: str
    channel: str
    book_url: str = ""


def campaign_slots(
    *, start: dt.date, end: dt.date, campaign_id: int | None = None, limit: int = 12
) -> list[SlotView]:
    """Open consultation slots during a campaign, from the legal-aid app when installed."""
    legal_selectors = _legalaid_module("selectors")
    if legal_selectors is None or not hasattr(legal_selectors, "slots_open"):
        return []
    today = timezone.localdate()
    if end < today:
        return []
    slots = legal_selectors.slots_open(first_day=max(start, today), last_day=end)
    if campaign_id:
        slots = slots.filter(campaign_id=campaign_id)
    slots = slots[:limit]
    booking = legalaid_booking_url(topic="")
    views = []
    for slot in slots:
        # The booking page opens on the slot's day, station and channel.
        query = {"day": timezone.localtime(slot.start).date().isoformat(), "channel": slot.channel}
        if slot.station_id:
            query["station"] = slot.station_id
        views.append(
            SlotView(
                start=slot.start,
                end=slot.end,
                volunteer=getattr(slot.volunteer, "display_name", str(slot.volunteer)),
                station=slot.station.name if slot.station_id else "",
                channel=slot.get_channel_display(),
                book_url=f"{booking}?{urlencode(query)}",
            )
        )
    return views


# --- Search ---------------------------------------------------------------------------------


def search_pages(*, query: str, locale: Locale | None = None):
    """Live, public pages of the active language matching ``query`` (any language's words)."""

    terms = cms_search.normalise_query(query)
    if not terms:
        return []
    locale = locale or Locale.get_active()
    pages = Page.objects.live().public().filter(locale=locale)
    return list(pages.search(terms, operator="and")[:100])
