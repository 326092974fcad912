"""Staff work in the Wagtail admin: stations (one admin for every kind), translations with
Wagtail's tools."""

import pytest
from wagtail.models import Locale

pytestmark = pytest.mark.django_db


def _station_post(**overrides):
    data = {
        "union": "",
        "name": "测试驿站",
        "name_en": "Test Station",
        "kind": "rest_station",
        "company": "",
        "offers": "",
        "offers_en": "",
        "address": "测试路 9 号",
        "address_en": "9 Test Road",
        "district": "浦江区",
        "latitude": "",
        "longitude": "",
        "opening_hours": "每天",
        "opening_hours_en": "",
        "amenities": "饮用水\n卫生间",
        "amenities_en": "Drinking water\nToilet",
        "phone": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


def test_union_staff_add_a_rest_station_with_english_text(client, demo):
    from legalaid.models import Station

    client.force_login(demo["union_admin"])
    listing = client.get("/admin/legalaid_stations/")
    assert listing.status_code == 200
    assert "骑手路爱心驿站" in listing.content.decode()
    form = client.get("/admin/legalaid_stations/new/").context["form"]
    assert {"name_en", "address_en", "opening_hours_en", "amenities_en", "offers_en"} <= set(
        form.fields
    )
    response = client.post(
        "/admin/legalaid_stations/new/", _station_post(union=str(demo["union"].pk))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    station = Station.objects.get(name="测试驿站")
    assert station.kind == "rest_station"
    assert station.name_en == "Test Station"
    assert station.amenity_list == ["饮用水", "卫生间"]


def test_union_staff_cannot_put_a_station_under_another_union(client, demo):
    from legalaid.models import Station

    client.force_login(demo["union_admin"])
    response = client.post(
        "/admin/legalaid_stations/new/", _station_post(union=str(demo["federation"].pk))
    )
    assert response.status_code == 200
    assert not Station.objects.filter(name="测试驿站").exists()


def test_station_coordinates_are_checked_by_the_database(demo):
    from django.db import IntegrityError, transaction

    from legalaid.models import Station

    with pytest.raises(IntegrityError), transaction.atomic():
        Station.objects.create(
            union=demo["union"], name="x", district="d", address="a", latitude=95
        )


def test_members_cannot_reach_the_station_admin(client, demo):
    client.force_login(demo["riders"][0])
    response = client.get("/admin/legalaid_stations/")
    assert response.status_code == 302


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
