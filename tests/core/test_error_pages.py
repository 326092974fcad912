"""403/404/409 pages a person can read: styled (the site's own page), in the page's language,
carrying the service's real reason, and no developer text."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tests.ballots.conftest import core, make_ballot, now  # noqa: F401 - shared fixtures
from unionhome.core.error_pages import DomainErrorPageMiddleware
from unionhome.core.errors import Conflict

pytestmark = pytest.mark.django_db


def test_unknown_page_is_a_styled_404_in_each_language(client, core):  # noqa: F811
    response = client.get("/no-such-page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in body and 'class="site-header"' in body and "<h1>" in body
    body = client.get("/en/no-such-page/").content.decode()
    assert "Page not found" in body and "页面不存在" not in body


def test_results_before_close_say_why_in_chinese_and_english(client, core, make_ballot):  # noqa: F811
    ballot = make_ballot()
    client.force_login(core["riders"][0])
    with translation.override("zh-hans"):
        url = reverse("ballots:results", args=[ballot.pk])
    response = client.get(url)
    body = response.content.decode()
    assert response.status_code == 403
    assert "表决结束后公布结果。" in body and "不能打开此页面" in body
    assert "403 Forbidden" not in body
    body = client.get("/en" + url).content.decode()
    assert "Results are published when the ballot closes." in body


def test_django_texts_stay_hidden(client, core):  # noqa: F811
    client.force_login(core["riders"][0])
    body = client.get("/ballots/999999/results/").content.decode()
    assert "matches the given query" not in body
    assert "页面不存在" in body


def test_an_uncaught_domain_conflict_is_a_409_page():
    request = RequestFactory().get("/something/")
    request.user = type("Anon", (), {"is_authenticated": False})()
    with translation.override("zh-hans"):
        response = DomainErrorPageMiddleware(lambda r: None).process_exception(
            request, Conflict("already", "您已经投过票了。")
        )
    assert response.status_code == 409
    assert "您已经投过票了。" in response.content.decode()
    api = RequestFactory().get("/api/v1/ballots")
    assert (
        DomainErrorPageMiddleware(lambda r: None).process_exception(api, Conflict("x", "y")) is None
    )
