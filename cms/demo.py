"""Demo content for seed_demo (idempotent): the public site in Chinese with English translations.

Pages are created directly as live pages (a translation is a page in the other locale's tree
sharing the source's ``translation_key``), which is what Wagtail's translation tools produce,
without the cost of revisions: every test that loads the demo runs this.
"""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlparse

from django.conf import settings
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from bargaining.legal_guide import GUIDE as COLLECTIVE_CONTRACT_GUIDE
from cms.demo_content import GUIDES, NEWS, REST_STATIONS, book_block, image_block, text_block
from cms.models import (
    CampaignPage,
    FormField,
    FormPage,
    HomePage,
    LegalGuideIndexPage,
    LegalGuidePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
    StationIndexPage,
    UnionDirectoryPage,
)
from legalaid.lines import StationKind
from legalaid.models import Station


def _demo_image(title: str, colours: tuple[str, str]):
    """A small generated banner (no binary files in the repository, no download)."""

    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing:
        return existing
    width, height = 1200, 630
    picture = PILImage.new("RGB", (width, height), colours[0])
    draw = ImageDraw.Draw(picture)
    for index in range(6):
        x = 120 + index * 190
        draw.ellipse((x, 330 - index * 25, x + 260, 590 - index * 25), fill=colours[1])
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    image = Image(title=title)
    image.file = ImageFile(buffer, name=f"{title}.png")
    image.save()
    return image


# --- Pages ----------------------------------------------------------------------------------


def _ensure_pair(parent_zh, parent_en, model, slug: str, zh: dict, en: dict, *, tags=None):
    """The Chinese page under ``parent_zh`` and its English translation under ``parent_en``."""
    published = {"first_published_at": timezone.now(), "last_published_at": timezone.now()}
    page = model.objects.child_of(parent_zh).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, locale=parent_zh.locale, **published, **zh)
        parent_zh.add_child(instance=page)
        if tags:
            page.tags.set(tags[0])
            page.save()
    translation = page.get_translation_or_none(parent_en.locale)
    if translation is None:
        translation = model(
            slug=slug,
            locale=parent_en.locale,
            translation_key=page.translation_key,
            **published,
            **en,
        )
        parent_en.add_child(instance=translation)
        if tags:
            translation.tags.set(tags[1])
            translation.save()
    return page, translation


def _ensure_home(zh_locale: Locale, en_locale: Locale, hero_image):
    root = Page.get_first_root_node()
    home = HomePage.objects.filter(depth=2, locale=zh_locale).first()
    if home is None:
        home = HomePage(
            first_published_at=timezone.now(),
            last_published_at=timezone.now(),
            title="工会之家",
            slug="union-home",
            locale=zh_locale,
            hero_title="新就业形态劳动者的网上工会之家",
            hero_text="外卖骑手、网约车司机、快递员：扫码入会，参加投票，免费法律咨询，找到身边的驿站。",
            hero_image=hero_image,
            search_description="新就业形态劳动者的网上工会之家：入会、投票、法律援助、户外劳动者驿站。",
        )
        root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        base = urlparse(settings.SITE_BASE_URL)
        Site.objects.create(
            hostname=base.hostname or "localhost",
            port=base.port or 80,
            root_page=home,
            is_default_site=True,
            site_name=settings.WAGTAIL_SITE_NAME,
        )
    elif site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.save()
        # Wagtail's placeholder "Welcome" page is of no use once the real home page is in.
        if type(old_root.specific) is Page and not old_root.get_children().exists():
            old_root.delete()
    english = home.get_translation_or_none(en_locale)
    if english is None:
        english = HomePage(
            first_published_at=timezone.now(),
            last_published_at=timezone.now(),
            title="Union e-Home",
            # Siblings under the tree root need distinct slugs; a root's slug is not in URLs.
            slug="union-home-en",
            locale=en_locale,
            translation_key=home.translation_key,
            hero_title="The online union home of gig workers",
            hero_text="Delivery riders, ride-hail drivers and couriers: join by QR code, vote, "
            "get free legal advice and find a rest station near you.",
            hero_image=hero_image,
            search_description="The online union home of gig workers: join, vote, legal aid, "
            "rest stations.",
        )
        root.add_child(instance=english)
    return home, english


def _ensure_rest_stations(union) -> None:
    for data in REST_STATIONS:
        Station.objects.get_or_create(
            name=data["name"],
            defaults={**data, "union": union, "kind": StationKind.REST},
        )


def _survey_fields(page: FormPage, english: bool) -> None:
    if page.form_fields.exists():
        return
    if english:
        fields = [
            ("Which platform do you work for most?", "dropdown", "Meituan\nEle.me\nOther", True),
            ("How many hours are you online on a normal day?", "number", "", True),
            (
                "What worries you most?",
                "radio",
                "Pay\nRest breaks\nPenalties\nInsurance\nRoad safety",
                True,
            ),
            ("Anything else the union should know?", "multiline", "", False),
        ]
    else:
        fields = [
            ("您主要在哪个平台接单？", "dropdown", "美团\n饿了么\n其他", True),
            ("您平常每天在线多少小时？", "number", "", True),
            ("您最关心的问题是什么？", "radio", "收入\n休息\n罚款扣分\n保险\n交通安全", True),
            ("还有什么想告诉工会的？", "multiline", "", False),
        ]
    for order, (label, kind, choices, required) in enumerate(fields):
        FormField.objects.create(
            page=page,
            sort_order=order,
            label=label,
            field_type=kind,
            choices=choices,
            required=required,
        )


@transaction.atomic
def seed(ctx: dict) -> None:
    """Add the public site: home, news, legal guides, stations, unions, a campaign, a survey."""
    zh_locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    en_locale, _ = Locale.objects.get_or_create(language_code="en")

    hero = _demo_image("demo-hero", ("#b71c1c", "#e57373"))
    news_images = [
        _demo_image("demo-summer", ("#0d47a1", "#64b5f6")),
        _demo_image("demo-bargaining", ("#4a148c", "#ba68c8")),
        _demo_image("demo-winter", ("#1b5e20", "#81c784")),
    ]
    home, home_en = _ensure_home(zh_locale, en_locale, hero)
    _ensure_rest_stations(ctx["union"])

    directory, _ = _ensure_pair(
        home,
        home_en,
        UnionDirectoryPage,
        "unions",
        {
            "title": "扫码入会",
            "intro": "选择适合您的工会：有企业工会的加入企业工会，外卖配送行业的加入行业工会，"
            "其他劳动者可加入所在区域的联合工会。用手机扫描二维码即可申请。",
        },
        {
            "title": "Join a union",
            "intro": "Pick the union that fits you: your company's union if it has one, the "
            "industry union for delivery work, or your district's regional union for "
            "everyone else. Scan the code with your phone to apply.",
        },
    )
    news_index, news_index_en = _ensure_pair(
        home,
        home_en,
        NewsIndexPage,
        "news",
        {"title": "工会动态", "intro": "夏送清凉、冬送温暖、集体协商：工会在做什么。"},
        {
            "title": "Union news",
            "intro": "Summer cool, winter warmth, collective bargaining: what the union is doing.",
        },
    )
    today = timezone.localdate()
    for item, image in zip(NEWS, news_images, strict=True):
        date = today - dt.timedelta(days=item["days_ago"])
        _ensure_pair(
            news_index,
            news_index_en,
            NewsPage,
            item["slug"],
            {**item["zh"], "date": date, "listing_image": image},
            {**item["en"], "date": date, "listing_image": image},
            tags=item["tags"],
        )

    guides, guides_en = _ensure_pair(
        home,
        home_en,
        LegalGuideIndexPage,
        "legal-guides",
        {
            "title": "法律知识",
            "intro": "工资、休息、保险、工伤、平台规则与争议处理：看懂自己的权益。",
        },
        {
            "title": "Know your rights",
            "intro": "Pay, rest, insurance, work injury, platform rules and disputes, explained.",
        },
    )
    for guide in [*GUIDES, COLLECTIVE_CONTRACT_GUIDE]:
        common = {"topic": guide["topic"], "bargaining_topic": guide["bargaining_topic"]}
        _ensure_pair(
            guides,
            guides_en,
            LegalGuidePage,
            guide["slug"],
            {**guide["zh"], **common},
            {**guide["en"], **common},
        )

    _ensure_pair(
        home,
        home_en,
        StationIndexPage,
        "stations",
        {
            "title": "驿站与法律服务站",
            "intro": "户外劳动者驿站提供饮水、充电和休息；法律服务站有志愿者提供免费咨询。",
        },
        {
            "title": "Rest and legal-aid stations",
            "intro": "Rest stations offer water, charging and a seat; at legal-aid stations "
            "volunteers give free advice.",
        },
    )

    start = today - dt.timedelta(days=5)
    campaign_common = {
        "start_date": start,
        "end_date": start + dt.timedelta(days=30),
        "listing_image": hero,
        "legalaid_campaign_id": getattr(ctx.get("legalaid_campaign"), "pk", None),
    }
    _ensure_pair(
        home,
        home_en,
        CampaignPage,
        "legal-service-month",
        {
            "title": "法律服务月",
            "intro": "服务月期间，律师志愿者每天在驿站坐班，线上线下免费咨询。",
            "body": [text_block("<p>欠薪、工伤、平台扣罚、劳动关系认定，都可以来问。</p>")],
            **campaign_common,
        },
        {
            "title": "Legal service month",
            "intro": "During the month, volunteer lawyers are at the stations every day, and "
            "online: free advice.",
            "body": [
                text_block(
                    "<p>Unpaid wages, work injuries, platform penalties, whether you are an "
                    "employee: ask us.</p>"
                )
            ],
            **campaign_common,
        },
    )

    survey, survey_en = _ensure_pair(
        home,
        home_en,
        FormPage,
        "survey",
        {
            "title": "骑手需求调查",
            "intro": "<p>花两分钟告诉工会您最关心什么，我们会带到协商桌上。</p>",
            "thank_you_text": "<p>谢谢！您的意见已经收到。</p>",
        },
        {
            "title": "Riders' survey",
            "intro": "<p>Take two minutes to tell the union what matters most to you: we take "
            "it to the bargaining table.</p>",
            "thank_you_text": "<p>Thank you! Your answers have been received.</p>",
        },
    )
    _survey_fields(survey, english=False)
    _survey_fields(survey_en, english=True)

    _ensure_pair(
        home,
        home_en,
        StandardPage,
        "about",
        {
            "title": "关于工会之家",
            "intro": "工会之家是新就业形态劳动者工会的网上服务平台。",
            "body": [
                text_block(
                    "<p>我们帮助外卖骑手、网约车司机、快递员等劳动者入会、参与集体协商、"
                    "获得法律援助。</p>"
                ),
                image_block(hero, "工会驿站", "工会驿站外景"),
                book_block("other"),
                {
                    "type": "qr_join",
                    "value": {"union_id": ctx["union"].pk, "title": "", "text": ""},
                },
            ],
        },
        {
            "title": "About Union e-Home",
            "intro": "Union e-Home is the online service of gig workers' unions.",
            "body": [
                text_block(
                    "<p>We help delivery riders, ride-hail drivers and couriers join a union, "
                    "take part in collective bargaining and get legal aid.</p>"
                ),
                image_block(hero, "A union rest station", "Outside a union rest station"),
                book_block("other"),
                {
                    "type": "qr_join",
                    "value": {"union_id": ctx["union"].pk, "title": "", "text": ""},
                },
            ],
        },
    )
    ctx.update(cms_home=home, cms_home_en=home_en, cms_directory=directory)
