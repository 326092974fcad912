"""Every page type renders in both languages with the demo content."""

import re

import pytest
from django.test import RequestFactory
from django.utils import translation

pytestmark = pytest.mark.django_db

# path -> a phrase each language's page must show
PAGES = [
    ("/", "新就业形态劳动者的网上工会之家", "/en/", "The online union home of gig workers"),
    ("/news/", "工会动态", "/en/news/", "Union news"),
    (
        "/news/summer-cool-2026/",
        "夏送清凉：工会走进骑手驿站",
        "/en/news/summer-cool-2026/",
        "Summer cool: the union visits",
    ),
    ("/legal-guides/", "法律知识", "/en/legal-guides/", "Know your rights"),
    (
        "/legal-guides/pay-and-piece-rates/",
        "计件单价",
        "/en/legal-guides/pay-and-piece-rates/",
        "piece rate",
    ),
    ("/stations/", "骑手路爱心驿站", "/en/stations/", "Rider Road Care Station"),
    ("/unions/", "示范市快递外卖行业工会联合会", "/en/unions/", "Delivery Workers"),
    ("/legal-service-month/", "法律服务月", "/en/legal-service-month/", "Legal service month"),
    ("/survey/", "您主要在哪个平台接单", "/en/survey/", "Which platform do you work for"),
    ("/about/", "关于工会之家", "/en/about/", "About Union e-Home"),
]


@pytest.mark.parametrize(("zh_path", "zh_text", "en_path", "en_text"), PAGES)
def test_each_page_renders_in_both_languages(client, demo, zh_path, zh_text, en_path, en_text):
    zh = client.get(zh_path)
    assert zh.status_code == 200, zh_path
    zh_html = zh.content.decode()
    assert zh_text in zh_html
    assert 'lang="zh-Hans"' in zh_html
    en = client.get(en_path)
    assert en.status_code == 200, en_path
    en_html = en.content.decode()
    assert en_text in en_html
    assert '<html lang="en"' in en_html
    # Each language shows its own content, not the other's.
    assert zh_text not in en_html


def test_hreflang_alternates_link_the_translations(client, demo):
    html = client.get("/legal-guides/pay-and-piece-rates/").content.decode()
    assert re.search(
        r'<link rel="alternate" hreflang="zh-Hans" href="http://testserver/legal-guides/pay-and-piece-rates/">',
        html,
    )
    assert (
        '<link rel="alternate" hreflang="en" '
        'href="http://testserver/en/legal-guides/pay-and-piece-rates/">' in html
    )
    assert 'hreflang="x-default" href="http://testserver/legal-guides/' in html


def test_switching_language_on_a_page_lands_on_its_translation(client, demo):
    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/news/winter-warmth-2026/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/news/winter-warmth-2026/"
    assert "Winter warmth" in client.get(response["Location"]).content.decode()


def test_page_language_links_follow_a_renamed_translation(client, site_pages):
    english = site_pages["en"]["about"]
    english.slug = "about-us"
    english.save()
    html = client.get("/about/").content.decode()
    assert 'href="/en/about-us/"' in html
    assert client.get("/en/about-us/").status_code == 200


def test_home_has_the_four_entry_points_and_latest_news(client, demo):
    html = client.get("/").content.decode()
    for label in ("entry-join", "entry-ballots", "entry-legal", "entry-stations"):
        assert label in html
    assert 'href="/unions/"' in html
    assert 'href="/ballots/"' in html
    assert 'href="/legal-aid/"' in html
    assert 'href="/stations/"' in html
    assert "冬送温暖" in html and "法律服务月" in html
    en = client.get("/en/").content.decode()
    assert 'href="/en/unions/"' in en and 'href="/en/ballots/"' in en


def test_legal_guide_books_a_consultation_on_its_topic(client, demo):
    html = client.get("/legal-guides/pay-and-piece-rates/").content.decode()
    assert "?topic=wage_arrears" in html
    html = client.get("/en/legal-guides/occupational-injury/").content.decode()
    assert "?topic=work_injury" in html
    assert "/en/" in re.search(r'href="([^"]*\?topic=work_injury)"', html).group(1)


def test_guide_topic_maps_to_a_booking_topic(site_pages):
    guide = site_pages["zh"]["breaks-and-road-safety"]
    assert guide.booking_topic == "platform_rules"
    guide.consultation_topic = "traffic_accident"
    assert guide.booking_topic == "traffic_accident"


def test_union_directory_embeds_join_qr_codes(client, demo):
    html = client.get("/unions/").content.decode()
    for key in ("union", "regional", "enterprise"):
        assert f'src="/api/v1/unions/{demo[key].pk}/join-qr?format=svg"' in html
    # Federations are not unions a worker joins.
    assert f"/api/v1/unions/{demo['federation'].pk}/join-qr" not in html
    assert "Pujiang Regional Union" in client.get("/en/unions/").content.decode()


def test_station_index_groups_by_district_with_map_links(client, demo):
    html = client.get("/stations/").content.decode()
    assert "浦江区" in html and "新城区" in html
    assert 'href="geo:31.230416,121.473701' in html
    assert "饮用水" in html
    assert "仅中文" not in html


def test_english_station_list_shows_english_text_and_marks_chinese_fallbacks(client, demo):
    html = client.get("/en/stations/").content.decode()
    assert "1 Rider Road, Pujiang District, Demo City" in html
    assert "Drinking water" in html and "Daily 07:00–22:00" in html
    # Staff entered no English for this one: its Chinese text is shown, marked as Chinese.
    new_town = html[html.index("新城温暖驿站") :]
    new_town = new_town[: new_town.index("</li>")]
    assert '<span lang="zh-Hans">新城温暖驿站</span> <span class="muted in-chinese">' in html
    assert "(in Chinese)" in new_town
    rider_road = html[html.index("Rider Road Care Station") :]
    assert "(in Chinese)" not in rider_road[: rider_road.index("</li>")]


def test_station_falls_back_to_chinese_only_where_no_english_was_entered(demo):
    from django.utils import translation

    from legalaid.models import Station

    station = Station.objects.get(name="骑手路爱心驿站")
    station.opening_hours_en = "   "
    with translation.override("en"):
        assert str(station.shown_name) == "Rider Road Care Station"
        assert not station.shown_name.in_chinese
        assert str(station.shown_opening_hours) == "每天 07:00–22:00"
        assert station.shown_opening_hours.in_chinese
    with translation.override("zh-hans"):
        assert str(station.shown_name) == "骑手路爱心驿站"
        assert not station.shown_opening_hours.in_chinese


def test_news_index_filters_by_tag(client, demo):
    html = client.get("/news/", {"tag": "驿站"}).content.decode()
    assert "夏送清凉" in html and "冬送温暖" in html
    assert "集体协商启动" not in html


def test_news_tag_with_markup_is_escaped(client, demo):
    response = client.get("/news/", {"tag": "<script>alert(1)</script>", "page": "x"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()


def test_open_graph_tags(client, demo):
    html = client.get("/news/summer-cool-2026/").content.decode()
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="夏送清凉：工会走进骑手驿站">' in html
    assert '<meta property="og:locale" content="zh_CN">' in html
    assert '<meta property="og:locale:alternate" content="en_US">' in html
    image = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert image.startswith("http://testserver/") and ".fill-1200x630" in image


@pytest.mark.parametrize("path", ["/unknown", "/news/no-such-item/"])
def test_unknown_page_is_a_styled_chinese_404(client, demo, path):
    response = client.get(path, follow=True)
    assert response.status_code == 404
    html = response.content.decode()
    assert "找不到" in html or "页面不存在" in html
    assert "unionhome/site.css" in html


def test_unknown_english_page_is_an_english_404(client, demo):
    response = client.get("/en/unknown", follow=True)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert 'href="/en/"' in html


def test_500_page_renders_without_a_request_context():
    from django.views.defaults import server_error

    with translation.override("en"):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert "cms/cms.css" in html


def test_anonymous_pages_are_cacheable_and_member_pages_are_not(client, demo):
    anonymous = client.get("/news/")
    assert "max-age=300" in anonymous["Cache-Control"]
    # The header's language switcher is plain links (no CSRF token), so a shared cache may
    # keep anonymous pages.
    assert "public" in anonymous["Cache-Control"]
    assert "csrfmiddlewaretoken" not in anonymous.content.decode()
    client.force_login(demo["riders"][0])
    member = client.get("/news/")
    assert "no-cache" in member["Cache-Control"] and "private" in member["Cache-Control"]


def test_pages_without_a_token_are_publicly_cacheable(rf, site_pages):
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse

    from cms.models import _patch_page_cache_headers

    request = rf.get("/news/")
    request.user = AnonymousUser()
    response = HttpResponse("ok")
    _patch_page_cache_headers(request, response)
    assert response["Cache-Control"] == "public, max-age=300"


def test_campaign_page_lists_open_consultation_slots(client, site_pages):
    from cms.selectors import campaign_slots

    campaign = site_pages["zh"]["legal-service-month"]
    slots = campaign_slots(start=campaign.start_date, end=campaign.end_date, limit=12)
    html = client.get("/legal-service-month/").content.decode()
    assert "/legal-aid/book/" in html
    if slots:
        assert slots[0].volunteer in html
        assert 'class="slot-list"' in html
        assert "/legal-aid/book/?day=" in slots[0].book_url
        assert slots[0].book_url.replace("&", "&amp;") in html
    else:
        assert 'class="slot-list"' not in html


def test_union_directory_links_to_the_join_page_for_phone_users(client, demo):
    html = client.get("/unions/").content.decode()
    assert f'href="/unions/{demo["union"].pk}/"' in html
    assert f'href="/en/unions/{demo["union"].pk}/"' in client.get("/en/unions/").content.decode()
