"""Staff work in the Wagtail admin: rest stations as snippets, translations with Wagtail's tools."""

import pytest
from wagtail.models import Locale

pytestmark = pytest.mark.django_db


def test_staff_add_a_rest_station_with_amenities(client, demo):
    from cms.models import RestStation

    client.force_login(demo["admin"])
    listing = client.get("/admin/snippets/cms/reststation/")
    assert listing.status_code == 200
    assert "骑手路爱心驿站" in listing.content.decode()
    response = client.post(
        "/admin/snippets/cms/reststation/add/?locale=zh-hans",
        {
            "name": "测试驿站",
            "district": "浦江区",
            "sort_order": "5",
            "address": "测试路 9 号",
            "opening_hours": "每天",
            "amenities": ["water", "toilet"],
            "phone": "",
            "latitude": "",
            "longitude": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    station = RestStation.objects.get(name="测试驿站")
    assert station.amenities == ["water", "toilet"]
    assert station.locale.language_code == "zh-hans"


def test_unknown_amenity_is_refused(client, demo):
    from cms.models import RestStation

    client.force_login(demo["admin"])
    response = client.post(
        "/admin/snippets/cms/reststation/add/?locale=zh-hans",
        {
            "name": "坏数据",
            "district": "区",
            "sort_order": "0",
            "address": "路",
            "amenities": ["<x>"],
        },
    )
    assert response.status_code == 200
    assert not RestStation.objects.filter(name="坏数据").exists()


def test_station_coordinates_are_checked_by_the_database(demo):
    from django.db import IntegrityError, transaction

    from cms.models import RestStation

    with pytest.raises(IntegrityError), transaction.atomic():
        RestStation.objects.create(
            locale=Locale.get_default(), name="x", district="d", address="a", latitude=95
        )


def test_members_cannot_reach_the_site_admin(client, demo):
    client.force_login(demo["riders"][0])
    response = client.get("/admin/snippets/cms/reststation/")
    assert response.status_code in (302, 403)


def test_editors_translate_a_page_with_wagtails_translation_tool(client, site_pages, demo):
    from cms.models import NewsPage

    news = site_pages["zh"]["news"]
    page = NewsPage(title="新的驿站开放", slug="new-station", intro="又一个驿站开放了。")
    news.add_child(instance=page)
    page.save_revision().publish()
    english = Locale.objects.get(language_code="en")

    client.force_login(demo["admin"])
    response = client.post(f"/admin/translation/submit/page/{page.pk}/", {"locales": [english.pk]})
    assert response.status_code == 302
    translation = page.get_translation(english)
    assert translation.get_parent().specific == site_pages["en"]["news"]
    translation.title = "A new rest station opens"
    translation.save_revision().publish()

    assert "A new rest station opens" in client.get("/en/news/new-station/").content.decode()
    zh_html = client.get("/news/new-station/").content.decode()
    assert 'hreflang="en" href="http://testserver/en/news/new-station/"' in zh_html
