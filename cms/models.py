"""Page models of the public union home site (stations are ``legalaid.Station``)."""

from __future__ import annotations

import functools

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.forms.models import AbstractEmailForm, AbstractFormField
from wagtail.contrib.forms.panels import FormSubmissionsPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms import search as cms_search
from cms.blocks import BodyBlock
from cms.choices import (
    GUIDE_TO_LEGALAID_TOPIC,
    BargainingTopic,
    GuideTopic,
    LegalAidTopic,
)
from unionhome.membership.home import member_todo

# Anonymous visitors may keep a page this long (seconds). Short, so edits show up soon.
PAGE_MAX_AGE = 300


def _patch_page_cache_headers(request, response) -> None:
    """Let browsers and front-end caches keep pages that anonymous visitors see.

    A page that carries a CSRF token (a form, or the header's language switcher) must not be
    stored by a shared cache: another visitor would get a token that does not match their
    cookie. Such pages stay cacheable by the visitor's own browser only.
    """
    if response.status_code != 200 or request.method not in ("GET", "HEAD"):
        patch_cache_control(response, private=True, no_cache=True)
        return
    user = getattr(request, "user", None)
    if getattr(request, "is_preview", False) or (user is not None and user.is_authenticated):
        patch_cache_control(response, private=True, no_cache=True)
        return
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or response.cookies:
        patch_cache_control(response, private=True, max_age=PAGE_MAX_AGE)
    else:
        patch_cache_control(response, public=True, max_age=PAGE_MAX_AGE)


class SitePage(Page):
    """What every page of the site shares: sharing (Open Graph) data, search, cache headers."""

    social_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("sharing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Shown when the page is shared in a chat app (1200x630 works best)."),
    )

    promote_panels = Page.promote_panels + [FieldPanel("social_image")]
    search_fields = Page.search_fields + [index.SearchField("cjk_search_text")]

    og_type = "website"
    # Seconds the rendered head and content of a page stay in the fragment cache (0: never).
    # Keys include the page's own state, the language and the site-wide content version.
    page_cache_timeout = 600

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        # Imported here: cms.selectors reads these page models (a real import cycle).
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["content_version"] = selectors.content_version()
        return context

    def searchable_text_parts(self) -> list[str]:
        return [self.title, self.search_description or ""]

    def cjk_search_text(self) -> str:
        """Chinese text cut into characters and pairs, so a search for a word finds it."""
        return cms_search.cjk_index_text(" ".join(self.searchable_text_parts()))

    def sharing_description(self) -> str:
        return self.search_description or ""

    def sharing_image(self):
        """The picture chat apps show with a link to this page."""
        for name in ("social_image", "listing_image", "hero_image"):
            image = getattr(self, name, None)
            if image is not None:
                return image
        return None

    def serve(self, request, *args, **kwargs):
        return self.with_cache_headers(request, super().serve(request, *args, **kwargs))

    def get_sitemap_urls(self, request=None):
        urls = super().get_sitemap_urls(request)
        if request is not None:
            # The host the crawler used, not the Site record's (which may still say localhost).
            location = request.build_absolute_uri(self.get_url(request))
            for entry in urls:
                entry["location"] = location
        return urls

    def with_cache_headers(self, request, response):
        if hasattr(response, "add_post_render_callback") and not response.is_rendered:
            # Whether the page used a CSRF token is only known once it is rendered.
            response.add_post_render_callback(
                lambda rendered: _patch_page_cache_headers(request, rendered)
            )
        else:
            _patch_page_cache_headers(request, response)
        return response


def intro_field():
    return models.TextField(_("introduction"), blank=True, max_length=600)


def body_field():
    return StreamField(BodyBlock(), verbose_name=_("body"), blank=True)


def _body_text(page) -> str:
    field = type(page)._meta.get_field("body")
    return " ".join(str(part) for part in field.get_searchable_content(page.body))


# --- Home -----------------------------------------------------------------------------------


class HomePage(SitePage):
    hero_title = models.CharField(_("hero title"), max_length=120)
    hero_text = models.TextField(_("hero text"), blank=True, max_length=400)
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("hero image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("hero_title"), FieldPanel("hero_text"), FieldPanel("hero_image")],
            heading=_("Hero"),
        ),
        FieldPanel("body"),
    ]
    search_fields = SitePage.search_fields + [
        index.SearchField("hero_title"),
        index.SearchField("hero_text"),
        index.SearchField("body"),
    ]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def searchable_text_parts(self):
        return super().searchable_text_parts() + [self.hero_title, self.hero_text]

    def get_context(self, request, *args, **kwargs):
        # Imported here: cms.selectors reads these page models (a real import cycle).
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        # Callables: the template calls them only when its fragment cache is cold.
        # A signed-in person's home starts with what is waiting for them; a member is not
        # asked to join again.
        user = getattr(request, "user", None)
        todo = member_todo(user=user) if user is not None and user.is_authenticated else None
        context["todo"] = todo
        context["entry_points"] = functools.partial(
            selectors.home_entry_points, home=self, member=bool(todo and todo.is_member)
        )
        context["latest_news"] = functools.partial(
            selectors.news_latest, locale=self.locale, limit=3
        )
        context["campaigns"] = functools.partial(
            selectors.campaigns_current, locale=self.locale, limit=2
        )
        return context


# --- Standard -------------------------------------------------------------------------------


class TextPage(SitePage):
    """A page of text: an introduction and a body, both searched and shared. Standard pages,
    news items and legal guides are text pages with a few fields of their own."""

    intro = intro_field()
    body = body_field()
    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = SitePage.search_fields + [
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    class Meta:
        abstract = True

    def searchable_text_parts(self):
        return super().searchable_text_parts() + [self.intro, _body_text(self)]

    def sharing_description(self):
        return self.search_description or self.intro


class StandardPage(TextPage):
    class Meta:
        verbose_name = _("standard page")


class IndexPage(SitePage):
    """An introduction above a list of child pages that ``get_context`` reads."""

    intro = models.TextField(_("introduction"), blank=True, max_length=600)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    class Meta:
        abstract = True


# --- News -----------------------------------------------------------------------------------


class NewsIndexPage(IndexPage):
    subpage_types = ["cms.NewsPage"]
    per_page = 10
    # The listing depends on ?page= and ?tag=; its queries are few and fixed instead.
    page_cache_timeout = 0

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        # Imported here: cms.selectors reads these page models (a real import cycle).
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        tag = (request.GET.get("tag") or "")[:100]
        news = selectors.news_for_index(index_page=self, tag=tag)
        paginator = Paginator(news, self.per_page)
        try:
            page_obj = paginator.page(request.GET.get("page") or 1)
        except (PageNotAnInteger, EmptyPage):
            page_obj = paginator.page(1)
        context.update(news_page=page_obj, tag=tag)
        return context


class NewsPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.NewsPage",
        related_name="tagged_items",
        on_delete=models.CASCADE,
        verbose_name=_("news page"),
    )

    class Meta:
        verbose_name = _("news page tag")
        verbose_name_plural = _("news page tags")


class NewsPage(TextPage):
    date = models.DateField(_("date"), default=timezone.localdate)
    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("listing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tags = ClusterTaggableManager(through=NewsPageTag, blank=True, verbose_name=_("tags"))

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("date"), FieldPanel("tags")]),
        FieldPanel("listing_image"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = TextPage.search_fields + [index.FilterField("date")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []
    og_type = "article"

    class Meta:
        verbose_name = _("news item")


# --- Legal education ------------------------------------------------------------------------


class LegalGuideIndexPage(IndexPage):
    subpage_types = ["cms.LegalGuidePage"]

    class Meta:
        verbose_name = _("legal guide index")

    def get_context(self, request, *args, **kwargs):
        # Imported here: cms.selectors reads these page models (a real import cycle).
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["topics"] = selectors.guides_by_topic(index_page=self)
        return context


class LegalGuidePage(TextPage):
    topic = models.CharField(_("topic"), max_length=20, choices=GuideTopic.choices)
    bargaining_topic = models.CharField(
        _("bargaining topic"),
        max_length=20,
        choices=BargainingTopic.choices,
        blank=True,
        help_text=_("The topic of the bargaining table this guide belongs to, if any."),
    )
    consultation_topic = models.CharField(
        _("consultation topic"),
        max_length=30,
        choices=LegalAidTopic.choices,
        blank=True,
        help_text=_("Pre-selected on the booking form; empty chooses one from the topic."),
    )

    content_panels = Page.content_panels + [
        FieldRowPanel(
            [
                FieldPanel("topic"),
                FieldPanel("bargaining_topic"),
                FieldPanel("consultation_topic"),
            ]
        ),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = TextPage.search_fields + [index.FilterField("topic")]
    parent_page_types = ["cms.LegalGuideIndexPage"]
    subpage_types: list[str] = []
    og_type = "article"

    class Meta:
        verbose_name = _("legal guide")

    @property
    def booking_topic(self) -> str:
        return self.consultation_topic or GUIDE_TO_LEGALAID_TOPIC.get(
            self.topic, LegalAidTopic.OTHER
        )

    def get_context(self, request, *args, **kwargs):
        # Imported here: cms.selectors reads these page models (a real import cycle).
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["booking_url"] = selectors.legalaid_booking_url(topic=self.booking_topic)
        context["related_guides"] = functools.partial(selectors.guides_related, guide=self, limit=3)
        return context


# --- Stations -------------------------------------------------------------------------------


class DirectoryPage(TextPage):
    """A page of text above a list the site builds itself: ``listing`` names the context
    variable and the ``cms.selectors`` function that fills it (called lazily, so a cached
    page does not query)."""

    listing: tuple[str, str] = ("", "")

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        # Imported here: cms.selectors reads these page models (a real import cycle).
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        name, selector = self.listing
        context[name] = functools.partial(getattr(selectors, selector))
        return context


class StationIndexPage(DirectoryPage):
    listing = ("districts", "stations_by_district")

    class Meta:
        verbose_name = _("station index")


# --- Unions ---------------------------------------------------------------------------------


class UnionDirectoryPage(DirectoryPage):
    listing = ("unions", "unions_for_directory")

    class Meta:
        verbose_name = _("union directory")


# --- Campaigns ------------------------------------------------------------------------------


class CampaignPage(TextPage):
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    listing_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("listing image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # A plain id rather than a foreign key: the site works without the legal-aid app.
    legalaid_campaign_id = models.PositiveIntegerField(
        _("legal-aid campaign ID"),
        null=True,
        blank=True,
        help_text=_("Show the open slots of this legal service campaign (its ID in the admin)."),
    )

    content_panels = Page.content_panels + [
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldPanel("legalaid_campaign_id"),
        FieldPanel("listing_image"),
        FieldPanel("intro"),
        FieldPanel("body"),
    ]
    search_fields = TextPage.search_fields + [index.FilterField("end_date")]
    og_type = "article"

    class Meta:
        verbose_name = _("campaign")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="cms_campaign_dates_ordered",
            )
        ]

    def get_context(self, request, *args, **kwargs):
        # Imported here: cms.selectors reads these page models (a real import cycle).
        from cms import selectors

        context = super().get_context(request, *args, **kwargs)
        context["slots"] = functools.partial(
            selectors.campaign_slots,
            start=self.start_date,
            end=self.end_date,
            campaign_id=self.legalaid_campaign_id,
            limit=12,
        )
        context["booking_url"] = selectors.legalaid_booking_url(topic="")
        return context


# --- Surveys --------------------------------------------------------------------------------


class FormField(AbstractFormField):
    page = ParentalKey(
        "cms.FormPage",
        on_delete=models.CASCADE,
        related_name="form_fields",
        verbose_name=_("form page"),
    )

    class Meta:
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")


class FormPage(AbstractEmailForm, SitePage):
    """A survey or sign-up form built by staff; submissions are kept in the admin."""

    # The form carries the visitor's CSRF token and their answers: never cached.
    page_cache_timeout = 0

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link"])
    thank_you_text = RichTextField(
        _("thank-you text"), blank=True, features=["bold", "italic", "link"]
    )

    content_panels = AbstractEmailForm.content_panels + [
        FormSubmissionsPanel(),
        FieldPanel("intro"),
        InlinePanel("form_fields", label=_("Form fields")),
        FieldPanel("thank_you_text"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("from_address"), FieldPanel("to_address")]),
                FieldPanel("subject"),
            ],
            heading=_("E-mail the answers (optional)"),
        ),
    ]
    search_fields = SitePage.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("form page")

    def serve(self, request, *args, **kwargs):
        # FormMixin.serve answers GET and POST itself and does not call Page.serve.
        response = AbstractEmailForm.serve(self, request, *args, **kwargs)
        return self.with_cache_headers(request, response)
