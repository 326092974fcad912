"""Sitemap, robots.txt and the pieces chat apps and crawlers read."""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.cms.urls")]


def test_sitemap_lists_pages_in_both_languages(client, demo):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert "/legal-guides/pay-and-piece-rates/</loc>" in xml
    assert "/en/legal-guides/pay-and-piece-rates/</loc>" in xml
    assert "/en/news/winter-warmth-2026/</loc>" in xml
    assert "<lastmod>" in xml


def test_sitemap_leaves_out_unpublished_pages(client, site_pages):
    site_pages["en"]["about"].unpublish()
    xml = client.get("/sitemap.xml").content.decode()
    assert "/en/about/</loc>" not in xml
    assert "/about/</loc>" in xml


def test_robots_txt_points_at_the_sitemap_and_keeps_crawlers_out_of_member_pages(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /admin/" in text
    assert "Disallow: /api/" in text
