"""The anonymous page cache (cms/page_cache.py): what is stored, for whom, and when it goes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

GUIDE = "/legal-guides/pay-and-piece-rates/"


def cache_state(response) -> str | None:
    return response.headers.get("X-Page-Cache")


def test_anonymous_page_is_served_from_the_cache(client, demo):
    first = client.get("/")
    assert cache_state(first) == "miss"
    with CaptureQueriesContext(connection) as hit:
        second = client.get("/")
    assert cache_state(second) == "hit"
    assert second.content == first.content
    assert len(hit) == 0  # no session, no Wagtail routing, no template
    # Security headers set inside the stack are kept on a hit.
    assert second["X-Frame-Options"] == first["X-Frame-Options"]
    assert second["Content-Type"] == first["Content-Type"]


def test_each_language_has_its_own_entry(client, demo):
    zh, en = client.get("/"), client.get("/en/")
    assert cache_state(zh) == cache_state(en) == "miss"
    zh_hit, en_hit = client.get("/"), client.get("/en/")
    assert cache_state(zh_hit) == cache_state(en_hit) == "hit"
    assert zh_hit.content == zh.content and en_hit.content == en.content
    assert 'lang="zh-hans"' in zh_hit.content.decode()
    assert 'lang="en"' in en_hit.content.decode()


def test_logged_in_users_never_get_or_fill_the_cache(client, demo):
    anonymous = client.get("/")
    assert cache_state(client.get("/")) == "hit"
    rider = demo["riders"][0]
    client.force_login(rider)
    for _ in range(2):
        own = client.get("/")
        assert cache_state(own) is None
        assert rider.first_name in own.content.decode()  # their own header
    client.logout()
    again = client.get("/")
    assert cache_state(again) == "hit"
    assert again.content == anonymous.content
    assert rider.first_name not in again.content.decode()


def test_pages_with_forms_are_never_stored(client, demo):
    for _ in range(2):
        response = client.get("/survey/")
        assert response.status_code == 200
        assert cache_state(response) is None
        assert "csrfmiddlewaretoken" in response.content.decode()


def test_errors_and_other_views_are_never_stored(client, demo):
    for _ in range(2):
        assert cache_state(client.get("/no-such-page/")) is None
        assert cache_state(client.get("/accounts/login/")) is None


def test_publish_purges(client, site_pages):
    client.get(GUIDE)
    assert cache_state(client.get(GUIDE)) == "hit"
    guide = site_pages["zh"]["pay-and-piece-rates"]
    guide.intro = "发布后的新导语。"
    guide.save_revision().publish()
    fresh = client.get(GUIDE)
    assert cache_state(fresh) == "miss"
    assert "发布后的新导语" in fresh.content.decode()


def test_unpublish_purges(client, site_pages):
    client.get(GUIDE)
    assert cache_state(client.get(GUIDE)) == "hit"
    site_pages["zh"]["pay-and-piece-rates"].unpublish()
    assert client.get(GUIDE).status_code == 404


def test_move_purges(client, site_pages):
    guide = site_pages["zh"]["pay-and-piece-rates"]
    client.get(GUIDE)
    assert cache_state(client.get(GUIDE)) == "hit"
    guide.move(site_pages["home"], pos="last-child")
    old = client.get(GUIDE)  # Wagtail's redirect to the new place, not the stored page
    assert old.status_code == 301 and cache_state(old) is None
    assert old["Location"].endswith("/pay-and-piece-rates/")
    assert client.get("/pay-and-piece-rates/").status_code == 200


def test_turned_off_with_zero_seconds(client, demo, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/")
    assert cache_state(client.get("/")) is None
