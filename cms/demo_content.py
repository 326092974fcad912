"""The demo site's texts: legal guides, news and rest stations, in Chinese and English,
with the small builders of StreamField blocks they use (kept apart from the seeding code)."""

from __future__ import annotations


def text_block(html: str) -> dict:
    return {"type": "paragraph", "value": html}


def heading_block(text: str) -> dict:
    return {"type": "heading", "value": {"text": text, "level": "h2"}}


def faq_block(title: str, items: list[tuple[str, str]]) -> dict:
    return {
        "type": "faq",
        "value": {
            "title": title,
            "items": [{"question": q, "answer": f"<p>{a}</p>"} for q, a in items],
        },
    }


def quote_block(text: str, who: str) -> dict:
    return {"type": "quote", "value": {"text": text, "attribution": who}}


def table_block(caption: str, rows: list[list[str]]) -> dict:
    return {
        "type": "table",
        "value": {"caption": caption, "first_row_is_header": True, "rows": rows},
    }


def image_block(image, caption: str, alt: str) -> dict:
    return {"type": "image", "value": {"image": image.pk, "caption": caption, "alt": alt}}


def book_block(topic: str) -> dict:
    return {"type": "book_consultation", "value": {"label": "", "topic": topic}}


# --- Images ---------------------------------------------------------------------------------


GUIDES = [
    {
        "slug": "pay-and-piece-rates",
        "topic": "wages",
        "bargaining_topic": "pay",
        "zh": {
            "title": "工资与计件单价：不得低于最低工资",
            "intro": "按单计酬也要保底：计件单价乘以每小时能完成的单量，不能低于当地小时最低工资。",
            "body": [
                heading_block("怎么算是否低于最低工资"),
                text_block(
                    "<p>把平台的<b>计件单价</b>乘以在正常情况下每小时能完成的单量，"
                    "得到每小时收入，再与当地公布的<b>小时最低工资</b>比较。"
                    "法定节假日工作的，劳动关系劳动者应按不低于工资的300%支付。</p>"
                ),
                table_block(
                    "示例：计件单价是否达标",
                    [
                        ["计件单价（元/单）", "每小时单量", "每小时收入（元）", "是否达标"],
                        ["5.0", "5", "25.0", "达标"],
                        ["4.0", "5", "20.0", "低于最低工资"],
                    ],
                ),
                faq_block(
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
                heading_block("How to check your piece rate"),
                text_block(
                    "<p>Multiply the platform's <b>piece rate</b> by the orders you can normally "
                    "complete in an hour, and compare it with the local <b>hourly minimum "
                    "wage</b>. Workers in a labour relationship are paid at least 300% for work "
                    "on statutory holidays.</p>"
                ),
                table_block(
                    "Example: does the piece rate pass?",
                    [
                        ["Rate (yuan/order)", "Orders per hour", "Per hour (yuan)", "Result"],
                        ["5.0", "5", "25.0", "Passes"],
                        ["4.0", "5", "20.0", "Below the minimum wage"],
                    ],
                ),
                faq_block(
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
                heading_block("受伤后的三件事"),
                text_block(
                    "<ol><li>立即就医，保留病历和票据；</li>"
                    "<li>在平台内报告事故，截图保存；</li>"
                    "<li>联系工会，确认能否申请职业伤害保障或工伤认定。</li></ol>"
                ),
                quote_block("受伤后第一时间报案，后面的认定就顺利很多。", "工会法律援助志愿者"),
            ],
        },
        "en": {
            "title": "Occupational injury protection: hurt on a delivery?",
            "intro": "Injured while taking or delivering an order? You may claim occupational "
            "injury benefits. See a doctor, report it, keep the evidence.",
            "body": [
                heading_block("Three things to do after an injury"),
                text_block(
                    "<ol><li>See a doctor at once and keep the records and receipts;</li>"
                    "<li>report the accident in the platform app and keep a screenshot;</li>"
                    "<li>contact the union to check whether you can claim occupational injury "
                    "protection or a work-injury determination.</li></ol>"
                ),
                quote_block(
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
                text_block(
                    "<p>平台制定或修改直接涉及劳动者权益的规则，应当听取工会和劳动者代表的意见。"
                    "对不合理的处罚，可以通过平台申诉渠道提出异议，也可以请工会协助。</p>"
                ),
                faq_block(
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
                text_block(
                    "<p>When a platform sets or changes rules that directly affect workers, it "
                    "must hear the union and workers' representatives. You can contest an "
                    "unfair penalty through the platform's appeal channel, and the union can "
                    "help.</p>"
                ),
                faq_block(
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
                heading_block("安全第一"),
                text_block(
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
                heading_block("Safety first"),
                text_block(
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
                text_block(
                    "<p>七月以来，工会志愿者走访了全区12个骑手驿站，发放防暑物资3000余份。</p>"
                )
            ],
        },
        "en": {
            "title": "Summer cool: the union visits riders' rest stations",
            "intro": "In the heat, the industry union brought mung-bean soup, heatstroke "
            "remedies and cooling vests to riders on the road.",
            "body": [
                text_block(
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
            "body": [
                text_block("<p>双方各派出3名协商代表，首轮协商将围绕计件单价与休息时间展开。</p>")
            ],
        },
        "en": {
            "title": "Collective bargaining in food delivery begins",
            "intro": "The industry union and the platform open talks on piece rates, labour "
            "protection, reward and penalty rules, and safety.",
            "body": [
                text_block(
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
            "body": [text_block("<p>暖心包可在各工会驿站领取，凭会员码登记即可。</p>")],
        },
        "en": {
            "title": "Winter warmth: care packs for riders",
            "intro": "Before the cold wave, the union prepared gloves, knee pads and hot "
            "drinks for gig workers.",
            "body": [
                text_block(
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
        "name": "骑手路爱心驿站",
        "name_en": "Rider Road Care Station",
        "district": "浦江区",
        "address": "示范市浦江区骑手路 1 号",
        "address_en": "1 Rider Road, Pujiang District, Demo City",
        "opening_hours": "每天 07:00–22:00",
        "opening_hours_en": "Daily 07:00–22:00",
        "amenities": "饮用水\n手机和电池充电\n微波炉\n卫生间\n休息座椅\n空调或取暖",
        "amenities_en": "Drinking water\nPhone and battery charging\nMicrowave\nToilet\n"
        "Seats to rest\nAir conditioning or heating",
        "phone": "021-12345678",
        "latitude": "31.230416",
        "longitude": "121.473701",
    },
    {
        "name": "滨江商圈户外劳动者驿站",
        "name_en": "Riverside Outdoor Workers' Station",
        "district": "浦江区",
        "address": "示范市浦江区滨江大道 88 号",
        "address_en": "88 Riverside Avenue, Pujiang District, Demo City",
        "opening_hours": "每天 09:00–21:00",
        "opening_hours_en": "Daily 09:00–21:00",
        "amenities": "饮用水\n手机和电池充电\n急救药箱\n无线网络",
        "amenities_en": "Drinking water\nPhone and battery charging\nFirst-aid kit\nWi-Fi",
        "latitude": "31.225000",
        "longitude": "121.490000",
    },
    {
        # No English entered: English pages show it in Chinese, marked so.
        "name": "新城温暖驿站",
        "district": "新城区",
        "address": "示范市新城区创业路 20 号",
        "opening_hours": "周一至周六 08:00–20:00",
        "amenities": "饮用水\n手机和电池充电\n休息座椅\n简易维修工具",
    },
]
