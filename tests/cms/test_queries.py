"""Index pages cost a fixed number of queries, however many items they list."""

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db

# Budgets measured on the demo content, with a little headroom; the point is that they do not
# grow with the number of items (see the tests that add items).
BUDGETS = {
    "/": 26,
    "/news/": 20,
    "/legal-guides/": 17,
    "/stations/": 18,
    "/unions/": 16,
}


def _more_news(site_pages, count: int) -> None:
    from cms.models import NewsPage

    index = site_pages["zh"]["news"]
    image = site_pages["zh"]["summer-cool-2026"].listing_image
    for number in range(count):
        page = NewsPage(
            title=f"更多新闻 {number}",
            slug=f"more-{number}",
            date=dt.date(2026, 1, 1) + dt.timedelta(days=number),
            intro="介绍",
            listing_image=image,
        )
        index.add_child(instance=page)
        page.tags.add("驿站", f"标签{number}")
        page.save()


@pytest.mark.parametrize(("path", "budget"), sorted(BUDGETS.items()))
def test_index_pages_stay_within_their_query_budget(
    client, demo, django_assert_max_num_queries, path, budget
):
    client.get(path)  # renditions are made once, on the first view
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(budget):
        assert client.get(path).status_code == 200


def test_news_index_queries_do_not_grow_with_items(client, site_pages):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/news/")
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get("/news/")
    _more_news(site_pages, 6)
    client.get("/news/")
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        html = client.get("/news/").content.decode()
    assert "更多新闻 5" in html
    assert len(many) <= len(few)


def test_home_queries_do_not_grow_with_items(client, site_pages):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get("/")
    _more_news(site_pages, 4)
    client.get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        client.get("/")
    assert len(many) <= len(few)


def test_home_lists_are_served_from_the_fragment_cache(client, demo):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get("/")
    with CaptureQueriesContext(connection) as warm:
        html = client.get("/").content.decode()
    assert any("cms_newspage" in q["sql"] for q in cold.captured_queries)
    assert not any("cms_newspage" in q["sql"] for q in warm.captured_queries)
    assert "冬送温暖" in html
    assert len(warm) < len(cold)


def test_station_index_is_served_from_the_fragment_cache(client, demo):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/stations/")
    with CaptureQueriesContext(connection) as warm:
        html = client.get("/stations/").content.decode()
    assert not any("cms_reststation" in q["sql"] for q in warm.captured_queries)
    assert "骑手路爱心驿站" in html


def test_publishing_news_refreshes_the_cached_home_lists(client, site_pages):
    from cms.models import NewsPage

    assert "刚刚发布的新闻" not in client.get("/").content.decode()
    index = site_pages["zh"]["news"]
    page = NewsPage(title="刚刚发布的新闻", slug="just-now", date=dt.date.today(), intro="新")
    index.add_child(instance=page)
    page.save_revision().publish()
    assert "刚刚发布的新闻" in client.get("/").content.decode()


def test_editing_a_station_refreshes_the_cached_station_list(client, demo):
    from legalaid.models import Station

    client.get("/stations/")
    station = Station.objects.get(name="骑手路爱心驿站")
    station.name = "骑手路暖心驿站"
    station.save()
    assert "骑手路暖心驿站" in client.get("/stations/").content.decode()


def test_page_content_is_cached_and_refreshed_on_publish(client, site_pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    path = "/legal-guides/pay-and-piece-rates/"
    with CaptureQueriesContext(connection) as cold:
        first = client.get(path).content.decode()
    with CaptureQueriesContext(connection) as warm:
        second = client.get(path).content.decode()
    assert "计件单价" in first and "计件单价" in second
    assert len(warm) < len(cold)

    guide = site_pages["zh"]["pay-and-piece-rates"]
    guide.intro = "更新后的导语：先算一算每小时收入。"
    guide.save_revision().publish()
    assert "更新后的导语" in client.get(path).content.decode()


def test_form_pages_are_never_served_from_the_content_cache(client, demo):
    first = client.post("/survey/", {}).content.decode()
    assert 'class="errorlist' in first
    second = client.get("/survey/").content.decode()
    assert 'class="errorlist' not in second
