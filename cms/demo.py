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
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from cms.models import (
    CampaignPage,
    FormField,
    FormPage,
    HomePage,
    LegalGuideIndexPage,
    LegalGuidePage,
    NewsIndexPage,
    NewsPage,
    RestStation,
    StandardPage,
    StationIndexPage,
    UnionDirectoryPage,
)


def _text(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def _heading(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def _faq(title: str, items: list[tuple[str, str]]) -> dict:
    return {
        "type": "faq",
        "value": {
            "title": title,
            "items": [{"question": q, "answer": f"<p>{a}</p>"} for q, a in items],
        },
    }


def _quote(text: str, who: str) -> dict:
    return {"type": "quote", "value": {"text": text, "attribution": who}}


def _table(caption: str, rows: list[list[str]]) -> dict:
    return {
        "type": "table",
        "value": {"caption": caption, "first_row_is_header": True, "rows": rows},
    }


def _image_block(image, caption: str, alt: str) -> dict:
    return {"type": "image", "value": {"image": image.pk, "caption": caption, "alt": alt}}


def _book(topic: str) -> dict:
    return {"type": "book_consultation", "value": {"label": "", "topic": topic}}


# --- Images ---------------------------------------------------------------------------------


def _demo_image(title: str, colours: tuple[str, str]):
    """A small generated banner (no binary files in the repository, no download)."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

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


GUIDES = [
    {
        "slug": "pay-and-piece-rates",
        "topic": "wages",
        "bargaining_topic": "pay",
        "zh": {
            "title": "工资与计件单价：不得低于最低工资",
            "intro": "按单计酬也要保底：计件单价乘以每小时能完成的单量，不能低于当地小时最低工资。",
            "body": [
                _heading("怎么算是否低于最低工资"),
                _text(
                    "<p>把平台的<b>计件单价</b>乘以在正常情况下每小时能完成的单量，"
                    "得到每小时收入，再与当地公布的<b>小时最低工资</b>比较。"
                    "法定节假日工作的，劳动关系劳动者应按不低于工资的300%支付。</p>"
                ),
                _table(
                    "示例：计件单价是否达标",
                    [
                        ["计件单价（元/单）", "每小时单量", "每小时收入（元）", "是否达标"],
                        ["5.0", "5", "25.0", "达标"],
                        ["4.0", "5", "20.0", "低于最低工资"],
                    ],
                ),
                _faq(
                    "常见问题",
                    [
                        (
                            "平台拖欠工资怎么办？",
                            "保留接单记录和收入截图，先向平台申诉，再联系工会法律援助。",
                        ),
                        (
                            "没有签劳动合同也能维权吗？",
                            "可以。书面协议、接单记录、转账记录都可以作为证据。",
                        ),
                    ],
                ),
            ],
        },
        "en": {
            "title": "Pay and piece rates: never below the minimum wage",
            "intro": "Paid per order, but with a floor: the piece rate times the orders you can "
            "do in an hour may not fall below the local hourly minimum wage.",
            "body": [
                _heading("How to check your piece rate"),
                _text(
                    "<p>Multiply the platform's <b>piece rate</b> by the orders you can normally "
                    "complete in an hour, and compare it with the local <b>hourly minimum "
                    "wage</b>. Workers in a labour relationship are paid at least 300% for work "
                    "on statutory holidays.</p>"
                ),
                _table(
                    "Example: does the piece rate pass?",
                    [
                        ["Rate (yuan/order)", "Orders per hour", "Per hour (yuan)", "Result"],
                        ["5.0", "5", "25.0", "Passes"],
                        ["4.0", "5", "20.0", "Below the minimum wage"],
                    ],
                ),
                _faq(
                    "Questions",
                    [
                        (
                            "The platform owes me pay. What can I do?",
                            "Keep your order records and screenshots of your earnings, appeal "
                            "to the platform, then contact the union's legal aid.",
                        ),
                        (
                            "Can I claim without a labour contract?",
                            "Yes. A written agreement, order records and payment records all "
                            "count as evidence.",
                        ),
                    ],
                ),
            ],
        },
    },
    {
        "slug": "occupational-injury",
        "topic": "work_injury",
        "bargaining_topic": "protection",
        "zh": {
            "title": "职业伤害保障：送餐途中受伤怎么办",
            "intro": "在接单、配送途中受伤，可以申请职业伤害保障待遇。先就医，再报案，保留证据。",
            "body": [
                _heading("受伤后的三件事"),
                _text(
                    "<ol><li>立即就医，保留病历和票据；</li>"
                    "<li>在平台内报告事故，截图保存；</li>"
                    "<li>联系工会，确认能否申请职业伤害保障或工伤认定。</li></ol>"
                ),
                _quote("受伤后第一时间报案，后面的认定就顺利很多。", "工会法律援助志愿者"),
            ],
        },
        "en": {
            "title": "Occupational injury protection: hurt on a delivery?",
            "intro": "Injured while taking or delivering an order? You may claim occupational "
            "injury benefits. See a doctor, report it, keep the evidence.",
            "body": [
                _heading("Three things to do after an injury"),
                _text(
                    "<ol><li>See a doctor at once and keep the records and receipts;</li>"
                    "<li>report the accident in the platform app and keep a screenshot;</li>"
                    "<li>contact the union to check whether you can claim occupational injury "
                    "protection or a work-injury determination.</li></ol>"
                ),
                _quote(
                    "Report it right away, and the rest of the claim goes much more smoothly.",
                    "A union legal-aid volunteer",
                ),
            ],
        },
    },
    {
        "slug": "rewards-and-penalties",
        "topic": "platform_rules",
        "bargaining_topic": "rewards_penalties",
        "zh": {
            "title": "平台奖惩规则：罚款、扣分与申诉",
            "intro": "超时罚款、差评扣分、封号：平台的奖惩规则应当公开、合理，并经过协商。",
            "body": [
                _text(
                    "<p>平台制定或修改直接涉及劳动者权益的规则，应当听取工会和劳动者代表的意见。"
                    "对不合理的处罚，可以通过平台申诉渠道提出异议，也可以请工会协助。</p>"
                ),
                _faq(
                    "常见问题",
                    [
                        (
                            "因天气原因超时被罚款，可以申诉吗？",
                            "可以。保留天气预警和订单时间记录，提交申诉。",
                        ),
                        ("账号被封怎么办？", "要求平台说明理由和依据，并联系工会法律援助。"),
                    ],
                ),
            ],
        },
        "en": {
            "title": "Platform rewards and penalties: fines, points and appeals",
            "intro": "Fines for lateness, points lost for bad reviews, blocked accounts: a "
            "platform's rules must be public, reasonable and negotiated.",
            "body": [
                _text(
                    "<p>When a platform sets or changes rules that directly affect workers, it "
                    "must hear the union and workers' representatives. You can contest an "
                    "unfair penalty through the platform's appeal channel, and the union can "
                    "help.</p>"
                ),
                _faq(
                    "Questions",
                    [
                        (
                            "I was fined for being late in a storm. Can I appeal?",
                            "Yes. Keep the weather warning and the order times, and appeal.",
                        ),
                        (
                            "My account was blocked. What now?",
                            "Ask the platform for the reason and the rule it relied on, and "
                            "contact the union's legal aid.",
                        ),
                    ],
                ),
            ],
        },
    },
    {
        "slug": "breaks-and-road-safety",
        "topic": "rest",
        "bargaining_topic": "safety",
        "zh": {
            "title": "连续接单4小时，至少休息20分钟",
            "intro": "网约配送和网约车平台应当在劳动者连续在线4小时后，安排不少于20分钟的休息。",
            "body": [
                _heading("安全第一"),
                _text(
                    "<p>疲劳驾驶是交通事故的主要原因之一。平台应设置强制休息提醒，"
                    "并在派单算法中考虑合理的配送时间。</p>"
                ),
                {"type": "stations", "value": {"title": "附近的休息驿站", "district": ""}},
            ],
        },
        "en": {
            "title": "After 4 hours online, at least a 20-minute break",
            "intro": "Delivery and ride-hail platforms must give workers a break of at least "
            "20 minutes after 4 hours of continuous online work.",
            "body": [
                _heading("Safety first"),
                _text(
                    "<p>Fatigue is one of the main causes of road accidents. Platforms should "
                    "enforce break reminders and allow realistic delivery times in their "
                    "dispatch algorithms.</p>"
                ),
                {"type": "stations", "value": {"title": "Rest stations nearby", "district": ""}},
            ],
        },
    },
]

NEWS = [
    {
        "slug": "summer-cool-2026",
        "days_ago": 40,
        "zh": {
            "title": "夏送清凉：工会走进骑手驿站",
            "intro": "高温天气里，行业工会为一线骑手送去绿豆汤、防暑药品和降温背心。",
            "body": [
                _text("<p>七月以来，工会志愿者走访了全区12个骑手驿站，发放防暑物资3000余份。</p>")
            ],
        },
        "en": {
            "title": "Summer cool: the union visits riders' rest stations",
            "intro": "In the heat, the industry union brought mung-bean soup, heatstroke "
            "remedies and cooling vests to riders on the road.",
            "body": [
                _text(
                    "<p>Since July, union volunteers have visited 12 rest stations in the "
                    "district and handed out over 3,000 summer kits.</p>"
                )
            ],
        },
        "tags": (["夏送清凉", "驿站"], ["summer cool", "rest stations"]),
    },
    {
        "slug": "collective-bargaining-starts",
        "days_ago": 12,
        "zh": {
            "title": "外卖行业集体协商启动",
            "intro": "行业工会与平台企业就计件单价、劳动保护、奖惩规则和安全保障开展集体协商。",
            "body": [_text("<p>双方各派出3名协商代表，首轮协商将围绕计件单价与休息时间展开。</p>")],
        },
        "en": {
            "title": "Collective bargaining in food delivery begins",
            "intro": "The industry union and the platform open talks on piece rates, labour "
            "protection, reward and penalty rules, and safety.",
            "body": [
                _text(
                    "<p>Each side has three representatives. The first round covers piece "
                    "rates and rest breaks.</p>"
                )
            ],
        },
        "tags": (["集体协商"], ["collective bargaining"]),
    },
    {
        "slug": "winter-warmth-2026",
        "days_ago": 3,
        "zh": {
            "title": "冬送温暖：为骑手送上暖心包",
            "intro": "寒潮来临前，工会为新就业形态劳动者准备了手套、护膝和热饮。",
            "body": [_text("<p>暖心包可在各工会驿站领取，凭会员码登记即可。</p>")],
        },
        "en": {
            "title": "Winter warmth: care packs for riders",
            "intro": "Before the cold wave, the union prepared gloves, knee pads and hot "
            "drinks for gig workers.",
            "body": [
                _text(
                    "<p>Pick up a care pack at any union rest station: show your membership "
                    "code to register.</p>"
                )
            ],
        },
        "tags": (["冬送温暖", "驿站"], ["winter warmth", "rest stations"]),
    },
]

REST_STATIONS = [
    {
        "zh": {
            "name": "骑手路爱心驿站",
            "district": "浦江区",
            "address": "示范市浦江区骑手路 1 号",
            "opening_hours": "每天 07:00–22:00",
        },
        "en": {
            "name": "Rider Road Care Station",
            "district": "Pujiang District",
            "address": "1 Rider Road, Pujiang District, Demo City",
            "opening_hours": "Daily 07:00–22:00",
        },
        "amenities": ["water", "charging", "microwave", "toilet", "seating", "air_conditioning"],
        "phone": "021-12345678",
        "latitude": "31.230416",
        "longitude": "121.473701",
    },
    {
        "zh": {
            "name": "滨江商圈户外劳动者驿站",
            "district": "浦江区",
            "address": "示范市浦江区滨江大道 88 号",
            "opening_hours": "每天 09:00–21:00",
        },
        "en": {
            "name": "Riverside Outdoor Workers' Station",
            "district": "Pujiang District",
            "address": "88 Riverside Avenue, Pujiang District, Demo City",
            "opening_hours": "Daily 09:00–21:00",
        },
        "amenities": ["water", "charging", "first_aid", "wifi"],
        "phone": "",
        "latitude": "31.225000",
        "longitude": "121.490000",
    },
    {
        "zh": {
            "name": "新城温暖驿站",
            "district": "新城区",
            "address": "示范市新城区创业路 20 号",
            "opening_hours": "周一至周六 08:00–20:00",
        },
        "en": {
            "name": "New Town Warm Station",
            "district": "New Town District",
            "address": "20 Chuangye Road, New Town District, Demo City",
            "opening_hours": "Mon–Sat 08:00–20:00",
        },
        "amenities": ["water", "charging", "seating", "repair"],
        "phone": "",
        "latitude": None,
        "longitude": None,
    },
]


def _ensure_rest_stations(zh_locale: Locale, en_locale: Locale) -> None:
    for order, data in enumerate(REST_STATIONS):
        common = {
            "amenities": data["amenities"],
            "phone": data["phone"],
            "latitude": data["latitude"],
            "longitude": data["longitude"],
            "sort_order": order,
        }
        station = RestStation.objects.filter(locale=zh_locale, name=data["zh"]["name"]).first()
        if station is None:
            station = RestStation.objects.create(locale=zh_locale, **data["zh"], **common)
        if not RestStation.objects.filter(
            locale=en_locale, translation_key=station.translation_key
        ).exists():
            RestStation.objects.create(
                locale=en_locale, translation_key=station.translation_key, **data["en"], **common
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
    _ensure_rest_stations(zh_locale, en_locale)

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
    for guide in GUIDES:
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
            "body": [_text("<p>欠薪、工伤、平台扣罚、劳动关系认定，都可以来问。</p>")],
            **campaign_common,
        },
        {
            "title": "Legal service month",
            "intro": "During the month, volunteer lawyers are at the stations every day, and "
            "online: free advice.",
            "body": [
                _text(
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
                _text(
                    "<p>我们帮助外卖骑手、网约车司机、快递员等劳动者入会、参与集体协商、"
                    "获得法律援助。</p>"
                ),
                _image_block(hero, "工会驿站", "工会驿站外景"),
                _book("other"),
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
                _text(
                    "<p>We help delivery riders, ride-hail drivers and couriers join a union, "
                    "take part in collective bargaining and get legal aid.</p>"
                ),
                _image_block(hero, "A union rest station", "Outside a union rest station"),
                _book("other"),
                {
                    "type": "qr_join",
                    "value": {"union_id": ctx["union"].pk, "title": "", "text": ""},
                },
            ],
        },
    )
    ctx.update(cms_home=home, cms_home_en=home_en, cms_directory=directory)
